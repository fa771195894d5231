"""Scorer: query names against every name of the retrieved candidates, vectorised per query.

For one query name and all candidate names at once we build the token similarity matrix with
rapidfuzz `cdist` (C loops), then derive every name feature with numpy reductions over the candidate
names (`reduceat`), so the cost per query is a handful of array operations, not a Python loop over
names and tokens. Features are combined by a logistic model (`data/weights.json`, see `train.py`):
the score is the model's probability that the candidate is the queried party, on the dev split.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from tradescreen.matching import features as F
from tradescreen.matching.index import CandidateIndex, acronym, normalise_identifier
from tradescreen.matching.model import Query
from tradescreen.matching.names import NameForm, particles
from tradescreen.matching.text import phonetic, skeleton

NAME_FEATURES = ("query_coverage", "listed_coverage", "coverage_product", "matched_rarity", "unmatched_query",
                 "unmatched_listed", "sorted_similarity", "joined_similarity", "single_token", "weak_alias",
                 "abjad_coverage", "min_token", "exact", "legal_form_mismatch", "acronym", "rarest_match")
ENTITY_FEATURES = ("dob_exact", "dob_year", "dob_mismatch", "country_match", "country_mismatch",
                   "gender_mismatch", "identifier_match", "schema_mismatch")
FEATURES = NAME_FEATURES + ENTITY_FEATURES
#: Products of base features the logistic model also weighs: name evidence counts for more when the
#: attributes agree, and full coverage of a short query is worth more than its parts.
INTERACTIONS = (("coverage_product", "dob_exact"), ("coverage_product", "dob_mismatch"),
                ("coverage_product", "country_match"), ("coverage_product", "country_mismatch"),
                ("query_coverage", "query_coverage"), ("listed_coverage", "listed_coverage"),
                ("min_token", "query_coverage"), ("single_token", "coverage_product"),
                ("abjad_coverage", "abjad_coverage"), ("joined_similarity", "joined_similarity"),
                ("weak_alias", "coverage_product"), ("rarest_match", "coverage_product"))
MODEL_FEATURES = FEATURES + tuple(f"{a}*{b}" for a, b in INTERACTIONS)
_PAIRS = tuple((FEATURES.index(a), FEATURES.index(b)) for a, b in INTERACTIONS)


def expand(feats: np.ndarray) -> np.ndarray:
    """Base features plus the interaction products, as the logistic model sees them."""
    extra = np.stack([feats[:, a] * feats[:, b] for a, b in _PAIRS], axis=1) if len(feats) else \
        np.zeros((0, len(_PAIRS)), dtype=feats.dtype)
    return np.hstack([feats, extra])

#: Token similarity below this is no alignment at all (Indel similarity; "kasim"/"qasim" = 0.80).
TOKEN_FLOOR = 0.7
#: Similarity credited to an initial against a token with that first letter.
INITIAL_SIM = 0.85
#: Similarity credited to tokens with the same metaphone key.
PHONETIC_SIM = 0.85
#: Rarity mass is divided by this so features stay near [0, 2].
MASS_SCALE = 10.0
#: A match through a weak alias alone never scores above this (an analyst must look, not trust it).
WEAK_ALIAS_CAP = 0.8
#: An identical identifier lifts the score to at least this, whatever the names say.
IDENTIFIER_FLOOR = 0.95
#: The dev operating point: the lowest score at which at most 1% of the bench's negative queries alert
#: (score.py's threshold for the shipped weights, see benchmarks/match_bench.py and the README).
OPERATING_THRESHOLD = 0.26

#: Prior weights for features the dev split cannot teach (no dev query carries a gender or an identifier):
#: `train.py` uses these where a feature never fires in the training rows.
PRIOR_WEIGHTS = {"gender_mismatch": -1.5, "identifier_match": 6.0}


@dataclass(frozen=True, slots=True)
class Weights:
    bias: float
    coef: tuple[float, ...]

    def as_array(self) -> np.ndarray:
        return np.asarray(self.coef, dtype=np.float64)


@lru_cache(maxsize=1)
def default_weights() -> Weights:
    """Weights learned by `train.py`; a hand-set fallback keeps the engine usable before training."""
    path = resources.files("tradescreen.matching").joinpath("data").joinpath("weights.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        coef = tuple(float(data["coef"][name]) for name in MODEL_FEATURES)
        return Weights(float(data["bias"]), coef)
    except (FileNotFoundError, KeyError):
        hand = {"query_coverage": 4.0, "listed_coverage": 2.0, "coverage_product": 2.0, "matched_rarity": 1.0,
                "unmatched_query": -1.0, "unmatched_listed": -0.3, "sorted_similarity": 2.0,
                "single_token": -1.0, "weak_alias": -0.5, "dob_exact": 2.0, "dob_year": 1.0,
                "dob_mismatch": -1.5, "country_match": 0.5, "country_mismatch": -1.0, "gender_mismatch": -1.0,
                "identifier_match": 6.0, "schema_mismatch": -2.0}
        return Weights(-7.0, tuple(hand.get(n, 0.0) for n in MODEL_FEATURES))


@dataclass(slots=True)
class QueryForm:
    """A query name prepared for vectorised scoring (arrays built once per query name)."""

    form: NameForm
    keys: list[str]
    phon: np.ndarray
    initials: np.ndarray
    sorted_str: str
    joined_str: str


def prepare(form: NameForm) -> QueryForm:
    toks = form.tokens
    keys = [skeleton(t) for t in toks] if form.abjad else list(toks)
    phon = np.array([phonetic(t) if len(t) >= 4 and not form.abjad else "\x00" + t for t in toks])
    initials = np.array([len(t) == 1 and t.isalpha() for t in toks])
    return QueryForm(form, keys, phon, initials, " ".join(sorted(keys)), "".join(keys))


def name_features(index: CandidateIndex, qf: QueryForm, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Name feature matrix (len(rows) x len(NAME_FEATURES)) and the token-sim matrix support for rows."""
    vocab = index.vocab
    starts = index.tok_ptr[rows]
    lens = index.tok_ptr[rows + 1] - starts
    offs = np.cumsum(lens) - lens
    total = int(lens.sum())
    pos = np.arange(total) - np.repeat(offs, lens) + np.repeat(starts, lens)
    flat = index.tok_ids[pos]
    uniq, inv = np.unique(flat, return_inverse=True)
    cand = (vocab.skel[uniq] if qf.form.abjad else vocab.tokens_arr[uniq]).tolist()
    sim = process.cdist(qf.keys, cand, scorer=Indel.normalized_similarity, dtype=np.float32)
    if not qf.form.abjad:
        cphon = vocab.phon[uniq]
        sim = np.where(qf.phon[:, None] == cphon[None, :], np.maximum(sim, PHONETIC_SIM), sim)
    first_q = np.array([ord(k[0]) for k in qf.keys], dtype=np.int32)
    same_first = first_q[:, None] == vocab.first[uniq][None, :]
    if qf.initials.any():
        sim[qf.initials] = np.where(same_first[qf.initials], INITIAL_SIM, 0.0)
    cand_initial = vocab.length[uniq] == 1
    if cand_initial.any():
        sim[:, cand_initial] = np.maximum(sim[:, cand_initial], np.where(same_first[:, cand_initial], INITIAL_SIM, 0))
    sim = np.where(sim >= TOKEN_FLOOR, sim, 0.0).astype(np.float32)

    # Query token weights: own rarity when listed anywhere, else the rarity of the token it aligns with.
    idf_u = vocab.idf[uniq]
    best_u = sim.argmax(axis=1)
    best_s = sim[np.arange(len(qf.keys)), best_u]
    own = np.array([vocab.ids.get(t, -1) for t in qf.form.tokens])
    parts = particles()
    default = np.array([vocab.max_idf * (0.25 if t in parts else 0.8) for t in qf.form.tokens], dtype=np.float32)
    w = np.where(own >= 0, vocab.idf[np.maximum(own, 0)], np.where(best_s > 0, idf_u[best_u], default))
    if qf.form.abjad:
        w = np.where(best_s > 0, idf_u[best_u], default)
    w = np.where(qf.initials, np.minimum(w, 1.0), w).astype(np.float32)
    wsum = float(w.sum()) or 1.0

    p = sim[:, inv]  # query tokens x all candidate-name tokens
    bq = np.maximum.reduceat(p, offs, axis=1)  # query tokens x rows
    colmax = p.max(axis=0)
    v = vocab.idf[flat]
    vsum = np.add.reduceat(v, offs)
    matched_n = np.add.reduceat(v * colmax, offs)
    matched_q = w @ bq
    qcov = matched_q / wsum
    ncov = matched_n / np.maximum(vsum, 1e-6)
    sig = w >= 0.5 * float(w.max())
    min_tok = bq[sig].min(axis=0)

    strings = index.row_skel_sorted if qf.form.abjad else index.row_sorted
    joined = index.row_skel_joined if qf.form.abjad else index.row_joined
    srt = process.cdist([qf.sorted_str], strings[rows].tolist(), scorer=fuzz.ratio, dtype=np.float32)[0] / 100
    jnd = process.cdist([qf.joined_str], joined[rows].tolist(), scorer=fuzz.ratio, dtype=np.float32)[0] / 100

    weak = index.row_weak[rows].astype(np.float32)
    legal_mm = np.zeros(len(rows), dtype=np.float32)
    if qf.form.legal:
        rl = index.row_legal[rows]
        legal_mm = ((rl != "") & ~np.isin(rl, list(qf.form.legal))).astype(np.float32)
    acr = np.isin(index.row_acronym[rows], list(qf.form.tokens))
    q_acr = acronym(qf.form)
    if q_acr and q_acr in vocab.ids:
        acr |= np.add.reduceat((flat == vocab.ids[q_acr]).astype(np.int32), offs) > 0
    n = len(rows)
    out = np.empty((n, len(NAME_FEATURES)), dtype=np.float32)
    out[:, 0] = qcov
    out[:, 1] = ncov
    out[:, 2] = qcov * ncov
    out[:, 3] = np.minimum(matched_q / MASS_SCALE, 2.0)
    out[:, 4] = (wsum - matched_q) / MASS_SCALE
    out[:, 5] = (vsum - matched_n) / MASS_SCALE
    out[:, 6] = srt
    out[:, 7] = jnd
    out[:, 8] = 1.0 if len(qf.keys) == 1 else 0.0
    out[:, 9] = weak
    out[:, 10] = qcov if qf.form.abjad else 0.0
    out[:, 11] = min_tok
    out[:, 12] = ((qcov > 0.999) & (ncov > 0.999)).astype(np.float32)
    out[:, 13] = legal_mm
    out[:, 14] = acr.astype(np.float32)
    out[:, 15] = (w[:, None] * bq).max(axis=0) / vocab.max_idf
    return out, sim


