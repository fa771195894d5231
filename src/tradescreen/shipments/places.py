"""IATA airport codes → UN/LOCODE and country, from the UN/LOCODE table in the data folder.

Air documents (Cargo-XML, ONE Record) name airports by IATA code, not UN/LOCODE, and the
destination rules need a country. UN/LOCODE rows with function 4 (airport) carry the IATA
code in their `iata` column where it differs from the location part, otherwise the location
part is the IATA code; when several airports share a code (FRU is Bishkek and a Brazilian
field), a country hint or the IATA-adopted status (`AI`) decides, and otherwise the code
stays unresolved rather than guessed. The table is bulk reference data read at run time
(`<reference>/documents/unlocode/unlocode-code-list.csv`), never copied into the project.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

UNLOCODE_TABLE = Path("documents") / "unlocode" / "unlocode-code-list.csv"


@dataclass(frozen=True, slots=True)
class Airport:
    iata: str
    unlocode: str
    country: str
    name: str
    status: str
    explicit: bool  # the row's `iata` column names the code (not only its location part)


def default_reference_dir() -> Path | None:
    """The reference data folder from the settings (TRADESCREEN_REFERENCE_DIR), when set."""
    from tradescreen.settings import load_settings

    return load_settings().reference_dir


@lru_cache(maxsize=4)
def _airports(table: Path) -> dict[str, tuple[Airport, ...]]:
    index: dict[str, list[Airport]] = {}
    with table.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            function = row.get("function") or ""
            if len(function) < 4 or function[3] != "4":
                continue
            explicit = bool(row.get("iata"))
            code = (row.get("iata") or row.get("location") or "").upper()
            if len(code) != 3:
                continue
            index.setdefault(code, []).append(Airport(
                iata=code, unlocode=row["locode"], country=(row.get("country") or "").lower(),
                name=row.get("nameWoDiacritics") or row.get("name") or "", status=row.get("status") or "",
                explicit=explicit,
            ))
    return {k: tuple(v) for k, v in index.items()}


class AirportResolver:
    """Looks IATA codes up in one UN/LOCODE table; `None` table means nothing resolves."""

    def __init__(self, reference_dir: Path | None = None) -> None:
        reference_dir = reference_dir or default_reference_dir()
        table = reference_dir / UNLOCODE_TABLE if reference_dir else None
        self.table = table if table is not None and table.is_file() else None

    @property
    def available(self) -> bool:
        return self.table is not None

    def resolve(self, iata: str | None, country_hint: str | None = None) -> Airport | None:
        if not iata or self.table is None:
            return None
        candidates = _airports(self.table).get(iata.strip().upper(), ())
        for narrow in (
            lambda c: c.explicit,
            lambda c: country_hint is not None and c.country == country_hint,
            lambda c: c.status == "AI",
        ):
            if len(candidates) <= 1:
                break
            narrowed = tuple(c for c in candidates if narrow(c))
            if narrowed:
                candidates = narrowed
        return candidates[0] if len(candidates) == 1 else None
