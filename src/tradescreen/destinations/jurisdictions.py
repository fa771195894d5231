"""Destinations in comprehensively or broadly sanctioned countries and occupied regions, per regime.

A destination is found by country code, by region (ISO 3166-2 subdivision, directly or through its
UN/LOCODE) and by place names in the address text, because occupied regions of Ukraine are not countries:
a Sevastopol consignee may be written "Sevastopol, Russia" or "UA-40" or just "Севастополь". Each finding
names the place in words and by code ("Crimea (UA-43)", "Iran (IR)"), the regimes and their legal basis.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tradescreen.countries import country_name
from tradescreen.destinations.model import Destination
from tradescreen.findings import SEVERITY_ORDER, Finding, Severity
from tradescreen.rules import REGIMES, Jurisdiction, Reference
from tradescreen.rules.terms import find_all

__all__ = ["JurisdictionMatch", "check_destinations", "jurisdictions_of"]

_WHAT = {
    "destination.comprehensive": "comprehensive sanctions",
    "destination.territory": "a territorial embargo (occupied region of Ukraine)",
    "destination.sectoral": "broad sanctions and export controls",
    "destination.status_changed": "sanctions whose status changed in 2025 (verify before relying on it)",
}


@dataclass(slots=True)
class JurisdictionMatch:
    jurisdiction: Jurisdiction
    #: How the place was recognised: "country code", "subdivision UA-43", "UN/LOCODE UASVP", "place name 'Kerch'".
    how: str
    #: False when only an oblast-wide code matched a partly occupied region.
    precise: bool
    destinations: list[Destination] = field(default_factory=list)


def _subdivision(dest: Destination, iso2: str | None) -> str | None:
    sub = (dest.subdivision or "").strip().upper()
    if not sub:
        return None
    if "-" not in sub and iso2:
        sub = f"{iso2}-{sub}"
    return sub


def jurisdictions_of(dest: Destination, ref: Reference) -> list[JurisdictionMatch]:
    """The sanctioned jurisdictions one destination lies in (a Crimean port matches Crimea, not Ukraine)."""
    iso2 = dest.iso2
    subdivision = _subdivision(dest, iso2)
    loc = ref.locations.get(dest.locode) if dest.locode else None
    locode_how = ""
    if loc is not None:
        iso2 = iso2 or loc.country
        if loc.subdivision and not subdivision:
            subdivision = loc.subdivision
            locode_how = f"UN/LOCODE {loc.locode} ({loc.name})"
    elif dest.locode and not iso2:
        iso2 = ref.locations.country_of(dest.locode)
    text = " ".join(t for t in (dest.text, loc.name if loc else None) if t)
    out: list[JurisdictionMatch] = []
    region_found = False
    for j in ref.rules.jurisdictions:
        if j.subdivision is None:
            continue
        if dest.locode and loc is not None and loc.locode in j.locodes:
            out.append(JurisdictionMatch(j, f"UN/LOCODE {loc.locode} ({loc.name})", True, [dest]))
        elif subdivision and (subdivision == j.subdivision or subdivision in j.other_subdivisions):
            how = locode_how or f"subdivision {subdivision}"
            out.append(JurisdictionMatch(j, how, not j.partial, [dest]))
        elif text and iso2 in (None, j.country, "RU"):
            excluded = j.not_with_country.get(iso2 or "", frozenset())
            hits = [h for h in find_all(j.pattern, text) if h not in excluded]
            if not hits:
                continue
            how = f"place name '{hits[0]}'" + (" (the document gives Russia as the country)" if iso2 == "RU" else "")
            out.append(JurisdictionMatch(j, how, True, [dest]))
        else:
            continue
        region_found = True
    for j in ref.rules.jurisdictions:
        if j.subdivision is not None:
            continue
        if iso2 == j.country:
            if region_found and iso2 == "RU":
                continue  # "Sevastopol, Russia": the region is the finding, not Russia
            out.append(JurisdictionMatch(j, "country code", True, [dest]))
        elif iso2 is None and text and find_all(j.pattern, text):
            out.append(JurisdictionMatch(j, f"place name '{find_all(j.pattern, text)[0]}'", True, [dest]))
    return out


def check_destinations(destinations: Sequence[Destination], regimes: Iterable[str], ref: Reference) -> list[Finding]:
    """One finding per sanctioned jurisdiction the shipment goes to, under the regimes that sanction it."""
    active = {r.strip().upper() for r in regimes} & REGIMES
    merged: dict[str, JurisdictionMatch] = {}
    for dest in destinations:
        for match in jurisdictions_of(dest, ref):
            key = match.jurisdiction.id
            if key not in merged:
                merged[key] = match
            else:
                have = merged[key]
                have.destinations.append(dest)
                if match.precise and not have.precise:
                    have.precise, have.how = True, match.how
    findings = []
    for match in merged.values():
        finding = _finding(match, active)
        if finding is not None:
            findings.append(finding)
    return findings


def _finding(match: JurisdictionMatch, active: set[str]) -> Finding | None:
    j = match.jurisdiction
    applicable = {r: b for r, b in j.regimes.items() if r in active}
    if not applicable:
        return None
    worst = max((b.severity for b in applicable.values()), key=lambda s: SEVERITY_ORDER[s])
    severity: Severity = "block" if worst == "block" else "review" if worst == "review" else "info"
    by_severity: dict[str, list[str]] = {}
    for regime, basis in sorted(applicable.items()):
        by_severity.setdefault(basis.severity, []).append(regime)
    what = _WHAT.get(j.rule, "sanctions")
    parts = []
    if "block" in by_severity:
        parts.append(f"{what} under {_words(by_severity['block'])} rules")
    if "review" in by_severity:
        lesser = "broad or changing sanctions" if "block" in by_severity else what
        parts.append(f"{lesser} under {_words(by_severity['review'])} rules")
    whys = sorted({d.why for d in match.destinations if d.why})
    where = f" ({'; '.join(whys)}; recognised by {match.how})" if whys else f" (recognised by {match.how})"
    label = j.label()
    if j.subdivision and j.country != "UA":
        label = f"{j.name} ({j.subdivision})"
    message = f"{label} is under " + " and ".join(parts) + where
    if not match.precise:
        severity = "review" if SEVERITY_ORDER[severity] > SEVERITY_ORDER["review"] else severity
        message += (f"; only the non-government-controlled part of {country_name('ua')}'s {j.subdivision} region is "
                    "covered, so the exact place must be checked")
    evidence = {
        "jurisdiction": j.id,
        "name": j.name,
        "code": j.subdivision or j.country,
        "recognised_by": match.how,
        "precise": match.precise,
        "regimes": {r: {"severity": b.severity, "basis": b.basis, "confidence": b.confidence}
                    for r, b in sorted(applicable.items())},
        "destinations": [{"why": d.why, "ref": d.ref, "country": d.country, "locode": d.locode} for d in match.destinations],
    }
    return Finding("destination", severity, j.rule, message, evidence)


def _words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
