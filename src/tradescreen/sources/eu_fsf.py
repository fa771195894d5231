"""EU Consolidated Financial Sanctions List (FSF): the XML 1.1 export, and its CSV 1.1 twin.

The European Commission publishes one list for all CFSP financial sanctions. Both formats
carry the same records; the XML nests them (`sanctionEntity` with `nameAlias`, `birthdate`,
`identification`, `address`, `citizenship` and `regulation` children, facts in attributes),
the CSV flattens every child onto its own semicolon-separated row keyed by
`Entity_LogicalId`. Both are read into the same intermediate `_Record` so that one mapping
decides what becomes which FollowTheMoney property; the formats cannot drift apart.

The download address carries a `token` query parameter. `dG9rZW4tMjAxNw` is base64 for
"token-2017": it is the public token printed on the Commission's FSF page and used by every
open-source consumer of the list, not a credential of ours.

No real EU file could be obtained for this repository (see the data provenance notes); the
element, attribute and column names follow the published schema as seen in public consumers
(OpenSanctions' `eu_fsf` crawler, moov-io/watchman's EU CSV reader and published samples).
The real namespace is `http://eu.europa.ec/fpi/fsd/export` ("ec", not "eu"); the parser
matches local names only, so either spelling is read.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tradescreen.dates import parse_date, parse_dates
from tradescreen.entity import Entity
from tradescreen.sources.base import Download, NotAList, ParseResult, SourceFormat
from tradescreen.sources.common import (
    country_code,
    csv_rows,
    decode_text,
    join_nonempty,
    org_schema,
    read_files,
    schema_props,
)
from tradescreen.sources.xmlutil import free
from tradescreen.sources.xmlutil import local as _local

SOURCE_ID = "eu_fsf"
PREFIX = "eu-fsf"
XML_URL = (
    "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw"
)

_EXPECTED = (
    "expected the EU Financial Sanctions File: XML 1.1 (root <export> with <sanctionEntity> "
    "elements) or CSV 1.1 (semicolon-separated, header with Entity_LogicalId and NameAlias_WholeName)"
)

#: identificationTypeCode -> FtM property; codes not listed go to `idNumber`.
_ID_PROPS = {
    "passport": "passportNumber",
    "regnumber": "registrationNumber",
    "fiscalcode": "taxNumber",
    "swiftbic": "swiftBic",
    "imo": "imoNumber",
}
_GENDERS = {"m": "male", "male": "male", "f": "female", "female": "female"}
_UNKNOWN_COUNTRY = {"", "00", "UNKNOWN"}
_CONTACT_PROPS = {"PHONE": "phone", "FAX": "phone", "EMAIL": "email", "WEB": "website"}
_CONTACT_RE = re.compile(r"(PHONE|FAX|EMAIL|WEB)")


# ---------------------------------------------------------------------------------------------
# Intermediate record: what both formats are read into


@dataclass(slots=True)
class _Record:
    """One `sanctionEntity`, attributes keyed by the XML attribute names in both formats."""

    logical_id: str
    location: str
    attrs: dict[str, str] = field(default_factory=dict)
    subject: str = ""
    remarks: list[str] = field(default_factory=list)
    regulations: list[dict[str, str]] = field(default_factory=list)
    names: list[dict[str, str]] = field(default_factory=list)
    citizenships: list[dict[str, str]] = field(default_factory=list)
    birthdates: list[dict[str, str]] = field(default_factory=list)
    identifications: list[dict[str, str]] = field(default_factory=list)
    addresses: list[dict[str, str]] = field(default_factory=list)
    #: (key, value) pairs from address contact info: PHONE, FAX, EMAIL, WEB.
    contacts: list[tuple[str, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Sniffing


_XML_ROOT = re.compile(rb"<(?:[\w.-]+:)?export\b")


def sniff(path: Path, head: bytes) -> tuple[str, str] | None:
    """XML: an `<export>` root of the FSD namespace; CSV: the 1.1 header."""
    try:
        if _XML_ROOT.search(head) and (b"fsd/export" in head or b"sanctionEntity" in head):
            return SOURCE_ID, "xml"
        first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
        if b";" in first and b"Entity_LogicalId" in first and b"NameAlias_WholeName" in first:
            return SOURCE_ID, "csv"
    except Exception:  # noqa: BLE001 - a sniffer must never raise
        return None
    return None


# ---------------------------------------------------------------------------------------------
# Parsing


def parse(files: Sequence[Path], source_id: str = SOURCE_ID) -> ParseResult:
    result = ParseResult(source=source_id)
    entities: dict[str, Entity] = {}
    for path, data in read_files(files, result, _EXPECTED):
        body = data.lstrip(b"\xef\xbb\xbf \t\r\n")
        if body.startswith(b"<"):
            records = _xml_records(data, path, result)
        elif _is_csv_header(body):
            records = _csv_records(data, path, result)
        else:
            raise NotAList(f"{path.name}: {_EXPECTED}")
        for record in records:
            entity = _build(record, path, result, source_id)
            if entity is None:
                continue
            previous = entities.get(entity.id)
            if previous is None:
                entities[entity.id] = entity
                continue
            result.warn(path, record.location, "logicalId", "logicalId seen before; entries merged")
            for prop, values in entity.properties.items():
                if prop == "name" and previous.get("name"):
                    _add_unless_name(previous, "alias", values)
                else:
                    previous.add(prop, values)
    result.entities = list(entities.values())
    return result


def _is_csv_header(body: bytes) -> bool:
    first = body.split(b"\n", 1)[0]
    return b";" in first and b"Entity_LogicalId" in first


def _xml_records(data: bytes, path: Path, result: ParseResult) -> Iterator[_Record]:
    """Stream `sanctionEntity` elements; a broken file keeps the entries before the break."""
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        tag=("{*}export", "{*}sanctionEntity"),  # only these reach Python: 3x faster
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    root = None
    count = 0
    while True:
        try:
            event, el = next(events)
        except StopIteration:
            break
        except (etree.LxmlError, ValueError, LookupError) as exc:
            if root is None:
                raise NotAList(f"{path.name}: not well-formed XML ({exc}); {_EXPECTED}") from exc
            line = getattr(exc, "lineno", None) or "?"
            result.error(
                path,
                f"line {line}",
                None,
                f"XML is broken ({exc}); entries after this point are missing ({count} read)",
            )
            break
        if root is None:
            root = el
            if _local(el.tag) != "export" or el.getparent() is not None:
                top = el.getroottree().getroot()
                raise NotAList(f"{path.name}: root element is <{_local(top.tag)}>; {_EXPECTED}")
            generated = (el.get("generationDate") or "").strip()
            if generated:
                if parse_date(generated) is None:
                    result.warn(path, "export", "generationDate", f"not a date: {generated!r}")
                else:
                    result.published = generated
            continue
        if event != "end" or _local(el.tag) != "sanctionEntity":
            continue
        count += 1
        yield _record_from_xml(el, count, path, result)
        free(el)  # the full file is ~25 MB
    if root is None:
        found = getattr(events, "root", None)
        what = f"root element is <{_local(found.tag)}>" if found is not None else "empty document"
        raise NotAList(f"{path.name}: {what}; {_EXPECTED}")


def _attrs(el: etree._Element) -> dict[str, str]:
    """Non-empty attributes, stripped (most FSF attributes are present but empty)."""
    out: dict[str, str] = {}
    for key, value in el.items():
        if value:
            value = value.strip()
            if value:
                out[str(key)] = value
    return out


def _record_from_xml(el: etree._Element, index: int, path: Path, result: ParseResult) -> _Record:
    attrs = _attrs(el)
    logical_id = attrs.get("logicalId", "")
    where = f"sanctionEntity logicalId={logical_id}" if logical_id else f"sanctionEntity #{index}"
    record = _Record(logical_id=logical_id, location=f"{where} (line {el.sourceline})", attrs=attrs)
    for child in el:
        tag = _local(child.tag)
        if tag == "remark":
            record.remarks.append((child.text or "").strip())
        elif tag == "subjectType":
            record.subject = child.get("code") or child.get("classificationCode") or ""
        elif tag == "regulation":
            reg = _attrs(child)
            for sub in child:
                if _local(sub.tag) == "publicationUrl" and (sub.text or "").strip():
                    reg["publicationUrl"] = (sub.text or "").strip()
            record.regulations.append(reg)
        elif tag == "nameAlias":
            name = _attrs(child)
            remark = _child_remarks(child)
            if remark:
                name["remark"] = remark
            record.names.append(name)
        elif tag == "citizenship":
            record.citizenships.append(_attrs(child))
        elif tag == "birthdate":
            record.birthdates.append(_attrs(child))
        elif tag == "identification":
            record.identifications.append(_attrs(child))
        elif tag == "address":
            record.addresses.append(_attrs(child))
            for sub in child:
                if _local(sub.tag) == "contactInfo":
                    record.contacts.append(((sub.get("key") or "").strip(), (sub.get("value") or "").strip()))
                elif _local(sub.tag) == "remark" and (sub.text or "").strip():
                    record.remarks.append((sub.text or "").strip())
    return record


def _child_remarks(el: etree._Element) -> str:
    return "; ".join(
        (c.text or "").strip() for c in el if _local(c.tag) == "remark" and (c.text or "").strip()
    )


# --- CSV 1.1 ------------------------------------------------------------------------------------

#: CSV column suffixes whose XML attribute name is not the suffix with a lower-case first letter.
_CSV_RENAMES = {
    "BirthDate_BirthDate": "birthdate",
    "BirthDate_Day": "dayOfMonth",
    "BirthDate_Month": "monthOfYear",
    "Identification_TypeCode": "identificationTypeCode",
    "Identification_TypeDescription": "identificationTypeDescription",
}
_CSV_SECTIONS = ("NameAlias", "Address", "BirthDate", "Identification", "Citizenship")


def _csv_key(column: str) -> tuple[str, str] | None:
    """('NameAlias', 'wholeName') for 'NameAlias_WholeName'; ('Regulation', 'programme') for the
    entry's own regulation columns; None for the per-child regulation columns we do not use."""
    section, _, rest = column.partition("_")
    if not rest:
        return None
    if rest.startswith("Regulation_"):
        if section != "Entity":
            return None
        section, rest = "Regulation", rest[len("Regulation_") :]
    if not rest:
        return None
    name = _CSV_RENAMES.get(column) or rest[0].lower() + rest[1:]
    return section, name


