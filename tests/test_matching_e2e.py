"""End to end on the real bench corpus (OFAC SDN + UN): listed parties are found through their real
aliases and original-script names; real non-listed parties stay below the operating threshold.

Queries come from the bench files themselves (by kind, a fixed slice), so the test asserts behaviour
over several real cases rather than one hand-picked score.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradescreen.matching import Query, Screener
from tradescreen.matching.scorer import OPERATING_THRESHOLD

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "data"

pytestmark = pytest.mark.skipif(not (BENCH / "corpus.jsonl").exists(), reason="bench data not available")


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.from_ftm_file(BENCH / "corpus.jsonl")


@pytest.fixture(scope="module")
def bench() -> list[tuple[dict, dict]]:
    queries = {}
    with open(BENCH / "queries.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            queries[rec["id"]] = rec
    out = []
    with open(BENCH / "truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            t = json.loads(line)
            out.append((queries[t["id"]], t))
    return out


def found(screener: Screener, query: dict, expected: list[str], limit: int = 10) -> bool:
    hits = screener.match(Query.from_ftm(query), limit=limit)
    return any(h.entity_id in expected for h in hits)


def test_listed_alias_finds_entity(screener: Screener) -> None:
    # ABU ZUBAYDAH (OFAC 6905) through an alias the corpus keeps, with his birth date.
    hits = screener.match(Query(["Abu Zubaida"], schema="Person", birth_dates=["1971-03-12"]))
    assert hits[0].entity_id == "ofac-6905"
    assert hits[0].score >= 0.9
    assert "ABU ZUBAIDA" in hits[0].explanation[0].detail


@pytest.mark.parametrize("kind,share", [("cross_script", 0.7), ("reordered", 0.95), ("typo_variant", 0.9),
                                        ("alias_holdout", 0.7)])
def test_kinds_found_in_top10(screener: Screener, bench: list, kind: str, share: float) -> None:
    cases = [(q, t) for q, t in bench if t["kind"] == kind][:40]
    hits = sum(found(screener, q, t["expected"]) for q, t in cases)
    assert hits >= share * len(cases), f"{kind}: {hits}/{len(cases)}"


def test_arabic_name_meets_latin_listing(screener: Screener) -> None:
    # UN lists AL-RAWI, Saif-al-Din Fulayyih Hassan Taha with the Arabic original removed from the corpus.
    hits = screener.match(Query(["سيف الدين فليح حسن طه الراوي"], schema="Person"), limit=3)
    assert any("RAWI" in h.caption for h in hits)


def test_real_negatives_stay_below_threshold(screener: Screener, bench: list) -> None:
    negatives = [q for q, t in bench if t["kind"] == "negative"][:60]
    alerts = [q["properties"]["name"][0] for q in negatives
              if (h := screener.match(Query.from_ftm(q), limit=1)) and h[0].score >= OPERATING_THRESHOLD]
    assert len(alerts) <= 2, alerts


def test_generic_company_words_do_not_alert(screener: Screener) -> None:
    for name in ("Trading Company Limited", "International Holdings Corp", "Global Shipping LLC"):
        hits = screener.match(Query([name], schema="Company"), limit=1)
        assert not hits or hits[0].score < OPERATING_THRESHOLD, (name, hits[0].caption, hits[0].score)


def test_exact_distinctive_name_reaches_block_range(screener: Screener) -> None:
    # ROSOBORONEXPORT (OFAC 18782) lists "ROSOBORONEXPORT" as an alias: equality of the whole name.
    hits = screener.match(Query(["Rosoboronexport"], schema="Company"), limit=1)
    assert hits[0].entity_id == "ofac-18782" and hits[0].score >= 0.9
    assert any(f.name == "exact_name_rule" and "ROSOBORONEXPORT" in f.detail for f in hits[0].explanation)
    # a contradicting country vetoes the lift
    other = screener.match(Query(["Rosoboronexport"], schema="Company", countries=["br"]), limit=1)
    assert other[0].entity_id == "ofac-18782"
    assert not any(f.name == "exact_name_rule" for f in other[0].explanation)
    assert other[0].score < hits[0].score


def test_exact_generic_name_is_not_lifted(screener: Screener) -> None:
    """Listed names made only of common tokens (no token on fewer than `rare_idf` allows) gain nothing
    from the exact-name rule: the first such multi-token person name of the corpus, queried verbatim."""
    idx = screener.index
    row = next(r for r in range(idx.n_rows)
               if idx.ent_schema[idx.row_entity[r]] == "Person" and not idx.row_weak[r]
               and idx.row_len[r] >= 2 and idx.row_max_idf[r] < idx.rare_idf)
    name = idx.row_original[row]
    hits = screener.match(Query([name], schema="Person"), limit=10)
    assert hits, name
    assert not any(f.name == "exact_name_rule" for h in hits for f in h.explanation), name
    # and a distinctive listed person name, queried verbatim, is lifted
    row = next(r for r in range(idx.n_rows)
               if idx.ent_schema[idx.row_entity[r]] == "Person" and not idx.row_weak[r]
               and idx.row_len[r] >= 2 and idx.row_max_idf[r] >= idx.rare_idf and not idx.row_abjad[r])
    hit = screener.match(Query([idx.row_original[row]], schema="Person"), limit=1)[0]
    assert hit.score >= 0.9 and hit.entity_id == idx.ent_ids[idx.row_entity[row]]
