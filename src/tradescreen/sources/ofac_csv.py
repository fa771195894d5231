"""OFAC's legacy CSV sets: the SDN list (`sdn.csv` + `add.csv`, `alt.csv`, `sdn_comments.csv`)
and the consolidated non-SDN list (`cons_prim.csv`, `cons_add.csv`, `cons_alt.csv`,
`cons_comments.csv`).

The format predates OFAC's XML and has several traps, each handled here on purpose:

- no header row: files are told apart by their column count (12 primary, 6 addresses,
  5 aliases, 2 remarks overflow). SDN and consolidated files have identical columns, so only
  there does the file name decide (`cons*` -> consolidated);
- the empty value is the UNQUOTED token `-0- ` (with its trailing space). The same three
  characters occur inside real values (US FEIN `CH-217-0-431-423-3`), so only a whole field
  equal to `-0-` is empty, never a substring;
- CRLF line ends and a trailing DOS end-of-file byte 0x1A, which a plain CSV reader returns
  as a last bogus row;
- `Program` joins several programmes with `] [` and drops the outer brackets;
- `Remarks` is cut at 1,000 characters and continues, mid-word, in the comments file: the
  two parts are concatenated with no separator, and only when the primary text really was
  cut (a continuation for an uncut remark comes from another publication);
- the files of a set must come from the same publication; rows of the side files whose
  `ent_num` is not in the primary file are skipped and reported once per file, not once per
  row (the repository's current `ofac/` folder mixes 2024 and 2025 files).

The structured facts inside `Remarks` are read by `ofac_remarks`.
"""

from __future__ import annotations

import csv
import gc
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tradescreen.entity import Entity
from tradescreen.sources.base import Download, NotAList, ParseResult, SourceFormat
from tradescreen.sources.common import country_code, csv_rows, org_schema, read_input, schema_props
from tradescreen.sources.ofac_remarks import Remarks, parse_remarks

SDN = "us_ofac_sdn"
CONS = "us_ofac_cons"
HEAD_BYTES = 64 * 1024

COLUMNS: dict[str, tuple[str, ...]] = {
    "primary": (
        "ent_num",
        "SDN_Name",
        "SDN_Type",
        "Program",
        "Title",
        "Call_Sign",
        "Vess_type",
        "Tonnage",
        "GRT",
        "Vess_flag",
        "Vess_owner",
        "Remarks",
    ),
    "add": ("ent_num", "Add_num", "Address", "City/State/Province/Postal Code", "Country", "Add_remarks"),
    "alt": ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"),
    "comments": ("ent_num", "Remarks"),
}
PART_BY_WIDTH = {len(cols): part for part, cols in COLUMNS.items()}
PART_FILES = {
    "primary": "sdn.csv / cons_prim.csv",
    "add": "add.csv",
    "alt": "alt.csv",
    "comments": "sdn_comments.csv",
}
PART_CONTENT = {
    "primary": "entries",
    "add": "addresses",
    "alt": "aliases",
    "comments": "remarks past 1,000 characters",
}
#: OFAC cuts `Remarks` at this many characters; the rest is in the comments file.
REMARKS_CUT = 1000

_SCHEMA_BY_TYPE = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
_ALT_PROP = {"aka": "alias", "fka": "previousName", "nka": "alias"}

# A line of an OFAC CSV: an unquoted integer, then fields that are each a quoted string, the
# unquoted empty token `-0-` or an unquoted integer. Nothing else writes CSV like that, which
# is what lets us recognise headerless files by content.
_FIELD = r'(?:"(?:[^"\r\n]|"")*"|-0- ?|\d+)'
_OFAC_LINE = re.compile(rf"^\s*\d+(?:,{_FIELD})+\s*$")
_REGION = re.compile(r"^Region:\s*", re.IGNORECASE)
#: Values OFAC writes where it knows no country ("Vess_flag None Identified").
_NO_COUNTRY = frozenset({"none identified", "unknown", "none"})