def _csv_records(data: bytes, path: Path, result: ParseResult) -> Iterator[_Record]:
    """Group the flattened rows by `Entity_LogicalId` (rows of one entry are not always adjacent)."""
    text = decode_text(data, path, result, severity="error")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise NotAList(f"{path.name}: unreadable header ({exc}); {_EXPECTED}") from exc
    if not header or "Entity_LogicalId" not in header:
        raise NotAList(f"{path.name}: no Entity_LogicalId column; {_EXPECTED}")
    header = [h.strip() for h in header]
    columns = [(i, h, _csv_key(h)) for i, h in enumerate(header)]
    id_col = header.index("Entity_LogicalId")
    records: dict[str, _Record] = {}
    seen: dict[str, set[tuple[str, tuple[tuple[str, str], ...]]]] = {}
    first_row = True
    for start, _end, row in csv_rows(reader, path, result, skip_blank_rows=True):
        line = f"line {start}"
        if len(row) != len(header):
            result.warn(path, line, None, f"{len(row)} fields, header has {len(header)}")
        logical_id = row[id_col].strip() if id_col < len(row) else ""
        if not logical_id:
            result.error(path, line, "Entity_LogicalId", "row without Entity_LogicalId; skipped")
            continue
        record = records.get(logical_id)
        if record is None:
            record = records[logical_id] = _Record(logical_id, f"Entity_LogicalId={logical_id} ({line})")
            seen[logical_id] = set()
        if first_row:
            first_row = False
            _csv_published(header, row, path, line, result)
        _merge_csv_row(record, seen[logical_id], columns, row)
    yield from records.values()


