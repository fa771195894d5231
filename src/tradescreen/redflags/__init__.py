"""Red flags published by export-control and sanctions authorities, wherever shipment data can show them.

Each rule is one small function taking the shipment facts and the rule tables and returning findings; the
table `RULES` maps rule ids to functions, and `rules/red_flags.yaml` gives each id its source rows from
../shared/reference/red_flags/red_flags.csv. Red flags that need the route or the goods lists (hub before
Russia, high-priority goods to a hub, description mismatch) live in the route and goods checks, named in
red_flags.yaml under `implemented_by`, so that no fact is reported twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from tradescreen.countries import country_name
from tradescreen.destinations.locations import Locations
from tradescreen.findings import Finding, Severity
from tradescreen.goods.descriptions import is_vague
from tradescreen.goods.hs import normalise_code
from tradescreen.redflags.facts import DESTINATION_ROLES, Party, Payment, ShipmentFacts
from tradescreen.rules import Rules, default_rules
from tradescreen.rules.terms import compile_terms, find_all

__all__ = ["RULES", "AddressLookup", "Party", "Payment", "ShipmentFacts", "check_red_flags"]

#: Given an address, the names of listed entities registered at that address (the lead plugs in list data).
AddressLookup = Callable[[str], list[str]]

_BUYER_SIDE = frozenset({"buyer", "consignee", "ultimate_consignee", "end_user", "intermediate_consignee",
                         "notify_party", "ship_to", "invoice_payer", "bill_to"})
_FORWARDER_CHECK = frozenset({"consignee", "ultimate_consignee", "end_user"})
_RUSSIA_BELARUS = frozenset({"RU", "BY"})
_INVASION = "2022-02-24"


class _Ctx:
    """What the rules share: the compiled word lists of red_flags.yaml, built once per Rules object."""

    def __init__(self, rules: Rules) -> None:
        data: Mapping[str, Any] = rules.red_flags
        self.rules = rules
        self.meta = {r["id"]: r for r in data.get("rules") or ()}
        self.forwarder = compile_terms(data.get("forwarder_words"), data.get("forwarder_patterns") or ())
        self.bank = compile_terms(data.get("bank_words"))
        self.unrelated = compile_terms(data.get("unrelated_business_words"))
        self.po_box = compile_terms(None, data.get("po_box_patterns") or ())
        self.residential = compile_terms(None, data.get("residential_patterns") or ())
        self.webmail = frozenset(str(d).lower() for d in data.get("webmail_domains") or ())
        self.cyrillic = frozenset(data.get("cyrillic_countries") or ())
        self.cash_threshold = float(data.get("cash_threshold") or 10000)
        self.technical = tuple(str(c) for c in data.get("technical_chapters") or ())

    def finding(self, rule_id: str, message: str, evidence: dict[str, Any], severity: Severity | None = None) -> Finding:
        meta = self.meta.get(rule_id, {})
        evidence = {**evidence, "sources": list(meta.get("sources") or ())}
        return Finding("red_flag", severity or meta.get("severity", "review"), rule_id, message, evidence)


def destinations_of(facts: ShipmentFacts, locations: Locations | None) -> list[Any]:
    # Imported here: routes reads redflags.facts, so a module-level import would be circular.
    from tradescreen.destinations.routes import destinations_of as _destinations_of

    return _destinations_of(facts, locations)


def chpl_lines(facts: ShipmentFacts, rules: Rules) -> list[tuple[str, str]]:
    from tradescreen.destinations.routes import chpl_lines as _chpl_lines

    return _chpl_lines(facts, rules)


@lru_cache(maxsize=8)
def _context(rules: Rules) -> _Ctx:
    return _Ctx(rules)


def _where(p: Party) -> str:
    return f"{p.role_key.replace('_', ' ')} {p.name}"


def forwarder_consignee(facts: ShipmentFacts, ctx: _Ctx, **_: Any) -> list[Finding]:
    """BIS-RF-10: a freight forwarder listed as the product's final destination (consignee or end user)."""
    out = []
    for p in facts.parties_in(_FORWARDER_CHECK):
        words = find_all(ctx.forwarder, p.name)
        if words:
            out.append(ctx.finding("redflag.forwarder_consignee",
                                   f"The {_where(p)} is named like a freight forwarding or logistics company "
                                   f"('{words[0]}'): the real end user may be hidden behind it",
                                   {"party": p.name, "role": p.role_key, "ref": p.ref, "words": words}))
    return out


