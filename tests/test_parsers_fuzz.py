"""Every list parser survives mutated and truncated copies of the real list files.

Property: `parse` returns a ParseResult (issues allowed) or raises NotAList, never any other
exception. The inputs are the real files in ../shared/data/lists (and lists-extra), shrunk to
about 200 KB so each example stays fast: line-based files keep their first lines, XML files
keep their first records but stay well-formed (so mutations hit the record-reading code, not
only the "file ends early" path), and compressed files are re-wrapped the way they came
(gzip, single-member ZIP, ODS). Then one to three mutations are applied: truncation, byte
flips/inserts/deletes, duplicated or deleted lines, a field replaced with garbage, a corrupt
gzip wrapper, a broken container, or a missing companion file.

Parser modules are written in parallel, so each case imports its module with importorskip
and the file runs for whatever exists.
"""

from __future__ import annotations

import gzip
import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import BENCH, FIXTURES, LISTS, LISTS_EXTRA
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from tradescreen.entity import Entity
from tradescreen.sources.base import NotAList, ParseResult

#: How much of each real file the mutations work on.
SHRINK_TO = 200_000
MAX_EXAMPLES = 40


@dataclass(frozen=True)
class Case:
    module: str
    source: str
    files: tuple[Path, ...]
    #: XML element repeated once per entry; used to shrink the document while keeping it well-formed.
    record_tags: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.module}:{self.files[0].name}"


OFAC = LISTS / "ofac"
CASES = [
    Case(
        "ofac_csv",
        "us_ofac_sdn",
        tuple(OFAC / n for n in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")),
    ),
    Case(
        "ofac_csv",
        "us_ofac_cons",
        tuple(OFAC / n for n in ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")),
    ),
    Case(
        "ofac_xml",
        "us_ofac_cons",
        (LISTS_EXTRA / "ofac-cons-enhanced-xml" / "CONS_ENHANCED.ZIP",),
        ("entity",),
    ),
    Case("un_xml", "un_sc_sanctions", (LISTS / "un" / "consolidated.xml",), ("INDIVIDUAL", "ENTITY")),
    Case("csl", "us_trade_csl", (LISTS / "csl" / "consolidated.csv.gz",)),
    Case("bis_dpl", "us_bis_denied", (LISTS / "bis" / "dpl.txt",)),
    Case("uk_fcdo", "gb_fcdo_sanctions", (LISTS / "uk" / "FCDO_SL_2025-08-11.ods",), ("table-row",)),
    # No real EU file exists here (PROVENANCE.md, "Not obtained"): the fictional fixtures stand in.
    Case("eu_fsf", "eu_fsf", (FIXTURES / "eu" / "eu_fsf_sample.xml",), ("sanctionEntity",)),
    Case("eu_fsf", "eu_fsf", (FIXTURES / "eu" / "eu_fsf_sample.csv",)),
    Case("ftm_json", "bench", (BENCH / "data" / "corpus.jsonl",)),
]


# --- loading and shrinking (once per file) --------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """A file taken apart: its container and the member whose content gets mutated."""

    name: str
    container: str  # "plain", "gzip" or "zip"
    members: tuple[tuple[str, bytes], ...]  # zip: every member in order; else one ("", content)
    main: str  # the member to mutate

    @property
    def content(self) -> bytes:
        return dict(self.members)[self.main]

    def wrap(self, content: bytes) -> bytes:
        """The file's bytes again, with `content` in place of the main member."""
        if self.container == "plain":
            return content
        if self.container == "gzip":
            return gzip.compress(content, mtime=0)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for name, data in self.members:
                data = content if name == self.main else data
                # ODS readers expect an uncompressed `mimetype` first; keep it that way.
                method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
                zf.writestr(name, data, compress_type=method)
        return out.getvalue()


def _shrink_lines(data: bytes) -> bytes:
    if len(data) <= SHRINK_TO:
        return data
    cut = data.rfind(b"\n", 0, SHRINK_TO)
    return data[: cut + 1] if cut > 0 else data[:SHRINK_TO]


def _shrink_xml(data: bytes, tags: tuple[str, ...]) -> bytes:
    """Drop whole records from the end until the document is about SHRINK_TO bytes."""
    if len(data) <= SHRINK_TO or not tags:
        return data
    from lxml import etree

    root = etree.fromstring(data, etree.XMLParser(huge_tree=True, resolve_entities=False))
    records = [el for el in root.iter() if isinstance(el.tag, str) and el.tag.rsplit("}", 1)[-1] in tags]
    if not records:
        return _shrink_lines(data)
    keep = max(3, int(len(records) * SHRINK_TO / len(data)))
    for el in records[keep:]:
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


@cache
def load(path: Path, tags: tuple[str, ...]) -> Loaded:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        container, members, main = "gzip", [("", gzip.decompress(raw))], ""
    elif raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            members = [(n, zf.read(n)) for n in zf.namelist()]
        names = [n for n, _ in members]
        main = "content.xml" if "content.xml" in names else names[0]
        container = "zip"
    else:
        container, members, main = "plain", [("", raw)], ""
    shrunk = []
    for name, data in members:
        if name == main:
            looks_xml = data.lstrip()[:1] == b"<"
            data = _shrink_xml(data, tags) if looks_xml else _shrink_lines(data)
        shrunk.append((name, data))
    return Loaded(path.name, container, tuple(shrunk), main)


# --- mutations -------------------------------------------------------------------------------------

GARBAGE = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=40).map(lambda t: t.encode("utf-8")),
    st.sampled_from(
        [
            b"",
            b'"',
            b'""',
            b"\n",
            b"\r\n",
            b"<",
            b"&",
            b"&bogus;",
            b"]]>",
            b"\x00",
            b"-0- ",
            b"\x1a",
            b"9" * 30,
            b"-1",
            b"1023-11-01",
            b"31/02/2020",
            b"\xef\xbb\xbf",
            b"A" * 5000,
            b"\xff\xfe",
            "Ωμέγα — 名前".encode(),
        ]
    ),
)
_VALUE = re.compile(rb'"[^"\n]{0,200}"|>[^<\n]{1,200}<')


