"""DCSA eBL 3 samples (../shared/reference/documents/samples/dcsa), values read by eye."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REFERENCE

from tradescreen.shipments.base import NotAShipmentDocument
from tradescreen.shipments.importers.dcsa import load_shipments

DCSA = REFERENCE / "documents" / "samples" / "dcsa"


def _one(name: str):  # type: ignore[no-untyped-def]
    result = load_shipments(DCSA / name)
    assert len(result.shipments) == 1
    return result.shipments[0], result


def test_every_sample_parses_with_one_goods_line_per_hs_code() -> None:
    samples = sorted(DCSA.glob("*.json"))
    assert len(samples) == 5
    for path in samples:
        data = json.loads(path.read_text(encoding="utf-8"))
        doc = data.get("document", data)
        codes = [c for item in doc["consignmentItems"] for c in item.get("HSCodes", [])]
        codes += [c for h in doc.get("houseBillOfLadings", []) for item in h["consignmentItems"] for c in item["HSCodes"]]
        (s,) = load_shipments(path).shipments
        assert [g.hs_code for g in s.goods] == codes


def test_issuance_request_parties_route_vessel_and_value() -> None:
    s, result = _one("conformance-gateway-eblissuance-v3.0.0-request.json")
    assert result.issues == []
    assert s.id == "TRANSPORT_DOCUMENT_REFERENCE_PLACEHOLDER"
    roles = [(p.role, p.name, p.country) for p in s.parties]
    assert ("notify_party", "IKEA Denmark", "nl") in roles
    assert ("other", "Asseco Denmark", "nl") in roles  # partyFunction SCO
    assert ("carrier", "ISSUING_PARTY_LEGAL_NAME_PLACEHOLDER", "nl") in roles
    assert ("consignee", "CONSIGNEE_LEGAL_NAME_PLACEHOLDER", None) in roles
    assert any(p.raw_role == "issueTo" for p in s.parties)
    carrier = next(p for p in s.parties if p.role == "carrier")
    assert any(i.scheme == "SCAC" and i.value == "MMCU" for i in carrier.identifiers)
    assert [(r.role, r.unlocode) for r in s.route] == [
        ("place_of_receipt", "DEHAM"), ("port_of_loading", "DEHAM"), ("port_of_discharge", "DEHAM"),
        ("place_of_delivery", "DEHAM"), ("final_destination", "DEHAM")]
    assert s.vessel is not None and s.vessel.name == "King of the Seas"
    assert [leg.mode for leg in s.legs] == ["rail", "sea", "road"]
    assert (s.declared_total, s.currency) == (1231.1, "DKK")
    assert s.goods[0].description == "Shoes - black, 400 boxes" and s.goods[0].gross_kg == 12000
    notify = next(p for p in s.parties if p.role == "notify_party")
    assert notify.provenance is not None and notify.provenance.pointer == "/document/documentParties/notifyParties/0"


def test_shipping_instructions_with_house_bill() -> None:
    s, _ = _one("conformance-gateway-ebl-api-3.0.0-si-request-with-hbl.json")
    consignee = next(p for p in s.parties if p.role == "consignee")
    assert (consignee.name, consignee.country) == ("Global Retail Imports", "sg")
    assert [(i.scheme, i.value) for i in consignee.identifiers] == [("LEI", "111100T8BM49ADCSAO64")]
    assert [(g.description, g.hs_code) for g in s.goods] == [("Refined Soybean Oil", "15152100"),
                                                             ("Blue Shoes Size 47", "64041900")]
    assert s.goods[0].other_codes[0].scheme == "NCM" and s.goods[0].other_codes[0].country == "br"
    assert [(r.role, r.country, r.name) for r in s.route] == [
        ("place_of_receipt", "nl", "Rotterdam"), ("final_destination", "de", "Hamburg"),
        ("routing_country", "nl", None), ("routing_country", "de", None)]
    house = [p for p in s.parties if p.provenance and p.provenance.pointer.startswith("/houseBillOfLadings/0")]
    assert sorted(p.role for p in house) == ["notify_party", "shipper"]
    assert any(r.type == "HBL" and r.value == "HBOL001" for r in s.references)


@pytest.mark.parametrize("name, carrier, country, lei, vessel, hs", [
    ("ebl-v3.0.4-transport-document-draft.openapi-example.json", "Mediterranean Shipping Company", "ch",
     "529900T8BM49AURSDO55", "MSC Gülsün", "640510"),
    ("ebl-v3.0.4-transport-document-issued-dg.openapi-example.json", "Hapag Lloyd", "de",
     "529900T8BM49AURSDO55", "Berlin Express", "293499"),
])
def test_transport_documents(name: str, carrier: str, country: str, lei: str, vessel: str, hs: str) -> None:
    s, _ = _one(name)
    issuer = next(p for p in s.parties if p.role == "carrier")
    assert (issuer.name, issuer.country) == (carrier, country)
    assert ("LEI", lei) in [(i.scheme, i.value) for i in issuer.identifiers]
    shipper = next(p for p in s.parties if p.role == "shipper")
    assert (shipper.name, shipper.address) == ("DCSA CTK", "Strawinskylaan 4117")
    assert [(r.role, r.unlocode, r.country) for r in s.route] == [
        ("port_of_loading", "DKAAR", "dk"), ("port_of_discharge", "DEBRV", "de")]
    assert s.vessel is not None and s.vessel.name == vessel and s.vessel.imo is None
    assert s.goods[0].hs_code == hs


def test_shipping_instructions_create_example() -> None:
    s, _ = _one("ebl-v3.0.4-shipping-instructions-create.openapi-example.json")
    assert s.id == "CBR_123_REGULAR"
    assert [(p.role, p.name) for p in s.parties] == [("shipper", "DCSA CTK")]
    assert [(g.description, g.hs_code) for g in s.goods] == [("Shoes - black", "640510")]


def test_bad_party_and_location_are_reported_and_the_rest_loads(tmp_path: Path) -> None:
    data = json.loads((DCSA / "ebl-v3.0.4-transport-document-draft.openapi-example.json").read_text(encoding="utf-8"))
    data["documentParties"]["consignee"] = "not an object"
    data["transports"]["portOfDischarge"] = {"UNLocationCode": "not-a-code"}
    path = tmp_path / "td.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = load_shipments(path)
    (s,) = result.shipments
    fields = {(i.location, i.field) for i in result.errors}
    assert ("/documentParties/consignee", "consignee") in fields
    assert ("/transports/portOfDischarge/UNLocationCode", "UNLocationCode") in fields
    assert [p.role for p in s.parties] == ["shipper", "carrier"]
    assert s.goods[0].hs_code == "640510"


def test_other_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"hello": "world"}', encoding="utf-8")
    with pytest.raises(NotAShipmentDocument, match="DCSA"):
        load_shipments(path)
