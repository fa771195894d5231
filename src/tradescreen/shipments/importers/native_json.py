"""tradescreen's own shipment JSON: one object, a list, {"shipments": [...]}, or JSON lines.

This is what people write by hand and what other systems are asked to produce, so it is
forgiving where forgiving is safe (roles and countries as documents write them, numbers as
strings) and strict where a mistake would hide a risk: every record is checked against
`schema/shipment.schema.json`, and each problem is reported with the record and the field.

A record with schema errors is still loaded as far as it goes: a screening tool must not
drop a shipment silently because one goods line lacks a description. Only elements that
are not objects at all are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from tradescreen.shipments.base import ImportResult, NotAShipmentDocument
from tradescreen.shipments.model import (
    ROUTE_ROLES,
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
    normalise_roles,
    normalise_route_role,
    number,
    unlocode,
)
from tradescreen.sources.base import read_bytes

FORMAT = "native_json"
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schema" / "shipment.schema.json"


@lru_cache(maxsize=1)
def _validator() -> Any:
    """The compiled schema validator, or None when the jsonschema package is not installed."""
    try:
        from jsonschema import Draft202012Validator
    except ImportError:  # pragma: no cover - jsonschema is a dependency; hand checks still run
        return None
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def _records(path: Path, text: str, result: ImportResult) -> Iterator[tuple[str, str, Any]]:
    """(location for messages, JSON-pointer prefix, record) for every record in the file."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as whole_error:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        parsed: list[tuple[int, Any]] = []
        for n, line in lines:
            try:
                parsed.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                if not parsed and n == lines[0][0]:
                    raise NotAShipmentDocument(
                        f"{path.name}: expected tradescreen shipment JSON (an object, a list or JSON lines): "
                        f"{whole_error.msg} at line {whole_error.lineno}, column {whole_error.colno}"
                    ) from None
                result.error(path, f"line {n}", None, f"not JSON: {exc.msg} at column {exc.colno}")
        for n, record in parsed:
            yield f"line {n}", "", record
        return
    if isinstance(data, dict) and isinstance(data.get("shipments"), list):
        for i, record in enumerate(data["shipments"]):
            yield f"record {i}", f"/shipments/{i}", record
    elif isinstance(data, dict):
        yield "record 0", "", data
    elif isinstance(data, list):
        for i, record in enumerate(data):
            yield f"record {i}", f"/{i}", record
    else:
        raise NotAShipmentDocument(f"{path.name}: expected a shipment object or a list of them, found {type(data).__name__}")


def looks_native(data: Any) -> bool:
    """True for parsed JSON shaped like tradescreen shipments (used by format detection)."""
    if isinstance(data, dict) and isinstance(data.get("shipments"), list):
        data = data["shipments"]
    if isinstance(data, list):
        data = next((d for d in data if isinstance(d, dict)), None)
    return isinstance(data, dict) and "@context" not in data and (
        isinstance(data.get("parties"), list) or isinstance(data.get("goods"), list)
    )


def load_shipments(path: str | Path) -> ImportResult:
    path = Path(path)
    result = ImportResult()
    try:
        text = read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotAShipmentDocument(f"{path.name}: expected UTF-8 JSON, found undecodable bytes ({exc.reason})") from None
    seen: dict[str, str] = {}
    for index, (location, prefix, record) in enumerate(_records(path, text, result)):
        if not isinstance(record, dict):
            result.error(path, location, None, f"a shipment must be a JSON object, found {type(record).__name__}")
            continue
        shipment = _shipment(path, location, prefix, record, index, result)
        if shipment.id in seen:
            result.warn(path, location, "id", f"shipment id {shipment.id!r} also used by {seen[shipment.id]}")
        seen.setdefault(shipment.id, location)
        result.shipments.append(shipment)
    return result


def _validate(path: Path, where: str, prefix: str, record: dict[str, Any], result: ImportResult) -> None:
    validator = _validator()
    if validator is None:
        return
    for err in sorted(validator.iter_errors(record), key=lambda e: list(map(str, e.absolute_path))):
        pointer = prefix + "/" + "/".join(str(p) for p in err.absolute_path)
        if err.validator == "required":
            missing = err.message.split("'")[1] if "'" in err.message else ""
            pointer = pointer.rstrip("/") + "/" + missing
            message = f"required field {missing!r} is missing"
        else:
            message = err.message
        result.error(path, where, pointer, message)


