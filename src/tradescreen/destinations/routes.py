"""Route logic: where the goods really go, and whether they pass through a transshipment hub on the way.

Diversion to Russia and Belarus runs through third countries (FinCEN/BIS alert FIN-2022-Alert003 names 18
"common transshipment points"; the EU calls them "circumvention hubs"). So the route matters as much as the
consignee: a hub followed by Russia, high-priority goods passing through a hub, or an end user in a
different country from the consignee each call for a person's review.
"""

from __future__ import annotations

from collections.abc import Iterable

from tradescreen.countries import country_name
from tradescreen.destinations.locations import Locations
from tradescreen.destinations.model import Destination, RoutePoint
from tradescreen.findings import Finding
from tradescreen.goods.controls import goods_matches
from tradescreen.goods.hs import normalise_code
from tradescreen.redflags.facts import DESTINATION_POINTS, DESTINATION_ROLES, ShipmentFacts
from tradescreen.rules import CHPL_REGIMES, REGIMES, Rules

__all__ = ["check_route", "chpl_lines", "destinations_of"]


def _point_country(point: RoutePoint, locations: Locations | None) -> str | None:
    if point.iso2:
        return point.iso2
    return locations.country_of(point.locode) if locations is not None and point.locode else None


def destinations_of(facts: ShipmentFacts, locations: Locations | None = None) -> list[Destination]:
    """Every destination the shipment shows: discharge/delivery/final points and destination parties' countries."""
    out: list[Destination] = []
    for i, point in enumerate(facts.route):
        role = point.role.strip().lower().replace(" ", "_")
        if role not in DESTINATION_POINTS:
            continue
        label = role.replace("_", " ") + (f" {point.locode}" if point.locode else "")
        sub = None
        if locations is not None and point.locode:
            loc = locations.get(point.locode)
            sub = loc.subdivision if loc else None
        out.append(Destination(_point_country(point, locations), label, sub, point.locode, point.name,
                               point.ref or f"route[{i}]"))
    for party in facts.parties:
        if party.role_key in DESTINATION_ROLES:
            out.append(Destination(party.iso2, f"{party.role_key.replace('_', ' ')} {party.name}".strip(), None, None,
                                   party.address, party.ref))
    return out


def chpl_lines(facts: ShipmentFacts, rules: Rules) -> list[tuple[str, str]]:
    """(ref, code) of goods lines whose code is on the Common High Priority List."""
    out = []
    for i, line in enumerate(facts.goods):
        if not line.hs_code:
            continue
        code = normalise_code(line.hs_code)
        if code.valid and any(r.list_id == "chpl" for r, _ in goods_matches(code, rules)):
            out.append((line.ref or f"goods[{i}]", code.display()))
    return out


def check_route(
    facts: ShipmentFacts, rules: Rules, regimes: Iterable[str] = REGIMES, locations: Locations | None = None
) -> list[Finding]:
    """Route findings: hub before Russia/Belarus, high-priority goods via a hub, end user elsewhere than consignee."""
    active = {r.strip().upper() for r in regimes} & REGIMES
    if not active:
        return []
    findings: list[Finding] = []
    countries = [(c, p, i) for i, p in enumerate(facts.route) if (c := _point_country(p, locations))]
    dest_countries = {d.iso2 for d in destinations_of(facts, locations) if d.iso2}
    # 1. A hub on the route followed by Russia/Belarus (or with Russia/Belarus as a destination).
    toward = [c for c, _, _ in countries if c in rules.hub_toward] + sorted(dest_countries & rules.hub_toward)
    hubs_on_route = [(c, p, i) for c, p, i in countries if c in rules.hubs]
    if toward and hubs_on_route:
        first_rb = min((i for c, _, i in countries if c in rules.hub_toward), default=len(countries))
        via = [(c, p, i) for c, p, i in hubs_on_route if i < first_rb or first_rb == len(countries)]
        if via:
            names = ", ".join(dict.fromkeys(f"{country_name(c.lower())} ({p.locode or c})" for c, p, _ in via))
            target = country_name(toward[0].lower())
            findings.append(Finding(
                "route", "review", "route.hub_to_russia",
                f"The route passes through {names}, named as a transshipment point for Russia and Belarus, on its way "
                f"to {target}",
                {"hubs": [{"country": c, "locode": p.locode, "ref": p.ref or f"route[{i}]"} for c, p, i in via],
                 "toward": toward[0], "sources": ["BIS-RF-11", "EUDD-02"],
                 "citation": rules.hub_sources.get(via[0][0], "FinCEN & BIS Joint Alert FIN-2022-Alert003")},
            ))
    # 2. CHPL goods passing through a hub that is not itself a destination (destinations are check_goods' job).
    if active & CHPL_REGIMES:
        transit = [(c, p, i) for c, p, i in hubs_on_route if c not in dest_countries]
        lines = chpl_lines(facts, rules) if transit else []
        if transit and lines:
            names = ", ".join(dict.fromkeys(country_name(c.lower()) for c, _, _ in transit))
            findings.append(Finding(
                "route", "review", "route.chpl_via_hub",
                f"Common High Priority List goods ({', '.join(code for _, code in lines)}) pass through {names}, named "
                "as a transshipment point for Russia and Belarus",
                {"goods": [ref for ref, _ in lines], "hubs": [c for c, _, _ in transit],
                 "sources": ["UKRA-01", "EUDD-02"], "citation": rules.hub_sources.get(transit[0][0], "")},
            ))
    # 3. End user / final destination in another country than the consignee.
    consignees = {p.iso2 for p in facts.parties if p.role_key == "consignee" and p.iso2}
    finals = [(p.iso2, f"end user {p.name}", p.ref) for p in facts.parties
              if p.role_key in ("end_user", "ultimate_consignee") and p.iso2]
    finals += [(c, f"final destination {p.locode or c}", p.ref or f"route[{i}]") for c, p, i in countries
               if p.role.strip().lower().replace(" ", "_") in ("final_destination", "place_of_final_delivery") and c]
    if consignees:
        elsewhere = [(c, why, ref) for c, why, ref in finals if c not in consignees]
        if elsewhere:
            c, why, ref = elsewhere[0]
            risky = c in rules.hub_toward or c in rules.hubs or c in {j.country for j in rules.jurisdictions
                                                                        if j.subdivision is None}
            findings.append(Finding(
                "route", "review" if risky else "info", "route.end_user_elsewhere",
                f"The goods are consigned to {_names(consignees)} but the {why} is in {country_name(c.lower())}: "
                "the consignee is an intermediary",
                {"consignee_countries": sorted(consignees), "final_country": c, "ref": ref,
                 "sources": ["EUDD-01", "BIS-RF-09"]},
            ))
    return findings


def _names(codes: set[str]) -> str:
    return ", ".join(country_name(c.lower()) for c in sorted(codes))
