"""Screen one shipment: run every check over it and gather the findings into a verdict."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from tradescreen.destinations.jurisdictions import check_destinations
from tradescreen.destinations.routes import check_route, destinations_of
from tradescreen.findings import SEVERITY_ORDER, Finding, verdict
from tradescreen.goods.controls import check_goods
from tradescreen.goods.descriptions import analyse_description
from tradescreen.redflags import check_red_flags
from tradescreen.screening.context import ScreeningContext
from tradescreen.screening.facts import to_facts, where
from tradescreen.screening.parties import screen_parties, screen_parties_many
from tradescreen.shipments.model import Shipment

KIND_ORDER = {"party": 0, "destination": 1, "goods": 2, "route": 3, "red_flag": 4, "document": 5}


@dataclass(slots=True)
class ScreeningResult:
    id: str
    verdict: Literal["block", "review", "clear"]
    findings: list[Finding]
    shipment: Shipment | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "verdict": self.verdict,
                               "findings": [f.to_dict() for f in self.findings]}
        if self.shipment is not None and self.shipment.source is not None:
            out["source"] = {"file": self.shipment.source.file, "format": self.shipment.source.format}
        return out


def screen_shipment(shipment: Shipment, ctx: ScreeningContext,
                    party_findings: list[Finding] | None = None) -> ScreeningResult:
    facts = to_facts(shipment)
    ref = ctx.reference
    regimes = sorted(ctx.regimes)
    destinations = destinations_of(facts, ref.locations)
    findings: list[Finding] = []
    findings += screen_parties(shipment, ctx) if party_findings is None else party_findings
    findings += check_destinations(destinations, regimes, ref)
    for line in facts.goods:
        findings += check_goods(line, destinations, regimes, ref.rules)
        findings += _description_findings(ctx, line.description, line.hs_code, line.ref)
    findings += check_route(facts, ref.rules, regimes, ref.locations)
    findings += check_red_flags(facts, ref.rules, address_lookup=ctx.addresses.lookup, locations=ref.locations)
    rules = ref.rules
    risky = {d.iso2 for d in destinations if d.iso2} & (
        set(rules.hubs) | set(rules.hub_toward) | {j.country for j in rules.jurisdictions})
    findings += document_findings(shipment, risky_destination=bool(risky))
    findings = _dedupe(findings)
    findings.sort(key=lambda f: (-SEVERITY_ORDER[f.severity], KIND_ORDER.get(f.kind, 9)))
    return ScreeningResult(shipment.id, verdict(findings), findings, shipment)


def screen_shipments(shipments: Iterable[Shipment], ctx: ScreeningContext,
                     chunk: int = 512) -> list[ScreeningResult]:
    """Screen a batch; parties of `chunk` shipments at a time go to the matcher in one call."""
    items = list(shipments)
    results: list[ScreeningResult] = []
    for start in range(0, len(items), chunk):
        part = items[start:start + chunk]
        for shipment, found in zip(part, screen_parties_many(part, ctx)):
            results.append(screen_shipment(shipment, ctx, found))
    return results


def _description_findings(ctx: ScreeningContext, text: str, code: str | None, ref: str) -> list[Finding]:
    """Description analysis is the slowest check and descriptions repeat across a batch: cache by text and code."""
    cached = _cached_description(ctx, text, code or "")
    return [Finding(f.kind, f.severity, f.rule, f.message.replace("\0REF\0", ref),
                    {**f.evidence, "ref": ref}) for f in cached]


def _cached_description(ctx: ScreeningContext, text: str, code: str) -> tuple[Finding, ...]:
    cache = ctx.description_cache
    key = (text, code)
    found = cache.get(key)
    if found is None:
        found = tuple(analyse_description(text, code or None, ctx.reference.nomenclature, ctx.reference.rules,
                                          ref="\0REF\0"))
        if len(cache) < 50000:
            cache[key] = found
    return found


def document_findings(shipment: Shipment, risky_destination: bool = False) -> list[Finding]:
    """What the document itself leaves open: values read from a layout, goods without a code.

    Many transport documents carry no commodity codes at all; a missing code needs a person only
    where the goods go somewhere diversion is a risk (a hub, Russia or Belarus, a sanctioned place).
    """
    findings: list[Finding] = []
    uncertain: list[str] = []
    for i, party in enumerate(shipment.parties):
        if party.provenance is not None and not party.provenance.certain:
            uncertain.append(f"{party.role.replace('_', ' ')} ({where(party.provenance, f'parties[{i}]')})")
    for i, line in enumerate(shipment.goods):
        if line.provenance is not None and not line.provenance.certain:
            uncertain.append(f"goods line {i + 1} ({where(line.provenance, f'goods[{i}]')})")
        if not (line.hs_code or "").strip():
            findings.append(Finding(
                "document", "review" if risky_destination else "info", "document.missing_code",
                f"Goods line {i + 1} ('{(line.description or '')[:60]}') has no commodity code, so it could not be "
                "checked against the control lists",
                {"ref": where(line.provenance, f"goods[{i}]")},
            ))
    if uncertain:
        findings.append(Finding(
            "document", "info", "document.uncertain_fields",
            "Some values were read from the document layout and may be wrong; check them against the document: "
            + "; ".join(uncertain[:10]),
            {"values": uncertain},
        ))
    return findings


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in findings:
        key = (f.rule, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
