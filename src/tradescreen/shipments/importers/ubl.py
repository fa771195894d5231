"""OASIS UBL 2.x documents: Waybill, Bill of Lading, Forwarding Instructions, Order, Invoice, ...

All UBL documents build on the same common aggregate components, so this importer reads
parties by the element that holds them (`ConsigneeParty`, `NotifyParty`, `BuyerCustomerParty`
...), goods from `GoodsItem` (or order/invoice lines), and locations from `ShipmentStage`
and the consignment's countries, whatever the root document is.
"""

from __future__ import annotations

from pathlib import Path

from tradescreen.shipments.base import DocumentReader, ImportResult, NotAShipmentDocument
from tradescreen.shipments.importers._xml import (
    Element,
    child,
    children,
    descendants,
    local,
    namespace,
    parse,
    path_of,
    text,
)
from tradescreen.shipments.model import (
    GoodsLine,
    Identifier,
    Leg,
    Party,
    Provenance,
    Reference,
    RoutePoint,
    Shipment,
    Source,
    Terms,
    Vessel,
)
from tradescreen.shipments.normalise import country, join_lines, locode_country, mode, number, unlocode

FORMAT = "ubl"
UBL_NS = "urn:oasis:names:specification:ubl:schema:xsd:"

_PARTY_ELEMENTS: dict[str, str] = {
    "ConsignorParty": "shipper",
    "DespatchParty": "shipper",
    "ConsigneeParty": "consignee",
    "NotifyParty": "notify_party",
    "FinalDeliveryParty": "ultimate_consignee",
    "DeliveryParty": "ultimate_consignee",
    "FreightForwarderParty": "freight_forwarder",
    "CarrierParty": "carrier",
    "BuyerCustomerParty": "buyer",
    "AccountingCustomerParty": "buyer",
    "SellerSupplierParty": "seller",
    "AccountingSupplierParty": "seller",
    "ExporterParty": "exporter",
    "ImporterParty": "importer",
    "ManufacturerParty": "manufacturer",
    "OriginatorCustomerParty": "other",
    "DeclarantParty": "other",
}
_ROOT_REFERENCE = {"Waybill": "WAYBILL", "BillOfLading": "BL", "ForwardingInstructions": "FI", "Order": "PO",
                   "Invoice": "INVOICE", "PackingList": "PACKING_LIST", "DespatchAdvice": "DESPATCH_ADVICE"}


def is_ubl(root: Element) -> bool:
    return namespace(root).startswith(UBL_NS)


def load_shipments(path: str | Path) -> ImportResult:
    path = Path(path)
    root = parse(path, "an OASIS UBL document")
    if not is_ubl(root):
        raise NotAShipmentDocument(f"{path.name}: expected an OASIS UBL document (namespace {UBL_NS}...), "
                                   f"found <{local(root)}> in {namespace(root) or 'no namespace'}")
    result = ImportResult()
    result.shipments.append(_Reader(path, result).shipment(root))
    return result


