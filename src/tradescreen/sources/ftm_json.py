"""FollowTheMoney JSON: OpenSanctions' export format, and the way users bring their own lists.

Three shapes are read: JSON lines (one entity object per line, what OpenSanctions and
`followthemoney` tools write), a JSON array of entity objects, and OpenSanctions' "nested"
form where an entity-typed property holds whole entity objects instead of ids. Nested
objects are flattened into entities of their own so every later stage sees the plain form.

The source id is the user's choice (an internal list, a mirror of an OpenSanctions dataset),
so `FORMAT.sources` holds only the placeholder `ftm` and `parse` uses whatever id it gets.
Every entity's `datasets` is replaced by `[source_id]`: releases, diffs and screening
results are keyed by the source the user imported, and keeping OpenSanctions' own dataset
names would make entities claim sources tradescreen does not know. FtM has no property for
"dataset in the original export", so those names are dropped, not moved.

`write_ftm` writes the JSON-lines form back, so `lists export` output re-imports unchanged.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from tradescreen.entity import Entity
from tradescreen.sources.base import NotAList, ParseResult, SourceFormat
from tradescreen.sources.common import decode_text, read_files

PLACEHOLDER_SOURCE = "ftm"
_REQUIRED = ("id", "schema", "properties")
_EXPECTED = (
    "expected FollowTheMoney JSON: one entity object per line (or a JSON array of them), "
    "each with 'id', 'schema' and 'properties'"
)


# ---------------------------------------------------------------------------------------------
# The FtM model, reduced to what checking one entity needs (cached: thousands of lookups)


@lru_cache(maxsize=256)
def _schema_info(name: str) -> tuple[frozenset[str], dict[str, str], dict[str, str]] | None:
    """(stored property names, entity-typed props -> range schema, reverse props -> forward prop)."""
    from followthemoney import model

    schema = model.get(name)
    if schema is None:
        return None
    stored: set[str] = set()
    entity_props: dict[str, str] = {}
    reverse: dict[str, str] = {}
    for prop_name, prop in schema.properties.items():
        if prop.stub:
            if prop.reverse is not None:
                reverse[prop_name] = prop.reverse.name
            continue
        stored.add(prop_name)
        if prop.type.name == "entity":
            entity_props[prop_name] = prop.range.name if prop.range is not None else "Thing"
    return frozenset(stored), entity_props, reverse


# ---------------------------------------------------------------------------------------------
# Sniffing


def sniff(path: Path, head: bytes) -> tuple[str, str] | None:
    """The first non-empty line (or first array item) is an object with id, schema, properties."""
    try:
        text = head.decode("utf-8-sig", errors="replace").lstrip()
        if text.startswith("["):
            text = text[1:].lstrip()
            part = "json"
        else:
            part = "jsonl"
        if not text.startswith("{"):
            return None
        try:
            obj, _ = json.JSONDecoder().raw_decode(text)
        except ValueError:
            # First object longer than the head: fall back to looking at its keys' text.
            first = text[:4096]
            if all(f'"{key}"' in first for key in _REQUIRED):
                return PLACEHOLDER_SOURCE, part
            return None
        if isinstance(obj, dict) and all(key in obj for key in _REQUIRED):
            return PLACEHOLDER_SOURCE, part
    except Exception:  # noqa: BLE001 - a sniffer must never raise
        return None
    return None


# ---------------------------------------------------------------------------------------------
# Parsing


def parse(files: Sequence[Path], source_id: str = PLACEHOLDER_SOURCE) -> ParseResult:
    result = ParseResult(source=source_id)
    seen: dict[str, str] = {}
    for path, data in read_files(files, result, _EXPECTED):
        text = decode_text(data, path, result, severity="error")
        stripped = text.lstrip()
        if stripped.startswith("["):
            items = _array_items(stripped, path, result)
        elif stripped.startswith("{") or not stripped:
            items = _line_items(text, path, result)
        else:
            raise NotAList(f"{path.name}: {_EXPECTED}")
        for location, obj in items:
            for depth, entity in _entities(obj, location, path, result, source_id, depth=0):
                if entity.id in seen:
                    # Nested exports repeat shared children (an address, a sanction programme).
                    if depth == 0:
                        result.warn(
                            path, location, "id", f"id {entity.id!r} already seen at {seen[entity.id]}"
                        )
                    continue
                seen[entity.id] = location
                result.entities.append(entity)
    return result


def _line_items(text: str, path: Path, result: ParseResult) -> Iterator[tuple[str, Any]]:
    # split("\n") rather than splitlines(): JSON strings may hold U+2028 and friends raw.
    decoder = json.JSONDecoder()
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        location = f"line {number}"
        try:
            obj = decoder.decode(line)
        except ValueError as exc:
            result.error(path, location, None, f"invalid JSON ({exc}); line skipped")
            continue
        except RecursionError:
            result.error(path, location, None, "JSON nested too deeply; line skipped")
            continue
        yield location, obj


def _array_items(text: str, path: Path, result: ParseResult) -> Iterator[tuple[str, Any]]:
    try:
        items = json.loads(text)
    except ValueError as exc:
        result.error(path, f"line {getattr(exc, 'lineno', '?')}", None, f"invalid JSON ({exc}); file skipped")
        return
    except RecursionError:
        result.error(path, "line 1", None, "JSON nested too deeply; file skipped")
        return
    if not isinstance(items, list):
        result.error(path, "line 1", None, "a JSON array of entity objects was expected")
        return
    for index, obj in enumerate(items):
        yield f"item {index}", obj


#: Nesting deeper than this is not an export but a broken or hostile file.
MAX_DEPTH = 8


def _entities(
    obj: Any, location: str, path: Path, result: ParseResult, source_id: str, depth: int
) -> Iterator[tuple[int, Entity]]:
    """(depth, entity): the entity in `obj`, then those nested in its properties, flattened."""
    if depth > MAX_DEPTH:
        result.error(path, location, None, f"entities nested more than {MAX_DEPTH} deep; skipped")
        return
    if not isinstance(obj, dict):
        result.error(path, location, None, f"not a JSON object but {type(obj).__name__}; skipped")
        return
    for key in ("id", "schema"):
        value = obj.get(key)
        if not isinstance(value, str) or not value.strip():
            result.error(path, location, key, f"missing or empty {key!r}; entity skipped")
            return
    entity_id, schema = obj["id"].strip(), obj["schema"].strip()
    info = _schema_info(schema)
    if info is None:
        result.error(path, location, "schema", f"unknown FollowTheMoney schema {schema!r}; entity skipped")
        return
    stored, entity_props, reverse = info
    props_in = obj.get("properties")
    if props_in is None:
        props_in = {}
    if not isinstance(props_in, dict):
        result.error(path, location, "properties", "'properties' is not an object; entity skipped")
        return
    target = obj.get("target", depth == 0)
    entity = Entity(
        id=entity_id,
        schema=schema,
        datasets=[source_id],
        target=target if isinstance(target, bool) else bool(target),
    )
    nested: list[tuple[str, dict[str, Any], str | None]] = []
    for prop, values in props_in.items():
        if type(values) is list and all(type(v) is str for v in values) and prop in stored:
            # The common case, kept lean: a list of strings for a known property.
            _set_strings(entity, prop, values)
            continue
        where = f"{location} ({entity_id})"
        if prop in reverse:
            # Only meaningful with nested objects: they get the forward link to this entity.
            for value in _as_list(values):
                if isinstance(value, dict):
                    nested.append((prop, value, reverse[prop]))
                else:
                    result.warn(path, where, prop, "reverse property holds no nested entity; value dropped")
            continue
        if prop not in stored:
            result.error(path, where, prop, f"property {prop!r} is not defined for schema {schema}; dropped")
            continue
        for value in _as_list(values):
            if isinstance(value, dict) and prop in entity_props:
                child_id = value.get("id")
                if isinstance(child_id, str) and child_id.strip():
                    entity.add(prop, child_id)
                nested.append((prop, value, None))
            elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
                entity.add(prop, value)
            else:
                result.error(path, where, prop, f"value of type {type(value).__name__} dropped")
    yield depth, entity
    for prop, child, back_prop in nested:
        child_location = f"{location} ({entity_id}).{prop}"
        for index, (sub_depth, sub) in enumerate(
            _entities(child, child_location, path, result, source_id, depth + 1)
        ):
            if index == 0 and back_prop is not None:
                sub.add(back_prop, entity_id)
            yield sub_depth, sub


def _set_strings(entity: Entity, prop: str, values: list[str]) -> None:
    """What `Entity.add` does per value (strip, skip empty, skip duplicate), for a whole list."""
    cleaned = [v.strip() for v in values]
    existing = entity.properties.get(prop)
    merged = dict.fromkeys((existing or []) + [v for v in cleaned if v])
    if merged:
        entity.properties[prop] = list(merged)


def _as_list(values: Any) -> list[Any]:
    return values if isinstance(values, list) else [values]


# ---------------------------------------------------------------------------------------------
# Writing


def entity_line(entity: Entity) -> str:
    """One entity as one JSON line (no newline): sorted keys, UTF-8 text, nothing escaped."""
    return json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True)


def write_ftm(entities: Iterable[Entity], path_or_stream: str | Path | IO[str] | IO[bytes]) -> int:
    """Write FollowTheMoney JSON lines to a path or an open (text or binary) stream; returns the count.

    Text streams must be UTF-8 for non-Latin names to survive, which is why a path is opened
    here with an explicit encoding rather than the platform default.
    """
    if isinstance(path_or_stream, (str, Path)):
        with open(path_or_stream, "w", encoding="utf-8", newline="\n") as handle:
            return _write(entities, handle)
    stream = path_or_stream
    if isinstance(stream, io.TextIOBase) or hasattr(stream, "encoding"):
        return _write(entities, stream)  # type: ignore[arg-type]
    count = 0
    for entity in entities:
        stream.write((entity_line(entity) + "\n").encode("utf-8"))  # type: ignore[arg-type]
        count += 1
    return count


def _write(entities: Iterable[Entity], handle: IO[str]) -> int:
    count = 0
    for entity in entities:
        handle.write(entity_line(entity) + "\n")
        count += 1
    return count


FORMAT = SourceFormat(
    key="ftm_json",
    title="FollowTheMoney JSON (OpenSanctions export, own lists)",
    sources=(PLACEHOLDER_SOURCE,),
    sniff=sniff,
    parse=parse,
    downloads={},
)
