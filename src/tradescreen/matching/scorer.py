"""Scorer: query names against every name of the retrieved candidates, vectorised per query.

For one query name and all candidate names at once we build the token similarity matrix with
rapidfuzz `cdist` (C loops), then derive every name feature with numpy reductions over the candidate
names (`reduceat`), so the cost per query is a handful of array operations, not a Python loop over
names and tokens. Features are combined by a logistic model (`data/weights.json`, see `train.py`):
the score is the model's probability that the candidate is the queried party, on the dev split.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from tradescreen.matching import features as F
from tradescreen.matching.index import (
    PARTICLE_FACTOR,
    PATRONYMIC_FACTOR,
    CandidateIndex,
    acronym,
    date_ints,
    normalise_identifier,
    number_signature,
)
from tradescreen.matching.model import Query
from tradescreen.matching.names import NameForm, equivalent_groups, is_patronymic, particles
from tradescreen.matching.text import acronym_like, phonetic, skeleton, stem

NAME_FEATURES = ("query_coverage", "listed_coverage", "coverage_product", "matched_rarity", "unmatched_query",
                 "unmatched_listed", "sorted_similarity", "joined_similarity", "single_token", "weak_alias",
                 "abjad_coverage", "min_token", "exact", "legal_form_mismatch", "acronym", "rarest_match",
                 "in_order", "exact_name", "missed_rare_listed", "single_variant", "shortened_form", "rarest_listed_missed",
                 "number_mismatch", "object_extra_words", "generic_only", "patronymic_mismatch")
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
                ("weak_alias", "coverage_product"), ("rarest_match", "coverage_product"),
                ("single_token", "rarest_match"))
#: Features the rules read but the model does not weigh (`train.py` fits them at zero).
RULE_ONLY = ("generic_only",)
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
#: Similarity credited to two word forms of one word (same `text.stem`: "airlines"/"air",
#: "trading"/"trade", "industries"/"industry"): aligned, but below an exact match.
STEM_SIM = 0.8
#: Similarity of two words on one line of `data/equivalents.tsv` (a translation, a given name's other form).
EQUIV_SIM = 0.85
#: Fuzzy (edit) similarity under which an alignment needs a distinctive listed token (`token_similarity`).
LOOSE_SIM = 0.8
#: Token similarity that counts as the same word for `shortened_form` (spelling noise aside).
SHORTENED_SIM = 0.95
#: Rarity mass is divided by this so features stay near [0, 2].
MASS_SCALE = 10.0
#: A match through a weak alias alone never scores above this, on the calibrated scale: it can raise a
#: review alert but never reach the block level (an analyst must look, not trust it).
WEAK_ALIAS_CAP = 0.85
#: Cap for an organisation name aligned on common words only while a rarer listed word is missing
#: ("Star Shipping Company" vs "FIVE STAR SHIPPING COMPANY"): under review, see `final_scores`.
GENERIC_CAP = 0.6
#: An identical identifier lifts the score to at least this, whatever the names say.
IDENTIFIER_FLOOR = 0.95
#: The whole query name equal to a whole, distinctive listed name or strong alias (feature `exact_name`)
#: lifts the score into the block range, to `EXACT_NAME_FLOOR + (1 - EXACT_NAME_FLOOR) * score / 2`
#: (so lifted candidates keep the model's order), unless an attribute contradicts it: see `final_scores`.
EXACT_NAME_FLOOR = 0.9
#: Attribute findings that veto the exact-name lift: a different person, place, kind of party or legal form.
EXACT_NAME_VETO = ("dob_mismatch", "country_mismatch", "schema_mismatch", "gender_mismatch",
                   "legal_form_mismatch")
#: Variant rule (feature `single_variant`): a one-token query name that is a spelling variant (same
#: metaphone key or consonant skeleton, or edit similarity >= PHONETIC_SIM) of a listed name or strong
#: alias that is exactly one distinctive token ("Hezbollah" vs "HIZBALLAH", "Kargolain" vs "OSOO
#: KARGOLAYN") is lifted to `VARIANT_FLOOR + VARIANT_SPAN * score`: review range, never block by itself,
#: model order kept. Same vetoes as the exact-name rule.
VARIANT_FLOOR = 0.7
VARIANT_MIN_LEN = 6
VARIANT_SPAN = 0.2
#: The alert (review) threshold. Scores are calibrated (`calibration.py`) so that on the dev split 0.7 is
#: the point where 1% of the bench's negative queries alert, and 0.9 where about 0.1% do.
OPERATING_THRESHOLD = 0.7

#: Prior weights for features the dev split cannot teach (no dev query carries a gender or an identifier):
#: `train.py` uses these where a feature never fires in the training rows.
PRIOR_WEIGHTS = {"gender_mismatch": -1.5, "identifier_match": 6.0, "number_mismatch": -2.0}


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
        coef = tuple(float(data["coef"].get(name, 0.0)) for name in MODEL_FEATURES)
        return Weights(float(data["bias"]), coef)
    except (FileNotFoundError, KeyError):
        hand = {"query_coverage": 4.0, "listed_coverage": 2.0, "coverage_product": 2.0, "matched_rarity": 1.0,
                "unmatched_query": -1.0, "unmatched_listed": -0.3, "sorted_similarity": 2.0,
                "single_token": -1.0, "weak_alias": -0.5, "dob_exact": 2.0, "dob_year": 1.0,
                "dob_mismatch": -1.5, "country_match": 0.5, "country_mismatch": -1.0, "gender_mismatch": -1.0,
                "identifier_match": 6.0, "schema_mismatch": -2.0}
        return Weights(-7.0, tuple(hand.get(n, 0.0) for n in MODEL_FEATURES))


def _seg_arange(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Concatenated ranges [starts[i], starts[i] + lens[i]) without a Python loop."""
    total = int(lens.sum())
    offs = np.cumsum(lens) - lens
    return np.arange(total, dtype=np.int64) - np.repeat(offs - starts, lens)


