"""IATA ONE Record (cargo ontology 3.x) JSON-LD: waybills, shipments, pieces, products, parties.

ONE Record data is a graph of linked logistics objects, embedded or referenced by `@id`,
with keys written `cargo:name`, as full IRIs, or bare where a context maps them. Rather than
run a JSON-LD processor (which would fetch remote contexts), this reads keys by their local
name and resolves `{"@id": ...}` references against the objects in the same file. Codes are
accepted both as `{"@id": ".../ParticipantIdentifier#SHP"}` and as
`{"@type": "cargo:CodeListElement", "cargo:code": "SHP"}`, as real payloads use both.

A file that mentions ONE Record but is not valid JSON (the upstream CIMP example is one)
is reported as an error with its line and column rather than refused outright.
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
    Party,
    Provenance,
    Reference,
    RoutePoint,
    Shipment,
    Source,
    Terms,
)
from tradescreen.shipments.normalise import (
    clean,
    country,
    join_lines,
    locode_country,
    normalise_role,
    number,
    unlocode,
)
from tradescreen.shipments.places import AirportResolver
from tradescreen.sources.base import read_bytes

FORMAT = "one_record"
MARKER = "onerecord.iata.org"

Node = dict[str, Any]


def _name(key: str) -> str:
    """The local name of a JSON-LD key or type: cargo:waybillNumber, https://...#waybillNumber → waybillNumber."""
    for sep in ("#", ":"):
        if sep in key and not key.startswith("@"):
            key = key.rsplit(sep, 1)[-1]
    return key


