"""Public value types of the matching engine: what a screening asks (`Query`) and answers (`Match`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tradescreen.countries import to_code

#: FtM properties read as query names, in priority order.
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
#: FtM properties read as identifiers (exact match after normalisation).
ID_PROPS = ("idNumber", "imoNumber", "mmsi", "swiftBic", "taxNumber", "registrationNumber", "passportNumber",
            "innCode", "ogrnCode", "leiCode", "vatCode", "okpoCode", "bikCode", "icaoCode", "callSign")
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "flag")


@dataclass(slots=True)
class Query:
    """A party to screen: one or more names plus whatever else the form or document carries."""

    names: list[str]
    schema: str | None = None
    birth_dates: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    gender: str | None = None
    identifiers: list[str] = field(default_factory=list)

    @classmethod
    def from_ftm(cls, data: dict[str, Any]) -> Query:
        """Build from a FollowTheMoney-style object (`{"schema", "properties": {...}}`), as in the bench."""
        props: dict[str, Any] = data.get("properties") or {}

        def values(*keys: str) -> list[str]:
            out: list[str] = []
            for key in keys:
                raw = props.get(key) or []
                for v in [raw] if isinstance(raw, str) else raw:
                    if isinstance(v, str) and v.strip() and v.strip() not in out:
                        out.append(v.strip())
            return out

        names = values(*NAME_PROPS)
        if not names:
            parts = values("firstName", "middleName", "fatherName", "lastName")
            if parts:
                names = [" ".join(parts)]
        countries = []
        for c in values(*COUNTRY_PROPS):
            code = c.lower() if len(c) == 2 else to_code(c)
            if code and code not in countries:
                countries.append(code)
        genders = values("gender")
        return cls(names=names, schema=data.get("schema"), birth_dates=values("birthDate"), countries=countries,
                   gender=genders[0].lower() if genders else None, identifiers=values(*ID_PROPS))


@dataclass(slots=True)
class Feature:
    """One piece of evidence behind a score: `value` is the feature's raw value, `weight` its learned
    weight (contribution to the log-odds = value x weight), `detail` the human-readable reason."""

    name: str
    value: float
    weight: float
    detail: str

    @property
    def contribution(self) -> float:
        return self.value * self.weight


class Match:
    """One listed party returned for a query, with the evidence that put it there.

    `explanation` is built on first access when the screener hands over a builder (`explain=`): most
    returned matches are never read feature by feature (bench protocol, batch screening below the alert
    line), and building the evidence costs more than scoring. The value is the same either way.
    """

    __slots__ = ("entity_id", "caption", "schema", "datasets", "score", "matched_name", "query_name",
                 "_explanation", "_explain")

    def __init__(self, entity_id: str, caption: str, schema: str, datasets: list[str], score: float,
                 matched_name: str, query_name: str, explanation: list[Feature] | None = None, *,
                 explain: Callable[[], list[Feature]] | None = None) -> None:
        self.entity_id = entity_id
        self.caption = caption
        self.schema = schema
        self.datasets = datasets
        self.score = score
        self.matched_name = matched_name
        self.query_name = query_name
        self._explanation = explanation
        self._explain = explain

    @property
    def explanation(self) -> list[Feature]:
        if self._explanation is None:
            self._explanation = self._explain() if self._explain is not None else []
            self._explain = None
        return self._explanation

    @explanation.setter
    def explanation(self, value: list[Feature]) -> None:
        self._explanation = value
        self._explain = None

    def _key(self) -> tuple[Any, ...]:
        return (self.entity_id, self.caption, self.schema, self.datasets, self.score, self.matched_name,
                self.query_name, self.explanation)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Match) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"Match(entity_id={self.entity_id!r}, caption={self.caption!r}, schema={self.schema!r}, "
                f"score={self.score:.4f}, matched_name={self.matched_name!r}, query_name={self.query_name!r})")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.entity_id, "caption": self.caption, "schema": self.schema, "datasets": self.datasets,
            "score": round(self.score, 4), "matched_name": self.matched_name, "query_name": self.query_name,
            "explanation": [{"feature": f.name, "value": round(f.value, 4), "weight": round(f.weight, 4),
                             "detail": f.detail} for f in self.explanation],
        }