def _seg_within(lens: np.ndarray) -> np.ndarray:
    """Position inside its segment for every element of consecutive segments of the given lengths."""
    return _seg_arange(np.zeros(len(lens), dtype=np.int64), lens)


@dataclass(slots=True)
class QueryTable:
    """All query names of a batch as flat arrays (one row per query name, one entry per query token)."""

    query: np.ndarray        # query index per query name
    form_idx: np.ndarray     # index of the name in its query's form list
    tok_start: np.ndarray
    n_tok: np.ndarray
    abjad: np.ndarray
    sorted_str: np.ndarray   # object arrays of whole-name strings
    joined_str: np.ndarray
    legal: np.ndarray        # (names x 4) legal-form ids, -9 padding
    num_id: np.ndarray       # id of the name's numbers (`index.number_signature`): -1 none, -3 unlisted
    has_legal: np.ndarray
    acr_vid: np.ndarray      # vocabulary id of the name's acronym, or -2
    # per query token
    key: np.ndarray          # batch-local id of the compared string (token, or skeleton for abjad names)
    own_idf: np.ndarray      # the token's own rarity when it is listed anywhere, else -1
    default_w: np.ndarray
    initial: np.ndarray
    patronymic: np.ndarray   # the query token is a patronymic (`names.is_patronymic`)
    acr_id: np.ndarray       # id of the token among listed acronyms, or -2
    # per distinct compared string
    key_str: np.ndarray
    key_phon: np.ndarray
    key_acronym: np.ndarray  # the compared string looks like an acronym (`text.acronym_like`)
    key_eq: np.ndarray       # equivalence-line id (`names.equivalent_groups`) of the compared string, or -2
    key_first: np.ndarray
    key_initial: np.ndarray
    key_len: np.ndarray
    key_stem: np.ndarray     # stem id (`text.stem`) of the compared string, or -2


