"""tradescreen's own JSON: the minimal shape, the forgiving parts, and bad records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradescreen.shipments.base import NotAShipmentDocument
from tradescreen.shipments.importers.native_json import SCHEMA_PATH, load_shipments

MINIMAL = {
    "id": "S-1",
    "parties": [{"role": "Notify Party", "name": "Example Notify Ltd", "country": "Germany",
                 "identifiers": [{"scheme": "eori", "value": "DE1"}]},
                {"role": "CN", "name": "Example Consignee LLC", "country": "AE", "address": ["Line 1", "Dubai"]}],
    "goods": [{"description": "Processors", "hs_code": "8542.31", "origin_country": "US", "quantity": "1,200",
               "value": 3000, "currency": "USD"},
              {"description": "Rotor blades", "hs_code": "8803 30 00"}],
    "route": [{"role": "POL", "unlocode": "DEHAM"}, {"role": "final_destination", "country": "RU"}],
    "vessel": {"name": "EXAMPLE STAR", "imo": "IMO 9999990"},
}


def _write(tmp_path: Path, data: object, name: str = "s.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_schema_file_is_valid_json_schema() -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def test_minimal_shape_loads_with_roles_countries_and_raw_codes(tmp_path: Path) -> None:
    result = load_shipments(_write(tmp_path, MINIMAL))
    assert result.issues == []
    (s,) = result.shipments
    assert [(p.role, p.raw_role, p.country) for p in s.parties] == [
        ("notify_party", "Notify Party", "de"), ("consignee", "CN", "ae")]
    assert s.parties[0].identifiers[0].scheme == "EORI"
    assert s.parties[1].address == "Line 1, Dubai"
    assert [g.hs_code for g in s.goods] == ["8542.31", "8803 30 00"]
    assert s.goods[0].quantity == 1200.0 and s.goods[0].origin_country == "us"
    assert [(r.role, r.unlocode, r.country) for r in s.route] == [
        ("port_of_loading", "DEHAM", "de"), ("final_destination", None, "ru")]
    assert s.vessel is not None and s.vessel.imo == "9999990"
    assert s.parties[1].provenance is not None and s.parties[1].provenance.at("name") == "/parties/1/name"


def test_list_wrapper_and_json_lines_forms(tmp_path: Path) -> None:
    other = dict(MINIMAL, id="S-2")
    assert [s.id for s in load_shipments(_write(tmp_path, [MINIMAL, other])).shipments] == ["S-1", "S-2"]
    assert [s.id for s in load_shipments(_write(tmp_path, {"shipments": [other]})).shipments] == ["S-2"]
    lines = tmp_path / "s.jsonl"
    lines.write_text(json.dumps(MINIMAL) + "\n\n" + json.dumps(other) + "\n", encoding="utf-8")
    result = load_shipments(lines)
    assert [s.id for s in result.shipments] == ["S-1", "S-2"]
    assert result.shipments[1].parties[0].provenance.file == "s.jsonl"


def test_bad_records_are_named_with_their_field_and_the_rest_loads(tmp_path: Path) -> None:
    bad_goods = dict(MINIMAL, id="S-BAD", goods=[{"hs_code": "8542.31", "value": "lots"}])
    no_id = {k: v for k, v in MINIMAL.items() if k != "id"}
    result = load_shipments(_write(tmp_path, [MINIMAL, bad_goods, no_id, 42]))
    assert [s.id for s in result.shipments] == ["S-1", "S-BAD", "s#2"]
    errors = {(i.location, i.field) for i in result.issues if i.severity == "error"}
    assert ("shipment S-BAD", "/1/goods/0/description") in errors
    assert ("shipment S-BAD", "/1/goods/0/value") in errors
    assert ("record 2", "/2/id") in errors
    assert ("record 3", None) in errors
    # the bad goods line still keeps its code: a screening tool must not lose it
    assert result.shipments[1].goods[0].hs_code == "8542.31"


def test_json_lines_with_a_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(MINIMAL) + "\n{broken\n" + json.dumps(dict(MINIMAL, id="S-3")) + "\n", encoding="utf-8")
    result = load_shipments(path)
    assert [s.id for s in result.shipments] == ["S-1", "S-3"]
    assert [(i.location, i.severity) for i in result.issues] == [("line 2", "error")]


def test_unknown_role_country_and_numeric_hs_code_are_warnings(tmp_path: Path) -> None:
    data = dict(MINIMAL, parties=[{"role": "Chief Wizard", "name": "X", "country": "Atlantis"}],
                goods=[{"description": "Pumps", "hs_code": 841370}])
    result = load_shipments(_write(tmp_path, data))
    assert result.shipments[0].parties[0].role == "other"
    assert result.shipments[0].goods[0].hs_code == "841370"
    assert {(i.severity, i.field) for i in result.issues} == {
        ("warning", "/parties/0/role"), ("warning", "/parties/0/country"), ("warning", "/goods/0/hs_code")}


def test_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("this is not json", encoding="utf-8")
    with pytest.raises(NotAShipmentDocument, match="expected tradescreen shipment JSON"):
        load_shipments(path)