def _shipment(path: Path, location: str, prefix: str, rec: dict[str, Any], index: int,
              result: ImportResult) -> Shipment:
    raw_id = rec.get("id")
    sid = clean(raw_id) if isinstance(raw_id, (str, int)) else None
    where = f"shipment {sid}" if sid else location
    _validate(path, where, prefix, rec, result)
    file = path.name
    shipment = Shipment(id=sid or f"{path.stem}#{index}", source=Source(file, FORMAT, "tradescreen shipment"))

    for i, item in _objects(rec.get("parties"), f"{prefix}/parties", path, where, result):
        shipment.parties.extend(_parties(file, f"{prefix}/parties/{i}", item, path, where, result))
    for i, item in _objects(rec.get("goods"), f"{prefix}/goods", path, where, result):
        shipment.goods.append(_goods(file, f"{prefix}/goods/{i}", item, path, where, result))
    for i, item in _objects(rec.get("route"), f"{prefix}/route", path, where, result):
        shipment.route.append(_route_point(file, f"{prefix}/route/{i}", item, path, where, result))
    for i, item in _objects(rec.get("legs"), f"{prefix}/legs", path, where, result):
        shipment.legs.append(Leg(
            seq=int(item["seq"]) if isinstance(item.get("seq"), int) else i + 1,
            mode=clean(item.get("mode")), from_point=clean(item.get("from_point")),
            to_point=clean(item.get("to_point")), vessel_name=clean(item.get("vessel_name")),
            vessel_imo=_imo(item.get("vessel_imo")), voyage=clean(item.get("voyage")),
            flight_no=clean(item.get("flight_no")), carrier=clean(item.get("carrier")),
            provenance=Provenance(file, f"{prefix}/legs/{i}"),
        ))
    vessel = rec.get("vessel")
    if isinstance(vessel, dict):
        shipment.vessel = Vessel(
            name=clean(vessel.get("name")), imo=_imo(vessel.get("imo")), flag=country(vessel.get("flag")),
            provenance=Provenance(file, f"{prefix}/vessel", fields=_fields(f"{prefix}/vessel", vessel)),
        )
    shipment.flight = clean(rec.get("flight"))
    terms = rec.get("terms")
    if isinstance(terms, dict):
        shipment.terms = Terms(incoterms=clean(terms.get("incoterms")), place=clean(terms.get("place")),
                               payment=clean(terms.get("payment")),
                               freight_payment=clean(terms.get("freight_payment")))
    elif isinstance(terms, str):
        shipment.terms = Terms(incoterms=clean(terms))
    for _, ref in _objects(rec.get("references"), f"{prefix}/references", path, where, result):
        if clean(ref.get("type")) and clean(ref.get("value")):
            shipment.references.append(Reference(str(clean(ref["type"])).upper(), str(clean(ref["value"]))))
    shipment.declared_total = _num(rec, "declared_total", path, where, f"{prefix}/declared_total", result)
    shipment.currency = clean(rec.get("currency"))
    if isinstance(rec.get("dates"), dict):
        shipment.dates = {str(k): str(v) for k, v in rec["dates"].items() if clean(v)}
    return shipment


def _objects(value: Any, name: str, path: Path, where: str, result: ImportResult) -> Iterator[tuple[int, dict[str, Any]]]:
    if value is None:
        return
    if not isinstance(value, list):
        if _validator() is None:  # otherwise the schema check has said so already
            result.error(path, where, name, "must be a list")
        return
    for i, item in enumerate(value):
        if isinstance(item, dict):
            yield i, item
        else:
            result.error(path, where, f"{name}/{i}", f"expected an object, found {type(item).__name__}; skipped")


def _fields(pointer: str, item: dict[str, Any]) -> dict[str, str]:
    return {k: f"{pointer}/{k}" for k in item}


def _country(item: dict[str, Any], key: str, path: Path, where: str, pointer: str, result: ImportResult) -> str | None:
    raw = item.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    code = country(raw)
    if code is None:
        result.warn(path, where, f"{pointer}/{key}", f"{raw!r} is not a country tradescreen knows")
    return code


def _num(item: dict[str, Any], key: str, path: Path, where: str, pointer: str, result: ImportResult) -> float | None:
    raw = item.get(key)
    if raw is None or raw == "":
        return None
    value = number(raw)
    if value is None:
        result.error(path, where, pointer, f"{raw!r} is not a number")
    return value


def _address(value: Any) -> str | None:
    if isinstance(value, dict):
        return join_lines([v for v in value.values() if isinstance(v, (str, int))])
    return join_lines(value)


