"""CSV and XLSX exports with one row per goods line, as exporters pull them from their ERP.

Every ERP names its columns differently ("HS Code", "Commodity code", "Tariff No";
"Consignee", "Ship-to name", "End User Country"), so columns are recognised by their words,
not by a fixed header. Rows are grouped into shipments by the first shipment-like column
(shipment id, then invoice, order, B/L or reference number); shipment-level values (parties,
ports, vessel) are read from every row of the group, and a party that differs between rows
is kept as a second party rather than silently dropped. Provenance is "row N, column X" with
N the row number a spreadsheet shows (the header is row 1 when it is the first line).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tradescreen.shipments.base import ImportResult, NotAShipmentDocument
from tradescreen.shipments.model import (
    GoodsLine,
    Identifier,
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
    clean,
    country,
    locode_country,
    normalise_roles,
    normalise_route_role,
    number,
    unlocode,
)
from tradescreen.sources.base import read_bytes

FORMAT = "tabular"

_GROUP_KEYS = ("shipment", "invoice", "order", "bl", "booking", "reference")
_GROUP_WORDS: dict[str, str] = {
    "shipment": "shipment", "shipment id": "shipment", "shipment no": "shipment", "shipment number": "shipment",
    "shipment ref": "shipment", "shipment reference": "shipment", "consignment": "shipment",
    "consignment no": "shipment", "consignment id": "shipment",
    "invoice": "invoice", "invoice no": "invoice", "invoice number": "invoice", "invoice id": "invoice",
    "commercial invoice": "invoice", "order": "order", "order no": "order", "order number": "order",
    "po": "order", "po number": "order", "po no": "order", "purchase order": "order", "sales order": "order",
    "bl": "bl", "bl no": "bl", "bl number": "bl", "bill of lading": "bl", "awb": "bl", "awb no": "bl",
    "booking": "booking", "booking no": "booking", "booking number": "booking",
    "reference": "reference", "ref": "reference", "reference no": "reference", "our ref": "reference",
}
_REF_TYPES = {"invoice": "INVOICE", "order": "PO", "bl": "BL", "booking": "BOOKING", "reference": "REFERENCE",
              "shipment": "SHIPMENT"}
_GOODS_WORDS: dict[str, str] = {}
for _field, _words in {
    "description": ("description", "goods description", "description of goods", "item description", "product",
                    "product description", "commodity description", "article", "article description", "goods",
                    "item", "material description", "part description"),
    "hs_code": ("hs", "hs code", "hscode", "hs tariff", "hs number", "commodity code", "tariff no", "tariff number",
                "tariff code", "hts", "hts code", "htsus", "schedule b", "schedule b number", "cn code", "cn",
                "customs code", "customs tariff", "taric", "taric code", "harmonized code", "harmonised code",
                "harmonized system code", "tariff", "customs tariff number", "statistical code"),
    "origin_country": ("origin", "country of origin", "coo", "origin country", "made in", "country origin"),
    "quantity": ("qty", "quantity", "pieces", "pcs", "units", "number of units"),
    "unit": ("unit", "uom", "unit of measure", "qty unit", "quantity unit"),
    "value": ("value", "amount", "total", "line value", "total value", "line amount", "extended value",
              "line total", "net value", "invoice value", "total amount"),
    "unit_price": ("unit price", "price", "price per unit", "unit value"),
    "currency": ("currency", "curr", "ccy", "currency code"),
    "eccn": ("eccn", "export classification", "control classification", "export control classification",
             "ecn", "eccn code", "dual use", "dual use code", "control list entry", "ear classification"),
    "licence": ("licence", "license", "licence no", "license no", "licence number", "license number",
                "export licence", "export license", "licence exception", "license exception"),
    "net_kg": ("net weight", "net kg", "net weight kg", "net mass"),
    "gross_kg": ("gross weight", "gross kg", "gross weight kg", "gross mass", "weight"),
    "line_no": ("line", "line no", "line number", "item no", "pos", "position"),
}.items():
    for _w in _words:
        _GOODS_WORDS[_w] = _field
_SHIPMENT_WORDS: dict[str, str] = {
    "vessel": "vessel", "vessel name": "vessel", "ship": "vessel", "ship name": "vessel",
    "imo": "imo", "imo number": "imo", "imo no": "imo", "vessel imo": "imo",
    "flag": "flag", "vessel flag": "flag", "flight": "flight", "flight no": "flight", "flight number": "flight",
    "incoterms": "incoterms", "incoterm": "incoterms", "terms of delivery": "incoterms", "delivery terms": "incoterms",
    "incoterms place": "incoterms_place", "named place": "incoterms_place",
    "payment terms": "payment", "terms of payment": "payment",
    "invoice total": "declared_total", "total invoice value": "declared_total", "declared value": "declared_total",
}
_PARTY_SUFFIX = {"": "name", "name": "name", "company": "name", "country": "country", "country code": "country",
                 "address": "address", "city": "city", "id": "id", "eori": "EORI", "vat": "VAT", "vat no": "VAT",
                 "tax id": "TAX", "inn": "INN", "lei": "LEI", "duns": "DUNS", "ein": "EIN", "trn": "TRN"}
_ROUTE_SUFFIX = {"": "place", "code": "place", "locode": "unlocode", "unlocode": "unlocode", "un locode": "unlocode",
                 "country": "country", "country code": "country", "name": "name", "city": "name", "port": "place"}


def _key(header: str) -> str:
    text = header.lower().replace("#", " no ").replace("'", "").replace("b/l", "bl")
    text = re.sub(r"\bnumber\b|\bnr\b|\bno\b", "no", text)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    header: str
    kind: str  # group, goods, shipment, party, route
    field: str  # the model field, or the party/route role
    part: str = ""  # for party/route columns: name, country, address, EORI, ...


def _classify(index: int, header: str) -> Column | None:
    key = _key(header)
    key_no = key.replace(" no", "").strip() if key.endswith(" no") else key
    if key in _GROUP_WORDS:
        return Column(index, header, "group", _GROUP_WORDS[key])
    if key in _GOODS_WORDS:
        return Column(index, header, "goods", _GOODS_WORDS[key])
    if key in _SHIPMENT_WORDS:
        return Column(index, header, "shipment", _SHIPMENT_WORDS[key])
    if key_no in _GROUP_WORDS:
        return Column(index, header, "group", _GROUP_WORDS[key_no])
    words = key.split()
    for cut in range(len(words), 0, -1):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        roles = normalise_roles(head)
        if len(roles) == 1 and tail in _PARTY_SUFFIX and head not in ("ca", "air", "end", "by", "se", "eu", "user"):
            return Column(index, header, "party", roles[0], _PARTY_SUFFIX[tail])
        route = normalise_route_role(head)
        if route and tail in _ROUTE_SUFFIX:
            part = _ROUTE_SUFFIX[tail]
            if route == "final_destination" and "country" in head:
                part = "country"
            return Column(index, header, "route", route, part)
    return None


def load_shipments(path: str | Path) -> ImportResult:
    path = Path(path)
    data = read_bytes(path)
    if data[:4] == b"PK\x03\x04":
        sheet_rows = _xlsx_rows(path)
    else:
        sheet_rows = _csv_rows(path, data)
    return _load_rows(path, sheet_rows)


def _csv_rows(path: Path, data: bytes) -> list[tuple[int, list[Any]]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text[:4096]:
        raise NotAShipmentDocument(f"{path.name}: expected a CSV or XLSX table of goods lines, found binary data")
    sample = "\n".join(text.splitlines()[:20])
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return [(reader.line_num, row) for row in reader]


def _xlsx_rows(path: Path) -> list[tuple[int, list[Any]]]:
    try:
        from openpyxl import load_workbook
    except ImportError as exc:  # pragma: no cover - openpyxl comes with followthemoney
        raise NotAShipmentDocument(f"{path.name}: reading XLSX needs openpyxl ({exc})") from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on broken or foreign ZIPs
        raise NotAShipmentDocument(f"{path.name}: expected an XLSX workbook of goods lines: {exc}") from None
    try:
        sheet = book.worksheets[0]
        rows: list[tuple[int, list[Any]]] = []
        for row in sheet.iter_rows():
            values = [_cell(c) for c in row]
            rows.append((row[0].row if row and hasattr(row[0], "row") else len(rows) + 1, values))
        return rows
    finally:
        book.close()


def _cell(cell: Any) -> Any:
    """A cell's value; a float formatted with fixed decimals (HS code `8542.10`) keeps them."""
    value = cell.value
    if isinstance(value, float):
        fmt = getattr(cell, "number_format", "") or ""
        match = re.fullmatch(r"0\.(0+)", fmt)
        if match:
            return f"{value:.{len(match.group(1))}f}"
    return value