# ---------------------------------------------------------------------------------------------
# Recognising the files


def _decode(data: bytes) -> str:
    """OFAC's files are ASCII; newer downloads may be UTF-8 (with BOM). Never fails."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.lstrip("\ufeff")


def _strip_eof(text: str) -> str:
    """Drop the DOS end-of-file byte (0x1A) after the last line, so no bogus last row appears."""
    end = len(text)
    while end and text[end - 1] in "\x1a\r\n \t":
        end -= 1
    return text[:end]


def source_for_name(path: Path) -> str:
    """SDN and consolidated CSVs are identical in layout: only the file name tells them apart."""
    return CONS if Path(path).name.lower().startswith("cons") else SDN


def _width(line: str) -> int | None:
    if not _OFAC_LINE.match(line):
        return None
    try:
        return len(next(csv.reader((line,))))
    except (csv.Error, StopIteration):
        return None


def sniff(path: Path, head: bytes) -> tuple[str, str] | None:
    """("us_ofac_sdn" | "us_ofac_cons", part) for an OFAC legacy CSV, else None. Never raises.

    The first line must be an OFAC line (no header) and at least 4 of 5 of the first 20 lines
    must be OFAC lines of one known width; a file cut mid-line by the 64 KiB head only loses
    its last, partial line.
    """
    try:
        text = _strip_eof(_decode(head[:HEAD_BYTES]))
        lines = text.split("\n", 21)
        if len(lines) > 20:
            lines = lines[:20]
        elif len(head) >= HEAD_BYTES and len(lines) > 1:
            lines = lines[:-1]  # possibly cut mid-line
        lines = [line for line in lines if line.strip()]
        if not lines:
            return None
        first = _width(lines[0])
        if first not in PART_BY_WIDTH:
            return None
        same = sum(1 for line in lines if _width(line) == first)
        if same * 5 < len(lines) * 4:
            return None
        return source_for_name(path), PART_BY_WIDTH[first]
    except Exception:  # noqa: BLE001 - a sniffer must never raise
        return None


# ---------------------------------------------------------------------------------------------
# Reading rows


def _value(raw: str) -> str:
    """A field's value; the whole-field token `-0-` is OFAC's empty value."""
    value = raw.strip()
    return "" if value == "-0-" else value


def _rows(result: ParseResult, path: Path, text: str, part: str) -> Iterator[tuple[int, int, list[str]]]:
    """(line number, ent_num, fields) of every well-formed row; the others become issues.

    No OFAC field contains a line break, so a row that the CSV reader stretches over several
    lines (an unclosed quote in damaged input) is re-read line by line: one bad line costs
    one row, not the rows after it.
    """
    columns = COLUMNS[part]
    width = len(columns)
    lines = text.splitlines()
    for start, end, row in csv_rows(csv.reader(lines), path, result):
        if start == end:
            batch = [(start, row)]
        else:  # the reader joined lines: read each alone, refusing the one with bad quoting
            batch = []
            for number in range(start, end + 1):
                line = lines[number - 1]
                if not _OFAC_LINE.match(line):
                    result.error(
                        path, f"line {number}", None, "malformed quoting (a quote is not closed); row skipped"
                    )
                    continue
                try:
                    batch.append((number, next(csv.reader((line,)))))
                except (csv.Error, StopIteration):
                    result.error(path, f"line {number}", None, "unreadable CSV line; row skipped")
        for number, fields in batch:
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            if len(fields) != width:
                missing = columns[len(fields)] if len(fields) < width else "(extra)"
                result.error(
                    path,
                    f"line {number}",
                    missing,
                    f"expected {width} columns ({', '.join(columns)}), found {len(fields)}; row skipped",
                )
                continue
            try:
                ent_num = int(fields[0].strip())
            except ValueError:
                result.error(
                    path, f"line {number}", "ent_num", f"not an integer: {fields[0][:40]!r}; row skipped"
                )
                continue
            yield number, ent_num, fields


# ---------------------------------------------------------------------------------------------
# Building entities


def _split_name(entity: Entity, name: str) -> None:
    """OFAC writes individuals as `LAST, First Middle`; keep both parts for matching."""
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if last and first:
            entity.add("lastName", last)
            entity.add("firstName", first)


#: Remarks dataclass field -> FollowTheMoney property. Values only land on schemata that
#: define the property (a vessel has no taxNumber); the full text stays in `notes` anyway.
_REMARK_PROPS: tuple[tuple[str, str], ...] = (
    ("birth_dates", "birthDate"),
    ("birth_places", "birthPlace"),
    ("nationalities", "nationality"),
    ("citizenships", "citizenship"),
    ("passports", "passportNumber"),
    ("id_numbers", "idNumber"),
    ("social_security_numbers", "socialSecurityNumber"),
    ("tax_numbers", "taxNumber"),
    ("inn_codes", "innCode"),
    ("vat_codes", "vatCode"),
    ("registration_numbers", "registrationNumber"),
    ("ogrn_codes", "ogrnCode"),
    ("okpo_codes", "okpoCode"),
    ("usc_codes", "uscCode"),
    ("license_numbers", "licenseNumber"),
    ("lei_codes", "leiCode"),
    ("duns_codes", "dunsCode"),
    ("swift_bics", "swiftBic"),
    ("bik_codes", "bikCode"),
    ("isin_codes", "isinCode"),
    ("tickers", "ticker"),
    ("websites", "website"),
    ("emails", "email"),
    ("phones", "phone"),
    ("imo_numbers", "imoNumber"),
    ("mmsis", "mmsi"),
    ("call_signs", "callSign"),
    ("vessel_registrations", "registrationNumber"),
    ("vessel_flags", "flag"),
    ("past_flags", "pastFlags"),
    ("vessel_types", "type"),
    ("build_dates", "buildDate"),
    ("registration_countries", "country"),
    ("aircraft_models", "model"),
    ("aircraft_serials", "serialNumber"),
    ("aircraft_tail_numbers", "registrationNumber"),
    ("incorporation_dates", "incorporationDate"),
    ("organization_types", "sector"),
    ("weak_aliases", "weakAlias"),
    ("previous_names", "previousName"),
    ("new_names", "alias"),
)


def _apply_remarks(entity: Entity, rem: Remarks) -> None:
    allowed = schema_props(entity.schema)
    for attr, prop in _REMARK_PROPS:
        values = getattr(rem, attr)
        if values and prop in allowed:
            entity.add(prop, values)
    if rem.gender and "gender" in allowed:
        entity.add("gender", rem.gender)


@dataclass(slots=True)
class _Primary:
    line: int
    fields: list[str]
    remarks: str
    continued: bool = False


@dataclass(slots=True)
class _Counts:
    """What the summary warnings report, so that thousands of rows make one issue each."""

    orphan_rows: dict[str, int] = field(default_factory=dict)
    orphan_entries: dict[str, set[int]] = field(default_factory=dict)


def _orphan_warning(
    result: ParseResult, path: Path, part: str, rows: int, entries: int, primary: Path
) -> None:
    result.warn(
        path,
        "file",
        "ent_num",
        f"{rows:,} {part} rows ({entries:,} entries) name an ent_num that is not in {primary.name}; "
        "skipped. The files are probably from different publications: download all files of "
        "the set on the same day.",
    )


def _build_primary(
    result: ParseResult, path: Path, item: _Primary, ent_num: int, source_id: str
) -> tuple[Entity, Remarks] | None:
    f = item.fields
    name = _value(f[1])
    if not name:
        result.error(path, f"line {item.line}", "SDN_Name", f"entry {ent_num} has no name; row skipped")
        return None
    sdn_type = _value(f[2]).lower()
    if sdn_type in _SCHEMA_BY_TYPE:
        schema = _SCHEMA_BY_TYPE[sdn_type]
    elif not sdn_type:
        schema = org_schema([name])
    else:
        result.warn(path, f"line {item.line}", "SDN_Type", f"unknown type {sdn_type!r}; read as LegalEntity")
        schema = "LegalEntity"
    entity = Entity(id=f"ofac-{ent_num}", schema=schema, datasets=[source_id])
    entity.add("name", name)
    entity.add("topics", "sanction")
    program = _value(f[3])
    if program:
        entity.add("program", [p.strip(" []") for p in program.split("] [")])
    title = _value(f[4])
    if title:
        if schema == "Person":
            entity.add("position", [t.strip() for t in title.split(";")])
        else:
            entity.add("notes", f"Title: {title}")
    if schema == "Person":
        _split_name(entity, name)
    if schema == "Vessel":
        entity.add("callSign", _value(f[5]))
        entity.add("type", _value(f[6]))
        entity.add("tonnage", _value(f[7]))
        entity.add("grossRegisteredTonnage", _value(f[8]))
        flag = _value(f[9])
        if flag and flag.lower() not in _NO_COUNTRY:
            code = country_code(flag)
            if code:
                entity.add("flag", code)
            else:
                result.warn(
                    path, f"line {item.line}", "Vess_flag", f"unknown country {flag!r}; kept in notes"
                )
                entity.add("notes", f"Flag: {flag}")
    else:
        for index in range(5, 10):
            if _value(f[index]):
                result.warn(
                    path,
                    f"line {item.line}",
                    COLUMNS["primary"][index],
                    f"vessel field on a {schema}; kept in notes",
                )
                entity.add("notes", f"{COLUMNS['primary'][index]}: {_value(f[index])}")
    owner = _value(f[10])
    if owner:
        entity.add("notes", f"Owner: {owner}")
    remarks = _value(item.remarks)
    rem = parse_remarks(remarks)
    if remarks:
        entity.add("notes", remarks)
    _apply_remarks(entity, rem)
    for clause in rem.problems:
        result.warn(path, f"line {item.line}", "Remarks", f"entry {ent_num}: cannot read {clause[:120]!r}")
    return entity, rem


def _resolve_links(
    result: ParseResult, entities: dict[int, Entity], remarks: dict[int, Remarks], source_id: str
) -> list[Entity]:
    """UnknownLink entities for "Linked To: NAME." when NAME is exactly one entry's primary name."""
    by_name: dict[str, list[str]] = {}
    for entity in entities.values():
        by_name.setdefault(entity.caption.lower(), []).append(entity.id)
    links: dict[str, Entity] = {}
    unresolved = ambiguous = 0
    for ent_num, rem in remarks.items():
        subject = entities[ent_num].id
        for name in rem.linked_to:
            key = name.lower()
            targets = by_name.get(key) or by_name.get(key.rstrip(". ")) or []
            if len(targets) != 1:
                if targets:
                    ambiguous += 1
                else:
                    unresolved += 1
                continue
            target = targets[0]
            if target == subject:
                continue
            link_id = f"{subject}-link-{target}"
            if link_id in links:
                continue
            link = Entity(id=link_id, schema="UnknownLink", datasets=[source_id], target=False)
            link.add("subject", subject)
            link.add("object", target)
            link.add("role", "Linked To")
            links[link_id] = link
    if unresolved or ambiguous:
        result.warn(
            "(set)",
            "Remarks",
            "Linked To",
            f"{unresolved:,} 'Linked To' names match no primary name and {ambiguous:,} match several; "
            "kept in notes only",
        )
    return list(links.values())


