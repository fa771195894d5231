"""EU FSF parser, tested on fictional fixtures written in the published XML 1.1 / CSV 1.1 shape.

No real EU file is available here (data/lists/PROVENANCE.md, "Not obtained"), so expected
values below are read off the fixture text by hand, and counts are made independently of the
parser (regex on the XML, the csv module on the CSV).
"""

from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, LISTS
from helpers_lists import real_list_files

from tradescreen.entity import validate
from tradescreen.sources.base import NotAList
from tradescreen.sources.eu_fsf import FORMAT, parse, sniff

XML = FIXTURES / "eu" / "eu_fsf_sample.xml"
CSV = FIXTURES / "eu" / "eu_fsf_sample.csv"


def _by_id(result):  # type: ignore[no-untyped-def]
    return {e.id: e for e in result.entities}


# --- sniffing ------------------------------------------------------------------------------------


def test_sniff_recognises_both_forms() -> None:
    assert sniff(XML, XML.read_bytes()[:65536]) == ("eu_fsf", "xml")
    assert sniff(CSV, CSV.read_bytes()[:65536]) == ("eu_fsf", "csv")


@pytest.mark.parametrize("rel", ["un/consolidated.xml", "bis/dpl.txt", "ofac/sdn.csv"])
def test_sniff_rejects_other_lists(rel: str) -> None:
    path = LISTS / rel
    assert sniff(path, path.read_bytes()[:65536]) is None


def test_sniff_claims_no_real_list_file() -> None:
    from tradescreen.sources.base import read_bytes

    real = real_list_files()
    assert len(real) >= 15
    for path in real:
        assert sniff(path, read_bytes(path)[:65536]) is None, path.name


def test_sniff_never_raises_on_garbage() -> None:
    assert sniff(Path("x"), b"") is None
    assert sniff(Path("x"), b"\xff\xfe\x00<export") is None


def test_format_declares_source_and_public_token_url() -> None:
    assert FORMAT.key == "eu_fsf" and FORMAT.sources == ("eu_fsf",)
    (download,) = FORMAT.downloads["eu_fsf"]
    assert download.url.startswith(
        "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1"
    )
    assert "token=dG9rZW4tMjAxNw" in download.url


# --- XML mapping ---------------------------------------------------------------------------------


def test_xml_counts_match_independent_count() -> None:
    text = XML.read_text(encoding="utf-8")
    with_id = re.findall(r"<sanctionEntity\b[^>]*\blogicalId=\"(\d+)\"", text)
    result = parse([XML], "eu_fsf")
    assert len(result.entities) == len(with_id) == 4
    assert sorted(e.id for e in result.entities) == sorted(f"eu-fsf-{i}" for i in with_id)
    assert result.files == [XML.name]
    assert result.published == "2031-04-02T17:00:12.345+02:00"


def test_xml_entities_are_valid_ftm() -> None:
    result = parse([XML], "eu_fsf")
    for entity in result.entities:
        assert validate(entity) == [], entity.id
        assert entity.datasets == ["eu_fsf"] and entity.target


def test_xml_person_mapping() -> None:
    person = _by_id(parse([XML], "eu_fsf"))["eu-fsf-900101"]
    assert person.schema == "Person"
    assert person.get("name") == ["Ivo Testovich Fictionalov"]
    assert person.get("alias") == ["Иво Тестович Фикционалов"]
    assert person.get("weakAlias") == ["Ivo the Tester"]
    assert person.get("birthDate") == ["1961-07-14", "1962-03"]
    assert person.get("birthPlace") == ["Testograd, RUSSIAN FEDERATION"]
    assert person.get("citizenship") == ["ru"]
    assert person.get("passportNumber") == ["TP1234567"]
    assert person.get("idNumber") == ["ID-770011"]
    assert person.get("gender") == ["male"]
    assert person.get("position") == ["Director of Example Works"]
    assert person.get("title") == ["Dr"]
    assert "Ivo" in person.get("firstName") and "Fictionalov" in person.get("lastName")
    assert person.get("address") == ["12 Sample Street, 101000 Testograd, RUSSIAN FEDERATION"]
    assert person.get("program") == ["TST"]
    assert person.get("createdAt") == ["2030-03-15"]
    assert person.get("sourceUrl") == ["https://eur-lex.example.invalid/TST/2030-999"]
    assert person.get("topics") == ["sanction"]
    notes = " | ".join(person.get("notes"))
    assert "procurement network" in notes and "EU.9001.11" in notes and "2030/999" in notes