def _types(node: Node) -> set[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {_name(str(v)).lower() for v in values}


def looks_one_record(data: Any, raw: str = "") -> bool:
    if MARKER in raw:
        return True
    if isinstance(data, dict):
        context = json.dumps(data.get("@context", ""))
        return MARKER in context
    return False


def load_shipments(path: str | Path, reference_dir: Path | None = None) -> ImportResult:
    path = Path(path)
    result = ImportResult()
    try:
        raw = read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotAShipmentDocument(f"{path.name}: expected ONE Record JSON-LD (UTF-8): {exc.reason}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        if MARKER not in raw:
            raise NotAShipmentDocument(f"{path.name}: expected ONE Record JSON-LD: not JSON ({exc.msg})") from None
        result.error(path, f"line {exc.lineno}, column {exc.colno}", None,
                     f"ONE Record JSON-LD that is not valid JSON ({exc.msg}); nothing read")
        return result
    if not looks_one_record(data, raw):
        raise NotAShipmentDocument(f"{path.name}: expected ONE Record JSON-LD (an @context naming {MARKER})")
    graph = _Graph(data)
    reader = _Reader(path, result, graph, AirportResolver(reference_dir))
    waybills = graph.of_type("waybill")
    covered: set[int] = set()
    for pointer, node in waybills:
        shipment_node = graph.resolve(node.get_key("shipment")) if isinstance(node, _Obj) else None
        if shipment_node is not None:
            covered.add(id(shipment_node[1]))
        result.shipments.append(reader.shipment(pointer, node, shipment_node))
    for pointer, node in graph.of_type("shipment"):
        if id(node) not in covered:
            result.shipments.append(reader.shipment(None, None, (pointer, node)))
    if not result.shipments:
        kinds = sorted({t for _, n in graph.nodes for t in _types(n)})
        result.warn(path, "/", "@type", f"no cargo:Waybill or cargo:Shipment in the file (found {', '.join(kinds) or 'nothing'})")
    return result


class _Obj(dict):  # type: ignore[type-arg]
    """A JSON-LD object whose keys can be read by local name."""

    def get_key(self, name: str) -> Any:
        for key, value in self.items():
            if _name(key) == name:
                return value
        return None

    def at(self, pointer: str, name: str) -> str:
        """The JSON pointer of the key with this local name, as the file writes the key."""
        key = next((k for k in self if _name(k) == name), f"cargo:{name}")
        return f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"


class _Graph:
    def __init__(self, data: Any) -> None:
        self.nodes: list[tuple[str, _Obj]] = []
        self.by_id: dict[str, tuple[str, _Obj]] = {}
        self.root = self._wrap(data, "")

    def _wrap(self, value: Any, pointer: str) -> Any:
        if isinstance(value, dict):
            obj = _Obj({k: self._wrap(v, f"{pointer}/{k}") for k, v in value.items()})
            self.nodes.append((pointer, obj))
            node_id = str(obj.get("@id", "")).strip()
            if node_id and (node_id not in self.by_id or len(obj) > len(self.by_id[node_id][1])):
                self.by_id[node_id] = (pointer, obj)
            return obj
        if isinstance(value, list):
            return [self._wrap(v, f"{pointer}/{i}") for i, v in enumerate(value)]
        return value

    def of_type(self, name: str) -> list[tuple[str, _Obj]]:
        seen: set[int] = set()
        found = []
        for pointer, node in self.nodes:
            if name in _types(node):
                full = self.by_id.get(str(node.get("@id", "")).strip(), (pointer, node))
                if id(full[1]) not in seen:
                    seen.add(id(full[1]))
                    found.append(full)
        return found

    def resolve(self, value: Any) -> tuple[str, _Obj] | None:
        if not isinstance(value, _Obj):
            return None
        node_id = str(value.get("@id", "")).strip()
        if node_id and node_id in self.by_id and len(self.by_id[node_id][1]) >= len(value):
            return self.by_id[node_id]
        pointer = next((p for p, n in self.nodes if n is value), "")
        return pointer, value

    def many(self, value: Any) -> Iterator[tuple[str, _Obj]]:
        for item in value if isinstance(value, list) else [value] if value is not None else []:
            resolved = self.resolve(item)
            if resolved is not None:
                yield resolved


def _code(value: Any) -> str | None:
    """A code from a CodeListElement, an @id IRI (…#SHP, country:DE) or a plain string."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        inner = value.get_key("code") if isinstance(value, _Obj) else value.get("code")
        if inner is not None:
            return _code(inner)
        value = value.get("@id") or value.get("@value")
    text = clean(value)
    if text is None:
        return None
    for sep in ("#", "/", ":"):
        if sep in text:
            text = text.rsplit(sep, 1)[-1]
    return text.strip() or None


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@value")
    if isinstance(value, list):
        return join_lines([_text(v) for v in value], " ")
    return clean(value) if isinstance(value, (str, int, float)) else None


class _Reader(DocumentReader):
    def __init__(self, path: Path, result: ImportResult, graph: _Graph, airports: AirportResolver) -> None:
        super().__init__(path, result)
        self.graph = graph
        self.airports = airports

    def shipment(self, wb_pointer: str | None, waybill: _Obj | None, shipment: tuple[str, _Obj] | None) -> Shipment:
        ship = shipment[1] if shipment else _Obj()
        number_ = None
        if waybill is not None:
            number_ = "-".join(x for x in (_text(waybill.get_key("waybillPrefix")),
                                            _text(waybill.get_key("waybillNumber"))) if x) or None
        sid = number_ or str(clean((waybill or ship).get("@id")) or "") or self.path.stem
        s = Shipment(id=sid, source=Source(self.file, FORMAT, "Waybill" if waybill is not None else "Shipment"))
        if number_:
            kind = (_code(waybill.get_key("waybillType")) or "").upper() if waybill is not None else ""
            s.references.append(Reference("HAWB" if kind == "HOUSE" else "AWB", number_))
        for pointer, node in ((wb_pointer, waybill), (shipment[0] if shipment else None, ship)):
            if node is not None and pointer is not None:
                for ppointer, party in self.graph.many(node.get_key("involvedParties")):
                    s.parties.append(self._party(ppointer, party))
        if waybill is not None:
            self._location(s, "port_of_loading", waybill.get_key("departureLocation"))
            self._location(s, "port_of_discharge", waybill.get_key("arrivalLocation"))
            value = waybill.get_key("declaredValueForCustoms")
            if isinstance(value, _Obj):
                s.declared_total = number(_text(value.get_key("numericalValue")))
                s.currency = _code(value.get_key("currencyUnit"))
        incoterms = _code(ship.get_key("incoterms"))
        if incoterms:
            s.terms = Terms(incoterms=incoterms)
        self._goods(shipment, s)
        return s

    def _party(self, pointer: str, party: _Obj) -> Party:
        raw_role = _code(party.get_key("partyRole"))
        role = normalise_role(raw_role) or "other"
        details = self.graph.resolve(party.get_key("partyDetails"))
        org = details[1] if details else party
        name = _text(org.get_key("name")) or join_lines(
            [_text(org.get_key("firstName")), _text(org.get_key("lastName"))], " ")
        code = None
        address = None
        location = self.graph.resolve(org.get_key("basedAtLocation"))
        if location is not None:
            addr = self.graph.resolve(location[1].get_key("address"))
            if addr is not None:
                a = addr[1]
                code = country(_code(a.get_key("country")))
                address = join_lines([_text(a.get_key("streetAddressLines")), _text(a.get_key("cityName")),
                                      _text(a.get_key("textualPostCode"))])
        identifiers = []
        for _, ident in self.graph.many(org.get_key("otherIdentifiers")):
            value = _text(ident.get_key("textualValue"))
            scheme = _code(ident.get_key("otherIdentifierType")) or _code(ident.get_key("identifierType")) or "OTHER"
            if value:
                identifiers.append(Identifier(scheme.upper(), value))
        if _text(org.get_key("iataCargoAgentCode")):
            identifiers.append(Identifier("IATA_AGENT", str(_text(org.get_key("iataCargoAgentCode")))))
        if name is None:
            self.result.warn(self.path, pointer, "partyDetails", "party without a name")
        return Party(role=role, name=name, country=code, address=address, identifiers=identifiers, raw_role=raw_role,
                     provenance=Provenance(self.file, pointer, fields={"role": party.at(pointer, "partyRole")}))

    def _location(self, s: Shipment, role: str, value: Any) -> None:
        resolved = self.graph.resolve(value)
        if resolved is None:
            return
        pointer, loc = resolved
        codes = [c for c in (_code(x) for x in (loc.get_key("locationCodes") or [])) if c] if isinstance(
            loc.get_key("locationCodes"), list) else [c for c in [_code(loc.get_key("locationCodes"))] if c]
        locode = next((unlocode(c) for c in codes if unlocode(c)), None)
        iata = next((c.upper() for c in codes if len(c) == 3 and c.isalpha()), None)
        airport = self.airports.resolve(iata) if iata and not locode else None
        s.route.append(RoutePoint(
            role=role, unlocode=locode or (airport.unlocode if airport else None),
            country=locode_country(locode) if locode else (airport.country if airport else None),
            name=_text(loc.get_key("locationName")), iata_code=iata, raw_role=role,
            provenance=Provenance(self.file, pointer),
        ))

    def _goods(self, shipment: tuple[str, _Obj] | None, s: Shipment) -> None:
        if shipment is None:
            return
        spointer, ship = shipment
        shipment_text = _text(ship.get_key("goodsDescription"))
        seen: set[str] = set()
        for ppointer, piece in self.graph.many(ship.get_key("pieces")):
            piece_text = _text(piece.get_key("goodsDescription")) or shipment_text
            origin = _code(piece.get_key("contentProductionCountry"))
            products = list(self.graph.many(piece.get_key("contentProducts")))
            items = list(self.graph.many(piece.get_key("containedItems")))
            for _ipointer, item in items:
                prod = self.graph.resolve(item.get_key("ofProduct"))
                if prod is not None:
                    products.append(prod)
            if not products:
                key = f"text:{piece_text}"
                if piece_text and key not in seen:
                    seen.add(key)
                    s.goods.append(GoodsLine(description=piece_text, origin_country=country(origin),
                                             provenance=Provenance(self.file, ppointer, fields={
                                                 "description": piece.at(ppointer, "goodsDescription")})))
                continue
            for prodpointer, product in products:
                key = str(product.get("@id") or prodpointer)
                if key in seen:
                    continue
                seen.add(key)
                item_origin = next((_code(it.get_key("productionCountry")) for _, it in items
                                    if self.graph.resolve(it.get_key("ofProduct")) == (prodpointer, product)), None)
                description = (_text(product.get_key("description")) or _text(product.get_key("hsCommodityDescription"))
                               or _text(product.get_key("hsCommodityName")) or piece_text)
                s.goods.append(GoodsLine(
                    description=description,
                    hs_code=_code(product.get_key("hsCode")),
                    hs_scheme=_text(product.get_key("hsType")) or "HS",
                    origin_country=country(item_origin or origin),
                    provenance=Provenance(self.file, prodpointer, fields={
                        "hs_code": product.at(prodpointer, "hsCode"),
                        "description": piece.at(ppointer, "goodsDescription")}),
                ))
        if not s.goods and shipment_text:
            s.goods.append(GoodsLine(description=shipment_text, provenance=Provenance(
                self.file, spointer, fields={"description": ship.at(spointer, "goodsDescription")})))