class _Reader(DocumentReader):
    def shipment(self, root: Element) -> Shipment:
        doc = local(root)
        sid = text(root, "ID") or self.path.stem
        s = Shipment(id=sid, source=Source(self.file, FORMAT, doc))
        if text(root, "ID"):
            s.references.append(Reference(_ROOT_REFERENCE.get(doc, doc.upper()), sid))
        for name, rtype in (("CarrierAssignedID", "CARRIER_REF"), ("ShippingOrderID", "SHIPPING_ORDER")):
            if text(root, name):
                s.references.append(Reference(rtype, str(text(root, name))))
        for ref in children(root, "DocumentReference"):
            if text(ref, "ID"):
                s.references.append(Reference((text(ref, "DocumentType") or "DOCUMENT").upper(), str(text(ref, "ID"))))
        self._parties(root, s)
        self._goods(root, s)
        self._route(root, s)
        self._terms(root, s)
        issue = text(root, "IssueDate")
        if issue:
            s.dates["issue"] = issue
        return s

    # -- parties ----------------------------------------------------------------------------
    def _parties(self, root: Element, s: Shipment) -> None:
        seen: dict[tuple[str, str], Party] = {}
        for el in root.iter():
            role = _PARTY_ELEMENTS.get(local(el))
            if role is None or (el.getparent() is not None and local(el.getparent()) == "DocumentDistribution"):
                continue
            party = self._party(el, role)
            if party is None:
                continue
            key = (party.role, (party.name or "").casefold())
            if key in seen:  # the same party repeated (Delivery/DeliveryParty after FinalDeliveryParty)
                known = seen[key]
                known.country = known.country or party.country
                known.address = known.address or party.address
                continue
            seen[key] = party
            s.parties.append(party)

    def _party(self, el: Element, role: str) -> Party | None:
        node = child(el, "Party") if child(el, "Party") is not None else el
        pointer = path_of(node)
        names = [text(n, "Name") for n in children(node, "PartyName")]
        name = join_lines([n for n in names if n], " ") or text(node, "PartyLegalEntity", "RegistrationName") \
            or text(node, "PartyTaxScheme", "RegistrationName")
        address_el = child(node, "PostalAddress")
        if name is None and address_el is None:
            self.result.warn(self.path, pointer, "PartyName", "party without a name or address; skipped")
            return None
        fields = {"name": f"{pointer}/PartyName/Name"}
        code = None
        address = None
        if address_el is not None:
            code = country(text(address_el, "Country", "IdentificationCode"))
            lines = [text(address_el, k) for k in ("Postbox", "StreetName", "BuildingName", "BuildingNumber")]
            lines += [text(line, "Line") for line in children(address_el, "AddressLine")]
            lines += [text(address_el, k) for k in ("CityName", "PostalZone", "CountrySubentity")]
            address = join_lines([x for x in lines if x])
            fields["address"] = path_of(address_el)
            if code:
                fields["country"] = f"{path_of(address_el)}/Country/IdentificationCode"
        identifiers: list[Identifier] = []
        for ident in children(node, "PartyIdentification"):
            id_el = child(ident, "ID")
            if id_el is not None and text(id_el):
                identifiers.append(Identifier((id_el.get("schemeID") or "ID").upper(), str(text(id_el))))
        for tax in children(node, "PartyTaxScheme"):
            if text(tax, "CompanyID"):
                scheme = text(tax, "TaxScheme", "TaxTypeCode") or text(tax, "TaxScheme", "ID") or "TAX"
                identifiers.append(Identifier(scheme.upper(), str(text(tax, "CompanyID")), code))
        for legal in children(node, "PartyLegalEntity"):
            if text(legal, "CompanyID"):
                identifiers.append(Identifier("COMPANY_ID", str(text(legal, "CompanyID")), code))
        return Party(role=role, name=name, country=code, address=address, identifiers=identifiers,
                     raw_role=local(el), provenance=Provenance(self.file, pointer, fields=fields))

    # -- goods ------------------------------------------------------------------------------
    def _goods(self, root: Element, s: Shipment) -> None:
        consignment = next(descendants(root, "Consignment"), None)
        shared_code = text(consignment, "TariffCode")
        items = list(descendants(root, "GoodsItem"))
        if not items:
            items = [el for name in ("LineItem", "InvoiceLine", "DespatchLine", "CreditNoteLine")
                     for el in descendants(root, name)]
        for n, item in enumerate(items, 1):
            pointer = path_of(item)
            product = child(item, "Item")
            description = text(item, "Description") or text(product, "Description") or text(product, "Name")
            fields: dict[str, str] = {}
            for where, el in (("Description", item), ("Item/Description", product), ("Item/Name", product)):
                if text(el, where.split("/")[-1]):
                    fields["description"] = f"{pointer}/{where}"
                    break
            code_el = child(product, "CommodityClassification", "ItemClassificationCode")
            if code_el is None:
                code_el = child(item, "CommodityClassification", "ItemClassificationCode")
            hs = text(code_el)
            scheme = code_el.get("listID") if code_el is not None else None
            if hs:
                fields["hs_code"] = path_of(code_el)
            elif shared_code and consignment is not None:
                hs, scheme = shared_code, "TariffCode"
                fields["hs_code"] = f"{path_of(consignment)}/TariffCode"
            origin = text(product, "OriginCountry", "IdentificationCode") or text(item, "OriginCountry", "IdentificationCode")
            qty_el = child(item, "Quantity")
            value_el = next((child(item, k) for k in ("ValueAmount", "LineExtensionAmount", "DeclaredCustomsValueAmount",
                                                      "FreeOnBoardValueAmount") if child(item, k) is not None), None)
            s.goods.append(GoodsLine(
                description=description,
                hs_code=hs,
                hs_scheme=scheme,
                origin_country=country(origin),
                quantity=number(text(qty_el)),
                unit=qty_el.get("unitCode") if qty_el is not None else None,
                value=number(text(value_el)),
                currency=value_el.get("currencyID") if value_el is not None else None,
                unit_price=number(text(item, "Price", "PriceAmount")),
                net_kg=_kg(child(item, "NetWeightMeasure")),
                gross_kg=_kg(child(item, "GrossWeightMeasure")),
                line_no=text(item, "ID") or str(n),
                provenance=Provenance(self.file, pointer, fields=fields),
            ))

    # -- route ------------------------------------------------------------------------------
    def _route(self, root: Element, s: Shipment) -> None:
        def add(el: Element | None, role: str) -> None:
            if el is None:
                return
            id_el = child(el, "ID")
            code = unlocode(text(id_el))
            name = text(el, "Description") or text(el, "Name") or text(el, "CityName")
            written = country(text(el, "Address", "Country", "IdentificationCode")) or country(
                text(el, "Country", "IdentificationCode")) or country(text(el, "IdentificationCode"))
            point = RoutePoint(role=role, unlocode=code, country=written or locode_country(code), name=name,
                               raw_role=local(el), provenance=Provenance(self.file, path_of(el)))
            if point.unlocode is None and point.country is None and point.name is None:
                return
            if any(p.role == role and (p.unlocode, p.country) == (point.unlocode, point.country) for p in s.route):
                return
            s.route.append(point)

        for el in descendants(root, "ExportCountry"):
            add(el, "country_of_dispatch")
        for el in descendants(root, "OriginalDepartureCountry"):
            add(el, "country_of_dispatch")
        for seq, stage in enumerate(descendants(root, "ShipmentStage"), 1):
            add(child(stage, "LoadingPortLocation"), "port_of_loading")
            for el in children(stage, "TransshipPortLocation"):
                add(el, "transshipment")
            add(child(stage, "UnloadingPortLocation"), "port_of_discharge")
            self._leg(stage, seq, s)
        for el in descendants(root, "LastExitPortLocation"):
            add(el, "port_of_loading")
        for el in descendants(root, "FirstArrivalPortLocation"):
            add(el, "port_of_discharge")
        for delivery in descendants(root, "Delivery"):
            add(child(delivery, "DeliveryLocation"), "place_of_delivery")
            address = child(delivery, "DeliveryAddress")
            if address is not None:
                add(address, "place_of_delivery")
        for el in descendants(root, "FinalDestinationCountry"):
            add(el, "final_destination")

    def _leg(self, stage: Element, seq: int, s: Shipment) -> None:
        leg_mode = mode(text(stage, "TransportModeCode"))
        journey = text(stage, "TransportMeans", "JourneyID")
        carrier = text(stage, "CarrierParty", "PartyName", "Name")
        vessel_name = text(stage, "TransportMeans", "MaritimeTransport", "VesselName")
        vessel_id = text(stage, "TransportMeans", "MaritimeTransport", "VesselID")
        pointer = path_of(stage)
        s.legs.append(Leg(seq=seq, mode=leg_mode, from_point=text(stage, "LoadingPortLocation", "ID"),
                          to_point=text(stage, "UnloadingPortLocation", "ID"), vessel_name=vessel_name,
                          vessel_imo=vessel_id, voyage=journey if leg_mode == "sea" else None,
                          flight_no=journey if leg_mode == "air" else None, carrier=carrier,
                          provenance=Provenance(self.file, pointer)))
        if leg_mode == "air" and journey and s.flight is None:
            s.flight = journey
        if (vessel_name or vessel_id) and s.vessel is None:
            s.vessel = Vessel(name=vessel_name, imo=vessel_id, provenance=Provenance(self.file, f"{pointer}/TransportMeans"))
        if carrier and not any(p.role == "carrier" and p.name == carrier for p in s.parties):
            s.parties.append(Party(role="carrier", name=carrier, raw_role="ShipmentStage/CarrierParty",
                                   provenance=Provenance(self.file, f"{pointer}/CarrierParty")))

    def _terms(self, root: Element, s: Shipment) -> None:
        terms = next(descendants(root, "DeliveryTerms"), None)
        payment = next(descendants(root, "PaymentTerms"), None)
        place = None
        if terms is not None:
            place = text(terms, "DeliveryLocation", "ID") or text(terms, "DeliveryLocation", "Description")
        s.terms = Terms(incoterms=text(terms, "ID"), place=place,
                        payment=text(payment, "PaymentMeansID") or text(payment, "Note"))
        for path in (("Shipment", "DeclaredCustomsValueAmount"), ("AnticipatedMonetaryTotal", "PayableAmount"),
                     ("LegalMonetaryTotal", "PayableAmount"), ("DeclaredCarriageValueAmount",)):
            el = child(root, *path)
            if el is not None and number(text(el)) is not None:
                s.declared_total = number(text(el))
                s.currency = el.get("currencyID")
                break


def _kg(el: Element | None) -> float | None:
    if el is None or (el.get("unitCode") or "KGM").upper() != "KGM":
        return None
    return number(text(el))


__all__ = ["FORMAT", "is_ubl", "load_shipments"]
