"""UK CDS / WCO DEC-DMS export declarations (../shared/reference/documents/samples/customs-declarations-hmrc-wco)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REFERENCE

from tradescreen.shipments.base import NotAShipmentDocument
from tradescreen.shipments.importers.wco_declaration import load_shipments

WCO = REFERENCE / "documents" / "samples" / "customs-declarations-hmrc-wco"


def test_every_sample_parses_with_its_goods_items() -> None:
    samples = sorted(WCO.glob("*.xml"))
    assert len(samples) == 3
    for path in samples:
        raw = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        (s,) = load_shipments(path).shipments
        assert len(s.goods) == raw.count("<GovernmentAgencyGoodsItem>")


def test_controlled_goods_with_licences() -> None:
    (s,) = load_shipments(WCO / "TT_EX013b.export-declaration-controlled-goods-licences.xml").shipments
    assert s.id == "U.78494313RFYI" and s.source is not None and s.source.document_type == "EXY"
    exporter = next(p for p in s.parties if p.role == "exporter")
    assert exporter.name is None
    assert [(i.scheme, i.value, i.country) for i in exporter.identifiers] == [("EORI", "XI896458895015", "gb")]
    consignee = next(p for p in s.parties if p.role == "consignee")
    assert (consignee.name, consignee.country) == ("Mr Daniel Obutenrey", "gb")
    rifle, suppressor = s.goods
    assert (rifle.description, rifle.hs_code, rifle.hs_scheme) == ("Sniper Rifle with 27' barrel", "93019000", "CN")
    assert ("X002", "GBOIE920001-00002") in [(x.type, x.number) for x in rifle.licences]
    assert ("PROCEDURE", "1CG") in [(c.scheme, c.value) for c in rifle.other_codes]
    assert ("TARIC_ADDITIONAL", "4061") in [(c.scheme, c.value) for c in rifle.other_codes]
    assert (suppressor.hs_code, suppressor.licence) == ("93059100", "GBOGE920002-00001")
    assert (rifle.value, rifle.currency) == (50000.0, "GBP")
    assert s.vessel is not None and (s.vessel.name, s.vessel.flag) == ("MSCSUPERGUN", "gb")
    assert (s.declared_total, s.currency) == (100000.0, "GBP")
    assert rifle.provenance is not None and rifle.provenance.at("hs_code").endswith(
        "/GovernmentAgencyGoodsItem[1]/Commodity/Classification[1]")


def test_sea_export_with_routing_countries() -> None:
    (s,) = load_shipments(WCO / "TT_EX001a.export-declaration.xml").shipments
    assert [(p.role, p.name, p.country) for p in s.parties] == [
        ("exporter", None, None), ("other", None, None), ("carrier", None, None),
        ("consignee", "Packings Import Incorporated", "us")]
    assert [(r.role, r.country) for r in s.route if r.role != "goods_location"] == [
        ("country_of_dispatch", "gb"), ("routing_country", "gb"), ("routing_country", "ca"),
        ("routing_country", "us"), ("final_destination", "us")]
    (g,) = s.goods
    assert (g.hs_code, g.value, g.gross_kg, g.net_kg) == ("46021910", 200.0, 10.0, 5.0)
    assert any(r.type == "DUCR" and r.value == "5GB348579783333-AVCVSC" for r in s.references)


def test_consignor_sample_by_air() -> None:
    (s,) = load_shipments(WCO / "New_Export_C21e_Consignor_Sample.xml").shipments
    shipper = next(p for p in s.parties if p.role == "shipper")
    assert (shipper.name, shipper.country) == ("Mr.ConsignorKR00400", "kr")
    assert next(p for p in s.parties if p.role == "consignee").country == "jp"
    assert [r.country for r in s.route if r.role == "final_destination"] == ["jp"]
    assert s.goods[0].description == "Paper Envelopes" and s.goods[0].hs_code is None
    assert s.flight == "98765"


def test_bad_country_is_reported_and_the_rest_loads(tmp_path: Path) -> None:
    raw = (WCO / "TT_EX001a.export-declaration.xml").read_text(encoding="utf-8")
    path = tmp_path / "d.xml"
    path.write_text(raw.replace("<RoutingCountryCode>CA</RoutingCountryCode>",
                                "<RoutingCountryCode>QQ</RoutingCountryCode>"), encoding="utf-8")
    result = load_shipments(path)
    assert [(i.field, i.severity) for i in result.issues] == [("RoutingCountryCode", "warning")]
    assert "Itinerary[2]" in result.issues[0].location
    assert [r.country for r in result.shipments[0].route if r.role == "routing_country"] == ["gb", "us"]


def test_not_a_declaration(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<Invoice/>", encoding="utf-8")
    with pytest.raises(NotAShipmentDocument, match="WCO DEC-DMS"):
        load_shipments(path)
