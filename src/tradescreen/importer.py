"""Turn list files into releases: recognise, parse, check, store, activate.

The checks here are what keep screening safe while lists change under it: a release that
parsed to nothing, or to far fewer entries than the active one (a truncated download, an
error page, a publisher's bad day), is refused and the last good release stays active. A
user who knows the list really shrank can pass `force`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tradescreen.entity import Entity, validate
from tradescreen.settings import Settings
from tradescreen.sources import NotAList, ParseIssue, SourceFormat, detect
from tradescreen.store import NewRelease, Release, ReleaseStore

Status = Literal["activated", "unchanged", "rejected", "failed"]


@dataclass(slots=True)
class FileGroup:
    """The files that together make one release of one source (OFAC ships four CSVs)."""

    fmt: SourceFormat
    source: str
    files: list[Path]


@dataclass(slots=True)
class ImportOutcome:
    source: str
    status: Status
    message: str
    release: Release | None = None
    previous: Release | None = None
    issues: list[ParseIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("activated", "unchanged")


@dataclass(slots=True)
class ImportPlan:
    groups: list[FileGroup]
    #: Files that are not lists (found while walking folders), with the reason.
    skipped: list[tuple[Path, str]]
    #: Problems that stop part of the import (a file named explicitly that is no list, clashes).
    errors: list[str]


def collect_files(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """Files to look at, with whether the user named each one explicitly."""
    out: list[tuple[Path, bool]] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    out.append((child, False))
        else:  # a missing file is reported by plan_import, naming it
            out.append((path, True))
    return out


def plan_import(paths: Iterable[Path], source_override: str | None = None) -> ImportPlan:
    """Recognise every file and group files into one release per source.

    `source_override` names the source for formats whose source the user chooses (FtM JSON).
    """
    groups: dict[tuple[str, str, Path], FileGroup] = {}
    skipped: list[tuple[Path, str]] = []
    errors: list[str] = []
    for path, explicit in collect_files(paths):
        if not path.exists():
            errors.append(f"{path}: no such file or folder")
            continue
        try:
            fmt, source, _part = detect(path)
        except NotAList as exc:
            if explicit:
                errors.append(str(exc))
            else:
                skipped.append((path, str(exc)))
            continue
        if fmt.key == "ftm_json":
            source = source_override or _source_from_name(path)
        elif source_override and source_override != source:
            errors.append(f"{path.name}: is a {fmt.title} file for {source}, not {source_override}")
            continue
        key = (fmt.key, source, path.parent if fmt.key == "ofac_csv" else path)
        groups.setdefault(key, FileGroup(fmt, source, [])).files.append(path)
    by_source: dict[str, list[FileGroup]] = defaultdict(list)
    for group in groups.values():
        by_source[group.source].append(group)
    final: list[FileGroup] = []
    for source, found in sorted(by_source.items()):
        if len(found) > 1:
            names = ", ".join(str(f) for g in found for f in g.files)
            errors.append(f"{source}: several releases in one import ({names}); import them one at a time")
            continue
        final.extend(found)
    return ImportPlan(final, skipped, errors)


def _source_from_name(path: Path) -> str:
    stem = path.name.split(".")[0].lower()
    cleaned = "".join(ch if ch.isalnum() else "_" for ch in stem).strip("_")
    return cleaned or "custom"


def content_hash(files: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def check_entities(entities: Sequence[Entity], issues: list[ParseIssue], source: str) -> list[Entity]:
    """Drop entities the FtM model cannot hold (reporting each) so a release is always valid FtM."""
    good: list[Entity] = []
    for entity in entities:
        problems = validate(entity)
        if problems:
            for problem in problems:
                issues.append(ParseIssue(source, f"entity {entity.id}", None, problem, "error"))
            continue
        good.append(entity)
    return good


def import_group(
    store: ReleaseStore,
    group: FileGroup,
    settings: Settings,
    origin: str | None = None,
    force: bool = False,
) -> ImportOutcome:
    source = group.source
    origin = origin or ", ".join(str(p.resolve()) for p in group.files)
    previous_list = store.active(source)
    previous = previous_list[0] if previous_list else None
    digest = content_hash(group.files)
    if previous is not None and previous.content_hash == digest and not force:
        return ImportOutcome(source, "unchanged", f"same content as active release {previous.id}", previous, previous)
    try:
        result = group.fmt.parse(group.files, source)
    except NotAList as exc:
        failed = store.record_failure(source, origin, "failed", str(exc), content_hash=digest)
        return ImportOutcome(source, "failed", str(exc), failed, previous)
    except Exception as exc:  # a parser bug must not take the rest of the import down
        message = f"parser error: {type(exc).__name__}: {exc}"
        failed = store.record_failure(source, origin, "failed", message, content_hash=digest)
        return ImportOutcome(source, "failed", message, failed, previous)
    issues = list(result.issues)
    entities = check_entities(result.entities, issues, source)
    targets = sum(1 for e in entities if e.target)
    if targets == 0:
        message = "no entries could be read; the last good release stays active"
        failed = store.record_failure(source, origin, "failed", message, issues, digest, result.published)
        return ImportOutcome(source, "failed", message, failed, previous, issues)
    if previous is not None and not force and targets < settings.min_release_ratio * previous.entity_count:
        message = (
            f"suspicious release: {targets} entries against {previous.entity_count} in active release "
            f"{previous.id} (below {settings.min_release_ratio:.0%}); it was NOT activated. "
            "If the list really shrank, import again with --force."
        )
        rejected = store.record_failure(
            source, origin, "rejected", message, issues, digest, result.published, targets
        )
        return ImportOutcome(source, "rejected", message, rejected, previous, issues)
    release = store.store_release(
        NewRelease(source=source, origin=origin, content_hash=digest, published=result.published,
                   entities=entities, issues=issues)
    )
    return ImportOutcome(source, "activated", f"release {release.id}: {targets} entries", release, previous, issues)


def import_paths(
    store: ReleaseStore,
    paths: Iterable[Path],
    settings: Settings,
    source_override: str | None = None,
    force: bool = False,
    origin: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[ImportPlan, list[ImportOutcome]]:
    plan = plan_import(paths, source_override)
    outcomes = []
    for group in plan.groups:
        if progress:
            progress(group.source)
        outcomes.append(import_group(store, group, settings, origin=origin, force=force))
    return plan, outcomes
