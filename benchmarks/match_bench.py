"""Dev benchmark of the party matching engine: accuracy (score.py), candidate recall, speed, memory.

    .venv/bin/python benchmarks/match_bench.py [--bench ../shared/bench] [--runs 3] [--sample 10]

Runs the dev split through the benchmark protocol (`tradescreen.matching.protocol`, the same code as
`tradescreen match --corpus ... --queries ...`), then `score.py` on the results and the pairs; prints
candidate recall per kind (expected entity among the retrieved candidates), queries per second (median
of --runs full passes, one process), index build time and peak RSS; compares indexed retrieval with a
brute-force pass over the whole corpus on every --sample-th query (R@FAR on that sample); and, when the
optional `nomenklatura` package is installed, scores the same sample with logic-v2 for a speed ratio.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tradescreen.entity import Entity
from tradescreen.matching import burmese, cache, legal_forms, names, protocol, text
from tradescreen.matching.model import Query
from tradescreen.matching.scorer import OPERATING_THRESHOLD
from tradescreen.matching.screener import Screener


def clear_name_caches(screener: Screener) -> None:
    """Forget every name analysed so far (query side), so a timed pass pays for its own analysis."""
    for fn in (names.analyse, names.is_patronymic, text.tokenize, text.translit, text.detect_script,
               legal_forms.split_legal_form, legal_forms.split_script_legal_form, burmese.romanize):
        fn.cache_clear()
    screener.index._tok_cache.clear()


def rss_mb() -> float:
    """Current resident set size (VmRSS) of this process."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """Peak resident set size of this process (VmHWM: unlike ru_maxrss, not inherited from a parent)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_passes(screener: Screener, queries: list[Query], runs: int) -> list[float]:
    """Queries/s of `runs` full passes through `match_many` with its defaults (as the protocol and the
    screening code call it), each with cold name-analysis caches."""
    rates = []
    for _ in range(runs):
        clear_name_caches(screener)
        t0 = time.perf_counter()
        screener.match_many(queries, limit=10)
        rates.append(len(queries) / (time.perf_counter() - t0))
    return rates


def all_lists(lists: Path, queries: list[Query], runs: int) -> None:
    """Every list in `lists` parsed with the importer's formats (no database), one Screener over all."""
    from tradescreen.importer import plan_import

    t0 = time.perf_counter()
    plan = plan_import([lists])
    entities = []
    for group in plan.groups:
        res = group.fmt.parse(group.files, group.source)
        entities.extend(res.entities)
        print(f"  {group.source:14s} {len(res.entities):6d} entities ({', '.join(f.name for f in group.files)})")
    parse_t = time.perf_counter() - t0
    targets = sum(e.target for e in entities)
    t0 = time.perf_counter()
    screener = Screener.from_entities(entities)
    build = time.perf_counter() - t0
    del entities, plan, res, group
    gc.collect()
    print(f"  parse {parse_t:.1f} s; index build {build:.2f} s ({screener.index.n_entities} target entities of "
          f"{targets}, {screener.index.n_rows} names); RSS with all lists loaded {rss_mb():.0f} MB "
          f"(peak incl. parsing {peak_rss_mb():.0f} MB)")
    cache_dir = Path(tempfile.mkdtemp(prefix="match_cache_"))
    t0 = time.perf_counter()
    cache.save(cache.cache_path(cache_dir, "bench-all-lists"), screener.index)
    save_t = time.perf_counter() - t0
    t0 = time.perf_counter()
    cached = Screener.from_entities((), cache_dir=cache_dir, cache_key="bench-all-lists")
    load_t = time.perf_counter() - t0
    assert cached.loaded_from_cache
    size = sum(f.stat().st_size for f in cache_dir.iterdir()) / 1e6
    print(f"  on-disk cache: write {save_t:.2f} s, load {load_t:.2f} s ({size:.0f} MB) vs build {build:.2f} s")
    del cached
    shutil.rmtree(cache_dir, ignore_errors=True)
    rates = timed_passes(screener, queries, runs)
    print(f"  dev queries against all lists: {statistics.median(rates):.0f} queries/s median "
          f"({', '.join(f'{r:.0f}' for r in rates)})")


