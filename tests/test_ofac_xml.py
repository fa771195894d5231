"""OFAC enhanced XML parser, on the real consolidated list (CONS_ENHANCED.ZIP) and a fictional SDN sample.

Counts are checked against independent counts made here with regular expressions on the
unzipped XML, never against figures produced by the parser.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES, LISTS, LISTS_EXTRA

from tradescreen.entity import Entity, validate
from tradescreen.sources.base import NotAList, ParseResult
from tradescreen.sources.common import has_legal_form
from tradescreen.sources.ofac_xml import FORMAT, parse, sniff

CONS_ZIP = LISTS_EXTRA / "ofac-cons-enhanced-xml" / "CONS_ENHANCED.ZIP"
SAMPLE = FIXTURES / "xml" / "ofac_sdn_enhanced_sample.xml"
ENTITY_BLOCK = re.compile(r'<entity id="(\d+)">(.*?)</entity>', re.DOTALL)


@pytest.fixture(scope="module")
def raw() -> str:
    with zipfile.ZipFile(CONS_ZIP) as zf:
        return zf.read("CONS_ENHANCED.XML").decode("utf-8")


@pytest.fixture(scope="module")
def blocks(raw: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in ENTITY_BLOCK.finditer(raw)}


@pytest.fixture(scope="module")
def cons() -> ParseResult:
    return parse([CONS_ZIP], "us_ofac_cons")


@pytest.fixture(scope="module")
def by_id(cons: ParseResult) -> dict[str, Entity]:
    return {e.id: e for e in cons.entities}


def _xml_file(tmp_path: Path, text: str, name: str = "CONS_ENHANCED.XML") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- sniffing ---------------------------------------------------------------------------------


def test_sniff_recognises_consolidated_and_sdn_editions(raw: str) -> None:
    head = raw.encode("utf-8")[: 64 * 1024]
    assert sniff(CONS_ZIP, head) == ("us_ofac_cons", "enhanced_xml")
    # the content decides, not the name: the same bytes under another name are still consolidated
    assert sniff(Path("whatever.xml"), head) == ("us_ofac_cons", "enhanced_xml")
    assert sniff(SAMPLE, SAMPLE.read_bytes()) == ("us_ofac_sdn", "enhanced_xml")


def test_sniff_rejects_other_files() -> None:
    un_head = (LISTS / "un" / "consolidated.xml").read_bytes()[:65536]
    csv_head = (LISTS / "ofac" / "cons_prim.csv").read_bytes()[:65536]
    for head in (un_head, csv_head, b"", b"\x00\xff\xfe garbage", b"<html><body>Not found</body></html>"):
        assert sniff(Path("x.xml"), head) is None
    # right root name, wrong namespace
    assert sniff(Path("x.xml"), b'<?xml version="1.0"?><sanctionsData xmlns="urn:other"/>') is None


def test_format_declares_both_sources() -> None:
    assert set(FORMAT.sources) == {"us_ofac_sdn", "us_ofac_cons"}
    assert FORMAT.key == "ofac_xml"


# --- the real consolidated list ----------------------------------------------------------------


def test_entity_count_and_ids_match_raw_xml(cons: ParseResult, raw: str) -> None:
    raw_ids = re.findall(r'<entity id="(\d+)">', raw)
    assert len(raw_ids) == len(set(raw_ids)) == 443  # PROVENANCE.md section 2: 443 entities
    assert sorted(e.id for e in cons.targets) == sorted(f"ofac-{i}" for i in raw_ids)
    assert cons.source == "us_ofac_cons"
    assert cons.files == ["CONS_ENHANCED.ZIP"]
    assert [i for i in cons.issues if i.severity == "error"] == []


def test_published_is_data_as_of(cons: ParseResult, raw: str) -> None:
    found = re.search(r"<dataAsOf>([^<]+)</dataAsOf>", raw)
    assert found is not None
    assert cons.published == found.group(1) == "2025-01-10T00:00:00"


def test_schema_distribution_follows_entity_type(cons: ParseResult, raw: str) -> None:
    types = Counter(re.findall(r'<entityType refId="\d+">([^<]+)</entityType>', raw))
    schemata = Counter(e.schema for e in cons.targets)
    assert schemata["Person"] == types["Individual"]
    assert schemata["Company"] + schemata["Organization"] == types["Entity"]
    assert schemata["Vessel"] == types.get("Vessel", 0)
    assert schemata["Airplane"] == types.get("Aircraft", 0)
    assert sum(schemata.values()) == 443
    assert schemata["Company"] > schemata["Organization"]  # banks, JSCs, LLCs dominate this list


def test_every_entity_is_valid_ftm(cons: ParseResult) -> None:
    problems = {e.id: validate(e) for e in cons.entities if validate(e)}
    assert problems == {}
    assert all(e.datasets == ["us_ofac_cons"] for e in cons.entities)


def test_every_name_in_every_script_is_kept(
    cons: ParseResult, blocks: dict[str, str], by_id: dict[str, Entity]
) -> None:
    for uid, block in blocks.items():
        expected = {
            html.unescape(n) for n in re.findall(r"<formattedFullName>([^<]*)</formattedFullName>", block)
        }
        assert set(by_id[f"ofac-{uid}"].names()) == expected, uid


def test_name_kinds(blocks: dict[str, str], by_id: dict[str, Entity]) -> None:
    """Primary → name, F.K.A. → previousName, low quality → weakAlias, other a.k.a. → alias."""
    checked = Counter()
    for uid, block in blocks.items():
        entity = by_id[f"ofac-{uid}"]
        for name in re.findall(r"<name id=\"\d+\">(.*?)</name>", block, re.DOTALL):
            full = [
                html.unescape(n) for n in re.findall(r"<formattedFullName>([^<]*)</formattedFullName>", name)
            ]
            if re.match(r"\s*<isPrimary>true", name):  # the name's own flag comes first
                kind = "name"
            elif "F.K.A." in name:
                kind = "previousName"
            elif "<isLowQuality>true</isLowQuality>" in name:
                kind = "weakAlias"
            else:
                kind = "alias"
            if kind == "name":
                assert full[0] in entity.get("name"), uid
                assert all(f in entity.get("alias") for f in full[1:]), uid  # other scripts
            else:
                assert all(f in entity.get(kind) for f in full), (uid, kind, full)
            checked[kind] += 1
    assert checked["name"] == 443
    assert checked["previousName"] == 144  # <aliasType>F.K.A.</aliasType> occurrences
    assert checked["weakAlias"] > 0 and checked["alias"] > 0


def test_sanctions_list_membership(cons: ParseResult, raw: str) -> None:
    entities_part = raw[raw.index("<entities>") :]
    in_raw = Counter(
        re.findall(r'<sanctionsList refId="\d+" id="\d+"[^>]*>([^<]+)</sanctionsList>', entities_part)
    )
    parsed = Counter(p for e in cons.targets for p in e.get("publisher"))
    assert parsed == in_raw
    # the figures recorded in PROVENANCE.md section 2
    assert parsed["Consolidated List"] == 443
    assert parsed["Sectoral Sanctions Identifications List"] == 286
    assert parsed["Non-SDN Palestinian Legislative Council List"] == 78
    assert parsed["SDN List"] == 77
    assert parsed["Non-SDN CMIC List"] == 68
    assert parsed["Non-SDN Menu-Based Sanctions List"] == 12
    assert parsed["CAPTA List"] == 1
    assert parsed["FSE List"] == 1


def test_programs_match_raw(cons: ParseResult, blocks: dict[str, str], by_id: dict[str, Entity]) -> None:
    for uid, block in blocks.items():
        programs = set(re.findall(r"<sanctionsProgram [^>]*>([^<]+)</sanctionsProgram>", block))
        assert set(by_id[f"ofac-{uid}"].get("program")) == programs


def test_identity_documents_all_kept(blocks: dict[str, str], by_id: dict[str, Entity]) -> None:
    id_props = ("passportNumber", "idNumber", "taxNumber", "registrationNumber", "leiCode", "vatCode")
    total = 0
    for uid, block in blocks.items():
        numbers = set(re.findall(r"<documentNumber>([^<]+)</documentNumber>", block))
        entity = by_id[f"ofac-{uid}"]
        kept = {v for p in id_props for v in entity.get(p)}
        assert numbers <= kept, uid
        total += len(numbers)
    assert total > 600


def test_relationships_become_links(
    cons: ParseResult, raw: str, blocks: dict[str, str], by_id: dict[str, Entity]
) -> None:
    expected = set()
    for uid, block in blocks.items():
        for role, other in re.findall(
            r'<type refId="\d+">([^<]+)</type>\s*<relatedEntity entityId="(\d+)"', block
        ):
            expected.add((f"ofac-{uid}", f"ofac-{other}", role))
    links = [e for e in cons.entities if e.schema == "UnknownLink"]
    assert len(expected) == raw.count("<relationship ") == 283
    assert {(lk.first("subject"), lk.first("object"), lk.first("role")) for lk in links} == expected
    assert all(not lk.target for lk in links)
    link = by_id["ofac-17017-link-ofac-17013"]
    assert link.get("role") == ["Owned or Controlled By"]
    # HAMAS (4695) is on the SDN list, not in this file: the link stays, the name goes to notes
    assert "ofac-4695" not in by_id
    assert "Acting for or on behalf of: HAMAS (ofac-4695)" in by_id["ofac-9647"].get("notes")


def test_spot_check_haniya(by_id: dict[str, Entity]) -> None:
    e = by_id["ofac-9639"]
    assert e.schema == "Person"
    assert e.get("name") == ["HANIYA, Ismail Abdul Salah"]
    assert set(e.get("alias")) == {"HANIYA, Ismail", "HANIYYA, Ismaeel"}
    assert e.get("birthDate") == ["1962"]
    assert e.get("birthPlace") == ["Shati"]
    assert e.get("firstName") == ["Ismail Abdul Salah"] and e.get("lastName") == ["HANIYA"]
    assert e.get("program") == ["NS-PLC"]
    assert e.get("createdAt") == ["2006-04-12"]


def test_spot_check_vtb_bank(by_id: dict[str, Entity]) -> None:
    e = by_id["ofac-17013"]
    assert e.schema == "Company"
    assert e.get("name") == ["VTB BANK PUBLIC JOINT STOCK COMPANY"]
    assert "БАНК ВТБ ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО" in e.get("alias")  # Cyrillic translation
    assert "JSC VTB BANK" in e.get("previousName")
    assert "JSC VTB BANK NEW DELHI BRANCH" in e.get("weakAlias")
    assert e.get("taxNumber") == ["7702070139"]
    assert "1027739609391" in e.get("registrationNumber")
    assert e.get("leiCode") == ["253400V1H6ART1UQ0N98"]
    assert e.get("swiftBic") == ["VTBRRUMM"]
    assert e.get("incorporationDate") == ["1990-10-17"]
    assert "ru" in e.get("country")
    assert "Vorontsovskaya Str 43, Moscow, 109147, Russia" in e.get("address")
    assert set(e.get("program")) == {"UKRAINE-EO13662", "RUSSIA-EO14024"}


def test_spot_check_fse_individual(by_id: dict[str, Entity]) -> None:
    """The one FSE-list entry (absent from the CSV set, per PROVENANCE.md)."""
    e = by_id["ofac-26182"]
    assert e.get("name") == ["KAYAKIRAN, Evren"]
    assert e.get("passportNumber") == ["U00242309"]
    assert e.get("birthDate") == ["1980-02-08"]
    assert e.get("citizenship") == ["tr"]
    assert e.get("gender") == ["male"]
    assert e.get("publisher") == ["FSE List", "Consolidated List"]


def test_low_quality_nickname_is_weak_alias(by_id: dict[str, Entity]) -> None:
    e = by_id["ofac-50476"]
    assert e.get("weakAlias") == ["Sweet Micky"]
    assert "Sweet Micky" not in e.get("alias")


# --- the fictional SDN sample: vessels, aircraft, dates, bad entries ----------------------------


@pytest.fixture(scope="module")
def sample() -> ParseResult:
    return parse([SAMPLE], "us_ofac_sdn")


def test_sample_schemata_and_validity(sample: ParseResult) -> None:
    schemata = {e.id: e.schema for e in sample.entities}
    assert schemata["ofac-900001"] == "Person"
    assert schemata["ofac-900002"] == "Company"
    assert schemata["ofac-900003"] == "Vessel"
    assert schemata["ofac-900004"] == "Airplane"
    assert schemata["ofac-900005"] == "LegalEntity"
    assert all(validate(e) == [] for e in sample.entities)
    assert sample.published == "2030-03-04T00:00:00"


def test_sample_dates_from_value_date_bounds(sample: ParseResult) -> None:
    person = next(e for e in sample.entities if e.id == "ofac-900001")
    # 1960-01-01..1962-12-31 is a range of whole years; 1970-07-01..07-31 is a month
    assert person.get("birthDate") == ["1960", "1961", "1962", "1970-07"]
    assert "Birthdate: sometime in the twenties" in person.get("notes")
    assert any(
        i.location == "entity id=900001" and i.field == "Birthdate" and "sometime" in i.message
        for i in sample.issues
    )


def test_sample_person_fields(sample: ParseResult) -> None:
    p = next(e for e in sample.entities if e.id == "ofac-900001")
    assert p.get("alias") == ["ЭКЗАМПЛОВА, Тестина", "SAMPLEWOMAN, Testina"]  # other script; N.K.A.
    assert p.get("weakAlias") == ["TESSI"]
    assert p.get("previousName") == ["OLDNAME, Testina"]  # alias type resolved through referenceValues
    assert p.get("fatherName") == ["Fiktivovna"]
    assert p.get("position") == ["Minister of Examples"]
    assert p.get("gender") == ["female"]
    assert p.get("nationality") == ["ru"]
    assert p.get("passportNumber") == ["P0000001"]
    assert p.get("idNumber") == ["ID-000-002"]
    assert p.get("taxNumber") == ["TAX000003"]
    assert p.get("phone") == ["+7 000 000 00 00"]
    assert "Nationality Country: Atlantis" in p.get("notes")


def test_sample_vessel_and_aircraft(sample: ParseResult) -> None:
    v = next(e for e in sample.entities if e.id == "ofac-900003")
    assert v.get("imoNumber") == ["IMO0000007"]
    assert v.get("mmsi") == ["000000001"]
    assert v.get("flag") == ["ru"]
    assert v.get("pastFlags") == ["pa"]  # country resolved through the referenceValue's isoCode
    assert v.get("callSign") == ["XX0X0"]
    assert v.get("type") == ["Crude Oil Tanker"]
    assert v.get("grossRegisteredTonnage") == ["12,345"]
    assert v.get("buildDate") == ["1999"]
    assert v.get("previousName") == ["OCEAN SPECIMEN"]
    assert "Vessel Owner: FICTIONAL SHIPPING LLC" in v.get("notes")
    a = next(e for e in sample.entities if e.id == "ofac-900004")
    assert a.get("model") == ["Example 737-800"]
    assert a.get("serialNumber") == ["MSN-0001"]
    assert a.get("registrationNumber") == ["XX-EXMPL"]


def test_sample_links_and_bad_entries(sample: ParseResult) -> None:
    ids = {e.id for e in sample.entities}
    assert "ofac-900001-link-ofac-900002" in ids
    assert "ofac-900006" not in ids  # no name
    errors = [i for i in sample.issues if i.severity == "error"]
    assert any(i.location.startswith("entity (line ") and i.field == "id" for i in errors)
    assert any(i.location == "entity id=900006" and i.field == "names" for i in errors)
    assert any(i.location == "entity id=900005" and i.field == "entityType" for i in sample.issues)


def test_parse_warns_when_file_is_the_other_edition(tmp_path: Path) -> None:
    result = parse([SAMPLE], "us_ofac_cons")
    assert any(i.field == "sanctionsList" for i in result.issues)


# --- damaged and foreign input --------------------------------------------------------------------


def test_entity_without_id_is_reported_and_rest_parses(tmp_path: Path, raw: str) -> None:
    text = raw.replace('<entity id="9640">', "<entity>", 1)
    result = parse([_xml_file(tmp_path, text)], "us_ofac_cons")
    assert len(result.targets) == 442
    assert "ofac-9640" not in {e.id for e in result.entities}
    bad = [i for i in result.issues if i.severity == "error"]
    assert len(bad) == 1 and bad[0].field == "id" and bad[0].location.startswith("entity (line ")


def test_unparseable_date_is_kept_and_reported(tmp_path: Path, raw: str) -> None:
    block = ENTITY_BLOCK.search(raw)
    assert block is not None and block.group(1) == "9639"
    broken = re.sub(r"<valueDate id=\"\d+\">.*?</valueDate>", "", block.group(0), count=1, flags=re.DOTALL)
    broken = broken.replace("<value>1962</value>", "<value>1023-13-45</value>", 1)
    result = parse([_xml_file(tmp_path, raw.replace(block.group(0), broken, 1))], "us_ofac_cons")
    entity = next(e for e in result.entities if e.id == "ofac-9639")
    assert entity.get("birthDate") == []
    assert "Birthdate: 1023-13-45" in entity.get("notes")
    assert any(i.location == "entity id=9639" and i.field == "Birthdate" for i in result.issues)
    assert len(result.targets) == 443


def test_truncated_file_keeps_complete_entities(tmp_path: Path, raw: str) -> None:
    cut = raw[: len(raw) // 2]
    result = parse([_xml_file(tmp_path, cut)], "us_ofac_cons")
    complete = re.findall(r'<entity id="(\d+)">.*?</entity>', cut, re.DOTALL)
    assert sorted(e.id for e in result.targets) == sorted(f"ofac-{i}" for i in complete)
    assert 100 < len(result.targets) < 443
    assert any(i.severity == "error" and "broken" in i.message for i in result.issues)
    # the entity cut in half is named, not half-imported
    last_start = re.findall(r'<entity id="(\d+)">', cut)[-1]
    assert any(f"entity id={last_start}" in i.location for i in result.issues)
    assert all(validate(e) == [] for e in result.entities)


def test_damaged_records_are_skipped_and_the_rest_parses(
    tmp_path: Path, raw: str, blocks: dict[str, str]
) -> None:
    damaged = raw.replace('<entity id="9641">', '<entity id="9641"><<&>', 1)
    # a mismatched end tag: lxml's recovery mode would close the document there and lose the rest
    vtb = blocks["17013"]
    damaged = damaged.replace(vtb, vtb.replace("</generalInfo>", "</generalInf>", 1), 1)
    result = parse([_xml_file(tmp_path, damaged)], "us_ofac_cons")
    ids = {e.id for e in result.targets}
    assert "ofac-9641" not in ids and "ofac-17013" not in ids
    assert len(ids) == 441
    named = [i.location for i in result.issues if i.severity == "error"]
    assert any(loc.startswith("entity id=9641 (line ") for loc in named)
    assert any(loc.startswith("entity id=17013 (line ") for loc in named)
    assert "ofac-50476" in ids  # far behind the damage
    assert all(validate(e) == [] for e in result.entities)


def test_not_a_list(tmp_path: Path) -> None:
    for name, content in (
        ("empty.xml", b""),
        ("text.xml", b"ent_num,SDN_Name\n1,FOO\n"),
        ("other.xml", b'<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2020-01-01"/>'),
        ("binary.zip", b"PK\x03\x04not really a zip"),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(NotAList, match="expected OFAC enhanced XML"):
            parse([path], "us_ofac_cons")


def test_legal_form_detection() -> None:
    assert has_legal_form("VTB BANK PUBLIC JOINT STOCK COMPANY")
    assert (
        has_legal_form("OOO ROMASHKA") and has_legal_form("IRISL BENELUX NV") and has_legal_form("ACME S.A.")
    )
    assert has_legal_form("KOREA RYONBONG GENERAL CORPORATION") and has_legal_form("VTB BANK JSC BELGRADE")
    for name in (
        "Jama'at al-Dawa",
        "Islamic State in Iraq and the Levant",
        "IS-Khorasan",
        "In Siratel",
        "AFGHAN SUPPORT COMMITTEE (ASC)",
        "MINISTRY OF FINANCE OF THE RUSSIAN FEDERATION",
    ):
        assert not has_legal_form(name), name


def test_legal_form_rules_shared_by_all_lists() -> None:
    """The one rule every parser uses (sources.common): the cases where the parsers used to disagree."""
    # two-letter forms rigour gives no generic kind, at the name's edge
    assert has_legal_form("DATASAAB CONTRACTING AB") and has_legal_form("Huawei Tech Investment, PT")
    # three-letter forms set off by a hyphen
    assert has_legal_form("GRAINS MIDDLE EAST TRADING DWC-LLC") and has_legal_form("MMEZ-KT-OAO")
    assert has_legal_form("INMOBILIUM INVESTMENT CORP.") and has_legal_form("HARA COMPANY")
    for name in (
        "KIM SONG II",  # a numeral
        "MARTYRS FOUNDATION IN LEBANON",  # "in" mid-name
        "AL-AQSA E.V.",  # a non-profit form
        "FEDERAL STATE BUDGETARY INSTITUTION MARINE RESCUE SERVICE",  # a state body
        "BANCO DE VENEZUELA SA BANCO UNIVERSAL",  # undotted SA inside the name
        "Fang Yu",  # a two-letter form not unambiguous enough
    ):
        assert not has_legal_form(name), name
