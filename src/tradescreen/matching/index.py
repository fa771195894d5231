"""Candidate index: every name of every listed party as a sparse row of tokens, skeletons, phonetic keys
and character trigrams, plus exact identifiers.

Retrieval is one sparse matrix product per batch of queries (scipy CSR), never a Python loop over listed
names. Features are weighted by rarity (IDF over all listed names) so a query sharing only "TRADING"
or "AL" with a listed name ranks it low. Skeleton features let Arabic-script queries ("mhmd") meet Latin
spellings ("MOHAMMED"); trigrams catch typos; phonetic keys catch spelling variants.
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from tradescreen.entity import Entity
from tradescreen.matching.model import COUNTRY_PROPS, ID_PROPS, NAME_PROPS
from tradescreen.matching.names import NameForm, analyse, particles
from tradescreen.matching.text import phonetic, skeleton

#: Retrieval feature weights relative to an exact token (tuned for recall, not per query).
W_TOKEN, W_SKEL, W_PHON, W_GRAM = 1.0, 0.6, 0.5, 0.35
PARTICLE_FACTOR = 0.25

_ID_CLEAN = re.compile(r"[^A-Z0-9]")


def normalise_identifier(value: str) -> str:
    """Upper-case alphanumerics without an "IMO" prefix; too short to be distinctive -> ""."""
    v = _ID_CLEAN.sub("", value.upper())
    if v.startswith("IMO") and v[3:].isdigit():
        v = v[3:]
    return v if len(v) >= 5 else ""


def date_ints(date: str) -> tuple[int, int]:
    """(year or -1, YYYYMMDD or -1) of an ISO-like date string, for vectorised comparison."""
    year = int(date[:4]) if date[:4].isdigit() else -1
    digits = date[:10].replace("-", "")
    full = int(digits) if len(date) >= 10 and digits.isdigit() and len(digits) == 8 else -1
    return year, full


def trigrams(token: str) -> list[str]:
    padded = f"#{token}#"
    return [padded[i:i + 3] for i in range(len(padded) - 2)] if len(token) > 1 else [padded]


@dataclass(slots=True)
class NameRow:
    entity: int
    prop: str
    form: NameForm


class Vocabulary:
    """Token table with rarity weights and per-token keys, shared by retrieval and scoring."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.tokens: list[str] = []
        self.df: list[int] = []

    def add(self, token: str) -> int:
        tid = self.ids.get(token)
        if tid is None:
            tid = len(self.tokens)
            self.ids[token] = tid
            self.tokens.append(token)
            self.df.append(0)
        return tid

    def finish(self, n_names: int) -> None:
        parts = particles()
        df = np.asarray(self.df, dtype=np.float64)
        idf = np.log((n_names + 1) / (df + 1)) + 1.0
        self.max_idf = float(math.log(n_names + 1) + 1.0)
        factor = np.array([PARTICLE_FACTOR if t in parts else 1.0 for t in self.tokens])
        self.idf = (idf * factor).astype(np.float32)
        self.tokens_arr = np.array(self.tokens, dtype=object)
        self.skel = np.array([skeleton(t) for t in self.tokens], dtype=object)
        self.phon = np.array([phonetic(t) if len(t) >= 4 else "\x00" + t for t in self.tokens])
        self.first = np.array([ord(t[0]) for t in self.tokens], dtype=np.int32)
        self.length = np.array([len(t) for t in self.tokens], dtype=np.int32)
        # Phonetic keys as integers (tokens under 4 letters have none: -1) so the scorer compares arrays.
        self.phon_ids: dict[str, int] = {}
        for p in self.phon:
            if not p.startswith("\x00"):
                self.phon_ids.setdefault(p, len(self.phon_ids))
        self.phon_id = np.array([self.phon_ids.get(p, -1) for p in self.phon], dtype=np.int32)
        #: Strings the scorer compares against: tokens [0, V), then their consonant skeletons [V, 2V).
        self.compare_strings = np.concatenate([self.tokens_arr, self.skel.astype(object)])

    def weight(self, token: str) -> float:
        tid = self.ids.get(token)
        if tid is not None:
            return float(self.idf[tid])
        return self.max_idf * (PARTICLE_FACTOR if token in particles() else 1.0)


class FeatureSpace:
    """Maps retrieval feature strings to columns and rarity weights."""

    def __init__(self) -> None:
        self.cols: dict[str, int] = {}
        self.df: list[int] = []

    def col(self, key: str) -> int:
        c = self.cols.get(key)
        if c is None:
            c = len(self.df)
            self.cols[key] = c
            self.df.append(0)
        return c