def _imo(value: Any) -> str | None:
    text = clean(value)
    if text is None:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits or text


def _parties(file: str, pointer: str, item: dict[str, Any], path: Path, where: str,
             result: ImportResult) -> list[Party]:
    raw_role = clean(item.get("role"))
    roles = normalise_roles(raw_role)
    if not roles:
        if raw_role:
            result.warn(path, where, f"{pointer}/role", f"role {raw_role!r} is not one tradescreen knows; screened as 'other'")
        roles = ["other"]
    name = item.get("name")
    identifiers = []
    for _j, ident in _objects(item.get("identifiers"), f"{pointer}/identifiers", path, where, result):
        scheme, value = clean(ident.get("scheme")), clean(ident.get("value"))
        if scheme and value:
            identifiers.append(Identifier(scheme.upper(), value, country(ident.get("country"))))
    prov = Provenance(file, pointer, fields=_fields(pointer, item))
    return [
        Party(
            role=role,
            name=clean(name) if isinstance(name, (str, int)) else None,
            country=_country(item, "country", path, where, pointer, result),
            address=_address(item.get("address")),
            identifiers=list(identifiers),
            raw_role=raw_role if raw_role != role else clean(item.get("raw_role")),
            provenance=prov,
        )
        for role in roles
    ]


def _goods(file: str, pointer: str, item: dict[str, Any], path: Path, where: str, result: ImportResult) -> GoodsLine:
    hs = item.get("hs_code")
    if isinstance(hs, (int, float)) and not isinstance(hs, bool):
        result.warn(path, where, f"{pointer}/hs_code",
                    f"HS code written as the number {hs!r}: leading zeros may be lost; write it as a string")
    licences = [Licence(str(clean(x.get("number"))), clean(x.get("type")), country(x.get("issuer_country")))
                for _, x in _objects(item.get("licences"), f"{pointer}/licences", path, where, result)
                if clean(x.get("number"))]
    if clean(item.get("licence")):
        licences.insert(0, Licence(str(clean(item["licence"]))))
    other = [Identifier(str(clean(x.get("scheme"))).upper(), str(clean(x.get("value"))), country(x.get("country")))
             for _, x in _objects(item.get("other_codes"), f"{pointer}/other_codes", path, where, result)
             if clean(x.get("scheme")) and clean(x.get("value"))]
    return GoodsLine(
        description=clean(item.get("description")) if not isinstance(item.get("description"), (dict, list)) else None,
        hs_code=clean(hs) if isinstance(hs, (str, int, float)) and not isinstance(hs, bool) else None,
        hs_scheme=clean(item.get("hs_scheme")),
        origin_country=_country(item, "origin_country", path, where, pointer, result),
        quantity=_num(item, "quantity", path, where, f"{pointer}/quantity", result),
        unit=clean(item.get("unit")),
        value=_num(item, "value", path, where, f"{pointer}/value", result),
        currency=clean(item.get("currency")),
        unit_price=_num(item, "unit_price", path, where, f"{pointer}/unit_price", result),
        eccn=clean(item.get("eccn")),
        licences=licences,
        other_codes=other,
        net_kg=_num(item, "net_kg", path, where, f"{pointer}/net_kg", result),
        gross_kg=_num(item, "gross_kg", path, where, f"{pointer}/gross_kg", result),
        line_no=clean(item.get("line_no")),
        provenance=Provenance(file, pointer, fields=_fields(pointer, item)),
    )


def _route_point(file: str, pointer: str, item: dict[str, Any], path: Path, where: str,
                 result: ImportResult) -> RoutePoint:
    raw_role = clean(item.get("role"))
    role = raw_role if raw_role in ROUTE_ROLES else normalise_route_role(raw_role)
    if role is None:
        if raw_role:
            result.warn(path, where, f"{pointer}/role", f"route role {raw_role!r} is not one tradescreen knows")
        role = "other"
    code = unlocode(item.get("unlocode"))
    if item.get("unlocode") and code is None:
        result.error(path, where, f"{pointer}/unlocode", f"{item.get('unlocode')!r} is not a UN/LOCODE")
    written = _country(item, "country", path, where, pointer, result)
    iata = clean(item.get("iata_code"))
    return RoutePoint(
        role=role,
        unlocode=code,
        country=written or locode_country(code),
        name=clean(item.get("name")),
        iata_code=iata.upper() if iata else None,
        raw_role=raw_role if raw_role != role else clean(item.get("raw_role")),
        provenance=Provenance(file, pointer, fields=_fields(pointer, item)),
    )