def selection_score(feats: np.ndarray) -> np.ndarray:
    """Which listed name of an entity to explain and score: the best two-way alignment."""
    return 0.45 * feats[:, 0] + 0.35 * feats[:, 1] + 0.2 * feats[:, 6]


def entity_matrix(index: CandidateIndex, query: Query, ents: np.ndarray, qids: set[str]) -> np.ndarray:
    """Entity features for all candidates; the per-entity path only runs for attributes the query has."""
    out = np.zeros((len(ents), len(ENTITY_FEATURES)), dtype=np.float32)
    if query.schema and query.schema not in ("LegalEntity", "Thing"):
        out[:, 7] = index.ent_person[ents] != (query.schema == "Person")
    if query.birth_dates or query.countries or query.gender or qids:
        for k, e in enumerate(ents):
            out[k, :7] = entity_features(index, query, int(e), qids)[0][:7]
    return out


def entity_features(index: CandidateIndex, query: Query, ent: int, qids: set[str]) -> tuple[np.ndarray, list[str]]:
    vals = np.zeros(len(ENTITY_FEATURES), dtype=np.float32)
    details = [""] * len(ENTITY_FEATURES)
    e, y, mm, d = F.dob_match(query.birth_dates, index.birth_dates[ent])
    vals[0], vals[1], vals[2] = e, y, mm
    details[0] = details[1] = details[2] = d
    cm, cmm, d = F.country_match(query.countries, index.countries[ent])
    vals[3], vals[4] = cm, cmm
    details[3] = details[4] = d
    vals[5], details[5] = F.gender_mismatch(query.gender, index.genders[ent])
    vals[6], details[6] = F.identifier_match(qids, index.identifiers[ent])
    vals[7], details[7] = F.schema_mismatch(query.schema, index.entities[ent].schema)
    return vals, details


def query_identifiers(query: Query) -> set[str]:
    return {v for v in map(normalise_identifier, query.identifiers) if v}