def _truncate(draw: Callable[..., Any], data: bytes) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


def _flip(draw: Callable[..., Any], data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        if buf:
            i = draw(st.integers(0, len(buf) - 1))
            buf[i] ^= draw(st.integers(1, 255))
    return bytes(buf)


def _insert(draw: Callable[..., Any], data: bytes) -> bytes:
    i = draw(st.integers(0, len(data)))
    return data[:i] + draw(GARBAGE) + data[i:]


def _delete(draw: Callable[..., Any], data: bytes) -> bytes:
    if not data:
        return data
    i = draw(st.integers(0, len(data) - 1))
    return data[:i] + data[i + draw(st.integers(1, 64)) :]


def _lines(draw: Callable[..., Any], data: bytes) -> bytes:
    lines = data.split(b"\n")
    i = draw(st.integers(0, len(lines) - 1))
    if draw(st.booleans()):
        j = draw(st.integers(0, len(lines)))
        lines.insert(j, lines[i])  # duplicate a line elsewhere
    else:
        del lines[i : i + draw(st.integers(1, 5))]  # delete a few lines
    return b"\n".join(lines)


def _field(draw: Callable[..., Any], data: bytes) -> bytes:
    """Replace one field (a delimited cell, a quoted value or an XML text node) with garbage."""
    if draw(st.booleans()):
        spans = [m.span() for m in _VALUE.finditer(data)]
        if spans:
            start, end = spans[draw(st.integers(0, len(spans) - 1))]
            return data[: start + 1] + draw(GARBAGE) + data[end - 1 :]
    lines = data.split(b"\n")
    i = draw(st.integers(0, len(lines) - 1))
    delim = max((b",", b"\t", b";"), key=lines[i].count)
    cells = lines[i].split(delim)
    cells[draw(st.integers(0, len(cells) - 1))] = draw(GARBAGE)
    lines[i] = delim.join(cells)
    return b"\n".join(lines)


CONTENT_MUTATIONS = {
    "truncate": _truncate,
    "flip": _flip,
    "insert": _insert,
    "delete": _delete,
    "lines": _lines,
    "field": _field,
}


def _gzip_corrupt(draw: Callable[..., Any], data: bytes) -> bytes:
    """Gzip the content, then break the stream (the magic bytes stay, so it is still read as gzip)."""
    packed = gzip.compress(data, mtime=0)
    if draw(st.booleans()):
        return packed[: draw(st.integers(2, len(packed) - 1))]
    return packed[:2] + _flip(draw, packed[2:])


def mutate_case(draw: Callable[..., Any], case: Case) -> tuple[dict[str, bytes], list[str]]:
    """The case's files (name -> bytes) with one of them mutated, and what was done."""
    loaded = [load(path, case.record_tags) for path in case.files]
    target = draw(st.integers(0, len(loaded) - 1))
    victim = loaded[target]
    steps: list[str] = [f"file {victim.name}"]
    mode = draw(st.sampled_from(["content", "content", "content", "gzip-corrupt", "container", "drop"]))
    if mode == "drop" and len(loaded) == 1:
        mode = "content"
    out = {item.name: item.wrap(item.content) for item in loaded}
    if mode == "drop":
        del out[victim.name]
        steps.append("dropped")
        return out, steps
    data = victim.content
    if mode in ("content", "gzip-corrupt"):
        for _ in range(draw(st.integers(1, 3))):
            name = draw(st.sampled_from(sorted(CONTENT_MUTATIONS)))
            steps.append(name)
            data = CONTENT_MUTATIONS[name](draw, data)
    if mode == "gzip-corrupt":
        steps.append("gzip-corrupt")
        out[victim.name] = _gzip_corrupt(draw, data)
    elif mode == "container":
        name = draw(st.sampled_from(["truncate", "flip", "delete", "insert"]))
        steps.append(f"container-{name}")
        out[victim.name] = CONTENT_MUTATIONS[name](draw, victim.wrap(data))
    else:
        out[victim.name] = victim.wrap(data)
    return out, steps


# --- the property ----------------------------------------------------------------------------------


def _format(case: Case) -> Any:
    module = pytest.importorskip(f"tradescreen.sources.{case.module}")
    fmt = getattr(module, "FORMAT", None)
    if fmt is None:
        pytest.skip(f"tradescreen.sources.{case.module} has no FORMAT yet")
    return fmt


def _check(parse: Callable[..., Any], files: dict[str, bytes], source: str) -> ParseResult | None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, data in files.items():
            path = Path(tmp) / name
            path.write_bytes(data)
            paths.append(path)
        try:
            result = parse(paths, source)
        except NotAList:
            return None
    assert isinstance(result, ParseResult)
    assert all(isinstance(e, Entity) for e in result.entities)
    return result


def test_every_registered_format_has_a_case() -> None:
    import tradescreen.sources as registry

    assert set(registry._MODULES) <= {case.module for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_shrunk_real_file_still_parses(case: Case) -> None:
    """The unmutated, shrunk copy is still a good list: the fuzzing starts from valid input."""
    fmt = _format(case)
    loaded = [load(path, case.record_tags) for path in case.files]
    result = _check(fmt.parse, {item.name: item.wrap(item.content) for item in loaded}, case.source)
    assert result is not None, "shrunk copy was rejected as NotAList"
    assert result.entities


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_parser_survives_mutations(case: Case) -> None:
    fmt = _format(case)

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: keep the suite fast
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        files, steps = mutate_case(data.draw, case)
        note(f"{case.id}: {' -> '.join(steps)}")
        _check(fmt.parse, files, case.source)

    run()
