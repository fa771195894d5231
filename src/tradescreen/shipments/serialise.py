"""Shipments as tradescreen's own JSON (the shape `schema/shipment.schema.json` documents).

Empty values are left out so a written file reads like one a person would write by hand, and
reads back through the native JSON importer unchanged.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from tradescreen.shipments.model import GoodsLine, Leg, Party, Provenance, RoutePoint, Shipment


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, [], {}, "")}


def _prov(p: Provenance | None, provenance: bool) -> dict[str, Any]:
    return {"provenance": p.to_dict()} if provenance and p is not None else {}


def party_to_dict(p: Party, provenance: bool = False) -> dict[str, Any]:
    return _compact({
        "role": p.role, "name": p.name, "country": p.country, "address": p.address,
        "identifiers": [_compact(asdict(i)) for i in p.identifiers], "raw_role": p.raw_role,
        **_prov(p.provenance, provenance),
    })


def goods_to_dict(g: GoodsLine, provenance: bool = False) -> dict[str, Any]:
    return _compact({
        "line_no": g.line_no, "description": g.description, "hs_code": g.hs_code, "hs_scheme": g.hs_scheme,
        "origin_country": g.origin_country, "quantity": g.quantity, "unit": g.unit, "unit_price": g.unit_price,
        "value": g.value, "currency": g.currency, "eccn": g.eccn,
        "licences": [_compact(asdict(x)) for x in g.licences],
        "other_codes": [_compact(asdict(x)) for x in g.other_codes],
        "net_kg": g.net_kg, "gross_kg": g.gross_kg, **_prov(g.provenance, provenance),
    })


def route_to_dict(r: RoutePoint, provenance: bool = False) -> dict[str, Any]:
    return _compact({
        "role": r.role, "unlocode": r.unlocode, "country": r.country, "name": r.name, "iata_code": r.iata_code,
        "raw_role": r.raw_role, **_prov(r.provenance, provenance),
    })


def leg_to_dict(leg: Leg, provenance: bool = False) -> dict[str, Any]:
    data = {k: v for k, v in asdict(leg).items() if k != "provenance"}
    return _compact({**data, **_prov(leg.provenance, provenance)})


def shipment_to_dict(s: Shipment, provenance: bool = False) -> dict[str, Any]:
    vessel = None
    if s.vessel is not None:
        vessel = _compact({"name": s.vessel.name, "imo": s.vessel.imo, "flag": s.vessel.flag,
                           **_prov(s.vessel.provenance, provenance)})
    return _compact({
        "id": s.id,
        "source": _compact(asdict(s.source)) if s.source and provenance else None,
        "parties": [party_to_dict(p, provenance) for p in s.parties],
        "goods": [goods_to_dict(g, provenance) for g in s.goods],
        "route": [route_to_dict(r, provenance) for r in s.route],
        "legs": [leg_to_dict(leg, provenance) for leg in s.legs],
        "vessel": vessel,
        "flight": s.flight,
        "terms": _compact(asdict(s.terms)),
        "references": [asdict(r) for r in s.references],
        "declared_total": s.declared_total,
        "currency": s.currency,
        "dates": dict(s.dates),
    })
