"""The benchmark protocol (../shared/bench/README.md): queries -> ranked results, pairs -> scores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tradescreen.matching.model import Query
from tradescreen.matching.screener import Screener


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def run_queries(screener: Screener, queries_path: str | Path, output: str | Path, limit: int = 10) -> int:
    """Write one `{"id", "results": [{"id", "score"}]}` line per query; returns the number of queries."""
    recs = list(read_jsonl(queries_path))
    queries = [Query.from_ftm(r) for r in recs]
    matches = screener.match_many(queries, limit=limit)
    with open(output, "w", encoding="utf-8") as fh:
        for rec, ms in zip(recs, matches):
            results = [{"id": m.entity_id, "score": round(min(1.0, max(0.0, m.score)), 6)} for m in ms]
            fh.write(json.dumps({"id": rec["id"], "results": results}) + "\n")
    return len(recs)


def run_pairs(screener: Screener, pairs_path: str | Path, output: str | Path) -> int:
    """Write one `{"id", "score"}` line per labelled pair; the score is symmetric (max of both directions)."""
    n = 0
    with open(output, "w", encoding="utf-8") as fh:
        for rec in read_jsonl(pairs_path):
            schema = rec.get("schema")
            a = Query.from_ftm({"schema": schema, "properties": rec.get("a") or {}})
            b = Query.from_ftm({"schema": schema, "properties": rec.get("b") or {}})
            score = 0.0
            if a.names and b.names:
                score = max(screener.score_pair(a, b).score, screener.score_pair(b, a).score)
            fh.write(json.dumps({"id": rec["id"], "score": round(score, 6)}) + "\n")
            n += 1
    return n
