"""Release store: atomic activation, shared entity bodies, failures leave the active release alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradescreen.entity import Entity
from tradescreen.settings import load_settings
from tradescreen.store import NewRelease, ReleaseStore


def _entities(n: int, suffix: str = "") -> list[Entity]:
    out = []
    for i in range(n):
        e = Entity(id=f"t-{i}", schema="Person", datasets=["test_list"])
        e.add("name", f"Fictional Person {i}{suffix}")
        out.append(e)
    return out


def _store(home: Path) -> ReleaseStore:
    return ReleaseStore.open(load_settings())


def test_first_release_becomes_active(home: Path) -> None:
    store = _store(home)
    release = store.store_release(NewRelease("test_list", "test", "h1", "2026-01-01", _entities(5)))
    active = store.active("test_list")
    assert [r.id for r in active] == [release.id]
    assert active[0].entity_count == 5 and active[0].schemata == {"Person": 5}
    assert sorted(e.id for e in store.active_entities()) == [f"t-{i}" for i in range(5)]


def test_new_release_supersedes_and_shares_bodies(home: Path) -> None:
    store = _store(home)
    first = store.store_release(NewRelease("test_list", "test", "h1", None, _entities(5)))
    changed = _entities(5)
    changed[0].add("alias", "Another Name")
    second = store.store_release(NewRelease("test_list", "test", "h2", None, changed))
    assert store.get_release(first.id).status == "superseded"  # type: ignore[union-attr]
    assert store.active("test_list")[0].id == second.id
    with store.engine.connect() as conn:
        from sqlalchemy import func, select

        from tradescreen.store import entity_data

        bodies = conn.execute(select(func.count()).select_from(entity_data)).scalar_one()
    assert bodies == 6  # five shared, one changed
    assert store.entity_hashes(second.id)["t-0"] == changed[0].content_hash()


def test_failed_store_leaves_previous_active(home: Path) -> None:
    store = _store(home)
    first = store.store_release(NewRelease("test_list", "test", "h1", None, _entities(3)))
    duplicate = _entities(3) + _entities(1)  # same id twice: refused before anything is written
    with pytest.raises(ValueError, match="occurs twice"):
        store.store_release(NewRelease("test_list", "test", "h2", None, duplicate))
    assert store.active("test_list")[0].id == first.id
    assert store.count_releases() == 1
    assert len(store.active_entities()) == 3


def test_record_failure_is_kept_in_history_but_not_active(home: Path) -> None:
    store = _store(home)
    first = store.store_release(NewRelease("test_list", "test", "h1", None, _entities(3)))
    failed = store.record_failure("test_list", "http://127.0.0.1/x", "failed", "transfer cut short")
    assert failed.status == "failed"
    assert store.active("test_list")[0].id == first.id
    assert [r.status for r in store.history("test_list")] == ["active", "failed"]