def listed_address(facts: ShipmentFacts, ctx: _Ctx, address_lookup: AddressLookup | None = None, **_: Any) -> list[Finding]:
    """BIS-RF-01 / UKOTSI-02: a party's address is the registered address of a listed entity."""
    if address_lookup is None:
        return []
    out = []
    for p in facts.parties:
        if not p.address:
            continue
        names = address_lookup(p.address)
        if names:
            out.append(ctx.finding("redflag.listed_address",
                                   f"The address of the {_where(p)} matches the address of listed "
                                   f"{'entity' if len(names) == 1 else 'entities'} {', '.join(names[:3])}",
                                   {"party": p.name, "role": p.role_key, "ref": p.ref, "address": p.address,
                                    "listed": names}))
    return out


def third_party_payer(facts: ShipmentFacts, ctx: _Ctx, **_: Any) -> list[Finding]:
    """TRISEAL23-01: payment from a business not in the transaction, in a country not in the transaction."""
    names = {_norm(p.name) for p in facts.parties}
    countries = {p.iso2 for p in facts.parties if p.iso2}
    out = []
    for pay in facts.payments:
        payer_country = (pay.payer_country or "").upper()[:2] or None
        if not pay.payer or _norm(pay.payer) in names:
            continue
        if payer_country and payer_country not in countries:
            out.append(ctx.finding("redflag.third_party_payer",
                                   f"Payment comes from {pay.payer} in {country_name(payer_country.lower())}, a party "
                                   "that appears nowhere else in the shipment, from a country no party is in",
                                   {"payer": pay.payer, "payer_country": payer_country, "ref": pay.ref}))
    return out


def lc_consigned_to_bank(facts: ShipmentFacts, ctx: _Ctx, **_: Any) -> list[Finding]:
    """FINBIS-NTC23-01: under a letter of credit, goods consigned to the bank rather than the end user."""
    terms = " ".join(filter(None, [facts.payment_terms] + [p.method for p in facts.payments])).lower()
    if not re.search(r"letter[\s_]+of[\s_]+credit|(?<!\w)l/?c(?!\w)|аккредитив|信用证", terms):
        return []
    out = []
    for p in facts.parties_in({"consignee"}):
        if find_all(ctx.bank, p.name):
            out.append(ctx.finding("redflag.lc_consigned_to_bank",
                                   f"Paid by letter of credit and consigned to a bank ({p.name}), not to the actual "
                                   "end user", {"party": p.name, "ref": p.ref, "payment_terms": facts.payment_terms}))
    return out


def vague_description(facts: ShipmentFacts, ctx: _Ctx, **_: Any) -> list[Finding]:
    """UKFS-04: descriptions that do not say what the goods are ("spare parts", "equipment", "goods")."""
    out = []
    for i, line in enumerate(facts.goods):
        if is_vague(line.description, ctx.rules):
            ref = line.ref or f"goods[{i}]"
            out.append(ctx.finding("redflag.vague_description",
                                   f"The description of {ref} ('{line.description.strip()}') does not say what the "
                                   "goods are", {"ref": ref, "description": line.description}))
    return out


def _buyer_addresses(
    facts: ShipmentFacts, ctx: _Ctx, rule_id: str, terms: re.Pattern[str] | None, what: str
) -> list[Finding]:
    """One finding per buyer-side party whose address matches `terms`, saying it `what` ('is a
    post-office box'): the address rules differ only in the words they look for."""
    out = []
    for p in facts.parties_in(_BUYER_SIDE):
        hits = find_all(terms, p.address)
        if hits:
            out.append(ctx.finding(rule_id, f"The address of the {_where(p)} {what} ('{hits[0]}')",
                                   {"party": p.name, "ref": p.ref, "address": p.address}))
    return out


def po_box(facts: ShipmentFacts, ctx: _Ctx, **_: Any) -> list[Finding]:
    """FINBIS23-03: a buyer-side party known only by a post-office box, not a physical business address."""
    return _buyer_addresses(facts, ctx, "redflag.po_box", ctx.po_box, "is a post-office box")


def residential_address(facts: ShipmentFacts, ctx: _Ctx, **_: Any) -> list[Finding]:
    """FINBIS23-03: a company whose business address is an apartment."""
    return _buyer_addresses(facts, ctx, "redflag.residential_address", ctx.residential, "looks like a residence")


