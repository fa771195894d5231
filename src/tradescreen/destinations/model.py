"""Plain inputs of the destination and route checks, independent of any document format.

The shipment model (built elsewhere) is mapped onto these so that the checks stay pure functions that
tests can call with three lines of data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Destination:
    """A country (and maybe a region) the goods go to, and why the shipment says so."""

    #: ISO 3166-1 alpha-2, upper case ("RU"); lower-case FtM codes are accepted and upper-cased.
    country: str | None
    #: Why this is a destination, for the message: "end user country", "port of discharge RUNVS".
    why: str
    #: ISO 3166-2 style region, e.g. "UA-43", when known.
    subdivision: str | None = None
    #: UN/LOCODE of the place, when the destination is a route point.
    locode: str | None = None
    #: Address or place text, searched for region names ("Simferopol", "Донецк").
    text: str | None = None
    #: Where in the source document this came from, e.g. "route[2]" or "parties[3].address".
    ref: str | None = None

    @property
    def iso2(self) -> str | None:
        code = (self.country or "").strip().upper()
        return code[:2] if len(code) >= 2 and code[:2].isalpha() else None


@dataclass(frozen=True, slots=True)
class RoutePoint:
    """One point of the route, in order: role as the document names it, UN/LOCODE and/or country."""

    role: str
    country: str | None = None
    locode: str | None = None
    name: str | None = None
    ref: str | None = None

    @property
    def iso2(self) -> str | None:
        code = (self.country or "").strip().upper()
        if len(code) >= 2 and code[:2].isalpha():
            return code[:2]
        loc = (self.locode or "").replace(" ", "").upper()
        return loc[:2] if len(loc) == 5 and loc[:2].isalpha() and loc[:2] != "XZ" else None