def name_features(form: NameForm) -> dict[str, float]:
    """Retrieval features of one name (raw weights before IDF): tokens, skeletons, phonetics, trigrams.

    Abjad-script names only emit skeleton features: their transliterated tokens have no vowels and would
    never equal a Latin spelling.
    """
    feats: dict[str, float] = {}
    parts = particles()
    for tok in form.tokens:
        f = PARTICLE_FACTOR if tok in parts else 1.0
        sk = skeleton(tok)
        feats["s" + sk] = max(feats.get("s" + sk, 0.0), W_SKEL * f)
        if form.abjad:
            for g in trigrams(sk):
                feats["k" + g] = max(feats.get("k" + g, 0.0), W_GRAM * f)
            continue
        feats["t" + tok] = max(feats.get("t" + tok, 0.0), W_TOKEN * f)
        ph = phonetic(tok)
        feats["p" + ph] = max(feats.get("p" + ph, 0.0), W_PHON * f)
        for g in trigrams(tok):
            feats["g" + g] = max(feats.get("g" + g, 0.0), W_GRAM * f)
        for g in trigrams(sk):
            feats["k" + g] = max(feats.get("k" + g, 0.0), W_GRAM * 0.5 * f)
    acr = acronym(form)
    if acr:
        feats["A" + acr] = W_TOKEN
    for tok in form.tokens:
        if 2 <= len(tok) <= 6 and tok.isalpha():
            feats["A" + tok] = max(feats.get("A" + tok, 0.0), W_TOKEN)
    return feats


def acronym(form: NameForm) -> str:
    """Initials of a name of 3+ words without particles ("International Union of Virtual Media" -> "iuvm"),
    so that an organisation's acronym and its spelt-out name meet. "" when not applicable."""
    if form.abjad:
        return ""
    parts = particles()
    words = [t for t in form.tokens if t not in parts and not t.isdigit()]
    if len(words) < 3:
        return ""
    return "".join(t[0] for t in words)


