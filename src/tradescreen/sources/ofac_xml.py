"""OFAC's enhanced XML (`SDN_ENHANCED.XML`, `CONS_ENHANCED.XML`) → entities.

The enhanced XML is the richest form OFAC publishes: unlike the CSV set it keeps names apart
by kind (primary, a.k.a., f.k.a., low quality) and by script (Cyrillic and Chinese
renderings of Latin names), dates as ranges, identity documents by type, and relations as
entity ids rather than "Linked To:" prose. Lookup values are printed inline, but the file
also carries the lookup tables themselves: `referenceValues` gives ISO codes for countries
and `featureTypes` says whether a feature holds a date, a country, a lookup or free text,
which is what lets features this parser has no rule for still land somewhere sensible.

The file is streamed (`iterparse`, each entity freed once read) because the SDN edition is
far larger than the consolidated one. When the XML is broken, the rest of the file is read
record by record (see `iter_elements`): a damaged entity is reported and skipped, never
half-imported, and the entities around it still parse.

The XML helpers (`xml_root`, `iter_elements`) live in `xmlutil`, the Company/Organization
rule and `schema_props` in `common`: every list parser shares them.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tradescreen.dates import parse_date, parse_dates
from tradescreen.entity import Entity
from tradescreen.sources.base import Download, NotAList, ParseResult, SourceFormat
from tradescreen.sources.common import country_code, join_nonempty, org_schema, read_files, schema_props
from tradescreen.sources.xmlutil import children_by_name as _kids
from tradescreen.sources.xmlutil import iter_elements, local, xml_root
from tradescreen.sources.xmlutil import text as _t

NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"
SDN = "us_ofac_sdn"
CONS = "us_ofac_cons"
PREFIX = "ofac"
_BASE_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
_EXPECTED = f"expected OFAC enhanced XML (root element sanctionsData in namespace {NS})"

_ENTITY_TYPES = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}

#: Feature type (lower case, trailing ":"/"-" stripped) → FtM property. Features not listed
#: go to `notes` as "type: value" so nothing the list says is lost.
_FEATURES = {
    "birthdate": "birthDate",
    "place of birth": "birthPlace",
    "nationality country": "nationality",
    "citizenship country": "citizenship",
    "nationality of registration": "jurisdiction",
    "gender": "gender",
    "website": "website",
    "email address": "email",
    "phone number": "phone",
    "swift/bic": "swiftBic",
    "organization established date": "incorporationDate",
    "organization type": "sector",
    "target type": "classification",
    "isin": "isinCode",
    "equity ticker": "ticker",
    "bik (ru)": "bikCode",
    "title": "position",  # OFAC's "Title" is an office ("Minister of Defense"), FtM's `position`
    "d-u-n-s number": "dunsCode",
    "vessel flag": "flag",
    "former vessel flag": "pastFlags",
    "other vessel flag": "flag",
    "other vessel call sign": "callSign",
    "vessel type": "type",
    "other vessel type": "type",
    "vessel call sign": "callSign",
    "vessel tonnage": "tonnage",
    "vessel gross registered tonnage": "grossRegisteredTonnage",
    "vessel year of build": "buildDate",
    "mmsi": "mmsi",
    "aircraft model": "model",
    "aircraft tail number": "registrationNumber",
    "previous aircraft tail number": "registrationNumber",
    "aircraft manufacturer's serial number (msn)": "serialNumber",
    "aircraft manufacture date": "buildDate",
}
_DATE_PROPS = frozenset({"birthDate", "incorporationDate", "buildDate"})
_COUNTRY_PROPS = frozenset({"nationality", "citizenship", "jurisdiction", "flag", "pastFlags", "country"})
_NO_COUNTRY = frozenset({"none identified", "unknown", "undetermined"})

#: identityDocument type → FtM property; passports are recognised by the word, everything
#: not listed is an `idNumber`.
_DOC_PROPS = {
    "vessel registration identification": "imoNumber",
    "mmsi": "mmsi",
    "aircraft serial identification": "serialNumber",
    "ssn": "socialSecurityNumber",
    "legal entity number": "leiCode",
    "le number": "leiCode",
    "v.a.t. number": "vatCode",
    "global intermediary identification number": "giiNumber",
    "russian state individual business registration number pattern (ogrnip)": "ogrnCode",
    **{
        t: "taxNumber"
        for t in (
            "tax id no.",
            "ruc #",
            "r.f.c.",
            "rfc",
            "italian fiscal code",
            "rif #",
            "rtn",
            "fiscal code",
            "paraguayan tax identification number",
            "romanian tax registration",
            "c.i.f.",
            "n.i.f.",
            "nit #",
            "us fein",
            "c.u.i.t.",
            "numero unico de identificacao tributaria (nuit)",
        )
    },
    **{
        t: "registrationNumber"
        for t in (
            "registration id",
            "registration number",
            "business registration number",
            "business registration document #",
            "public registration number",
            "company number",
            "uk company number",
            "c.r. no.",
            "commercial registry number",
            "certificate of incorporation number",
            "registered charity no.",
            "registration certificate number (dubai)",
            "chamber of commerce number",
            "istanbul chamber of comm. no.",
            "dubai chamber of commerce membership no.",
            "matricula mercantil no",
            "folio mercantil no.",
            "enterprise number",
            "business number",
            "romanian c.r.",
            "unified social credit code (uscc)",
            "united social credit code certificate (usccc)",
            "economic register number (cbls)",
            "rsin",
            "organization code",
            "central registration system number",
        )
    },
}
#: Where an identifier goes when the entity's schema lacks the preferred property.
_ID_FALLBACKS = ("idNumber", "registrationNumber")
_ADDRESS_ORDER = ("ADDRESS1", "ADDRESS2", "ADDRESS3", "CITY", "STATE/PROVINCE", "POSTAL CODE", "REGION")
_NAME_PARTS = {
    "first name": "firstName",
    "last name": "lastName",
    "middle name": "middleName",
    "patronymic": "fatherName",
    "matronymic": "motherName",
}
_IMO = re.compile(r"^(?:IMO)?\s*(\d{7})$", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Sniffing


def sniff(path: Path, head: bytes) -> tuple[str, str] | None:
    """A `sanctionsData` root in OFAC's enhanced-XML namespace."""
    try:
        if xml_root(head) != ("sanctionsData", NS):
            return None
        return _source_of(head, Path(path).name), "enhanced_xml"
    except Exception:  # noqa: BLE001 - a sniffer must never raise
        return None


