"""BIS Denied Persons List (`dpl.txt`, tab-separated) → entities.

The DPL has one row per denial order and address, so one party spans several rows (546
distinct names in 665 rows). We merge the rows of one name into one entity, because a screen
must report the party once, with every address and order it is known by. The id hashes the
normalised name, which keeps it stable across releases as long as BIS spells the name the same.

The file does not say whether a party is a person or a company. Names with a legal form
(LLC, GMBH, S.A., …) become Company; all others LegalEntity, since "AARON ABRAHAM VILLA" and
"GIE KERMAN AVIATION" cannot be told apart reliably by shape alone.

Values are kept as published. Impossible dates (`Last_Update` 1023-11-01, 3033-09-30) stay
in the notes, marked "(as published)", and are reported as warnings.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tradescreen.dates import parse_date
from tradescreen.entity import Entity
from tradescreen.sources.base import Download, NotAList, ParseResult, SourceFormat
from tradescreen.sources.common import country_code, csv_rows, decode_text, org_schema, read_files

SOURCE_ID = "us_bis_denied"
PUBLISHER = "Denied Persons List (DPL) - Bureau of Industry and Security"

COLUMNS = (
    "Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date",
    "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation",
)  # fmt: skip

EXPECTED = "the BIS Denied Persons List (tab-separated dpl.txt)"


def sniff(path: Path, head: bytes) -> tuple[str, str] | None:
    try:
        first = head.lstrip(b"\xef\xbb\xbf \r\n").split(b"\n", 1)[0]
        cells = [c.strip().strip(b'"') for c in first.split(b"\t")]
        if len(cells) >= 2 and cells[0] == b"Name" and cells[1] == b"Street_Address":
            return SOURCE_ID, "txt"
    except Exception:  # noqa: BLE001 - a sniffer answers None for anything it cannot read
        return None
    return None


def entity_id(name: str) -> str:
    return "bis-dpl-" + hashlib.sha1(normalise_name(name).encode("utf-8")).hexdigest()[:12]


def normalise_name(name: str) -> str:
    """The merge key: whitespace collapsed, case folded (" I. ASH" and "I. ASH" are one party)."""
    return " ".join(name.split()).casefold()


@dataclass
class _Party:
    name: str
    rows: list[tuple[Path, int, dict[str, str]]] = field(default_factory=list)


def _rows(text: str, path: Path, result: ParseResult) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quotechar='"')
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise NotAList(f"{path.name}: no header row; expected {EXPECTED}") from exc
    if header[:2] != ["Name", "Street_Address"]:
        raise NotAList(f"{path.name}: header starts {header[:2]}; expected {EXPECTED}")
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        result.warn(path, "line 1", None, f"columns missing from header: {', '.join(missing)}")
    rows: list[tuple[int, dict[str, str]]] = []
    seen: dict[tuple[str, ...], int] = {}
    for line, _end, row in csv_rows(reader, path, result, width=len(header), skip_blank_rows=True):
        key = tuple(row)
        if key in seen:
            result.warn(
                path, f"line {line}", None, f"exact duplicate of line {seen[key]} ({row[0].strip()}); ignored"
            )
            continue
        seen[key] = line
        rows.append((line, dict(zip(header, row))))
    return rows


def _address(row: dict[str, str]) -> str:
    keys = ("Street_Address", "City", "State", "Postal_Code", "Country")
    return ", ".join(v for v in (row.get(k, "").strip() for k in keys) if v)


def _date(raw: str, order: str, path: Path, line: int, fld: str, result: ParseResult) -> str:
    """ISO date, or the raw value marked "(as published)" with a warning."""
    parsed = parse_date(raw, order)
    if parsed is not None:
        return parsed
    result.warn(
        path, f"line {line}", fld, f"impossible or unreadable date {raw!r}; kept as published in notes"
    )
    return f"{raw} (as published)"


def _build(party: _Party, result: ParseResult, source_id: str) -> Entity:
    entity = Entity(
        id=entity_id(party.name), schema=org_schema([party.name], "LegalEntity"), datasets=[source_id]
    )
    entity.add("name", party.name)
    entity.add("topics", "debarment")
    entity.add("publisher", PUBLISHER)
    effective: list[str] = []
    for path, line, row in party.rows:
        address = _address(row)
        entity.add("address", address)
        country = row.get("Country", "").strip()
        code = country_code(country) if country else None
        if country and code is None:
            result.warn(path, f"line {line}", "Country", f"unknown country {country!r}")
        entity.add("country", code)
        order: list[str] = []
        eff_raw = row.get("Effective_Date", "").strip()
        if eff_raw:
            eff = _date(eff_raw, "mdy", path, line, "Effective_Date", result)
            order.append(f"effective {eff}")
            if not eff.endswith("(as published)"):
                effective.append(eff)
        exp_raw = row.get("Expiration_Date", "").strip()
        if exp_raw:
            order.append(f"expires {_date(exp_raw, 'mdy', path, line, 'Expiration_Date', result)}")
        standard = row.get("Standard_Order", "").strip()
        if standard:
            order.append(f"standard order {standard.upper()}")
        citation = " ".join(row.get("FR_Citation", "").split())
        if citation:
            order.append(f"Federal Register {citation}")
        action = " ".join(row.get("Action", "").split())
        if action:
            order.append(f"action: {action}")
        updated_raw = row.get("Last_Update", "").strip()
        if updated_raw:
            updated = _date(updated_raw, "dmy", path, line, "Last_Update", result)
            order.append(f"Last update: {updated}")
            if not updated.endswith("(as published)"):
                entity.add("modifiedAt", updated)
        if order:
            entity.add("notes", "Denial order: " + "; ".join(order))
    if effective:
        entity.add("createdAt", min(effective))
    return entity


def parse(files: Sequence[Path], source_id: str = SOURCE_ID) -> ParseResult:
    result = ParseResult(source=source_id)
    parties: dict[str, _Party] = {}
    for path, data in read_files(files, result, f"expected {EXPECTED}"):
        text = decode_text(data, path, result)
        for line, row in _rows(text.lstrip("\ufeff"), path, result):
            name = " ".join(row.get("Name", "").split())
            if not name:
                result.error(path, f"line {line}", "Name", "row has no name; skipped")
                continue
            key = normalise_name(name)
            party = parties.get(key)
            if party is None:
                party = parties[key] = _Party(name=name)
            party.rows.append((path, line, row))
    result.entities = [_build(party, result, source_id) for party in parties.values()]
    return result


FORMAT = SourceFormat(
    key="bis_dpl",
    title="BIS Denied Persons List (dpl.txt)",
    sources=(SOURCE_ID,),
    sniff=sniff,
    parse=parse,
    downloads={
        # Address recorded by moov-io/watchman (2022); whether BIS still serves it is unverified.
        SOURCE_ID: (
            Download(url="https://www.bis.doc.gov/dpl/dpl.txt", filename="dpl.txt", min_bytes=50_000),
        ),
    },
)
