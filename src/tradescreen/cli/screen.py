"""`tradescreen screen PATH...`: screen shipments end to end and report verdicts with evidence."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import typer

from tradescreen.cli.output import console, info, warn
from tradescreen.importer import import_paths
from tradescreen.rules import REGIMES
from tradescreen.settings import load_settings
from tradescreen.store import Release, ReleaseStore


def releases_key(active: list[Release]) -> str:
    """What the active lists are, by content: the matcher's index cache is valid while this is unchanged."""
    parts = sorted(f"{r.source}:{r.content_hash}" for r in active)
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:32]


def register(app: typer.Typer) -> None:
    app.command("screen")(screen_cmd)


def screen_cmd(
    paths: list[Path] = typer.Argument(..., help="Shipment files or folders (tradescreen JSON, CSV/XLSX, DCSA, "
                                                 "ONE Record, Cargo-XML, UBL, WCO declarations, invoice PDFs)."),
    fmt: str = typer.Option("text", "--format", "-f", help="text | json (one line per shipment) | html"),
    regime: str = typer.Option(",".join(sorted(REGIMES)), "--regime", help="Legal regimes to apply, e.g. US,EU."),
    lists_from: Path | None = typer.Option(None, "--lists-from",
                                              help="Import list files from this folder first (offline)."),
    reference: Path | None = typer.Option(None, "--reference", help="Reference data folder (HS nomenclature, "
                                             "UN/LOCODE); default TRADESCREEN_REFERENCE_DIR."),
    output: Path = typer.Option(Path("screening-reports"), "--output", "-o", help="Folder for HTML reports."),
    fail_on: str | None = typer.Option(None, "--fail-on", help="Exit 3 when any shipment is 'block' "
                                          "(or 'review' or worse): for pipelines."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Text format: leave out info findings."),
) -> None:
    """Screen shipments: parties against the active lists, goods, destinations, route and red flags."""
    from tradescreen.screening import ScreeningContext, screen_shipments
    from tradescreen.screening.report import render_html, render_text, to_json_line
    from tradescreen.shipments import load as load_shipments

    if fmt not in ("text", "json", "html"):
        warn(f"unknown format {fmt!r}: use text, json or html")
        raise typer.Exit(2)
    regimes = {r.strip().upper() for r in regime.split(",") if r.strip()}
    if not regimes or not regimes <= REGIMES:
        warn(f"unknown regime in {regime!r}: choose from {', '.join(sorted(REGIMES))}")
        raise typer.Exit(2)
    settings = load_settings()
    store = ReleaseStore.open(settings)
    if lists_from is not None:
        plan, outcomes = import_paths(store, [lists_from], settings)
        for error in plan.errors:
            warn(error)
        for outcome in outcomes:
            if not outcome.ok:
                warn(f"{outcome.source}: {outcome.status.upper()}: {outcome.message}")
            else:
                info(f"lists: {outcome.source}: {outcome.status} ({outcome.message})")
    active = store.active()
    if not active:
        warn("No restricted-party lists are imported, so parties cannot be screened. Get them with "
             "`tradescreen lists update` (downloads from the publishers) or, offline, "
             "`tradescreen lists import DIR` (or pass --lists-from DIR).")
        raise typer.Exit(2)
    reference_dir = reference or settings.reference_dir
    if reference_dir is None:
        info("note: no reference folder (--reference / TRADESCREEN_REFERENCE_DIR): descriptions are not compared "
             "with the HS nomenclature and UN/LOCODE regions are not known.")
    loaded = load_shipments(paths, reference_dir=reference_dir)
    for issue in loaded.issues:
        (warn if issue.severity == "error" else info)(str(issue))
    if not loaded.shipments:
        warn("no shipments found to screen")
        raise typer.Exit(1)
    entities = store.active_entities(targets_only=True)
    ctx = ScreeningContext.build(
        entities, reference_dir, regimes, settings.match_review, settings.match_block,
        releases={r.source: (r.id, r.published) for r in active},
        cache_dir=settings.cache_dir / "matching",
        cache_key=releases_key(active),
    )
    results = screen_shipments(loaded.shipments, ctx)
    if fmt == "json":
        for result in results:
            sys.stdout.write(to_json_line(result) + "\n")
    elif fmt == "html":
        output.mkdir(parents=True, exist_ok=True)
        for result in results:
            safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in result.id) or "shipment"
            target = output / f"{safe}.html"
            target.write_text(render_html(result), encoding="utf-8")
            print(f"{result.verdict.upper():7s} {result.id}  {target}")
    else:
        render_text(results, console(), show_info=not quiet)
        counts = {v: sum(1 for r in results if r.verdict == v) for v in ("block", "review", "clear")}
        info(f"{len(results)} shipments: {counts['block']} block, {counts['review']} review, {counts['clear']} clear "
             f"(lists: {', '.join(f'{r.source} #{r.id}' for r in active)})")
    if fail_on in ("block", "review"):
        worst = {"block": 2, "review": 1, "clear": 0}
        if any(worst[r.verdict] >= worst[fail_on] for r in results):
            raise typer.Exit(3)
