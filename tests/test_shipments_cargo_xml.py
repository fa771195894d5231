"""IATA Cargo-XML XFWB/XFZB samples (../shared/reference/documents/samples/iata-cargo-xml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REFERENCE

from tradescreen.shipments.base import NotAShipmentDocument
from tradescreen.shipments.importers.iata_cargo_xml import load_shipments

XML = REFERENCE / "documents" / "samples" / "iata-cargo-xml"


@pytest.mark.parametrize("name", ["888-11111111_XFWB_ACAS_US.xml", "888-11111111_XFWB_multipleULD_multipleHTS.xml"])
def test_master_waybills(name: str) -> None:
    raw = (XML / name).read_text(encoding="utf-8")
    (s,) = load_shipments(XML / name, reference_dir=REFERENCE).shipments
    assert s.id == "888-11111111"
    assert [(p.role, p.name, p.country) for p in s.parties] == [
        ("shipper", "FORWARDER COMPANY IRELAND LTD", "ie"), ("consignee", "FORWARDER COMPANY SHANGHAI LTD", "cn"),
        ("freight_forwarder", "FORWARDER COMPANY IRELAND LIMITED", "ie")]
    assert ("TAX", "USCI1234567812345678X7", "cn") in [(i.scheme, i.value, i.country) for i in s.parties[1].identifiers]
    assert [g.hs_code for g in s.goods] == re.findall(r"<TypeCode>(\d{6,})</TypeCode>", raw)
    assert s.goods[0].description is not None and s.goods[0].description.startswith("CONSOLIDATION AS PER ATTACHED")
    assert [(r.role, r.iata_code, r.unlocode, r.country) for r in s.route] == [
        ("port_of_loading", "ORK", "IEORK", "ie"), ("transshipment", "DUB", "IEDUB", "ie"),
        ("transshipment", "AUH", "AEAUH", "ae"), ("port_of_discharge", "PVG", "CNPVG", "cn")]
    assert [leg.flight_no for leg in s.legs] == ["XX8012", "XX345"]


def test_house_waybill() -> None:
    (s,) = load_shipments(XML / "SEL22222222_XFZB.xml", reference_dir=REFERENCE).shipments
    assert s.id == "SEL22222222" and ("AWB", "888-11111111") in [(r.type, r.value) for r in s.references]
    assert [(p.role, p.name, p.country) for p in s.parties] == [
        ("shipper", "SPARE PART LTD.", "kr"), ("consignee", "REPAIR DIENST GMBH", "de")]
    assert [(g.description, g.hs_code) for g in s.goods] == [("SPARE PARTS", "1133557799")]
    assert [(r.role, r.unlocode) for r in s.route] == [
        ("port_of_loading", "KRICN"), ("transshipment", "DEFRA"), ("port_of_discharge", "DEFDH")]


def test_without_reference_data_airports_stay_codes_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADESCREEN_REFERENCE_DIR", raising=False)
    result = load_shipments(XML / "SEL22222222_XFZB.xml")
    assert [(r.iata_code, r.country) for r in result.shipments[0].route] == [("ICN", None), ("FRA", None), ("FDH", None)]
    assert [i.field for i in result.issues] == ["airport"]


def test_nameless_consignee_is_reported(tmp_path: Path) -> None:
    raw = (XML / "SEL22222222_XFZB.xml").read_text(encoding="utf-8")
    path = tmp_path / "h.xml"
    path.write_text(raw.replace("<Name>REPAIR DIENST GMBH</Name>", ""), encoding="utf-8")
    result = load_shipments(path, reference_dir=REFERENCE)
    assert [(i.field, i.location.endswith("ConsigneeParty")) for i in result.issues] == [("Name", True)]
    assert result.shipments[0].goods[0].hs_code == "1133557799"


def test_other_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<Waybill xmlns='urn:example'/>", encoding="utf-8")
    with pytest.raises(NotAShipmentDocument, match="Cargo-XML"):
        load_shipments(path)