def score(bench: Path, args: list[str]) -> dict:
    out = subprocess.run([sys.executable, str(bench / "score.py"), *args], capture_output=True, text=True,
                         check=True).stdout
    print(out.rstrip())
    return json.loads(out.strip().splitlines()[-1])


def write_subset(path: Path, recs: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")


def by_schema(results: Path, truth: dict[str, dict], corpus: Path, kind: str, threshold: float) -> None:
    """Recall of one kind of query at the operating threshold, by the schema of the expected listed party:
    where what is left of the misses lies (persons, companies, organisations, vessels)."""
    schema = {r["id"]: r["schema"] for r in protocol.read_jsonl(corpus)}
    res = {r["id"]: r["results"] for r in protocol.read_jsonl(results)}
    hit: Counter[str] = Counter()
    tot: Counter[str] = Counter()
    for qid, t in truth.items():
        if t["kind"] != kind:
            continue
        sch = schema[t["expected"][0]]
        tot[sch] += 1
        hit[sch] += any(h["id"] in t["expected"] and h["score"] >= threshold for h in res.get(qid, []))
    print(f"\n== {kind} found at t = {threshold:.3f}, by kind of listed party ==")
    for sch in sorted(tot):
        print(f"  {sch:24s} {hit[sch] / tot[sch]:.3f}  ({hit[sch]} of {tot[sch]})")


def calibration(results: Path, truth_path: Path) -> None:
    """What a score means on the dev split: recall, false-alert rate and alert precision at fixed cut-offs."""
    truth = {t["id"]: set(t["expected"]) for t in protocol.read_jsonl(truth_path)}
    res = {r["id"]: r["results"] for r in protocol.read_jsonl(results)}
    print("\n== calibration: what a score means on the dev split ==")
    for t in sorted({OPERATING_THRESHOLD, 0.5, 0.8, 0.9}):
        pos = [q for q, e in truth.items() if e]
        neg = [q for q, e in truth.items() if not e]
        rec = sum(any(h["id"] in truth[q] and h["score"] >= t for h in res.get(q, [])) for q in pos) / len(pos)
        far = sum(any(h["score"] >= t for h in res.get(q, [])) for q in neg) / len(neg)
        alerts = [(q, h) for q, hs in res.items() for h in hs if h["score"] >= t]
        good = sum(h["id"] in truth[q] for q, h in alerts)
        print(f"  score >= {t:.2f}: recall {rec:.3f}, false-alert rate {far:.3f}, "
              f"alerts that are the queried party {good / max(1, len(alerts)):.3f} ({len(alerts)} alerts)")


def logic_v2(screener: Screener, sample: list[Query], corpus: dict[str, Entity]) -> float | None:
    """nomenklatura's logic-v2 (default config) scoring our retrieved candidates for the same queries;
    queries/s, or None when the optional package is missing."""
    try:
        from nomenklatura.matching import get_algorithm  # type: ignore[import-not-found]
        from nomenklatura.matching.types import ScoringConfig  # type: ignore[import-not-found]
    except ImportError:
        print("\nlogic-v2: nomenklatura not installed (pip install 'nomenklatura>=4.10,<5'); no speed ratio")
        return None
    from followthemoney import model as ftm_model

    algo = get_algorithm("logic-v2")
    if algo is None:
        print("\nlogic-v2: not in this nomenklatura version; no speed ratio")
        return None
    config = ScoringConfig.defaults()
    _, cands, _ = screener.candidates(sample)
    proxies = []
    for q, cand in zip(sample, cands):
        qp = ftm_model.make_entity(q.schema or "LegalEntity")
        qp.id = "q"
        qp.add("name", q.names)
        if qp.schema.is_a("Person"):
            qp.add("birthDate", q.birth_dates)
            qp.add("nationality", q.countries)
        else:
            qp.add("country", q.countries)
        rps = []
        for c in cand:
            ent = corpus[screener.index.ent_ids[int(c)]]
            rps.append(ftm_model.get_proxy({"id": ent.id, "schema": ent.schema, "properties": ent.properties},
                                           cleaned=False))
        proxies.append((qp, rps))
    n = 0
    t0 = time.perf_counter()
    for qp, rps in proxies:
        for rp in rps:
            algo.compare(qp, rp, config)
            n += 1
    rate = len(sample) / (time.perf_counter() - t0)
    print(f"\n== logic-v2 (nomenklatura, default config) on the same {len(sample)} queries ==")
    print(f"  {rate:.1f} queries/s scoring our retrieved candidates ({n} pairs, {n / len(sample):.0f} per query; "
          f"retrieval not counted)")
    return rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default=str(ROOT.parent / "shared" / "bench"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sample", type=int, default=10, help="every N-th query for brute force / logic-v2")
    ap.add_argument("--all-lists", action="store_true", help="also index every list in --lists (build, RSS, speed)")
    ap.add_argument("--lists", default=str(ROOT.parent / "shared" / "data" / "lists"))
    ap.add_argument("--only-all-lists", action="store_true", help="run only the all-lists section")
    args = ap.parse_args()
    bench = Path(args.bench)
    data = bench / "data"
    tmp = Path(tempfile.mkdtemp(prefix="match_bench_"))
    print(f"machine: {platform.node()} {platform.machine()} {platform.processor() or ''} "
          f"cpus={os.cpu_count()} python={platform.python_version()} load={os.getloadavg()[0]:.2f}")

    if args.only_all_lists:
        print(f"== all lists in {args.lists} ==")
        all_lists(Path(args.lists), [Query.from_ftm(r) for r in protocol.read_jsonl(data / "queries.jsonl")],
                  args.runs)
        return
    t0 = time.perf_counter()
    screener = Screener.from_ftm_file(data / "corpus.jsonl")
    build = time.perf_counter() - t0
    build_rss = rss_mb()
    print(f"index build: {build:.2f} s ({screener.index.n_entities} entities, {screener.index.n_rows} names); "
          f"RSS {build_rss:.0f} MB")
    cache_dir = Path(tempfile.mkdtemp(prefix="match_cache_"))
    cache.save(cache.cache_path(cache_dir, "bench-dev"), screener.index)
    t0 = time.perf_counter()
    cached = Screener.from_entities((), cache_dir=cache_dir, cache_key="bench-dev")
    load_t = time.perf_counter() - t0
    assert cached.loaded_from_cache
    print(f"index from the on-disk cache: {load_t:.2f} s (vs build {build:.2f} s)")
    del cached
    shutil.rmtree(cache_dir, ignore_errors=True)

    print("\n== screening (dev split, protocol) ==")
    protocol.run_queries(screener, data / "queries.jsonl", tmp / "results.jsonl")
    summary = score(bench, ["--truth", str(data / "truth.jsonl"), "--results", str(tmp / "results.jsonl")])
    calibration(tmp / "results.jsonl", data / "truth.jsonl")
    print("\n== pairs ==")
    t0 = time.perf_counter()
    protocol.run_pairs(screener, data / "pairs.jsonl", tmp / "pairs.jsonl")
    pair_time = time.perf_counter() - t0
    pairs = score(bench, ["--pairs", str(data / "pairs.jsonl"), "--pair-results", str(tmp / "pairs.jsonl")])

    recs = list(protocol.read_jsonl(data / "queries.jsonl"))
    truth = {t["id"]: t for t in protocol.read_jsonl(data / "truth.jsonl")}
    queries = [Query.from_ftm(r) for r in recs]

    print("\n== candidate recall (expected entity among retrieved candidates) ==")
    _, cands, _ = screener.candidates(queries)
    hit: Counter[str] = Counter()
    tot: Counter[str] = Counter()
    ids = screener.index.ent_ids
    for rec, c in zip(recs, cands):
        t = truth[rec["id"]]
        if t["expected"]:
            tot[t["kind"]] += 1
            hit[t["kind"]] += bool({ids[i] for i in c} & set(t["expected"]))
    for kind in sorted(tot):
        print(f"  {kind:24s} {hit[kind] / tot[kind]:.3f}  ({tot[kind]})")
    print(f"  {'OVERALL':24s} {sum(hit.values()) / sum(tot.values()):.3f}  "
          f"(mean candidates/query {np.mean([len(c) for c in cands]):.1f})")
    by_schema(tmp / "results.jsonl", truth, data / "corpus.jsonl", "alias_holdout", float(summary["threshold"]))

    print("\n== speed (match_many defaults: explanations for matches >= 0.7; cold name caches; one process) ==")
    rates = timed_passes(screener, queries, args.runs)
    qps = statistics.median(rates)
    print(f"  queries/s median {qps:.0f} over {args.runs} runs ({', '.join(f'{r:.0f}' for r in rates)}); "
          f"{1000 / qps:.2f} ms/query; pairs {len(list(protocol.read_jsonl(data / 'pairs.jsonl'))) / pair_time:.0f}/s")
    clear_name_caches(screener)
    t0 = time.perf_counter()
    screener.match_many(queries, limit=10, explain=True)
    print(f"  every returned match explained: {len(queries) / (time.perf_counter() - t0):.0f} queries/s")

    print(f"\n== retrieval loss: indexed vs brute force on every {args.sample}th query ==")
    sample = recs[:: args.sample]
    write_subset(tmp / "truth_sample.jsonl", [truth[r["id"]] for r in sample])
    sq = [Query.from_ftm(r) for r in sample]
    everything = np.arange(screener.index.n_entities, dtype=np.int32)
    with open(tmp / "brute.jsonl", "w", encoding="utf-8") as bf, open(tmp / "indexed.jsonl", "w") as xf:
        t0 = time.perf_counter()
        brute = [screener._rank(q, screener.query_forms(q), everything, 10, None, False) for q in sq]
        brute_t = time.perf_counter() - t0
        indexed = screener.match_many(sq, limit=10, explain=False)
        for rec, b, x in zip(sample, brute, indexed):
            bf.write(json.dumps({"id": rec["id"], "results": [{"id": m.entity_id, "score": m.score} for m in b]}) + "\n")
            xf.write(json.dumps({"id": rec["id"], "results": [{"id": m.entity_id, "score": m.score} for m in x]}) + "\n")
    print(f"  brute force: {len(sq) / brute_t:.1f} queries/s over {screener.index.n_entities} entities")
    figs = {}
    for label, path in (("brute", tmp / "brute.jsonl"), ("indexed", tmp / "indexed.jsonl")):
        out = subprocess.run([sys.executable, str(bench / "score.py"), "--truth", str(tmp / "truth_sample.jsonl"),
                              "--results", str(path)], capture_output=True, text=True, check=True).stdout
        figs[label] = json.loads(out.strip().splitlines()[-1])
    for label, f in figs.items():
        print(f"  {label:8s} R@FAR {f['recall_at_far']:.4f} (t={f['threshold']:.4f}) R@10 {f['recall_at_10']:.4f} "
              f"on {f['queries']} queries")
    print(f"  retrieval loss: {100 * (figs['brute']['recall_at_far'] - figs['indexed']['recall_at_far']):+.2f} points")

    corpus = {e.id: e for e in (Entity.from_dict(r) for r in protocol.read_jsonl(data / "corpus.jsonl"))}
    lv2 = logic_v2(screener, sq, corpus)
    if lv2:
        print(f"  our engine {qps:.0f} queries/s (full run above) -> speed ratio {qps / lv2:.0f}x")

    if args.all_lists:
        # A fresh process, so that its RSS is the all-lists engine's and not this run's dev index on top.
        print(flush=True)
        subprocess.run([sys.executable, __file__, "--only-all-lists", "--lists", args.lists, "--bench", args.bench,
                        "--runs", str(args.runs)], check=True)

    rss = peak_rss_mb()
    per = summary["per_kind"]
    print("\n== summary ==")
    print(f"R@FAR {summary['recall_at_far']:.3f} (t={summary['threshold']:.4f}); "
          + ", ".join(f"{k} {v['recall_at_far']:.3f}" for k, v in per.items() if "recall_at_far" in v))
    print(f"pairs ROC AUC {pairs['roc_auc']:.3f}; {qps:.0f} queries/s; build {build:.2f} s; RSS after build "
          f"{build_rss:.0f} MB; peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
