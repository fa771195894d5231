"""DCSA eBL 3.x shipping instructions and transport documents (JSON), and DCSA 2.x party lists.

Read from the DCSA OpenAPI (`ebl/v3/EBL_v3.0.4.yaml`) and its examples: the same building
blocks appear in shipping instructions, transport documents and the issuance envelope
(`{"document": {...}, "issueTo": {...}}`), so one walker reads all three. House B/L data
(ICS2: seller, buyer, routing countries) is part of the same shipment, each value pointing at
its `/houseBillOfLadings/i/...` path so a finding says which house bill it came from.

The eBL transport document carries no vessel IMO number (only the name); when a booking
payload adds `vesselIMONumber` it is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tradescreen.shipments.base import DocumentReader, ImportResult, NotAShipmentDocument
from tradescreen.shipments.model import (
    GoodsLine,
    Identifier,
    Leg,
    Licence,
    Party,
    Provenance,
    Reference,
    RoutePoint,
    Shipment,
    Source,
    Terms,
    Vessel,
)
from tradescreen.shipments.normalise import (
    clean,
    country,
    join_lines,
    locode_country,
    mode,
    normalise_role,
    number,
    unlocode,
)
from tradescreen.sources.base import read_bytes

FORMAT = "dcsa"

#: documentParties keys → (role, written role)
_PARTY_KEYS: dict[str, str] = {
    "shipper": "shipper",
    "consignee": "consignee",
    "endorsee": "consignee",
    "onBehalfOfShipper": "shipper",
    "onBehalfOfConsignee": "consignee",
    "issuingParty": "carrier",
    "carriersAgentAtDestination": "other",
    "seller": "seller",
    "buyer": "buyer",
    "notifyParty": "notify_party",
    "issueTo": "other",
}
_ROUTE_KEYS: tuple[tuple[str, str], ...] = (
    ("placeOfReceipt", "place_of_receipt"),
    ("placeOfAcceptance", "place_of_receipt"),
    ("portOfLoading", "port_of_loading"),
    ("portOfDischarge", "port_of_discharge"),
    ("placeOfDelivery", "place_of_delivery"),
    ("placeOfFinalDelivery", "final_destination"),
    ("onwardInlandRouting", "final_destination"),
)
_ID_SCHEMES = {"GLEIF": "LEI", "LEI": "LEI", "DNB": "DUNS", "DUNS": "DUNS", "W3C": "DID", "DID": "DID"}


def looks_dcsa(data: Any) -> bool:
    """True for parsed JSON shaped like a DCSA SI / TD / issuance request."""
    if isinstance(data, list):
        data = next((d for d in data if isinstance(d, dict)), None)
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("document"), dict):
        data = data["document"]
    keys = set(data)
    return bool(keys & {"transportDocumentTypeCode", "transportDocumentReference", "shippingInstructionsReference"}) or (
        "consignmentItems" in keys and ("documentParties" in keys or "utilizedTransportEquipments" in keys)
    )


def load_shipments(path: str | Path) -> ImportResult:
    path = Path(path)
    result = ImportResult()
    try:
        data = json.loads(read_bytes(path).decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotAShipmentDocument(f"{path.name}: expected DCSA eBL JSON: {exc}") from None
    docs = list(enumerate(data)) if isinstance(data, list) else [(None, data)]
    if not any(looks_dcsa(d) for _, d in docs):
        raise NotAShipmentDocument(
            f"{path.name}: expected a DCSA shipping instruction or transport document "
            "(documentParties, consignmentItems, transportDocumentTypeCode)"
        )
    for index, doc in docs:
        prefix = "" if index is None else f"/{index}"
        if not isinstance(doc, dict) or not looks_dcsa(doc):
            result.error(path, prefix or "/", None, "not a DCSA document; skipped")
            continue
        result.shipments.append(_Reader(path, result).shipment(doc, prefix, index or 0))
    return result


class _Reader(DocumentReader):
    """Walks one DCSA document (shipping instructions, transport document or issuance envelope)."""

    # -- document ---------------------------------------------------------------------------
    def shipment(self, root: dict[str, Any], prefix: str, index: int) -> Shipment:
        envelope: dict[str, Any] | None = root if isinstance(root.get("document"), dict) else None
        doc: dict[str, Any] = root["document"] if envelope else root
        base = f"{prefix}/document" if envelope else prefix
        is_td = bool(doc.get("transportDocumentReference") or doc.get("transportDocumentStatus"))
        kind = clean(doc.get("transportDocumentTypeCode"))
        doc_type = ("transport document" if is_td else "shipping instructions") + (f" ({kind})" if kind else "")
        refs = self._references(doc)
        sid = next((r.value for r in refs if r.type in ("BL", "SWB", "SI")), None) or next(
            (r.value for r in refs if r.type == "BOOKING"), None
        ) or f"{self.path.stem}#{index}"
        s = Shipment(id=sid, references=refs, source=Source(self.file, FORMAT, doc_type))

        s.parties.extend(self._document_parties(doc.get("documentParties"), f"{base}/documentParties", ""))
        if envelope and isinstance(envelope.get("issueTo"), dict):
            s.parties.append(self._party(envelope["issueTo"], f"{prefix}/issueTo", "other", "issueTo"))
        self._carrier_code(doc, base, s)

        transports: dict[str, Any] = doc["transports"] if isinstance(doc.get("transports"), dict) else {}
        s.route.extend(self._route(transports, f"{base}/transports", ""))
        self._voyages(transports, f"{base}/transports", s)

        s.goods.extend(self._goods(doc.get("consignmentItems"), f"{base}/consignmentItems"))
        licence = self._licence(doc.get("exportLicense"))
        if licence:
            for g in s.goods:
                g.licences.append(licence)

        for h, hbl in _items(doc.get("houseBillOfLadings")):
            hp = f"{base}/houseBillOfLadings/{h}"
            label = f"house B/L {clean(hbl.get('houseBillOfLadingReference')) or h}: "
            if clean(hbl.get("houseBillOfLadingReference")):
                s.references.append(Reference("HBL", str(clean(hbl["houseBillOfLadingReference"]))))
            s.parties.extend(self._document_parties(hbl.get("documentParties"), f"{hp}/documentParties", label))
            s.route.extend(self._route(hbl, hp, label))
            for c, code in enumerate(hbl.get("routingOfConsignmentCountries") or []):
                s.route.append(RoutePoint(
                    role="routing_country", country=country(code), raw_role=f"{label}routingOfConsignmentCountries",
                    provenance=Provenance(self.file, f"{hp}/routingOfConsignmentCountries/{c}"),
                ))
            s.goods.extend(self._goods(hbl.get("consignmentItems"), f"{hp}/consignmentItems"))

        s.declared_total = number(doc.get("declaredValue"))
        s.currency = clean(doc.get("declaredValueCurrency"))
        s.terms = Terms(freight_payment=clean(doc.get("freightPaymentTermCode")))
        for key, name in (("shippedOnBoardDate", "shipped_on_board"), ("issueDate", "issue"),
                          ("receivedForShipmentDate", "received_for_shipment")):
            if clean(doc.get(key)):
                s.dates[name] = str(clean(doc[key]))
        for key, name in (("plannedDepartureDate", "planned_departure"), ("plannedArrivalDate", "planned_arrival")):
            if clean(transports.get(key)):
                s.dates[name] = str(clean(transports[key]))
        return s

    def _references(self, doc: dict[str, Any]) -> list[Reference]:
        refs: list[Reference] = []
        kind = str(clean(doc.get("transportDocumentTypeCode")) or "BL")
        pairs = [(("SWB" if kind == "SWB" else "BL"), doc.get("transportDocumentReference")),
                 ("SI", doc.get("shippingInstructionsReference")),
                 ("CONTRACT", doc.get("serviceContractReference"))]
        for item in doc.get("consignmentItems") or []:
            if isinstance(item, dict):
                pairs.append(("BOOKING", item.get("carrierBookingReference")))
        for cref in _items(doc.get("customsReferences")):
            for value in cref[1].get("values") or []:
                pairs.append((str(clean(cref[1].get("type")) or "CUSTOMS"), value))
        for _, ref in _items(doc.get("references")):
            pairs.append((str(clean(ref.get("type")) or "OTHER"), ref.get("value")))
        for rtype, value in pairs:
            text = clean(value) if isinstance(value, (str, int)) else None
            if text and Reference(rtype, text) not in refs:
                refs.append(Reference(rtype, text))
        return refs

    # -- parties ----------------------------------------------------------------------------
    def _document_parties(self, block: Any, pointer: str, label: str) -> list[Party]:
        parties: list[Party] = []
        if isinstance(block, list):  # DCSA 2.x: [{"party": {...}, "partyFunction": "OS"}]
            for i, entry in _items(block):
                function = clean(entry.get("partyFunction"))
                role = normalise_role(function) or "other"
                party: dict[str, Any] = entry["party"] if isinstance(entry.get("party"), dict) else entry
                parties.append(self._party(party, f"{pointer}/{i}", role, f"{label}{function}"))
            return parties
        if not isinstance(block, dict):
            if block is not None:
                self.result.error(self.path, pointer, "documentParties", "expected an object of parties")
            return parties
        for key, value in block.items():
            if key in ("notifyParties",):
                for i, party in _items(value):
                    parties.append(self._party(party, f"{pointer}/{key}/{i}", "notify_party", f"{label}{key}[{i}]"))
            elif key == "other":
                for i, entry in _items(value):
                    function = clean(entry.get("partyFunction"))
                    role = normalise_role(function) or "other"
                    inner = entry.get("party")
                    if isinstance(inner, dict):
                        parties.append(self._party(inner, f"{pointer}/other/{i}/party", role, f"{label}other ({function})"))
                    else:
                        self.result.error(self.path, f"{pointer}/other/{i}", "party", "missing party object")
            elif key in _PARTY_KEYS:
                if isinstance(value, dict):
                    parties.append(self._party(value, f"{pointer}/{key}", _PARTY_KEYS[key], f"{label}{key}"))
                else:
                    self.result.error(self.path, f"{pointer}/{key}", key, "expected a party object")
            else:
                self.result.warn(self.path, f"{pointer}/{key}", key, "party key not known to tradescreen; read as 'other'")
                if isinstance(value, dict):
                    parties.append(self._party(value, f"{pointer}/{key}", "other", f"{label}{key}"))
        return parties

    def _party(self, party: dict[str, Any], pointer: str, role: str, raw_role: str) -> Party:
        name = clean(party.get("partyName"))
        if name is None:
            self.result.warn(self.path, pointer, "partyName", "party without a name")
        fields = {"name": f"{pointer}/partyName"}
        address: dict[str, Any] = party["address"] if isinstance(party.get("address"), dict) else {}
        code = country(address.get("countryCode")) if address else None
        if code:
            fields["country"] = f"{pointer}/address/countryCode"
        parts = [address.get(k) for k in ("street", "streetNumber", "floor", "postCode", "POBox", "city", "stateRegion")]
        text = join_lines([p for p in parts if isinstance(p, (str, int))])
        if text:
            fields["address"] = f"{pointer}/address"
        for key in ("addressLines", "displayedAddress"):
            if not text and party.get(key):
                text = join_lines(party[key])
                fields["address"] = f"{pointer}/{key}"
        identifiers: list[Identifier] = []
        for _, ident in _items(party.get("identifyingCodes")):
            value = clean(ident.get("partyCode"))
            provider = str(clean(ident.get("codeListProvider")) or "")
            list_name = str(clean(ident.get("codeListName")) or "")
            scheme = _ID_SCHEMES.get(list_name.upper()) or _ID_SCHEMES.get(provider.upper()) or provider or list_name
            if value and scheme:
                identifiers.append(Identifier(scheme.upper(), value))
        for _, ref in _items(party.get("taxLegalReferences")):
            value = clean(ref.get("value"))
            if value and clean(ref.get("type")):
                identifiers.append(Identifier(str(clean(ref["type"])).upper(), value, country(ref.get("countryCode"))))
        return Party(role=role, name=name, country=code, address=text, identifiers=identifiers, raw_role=raw_role,
                     provenance=Provenance(self.file, pointer, fields=fields))

    def _carrier_code(self, doc: dict[str, Any], base: str, s: Shipment) -> None:
        code = clean(doc.get("carrierCode"))
        if not code:
            return
        provider = str(clean(doc.get("carrierCodeListProvider")) or "CARRIER")
        scheme = "SCAC" if provider.upper() == "NMFTA" else provider.upper()
        ident = Identifier(scheme, code)
        carriers = s.parties_in("carrier")
        if carriers:
            carriers[0].identifiers.append(ident)
        else:
            s.parties.append(Party(role="carrier", name=None, identifiers=[ident], raw_role="carrierCode",
                                   provenance=Provenance(self.file, f"{base}/carrierCode")))

    # -- route ------------------------------------------------------------------------------
    def _route(self, block: dict[str, Any], pointer: str, label: str) -> list[RoutePoint]:
        points: list[RoutePoint] = []
        for key, role in _ROUTE_KEYS:
            loc = block.get(key)
            if loc is None:
                continue
            if not isinstance(loc, dict):
                self.result.error(self.path, f"{pointer}/{key}", key, "expected a location object")
                continue
            code = unlocode(loc.get("UNLocationCode"))
            if loc.get("UNLocationCode") and code is None:
                self.result.error(self.path, f"{pointer}/{key}/UNLocationCode", "UNLocationCode",
                                  f"{loc.get('UNLocationCode')!r} is not a UN/LOCODE")
            address: dict[str, Any] = loc["address"] if isinstance(loc.get("address"), dict) else {}
            written = country(loc.get("countryCode")) or country(address.get("countryCode"))
            name = clean(loc.get("locationName")) or clean(address.get("city"))
            points.append(RoutePoint(
                role=role, unlocode=code, country=written or locode_country(code), name=name,
                raw_role=f"{label}{key}", provenance=Provenance(self.file, f"{pointer}/{key}"),
            ))
        return points

    def _voyages(self, transports: dict[str, Any], pointer: str, s: Shipment) -> None:
        seq = 0
        if clean(transports.get("preCarriageBy")):
            seq += 1
            s.legs.append(Leg(seq=seq, mode=mode(transports["preCarriageBy"]) or str(transports["preCarriageBy"]).lower(),
                              provenance=Provenance(self.file, f"{pointer}/preCarriageBy")))
        for i, voyage in _items(transports.get("vesselVoyages")):
            seq += 1
            imo = clean(voyage.get("vesselIMONumber"))
            voyage_no = clean(voyage.get("carrierExportVoyageNumber")) or clean(voyage.get("universalExportVoyageReference"))
            leg = Leg(seq=seq, mode="sea", vessel_name=clean(voyage.get("vesselName")), vessel_imo=imo, voyage=voyage_no,
                      provenance=Provenance(self.file, f"{pointer}/vesselVoyages/{i}"))
            s.legs.append(leg)
            if s.vessel is None and (leg.vessel_name or imo):
                s.vessel = Vessel(name=leg.vessel_name, imo=imo, flag=country(voyage.get("vesselFlag")),
                                  provenance=Provenance(self.file, f"{pointer}/vesselVoyages/{i}",
                                                        fields={"name": f"{pointer}/vesselVoyages/{i}/vesselName"}))
        if clean(transports.get("onCarriageBy")):
            seq += 1
            s.legs.append(Leg(seq=seq, mode=mode(transports["onCarriageBy"]) or str(transports["onCarriageBy"]).lower(),
                              provenance=Provenance(self.file, f"{pointer}/onCarriageBy")))

    # -- goods ------------------------------------------------------------------------------
    def _licence(self, block: Any) -> Licence | None:
        if isinstance(block, dict) and clean(block.get("reference")):
            return Licence(str(clean(block["reference"])), "export_license")
        return None

    def _goods(self, items: Any, pointer: str) -> Iterator[GoodsLine]:
        if items is not None and not isinstance(items, list):
            self.result.error(self.path, pointer, "consignmentItems", "expected a list")
            return
        for i, item in _items(items):
            ip = f"{pointer}/{i}"
            desc_key = "descriptionOfGoods"
            description = join_lines(item.get(desc_key), " ")
            if description is None and item.get("descriptionOfGoodsForCustoms"):
                desc_key = "descriptionOfGoodsForCustoms"
                description = join_lines(item.get(desc_key), " ")
            if description is None:
                self.result.warn(self.path, ip, "descriptionOfGoods", "goods item without a description")
            codes_key = "extendedHSCodes" if item.get("extendedHSCodes") else "HSCodes"
            codes = item.get(codes_key) or []
            if isinstance(codes, str):
                codes = [codes]
            national: list[Identifier] = []
            for key in ("extendedNationalCommodityCodes", "nationalCommodityCodes", "nationalCommodityCode"):
                blocks = item.get(key)
                for block in ([blocks] if isinstance(blocks, dict) else blocks or []):
                    if isinstance(block, dict):
                        for value in block.get("values") or []:
                            if clean(value):
                                national.append(Identifier(str(clean(block.get("type")) or "NATIONAL"), str(clean(value)),
                                                           country(block.get("countryCode"))))
            gross = 0.0
            for cargo in item.get("cargoItems") or []:
                weight = cargo.get("cargoGrossWeight") if isinstance(cargo, dict) else None
                if isinstance(weight, dict) and str(weight.get("unit", "KGM")).upper() == "KGM":
                    gross += number(weight.get("value")) or 0.0
            licence = self._licence(item.get("exportLicense"))
            for c, code in enumerate(codes or [None]):
                yield GoodsLine(
                    description=description,
                    hs_code=clean(code),
                    hs_scheme="HS" if code else None,
                    gross_kg=gross or None if len(codes) <= 1 else None,
                    licences=[licence] if licence else [],
                    other_codes=list(national),
                    line_no=str(i + 1),
                    provenance=Provenance(self.file, ip, fields={
                        "description": f"{ip}/{desc_key}",
                        **({"hs_code": f"{ip}/{codes_key}/{c}"} if code else {}),
                    }),
                )


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]
