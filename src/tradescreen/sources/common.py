"""Helpers every list parser of this package shares: reading a file, decoding it, walking CSV rows,
deciding Company vs Organization, country codes, and putting values on entities.

They used to live, each slightly different, in several parsers; one copy here means that a fix
found on one list (a personal name read as a legal form, a country written inverted) helps all
lists at once, and that the lists agree on what a Company is.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from tradescreen.countries import to_code
from tradescreen.entity import Entity
from tradescreen.sources.base import NotAList, ParseResult, read_bytes

# ---------------------------------------------------------------------------------------------
# Reading input
# ---------------------------------------------------------------------------------------------


def read_input(path: Path, expected: str) -> bytes:
    """The file's bytes, decompressed; NotAList ending in `expected` ("expected …") otherwise.

    A damaged or truncated archive fails the file as a whole: a cut-off download must not become
    a release missing the list's last entries. Anything else that stops the read (a missing
    file, an unsupported ZIP member) is also NotAList, because parsers promise to raise nothing
    else.
    """
    try:
        return read_bytes(path)
    except NotAList as exc:
        raise NotAList(f"{exc}; {expected}") from exc
    except Exception as exc:  # noqa: BLE001 - OSError, zipfile's NotImplementedError/RuntimeError, ...
        raise NotAList(f"{Path(path).name}: cannot be read ({exc}); {expected}") from exc


def read_files(files: Iterable[Path | str], result: ParseResult, expected: str) -> Iterator[tuple[Path, bytes]]:
    """(path, bytes) of each file of a source, in order, its name recorded on the result.

    The files of one source are read one at a time, so a parser never holds two large lists'
    bytes at once; `expected` as for `read_input`.
    """
    for file in files:
        path = Path(file)
        result.files.append(path.name)
        yield path, read_input(path, expected)


def decode_text(
    data: bytes, path: Path, result: ParseResult, severity: Literal["warning", "error"] = "warning"
) -> str:
    """UTF-8 (BOM dropped); bytes that are not UTF-8 are replaced and reported once.

    Replacing rather than refusing keeps the other records of the file; `severity` lets a
    format whose every value is an identifier (FtM JSON, EU FSF) call the damage an error.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report = result.error if severity == "error" else result.warn
        report(path, f"byte {exc.start}", None, "file is not valid UTF-8; undecodable bytes replaced")
        return data.decode("utf-8-sig", errors="replace")


