"""Learn the scorer's feature weights (logistic regression) on the dev split, with k-fold cross-validation.

    python -m tradescreen.matching.train --bench ../shared/bench [--folds 5] [--write]

Training rows are (query, retrieved candidate) pairs from the dev benchmark; the label is whether the
candidate is one of the query's expected entities. Queries are split into folds by a hash of their id
(`fold_of`: deterministic, so the split is part of the project and reproducible); each fold is scored
by a model fit on the other folds, and the out-of-fold results are written in the bench protocol so
`score.py` reports cross-validated figures. `--write` then fits on all dev queries and stores
`data/weights.json`, the weights the engine ships with. Regularised (L2) and low-capacity on purpose:
~20 weights for ~60k rows cannot memorise individual queries.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from tradescreen.matching import scorer as S
from tradescreen.matching.calibration import Calibration, threshold_for_far
from tradescreen.matching.model import Query
from tradescreen.matching.protocol import read_jsonl
from tradescreen.matching.screener import Screener

L2 = 1.0


def fold_of(query_id: str, folds: int) -> int:
    return int(hashlib.sha1(query_id.encode("utf-8")).hexdigest()[:8], 16) % folds


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2, iters: int = 30) -> tuple[float, np.ndarray]:
    """Newton-Raphson (IRLS) with an L2 penalty on the coefficients (not the bias)."""
    xb = np.hstack([np.ones((len(x), 1)), x.astype(np.float64)])
    beta = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], l2)
    reg[0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(xb @ beta)))
        grad = xb.T @ (p - y) + reg * beta
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-7:
            break
    return float(beta[0]), beta[1:]


def collect(screener: Screener, queries: list[dict], truth: dict[str, dict]
            ) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Feature rows for every (query, candidate): X, y, query id per row, entity id per row."""
    qs = [Query.from_ftm(r) for r in queries]
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    qids: list[str] = []
    eids: list[str] = []
    ent_ids = screener.index.ent_ids
    for start in range(0, len(qs), 512):
        chunk = qs[start:start + 512]
        recs = queries[start:start + 512]
        forms_b, cands_b, rows_b = screener.candidates(chunk)
        b = S.score_batch(screener.index, chunk, forms_b, cands_b, rows_b)
        q_ids = [recs[int(i)]["id"] for i in b.slot_query]
        e_ids = [ent_ids[int(e)] for e in b.slot_ent]
        xs.append(b.feats)
        ys.append(np.array([e in truth[q]["expected"] for q, e in zip(q_ids, e_ids)], dtype=np.float64))
        qids.extend(q_ids)
        eids.extend(e_ids)
    return np.vstack(xs), np.concatenate(ys), qids, eids


def calibrate(probs: np.ndarray, qids: list[str], truth: dict[str, dict]) -> Calibration:
    """Knots at the dev split's 1% and 0.1% false-alert points (see `calibration.py`): the highest
    probability per negative query (0 for a negative with no candidate)."""
    best: dict[str, float] = {q: 0.0 for q, t in truth.items() if not t["expected"]}
    for q, p in zip(qids, probs.tolist()):
        if q in best and p > best[q]:
            best[q] = p
    neg = np.array(list(best.values()))
    return Calibration.from_thresholds(threshold_for_far(neg, 0.01), threshold_for_far(neg, 0.001))


def write_results(path: Path, qids: list[str], eids: list[str], probs: np.ndarray, all_ids: list[str],
                  limit: int = 10) -> None:
    by_q: dict[str, list[tuple[str, float]]] = {q: [] for q in all_ids}
    for q, e, p in zip(qids, eids, probs):
        by_q[q].append((e, float(p)))
    with open(path, "w", encoding="utf-8") as fh:
        for q, items in by_q.items():
            items.sort(key=lambda t: -t[1])
            res = [{"id": e, "score": round(p, 6)} for e, p in items[:limit]]
            fh.write(json.dumps({"id": q, "results": res}) + "\n")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default="../shared/bench")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--out", default="cv_results.jsonl")
    ap.add_argument("--write", action="store_true", help="fit on all dev queries and store data/weights.json")
    args = ap.parse_args(argv)
    bench = Path(args.bench)
    screener = Screener.from_ftm_file(bench / "data" / "corpus.jsonl")
    queries = list(read_jsonl(bench / "data" / "queries.jsonl"))
    truth = {t["id"]: t for t in read_jsonl(bench / "data" / "truth.jsonl")}
    base, y, qids, eids = collect(screener, queries, truth)
    x = S.expand(base.astype(np.float64))
    for name in S.RULE_ONLY:  # read by the rules in `scorer.final_scores`, never weighed by the model
        x[:, S.MODEL_FEATURES.index(name)] = 0.0
    folds = np.array([fold_of(q, args.folds) for q in qids])
    oof = np.zeros(len(y))
    for k in range(args.folds):
        tr, te = folds != k, folds == k
        b, w = fit_logistic(x[tr], y[tr])
        oof[te] = 1.0 / (1.0 + np.exp(-(b + x[te] @ w)))
    cal = calibrate(oof, qids, truth)
    # the same documented rules the engine applies (weak-alias cap, exact-name lift, identifier floor)
    oof = S.final_scores(cal.apply(oof), base)[0]
    write_results(Path(args.out), qids, eids, oof, [r["id"] for r in queries])
    print(f"{len(y)} rows, {int(y.sum())} positive; cross-validated results in {args.out}")
    subprocess.run([sys.executable, str(bench / "score.py"), "--truth", str(bench / "data" / "truth.jsonl"),
                    "--results", args.out], check=False)
    if args.write:
        b, w = fit_logistic(x, y)
        for name, prior in S.PRIOR_WEIGHTS.items():
            col = S.MODEL_FEATURES.index(name)
            if not np.any(x[:, col]):
                w[col] = prior
        data = {"bias": b, "coef": {n: float(v) for n, v in zip(S.MODEL_FEATURES, w)},
                "trained_on": "dev split of ../shared/bench (all folds)", "l2": L2, "rows": len(y)}
        path = Path(__file__).parent / "data" / "weights.json"
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"weights written to {path}")
        probs = 1.0 / (1.0 + np.exp(-(b + x @ w)))
        cal = calibrate(probs, qids, truth)
        cal_path = path.with_name("calibration.json")
        cal_path.write_text(json.dumps({**cal.to_dict(), "fit_on": "dev split, shipped weights, all queries"},
                                       indent=1) + "\n", encoding="utf-8")
        print(f"calibration knots {cal.probs} -> {cal.scores} written to {cal_path}")
        for n, v in zip(S.MODEL_FEATURES, w):
            print(f"  {n:22s} {v:+.3f}")
        print(f"  {'bias':22s} {b:+.3f}")


if __name__ == "__main__":
    main()