def parse(files: Sequence[Path], source_id: str) -> ParseResult:
    """Parse one OFAC CSV set (primary file required, addresses/aliases/comments optional).

    The cyclic garbage collector is paused while the set is read: building ~80,000 small
    dicts and lists triggers dozens of full collections that find nothing (entities hold no
    cycles) and cost about as much CPU as the parsing itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(files, source_id)
    finally:
        if was_enabled:
            gc.enable()


def _parse(files: Sequence[Path], source_id: str) -> ParseResult:
    result = ParseResult(source=source_id)
    texts: dict[str, tuple[Path, str]] = {}
    for raw_path in files:
        path = Path(raw_path)
        data = read_input(path, "expected an OFAC legacy CSV file")
        found = sniff(path, data[:HEAD_BYTES])
        if found is None:
            raise NotAList(
                f"{path.name}: not an OFAC legacy CSV file (expected headerless rows of an integer "
                "ent_num followed by quoted fields or the empty token -0-, as in sdn.csv, add.csv, "
                "alt.csv, sdn_comments.csv or cons_*.csv)"
            )
        named_source, part = found
        if named_source != source_id:
            result.warn(path, "file", None, f"file name suggests {named_source}; read as part of {source_id}")
        if part in texts:
            result.error(
                path, "file", None, f"a second {part} file in one set (first: {texts[part][0].name}); ignored"
            )
            continue
        texts[part] = (path, _strip_eof(_decode(data)))
        result.files.append(path.name)
    if "primary" not in texts:
        names = ", ".join(Path(p).name for p in files) or "no files"
        raise NotAList(f"OFAC CSV set without its primary file ({PART_FILES['primary']}); got: {names}")
    for part in ("add", "alt", "comments"):
        if part not in texts:
            result.warn(
                "(set)",
                "file",
                None,
                f"no {PART_FILES[part]} file in the set: {PART_CONTENT[part]} missing",
            )

    primary_path, primary_text = texts["primary"]
    primary: dict[int, _Primary] = {}
    for line, ent_num, fields in _rows(result, primary_path, primary_text, "primary"):
        if ent_num in primary:
            result.error(
                primary_path,
                f"line {line}",
                "ent_num",
                f"duplicate ent_num {ent_num} (first on line {primary[ent_num].line}); row skipped",
            )
            continue
        primary[ent_num] = _Primary(line, fields, fields[11])

    counts = _Counts()
    if "comments" in texts:
        _join_comments(result, texts["comments"][0], texts["comments"][1], primary, primary_path)

    entities: dict[int, Entity] = {}
    linking: dict[int, Remarks] = {}  # entries whose remarks name "Linked To" parties
    for ent_num, item in primary.items():
        built = _build_primary(result, primary_path, item, ent_num, source_id)
        if built is None:
            continue
        entities[ent_num], rem = built
        if rem.linked_to:
            linking[ent_num] = rem

    for part, read in (("add", _read_addresses), ("alt", _read_aliases)):
        if part in texts:
            path, text = texts[part]
            read(result, path, _attached_rows(result, path, text, part, entities, primary, counts))
    for part in ("add", "alt"):
        if counts.orphan_rows.get(part):
            _orphan_warning(
                result,
                texts[part][0],
                part,
                counts.orphan_rows[part],
                len(counts.orphan_entries[part]),
                primary_path,
            )

    result.entities = list(entities.values())
    result.entities.extend(_resolve_links(result, entities, linking, source_id))
    return result


def _sample(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:8])) + (", ..." if len(numbers) > 8 else "")


def _join_comments(
    result: ParseResult, path: Path, text: str, primary: dict[int, _Primary], primary_path: Path
) -> None:
    orphans: set[int] = set()
    orphan_rows = 0
    uncut: list[int] = []
    for _line, ent_num, fields in _rows(result, path, text, "comments"):
        item = primary.get(ent_num)
        if item is None:
            orphan_rows += 1
            orphans.add(ent_num)
            continue
        if len(item.fields[11]) < REMARKS_CUT:
            uncut.append(ent_num)
            continue
        # The cut falls mid-word: no separator between the two parts.
        item.remarks += fields[1]
        item.continued = True
    if orphan_rows:
        _orphan_warning(result, path, "comments", orphan_rows, len(orphans), primary_path)
    if uncut:
        result.warn(
            path,
            "file",
            "Remarks",
            f"{len(uncut):,} continuation rows belong to remarks that were not cut at {REMARKS_CUT:,} "
            f"characters in {primary_path.name} (entries {_sample(uncut)}); the files are from different "
            "publications; skipped",
        )
    truncated = [
        n for n, item in primary.items() if len(item.fields[11]) >= REMARKS_CUT and not item.continued
    ]
    if truncated:
        result.warn(
            primary_path,
            "file",
            "Remarks",
            f"{len(truncated):,} remarks are cut at {REMARKS_CUT:,} characters with no continuation in "
            f"{path.name} (entries {_sample(truncated)})",
        )


#: What `_attached_rows` yields: (line, ent_num, entity, fields).
_Attached = Iterator[tuple[int, int, Entity, list[str]]]


def _attached_rows(
    result: ParseResult,
    path: Path,
    text: str,
    part: str,
    entities: dict[int, Entity],
    primary: dict[int, _Primary],
    counts: _Counts,
) -> _Attached:
    """(line, ent_num, entity, fields) of the rows of a companion file whose entry was built.

    Rows of entries that are not in the primary file are counted for one summary warning (see
    `_Counts`); rows of entries that are there but were skipped (no name) are dropped quietly,
    the skip was already reported.
    """
    for line, ent_num, fields in _rows(result, path, text, part):
        entity = entities.get(ent_num)
        if entity is not None:
            yield line, ent_num, entity, fields
        elif ent_num not in primary:
            counts.orphan_rows[part] = counts.orphan_rows.get(part, 0) + 1
            counts.orphan_entries.setdefault(part, set()).add(ent_num)


def _read_addresses(result: ParseResult, path: Path, rows: _Attached) -> None:
    for _line, _ent_num, entity, fields in rows:
        street, city, country = _value(fields[2]), _value(fields[3]), _value(fields[4])
        entity.add("address", ", ".join(v for v in (street, city, country) if v))
        if country:
            code = country_code(_REGION.sub("", country))
            if code:
                entity.add("country", code)
        remark = _value(fields[5])
        if remark:
            entity.add("notes", f"Address remarks: {remark}")


def _read_aliases(result: ParseResult, path: Path, rows: _Attached) -> None:
    for line, ent_num, entity, fields in rows:
        alt_type = _value(fields[2]).lower().replace(".", "")
        name = _value(fields[3])
        if not name:
            result.error(path, f"line {line}", "alt_name", f"empty alias for entry {ent_num}; skipped")
            continue
        prop = _ALT_PROP.get(alt_type)
        if prop is None:
            result.warn(path, f"line {line}", "alt_type", f"unknown alias type {alt_type!r}; read as a.k.a.")
            prop = "alias"
        entity.add(prop, name)
        if alt_type == "nka":
            entity.add("notes", f"Now known as: {name}")
        remark = _value(fields[4])
        if remark:
            entity.add("notes", f"Alias remarks ({name}): {remark}")


_BASE = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"

FORMAT = SourceFormat(
    key="ofac_csv",
    title="OFAC legacy CSV (SDN / consolidated)",
    sources=(SDN, CONS),
    sniff=sniff,
    parse=parse,
    downloads={
        SDN: (
            Download(url=_BASE + "SDN.CSV", filename="sdn.csv", min_bytes=1_000_000),
            Download(url=_BASE + "ADD.CSV", filename="add.csv", min_bytes=300_000),
            Download(url=_BASE + "ALT.CSV", filename="alt.csv", min_bytes=200_000),
            Download(url=_BASE + "SDN_COMMENTS.CSV", filename="sdn_comments.csv", min_bytes=500),
        ),
        CONS: (
            Download(url=_BASE + "CONS_PRIM.CSV", filename="cons_prim.csv", min_bytes=50_000),
            Download(url=_BASE + "CONS_ADD.CSV", filename="cons_add.csv", min_bytes=10_000),
            Download(url=_BASE + "CONS_ALT.CSV", filename="cons_alt.csv", min_bytes=10_000),
            Download(url=_BASE + "CONS_COMMENTS.CSV", filename="cons_comments.csv", min_bytes=200),
        ),
    },
)
