"""trade.gov Consolidated Screening List parser: the real CSV (May 2022) and a fictional JSON sample.

Counts are checked against the csv module reading the gunzipped file directly.
"""

from __future__ import annotations

import collections
import csv
import gzip
import io
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, LISTS

from tradescreen.entity import count_schemata, validate
from tradescreen.sources import csl
from tradescreen.sources.base import NotAList, ParseResult
from tradescreen.sources.common import has_legal_form

CSV_GZ = LISTS / "csl" / "consolidated.csv.gz"
JSON_SAMPLE = FIXTURES / "csl" / "consolidated_sample.json"

#: The brief's mapping of sub-lists to topics, written out independently of the parser.
EXPECTED_TOPIC = {
    "SDN": "sanction", "SSI": "sanction", "FSE": "sanction", "CAP": "sanction", "NS-MBS": "sanction",
    "PLC": "sanction", "CMIC": "sanction", "ISN": "sanction",
    "EL": "export.control", "MEU": "export.control", "UVL": "export.control",
    "DPL": "debarment", "DTC": "debarment",
}  # fmt: skip


@pytest.fixture(scope="module")
def text() -> str:
    return gzip.decompress(CSV_GZ.read_bytes()).decode("utf-8")


@pytest.fixture(scope="module")
def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def real() -> ParseResult:
    return csl.parse([CSV_GZ], "us_trade_csl")


@pytest.fixture(scope="module")
def by_id(real: ParseResult) -> dict[str, object]:
    return {e.id: e for e in real.entities}


def _abbrev(source: str) -> str:
    return re.search(r"\(([A-Z-]+)", source).group(1)  # type: ignore[union-attr]


# --- the real file ----------------------------------------------------------------------------


def test_every_row_becomes_one_entity_per_sublist_and_id(
    real: ParseResult, rows: list[dict[str, str]]
) -> None:
    assert len(rows) == 14160
    keys = {(r["source"], r["_id"]) for r in rows}
    # One pair repeats: (CAPTA, 15268) is listed twice, differing only in source_list_url.
    assert len(keys) == 14159
    assert len(real.entities) == len(keys)
    expected_ids = {f"csl-{_abbrev(s).lower()}-{i}" for s, i in keys}
    assert {e.id for e in real.entities} == expected_ids
    assert all(e.target and e.datasets == ["us_trade_csl"] for e in real.entities)


def test_ids_shared_across_sublists_stay_apart(real: ParseResult, rows: list[dict[str, str]]) -> None:
    sources_per_id: dict[str, set[str]] = collections.defaultdict(set)
    for r in rows:
        sources_per_id[r["_id"]].add(r["source"])
    shared = {i for i, s in sources_per_id.items() if len(s) > 1}
    # PROVENANCE counts 71 repeated _ids: 70 on two sub-lists, plus 15268 twice on CAPTA.
    repeated = {i for i, n in collections.Counter(r["_id"] for r in rows).items() if n > 1}
    assert len(repeated) == 71 and len(shared) == 70 and repeated - shared == {"15268"}
    ids = {e.id for e in real.entities}
    for i in shared:
        for source in sources_per_id[i]:
            assert f"csl-{_abbrev(source).lower()}-{i}" in ids
    assert {"csl-cap-34616", "csl-sdn-34616"} <= ids


def test_rows_per_sublist_and_topics(real: ParseResult, rows: list[dict[str, str]]) -> None:
    expected = collections.Counter(s for s, _ in {(r["source"], r["_id"]) for r in rows})
    got = collections.Counter(e.first("publisher") for e in real.entities)
    assert got == expected
    assert len(got) == 13
    for entity in real.entities:
        assert entity.get("topics") == [EXPECTED_TOPIC[_abbrev(entity.first("publisher") or "")]]


def test_schema_distribution(real: ParseResult, rows: list[dict[str, str]]) -> None:
    types = {(r["source"], r["_id"]): r["type"] for r in rows}
    want = collections.Counter(types.values())
    got = count_schemata(real.entities)
    assert got["Person"] == want["Individual"]
    assert got["Vessel"] == want["Vessel"]
    assert got["Airplane"] == want["Aircraft"]
    orgs = got.get("Company", 0) + got.get("Organization", 0) + got.get("LegalEntity", 0)
    assert orgs == want["Entity"] + want[""]
    # Typed OFAC entities are organisations; only untyped (non-OFAC) rows may be LegalEntity.
    assert got["LegalEntity"] <= want[""]
    for e in real.entities:
        if e.schema == "Organization":
            assert e.id.split("-")[1] in {"sdn", "ssi", "fse", "cap", "ns", "cmic"}


def test_every_entity_is_valid_ftm(real: ParseResult) -> None:
    problems = {e.id: validate(e) for e in real.entities}
    assert {k: v for k, v in problems.items() if v} == {}


