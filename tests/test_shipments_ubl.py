"""OASIS UBL 2.0 samples (../shared/reference/documents/samples/oasis-ubl), values read by eye."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REFERENCE

from tradescreen.shipments.base import NotAShipmentDocument
from tradescreen.shipments.importers.ubl import load_shipments

UBL = REFERENCE / "documents" / "samples" / "oasis-ubl"


def test_every_sample_parses() -> None:
    samples = sorted(UBL.glob("*.xml"))
    assert len(samples) == 3
    for path in samples:
        result = load_shipments(path)
        assert len(result.shipments) == 1 and result.errors == []
        raw = path.read_text(encoding="utf-8")
        items = len(re.findall(r"<cac:GoodsItem>", raw)) or len(re.findall(r"<cac:LineItem>", raw))
        assert len(result.shipments[0].goods) == items


def test_waybill() -> None:
    (s,) = load_shipments(UBL / "UBL-Waybill-2.0-Example-International.xml").shipments
    assert s.id == "KHN23-44044-1"
    parties = [(p.role, p.name, p.country) for p in s.parties]
    assert parties[:6] == [
        ("shipper", "Consortial", "us"), ("carrier", "United Airfreight", None),
        ("freight_forwarder", "One-Stop Forwarders", "us"), ("consignee", "IYT Corporation", "gb"),
        ("notify_party", "IYT Corporation", "gb"), ("ultimate_consignee", "The Terminus", "gb")]
    assert ("carrier", "Keep On Trucking", None) in parties
    (g,) = s.goods
    assert (g.description, g.hs_code, g.origin_country, g.value, g.currency) == (
        "Acme beeswax", "15219000", "mx", 1000.0, "USD")
    assert g.provenance is not None and g.provenance.at("hs_code") == "/Waybill/Shipment/Consignment/TariffCode"
    route = [(r.role, r.unlocode, r.country) for r in s.route]
    for point in [("port_of_loading", "USBOS", "us"), ("transshipment", "GBLHR", "gb"),
                  ("port_of_discharge", "GBBRS", "gb"), ("final_destination", None, "gb")]:
        assert point in route
    assert s.flight == "UA 1234"
    assert (s.terms.incoterms, s.terms.place) == ("FOB Destination", "GBBRS")


def test_forwarding_instructions_and_order() -> None:
    (fi,) = load_shipments(UBL / "UBL-ForwardingInstructions-2.0-Example-International.xml").shipments
    assert [p.role for p in fi.parties] == ["shipper", "freight_forwarder", "consignee", "notify_party",
                                            "ultimate_consignee"]
    assert [(r.role, r.country) for r in fi.route] == [("country_of_dispatch", "us"), ("final_destination", "gb")]
    (order,) = load_shipments(UBL / "UBL-Order-2.0-Example-International.xml").shipments
    assert [(p.role, p.name, p.country) for p in order.parties] == [
        ("buyer", "IYT Corporation", "gb"), ("seller", "Consortial", "us"), ("other", "The Terminus", "gb")]
    assert ("VAT", "12356478") in [(i.scheme, i.value) for i in order.parties[2].identifiers]
    (line,) = order.goods
    assert (line.description, line.quantity, line.unit, line.value) == ("Beeswax", 100.0, "KGM", 1000.0)
    assert (order.declared_total, order.currency) == (1000.0, "USD")


def test_malformed_and_foreign_xml(tmp_path: Path) -> None:
    raw = (UBL / "UBL-Waybill-2.0-Example-International.xml").read_text(encoding="utf-8")
    broken = tmp_path / "w.xml"
    broken.write_text(raw[: len(raw) // 2], encoding="utf-8")
    with pytest.raises(NotAShipmentDocument, match="not well-formed"):
        load_shipments(broken)
    foreign = tmp_path / "f.xml"
    foreign.write_text("<root xmlns='urn:example'><a/></root>", encoding="utf-8")
    with pytest.raises(NotAShipmentDocument, match="OASIS UBL"):
        load_shipments(foreign)


def test_nameless_party_is_reported_and_the_rest_loads(tmp_path: Path) -> None:
    raw = (UBL / "UBL-ForwardingInstructions-2.0-Example-International.xml").read_text(encoding="utf-8")
    start = raw.index("<cac:FreightForwarderParty>")
    end = raw.index("</cac:FreightForwarderParty>")
    path = tmp_path / "fi.xml"
    path.write_text(raw[:start] + "<cac:FreightForwarderParty><cac:Contact/>" + raw[end:], encoding="utf-8")
    result = load_shipments(path)
    assert [(i.location, i.field) for i in result.issues] == [("/ForwardingInstructions/FreightForwarderParty", "PartyName")]
    assert "freight_forwarder" not in [p.role for p in result.shipments[0].parties]
    assert result.shipments[0].goods[0].hs_code == "15219000"
