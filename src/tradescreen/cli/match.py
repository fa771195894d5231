"""`tradescreen match`: screen one party against the active lists, or run the benchmark protocol.

    tradescreen match "ABU ZUBAIDA" --schema Person --dob 1971 --country ps
    tradescreen match --corpus CORPUS.jsonl --queries QUERIES.jsonl --output RESULTS.jsonl [--limit 10]
    tradescreen match --corpus CORPUS.jsonl --pairs PAIRS.jsonl --output SCORES.jsonl
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from tradescreen.matching import Query, Screener


def _screener(corpus: Path | None) -> Screener:
    if corpus is not None:
        return Screener.from_ftm_file(corpus)
    from tradescreen.settings import load_settings
    from tradescreen.store import load_active_entities

    settings = load_settings()
    entities = load_active_entities(settings)
    if not entities:
        raise typer.BadParameter("no active list release: run `tradescreen lists import` first, or give --corpus")
    # The index of the active releases is built once and then loaded from the settings' cache folder.
    return Screener.from_entities(entities, cache_dir=settings.cache_dir / "matching")


def match_command(
    name: str | None = typer.Argument(None, help="Party name to screen."),
    schema: str | None = typer.Option(None, "--schema", help="Person, Company, Organization, Vessel, ..."),
    country: list[str] = typer.Option([], "--country", help="Country or nationality (name or ISO code)."),
    dob: list[str] = typer.Option([], "--dob", help="Birth date: YYYY, YYYY-MM or YYYY-MM-DD."),
    identifier: list[str] = typer.Option([], "--id", help="Identifier: IMO, passport, tax no., BIC, ..."),
    limit: int = typer.Option(10, "--limit", min=1, help="Most hits to return."),
    threshold: float | None = typer.Option(None, "--threshold", help="Lowest score to report (0-1)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    corpus: Path | None = typer.Option(None, "--corpus", help="FtM JSON lines to screen against "
                                          "(default: the active list releases)."),
    queries: Path | None = typer.Option(None, "--queries", help="Benchmark queries (JSON lines)."),
    pairs: Path | None = typer.Option(None, "--pairs", help="Benchmark name pairs (JSON lines)."),
    output: Path | None = typer.Option(None, "--output", help="Where the protocol writes results."),
) -> None:
    """Screen a party name against the lists, with explained scores (or run the benchmark protocol)."""
    from tradescreen.matching import protocol

    if queries is not None or pairs is not None:
        if corpus is None or output is None:
            raise typer.BadParameter("--queries/--pairs need --corpus and --output")
        screener = Screener.from_ftm_file(corpus)
        if queries is not None:
            n = protocol.run_queries(screener, queries, output, limit=limit)
            typer.echo(f"{n} queries screened -> {output}", err=True)
        if pairs is not None:
            out = output if queries is None else output.with_suffix(".pairs.jsonl")
            n = protocol.run_pairs(screener, pairs, out)
            typer.echo(f"{n} pairs scored -> {out}", err=True)
        return
    if not name:
        raise typer.BadParameter("give a NAME to screen (or --queries / --pairs with --corpus)")
    query = Query.from_ftm({"schema": schema, "properties": {
        "name": [name], "birthDate": dob, "country": country, "idNumber": identifier}})
    matches = _screener(corpus).match(query, limit=limit, threshold=threshold)
    if as_json:
        print(json.dumps([m.to_dict() for m in matches], ensure_ascii=False, indent=2))
        return
    if not matches:
        typer.echo("no hits")
        return
    for rank, m in enumerate(matches, 1):
        typer.echo(f"{rank:2d}. {m.score:.3f}  {m.caption}  [{m.schema}; {m.entity_id}; {', '.join(m.datasets)}]")
        for f in m.explanation:
            if f.name == "name" or f.name in ("dob_exact", "dob_year", "dob_mismatch", "country_match",
                                              "country_mismatch", "gender_mismatch", "identifier_match",
                                              "schema_mismatch"):
                typer.echo(f"      {f.detail}")


def register(app: typer.Typer) -> None:
    app.command("match")(match_command)
