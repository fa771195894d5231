"""Everything one screening run reads, built once and shared by every shipment of the run."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradescreen.destinations.locations import Locations
from tradescreen.entity import Entity
from tradescreen.goods.nomenclature import Nomenclature
from tradescreen.matching import Screener
from tradescreen.rules import REGIMES, Reference, Rules


def _address_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


@dataclass(slots=True)
class AddressIndex:
    """Listed parties' addresses, so a shipping party at a listed address is noticed.

    Only addresses specific enough to point at a building count (a street word and a number,
    at least four words): "Moscow, Russia" is where millions of honest firms are.
    """

    by_key: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def build(cls, entities: Iterable[Entity]) -> AddressIndex:
        index: dict[str, list[tuple[str, str]]] = {}
        for entity in entities:
            if not entity.target:
                continue
            for address in entity.get("address"):
                key = _address_key(address)
                if len(key.split()) >= 4 and re.search(r"\d", key):
                    index.setdefault(key, []).append((entity.id, entity.caption))
        return cls(index)

    def lookup(self, address: str) -> list[str]:
        key = _address_key(address)
        hits = self.by_key.get(key, [])
        if not hits:  # documents often add or drop the country at the end
            parts = key.split()
            for cut in (1, 2):
                if len(parts) - cut >= 4:
                    hits = self.by_key.get(" ".join(parts[:-cut]), [])
                    if hits:
                        break
        return [f"{caption} ({entity_id})" for entity_id, caption in hits]


@dataclass(slots=True)
class ScreeningContext:
    screener: Screener
    entities: dict[str, Entity]
    reference: Reference
    regimes: frozenset[str]
    addresses: AddressIndex
    review_threshold: float = 0.7
    block_threshold: float = 0.9
    #: Active releases as (source, release id, published), for the evidence of every party finding.
    releases: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    #: Matcher answers by query, for the run: parties repeat across a batch.
    party_cache: dict[tuple[Any, ...], list[Any]] = field(default_factory=dict)
    #: Description findings by (description, code): descriptions repeat across a batch.
    description_cache: dict[tuple[str, str], tuple[Any, ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        entities: Sequence[Entity],
        reference_dir: Path | None,
        regimes: Iterable[str] = REGIMES,
        review_threshold: float = 0.7,
        block_threshold: float = 0.9,
        releases: dict[str, tuple[int, str | None]] | None = None,
        cache_dir: Path | None = None,
        cache_key: str | None = None,
    ) -> ScreeningContext:
        """`cache_dir`/`cache_key`: keep the matcher's index on disk, keyed by the lists' content."""
        targets = [e for e in entities if e.target]
        return cls(
            screener=Screener.from_entities(targets, cache_dir=cache_dir, cache_key=cache_key),
            entities={e.id: e for e in targets},
            reference=load_reference(reference_dir),
            regimes=frozenset(r.strip().upper() for r in regimes if r.strip()),
            addresses=AddressIndex.build(targets),
            review_threshold=review_threshold,
            block_threshold=block_threshold,
            releases=releases or {},
        )


def load_reference(reference_dir: Path | None) -> Reference:
    """The rule tables, plus the HS nomenclature and UN/LOCODE when a reference folder is given.

    Without the folder the goods and destination rules still run on codes and countries; only
    the description-versus-nomenclature check and UN/LOCODE region lookups are lost, and the
    report says so.
    """
    if reference_dir is not None:
        return Reference.load(reference_dir)
    rules = Rules.load()
    return Reference(rules=rules, nomenclature=Nomenclature.from_entries([]),
                     locations=Locations(by_code={}, subdivision_names={}, dial_codes={}), path="")
