"""Kinds of party and sound-alike words: a company on a document is not a listed ship of a similar name,
and two names with one metaphone key are only a spelling variant when they also start alike."""

from __future__ import annotations

from tradescreen.entity import Entity
from tradescreen.matching import Query, Screener
from tradescreen.matching.features import party_kind, schema_mismatch
from tradescreen.matching.scorer import OPERATING_THRESHOLD


def test_party_kinds() -> None:
    assert party_kind("Company") == party_kind("Organization") == 1
    assert party_kind("Person") == 2
    assert party_kind("Vessel") == party_kind("Airplane") == 3
    assert party_kind("LegalEntity") == party_kind(None) == 0
    assert schema_mismatch("Company", "Vessel")[0] == 1.0
    assert schema_mismatch("Company", "Organization")[0] == 0.0
    assert schema_mismatch("LegalEntity", "Vessel")[0] == 0.0  # unknown kind: no evidence either way


def _ent(eid: str, schema: str, name: str) -> Entity:
    ent = Entity(id=eid, schema=schema)
    ent.add("name", name)
    return ent


def test_company_query_does_not_take_a_listed_ship() -> None:
    # Fictional: a listed ship and a listed company with one word each, both near the query's word.
    screener = Screener.from_entities([_ent("ship", "Vessel", "MERIDIAN"), _ent("co", "Company", "MERIDIAN")])
    hits = {m.entity_id: m for m in screener.match(Query(["Meridian"], "Company"), limit=5)}
    assert hits["co"].score > hits["ship"].score
    assert any(f.name == "schema_mismatch" for f in hits["ship"].explanation)
    as_vessel = {m.entity_id: m for m in screener.match(Query(["MERIDIAN"], "Vessel"), limit=5)}
    assert as_vessel["ship"].score > as_vessel["co"].score


def test_metaphone_key_needs_the_same_first_letter() -> None:
    # "crouch" and "garcia" share a metaphone key (KRX); "crouch" and "krouch" are one name spelt twice.
    listed = [_ent("g", "Person", "GARCIA, Edward"), _ent("k", "Person", "KROUCH, Edmund")]
    screener = Screener.from_entities(listed)
    hits = {m.entity_id: m for m in screener.match(Query(["Edward Crouch"], "Person"), limit=5)}
    assert "g" not in hits or hits["g"].score < OPERATING_THRESHOLD
    assert "crouch~garcia" not in (hits["g"].explanation[0].detail if "g" in hits else "")


def test_acronyms_have_no_spelling_variants() -> None:
    from tradescreen.matching.text import acronym_like

    assert acronym_like("msc") and acronym_like("ktj") and not acronym_like("msci") and not acronym_like("m")
    # Fictional: an organisation listed with the acronym DKT; a document party "DKTI" is another name.
    org = _ent("o", "Organization", "DARK KESTREL TRUST")
    org.add("alias", "DKT")
    screener = Screener.from_entities([org, _ent("x", "Company", "SILVER MERIDIAN")])
    exact = screener.match(Query(["DKT"], "Organization"), limit=1)
    near = screener.match(Query(["DKTI"], "Organization"), limit=1)
    assert exact and exact[0].entity_id == "o"
    assert not near or near[0].entity_id != "o" or near[0].score < exact[0].score / 2
    assert not near or "dkti~dkt" not in near[0].explanation[0].detail


def test_a_word_on_a_listed_initial_weighs_as_an_initial() -> None:
    import numpy as np

    from tradescreen.matching import scorer as S

    # Fictional list where INDUSTRIES is common; "M. KESTREL INDUSTRIES" carries a person's initial.
    ents = [_ent(f"c{i}", "Company", f"{w} INDUSTRIES") for i, w in enumerate(
        ["AMBER", "BOREAL", "CEDAR", "DUNE", "EMBER", "FJORD", "GARNET", "HARBOR", "IRIS", "JUNIPER"])]
    ents.append(_ent("m", "Company", "M. KESTREL INDUSTRIES"))
    screener = Screener.from_entities(ents)
    query = Query(["Miller Industries"], "Company")
    ent = screener.index.ent_ids.index("m")
    feats = screener.feature_matrix(query, screener.query_forms(query), np.array([ent]))[0]
    # "miller" aligns with the initial "m" (0.85), but as one letter of evidence: the rarest aligned
    # word is then the common INDUSTRIES, not the rare MILLER
    rarest = feats[0, S.FEATURES.index("rarest_match")]
    assert rarest < 0.5
    hit = {m.entity_id: m for m in screener.match(query, limit=11)}["m"]
    assert "miller~m 0.85" in hit.explanation[0].detail


def test_short_words_that_end_differently_are_two_words() -> None:
    # Fictional: a listed one-word company SARV-like name; a document's common word of four letters
    # one edit away ("star") is another word, while "umar"/"omar" is one name spelt twice.
    screener = Screener.from_entities([_ent("s", "Company", "SARV HOLDING"), _ent("p", "Person", "UMAR, Kadir")])
    company = screener.match(Query(["STAR HOLDING"], "Company"), limit=1)
    assert not company or "star~sarv" not in company[0].explanation[0].detail
    person = screener.match(Query(["Omar Kadir"], "Person"), limit=1)[0]
    assert person.entity_id == "p" and "omar~umar" in person.explanation[0].detail
