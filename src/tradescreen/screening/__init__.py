"""Screening a shipment end to end: parties, goods, destinations, route and red flags → a verdict.

Each check lives in its own package (matching, goods, destinations, redflags) as pure
functions; this package only maps a shipment onto their inputs, runs them and gathers the
findings, so that the CLI, the HTTP API and batch jobs share one code path.
"""

from tradescreen.screening.context import ScreeningContext
from tradescreen.screening.shipment import ScreeningResult, screen_shipment, screen_shipments

__all__ = ["ScreeningContext", "ScreeningResult", "screen_shipment", "screen_shipments"]
