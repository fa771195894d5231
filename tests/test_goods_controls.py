"""Goods controls: rule tables per destination and regime; the rule files against the reference they carry."""

from __future__ import annotations

import csv
import re

import pytest
from conftest import REFERENCE

from tradescreen.destinations.model import Destination
from tradescreen.goods.controls import check_goods
from tradescreen.goods.model import GoodsInput
from tradescreen.rules import Rules

ALL = {"US", "EU", "UK", "UN"}


@pytest.fixture(scope="module")
def rules() -> Rules:
    return Rules.load()


def _rules(findings: list, severity: str | None = None) -> set[str]:
    return {f.rule for f in findings if severity is None or f.severity == severity}


def test_rule_files_carry_every_reference_row(rules: Rules) -> None:
    with (REFERENCE / "chpl" / "common_high_priority_list.csv").open(encoding="utf-8") as fh:
        chpl = list(csv.DictReader(fh))
    with (REFERENCE / "eu_833_2014" / "eu_833_2014_annex_goods.csv").open(encoding="utf-8") as fh:
        eu = list(csv.DictReader(fh))
    assert sum(1 for r in rules.goods if r.list_id == "chpl") == len(chpl) == 50
    assert sum(1 for r in rules.goods if r.list_id == "eu833") == len(eu)
    tiers = {r["hs6"]: r["tier"] for r in chpl}
    for rule in (r for r in rules.goods if r.list_id == "chpl"):
        assert rule.label == f"Tier {tiers[rule.code if len(rule.code) == 6 else rule.code + '00']}"
    assert rules.problems == ()
    assert all(r.citation for r in rules.goods)
    ex_in_ref = sum(1 for r in eu if r["ex_code"] == "yes")
    assert sum(1 for r in rules.goods if r.list_id == "eu833" and r.ex) == ex_in_ref


def test_aircraft_part_to_russia_blocked_under_each_regime(rules: Rules) -> None:
    line = GoodsInput("Aircraft parts", "8807.30", ref="goods[0]")
    findings = check_goods(line, [Destination("RU", "end user country")], ALL, rules)
    blocked = _rules(findings, "block")
    assert {"goods.eu833.annex_xi", "goods.ear746.supp4", "goods.chpl.tier3b"} <= blocked
    annex = next(f for f in findings if f.rule == "goods.eu833.annex_xi")
    assert "Annex XI" in annex.message and "Russia" in annex.message and "EU" in annex.message
    assert annex.evidence["ref"] == "goods[0]" and annex.evidence["regimes"] == ["EU"]


def test_regime_selection(rules: Rules) -> None:
    line = GoodsInput("Aircraft parts", "8807.30")
    only_us = _rules(check_goods(line, [Destination("RU", "end user")], {"US"}, rules))
    assert "goods.ear746.supp4" in only_us and "goods.eu833.annex_xi" not in only_us
    assert check_goods(line, [Destination("RU", "end user")], {"UN"}, rules) == []


def test_same_goods_to_ordinary_eu_buyer_is_clear(rules: Rules) -> None:
    line = GoodsInput("Aircraft parts", "8807.30")
    findings = check_goods(line, [Destination("DE", "consignee country")], ALL, rules)
    assert [f for f in findings if f.severity != "info"] == []


def test_older_edition_code_is_converted_and_blocked(rules: Rules) -> None:
    line = GoodsInput("Aircraft parts", "8803.30.00")
    findings = check_goods(line, [Destination("RU", "end user")], ALL, rules)
    assert "goods.code_older_edition" in _rules(findings, "info")
    annex = next(f for f in findings if f.rule == "goods.eu833.annex_xi")
    assert annex.severity == "block" and "8807.30" in annex.message
    assert any("HS 2017" in n for n in annex.evidence["code_notes"])


def test_heading_rule_covers_subheadings_and_short_code_is_review(rules: Rules) -> None:
    full = check_goods(GoodsInput("IC", "8542.31.90"), [Destination("RU", "x")], {"EU"}, rules)
    assert "goods.eu833.annex_vii" in _rules(full, "block")
    short = check_goods(GoodsInput("IC", "8542"), [Destination("RU", "x")], {"EU"}, rules)
    vii = [f for f in short if f.rule == "goods.eu833.annex_vii"]
    assert len(vii) == 1 and vii[0].severity == "review" and vii[0].evidence["coverage"] == "partial"


def test_ex_code_is_review_not_block(rules: Rules) -> None:
    findings = check_goods(GoodsInput("brake pads", "6813.20"), [Destination("RU", "x")], {"EU"}, rules)
    xi = [f for f in findings if f.rule == "goods.eu833.annex_xi"]
    assert len(xi) == 1 and xi[0].severity == "review" and xi[0].evidence["coverage"] == "ex"
    # the same annex's non-ex row for brake linings blocks
    linings = check_goods(GoodsInput("brake linings", "6813.81"), [Destination("RU", "x")], {"EU"}, rules)
    assert "goods.eu833.annex_xi" in _rules(linings, "block")


def test_chpl_to_transshipment_jurisdiction_is_review(rules: Rules) -> None:
    findings = check_goods(GoodsInput("MCU", "8542.31"), [Destination("AE", "consignee country")], ALL, rules)
    chpl = [f for f in findings if f.rule == "goods.chpl.tier1"]
    assert len(chpl) == 1 and chpl[0].severity == "review" and "United Arab Emirates" in chpl[0].message


def test_chpl_to_non_hub_third_country_gives_no_chpl_finding(rules: Rules) -> None:
    findings = check_goods(GoodsInput("MCU", "8542.31"), [Destination("CH", "consignee country")], ALL, rules)
    assert not [f for f in findings if f.rule.startswith("goods.chpl")]


def test_art_12g_info_for_third_country(rules: Rules) -> None:
    findings = check_goods(GoodsInput("MCU", "8542.31"), [Destination("EG", "consignee country")], {"EU"}, rules)
    assert "goods.eu833.art12g" in _rules(findings, "info")
    partner = check_goods(GoodsInput("MCU", "8542.31"), [Destination("JP", "consignee country")], {"EU"}, rules)
    assert "goods.eu833.art12g" not in _rules(partner)


def test_unlisted_goods_to_russia_have_no_goods_finding(rules: Rules) -> None:
    assert check_goods(GoodsInput("Apples", "0808.10"), [Destination("RU", "x")], ALL, rules) == []


def test_unreadable_code_is_review(rules: Rules) -> None:
    findings = check_goods(GoodsInput("x", "see invoice"), [Destination("RU", "x")], ALL, rules)
    assert _rules(findings) == {"goods.code_unreadable"}


def test_belarus_eu_annex_is_review(rules: Rules) -> None:
    findings = check_goods(GoodsInput("parts", "8807.30"), [Destination("BY", "x")], {"EU"}, rules)
    assert next(f for f in findings if f.rule == "goods.eu833.annex_xi").severity == "review"


def test_ear_unverified_note_codes_are_review(rules: Rules) -> None:
    findings = check_goods(GoodsInput("pumps", "8413.50"), [Destination("RU", "x")], {"US"}, rules)
    ear = [f for f in findings if f.rule == "goods.ear746.supp2"]
    assert len(ear) == 1 and ear[0].severity == "review"


def test_every_eu_row_cites_regulation(rules: Rules) -> None:
    for rule in rules.goods:
        if rule.list_id == "eu833":
            assert re.search(r"833/2014, Annex [IVXLB]+", rule.citation)