def test_issues_name_the_rows_they_come_from(
    real: ParseResult, text: str, rows: list[dict[str, str]]
) -> None:
    lines = text.split("\n")
    bad_start = [
        r["start_date"] for r in rows if r["start_date"] and not re.match(r"^(19|20)\d\d-", r["start_date"])
    ]
    date_issues = [i for i in real.issues if i.field == "start_date"]
    assert len(date_issues) == len(bad_start) == 3
    for issue in date_issues:
        assert issue.file == "consolidated.csv.gz" and issue.severity == "warning"
        line = lines[int(issue.location.split()[1]) - 1]
        assert any(value in line and value in issue.message for value in bad_start)
    dupes = [i for i in real.issues if i.field == "_id"]
    assert len(dupes) == 1 and "csl-cap-15268" in dupes[0].message
    assert lines[int(dupes[0].location.split()[1]) - 1].startswith("15268,Capta List (CAP)")
    assert not [i for i in real.issues if i.severity == "error"]
    assert real.published is None


def test_spot_check_individual(by_id: dict) -> None:
    e = by_id["csl-sdn-21944"]
    assert e.schema == "Person"
    assert e.get("name") == ["'ABBAS, Rim"]
    assert e.get("birthDate") == ["1973-03-25"]
    assert e.get("nationality") == ["sy"]
    assert e.get("program") == ["SYRIA"]
    assert e.get("position") == ["Scientific Studies and Research Center Employee"]


def test_spot_check_company_identifiers(by_id: dict) -> None:
    e = by_id["csl-ssi-18792"]
    assert e.schema == "Company"  # "90 EKSPERIMENTALNY ZAVOD OAO": OAO is a legal form
    assert e.get("taxNumber") == ["5030056754"]
    assert e.get("website") == ["http://www.90zavod.ru"]
    assert "OPEN JOINT-STOCK COMPANY 90 EKSPERIMENTALNIY ZAVOD" in e.get("alias")
    assert e.get("address") == ["P. Rassudovo, Street Tsentralnaya, D. 103, Moscow, 143396, RU"]
    assert e.get("country") == ["ru"]
    assert any(n.startswith("Secondary sanctions risk: Ukraine-/Russia-Related") for n in e.get("notes"))
    cmic = by_id["csl-cmic-30902"]
    assert cmic.get("registrationNumber") == ["91110000MA005UCQ5P"]
    assert "CHINA AVIATION ENGINE GROUP CO., LTD" in cmic.get("alias")


def test_spot_check_vessel_and_aircraft(by_id: dict) -> None:
    v = by_id["csl-sdn-15052"]
    assert v.schema == "Vessel" and v.get("name") == ["AMBER"]
    assert v.get("imoNumber") == ["IMO9357406"]
    assert v.get("mmsi") == ["677049700"]
    assert v.get("flag") == ["pa"]
    assert sorted(v.get("pastFlags")) == ["cy", "tz"]
    assert v.get("callSign") == ["5IM 597"]
    assert v.get("alias") == ["HARAZ", "FREEDOM"]
    a = by_id["csl-sdn-35302"]
    assert a.schema == "Airplane"
    assert a.get("registrationNumber") == ["M-IABU"]
    assert a.get("serialNumber") == ["955"]
    assert a.get("model") == ["Airbus A340-300"]
    assert a.get("buildDate") == ["2008-09-17"]


def test_spot_check_dpl_row_keeps_sublist(by_id: dict) -> None:
    e = by_id["csl-dpl-deb7a1d5743a85c354ca1a2c7f2664e2104b32d7"]
    assert e.get("name") == ["I. ASH"]  # published with a leading space
    assert e.schema == "LegalEntity"
    assert e.get("topics") == ["debarment"]
    assert e.get("createdAt") == ["2003-06-19"]
    assert e.get("publisher") == ["Denied Persons List (DPL) - Bureau of Industry and Security"]


def test_legal_form_detection() -> None:
    assert has_legal_form("ACME TRADING LLC")
    assert has_legal_form("Huawei Technologies Costa Rica SA")
    assert has_legal_form("COTRICOM S.A.")
    assert not has_legal_form("KIM SONG II")
    assert not has_legal_form("AL-DAJANI, Sa'ad")
    assert not has_legal_form("KIM, Se Gon")


def test_split_id_shapes() -> None:
    assert csl.split_id("PK, 2013-09-09, 2008-09-09, 4117921, Passport") == ("Passport", "4117921", "pk")
    assert csl.split_id("Korea, North, Nationality of Registration") == (
        "Nationality of Registration",
        "Korea, North",
        None,
    )
    assert csl.split_id("2013-11-04, D00000898, Passport") == ("Passport", "D00000898", None)
    assert csl.split_id("PA, 467323, Doc. 694710, Public Registration Number")[1] == "467323, Doc. 694710"


# --- JSON ---------------------------------------------------------------------------------------


