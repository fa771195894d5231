"""Scoring features: one small function per feature; its docstring is the explanation users read.

Each function takes precomputed alignment facts or attribute sets and returns (value, detail).
Values are combined by `scorer.Scorer` with weights learned by `train.py` (logistic regression,
dev split, k-fold cross-validated) and stored in `data/weights.json`.
"""

from __future__ import annotations

from tradescreen.matching.names import OBJECT_SCHEMATA


def dob_match(query_dates: list[str], listed: tuple[str, ...]) -> tuple[float, float, float, str]:
    """Birth date: the same full date is strong support, the same year mild support, and a year more
    than one year away from every listed date is evidence of a different person (lists often give
    approximate years, so ±1 year is neither)."""
    if not query_dates or not listed:
        return 0.0, 0.0, 0.0, ""
    best = "mismatch"
    detail = f"birth date {query_dates[0]} differs from listed {', '.join(listed[:3])}"
    for q in query_dates:
        for d in listed:
            if len(q) >= 10 and len(d) >= 10 and q[:10] == d[:10]:
                return 1.0, 0.0, 0.0, f"birth date {q[:10]} matches listed {d[:10]}"
            qy, dy = q[:4], d[:4]
            if qy.isdigit() and dy.isdigit():
                if qy == dy:
                    if best != "year":
                        best, detail = "year", f"birth year {qy} matches ({d})"
                elif abs(int(qy) - int(dy)) <= 1 and best == "mismatch":
                    best, detail = "near", f"birth year {qy} within a year of {d}"
    if best == "year":
        return 0.0, 1.0, 0.0, detail
    if best == "near":
        return 0.0, 0.0, 0.0, detail
    return 0.0, 0.0, 1.0, detail


def country_match(query: list[str], listed: frozenset[str]) -> tuple[float, float, str]:
    """Country or nationality: shared with the listed party supports the match; disjoint when both
    sides give countries counts against it."""
    if not query or not listed:
        return 0.0, 0.0, ""
    common = sorted(set(query) & listed)
    if common:
        return 1.0, 0.0, f"country {', '.join(common)} matches listed {', '.join(sorted(listed)[:4])}"
    return 0.0, 1.0, f"country {', '.join(query)} not among listed {', '.join(sorted(listed)[:4])}"


def gender_mismatch(query: str | None, listed: str | None) -> tuple[float, str]:
    """Gender: both given and different counts against the match."""
    if query and listed and query[0] != listed[0]:
        return 1.0, f"gender {query} differs from listed {listed}"
    return 0.0, ""


def identifier_match(query: set[str], listed: frozenset[str]) -> tuple[float, str]:
    """Identifier (IMO, passport, tax or registration number, BIC): an identical strong identifier is
    decisive on its own."""
    common = sorted(query & listed)
    if common:
        return 1.0, f"identifier {common[0]} identical to the listed one"
    return 0.0, ""


#: `party_kind` of a vessel or aircraft.
OBJECT_KIND = 3


def party_kind(schema: str | None) -> int:
    """0 unknown (LegalEntity, Thing, none), 1 organisation, 2 person, 3 vessel or aircraft."""
    if not schema or schema in ("LegalEntity", "Thing"):
        return 0
    if schema == "Person":
        return 2
    if schema in OBJECT_SCHEMATA:
        return OBJECT_KIND
    return 1


def schema_mismatch(query: str | None, listed: str) -> tuple[float, str]:
    """Kind of party: a person, an organisation and a vessel or aircraft are never one another (a company
    on a document against a listed ship of a similar name, a person against a company)."""
    q, li = party_kind(query), party_kind(listed)
    if q and li and q != li:
        return 1.0, f"query is a {query}, listed party a {listed}"
    return 0.0, ""


#: Names of the name-alignment features, documented here because they come out of one vectorised
#: computation in `scorer.py` rather than one function each.
NAME_FEATURE_DOCS: dict[str, str] = {
    "query_coverage": "Share of the query name's rarity-weighted tokens that align with a listed name token.",
    "listed_coverage": "Share of the listed name's rarity-weighted tokens that align with a query token.",
    "coverage_product": "Both coverages at once: high only when the names align both ways.",
    "matched_rarity": "Rarity mass of the aligned tokens: rare words matching weigh more than generic ones.",
    "unmatched_query": "Rarity mass of query tokens with no counterpart in the listed name.",
    "unmatched_listed": "Rarity mass of listed-name tokens with no counterpart in the query.",
    "sorted_similarity": "Edit similarity of the two names with tokens sorted (order-free, typo-tolerant).",
    "joined_similarity": "Edit similarity with spaces removed: catches merged or split words.",
    "object_extra_words": "A vessel's or aircraft's whole listed name inside a longer query name: ships are "
                          "named by whole names, an extra word usually means another ship.",
    "generic_only": "Every aligned query word is a common one (on more than 0.1% of listed names).",
    "patronymic_mismatch": "Both names carry a patronymic and they differ: two fathers' names, two persons.",
    "number_mismatch": "Both names carry numbers and they differ: vessels of one fleet or funds of one "
                       "series, not the same party.",
    "single_token": "The query name is one token: little evidence whatever it matches.",
    "weak_alias": "The aligned listed name is a weak alias (nickname, kunya): support is limited.",
    "abjad_coverage": "Query written in Arabic/Hebrew script, compared by consonant skeleton.",
    "min_token": "The weakest alignment among the query's distinctive tokens.",
    "exact": "Query and listed name have the same tokens.",
    "legal_form_mismatch": "Both names carry a legal form and the forms differ.",
    "rarest_match": "Rarity of the rarest aligned query token: generic words alone ('TRADING', 'GLOBAL') stay low.",
    "acronym": "One whole name is the acronym of the other whole name (initials of its words).",
    "in_order": "Every query token aligns with a listed token, in the listed order (a shortened name).",
    "exact_name": "The whole query name equals a whole, distinctive listed name or strong alias (same tokens, "
                  "case, punctuation and order aside); see the exact-name rule.",
    "missed_rare_listed": "Rarity of the rarest listed-name token the query does not carry: generic words "
                          "aligning while a distinctive listed word is missing is weak evidence.",
    "single_variant": "One-token query name, a spelling variant of a listed name that is one distinctive token; "
                      "see the variant rule.",
    "shortened_form": "Shortened person name: every query word is a listed word, in order, the first on the "
                      "listed first given name and the last on a surname (middle names or a second surname "
                      "left out).",
    "rarest_listed_missed": "Organisation name whose most distinctive word the query lacks while every word it "
                            "does carry is more common: only the generic part of the name aligns.",
}