def phone_country(facts: ShipmentFacts, ctx: _Ctx, locations: Locations | None = None, **_: Any) -> list[Finding]:
    """UKRA-07: a buyer-side party's phone country code does not match its country or the destination."""
    if locations is None or not locations.dial_codes:
        return []
    dests = {d.iso2 for d in destinations_of(facts, locations) if d.iso2}
    out = []
    for p in facts.parties_in(_BUYER_SIDE):
        number = re.sub(r"[^\d+]", "", (p.phone or "").replace("(0)", ""))
        if number.startswith("00"):
            number = "+" + number[2:]
        if not number.startswith("+") or not p.iso2:
            continue
        digits = number[1:]
        allowed = {p.iso2} | dests
        if any(digits.startswith(code) for c in allowed for code in locations.dial_codes.get(c, ())):
            continue
        owners = sorted(c for c, codes in locations.dial_codes.items() if any(digits.startswith(x) for x in codes))
        out.append(ctx.finding("redflag.phone_country",
                               f"The phone number of the {_where(p)} ({p.phone}) has a country code of "
                               f"{', '.join(country_name(c.lower()) for c in owners[:3]) or 'another country'}, not of "
                               f"{country_name(p.iso2.lower())} or the destination",
                               {"party": p.name, "ref": p.ref, "phone": p.phone, "phone_countries": owners[:5]}))
    return out


def webmail(facts: ShipmentFacts, ctx: _Ctx, **_: Any) -> list[Finding]:
    """UKRA-06: an entity without a domain-based email account."""
    out = []
    for p in facts.parties_in(_BUYER_SIDE):
        domain = (p.email or "").rsplit("@", 1)[-1].strip().lower() if p.email and "@" in p.email else ""
        if domain in ctx.webmail:
            out.append(ctx.finding("redflag.webmail",
                                   f"The {_where(p)} uses a free webmail address ({p.email}), not a company domain",
                                   {"party": p.name, "ref": p.ref, "email": p.email}))
    return out


def new_company(facts: ShipmentFacts, ctx: _Ctx, **_: Any) -> list[Finding]:
    """FINBIS23-01: buyer-side party incorporated after Russia's full-scale invasion (24 February 2022)."""
    out = []
    for p in facts.parties_in(_BUYER_SIDE | {"buyer"}):
        date = (p.incorporated or "").strip()
        if re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", date) and date >= _INVASION[: len(date)] and date[:4] >= "2022":
            if len(date) == 4 and date == "2022":
                continue  # year only: may be before the invasion
            out.append(ctx.finding("redflag.new_company",
                                   f"The {_where(p)} was incorporated on {date}, after 24 February 2022",
                                   {"party": p.name, "ref": p.ref, "incorporated": date}))
    return out


def no_end_user(facts: ShipmentFacts, ctx: _Ctx, locations: Locations | None = None, **_: Any) -> list[Finding]:
    """BIS-RF-02 / FINBIS22-03: high-priority goods with no end user named, going where diversion is a risk.

    Chips shipped to a distributor in the US or the EU without a named end user are everyday
    trade; the flag is raised only when a destination is a transshipment hub, Russia or Belarus,
    or a sanctioned jurisdiction, where the missing end user is what the guidance warns about.
    """
    if facts.parties_in({"end_user", "ultimate_consignee"}):
        return []
    risky = set(ctx.rules.hubs) | set(ctx.rules.hub_toward) | {j.country for j in ctx.rules.jurisdictions}
    where = sorted({d.iso2 for d in destinations_of(facts, locations) if d.iso2} & risky)
    if not where:
        return []
    lines = chpl_lines(facts, ctx.rules)
    if not lines:
        return []
    return [ctx.finding("redflag.no_end_user",
                        f"Common High Priority List goods ({', '.join(code for _, code in lines)}) go to "
                        f"{', '.join(country_name(c.lower()) for c in where)} without a named end user or "
                        "ultimate consignee", {"goods": [ref for ref, _ in lines], "destinations": where})]


def label_language(facts: ShipmentFacts, ctx: _Ctx, locations: Locations | None = None, **_: Any) -> list[Finding]:
    """UKFS-07: package marks in Cyrillic for a destination that does not write Cyrillic."""
    if not facts.marks or not any("CYRILLIC" in unicodedata.name(ch, "") for ch in facts.marks if ch.isalpha()):
        return []
    dests = {d.iso2 for d in destinations_of(facts, locations) if d.iso2}
    if not dests or dests & ctx.cyrillic:
        return []
    return [ctx.finding("redflag.label_language",
                        f"The package marks are written in Cyrillic but the goods go to "
                        f"{', '.join(country_name(c.lower()) for c in sorted(dests))}",
                        {"marks": facts.marks, "destinations": sorted(dests)})]


