"""IATA Cargo-XML air waybills: XFWB (master) and XFZB (house).

IATA sells the XSDs, so this reads what the public sample instances show (riege
one-record-converter test files; documents README §3). Airports are IATA codes; they are
turned into UN/LOCODE and country through the UN/LOCODE table when a reference folder is
available (`places.AirportResolver`), otherwise kept as `iata_code` with the country unknown
and one warning saying so. For a house waybill the house consignment is the shipment; the
master's destination, when it differs, is a transshipment point on the way.
Tax numbers quoted as OCI customs notes (content code T) become identifiers of the party
they name (SHP → shipper, CNE → consignee).
"""

from __future__ import annotations

from pathlib import Path

from tradescreen.shipments.base import DocumentReader, ImportResult, NotAShipmentDocument
from tradescreen.shipments.importers._xml import (
    Element,
    child,
    children,
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
)
from tradescreen.shipments.normalise import country, join_lines, mode, normalise_role, number
from tradescreen.shipments.places import AirportResolver

FORMAT = "iata_cargo_xml"
_ROOTS = {"Waybill": "XFWB", "HouseWaybill": "XFZB"}
_PARTIES = {"ConsignorParty": "shipper", "ConsigneeParty": "consignee", "FreightForwarderParty": "freight_forwarder",
            "NotifyParty": "notify_party"}
_OCI_SUBJECTS = {"SHP": "shipper", "CNE": "consignee", "AGT": "freight_forwarder", "NFY": "notify_party"}


def is_cargo_xml(root: Element) -> bool:
    return local(root) in _ROOTS and namespace(root).startswith("iata:")


def load_shipments(path: str | Path, reference_dir: Path | None = None) -> ImportResult:
    path = Path(path)
    root = parse(path, "an IATA Cargo-XML waybill (XFWB/XFZB)")
    if not is_cargo_xml(root):
        raise NotAShipmentDocument(f"{path.name}: expected an IATA Cargo-XML XFWB or XFZB "
                                   f"(<Waybill>/<HouseWaybill> in an iata: namespace), found <{local(root)}>")
    result = ImportResult()
    result.shipments.append(_Reader(path, result, AirportResolver(reference_dir)).shipment(root))
    return result