def _csv_published(header: list[str], row: list[str], path: Path, line: str, result: ParseResult) -> None:
    if "fileGenerationDate" not in header:
        return
    i = header.index("fileGenerationDate")
    raw = row[i].strip() if i < len(row) else ""
    if raw:
        published = parse_date(raw)
        if published is None:
            result.warn(path, line, "fileGenerationDate", f"not a date: {raw!r}")
        result.published = published


def _merge_csv_row(
    record: _Record,
    seen: set[tuple[str, tuple[tuple[str, str], ...]]],
    columns: list[tuple[int, str, tuple[str, str] | None]],
    row: list[str],
) -> None:
    sections: dict[str, dict[str, str]] = {s: {} for s in _CSV_SECTIONS}
    regulation: dict[str, str] = {}
    for i, _column, key in columns:
        value = row[i].strip() if i < len(row) else ""
        if not value or key is None:
            continue
        section, name = key
        if section == "Regulation":
            regulation[name] = value
        elif section == "Entity":
            if name == "subjectType" or name == "subjectType_ClassificationCode":
                record.subject = record.subject or value
            elif name == "remark":
                if value not in record.remarks:
                    record.remarks.append(value)
            elif name == "eU_ReferenceNumber":
                record.attrs.setdefault("euReferenceNumber", value)
            else:
                record.attrs.setdefault(name, value)
        elif section in sections:
            sections[section][name] = value
    if regulation:
        _append_once(record.regulations, seen, "regulation", regulation)
    targets = {
        "NameAlias": record.names,
        "Address": record.addresses,
        "BirthDate": record.birthdates,
        "Identification": record.identifications,
        "Citizenship": record.citizenships,
    }
    address_remark = sections["Address"].pop("remark", None)
    if address_remark and address_remark not in record.remarks:
        record.remarks.append(address_remark)
    for section, values in sections.items():
        values.pop("regulationLanguage", None)
        if values and set(values) != {"logicalId"}:
            _append_once(targets[section], seen, section, values)
    contact = sections["Address"].get("contactInfo")
    if contact:
        pairs = _split_contacts(contact)
        for pair in pairs:
            if pair not in record.contacts:
                record.contacts.append(pair)


