"""trade.gov Consolidated Screening List (CSL), CSV and JSON → entities.

The CSL merges thirteen US lists (OFAC SDN and non-SDN lists, BIS Entity/Denied/Unverified/
MEU lists, State Department lists) into one file. Each row keeps the sub-list it came from in
`source`; we keep it too (`publisher`, topics, entity id), because what a hit means depends on
the sub-list: an SDN hit blocks, an Entity List hit needs a licence, a DTC hit debars.

`_id` is unique only within a sub-list (the same OFAC entity appears on SDN and CAPTA under
one `_id`), so rows are keyed by (sub-list, `_id`) and never merged across sub-lists.

The CSV writes multi-valued fields joined with "; " and each identifier as its JSON object's
values in key order (`country, expiration_date, issue_date, number, type`, empties dropped),
e.g. `PK, 2013-09-09, 2008-09-09, 4117921, Passport`. Only the type (last) is certain; the
country and dates are recognised by shape, and whatever remains is the number, which may itself
contain ", " ("Korea, North, Nationality of Registration").
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from tradescreen.dates import parse_date, parse_dates
from tradescreen.entity import Entity
from tradescreen.sources.base import Download, NotAList, ParseResult, SourceFormat
from tradescreen.sources.common import (
    country_code,
    csv_rows,
    decode_text,
    org_schema,
    put,
    read_files,
    schema_props,
)

SOURCE_ID = "us_trade_csl"

COLUMNS = (
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
    "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
    "vessel_flag", "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
    "dates_of_birth", "nationalities", "places_of_birth", "source_information_url", "ids",
)  # fmt: skip

#: What a hit on each sub-list means, by the short code in the sub-list's name.
TOPICS = {
    "sdn": "sanction", "ssi": "sanction", "fse": "sanction", "cap": "sanction",
    "ns-mbs": "sanction", "plc": "sanction", "cmic": "sanction", "isn": "sanction",
    "el": "export.control", "meu": "export.control", "uvl": "export.control",
    "dpl": "debarment", "dtc": "debarment",
}  # fmt: skip

_TYPE_SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}

# ---------------------------------------------------------------------------------------------
# Sniffing
# ---------------------------------------------------------------------------------------------


def _csv_header(line: str) -> list[str] | None:
    cells = [c.strip().strip('"') for c in line.split(",")]
    if "_id" in cells and "source" in cells and "entity_number" in cells and "name" in cells:
        return cells
    return None


def _first_json_record(text: str) -> dict[str, Any] | None:
    """The first record of a CSL JSON document, read from its beginning only."""
    body = text.lstrip("\ufeff \t\r\n")
    if body.startswith("{"):
        found = re.search(r'"results"\s*:\s*\[', body)
        if found is None:
            return None
        pos = found.end()
    elif body.startswith("["):
        pos = 1
    else:
        return None
    start = body.find("{", pos)
    if start < 0 or body[pos:start].strip():
        return None
    try:
        record, _ = json.JSONDecoder().raw_decode(body, start)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _is_csl_record(record: dict[str, Any]) -> bool:
    return (
        "source" in record
        and "name" in record
        and ("_id" in record or "id" in record)
        and "schema" not in record
        and "properties" not in record
    )


def sniff(path: Path, head: bytes) -> tuple[str, str] | None:
    try:
        text = head.decode("utf-8-sig", errors="replace")
        first = text.lstrip("\ufeff \t\r\n").split("\n", 1)[0]
        if _csv_header(first) is not None:
            return SOURCE_ID, "csv"
        record = _first_json_record(text)
        if record is not None and _is_csl_record(record):
            return SOURCE_ID, "json"
    except Exception:  # noqa: BLE001 - a sniffer answers None for anything it cannot read
        return None
    return None


# ---------------------------------------------------------------------------------------------
# Reading records
# ---------------------------------------------------------------------------------------------

Record = dict[str, Any]


def _csv_records(text: str, path: Path, result: ParseResult) -> Iterator[tuple[str, Record]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise NotAList(f"{path.name}: no CSV header; expected the trade.gov CSL CSV") from exc
    if _csv_header(",".join(header)) is None:
        raise NotAList(
            f"{path.name}: header lacks _id/source/entity_number/name; expected the trade.gov CSL CSV"
        )
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        result.warn(path, "line 1", None, f"columns missing from header: {', '.join(missing)}")
    for start, _end, row in csv_rows(reader, path, result, width=len(header)):
        yield f"line {start}", dict(zip(header, row))


def _json_records(text: str, path: Path, result: ParseResult) -> Iterator[tuple[str, Record]]:
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise NotAList(f"{path.name}: not valid JSON ({exc}); expected the trade.gov CSL JSON") from exc
    records = doc.get("results") if isinstance(doc, dict) else doc
    if not isinstance(records, list):
        raise NotAList(f"{path.name}: no 'results' list; expected the trade.gov CSL JSON")
    checked = False
    for index, record in enumerate(records):
        where = f"record {index}"
        if not isinstance(record, dict):
            result.error(path, where, None, f"record is a {type(record).__name__}, not an object; skipped")
            continue
        if not checked:
            if not _is_csl_record(record):
                raise NotAList(f"{path.name}: records lack source/name/_id; expected the trade.gov CSL JSON")
            checked = True
        yield where, record


# ---------------------------------------------------------------------------------------------
# Field helpers
# ---------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _values(value: Any) -> list[str]:
    """A multi-valued field as a list: JSON lists as they are, CSV text split at "; "."""
    if not value:
        return []
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            out.extend(_values(item) if isinstance(item, list) else [_text(item)])
        return [v for v in out if v]
    return [v.strip() for v in str(value).split("; ") if v.strip()]


def sublist_code(source: str) -> str:
    """`Entity List (EL) - Bureau…` → `el`; `(NS-MBS List)` → `ns-mbs`."""
    found = re.search(r"\(([^)]+)\)", source)
    if found:
        return found.group(1).split()[0].lower()
    return re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")[:20] or "unknown"


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE = re.compile(r"^[A-Z]{2}$")


def split_id(text: str) -> tuple[str, str, str | None]:
    """One CSV identifier → (type, number, country code)."""
    parts = [p.strip() for p in text.split(", ")]
    kind = parts.pop() if len(parts) > 1 else ""
    country = None
    if len(parts) > 1 and _CODE.match(parts[0]):
        country = country_code(parts[0])
        if country:
            parts.pop(0)
    while len(parts) > 1 and _ISO_DAY.match(parts[0]):
        parts.pop(0)
    return kind, ", ".join(parts), country


def _ids(value: Any) -> list[tuple[str, str, str | None]]:
    out: list[tuple[str, str, str | None]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                country = _text(item.get("country"))
                out.append(
                    (
                        _text(item.get("type")),
                        _text(item.get("number")),
                        country_code(country) if country else None,
                    )
                )
            elif _text(item):
                out.append(split_id(_text(item)))
        return out
    return [split_id(part) for part in _values(value)]


def _addresses(value: Any) -> list[tuple[str, str | None]]:
    """(full text, country code) per address."""
    out: list[tuple[str, str | None]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                keys = ("address", "city", "state", "postal_code", "country")
                parts = [_text(item.get(k)) for k in keys]
                country = _text(item.get("country"))
                out.append((", ".join(p for p in parts if p), country_code(country) if country else None))
            elif _text(item):
                out.append(_address_text(_text(item)))
        return out
    return [_address_text(a) for a in _values(value)]


def _address_text(text: str) -> tuple[str, str | None]:
    last = text.rsplit(",", 1)[-1].strip()
    return text, country_code(last) if _CODE.match(last) else None


# Identifier types → FtM properties. Types not listed here and not informational go to idNumber.
_ID_PROPS: dict[str, str] = {
    "passport": "passportNumber", "diplomatic passport": "passportNumber",
    "british national overseas passport": "passportNumber", "stateless person passport": "passportNumber",
    "tax id no.": "taxNumber", "r.f.c.": "taxNumber", "rfc": "taxNumber", "nit #": "taxNumber",
    "ruc #": "taxNumber", "rif #": "taxNumber", "c.u.i.t.": "taxNumber", "c.i.f.": "taxNumber",
    "fiscal code": "taxNumber", "italian fiscal code": "taxNumber", "romanian tax registration": "taxNumber",
    "us fein": "taxNumber", "paraguayan tax identification number": "taxNumber", "rtn": "taxNumber",
    "numero unico de identificacao tributaria (nuit)": "taxNumber", "rsin": "taxNumber",
    "v.a.t. number": "vatCode",
    "registration number": "registrationNumber", "business registration number": "registrationNumber",
    "registration id": "registrationNumber", "company number": "registrationNumber",
    "uk company number": "registrationNumber", "commercial registry number": "registrationNumber",
    "certificate of incorporation number": "registrationNumber", "chamber of commerce number": "registrationNumber",
    "business registration document #": "registrationNumber", "enterprise number": "registrationNumber",
    "public registration number": "registrationNumber", "trade license no.": "registrationNumber",
    "matricula mercantil no": "registrationNumber", "folio mercantil no.": "registrationNumber",
    "c.r. no.": "registrationNumber", "romanian c.r.": "registrationNumber", "business number": "registrationNumber",
    "unified social credit code (uscc)": "registrationNumber", "government gazette number": "registrationNumber",
    "united social credit code certificate (usccc)": "registrationNumber", "file number": "registrationNumber",
    "central registration system number": "registrationNumber", "branch unit number": "registrationNumber",
    "dubai chamber of commerce membership no.": "registrationNumber", "istanbul chamber of comm. no.": "registrationNumber",
    "registered charity no.": "registrationNumber", "msb registration number": "registrationNumber",
    "legal entity number": "leiCode", "lei": "leiCode", "swift/bic": "swiftBic", "d-u-n-s number": "dunsCode",
    "bik (ru)": "bikCode", "isin": "isinCode", "equity ticker": "ticker",
    "ssn": "socialSecurityNumber", "website": "website", "email address": "email", "phone number": "phone",
    "vessel registration identification": "imoNumber", "mmsi": "mmsi", "other vessel call sign": "callSign",
    "other vessel type": "type", "former vessel flag": "pastFlags", "other vessel flag": "pastFlags",
    "nationality of registration": "country", "registration country": "country",
    "aircraft tail number": "registrationNumber", "aircraft manufacturer's serial number (msn)": "serialNumber",
    "aircraft serial identification": "serialNumber", "aircraft model": "model",
    "aircraft manufacture date": "buildDate", "organization established date": "incorporationDate",
}  # fmt: skip

_NOTE_TYPES = frozenset({
    "aircraft operator", "previous aircraft tail number", "aircraft construction number (also called l/n or s/n or f/n)",
    "aircraft mode s transponder code", "issuer name", "target type", "gender", "micex code",
    "chinese commercial code", "un/locode",
})  # fmt: skip


def _is_informational(kind: str) -> bool:
    """Sanctions remarks the CSL files among identifiers ("Secondary sanctions risk:", …)."""
    low = kind.lower()
    return (
        low in _NOTE_TYPES
        or kind.endswith((":", "-"))
        or "date" in low
        or "information" in low
        or "determination" in low
        or "organization type" in low
        or low.startswith("digital currency address")
    )


_COUNTRY_PROPS = frozenset({"country", "pastFlags", "flag"})
_DATE_PROPS = frozenset({"buildDate", "incorporationDate"})


def _add_id(entity: Entity, kind: str, number: str) -> None:
    if not number:
        return
    low = kind.lower()
    if low == "gender" and entity.schema == "Person" and number.lower() in ("male", "female"):
        entity.add("gender", number.lower())
        return
    prop = _ID_PROPS.get(low)
    if prop is None and (_is_informational(kind) or not kind):
        entity.add("notes", f"{kind.rstrip(' :-')}: {number}" if kind else number)
        return
    prop = prop or "idNumber"
    value: str | None = number
    if prop in _COUNTRY_PROPS:
        value = country_code(number)
    elif prop in _DATE_PROPS:
        value = parse_date(number)
    elif prop == "imoNumber":
        digits = re.sub(r"\D", "", number)
        value = f"IMO{digits}" if len(digits) == 7 else None
    if value is None:
        entity.add("notes", f"{kind}: {number}")
        return
    if prop not in schema_props(entity.schema):
        # Vessels and aircraft have no idNumber; a registration number is the nearest field.
        fallback = "registrationNumber" if prop in ("idNumber", "taxNumber") else None
        if fallback and fallback in schema_props(entity.schema):
            entity.add(fallback, value)
        else:
            entity.add("notes", f"{kind}: {number}")
        return
    entity.add(prop, value)


# ---------------------------------------------------------------------------------------------
# Records → entities
# ---------------------------------------------------------------------------------------------


def _schema(kind: str, name: str) -> str | None:
    low = kind.lower()
    if low in _TYPE_SCHEMA:
        return _TYPE_SCHEMA[low]
    if low == "entity":
        return org_schema([name], "Organization")
    if not low:
        return org_schema([name], "LegalEntity")
    return None


def _note_date(
    entity: Entity, result: ParseResult, path: Path, where: str, fld: str, raw: str, label: str
) -> str | None:
    parsed = parse_date(raw)
    if parsed is None:
        entity.add("notes", f"{label}: {raw} (as published)")
        result.warn(path, where, fld, f"impossible or unreadable date {raw!r}; kept as published in notes")
    return parsed


def build_entity(rec: Record, path: Path, where: str, result: ParseResult, source_id: str) -> Entity | None:
    """One CSL record → one entity; None (with an error) when it lacks a name or an id."""
    rid = _text(rec.get("_id")) or _text(rec.get("id"))
    name = _text(rec.get("name"))
    source = _text(rec.get("source"))
    if not rid:
        result.error(path, where, "_id", "record has no id; skipped")
        return None
    if not name:
        result.error(path, where, "name", f"record {rid} has no name; skipped")
        return None
    code = sublist_code(source) if source else "unknown"
    if code not in TOPICS:
        result.warn(path, where, "source", f"unknown sub-list {source!r}; kept without topic")
    kind = _text(rec.get("type"))
    schema = _schema(kind, name)
    if schema is None:
        result.warn(path, where, "type", f"unknown type {kind!r}; read as LegalEntity")
        schema = "LegalEntity"
    entity = Entity(id=f"csl-{code}-{rid}", schema=schema, datasets=[source_id])
    entity.add("name", name)
    entity.add("publisher", source)
    entity.add("topics", TOPICS.get(code))
    entity.add("program", _values(rec.get("programs")))
    for alias in _values(rec.get("alt_names")):
        entity.add("alias", re.sub(r"^and\s+", "", alias))
    if schema == "Person":
        entity.add("position", _text(rec.get("title")))
    else:
        put(entity, "position", _text(rec.get("title")) or None, "Title")
    for text, country in _addresses(rec.get("addresses")):
        if country and len(text) == 2:
            put(entity, "country", country)  # a bare country code is a country, not an address
            continue
        put(entity, "address", text, "Address")
        put(entity, "country", country)
    put(entity, "nationality", [country_code(v) for v in _values(rec.get("nationalities"))], None)
    put(entity, "citizenship", [country_code(v) for v in _values(rec.get("citizenships"))], None)
    for raw in _values(rec.get("dates_of_birth")):
        dates = parse_dates(raw)
        if dates:
            put(entity, "birthDate", dates, "Date of birth")
        else:
            entity.add("notes", f"Date of birth: {raw} (as published)")
            result.warn(path, where, "dates_of_birth", f"unreadable date of birth {raw!r}; kept in notes")
    put(entity, "birthPlace", _values(rec.get("places_of_birth")), "Place of birth")
    start = _text(rec.get("start_date"))
    if start:
        entity.add("createdAt", _note_date(entity, result, path, where, "start_date", start, "Listed"))
    end = _text(rec.get("end_date"))
    if end:
        entity.add("notes", f"Listing ends: {end}")
    for fld, label in (
        ("federal_register_notice", "Federal Register"),
        ("standard_order", "Standard order"),
        ("license_requirement", "Licence requirement"),
        ("license_policy", "Licence policy"),
        ("vessel_owner", "Vessel owner"),
        ("remarks", "Remarks"),
    ):
        value = _text(rec.get(fld))
        if value:
            entity.add("notes", f"{label}: {value}")
    put(entity, "callSign", _text(rec.get("call_sign")) or None, "Call sign")
    put(entity, "type", _text(rec.get("vessel_type")) or None, "Vessel type")
    put(entity, "tonnage", _text(rec.get("gross_tonnage")) or None, "Gross tonnage")
    put(entity, "grossRegisteredTonnage", _text(rec.get("gross_registered_tonnage")) or None, "GRT")
    flag = _text(rec.get("vessel_flag"))
    if flag:
        code_flag = country_code(flag)
        if code_flag:
            put(entity, "flag", code_flag, "Vessel flag")
        else:
            entity.add("notes", f"Vessel flag: {flag}")
    entity.add("sourceUrl", _text(rec.get("source_list_url")))
    entity.add("publisherUrl", _text(rec.get("source_information_url")))
    for kind_id, number, _country in _ids(rec.get("ids")):
        _add_id(entity, kind_id, number)
    return entity


def parse(files: Sequence[Path], source_id: str = SOURCE_ID) -> ParseResult:
    result = ParseResult(source=source_id)
    by_id: dict[str, Entity] = {}
    expected = "the trade.gov Consolidated Screening List (CSV or JSON)"
    for path, data in read_files(files, result, f"expected {expected}"):
        text = decode_text(data, path, result)
        body = text.lstrip("\ufeff \t\r\n")
        if body.startswith(("{", "[")):
            records = _json_records(text, path, result)
        elif _csv_header(body.split("\n", 1)[0]) is not None:
            records = _csv_records(body, path, result)
        else:
            raise NotAList(f"{path.name}: neither the CSL CSV header nor CSL JSON; expected {expected}")
        for where, rec in records:
            entity = build_entity(rec, path, where, result, source_id)
            if entity is None:
                continue
            known = by_id.get(entity.id)
            if known is None:
                by_id[entity.id] = entity
                continue
            result.warn(
                path, where, "_id", f"{entity.id} repeats within its sub-list; merged into the first record"
            )
            for prop, values in entity.properties.items():
                if prop in schema_props(known.schema):
                    known.add(prop, values)
    result.entities = list(by_id.values())
    return result


FORMAT = SourceFormat(
    key="csl",
    title="US Consolidated Screening List (trade.gov), CSV or JSON",
    sources=(SOURCE_ID,),
    sniff=sniff,
    parse=parse,
    downloads={
        SOURCE_ID: (
            Download(
                url="https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
                filename="consolidated.csv",
                min_bytes=1_000_000,
            ),
        )
    },
)
