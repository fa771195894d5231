"""What every list parser returns, and how it reports bad input.

A parser never raises on a bad row: it records a `ParseIssue` naming the file, the line or
element and the field, and goes on, so one malformed record never costs the rest of a list.
It raises `NotAList` only when the file as a whole is not what it expects, with a message
that says what was expected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tradescreen.entity import Entity


class NotAList(ValueError):
    """The file is not a list in the expected format; the message says what was expected."""


@dataclass(frozen=True, slots=True)
class ParseIssue:
    file: str
    location: str  # "line 12", "INDIVIDUAL DATAID=6908048", "row 7"
    field: str | None
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.file}, {self.location}"
        if self.field:
            where += f", field {self.field}"
        return f"{self.severity}: {where}: {self.message}"


@dataclass(slots=True)
class ParseResult:
    source: str
    entities: list[Entity] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    #: Publication date or timestamp printed in the file (ISO), when the file gives one.
    published: str | None = None
    files: list[str] = field(default_factory=list)

    def warn(self, file: str | Path, location: str, fld: str | None, message: str) -> None:
        self.issues.append(ParseIssue(Path(file).name, location, fld, message, "warning"))

    def error(self, file: str | Path, location: str, fld: str | None, message: str) -> None:
        self.issues.append(ParseIssue(Path(file).name, location, fld, message, "error"))

    @property
    def targets(self) -> list[Entity]:
        return [e for e in self.entities if e.target]


#: Looks at a file's path and its first bytes (already decompressed) and says which source and
#: which part of it the file is, e.g. ("us_ofac_sdn", "alt") or ("un_sc_sanctions", "xml"); None
#: when the file is not of this format. Content decides; the name only breaks ties the content
#: cannot (OFAC's SDN and consolidated CSVs have the same columns).
Sniffer = Callable[[Path, bytes], "tuple[str, str] | None"]
#: Parses the files of one source (several for OFAC's CSV sets) into one result.
Parser = Callable[[Sequence[Path], str], ParseResult]


def read_bytes(path: Path) -> bytes:
    """The file's content, gunzipped or unzipped (single-member ZIP) when it is compressed."""
    import gzip
    import zipfile
    import zlib

    data = Path(path).read_bytes()
    try:
        if data[:2] == b"\x1f\x8b":
            return gzip.decompress(data)
        if data[:4] == b"PK\x03\x04" and not _is_opendocument(data):
            with zipfile.ZipFile(path) as zf:
                members = [n for n in zf.namelist() if not n.endswith("/")]
                if len(members) == 1:
                    return zf.read(members[0])
    except (gzip.BadGzipFile, zlib.error, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise NotAList(f"{Path(path).name}: damaged archive ({type(exc).__name__}: {exc})") from exc
    return data


def _is_opendocument(data: bytes) -> bool:
    """ODS/XLSX files are ZIPs too; they are parsed as spreadsheets, never unzipped here."""
    return b"mimetype" in data[:100] or b"[Content_Types].xml" in data[:2000]


@dataclass(frozen=True, slots=True)
class Download:
    """One file a publisher serves for a source."""

    url: str
    filename: str
    #: Smallest plausible size in bytes; anything smaller is an error page or a truncation.
    min_bytes: int = 10_000


@dataclass(frozen=True, slots=True)
class SourceFormat:
    """A list format tradescreen reads: which source ids it yields, how to recognise and parse it."""

    key: str  # e.g. "ofac_csv", "un_xml"
    title: str
    sources: tuple[str, ...]
    sniff: Sniffer
    parse: Parser
    #: What `lists update` downloads, per source id.
    downloads: dict[str, tuple[Download, ...]] = field(default_factory=dict)
