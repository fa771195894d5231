"""Batched scoring, calibration and explanations, on the fictional fixture corpus."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tradescreen.matching import Query, Screener
from tradescreen.matching.calibration import BLOCK_SCORE, REVIEW_SCORE, Calibration, threshold_for_far
from tradescreen.matching.scorer import OPERATING_THRESHOLD

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "matching" / "corpus.jsonl"

QUERIES = [
    Query(["Zayd Hamid Qarnawi"], schema="Person", birth_dates=["1970-05-04"]),
    Query(["Olga Meriden"], schema="Person", birth_dates=["1955"]),
    Query(["Belomor Trading LLC"]),
    Query(["MV SILVER GULL"], schema="Vessel"),
    Query(["Nobody Atall"], schema="Person"),
    Query(["SOME OTHER SHIP"], schema="Vessel", identifiers=["IMO 9990001"]),
    Query(["Zayd Qarnawi"], schema="Person"),
]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.from_ftm_file(FIXTURE)


def test_batch_equals_one_by_one(screener: Screener) -> None:
    batch = screener.match_many(QUERIES, limit=5, explain=True)
    for q, hits in zip(QUERIES, batch):
        single = screener.match(q, limit=5)
        assert [h.entity_id for h in hits] == [h.entity_id for h in single]
        assert np.allclose([h.score for h in hits], [h.score for h in single])
        assert all(0.0 <= h.score <= 1.0 for h in hits)


def test_batch_size_does_not_change_scores(screener: Screener) -> None:
    a = screener.match_many(QUERIES, limit=3, batch=2)
    b = screener.match_many(QUERIES, limit=3, batch=512)
    assert [[(h.entity_id, round(h.score, 6)) for h in x] for x in a] == \
        [[(h.entity_id, round(h.score, 6)) for h in x] for x in b]


def test_explanations_are_lazy_below_the_alert_line(screener: Screener) -> None:
    hits = [h for hs in screener.match_many(QUERIES, limit=5) for h in hs]
    assert any(h.score >= OPERATING_THRESHOLD for h in hits) and any(h.score < OPERATING_THRESHOLD for h in hits)
    for h in hits:
        assert bool(h.explanation) == (h.score >= OPERATING_THRESHOLD)
    full = [h for hs in screener.match_many(QUERIES, limit=5, explain=True) for h in hs]
    assert all(h.explanation for h in full)


def test_explanation_leads_with_alignment_then_attributes(screener: Screener) -> None:
    hit = screener.match(Query(["Zayd Hamid Qarnawi"], schema="Person", birth_dates=["1970-05-04"]))[0]
    assert hit.explanation[0].name == "name" and "qarnawi=qarnawi" in hit.explanation[0].detail
    assert hit.explanation[1].name == "dob_exact"
    assert hit.explanation[1].detail == "birth date 1970-05-04 matches listed 1970-05-04"
    # name features by their share of the log-odds (a name rule, reported right after the attributes, is
    # not a model feature and has no share)
    rest = [abs(f.contribution) for f in hit.explanation[2:] if not f.name.endswith("_rule")]
    assert rest == sorted(rest, reverse=True)


def test_shortened_name_in_order(screener: Screener) -> None:
    # first given name + surname of "QARNAWI, Zayd Hamid": every token aligns, in the listed order
    hit = screener.match(Query(["Zayd Qarnawi"], schema="Person"))[0]
    assert hit.entity_id == "fx-1"
    assert any(f.name == "in_order" and f.value == 1.0 for f in hit.explanation)
    swapped = screener.match(Query(["Qarnawi Zayd"], schema="Person"))[0]
    assert not any(f.name == "in_order" for f in swapped.explanation)


def test_calibration_is_monotone_and_hits_its_knots() -> None:
    cal = Calibration.from_thresholds(0.3, 0.8)
    p = np.linspace(0, 1, 1001)
    s = cal.apply(p)
    assert s[0] == 0.0 and s[-1] == 1.0 and np.all(np.diff(s) >= 0)
    assert cal.apply(np.array([0.3, 0.8])).tolist() == pytest.approx([REVIEW_SCORE, BLOCK_SCORE])
    # degenerate knots stay increasing
    bad = Calibration.from_thresholds(0.9, 0.5)
    assert all(b > a for a, b in zip(bad.probs, bad.probs[1:]))


def test_threshold_for_far_counts_negatives() -> None:
    rng = np.random.default_rng(7)
    neg = rng.random(1983)
    for far in (0.01, 0.001):
        t = threshold_for_far(neg, far)
        alerts = sum(1 for v in neg if v >= t)
        assert alerts <= int(far * len(neg))
        # one more negative alerts just below the cut
        assert sum(1 for v in neg if v >= max(v2 for v2 in neg if v2 < t)) == alerts + 1
