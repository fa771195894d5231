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

import numpy as np
import scipy.sparse as sp

from tradescreen.entity import Entity
from tradescreen.matching.features import party_kind
from tradescreen.matching.model import COUNTRY_PROPS, ID_PROPS, NAME_PROPS
from tradescreen.matching.names import (
    NameForm,
    analyse,
    equivalent_groups,
    is_patronymic,
    particles,
)
from tradescreen.matching.text import acronym_like, detect_script, phonetic, skeleton, stem

#: Retrieval feature weights relative to an exact token (tuned for recall, not per query).
W_TOKEN, W_SKEL, W_PHON, W_GRAM = 1.0, 0.6, 0.5, 0.35
PARTICLE_FACTOR = 0.25
#: Rarity weight factor of a patronymic (`names.is_patronymic`): present in one entry, absent in another.
PATRONYMIC_FACTOR = 0.4
#: Query features on more than this share of listed names are not looked up (see `_columns`).
COMMON_FEATURE_SHARE = 0.02
#: Share of listed names a token may appear on and still make a name distinctive (exact-name rule).
RARE_NAME_SHARE = 2.5e-4
#: Share of listed names a token may appear on and still count as distinctive alone, for the variant rule
#: of one-token names ("HEZBOLLAH" vs "HIZBALLAH": yes; "GLOBAL", "AIRLINES": no).
VARIANT_NAME_SHARE = 1e-3

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


class Vocabulary:
    """Token table with rarity weights and per-token keys, shared by retrieval and scoring."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.tokens: list[str] = []

    def add(self, token: str) -> int:
        tid = self.ids.get(token)
        if tid is None:
            tid = len(self.tokens)
            self.ids[token] = tid
            self.tokens.append(token)
        return tid

    def finish(self, n_names: int, df: np.ndarray) -> None:
        """Rarity weights from `df` (names containing each token) and the per-token keys the scorer uses."""
        parts = particles()
        df = np.asarray(df, dtype=np.float64)
        idf = np.log((n_names + 1) / (df + 1)) + 1.0
        self.max_idf = float(math.log(n_names + 1) + 1.0)
        factor = np.array([PARTICLE_FACTOR if t in parts else PATRONYMIC_FACTOR if is_patronymic(t) else 1.0
                           for t in self.tokens])
        self.idf = (idf * factor).astype(np.float32)
        self.tokens_arr = np.array(self.tokens, dtype=object)
        self.skel = np.array([skeleton(t) for t in self.tokens], dtype=object)
        phon = [phonetic(t) if len(t) >= 4 else "" for t in self.tokens]
        self.first = np.array([ord(t[0]) for t in self.tokens], dtype=np.int32)
        self.last = np.array([ord(t[-1]) for t in self.tokens], dtype=np.int32)
        self.patronymic = np.fromiter(map(is_patronymic, self.tokens), dtype=bool, count=len(self.tokens))
        self.length = np.array([len(t) for t in self.tokens], dtype=np.int32)
        # Phonetic keys as integers (tokens under 4 letters have none: -1) so the scorer compares arrays.
        self.phon_ids: dict[str, int] = {}
        for p in phon:
            if p:
                self.phon_ids.setdefault(p, len(self.phon_ids))
        self.phon_id = np.array([self.phon_ids[p] if p else -1 for p in phon], dtype=np.int32)
        self.acronym_like = np.fromiter(map(acronym_like, self.tokens), dtype=bool, count=len(self.tokens))
        # Equivalence-line ids (`names.equivalent_groups`: translations, given-name forms), -1 for none.
        groups = equivalent_groups()
        self.eq_id = np.array([groups.get(t, -1) for t in self.tokens], dtype=np.int32)
        # Stems as integers (`text.stem`): word forms of one word ("airlines"/"air") share an id.
        self.stem_ids: dict[str, int] = {}
        self.stem_id = np.array([self.stem_ids.setdefault(stem(t), len(self.stem_ids)) for t in self.tokens],
                                dtype=np.int32)
        #: Strings the scorer compares against: tokens [0, V), then their consonant skeletons [V, 2V).
        self.compare_strings = np.concatenate([self.tokens_arr, self.skel.astype(object)])
        self.compare_len = np.fromiter(map(len, self.compare_strings), dtype=np.int64, count=len(self.compare_strings))

    def weight(self, token: str) -> float:
        tid = self.ids.get(token)
        if tid is not None:
            return float(self.idf[tid])
        return self.max_idf * (PARTICLE_FACTOR if token in particles() else
                               PATRONYMIC_FACTOR if is_patronymic(token) else 1.0)


class FeatureSpace:
    """Maps retrieval feature strings to columns and rarity weights."""

    def __init__(self) -> None:
        self.cols: dict[str, int] = {}

    def col(self, key: str) -> int:
        c = self.cols.get(key)
        if c is None:
            c = self.cols[key] = len(self.cols)
        return c


def token_features(token: str, abjad: bool) -> dict[str, float]:
    """Retrieval features of one token (raw weights before IDF): token, skeleton, phonetic key, trigrams.

    A name's features are the union of its tokens' (max weight per feature) plus its acronym, so the
    index computes them once per distinct token, not per name, and queries use the very same function.
    Abjad-script tokens only emit skeleton features: their transliterations have no vowels and would
    never equal a Latin spelling.
    """
    f = PARTICLE_FACTOR if token in particles() else 1.0
    sk = skeleton(token)
    feats: dict[str, float] = {"s" + sk: W_SKEL * f}
    if abjad:
        for g in trigrams(sk):
            feats["k" + g] = W_GRAM * f
    else:
        feats["t" + token] = W_TOKEN * f
        gid = equivalent_groups().get(token)
        if gid is not None:
            # a translation or another form of the word retrieves it too ("ekonomika" ~ "economy")
            feats["e" + str(gid)] = W_TOKEN * f
        feats.setdefault("p" + phonetic(token), W_PHON * f)
        for g in trigrams(token):
            feats["g" + g] = W_GRAM * f
        for g in trigrams(sk):
            feats.setdefault("k" + g, W_GRAM * 0.5 * f)
    if 2 <= len(token) <= 6 and token.isalpha() and not abjad:
        feats["A" + token] = W_TOKEN
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


def number_signature(form: NameForm) -> str:
    """The numbers in a name, sorted ("THIHA MYAT 6" -> "6", "Marrowgate Leasing 3" -> "3"); "" if none.

    Vessels of one fleet, funds of one series and companies of one group differ only by their number,
    so two names with different numbers are different parties however alike the words are."""
    return " ".join(sorted(t for t in form.tokens if t.isdigit()))


#: Codes of the name properties in `row_prop` (index into `NAME_PROPS`).
WEAK_ALIAS = NAME_PROPS.index("weakAlias")


def _seg_arange(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Concatenated ranges [starts[i], starts[i] + lens[i]) without a Python loop."""
    offs = np.cumsum(lens) - lens
    return np.arange(int(lens.sum()), dtype=np.int64) - np.repeat(offs - starts, lens)