_FILTER_LIST = re.compile(rb"<(?:\w+:)?sanctionsList\b[^>]*>([^<]*)<", re.DOTALL)


def _source_of(head: bytes, filename: str) -> str:
    """SDN or consolidated: the list filter in `publicationInfo`, else the file name.

    Both editions share the schema; only the filter printed at the top (and OFAC's file
    names, SDN_ENHANCED / CONS_ENHANCED) tell them apart.
    """
    info = head.split(b"</publicationInfo>", 1)[0] if b"</publicationInfo>" in head else b""
    lists = {m.group(1).strip().lower() for m in _FILTER_LIST.finditer(info)}
    if b"consolidated list" in lists:
        return CONS
    if b"sdn list" in lists:
        return SDN
    return CONS if filename.upper().startswith("CONS") else SDN


# ---------------------------------------------------------------------------------------------
# Parsing


@dataclass(frozen=True, slots=True)
class _FeatureType:
    name: str
    detail: str  # DATE, COUNTRY, LOOKUP, TEXT


@dataclass(slots=True)
class _Context:
    """What one file's lookup tables say, plus where issues go."""

    path: Path
    source: str
    result: ParseResult
    #: referenceValue refId → (type, value, ISO code or "")
    refs: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    features: dict[str, _FeatureType] = field(default_factory=dict)

    def warn(self, where: str, fld: str | None, msg: str) -> None:
        self.result.warn(self.path, where, fld, msg)

    def error(self, where: str, fld: str | None, msg: str) -> None:
        self.result.error(self.path, where, fld, msg)