class CandidateIndex:
    """The in-memory index over target entities (see module docstring)."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities: list[Entity] = [e for e in entities if e.target]
        self.rows: list[NameRow] = []
        self.vocab = Vocabulary()
        self.space = FeatureSpace()
        self.id_index: dict[str, list[int]] = {}
        self.dob_index: dict[str, list[int]] = {}
        self.countries: list[frozenset[str]] = []
        self.birth_dates: list[tuple[str, ...]] = []
        self.genders: list[str | None] = []
        self.identifiers: list[frozenset[str]] = []
        self._tok_cache: dict[tuple[str, bool], tuple[np.ndarray, np.ndarray]] = {}
        self._build()

    def _build(self) -> None:
        # Typed arrays, not lists: with all lists loaded there are ~3 million entries, and Python float/int
        # objects would cost ~200 MB of transient memory that the allocator never hands back.
        data = array("f")
        indices = array("i")
        indptr = array("q", [0])
        tok_ids = array("i")
        tok_ptr = array("q", [0])
        for ei, ent in enumerate(self.entities):
            seen: set[tuple[str, ...]] = set()
            for prop in NAME_PROPS:
                for raw in ent.get(prop):
                    for form in analyse(raw, ent.schema, False):
                        if form.tokens in seen and not form.abjad:
                            continue
                        seen.add(form.tokens)
                        self.rows.append(NameRow(ei, prop, form))
                        uniq = set()
                        for tok in form.tokens:
                            tid = self.vocab.add(tok)
                            tok_ids.append(tid)
                            if tid not in uniq:
                                self.vocab.df[tid] += 1
                                uniq.add(tid)
                        tok_ptr.append(len(tok_ids))
                        for key, w in name_features(form).items():
                            c = self.space.col(key)
                            self.space.df[c] += 1
                            indices.append(c)
                            data.append(w)
                        indptr.append(len(indices))
            self.countries.append(frozenset(c.lower() for p in COUNTRY_PROPS for c in ent.get(p)))
            self.birth_dates.append(tuple(ent.get("birthDate")))
            for d in ent.get("birthDate"):
                if len(d) == 10:
                    self.dob_index.setdefault(d, []).append(ei)
            g = ent.first("gender")
            self.genders.append(g.lower() if g else None)
            ids = frozenset(v for p in ID_PROPS for v in map(normalise_identifier, ent.get(p)) if v)
            self.identifiers.append(ids)
            for v in ids:
                self.id_index.setdefault(v, []).append(ei)
        n = len(self.rows)
        self.vocab.finish(n)
        df = np.asarray(self.space.df, dtype=np.float64)
        self.feat_idf = (np.log((n + 1) / (df + 1)) + 1.0).astype(np.float32)
        # Pruning threshold for query features: on more than 4% of names, and never below 200 names
        # (a small index has no ubiquitous features, only few names).
        self.common_idf = float(np.log((n + 1) / (max(0.04 * n, 200) + 1)) + 1.0)
        mat = sp.csr_matrix((np.frombuffer(data, dtype=np.float32), np.frombuffer(indices, dtype=np.int32),
                             np.frombuffer(indptr, dtype=np.int64)), shape=(n, len(df)))
        mat = mat.multiply(self.feat_idf[None, :]).tocsr()
        norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel()) + 1e-9
        self.matrix_t = sp.csr_matrix(sp.diags(1.0 / norms).dot(mat).T.astype(np.float32))
        self.row_entity = np.array([r.entity for r in self.rows], dtype=np.int32)
        self.row_weak = np.array([r.prop == "weakAlias" for r in self.rows], dtype=bool)
        self.row_acronym = np.array([acronym(r.form) or "\x00" for r in self.rows])
        self.row_legal = np.array([r.form.legal[0] if r.form.legal else "" for r in self.rows])
        self.ent_person = np.array([e.schema == "Person" for e in self.entities], dtype=bool)
        # Whole-name strings for order-free and merge-tolerant edit similarity (Latin and skeleton forms).
        self.row_sorted = np.array([" ".join(sorted(r.form.tokens)) for r in self.rows], dtype=object)
        self.row_joined = np.array(["".join(r.form.tokens) for r in self.rows], dtype=object)
        skels = [[skeleton(t) for t in r.form.tokens] for r in self.rows]
        self.row_skel_sorted = np.array([" ".join(sorted(s)) for s in skels], dtype=object)
        self.row_skel_joined = np.array(["".join(s) for s in skels], dtype=object)
        self.tok_ids = np.frombuffer(tok_ids, dtype=np.int32).copy()
        self.tok_ptr = np.frombuffer(tok_ptr, dtype=np.int64).copy()
        # Rows of each entity, for scoring all names of a retrieved entity.
        order = np.argsort(self.row_entity, kind="stable")
        self.ent_rows_ptr = np.searchsorted(self.row_entity[order], np.arange(len(self.entities) + 1))
        self.ent_rows = order.astype(np.int32)
        self._build_scoring_arrays()

    def _build_scoring_arrays(self) -> None:
        """Per-name and per-entity arrays the batched scorer gathers from (see `scorer.score_batch`)."""
        self.row_len = np.diff(self.tok_ptr).astype(np.int64)
        tok_idf = self.vocab.idf[self.tok_ids]
        self.row_idf_sum = (np.add.reduceat(tok_idf, self.tok_ptr[:-1]) if len(self.rows)
                            else np.zeros(0, dtype=np.float32)).astype(np.float32)
        self.legal_ids: dict[str, int] = {}
        for r in self.rows:
            for t in r.form.legal:
                self.legal_ids.setdefault(t, len(self.legal_ids))
        self.row_legal_id = np.array([self.legal_ids[r.form.legal[0]] if r.form.legal else -1 for r in self.rows],
                                     dtype=np.int32)
        self.acr_ids: dict[str, int] = {}
        for a in self.row_acronym:
            if a != "\x00":
                self.acr_ids.setdefault(a, len(self.acr_ids))
        self.row_acr_id = np.array([self.acr_ids.get(a, -1) for a in self.row_acronym], dtype=np.int32)
        # Countries as a 256-bit set per entity (codes past the 256th share bits: a rare, harmless collision).
        self.country_bits: dict[str, int] = {}
        for cs in self.countries:
            for c in sorted(cs):
                self.country_bits.setdefault(c, len(self.country_bits))
        self.country_mask = np.zeros((len(self.entities), 4), dtype=np.uint64)
        for ei, cs in enumerate(self.countries):
            self.country_mask[ei] = self.country_set_mask(cs)
        # Birth dates as CSR of (year, yyyymmdd-or--1).
        years: list[int] = []
        fulls: list[int] = []
        ptr = [0]
        for dates in self.birth_dates:
            for d in dates:
                y, f = date_ints(d)
                years.append(y)
                fulls.append(f)
            ptr.append(len(years))
        self.dob_ptr = np.asarray(ptr, dtype=np.int64)
        self.dob_year = np.asarray(years, dtype=np.int32)
        self.dob_full = np.asarray(fulls, dtype=np.int32)
        self.gender_code = np.array([ord(g[0]) if g else 0 for g in self.genders], dtype=np.int32)

    def country_set_mask(self, codes: Iterable[str]) -> np.ndarray:
        mask = np.zeros(4, dtype=np.uint64)
        for c in codes:
            bit = self.country_bits.get(c)
            if bit is None:
                continue
            bit %= 256
            mask[bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
        return mask

    def token_columns(self, token: str, abjad: bool) -> tuple[np.ndarray, np.ndarray]:
        """Retrieval columns and IDF-weighted values of one query token (cached per index: tokens repeat
        across queries far more than names do)."""
        key = (token, abjad)
        hit = self._tok_cache.get(key)
        if hit is not None:
            return hit
        f = PARTICLE_FACTOR if token in particles() else 1.0
        sk = skeleton(token)
        feats: dict[str, float] = {"s" + sk: W_SKEL * f}
        if abjad:
            for g in trigrams(sk):
                feats["k" + g] = W_GRAM * f
        else:
            feats["t" + token] = W_TOKEN * f
            feats.setdefault("p" + phonetic(token), W_PHON * f)
            for g in trigrams(token):
                feats["g" + g] = W_GRAM * f
            for g in trigrams(sk):
                feats.setdefault("k" + g, W_GRAM * 0.5 * f)
        if 2 <= len(token) <= 6 and token.isalpha():
            feats["A" + token] = W_TOKEN
        out = self._columns(feats)
        if len(self._tok_cache) > 200_000:
            self._tok_cache.clear()
        self._tok_cache[key] = out
        return out

    def _columns(self, feats: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        cols: list[int] = []
        vals: list[float] = []
        for key, w in feats.items():
            c = self.space.cols.get(key)
            # Features on more than ~4% of names ("#al", "al") add cost, not recall: their
            # rare neighbours in the same name carry the retrieval.
            if c is not None and self.feat_idf[c] > self.common_idf:
                cols.append(c)
                vals.append(w * float(self.feat_idf[c]))
        return np.asarray(cols, dtype=np.int64), np.asarray(vals, dtype=np.float32)

    def query_matrix(self, forms_batch: Sequence[Sequence[NameForm]]) -> sp.csr_matrix:
        """One sparse row per query: the max weight of each retrieval feature over its names' tokens."""
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        qidx: list[int] = []
        for qi, forms in enumerate(forms_batch):
            for form in forms:
                for tok in form.tokens:
                    c, v = self.token_columns(tok, form.abjad)
                    cols.append(c)
                    vals.append(v)
                    qidx.append(qi)
                acr = acronym(form)
                if acr:
                    c, v = self._columns({"A" + acr: W_TOKEN})
                    cols.append(c)
                    vals.append(v)
                    qidx.append(qi)
        n_cols = len(self.feat_idf)
        shape = (len(forms_batch), n_cols)
        if not cols:
            return sp.csr_matrix(shape, dtype=np.float32)
        lens = np.array([len(c) for c in cols], dtype=np.int64)
        key = np.repeat(np.asarray(qidx, dtype=np.int64), lens) * n_cols + np.concatenate(cols)
        uniq, inv = np.unique(key, return_inverse=True)
        data = np.zeros(len(uniq), dtype=np.float32)
        np.maximum.at(data, inv, np.concatenate(vals))
        q = uniq // n_cols
        indptr = np.searchsorted(q, np.arange(len(forms_batch) + 1))
        return sp.csr_matrix((data, (uniq - q * n_cols).astype(np.int32), indptr), shape=shape)

    def retrieve(self, forms_batch: Sequence[Sequence[NameForm]], n_names: int = 60,
                 n_entities: int = 25) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per query: the best candidate entities (by cosine of weighted features over their best name;
        sorted by entity index) and the retrieved names of those entities, which the scorer compares.

        The `n_names` best names are kept per query, then their first `n_entities` distinct entities.
        """
        nb = len(forms_batch)
        sims = (self.query_matrix(forms_batch) @ self.matrix_t).tocsr()
        counts = np.diff(sims.indptr)
        keep = np.ones(sims.nnz, dtype=bool)
        for i in np.flatnonzero(counts > n_names).tolist():
            lo, hi = sims.indptr[i], sims.indptr[i + 1]
            part = np.argpartition(-sims.data[lo:hi], n_names)[n_names:]
            keep[lo + part] = False
        q = np.repeat(np.arange(nb), counts)[keep]
        rows = sims.indices[keep].astype(np.int64)
        vals = sims.data[keep]
        order = np.lexsort((-vals, q))
        q, rows = q[order], rows[order]
        n_e = len(self.entities)
        key = q * n_e + self.row_entity[rows]
        _, first = np.unique(key, return_index=True)
        first = np.sort(first)
        fq = q[first]
        rank = np.arange(len(first)) - np.searchsorted(fq, fq, side="left")
        kept = np.sort(key[first[rank < n_entities]])
        row_keep = np.isin(key, kept)
        rows, rkey = rows[row_keep], key[row_keep]
        by = np.argsort(rkey, kind="stable")
        rows, rkey = rows[by], rkey[by]
        ent_split = np.searchsorted(kept // n_e, np.arange(nb + 1))
        row_split = np.searchsorted(rkey // n_e, np.arange(nb + 1))
        ents_out = [(kept[ent_split[i]:ent_split[i + 1]] % n_e) for i in range(nb)]
        rows_out = [rows[row_split[i]:row_split[i + 1]] for i in range(nb)]
        return ents_out, rows_out
