"""UK Sanctions List (FCDO) → entities, from any of three files the FCDO publishes.

- The one-row-per-designation **summary ODS** of the FCDO search service (`Unique ID, OFSI
  Group ID, Name, Regime Name, Type, Designation source, Date Designated, Sanctions Imposed`):
  primary names only, no aliases or identifiers.
- The **full CSV** `UK-Sanctions-List.csv`: a `Report Date: 13-Feb-2026` line, then 58 columns
  (`Last Updated, Unique ID, OFSI Group ID, UN Reference Number, Name 6, Name 1 … Name 5, Name
  type, Alias strength, …`), one row per name (and per address), so one designation spans
  several rows that we merge by `Unique ID`. The full ODS has the same columns and is read by
  the same code.
- The **full XML** `UK-Sanctions-List.xml`: `<Designations><DateGenerated/>` and one
  `<Designation>` per entry with `<Names><Name><Name1…Name6/><NameType/><AliasStrength/>`,
  `<Addresses><Address>`, `<IndividualDetails>`, `<EntityDetails>`, `<ShipDetails>`. The
  column and element names follow the published files as used by moov-io/watchman and the
  OpenSanctions `gb_fcdo_sanctions` crawler; no full file was available to check them, so
  leaf elements we do not know are reported once per file rather than silently dropped.

The ODS is read with lxml directly from `content.xml` (odfpy takes many seconds for a sheet
whose empty rows are "repeated" a million times); repeated cells and rows are expanded, and
empty repeated rows are only counted.

Dates: designation dates are DD/MM/YYYY (DD-MM-YYYY in the summary); dates of birth may write
unknown parts as `00` or `dd`/`mm` ("00/00/1975", "dd/mm/1971"), which become ISO prefixes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradescreen.dates import parse_date
from tradescreen.entity import Entity
from tradescreen.sources.base import Download, NotAList, ParseResult, SourceFormat
from tradescreen.sources.common import country_code, csv_rows, decode_text, org_schema, put, read_files
from tradescreen.sources.xmlutil import free
from tradescreen.sources.xmlutil import local as _local_name

SOURCE_ID = "gb_fcdo_sanctions"
EXPECTED = "the FCDO UK Sanctions List (summary ODS, or UK-Sanctions-List CSV/XML/ODS)"

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#: Columns read from a sheet; the full list has 58, the rest of the 16,384 are padding.
_MAX_COLUMNS = 128
#: Guard against a hostile "number-rows-repeated" on a row that has content.
_MAX_REPEAT = 1000

_SCHEMATA = {"individual": "Person", "ship": "Vessel"}


# ---------------------------------------------------------------------------------------------
# Sniffing
# ---------------------------------------------------------------------------------------------


def _norm(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").split()).lower()


def _is_header(cells: Sequence[str]) -> bool:
    keys = {_norm(c) for c in cells}
    return "unique id" in keys and ("name 6" in keys or "regime name" in keys or "ofsi group id" in keys)


def _ods_head(path: Path) -> bytes:
    """The start of an OpenDocument spreadsheet's `content.xml` (empty for other ZIPs).

    Excel does not store `mimetype` first, so the head of the file cannot tell.
    """
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        if "mimetype" not in names or "content.xml" not in names:
            return b""
        if b"opendocument.spreadsheet" not in zf.read("mimetype")[:200]:
            return b""
        with zf.open("content.xml") as fh:
            return fh.read(64 * 1024)


def sniff(path: Path, head: bytes) -> tuple[str, str] | None:
    try:
        if head[:4] == b"PK\x03\x04":
            content = _ods_head(path)
            if b"Unique ID" in content and (b"Regime Name" in content or b"OFSI Group ID" in content):
                return SOURCE_ID, "ods"
            return None
        text = head.decode("utf-8-sig", errors="replace").lstrip()
        if text.startswith("<"):
            if "<Designations" in text and ("<Designation>" in text or "<Designation " in text):
                return SOURCE_ID, "xml"
            return None
        for line in text.splitlines()[:5]:
            if _is_header(next(csv.reader([line]), [])):
                return SOURCE_ID, "csv"
    except Exception:  # noqa: BLE001 - a sniffer answers None for anything it cannot read
        return None
    return None


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

_UK_DATE = re.compile(r"^(\d{1,2}|dd)[/.-](\d{1,2}|mm)[/.-](\d{4})$", re.IGNORECASE)


def uk_date(raw: str) -> str | None:
    """A UK-list date as an ISO prefix; unknown parts (`00`, `dd`, `mm`) are left off."""
    value = raw.strip()
    found = _UK_DATE.match(value)
    if not found:
        return parse_date(value)
    day, month, year = found.groups()
    day_n = int(day) if day.isdigit() else 0
    month_n = int(month) if month.isdigit() else 0
    if month_n == 0:
        return parse_date(year)
    if day_n == 0:
        return parse_date(f"{year}-{month_n:02d}")
    return parse_date(f"{year}-{month_n:02d}-{day_n:02d}")


def _imo(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    return f"IMO{digits}" if len(digits) == 7 else None


# ---------------------------------------------------------------------------------------------
# One designation, collected from rows or elements
# ---------------------------------------------------------------------------------------------


@dataclass
class _Designation:
    uid: str
    file: Path
    #: Where the designation starts (for messages about the whole entry) …
    where: str
    #: … and the row or element being read now (for messages about one value).
    here: str = ""
    kinds: list[str] = field(default_factory=list)
    #: (property, value, label for notes when the schema lacks the property)
    fields: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, prop: str, value: str | None, label: str) -> None:
        if value is not None and value.strip():
            self.fields.append((prop, value.strip(), label))

    def add_or_note(self, prop: str, value: str | None, label: str, raw: str) -> None:
        """`value` into `prop` when the published `raw` could be read, else `raw` into the notes:
        a value the parser cannot read is still evidence a reviewer may need."""
        if value:
            self.add(prop, value, label)
        else:
            self.add("notes", f"{label}: {raw}", label)

    def warn(self, result: ParseResult, fld: str, message: str) -> None:
        """A warning located at the row or element being read, else at the designation's start."""
        result.warn(self.file, self.here or self.where, fld, message)


