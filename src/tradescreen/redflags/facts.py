"""The facts of a shipment that the red-flag and route rules read: a plain structure the shipment model maps onto.

Roles are lower-case words with underscores as in ../shared/reference/documents/README.md §1 ("consignee",
"ultimate_consignee", "end_user", "notify_party", "freight_forwarder", "bank", "invoice_payer", ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tradescreen.destinations.model import RoutePoint
from tradescreen.goods.model import GoodsInput

#: Roles whose country is a destination of the goods (goods for a Russian end user are goods for Russia).
DESTINATION_ROLES = frozenset({"consignee", "ultimate_consignee", "end_user", "intermediate_consignee", "ship_to"})
#: Route roles that are destinations (not transit points).
DESTINATION_POINTS = frozenset({
    "port_of_discharge", "place_of_delivery", "place_of_final_delivery", "final_destination",
    "airport_of_destination", "country_of_destination",
})


@dataclass(frozen=True, slots=True)
class Party:
    role: str
    name: str
    country: str | None = None
    address: str | None = None
    ref: str = ""
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    #: Date of incorporation, "YYYY-MM-DD" (or "YYYY"), when a registry or the document gives it.
    incorporated: str | None = None

    @property
    def iso2(self) -> str | None:
        code = (self.country or "").strip().upper()
        return code[:2] if len(code) >= 2 and code[:2].isalpha() else None

    @property
    def role_key(self) -> str:
        return self.role.strip().lower().replace(" ", "_").replace("-", "_")


@dataclass(frozen=True, slots=True)
class Payment:
    payer: str | None = None
    payer_country: str | None = None
    #: "wire", "cash", "letter_of_credit", ... as the document says it.
    method: str | None = None
    amount: float | None = None
    currency: str | None = None
    ref: str = ""


@dataclass(frozen=True, slots=True)
class ShipmentFacts:
    id: str
    parties: tuple[Party, ...] = ()
    goods: tuple[GoodsInput, ...] = ()
    route: tuple[RoutePoint, ...] = ()
    payments: tuple[Payment, ...] = ()
    #: Payment terms as printed ("L/C at sight", "CAD", "100% prepayment").
    payment_terms: str | None = None
    #: Marks and numbers / label text on the packages.
    marks: str | None = None
    declared_value: float | None = None
    currency: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def parties_in(self, roles: frozenset[str] | set[str]) -> list[Party]:
        return [p for p in self.parties if p.role_key in roles]