def query_table(index: CandidateIndex, forms_b: Sequence[Sequence[NameForm]], active: np.ndarray) -> QueryTable:
    """Flatten the names of the queries in `active` (those with candidates) for the batched scorer."""
    vocab = index.vocab
    parts = particles()
    q_idx: list[int] = []
    f_idx: list[int] = []
    starts: list[int] = []
    ntok: list[int] = []
    abj: list[bool] = []
    srt: list[str] = []
    jnd: list[str] = []
    legal: list[list[int]] = []
    num_id: list[int] = []
    acr_vid: list[int] = []
    keys: list[int] = []
    toks: list[str] = []
    tok_abj: list[bool] = []
    key_ids: dict[str, int] = {}
    key_str: list[str] = []
    no_legal = [-9] * 4
    ids = vocab.ids
    # One Python pass over the query names (strings, dictionaries); per-token values are numpy gathers.
    for qi in np.flatnonzero(active).tolist():
        for fi, form in enumerate(forms_b[qi]):
            q_idx.append(qi)
            f_idx.append(fi)
            starts.append(len(keys))
            ntok.append(len(form.tokens))
            abj.append(form.abjad)
            fkeys = [skeleton(t) for t in form.tokens] if form.abjad else form.tokens
            srt.append(" ".join(sorted(fkeys)))
            jnd.append("".join(fkeys))
            legal.append(([index.legal_ids.get(t, -3) for t in form.legal] + no_legal)[:4] if form.legal
                         else no_legal)
            nsig = number_signature(form)
            num_id.append(index.num_ids.get(nsig, -3) if nsig else -1)
            qa = acronym(form) if len(form.tokens) >= 3 else ""
            acr_vid.append(ids.get(qa, -2) if qa else -2)
            for key in fkeys:
                kid = key_ids.get(key)
                if kid is None:
                    kid = key_ids[key] = len(key_str)
                    key_str.append(key)
                keys.append(kid)
            toks.extend(form.tokens)
            tok_abj.extend([form.abjad] * len(form.tokens))
    n_tok = len(toks)
    tid = np.fromiter(map(ids.get, toks, [-1] * n_tok), dtype=np.int64, count=n_tok)
    known = tid >= 0
    own = np.where(known & ~np.array(tok_abj, dtype=bool), vocab.idf[np.maximum(tid, 0)], -1.0)
    # A word in Arabic or Hebrew script is as rare as its consonant skeleton on the list: "الله" ("lh")
    # stands for ALLAH, ULLAH, ILLAH and more, so the rarity of one listed spelling would overrate it.
    for i in np.flatnonzero(np.array(tok_abj, dtype=bool)).tolist():
        sk_w = index.skeleton_weight(skeleton(toks[i]))
        if sk_w is not None:
            own[i] = sk_w
    is_part = np.fromiter(map(parts.__contains__, toks), dtype=bool, count=n_tok)
    is_patr = np.fromiter(map(is_patronymic, toks), dtype=bool, count=n_tok)
    dflt = vocab.max_idf * np.where(is_part, PARTICLE_FACTOR, np.where(is_patr, 0.8 * PATRONYMIC_FACTOR, 0.8))
    init = np.fromiter((len(t) == 1 and t.isalpha() for t in toks), dtype=bool, count=n_tok)
    acr = np.fromiter(map(index.acr_ids.get, toks, [-2] * n_tok), dtype=np.int64, count=n_tok)
    # Phonetic key ids of the compared strings: listed tokens have theirs in the vocabulary already.
    n_key = len(key_str)
    key_len = np.fromiter(map(len, key_str), dtype=np.int64, count=n_key)
    ktid = np.fromiter(map(ids.get, key_str, [-1] * n_key), dtype=np.int64, count=n_key)
    key_phon = np.where(ktid >= 0, vocab.phon_id[np.maximum(ktid, 0)], -2).astype(np.int32)
    for k in np.flatnonzero(ktid < 0).tolist():
        key_phon[k] = vocab.phon_ids.get(phonetic(key_str[k]), -2)
    key_phon[key_len < 4] = -2
    groups = equivalent_groups()
    key_eq = np.where(ktid >= 0, vocab.eq_id[np.maximum(ktid, 0)], -1).astype(np.int32)
    for k in np.flatnonzero(ktid < 0).tolist():
        key_eq[k] = groups.get(key_str[k], -1)
    key_eq[key_eq < 0] = -2
    key_stem = np.where(ktid >= 0, vocab.stem_id[np.maximum(ktid, 0)], -2).astype(np.int32)
    for k in np.flatnonzero(ktid < 0).tolist():
        key_stem[k] = vocab.stem_ids.get(stem(key_str[k]), -2)
    legal_arr = np.array(legal, dtype=np.int32).reshape(-1, 4)
    return QueryTable(
        np.array(q_idx, dtype=np.int64), np.array(f_idx, dtype=np.int64), np.array(starts, dtype=np.int64),
        np.array(ntok, dtype=np.int64), np.array(abj, dtype=bool), np.array(srt, dtype=object),
        np.array(jnd, dtype=object), legal_arr, np.array(num_id, dtype=np.int32), (legal_arr != -9).any(axis=1),
        np.array(acr_vid, dtype=np.int64),
        np.array(keys, dtype=np.int64), own.astype(np.float32), dflt.astype(np.float32),
        init, is_patr, acr, np.array(key_str, dtype=object),
        key_phon, np.fromiter(map(acronym_like, key_str), dtype=bool, count=n_key), key_eq,
        np.array([ord(k[0]) for k in key_str], dtype=np.int32),
        np.array([len(k) == 1 and k.isalpha() for k in key_str], dtype=bool), key_len, key_stem)


def token_similarity(index: CandidateIndex, qt: QueryTable, ukey: np.ndarray) -> np.ndarray:
    """Similarity of each distinct (query string, listed token) pair: Indel ratio, raised to PHONETIC_SIM
    for the same metaphone key, INITIAL_SIM for an initial against its letter, zero under TOKEN_FLOOR."""
    vocab = index.vocab
    n_v = len(vocab.tokens)
    uq = ukey // (2 * n_v)
    rem = ukey - uq * (2 * n_v)
    abjad = rem >= n_v
    uc = rem - n_v * abjad
    # Indel similarity is 2 * LCS / (l1 + l2) <= 2 * min(l1, l2) / (l1 + l2): pairs whose lengths alone
    # keep them under the floor are not compared (they could only be raised by the rules below).
    l1 = qt.key_len[uq]
    l2 = vocab.compare_len[rem]
    may = 2 * np.minimum(l1, l2) >= TOKEN_FLOOR * (l1 + l2) - 1e-6
    sim = np.zeros(len(ukey), dtype=np.float32)
    if may.any():
        sim[may] = process.cpdist(qt.key_str[uq[may]].tolist(), vocab.compare_strings[rem[may]].tolist(),
                                  scorer=Indel.normalized_similarity, dtype=np.float32, workers=1,
                                  score_cutoff=TOKEN_FLOOR)
    latin = ~abjad
    l_len = vocab.length[uc]
    q_first = qt.key_first[uq]
    l_first = vocab.first[uc]
    # Loose fuzzy alignments (under LOOSE_SIM) are refused, on the few pairs that have one: between a
    # common listed word and another word ("express"/"exporters" 0.75 are not a spelling variant of each
    # other); between short words (4 letters or fewer) that end differently ("star"/"sarv" are two words,
    # "omar"/"umar" one name); and between a word and a compound that starts with it ("globals" /
    # "globaltrans": GLOBAL + TRANS), since a spelling variant changes letters within a word.
    loose = np.flatnonzero((sim > 0) & (sim < LOOSE_SIM) & latin)
    if len(loose):
        lq, lc = uq[loose], uc[loose]
        q_last = np.fromiter((ord(k[-1]) for k in qt.key_str[lq].tolist()), dtype=np.int32, count=len(loose))
        drop = ((vocab.idf[lc] < index.variant_idf)
                | ((np.minimum(l1[loose], l_len[loose]) <= 4) & (q_last != vocab.last[lc])))
        for k in np.flatnonzero(~drop & (np.abs(l1[loose] - l2[loose]) > 2)).tolist():
            a, b = str(qt.key_str[lq[k]]), str(vocab.tokens[lc[k]])
            short, long_ = (a, b) if len(a) < len(b) else (b, a)
            drop[k] = long_.startswith(stem(short))
        sim[loose[drop]] = 0.0
    # An acronym (a word without vowels: "msc", "dprk") is a spelling of nothing else: "msci" is not "msc".
    sim[latin & (qt.key_acronym[uq] | vocab.acronym_like[uc]) & (sim < 1.0)] = 0.0
    # Same metaphone key: a spelling variant, when the words also start alike (metaphone drops vowels and
    # merges c/k/g sounds, so "crouch" and "garcia" share a key without being one name).
    same_phon = (qt.key_phon[uq] == vocab.phon_id[uc]) & latin & (q_first == l_first)
    # translations and other-language forms of one word or given name (`data/equivalents.tsv`)
    same_eq = (qt.key_eq[uq] == vocab.eq_id[uc]) & latin
    # word forms of one word: same stem, both at least 3 letters (Latin only: skeletons have no endings)
    same_stem = (qt.key_stem[uq] == vocab.stem_id[uc]) & latin & (l1 >= 3) & (l_len >= 3)
    np.maximum(sim, np.where(same_phon, PHONETIC_SIM, 0.0), out=sim, casting="unsafe")
    np.maximum(sim, np.where(same_eq, EQUIV_SIM, 0.0), out=sim, casting="unsafe")
    np.maximum(sim, np.where(same_stem, STEM_SIM, 0.0), out=sim, casting="unsafe")
    initial_sim = np.where(q_first == l_first, INITIAL_SIM, 0.0).astype(np.float32)
    sim = np.where(qt.key_initial[uq], initial_sim, sim)
    sim = np.where(l_len == 1, np.maximum(sim, initial_sim), sim)
    return np.where(sim >= TOKEN_FLOOR, sim, 0.0).astype(np.float32)