#: Canonical field key (the CSV header, normalised) → (property, label, kind).
_FIELDS: dict[str, tuple[str, str, str]] = {
    "last updated": ("modifiedAt", "Last updated", "date"),
    "date designated": ("createdAt", "Date designated", "date"),
    "ofsi group id": ("notes", "OFSI Group ID", "note"),
    "un reference number": ("notes", "UN reference number", "note"),
    "regime name": ("program", "Regime", "text"),
    "regime": ("program", "Regime", "text"),
    "designation source": ("notes", "Designation source", "note"),
    "sanctions imposed": ("notes", "Sanctions imposed", "sanctions"),
    "other information": ("notes", "Other information", "note"),
    "uk statement of reasons": ("notes", "UK statement of reasons", "note"),
    "phone number": ("phone", "Phone", "text"),
    "website": ("website", "Website", "text"),
    "email address": ("email", "Email", "email"),
    "d.o.b": ("birthDate", "Date of birth", "dob"),
    "nationality(/ies)": ("nationality", "Nationality", "countries"),
    "national identifier number": ("idNumber", "National identifier", "text"),
    "national identifier additional information": ("notes", "National identifier details", "note"),
    "passport number": ("passportNumber", "Passport", "text"),
    "passport additional information": ("notes", "Passport details", "note"),
    "position": ("position", "Position", "text"),
    "gender": ("gender", "Gender", "gender"),
    "title": ("title", "Title", "text"),
    "type of entity": ("legalForm", "Type of entity", "text"),
    "subsidiaries": ("notes", "Subsidiaries", "note"),
    "parent company": ("notes", "Parent company", "note"),
    "business registration number (s)": ("registrationNumber", "Business registration number", "text"),
    "imo number": ("imoNumber", "IMO number", "imo"),
    "current owner/operator (s)": ("notes", "Current owner/operator", "note"),
    "previous owner/operator (s)": ("notes", "Previous owner/operator", "note"),
    "current believed flag of ship": ("flag", "Flag", "country"),
    "previous flags": ("pastFlags", "Previous flags", "countries"),
    "type of ship": ("type", "Type of ship", "text"),
    "tonnage of ship": ("tonnage", "Tonnage", "text"),
    "length of ship": ("notes", "Length of ship", "note"),
    "year built": ("buildDate", "Year built", "date"),
    "hull identification number (hin)": ("notes", "Hull identification number", "note"),
}

