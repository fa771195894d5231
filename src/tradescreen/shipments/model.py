"""One shipment model for every document tradescreen reads.

A B/L, an air waybill, a customs declaration and an invoice describe the same things in
different words; the screening rules should be written once, against this model, never per
format. Every party, goods line, route point and vessel keeps a `Provenance` saying where in
which file it was read, so a finding can point at the exact value a person must look at
("/documentParties/consignee", "page 1, line 11", "row 4, column Consignee").

Values are kept as the document writes them where normalising would lose evidence (HS codes
are raw strings: `8542.31`, `8542 31 90`; names as printed); countries are lower-case ISO
3166-1 alpha-2 (FtM codes, so `ua-cri` can appear) because every rule compares them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The fixed party-role vocabulary the screening rules use. What the document said is kept in
#: `Party.raw_role`.
PARTY_ROLES: tuple[str, ...] = (
    "seller",
    "buyer",
    "exporter",
    "shipper",
    "consignee",
    "ultimate_consignee",
    "intermediate_consignee",
    "end_user",
    "notify_party",
    "freight_forwarder",
    "carrier",
    "bank",
    "importer",
    "manufacturer",
    "other",
)

#: Route-point roles, in the order goods travel. Destination rules read `port_of_discharge`,
#: `place_of_delivery` and `final_destination`; `routing_country` and `transshipment` are the
#: countries the goods pass through.
ROUTE_ROLES: tuple[str, ...] = (
    "place_of_receipt",
    "country_of_dispatch",
    "goods_location",
    "port_of_loading",
    "transshipment",
    "routing_country",
    "port_of_discharge",
    "place_of_delivery",
    "final_destination",
    "other",
)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record was read: the file and a pointer a person can follow.

    `pointer` is a JSON pointer (`/parties/2`), an XPath-like path for XML, "row 4" for
    spreadsheets, "page 1, line 11" for PDFs. `fields` gives a more precise pointer per value
    where the format has one. `certain` is False when any value of the record was guessed
    from a layout (PDF text without a table), and `uncertain` names those values.
    """

    file: str
    pointer: str
    certain: bool = True
    fields: dict[str, str] = field(default_factory=dict)
    uncertain: frozenset[str] = frozenset()

    def at(self, name: str) -> str:
        """The pointer of one value, falling back to the record's pointer."""
        return self.fields.get(name, self.pointer)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "pointer": self.pointer, "certain": self.certain}
        if self.fields:
            out["fields"] = dict(self.fields)
        if self.uncertain:
            out["uncertain"] = sorted(self.uncertain)
        return out


@dataclass(frozen=True, slots=True)
class Identifier:
    """A registry or tax number: LEI, DUNS, EORI, VAT, INN, TRN, IMO, SCAC, ..."""

    scheme: str
    value: str
    country: str | None = None


@dataclass(slots=True)
class Party:
    role: str
    #: The name as printed (several name lines joined by a space); None when the document only
    #: gives an identifier (customs declarations often give the exporter's EORI alone).
    name: str | None
    country: str | None = None
    address: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    #: The role as the document wrote it ("Notify Party", "CNE", "SCO", "Consignee (Ship to)").
    raw_role: str | None = None
    provenance: Provenance | None = None


@dataclass(frozen=True, slots=True)
class Licence:
    """An export licence or authorisation quoted for a goods line (or the whole shipment)."""

    number: str
    #: What kind of document: "X002" (EU/UK dual-use authorisation), "export_license", ...
    type: str | None = None
    issuer_country: str | None = None


@dataclass(slots=True)
class GoodsLine:
    description: str | None
    #: The commodity code exactly as written (`8542.31`, `8542 31 90`, `880330`); normalising
    #: is `tradescreen.goods.hs.normalise_code`'s job.
    hs_code: str | None = None
    #: What kind of code `hs_code` is when the document says: HS, CN, TARIC, HTS, NCM, ...
    hs_scheme: str | None = None
    origin_country: str | None = None
    quantity: float | None = None
    unit: str | None = None
    value: float | None = None
    currency: str | None = None
    unit_price: float | None = None
    eccn: str | None = None
    licences: list[Licence] = field(default_factory=list)
    #: Further codes for the same goods (national codes, TARIC additional codes), as written.
    other_codes: list[Identifier] = field(default_factory=list)
    net_kg: float | None = None
    gross_kg: float | None = None
    line_no: str | None = None
    provenance: Provenance | None = None

    @property
    def licence(self) -> str | None:
        """The first licence number quoted, for reports that show one."""
        return self.licences[0].number if self.licences else None


@dataclass(slots=True)
class RoutePoint:
    role: str
    unlocode: str | None = None
    country: str | None = None
    name: str | None = None
    #: IATA airport code when the document gives one instead of a UN/LOCODE.
    iata_code: str | None = None
    raw_role: str | None = None
    provenance: Provenance | None = None


@dataclass(slots=True)
class Vessel:
    name: str | None
    imo: str | None = None
    flag: str | None = None
    provenance: Provenance | None = None


@dataclass(slots=True)
class Leg:
    """One stage of carriage: a voyage, a flight, a truck run."""

    seq: int
    #: "sea", "air", "road", "rail", "inland_water", ... (UN/ECE Rec 19 words)
    mode: str | None = None
    from_point: str | None = None
    to_point: str | None = None
    vessel_name: str | None = None
    vessel_imo: str | None = None
    voyage: str | None = None
    flight_no: str | None = None
    carrier: str | None = None
    provenance: Provenance | None = None


@dataclass(slots=True)
class Terms:
    incoterms: str | None = None
    place: str | None = None
    payment: str | None = None
    freight_payment: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    """A document number: INVOICE, BL, HBL, AWB, HAWB, BOOKING, PO, MRN, LRN, DUCR, ..."""

    type: str
    value: str


@dataclass(frozen=True, slots=True)
class Source:
    file: str
    #: Importer key: native_json, tabular, dcsa, one_record, iata_cargo_xml, ubl,
    #: wco_declaration, invoice_pdf.
    format: str
    #: What the document says it is: "BOL", "Waybill", "EXD", "commercial invoice", ...
    document_type: str | None = None


@dataclass(slots=True)
class Shipment:
    id: str
    parties: list[Party] = field(default_factory=list)
    goods: list[GoodsLine] = field(default_factory=list)
    route: list[RoutePoint] = field(default_factory=list)
    legs: list[Leg] = field(default_factory=list)
    vessel: Vessel | None = None
    flight: str | None = None
    terms: Terms = field(default_factory=Terms)
    references: list[Reference] = field(default_factory=list)
    declared_total: float | None = None
    currency: str | None = None
    dates: dict[str, str] = field(default_factory=dict)
    source: Source | None = None

    def parties_in(self, *roles: str) -> list[Party]:
        return [p for p in self.parties if p.role in roles]

    def to_dict(self, provenance: bool = False) -> dict[str, Any]:
        """tradescreen's own JSON (see `schema/shipment.schema.json`); reads back with `native_json`."""
        from tradescreen.shipments.serialise import shipment_to_dict

        return shipment_to_dict(self, provenance=provenance)
