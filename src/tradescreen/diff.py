"""What changed between two releases of a source: entries added, removed and changed.

Re-screening after a list update only needs the changed entries, and an analyst reviewing an
update wants to see which properties moved, so a change lists the properties that differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tradescreen.entity import Entity
from tradescreen.store import Release, ReleaseStore


@dataclass(slots=True)
class EntityChange:
    entity_id: str
    caption: str
    #: property -> (values only in the old release, values only in the new one)
    properties: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)


@dataclass(slots=True)
class ReleaseDiff:
    source: str
    old: Release
    new: Release
    added: list[tuple[str, str]]
    removed: list[tuple[str, str]]
    changed: list[EntityChange]

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        return {
            "source": self.source,
            "old_release": self.old.id,
            "new_release": self.new.id,
            "counts": {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed)},
            "added": [{"id": i, "caption": c} for i, c in self.added[:limit]],
            "removed": [{"id": i, "caption": c} for i, c in self.removed[:limit]],
            "changed": [
                {"id": ch.entity_id, "caption": ch.caption,
                 "properties": {p: {"removed": a, "added": b} for p, (a, b) in ch.properties.items()}}
                for ch in self.changed[:limit]
            ],
        }


def entity_changes(old: Entity, new: Entity) -> dict[str, tuple[list[str], list[str]]]:
    changes: dict[str, tuple[list[str], list[str]]] = {}
    if old.schema != new.schema:
        changes["schema"] = ([old.schema], [new.schema])
    for prop in sorted(set(old.properties) | set(new.properties)):
        before, after = old.get(prop), new.get(prop)
        gone = [v for v in before if v not in after]
        came = [v for v in after if v not in before]
        if gone or came:
            changes[prop] = (gone, came)
    return changes


def diff_releases(store: ReleaseStore, old: Release, new: Release) -> ReleaseDiff:
    if old.source != new.source:
        raise ValueError(f"releases {old.id} and {new.id} are of different sources ({old.source}, {new.source})")
    # Listed entries only: auxiliary records (links between entries) follow their entries.
    old_hashes = store.entity_hashes(old.id, targets_only=True)
    new_hashes = store.entity_hashes(new.id, targets_only=True)
    added_ids = sorted(set(new_hashes) - set(old_hashes))
    removed_ids = sorted(set(old_hashes) - set(new_hashes))
    changed_ids = sorted(i for i in set(old_hashes) & set(new_hashes) if old_hashes[i] != new_hashes[i])
    new_entities = {e.id: e for e in store.entities([new.id], ids=added_ids + changed_ids)}
    old_entities = {e.id: e for e in store.entities([old.id], ids=removed_ids + changed_ids)}
    changed = []
    for entity_id in changed_ids:
        before, after = old_entities[entity_id], new_entities[entity_id]
        changed.append(EntityChange(entity_id, after.caption, entity_changes(before, after)))
    return ReleaseDiff(
        source=new.source,
        old=old,
        new=new,
        added=[(i, new_entities[i].caption) for i in added_ids],
        removed=[(i, old_entities[i].caption) for i in removed_ids],
        changed=changed,
    )
