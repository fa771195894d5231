"""UN/LOCODE lookup and route rules: hubs towards Russia, high-priority goods via hubs, end user elsewhere."""

from __future__ import annotations

import csv

import pytest
from conftest import REFERENCE

from tradescreen.destinations.model import RoutePoint as P
from tradescreen.destinations.routes import check_route, destinations_of
from tradescreen.goods.model import GoodsInput
from tradescreen.redflags.facts import Party, ShipmentFacts
from tradescreen.rules import Reference


@pytest.fixture(scope="module")
def ref() -> Reference:
    return Reference.load(REFERENCE)


def test_locations_load_every_row(ref: Reference) -> None:
    with (REFERENCE / "documents" / "unlocode" / "unlocode-code-list.csv").open(encoding="utf-8") as fh:
        rows = {r["locode"] for r in csv.DictReader(fh)}
    assert len(ref.locations.by_code) == len(rows)
    yalta = ref.locations.get("UA YAL")
    assert yalta is not None and yalta.subdivision == "UA-43" and yalta.subdivision_source == "unlocode"
    kerch = ref.locations.get("UAKEH")
    assert kerch is not None and kerch.subdivision == "UA-43" and kerch.subdivision_source == "rule table"
    assert ref.locations.country_of("RUNVS") == "RU"
    assert ref.locations.get("XXXXX") is None


def _rules(findings: list) -> dict[str, str]:
    return {f.rule: f.severity for f in findings}


def test_hub_before_russia(ref: Reference) -> None:
    facts = ShipmentFacts("s1", route=(P("port_of_loading", locode="DEHAM"), P("transshipment", locode="TRMER"),
                                       P("final_destination", locode="RUMOW")))
    assert _rules(check_route(facts, ref.rules, locations=ref.locations)).get("route.hub_to_russia") == "review"


def test_hub_without_russia_is_no_hub_finding(ref: Reference) -> None:
    facts = ShipmentFacts("s2", route=(P("port_of_loading", locode="DEHAM"), P("transshipment", locode="TRMER"),
                                       P("port_of_discharge", locode="EGALY")))
    assert "route.hub_to_russia" not in _rules(check_route(facts, ref.rules, locations=ref.locations))


def test_chpl_goods_via_hub(ref: Reference) -> None:
    route = (P("port_of_loading", "DE"), P("transshipment", "AE"), P("port_of_discharge", "EG"))
    chpl = ShipmentFacts("s3", goods=(GoodsInput("MCU", "8542.31", ref="goods[0]"),), route=route)
    assert _rules(check_route(chpl, ref.rules)).get("route.chpl_via_hub") == "review"
    plain = ShipmentFacts("s4", goods=(GoodsInput("Chairs", "9401.61"),), route=route)
    assert "route.chpl_via_hub" not in _rules(check_route(plain, ref.rules))


def test_end_user_elsewhere(ref: Reference) -> None:
    parties = (Party("consignee", "Trade FZE", "AE"), Party("end_user", "Zavod OOO", "RU"))
    f = _rules(check_route(ShipmentFacts("s5", parties=parties), ref.rules))
    assert f.get("route.end_user_elsewhere") == "review"
    same = (Party("consignee", "Werk GmbH", "DE"), Party("end_user", "Werk GmbH", "DE"))
    assert "route.end_user_elsewhere" not in _rules(check_route(ShipmentFacts("s6", parties=same), ref.rules))
    benign = (Party("consignee", "Importer GmbH", "DE"), Party("end_user", "Fabryka", "PL"))
    assert _rules(check_route(ShipmentFacts("s7", parties=benign), ref.rules)).get("route.end_user_elsewhere") == "info"


def test_destinations_of_counts_end_user_and_route(ref: Reference) -> None:
    facts = ShipmentFacts("s8", parties=(Party("consignee", "A", "KZ"), Party("end_user", "B", "RU"),
                                         Party("shipper", "C", "DE")),
                          route=(P("port_of_loading", locode="DEHAM"), P("port_of_discharge", locode="UASVP")))
    dests = destinations_of(facts, ref.locations)
    assert {d.iso2 for d in dests} == {"KZ", "RU", "UA"}
    sev = next(d for d in dests if d.locode == "UASVP")
    assert sev.subdivision == "UA-40"