def parse(files: Sequence[Path], source_id: str = SDN) -> ParseResult:
    result = ParseResult(source=source_id)
    entities: dict[str, Entity] = {}
    for path, data in read_files(files, result, _EXPECTED):
        root = xml_root(data[: 64 * 1024])
        if root != ("sanctionsData", NS):
            found = f"root <{root[0]}> in namespace {root[1] or '(none)'}" if root else "not XML"
            raise NotAList(f"{path.name}: {found}; {_EXPECTED}")
        if _source_of(data[: 64 * 1024], path.name) != source_id:
            result.warn(path, "publicationInfo", "sanctionsList", f"file does not look like {source_id}")
        ctx = _Context(path=path, source=source_id, result=result)
        for entity in _read_file(data, ctx):
            if entity.id in entities:
                if entity.target:
                    ctx.error(
                        f"entity id={entity.id.removeprefix(PREFIX + '-')}", "id", "id seen before; skipped"
                    )
                else:  # two relations between the same pair: keep both roles
                    entities[entity.id].add("role", entity.get("role"))
                continue
            entities[entity.id] = entity
    _note_outside_links(entities)
    result.entities = list(entities.values())
    return result


def _read_file(data: bytes, ctx: _Context) -> Iterator[Entity]:
    tags = ("{*}publicationInfo", "{*}referenceValue", "{*}featureType", "{*}entity")
    for el, line in iter_elements(data, tags, ctx.path, ctx.result, _record_label):
        name = local(el.tag)
        kids = _kids(el)
        if name == "entity":
            yield from _entity(el, line, kids, ctx)
        elif name == "referenceValue":
            ref_id = el.get("refId")
            if ref_id:
                ctx.refs[ref_id] = (_s(kids, "type"), _s(kids, "value"), _s(kids, "isoCode"))
        elif name == "featureType":
            type_id = el.get("featureTypeId")
            if type_id:
                ctx.features[type_id] = _FeatureType(_s(kids, "type"), _s(kids, "detailType").upper())
        elif name == "publicationInfo":
            as_of = _s(kids, "dataAsOf")
            if as_of and parse_date(as_of):
                ctx.result.published = as_of
            elif as_of:
                ctx.warn("publicationInfo", "dataAsOf", f"not a date: {as_of!r}")


def _record_label(name: str, raw: bytes) -> str:
    found = _ID_ATTR.search(raw[:200])
    return f"{name} id={found.group(1).decode(errors='replace')}" if found else name


_ID_ATTR = re.compile(rb"^<[^>]*?\s(?:id|refId|featureTypeId)=\"([^\"]*)\"")