def csv_rows(
    reader: Any, path: Path, result: ParseResult, width: int | None = None, skip_blank_rows: bool = False
) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, cells) of each row a `csv.reader` can read, empty lines skipped.

    With `skip_blank_rows`, rows of bare separators are skipped too: in a file with one row per
    fact (BIS DPL) they carry nothing; where each row is a record (CSL), the parser keeps them so
    that it can report a record that lost its values.

    A row the reader cannot read becomes one error and the reading goes on after it, so one bad
    quote costs one row, not the file; when the reader stops making progress the file ends
    there (a stuck reader would otherwise loop). The two line numbers differ when a quoted
    field spans lines: messages name the first, and a format that never has line breaks in a
    field can re-read the span line by line. With `width`, rows with another number of fields
    are reported (naming both counts) and skipped.
    """
    last = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            result.error(path, f"line {reader.line_num}", None, f"unreadable CSV row skipped ({exc})")
            if reader.line_num == last:
                return
            last = reader.line_num
            continue
        start, last = last + 1, reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if skip_blank_rows and not any(cell.strip() for cell in row):
            continue
        if width is not None and len(row) != width:
            result.error(path, f"line {start}", None, f"row has {len(row)} fields, header has {width}; row skipped")
            continue
        yield start, last, row


def join_nonempty(parts: Iterable[str | None], sep: str = ", ") -> str:
    """The parts that have text, joined: addresses and notes are built from optional pieces."""
    return sep.join(p for p in parts if p)


# ---------------------------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def schema_props(schema: str) -> frozenset[str]:
    """The property names a FollowTheMoney schema lets a parser set (stubs, the reverse sides of
    relations, excluded); cached because parsers ask once per value."""
    from followthemoney import model

    found = model.get(schema)
    if found is None:
        return frozenset()
    return frozenset(name for name, prop in found.properties.items() if not prop.stub)


def put(entity: Entity, prop: str, value: Any, label: str | None = None) -> None:
    """Add a value where the schema allows it; otherwise keep it as a labelled note.

    Lists give vessels tax numbers and aircraft websites; FtM has no such properties on those
    schemata, and dropping the value would lose evidence a reviewer may need. Without a label
    the value is dropped (it is already in the notes in another form).
    """
    if value is None or value == "" or value == []:
        return
    if prop in schema_props(entity.schema):
        entity.add(prop, value)
    elif label:
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if item is not None and str(item).strip():
                entity.add("notes", f"{label}: {str(item).strip()}")


# ---------------------------------------------------------------------------------------------
# Company or Organization
# ---------------------------------------------------------------------------------------------

#: Plain English forms rigour's table lacks ("KOREA RYONBONG GENERAL CORPORATION").
_ENGLISH_FORMS = re.compile(r"\b(?:corporation|corp\.?|company|incorporated|co\.,? ?ltd)(?=\W|$)")
#: rigour's generic kinds that make no company: non-profits (NGO, charity, e.V.) and state
#: bodies (FGBU, state unitary enterprise), which FtM's own schema text puts under Organization
#: ("charities, foundations or state-owned enterprises").
_NOT_COMPANY_KINDS = frozenset({"ngo", "soe"})
#: Roman numerals rigour reads as forms ("II" as a sole proprietorship): "KIM SONG II".
_ROMAN = frozenset({"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"})
#: Two-letter forms unambiguous enough as the first or last word of a name. Others ("SE",
#: "IN", "NA", "YU", "IS", "AT") are as often name parts: "KIM, Se Gon", "CHU, Na", "Fang Yu",
#: "IS-Khorasan", "Jama'at". "ао" is the Cyrillic AO.
_SHORT_FORMS = frozenset(
    {"ag", "sa", "ab", "oy", "ao", "as", "nv", "bv", "kg", "pt", "lp", "kb", "gp", "ао"}
)
#: "AFGHAN SUPPORT COMMITTEE (ASC)": a bracketed acronym is not the name's last word.
_TRAILING_PARENS = re.compile(r"(?:\s*\([^()]*\))+\s*$")


def has_legal_form(name: str) -> bool:
    """Whether an organisation's name carries a company's legal form (LLC, GmbH, OOO, S.A., …).

    rigour's org-type table does the work, with the corrections the real lists called for:

    - the plain English forms ("Corporation", "Corp.", "Company", "Co., Ltd") count, though
      the table lacks them;
    - non-profit and state-body forms (NGO, charity, e.V., FGBU) never make a company;
    - roman numerals never count ("KIM SONG II");
    - forms of four letters or more, and dotted or spaced ones ("S.A.", "J S C"), count
      anywhere: they are unambiguous;
    - three-letter forms (JSC, OOO, LLC) count only as words set off by spaces, commas,
      brackets, hyphens or slashes ("DWC-LLC", "MMEZ-KT-OAO"), not glued to a word by an
      apostrophe or a dot as in transliterated names;
    - two-letter forms count only when listed in `_SHORT_FORMS` and standing as the first or last
      word of the name (a trailing bracket ignored): most two-letter forms also spell name
      parts.
    """
    from rigour.names.org_types import extract_org_types

    lowered = name.casefold()
    if _ENGLISH_FORMS.search(lowered):
        return True
    core = _TRAILING_PARENS.sub("", lowered).strip(" .,;")
    # The generic pass names the kind but leaves out forms that have none (AB, PT); the plain
    # pass finds every form.
    kinds = dict(extract_org_types(lowered, generic=True))
    for match, _compare in extract_org_types(lowered):
        if kinds.get(match) in _NOT_COMPANY_KINDS:
            continue
        form = match.strip(" .,")
        if not form or form in _ROMAN:
            continue
        if len(form) > 3 or not form.isalpha():
            return True
        if len(form) == 3 and re.search(rf"(?:^|[\s,(/-]){re.escape(form)}(?:$|[\s,.)/-])", lowered):
            return True
        if form in _SHORT_FORMS and (core.startswith(form + " ") or core.endswith(" " + form)):
            return True
    return False


def org_schema(names: Iterable[str], default: str = "Organization") -> str:
    """Company when any of the names carries a company's legal form, else `default`.

    Lists that say an entry is an organisation pass "Organization"; lists that do not say
    whether it is a person (BIS DPL, untyped CSL rows) pass "LegalEntity".
    """
    return "Company" if any(has_legal_form(name) for name in names if name) else default


# ---------------------------------------------------------------------------------------------
# Countries
# ---------------------------------------------------------------------------------------------

#: Two-letter codes lists use that are not ISO 3166 (UK for GB, EL for Greece in EU texts).
_CODE_ALIASES = {"uk": "gb", "el": "gr"}
#: "Congo (Democratic Republic)", "Korea (North)": the UK writes some names inverted.
_INVERTED = re.compile(r"^(.*?)\s*\((.*)\)$")


@lru_cache(maxsize=4096)
def country_code(text: str | None) -> str | None:
    """Lower-case ISO code for a country written as a code or a name, None when unknown.

    `countries.to_code` with two additions: ISO codes are answered from rigour's code table
    directly (`to_code` builds rigour's name index on first use, seconds that lists writing
    plain codes never need), and a name written inverted with its qualifier in brackets is
    tried the right way round.
    """
    if not text:
        return None
    cleaned = text.strip()
    if len(cleaned) == 2 and cleaned.isalpha():
        from rigour.territories import get_territory

        lower = _CODE_ALIASES.get(cleaned.lower(), cleaned.lower())
        territory = get_territory(lower)
        return str(territory.code) if territory is not None else None
    code = to_code(cleaned)
    if code is None and (found := _INVERTED.match(cleaned)):
        base, qualifier = found.groups()
        for candidate in (f"{qualifier} of the {base}", f"{qualifier} of {base}", f"{qualifier} {base}"):
            if code := to_code(candidate):
                break
    return code
