"""UK Sanctions List (FCDO) parser: the real summary ODS, and fictional full CSV/XML/ODS samples.

The ODS rows are counted independently of the parser (which uses lxml) with zipfile and a
regular expression over `content.xml`.
"""

from __future__ import annotations

import collections
import csv
import html
import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from conftest import FIXTURES, LISTS

from tradescreen.entity import count_schemata, validate
from tradescreen.sources import uk_fcdo
from tradescreen.sources.base import NotAList, ParseResult

ODS = LISTS / "uk" / "FCDO_SL_2025-08-11.ods"
CSV_SAMPLE = FIXTURES / "uk" / "UK-Sanctions-List-sample.csv"
XML_SAMPLE = FIXTURES / "uk" / "UK-Sanctions-List-sample.xml"
SOURCE = "gb_fcdo_sanctions"


@pytest.fixture(scope="module")
def sheet() -> list[list[str]]:
    """The summary sheet's non-empty rows, header first, read with a regex over content.xml."""
    with zipfile.ZipFile(ODS) as zf:
        content = zf.read("content.xml").decode("utf-8-sig")
    assert content.count("<table:table ") == 1
    out = []
    for chunk in content.split("<table:table-row")[1:]:
        cells = [
            " ".join(html.unescape(p).split())
            for p in re.findall(r"<text:p>(.*?)</text:p>", chunk, re.DOTALL)
        ]
        if cells:
            assert "number-rows-repeated" not in chunk.split(">", 1)[0]
            out.append(cells)
    return out


@pytest.fixture(scope="module")
def real() -> ParseResult:
    return uk_fcdo.parse([ODS], SOURCE)


@pytest.fixture(scope="module")
def by_id(real: ParseResult) -> dict:
    return {e.id: e for e in real.entities}


# --- the real summary ODS --------------------------------------------------------------------


def test_summary_rows_and_types(real: ParseResult, sheet: list[list[str]]) -> None:
    header, data = sheet[0], sheet[1:]
    assert header[:3] == ["Unique ID", "OFSI Group ID", "Name"]
    assert len(data) == 5302 and all(len(r) == 8 for r in data)
    types = collections.Counter(r[4] for r in data)
    assert types == {"Individual": 3754, "Entity": 1087, "Ship": 461}
    nameless = {r[0] for r in data if not r[2]}
    assert nameless == {"BEL0174", "RUS1467"}
    assert len(real.entities) == len(data) - len(nameless)
    assert {e.id for e in real.entities} == {f"gb-fcdo-{r[0]}" for r in data if r[2]}
    named = collections.Counter(r[4] for r in data if r[2])
    schemata = count_schemata(real.entities)
    assert schemata["Person"] == named["Individual"]
    assert schemata["Vessel"] == named["Ship"]
    assert schemata["Company"] + schemata["Organization"] == named["Entity"]
    assert set(schemata) == {"Person", "Vessel", "Company", "Organization"}


def test_summary_issues(real: ParseResult, sheet: list[list[str]]) -> None:
    assert real.published is None  # the file name's date is not content
    errors = [i for i in real.issues if i.severity == "error"]
    assert {(i.location, i.field) for i in errors} == {("row 649", "Name"), ("row 3524", "Name")}
    # "row N" is the spreadsheet row: header is row 1, so data row k is row k + 1.
    assert sheet[648][0] == "BEL0174" and sheet[3523][0] == "RUS1467"
    assert len(real.issues) == 2


def test_summary_values(real: ParseResult, sheet: list[list[str]], by_id: dict) -> None:
    rows = {r[0]: r for r in sheet[1:]}
    for e in real.entities:
        row = rows[e.id.removeprefix("gb-fcdo-")]
        assert e.get("name") == [row[2]]
        assert e.get("program") == [row[3]]
        d, m, y = row[6].split("-")
        assert e.get("createdAt") == [f"{y}-{m}-{d}"]
        assert f"Designation source: {row[5]}" in e.get("notes")
        assert e.get("topics") == ["sanction"]
        assert validate(e) == []
    afg = by_id["gb-fcdo-AFG0001"]
    assert afg.schema == "Organization"
    assert afg.get("name") == ["HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE"]
    assert "OFSI Group ID: 12703" in afg.get("notes")
    assert "Sanctions imposed: Asset freeze" in afg.get("notes")
    assert by_id["gb-fcdo-BEL0165"].schema == "Company"  # Ruchservomotor LLC
    ship = by_id["gb-fcdo-DPR0075"]
    assert ship.schema == "Vessel" and ship.get("name") == ["Petrel 8"]
    assert not any(n.startswith("OFSI Group ID") for n in ship.get("notes"))  # empty cell
    assert by_id["gb-fcdo-YEM0018"].get("name") == ["Al-HOUTHI Ali Hussein Badr Al Din"]
    assert "Designation source: UK|UN" in by_id["gb-fcdo-GUB0009"].get("notes")