def _entity(el: Any, line: int, kids: _Kids, ctx: _Context) -> list[Entity]:
    uid = (el.get("id") or "").strip()
    if not uid or not uid.isdigit():
        ctx.error(f"entity (line {line})", "id", f"missing or malformed id attribute {uid!r}; skipped")
        return []
    where = f"entity id={uid}"
    general = _kids(_one(kids, "generalInfo"))
    entity_type = _ref_text(_one(general, "entityType"), ctx)
    names, parts = _names(kids, ctx, where)
    if not any(prop == "name" for prop, _ in names):
        alt = [v for p, v in names if p == "alias"]
        if not alt:
            ctx.error(where, "names", "entry has no name; skipped")
            return []
        ctx.warn(where, "names", "no primary name; the first a.k.a. is used")
        names.insert(0, ("name", alt[0]))
    schema = _ENTITY_TYPES.get(entity_type.lower())
    if schema is None:
        if entity_type.lower() != "entity":
            ctx.warn(where, "entityType", f"unknown entity type {entity_type!r}; read as a legal entity")
            schema = "LegalEntity"
        else:
            schema = org_schema(v for p, v in names if p in ("name", "alias", "previousName"))
    entity = Entity(id=f"{PREFIX}-{uid}", schema=schema, datasets=[ctx.source])
    for prop, value in names:
        entity.add(prop, value)
    if schema == "Person":
        for prop, value in parts:
            entity.add(prop, value)
    entity.add("topics", "sanction")
    listed: list[str] = []
    for item in _grand(kids, "sanctionsLists"):
        entity.add("publisher", _ref_text(item, ctx))
        published = parse_date(item.get("datePublished"))
        if published:
            listed.append(published)
    if listed:
        entity.add("createdAt", min(listed))
    for item in _grand(kids, "sanctionsPrograms"):
        entity.add("program", _ref_text(item, ctx))
    entity.add("notes", _s(general, "remarks"))
    for feature in _grand(kids, "features"):
        _feature(entity, _kids(feature), ctx, where)
    for doc in _grand(kids, "identityDocuments"):
        _document(entity, _kids(doc), ctx)
    for address in _grand(kids, "addresses"):
        _address(entity, _kids(address), ctx, where)
    return [entity, *_links(entity, kids, ctx, where)]


