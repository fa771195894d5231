"""FollowTheMoney JSON reader and writer: the bench corpus, a round trip, nested and broken input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import BENCH, FIXTURES, LISTS
from helpers_lists import real_list_files

from tradescreen.entity import Entity, validate
from tradescreen.sources.base import NotAList
from tradescreen.sources.ftm_json import FORMAT, parse, sniff, write_ftm

CORPUS = BENCH / "data" / "corpus.jsonl"
NESTED = FIXTURES / "ftm" / "nested_sample.jsonl"
EU_XML = FIXTURES / "eu" / "eu_fsf_sample.xml"


def _nonempty_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def _round_trip(entities: list[Entity], source: str, tmp_path: Path) -> None:
    out = tmp_path / "export.jsonl"
    assert write_ftm(entities, out) == len(entities)
    back = parse([out], source)
    assert back.issues == []
    assert [e.to_dict() for e in back.entities] == [e.to_dict() for e in entities]


# --- the bench corpus ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_result():  # type: ignore[no-untyped-def]
    return parse([CORPUS], "bench")


def test_corpus_parses_without_issues_and_count_matches_lines(corpus_result) -> None:  # type: ignore[no-untyped-def]
    lines = _nonempty_lines(CORPUS)
    assert corpus_result.issues == []
    assert len(corpus_result.entities) == len(lines) == 9979
    expected_ids = [json.loads(line)["id"] for line in lines]
    assert [e.id for e in corpus_result.entities] == expected_ids


def test_corpus_entities_valid_and_relabelled(corpus_result) -> None:  # type: ignore[no-untyped-def]
    first = json.loads(_nonempty_lines(CORPUS)[0])
    entity = corpus_result.entities[0]
    assert entity.properties == first["properties"]
    assert first["datasets"] != ["bench"] and entity.datasets == ["bench"]
    assert all(e.target for e in corpus_result.entities)  # no 'target' key: defaults to True
    assert all(validate(e) == [] for e in corpus_result.entities)


def test_corpus_round_trip(corpus_result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _round_trip(corpus_result.entities, "bench", tmp_path)


def test_round_trip_of_parsed_eu_entities(tmp_path: Path) -> None:
    from tradescreen.sources.eu_fsf import parse as parse_eu

    entities = parse_eu([EU_XML], "eu_fsf").entities
    assert entities
    _round_trip(entities, "eu_fsf", tmp_path)


@pytest.mark.parametrize(
    ("module", "files", "source"),
    [
        ("un_xml", ["un/consolidated.xml"], "un_sc_sanctions"),
        ("bis_dpl", ["bis/dpl.txt"], "us_bis_denied"),
        ("csl", ["csl/consolidated.csv.gz"], "us_trade_csl"),
        ("ofac_csv", ["ofac/cons_prim.csv", "ofac/cons_add.csv", "ofac/cons_alt.csv"], "us_ofac_cons"),
        ("ofac_xml", ["../lists-extra/ofac-cons-enhanced-xml/CONS_ENHANCED.ZIP"], "us_ofac_cons"),
        ("uk_fcdo", ["uk/FCDO_SL_2025-08-11.ods"], "gb_fcdo_sanctions"),
    ],
)
def test_round_trip_of_real_list_entities(module: str, files: list[str], source: str, tmp_path: Path) -> None:
    """Entities other parsers make from real lists (links, non-targets included) survive export."""
    mod = pytest.importorskip(f"tradescreen.sources.{module}")
    entities = mod.FORMAT.parse([LISTS / f for f in files], source).entities
    assert entities
    _round_trip(entities, source, tmp_path)


# --- writer --------------------------------------------------------------------------------------


def _sample() -> list[Entity]:
    person = Entity("p-1", "Person", datasets=["own"])
    person.add("name", "Иво Тестович")
    person.add("birthDate", "1961")
    link = Entity("p-1-link-p-2", "UnknownLink", datasets=["own"], target=False)
    link.add("subject", "p-1")
    link.add("object", "p-2")
    return [person, link]


def test_write_ftm_lines_sorted_utf8_unescaped(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    write_ftm(_sample(), path)
    raw = path.read_bytes()
    assert "Иво Тестович".encode() in raw and b"\\u" not in raw
    lines = raw.decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 3
    for line in lines[:-1]:
        obj = json.loads(line)
        assert list(obj) == sorted(obj)
        assert list(obj["properties"]) == sorted(obj["properties"])
    assert json.loads(lines[1])["target"] is False


def test_write_ftm_to_text_and_binary_streams() -> None:
    text, binary = io.StringIO(), io.BytesIO()
    assert write_ftm(_sample(), text) == 2
    assert write_ftm(_sample(), binary) == 2
    assert binary.getvalue().decode("utf-8") == text.getvalue()


# --- reader: shapes ------------------------------------------------------------------------------


def test_nested_form_is_flattened() -> None:
    result = parse([NESTED], "os_mirror")
    assert result.issues == []
    found = {e.id: e for e in result.entities}
    assert set(found) == {"NK-fict-0001", "os-sanction-fict-1", "addr-fict-1", "NK-fict-0002", "own-fict-1"}
    person = found["NK-fict-0001"]
    assert person.get("addressEntity") == ["addr-fict-1"]
    assert "sanctions" not in person.properties  # a reverse property is not stored
    sanction = found["os-sanction-fict-1"]
    assert sanction.get("entity") == ["NK-fict-0001"] and sanction.target is False
    assert found["own-fict-1"].get("owner") == ["NK-fict-0001"]
    assert found["own-fict-1"].get("asset") == ["NK-fict-0002"]
    assert found["addr-fict-1"].target is False and person.target is True
    assert all(e.datasets == ["os_mirror"] for e in result.entities)
    assert all(validate(e) == [] for e in result.entities)


def test_json_array_file(tmp_path: Path) -> None:
    lines = _nonempty_lines(CORPUS)[:25]
    path = tmp_path / "list.json"
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    assert sniff(path, path.read_bytes()[:65536]) == ("ftm", "json")
    result = parse([path], "own")
    assert result.issues == []
    assert [e.id for e in result.entities] == [json.loads(line)["id"] for line in lines]


def test_bad_lines_are_reported_and_the_rest_parses(tmp_path: Path) -> None:
    rows = [
        '{"id": "ok-1", "schema": "Person", "properties": {"name": ["Good One"]}}',
        '{"id": "broken", "schema": "Person", "properties": {"name": ["Half',
        '{"schema": "Person", "properties": {"name": ["No Id"]}}',
        '{"id": "no-schema", "properties": {"name": ["No Schema"]}}',
        '{"id": "odd-schema", "schema": "Spaceship", "properties": {"name": ["X"]}}',
        '{"id": "ok-2", "schema": "Company", "properties": {"name": ["Two"], "shoeSize": ["44"]}}',
        "",
        '{"id": "ok-3", "schema": "Organization", "properties": {"name": ["Three"]}, "target": false}',
        '["not", "an", "object"]',
        '{"id": "ok-1", "schema": "Person", "properties": {"name": ["Duplicate"]}}',
        '{"id": "ok-4", "schema": "Person", "properties": {"name": "Plain String", "birthDate": [{"x": 1}]}}',
    ]
    path = tmp_path / "own.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = parse([path], "own")
    found = {e.id: e for e in result.entities}
    assert list(found) == ["ok-1", "ok-2", "ok-3", "ok-4"]
    assert found["ok-1"].get("name") == ["Good One"]
    assert "shoeSize" not in found["ok-2"].properties
    assert found["ok-3"].target is False and found["ok-1"].target is True
    assert found["ok-4"].get("name") == ["Plain String"] and "birthDate" not in found["ok-4"].properties
    where = {(i.location.split(" (")[0], i.field) for i in result.issues}
    assert ("line 2", None) in where  # invalid JSON
    assert ("line 3", "id") in where
    assert ("line 4", "schema") in where
    assert ("line 5", "schema") in where
    assert ("line 6", "shoeSize") in where
    assert ("line 9", None) in where  # not an object
    assert ("line 10", "id") in where  # duplicate id
    assert ("line 11", "birthDate") in where
    assert all(i.file == "own.jsonl" for i in result.issues)


def test_not_json_raises_not_a_list(tmp_path: Path) -> None:
    path = tmp_path / "dpl.txt"
    path.write_bytes((LISTS / "bis" / "dpl.txt").read_bytes()[:2000])
    with pytest.raises(NotAList, match="FollowTheMoney JSON"):
        parse([path], "own")


# --- sniffing ------------------------------------------------------------------------------------


def test_sniff() -> None:
    assert sniff(CORPUS, CORPUS.read_bytes()[:65536]) == ("ftm", "jsonl")
    assert sniff(NESTED, NESTED.read_bytes()[:65536]) == ("ftm", "jsonl")
    for rel in ("un/consolidated.xml", "bis/dpl.txt", "ofac/sdn.csv"):
        assert sniff(LISTS / rel, (LISTS / rel).read_bytes()[:65536]) is None
    assert sniff(Path("x.json"), b'{"results": [{"name": "x"}], "total": 1}') is None
    assert sniff(Path("x.json"), b"") is None
    assert sniff(Path("x.json"), b"\xff\xfe{\x00") is None
    # a first object longer than the sniffed head still counts when its keys are there
    long_line = b'{"id": "x", "schema": "Person", "properties": {"name": ["' + b"a" * 70000
    assert sniff(Path("x.jsonl"), long_line[:65536]) == ("ftm", "jsonl")


def test_sniff_claims_no_real_list_file() -> None:
    from tradescreen.sources.base import read_bytes

    real = real_list_files()
    assert len(real) >= 15
    for path in real:
        assert sniff(path, read_bytes(path)[:65536]) is None, path.name


def test_format_is_a_placeholder_source() -> None:
    assert FORMAT.key == "ftm_json" and FORMAT.sources == ("ftm",) and FORMAT.downloads == {}