def cash_payment(facts: ShipmentFacts, ctx: _Ctx, **_: Any) -> list[Finding]:
    """BIS-RF-05: cash for a very expensive item."""
    out = []
    for pay in facts.payments:
        amount = pay.amount if pay.amount is not None else facts.declared_value
        if (pay.method or "").strip().lower() in ("cash", "наличные", "现金") and amount and amount >= ctx.cash_threshold:
            out.append(ctx.finding("redflag.cash_payment",
                                   f"Payment of {amount:,.0f} {pay.currency or facts.currency or ''} is made in cash".strip(),
                                   {"amount": amount, "currency": pay.currency or facts.currency, "ref": pay.ref}))
    return out


def russia_connected_party(facts: ShipmentFacts, ctx: _Ctx, locations: Locations | None = None, **_: Any) -> list[Finding]:
    """UKOTSI-01: a party (notify party, bank, payer, ...) in Russia or Belarus while no destination is there."""
    dests = {d.iso2 for d in destinations_of(facts, locations) if d.iso2}
    if dests & _RUSSIA_BELARUS:
        return []  # the destination check reports Russia itself
    out = []
    for p in facts.parties:
        if p.iso2 in _RUSSIA_BELARUS and p.role_key not in DESTINATION_ROLES:
            out.append(ctx.finding("redflag.russia_connected_party",
                                   f"The {_where(p)} is in {country_name(p.iso2.lower())} although the goods are "
                                   "declared for another country", {"party": p.name, "role": p.role_key, "ref": p.ref}))
    for pay in facts.payments:
        country = (pay.payer_country or "").upper()[:2]
        if country in _RUSSIA_BELARUS:
            out.append(ctx.finding("redflag.russia_connected_party",
                                   f"Payment comes from {pay.payer or 'a payer'} in {country_name(country.lower())} "
                                   "although the goods are declared for another country",
                                   {"payer": pay.payer, "ref": pay.ref}))
    return out


def line_of_business(facts: ShipmentFacts, ctx: _Ctx, **_: Any) -> list[Finding]:
    """BIS-RF-03: technical goods (chapters 84, 85, 88, 90, 93) for a buyer named like a bakery or a textile shop."""
    technical = []
    for i, line in enumerate(facts.goods):
        code = normalise_code(line.hs_code) if line.hs_code else None
        if code is not None and code.valid and code.chapter in ctx.technical:
            technical.append((line.ref or f"goods[{i}]", code.display()))
    if not technical:
        return []
    out = []
    for p in facts.parties_in(_BUYER_SIDE | {"buyer"}):
        words = find_all(ctx.unrelated, p.name)
        if words:
            out.append(ctx.finding("redflag.line_of_business",
                                   f"The {_where(p)} is named for an unrelated line of business ('{words[0]}') but buys "
                                   f"{', '.join(c for _, c in technical[:3])}",
                                   {"party": p.name, "ref": p.ref, "words": words, "goods": [r for r, _ in technical]}))
    return out


#: Rule id → function; every id is documented in rules/red_flags.yaml with its sources.
RULES: dict[str, Callable[..., list[Finding]]] = {
    "redflag.forwarder_consignee": forwarder_consignee,
    "redflag.listed_address": listed_address,
    "redflag.third_party_payer": third_party_payer,
    "redflag.lc_consigned_to_bank": lc_consigned_to_bank,
    "redflag.vague_description": vague_description,
    "redflag.po_box": po_box,
    "redflag.residential_address": residential_address,
    "redflag.phone_country": phone_country,
    "redflag.webmail": webmail,
    "redflag.new_company": new_company,
    "redflag.no_end_user": no_end_user,
    "redflag.label_language": label_language,
    "redflag.cash_payment": cash_payment,
    "redflag.russia_connected_party": russia_connected_party,
    "redflag.line_of_business": line_of_business,
}


def check_red_flags(
    facts: ShipmentFacts,
    rules: Rules | None = None,
    address_lookup: AddressLookup | None = None,
    locations: Locations | None = None,
    only: Iterable[str] | None = None,
) -> list[Finding]:
    """All red-flag findings for a shipment (or the rules named in `only`)."""
    ctx = _context(rules or default_rules())
    selected = set(only) if only is not None else set(RULES)
    out: list[Finding] = []
    for rule_id, func in RULES.items():
        if rule_id in selected:
            out.extend(func(facts, ctx, address_lookup=address_lookup, locations=locations))
    return out


def _norm(name: str) -> str:
    return " ".join(re.findall(r"\w+", name.lower()))