def _names(kids: _Kids, ctx: _Context, where: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(property, name) pairs for every name in every script, and the primary name's parts.

    A name's non-primary translations (the Cyrillic or Chinese writing of a Latin name) are
    the same name in another script: they keep the name's kind, except that a second
    script of the primary name is an alias, since FtM has one `name` per caption.
    """
    out: list[tuple[str, str]] = []
    parts: list[tuple[str, str]] = []
    for name in _grand(kids, "names"):
        nk = _kids(name)
        alias_type = _ref_text(_one(nk, "aliasType"), ctx).upper().replace(" ", "")
        primary = _s(nk, "isPrimary").lower() == "true"
        if primary:
            prop = "name"
        elif "F.K.A" in alias_type or alias_type == "FKA":
            prop = "previousName"
        elif _s(nk, "isLowQuality").lower() == "true":
            prop = "weakAlias"
        else:  # A.K.A., N.K.A. (now known as), or no type
            prop = "alias"
        found = False
        for tr in _grand(nk, "translations"):
            tk = _kids(tr)
            tr_primary = _s(tk, "isPrimary").lower() == "true"
            name_parts = [_kids(part) for part in _grand(tk, "nameParts")]
            full = _s(tk, "formattedFullName") or " ".join(filter(None, (_s(p, "value") for p in name_parts)))
            if not full:
                continue
            found = True
            out.append((prop if prop != "name" or tr_primary else "alias", full))
            if primary and tr_primary:
                for part in name_parts:
                    part_prop = _NAME_PARTS.get(_s(part, "type").lower())
                    if part_prop:
                        parts.append((part_prop, _s(part, "value")))
        if not found:
            ctx.warn(where, f"name id={name.get('id')}", "name without any text; ignored")
    return out, parts


def _feature(entity: Entity, fk: _Kids, ctx: _Context, where: str) -> None:
    type_el = _one(fk, "type")
    ftype = _t(type_el)
    known = ctx.features.get(type_el.get("featureTypeId") or "") if type_el is not None else None
    if not ftype and known is not None:
        ftype = known.name
    label = ftype.rstrip(" :-") or "feature"
    key = label.lower().replace("\u2019", "'")
    detail = known.detail if known is not None else ""
    value = _s(fk, "value")
    prop = _FEATURES.get(key)
    if prop is None and key.startswith("aircraft construction number"):
        prop = "serialNumber"
    date_el = _one(fk, "valueDate")
    if prop in _DATE_PROPS or (prop is None and (detail == "DATE" or date_el is not None)):
        dates = _feature_dates(_kids(date_el), value)
        if prop is None or not dates:
            if not dates:
                ctx.warn(where, label, f"cannot read the date {value!r}; kept in notes")
            entity.add("notes", f"{label}: {value or ', '.join(dates)}")
            return
        _put(entity, prop, dates, label)
        return
    if prop in _COUNTRY_PROPS or (prop is None and detail == "COUNTRY"):
        code = _country(_s(fk, "valueRefId"), value, ctx)
        if code is None:
            if value.lower() not in _NO_COUNTRY:
                ctx.warn(where, label, f"unknown country {value!r}; kept in notes")
            entity.add("notes", f"{label}: {value}")
            return
        _put(entity, prop or "country", code, label)
        return
    if not value:
        return
    if prop == "gender":
        gender = value.lower()
        if gender not in ("male", "female"):
            entity.add("notes", f"{label}: {value}")
            return
        value = gender
    if prop is None:
        entity.add("notes", f"{label}: {value}")
        return
    _put(entity, prop, value, label)


def _feature_dates(dk: _Kids, text: str) -> list[str]:
    """ISO prefixes for a feature date, from the `valueDate` bounds OFAC computed.

    OFAC writes every date as a begin/end pair: a year is 01-01…12-31, a month its first
    and last day, a day itself; ranges ("1960 to 1962") are begin…end over several years.
    The bounds are trusted over the display text; the text is the fallback.
    """
    if dk:
        begin = _iso_day(_s(dk, "fromDateBegin") or _s(dk, "fromDateEnd"))
        end = _iso_day(_s(dk, "toDateEnd") or _s(dk, "toDateBegin")) or begin
        if begin is not None and end is not None and begin <= end:
            found = _span_to_prefixes(begin, end)
            if found:
                return found
    return parse_dates(text)


def _span_to_prefixes(begin: date, end: date) -> list[str]:
    if begin == end:
        return [begin.isoformat()]
    whole_years = begin.month == 1 and begin.day == 1 and end.month == 12 and end.day == 31
    if whole_years and end.year - begin.year <= 15:
        return [str(year) for year in range(begin.year, end.year + 1)]
    whole_month = begin.day == 1 and end.day == monthrange(end.year, end.month)[1]
    if whole_month and (begin.year, begin.month) == (end.year, end.month):
        return [f"{begin.year:04d}-{begin.month:02d}"]
    return []


def _iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _document(entity: Entity, dk: _Kids, ctx: _Context) -> None:
    number = _s(dk, "documentNumber")
    if not number:
        return
    doc_type = _ref_text(_one(dk, "type"), ctx)
    key = doc_type.lower()
    prop = "passportNumber" if "passport" in key else _DOC_PROPS.get(key, "idNumber")
    if prop == "imoNumber":
        match = _IMO.match(number)
        number = f"IMO{match.group(1)}" if match else number
    for candidate in (prop, *_ID_FALLBACKS):
        if candidate in schema_props(entity.schema):
            entity.add(candidate, number)
            return
    entity.add("notes", f"{doc_type}: {number}")


def _address(entity: Entity, ak: _Kids, ctx: _Context, where: str) -> None:
    country_el = _one(ak, "country")
    country_text = _ref_text(country_el, ctx)
    if country_el is not None:
        code = _country(country_el.get("refId") or "", country_text, ctx)
        if code is not None:
            entity.add("country", code)
        elif country_text and country_text.lower() not in _NO_COUNTRY:
            ctx.warn(where, "address/country", f"unknown country {country_text!r}")
    for tr in _grand(ak, "translations"):
        parts: dict[str, list[str]] = {}
        for part in _grand(_kids(tr), "addressParts"):
            pk = _kids(part)
            parts.setdefault(_ref_text(_one(pk, "type"), ctx).upper(), []).append(_s(pk, "value"))
        ordered = [v for kind in _ADDRESS_ORDER for v in parts.pop(kind, [])]
        ordered += [v for values in parts.values() for v in values]
        if any(ordered):
            entity.add("address", join_nonempty([*ordered, country_text]))


def _links(entity: Entity, kids: _Kids, ctx: _Context, where: str) -> list[Entity]:
    links = []
    for rel in _grand(kids, "relationships"):
        rk = _kids(rel)
        role = _ref_text(_one(rk, "type"), ctx) or "Related to"
        related = _one(rk, "relatedEntity")
        other = (related.get("entityId") or "").strip() if related is not None else ""
        other_name = _t(related)
        if not other.isdigit():
            ctx.warn(where, "relationship", f"related entity without id ({other_name!r}); kept in notes")
            entity.add("notes", f"{role}: {other_name}")
            continue
        link = Entity(
            id=f"{entity.id}-link-{PREFIX}-{other}", schema="UnknownLink", datasets=[ctx.source], target=False
        )
        link.add("subject", entity.id)
        link.add("object", f"{PREFIX}-{other}")
        link.add("role", role)
        link.add("namesMentioned", other_name)
        links.append(link)
    return links


def _note_outside_links(entities: dict[str, Entity]) -> None:
    """Relations to entries published on another OFAC list (a consolidated-list entity owned by
    an SDN) keep their link, since OFAC ids are shared by both lists, and the related name in
    the subject's notes so that it is readable without the other list."""
    for link in entities.values():
        if link.schema != "UnknownLink":
            continue
        obj, subject = link.first("object"), entities.get(link.first("subject") or "")
        if obj and obj not in entities and subject is not None:
            for role in link.get("role"):
                subject.add("notes", f"{role}: {link.first('namesMentioned') or ''} ({obj})")


# ---------------------------------------------------------------------------------------------
# Small helpers: one pass over an element's children instead of a path lookup per field

#: local name → child elements, in document order
_Kids = dict[str, list[Any]]


def _one(kids: _Kids, name: str) -> Any:
    found = kids.get(name)
    return found[0] if found else None


def _grand(kids: _Kids, name: str) -> list[Any]:
    """The children of the first `name` child: the items of a list element such as `names`."""
    parent = _one(kids, name)
    return [c for c in parent if isinstance(c.tag, str)] if parent is not None else []


def _s(kids: _Kids, name: str) -> str:
    return _t(_one(kids, name))


def _ref_text(el: Any, ctx: _Context) -> str:
    """An element's printed text, or the referenceValue its refId names when the text is empty."""
    if el is None:
        return ""
    text = _t(el)
    if text:
        return text
    ref = ctx.refs.get(el.get("refId") or "")
    return ref[1] if ref else ""


def _country(ref_id: str, text: str, ctx: _Context) -> str | None:
    ref = ctx.refs.get(ref_id)
    if ref is not None and ref[2]:
        code = country_code(ref[2])
        if code:
            return code
    return country_code(text) if text else None


def _put(entity: Entity, prop: str, value: Any, label: str) -> None:
    """Add to `prop`, or to `notes` as "label: value" when this schema has no such property."""
    if prop in schema_props(entity.schema):
        entity.add(prop, value)
        return
    values = value if isinstance(value, list) else [value]
    entity.add("notes", f"{label}: {', '.join(str(v) for v in values)}")


FORMAT = SourceFormat(
    key="ofac_xml",
    title="OFAC enhanced XML (SDN_ENHANCED / CONS_ENHANCED)",
    sources=(SDN, CONS),
    sniff=sniff,
    parse=parse,
    downloads={
        SDN: (
            Download(url=_BASE_URL + "SDN_ENHANCED.ZIP", filename="SDN_ENHANCED.ZIP", min_bytes=1_000_000),
        ),
        CONS: (
            Download(url=_BASE_URL + "CONS_ENHANCED.ZIP", filename="CONS_ENHANCED.ZIP", min_bytes=50_000),
        ),
    },
)
