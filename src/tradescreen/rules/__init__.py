"""tradescreen's own rule tables (the CSV/YAML files in this folder) loaded into one immutable object.

The rule tables are small, cite their legal source on every row and ship with the package; bulk reference
data (HS nomenclature, UN/LOCODE) is not shipped and is read from a folder the caller names. `Rules.load()`
reads the former, `Reference.load(dir)` bundles both, so every check receives its data as an argument and
nothing is kept in module globals.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from tradescreen.destinations.locations import Locations
from tradescreen.goods.hs import code_covers, rule_code_digits
from tradescreen.goods.nomenclature import Nomenclature
from tradescreen.rules.terms import compile_terms

RULES_DIR = Path(__file__).resolve().parent

#: The legal regimes a run can apply.
REGIMES = frozenset({"US", "EU", "UK", "UN"})
#: The regimes that adopted the Common High Priority List (BIS CHPL page: EU, US, UK and Japan).
CHPL_REGIMES = frozenset({"US", "EU", "UK"})

_ANNEX_SLUG = {"VII": "annex_vii", "XI": "annex_xi", "XXIII": "annex_xxiii", "XXIIIB": "annex_xxiiib",
               "XXXVII": "annex_xxxvii", "XL": "annex_xl"}


@dataclass(frozen=True, slots=True)
class GoodsRule:
    """One row of a goods rule table: a code on a list, what the list calls it and where the law says so."""

    list_id: str  # "chpl" | "eu833" | "ear746"
    rule: str  # finding rule id, e.g. "goods.chpl.tier1", "goods.eu833.annex_xi", "goods.ear746.supp4"
    code: str  # digits compared with declared codes (trailing 00 pairs removed)
    code_as_published: str
    ex: bool
    label: str  # "Tier 1", "Annex XI, Part A", "Supplement No. 4"
    description: str
    citation: str
    legal_basis: str = ""
    confidence: str = ""
    #: For EAR entries whose meaning is unverified: "review" caps the severity.
    severity: str = "block"
    annex: str = ""
    destinations: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RegimeBasis:
    severity: str
    basis: str
    confidence: str


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    id: str
    name: str
    country: str
    subdivision: str | None
    other_subdivisions: frozenset[str]
    partial: bool
    rule: str
    regimes: Mapping[str, RegimeBasis]
    places: tuple[str, ...]
    locodes: frozenset[str]
    not_with_country: Mapping[str, frozenset[str]]
    #: Compiled place names (see rules/terms.py); None when the row names no places.
    pattern: re.Pattern[str] | None = None

    def label(self) -> str:
        """How a message names it: words and code, "Crimea (UA-43)", "Iran (IR)"."""
        return f"{self.name} ({self.subdivision or self.country})"


@dataclass(frozen=True, eq=False)
class Rules:
    goods: tuple[GoodsRule, ...]
    by_code: Mapping[str, tuple[GoodsRule, ...]]
    #: Rules whose code is longer than the key (chapter/heading/subheading), for partial matches.
    longer_than: Mapping[str, tuple[GoodsRule, ...]]
    jurisdictions: tuple[Jurisdiction, ...]
    eu_members: frozenset[str]
    eu_partners: frozenset[str]
    hubs: Mapping[str, str]
    hub_sources: Mapping[str, str]
    hub_toward: frozenset[str]
    indicators: Mapping[str, Any]
    red_flags: Mapping[str, Any]
    ear_destinations: frozenset[str]
    problems: tuple[str, ...] = field(default_factory=tuple)
    source_dir: str = ""

    @classmethod
    def load(cls, rules_dir: Path | None = None) -> Rules:
        base = Path(rules_dir) if rules_dir else RULES_DIR
        problems: list[str] = []
        goods = _load_chpl(base / "chpl.csv", problems) + _load_eu833(base / "eu_833_2014.csv", problems)
        ear = _yaml(base / "ear_part746.yaml")
        ear_dest = frozenset(ear.get("destinations") or ())
        goods += _load_ear(ear, ear_dest, problems)
        by_code: dict[str, list[GoodsRule]] = defaultdict(list)
        longer: dict[str, list[GoodsRule]] = defaultdict(list)
        for rule in goods:
            by_code[rule.code].append(rule)
            for n in (2, 4, 6, 8):
                if len(rule.code) > n:
                    longer[rule.code[:n]].append(rule)
        juris = _yaml(base / "sanctioned_jurisdictions.yaml")
        trans = _yaml(base / "transshipment.yaml")
        hubs = {str(j["country"]).upper(): str(j["name"]) for j in trans.get("jurisdictions") or ()}
        hub_sources = {str(j["country"]).upper(): str(j.get("source", "")) for j in trans.get("jurisdictions") or ()}
        return cls(
            goods=tuple(goods),
            by_code=MappingProxyType({k: tuple(v) for k, v in by_code.items()}),
            longer_than=MappingProxyType({k: tuple(v) for k, v in longer.items()}),
            jurisdictions=tuple(_jurisdiction(j) for j in juris.get("jurisdictions") or ()),
            eu_members=frozenset(juris.get("eu_member_states") or ()),
            eu_partners=frozenset(juris.get("eu_partner_countries") or ()),
            hubs=MappingProxyType(hubs),
            hub_sources=MappingProxyType(hub_sources),
            hub_toward=frozenset(trans.get("toward") or ()),
            indicators=MappingProxyType(_yaml(base / "indicators.yaml")),
            red_flags=MappingProxyType(_yaml(base / "red_flags.yaml")),
            ear_destinations=ear_dest,
            problems=tuple(problems),
            source_dir=str(base),
        )

    def match(self, declared: str) -> list[tuple[GoodsRule, str]]:
        """Rules covering a declared code (HS 2022 digits, national digits allowed), with "full"/"partial"."""
        out: list[tuple[GoodsRule, str]] = []
        seen: set[int] = set()
        for n in range(2, len(declared) + 1):
            for rule in self.by_code.get(declared[:n], ()):
                if id(rule) not in seen:
                    seen.add(id(rule))
                    out.append((rule, "full"))
        for key in {declared, declared[:6]} if len(declared) >= 6 else {declared}:
            for rule in self.longer_than.get(key, ()):
                if id(rule) in seen:
                    continue
                coverage = code_covers(rule.code, declared)
                if coverage:
                    seen.add(id(rule))
                    out.append((rule, coverage))
        return out

    def locode_subdivisions(self) -> dict[str, str]:
        """UN/LOCODE entries the jurisdiction table places in a subdivision the code list leaves empty."""
        return {code: j.subdivision for j in self.jurisdictions if j.subdivision for code in j.locodes}


@dataclass(frozen=True, eq=False)
class Reference:
    """Everything a screening run reads: the packaged rules and the run-time reference data folder."""

    rules: Rules
    nomenclature: Nomenclature
    locations: Locations
    path: str

    @classmethod
    def load(cls, reference_dir: Path, rules_dir: Path | None = None) -> Reference:
        rules = Rules.load(rules_dir)
        return cls(
            rules=rules,
            nomenclature=Nomenclature.load(reference_dir),
            locations=Locations.load(reference_dir, overrides=rules.locode_subdivisions()),
            path=str(reference_dir),
        )


@lru_cache(maxsize=4)
def default_rules(rules_dir: str | None = None) -> Rules:
    """The packaged rules, read once per process (the object is immutable, so sharing it is safe)."""
    return Rules.load(Path(rules_dir) if rules_dir else None)


def _yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise TypeError(f"{path}: expected a YAML mapping at the top level")
    return data


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _load_chpl(path: Path, problems: list[str]) -> list[GoodsRule]:
    out = []
    for line, row in enumerate(_rows(path), start=2):
        code = rule_code_digits(row.get("code") or "")
        tier = (row.get("tier") or "").strip()
        if len(code) < 4 or not tier:
            problems.append(f"{path.name}:{line}: code or tier missing")
            continue
        slug = tier.lower().replace(".", "")
        out.append(GoodsRule(
            list_id="chpl", rule=f"goods.chpl.tier{slug}", code=code,
            code_as_published=row.get("code_dotted") or code, ex=False, label=f"Tier {tier}",
            description=row.get("description") or "", citation=row.get("citation") or "",
            legal_basis="Common High Priority List", confidence=row.get("confidence") or "",
        ))
    return out


def _load_eu833(path: Path, problems: list[str]) -> list[GoodsRule]:
    out = []
    for line, row in enumerate(_rows(path), start=2):
        annex = (row.get("annex") or "").strip()
        code = rule_code_digits(row.get("code") or "")
        if annex not in _ANNEX_SLUG or len(code) < 2:
            problems.append(f"{path.name}:{line}: annex or code not understood")
            continue
        part = (row.get("part") or "").strip()
        out.append(GoodsRule(
            list_id="eu833", rule=f"goods.eu833.{_ANNEX_SLUG[annex]}", code=code,
            code_as_published=row.get("code_as_published") or code, ex=(row.get("ex") or "").lower() == "yes",
            label=f"Annex {annex}" + (f", {part.split(' - ')[0]}" if part else ""), description=row.get("description") or "",
            citation=row.get("citation") or "", legal_basis=row.get("legal_basis") or "",
            confidence=row.get("confidence") or "", annex=annex,
        ))
    return out


def _load_ear(data: Mapping[str, Any], dest: frozenset[str], problems: list[str]) -> list[GoodsRule]:
    out = []
    for i, entry in enumerate(data.get("entries") or ()):
        code = rule_code_digits(str(entry.get("code") or ""))
        supp = entry.get("supplement")
        if len(code) < 2 or supp is None:
            problems.append(f"ear_part746.yaml: entries[{i}]: code or supplement missing")
            continue
        out.append(GoodsRule(
            list_id="ear746", rule=f"goods.ear746.supp{supp}", code=code, code_as_published=str(entry["code"]),
            ex=bool(entry.get("partial")), label=f"Supplement No. {supp} to part 746",
            description=str(entry.get("description") or ""), citation=str(entry.get("citation") or ""),
            legal_basis="15 CFR part 746", confidence=str(entry.get("confidence") or ""),
            severity=str(entry.get("severity") or "block"),
            destinations=dest | frozenset(entry.get("also_destinations") or ()),
        ))
    return out


def _jurisdiction(data: Mapping[str, Any]) -> Jurisdiction:
    places: list[str] = []
    by_lang = {str(k): [str(n) for n in v or ()] for k, v in (data.get("places") or {}).items()}
    for names in by_lang.values():
        places.extend(names)
    regimes = {
        str(k): RegimeBasis(str(v.get("severity", "review")), str(v.get("basis", "")), str(v.get("confidence", "")))
        for k, v in (data.get("regimes") or {}).items()
    }
    return Jurisdiction(
        id=str(data["id"]), name=str(data["name"]), country=str(data["country"]).upper(),
        subdivision=data.get("subdivision"), other_subdivisions=frozenset(data.get("other_subdivisions") or ()),
        partial=bool(data.get("partial")), rule=str(data.get("rule") or "destination.comprehensive"),
        regimes=MappingProxyType(regimes), places=tuple(places), locodes=frozenset(data.get("locodes") or ()),
        not_with_country=MappingProxyType(
            {str(k).upper(): frozenset(str(x).lower() for x in v) for k, v in (data.get("not_with_country") or {}).items()}
        ),
        pattern=compile_terms(by_lang),
    )
