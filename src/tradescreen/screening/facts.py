"""Map the shipment model onto the plain inputs of the goods, destination and red-flag checks."""

from __future__ import annotations

from tradescreen.destinations.model import RoutePoint as RouteInput
from tradescreen.goods.model import GoodsInput
from tradescreen.redflags.facts import Party as PartyInput
from tradescreen.redflags.facts import ShipmentFacts
from tradescreen.shipments.model import Provenance, Shipment


def where(provenance: Provenance | None, fallback: str) -> str:
    """A pointer a person can follow: the file and the place in it."""
    if provenance is None:
        return fallback
    return f"{provenance.file} {provenance.pointer}".strip()


def to_facts(shipment: Shipment) -> ShipmentFacts:
    parties = tuple(
        PartyInput(
            role=p.role,
            name=p.name or "",
            country=p.country,
            address=p.address,
            ref=where(p.provenance, f"parties[{i}]"),
        )
        for i, p in enumerate(shipment.parties)
    )
    goods = tuple(
        GoodsInput(
            description=g.description or "",
            hs_code=g.hs_code,
            origin_country=g.origin_country,
            ref=where(g.provenance, f"goods[{i}]"),
            quantity=g.quantity,
            value=g.value,
            currency=g.currency,
        )
        for i, g in enumerate(shipment.goods)
    )
    route = tuple(
        RouteInput(role=r.role, country=r.country, locode=r.unlocode, name=r.name,
                   ref=where(r.provenance, f"route[{i}]"))
        for i, r in enumerate(shipment.route)
    )
    return ShipmentFacts(
        id=shipment.id,
        parties=parties,
        goods=goods,
        route=route,
        payment_terms=shipment.terms.payment if shipment.terms else None,
        declared_value=shipment.declared_total,
        currency=shipment.currency,
    )