# --- full CSV and XML ----------------------------------------------------------------------------


def _csv_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(CSV_SAMPLE.read_text("utf-8"), newline="")))


def test_full_csv_sample() -> None:
    result = uk_fcdo.parse([CSV_SAMPLE], SOURCE)
    rows = _csv_rows()[2:]
    assert len(result.entities) == len({r[1] for r in rows}) == 4
    assert result.published == "2025-08-11"
    assert result.issues == []
    ents = {e.id: e for e in result.entities}
    person = ents["gb-fcdo-TST0001"]
    assert person.schema == "Person"
    assert person.get("name") == ["JOHN QUENTIN DOE"]
    assert person.get("firstName") == ["JOHN"] and person.get("lastName") == ["DOE"]
    assert set(person.get("alias")) == {"JON DOUGH", "Джон Доу"}
    assert person.get("weakAlias") == ["Johnny D"]
    assert person.get("birthDate") == ["1961", "1962-03-15", "1963"]
    assert person.get("nationality") == ["ir"] and person.get("birthCountry") == ["ir"]
    assert person.get("passportNumber") == ["X0000001"] and person.get("idNumber") == ["ID-000-TEST"]
    assert person.get("gender") == ["male"] and person.get("title") == ["Dr"]
    assert person.get("position") == ["Imaginary Minister"]
    assert person.get("createdAt") == ["2022-03-01"] and person.get("program") == ["Russia"]
    assert len(person.get("address")) == 2 and person.get("country") == ["ru", "ir"]
    company = ents["gb-fcdo-TST0002"]
    assert company.schema == "Company"
    assert company.get("alias") == ["EXAMPLE TRADING LIMITED LIABILITY COMPANY"]
    assert company.get("email") == ["info@example-trading.invalid", "sales@example-trading.invalid"]
    assert company.get("registrationNumber") == ["1234567890123"]
    ship = ents["gb-fcdo-TST0003"]
    assert ship.schema == "Vessel"
    assert ship.get("imoNumber") == ["IMO9999991"] and ship.get("flag") == ["pa"]
    assert ship.get("pastFlags") == ["mt", "cy"] and ship.get("type") == ["Crude Oil Tanker"]
    assert "Current owner/operator: Fictional Shipping Ltd" in ship.get("notes")
    org = ents["gb-fcdo-TST0004"]
    assert org.schema == "Organization"
    assert org.get("country") == ["cd"]  # "Congo (Democratic Republic)"
    assert "UN reference number: TSe.001" in org.get("notes")
    assert all(validate(e) == [] for e in result.entities)


def test_xml_sample_gives_the_same_entities_as_csv() -> None:
    from_csv = uk_fcdo.parse([CSV_SAMPLE], SOURCE)
    from_xml = uk_fcdo.parse([XML_SAMPLE], SOURCE)
    assert from_xml.issues == []
    assert from_xml.published == "2025-08-11"

    def canon(result: ParseResult) -> dict:
        return {
            e.id: {k: sorted(v) for k, v in e.to_dict()["properties"].items()} | {"@": e.schema}
            for e in result.entities
        }

    assert canon(from_xml) == canon(from_csv)
    assert len(from_xml.entities) == XML_SAMPLE.read_text("utf-8").count("<Designation>")


