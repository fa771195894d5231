"""Every party of a shipment, in every role, and its vessels, through the party matcher."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tradescreen.countries import country_name
from tradescreen.findings import Finding
from tradescreen.matching import Match, Query
from tradescreen.screening.context import ScreeningContext
from tradescreen.screening.facts import where
from tradescreen.shipments.model import Shipment
from tradescreen.sources import SOURCE_TITLES

#: At most this many list entries are gathered per shipping party; more is noise.
HITS_PER_PARTY = 5


def _role_words(role: str) -> str:
    return role.replace("_", " ")


def list_title(ctx: ScreeningContext, match: Match) -> str:
    """The list as a person knows it; for the CSL, the sub-list the row came from."""
    entity = ctx.entities.get(match.entity_id)
    if entity is not None and entity.get("publisher"):
        return entity.get("publisher")[0]
    source = match.datasets[0] if match.datasets else ""
    return SOURCE_TITLES.get(source, source)


def _queries(shipment: Shipment) -> list[tuple[str, str, str, Query]]:
    """(role, name as written, pointer, query) for every named party and vessel."""
    out: list[tuple[str, str, str, Query]] = []
    for i, party in enumerate(shipment.parties):
        if not party.name:
            continue
        countries = [party.country] if party.country else []
        ids = [ident.value for ident in party.identifiers if ident.value]
        out.append((party.role, party.name, where(party.provenance, f"parties[{i}]"),
                    Query(names=[party.name], countries=countries, identifiers=ids)))
    vessels: dict[tuple[str, str], str] = {}
    if shipment.vessel and (shipment.vessel.name or shipment.vessel.imo):
        vessels[(shipment.vessel.name or "", shipment.vessel.imo or "")] = where(shipment.vessel.provenance, "vessel")
    for i, leg in enumerate(shipment.legs):
        if leg.vessel_name or leg.vessel_imo:
            vessels.setdefault((leg.vessel_name or "", leg.vessel_imo or ""), where(leg.provenance, f"legs[{i}]"))
    for (name, imo), pointer in vessels.items():
        ids = [imo] if imo else []
        out.append(("vessel", name or imo, pointer, Query(names=[name] if name else [imo], schema="Vessel",
                                                         identifiers=ids)))
    return out


def screen_parties(shipment: Shipment, ctx: ScreeningContext) -> list[Finding]:
    return screen_parties_many([shipment], ctx)[0]


def screen_parties_many(shipments: Sequence[Shipment], ctx: ScreeningContext) -> list[list[Finding]]:
    """Party findings for many shipments with one batched call to the matcher.

    The same exporter, forwarder and bank appear on thousands of shipments of a batch, so
    answers are kept per query (name, countries, identifiers, schema) for the whole run.
    """
    asked = [_queries(s) for s in shipments]
    pending: dict[tuple[Any, ...], Query] = {}
    for items in asked:
        for *_, query in items:
            key = _key(query)
            if key not in ctx.party_cache and key not in pending:
                pending[key] = query
    if pending:
        keys = list(pending)
        results = ctx.screener.match_many([pending[k] for k in keys], limit=HITS_PER_PARTY,
                                          threshold=ctx.review_threshold)
        if len(ctx.party_cache) > 200_000:  # a long-running service: start afresh rather than grow
            ctx.party_cache.clear()
        ctx.party_cache.update(zip(keys, results))
    out: list[list[Finding]] = []
    for items in asked:
        findings: list[Finding] = []
        for role, name, pointer, query in items:
            matches = ctx.party_cache[_key(query)]
            if matches:  # one finding per shipping party, naming every list entry it hits
                findings.append(_finding(ctx, role, name, pointer, query, sorted(matches, key=lambda m: -m.score)))
        out.append(findings)
    return out


def _key(query: Query) -> tuple[Any, ...]:
    return (tuple(query.names), query.schema, tuple(query.countries), tuple(query.identifiers),
            tuple(query.birth_dates), query.gender)


def _finding(ctx: ScreeningContext, role: str, name: str, pointer: str, query: Query,
             group: list[Match]) -> Finding:
    match = group[0]
    blocking = match.score >= ctx.block_threshold
    title = list_title(ctx, match)
    listed_as = match.matched_name if match.matched_name and match.matched_name != match.caption else ""
    message = (
        f"The {_role_words(role)} '{name}' {'matches' if blocking else 'may be'} '{match.caption}'"
        f" on the {title}" + (f" (as '{listed_as}')" if listed_as else "") + f", score {match.score:.2f}"
    )
    others = [m for m in group[1:] if m.score >= match.score - 0.1]  # weaker hits stay in the evidence
    if others:
        also = list(dict.fromkeys(
            f"the {list_title(ctx, m)}" + ("" if _same_name(m.caption, match.caption) else f" as '{m.caption}'")
            for m in others))
        message += f"; also on {_join(also)}"
    if query.countries:
        message += f"; the document gives {', '.join(country_name(c) for c in query.countries)}"
    entries = []
    for m in group:
        source = m.datasets[0] if m.datasets else ""
        entry: dict[str, Any] = {"list": list_title(ctx, m), "source": source, "entity_id": m.entity_id,
                                 "entity_name": m.caption, "score": round(m.score, 4)}
        release = ctx.releases.get(source)
        if release:
            entry["release"] = release[0]
            if release[1]:
                entry["list_published"] = release[1]
        entries.append(entry)
    entity = ctx.entities.get(match.entity_id)
    evidence: dict[str, Any] = {
        "role": role,
        "party": name,
        "ref": pointer,
        "list": title,
        "entity_id": match.entity_id,
        "entity_name": match.caption,
        "matched_name": match.matched_name,
        "schema": match.schema,
        "score": round(match.score, 4),
        "listings": entries,
        "explanation": [f.detail for f in match.explanation],
    }
    if entity is not None:
        if entity.get("program"):
            evidence["programs"] = entity.get("program")
        if entity.get("topics"):
            evidence["topics"] = entity.get("topics")
    rule = "party.listed" if blocking else "party.possible_match"
    return Finding("party", "block" if blocking else "review", rule, message, evidence)


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
