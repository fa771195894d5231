"""UN Security Council consolidated XML parser, on the real list and a fictional sample.

Counts are checked against independent counts made here with regular expressions on the raw
XML (and against the figures recorded in PROVENANCE.md section 3), never against figures the
parser produced.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from conftest import FIXTURES, LISTS, LISTS_EXTRA

from tradescreen.entity import Entity, validate
from tradescreen.sources.base import NotAList, ParseResult
from tradescreen.sources.un_xml import FORMAT, parse, sniff

UN = LISTS / "un" / "consolidated.xml"
SAMPLE = FIXTURES / "xml" / "un_consolidated_sample.xml"
RECORD = re.compile(r"<(INDIVIDUAL|ENTITY)>(.*?)</\1>", re.DOTALL)
ALIAS = re.compile(r"<(?:INDIVIDUAL|ENTITY)_ALIAS>(.*?)</(?:INDIVIDUAL|ENTITY)_ALIAS>", re.DOTALL)


def _tag(block: str, tag: str) -> str:
    found = re.search(rf"<{tag}>([^<]*)</{tag}>", block)
    return " ".join(html.unescape(found.group(1)).split()) if found else ""


@pytest.fixture(scope="module")
def raw() -> str:
    return UN.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def records(raw: str) -> dict[str, tuple[str, str]]:
    """DATAID → (INDIVIDUAL|ENTITY, raw block)."""
    return {_tag(m.group(2), "DATAID"): (m.group(1), m.group(2)) for m in RECORD.finditer(raw)}


@pytest.fixture(scope="module")
def un() -> ParseResult:
    return parse([UN], "un_sc_sanctions")


@pytest.fixture(scope="module")
def by_id(un: ParseResult) -> dict[str, Entity]:
    return {e.id: e for e in un.entities}


def _copy(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "consolidated.xml"
    path.write_text(text, encoding="utf-8")
    return path


# --- sniffing ---------------------------------------------------------------------------------


def test_sniff() -> None:
    assert sniff(UN, UN.read_bytes()[:65536]) == ("un_sc_sanctions", "xml")
    assert sniff(Path("renamed.bin"), UN.read_bytes()[:65536]) == ("un_sc_sanctions", "xml")
    assert sniff(SAMPLE, SAMPLE.read_bytes()) == ("un_sc_sanctions", "xml")
    import zipfile

    with zipfile.ZipFile(LISTS_EXTRA / "ofac-cons-enhanced-xml" / "CONS_ENHANCED.ZIP") as zf:
        ofac_head = zf.read("CONS_ENHANCED.XML")[:65536]
    for head in (ofac_head, (LISTS / "ofac" / "cons_prim.csv").read_bytes()[:65536], b"", b"\x89PNG\r\n"):
        assert sniff(Path("x.xml"), head) is None
    assert FORMAT.sources == ("un_sc_sanctions",)


# --- the real list -----------------------------------------------------------------------------


def test_record_counts_and_ids(un: ParseResult, raw: str, records: dict[str, tuple[str, str]]) -> None:
    individuals = raw.count("<INDIVIDUAL>")
    entities = raw.count("<ENTITY>")
    assert (individuals, entities) == (730, 273)  # PROVENANCE.md section 3
    schemata = Counter(e.schema for e in un.entities)
    assert schemata["Person"] == individuals
    assert schemata["Company"] + schemata["Organization"] == entities
    assert len(un.entities) == len(records) == 1003
    assert {e.id for e in un.entities} == {f"un-{d}" for d in records}
    assert [i for i in un.issues if i.severity == "error"] == []
    assert all(e.target and e.datasets == ["un_sc_sanctions"] for e in un.entities)


def test_published_is_date_generated(un: ParseResult, raw: str) -> None:
    found = re.search(r'dateGenerated="([^"]+)"', raw)
    assert found is not None
    assert un.published == found.group(1) == "2026-02-27T00:00:09.554Z"


def test_every_entity_is_valid_ftm(un: ParseResult) -> None:
    assert {e.id: validate(e) for e in un.entities if validate(e)} == {}


def test_names_are_the_name_fields_joined(
    records: dict[str, tuple[str, str]], by_id: dict[str, Entity]
) -> None:
    for dataid, (_kind, block) in records.items():
        parts = [_tag(block, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        assert by_id[f"un-{dataid}"].get("name") == [" ".join(p for p in parts if p)]


def test_original_script_names_are_aliases(
    records: dict[str, tuple[str, str]], by_id: dict[str, Entity]
) -> None:
    found = {
        d: _tag(b, "NAME_ORIGINAL_SCRIPT")
        for d, (_k, b) in records.items()
        if _tag(b, "NAME_ORIGINAL_SCRIPT")
    }
    assert len(found) == 378  # PROVENANCE.md section 3
    for dataid, original in found.items():
        assert original in by_id[f"un-{dataid}"].get("alias")
    assert "محمد حسن آخوند" in by_id["un-110577"].get("alias")


def test_alias_quality_mapping_totals(records: dict[str, tuple[str, str]], by_id: dict[str, Entity]) -> None:
    """QUALITY mixes grades (Good/Low) with kinds (a.k.a./f.k.a.): each lands in its own property."""
    qualities: Counter[str] = Counter()
    expected: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for dataid, (_kind, block) in records.items():
        for alias in ALIAS.findall(block):
            quality = _tag(alias, "QUALITY")
            name = _tag(alias, "ALIAS_NAME")
            qualities[quality] += 1
            prop = {"Low": "weakAlias", "f.k.a.": "previousName"}.get(quality, "alias")
            if name:
                expected[dataid][prop].add(name)
        original = _tag(block, "NAME_ORIGINAL_SCRIPT")
        if original:
            expected[dataid]["alias"].add(original)
    # the file's own mix, as recorded in PROVENANCE.md section 3
    assert qualities == Counter({"Good": 1524, "Low": 615, "a.k.a.": 594, "f.k.a.": 19, "": 291})
    for prop in ("alias", "weakAlias", "previousName"):
        parsed_total = sum(len(e.get(prop)) for e in by_id.values())
        expected_total = sum(len(kinds[prop]) for kinds in expected.values())
        assert parsed_total == expected_total, prop
        for dataid, kinds in expected.items():
            assert set(by_id[f"un-{dataid}"].get(prop)) == kinds[prop], (dataid, prop)


def test_programs_reference_numbers_and_listing_dates(
    records: dict[str, tuple[str, str]], by_id: dict[str, Entity]
) -> None:
    programs = Counter(_tag(b, "UN_LIST_TYPE") for _k, b in records.values())
    assert programs["Al-Qaida"] == 341 and programs["DPRK"] == 155  # PROVENANCE.md section 3
    assert Counter(e.first("program") for e in by_id.values()) == programs
    for dataid, (_kind, block) in records.items():
        entity = by_id[f"un-{dataid}"]
        assert entity.get("programId") == [_tag(block, "REFERENCE_NUMBER")]
        assert entity.get("createdAt") == [_tag(block, "LISTED_ON")[:10]]


def test_year_ranges_expand(records: dict[str, tuple[str, str]], by_id: dict[str, Entity]) -> None:
    ranges = 0
    for dataid, (_kind, block) in records.items():
        for low, high in re.findall(r"<FROM_YEAR>(\d{4})</FROM_YEAR>\s*<TO_YEAR>(\d{4})</TO_YEAR>", block):
            ranges += 1
            years = {str(y) for y in range(int(low), int(high) + 1)}
            assert years <= set(by_id[f"un-{dataid}"].get("birthDate")), dataid
    assert ranges == 31


def test_exact_dates_of_birth_are_kept(records: dict[str, tuple[str, str]], by_id: dict[str, Entity]) -> None:
    count = 0
    for dataid, (_kind, block) in records.items():
        for dob in re.findall(
            r"<INDIVIDUAL_DATE_OF_BIRTH>(.*?)</INDIVIDUAL_DATE_OF_BIRTH>", block, re.DOTALL
        ):
            for value in re.findall(r"<(?:DATE|YEAR)>([^<]+)</(?:DATE|YEAR)>", dob):
                assert value.strip()[:10] in by_id[f"un-{dataid}"].get("birthDate"), (dataid, value)
                count += 1
    assert count == 454 + 378  # DATE and YEAR elements in the file


def test_spot_check_akhund(by_id: dict[str, Entity]) -> None:
    e = by_id["un-110577"]
    assert e.get("name") == ["MOHAMMAD HASSAN AKHUND"]
    assert e.get("firstName") == ["MOHAMMAD"] and e.get("secondName") == ["HASSAN"]
    assert e.get("programId") == ["TAi.002"] and e.get("program") == ["Taliban"]
    assert e.get("createdAt") == ["2001-01-25"]
    assert set(e.get("title")) == {"Mullah", "Haji"}
    assert "Foreign Minister under the Taliban regime" in e.get("position")
    assert e.get("nationality") == ["af"]
    assert e.get("birthCountry") == ["af"]


def test_spot_check_njabu(by_id: dict[str, Entity]) -> None:
    e = by_id["un-6908012"]
    assert e.get("name") == ["FLORIBERT NGABU NJABU"]
    assert e.get("passportNumber") == ["OB 0243318"]
    assert e.get("birthDate") == ["1971-05-23"]
    assert e.get("gender") == ["male"]
    assert e.get("nationality") == ["cd"]
    assert {"Floribert Njabu Ngabu", "Floribert Ndjabu", "Floribert Ngabu Ndjabu"} == set(e.get("alias"))


def test_spot_check_ranges_and_low_aliases(by_id: dict[str, Entity]) -> None:
    assert {"1973", "1974"} <= set(by_id["un-6908021"].get("birthDate"))  # BETWEEN 1973 and 1974
    assert "Rumuli" in by_id["un-6907995"].get("weakAlias")  # QUALITY Low


def test_spot_check_adf_former_names(by_id: dict[str, Entity]) -> None:
    e = by_id["un-6908402"]
    assert e.get("name") == ["ADF"]
    assert e.schema == "Organization"
    assert {"ADF/NALU", "NALU"} <= set(e.get("previousName"))
    assert "ADF/NALU" not in e.get("alias")


# --- the fictional sample: every mapping rule, and bad records -----------------------------------


@pytest.fixture(scope="module")
def sample() -> ParseResult:
    return parse([SAMPLE], "un_sc_sanctions")


def _get(result: ParseResult, eid: str) -> Entity:
    return next(e for e in result.entities if e.id == eid)


def test_sample_alias_quality_quirk(sample: ParseResult) -> None:
    p = _get(sample, "un-9000001")
    assert set(p.get("alias")) == {
        "تستو إكزامبلي",  # NAME_ORIGINAL_SCRIPT
        "Good Alias Name",  # Good
        "Aka Alias Name",  # a.k.a.
        "Unqualified Alias Name",  # empty QUALITY
        "Odd Quality Name",  # unknown QUALITY, reported
        "Second Identity",
    }
    assert p.get("weakAlias") == ["Low Nick"]  # Low
    assert p.get("previousName") == ["Former Fake Name"]  # f.k.a.
    assert any(i.field == "INDIVIDUAL_ALIAS/QUALITY" and "Medium" in i.message for i in sample.issues)
    company = _get(sample, "un-9000101")
    assert company.get("previousName") == ["OLD EXAMPLE TRADERS"] and company.get("weakAlias") == ["ETC"]


def test_sample_person_fields(sample: ParseResult) -> None:
    p = _get(sample, "un-9000001")
    assert p.get("name") == ["TESTO EXAMPLI FICTIVO SAMPLANI"]
    assert (
        p.get("firstName") == ["TESTO"]
        and p.get("secondName") == ["EXAMPLI"]
        and p.get("middleName") == ["FICTIVO"]
    )
    assert sorted(p.get("birthDate")) == [
        "1961-01-31",
        "1963",
        "1966-06-16",
        "1970",
        "1971",
        "1972",
        "1975-11",
        "1980",
    ]
    assert set(p.get("birthCountry")) == {"af", "iq"}
    assert "Testabad, Example Province, Afghanistan" in p.get("birthPlace")
    assert p.get("nationality") == ["af"]
    assert "Nationality: Atlantis" in p.get("notes")
    assert p.get("title") == ["Dr."] and p.get("position") == ["Chief Tester", "Former Example Officer"]
    assert p.get("gender") == ["male"]
    assert p.get("passportNumber") == ["XP0000001", "XP0000002"]  # English and French labels
    assert p.get("idNumber") == ["NID-0000003"]  # label broken over two lines
    assert any("Z 000004" in n for n in p.get("notes"))  # number only in the note: kept readable
    assert p.get("address") == ["1 Sample Street, Testabad, Example Province, Afghanistan"]
    assert p.get("country") == ["af"]
    assert p.get("createdAt") == ["2020-02-03"]  # "2020-02-03-04:00" carries a time zone
    assert p.get("modifiedAt") == ["2022-06-30"]
    assert p.get("program") == ["Testland"] and p.get("programId") == ["TLi.001"]
    assert "Invented person for parser tests." in p.get("notes")


def test_sample_bad_values_are_reported_and_kept(sample: ParseResult) -> None:
    p = _get(sample, "un-9000002")
    assert p.get("birthDate") == ["1900", "1950"]  # a 50-year range keeps only its ends
    assert "Date of birth: 1023-11-01" in p.get("notes")
    assert "Listed on: someday" in p.get("notes")
    fields = {(i.location, i.field) for i in sample.issues}
    assert ("INDIVIDUAL DATAID=9000002", "INDIVIDUAL_DATE_OF_BIRTH/DATE") in fields
    assert ("INDIVIDUAL DATAID=9000002", "INDIVIDUAL_DATE_OF_BIRTH/TO_YEAR") in fields
    assert ("INDIVIDUAL DATAID=9000002", "LISTED_ON") in fields


def test_sample_records_without_dataid_or_name(sample: ParseResult) -> None:
    assert {e.id for e in sample.entities} == {"un-9000001", "un-9000002", "un-9000101", "un-9000102"}
    errors = [i for i in sample.issues if i.severity == "error"]
    assert any(i.field == "DATAID" and i.location.startswith("INDIVIDUAL #3 (line ") for i in errors)
    assert any(i.field == "FIRST_NAME" and i.location == "INDIVIDUAL DATAID=9000004" for i in errors)


def test_sample_entity_schemata(sample: ParseResult) -> None:
    assert _get(sample, "un-9000101").schema == "Company"  # COMPANY LIMITED
    assert _get(sample, "un-9000102").schema == "Organization"  # "at" in Jama'at is no legal form
    assert _get(sample, "un-9000101").get("country") == ["kp"]
    assert sample.published == "2030-01-02T03:04:05.678Z"


# --- damaged and foreign input --------------------------------------------------------------------


def test_missing_dataid_in_real_file(tmp_path: Path, raw: str) -> None:
    text = raw.replace("<DATAID>6908012</DATAID>", "", 1)
    result = parse([_copy(tmp_path, text)], "un_sc_sanctions")
    assert len(result.entities) == 1002 and "un-6908012" not in {e.id for e in result.entities}
    bad = [i for i in result.issues if i.severity == "error"]
    assert len(bad) == 1 and bad[0].field == "DATAID" and "CDi.021" in bad[0].location


def test_unparseable_date_in_real_file(tmp_path: Path, raw: str) -> None:
    text = raw.replace("<DATE>1971-05-23</DATE>", "<DATE>1023-11-01</DATE>", 1)
    result = parse([_copy(tmp_path, text)], "un_sc_sanctions")
    entity = next(e for e in result.entities if e.id == "un-6908012")
    assert entity.get("birthDate") == []
    assert "Date of birth: 1023-11-01" in entity.get("notes")
    assert [(i.location, i.field) for i in result.issues if "1023" in i.message] == [
        ("INDIVIDUAL DATAID=6908012", "INDIVIDUAL_DATE_OF_BIRTH/DATE")
    ]
    assert len(result.entities) == 1003


def test_truncated_file(tmp_path: Path, raw: str) -> None:
    cut = raw[: len(raw) * 2 // 3]
    result = parse([_copy(tmp_path, cut)], "un_sc_sanctions")
    complete = [_tag(m.group(2), "DATAID") for m in RECORD.finditer(cut)]
    assert sorted(e.id for e in result.entities) == sorted(f"un-{d}" for d in complete)
    assert any(i.severity == "error" for i in result.issues)
    assert all(validate(e) == [] for e in result.entities)


def test_damage_stays_in_its_record(tmp_path: Path, raw: str) -> None:
    # a mismatched end tag in one individual, bytes that are not UTF-8 in another
    text = raw.replace("<SECOND_NAME>NJABU</SECOND_NAME>", "<SECOND_NAME>NJABU</SECOND_NAMEX>", 1)
    data = text.encode("utf-8").replace(
        b"<FIRST_NAME>ERIC</FIRST_NAME>", b"<FIRST_NAME>\xff\xfeRIC</FIRST_NAME>", 1
    )
    path = tmp_path / "consolidated.xml"
    path.write_bytes(data)
    result = parse([path], "un_sc_sanctions")
    ids = {e.id for e in result.entities}
    assert "un-6908012" not in ids and "un-6907993" not in ids
    assert len(ids) == 1001
    assert sum(1 for e in result.entities if e.schema != "Person") == 273  # entities after the damage
    located = [i.location for i in result.issues if i.severity == "error"]
    assert any(loc.startswith("INDIVIDUAL DATAID=6908012 (line ") for loc in located)
    assert any(loc.startswith("INDIVIDUAL DATAID=6907993 (line ") for loc in located)


def test_not_a_list(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(LISTS_EXTRA / "ofac-cons-enhanced-xml" / "CONS_ENHANCED.ZIP") as zf:
        ofac = zf.read("CONS_ENHANCED.XML")
    for name, content in (("ofac.xml", ofac), ("empty.xml", b""), ("csv.xml", b"a,b,c\n1,2,3\n")):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(NotAList, match="UN Security Council"):
            parse([path], "un_sc_sanctions")