def alignment_matrix(index: CandidateIndex, qform: NameForm, row: int) -> np.ndarray:
    """Similarity of every token of one query name with every token of one listed name (query tokens x
    listed tokens), computed by `token_similarity` itself, so that an explanation shows the alignment the
    score was made of."""
    qt = query_table(index, [[qform]], np.array([True]))
    n_v = len(index.vocab.tokens)
    ltoks = index.tok_ids[index.tok_ptr[row]:index.tok_ptr[row + 1]].astype(np.int64)
    nq, nr = len(qform.tokens), len(ltoks)
    key = np.repeat(qt.key[:nq], nr) * (2 * n_v) + np.tile(ltoks, nq) + n_v * int(qform.abjad)
    return token_similarity(index, qt, key).reshape(nq, nr)


@dataclass(slots=True)
class Batch:
    """Scores of a batch: one slot per (query, candidate entity), with the query name and listed name
    that aligned best."""

    slot_query: np.ndarray
    slot_ent: np.ndarray
    feats: np.ndarray
    best_row: np.ndarray
    best_form: np.ndarray


def score_batch(index: CandidateIndex, queries: Sequence[Query], forms_b: Sequence[Sequence[NameForm]],
                cands_b: Sequence[np.ndarray], rows_b: Sequence[np.ndarray] | None = None) -> Batch:
    """Features of every (query, candidate) of a batch in one vectorised pass.

    `rows_b`, when given, limits each query to those listed names (the ones retrieval ranked; sorted by
    entity like `cands_b`); otherwise every name of every candidate is compared.

    Layout: slots (query x entity) -> pairs (slot x listed name x query name) -> elements (pair x query
    token x listed token). Token similarities are computed once per distinct (query string, listed token)
    with rapidfuzz `cpdist`; everything else is numpy gathers and segment reductions (`reduceat`).
    """
    vocab = index.vocab
    n_v = len(vocab.tokens)
    n_forms = np.array([len(f) for f in forms_b], dtype=np.int64)
    n_cand = np.array([len(c) for c in cands_b], dtype=np.int64) * (n_forms > 0)
    active = n_cand > 0
    empty = Batch(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, len(FEATURES)), np.float32),
                  np.zeros(0, np.int64), np.zeros(0, np.int64))
    if not active.any():
        return empty
    slot_query = np.repeat(np.arange(len(queries)), n_cand)
    slot_ent = np.concatenate([np.asarray(c, dtype=np.int64) for c, a in zip(cands_b, active) if a])
    n_e = index.n_entities
    ptr = index.ent_rows_ptr
    if rows_b is None:
        named = ptr[slot_ent + 1] > ptr[slot_ent]
        slot_query, slot_ent = slot_query[named], slot_ent[named]
        rlens = ptr[slot_ent + 1] - ptr[slot_ent]
        rows = index.ent_rows[_seg_arange(ptr[slot_ent], rlens)].astype(np.int64)
        row_slot = np.repeat(np.arange(len(slot_ent)), rlens)
    else:
        rq = np.repeat(np.arange(len(queries)), [len(r) if a else 0 for r, a in zip(rows_b, active)])
        rows = np.concatenate([np.asarray(r, dtype=np.int64) for r, a in zip(rows_b, active) if a])
        rkey = rq * n_e + index.row_entity[rows]
        skey = slot_query * n_e + slot_ent
        rsorted = np.sort(rkey)
        at = np.minimum(np.searchsorted(rsorted, skey), len(rsorted) - 1)
        has_rows = rsorted[at] == skey
        slot_query, slot_ent, skey = slot_query[has_rows], slot_ent[has_rows], skey[has_rows]
        row_slot = np.searchsorted(skey, rkey)
        by = np.argsort(row_slot, kind="stable")
        rows, row_slot = rows[by], row_slot[by]
    n_slot = len(slot_ent)
    if n_slot == 0:
        return empty
    qt = query_table(index, forms_b, active)
    qf_first = np.zeros(len(queries), dtype=np.int64)
    qf_first[active] = np.searchsorted(qt.query, np.flatnonzero(active))

    # slots -> (slot, listed name, query name) pairs, ordered so that each slot's pairs are contiguous
    nf = n_forms[slot_query[row_slot]]
    p_row = np.repeat(rows, nf)
    p_slot = np.repeat(row_slot, nf)
    p_qf = np.repeat(qf_first[slot_query[row_slot]], nf) + _seg_within(nf)
    n_pair = len(p_row)

    # pairs -> elements (query token a x listed token b), b fastest
    nq = qt.n_tok[p_qf]
    nr = index.row_len[p_row]
    size = nq * nr
    off = np.cumsum(size) - size
    total = int(size.sum())
    within = np.arange(total, dtype=np.int64) - np.repeat(off, size)
    nr_e = np.repeat(nr, size)
    a = within // nr_e
    b = within - a * nr_e
    qtok = np.repeat(qt.tok_start[p_qf], size) + a
    ctok = index.tok_ids[np.repeat(index.tok_ptr[p_row], size) + b].astype(np.int64)
    key = qt.key[qtok] * (2 * n_v) + ctok + n_v * qt.abjad[p_qf].repeat(size)
    ukey, inv = np.unique(key, return_inverse=True)
    sim = token_similarity(index, qt, ukey)[inv]

    # per (pair, query token): best alignment, and the token's weight
    pa_pair = np.repeat(np.arange(n_pair), nq)
    pa_a = _seg_within(nq)
    pa_start = off[pa_pair] + pa_a * nr[pa_pair]
    bq = np.maximum.reduceat(sim, pa_start)
    is_best = (sim == np.repeat(bq, nr[pa_pair])) & (sim > 0)
    aligned_idf = np.maximum.reduceat(np.where(is_best, vocab.idf[ctok], 0.0), pa_start)
    first_pos = np.minimum.reduceat(np.where(is_best, b, 1 << 30), pa_start)
    pa_tok = qt.tok_start[p_qf][pa_pair] + pa_a
    own = qt.own_idf[pa_tok]
    w = np.where(own >= 0, own, np.where(bq > 0, aligned_idf, qt.default_w[pa_tok]))
    # An initial carries one letter of evidence, on either side: a query initial, or a query word whose
    # best counterpart is a listed initial ("Miller" against the "M." of "M. BABAIE INDUSTRIES").
    on_initial = np.maximum.reduceat((is_best & (vocab.length[ctok] == 1)).astype(np.int8), pa_start) > 0
    w = np.where(qt.initial[pa_tok] | on_initial, np.minimum(w, 1.0), w).astype(np.float32)
    p_start = np.cumsum(nq) - nq
    wsum = np.add.reduceat(w, p_start)
    wsum = np.where(wsum > 0, wsum, 1.0)
    wb = w * bq
    matched_q = np.add.reduceat(wb, p_start)
    rarest = np.maximum.reduceat(wb, p_start) / vocab.max_idf
    wmax = np.maximum.reduceat(w, p_start)
    sig = w >= 0.5 * wmax[pa_pair]
    min_tok = np.minimum.reduceat(np.where(sig, bq, 1.0), p_start)
    all_aligned = np.minimum.reduceat(bq, p_start) > 0
    # in order: each aligned query token lands on a later listed token than the one before
    back = np.zeros(len(bq), dtype=np.int32)
    back[1:] = (first_pos[1:] <= first_pos[:-1]) & (pa_pair[1:] == pa_pair[:-1])
    in_order = all_aligned & (np.add.reduceat(back, p_start) == 0) & (nq >= 2)
    # Shortened person name ("Hector Rivera" for "Hector Librado RIVERA SANDOVAL"): every query token
    # (near-)exactly on a listed token, in order, the first on the listed first given name and the last
    # on one of the last two listed tokens (the surnames, once `names.reorder_person` put them last).
    p_last = p_start + nq - 1
    q_person = np.array([q.schema in (None, "Person", "LegalEntity") for q in queries], dtype=bool)
    shortened = (in_order & (np.minimum.reduceat(bq, p_start) >= SHORTENED_SIM) & (nq < nr)
                 & (first_pos[p_start] == 0) & (first_pos[p_last] >= nr - 2) & ~qt.abjad[p_qf]
                 & index.ent_person[index.row_entity[p_row]] & q_person[slot_query[p_slot]])
    # Acronym: only a whole one-token query name against the initials of the whole listed name (a token
    # of a longer query that happens to equal the listed initials is no evidence: "MSC Mediterranean
    # Shipping" vs "MEHRAN SHIPPING COMPANY").
    acr_hit = np.maximum.reduceat((qt.acr_id[pa_tok] == index.row_acr_id[p_row][pa_pair]).astype(np.int8),
                                  p_start) > 0
    acr_hit &= nq == 1

    # per (pair, listed token): best alignment, for the listed side's coverage
    within_t = within  # reuse: elements re-read in (pair, b, a) order
    nq_e = np.repeat(nq, size)
    b2 = within_t // nq_e
    a2 = within_t - b2 * nq_e
    src = np.repeat(off, size) + a2 * nr_e + b2
    pb_pair = np.repeat(np.arange(n_pair), nr)
    pb_b = _seg_within(nr)
    colmax = np.maximum.reduceat(sim[src], off[pb_pair] + pb_b * nq[pb_pair])
    pb_tok = index.tok_ids[index.tok_ptr[p_row][pb_pair] + pb_b]
    pb_start = np.cumsum(nr) - nr
    matched_n = np.add.reduceat(vocab.idf[pb_tok] * colmax, pb_start)
    q_acr = qt.acr_vid[p_qf]
    acr_hit |= (np.maximum.reduceat((pb_tok == q_acr[pb_pair]).astype(np.int8), pb_start) > 0) & (nr == 1)
    # the rarest listed token left without a counterpart ("HERMES" in "EMIRATES HERMES GENERAL TRADING"
    # against "Emirates Trading"): a distinctive part of the listed name the query does not carry
    missed_rare = np.maximum.reduceat(vocab.idf[pb_tok] * (1.0 - colmax), pb_start) / vocab.max_idf
    vsum = index.row_idf_sum[p_row]

    abjad = qt.abjad[p_qf]
    row_sorted = np.where(abjad, index.row_skel_sorted[p_row], index.row_sorted[p_row])
    srt = process.cpdist(qt.sorted_str[p_qf].tolist(), row_sorted.tolist(), scorer=fuzz.ratio,
                         dtype=np.float32, workers=1) / 100
    rl = index.row_legal_id[p_row]
    legal_mm = (rl >= 0) & qt.has_legal[p_qf] & ~(qt.legal[p_qf] == rl[:, None]).any(axis=1)

    qcov = matched_q / wsum
    ncov = matched_n / np.maximum(vsum, 1e-6)
    nfe = np.empty((n_pair, len(NAME_FEATURES)), dtype=np.float32)
    nfe[:, 0] = qcov
    nfe[:, 1] = ncov
    nfe[:, 2] = qcov * ncov
    nfe[:, 3] = np.minimum(matched_q / MASS_SCALE, 2.0)
    nfe[:, 4] = (wsum - matched_q) / MASS_SCALE
    nfe[:, 5] = (vsum - matched_n) / MASS_SCALE
    nfe[:, 6] = srt
    nfe[:, 7] = 0.0  # joined_similarity: computed below for the chosen pair of each slot only
    nfe[:, 8] = nq == 1
    nfe[:, 9] = index.row_weak[p_row]
    nfe[:, 10] = np.where(abjad, qcov, 0.0)
    nfe[:, 11] = min_tok
    nfe[:, 12] = (qcov > 0.999) & (ncov > 0.999)
    nfe[:, 13] = legal_mm
    nfe[:, 14] = acr_hit
    nfe[:, 15] = rarest
    nfe[:, 16] = in_order
    # The whole query name equals a whole listed name or strong alias (same tokens, order-free), and
    # that name is distinctive (`index.rare_idf`): see `EXACT_NAME_FLOOR`.
    nfe[:, 17] = ((qt.sorted_str[p_qf] == index.row_sorted[p_row]) & ~abjad & ~index.row_weak[p_row]
                  & (index.row_max_idf[p_row] >= index.rare_idf))
    nfe[:, 18] = missed_rare
    # One-token query name, a spelling variant of a listed name (or strong alias) that is one distinctive
    # token: see `VARIANT_FLOOR`.
    # Both tokens long enough to be distinctive (`VARIANT_MIN_LEN`) and with the same first letter: short
    # tokens meet too many others through a metaphone key ("XENIA" ~ "SANA").
    q_first_key = qt.key[pa_tok[p_start]]
    l_first_tok = pb_tok[pb_start]
    variant_shape = ((qt.key_len[q_first_key] >= VARIANT_MIN_LEN) & (vocab.length[l_first_tok] >= VARIANT_MIN_LEN)
                     & (qt.key_first[q_first_key] == vocab.first[l_first_tok]))
    variant = ((nq == 1) & (nr == 1) & (qcov >= PHONETIC_SIM - 1e-6) & ~abjad & ~index.row_weak[p_row]
               & (index.row_max_idf[p_row] >= index.variant_idf) & variant_shape)
    # ... and the two spellings differ only in their vowels (`vowel_pattern`): a transliteration variant,
    # not another word with the same sound key ("CHORUS" vs "CHARSO"). Few pairs get here: a short loop.
    for i in np.flatnonzero(variant).tolist():
        variant[i] = vowel_pattern(str(qt.key_str[q_first_key[i]])) == vowel_pattern(vocab.tokens[l_first_tok[i]])
    nfe[:, 19] = variant
    nfe[:, 20] = shortened
    # An organisation's listed name whose most distinctive word the query lacks while the query's words
    # are rarer-or-equal to it are not ("Emirates Trading" vs "EMIRATES HERMES GENERAL TRADING"): the
    # aligned words are the generic part of the name, weak evidence of the same party.
    nfe[:, 21] = (missed_rare > rarest + 1e-6) & ~index.ent_person[index.row_entity[p_row]] & ~abjad
    # Both names carry numbers and they differ ("MARROWGATE LEASING 3" vs "6"): see `number_signature`.
    rnum = index.row_num_id[p_row]
    qnum = qt.num_id[p_qf]
    nfe[:, 22] = (rnum >= 0) & (qnum != -1) & (qnum != rnum)
    # A vessel's or aircraft's listed name wholly inside a longer query name ("KN FOREST" vs FOREST,
    # "SEA NEPTUNE" vs NEPTUNE): ships are named by whole names, an extra word is usually another ship.
    nfe[:, 23] = (index.ent_kind[index.row_entity[p_row]] == F.OBJECT_KIND) * np.minimum(nfe[:, 4], 2.0) * (ncov > 0.999)
    # Every aligned query word is common (on more than `VARIANT_NAME_SHARE` of listed names: "star",
    # "shipping", "global"): see `GENERIC_CAP`.
    nfe[:, 24] = (rarest * vocab.max_idf < index.variant_idf) & (matched_q > 0)
    # Both names carry a patronymic and they do not align: two fathers' names, two persons
    # ("Aleksandr Ivanovich SMIRNOV" vs "SMIRNOV Alexander Vladimirovich").
    q_patr_open = np.maximum.reduceat((qt.patronymic[pa_tok] & (bq <= 0)).astype(np.int8), p_start) > 0
    l_patr_open = np.maximum.reduceat((vocab.patronymic[pb_tok] & (colmax <= 0)).astype(np.int8), pb_start) > 0
    nfe[:, 25] = q_patr_open & l_patr_open

    # best pair per slot (pairs of a slot are contiguous)
    sel = selection_score(nfe)
    s_start = np.flatnonzero(np.r_[True, p_slot[1:] != p_slot[:-1]])
    seg_max = np.maximum.reduceat(sel, s_start)
    cand = np.flatnonzero(sel >= np.repeat(seg_max, np.diff(np.r_[s_start, n_pair])))
    cs = p_slot[cand]
    best = cand[np.r_[True, cs[1:] != cs[:-1]]]
    # joined_similarity plays no part in choosing the pair: only the chosen pairs pay for it
    b_row, b_qf, b_abjad = p_row[best], p_qf[best], abjad[best]
    row_joined = np.where(b_abjad, index.row_skel_joined[b_row], index.row_joined[b_row])
    nfe[best, 7] = process.cpdist(qt.joined_str[b_qf].tolist(), row_joined.tolist(), scorer=fuzz.ratio,
                                  dtype=np.float32, workers=1) / 100
    feats = np.zeros((n_slot, len(FEATURES)), dtype=np.float32)
    feats[:, : len(NAME_FEATURES)] = nfe[best]
    feats[:, len(NAME_FEATURES):] = entity_matrix_batch(index, queries, slot_query, slot_ent)
    return Batch(slot_query, slot_ent, feats, p_row[best], qt.form_idx[p_qf[best]])