#: XML leaf elements (lower-cased) → canonical field key.
_XML_FIELDS = {
    "lastupdated": "last updated", "datedesignated": "date designated", "ofsigroupid": "ofsi group id",
    "unreferencenumber": "un reference number", "regimename": "regime name",
    "designationsource": "designation source", "sanctionsimposed": "sanctions imposed",
    "otherinformation": "other information", "ukstatementofreasons": "uk statement of reasons",
    "phonenumber": "phone number", "website": "website", "emailaddress": "email address", "dob": "d.o.b",
    "nationality": "nationality(/ies)", "nationalidentifiernumber": "national identifier number",
    "nationalidentifieradditionalinformation": "national identifier additional information",
    "passportnumber": "passport number", "passportadditionalinformation": "passport additional information",
    "position": "position", "gender": "gender", "title": "title", "typeofentity": "type of entity",
    "subsidiary": "subsidiaries", "subsidiaries": "subsidiaries", "parentcompany": "parent company",
    "businessregistrationnumber": "business registration number (s)", "imonumber": "imo number",
    "currentowneroperator": "current owner/operator (s)", "previousowneroperator": "previous owner/operator (s)",
    "currentbelievedflagofship": "current believed flag of ship", "previousflag": "previous flags",
    "previousflags": "previous flags", "typeofship": "type of ship", "tonnageofship": "tonnage of ship",
    "lengthofship": "length of ship", "yearbuilt": "year built",
    "hullidentificationnumber": "hull identification number (hin)",
}  # fmt: skip

#: XML elements read as part of a group (names, addresses, places of birth) or as the entry's id.
_XML_GROUPED = frozenset({
    "uniqueid", "individualentityship", "name1", "name2", "name3", "name4", "name5", "name6", "nametype",
    "aliasstrength", "namenonlatinscript", "nonlatinscripttype", "nonlatinscriptlanguage", "addressline1",
    "addressline2", "addressline3", "addressline4", "addressline5", "addressline6", "addresspostalcode",
    "addresscountry", "townofbirth", "countryofbirth", "name", "dategenerated",
})  # fmt: skip


def _add_field(d: _Designation, key: str, raw: str, result: ParseResult) -> None:
    spec = _FIELDS.get(key)
    value = raw.strip()
    if spec is None or not value:
        return
    prop, label, kind = spec
    if kind == "note":
        d.add("notes", f"{label}: {value}", label)
    elif kind == "sanctions":
        d.add("notes", f"{label}: {', '.join(p.strip() for p in value.split('|') if p.strip())}", label)
    elif kind == "text":
        d.add(prop, value, label)
    elif kind == "email":
        for part in re.split(r"[;,\s]+", value):
            if "@" in part:
                d.add("email", part, label)
            elif part:
                d.add("notes", f"{label}: {part}", label)
    elif kind in ("date", "dob"):
        parsed = uk_date(value)
        d.add_or_note(prop, parsed, label, f"{value} (as published)")
        if parsed is None:
            d.warn(result, label, f"unreadable date {value!r} for {d.uid}; kept in notes")
    elif kind in ("country", "countries"):
        parts = [value] if (kind == "country" or country_code(value)) else re.split(r"\s*[,;/]\s*", value)
        for part in parts:
            d.add_or_note(prop, country_code(part), label, part)
    elif kind == "gender":
        low = value.lower()
        d.add_or_note("gender", low if low in ("male", "female") else None, label, value)
    elif kind == "imo":
        d.add_or_note("imoNumber", _imo(value), label, value)