def test_xml_enterprise_mapping() -> None:
    found = _by_id(parse([XML], "eu_fsf"))
    company = found["eu-fsf-900102"]
    assert company.schema == "Company"  # "LLC" is a legal form
    assert company.get("name") == ["Northwind Example Trading LLC"]
    assert company.get("alias") == ["OOO Nordvind Primer"]
    assert company.get("registrationNumber") == ["1027700000000"]
    assert company.get("taxNumber") == ["7700000000"]
    assert company.get("address") == [
        "Harbour Road 5, office 7, PO Box 44, 190000 Exampleburg, RUSSIAN FEDERATION"
    ]
    assert company.get("country") == ["ru"]
    assert company.get("phone") == ["+7 000 000 00 00"]
    assert company.get("email") == ["info@northwind.example"]
    assert company.get("website") == ["https://northwind.example"]
    # no designationDate: the regulation's publication date stands in
    assert company.get("createdAt") == ["2030-06-01"]
    assert "Supplies fictional components." in company.get("notes")
    group = found["eu-fsf-900103"]
    assert group.schema == "Organization"  # no legal form in any name
    assert group.get("weakAlias") == ["ILF"]
    assert group.get("alias") == ["Front de libération imaginaire"]
    assert group.get("address") == ["Border region"]  # UNKNOWN country left out
    assert "country" not in group.properties
    assert any("QDe.999" in n for n in group.get("notes"))


def test_xml_year_range_retired_country_code_and_bad_date() -> None:
    result = parse([XML], "eu_fsf")
    person = _by_id(result)["eu-fsf-900104"]
    assert person.get("birthDate") == ["1970", "1971", "1972"]
    assert person.get("citizenship") == ["rs"]  # CS = Serbia and Montenegro in this list
    assert person.get("gender") == ["female"]
    assert any("1023-11-01" in n for n in person.get("notes"))
    bad = [i for i in result.issues if i.field == "birthdate.birthdate"]
    assert len(bad) == 1 and bad[0].severity == "warning"
    assert "logicalId=900104" in bad[0].location and "1023-11-01" in bad[0].message


def test_xml_entry_without_logical_id_is_an_error_naming_element_and_field() -> None:
    result = parse([XML], "eu_fsf")
    errors = [i for i in result.issues if i.severity == "error"]
    assert len(errors) == 1
    assert errors[0].field == "logicalId"
    assert errors[0].location.startswith("sanctionEntity #5")
    assert "line 60" in errors[0].location
    assert errors[0].file == XML.name
    assert "No Identifier" not in {n for e in result.entities for n in e.names()}


# --- CSV 1.1 -------------------------------------------------------------------------------------


def test_csv_counts_and_header() -> None:
    with CSV.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
        handle.seek(0)
        header = next(csv.reader(handle, delimiter=";"))
    assert len(header) == 118 and header[0].endswith("fileGenerationDate")
    ids = {row["Entity_LogicalId"] for row in rows}
    result = parse([CSV], "eu_fsf")
    assert sorted(e.id for e in result.entities) == sorted(f"eu-fsf-{i}" for i in ids)
    assert result.issues == []
    assert result.published == "2031-04-02"
    for entity in result.entities:
        assert validate(entity) == []


def test_csv_and_xml_give_the_same_entities() -> None:
    """The CSV carries no strong/weak flag, so the fixture's CSV leaves out the one weak alias."""
    from_xml = _by_id(parse([XML], "eu_fsf"))
    from_csv = _by_id(parse([CSV], "eu_fsf"))
    assert from_csv["eu-fsf-900102"].to_dict() == from_xml["eu-fsf-900102"].to_dict()
    person_xml = from_xml["eu-fsf-900101"].to_dict()
    person_xml["properties"].pop("weakAlias")
    assert from_csv["eu-fsf-900101"].to_dict() == person_xml


