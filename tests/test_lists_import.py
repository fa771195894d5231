"""Importing the real list files: one release per source, counts the files hold, atomic updates."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path

from conftest import LISTS, LISTS_EXTRA
from helpers_cli import run


def _ofac_ids(path: Path) -> set[str]:
    text = path.read_bytes().decode("ascii").rstrip("\x1a")
    return {row[0] for row in csv.reader(io.StringIO(text)) if row and row[0].strip().isdigit()}


def _independent_counts() -> dict[str, int]:
    un = (LISTS / "un" / "consolidated.xml").read_text("utf-8")
    with gzip.open(LISTS / "csl" / "consolidated.csv.gz", "rt", encoding="utf-8") as handle:
        # rows are keyed by (sub-list, _id); one CAPTA row is published twice
        csl_rows = len({(row["source"], row["_id"]) for row in csv.DictReader(handle)})
    with (LISTS / "bis" / "dpl.txt").open(encoding="utf-8") as handle:
        dpl_names = {row["Name"].strip() for row in csv.DictReader(handle, delimiter="\t")}
    return {
        "us_ofac_sdn": len(_ofac_ids(LISTS / "ofac" / "sdn.csv")),
        "us_ofac_cons": len(_ofac_ids(LISTS / "ofac" / "cons_prim.csv")),
        "un_sc_sanctions": len(re.findall(r"<INDIVIDUAL>", un)) + len(re.findall(r"<ENTITY>", un)),
        "us_trade_csl": csl_rows,
        "us_bis_denied": len(dpl_names),
    }


def _status() -> dict[str, dict]:
    code, out, _ = run("lists", "status", "--json")
    assert code == 0
    return {s["source"]: s for s in json.loads(out)["sources"]}


def test_import_shared_lists_gives_one_release_per_source_with_file_counts(home: Path) -> None:
    code, _out, err = run("lists", "import", str(LISTS))
    assert code == 0, err
    status = _status()
    expected = _independent_counts()
    assert set(status) >= set(expected) | {"gb_fcdo_sanctions"}
    for source, count in expected.items():
        assert status[source]["entities"] == count, source
    assert status["us_ofac_sdn"]["entities"] == 14965  # also stated in PROVENANCE.md
    assert status["un_sc_sanctions"]["published"].startswith("2026-02-27")
    assert status["us_ofac_sdn"]["schemata"]["Person"] == 6854
    releases = {s["release"] for s in status.values()}
    assert len(releases) == len(status)


def test_reimport_of_same_files_is_recognised_as_unchanged(home: Path) -> None:
    un = LISTS / "un" / "consolidated.xml"
    assert run("lists", "import", str(un))[0] == 0
    first = _status()["un_sc_sanctions"]["release"]
    code, _out, err = run("lists", "import", str(un))
    assert code == 0
    assert "unchanged" in err
    assert _status()["un_sc_sanctions"]["release"] == first


def test_file_that_is_no_list_is_refused_with_what_was_expected(home: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.csv"
    bogus.write_text("hello,world\n1,2\n")
    code, _out, err = run("lists", "import", str(bogus))
    assert code == 1
    assert "notes.csv" in err and "expected one of" in err
    assert _status() == {}


def test_release_diff_2021_to_current_sdn(home: Path) -> None:
    old_dir, new_dir = LISTS_EXTRA / "ofac-sdn-2021-07-07", LISTS / "ofac"
    assert run("lists", "import", str(old_dir))[0] == 0
    assert run("lists", "import", str(new_dir / "sdn.csv"), str(new_dir / "add.csv"), str(new_dir / "alt.csv"),
               str(new_dir / "sdn_comments.csv"))[0] == 0
    code, out, _ = run("lists", "diff", "us_ofac_sdn", "--json", "--limit", "0")
    assert code == 0
    diff = json.loads(out)
    old_ids, new_ids = _ofac_ids(old_dir / "sdn.csv"), _ofac_ids(new_dir / "sdn.csv")
    assert diff["counts"]["added"] == len(new_ids - old_ids)
    assert diff["counts"]["removed"] == len(old_ids - new_ids)
    assert 0 < diff["counts"]["changed"] <= len(old_ids & new_ids)
    changed = diff["changed"][0]
    assert changed["properties"], "a changed entry names the properties that changed"


def test_ftm_export_import_round_trip_gives_identical_entities(home: Path, tmp_path: Path) -> None:
    assert run("lists", "import", str(LISTS / "un" / "consolidated.xml"))[0] == 0
    exported = tmp_path / "un.ftm.jsonl"
    code, _out, err = run("lists", "export", "--source", "un_sc_sanctions", "--format", "ftm", "-o", str(exported))
    assert code == 0, err
    lines = exported.read_text("utf-8").splitlines()
    assert len(lines) >= 1003
    code, _out, err = run("lists", "import", "--source", "un_sc_sanctions", str(exported))
    assert code == 0, err
    code, out, _ = run("lists", "diff", "un_sc_sanctions", "--json")
    diff = json.loads(out)
    assert diff["new_release"] != diff["old_release"]
    assert diff["counts"] == {"added": 0, "removed": 0, "changed": 0}


def _ftm_file(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps({"id": f"fict-{i}", "schema": "Company",
                                     "properties": {"name": [f"Fictional Widgets {i} Ltd"]}}) + "\n")
    return path


def test_much_smaller_release_is_refused_and_last_good_stays_active(home: Path, tmp_path: Path) -> None:
    assert run("lists", "import", "--source", "internal", str(_ftm_file(tmp_path / "a.jsonl", 10)))[0] == 0
    before = _status()["internal"]
    code, _out, err = run("lists", "import", "--source", "internal", str(_ftm_file(tmp_path / "b.jsonl", 3)))
    assert code == 1
    assert "REJECTED" in err and "suspicious" in err
    after = _status()["internal"]
    assert after["release"] == before["release"] and after["entities"] == 10
    code, _out, _err = run("lists", "import", "--force", "--source", "internal", str(tmp_path / "b.jsonl"))
    assert code == 0
    assert _status()["internal"]["entities"] == 3


def test_bad_rows_are_reported_and_the_rest_imports(home: Path, tmp_path: Path) -> None:
    path = _ftm_file(tmp_path / "c.jsonl", 5)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
        handle.write(json.dumps({"id": "fict-x", "schema": "Spaceship", "properties": {"name": ["X"]}}) + "\n")
    code, _out, err = run("lists", "import", "--source", "internal", str(path))
    assert code == 0, err
    status = _status()["internal"]
    assert status["entities"] == 5
    code, out, _ = run("lists", "issues", str(status["release"]))
    assert "line 6" in out and "line 7" in out


def test_missing_path_is_named(home: Path, tmp_path: Path) -> None:
    missing = tmp_path / "not-there" / "sdn.csv"
    code, _out, err = run("lists", "import", str(missing))
    assert code == 1
    assert str(missing) in err and "no such file" in err