def _append_once(
    target: list[dict[str, str]],
    seen: set[tuple[str, tuple[tuple[str, str], ...]]],
    section: str,
    values: dict[str, str],
) -> None:
    """Rows repeat the parent's other children; keep each child once (by its logicalId or content)."""
    key = (
        section,
        (("logicalId", values["logicalId"]),) if "logicalId" in values else tuple(sorted(values.items())),
    )
    if key not in seen:
        seen.add(key)
        target.append(values)


def _split_contacts(text: str) -> list[tuple[str, str]]:
    """CSV contact info runs keys and values together ("PHONE+7 ...EMAILx@y"); split at the keys."""
    parts = _CONTACT_RE.split(text)
    if len(parts) < 3:
        return [("", text)]
    pairs = []
    for i in range(1, len(parts) - 1, 2):
        value = parts[i + 1].strip(" ;,")
        if value:
            pairs.append((parts[i], value))
    return pairs


# ---------------------------------------------------------------------------------------------
# Mapping to FollowTheMoney


def _put(entity: Entity, prop: str, value: object, fallback: str | None = "notes") -> None:
    """Add to `prop`, or to `fallback` when this schema has no such property."""
    if prop in schema_props(entity.schema):
        entity.add(prop, value)
    elif fallback is not None:
        entity.add(fallback, value)


def _add_unless_name(entity: Entity, prop: str, values: list[str]) -> None:
    names = set(entity.get("name"))
    entity.add(prop, [v for v in values if v not in names])


def _schema_for(record: _Record) -> str | None:
    code = record.subject.strip().lower()
    if code in ("person", "p"):
        return "Person"
    if code in ("enterprise", "e", "entity"):
        return org_schema(n.get("wholeName", "") for n in record.names)
    return None