def _load_rows(path: Path, rows: list[tuple[int, list[Any]]]) -> ImportResult:
    header_at, columns = _find_header(rows)
    if header_at is None:
        raise NotAShipmentDocument(
            f"{path.name}: expected a table of goods lines with a header naming a description or HS-code column "
            "(e.g. 'Description', 'HS Code', 'Commodity code')"
        )
    result = ImportResult()
    group = next((c for k in _GROUP_KEYS for c in columns if c.kind == "group" and c.field == k), None)
    if group is None:
        result.warn(path, f"row {rows[header_at][0]}", None,
                    "no shipment, invoice, order or reference column: all rows read as one shipment")
    shipments: dict[str, Shipment] = {}
    width = len(rows[header_at][1])
    for line, row in rows[header_at + 1:]:
        if not any(clean(v) for v in row):
            continue
        if len(row) > width and any(clean(v) for v in row[width:]):
            result.warn(path, f"row {line}", None, f"{len(row)} cells but the header has {width}; extra cells ignored")
        cell = {c: (row[c.index] if c.index < len(row) else None) for c in columns}
        sid = clean(cell[group]) if group else path.stem
        if sid is None:
            result.error(path, f"row {line}", group.header if group else None, "no shipment reference; row skipped")
            continue
        shipment = shipments.get(sid)
        if shipment is None:
            shipment = shipments[sid] = Shipment(id=sid, source=Source(path.name, FORMAT, "goods-line table"))
        _read_row(path, line, cell, shipment, result)
    result.shipments.extend(shipments.values())
    return result


