"""Commercial invoice / packing list PDFs (synthetic samples with ground truth), both tiers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REFERENCE

from tradescreen.shipments.base import NotAShipmentDocument
from tradescreen.shipments.importers.invoice_pdf import load_shipments

SYN = REFERENCE / "documents" / "samples" / "synthetic"
TRUTH = json.loads((SYN / "synthetic-shipment.ground-truth.json").read_text(encoding="utf-8"))


def _parties(truth_roles: set[str]) -> list[tuple[str, str, str, str]]:
    return sorted((p["role"], p["name"], p["country"].lower(), ", ".join(p["address_lines"]))
                  for p in TRUTH["parties"] if p["role"] in truth_roles)


@pytest.mark.parametrize("use_tables", [True, False])
def test_invoice_matches_ground_truth(use_tables: bool) -> None:
    (s,) = load_shipments(SYN / "synthetic-commercial-invoice.pdf", use_tables=use_tables).shipments
    assert s.id == TRUTH["source"]["document_ids"]["commercial_invoice"]
    got = sorted((p.role, p.name, p.country, p.address) for p in s.parties)
    assert got == _parties({p["role"] for p in TRUTH["parties"]})
    seller = next(p for p in s.parties if p.role == "seller")
    assert [(i.scheme, i.value) for i in seller.identifiers] == [
        (i["scheme"], i["value"]) for i in TRUTH["parties"][0]["identifiers"]]
    assert [(g.hs_code, g.origin_country, g.quantity, g.value) for g in s.goods] == [
        (g["hs_code"], g["origin_country"].lower(), g["quantity"], g["value"]) for g in TRUTH["goods"]]
    assert [(r.role, r.unlocode, r.country) for r in s.route] == [
        (r["role"], r["unlocode"], r["country"].lower()) for r in TRUTH["route"]]
    assert (s.terms.incoterms, s.currency, s.declared_total) == ("CIF", "EUR", 140000.0)
    assert s.vessel is not None and s.vessel.name == TRUTH["transport"]["vessel_name"]
    assert ("BL", "SYNL260417HAM") in [(r.type, r.value) for r in s.references]
    certain = {p.provenance.certain for p in s.parties if p.provenance}
    assert certain == {use_tables}
    if not use_tables:
        assert all(g.provenance and not g.provenance.certain and "hs_code" in g.provenance.uncertain for g in s.goods)


def test_invoice_table_tier_reads_descriptions_and_eccn_exactly() -> None:
    (s,) = load_shipments(SYN / "synthetic-commercial-invoice.pdf").shipments
    assert [(g.description, g.eccn, g.unit_price) for g in s.goods] == [
        (g["description"], g["control_classification"], g["unit_price"]) for g in TRUTH["goods"]]
    end_user = next(p for p in s.parties if p.role == "end_user")
    assert end_user.provenance is not None and end_user.provenance.pointer == "page 1, line 17"


@pytest.mark.parametrize("use_tables", [True, False])
def test_packing_list(use_tables: bool) -> None:
    (s,) = load_shipments(SYN / "synthetic-packing-list.pdf", use_tables=use_tables).shipments
    assert s.id == TRUTH["source"]["document_ids"]["packing_list"]
    assert sorted((p.role, p.name) for p in s.parties) == [
        ("consignee", "Mirage Example Trading FZE"), ("notify_party", "Sandbox Example Clearing & Forwarding LLC"),
        ("shipper", "Nordwerk Example Praezisionstechnik GmbH")]
    assert [(g.hs_code, g.quantity) for g in s.goods] == [(g["hs_code"], g["quantity"]) for g in TRUTH["goods"]]
    assert [(r.role, r.unlocode, r.country) for r in s.route] == [
        ("port_of_loading", "DEHAM", "de"), ("port_of_discharge", "AEJEA", "ae"), ("final_destination", None, "az")]


def test_not_a_pdf_and_a_damaged_pdf(tmp_path: Path) -> None:
    text = tmp_path / "x.pdf"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(NotAShipmentDocument, match="no %PDF header"):
        load_shipments(text)
    raw = (SYN / "synthetic-commercial-invoice.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(raw[: len(raw) // 3])
    try:
        result = load_shipments(cut)
    except NotAShipmentDocument:
        return
    assert result.issues  # whatever survives, the damage is reported