def _build(record: _Record, path: Path, result: ParseResult, source_id: str) -> Entity | None:
    where = record.location
    if not record.logical_id:
        result.error(path, where, "logicalId", "entry without logicalId; skipped")
        return None
    if not re.fullmatch(r"[\w.\-]+", record.logical_id):
        result.error(path, where, "logicalId", f"not an identifier: {record.logical_id!r}; skipped")
        return None
    schema = _schema_for(record)
    if schema is None:
        if record.subject:
            result.warn(path, where, "subjectType", f"unknown subject type {record.subject!r}; LegalEntity")
        else:
            result.warn(path, where, "subjectType", "no subject type; LegalEntity")
        schema = "LegalEntity"
    entity = Entity(id=f"{PREFIX}-{record.logical_id}", schema=schema, datasets=[source_id])
    entity.add("topics", "sanction")
    if not _apply_names(entity, record, path, result):
        return None
    _apply_listing(entity, record, path, result)
    for cit in record.citizenships:
        code = _country(cit)
        if code:
            _put(entity, "citizenship", code, fallback="country")
        elif cit.get("countryIso2Code", "") not in _UNKNOWN_COUNTRY:
            result.warn(
                path, where, "citizenship.countryIso2Code", f"unknown country {cit['countryIso2Code']!r}"
            )
    for birth in record.birthdates:
        _apply_birth(entity, birth, path, where, result)
    for ident in record.identifications:
        _apply_identification(entity, ident)
    for addr in record.addresses:
        text = _join(
            addr.get("street"),
            f"PO Box {addr['poBox']}" if addr.get("poBox") else None,
            _join(addr.get("zipCode"), addr.get("city"), sep=" "),
            addr.get("region"),
            addr.get("place"),
            _country_text(addr),
        )
        entity.add("address", text)
        entity.add("country", _country(addr))
    for key, value in record.contacts:
        prop = _CONTACT_PROPS.get(key.upper())
        if prop is None:
            entity.add("notes", f"Contact: {key} {value}".strip())
        else:
            _put(entity, prop, [v.strip() for v in re.split(r"[;,]", value)])
    return entity


def _apply_names(entity: Entity, record: _Record, path: Path, result: ParseResult) -> bool:
    strong: list[str] = []
    weak: list[str] = []
    is_person = entity.schema == "Person"
    for name in record.names:
        whole = name.get("wholeName") or _join(
            name.get("firstName"), name.get("middleName"), name.get("lastName"), sep=" "
        )
        if not whole:
            continue
        remark = name.get("remark", "")
        low_quality = "low quality" in remark.lower()
        is_weak = name.get("strong", "true").lower() == "false" or low_quality
        (weak if is_weak else strong).append(whole)
        if remark and not low_quality and "quality" not in remark.lower():
            entity.add("notes", remark)
        if is_person:
            entity.add("firstName", name.get("firstName"))
            entity.add("middleName", name.get("middleName"))
            entity.add("lastName", name.get("lastName"))
            entity.add("title", name.get("title"))
            entity.add("position", name.get("function"))
            gender = _GENDERS.get(name.get("gender", "").lower())
            entity.add("gender", gender)
        else:
            entity.add("notes", name.get("function"))
    if not strong and not weak:
        result.error(path, record.location, "nameAlias.wholeName", "entry has no name; skipped")
        return False
    if not strong:
        result.warn(path, record.location, "nameAlias.strong", "no strong name; a weak alias is the name")
        strong.append(weak.pop(0))
    entity.add("name", strong[0])
    _add_unless_name(entity, "alias", strong[1:])
    _add_unless_name(entity, "weakAlias", [w for w in weak if w not in strong])
    return True