def _find_header(rows: list[tuple[int, list[Any]]]) -> tuple[int | None, list[Column]]:
    for i, (_, row) in enumerate(rows[:15]):
        columns = [c for c in (_classify(j, str(v)) for j, v in enumerate(row) if clean(v)) if c]
        if any(c.kind == "goods" and c.field in ("description", "hs_code") for c in columns) and len(columns) >= 2:
            return i, columns
    return None, []


def _read_row(path: Path, line: int, cell: dict[Column, Any], s: Shipment, result: ImportResult) -> None:
    file = path.name
    goods: dict[str, Any] = {}
    fields: dict[str, str] = {}
    parties: dict[str, dict[str, tuple[Any, Column]]] = {}
    route: dict[str, dict[str, tuple[Any, Column]]] = {}
    for col, value in cell.items():
        if clean(value) is None:
            continue
        if col.kind == "goods":
            goods[col.field] = value
            fields[col.field] = f"row {line}, column {col.header}"
        elif col.kind == "party":
            parties.setdefault(col.field, {})[col.part] = (value, col)
        elif col.kind == "route":
            route.setdefault(col.field, {})[col.part] = (value, col)
        elif col.kind == "group":
            ref = Reference(_REF_TYPES[col.field], str(clean(value)))
            if ref not in s.references:
                s.references.append(ref)
        else:
            _shipment_value(path, line, col, value, s, result)

    if goods:
        def num(name: str) -> float | None:
            if name not in goods:
                return None
            parsed = number(goods[name])
            if parsed is None:
                result.error(path, f"row {line}", _header(cell, "goods", name), f"{goods[name]!r} is not a number")
            return parsed

        origin = goods.get("origin_country")
        origin_code = country(origin)
        if origin is not None and origin_code is None:
            result.warn(path, f"row {line}", _header(cell, "goods", "origin_country"), f"{origin!r} is not a country")
        hs = goods.get("hs_code")
        if isinstance(hs, float) and hs.is_integer():
            hs = int(hs)
        if "description" not in goods:
            result.warn(path, f"row {line}", None, "goods line without a description")
        s.goods.append(GoodsLine(
            description=clean(goods.get("description")),
            hs_code=clean(hs),
            origin_country=origin_code,
            quantity=num("quantity"),
            unit=clean(goods.get("unit")),
            value=num("value"),
            currency=clean(goods.get("currency")) or s.currency,
            unit_price=num("unit_price"),
            eccn=clean(goods.get("eccn")),
            licences=[Licence(str(clean(goods["licence"])))] if clean(goods.get("licence")) else [],
            net_kg=num("net_kg"),
            gross_kg=num("gross_kg"),
            line_no=clean(goods.get("line_no")),
            provenance=Provenance(file, f"row {line}", fields=fields),
        ))
    for role, parts in parties.items():
        _add_party(path, line, role, parts, s, result)
    for role, parts in route.items():
        _add_route(path, line, role, parts, s, result)


