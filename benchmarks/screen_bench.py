"""Speed of shipment screening: one large shipment warm, and a batch of 10,000 shipments.

Builds the screening context once from every list in ../shared/data/lists (parsed directly,
no database) and the reference folder, then times:
  * a shipment of 10 parties and 20 goods lines, screened warm (median of many runs);
  * 10,000 shipments (variants of the README examples with distinct party names and codes).
Prints medians and the machine. Run: `.venv/bin/python benchmarks/screen_bench.py`.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402

from tradescreen.importer import plan_import  # noqa: E402
from tradescreen.screening import ScreeningContext, screen_shipment, screen_shipments  # noqa: E402
from tradescreen.shipments import load  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

CODES = ["8542.31", "8526.91", "8525.89", "8407.10", "8411.99", "8803.30", "9401.31", "8471.30", "8517.62",
         "8536.69", "8483.10", "9014.20", "8504.40", "8532.24", "8541.29", "6203.42", "0902.40", "8708.99",
         "9032.89", "8413.70"]
DESCRIPTIONS = ["Microcontrollers 32-bit", "GNSS receiver modules", "Digital camera modules", "Piston engines 50cc",
                "Turbine engine parts", "Civil aircraft spare parts", "Office chairs", "Laptop computers",
                "Network switches", "Connectors", "Transmission shafts", "Autopilot units", "Power supplies",
                "Ceramic capacitors", "Transistors", "Cotton trousers", "Black tea", "Car parts",
                "Regulating instruments", "Centrifugal pumps"]
ROLES = ["seller", "buyer", "shipper", "consignee", "notify_party", "end_user", "freight_forwarder", "bank",
         "carrier", "intermediate_consignee"]


def big_shipment(i: int = 0) -> dict:
    return {
        "id": f"BENCH-{i}",
        "parties": [{"role": role, "name": f"Example {role.title()} Company {i} {k} Ltd", "country": c,
                     "address": f"{k + 1} Example Street, Example City"}
                    for k, (role, c) in enumerate(zip(ROLES, ["DE", "AE", "DE", "AE", "AE", "RU", "TR", "CH",
                                                              "DK", "KZ"]))],
        "goods": [{"description": DESCRIPTIONS[k], "hs_code": CODES[k], "origin_country": "DE", "value": 1000 + k,
                   "currency": "EUR"} for k in range(20)],
        "route": [{"role": "port_of_loading", "unlocode": "DEHAM"}, {"role": "port_of_discharge", "unlocode": "AEJEA"},
                  {"role": "final_destination", "country": "RU"}],
        "vessel": {"name": "EXAMPLE TRADER", "imo": "9000001"},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    print(f"machine: {describe()}")
    t0 = time.perf_counter()
    entities = []
    plan = plan_import([SHARED / "data" / "lists"])
    for group in plan.groups:
        entities.extend(group.fmt.parse(group.files, group.source).entities)
    t1 = time.perf_counter()
    ctx = ScreeningContext.build(entities, SHARED / "reference")
    t2 = time.perf_counter()
    print(f"lists parsed: {sum(e.target for e in entities)} listed entities in {t1 - t0:.1f} s; "
          f"screening context (matcher index, rules, reference) built in {t2 - t1:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.json"
        path.write_text(json.dumps(big_shipment()), encoding="utf-8")
        shipment = load(path).shipments[0]
    screen_shipment(shipment, ctx)  # warm caches
    times = []
    for _ in range(args.repeats):
        ctx.party_cache.clear()  # warm code and index, but no remembered answers
        ctx.description_cache.clear()
        s = time.perf_counter()
        result = screen_shipment(shipment, ctx)
        times.append(time.perf_counter() - s)
    print(f"10 parties + 20 goods lines, warm: median {statistics.median(times) * 1000:.1f} ms "
          f"(min {min(times) * 1000:.1f}, {args.repeats} runs; verdict {result.verdict}, "
          f"{len(result.findings)} findings)")

    examples = load(ROOT / "examples", reference_dir=SHARED / "reference").shipments
    batch = []
    for i in range(args.batch):
        base = copy.deepcopy(examples[i % len(examples)])
        base.id = f"{base.id}-{i}"
        for party in base.parties:
            if party.name and "Example" in party.name:
                party.name = f"{party.name} {i}"  # every fictional party new: no cache hits for them
        batch.append(base)
    ctx.party_cache.clear()
    ctx.description_cache.clear()
    s = time.perf_counter()
    verdicts: dict[str, int] = {}
    for res in screen_shipments(batch, ctx):
        verdicts[res.verdict] = verdicts.get(res.verdict, 0) + 1
    elapsed = time.perf_counter() - s
    print(f"{args.batch} shipments ({len(examples)} example shapes, ~{sum(len(e.parties) for e in examples) / len(examples):.0f} "
          f"parties each): {elapsed:.1f} s, {args.batch / elapsed:.0f} shipments/s; verdicts {json.dumps(verdicts)}")


if __name__ == "__main__":
    main()
