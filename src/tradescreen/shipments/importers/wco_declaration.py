"""Export declarations in the WCO Data Model's DEC-DMS XML (UK CDS; EU AES uses the same data).

Read from HMRC's annotated samples and `WCO_DEC_2_DMS.xsd` (see the documents README §5):
the declaration may arrive bare, inside `md:MetaData`, or inside HMRC's
`submitDeclarationRequest` envelope; all three are read. Declarations often name the
exporter and declarant by EORI only, so such parties have no name but an `EORI` identifier.
Licences quoted as additional documents of category X/E/L (e.g. X002, a dual-use export
authorisation) are kept on their goods item, and procedure codes such as `1CG` (controlled
goods) are kept as `PROCEDURE` codes so rules can see them.
"""

from __future__ import annotations

import re
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
    Licence,
    Party,
    Provenance,
    Reference,
    RoutePoint,
    Shipment,
    Source,
    Vessel,
)
from tradescreen.shipments.normalise import (
    country,
    join_lines,
    locode_country,
    mode,
    normalise_role,
    number,
    unlocode,
)

FORMAT = "wco_declaration"
DEC_NS = "urn:wco:datamodel:WCO:DEC-DMS:2"

_EORI = re.compile(r"^([A-Z]{2})[0-9A-Z]{1,15}$")
#: Additional-document categories that are licences or authorisations for the goods themselves.
_LICENCE_CATEGORIES = frozenset({"X", "E", "L"})
#: Classification IdentificationTypeCode → scheme, in the order the main code is chosen.
_CODE_TYPES: dict[str, str] = {"TSP": "CN", "HS": "HS", "TRC": "TARIC", "TRA": "TARIC_ADDITIONAL",
                               "GN": "NATIONAL", "CV": "CUS"}
_PREVIOUS_DOCS = {"DCR": "DUCR", "MCR": "MUCR", "SDE": "SDE", "CLE": "CLE"}


def find_declaration(root: Element) -> Element | None:
    if local(root) == "Declaration":
        return root
    return next((el for el in descendants(root, "Declaration") if "wco" in namespace(el).lower()), None)


def load_shipments(path: str | Path) -> ImportResult:
    path = Path(path)
    root = parse(path, "a WCO DEC-DMS export declaration")
    declaration = find_declaration(root)
    if declaration is None:
        raise NotAShipmentDocument(f"{path.name}: expected a WCO DEC-DMS declaration (<Declaration> in {DEC_NS}), "
                                   f"found <{local(root)}>")
    result = ImportResult()
    result.shipments.append(_Reader(path, result).shipment(declaration))
    return result


