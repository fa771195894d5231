"""Every party of a shipment, in every role, and its vessels, through the party matcher."""

from __future__ import annotations

from typing import Any

from tradescreen.countries import country_name
from tradescreen.findings import Finding
from tradescreen.matching import Match, Query
from tradescreen.screening.context import ScreeningContext
from tradescreen.screening.facts import where
from tradescreen.shipments.model import Shipment
from tradescreen.sources import SOURCE_TITLES

#: At most this many listed parties are reported per shipping party; more is noise.
HITS_PER_PARTY = 3


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
    asked = _queries(shipment)
    if not asked:
        return []
    results = ctx.screener.match_many([q for *_, q in asked], limit=HITS_PER_PARTY,
                                      threshold=ctx.review_threshold)
    findings: list[Finding] = []
    for (role, name, pointer, query), matches in zip(asked, results):
        for match in matches:
            findings.append(_finding(ctx, role, name, pointer, query, match))
    return findings


def _finding(ctx: ScreeningContext, role: str, name: str, pointer: str, query: Query, match: Match) -> Finding:
    blocking = match.score >= ctx.block_threshold
    title = list_title(ctx, match)
    entity = ctx.entities.get(match.entity_id)
    source = match.datasets[0] if match.datasets else ""
    release = ctx.releases.get(source)
    listed_as = match.matched_name if match.matched_name and match.matched_name != match.caption else ""
    message = (
        f"The {_role_words(role)} '{name}' {'matches' if blocking else 'may be'} '{match.caption}' on the {title}"
        + (f" (as '{listed_as}')" if listed_as else "")
        + f", score {match.score:.2f}"
    )
    if query.countries:
        message += f"; the document gives {', '.join(country_name(c) for c in query.countries)}"
    evidence: dict[str, Any] = {
        "role": role,
        "party": name,
        "ref": pointer,
        "list": title,
        "source": source,
        "entity_id": match.entity_id,
        "entity_name": match.caption,
        "matched_name": match.matched_name,
        "schema": match.schema,
        "score": round(match.score, 4),
        "explanation": [f.detail for f in match.explanation],
    }
    if release:
        evidence["release"] = release[0]
        if release[1]:
            evidence["list_published"] = release[1]
    if entity is not None:
        if entity.get("program"):
            evidence["programs"] = entity.get("program")
        if entity.get("topics"):
            evidence["topics"] = entity.get("topics")
    rule = "party.listed" if blocking else "party.possible_match"
    return Finding("party", "block" if blocking else "review", rule, message, evidence)
