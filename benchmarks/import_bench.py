"""Time importing every list file in ../shared/data/lists into a fresh release store.

Prints the median of several runs (each into a new, empty TRADESCREEN_HOME), the per-source
parse times of the last run, and the machine. Run: `.venv/bin/python benchmarks/import_bench.py`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402

from tradescreen.importer import import_group, plan_import  # noqa: E402
from tradescreen.settings import load_settings  # noqa: E402
from tradescreen.store import ReleaseStore  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def one_run(lists: Path) -> tuple[float, dict[str, float], dict[str, int]]:
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings({"TRADESCREEN_HOME": home})
        start = time.perf_counter()
        store = ReleaseStore.open(settings)
        plan = plan_import([lists])
        per_source: dict[str, float] = {}
        counts: dict[str, int] = {}
        for group in plan.groups:
            t0 = time.perf_counter()
            outcome = import_group(store, group, settings)
            per_source[group.source] = time.perf_counter() - t0
            counts[group.source] = outcome.release.entity_count if outcome.release else 0
        total = time.perf_counter() - start
        store.engine.dispose()
    return total, per_source, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lists", type=Path, default=ROOT.parent / "shared" / "data" / "lists")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    totals = []
    per_source: dict[str, float] = {}
    counts: dict[str, int] = {}
    for _ in range(args.runs):
        total, per_source, counts = one_run(args.lists)
        totals.append(total)
    print(f"machine: {describe()}")
    print(f"import of {args.lists} ({args.runs} runs, fresh store each)")
    for source in sorted(per_source):
        print(f"  {source:20s} {counts[source]:6d} entities  {per_source[source]:6.2f} s (last run)")
    print(f"total: median {statistics.median(totals):.2f} s  (min {min(totals):.2f}, max {max(totals):.2f})")


if __name__ == "__main__":
    main()
