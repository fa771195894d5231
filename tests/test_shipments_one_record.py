"""IATA ONE Record JSON-LD: the shared samples and a fictional waybill with parties."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, REFERENCE

from tradescreen.shipments.base import NotAShipmentDocument
from tradescreen.shipments.importers.one_record import load_shipments

ONE = REFERENCE / "documents" / "samples" / "iata-one-record"


def test_cimp_example_products_become_goods_lines() -> None:
    result = load_shipments(ONE / "cimp-example1.repaired.jsonld")
    (s,) = result.shipments
    assert s.id == "https://example.org/Waybill"
    # six pieces share two products (FWB NH lines 123456 and 987543)
    assert [(g.description, g.hs_code) for g in s.goods] == [
        ("ELECTRICALS NOT RESTRICTED", "123456"), ("ELECTRICALS NOT RESTRICTED", "987543")]
    assert s.goods[0].provenance is not None and s.goods[0].provenance.at("hs_code") == "/@graph/1/cargo:hsCode"


def test_original_cimp_example_is_broken_json_reported_with_line_and_column() -> None:
    result = load_shipments(ONE / "cimp-example1.original.jsonld")
    assert result.shipments == []
    assert [(i.severity, i.location) for i in result.issues] == [("error", "line 316, column 29")]


def test_embedded_shipment_and_lone_objects() -> None:
    (s,) = load_shipments(ONE / "shipment-with-piece.embedded.jsonld").shipments
    assert [g.description for g in s.goods] == ["Lots of awesome ONE Record information materials"]
    for name in ("company.jsonld", "customs-information.jsonld"):
        result = load_shipments(ONE / name)
        assert result.shipments == [] and [i.field for i in result.issues] == ["@type"]


def test_fictional_waybill_with_parties_products_and_locations() -> None:
    (s,) = load_shipments(FIXTURES / "shipments" / "one-record-waybill.jsonld").shipments
    assert s.id == "999-00000022"
    assert [(p.role, p.raw_role, p.name, p.country) for p in s.parties] == [
        ("shipper", "SHP", "Example Luftfahrt Zubehoer GmbH", "de"),
        ("consignee", "CNE", "Example Avia Parts Trading LLC", "am"),
        ("notify_party", "NFY", "Example Notifier", None)]
    assert [(g.description, g.hs_code, g.origin_country) for g in s.goods] == [
        ("Fibre-optic gyroscope, navigation grade", "901420", "us"), ("Aircraft brake discs", "880730", "fr")]
    assert [(r.role, r.unlocode, r.country) for r in s.route] == [
        ("port_of_loading", "DEFRA", "de"), ("port_of_discharge", "AMEVN", "am")]
    assert (s.declared_total, s.currency, s.terms.incoterms) == (41000.0, "EUR", "FCA")


def test_nameless_party_is_reported(tmp_path: Path) -> None:
    raw = (FIXTURES / "shipments" / "one-record-waybill.jsonld").read_text(encoding="utf-8")
    path = tmp_path / "w.jsonld"
    path.write_text(raw.replace('"cargo:name": "Example Avia Parts Trading LLC",', ""), encoding="utf-8")
    result = load_shipments(path)
    assert [(i.location, i.field) for i in result.issues] == [("/@graph/0/cargo:involvedParties/1", "partyDetails")]
    assert len(result.shipments[0].goods) == 2


def test_plain_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(NotAShipmentDocument, match="ONE Record"):
        load_shipments(path)