_VOWELS = re.compile(r"[aeiouy]+")


def vowel_pattern(token: str) -> str:
    """The token with every run of vowels (y included) replaced by one placeholder: "hezbollah" and
    "hizballah" -> "h*zb*ll*h", "kargolain" and "kargolayn" -> "k*rg*l*n"."""
    return _VOWELS.sub("*", token)


def final_scores(calibrated: np.ndarray, feats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The documented rules on top of the calibrated model score, and which name rule applied per row
    (0 none, 1 exact-name rule, 2 variant rule, 3 generic-words cap; a lifting rule applies whenever its
    conditions hold, and raises the score only where the model scored lower).

    1. A weak alias alone is capped at `WEAK_ALIAS_CAP` (review, never block). An organisation name
       whose aligned words are all common while a rarer word of the listed name is missing is capped at
       `GENERIC_CAP` (no alert): the complaint analysts make most about "X Trading Company" matches.
    2. A distinctive complete name, equal on both sides with no contradicting attribute, is lifted into
       the block range (`EXACT_NAME_FLOOR`): the model, trained on held-out aliases, sees few exact
       equalities and spreads them over its upper range, but the same rare full name is the strongest
       name evidence there is. Generic names never qualify (`CandidateIndex.rare_idf`).
    3. A one-token spelling variant of a distinctive one-token listed name, with no contradicting
       attribute, is lifted into the review range (`VARIANT_FLOOR`): rarity decides, so "GLOBAL" never is.
    4. An identical strong identifier is decisive: at least `IDENTIFIER_FLOOR`.
    """
    col = FEATURES.index
    ident = feats[:, col("identifier_match")] > 0
    p = np.where((feats[:, col("weak_alias")] > 0) & ~ident, np.minimum(calibrated, WEAK_ALIAS_CAP), calibrated)
    generic = (feats[:, col("generic_only")] > 0) & (feats[:, col("rarest_listed_missed")] > 0) & ~ident
    capped = generic & (p > GENERIC_CAP)
    p = np.where(generic, np.minimum(p, GENERIC_CAP), p)
    veto = np.zeros(len(feats), dtype=bool)
    for name in EXACT_NAME_VETO:
        veto |= feats[:, col(name)] > 0
    lift = EXACT_NAME_FLOOR + (1.0 - EXACT_NAME_FLOOR) * p / 2
    exact = (feats[:, col("exact_name")] > 0) & ~veto
    p = np.where(exact, np.maximum(lift, p), p)
    variant = (feats[:, col("single_variant")] > 0) & ~veto & ~exact
    p = np.where(variant, np.maximum(VARIANT_FLOOR + VARIANT_SPAN * p, p), p)
    rule = np.where(exact, 1, np.where(variant, 2, np.where(capped, 3, 0))).astype(np.int8)
    return np.where(ident, np.maximum(p, IDENTIFIER_FLOOR), p), rule


def selection_score(feats: np.ndarray) -> np.ndarray:
    """Which listed name of an entity to explain and score: the best two-way alignment."""
    return 0.45 * feats[:, 0] + 0.35 * feats[:, 1] + 0.2 * feats[:, 6]


def entity_matrix_batch(index: CandidateIndex, queries: Sequence[Query], slot_query: np.ndarray,
                        slot_ent: np.ndarray) -> np.ndarray:
    """Attribute features (birth date, country, gender, identifier, schema) of every slot, vectorised;
    the same logic as `features.py`, whose functions explain the returned matches."""
    n = len(slot_ent)
    out = np.zeros((n, len(ENTITY_FEATURES)), dtype=np.float32)
    nq = len(queries)
    # schema
    q_kind = np.array([F.party_kind(q.schema) for q in queries], dtype=np.int8)[slot_query]
    l_kind = index.ent_kind[slot_ent]
    out[:, 7] = (q_kind > 0) & (l_kind > 0) & (l_kind != q_kind)
    # country
    q_has_c = np.array([bool(q.countries) for q in queries])
    if q_has_c.any():
        qmask = np.zeros((nq, 4), dtype=np.uint64)
        for i in np.flatnonzero(q_has_c).tolist():
            qmask[i] = index.country_set_mask(queries[i].countries)
        e_mask = index.country_mask[slot_ent]
        common = (e_mask & qmask[slot_query]).any(axis=1)
        both = q_has_c[slot_query] & e_mask.any(axis=1)
        out[:, 3] = common
        out[:, 4] = both & ~common
    # birth date: exact day, same year, within a year (neutral), else mismatch
    q_dates = [[date_ints(d) for d in q.birth_dates] for q in queries]
    width = max((len(d) for d in q_dates), default=0)
    if width:
        qy = np.full((nq, width), -9, dtype=np.int32)
        qf = np.full((nq, width), -9, dtype=np.int32)
        for i, ds in enumerate(q_dates):
            for j, (y, f) in enumerate(ds):
                qy[i, j], qf[i, j] = y, (f if f >= 0 else -9)
        lens = index.dob_ptr[slot_ent + 1] - index.dob_ptr[slot_ent]
        has = (lens > 0) & (qy[slot_query, 0] != -9)
        el = _seg_arange(index.dob_ptr[slot_ent], lens)
        ey = index.dob_year[el][:, None]
        ef = index.dob_full[el][:, None]
        el_q = np.repeat(slot_query, lens)
        eqy, eqf = qy[el_q], qf[el_q]
        starts = np.cumsum(lens) - lens
        nz = lens > 0

        def any_seg(flags: np.ndarray) -> np.ndarray:
            res = np.zeros(n, dtype=bool)
            if len(flags):
                res[nz] = np.maximum.reduceat(flags.any(axis=1).astype(np.int8), starts[nz]) > 0
            return res

        exact = any_seg((eqf == ef) & (ef >= 0))
        year = any_seg((eqy == ey) & (ey >= 0))
        near = any_seg((np.abs(eqy - ey) <= 1) & (ey >= 0) & (eqy >= 0))
        out[:, 0] = has & exact
        out[:, 1] = has & ~exact & year
        out[:, 2] = has & ~exact & ~year & ~near
    # gender
    q_g = np.array([ord(q.gender[0]) if q.gender else 0 for q in queries], dtype=np.int32)[slot_query]
    e_g = index.gender_code[slot_ent]
    out[:, 5] = (q_g > 0) & (e_g > 0) & (q_g != e_g)
    # identifiers: few queries carry one, so a short loop over their candidates only
    for i, q in enumerate(queries):
        if q.identifiers:
            qids = query_identifiers(q)
            for k in np.flatnonzero(slot_query == i).tolist():
                out[k, 6] = bool(qids & index.identifiers[int(slot_ent[k])])
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
    vals[7], details[7] = F.schema_mismatch(query.schema, index.ent_schema[ent])
    return vals, details


def query_identifiers(query: Query) -> set[str]:
    if not query.identifiers:
        return set()
    return {v for v in map(normalise_identifier, query.identifiers) if v}