def test_json_sample(tmp_path: Path) -> None:
    result = csl.parse([JSON_SAMPLE], "us_trade_csl")
    doc = json.loads(JSON_SAMPLE.read_text("utf-8"))
    assert len(result.entities) == len(doc["results"]) == 4
    assert result.issues == []
    ents = {e.id: e for e in result.entities}
    assert set(ents) == {
        "csl-sdn-90001",
        "csl-el-0f0e0d0c0b0a09080706050403020100fedcba98",
        "csl-sdn-90003",
        "csl-dtc-a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
    }
    person = ents["csl-sdn-90001"]
    assert person.schema == "Person"
    assert person.get("passportNumber") == ["X0000001"]
    assert person.get("gender") == ["male"]
    assert person.get("email") == ["fictional@example.invalid"]
    assert person.get("birthDate") == ["1970-01-02", "1971"]
    assert person.get("citizenship") == ["iq"] and person.get("nationality") == ["ir"]
    assert person.get("address") == ["1 Imaginary Street, Nowhere City, 00000, IR"]
    el = ents["csl-el-0f0e0d0c0b0a09080706050403020100fedcba98"]
    assert el.schema == "Company" and el.get("topics") == ["export.control"]
    assert el.get("country") == ["cn", "hk"]
    vessel = ents["csl-sdn-90003"]  # keyed by "id" rather than "_id"
    assert vessel.schema == "Vessel"
    assert vessel.get("imoNumber") == ["IMO9999991"] and vessel.get("pastFlags") == ["mt"]
    assert ents["csl-dtc-a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"].schema == "LegalEntity"
    assert all(validate(e) == [] for e in result.entities)

    packed = tmp_path / "consolidated.json.gz"
    packed.write_bytes(gzip.compress(JSON_SAMPLE.read_bytes()))
    again = csl.parse([packed], "us_trade_csl")
    assert [e.to_dict() for e in again.entities] == [e.to_dict() for e in result.entities]
    assert csl.sniff(packed, gzip.decompress(packed.read_bytes())) == ("us_trade_csl", "json")

    plain_list = tmp_path / "list.json"
    plain_list.write_text(json.dumps(doc["results"]), "utf-8")
    assert len(csl.parse([plain_list], "us_trade_csl").entities) == 4


# --- sniffing and bad input ------------------------------------------------------------------


def test_sniff() -> None:
    head = gzip.decompress(CSV_GZ.read_bytes())[:65536]
    assert csl.sniff(CSV_GZ, head) == ("us_trade_csl", "csv")
    assert csl.sniff(JSON_SAMPLE, JSON_SAMPLE.read_bytes()) == ("us_trade_csl", "json")
    assert csl.sniff(Path("dpl.txt"), (LISTS / "bis" / "dpl.txt").read_bytes()[:65536]) is None
    assert csl.sniff(Path("sdn.csv"), (LISTS / "ofac" / "sdn.csv").read_bytes()[:65536]) is None
    ftm = b'{"id": "x", "schema": "Person", "properties": {"name": ["A"]}}\n'
    assert csl.sniff(Path("x.json"), ftm) is None
    assert csl.sniff(Path("x"), b"\xff\xfe\x00garbage") is None


def _sample_csv(text: str, n: int = 30) -> list[str]:
    return text.split("\n")[:n]


def test_malformed_row_is_reported_and_the_rest_parsed(tmp_path: Path, text: str) -> None:
    lines = _sample_csv(text)
    lines[5] = lines[5] + ",extra,fields"
    lines[9] = ",".join([""] * 29)  # a row without _id or name
    path = tmp_path / "consolidated.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = csl.parse([path], "us_trade_csl")
    expected = len(list(csv.DictReader(io.StringIO("\n".join(_sample_csv(text)) + "\n")))) - 2
    assert len(result.entities) == expected
    errors = [i for i in result.issues if i.severity == "error"]
    assert {(i.file, i.location) for i in errors} == {
        ("consolidated.csv", "line 6"),
        ("consolidated.csv", "line 10"),
    }
    assert any(i.field == "_id" for i in errors)


def test_not_a_list(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b,c\n1,2,3\n", "utf-8")
    with pytest.raises(NotAList, match="CSL"):
        csl.parse([other], "us_trade_csl")
    ftm = tmp_path / "ftm.json"
    ftm.write_text(json.dumps([{"id": "x", "schema": "Person", "properties": {}}]), "utf-8")
    with pytest.raises(NotAList):
        csl.parse([ftm], "us_trade_csl")
    broken = tmp_path / "broken.json"
    broken.write_text('{"results": [', "utf-8")
    with pytest.raises(NotAList):
        csl.parse([broken], "us_trade_csl")
    binary = tmp_path / "x.csv.gz"
    binary.write_bytes(b"\x1f\x8bnot really gzip")
    with pytest.raises(NotAList):
        csl.parse([binary], "us_trade_csl")


def test_truncated_gzip_is_refused_not_half_imported(tmp_path: Path, text: str) -> None:
    """A cut-off download must never become a release that silently lacks the list's last entries."""
    data = "\n".join(_sample_csv(text, 400)).encode("utf-8")
    packed = gzip.compress(data)
    cut = tmp_path / "consolidated.csv.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(NotAList, match="damaged archive"):
        csl.parse([cut], "us_trade_csl")


def test_non_object_json_record(tmp_path: Path) -> None:
    doc = json.loads(JSON_SAMPLE.read_text("utf-8"))
    doc["results"].insert(1, "not a record")
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc), "utf-8")
    result = csl.parse([path], "us_trade_csl")
    assert len(result.entities) == 4
    assert [(i.location, i.severity) for i in result.issues] == [("record 1", "error")]
