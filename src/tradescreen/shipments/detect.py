"""Recognise a shipment document's format by its content, and dispatch it to its importer.

File names lie (exports arrive as `.txt`, `.dat`, `download`), so the first bytes decide:
`%PDF` → invoice PDF; an XLSX zip → table; XML by its root namespace (UBL, WCO DEC-DMS,
IATA Cargo-XML); JSON by its keys (ONE Record's @context, DCSA's documentParties/
consignmentItems, tradescreen's parties/goods); other text by a goods-line header row.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from tradescreen.shipments.base import ImportResult, NotAShipmentDocument
from tradescreen.shipments.importers import (
    dcsa,
    iata_cargo_xml,
    invoice_pdf,
    native_json,
    one_record,
    tabular,
    ubl,
    wco_declaration,
)
from tradescreen.sources.base import read_bytes

FORMATS: tuple[str, ...] = ("native_json", "tabular", "dcsa", "one_record", "iata_cargo_xml", "ubl",
                            "wco_declaration", "invoice_pdf")
_XML_MARKERS: tuple[tuple[str, str], ...] = (
    ("urn:oasis:names:specification:ubl:schema:xsd:", "ubl"),
    ("urn:wco:datamodel:WCO:DEC-DMS", "wco_declaration"),
    ('"iata:waybill', "iata_cargo_xml"),
    ('"iata:housewaybill', "iata_cargo_xml"),
)


def detect_format(path: str | Path) -> str | None:
    """The importer key for the file (one of FORMATS), or None when it is none tradescreen reads."""
    path = Path(path)
    raw = Path(path).read_bytes()
    if raw[:1024].lstrip().startswith(b"%PDF"):
        return "invoice_pdf"
    if raw[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(path) as zf:
                if any(n.startswith("xl/") for n in zf.namelist()):
                    return "tabular"
        except zipfile.BadZipFile:
            return None
    try:
        data = read_bytes(path)
        text = data.decode("utf-8-sig")
    except (UnicodeDecodeError, OSError, zipfile.BadZipFile):
        try:
            text = read_bytes(path).decode("cp1252")
        except (UnicodeDecodeError, OSError, zipfile.BadZipFile):
            return None
    head = text.lstrip()[:8192]
    if head.startswith("<"):
        return next((fmt for marker, fmt in _XML_MARKERS if marker in head), None)
    if head[:1] in "{[":
        return _json_format(text)
    return "tabular" if _table_header(text) else None


def _json_format(text: str) -> str | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        if one_record.MARKER in text[:65536]:
            return "one_record"
        first = next((line for line in text.splitlines() if line.strip()), "")
        try:
            data = json.loads(first)
        except json.JSONDecodeError:
            return None
        return "native_json" if native_json.looks_native(data) else None
    if one_record.looks_one_record(data, text[:65536] if isinstance(data, dict) and "@context" in data else ""):
        return "one_record"
    if dcsa.looks_dcsa(data):
        return "dcsa"
    if native_json.looks_native(data):
        return "native_json"
    return None


def _table_header(text: str) -> bool:
    sample = "\n".join(text.splitlines()[:15])
    if not sample.strip():
        return False
    try:
        dialect: object = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(sample), dialect))  # type: ignore[arg-type]
    return tabular.sniff_header(rows)


Loader = Callable[[Path, "Path | None"], ImportResult]

_LOADERS: dict[str, Loader] = {
    "native_json": lambda p, ref: native_json.load_shipments(p),
    "tabular": lambda p, ref: tabular.load_shipments(p),
    "dcsa": lambda p, ref: dcsa.load_shipments(p),
    "one_record": lambda p, ref: one_record.load_shipments(p, reference_dir=ref),
    "iata_cargo_xml": lambda p, ref: iata_cargo_xml.load_shipments(p, reference_dir=ref),
    "ubl": lambda p, ref: ubl.load_shipments(p),
    "wco_declaration": lambda p, ref: wco_declaration.load_shipments(p),
    "invoice_pdf": lambda p, ref: invoice_pdf.load_shipments(p),
}


def load_as(path: str | Path, fmt: str, reference_dir: Path | None = None) -> ImportResult:
    """Read a file with the named importer (raises NotAShipmentDocument if it is not that format)."""
    if fmt not in _LOADERS:
        raise ValueError(f"unknown shipment format {fmt!r}; known: {', '.join(FORMATS)}")
    return _LOADERS[fmt](Path(path), reference_dir)


def _files(paths: Iterable[str | Path]) -> Iterable[tuple[Path, bool]]:
    """(file, named explicitly) for every path; directories are walked, hidden files skipped."""
    for item in paths:
        path = Path(item)
        if path.is_dir():
            for found in sorted(p for p in path.rglob("*") if p.is_file() and not any(
                    part.startswith(".") for part in p.relative_to(path).parts)):
                yield found, False
        else:
            yield path, True


def load(path_or_paths: str | Path | Iterable[str | Path], reference_dir: Path | None = None) -> ImportResult:
    """Every shipment in the files (directories are walked), each file's format detected by content.

    A named file that is no shipment document, or that its importer refuses, becomes an error
    issue naming the file; the other files still load. Inside a walked directory, files that are
    no shipment document at all (a README) are only noted as skipped.
    """
    paths = [path_or_paths] if isinstance(path_or_paths, (str, Path)) else list(path_or_paths)
    result = ImportResult()
    for path, named in _files(paths):
        if not path.exists():
            result.error(path, "file", None, "no such file")
            continue
        fmt = detect_format(path)
        if fmt is None:
            message = ("not a shipment document tradescreen reads (expected tradescreen JSON, CSV/XLSX goods lines, "
                       "DCSA eBL, ONE Record, Cargo-XML, UBL, WCO declaration or invoice PDF)")
            if named:
                result.error(path, "file", None, message)
            else:
                result.warn(path, "file", None, message + "; skipped")
            continue
        try:
            result.extend(load_as(path, fmt, reference_dir))
        except NotAShipmentDocument as exc:
            result.error(path, "file", None, str(exc))
    return result
