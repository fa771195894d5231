"""The case tradescreen exists for, run through the goods, destination, route and red-flag checks together."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, REFERENCE

from tradescreen.destinations.jurisdictions import check_destinations
from tradescreen.destinations.model import RoutePoint
from tradescreen.destinations.routes import check_route, destinations_of
from tradescreen.findings import verdict
from tradescreen.goods.controls import check_goods
from tradescreen.goods.descriptions import analyse_description
from tradescreen.goods.model import GoodsInput
from tradescreen.redflags import check_red_flags
from tradescreen.redflags.facts import Party, ShipmentFacts
from tradescreen.rules import Reference

ALL = {"US", "EU", "UK", "UN"}


@pytest.fixture(scope="module")
def ref() -> Reference:
    return Reference.load(REFERENCE)


def _facts(path: str) -> ShipmentFacts:
    data = json.loads((FIXTURES / "goods" / path).read_text(encoding="utf-8"))
    return ShipmentFacts(
        data["id"],
        parties=tuple(Party(p["role"], p["name"], p.get("country"), p.get("address"), f"parties[{i}]", p.get("phone"))
                      for i, p in enumerate(data["parties"])),
        goods=tuple(GoodsInput(g["description"], g.get("hs_code"), g.get("origin_country"), f"goods[{i}]")
                    for i, g in enumerate(data["goods"])),
        route=tuple(RoutePoint(r["role"], r.get("country"), r.get("unlocode"), ref=f"route[{i}]")
                    for i, r in enumerate(data["route"])),
    )


def _screen(facts: ShipmentFacts, ref: Reference) -> list:
    dests = destinations_of(facts, ref.locations)
    findings = check_destinations(dests, ALL, ref)
    for line in facts.goods:
        findings += check_goods(line, dests, ALL, ref.rules)
        findings += analyse_description(line.description, line.hs_code, ref.nomenclature, ref.rules, ref=line.ref)
    findings += check_route(facts, ref.rules, ALL, ref.locations)
    findings += check_red_flags(facts, ref.rules, locations=ref.locations)
    return findings


def test_helicopter_spares_via_forwarder_are_blocked(ref: Reference) -> None:
    findings = _screen(_facts("helicopter_spares_via_forwarder.json"), ref)
    rules = {f.rule for f in findings}
    assert verdict(findings) == "block"
    assert {"goods.eu833.annex_xi", "goods.ear746.supp4", "goods.code_older_edition",
            "goods.indicator.military_aircraft_type", "goods.description_mismatch", "route.hub_to_russia",
            "route.end_user_elsewhere", "redflag.forwarder_consignee", "redflag.po_box"} <= rules
    # +7 is Russia's code and Russia is the end user's country, so the phone matches a destination (UKRA-07).
    assert "redflag.phone_country" not in rules
    annex = next(f for f in findings if f.rule == "goods.eu833.annex_xi" and f.evidence["ref"] == "goods[0]")
    assert annex.severity == "block" and "8807.30" in annex.message


def test_same_goods_to_an_ordinary_eu_buyer_are_clear(ref: Reference) -> None:
    facts = ShipmentFacts(
        "eu",
        parties=(Party("seller", "Example Aero Trading GmbH", "DE"), Party("consignee", "Aeroclub Lyon SA", "FR"),
                 Party("end_user", "Aeroclub Lyon SA", "FR")),
        goods=(GoodsInput("Microcontrollers STM32F405", "8542.31", ref="goods[0]"),
               GoodsInput("GNSS receiver module", "8526.91", ref="goods[1]")),
        route=(RoutePoint("port_of_loading", "DE"), RoutePoint("place_of_delivery", "FR")),
    )
    assert verdict(_screen(facts, ref)) == "clear"
