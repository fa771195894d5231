"""Shipments: one model for every trade document, importers per format, detection by content.

    from tradescreen.shipments import load
    result = load(["invoice.pdf", "bl.json"])      # ImportResult(shipments, issues)

See `model.py` for the model, `importers/` for the formats and `schema/shipment.schema.json`
for tradescreen's own JSON.
"""

from tradescreen.shipments.base import ImportResult, NotAShipmentDocument
from tradescreen.shipments.detect import FORMATS, detect_format, load, load_as
from tradescreen.shipments.model import (
    PARTY_ROLES,
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

__all__ = [
    "FORMATS", "PARTY_ROLES", "ROUTE_ROLES", "GoodsLine", "Identifier", "ImportResult", "Leg",
    "Licence", "NotAShipmentDocument", "Party", "Provenance", "Reference", "RoutePoint", "Shipment", "Source", "Terms",
    "Vessel", "detect_format", "load", "load_as",
]
