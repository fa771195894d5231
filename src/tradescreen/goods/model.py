"""The goods line as the goods checks need it, independent of any document format."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GoodsInput:
    description: str
    #: The code as printed on the document (`8542.31`, `8803 30 00`, `HS 8542`); normalised by the checks.
    hs_code: str | None = None
    origin_country: str | None = None
    #: Where the line came from, e.g. "goods[2]"; copied into every finding's evidence.
    ref: str = ""
    quantity: float | None = None
    value: float | None = None
    currency: str | None = None
