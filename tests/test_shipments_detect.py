"""Format detection by content, the top-level loader, and robustness on truncated input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REFERENCE

from tradescreen.shipments import detect_format, load, load_as
from tradescreen.shipments.base import NotAShipmentDocument

SAMPLES = REFERENCE / "documents" / "samples"
EXPECTED = {
    "dcsa/conformance-gateway-ebl-api-3.0.0-si-request-with-hbl.json": "dcsa",
    "dcsa/conformance-gateway-eblissuance-v3.0.0-request.json": "dcsa",
    "dcsa/ebl-v3.0.4-shipping-instructions-create.openapi-example.json": "dcsa",
    "dcsa/ebl-v3.0.4-transport-document-draft.openapi-example.json": "dcsa",
    "dcsa/ebl-v3.0.4-transport-document-issued-dg.openapi-example.json": "dcsa",
    "dcsa/reference-data/customsreferences-v300.csv": None,
    "iata-one-record/cimp-example1.original.jsonld": "one_record",
    "iata-one-record/cimp-example1.repaired.jsonld": "one_record",
    "iata-one-record/shipment-with-piece.embedded.jsonld": "one_record",
    "iata-one-record/fwb-example1.cimp.txt": None,
    "iata-cargo-xml/888-11111111_XFWB_ACAS_US.xml": "iata_cargo_xml",
    "iata-cargo-xml/SEL22222222_XFZB.xml": "iata_cargo_xml",
    "oasis-ubl/UBL-Waybill-2.0-Example-International.xml": "ubl",
    "oasis-ubl/UBL-Order-2.0-Example-International.xml": "ubl",
    "customs-declarations-hmrc-wco/TT_EX001a.export-declaration.xml": "wco_declaration",
    "customs-declarations-hmrc-wco/TT_EX013b.export-declaration-controlled-goods-licences.xml": "wco_declaration",
    "synthetic/synthetic-commercial-invoice.pdf": "invoice_pdf",
    "synthetic/synthetic-packing-list.pdf": "invoice_pdf",
}


@pytest.mark.parametrize("relative, fmt", sorted(EXPECTED.items()))
def test_detected_by_content_even_when_renamed(relative: str, fmt: str | None, tmp_path: Path) -> None:
    renamed = tmp_path / "download.txt"
    shutil.copyfile(SAMPLES / relative, renamed)
    assert detect_format(renamed) == fmt


def test_own_formats_detected(tmp_path: Path) -> None:
    for source, fmt in ((FIXTURES / "shipments" / "erp-export.csv", "tabular"),
                        (FIXTURES / "shipments" / "one-record-waybill.jsonld", "one_record"),
                        (Path(__file__).resolve().parents[1] / "examples" / "03-drone-components-to-hub.json",
                         "native_json")):
        renamed = tmp_path / f"{fmt}.dat"
        shutil.copyfile(source, renamed)
        assert detect_format(renamed) == fmt


def test_load_mixes_formats_and_reports_files_it_cannot_read(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("nothing to see here\n", encoding="utf-8")
    result = load([SAMPLES / "oasis-ubl" / "UBL-Waybill-2.0-Example-International.xml",
                   SAMPLES / "synthetic" / "synthetic-commercial-invoice.pdf", junk, tmp_path / "missing.json"],
                  reference_dir=REFERENCE)
    assert [s.source.format for s in result.shipments if s.source] == ["ubl", "invoice_pdf"]
    assert [(i.file, i.severity) for i in result.issues] == [("notes.txt", "error"), ("missing.json", "error")]


def test_load_walks_a_directory_and_skips_non_documents() -> None:
    examples = Path(__file__).resolve().parents[1] / "examples"
    result = load(examples)
    assert len(result.shipments) == len(list(examples.glob("*.json")))
    assert all(i.severity == "warning" for i in result.issues)


def test_load_as_refuses_the_wrong_format() -> None:
    with pytest.raises(NotAShipmentDocument):
        load_as(SAMPLES / "oasis-ubl" / "UBL-Order-2.0-Example-International.xml", "wco_declaration")


@pytest.mark.parametrize("relative", [r for r, f in sorted(EXPECTED.items()) if f])
def test_truncated_input_never_crashes(relative: str, tmp_path: Path) -> None:
    raw = (SAMPLES / relative).read_bytes()
    fmt = EXPECTED[relative]
    assert fmt is not None
    for fraction in (0.2, 0.5, 0.9):
        cut = tmp_path / f"cut{fraction}"
        cut.write_bytes(raw[: int(len(raw) * fraction)])
        try:
            load_as(cut, fmt, reference_dir=REFERENCE)
        except NotAShipmentDocument:
            pass