def _ods(rows: list[list[str]], extra: str = "", table_name: str = "Sheet1") -> bytes:
    """A minimal ODS holding `rows` (strings), with padding the way spreadsheet programs write it."""

    def row(cells: list[str]) -> str:
        inner = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p></table:table-cell>'
            if c
            else "<table:table-cell/>"
            for c in cells
        )
        return f'<table:table-row>{inner}<table:table-cell table:number-columns-repeated="16000"/></table:table-row>'

    body = "".join(row(r) for r in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        f'<table:table table:name="{table_name}"><table:table-column table:number-columns-repeated="16384"/>'
        f"{body}{extra}"
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        '</table:table><table:table table:name="Other"><table:table-row><table:table-cell><text:p>Unique ID</text:p>'
        "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED
        )
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_full_list_as_ods_reads_like_the_csv(tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.ods"
    path.write_bytes(_ods(_csv_rows()))
    assert uk_fcdo.sniff(path, path.read_bytes()[:65536]) == (SOURCE, "ods")
    from_ods = uk_fcdo.parse([path], SOURCE)
    from_csv = uk_fcdo.parse([CSV_SAMPLE], SOURCE)
    assert [e.to_dict() for e in from_ods.entities] == [e.to_dict() for e in from_csv.entities]
    assert from_ods.published == "2025-08-11"


# --- ODS details and bad input ---------------------------------------------------------------

SUMMARY_HEADER = [
    "Unique ID",
    "OFSI Group ID",
    "Name",
    "Regime Name",
    "Type",
    "Designation source",
    "Date Designated",
    "Sanctions Imposed",
]


def test_ods_repeats_spaces_and_bad_rows(tmp_path: Path) -> None:
    repeated = (
        '<table:table-row table:number-rows-repeated="2">'
        "<table:table-cell><text:p>TST0200</text:p></table:table-cell>"
        '<table:table-cell table:number-columns-repeated="1"/>'
        '<table:table-cell><text:p>TWO<text:s text:c="2"/>SPACES <text:span>AND SPAN</text:span></text:p></table:table-cell>'
        "<table:table-cell><text:p>Russia</text:p></table:table-cell>"
        "<table:table-cell><text:p>Entity</text:p></table:table-cell></table:table-row>"
    )
    rows = [
        SUMMARY_HEADER,
        ["TST0100", "1", "FIRST ENTRY", "Russia", "Individual", "UK", "01-02-2020", "Asset freeze"],
        ["", "2", "NO ID", "Russia", "Entity", "UK", "01-02-2020", "Asset freeze"],
        ["TST0101", "3", "THIRD ENTRY", "Russia", "Dragon", "UK", "99-99-2020", "Asset freeze"],
    ]
    path = tmp_path / "summary.ods"
    path.write_bytes(_ods(rows, extra=repeated))
    result = uk_fcdo.parse([path], SOURCE)
    ents = {e.id: e for e in result.entities}
    assert set(ents) == {"gb-fcdo-TST0100", "gb-fcdo-TST0101", "gb-fcdo-TST0200"}
    assert ents["gb-fcdo-TST0200"].get("name") == ["TWO  SPACES AND SPAN"]
    assert ents["gb-fcdo-TST0101"].schema == "LegalEntity"
    issues = {(i.location, i.field, i.severity) for i in result.issues}
    assert ("row 3", "Unique ID", "error") in issues
    assert ("row 4", "Type", "warning") in issues
    assert ("row 4", "Date designated", "warning") in issues
    assert ("row 6", "Unique ID", "warning") in issues  # the second copy of the repeated row


def test_damaged_ods(tmp_path: Path) -> None:
    good = _ods(
        [SUMMARY_HEADER]
        + [[f"TST{i:04d}", "1", f"ENTRY {i}", "Russia", "Entity", "UK", "01-02-2020", ""] for i in range(50)]
    )
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        content = zf.read("content.xml")
    cut = io.BytesIO()
    with zipfile.ZipFile(cut, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content[: len(content) // 2])
    path = tmp_path / "cut.ods"
    path.write_bytes(cut.getvalue())
    result = uk_fcdo.parse([path], SOURCE)
    assert 0 < len(result.entities) < 50
    assert [i.severity for i in result.issues] == ["error"]

    empty_zip = io.BytesIO()
    with zipfile.ZipFile(empty_zip, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    path.write_bytes(empty_zip.getvalue())
    with pytest.raises(NotAList, match="ODS"):
        uk_fcdo.parse([path], SOURCE)
    path.write_bytes(_ods([["Something", "Else"], ["a", "b"]]))
    with pytest.raises(NotAList, match="Unique ID"):
        uk_fcdo.parse([path], SOURCE)
    assert uk_fcdo.sniff(path, path.read_bytes()[:65536]) is None


def test_csv_bad_rows(tmp_path: Path) -> None:
    rows = _csv_rows()
    rows[3] = rows[3] + ["surplus"]
    rows[6][1] = ""
    rows[4][rows[1].index("D.O.B")] = "31/02/1970"  # third row of TST0001
    path = tmp_path / "UK-Sanctions-List.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    result = uk_fcdo.parse([path], SOURCE)
    errors = {(i.location, i.field) for i in result.issues if i.severity == "error"}
    assert errors == {("line 4", None), ("line 7", "Unique ID")}
    warnings = {(i.location, i.field) for i in result.issues if i.severity == "warning"}
    assert warnings == {("line 5", "Date of birth")}
    assert len(result.entities) == 4
    person = next(e for e in result.entities if e.id == "gb-fcdo-TST0001")
    assert "Date of birth: 31/02/1970 (as published)" in person.get("notes")


def test_xml_bad_elements(tmp_path: Path) -> None:
    text = XML_SAMPLE.read_text("utf-8")
    text = text.replace("<UniqueID>TST0004</UniqueID>", "", 1)
    text = text.replace(
        "<NameType>Alias</NameType>\n        <AliasStrength>Good quality",
        "<NameType>Nickname</NameType>\n        <AliasStrength>Good quality",
        1,
    )
    text = text.replace(
        "<RegimeName>Russia</RegimeName>", "<RegimeName>Russia</RegimeName><Colour>blue</Colour>", 1
    )
    path = tmp_path / "uk.xml"
    path.write_text(text, "utf-8")
    result = uk_fcdo.parse([path], SOURCE)
    assert {e.id for e in result.entities} == {"gb-fcdo-TST0001", "gb-fcdo-TST0002", "gb-fcdo-TST0003"}
    found = {(i.location, i.field, i.severity) for i in result.issues}
    assert ("Designation 4", "UniqueID", "error") in found
    assert ("Designation 1 (TST0001)", "Name type", "warning") in found
    assert any(i.location == "file" and "Colour" in i.message for i in result.issues)

    path.write_text(text[: len(text) * 2 // 3], "utf-8")
    cut = uk_fcdo.parse([path], SOURCE)
    assert 1 <= len(cut.entities) < 4
    assert any(i.severity == "error" and "damaged" in i.message for i in cut.issues)

    path.write_text('<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>', "utf-8")
    with pytest.raises(NotAList, match="Designations"):
        uk_fcdo.parse([path], SOURCE)


def test_sniff_all_forms() -> None:
    assert uk_fcdo.sniff(ODS, ODS.read_bytes()[:65536]) == (SOURCE, "ods")
    assert uk_fcdo.sniff(CSV_SAMPLE, CSV_SAMPLE.read_bytes()) == (SOURCE, "csv")
    assert uk_fcdo.sniff(XML_SAMPLE, XML_SAMPLE.read_bytes()) == (SOURCE, "xml")
    un = LISTS / "un" / "consolidated.xml"
    assert uk_fcdo.sniff(un, un.read_bytes()[:65536]) is None
    assert uk_fcdo.sniff(Path("x"), (LISTS / "bis" / "dpl.txt").read_bytes()[:65536]) is None
    assert uk_fcdo.sniff(Path("missing.ods"), b"PK\x03\x04 not a zip") is None


def test_uk_dates() -> None:
    assert uk_fcdo.uk_date("00/00/1975") == "1975"
    assert uk_fcdo.uk_date("dd/mm/1971") == "1971"
    assert uk_fcdo.uk_date("00/07/1971") == "1971-07"
    assert uk_fcdo.uk_date("24/10/1972") == "1972-10-24"
    assert uk_fcdo.uk_date("29-06-2012") == "2012-06-29"
    assert uk_fcdo.uk_date("31/02/1972") is None
