"""Name-matching behaviour on real OFAC SDN names, as they appear on shipping documents: acronyms only
between whole names, word forms of generic words ("AIRLINES"/"AIR"), one-word transliteration variants
of distinctive listed names. One screener over the SDN list (the importer's own parser), per module.

Scores are compared with other real listed names or with the operating threshold, never with values
computed by this code beforehand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tradescreen.matching import Query, Screener
from tradescreen.matching.scorer import GENERIC_CAP, OPERATING_THRESHOLD, vowel_pattern
from tradescreen.matching.text import stem

OFAC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lists" / "ofac"

needs_lists = pytest.mark.skipif(not (OFAC / "sdn.csv").exists(), reason="OFAC list files not available")


@pytest.fixture(scope="module")
def sdn() -> Screener:
    from tradescreen.importer import plan_import

    entities = []
    for group in plan_import([OFAC]).groups:
        if group.source.endswith("sdn"):
            entities.extend(e for e in group.fmt.parse(group.files, group.source).entities if e.target)
    assert entities
    return Screener.from_entities(entities)


def top(screener: Screener, name: str, schema: str | None = None) -> tuple[str, float, list]:
    hits = screener.match(Query([name], schema=schema), limit=5)
    return (hits[0].caption, hits[0].score, hits) if hits else ("", 0.0, [])


@pytest.mark.parametrize("a,b", [("airlines", "air"), ("airways", "air"), ("trading", "trade"),
                                 ("industries", "industry"), ("logistics", "logistic"),
                                 ("technologies", "technology"), ("groups", "group")])
def test_word_forms_share_a_stem(a: str, b: str) -> None:
    assert stem(a) == stem(b)


@pytest.mark.parametrize("a,b", [("mahan", "mehran"), ("swiss", "swis"), ("air", "aria")])
def test_different_words_keep_different_stems(a: str, b: str) -> None:
    assert stem(a) != stem(b)


def test_vowel_pattern_keeps_consonants() -> None:
    assert vowel_pattern("hezbollah") == vowel_pattern("hizballah")
    assert vowel_pattern("kargolain") == vowel_pattern("kargolayn")
    assert vowel_pattern("chorus") != vowel_pattern("charso")


@needs_lists
def test_acronym_needs_the_whole_name(sdn: Screener) -> None:
    """"MSC" equals the initials of MEHRAN SHIPPING COMPANY, but the query spells out other words."""
    hits = sdn.match(Query(["MSC Mediterranean Shipping Company"], schema="Company"), limit=10)
    mehran = [h for h in hits if h.caption.startswith("MEHRAN SHIPPING")]
    assert all(h.score < OPERATING_THRESHOLD for h in hits), [(h.caption, h.score) for h in hits]
    assert all(not any(f.name == "acronym" for f in h.explanation) for h in mehran)


@needs_lists
def test_acronym_of_whole_name_still_counts(sdn: Screener) -> None:
    """The whole query is the acronym of a whole listed name: the acronym feature fires for it, and
    not for a longer query that merely contains the acronym."""
    full = Query(["ISLAMIC REPUBLIC OF IRAN SHIPPING LINES"], schema="Company")
    whole = sdn.score_pair(Query(["IRISL"], schema="Company"), full)
    assert any(f.name == "acronym" for f in whole.explanation)
    longer = sdn.score_pair(Query(["IRISL Mediterranean Agencies"], schema="Company"), full)
    assert not any(f.name == "acronym" for f in longer.explanation)


@needs_lists
def test_generic_word_form_aligns(sdn: Screener) -> None:
    caption, score, hits = top(sdn, "Mahan Airlines", "Company")
    assert caption == "MAHAN AIR" and score >= OPERATING_THRESHOLD, [(h.caption, h.score) for h in hits]
    assert "airlines~air" in hits[0].explanation[0].detail


@needs_lists
@pytest.mark.parametrize("query,listed", [("Hezbollah", "HIZBALLAH"), ("Kargolain", "OSOO KARGOLAYN")])
def test_single_token_variant_ranks_first(sdn: Screener, query: str, listed: str) -> None:
    caption, score, hits = top(sdn, query)
    assert caption == listed and score >= OPERATING_THRESHOLD, [(h.caption, h.score) for h in hits]
    assert any(f.name == "variant_name_rule" for f in hits[0].explanation)


@needs_lists
def test_single_generic_token_is_not_lifted(sdn: Screener) -> None:
    """A one-word generic query ("Globals": a word form of GLOBAL, on many listed names) stays low."""
    _, score, hits = top(sdn, "Globals", "Company")
    assert score < OPERATING_THRESHOLD, [(h.caption, h.score) for h in hits]
    assert not any(f.name == "variant_name_rule" for h in hits for f in h.explanation)


@needs_lists
def test_number_word_in_a_name_is_a_word(sdn: Screener) -> None:
    # MYANMA FIVE STAR LINE is listed with the weak alias FIVE STAR SHIPPING COMPANY; "FIVE" is part of
    # the name, so an ordinary "Star Shipping Company" on a document does not raise it ...
    _, _, hits = top(sdn, "Star Shipping Company", "Company")
    assert not [h for h in hits if "FIVE STAR" in h.caption.upper() and h.score >= OPERATING_THRESHOLD]
    # ... while the listed name itself, with its number word as digits, is found
    caption, score, _ = top(sdn, "Myanma 5 Star Line", "Company")
    assert "FIVE STAR" in caption.upper() and score >= OPERATING_THRESHOLD


@needs_lists
def test_common_words_alone_are_capped_under_review(sdn: Screener) -> None:
    # Every aligned word of the query is common on the list, and the listed name's rarer word is missing
    _, _, hits = top(sdn, "Star Shipping Company", "Company")
    capped = [h for h in hits if any(f.name == "generic_words_rule" for f in h.explanation)]
    assert capped and all(h.score <= GENERIC_CAP + 1e-9 for h in capped)
    # the whole listed name still alerts: the rule needs a missing rarer word
    caption, score, _ = top(sdn, "Five Star Shipping Company", "Company")
    assert "FIVE STAR" in caption.upper() and score >= OPERATING_THRESHOLD
