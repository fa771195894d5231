"""UN Security Council Consolidated List (`consolidated.xml`) → entities.

The UN file is flat and namespace-free, but its values are loosely typed: alias `QUALITY`
mixes a quality grade (Good / Low) with an alias kind (a.k.a. / f.k.a.) in the same field,
dates of birth come as an exact date, a year, a year range or only a free-text note, and
document numbers are sometimes only spelt out in the note. The mapping below keeps each
kind apart (strong alias, weak alias, former name) because matching weighs them differently,
and keeps the original-script name (`NAME_ORIGINAL_SCRIPT`, Arabic and others) as an alias
so that a shipment document written in that script can still be screened.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tradescreen.dates import parse_date, parse_dates
from tradescreen.entity import Entity
from tradescreen.sources.base import Download, NotAList, ParseResult, SourceFormat
from tradescreen.sources.common import country_code, join_nonempty, org_schema, read_files, schema_props
from tradescreen.sources.xmlutil import children_by_name as _fields
from tradescreen.sources.xmlutil import iter_elements, root_element
from tradescreen.sources.xmlutil import text as _text

SOURCE_ID = "un_sc_sanctions"
PREFIX = "un"
URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
_EXPECTED = "expected the UN Security Council consolidated list XML (root element CONSOLIDATED_LIST)"

#: Alias QUALITY (lower case) → property. The field holds a grade or a kind, see the module doc.
_ALIAS_PROPS = {
    "good": "alias",
    "a.k.a.": "alias",
    "aka": "alias",
    "": "alias",
    "low": "weakAlias",
    "f.k.a.": "previousName",
    "fka": "previousName",
}
_NAME_FIELDS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_NAME_PARTS = {"FIRST_NAME": "firstName", "SECOND_NAME": "secondName", "THIRD_NAME": "middleName"}
_DATE_TYPES = frozenset({"EXACT", "APPROXIMATELY", "BETWEEN", ""})
_MAX_RANGE = 15
#: XSD dates may carry a time-zone offset ("2015-04-07-04:00"); the day is what matters.
_ZONED_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})$")


def _date(value: str) -> str | None:
    zoned = _ZONED_DAY.match(value)
    return parse_date(zoned.group(1) if zoned else value)


def sniff(path: Path, head: bytes) -> tuple[str, str] | None:
    """A `CONSOLIDATED_LIST` root without namespace."""
    try:
        root = root_element(head)
        if root is None or root.tag != "CONSOLIDATED_LIST":
            return None
        return SOURCE_ID, "xml"
    except Exception:  # noqa: BLE001 - a sniffer must never raise
        return None


def parse(files: Sequence[Path], source_id: str = SOURCE_ID) -> ParseResult:
    result = ParseResult(source=source_id)
    entities: dict[str, Entity] = {}
    for path, data in read_files(files, result, _EXPECTED):
        root = root_element(data[: 64 * 1024])
        if root is None or root.tag != "CONSOLIDATED_LIST":
            found = f"root element <{root.tag}>" if root is not None else "not XML"
            raise NotAList(f"{path.name}: {found}; {_EXPECTED}")
        generated = (root.get("dateGenerated") or "").strip()
        if generated and parse_date(generated):
            result.published = generated
        elif generated:
            result.warn(path, "CONSOLIDATED_LIST", "dateGenerated", f"not a date: {generated!r}")
        counters = {"INDIVIDUAL": 0, "ENTITY": 0}
        for el, line in iter_elements(data, ("INDIVIDUAL", "ENTITY"), path, result, _record_label):
            counters[el.tag] += 1
            entity = _entity(el, line, counters[el.tag], path, result, source_id)
            if entity is None:
                continue
            if entity.id in entities:
                result.error(path, _label(el, line), "DATAID", "DATAID seen before; skipped")
                continue
            entities[entity.id] = entity
    result.entities = list(entities.values())
    return result


def _label(el: Any, line: int) -> str:
    dataid = _text(el.find("DATAID"))
    return f"{el.tag} DATAID={dataid}" if dataid else f"{el.tag} (line {line})"


def _record_label(name: str, raw: bytes) -> str:
    """Names a record that could not be parsed, from the DATAID in its raw bytes."""
    found = _RAW_DATAID.search(raw)
    return f"{name} DATAID={found.group(1).decode(errors='replace')}" if found else name


_RAW_DATAID = re.compile(rb"<DATAID>\s*([^<\s]*)\s*</DATAID>")


class _Where:
    """Issue reporting for one record, so every message names the record."""

    def __init__(self, path: Path, label: str, result: ParseResult) -> None:
        self.path, self.label, self.result = path, label, result

    def warn(self, fld: str, msg: str) -> None:
        self.result.warn(self.path, self.label, fld, msg)

    def error(self, fld: str, msg: str) -> None:
        self.result.error(self.path, self.label, fld, msg)


def _entity(el: Any, line: int, index: int, path: Path, result: ParseResult, source_id: str) -> Entity | None:
    kind = el.tag  # INDIVIDUAL or ENTITY
    fields = _fields(el)
    dataid = _first(fields, "DATAID")
    where = _Where(path, _label(el, line), result)
    if not dataid or not dataid.isdigit():
        ref = _first(fields, "REFERENCE_NUMBER")
        where.label = f"{kind} #{index} (line {line}{', ' + ref if ref else ''})"
        where.error("DATAID", f"missing or malformed DATAID {dataid!r}; skipped")
        return None
    parts = [_first(fields, f) for f in _NAME_FIELDS]
    name = " ".join(p for p in parts if p)
    aliases = [_alias(a, kind, where) for a in fields.get(f"{kind}_ALIAS", [])]
    if not name:
        where.error("FIRST_NAME", "record has no name; skipped")
        return None
    if kind == "INDIVIDUAL":
        schema = "Person"
    else:
        schema = org_schema([name, *(value for prop, value, _ in aliases if prop != "weakAlias")])
    entity = Entity(id=f"{PREFIX}-{dataid}", schema=schema, datasets=[source_id])
    entity.add("name", name)
    if schema == "Person":
        for fld, prop in _NAME_PARTS.items():
            entity.add(prop, _first(fields, fld))
    for original in fields.get("NAME_ORIGINAL_SCRIPT", []):
        entity.add("alias", _text(original))
    for prop, value, alias_el in aliases:
        if value:
            entity.add(prop, value)
        if alias_el is not None:
            _alias_extras(entity, alias_el, value, where)
    entity.add("topics", "sanction")
    entity.add("program", _first(fields, "UN_LIST_TYPE"))
    entity.add("programId", _first(fields, "REFERENCE_NUMBER"))
    listed = _first(fields, "LISTED_ON")
    if listed:
        if _date(listed):
            entity.add("createdAt", _date(listed))
        else:
            where.warn("LISTED_ON", f"not a date: {listed!r}; kept in notes")
            entity.add("notes", f"Listed on: {listed}")
    updated = [d for d in (_date(v) for v in _values(fields, "LAST_DAY_UPDATED")) if d]
    if updated:
        entity.add("modifiedAt", max(updated))
    entity.add("notes", _first(fields, "COMMENTS1"))
    if schema == "Person":
        _person(entity, fields, where)
    for address in fields.get(f"{kind}_ADDRESS", []):
        _address(entity, _fields(address), where)
    return entity


def _person(entity: Entity, fields: dict[str, list[Any]], where: _Where) -> None:
    entity.add("title", _values(fields, "TITLE"))
    entity.add("position", _values(fields, "DESIGNATION"))
    _read_values(entity, "nationality", _values(fields, "NATIONALITY"), country_code, where, "NATIONALITY",
                 "unknown country", lambda v: f"Nationality: {v}")
    gender = _first(fields, "GENDER").lower()
    if gender in ("male", "female"):
        entity.add("gender", gender)
    elif gender:
        where.warn("GENDER", f"unknown gender {gender!r}; kept in notes")
        entity.add("notes", f"Gender: {gender}")
    for dob in fields.get("INDIVIDUAL_DATE_OF_BIRTH", []):
        _birth_date(entity, _fields(dob), where)
    for pob in fields.get("INDIVIDUAL_PLACE_OF_BIRTH", []):
        pf = _fields(pob)
        country = _first(pf, "COUNTRY")
        entity.add(
            "birthPlace", join_nonempty(_first(pf, f) for f in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY"))
        )
        _country_into(entity, "birthCountry", country, where, "INDIVIDUAL_PLACE_OF_BIRTH/COUNTRY")
        note = _first(pf, "NOTE")
        if note:
            entity.add("notes", f"Place of birth: {note}")
    for doc in fields.get("INDIVIDUAL_DOCUMENT", []):
        _document(entity, _fields(doc))


def _birth_date(entity: Entity, df: dict[str, list[Any]], where: _Where) -> None:
    """One INDIVIDUAL_DATE_OF_BIRTH: an exact date, a year, a FROM_YEAR–TO_YEAR range or a note.

    A range becomes every year in it (up to 15), since any of them may be the one; a longer
    range keeps only its two ends and is reported.
    """
    kind = _first(df, "TYPE_OF_DATE").upper()
    if kind not in _DATE_TYPES:
        where.warn("INDIVIDUAL_DATE_OF_BIRTH/TYPE_OF_DATE", f"unknown TYPE_OF_DATE {kind!r}")
    note = _first(df, "NOTE")
    dates: list[str] = []
    raw: list[str] = []
    for fld in ("DATE", "YEAR"):
        for value in _values(df, fld):
            parsed = _date(value)
            if parsed:
                dates.append(parsed)
            else:
                where.warn(f"INDIVIDUAL_DATE_OF_BIRTH/{fld}", f"not a date: {value!r}; kept in notes")
                raw.append(value)
    low, high = _first(df, "FROM_YEAR"), _first(df, "TO_YEAR")
    if low or high:
        start, end = parse_date(low or high), parse_date(high or low)
        if start is None or end is None or len(start) != 4 or len(end) != 4 or start > end:
            where.warn(
                "INDIVIDUAL_DATE_OF_BIRTH/FROM_YEAR", f"not a year range: {low!r}–{high!r}; kept in notes"
            )
            raw.append(f"{low}–{high}")
        elif int(end) - int(start) > _MAX_RANGE:
            where.warn(
                "INDIVIDUAL_DATE_OF_BIRTH/TO_YEAR", f"range {start}–{end} too wide; only its ends kept"
            )
            dates.extend((start, end))
        else:
            dates.extend(str(year) for year in range(int(start), int(end) + 1))
    if not dates and note:
        dates = parse_dates(note)
        if not dates:
            where.warn("INDIVIDUAL_DATE_OF_BIRTH/NOTE", f"no date in {note!r}; kept in notes")
            raw.append(note)
    elif note:
        entity.add("notes", f"Date of birth {', '.join(dates)}: {note}")
    entity.add("birthDate", dates)
    if raw:
        entity.add("notes", f"Date of birth: {'; '.join(raw)}")


def _document(entity: Entity, df: dict[str, list[Any]]) -> None:
    """Passports → passportNumber, everything else → idNumber; the details stay readable in notes.

    Some numbers are only written out in the NOTE ("Tunisian passport number L 191609 …");
    they are kept in notes, not guessed out of the prose.
    """
    kind, detail = _first(df, "TYPE_OF_DOCUMENT"), _first(df, "TYPE_OF_DOCUMENT2")
    number, note = _first(df, "NUMBER"), _first(df, "NOTE")
    words = f"{kind} {detail}".lower()
    is_passport = any(w in words for w in ("passport", "passeport", "pasaporte"))
    if number:
        entity.add("passportNumber" if is_passport else "idNumber", number)
    extra = join_nonempty(
        (
            _first(df, "ISSUING_COUNTRY") or _first(df, "COUNTRY_OF_ISSUE"),
            _first(df, "CITY_OF_ISSUE"),
            f"issued {_first(df, 'DATE_OF_ISSUE')}" if _first(df, "DATE_OF_ISSUE") else "",
            note,
        )
    )
    if extra or (kind and not number):
        label = detail or kind or "Document"
        entity.add("notes", f"{label}: {join_nonempty((number, f'({extra})' if extra and number else extra), ' ')}")


def _alias(el: Any, kind: str, where: _Where) -> tuple[str, str, Any]:
    af = _fields(el)
    quality = _first(af, "QUALITY")
    prop = _ALIAS_PROPS.get(quality.lower())
    if prop is None:
        where.warn(f"{kind}_ALIAS/QUALITY", f"unknown alias quality {quality!r}; read as a.k.a.")
        prop = "alias"
    extras = (
        el if any(k in af for k in ("NOTE", "DATE_OF_BIRTH", "CITY_OF_BIRTH", "COUNTRY_OF_BIRTH")) else None
    )
    return prop, _first(af, "ALIAS_NAME"), extras


def _alias_extras(entity: Entity, el: Any, name: str, where: _Where) -> None:
    """An alias may carry its own date and place of birth (the identity used under that name)."""
    af = _fields(el)
    note = _first(af, "NOTE")
    if note:
        entity.add("notes", f"Alias {name}: {note}" if name else f"Alias: {note}")
    if entity.schema != "Person":
        return
    _read_values(entity, "birthDate", _values(af, "DATE_OF_BIRTH"), parse_dates, where,
                 "INDIVIDUAL_ALIAS/DATE_OF_BIRTH", "not a date:", lambda v: f"Alias {name}: date of birth {v}")
    city, country = _first(af, "CITY_OF_BIRTH"), _first(af, "COUNTRY_OF_BIRTH")
    entity.add("birthPlace", join_nonempty((city, country)))
    _country_into(entity, "birthCountry", country, where, "INDIVIDUAL_ALIAS/COUNTRY_OF_BIRTH")


def _address(entity: Entity, af: dict[str, list[Any]], where: _Where) -> None:
    country = _first(af, "COUNTRY")
    text = join_nonempty(_first(af, f) for f in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY"))
    entity.add("address", text)
    _country_into(entity, "country", country, where, "ADDRESS/COUNTRY")
    note = _first(af, "NOTE")
    if note:
        entity.add("notes", f"Address {text}: {note}" if text else f"Address: {note}")


def _read_values(
    entity: Entity,
    prop: str,
    values: list[str],
    read: Callable[[str], str | list[str] | None],
    where: _Where,
    fld: str,
    problem: str,
    note: Callable[[str], str],
) -> None:
    """Each value, read, into `prop`; one that cannot be read is reported (`problem`) and kept in
    the notes (as `note` writes it), so that nothing the list says is lost."""
    for value in values:
        parsed = read(value)
        if parsed:
            entity.add(prop, parsed)
        else:
            where.warn(fld, f"{problem} {value!r}; kept in notes")
            entity.add("notes", note(value))


def _country_into(entity: Entity, prop: str, value: str, where: _Where, fld: str) -> None:
    if not value:
        return
    code = country_code(value)
    if code is None:
        where.warn(fld, f"unknown country {value!r}")
        return
    if prop in schema_props(entity.schema):
        entity.add(prop, code)


# ---------------------------------------------------------------------------------------------
# Small helpers: one pass over an element's children instead of a lookup per field


def _first(fields: dict[str, list[Any]], name: str) -> str:
    for el in fields.get(name, ()):
        text = _text(el)
        if text:
            return text
    return ""


def _values(fields: dict[str, list[Any]], name: str) -> list[str]:
    """Texts of the VALUE children of every `name` element (NATIONALITY/VALUE, TITLE/VALUE…)."""
    out = []
    for el in fields.get(name, ()):
        children = [c for c in el if isinstance(c.tag, str)]
        for node in children or [el]:
            text = _text(node)
            if text:
                out.append(text)
    return out


FORMAT = SourceFormat(
    key="un_xml",
    title="UN Security Council consolidated XML",
    sources=(SOURCE_ID,),
    sniff=sniff,
    parse=parse,
    downloads={SOURCE_ID: (Download(url=URL, filename="consolidated.xml", min_bytes=500_000),)},
)