class _Reader(DocumentReader):
    def __init__(self, path: Path, result: ImportResult, airports: AirportResolver) -> None:
        super().__init__(path, result)
        self.airports = airports
        self.unresolved: list[str] = []

    def shipment(self, root: Element) -> Shipment:
        kind = _ROOTS[local(root)]
        master = child(root, "MasterConsignment")
        house = child(master, "IncludedHouseConsignment") if kind == "XFZB" else None
        consignment = house if house is not None else master
        number_ = text(root, "BusinessHeaderDocument", "ID") or text(consignment, "ID") or self.path.stem
        s = Shipment(id=number_, source=Source(self.file, FORMAT, kind))
        s.references.append(Reference("HAWB" if kind == "XFZB" else "AWB", number_))
        master_awb = text(master, "TransportContractDocument", "ID")
        if master_awb:
            s.references.append(Reference("AWB", master_awb))
        if consignment is None:
            self.result.error(self.path, path_of(root), "MasterConsignment", "waybill without a consignment")
            return s
        self._parties(consignment, s)
        self._route(master, house, s)
        self._goods(consignment, kind, s)
        s.currency = text(master, "ApplicableOriginCurrencyExchange", "SourceCurrencyCode")
        issued = text(root, "BusinessHeaderDocument", "SignatoryCarrierAuthentication", "ActualDateTime")
        if issued:
            s.dates["issue"] = issued[:10]
        if self.unresolved:
            why = "no UN/LOCODE table (set a reference folder)" if not self.airports.available else "unknown or ambiguous"
            self.result.warn(self.path, path_of(root), "airport",
                             f"airport codes {', '.join(sorted(set(self.unresolved)))} not resolved to a country: {why}")
        return s

    # -- parties ----------------------------------------------------------------------------
    def _parties(self, consignment: Element, s: Shipment) -> None:
        for el in consignment:
            role = _PARTIES.get(local(el))
            if role is None and local(el) == "AssociatedParty":
                role = normalise_role(text(el, "RoleCode") or text(el, "Role")) or "other"
            if role is None:
                continue
            pointer = path_of(el)
            raw_name = el.findtext(f"{{{namespace(el)}}}Name") if namespace(el) else el.findtext("Name")
            lines = [" ".join(x.split()) for x in (raw_name or "").splitlines() if x.strip()]
            address_el = child(el, "PostalStructuredAddress")
            if address_el is None:
                address_el = child(el, "FreightForwarderAddress")
            code = country(text(address_el, "CountryID")) if address_el is not None else None
            parts = lines[1:] + [text(address_el, k) or "" for k in ("StreetName", "CityName", "PostcodeCode")]
            identifiers = []
            if text(el, "AccountID"):
                identifiers.append(Identifier("ACCOUNT", str(text(el, "AccountID"))))
            if text(el, "CargoAgentID"):
                identifiers.append(Identifier("IATA_AGENT", str(text(el, "CargoAgentID"))))
            fields = {"name": f"{pointer}/Name"}
            if code and address_el is not None:
                fields["country"] = f"{path_of(address_el)}/CountryID"
            if not lines:
                self.result.warn(self.path, pointer, "Name", f"{local(el)} without a name")
            s.parties.append(Party(role=role, name=lines[0] if lines else None, country=code,
                                   address=join_lines([p for p in parts if p]), identifiers=identifiers,
                                   raw_role=local(el), provenance=Provenance(self.file, pointer, fields=fields)))
        for note in children(consignment, "IncludedCustomsNote"):
            subject, content = text(note, "SubjectCode"), text(note, "Content")
            role = _OCI_SUBJECTS.get(subject or "")
            if text(note, "ContentCode") != "T" or not content or role is None:
                continue
            target = next((p for p in s.parties if p.role == role), None)
            if target is not None:
                target.identifiers.append(Identifier("TAX", content, country(text(note, "CountryID"))))

    # -- route ------------------------------------------------------------------------------
    def _airport(self, s: Shipment, role: str, el: Element | None, raw: str) -> None:
        code = text(el, "ID")
        if el is None or not code:
            return
        if any(p.iata_code == code.upper() and p.role == role for p in s.route):
            return
        airport = self.airports.resolve(code)
        if airport is None:
            self.unresolved.append(code)
        s.route.append(RoutePoint(
            role=role, unlocode=airport.unlocode if airport else None, country=airport.country if airport else None,
            name=text(el, "Name") or (airport.name if airport else None), iata_code=code.upper(), raw_role=raw,
            provenance=Provenance(self.file, path_of(el)),
        ))

    def _route(self, master: Element | None, house: Element | None, s: Shipment) -> None:
        top = house if house is not None else master
        self._airport(s, "port_of_loading", child(top, "OriginLocation"), "OriginLocation")
        movements = children(master, "SpecifiedLogisticsTransportMovement")
        movements.sort(key=lambda m: number(text(m, "SequenceNumeric")) or 0)
        final = text(top, "FinalDestinationLocation", "ID")
        for seq, move in enumerate(movements, 1):
            arrival = child(move, "ArrivalEvent", "OccurrenceArrivalLocation")
            if text(arrival, "ID") and text(arrival, "ID") != final:
                self._airport(s, "transshipment", arrival, "SpecifiedLogisticsTransportMovement/ArrivalEvent")
            flight = text(move, "ID")
            s.legs.append(Leg(
                seq=seq, mode=mode(text(move, "ModeCode")) or "air",
                from_point=text(move, "DepartureEvent", "OccurrenceDepartureLocation", "ID"),
                to_point=text(arrival, "ID"), flight_no=flight,
                carrier=text(move, "UsedLogisticsTransportMeans", "Name"),
                provenance=Provenance(self.file, path_of(move)),
            ))
            if flight and s.flight is None:
                s.flight = flight
        if house is not None and text(master, "FinalDestinationLocation", "ID") not in (None, final):
            self._airport(s, "transshipment", child(master, "FinalDestinationLocation"), "master FinalDestinationLocation")
        self._airport(s, "port_of_discharge", child(top, "FinalDestinationLocation"), "FinalDestinationLocation")

    # -- goods ------------------------------------------------------------------------------
    def _goods(self, consignment: Element, kind: str, s: Shipment) -> None:
        if kind == "XFZB":
            items = children(consignment, "IncludedHouseConsignmentItem")
        else:
            items = [i for rating in children(consignment, "ApplicableRating")
                     for i in children(rating, "IncludedMasterConsignmentItem")]
        summary = text(consignment, "SummaryDescription")
        for n, item in enumerate(items, 1):
            pointer = path_of(item)
            description = text(item, "NatureIdentificationTransportCargo", "Identification")
            fields = {"hs_code": f"{pointer}/TypeCode",
                      "description": f"{pointer}/NatureIdentificationTransportCargo/Identification"}
            if description is None and summary:
                description = summary
                fields["description"] = f"{path_of(consignment)}/SummaryDescription"
            if description is None:
                self.result.warn(self.path, pointer, "NatureIdentificationTransportCargo",
                                 "goods item without a description")
            weight = child(item, "GrossWeightMeasure")
            s.goods.append(GoodsLine(
                description=description,
                hs_code=text(item, "TypeCode"),
                hs_scheme="HS" if text(item, "TypeCode") else None,
                quantity=number(text(item, "PieceQuantity")),
                unit="pieces" if text(item, "PieceQuantity") else None,
                gross_kg=number(text(weight)) if weight is not None and (weight.get("unitCode") or "KGM") == "KGM" else None,
                line_no=text(item, "SequenceNumeric") or str(n),
                provenance=Provenance(self.file, pointer, fields=fields),
            ))
