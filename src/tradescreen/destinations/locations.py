"""UN/LOCODE → country and subdivision, read at run time from the reference data folder.

Transport documents name places by UN/LOCODE (`RUNVS`, `UASVP`, `AEJEA`). The country is the code's first
two letters, but sanctions bite on regions too: Sevastopol (`UASVP`) and Yalta (`UAYAL`) are Ukraine by
code and embargoed by region, so the subdivision column matters. The UN/LOCODE list leaves some entries
without a subdivision (Kerch `UAKEH`, Feodosiia `UAFEO`); the jurisdiction rule table supplies those
(`overrides`), and each override is visible in `Location.subdivision_source`.

The code list (116,029 rows) is bulk reference data: not copied into the project, read once per run.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

LOCODE_FILE = Path("documents") / "unlocode" / "unlocode-code-list.csv"
SUBDIVISION_FILE = Path("documents") / "unlocode" / "datasets-un-locode.subdivision-codes.csv"
COUNTRY_FILE = Path("documents") / "country-codes" / "country-codes.csv"

_LOCODE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}$")  # the list has a few codes with 0 (DE9B0)


@dataclass(frozen=True, slots=True)
class Location:
    locode: str
    country: str
    name: str
    #: ISO 3166-2 style, e.g. "UA-43"; None when unknown.
    subdivision: str | None
    subdivision_name: str | None
    #: "unlocode" (the code list) or "rule table" (a jurisdiction override).
    subdivision_source: str | None
    function: str


@dataclass(frozen=True)
class Locations:
    by_code: Mapping[str, Location]
    subdivision_names: Mapping[str, str]
    #: ISO 3166-1 alpha-2 → international dialling prefixes ("7", "1-264", ...) from country-codes.csv.
    dial_codes: Mapping[str, tuple[str, ...]]

    @classmethod
    def load(cls, reference_dir: Path, overrides: Mapping[str, str] | None = None) -> Locations:
        base = Path(reference_dir)
        names: dict[str, str] = {}
        sub_path = base / SUBDIVISION_FILE
        if sub_path.exists():
            with sub_path.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    country, code = (row.get("SUCountry") or "").strip(), (row.get("SUCode") or "").strip()
                    if country and code:
                        names[f"{country}-{code}"] = (row.get("SUName") or "").strip()
        overrides = dict(overrides or {})
        by_code: dict[str, Location] = {}
        with (base / LOCODE_FILE).open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                code = (row.get("locode") or "").strip().upper()
                if not _LOCODE.match(code):
                    continue
                country = code[:2]
                sub = (row.get("subdivision") or "").strip()
                subdivision = f"{country}-{sub}" if sub else None
                source = "unlocode" if subdivision else None
                if code in overrides and overrides[code] != subdivision:
                    subdivision, source = overrides[code], "rule table"
                by_code[code] = Location(
                    code, country, (row.get("name") or "").strip(), subdivision,
                    names.get(subdivision or ""), source, (row.get("function") or "").strip(),
                )
        return cls(MappingProxyType(by_code), MappingProxyType(names), MappingProxyType(_dial_codes(base)))

    def get(self, locode: str | None) -> Location | None:
        """The location for a code as printed (`RU NVS`, `runvs` work too); None when unknown."""
        if not locode:
            return None
        return self.by_code.get(re.sub(r"[\s\-]", "", locode).upper())

    def country_of(self, locode: str | None) -> str | None:
        """Country of a UN/LOCODE: from the list, else its first two letters (`XZ` = international waters)."""
        loc = self.get(locode)
        if loc is not None:
            return loc.country
        code = re.sub(r"[\s\-]", "", locode or "").upper()
        return code[:2] if _LOCODE.match(code) and code[:2] != "XZ" else None


def _dial_codes(base: Path) -> dict[str, tuple[str, ...]]:
    path = base / COUNTRY_FILE
    out: dict[str, tuple[str, ...]] = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            iso2 = (row.get("ISO3166-1-Alpha-2") or "").strip().upper()
            dial = (row.get("Dial") or "").strip()
            if iso2 and dial:
                out[iso2] = tuple(re.sub(r"\D", "", d) for d in dial.split(",") if re.sub(r"\D", "", d))
    return out
