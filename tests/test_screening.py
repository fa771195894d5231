"""Shipments screened end to end against the real lists and rule tables, with expected verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, LISTS, REFERENCE

from tradescreen.entity import Entity
from tradescreen.importer import plan_import
from tradescreen.screening import ScreeningContext, ScreeningResult, screen_shipment
from tradescreen.shipments import load

CASES = FIXTURES / "screening"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def entities() -> list[Entity]:
    plan = plan_import([LISTS])
    out: list[Entity] = []
    for group in plan.groups:
        out.extend(group.fmt.parse(group.files, group.source).entities)
    return out


@pytest.fixture(scope="module")
def ctx(entities: list[Entity]) -> ScreeningContext:
    return ScreeningContext.build(entities, REFERENCE)


def _screen(ctx: ScreeningContext, path: Path) -> list[ScreeningResult]:
    loaded = load(path, reference_dir=REFERENCE)
    assert loaded.shipments, loaded.issues
    return [screen_shipment(s, ctx) for s in loaded.shipments]


def _rules(result: ScreeningResult, severity: str | None = None) -> set[str]:
    return {f.rule for f in result.findings if severity is None or f.severity == severity}


def test_military_aircraft_parts_as_civil_spares_to_russian_end_user_block(ctx: ScreeningContext) -> None:
    (result,) = _screen(ctx, CASES / "mil_aircraft_ru_end_user.json")
    assert result.verdict == "block"
    goods = [f for f in result.findings if f.kind == "goods" and f.severity == "block"]
    assert goods, result.findings
    assert any("Annex XI" in f.message and "Russia" in f.message for f in goods)
    assert not any(f.kind == "party" for f in result.findings), "fictional parties must not hit the lists"


def test_same_goods_through_forwarder_in_transshipment_country_still_block(ctx: ScreeningContext) -> None:
    (result,) = _screen(ctx, CASES / "mil_aircraft_via_forwarder.json")
    assert result.verdict == "block"
    rules = _rules(result)
    assert "redflag.forwarder_consignee" in rules
    assert "route.end_user_elsewhere" in rules
    # the Russian end user makes Russia a destination even though the consignee is in Kyrgyzstan
    assert any(f.kind == "goods" and f.severity == "block" and "Russia" in f.message for f in result.findings)


def test_drone_components_to_a_hub_need_review(ctx: ScreeningContext) -> None:
    (result,) = _screen(ctx, CASES / "drone_parts_to_hub.json")
    assert result.verdict == "review"
    assert {"goods.chpl.tier1", "goods.chpl.tier2"} <= _rules(result, "review")


def test_drone_components_to_an_ordinary_eu_buyer_are_clear(ctx: ScreeningContext) -> None:
    (result,) = _screen(ctx, CASES / "drone_parts_to_eu_buyer.json")
    assert result.verdict == "clear", [f.message for f in result.findings if f.severity != "info"]


def test_parties_sharing_words_with_listed_names_stay_clear(ctx: ScreeningContext) -> None:
    (result,) = _screen(ctx, CASES / "clean_shared_words.json")
    assert result.verdict == "clear", [f.message for f in result.findings]


def test_listed_consignee_is_blocked_with_list_entry_and_explanation(ctx: ScreeningContext) -> None:
    (result,) = _screen(ctx, CASES / "listed_consignee.json")
    assert result.verdict == "block"
    party = [f for f in result.findings if f.rule == "party.listed"]
    assert party
    evidence = party[0].evidence
    assert evidence["entity_name"] == "IRKUTSK AVIATION PLANT"
    assert evidence["role"] == "consignee"
    assert any(entry["source"] == "us_ofac_sdn" for entry in evidence["listings"])
    assert evidence["explanation"]
    assert "OFAC Specially Designated Nationals" in party[0].message


def test_vessel_found_by_imo_under_another_name(ctx: ScreeningContext) -> None:
    (result,) = _screen(ctx, CASES / "listed_vessel_by_imo.json")
    hits = [f for f in result.findings if f.kind == "party" and f.evidence["role"] == "vessel"]
    assert hits and hits[0].severity == "block"
    assert hits[0].evidence["entity_name"] == "FESCO MONERON"


def test_regime_choice_changes_goods_findings(ctx: ScreeningContext, entities: list[Entity]) -> None:
    un_only = ScreeningContext(ctx.screener, ctx.entities, ctx.reference, frozenset({"UN"}), ctx.addresses)
    (result,) = _screen(un_only, CASES / "mil_aircraft_ru_end_user.json")
    assert not any(f.kind == "goods" and f.severity == "block" for f in result.findings)
    assert result.verdict != "block"


def test_crimea_destination_names_the_region(ctx: ScreeningContext) -> None:
    (result,) = _screen(ctx, ROOT / "examples" / "05-pumps-to-sevastopol.json")
    assert result.verdict == "block"
    messages = " ".join(f.message for f in result.findings if f.kind == "destination")
    assert "Sevastopol (UA-40)" in messages or "Crimea (UA-43)" in messages


@pytest.mark.parametrize("name,expected", [
    ("01-military-helicopter-parts-russia.json", "block"),
    ("02-helicopter-parts-via-kyrgyz-forwarder.json", "block"),
    ("03-drone-components-to-hub.json", "block"),
    ("04-drone-components-to-german-buyer.json", "clear"),
    ("05-pumps-to-sevastopol.json", "block"),
    ("06-office-furniture-shared-words.json", "clear"),
])
def test_readme_examples_give_their_documented_verdicts(ctx: ScreeningContext, name: str, expected: str) -> None:
    (result,) = _screen(ctx, ROOT / "examples" / name)
    assert result.verdict == expected
    assert json.loads(json.dumps(result.to_dict()))["verdict"] == expected


def test_goods_without_code_need_review_only_toward_diversion_risk() -> None:
    from tradescreen.screening.shipment import document_findings
    from tradescreen.shipments.model import GoodsLine, Party, Provenance, Shipment

    shipment = Shipment(id="T-DOC", parties=[Party("consignee", "Example Buyer", "ae")],
                        goods=[GoodsLine("Beeswax", None, provenance=Provenance("t.json", "/goods/0"))])
    risky = document_findings(shipment, risky_destination=True)
    ordinary = document_findings(shipment, risky_destination=False)
    assert [(f.rule, f.severity) for f in risky] == [("document.missing_code", "review")]
    assert [(f.rule, f.severity) for f in ordinary] == [("document.missing_code", "info")]
    assert risky[0].evidence["ref"] == "t.json /goods/0"


def test_values_read_from_a_layout_are_pointed_out() -> None:
    from tradescreen.screening.shipment import document_findings
    from tradescreen.shipments.model import GoodsLine, Party, Provenance, Shipment

    guessed = Provenance("invoice.pdf", "page 1, line 7", certain=False)
    shipment = Shipment(id="T-PDF", parties=[Party("consignee", "Example Buyer", "de", provenance=guessed)],
                        goods=[GoodsLine("Chairs", "9401.61")])
    (finding,) = document_findings(shipment)
    assert finding.rule == "document.uncertain_fields" and "invoice.pdf page 1, line 7" in finding.message


def test_context_keeps_the_matcher_index_on_disk(tmp_path: Path) -> None:
    plan = plan_import([LISTS / "un" / "consolidated.xml"])
    (group,) = plan.groups
    entities = group.fmt.parse(group.files, group.source).entities
    first = ScreeningContext.build(entities, None, cache_dir=tmp_path, cache_key="un-test")
    second = ScreeningContext.build(entities, None, cache_dir=tmp_path, cache_key="un-test")
    assert not first.screener.loaded_from_cache and second.screener.loaded_from_cache
    (result,) = _screen(second, CASES / "clean_shared_words.json")
    assert result.verdict == "clear"


def test_party_at_a_listed_entitys_address_is_flagged(ctx: ScreeningContext) -> None:
    """The address index is built from the lists' own addresses (here KAZAN HELICOPTERS' in add.csv)."""
    hits = ctx.addresses.lookup("Ul. Tetsevskaya D. 14, Kazan 420085, Russia")
    assert any("KAZAN HELICOPTERS" in h for h in hits)
    # the same street without the number is no building: too vague to flag
    assert ctx.addresses.lookup("Ul. Tetsevskaya, Kazan, Russia") == []
    # nor is a city and country alone
    assert ctx.addresses.lookup("Kazan, Russia") == []


def test_listed_address_red_flag_end_to_end(ctx: ScreeningContext, tmp_path: Path) -> None:
    doc = {"id": "T-ADDR", "parties": [
        {"role": "shipper", "name": "Example Fasteners GmbH", "country": "DE"},
        {"role": "consignee", "name": "Example Volga Components OOO", "country": "RU",
         "address": "Ul. Tetsevskaya D. 14, Kazan 420085, Russia"}],
        "goods": [{"description": "Bolts", "hs_code": "7318.15"}], "route": []}
    path = tmp_path / "addr.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (result,) = _screen(ctx, path)
    flags = [f for f in result.findings if f.rule == "redflag.listed_address"]
    assert flags and "KAZAN HELICOPTERS" in flags[0].message
