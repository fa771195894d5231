"""The shipment model's shared behaviour: role vocabulary, destinations, JSON round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradescreen.shipments import PARTY_ROLES, load
from tradescreen.shipments.normalise import (
    locode_country,
    normalise_role,
    normalise_roles,
    normalise_route_role,
    number,
)


@pytest.mark.parametrize(
    "written, role",
    [("Notify Party", "notify_party"), ("CN", "consignee"), ("SHIPPER", "shipper"), ("Consignor", "shipper"),
     ("NFY", "notify_party"), ("DDR", "freight_forwarder"), ("Consignee (Ship to)", "consignee"),
     ("End User (per end-user statement)", "end_user"), ("Buyer (Sold to)", "buyer"), ("USPPI", "exporter"),
     ("Ultimate Consignee", "ultimate_consignee"), ("Intermediate consignee", "intermediate_consignee"),
     ("Issuing Bank", "bank"), ("SCO", "other"), ("Manufacturer", "manufacturer"), ("Importer of record", "importer")],
)
def test_written_roles_map_to_the_vocabulary(written: str, role: str) -> None:
    assert normalise_role(written) == role
    assert role in PARTY_ROLES


def test_a_double_label_is_two_roles_and_an_unknown_one_none() -> None:
    assert normalise_roles("Seller / Exporter") == ["seller", "exporter"]
    assert normalise_role("Chief Wizard") is None
    assert normalise_roles("Seller Invoice No.: 123", strict=True) == []


def test_route_roles_and_locodes() -> None:
    assert normalise_route_role("POL") == "port_of_loading"
    assert normalise_route_role("Transhipment") == "transshipment"
    assert normalise_route_role("Country of final destination") == "final_destination"
    assert locode_country("UASVP") == "ua"
    assert locode_country("XZAAA") is None  # international waters


@pytest.mark.parametrize("text, value", [("1,250.00", 1250.0), ("1.250,00", 1250.0), ("12 000", 12000.0),
                                         ("EUR 40.5", 40.5), ("abc", None), ("1,200", 1200.0)])
def test_numbers_as_people_write_them(text: str, value: float | None) -> None:
    assert number(text) == value




def test_examples_round_trip_through_native_json(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[1] / "examples"
    first = load(examples)
    assert len(first.shipments) == len(list(examples.glob("*.json")))
    out = tmp_path / "all.json"
    out.write_text(json.dumps([s.to_dict() for s in first.shipments], ensure_ascii=False), encoding="utf-8")
    second = load(out)
    assert [i for i in second.issues if i.severity == "error"] == []
    for a, b in zip(first.shipments, second.shipments):
        assert a.to_dict() == b.to_dict()