def _add_name(
    d: _Designation, parts: Sequence[str], name_type: str, strength: str, result: ParseResult
) -> None:
    """Name 1…Name 5 are given names, Name 6 the family name (or the whole name of an entity)."""
    given = [p.strip() for p in parts[:5] if p and p.strip()]
    family = parts[5].strip() if len(parts) > 5 and parts[5] else ""
    full = " ".join(given + ([family] if family else []))
    if not full:
        return
    kind = " ".join(name_type.lower().split())
    if kind in ("primary name", ""):
        if not kind:
            d.warn(result, "Name type", f"name {full!r} of {d.uid} has no name type; read as primary")
        d.add("name", full, "Name")
        if given and family:
            d.add("firstName", given[0], "First name")
            d.add("lastName", family, "Last name")
    elif kind == "primary name variation":
        d.add("alias", full, "Name variation")
    elif kind in ("alias", "aka", "a.k.a."):
        weak = "low" in strength.lower()
        d.add("weakAlias" if weak else "alias", full, "Alias")
    else:
        d.warn(result, "Name type", f"unknown name type {name_type!r} for {d.uid}; read as alias")
        d.add("alias", full, "Alias")


def _add_address(d: _Designation, lines: Sequence[str], postal: str, country: str) -> None:
    if any(p and p.strip() for p in [*lines, postal]):  # a bare country is no address
        d.add(
            "address", ", ".join(p.strip() for p in [*lines, postal, country] if p and p.strip()), "Address"
        )
    if country.strip():
        d.add("country", country_code(country), "Country")


def _add_birth(d: _Designation, town: str, country: str) -> None:
    place = ", ".join(p.strip() for p in (town, country) if p and p.strip())
    d.add("birthPlace", place, "Place of birth")
    if country.strip():
        d.add("birthCountry", country_code(country), "Country of birth")


# ---------------------------------------------------------------------------------------------
# Designations → entities
# ---------------------------------------------------------------------------------------------


def _entity(d: _Designation, result: ParseResult, source_id: str) -> Entity | None:
    kinds = list(dict.fromkeys(k.strip().lower() for k in d.kinds if k.strip()))
    kind = kinds[0] if kinds else ""
    if len(kinds) > 1:
        result.warn(d.file, d.where, "Type", f"{d.uid} is typed {', '.join(kinds)}; read as {kind}")
    if kind == "entity":
        names = [v for p, v, _ in d.fields if p in ("name", "alias", "weakAlias")]
        schema = org_schema(names)
    elif kind in _SCHEMATA:
        schema = _SCHEMATA[kind]
    else:
        result.warn(d.file, d.where, "Type", f"{d.uid} has unknown type {kind!r}; read as LegalEntity")
        schema = "LegalEntity"
    entity = Entity(id=f"gb-fcdo-{d.uid}", schema=schema, datasets=[source_id])
    for prop, value, label in d.fields:
        put(entity, prop, value, label)
    if not entity.get("name"):
        # A designation listed only under aliases still needs a caption to be screened by.
        fallback = entity.first("alias") or entity.first("weakAlias")
        if not fallback:
            result.error(d.file, d.where, "Name", f"{d.uid} has no name at all; not imported")
            return None
        entity.add("name", fallback)
        result.warn(d.file, d.where, "Name", f"{d.uid} has no primary name; first alias used as its name")
    entity.add("topics", "sanction")
    return entity