def _apply_listing(entity: Entity, record: _Record, path: Path, result: ParseResult) -> None:
    where = record.location
    listed: list[str] = []
    designated = record.attrs.get("designationDate")
    if designated:
        parsed = parse_date(designated)
        if parsed is None:
            result.warn(path, where, "designationDate", f"not a date: {designated!r}")
        else:
            listed.append(parsed)
    for reg in record.regulations:
        entity.add("program", reg.get("programme"))
        entity.add("sourceUrl", reg.get("publicationUrl"))
        published = reg.get("publicationDate")
        parsed = parse_date(published) if published else None
        if published and parsed is None:
            result.warn(path, where, "regulation.publicationDate", f"not a date: {published!r}")
        if reg.get("numberTitle"):
            entity.add("notes", _join(f"Regulation {reg['numberTitle']}", parsed, sep=" of "))
        if parsed and not designated:
            listed.append(parsed)
    # Without a designation date the earliest regulation in the file is the best listing date
    # there is (it may be an amendment rather than the original listing).
    if listed:
        entity.add("createdAt", min(listed))
    for remark in record.remarks:
        entity.add("notes", remark)
    entity.add("notes", record.attrs.get("designationDetails"))
    if record.attrs.get("euReferenceNumber"):
        entity.add("notes", f"EU reference number: {record.attrs['euReferenceNumber']}")
    if record.attrs.get("unitedNationId"):
        entity.add("notes", f"UN reference: {record.attrs['unitedNationId']}")


def _apply_birth(entity: Entity, birth: dict[str, str], path: Path, where: str, result: ParseResult) -> None:
    dates: list[str] = []
    raw = birth.get("birthdate")
    field_name = "birthdate.birthdate"
    if raw:
        parsed = parse_date(raw)
        if parsed is not None:
            dates.append(parsed)
    else:
        year, month, day = birth.get("year"), birth.get("monthOfYear"), birth.get("dayOfMonth")
        raw, field_name = _join(year, month, day, sep="-"), "birthdate.year"
        if year:
            parts = [year] + ([month.zfill(2)] if month else []) + ([day.zfill(2)] if month and day else [])
            parsed = parse_date("-".join(parts)) if all(p.isdigit() for p in parts) else None
            if parsed is not None:
                dates.append(parsed)
    start, end = birth.get("yearRangeFrom"), birth.get("yearRangeTo")
    if start and end:
        dates.extend(parse_dates(f"{start} to {end}"))
        raw = raw or f"{start} to {end}"
    if raw and not dates:
        result.warn(path, where, field_name, f"not a date: {raw!r}; kept in notes")
        _put(entity, "notes", f"Date of birth as listed: {raw}")
    place = _join(birth.get("place"), birth.get("city"), birth.get("region"), _country_text(birth))
    if entity.schema != "Person":
        if dates or place:
            result.warn(path, where, "birthdate", "birth date on an entry that is not a person; in notes")
            entity.add("notes", _join(", ".join(dates), place, sep="; "))
        return
    entity.add("birthDate", dates)
    entity.add("birthPlace", place)
    entity.add("birthCountry", _country(birth))


def _apply_identification(entity: Entity, ident: dict[str, str]) -> None:
    code = ident.get("identificationTypeCode", "").lower()
    prop = _ID_PROPS.get(code, "idNumber")
    for number in (ident.get("number"), ident.get("latinNumber")):
        if not number:
            continue
        if prop == "imoNumber" and number.isdigit():
            number = f"IMO{number}"
        _put(entity, prop, number, fallback="idNumber")


def _country(node: dict[str, str]) -> str | None:
    """Description first: the ISO field holds retired codes (CS for Serbia and Montenegro)."""
    description = node.get("countryDescription", "")
    if description and description.upper() not in _UNKNOWN_COUNTRY:
        code = country_code(description)
        if code:
            return code
    iso = node.get("countryIso2Code", "").upper()
    if iso in _UNKNOWN_COUNTRY:
        return None
    if iso == "CS":
        return "rs"
    return country_code(iso)


def _country_text(node: dict[str, str]) -> str | None:
    description = node.get("countryDescription", "")
    if description.upper() in _UNKNOWN_COUNTRY:
        return None
    return description


def _join(*parts: str | None, sep: str = ", ") -> str:
    return join_nonempty((p.strip() for p in parts if p), sep)


FORMAT = SourceFormat(
    key="eu_fsf",
    title="EU Consolidated Financial Sanctions List (FSF XML 1.1 / CSV 1.1)",
    sources=(SOURCE_ID,),
    sniff=sniff,
    parse=parse,
    downloads={SOURCE_ID: (Download(url=XML_URL, filename="eu_fsf.xml", min_bytes=1_000_000),)},
)
