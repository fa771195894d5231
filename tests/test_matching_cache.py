"""On-disk index cache: a second construction loads the stored index and answers identically; a damaged
cache file is rebuilt, never a crash; other entities or another key never load someone else's index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradescreen.entity import Entity
from tradescreen.matching import Query, Screener
from tradescreen.matching import cache as C

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "matching" / "corpus.jsonl"

QUERIES = [
    Query(["Zayd Hamid Qarnawi"], schema="Person", birth_dates=["1970-05-04"]),
    Query(["Belomor Trading LLC"]),
    Query(["MV SILVER GULL"], schema="Vessel"),
    Query(["SOME OTHER SHIP"], schema="Vessel", identifiers=["IMO 9990001"]),
    Query(["Olga Meriden"], schema="Person", birth_dates=["1955"]),
]


def entities() -> list[Entity]:
    with open(FIXTURE, encoding="utf-8") as fh:
        return [Entity.from_dict(json.loads(line)) for line in fh if line.strip()]


def answers(screener: Screener) -> list[list[tuple[str, float, str, list[str]]]]:
    return [[(m.entity_id, m.score, m.matched_name, [f.detail for f in m.explanation]) for m in hits]
            for hits in screener.match_many(QUERIES, limit=5, explain=True)]


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("match-index-*.pkl"))


def test_second_construction_loads_from_cache(tmp_path: Path) -> None:
    first = Screener.from_entities(entities(), cache_dir=tmp_path)
    assert not first.loaded_from_cache
    assert len(cache_files(tmp_path)) == 1
    second = Screener.from_entities(entities(), cache_dir=tmp_path)
    assert second.loaded_from_cache
    assert answers(second) == answers(first) == answers(Screener.from_entities(entities()))
    assert second.index.ent_ids == first.index.ent_ids


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_corrupt_cache_is_rebuilt(tmp_path: Path, damage: str) -> None:
    reference = answers(Screener.from_entities(entities(), cache_dir=tmp_path))
    (path,) = cache_files(tmp_path)
    data = path.read_bytes()
    path.write_bytes({"garbage": b"not a pickle at all", "truncated": data[: len(data) // 2], "empty": b""}[damage])
    rebuilt = Screener.from_entities(entities(), cache_dir=tmp_path)
    assert not rebuilt.loaded_from_cache
    assert answers(rebuilt) == reference
    # the damaged file was replaced by a good one
    again = Screener.from_entities(entities(), cache_dir=tmp_path)
    assert again.loaded_from_cache and answers(again) == reference


def test_changed_entities_miss_the_cache(tmp_path: Path) -> None:
    Screener.from_entities(entities(), cache_dir=tmp_path)
    changed = entities()
    changed[0].add("alias", "ZAYD AL-FICTIONAL")
    other = Screener.from_entities(changed, cache_dir=tmp_path)
    assert not other.loaded_from_cache
    assert len(cache_files(tmp_path)) == 2
    hits = other.match(Query(["Zayd al-Fictional"], schema="Person"), limit=1)
    assert hits[0].entity_id == "fx-1"


def test_caller_key_skips_hashing_and_separates_contents(tmp_path: Path) -> None:
    a = Screener.from_entities(entities(), cache_dir=tmp_path, cache_key="release-a")
    assert not a.loaded_from_cache
    # the key is the caller's statement of the content: the same key loads without reading entities
    b = Screener.from_entities(iter(()), cache_dir=tmp_path, cache_key="release-a")
    assert b.loaded_from_cache and answers(b) == answers(a)
    c = Screener.from_entities(entities()[:2], cache_dir=tmp_path, cache_key="release-b")
    assert not c.loaded_from_cache and c.index.n_entities == 2


def test_ftm_file_cache_and_unwritable_folder(tmp_path: Path) -> None:
    one = Screener.from_ftm_file(FIXTURE, cache_dir=tmp_path)
    two = Screener.from_ftm_file(FIXTURE, cache_dir=tmp_path)
    assert not one.loaded_from_cache and two.loaded_from_cache
    assert answers(one) == answers(two)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    # a cache folder that cannot be created is no error: the index is built and simply not stored
    three = Screener.from_entities(entities(), cache_dir=blocker / "sub")
    assert not three.loaded_from_cache and answers(three) == answers(one)


def test_code_version_is_part_of_the_key(tmp_path: Path) -> None:
    path = C.cache_path(tmp_path, "k")
    assert path.name.startswith("match-index-") and path.parent == tmp_path
    C.save(path, Screener.from_entities(entities()).index)
    assert C.load(path) is not None
    # a file written by another matcher version is not read
    import pickle

    with open(path, "rb") as fh:
        magic, _, index = pickle.load(fh)
    with open(path, "wb") as fh:
        pickle.dump((magic, "other-version", index), fh, protocol=5)
    assert C.load(path) is None