class _Collector:
    """Designations by Unique ID, in file order, merging the rows of one designation."""

    def __init__(self) -> None:
        self.items: dict[str, _Designation] = {}

    def get(self, uid: str, file: Path, where: str) -> _Designation:
        found = self.items.get(uid)
        if found is None:
            found = self.items[uid] = _Designation(uid=uid, file=file, where=where)
        return found


# ---------------------------------------------------------------------------------------------
# Tables (CSV and ODS) → designations
# ---------------------------------------------------------------------------------------------


def _report_date(cells: Sequence[str]) -> str | None:
    for cell in cells:
        found = re.search(r"report date\s*:?\s*(.+)$", cell.strip(), re.IGNORECASE)
        if found:
            return parse_date(found.group(1).replace("-", " ")) or uk_date(found.group(1))
    return None


def _read_table(
    rows: Iterator[tuple[str, list[str]]],
    path: Path,
    result: ParseResult,
    out: _Collector,
) -> None:
    header: list[str] | None = None
    for where, cells in rows:
        if header is None:
            if _is_header(cells):
                header = [_norm(c) for c in cells]
                if "name 6" not in header and "name" not in header:
                    raise NotAList(f"{path.name}: header has no name column; expected {EXPECTED}")
            elif (published := _report_date(cells)) is not None:
                result.published = result.published or published
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            result.error(
                path, where, None, f"row has {len(cells)} fields, header has {len(header)}; row skipped"
            )
            continue
        row = dict(zip(header, cells))
        uid = row.get("unique id", "").strip()
        if not uid:
            result.error(path, where, "Unique ID", "row has no Unique ID; skipped")
            continue
        summary = "name 6" not in header
        if summary and uid in out.items:
            result.warn(path, where, "Unique ID", f"{uid} appears again; rows merged")
        d = out.get(uid, path, where)
        d.here = where
        _row_to_designation(d, row, summary, result)
    if header is None:
        raise NotAList(f"{path.name}: no 'Unique ID' header row; expected {EXPECTED}")


def _row_to_designation(d: _Designation, row: dict[str, str], summary: bool, result: ParseResult) -> None:
    if summary:
        d.kinds.append(row.get("type", "") or row.get("designation type", ""))
        d.add("name", row.get("name", ""), "Name")
    else:
        d.kinds.append(
            row.get("designation type", "") or row.get("type", "") or row.get("individual, entity, ship", "")
        )
        parts = [row.get(f"name {i}", "") for i in (1, 2, 3, 4, 5, 6)]
        _add_name(d, parts, row.get("name type", ""), row.get("alias strength", ""), result)
        d.add("alias", row.get("name non-latin script"), "Non-Latin script name")
        lines = [row.get(f"address line {i}", "") for i in range(1, 7)]
        _add_address(d, lines, row.get("address postal code", ""), row.get("address country", ""))
        _add_birth(d, row.get("town of birth", ""), row.get("country of birth", ""))
    for key, value in row.items():
        if key.startswith("date designated"):
            key = "date designated"
        if key in _FIELDS and value:
            _add_field(d, key, value, result)