def release_free_memory() -> None:
    """Hand freed heap pages back to the OS (glibc only; a no-op elsewhere).

    Building the index allocates and frees ~100 MB of temporaries; glibc keeps most of it mapped (its
    mmap threshold rises after the first large free), so without this the process looks 50+ MB larger
    than what it holds."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


class CandidateIndex:
    """The in-memory index over target entities (see module docstring).

    Holds no `Entity` objects and no per-name objects: names are rows of flat arrays (token ids, CSR
    offsets, property codes, the original strings in one list), entities are rows of attribute arrays
    and small interned tuples. This keeps all lists (~80k names) well under 100 MB and makes the index
    cheap to pickle (`cache.py`).
    """

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.vocab = Vocabulary()
        self.space = FeatureSpace()
        #: The index whose rarity statistics this one borrows (a one-pair index, `Screener.score_pair`).
        self.rarity_from: CandidateIndex | None = None
        self.id_index: dict[str, list[int]] = {}
        self.dob_index: dict[str, list[int]] = {}
        # per entity
        self.ent_ids: list[str] = []
        self.ent_caption: list[str] = []
        self.ent_schema: list[str] = []
        self.ent_datasets: list[tuple[str, ...]] = []
        self.countries: list[frozenset[str]] = []
        self.birth_dates: list[tuple[str, ...]] = []
        self.genders: list[str | None] = []
        self.identifiers: list[frozenset[str]] = []
        # per name
        self.row_original: list[str] = []
        self._tok_cache: dict[tuple[str, bool], tuple[np.ndarray, np.ndarray]] = {}
        self._build(entities)
        release_free_memory()

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_tok_cache"] = {}
        state.pop("_skeleton_set", None)
        state.pop("rarity_from", None)
        return state

    def skeleton_weight(self, sk: str) -> float | None:
        """Rarity of a consonant skeleton on the list (its retrieval feature's IDF), or None if unlisted.
        An index built for one pair borrows the main index's (`rarity_from`)."""
        src = self.__dict__.get("rarity_from") or self
        c = src.space.cols.get("s" + sk)
        return float(src.feat_idf[c]) if c is not None else None

    def skeleton_set(self) -> frozenset[str]:
        """Consonant skeletons of the listed tokens (made on first use: only abjad-script queries need it)."""
        got: frozenset[str] | None = self.__dict__.get("_skeleton_set")
        if got is None:
            got = self._skeleton_set = frozenset(self.vocab.skel.tolist())
        return got

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    @property
    def n_entities(self) -> int:
        return len(self.ent_ids)

    @property
    def n_rows(self) -> int:
        return len(self.row_original)

    def _build(self, entities: Iterable[Entity]) -> None:
        # The only Python loop over names: analysis (tokens, legal form) and the string tables. Retrieval
        # features are computed once per distinct (token, script kind) and expanded to names with numpy.
        vocab, space = self.vocab, self.space
        ft_ids: dict[tuple[str, bool], int] = {}
        ft_ptr = array("q", [0])
        ft_col = array("i")
        ft_w = array("f")
        row_entity = array("i")
        row_prop = array("b")
        row_abjad = array("b")
        row_legal_id = array("i")
        row_num_id = array("i")
        row_acr_id = array("i")
        tok_ids = array("i")
        tok_ft = array("i")
        tok_ptr = array("q", [0])
        acr_row = array("i")
        acr_col = array("i")
        sorted_s: list[str] = []
        joined_s: list[str] = []
        skel_sorted_s: list[str] = []
        skel_joined_s: list[str] = []
        self.legal_ids: dict[str, int] = {}
        self.num_ids: dict[str, int] = {}
        self.acr_ids: dict[str, int] = {}
        interned: dict[object, object] = {}
        ent_person: list[bool] = []
        no_ids: frozenset[str] = frozenset()

        def intern(value: object) -> object:
            return interned.setdefault(value, value)

        ei = 0
        for ent in entities:
            if not ent.target:
                continue
            seen: set[tuple[str, ...]] = set()
            for pi, prop in enumerate(NAME_PROPS):
                for raw in ent.properties.get(prop, ()):
                    for form in analyse(raw, ent.schema, False):
                        if form.tokens in seen and not form.abjad:
                            continue
                        seen.add(form.tokens)
                        r = len(self.row_original)
                        self.row_original.append(form.original)
                        row_entity.append(ei)
                        row_prop.append(pi)
                        row_abjad.append(form.abjad)
                        for tok in form.tokens:
                            tok_ids.append(vocab.add(tok))
                            key = (tok, form.abjad)
                            f = ft_ids.get(key)
                            if f is None:
                                f = ft_ids[key] = len(ft_ids)
                                for k, w in token_features(tok, form.abjad).items():
                                    ft_col.append(space.col(k))
                                    ft_w.append(w)
                                ft_ptr.append(len(ft_col))
                            tok_ft.append(f)
                        tok_ptr.append(len(tok_ids))
                        acr = acronym(form)
                        if acr:
                            acr_row.append(r)
                            acr_col.append(space.col("A" + acr))
                            row_acr_id.append(self.acr_ids.setdefault(acr, len(self.acr_ids)))
                        else:
                            row_acr_id.append(-1)
                        row_legal_id.append(self.legal_ids.setdefault(form.legal[0], len(self.legal_ids))
                                            if form.legal else -1)
                        nsig = number_signature(form)
                        row_num_id.append(self.num_ids.setdefault(nsig, len(self.num_ids)) if nsig else -1)
                        sorted_s.append(" ".join(sorted(form.tokens)))
                        joined_s.append("".join(form.tokens))
                        skels = [skeleton(t) for t in form.tokens]
                        skel_sorted_s.append(" ".join(sorted(skels)))
                        skel_joined_s.append("".join(skels))
            self.ent_ids.append(ent.id)
            self.ent_caption.append(ent.caption)
            self.ent_schema.append(ent.schema)
            ent_person.append(ent.schema == "Person")
            self.ent_datasets.append(intern(tuple(ent.datasets)))  # type: ignore[arg-type]
            self.countries.append(intern(frozenset(c.lower() for p in COUNTRY_PROPS  # type: ignore[arg-type]
                                                   for c in ent.properties.get(p, ()))))
            dates = tuple(ent.properties.get("birthDate", ()))
            self.birth_dates.append(dates if dates else ())
            for d in dates:
                if len(d) == 10:
                    self.dob_index.setdefault(d, []).append(ei)
            g = ent.first("gender")
            self.genders.append(g.lower() if g else None)
            ids = frozenset(v for p in ID_PROPS for v in map(normalise_identifier, ent.properties.get(p, ())) if v)
            self.identifiers.append(ids if ids else no_ids)
            for v in ids:
                self.id_index.setdefault(v, []).append(ei)
            ei += 1

        n = len(self.row_original)
        n_cols = len(space.cols)
        self.row_entity = np.frombuffer(row_entity, dtype=np.int32).copy()
        self.row_prop = np.frombuffer(row_prop, dtype=np.int8).copy()
        self.row_weak = self.row_prop == WEAK_ALIAS
        self.row_abjad = np.frombuffer(row_abjad, dtype=np.int8).astype(bool)
        self.row_legal_id = np.frombuffer(row_legal_id, dtype=np.int32).copy()
        self.row_num_id = np.frombuffer(row_num_id, dtype=np.int32).copy()
        self.row_acr_id = np.frombuffer(row_acr_id, dtype=np.int32).copy()
        self.tok_ids = np.frombuffer(tok_ids, dtype=np.int32).copy()
        self.tok_ptr = np.frombuffer(tok_ptr, dtype=np.int64).copy()
        self.ent_person = np.array(ent_person, dtype=bool)
        self.ent_kind = np.array([party_kind(sch) for sch in self.ent_schema], dtype=np.int8)
        # Whole-name strings for order-free and merge-tolerant edit similarity (Latin and skeleton forms).
        self.row_sorted = np.array(sorted_s, dtype=object)
        self.row_joined = np.array(joined_s, dtype=object)
        self.row_skel_sorted = np.array(skel_sorted_s, dtype=object)
        self.row_skel_joined = np.array(skel_joined_s, dtype=object)
        row_len = np.diff(self.tok_ptr)

        # Name x feature entries: every token's features, plus the name's acronym; max weight per feature.
        fptr = np.frombuffer(ft_ptr, dtype=np.int64)
        ftf = np.frombuffer(tok_ft, dtype=np.int32)
        cnt = (fptr[1:] - fptr[:-1])[ftf]
        src = _seg_arange(fptr[ftf], cnt)
        occ_row = np.repeat(np.arange(n, dtype=np.int64), row_len)
        e_row = np.concatenate([np.repeat(occ_row, cnt), np.frombuffer(acr_row, dtype=np.int32).astype(np.int64)])
        e_col = np.concatenate([np.frombuffer(ft_col, dtype=np.int32)[src], np.frombuffer(acr_col, dtype=np.int32)])
        e_w = np.concatenate([np.frombuffer(ft_w, dtype=np.float32)[src],
                              np.full(len(acr_row), W_TOKEN, dtype=np.float32)])
        del src, occ_row
        key = e_row * n_cols + e_col
        del e_row, e_col
        order = np.lexsort((-e_w, key))
        key, e_w = key[order], e_w[order]
        del order
        first = np.empty(len(key), dtype=bool)
        first[:1] = True
        np.not_equal(key[1:], key[:-1], out=first[1:])
        key, data = key[first], e_w[first]
        del first, e_w
        rows = key // n_cols
        cols = (key - rows * n_cols).astype(np.int32)
        del key
        df = np.bincount(cols, minlength=n_cols).astype(np.float64)
        self.feat_idf = (np.log((n + 1) / (df + 1)) + 1.0).astype(np.float32)
        # Pruning threshold for query features: on more than 4% of names, and never below 200 names
        # (a small index has no ubiquitous features, only few names).
        self.common_idf = float(np.log((n + 1) / (max(COMMON_FEATURE_SHARE * n, 200) + 1)) + 1.0)
        # A name is distinctive when one of its tokens is on at most `RARE_NAME_SHARE` of the listed names
        # (at least 3): never a common given name, surname or generic word alone.
        self.rare_idf = float(np.log((n + 1) / (max(RARE_NAME_SHARE * n, 3) + 1)) + 1.0)
        self.variant_idf = float(np.log((n + 1) / (max(VARIANT_NAME_SHARE * n, 3) + 1)) + 1.0)
        data *= self.feat_idf[cols]
        # Query-side columns of every indexed (token, script kind): IDF-weighted, without the ubiquitous
        # features (see `_columns`), so a query token that is listed needs no analysis at all.
        fcol = np.frombuffer(ft_col, dtype=np.int32)
        fidf = self.feat_idf[fcol]
        qkeep = fidf > self.common_idf
        self.ftq_col = fcol[qkeep].astype(np.int64)
        self.ftq_val = (np.frombuffer(ft_w, dtype=np.float32) * fidf)[qkeep].astype(np.float32)
        kept_per = np.add.reduceat(qkeep.astype(np.int64), fptr[:-1]) if len(fcol) else np.zeros(0, np.int64)
        self.ftq_ptr = np.concatenate([[0], np.cumsum(kept_per)]).astype(np.int64)
        indptr = np.searchsorted(rows, np.arange(n + 1)).astype(np.int64)
        norms = np.sqrt(np.add.reduceat(data * data, indptr[:-1])) + 1e-9 if n else np.zeros(0, np.float32)
        # A query in Arabic or Hebrew script has only consonant-skeleton features (`token_features`), so
        # against a Latin name normalised over all its features it could reach a fraction of the
        # similarity that a listed name in the same script reaches: the few listed Arabic-script aliases
        # would crowd the Latin names out of the candidates. Such queries are compared with the
        # skeleton part of each name, normalised on its own (`skel_boost` = full norm / skeleton norm).
        skel_col = np.zeros(n_cols, dtype=bool)
        for key_, c in space.cols.items():
            if key_[:1] in ("s", "k"):
                skel_col[c] = True
        sk = np.where(skel_col[cols], data, 0.0)
        skel_norms = np.sqrt(np.add.reduceat(sk * sk, indptr[:-1])) + 1e-9 if n else np.zeros(0, np.float32)
        del sk
        self.skel_boost = (norms / skel_norms).astype(np.float32)
        data /= np.repeat(norms, np.diff(indptr)).astype(np.float32)
        mat = sp.csr_matrix((data, cols, indptr), shape=(n, n_cols))
        del data, cols, rows
        self.matrix_t = mat.T.tocsr().astype(np.float32)
        del mat
        self.ft_latin = [-1] * len(vocab.tokens)
        self.ft_abjad = [-1] * len(vocab.tokens)
        for (tok, abj), f in ft_ids.items():
            (self.ft_abjad if abj else self.ft_latin)[vocab.ids[tok]] = f
        del ft_ids
        # token document frequencies (names containing the token)
        tkey = np.unique(np.repeat(np.arange(n, dtype=np.int64), row_len) * max(1, len(vocab.tokens)) + self.tok_ids)
        tdf = np.bincount(tkey % max(1, len(vocab.tokens)), minlength=len(vocab.tokens))
        vocab.finish(n, tdf)
        # Rows of each entity, for scoring all names of a retrieved entity.
        order = np.argsort(self.row_entity, kind="stable")
        self.ent_rows_ptr = np.searchsorted(self.row_entity[order], np.arange(self.n_entities + 1))
        self.ent_rows = order.astype(np.int32)
        self._build_entity_arrays()
        self._build_scoring_arrays()

    def row_tokens(self, row: int) -> tuple[str, ...]:
        toks = self.vocab.tokens
        return tuple(toks[t] for t in self.tok_ids[self.tok_ptr[row]:self.tok_ptr[row + 1]].tolist())

    def row_form(self, row: int) -> NameForm:
        """The analysed form of one listed name, rebuilt from the arrays (for explanations)."""
        original = self.row_original[row]
        legal = [t for t, i in self.legal_ids.items() if i == self.row_legal_id[row]]
        return NameForm(original, self.row_tokens(row), tuple(legal), detect_script(original),
                        bool(self.row_abjad[row]))

    def _build_entity_arrays(self) -> None:
        """Countries, birth dates and genders as arrays the batched scorer gathers from."""
        # Countries as a 256-bit set per entity (codes past the 256th share bits: a rare, harmless collision).
        self.country_bits: dict[str, int] = {}
        for cs in self.countries:
            for c in sorted(cs):
                self.country_bits.setdefault(c, len(self.country_bits))
        self.country_mask = np.zeros((self.n_entities, 4), dtype=np.uint64)
        masks: dict[frozenset[str], np.ndarray] = {}
        for ei, cs in enumerate(self.countries):
            if cs:
                m = masks.get(cs)
                if m is None:
                    m = masks[cs] = self.country_set_mask(cs)
                self.country_mask[ei] = m
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

    def _build_scoring_arrays(self) -> None:
        """Per-name arrays that depend on the token rarity weights (recomputed when `score_pair` lends
        a one-entity index the rarity of the main one)."""
        self.row_len = np.diff(self.tok_ptr).astype(np.int64)
        tok_idf = self.vocab.idf[self.tok_ids]
        nz = self.row_len > 0
        self.row_idf_sum = np.zeros(self.n_rows, dtype=np.float32)
        self.row_max_idf = np.zeros(self.n_rows, dtype=np.float32)
        if nz.any():
            self.row_idf_sum[nz] = np.add.reduceat(tok_idf, self.tok_ptr[:-1][nz])
            self.row_max_idf[nz] = np.maximum.reduceat(tok_idf, self.tok_ptr[:-1][nz])

    def country_set_mask(self, codes: Iterable[str]) -> np.ndarray:
        mask = np.zeros(4, dtype=np.uint64)
        for c in codes:
            bit = self.country_bits.get(c)
            if bit is None:
                continue
            bit %= 256
            mask[bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
        return mask

    def _columns_many(self, feats: list[dict[str, float]]) -> list[tuple[np.ndarray, np.ndarray]]:
        """`_columns` of many feature dicts in one numpy pass (the per-call overhead dominates otherwise)."""
        lens = np.fromiter(map(len, feats), dtype=np.int64, count=len(feats))
        total = int(lens.sum())
        get = self.space.cols.get
        cols = np.fromiter((get(k, -1) for f in feats for k in f), dtype=np.int64, count=total)
        vals = np.fromiter((v for f in feats for v in f.values()), dtype=np.float32, count=total)
        idf = self.feat_idf[np.maximum(cols, 0)]
        keep = (cols >= 0) & (idf > self.common_idf)
        seg = np.repeat(np.arange(len(feats)), lens)[keep]
        cols, vals = cols[keep], (vals[keep] * idf[keep]).astype(np.float32)
        cuts = np.searchsorted(seg, np.arange(1, len(feats)))
        return list(zip(np.split(cols, cuts), np.split(vals, cuts)))

    def query_matrix(self, forms_batch: Sequence[Sequence[NameForm]]) -> sp.csr_matrix:
        """One sparse row per query: the max weight of each retrieval feature over its names' tokens.

        Tokens that are listed somewhere (most query tokens) take their columns from the per-token table
        built with the index (`ftq_*`); only unseen tokens are analysed here, all of a batch in one pass."""
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        qidx: list[int] = []
        known_q: list[int] = []
        known_ft: list[int] = []
        ids = self.vocab.ids
        cache = self._tok_cache
        # unseen tokens (and acronyms) not cached yet: analysed together below, one numpy pass for all
        pending: dict[tuple[str, bool], list[int]] = {}

        def take(key: tuple[str, bool], qi: int) -> None:
            """Columns of an unseen token or acronym: from the cache, or analysed below with the others."""
            hit = cache.get(key)
            if hit is None:
                pending.setdefault(key, []).append(qi)
            else:
                cols.append(hit[0])
                vals.append(hit[1])
                qidx.append(qi)

        for qi, forms in enumerate(forms_batch):
            for form in forms:
                table = self.ft_abjad if form.abjad else self.ft_latin
                for tok in form.tokens:
                    tid = ids.get(tok)
                    f = table[tid] if tid is not None else -1
                    if f >= 0:
                        known_q.append(qi)
                        known_ft.append(f)
                    else:
                        take((tok, form.abjad), qi)
                acr = acronym(form)
                if acr:
                    take(("A" + acr, False), qi)  # tokens are lower case: no clash with a token key
        if pending:
            keys = list(pending)
            feats = [{k: W_TOKEN} if k[:1] == "A" else token_features(k, abjad) for k, abjad in keys]
            if len(cache) + len(keys) > 200_000:
                cache.clear()
            for key, out in zip(keys, self._columns_many(feats)):
                cache[key] = out
                for qi in pending[key]:
                    cols.append(out[0])
                    vals.append(out[1])
                    qidx.append(qi)
        if known_ft:
            ft = np.asarray(known_ft, dtype=np.int64)
            cnt = self.ftq_ptr[ft + 1] - self.ftq_ptr[ft]
            src = _seg_arange(self.ftq_ptr[ft], cnt)
            cols.append(self.ftq_col[src])
            vals.append(self.ftq_val[src])
            qidx.extend(known_q)
        lens_known = [cnt] if known_ft else []
        n_cols = len(self.feat_idf)
        shape = (len(forms_batch), n_cols)
        if not cols:
            return sp.csr_matrix(shape, dtype=np.float32)
        # one length per query-index entry: the unseen tokens' arrays, then each known token's slice
        n_unknown = len(cols) - (1 if known_ft else 0)
        lens = np.concatenate([np.array([len(c) for c in cols[:n_unknown]], dtype=np.int64), *lens_known])
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
        abjad_q = np.fromiter((bool(f) and all(x.abjad for x in f) for f in forms_batch), dtype=bool, count=nb)
        if abjad_q.any():
            on = np.repeat(abjad_q, counts)
            sims.data[on] *= self.skel_boost[sims.indices[on]]
        big = np.flatnonzero(counts > n_names)
        data, ptr = sims.data, sims.indptr
        if len(big):
            # The n_names-th best value of every long row (one partition per row, no index arrays), then
            # one vectorised cut; ties at that value are all kept.
            thr = np.full(nb, -np.inf, dtype=np.float32)
            thr[big] = [np.partition(data[ptr[i]:ptr[i + 1]], -n_names)[-n_names] for i in big.tolist()]
            keep = data >= np.repeat(thr, counts)
        else:
            keep = np.ones(sims.nnz, dtype=bool)
        kidx = np.flatnonzero(keep)
        q = np.searchsorted(ptr, kidx, side="right").astype(np.int64) - 1
        rows = sims.indices[kidx].astype(np.int64)
        vals = data[kidx]
        n_e = self.n_entities
        # (query, entity) segments, each entity's names best first; then entities ranked within a query
        key = q * n_e + self.row_entity[rows]
        # one float sort instead of a two-key lexsort: key, then value descending (values scaled to [0, 1))
        vn = vals.astype(np.float64) / (float(vals.max()) * 1.001 + 1e-12) if len(vals) else vals
        order = np.argsort(key + (1.0 - vn) * 0.5)
        key, rows, vals = key[order], rows[order], vals[order]
        start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
        ekey = key[start]
        eq = ekey // n_e
        eorder = np.argsort(eq + (1.0 - vn[order][start]) * 0.5, kind="stable")
        eq_sorted = eq[eorder]
        rank = np.arange(len(eorder)) - np.searchsorted(eq_sorted, eq_sorted, side="left")
        ent_keep = np.zeros(len(ekey), dtype=bool)
        ent_keep[eorder[rank < n_entities]] = True
        row_keep = np.repeat(ent_keep, np.diff(np.r_[start, len(key)]))
        rows, rkey = rows[row_keep], key[row_keep]
        kept = ekey[ent_keep]
        ent_split = np.searchsorted(kept // n_e, np.arange(nb + 1))
        row_split = np.searchsorted(rkey // n_e, np.arange(nb + 1))
        ents_out = [(kept[ent_split[i]:ent_split[i + 1]] % n_e) for i in range(nb)]
        rows_out = [rows[row_split[i]:row_split[i + 1]] for i in range(nb)]
        return ents_out, rows_out
