"""CSV/XLSX goods-line tables: flexible headers, grouping, bad cells."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import FIXTURES

from tradescreen.shipments.base import NotAShipmentDocument
from tradescreen.shipments.importers.tabular import load_shipments

CSV = FIXTURES / "shipments" / "erp-export.csv"


def test_rows_group_into_shipments_by_invoice_number() -> None:
    with CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    expected = {r["Invoice No"] for r in rows}
    result = load_shipments(CSV)
    assert {s.id for s in result.shipments} == expected
    assert sum(len(s.goods) for s in result.shipments) == len(rows)


def test_values_and_provenance() -> None:
    result = load_shipments(CSV)
    s = next(x for x in result.shipments if x.id == "INV-EX-1001")
    assert [(p.role, p.name, p.country) for p in s.parties] == [
        ("seller", "Fictional Rotorwerk Example GmbH", None), ("consignee", "Example Aero Trading FZE", "ae"),
        ("end_user", "Example Sky Services OOO", "ru")]
    first = s.goods[0]
    assert (first.hs_code, first.origin_country, first.quantity, first.value, first.currency, first.eccn) == (
        "8803 30 00", "de", 4.0, 50000.0, "EUR", "9A991")
    assert first.provenance is not None and first.provenance.at("hs_code") == "row 2, column Commodity code"
    assert [(r.role, r.unlocode, r.country) for r in s.route] == [
        ("port_of_loading", "DEHAM", "de"), ("port_of_discharge", "AEJEA", "ae"), ("final_destination", None, "ru")]
    assert s.vessel is not None and (s.vessel.name, s.vessel.imo) == ("EXAMPLE STAR", "9999990")
    assert s.terms.incoterms == "CIF"


def test_bad_number_is_reported_with_row_and_column() -> None:
    result = load_shipments(CSV)
    assert [(i.location, i.field, i.severity) for i in result.issues] == [("row 5", "Qty", "error")]
    lamp = next(s for s in result.shipments if s.id == "INV-EX-1002").goods[1]
    assert (lamp.description, lamp.quantity, lamp.value) == ("Desk lamps", None, 600.0)


def test_xlsx_with_title_rows_and_other_header_words(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Export report (fictional)"])
    sheet.append([])
    sheet.append(["Shipment ID", "Goods description", "Tariff No", "COO", "Quantity", "Amount", "Ship to",
                  "Ship to country", "Destination country"])
    sheet.append(["SH-9", "Camera modules", 852589, "CN", 10, 880.5, "Example Optics GmbH", "DE", "DE"])
    sheet.append(["SH-9", "GNSS modules", "8526.91", "TW", 5, 450, "Example Optics GmbH", "DE", "DE"])
    sheet.cell(row=5, column=3).number_format = "@"
    path = tmp_path / "export.xlsx"
    book.save(path)
    result = load_shipments(path)
    (s,) = result.shipments
    assert s.id == "SH-9"
    assert [(g.description, g.hs_code, g.origin_country) for g in s.goods] == [
        ("Camera modules", "852589", "cn"), ("GNSS modules", "8526.91", "tw")]
    assert s.goods[0].provenance is not None and s.goods[0].provenance.pointer == "row 4"
    assert [(p.role, p.name, p.country) for p in s.parties] == [("consignee", "Example Optics GmbH", "de")]
    assert [(r.role, r.country) for r in s.route] == [("final_destination", "de")]


def test_table_without_goods_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("Code,Country,Name\nACI,EG,Advance Cargo Information\n", encoding="utf-8")
    with pytest.raises(NotAShipmentDocument, match="description or HS-code column"):
        load_shipments(path)