def test_csv_row_without_logical_id_and_short_row(tmp_path: Path) -> None:
    lines = CSV.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    broken = lines[1].split(";")
    broken[header.index("Entity_LogicalId")] = ""
    path = tmp_path / "eu.csv"
    path.write_text("\n".join([lines[0], ";".join(broken), "1;2;3", *lines[2:]]) + "\n", encoding="utf-8")
    result = parse([path], "eu_fsf")
    missing = [i for i in result.issues if i.field == "Entity_LogicalId"]
    assert len(missing) == 1 and missing[0].location == "line 2" and missing[0].severity == "error"
    assert any(i.location == "line 3" for i in result.issues)  # short row named
    assert {e.id for e in result.entities} == {"eu-fsf-900101", "eu-fsf-900102"}


# --- bad input -----------------------------------------------------------------------------------


def test_truncated_xml_keeps_entries_before_the_break(tmp_path: Path) -> None:
    text = XML.read_text(encoding="utf-8")
    cut = text.index('<sanctionEntity designationDetails="" unitedNationId="QDe.999"') + 40
    path = tmp_path / "eu.xml"
    path.write_text(text[:cut], encoding="utf-8")
    result = parse([path], "eu_fsf")
    assert {e.id for e in result.entities} == {"eu-fsf-900101", "eu-fsf-900102"}
    assert any(i.severity == "error" and "broken" in i.message for i in result.issues)


def test_bad_generation_date_and_unknown_subject_type(tmp_path: Path) -> None:
    text = XML.read_text(encoding="utf-8")
    text = text.replace('generationDate="2031-04-02T17:00:12.345+02:00"', 'generationDate="yesterday"')
    text = text.replace(
        '<subjectType code="enterprise" classificationCode="E"/>', '<subjectType code="vessel"/>', 1
    )
    path = tmp_path / "eu.xml"
    path.write_text(text, encoding="utf-8")
    result = parse([path], "eu_fsf")
    assert result.published is None
    assert any(i.location == "export" and i.field == "generationDate" for i in result.issues)
    odd = _by_id(result)["eu-fsf-900102"]
    assert odd.schema == "LegalEntity" and validate(odd) == []
    assert any(i.field == "subjectType" and "900102" in i.location for i in result.issues)


def test_duplicate_logical_id_is_merged_with_a_warning(tmp_path: Path) -> None:
    text = XML.read_text(encoding="utf-8").replace('logicalId="900103"', 'logicalId="900102"')
    path = tmp_path / "eu.xml"
    path.write_text(text, encoding="utf-8")
    result = parse([path], "eu_fsf")
    merged = _by_id(result)["eu-fsf-900102"]
    assert merged.get("name") == ["Northwind Example Trading LLC"]
    assert "Imaginary Liberation Front" in merged.get("alias")
    assert any("seen before" in i.message for i in result.issues)


@pytest.mark.parametrize(
    "content",
    [b"", b"  \n", b"not xml at all", b"<?xml version='1.0'?><CONSOLIDATED_LIST/>", b'{"id": 1}', b"<<<"],
)
def test_not_the_eu_list_raises_not_a_list(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(content)
    with pytest.raises(NotAList, match="expected the EU Financial Sanctions File"):
        parse([path], "eu_fsf")


def test_file_cut_inside_the_root_tag_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    data = XML.read_bytes()
    path.write_bytes(data[: data.index(b"globalFileId")])
    result = parse([path], "eu_fsf")
    assert result.entities == []
    assert [i.severity for i in result.issues] == ["error"]


def test_gzipped_file_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "eu.xml.gz"
    path.write_bytes(gzip.compress(XML.read_bytes()))
    plain = [e.to_dict() for e in parse([XML], "eu_fsf").entities]
    assert [e.to_dict() for e in parse([path], "eu_fsf").entities] == plain


def test_corrupt_gzip_is_not_a_list(tmp_path: Path) -> None:
    path = tmp_path / "eu.xml.gz"
    path.write_bytes(gzip.compress(XML.read_bytes())[:200])
    with pytest.raises(NotAList):
        parse([path], "eu_fsf")
