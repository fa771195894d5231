"""`tradescreen screen` as a user runs it: lists from a folder, text/JSON/HTML output, bad records."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, LISTS, REFERENCE
from helpers_cli import run
from lxml import html as lxml_html

CASES = FIXTURES / "screening"


@pytest.fixture(scope="module")
def lists_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SDN set and the UN list only: enough for hits, quicker than every list."""
    folder = tmp_path_factory.mktemp("lists")
    for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
        shutil.copyfile(LISTS / "ofac" / name, folder / name)
    shutil.copyfile(LISTS / "un" / "consolidated.xml", folder / "consolidated.xml")
    return folder


def test_without_lists_it_says_how_to_get_them(home: Path) -> None:
    code, _out, err = run("screen", str(CASES / "listed_consignee.json"))
    assert code == 2
    assert "lists update" in err and "lists import" in err


def test_json_lines_one_object_per_shipment(home: Path, lists_dir: Path) -> None:
    code, out, err = run("screen", str(CASES / "listed_consignee.json"), str(CASES / "clean_shared_words.json"),
                         "--format", "json", "--lists-from", str(lists_dir), "--reference", str(REFERENCE))
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in lines] == ["T-LISTED", "T-CLEAN-WORDS"]
    assert [r["verdict"] for r in lines] == ["block", "clear"]
    party = next(f for f in lines[0]["findings"] if f["kind"] == "party")
    assert set(party) == {"kind", "severity", "rule", "message", "evidence"}
    assert party["evidence"]["entity_id"] == "ofac-" + party["evidence"]["entity_id"].split("-")[1]


def test_text_report_groups_by_shipment_and_fail_on(home: Path, lists_dir: Path) -> None:
    code, out, _ = run("screen", str(CASES / "listed_consignee.json"), "--lists-from", str(lists_dir),
                       "--fail-on", "block")
    assert code == 3
    assert "BLOCK" in out and "T-LISTED" in out and "IRKUTSK AVIATION PLANT" in out


def test_html_report_per_shipment(home: Path, lists_dir: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "reports"
    code, out, err = run("screen", str(CASES / "listed_consignee.json"), "--format", "html", "-o", str(out_dir),
                         "--lists-from", str(lists_dir))
    assert code == 0, err
    page = lxml_html.fromstring((out_dir / "T-LISTED.html").read_text("utf-8"))
    assert page.get_element_by_id("verdict").text_content().strip() == "BLOCK"
    assert "IRKUTSK AVIATION PLANT" in page.text_content()


def test_bad_record_is_reported_and_the_rest_of_the_batch_is_screened(home: Path, lists_dir: Path) -> None:
    code, out, err = run("screen", str(CASES / "bad_batch.json"), "--format", "json", "--lists-from", str(lists_dir))
    assert code == 0, err
    assert "T-BAD-2" in err and "value" in err
    ids = [json.loads(line)["id"] for line in out.splitlines()]
    assert "T-GOOD-1" in ids