class _Reader(DocumentReader):
    def shipment(self, dec: Element) -> Shipment:
        lrn = text(dec, "FunctionalReferenceID")
        sid = text(dec, "ID") or lrn or self.path.stem
        s = Shipment(id=sid, source=Source(self.file, FORMAT, text(dec, "TypeCode") or "declaration"))
        if lrn:
            s.references.append(Reference("LRN", lrn))
        if text(dec, "ID"):
            s.references.append(Reference("MRN", str(text(dec, "ID"))))
        goods_shipment = child(dec, "GoodsShipment")
        for doc in children(goods_shipment, "PreviousDocument"):
            if text(doc, "ID"):
                rtype = _PREVIOUS_DOCS.get(text(doc, "TypeCode") or "", text(doc, "TypeCode") or "PREVIOUS")
                s.references.append(Reference(rtype, str(text(doc, "ID"))))
        invoice = child(dec, "InvoiceAmount")
        if invoice is not None:
            s.declared_total = number(text(invoice))
            s.currency = invoice.get("currencyID")

        self._parties(dec, goods_shipment, s)
        self._route(dec, goods_shipment, s)
        self._transport(dec, goods_shipment, s)
        for item in children(goods_shipment, "GovernmentAgencyGoodsItem"):
            self._goods(item, s)
        if not s.goods:
            self.result.warn(self.path, path_of(dec), "GovernmentAgencyGoodsItem", "declaration without goods items")
        return s

    # -- parties ----------------------------------------------------------------------------
    def _parties(self, dec: Element, goods_shipment: Element | None, s: Shipment) -> None:
        spots: list[tuple[Element | None, str, str]] = [
            (dec, "Exporter", "exporter"),
            (dec, "Declarant", "other"),
            (dec, "Agent", "other"),
            (child(dec, "Consignment"), "Carrier", "carrier"),
            (child(dec, "Consignment"), "Consignor", "shipper"),
            (goods_shipment, "Consignee", "consignee"),
            (goods_shipment, "Consignor", "shipper"),
            (goods_shipment, "Buyer", "buyer"),
            (goods_shipment, "Seller", "seller"),
            (goods_shipment, "Importer", "importer"),
            (dec, "Importer", "importer"),
            (goods_shipment, "UltimateConsignee", "ultimate_consignee"),
        ]
        for parent, name, role in spots:
            for el in children(parent, name):
                s.parties.append(self._party(el, role, name))
        for el in children(goods_shipment, "AEOMutualRecognitionParty"):
            code = text(el, "RoleCode")
            s.parties.append(self._party(el, normalise_role(code) or "other", f"AEOMutualRecognitionParty ({code})"))

    def _party(self, el: Element, role: str, raw_role: str) -> Party:
        pointer = path_of(el)
        fields = {"name": f"{pointer}/Name", "identifiers": f"{pointer}/ID"}
        ident = text(el, "ID")
        identifiers: list[Identifier] = []
        if ident:
            match = _EORI.match(ident)
            prefix = match.group(1) if match else None
            issuer = "gb" if prefix == "XI" else country(prefix) if prefix else None
            identifiers.append(Identifier("EORI" if match and issuer else "ID", ident, issuer))
        address = child(el, "Address")
        code = country(text(address, "CountryCode"))
        if code:
            fields["country"] = f"{pointer}/Address/CountryCode"
        lines: list[str | None] = [text(address, k) for k in ("Line", "CityName", "PostcodeID")] if address is not None else []
        name = text(el, "Name")
        if name is None and not identifiers:
            self.result.warn(self.path, pointer, "Name", f"{raw_role} without a name or an ID")
        if raw_role == "Agent" and text(el, "FunctionCode"):
            raw_role = f"Agent (representative, status {text(el, 'FunctionCode')})"
        return Party(role=role, name=name, country=code, address=join_lines([x for x in lines if x]),
                     identifiers=identifiers, raw_role=raw_role, provenance=Provenance(self.file, pointer, fields=fields))

    # -- route ------------------------------------------------------------------------------
    def _point(self, s: Shipment, role: str, el: Element, code_path: tuple[str, ...], name: str | None = None) -> None:
        written = text(el, *code_path)
        code = unlocode(written) if role in ("port_of_loading", "port_of_discharge") else None
        point = RoutePoint(role=role, unlocode=code, country=locode_country(code) if code else country(written),
                           name=name, raw_role=local(el), provenance=Provenance(self.file, path_of(el)))
        if point.country is None and point.name is None:
            if written:
                self.result.warn(self.path, path_of(el), code_path[-1], f"{written!r} is not a country code")
            return
        if any(p.role == role and p.country == point.country and p.name == point.name for p in s.route):
            return
        s.route.append(point)

    def _route(self, dec: Element, goods_shipment: Element | None, s: Shipment) -> None:
        for el in children(goods_shipment, "ExportCountry"):
            self._point(s, "country_of_dispatch", el, ("ID",))
        consignment = child(goods_shipment, "Consignment")
        for el in children(consignment, "GoodsLocation"):
            self._point(s, "goods_location", el, ("Address", "CountryCode"), name=text(el, "Name") or text(el, "ID"))
        for el in children(consignment, "LoadingLocation"):
            self._point(s, "port_of_loading", el, ("ID",))
        itinerary = children(child(dec, "Consignment"), "Itinerary") + children(consignment, "Itinerary")
        itinerary.sort(key=lambda e: number(text(e, "SequenceNumeric")) or 0)
        for el in itinerary:
            self._point(s, "routing_country", el, ("RoutingCountryCode",))
        for el in children(goods_shipment, "Destination"):
            self._point(s, "final_destination", el, ("CountryCode",))
        for item in children(goods_shipment, "GovernmentAgencyGoodsItem"):
            for el in children(item, "Destination"):
                self._point(s, "final_destination", el, ("CountryCode",))

    def _transport(self, dec: Element, goods_shipment: Element | None, s: Shipment) -> None:
        means = children(dec, "BorderTransportMeans") + children(child(goods_shipment, "Consignment"),
                                                                 "DepartureTransportMeans")
        for seq, el in enumerate(means, 1):
            ident, kind = text(el, "ID"), text(el, "IdentificationTypeCode")
            leg_mode = mode(text(el, "ModeCode")) or ("sea" if kind in ("10", "11") else "air" if kind in ("40", "41") else None)
            pointer = path_of(el)
            s.legs.append(Leg(seq=seq, mode=leg_mode, vessel_name=ident if kind == "11" else None,
                              vessel_imo=ident if kind == "10" else None, flight_no=ident if kind == "40" else None,
                              provenance=Provenance(self.file, pointer)))
            if ident and kind in ("10", "11") and s.vessel is None:
                s.vessel = Vessel(name=ident if kind == "11" else None, imo=ident if kind == "10" else None,
                                  flag=country(text(el, "RegistrationNationalityCode")),
                                  provenance=Provenance(self.file, pointer, fields={"name": f"{pointer}/ID"}))
            if ident and kind == "40" and s.flight is None:
                s.flight = ident

    # -- goods ------------------------------------------------------------------------------
    def _goods(self, item: Element, s: Shipment) -> None:
        pointer = path_of(item)
        commodity = child(item, "Commodity")
        fields = {"description": f"{pointer}/Commodity/Description"}
        codes: dict[str, tuple[str, Element]] = {}
        for cls in children(commodity, "Classification"):
            value, kind = text(cls, "ID"), text(cls, "IdentificationTypeCode") or "?"
            if value:
                codes.setdefault(kind, (value, cls))
        main = next((k for k in _CODE_TYPES if k in codes and k not in ("TRA", "GN")), None)
        hs_code = scheme = None
        if main:
            hs_code, el = codes[main]
            scheme = _CODE_TYPES[main]
            fields["hs_code"] = path_of(el)
        other = [Identifier(_CODE_TYPES.get(k, k), v) for k, (v, _) in codes.items() if k != main]
        for proc in children(item, "GovernmentProcedure"):
            current = text(proc, "CurrentCode")
            if current:
                other.append(Identifier("PROCEDURE", current + (text(proc, "PreviousCode") or "")))
        licences = []
        for doc in children(item, "AdditionalDocument"):
            category, dtype, number_ = text(doc, "CategoryCode"), text(doc, "TypeCode"), text(doc, "ID")
            if category in _LICENCE_CATEGORIES and number_:
                licences.append(Licence(number_, f"{category}{dtype or ''}"))
        value_el = child(item, "StatisticalValueAmount")
        measure = child(commodity, "GoodsMeasure")
        origin = text(item, "Origin", "CountryCode")
        if description := text(commodity, "Description"):
            pass
        else:
            self.result.warn(self.path, pointer, "Commodity/Description", "goods item without a description")
        s.goods.append(GoodsLine(
            description=description,
            hs_code=hs_code,
            hs_scheme=scheme,
            origin_country=country(origin),
            quantity=number(text(measure, "TariffQuantity")),
            value=number(text(value_el)),
            currency=value_el.get("currencyID") if value_el is not None else None,
            licences=licences,
            other_codes=other,
            net_kg=number(text(measure, "NetNetWeightMeasure")),
            gross_kg=number(text(measure, "GrossMassMeasure")),
            line_no=text(item, "SequenceNumeric"),
            provenance=Provenance(self.file, pointer, fields=fields),
        ))
