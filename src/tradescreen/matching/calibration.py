"""Score calibration: a monotone, piecewise-linear map from the model's probability to the score users read.

Users and the rest of tradescreen read 0.7 as "alert, review" and 0.9 as "near-certain, block". The
logistic model's raw probability has no such meaning (it depends on how many candidates a query brings),
so `train.py --write` measures, on the dev split with the shipped weights, the probability at which 1% of
the negative queries alert and the one at which 0.1% do, and stores them as knots:

    probability 0 -> 0,  p(1% FAR) -> 0.70,  p(0.1% FAR) -> 0.90,  1 -> 1,  linear in between.

A monotone map changes no ranking, recall-at-FAR or ROC AUC; it only puts the thresholds where the
screening code expects them. Knots live in `data/calibration.json`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

#: Scores the knots are mapped to: review (1% dev false alerts) and block (0.1% dev false alerts).
REVIEW_SCORE = 0.7
BLOCK_SCORE = 0.9


@dataclass(frozen=True, slots=True)
class Calibration:
    """Knots (probability, score), increasing in both, from (0, 0) to (1, 1)."""

    probs: tuple[float, ...]
    scores: tuple[float, ...]

    def apply(self, p: np.ndarray) -> np.ndarray:
        return np.interp(np.clip(p, 0.0, 1.0), self.probs, self.scores)

    @classmethod
    def from_thresholds(cls, p_review: float, p_block: float) -> Calibration:
        """Knots from the probabilities of the review and block operating points (kept strictly increasing)."""
        eps = 1e-6
        p_review = min(max(p_review, eps), 1 - 3 * eps)
        p_block = min(max(p_block, p_review + eps), 1 - eps)
        return cls((0.0, p_review, p_block, 1.0), (0.0, REVIEW_SCORE, BLOCK_SCORE, 1.0))

    def to_dict(self) -> dict[str, list[float]]:
        return {"probs": list(self.probs), "scores": list(self.scores)}


def threshold_for_far(neg_max: np.ndarray, far: float) -> float:
    """Probability between the last negative allowed to alert at `far` and the next one: at this cut, at
    most `far` of the negative queries have any candidate scoring at or above it."""
    ordered = np.sort(np.asarray(neg_max, dtype=np.float64))[::-1]
    allowed = int(np.floor(far * len(ordered) + 1e-9))
    if allowed >= len(ordered):
        return 0.0
    hi = ordered[allowed - 1] if allowed > 0 else 1.0
    return float((ordered[allowed] + hi) / 2)


@lru_cache(maxsize=1)
def default_calibration() -> Calibration:
    """Shipped knots; without them (before the first training) the identity map."""
    path = resources.files("tradescreen.matching").joinpath("data").joinpath("calibration.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Calibration(tuple(data["probs"]), tuple(data["scores"]))
    except (FileNotFoundError, KeyError):
        return Calibration((0.0, 1.0), (0.0, 1.0))