def _header(cell: dict[Column, Any], kind: str, name: str) -> str | None:
    return next((c.header for c in cell if c.kind == kind and c.field == name), None)


def _shipment_value(path: Path, line: int, col: Column, value: Any, s: Shipment, result: ImportResult) -> None:
    where = f"row {line}, column {col.header}"
    text = clean(value)
    if col.field in ("vessel", "imo", "flag"):
        if s.vessel is None:
            s.vessel = Vessel(name=None, provenance=Provenance(path.name, where, fields={}))
        if col.field == "vessel" and s.vessel.name is None:
            s.vessel.name = text
        elif col.field == "imo" and s.vessel.imo is None:
            s.vessel.imo = "".join(ch for ch in str(text) if ch.isdigit()) or text
        elif col.field == "flag" and s.vessel.flag is None:
            s.vessel.flag = country(text)
        if s.vessel.provenance is not None:
            s.vessel.provenance.fields.setdefault({"vessel": "name"}.get(col.field, col.field), where)
    elif col.field == "flight":
        s.flight = s.flight or text
    elif col.field == "incoterms":
        s.terms.incoterms = s.terms.incoterms or text
    elif col.field == "incoterms_place":
        s.terms.place = s.terms.place or text
    elif col.field == "payment":
        s.terms.payment = s.terms.payment or text
    elif col.field == "declared_total" and s.declared_total is None:
        s.declared_total = number(value)
        if s.declared_total is None:
            result.error(path, f"row {line}", col.header, f"{value!r} is not a number")


def _add_party(path: Path, line: int, role: str, parts: dict[str, tuple[Any, Column]], s: Shipment,
               result: ImportResult) -> None:
    def part(name: str) -> str | None:
        return clean(parts[name][0]) if name in parts else None

    name = part("name")
    written = part("country")
    code = country(written)
    if written and code is None:
        result.warn(path, f"row {line}", parts["country"][1].header, f"{written!r} is not a country")
    has_ids = any(k not in ("name", "country", "address", "city") for k in parts)
    if name is None and code is None and not has_ids:
        return  # an address alone names no one; "End User Country" alone still tells the destination
    address = ", ".join(x for x in (part("address"), part("city")) if x) or None
    identifiers = [Identifier(k if k != "id" else "ID", str(clean(v[0])), code) for k, v in parts.items()
                   if k not in ("name", "country", "address", "city") and clean(v[0])]
    for known in s.parties:
        if known.role == role and (known.name or "").casefold() == (name or "").casefold() and known.country == code:
            return
    fields = {({"name": "name", "country": "country", "address": "address", "city": "address"}.get(k, "identifiers")):
              f"row {line}, column {col.header}" for k, (_, col) in parts.items()}
    first = next(iter(parts.values()))[1]
    s.parties.append(Party(role=role, name=name, country=code, address=address, identifiers=identifiers,
                           raw_role=first.header, provenance=Provenance(path.name, f"row {line}, column {first.header}",
                                                                        fields=fields)))


def _add_route(path: Path, line: int, role: str, parts: dict[str, tuple[Any, Column]], s: Shipment,
               result: ImportResult) -> None:
    code = name = written = None
    for kind, (value, col) in parts.items():
        text = clean(value)
        if kind in ("place", "unlocode"):
            code = unlocode(text)
            if code is None:
                if kind == "unlocode":
                    result.error(path, f"row {line}", col.header, f"{text!r} is not a UN/LOCODE")
                name = text
        elif kind == "country":
            written = country(text)
            if written is None:
                result.warn(path, f"row {line}", col.header, f"{text!r} is not a country")
        else:
            name = text
    place_country = written or locode_country(code) or (country(name) if name else None)
    for known in s.route:
        if known.role == role and (known.unlocode, known.country, known.name) == (code, place_country, name):
            return
    first = next(iter(parts.values()))[1]
    s.route.append(RoutePoint(role=role, unlocode=code, country=place_country, name=name, raw_role=first.header,
                              provenance=Provenance(path.name, f"row {line}, column {first.header}",
                                                    fields={k: f"row {line}, column {c.header}" for k, (_, c) in parts.items()})))


def sniff_header(rows: Iterable[list[Any]]) -> bool:
    """True when one of the first rows is a goods-line header (used by format detection)."""
    indexed = [(i + 1, r) for i, r in enumerate(rows)]
    return _find_header(indexed)[0] is not None
