"""Goods controls: a declared HS code against the rule tables, per destination and per legal regime.

What the check answers is "may these goods go there under these rules?", so every finding names the
code, the list or annex and the regime, and the destination and why the shipment counts it as one (goods
for a Russian end user are goods for Russia, whoever the consignee is). Matching is by code prefix: a
rule on chapter 88 or heading 8542 covers every code below it; a rule printed `ex` covers only part of
its code, and a declared code less precise than the rule (`8542` vs `8542.31`) may or may not be covered,
so those give `review` instead of `block`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tradescreen.countries import country_name
from tradescreen.destinations.model import Destination
from tradescreen.findings import Finding, Severity
from tradescreen.goods.hs import HsCode, format_code, normalise_code
from tradescreen.goods.model import GoodsInput
from tradescreen.rules import CHPL_REGIMES, REGIMES, GoodsRule, Rules

__all__ = ["Destination", "GoodsInput", "check_goods", "goods_matches"]

#: Countries the Russia measures (EU 833/2014, EAR § 746.8, CHPL) are about.
RUSSIA_BELARUS = frozenset({"RU", "BY"})

ANNEX_SUBJECT = {
    "VII": "advanced technology goods",
    "XI": "aviation and space goods",
    "XXIII": "goods that could enhance Russia's industrial capacities",
    "XXIIIB": "goods under Article 3k(3ab)",
    "XXXVII": "goods under Article 3k(1a)",
    "XL": "common high priority items",
}


def goods_matches(code: HsCode, rules: Rules) -> list[tuple[GoodsRule, str]]:
    """Every rule that covers the code, with its coverage: full, partial, ex (rule covers part) or split.

    A code converted from an older edition into several HS 2022 codes is covered fully only if all of
    them are; otherwise "split" (the goods may be in the covered part or not).
    """
    per_rule: dict[int, tuple[GoodsRule, list[str]]] = {}
    for cand in code.candidates:
        declared = cand + (code.national if not code.converted and len(cand) == 6 else "")
        for rule, coverage in rules.match(declared):
            per_rule.setdefault(id(rule), (rule, []))[1].append(coverage)
    out = []
    for rule, coverages in per_rule.values():
        if len(coverages) < len(code.candidates):
            coverage = "split"
        elif "partial" in coverages:
            coverage = "partial"
        else:
            coverage = "full"
        if coverage == "full" and rule.ex:
            coverage = "ex"
        out.append((rule, coverage))
    return out


def check_goods(
    line: GoodsInput, destinations: Sequence[Destination], regimes: Iterable[str], rules: Rules
) -> list[Finding]:
    """Findings for one goods line shipped to the given destinations under the given regimes."""
    if not line.hs_code or not line.hs_code.strip():
        return []
    code = normalise_code(line.hs_code)
    if not code.valid:
        return [Finding("goods", "review", "goods.code_unreadable",
                        f"The commodity code '{line.hs_code}' of {line.ref or 'a goods line'} cannot be read as an "
                        "HS code, so the goods could not be checked against the control lists",
                        {"ref": line.ref, "declared": line.hs_code})]
    active = {r.strip().upper() for r in regimes} & REGIMES
    findings: list[Finding] = []
    if code.converted:
        findings.append(Finding("goods", "info", "goods.code_older_edition",
                                f"{line.ref or 'Goods line'}: " + "; ".join(code.notes),
                                {"ref": line.ref, "declared": line.hs_code, "hs2022": list(code.candidates)}))
    matches = goods_matches(code, rules)
    if not matches or not active:
        return findings
    by_country: dict[str, list[Destination]] = {}
    for dest in destinations:
        if dest.iso2:
            by_country.setdefault(dest.iso2, []).append(dest)
    # One finding per rule id and destination country: a heading-level or older-edition code can hit several
    # rows of one list (8542 → 8542.31/.32/.33/.39); a person needs one line saying so, with all the rows.
    hits: dict[tuple[str, str], list[tuple[GoodsRule, str, Severity, str, list[str]]]] = {}
    for rule, coverage in matches:
        for country in by_country:
            decision = _decide(rule, coverage, country, active, rules)
            if decision is not None:
                hits.setdefault((rule.rule, country), []).append((rule, coverage, *decision))
    for (_, country), group in hits.items():
        findings.append(_finding(line, code, group, by_country[country], country))
    findings.extend(_article_12g(line, code, matches, by_country, active, rules))
    return findings


def _decide(
    rule: GoodsRule, coverage: str, country: str, active: set[str], rules: Rules
) -> tuple[Severity, str, list[str]] | None:
    """What a rule means for one destination country: severity, the consequence in words, the regimes."""
    precise = coverage == "full"
    name = country_name(country.lower())
    if rule.list_id == "chpl":
        regimes = sorted(active & CHPL_REGIMES)
        if not regimes:
            return None
        if country in RUSSIA_BELARUS:
            text = (f"a common high priority item for {name}, whose export there is banned or needs a licence "
                    f"under {_words(regimes)} rules")
            return ("block" if precise else "review", text, regimes)
        if country in rules.hubs:
            text = (f"a common high priority item going to {name}, named as a transshipment point for Russia and "
                    f"Belarus ({rules.hub_sources.get(country, 'FinCEN/BIS alert')})")
            return ("review", text, regimes)
        return None
    if rule.list_id == "eu833":
        if "EU" not in active or rule.annex == "XL":
            return None  # Annex XL is the CHPL, reported by the CHPL rule
        if country == "RU":
            return ("block" if precise else "review",
                    f"export to {name} is prohibited under EU rules ({_article(rule)})", ["EU"])
        if country == "BY":
            text = (f"{name} is subject to mirroring EU measures under Council Regulation (EC) No 765/2006, whose "
                    "annexes are not in the rule tables")
            return ("review", text, ["EU"])
        return None
    if rule.list_id == "ear746":
        if "US" not in active or country not in rule.destinations:
            return None
        severity: Severity = "block" if precise and rule.severity == "block" else "review"
        return (severity, f"a licence is required for export to {name} under the US EAR ({rule.label})", ["US"])
    return None


def _finding(
    line: GoodsInput, code: HsCode, group: list[tuple[GoodsRule, str, Severity, str, list[str]]],
    dests: list[Destination], country: str,
) -> Finding:
    # The most precise row leads the message (full before partial; block before review).
    group.sort(key=lambda g: (g[2] != "block", g[1] != "full", -len(g[0].code)))
    rule, coverage, severity, consequence, regimes = group[0]
    shown = f"HS {code.display()}"
    descriptions = "; ".join(dict.fromkeys(_short(g[0].description, 70) for g in group[:4]))
    if len(group) > 4:
        descriptions += f"; and {len(group) - 4} more"
    if rule.list_id == "chpl":
        listed = f"on the Common High Priority List ({rule.label}: {descriptions})"
    elif rule.list_id == "eu833":
        listed = (f"in {rule.label} to EU Regulation 833/2014 ({ANNEX_SUBJECT.get(rule.annex, '')}: {descriptions})")
    else:
        listed = f"in {rule.label} of the US EAR ({descriptions})"
    codes = ", ".join(dict.fromkeys(g[0].code_as_published for g in group))
    caveat = {
        "partial": f"; the declared code is less precise than the listed {codes}, so the goods may or may not be covered",
        "ex": f"; the list covers only part of {codes} (ex code): check the description",
        "split": f"; the older-edition code {format_code(code.digits[:6])} only partly corresponds to the listed {codes}",
        "full": "",
    }[coverage]
    whys = sorted({d.why for d in dests if d.why})
    where = f" ({'; '.join(whys)})" if whys else ""
    message = f"{shown} is listed {listed}; {consequence}{where}{caveat}"
    evidence = {
        "ref": line.ref,
        "declared": line.hs_code,
        "code": code.display(),
        "hs2022": list(code.candidates),
        "list": rule.list_id,
        "listed_codes": list(dict.fromkeys(g[0].code_as_published for g in group)),
        "listed_as": rule.label,
        "regimes": regimes,
        "coverage": coverage,
        "destination": country,
        "destinations": [{"why": d.why, "ref": d.ref} for d in dests],
        "citation": rule.citation,
        "legal_basis": rule.legal_basis,
        "confidence": rule.confidence,
    }
    if code.notes:
        evidence["code_notes"] = list(code.notes)
    return Finding("goods", severity, rule.rule, message, evidence)


def _article_12g(
    line: GoodsInput, code: HsCode, matches: list[tuple[GoodsRule, str]], by_country: dict[str, list[Destination]],
    active: set[str], rules: Rules,
) -> list[Finding]:
    """Art. 12g: EU exporters of Annex XI/XL goods to third countries must contractually bar re-export to Russia."""
    if "EU" not in active:
        return []
    annexes = sorted({r.annex for r, _ in matches if r.list_id == "eu833" and r.annex in ("XI", "XL")})
    third = sorted(c for c in by_country if c not in rules.eu_members and c not in rules.eu_partners
                   and c not in RUSSIA_BELARUS)
    if not annexes or not third:
        return []
    names = ", ".join(country_name(c.lower()) for c in third)
    return [Finding(
        "goods", "info", "goods.eu833.art12g",
        f"HS {code.display()} is listed in Annex {' and '.join(annexes)} to EU Regulation 833/2014: an EU exporter "
        f"selling it to {names} must contractually prohibit re-export to Russia (Article 12g)",
        {"ref": line.ref, "code": code.display(), "annexes": annexes, "destinations": third, "regimes": ["EU"],
         "citation": "Council Regulation (EU) No 833/2014, Article 12g (as inserted by Reg. (EU) 2023/2878)"},
    )]


def _article(rule: GoodsRule) -> str:
    basis = rule.legal_basis.split(" (")[0] if rule.legal_basis else ""
    return f"{basis} of Regulation 833/2014" if basis else "Regulation 833/2014"


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
