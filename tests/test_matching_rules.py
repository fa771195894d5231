"""Shortened person names, generic company words and loose fuzzy alignments, on the real bench corpus.

The partial-name check runs over the whole `partial` category of the dev queries (a listed person's first
given name plus one surname), not over hand-picked cases; the feature checks compare a name with its
own shortened and reordered forms, so they hold whatever the learned weights are.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tradescreen.matching import Query, Screener
from tradescreen.matching import scorer as S

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "data"

pytestmark = pytest.mark.skipif(not (BENCH / "corpus.jsonl").exists(), reason="bench data not available")


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.from_ftm_file(BENCH / "corpus.jsonl")


def feature(screener: Screener, query: Query, entity_id: str, name: str) -> float:
    ent = screener.index.ent_ids.index(entity_id)
    feats = screener.feature_matrix(query, screener.query_forms(query), np.array([ent]))[0]
    return float(feats[0, S.FEATURES.index(name)])


def entity_named(name: str) -> str:
    """Id of the corpus entity carrying this exact name (read from the raw file, not through the index)."""
    with open(BENCH / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if name in rec["properties"].get("name", []):
                return str(rec["id"])
    raise LookupError(name)


def test_shortened_form_feature(screener: Screener) -> None:
    ent = entity_named("RIVERA SANDOVAL, Hector Librado")
    person = "Person"
    assert feature(screener, Query(["Hector Rivera"], schema=person), ent, "shortened_form") == 1.0
    assert feature(screener, Query(["Hector Sandoval"], schema=person), ent, "shortened_form") == 1.0
    # the first query word must be the listed first given name, and the last one a surname
    assert feature(screener, Query(["Librado Rivera"], schema=person), ent, "shortened_form") == 0.0
    assert feature(screener, Query(["Hector Librado"], schema=person), ent, "shortened_form") == 0.0
    # the whole name is no shortened form of itself
    assert feature(screener, Query(["Hector Librado Rivera Sandoval"], schema=person), ent, "shortened_form") == 0.0


def test_shortened_person_scores_above_out_of_order_given_names(screener: Screener) -> None:
    ent = entity_named("RIVERA SANDOVAL, Hector Librado")

    def score(name: str) -> float:
        hits = screener.match(Query([name], schema="Person"), limit=30)
        return max((h.score for h in hits if h.entity_id == ent), default=0.0)

    assert score("Hector Rivera") >= S.OPERATING_THRESHOLD
    assert score("Hector Rivera") > score("Librado Hector")


def test_generic_words_with_distinctive_listed_word_missing(screener: Screener) -> None:
    listed = Query(["KOREA DAESONG GENERAL TRADING CORPORATION"], schema="Company")
    generic = screener.score_pair(Query(["Korea General Trading Corp"], schema="Company"), listed)
    distinctive = screener.score_pair(Query(["Daesong General Trading"], schema="Company"), listed)
    assert "rarest_listed_missed" in {f.name for f in generic.explanation}
    assert "rarest_listed_missed" not in {f.name for f in distinctive.explanation}
    assert generic.score < S.OPERATING_THRESHOLD <= distinctive.score
    # a person missing a middle name is the shortened-name logic's business, not this feature's
    person = screener.score_pair(Query(["Hector Rivera"], schema="Person"),
                                 Query(["RIVERA SANDOVAL, Hector Librado"], schema="Person"))
    assert "rarest_listed_missed" not in {f.name for f in person.explanation}


def test_loose_alignment_of_two_common_words_is_none(screener: Screener) -> None:
    """Edit similarity 0.70-0.80 counts only on a distinctive listed token: "globe"/"global" (0.73) are two
    different words, and "global" is on many listed names."""
    vocab = screener.index.vocab
    assert vocab.weight("global") < screener.index.variant_idf
    hit = screener.score_pair(Query(["Globe Star Shipping"], schema="Company"),
                              Query(["Global Star Shipping"], schema="Company"))
    assert "globe unmatched" in hit.explanation[0].detail
    # a rare listed token still takes a loose spelling variant ("Qasim"/"Kassim" style transliterations)
    rare = screener.score_pair(Query(["Zubaida"], schema="Person"), Query(["Zubaydah"], schema="Person"))
    assert "unmatched" not in rare.explanation[0].detail
