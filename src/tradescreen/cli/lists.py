"""`tradescreen lists ...`: import, update, inspect, diff and export restricted-party lists."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tradescreen.cli.output import Steps, info, print_json, print_table, warn
from tradescreen.importer import ImportOutcome, import_group, import_paths, plan_import
from tradescreen.settings import Settings, load_settings
from tradescreen.sources import SOURCE_TITLES
from tradescreen.store import ReleaseStore

lists_app = typer.Typer(help="Restricted-party lists: import, update, status, diff, export.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(lists_app, name="lists")


def _report(outcomes: list[ImportOutcome], as_json: bool) -> int:
    failures = 0
    if as_json:
        print_json([
            {"source": o.source, "status": o.status, "message": o.message,
             "release": o.release.to_dict() if o.release else None,
             "issues": [str(i) for i in o.issues[:50]], "issue_count": len(o.issues)}
            for o in outcomes
        ])
    for outcome in outcomes:
        errors = sum(1 for i in outcome.issues if i.severity == "error")
        warnings = len(outcome.issues) - errors
        if not outcome.ok:
            failures += 1
            kept = f" Active release stays {outcome.previous.id}." if outcome.previous else " No release is active."
            warn(f"{outcome.source}: {outcome.status.upper()}: {outcome.message}.{kept}")
        elif not as_json:
            release = outcome.release
            published = f", published {release.published}" if release and release.published else ""
            info(f"{outcome.source}: {outcome.status}: {outcome.message}{published}"
                 + (f" ({errors} errors, {warnings} warnings; see `tradescreen lists issues {release.id}`)"
                    if outcome.issues and release else ""))
    return failures


@lists_app.command("import")
def import_cmd(
    paths: list[Path] = typer.Argument(..., help="List files or folders; formats are recognised by content."),
    source: str | None = typer.Option(None, "--source", help="Source id for FollowTheMoney JSON files."),
    force: bool = typer.Option(False, "--force", help="Activate even a release much smaller than the active one."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
) -> None:
    """Import list files from disk, one release per source."""
    settings = load_settings()
    store = ReleaseStore.open(settings)
    with Steps("importing") as steps:
        plan, outcomes = import_paths(store, paths, settings, source_override=source, force=force,
                                      progress=steps.step)
    for path, _reason in plan.skipped:
        info(f"skipped {path}: not a list file")
    for error in plan.errors:
        warn(error)
    failures = _report(outcomes, as_json)
    if not plan.groups and not plan.errors:
        warn("no list files found")
        raise typer.Exit(1)
    if failures or plan.errors:
        raise typer.Exit(1)


@lists_app.command("update")
def update_cmd(
    sources: list[str] | None = typer.Argument(None, help="Sources to update (default: all that can be downloaded)."),
    mirror: str | None = typer.Option(None, "--mirror", help="Base URL of an internal mirror (<mirror>/<source>/<file>)."),
    force: bool = typer.Option(False, "--force", help="Activate even a release much smaller than the active one."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Download lists from their official publishers and import them."""
    from tradescreen.download import downloadable_sources

    settings = load_settings()
    store = ReleaseStore.open(settings)
    wanted = sources or downloadable_sources()
    unknown = [s for s in wanted if s not in downloadable_sources()]
    if unknown:
        warn(f"unknown or not downloadable: {', '.join(unknown)} (known: {', '.join(downloadable_sources())})")
        raise typer.Exit(2)
    outcomes: list[ImportOutcome] = []
    for source in wanted:
        with Steps("downloading") as steps:
            steps.step(source)
            outcomes.append(_update_one(store, source, settings, mirror, force))
    if _report(outcomes, as_json):
        raise typer.Exit(1)


def _update_one(store: ReleaseStore, source: str, settings: Settings, mirror: str | None,
                force: bool) -> ImportOutcome:
    """Download one source and import it; any failure leaves its active release in place."""
    from tradescreen.download import DownloadError, download_source

    active = store.active(source)
    previous = active[0] if active else None
    try:
        fetched = download_source(source, settings, mirror)
    except DownloadError as exc:
        store.record_failure(source, "download", "failed", str(exc))
        return ImportOutcome(source, "failed", f"download failed: {exc}", None, previous)
    plan = plan_import([f.path for f in fetched])
    if plan.errors or len(plan.groups) != 1:
        message = "; ".join(plan.errors) or "the downloaded files did not form one list"
        store.record_failure(source, "download", "failed", message)
        return ImportOutcome(source, "failed", message, None, previous)
    origin = ", ".join(f.url for f in fetched)
    return import_group(store, plan.groups[0], settings, origin=origin, force=force)


