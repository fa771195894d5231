"""BIS Denied Persons List parser, on the real dpl.txt (665 rows, newest update 2023-11-28).

Counts are made independently with the csv module (and plain string splitting) on the file.
"""

from __future__ import annotations

import collections
import csv
import hashlib
from pathlib import Path

import pytest
from conftest import LISTS

from tradescreen.entity import count_schemata, validate
from tradescreen.sources import bis_dpl
from tradescreen.sources.base import NotAList, ParseResult

DPL = LISTS / "bis" / "dpl.txt"


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    with DPL.open(newline="", encoding="ascii") as fh:
        return list(csv.reader(fh, delimiter="\t"))[1:]


@pytest.fixture(scope="module")
def real() -> ParseResult:
    return bis_dpl.parse([DPL], "us_bis_denied")


@pytest.fixture(scope="module")
def by_name(real: ParseResult) -> dict[str, object]:
    return {e.first("name"): e for e in real.entities}


def test_one_entity_per_distinct_name(real: ParseResult, rows: list[list[str]]) -> None:
    assert len(rows) == 665
    raw_names = {r[0] for r in rows}
    assert len(raw_names) == 546
    # " I. ASH" and "I. ASH" are one party once the leading space is stripped.
    names = {" ".join(r[0].split()).casefold() for r in rows}
    assert len(names) == 545
    assert len(real.entities) == len(names)
    assert len({e.id for e in real.entities}) == len(real.entities)
    assert {e.first("name").casefold() for e in real.entities} == names  # type: ignore[union-attr]


def test_ids_hash_the_normalised_name(real: ParseResult) -> None:
    for e in real.entities:
        name = " ".join((e.first("name") or "").split()).casefold()
        assert e.id == "bis-dpl-" + hashlib.sha1(name.encode()).hexdigest()[:12]


def test_every_row_address_is_kept(real: ParseResult, rows: list[list[str]]) -> None:
    addresses: dict[str, set[str]] = collections.defaultdict(set)
    for r in rows:
        parts = [r[1], r[2], r[3], r[5], r[4]]  # street, city, state, postal code, country
        addresses[" ".join(r[0].split()).casefold()].add(", ".join(p.strip() for p in parts if p.strip()))
    for e in real.entities:
        assert set(e.get("address")) == addresses[(e.first("name") or "").casefold()]


def test_schemata_and_validity(real: ParseResult) -> None:
    counts = count_schemata(real.entities)
    assert set(counts) <= {"Company", "LegalEntity"}
    assert counts["Company"] + counts["LegalEntity"] == len(real.entities)
    for e in real.entities:
        assert validate(e) == []
        assert e.get("topics") == ["debarment"] and e.target
    assert real.published is None


def test_duplicate_rows_and_impossible_dates_are_reported(real: ParseResult, rows: list[list[str]]) -> None:
    lines = DPL.read_text("ascii").split("\n")
    counts = collections.Counter(tuple(r) for r in rows)
    dupes = {r[0] for r, n in counts.items() if n > 1}
    assert dupes == {"DAQING ZHOU", "NEI-CHIEN CHU"}
    dupe_issues = [i for i in real.issues if "exact duplicate" in i.message]
    assert len(dupe_issues) == 2
    for issue in dupe_issues:
        line = int(issue.location.split()[1])
        earlier = int(issue.message.split("line ")[1].split()[0])
        assert lines[line - 1] == lines[earlier - 1]
    impossible = [r[9] for r in rows if not r[9].startswith("20")]
    assert sorted(impossible) == ["1023-11-01", "1023-11-01", "3033-09-30"]
    date_issues = [i for i in real.issues if i.field == "Last_Update"]
    assert len(date_issues) == 3
    for issue in date_issues:
        line = lines[int(issue.location.split()[1]) - 1]
        assert line.split("\t")[9].strip('"') in issue.message
        assert issue.file == "dpl.txt" and issue.severity == "warning"


def test_spot_check_merged_party(by_name: dict) -> None:
    e = by_name["AL NASER AIRLINES"]
    assert e.schema == "LegalEntity"
    assert set(e.get("country")) == {"iq", "ae", "jo"}
    assert len(e.get("address")) == 4
    assert any("Last update: 1023-11-01 (as published)" in n for n in e.get("notes"))
    assert e.get("createdAt") == ["2023-10-31"]


def test_spot_check_leading_space_and_company(by_name: dict) -> None:
    ash = by_name["I. ASH"]
    assert " I. ASH" not in by_name
    assert "2113 NORTH HIGHWAY 175" in ash.get("address")[0]
    assert ash.get("createdAt") == ["2002-03-04"]  # the earlier of its two orders (MM/DD/YYYY)
    assert by_name["GIE KERMAN AVIATION"].schema == "Company"
    assert by_name["AW-TRONICS LLC"].schema == "Company"
    assert by_name["KIM SONG II"].schema == "LegalEntity"  # "II" is a numeral, not a legal form
    villa = by_name["AARON ABRAHAM VILLA"]
    assert villa.get("address") == ["3415 RIVERA AVENUE, EL PASO, TX, 79905"]
    assert any("effective 2022-08-24; expires 2026-01-14" in n for n in villa.get("notes"))


def test_sniff() -> None:
    assert bis_dpl.sniff(DPL, DPL.read_bytes()[:65536]) == ("us_bis_denied", "txt")
    assert bis_dpl.sniff(Path("x"), (LISTS / "ofac" / "sdn.csv").read_bytes()[:65536]) is None
    assert bis_dpl.sniff(Path("x"), b"") is None


def test_bad_rows_are_reported_and_the_rest_parsed(tmp_path: Path) -> None:
    lines = DPL.read_text("ascii").split("\n")[:21]
    lines[3] = lines[3] + '\t"surplus"'
    lines[7] = "\t".join(['""'] + lines[7].split("\t")[1:])
    path = tmp_path / "dpl.txt"
    path.write_text("\n".join(lines) + "\n", "ascii")
    result = bis_dpl.parse([path], "us_bis_denied")
    errors = {(i.location, i.field) for i in result.issues if i.severity == "error"}
    assert errors == {("line 4", None), ("line 8", "Name")}
    good = [r for i, r in enumerate(csv.reader(lines[1:], delimiter="\t"), start=2) if i not in (4, 8)]
    assert len(result.entities) == len({" ".join(r[0].split()).casefold() for r in good})


def test_not_a_list(tmp_path: Path) -> None:
    other = tmp_path / "dpl.txt"
    other.write_text("name,address\nx,y\n", "ascii")
    with pytest.raises(NotAList, match="Denied Persons"):
        bis_dpl.parse([other], "us_bis_denied")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(NotAList):
        bis_dpl.parse([empty], "us_bis_denied")
