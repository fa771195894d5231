"""OFAC legacy CSV sets (SDN and consolidated), parsed from the real files in ../shared.

Expected figures are counted in each test straight from the raw bytes (regex / csv module),
never taken from the parser; the PROVENANCE.md figures are checked as well so that a changed
data file is noticed.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from conftest import LISTS, LISTS_EXTRA

from tradescreen.entity import Entity, validate
from tradescreen.sources.base import NotAList, ParseResult
from tradescreen.sources.ofac_csv import FORMAT, parse, sniff

OFAC = LISTS / "ofac"
SET_2021 = LISTS_EXTRA / "ofac-sdn-2021-07-07"
SDN_FILES = [OFAC / "sdn.csv", OFAC / "add.csv", OFAC / "alt.csv", OFAC / "sdn_comments.csv"]
CONS_FILES = [
    OFAC / "cons_prim.csv",
    OFAC / "cons_add.csv",
    OFAC / "cons_alt.csv",
    OFAC / "cons_comments.csv",
]
FILES_2021 = [SET_2021 / "sdn.csv", SET_2021 / "add.csv", SET_2021 / "alt.csv", SET_2021 / "sdn_comments.csv"]


@lru_cache(maxsize=16)
def _raw(path: Path) -> list[list[str]]:
    """Rows of a raw OFAC file read with the csv module alone (0x1A dropped)."""
    text = path.read_bytes().decode("ascii").rstrip("\x1a")
    return [row for row in csv.reader(text.splitlines()) if row]


def _empty(value: str) -> bool:
    return value.strip() == "-0-"


@pytest.fixture(scope="module")
def sdn() -> ParseResult:
    return parse(SDN_FILES, "us_ofac_sdn")


@pytest.fixture(scope="module")
def cons() -> ParseResult:
    return parse(CONS_FILES, "us_ofac_cons")


@pytest.fixture(scope="module")
def sdn2021() -> ParseResult:
    return parse(FILES_2021, "us_ofac_sdn")


def _by_id(result: ParseResult) -> dict[str, Entity]:
    return {e.id: e for e in result.entities}


# --- recognising files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (OFAC / "sdn.csv", ("us_ofac_sdn", "primary")),
        (OFAC / "add.csv", ("us_ofac_sdn", "add")),
        (OFAC / "alt.csv", ("us_ofac_sdn", "alt")),
        (OFAC / "sdn_comments.csv", ("us_ofac_sdn", "comments")),
        (OFAC / "cons_prim.csv", ("us_ofac_cons", "primary")),
        (OFAC / "cons_add.csv", ("us_ofac_cons", "add")),
        (OFAC / "cons_alt.csv", ("us_ofac_cons", "alt")),
        (OFAC / "cons_comments.csv", ("us_ofac_cons", "comments")),
        (SET_2021 / "sdn_comments.csv", ("us_ofac_sdn", "comments")),
    ],
)
def test_sniff_real_files(path: Path, expected: tuple[str, str]) -> None:
    assert sniff(path, path.read_bytes()[: 64 * 1024]) == expected


def test_sniff_rejects_other_lists_and_text(tmp_path: Path) -> None:
    note = tmp_path / "notes.txt"
    note.write_text("hello, world\n1,2,3\n")
    assert sniff(note, note.read_bytes()) is None
    assert (
        sniff(LISTS / "un" / "consolidated.xml", (LISTS / "un" / "consolidated.xml").read_bytes()[:65536])
        is None
    )
    assert sniff(LISTS / "bis" / "dpl.txt", (LISTS / "bis" / "dpl.txt").read_bytes()[:65536]) is None
    csl = gzip.decompress((LISTS / "csl" / "consolidated.csv.gz").read_bytes())[:65536]
    assert sniff(LISTS / "csl" / "consolidated.csv", csl) is None
    assert sniff(note, b"") is None
    assert sniff(note, b"\x00\xff\xfe garbage") is None


def test_not_a_list_raises(tmp_path: Path) -> None:
    note = tmp_path / "notes.txt"
    note.write_text("This is not a sanctions list.\n")
    with pytest.raises(NotAList, match="OFAC legacy CSV"):
        parse([note], "us_ofac_sdn")


def test_set_without_primary_file_raises() -> None:
    with pytest.raises(NotAList, match="primary"):
        parse([OFAC / "cons_add.csv", OFAC / "cons_alt.csv"], "us_ofac_cons")


def test_format_declares_both_sources() -> None:
    assert FORMAT.sources == ("us_ofac_sdn", "us_ofac_cons")
    assert {d.filename for d in FORMAT.downloads["us_ofac_sdn"]} == {
        "sdn.csv",
        "add.csv",
        "alt.csv",
        "sdn_comments.csv",
    }
    assert all(d.filename.startswith("cons") for d in FORMAT.downloads["us_ofac_cons"])


# --- counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "primary", "expected"),
    [
        ("sdn", OFAC / "sdn.csv", 14965),
        ("cons", OFAC / "cons_prim.csv", 442),
        ("sdn2021", SET_2021 / "sdn.csv", 8976),
    ],
)
def test_primary_entity_count(
    request: pytest.FixtureRequest, fixture: str, primary: Path, expected: int
) -> None:
    result: ParseResult = request.getfixturevalue(fixture)
    independent = len(re.findall(rb"^\d+,", primary.read_bytes(), re.MULTILINE))
    assert independent == expected  # PROVENANCE.md
    assert len(result.targets) == independent
    assert not [i for i in result.issues if i.severity == "error"]


def test_schema_counts_follow_sdn_type(sdn: ParseResult) -> None:
    types = Counter(row[2].strip() for row in _raw(OFAC / "sdn.csv"))
    assert types == {"-0-": 6884, "individual": 6854, "vessel": 851, "aircraft": 376}  # PROVENANCE.md
    schemata = Counter(e.schema for e in sdn.targets)
    assert schemata["Person"] == types["individual"]
    assert schemata["Vessel"] == types["vessel"]
    assert schemata["Airplane"] == types["aircraft"]
    assert schemata["Company"] + schemata["Organization"] == types["-0-"]
    assert schemata["Company"] > 3000 and schemata["Organization"] > 1000


def test_company_needs_a_legal_form(sdn: ParseResult) -> None:
    ents = _by_id(sdn)
    assert ents["ofac-173"].schema == "Company"  # ANGLO-CARIBBEAN CO., LTD.
    assert ents["ofac-480"].schema == "Company"  # CECOEX, S.A.
    assert ents["ofac-306"].schema == "Organization"  # BANCO NACIONAL DE CUBA


@pytest.mark.parametrize("fixture", ["sdn", "cons", "sdn2021"])
def test_every_entity_is_valid_ftm(request: pytest.FixtureRequest, fixture: str) -> None:
    result: ParseResult = request.getfixturevalue(fixture)
    bad = [(e.id, validate(e)) for e in result.entities if validate(e)]
    assert bad == []
    assert result.published is None  # the CSVs carry no date
    for entity in result.targets:
        assert entity.id.startswith("ofac-") and entity.datasets == [result.source]


# --- format quirks -------------------------------------------------------------------------


def test_trailing_eof_byte_makes_no_bogus_row(sdn: ParseResult, tmp_path: Path) -> None:
    raw = (OFAC / "sdn.csv").read_bytes()
    assert raw.endswith(b"\r\n\x1a")
    assert not any("\x1a" in v for e in sdn.entities for vs in e.properties.values() for v in vs)
    # The last row of the file is complete and nothing follows it.
    last = _raw(OFAC / "sdn.csv")[-1]
    assert _by_id(sdn)[f"ofac-{last[0]}"].get("notes")[-1] == last[11]
    # Without the 0x1A byte the result is the same.
    plain = tmp_path / "sdn.csv"
    plain.write_bytes(raw[:-1])
    again = parse([plain], "us_ofac_sdn")
    assert len(again.targets) == len(sdn.targets)
    assert not [i for i in again.issues if i.severity == "error"]


def test_crlf_and_empty_token_leave_no_trace(sdn: ParseResult) -> None:
    assert b"\r\n" in (OFAC / "sdn.csv").read_bytes()[:500]
    values = [v for e in sdn.entities for vs in e.properties.values() for v in vs]
    assert not any("\r" in v or v == "-0-" or v.endswith("-0- ") for v in values)


def test_dash_zero_dash_inside_real_text_survives(sdn: ParseResult) -> None:
    # Find, in the raw bytes, a quoted value that contains -0- between other characters.
    m = re.search(rb'^(\d+),.*"[^"]*\w-0-\w[^"]*"', (OFAC / "sdn.csv").read_bytes(), re.MULTILINE)
    assert m is not None
    entity = _by_id(sdn)[f"ofac-{m.group(1).decode()}"]
    assert "CH-217-0-431-423-3" in entity.get("taxNumber")
    assert any("US FEIN CH-217-0-431-423-3" in note for note in entity.get("notes"))


def test_programs_are_split(sdn: ParseResult) -> None:
    rows = [row for row in _raw(OFAC / "sdn.csv") if "] [" in row[3]]
    assert rows
    ents = _by_id(sdn)
    for row in rows:
        expected = re.findall(r"[^\[\]]+", row[3].replace("] [", "]["))
        assert ents[f"ofac-{row[0]}"].get("program") == expected
    assert ents["ofac-12057"].get("program") == ["SDGT", "NPWMD", "IRGC", "IFSR", "IRAN-HR", "IRAN-EO13876"]


def test_vessel_columns(sdn: ParseResult) -> None:
    ents = _by_id(sdn)
    full = [
        row for row in _raw(OFAC / "sdn.csv") if row[2] == "vessel" and not any(_empty(v) for v in row[5:10])
    ]
    assert full
    for row in full:
        vessel = ents[f"ofac-{row[0]}"]
        assert vessel.get("callSign") == [row[5].strip()]
        assert vessel.get("type")[0] == row[6].strip()
        assert vessel.get("tonnage") == [row[7].strip()]
        assert vessel.get("grossRegisteredTonnage") == [row[8].strip()]
        # "None Identified" is OFAC's way of saying no flag is known.
        assert len(vessel.get("flag")) == (0 if row[9].strip() == "None Identified" else 1)
    artavil = ents["ofac-15036"]  # "T2EU4","Crude/Oil Products Tanker","99,144","56,068","Iran"
    assert artavil.get("flag") == ["ir"]
    assert artavil.get("imoNumber") == ["IMO9187629"]
    owned = [row for row in _raw(OFAC / "sdn.csv") if not _empty(row[10])]
    assert owned
    for row in owned:
        assert f"Owner: {row[10].strip()}" in ents[f"ofac-{row[0]}"].get("notes")


def test_person_fields(sdn: ParseResult) -> None:
    person = _by_id(sdn)["ofac-4107"]  # RODRIGUEZ OREJUELA, Gilberto Jose
    assert person.schema == "Person"
    assert person.get("lastName") == ["RODRIGUEZ OREJUELA"]
    assert person.get("firstName") == ["Gilberto Jose"]
    assert person.get("birthDate") == ["1939-01-31"]
    assert person.get("passportNumber") == ["T321642", "6067015", "77588", "10545599"]
    assert person.get("weakAlias") == ["THE CHESS PLAYER", "LUCAS"]
    naqdi = _by_id(sdn)["ofac-12057"]
    assert naqdi.get("position")[0] == "Brigadier General and Commander of the IRGC Basij Resistance Force"


# --- side files ----------------------------------------------------------------------------


def test_addresses(sdn: ParseResult) -> None:
    rows = [row for row in _raw(OFAC / "add.csv") if row[0] == "306"]
    assert len(rows) == 4
    bank = _by_id(sdn)["ofac-306"]
    assert bank.get("address") == [", ".join(v.strip() for v in row[2:5] if not _empty(v)) for row in rows]
    assert bank.get("address")[0] == "Zweierstrasse 35, Zurich CH-8022, Switzerland"
    assert bank.get("country") == ["ch", "es", "jp", "pa"]


def test_aliases_from_alt_file(sdn: ParseResult) -> None:
    ents = _by_id(sdn)
    prop = {"aka": "alias", "fka": "previousName", "nka": "alias"}
    checked = Counter()
    for row in _raw(OFAC / "alt.csv"):
        entity = ents.get(f"ofac-{row[0]}")
        if entity is None:
            continue
        assert row[3].strip() in entity.get(prop[row[2]]), row
        checked[row[2]] += 1
    assert checked["aka"] > 15000 and checked["fka"] > 400 and checked["nka"] > 0


def test_orphan_rows_make_one_warning_per_file(sdn: ParseResult) -> None:
    primary = {row[0] for row in _raw(OFAC / "sdn.csv")}
    for name in ("add.csv", "alt.csv", "sdn_comments.csv"):
        orphans = [row for row in _raw(OFAC / name) if row[0] not in primary]
        issues = [i for i in sdn.issues if i.file == name and i.field == "ent_num"]
        assert len(issues) == 1, issues
        assert f"{len(orphans):,} " in issues[0].message
    assert len(sdn.issues) < 20


def test_comments_continue_mid_word_2021(sdn2021: ParseResult) -> None:
    primary = {row[0]: row for row in _raw(SET_2021 / "sdn.csv")}
    comments = _raw(SET_2021 / "sdn_comments.csv")
    assert not (SET_2021 / "sdn_comments.csv").read_bytes().endswith(b"\x1a")
    assert primary["12300"][11].endswith("PROMO RAI")
    first = next(row for row in comments if row[0] == "12300")
    assert first[1].startswith("Z S.A.S.")
    entity = _by_id(sdn2021)["ofac-12300"]
    notes = entity.get("notes")
    assert primary["12300"][11] + first[1] in notes
    assert any("Linked To: PROMO RAIZ S.A.S." in n for n in notes)
    # Facts from the continuation are parsed too: the link after the cut resolves.
    promo = [row[0] for row in primary.values() if row[1] == "PROMO RAIZ S.A.S."]
    assert len(promo) == 1
    assert f"ofac-12300-link-ofac-{promo[0]}" in _by_id(sdn2021)
    for row in comments:
        assert any(primary[row[0]][11] + row[1] in n for n in _by_id(sdn2021)[f"ofac-{row[0]}"].get("notes"))


def test_mismatched_continuation_is_not_glued(sdn: ParseResult) -> None:
    # In the mixed current folder, entry 22985's remarks end cleanly (not cut at 1,000 chars):
    # its comments row belongs to a later publication and must not be appended.
    primary = {row[0]: row for row in _raw(OFAC / "sdn.csv")}
    comment = next(row for row in _raw(OFAC / "sdn_comments.csv") if row[0] == "22985")
    assert len(primary["22985"][11]) < 1000
    notes = _by_id(sdn)["ofac-22985"].get("notes")
    assert not any(comment[1] in n for n in notes)
    assert any("22985" in i.message for i in sdn.issues if i.file == "sdn_comments.csv")


def test_missing_side_files_are_warned(cons: ParseResult) -> None:
    alone = parse([OFAC / "cons_prim.csv"], "us_ofac_cons")
    assert len(alone.targets) == len(cons.targets)
    missing = [i for i in alone.issues if i.location == "file" and i.message.startswith("no ")]
    assert len(missing) == 3
    row = next(r for r in _raw(OFAC / "cons_add.csv") if not _empty(r[4]))
    assert not _by_id(alone)[f"ofac-{row[0]}"].get("address")
    assert _by_id(cons)[f"ofac-{row[0]}"].get("address")


# --- links ---------------------------------------------------------------------------------


def test_linked_to_becomes_unknown_link(sdn: ParseResult) -> None:
    rows = _raw(OFAC / "sdn.csv")
    by_name: dict[str, list[str]] = {}
    for row in rows:
        by_name.setdefault(row[1].strip().lower(), []).append(row[0])
    # Remarks cut at exactly 1,000 characters continue in the comments file.
    remarks = {row[0]: row[11] for row in rows}
    for row in _raw(OFAC / "sdn_comments.csv"):
        if len(remarks.get(row[0], "")) == 1000:
            remarks[row[0]] += row[1]
    expected = set()
    for row in rows:
        for name in re.findall(r"Linked To: ([^;]+?)\.?(?:;|$)", remarks[row[0]]):
            for key in (name.strip().lower(), name.strip().lower() + "."):
                if len(by_name.get(key, [])) == 1 and by_name[key][0] != row[0]:
                    expected.add(f"ofac-{row[0]}-link-ofac-{by_name[key][0]}")
                    break
    links = {e.id: e for e in sdn.entities if e.schema == "UnknownLink"}
    assert len(expected) > 6000
    assert set(links) == expected
    link = links[
        "ofac-15036-link-ofac-" + next(r[0] for r in rows if r[1] == "NATIONAL IRANIAN TANKER COMPANY")
    ]
    assert link.target is False
    assert link.get("subject") == ["ofac-15036"]
    assert link.get("role") == ["Linked To"]


# --- bad input -----------------------------------------------------------------------------


def test_malformed_rows_are_reported_and_the_rest_imports(tmp_path: Path) -> None:
    lines = (OFAC / "cons_prim.csv").read_bytes().split(b"\r\n")
    good = len(re.findall(rb"^\d+,", b"\r\n".join(lines), re.MULTILINE))
    assert b",-0- ," in lines[4] and lines[19].count(b'"') >= 2
    lines[4] = lines[4].replace(b",-0- ", b"", 1)  # line 5: 11 columns
    lines[9] = b"X" + lines[9]  # line 10: ent_num not an integer
    lines[14] = lines[14] + b',"unclosed'  # line 15: an unclosed quote at the end
    lines[19] = re.sub(rb'"[^"]*"', b"-0- ", lines[19], count=1)  # line 20: no name
    bad = tmp_path / "cons_prim.csv"
    bad.write_bytes(b"\r\n".join(lines))
    result = parse([bad], "us_ofac_cons")
    errors = {(i.file, i.location, i.field) for i in result.issues if i.severity == "error"}
    assert ("cons_prim.csv", "line 5", "Remarks") in errors
    assert ("cons_prim.csv", "line 10", "ent_num") in errors
    assert ("cons_prim.csv", "line 20", "SDN_Name") in errors
    assert any(loc == "line 15" for _f, loc, _fld in errors)
    assert len(errors) == 4
    assert len(result.targets) == good - 4
    # The row after the unclosed quote is intact.
    row16 = next(csv.reader([lines[15].decode()]))
    assert _by_id(result)[f"ofac-{row16[0]}"].get("name") == [row16[1]]


def test_truncated_and_mutated_files_never_crash(tmp_path: Path) -> None:
    raw = (OFAC / "sdn.csv").read_bytes()
    cut = tmp_path / "sdn.csv"
    cut.write_bytes(raw[:100_003])  # cut in the middle of a row
    result = parse([cut], "us_ofac_sdn")
    complete = raw[:100_003].count(b"\r\n")
    assert complete <= len(result.targets) <= complete + 1
    for step, start in ((4999, 20_000), (97, 7)):
        mangled = bytearray(raw[:300_000])
        for pos in range(start, len(mangled), step):
            mangled[pos] = ord('"') if pos % 2 else ord(";")
        bad = tmp_path / f"m{step}" / "sdn.csv"
        bad.parent.mkdir()
        bad.write_bytes(bytes(mangled))
        try:
            result = parse([bad], "us_ofac_sdn")
        except NotAList:
            assert step == 97  # mangled beyond recognition: refusing it is right
            continue
        assert result.targets and [i for i in result.issues if i.severity == "error"]


def test_gzipped_copy_parses_the_same(cons: ParseResult, tmp_path: Path) -> None:
    packed = tmp_path / "cons_prim.csv.gz"
    packed.write_bytes(gzip.compress((OFAC / "cons_prim.csv").read_bytes()))
    assert sniff(packed, (OFAC / "cons_prim.csv").read_bytes()[:65536]) == ("us_ofac_cons", "primary")
    result = parse([packed], "us_ofac_cons")
    assert [e.to_dict() for e in result.targets] == [
        e.to_dict() for e in parse([OFAC / "cons_prim.csv"], "us_ofac_cons").targets
    ]


def test_damaged_archive_is_not_a_list(tmp_path: Path) -> None:
    broken = tmp_path / "sdn.csv.gz"
    broken.write_bytes(gzip.compress((OFAC / "cons_prim.csv").read_bytes())[:200])
    with pytest.raises(NotAList):
        parse([broken], "us_ofac_sdn")
