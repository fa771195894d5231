"""The `tradescreen match` command and the benchmark protocol, on fictional fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from tradescreen.cli import match as match_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "matching"


def app() -> typer.Typer:
    a = typer.Typer()
    match_cli.register(a)

    @a.command("noop")
    def _noop() -> None:  # a second command keeps typer from collapsing the app into `match`
        pass

    return a


def test_match_name_json() -> None:
    res = CliRunner().invoke(app(), ["match", "Zayd Hamid Qarnawi", "--schema", "Person", "--dob", "1970",
                                     "--corpus", str(FIXTURES / "corpus.jsonl"), "--json", "--limit", "2"])
    assert res.exit_code == 0, res.output
    hits = json.loads(res.output)
    assert hits[0]["id"] == "fx-1"
    assert any("birth year 1970 matches" in f["detail"] for f in hits[0]["explanation"])


def test_match_name_text_with_threshold() -> None:
    res = CliRunner().invoke(app(), ["match", "Belomor Trading LLC", "--corpus", str(FIXTURES / "corpus.jsonl"),
                                     "--threshold", "0.5"])
    assert res.exit_code == 0, res.output
    assert "OOO BELOMOR TRADING" in res.output and "fx-2" in res.output
    assert "QARNAWI" not in res.output


def test_protocol_queries_and_pairs(tmp_path: Path) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"id": "q1", "schema": "Vessel", "properties": {"name": ["MV SILVER GULL"]}}) + "\n"
        + json.dumps({"id": "q2", "schema": "Person", "properties": {"name": ["Nobody Atall"]}}) + "\n")
    out = tmp_path / "r.jsonl"
    res = CliRunner().invoke(app(), ["match", "--corpus", str(FIXTURES / "corpus.jsonl"), "--queries", str(queries),
                                     "--output", str(out), "--limit", "3"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == ["q1", "q2"]
    assert lines[0]["results"][0]["id"] == "fx-3"
    assert all(0.0 <= r["score"] <= 1.0 and len(x["results"]) <= 3 for x in lines for r in x["results"])

    pairs = tmp_path / "p.jsonl"
    pairs.write_text(
        json.dumps({"id": "p1", "schema": "Company", "a": {"name": ["OOO Belomor"]}, "b": {"name": ["Belomor LLC"]}})
        + "\n" + json.dumps({"id": "p2", "schema": "Company", "a": {"name": ["Belomor"]}, "b": {"name": ["Zanzibar"]}})
        + "\n")
    out2 = tmp_path / "s.jsonl"
    res = CliRunner().invoke(app(), ["match", "--corpus", str(FIXTURES / "corpus.jsonl"), "--pairs", str(pairs),
                                     "--output", str(out2)])
    assert res.exit_code == 0, res.output
    scores = {x["id"]: x["score"] for x in map(json.loads, out2.read_text().splitlines())}
    assert scores["p1"] > scores["p2"]


def test_name_required() -> None:
    res = CliRunner().invoke(app(), ["match", "--corpus", str(FIXTURES / "corpus.jsonl")])
    assert res.exit_code != 0