@lists_app.command("status")
def status_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The active release of every source."""
    store = ReleaseStore.open(load_settings())
    active = store.active()
    if as_json:
        print_json({"sources": [
            {"source": r.source, "title": SOURCE_TITLES.get(r.source, r.source), "entities": r.entity_count,
             "release": r.id, "published": r.published, "fetched_at": r.fetched_at, "origin": r.origin,
             "content_hash": r.content_hash, "schemata": r.schemata, "issues": r.issue_count}
            for r in active
        ]})
        return
    if not active:
        info("No lists imported yet. Run `tradescreen lists update` (downloads from the publishers) "
             "or `tradescreen lists import DIR` (offline).")
        return
    print_table(
        "Active list releases",
        ["source", "entities", "release", "published", "fetched", "schemata"],
        [[r.source, r.entity_count, r.id, r.published or "-", r.fetched_at,
          ", ".join(f"{k} {v}" for k, v in r.schemata.items())] for r in active],
    )


@lists_app.command("releases")
def releases_cmd(source: str = typer.Argument(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Every release of a source, including refused and failed updates."""
    store = ReleaseStore.open(load_settings())
    history = store.history(source)
    if as_json:
        print_json([r.to_dict() for r in history])
        return
    print_table(f"Releases of {source}", ["release", "status", "entities", "published", "fetched", "message"],
                [[r.id, r.status, r.entity_count, r.published or "-", r.fetched_at, r.message or ""] for r in history])


@lists_app.command("issues")
def issues_cmd(release: int = typer.Argument(..., help="Release id (see `lists releases SOURCE`).")) -> None:
    """Problems found in the files of a release: file, line or element, field, message."""
    store = ReleaseStore.open(load_settings())
    if store.get_release(release) is None:
        warn(f"no release {release}")
        raise typer.Exit(2)
    print_table(f"Issues of release {release}", ["severity", "file", "location", "field", "message"],
                [[i.severity, i.file, i.location, i.field or "", i.message] for i in store.issues(release)])


@lists_app.command("diff")
def diff_cmd(
    source: str = typer.Argument(...),
    release_a: int | None = typer.Argument(None, help="Older release (default: the one before the active)."),
    release_b: int | None = typer.Argument(None, help="Newer release (default: the active one)."),
    as_json: bool = typer.Option(False, "--json"),
    limit: int = typer.Option(20, "--limit", help="Entries listed per kind of change (0: all)."),
) -> None:
    """Entries added, removed and changed between two releases of a source."""
    from tradescreen.diff import diff_releases

    store = ReleaseStore.open(load_settings())
    stored = [r for r in store.history(source) if r.status in ("active", "superseded")]
    if release_a is None or release_b is None:
        if len(stored) < 2:
            warn(f"{source}: fewer than two stored releases to compare")
            raise typer.Exit(2)
        old, new = stored[-2], stored[-1]
    else:
        found_a, found_b = store.get_release(release_a), store.get_release(release_b)
        if found_a is None or found_b is None:
            warn(f"no release {release_a if found_a is None else release_b}")
            raise typer.Exit(2)
        old, new = found_a, found_b
    try:
        result = diff_releases(store, old, new)
    except ValueError as exc:
        warn(str(exc))
        raise typer.Exit(2) from exc
    cap = limit or None
    if as_json:
        print_json(result.to_dict(cap))
        return
    print(f"{source}: release {old.id} -> {new.id}: {len(result.added)} added, "
          f"{len(result.removed)} removed, {len(result.changed)} changed")
    for label, items in (("+", result.added), ("-", result.removed)):
        for entity_id, caption in items[:cap]:
            print(f"  {label} {entity_id}  {caption}")
    for change in result.changed[:cap]:
        props = ", ".join(sorted(change.properties))
        print(f"  ~ {change.entity_id}  {change.caption}  ({props})")


@lists_app.command("export")
def export_cmd(
    source: list[str] | None = typer.Option(None, "--source", help="Only these sources."),
    fmt: str = typer.Option("ftm", "--format", help="Output format: ftm (FollowTheMoney JSON lines)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
) -> None:
    """Export the entities of the active releases."""
    if fmt != "ftm":
        warn(f"unknown format {fmt!r}; supported: ftm")
        raise typer.Exit(2)
    store = ReleaseStore.open(load_settings())
    entities = store.active_entities(source)
    from tradescreen.sources.ftm_json import write_ftm

    if output:
        with output.open("w", encoding="utf-8") as handle:
            write_ftm(entities, handle)
        info(f"wrote {len(entities)} entities to {output}")
    else:
        write_ftm(entities, sys.stdout)