def _csv_rows(text: str, path: Path, result: ParseResult) -> Iterator[tuple[str, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    for start, _end, row in csv_rows(reader, path, result):
        yield f"line {start}", row


def _cell_text(cell: Any) -> str:
    """Text of an ODS cell: its paragraphs, with text:s/tab/line-break expanded."""
    paras = [c for c in cell if c.tag == f"{{{_TEXT}}}p"]
    if not paras:
        return str(cell.get(f"{{{_OFFICE}}}value") or "")
    if len(paras) == 1 and len(paras[0]) == 0:
        return " ".join((paras[0].text or "").split())
    return "\n".join(_para_text(p).strip() for p in paras)


def _para_text(el: Any) -> str:
    """ODF collapses runs of white space in text; explicit spaces are `text:s` elements."""
    parts = [_squash(el.text)]
    for child in el:
        tag = _local_name(child.tag)
        if tag == "s":
            parts.append(" " * min(int(child.get(f"{{{_TEXT}}}c", "1") or 1), 100))
        elif tag == "tab":
            parts.append("\t")
        elif tag == "line-break":
            parts.append("\n")
        else:
            parts.append(_para_text(child))
        parts.append(_squash(child.tail))
    return "".join(parts)


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", " ", text) if text else ""


def _repeat(el: Any, attr: str) -> int:
    value = el.get(f"{{{_TABLE}}}{attr}")
    if value is None:
        return 1
    try:
        return max(1, int(value))
    except ValueError:
        return 1


def ods_rows(content: bytes, path: Path, result: ParseResult) -> Iterator[tuple[str, list[str]]]:
    """Rows of the first sheet of an ODS `content.xml`, as (\"row N\", cell texts)."""
    from lxml import etree

    row_tag, cell_tag, covered_tag, table_tag = (
        f"{{{_TABLE}}}{t}" for t in ("table-row", "table-cell", "covered-table-cell", "table")
    )
    number = 0
    tables = 0
    parser = etree.iterparse(
        io.BytesIO(content),
        events=("start", "end"),
        tag=(table_tag, row_tag),
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
    )
    try:
        for event, el in parser:
            if el.tag == table_tag:
                if event == "start":
                    tables += 1
                elif tables == 1:
                    return
                continue
            if event != "end" or tables != 1:
                continue
            cells: list[str] = []
            blanks = 0  # empty cells seen but not yet written: trailing ones never are
            for cell in el:
                if cell.tag not in (cell_tag, covered_tag):
                    continue
                text = _cell_text(cell)
                times = _repeat(cell, "number-columns-repeated")
                if not text.strip():
                    blanks += times
                    continue
                if blanks:
                    cells.extend([""] * min(blanks, _MAX_COLUMNS - len(cells)))
                    blanks = 0
                cells.extend([text] * min(times, _MAX_COLUMNS - len(cells)))
                if len(cells) >= _MAX_COLUMNS:
                    break
            repeat = _repeat(el, "number-rows-repeated")
            if not cells:
                number += repeat
            else:
                if repeat > _MAX_REPEAT:
                    result.warn(
                        path, f"row {number + 1}", None, f"row repeated {repeat} times; read {_MAX_REPEAT}"
                    )
                for _ in range(min(repeat, _MAX_REPEAT)):
                    number += 1
                    yield f"row {number}", cells
            free(el)
    except etree.XMLSyntaxError as exc:
        result.error(
            path,
            f"row {number + 1}",
            None,
            f"spreadsheet content is damaged; rows after this were not read ({exc})",
        )


def _ods_content(data: bytes, path: Path) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.read("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as exc:
        raise NotAList(f"{path.name}: not a readable ODS spreadsheet ({exc}); expected {EXPECTED}") from exc
    except Exception as exc:  # zlib.error from a damaged member
        raise NotAList(f"{path.name}: damaged ODS spreadsheet ({exc}); expected {EXPECTED}") from exc


# ---------------------------------------------------------------------------------------------
# XML → designations
# ---------------------------------------------------------------------------------------------


def _local(tag: Any) -> str:
    """Lower-cased, so that element names meet the lower-case keys of `_XML_FIELDS` whatever
    case a file writes them in."""
    return _local_name(tag).lower()


def _kids(el: Any) -> dict[str, str]:
    return {_local(c.tag): (c.text or "").strip() for c in el}


def _read_xml(data: bytes, path: Path, result: ParseResult, out: _Collector) -> None:
    from lxml import etree

    unknown: set[str] = set()
    seen_designation = False
    count = 0
    parser = etree.iterparse(
        io.BytesIO(data), events=("start", "end"), resolve_entities=False, no_network=True, huge_tree=True
    )
    root_checked = False
    try:
        for event, el in parser:
            tag = _local(el.tag)
            if not root_checked:
                root_checked = True
                if tag != "designations":
                    raise NotAList(
                        f"{path.name}: XML root is <{tag}>, not <Designations>; expected {EXPECTED}"
                    )
            if event != "end":
                continue
            if tag == "dategenerated" and (el.text or "").strip():
                result.published = result.published or uk_date(el.text) or parse_date(el.text)
            if tag != "designation":
                continue
            seen_designation = True
            count += 1
            where = f"Designation {count}"
            _xml_designation(el, path, where, result, out, unknown)
            free(el)
    except etree.XMLSyntaxError as exc:
        if not root_checked:
            raise NotAList(f"{path.name}: not XML ({exc}); expected {EXPECTED}") from exc
        result.error(
            path,
            f"Designation {count + 1}",
            None,
            f"XML is damaged; entries after this were not read ({exc})",
        )
    if not seen_designation and not result.issues:
        result.warn(path, "root", None, "no <Designation> elements")
    if unknown:
        result.warn(path, "file", None, f"elements not read: {', '.join(sorted(unknown))}")


def _xml_designation(
    el: Any, path: Path, where: str, result: ParseResult, out: _Collector, unknown: set[str]
) -> None:
    uid = ""
    for child in el:
        if _local(child.tag) == "uniqueid":
            uid = (child.text or "").strip()
    if not uid:
        result.error(path, where, "UniqueID", "designation has no UniqueID; skipped")
        return
    if uid in out.items:
        result.warn(path, where, "UniqueID", f"{uid} appears again; entries merged")
    d = out.get(uid, path, f"{where} ({uid})")
    d.here = f"{where} ({uid})"
    for node in el.iter():
        tag = _local(node.tag)
        if tag == "individualentityship":
            d.kinds.append((node.text or "").strip())
        elif tag == "name" and len(node):
            kids = _kids(node)
            parts = [kids.get(f"name{i}", "") for i in range(1, 7)]
            _add_name(d, parts, kids.get("nametype", ""), kids.get("aliasstrength", ""), result)
        elif tag == "namenonlatinscript":
            d.add("alias", (node.text or "").strip(), "Non-Latin script name")
        elif tag == "address" and len(node):
            kids = _kids(node)
            lines = [kids.get(f"addressline{i}", "") for i in range(1, 7)]
            _add_address(d, lines, kids.get("addresspostalcode", ""), kids.get("addresscountry", ""))
        elif tag == "location" and len(node):
            kids = _kids(node)
            _add_birth(d, kids.get("townofbirth", ""), kids.get("countryofbirth", ""))
        elif len(node) == 0 and (node.text or "").strip():
            if tag in _XML_FIELDS:
                _add_field(d, _XML_FIELDS[tag], node.text or "", result)
            elif tag not in _XML_GROUPED:
                unknown.add(node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else "?")


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def parse(files: Sequence[Path], source_id: str = SOURCE_ID) -> ParseResult:
    result = ParseResult(source=source_id)
    out = _Collector()
    for path, data in read_files(files, result, f"expected {EXPECTED}"):
        if data[:4] == b"PK\x03\x04":
            _read_table(ods_rows(_ods_content(data, path), path, result), path, result, out)
            continue
        if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            _read_xml(data, path, result, out)  # lxml honours the file's own encoding declaration
            continue
        body = decode_text(data, path, result).lstrip("\ufeff \t\r\n")
        _read_table(_csv_rows(body, path, result), path, result, out)
    entities = (_entity(d, result, source_id) for d in out.items.values())
    result.entities = [e for e in entities if e is not None]
    return result


FORMAT = SourceFormat(
    key="uk_fcdo",
    title="UK Sanctions List (FCDO): summary ODS, full CSV/XML/ODS",
    sources=(SOURCE_ID,),
    sniff=sniff,
    parse=parse,
    downloads={
        SOURCE_ID: (
            Download(
                url="https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
                filename="UK-Sanctions-List.xml",
                min_bytes=1_000_000,
            ),
        )
    },
)
