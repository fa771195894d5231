"""The entity record every list parser produces and every later stage reads.

Entities follow FollowTheMoney's JSON shape (`id`, `schema`, `properties`, `datasets`, and
OpenSanctions' `target` flag) so that lists can be exported to and imported from FtM tooling
unchanged. It is a plain dataclass rather than followthemoney's `EntityProxy` because parsers
build tens of thousands of them per import and proxies validate and clean every value on the
way in, which costs seconds we do not have; `validate()` checks the schema and property
names against the real FtM model instead, once, at import time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Entity:
    """One list entry (or a link between entries), in FollowTheMoney terms.

    `target` is True for the listed parties themselves and False for auxiliary entities such
    as `UnknownLink` records that carry "Linked To" relations; only targets are screened.
    """

    id: str
    schema: str
    properties: dict[str, list[str]] = field(default_factory=dict)
    datasets: list[str] = field(default_factory=list)
    target: bool = True

    def add(self, prop: str, value: Any) -> None:
        """Add one value or several, skipping empties and exact duplicates (list order kept)."""
        if value is None:
            return
        if isinstance(value, (list, tuple, set)):
            for item in value:
                self.add(prop, item)
            return
        text = str(value).strip()
        if not text:
            return
        values = self.properties.setdefault(prop, [])
        if text not in values:
            values.append(text)

    def get(self, prop: str) -> list[str]:
        return self.properties.get(prop, [])

    def first(self, prop: str) -> str | None:
        values = self.properties.get(prop)
        return values[0] if values else None

    @property
    def caption(self) -> str:
        """The name a person would read: the first `name`, else the id."""
        return self.first("name") or self.id

    def names(self) -> list[str]:
        """Every name the entry is known by: names, aliases, former names and weak aliases."""
        out: list[str] = []
        for prop in ("name", "alias", "previousName", "weakAlias"):
            out.extend(self.properties.get(prop, []))
        return out

    def to_dict(self) -> dict[str, Any]:
        """FollowTheMoney JSON (OpenSanctions export flavour)."""
        return {
            "id": self.id,
            "schema": self.schema,
            "properties": {k: list(v) for k, v in sorted(self.properties.items()) if v},
            "datasets": list(self.datasets),
            "target": self.target,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        props_in = data.get("properties") or {}
        if not isinstance(props_in, dict):
            raise ValueError("'properties' must be an object")
        entity = cls(
            id=str(data["id"]),
            schema=str(data["schema"]),
            datasets=[str(d) for d in data.get("datasets") or []],
            target=bool(data.get("target", True)),
        )
        for prop, values in props_in.items():
            if isinstance(values, (str, int, float)):
                values = [values]
            entity.add(str(prop), [v for v in values if isinstance(v, (str, int, float))])
        return entity

    def content_hash(self) -> str:
        """Stable hash of the entity's content, for release diffs."""
        return hashlib.sha1(canonical_json(self.to_dict()).encode("utf-8")).hexdigest()


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def validate(entity: Entity) -> list[str]:
    """Problems with the entity against the FollowTheMoney model (empty when valid)."""
    from followthemoney import model

    schema = model.get(entity.schema)
    if schema is None:
        return [f"unknown schema {entity.schema!r}"]
    problems = []
    for prop in entity.properties:
        if schema.get(prop) is None:
            problems.append(f"property {prop!r} is not defined for schema {entity.schema}")
    return problems


def count_schemata(entities: Iterable[Entity]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entity in entities:
        counts[entity.schema] = counts.get(entity.schema, 0) + 1
    return dict(sorted(counts.items()))
