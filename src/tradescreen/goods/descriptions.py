"""Goods descriptions: controlled-item indicators, and whether the description fits the declared HS code.

Evasion rarely changes the goods; it changes the words and the code. A fixed-wing UAV with a payload
release declared as a toy (9503), integrated circuits declared as textiles: the description still says
what the goods are. So the analysis does two things:

1. finds indicators of controlled items in English, Russian and Chinese (rules/indicators.yaml: UAVs,
   aircraft and helicopter parts, military aircraft types, aero engines, navigation, cameras, integrated
   circuits, datalinks), each with the HS headings where such goods belong;
2. compares the description with the HS 2022 nomenclature texts: the text of the declared code and the
   headings that the description's words (plus English glosses of the indicators, which bridge Russian
   and Chinese to the English nomenclature) point at. A description whose goods-defining indicator does not
   fit the declared code, or whose words point to a listed heading while sharing nothing with the declared
   one, is a `goods.description_mismatch`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tradescreen.findings import Finding, Severity
from tradescreen.goods.hs import HsCode, format_code, normalise_code
from tradescreen.goods.nomenclature import Nomenclature, tokens
from tradescreen.rules import Rules, default_rules
from tradescreen.rules.terms import compile_terms, find_all, fold

__all__ = ["analyse_description", "indicators_in", "is_vague"]


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    label: str
    gloss: str
    severity: Severity
    expected: tuple[str, ...]
    plausible: tuple[str, ...] | None
    parts_plausible: tuple[str, ...] | None
    toy_ok: bool
    non_toy: bool
    pattern: re.Pattern[str] | None


@dataclass(frozen=True)
class _Tables:
    indicators: tuple[Indicator, ...]
    parts: re.Pattern[str] | None
    vague: re.Pattern[str] | None
    #: HS prefixes on any goods rule list (CHPL, EU annexes, EAR) - "listed headings".
    listed: frozenset[str]


@lru_cache(maxsize=8)
def _tables(rules: Rules) -> _Tables:
    data: Mapping[str, Any] = rules.indicators
    inds = []
    for row in data.get("indicators") or ():
        plaus = row.get("plausible")
        parts = row.get("parts_plausible", plaus)
        inds.append(Indicator(
            id=str(row["id"]), label=str(row.get("label", row["id"])), gloss=str(row.get("gloss", "")),
            severity=row.get("severity", "info"), expected=tuple(str(x) for x in row.get("expected") or ()),
            plausible=None if plaus is None else tuple(str(x) for x in plaus),
            parts_plausible=None if parts is None else tuple(str(x) for x in parts),
            toy_ok=bool(row.get("toy_ok")), non_toy=bool(row.get("non_toy")),
            pattern=compile_terms(row.get("terms"), row.get("patterns") or ()),
        ))
    # XXIII and similar industrial annexes are too broad to say "this heading is a controlled one".
    listed = frozenset(r.code[:4] for r in rules.goods if r.list_id != "eu833" or r.annex in ("VII", "XI", "XL"))
    return _Tables(tuple(inds), compile_terms(data.get("parts_words")), compile_terms(data.get("vague")), listed)


def indicators_in(text: str, rules: Rules | None = None) -> list[tuple[Indicator, list[str]]]:
    """The indicators a description shows, with the words that showed them."""
    out = []
    for ind in _tables(rules or default_rules()).indicators:
        hits = find_all(ind.pattern, text)
        if hits:
            out.append((ind, hits))
    return out


def is_vague(text: str | None, rules: Rules | None = None) -> bool:
    """True when a description is empty or made only of generic words ("spare parts", "оборудование", "货物")."""
    if not text or not text.strip():
        return True
    return _is_vague(text, _tables(rules or default_rules()))


@lru_cache(maxsize=65536)
def _is_vague(text: str, tables: _Tables) -> bool:
    rest = tables.vague.sub(" ", fold(text)) if tables.vague is not None else fold(text)
    rest = re.sub(r"[\d\W_]+", " ", rest)
    return not [w for w in rest.split() if len(w) > 1 or re.match(r"[\u3400-\u9fff]", w)]


def analyse_description(
    text: str | None, hs_code: str | HsCode | None, nomenclature: Nomenclature, rules: Rules | None = None,
    ref: str = "",
) -> list[Finding]:
    """Indicator and mismatch findings for one goods description and its declared code."""
    if not text or not text.strip():
        return []
    rules = rules or default_rules()
    tables = _tables(rules)
    code = hs_code if isinstance(hs_code, HsCode) else normalise_code(hs_code) if hs_code else None
    if code is not None and not code.valid:
        code = None
    found = indicators_in(text, rules)
    findings: list[Finding] = []
    where = f"{ref}: " if ref else ""
    quoted = _quote(text)
    for ind, hits in found:
        findings.append(Finding(
            "goods", ind.severity, f"goods.indicator.{ind.id}",
            f"{where}the description {quoted} indicates {ind.label} ('{hits[0]}')"
            + (f"; such goods are classified under {_codes(ind.expected)}" if ind.expected else ""),
            {"ref": ref, "indicator": ind.id, "words": hits, "expected": list(ind.expected),
             "source": rules.indicators.get("source", "")},
        ))
    if code is None:
        return findings
    severity: Severity = "review"
    mismatch = _indicator_mismatch(text, code, found, tables, nomenclature)
    if mismatch is None:
        mismatch = _nomenclature_mismatch(text, code, found, tables, nomenclature)
        if mismatch is not None and same_section(code.candidates[0], mismatch[1]["best_heading"]):
            # Word overlap with tariff wording is a weak signal between neighbouring headings (a PLC under
            # 8537 reads like 9032): only a jump to another section of the nomenclature needs a person.
            severity = "info"
    if mismatch is not None:
        message, evidence = mismatch
        evidence.update({"ref": ref, "declared": code.raw, "code": code.display(), "sources": ["UKFS-01"]})
        findings.append(Finding("goods", severity, "goods.description_mismatch", where + message, evidence))
    return findings


#: The HS sections by their first and last chapter (World Customs Organization, HS nomenclature 2022).
#: Technical goods (sections XVI machinery and electrical, XVII vehicles and aircraft, XVIII instruments)
#: are counted as one group: their headings are neighbours in practice.
_SECTIONS: tuple[tuple[int, int, str], ...] = (
    (1, 5, "I"), (6, 14, "II"), (15, 15, "III"), (16, 24, "IV"), (25, 27, "V"), (28, 38, "VI"), (39, 40, "VII"),
    (41, 43, "VIII"), (44, 46, "IX"), (47, 49, "X"), (50, 63, "XI"), (64, 67, "XII"), (68, 70, "XIII"),
    (71, 71, "XIV"), (72, 83, "XV"), (84, 85, "technical"), (86, 89, "technical"), (90, 92, "technical"),
    (93, 93, "XIX"), (94, 96, "XX"), (97, 97, "XXI"),
)


def hs_section(code: str) -> str | None:
    if len(code) < 2 or not code[:2].isdigit():
        return None
    chapter = int(code[:2])
    return next((name for first, last, name in _SECTIONS if first <= chapter <= last), None)


def same_section(a: str, b: str) -> bool:
    section = hs_section(a)
    return section is not None and section == hs_section(b)


def _under(code: HsCode, prefixes: tuple[str, ...]) -> bool:
    return any(c.startswith(p) or p.startswith(c) for c in code.candidates for p in prefixes)


_USE = re.compile(r"(?:(?<!\w)(?:for|for use (?:in|with)|fits?|compatible with|для|под)|用于|适用于|适配)\s*"
                  r"(?:[\w\-]+\s+){0,2}$")


def _only_as_use(folded: str, hits: list[str]) -> bool:
    """True when every mention follows "for"/"для"/"用于": the goods are for a UAV, not a UAV themselves."""
    for hit in hits:
        for m in re.finditer(re.escape(hit), folded):
            if not _USE.search(folded[: m.start()]):
                return False
    return True


def _words(text: str, found: list[tuple[Indicator, list[str]]]) -> list[str]:
    extra = " ".join(ind.gloss for ind, _ in found)
    return tokens(f"{text} {extra}")


def _indicator_mismatch(
    text: str, code: HsCode, found: list[tuple[Indicator, list[str]]], tables: _Tables, nom: Nomenclature
) -> tuple[str, dict[str, Any]] | None:
    is_parts = bool(find_all(tables.parts, text))
    non_toy = [ind for ind, _ in found if ind.non_toy]
    words = _words(text, found)
    folded = fold(text)
    candidates = [(ind, hits, ind.parts_plausible if is_parts or _only_as_use(folded, hits) else ind.plausible)
                  for ind, hits in found]
    defining: list[tuple[Indicator, list[str], tuple[str, ...]]] = [
        (ind, hits, allowed) for ind, hits, allowed in candidates if allowed is not None
    ]
    # "Turbojet engine for UAV": the code must fit one of the things the description names, not all of them.
    if any(_under(code, allowed) for _, _, allowed in defining):
        return None
    for ind, hits, allowed in defining:
        if ind.toy_ok and _under(code, ("9503",)) and not non_toy:
            continue  # a toy drone may be a toy; nothing says otherwise
        expected = ind.expected or allowed
        best = max(expected, key=lambda p: nom.overlap(words, p)) if expected else ""
        declared_text = nom.text(code.candidates[0]) or "(code not in the HS 2022 nomenclature)"
        reason = ""
        if non_toy and _under(code, ("9503",)):
            reason = f" and {', '.join(i.label for i in non_toy)} shows it is not a toy"
        message = (f"the description {_quote(text)} indicates {ind.label} ('{hits[0]}'){reason}, which does not fit the "
                   f"declared HS {code.display()} ('{_short(declared_text)}'); such goods belong under "
                   f"{_codes(expected)}" + (f" ('{_short(nom.text(best))}')" if best and nom.text(best) else ""))
        evidence = {
            "indicator": ind.id, "words": hits, "expected": list(expected),
            "declared_text": declared_text, "non_toy": [i.id for i in non_toy],
            "similarity_declared": round(nom.overlap(words, code.candidates[0]), 3),
            "similarity_expected": round(nom.overlap(words, best), 3) if best else None,
        }
        return message, evidence
    return None


def _nomenclature_mismatch(
    text: str, code: HsCode, found: list[tuple[Indicator, list[str]]], tables: _Tables, nom: Nomenclature
) -> tuple[str, dict[str, Any]] | None:
    """Words pointing clearly to a listed heading while sharing nothing with the declared code (UKFS-01)."""
    words = _words(text, found)
    known = [w for w in set(words) if w in nom.idf]
    if len(known) < 2:
        return None
    declared = code.candidates[0]
    if nom.overlap(words, declared) > 0.0:
        return None
    ranked = nom.best_headings(words, limit=2)
    if not ranked:
        return None
    head, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if not any(head.startswith(p) for p in tables.listed) or head == declared[:4] or score < 8.0 or score < 1.3 * runner_up:
        return None
    message = (f"the description {_quote(text)} shares no words with the declared HS {code.display()} "
               f"('{_short(nom.text(declared))}') but reads like heading {head} ('{_short(nom.text(head))}'), "
               "a heading on the control lists")
    return message, {"best_heading": head, "score": round(score, 2), "declared_text": nom.text(declared)}


def _codes(prefixes: tuple[str, ...]) -> str:
    shown = [f"heading {p}" if len(p) == 4 else f"chapter {p}" if len(p) == 2 else f"HS {format_code(p)}"
             for p in prefixes[:4]]
    return ", ".join(shown)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _quote(text: str) -> str:
    return f"'{_short(text, 100)}'"
