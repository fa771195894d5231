"""The public screening API: build a `Screener` from entities or an FtM file, then `match` queries."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path

import numpy as np

from tradescreen.entity import Entity
from tradescreen.matching import cache
from tradescreen.matching import scorer as S
from tradescreen.matching.calibration import Calibration, default_calibration
from tradescreen.matching.features import NAME_FEATURE_DOCS
from tradescreen.matching.index import CandidateIndex
from tradescreen.matching.model import NAME_PROPS, Feature, Match, Query
from tradescreen.matching.names import PERSON, NameForm, analyse, renumber, resegment

#: Candidate names pulled from the index per query, and distinct entities kept from them.
N_NAMES = 60
N_ENTITIES = 30


def _read_ftm(path: str | Path) -> Iterator[Entity]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield Entity.from_dict(json.loads(line))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


#: How each rule of `scorer.final_scores` (by its code) is told in an explanation.
_RULE_EXPLANATIONS: dict[int, tuple[str, str]] = {
    1: ("exact_name_rule", "whole name '{query}' equals the listed '{listed}', a distinctive name, and no "
                           "attribute contradicts it: score raised to at least the block range: {score:.2f}"),
    2: ("variant_name_rule", "one-word name '{query}' is a spelling variant of the listed '{listed}', a "
                             "distinctive one-word name, and no attribute contradicts it: score at least the "
                             "review range: {score:.2f}"),
    3: ("generic_words_rule", "only common words of '{query}' align with the listed '{listed}', whose rarer "
                              "words are missing: score capped under review at {cap:.2f}"),
}


class Screener:
    """Screens parties against an in-memory index of listed (target) entities."""

    def __init__(self, entities: Iterable[Entity], weights: S.Weights | None = None,
                 calibration: Calibration | None = None, *, index: CandidateIndex | None = None) -> None:
        self.index = index if index is not None else CandidateIndex(entities)
        self.weights = weights or S.default_weights()
        self.calibration = calibration or default_calibration()
        #: True when the index came from the on-disk cache (`from_entities(..., cache_dir=...)`).
        self.loaded_from_cache = False

    @classmethod
    def from_entities(cls, entities: Iterable[Entity], cache_dir: str | Path | None = None,
                      cache_key: str | None = None) -> Screener:
        """A screener over the target entities; with `cache_dir`, the built index is stored there and
        loaded instead of rebuilt when the same entities (and matcher code) come again.

        `cache_key`: a string that identifies the entities' content (e.g. the content hashes of the list
        releases they come from); without it the entities are hashed (a fraction of the build time)."""
        if cache_dir is None:
            return cls(entities)
        if cache_key is None:
            entities = list(entities)
            cache_key = cache.entities_key(entities)
        path = cache.cache_path(Path(cache_dir), cache_key)
        index = cache.load(path)
        if index is not None:
            screener = cls((), index=index)
            screener.loaded_from_cache = True
            return screener
        screener = cls(entities)
        cache.save(path, screener.index)
        return screener

    @classmethod
    def from_ftm_file(cls, path: str | Path, cache_dir: str | Path | None = None) -> Screener:
        """FollowTheMoney JSON lines (one entity per line), e.g. the bench corpus or an OpenSanctions export."""
        if cache_dir is not None:
            key = "ftm-file:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()
            index = cache.load(cache.cache_path(Path(cache_dir), key))
            if index is not None:
                screener = cls((), index=index)
                screener.loaded_from_cache = True
                return screener
            return cls.from_entities(_read_ftm(path), cache_dir, key)
        return cls(_read_ftm(path))

    # -- analysis ---------------------------------------------------------------------------------
    def query_forms(self, query: Query) -> list[NameForm]:
        """The query's names as analysed, each followed by its re-segmented variant where the listed
        vocabulary cuts the words differently (`names.resegment`) and, for organisations and vessels, its
        numbers written the other way (`names.renumber`)."""
        forms: list[NameForm] = []
        known = self.index.vocab.ids
        for name in query.names:
            for form in analyse(name, query.schema, True):
                variant = resegment(form, known, self.index.skeleton_set() if form.abjad else ())
                numbered = renumber(form) if query.schema != PERSON else None
                for f in (form, variant, numbered):
                    if f is not None and f not in forms:
                        forms.append(f)
        return forms

    def candidates(self, queries: Sequence[Query]
                   ) -> tuple[list[list[NameForm]], list[np.ndarray], list[np.ndarray]]:
        """Per query: its names, the retrieved entity indices (sorted) and the listed names to compare
        (those retrieved, plus every name of an entity brought in by an identifier or full birth date)."""
        forms = [self.query_forms(q) for q in queries]
        cands, rows = self.index.retrieve(forms, N_NAMES, N_ENTITIES)
        idx = self.index
        for i, q in enumerate(queries):
            if not (q.identifiers or q.birth_dates):
                continue
            extra = [e for v in S.query_identifiers(q) for e in idx.id_index.get(v, [])]
            # A full birth date shared with a listed party brings it in even when no name part matches:
            # aliases can be entirely different names, and the scorer decides whether the rest agrees.
            extra += [e for d in q.birth_dates if len(d) == 10 for e in idx.dob_index.get(d, [])]
            if not extra:
                continue
            # Python sets: these lists hold a handful of ids, where numpy's set routines cost ~50 µs each.
            have = set(cands[i].tolist())
            fresh = sorted({e for e in extra if e not in have})
            if fresh:
                new = np.asarray(fresh, dtype=np.int64)
                cands[i] = np.asarray(sorted(have.union(fresh)), dtype=np.int64)
                lens = idx.ent_rows_ptr[new + 1] - idx.ent_rows_ptr[new]
                offs = np.cumsum(lens) - lens
                pos = np.arange(int(lens.sum())) - np.repeat(offs - idx.ent_rows_ptr[new], lens)
                rows[i] = np.concatenate([rows[i], idx.ent_rows[pos].astype(np.int64)])
        return forms, cands, rows

    def feature_matrix(self, query: Query, forms: list[NameForm], ents: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[list[str]]]:
        """(features per entity, chosen name row per entity, chosen query form index, []) for one query;
        entities without any name are dropped (see `scorer.score_batch`)."""
        b = S.score_batch(self.index, [query], [forms], [np.asarray(ents, dtype=np.int64)])
        return b.feats, b.best_row, b.best_form, []

    def probabilities(self, feats: np.ndarray) -> np.ndarray:
        """The logistic model's probability that each candidate is the queried party (before calibration)."""
        w = self.weights
        return _sigmoid(w.bias + S.expand(feats.astype(np.float64)) @ w.as_array())

    def scores(self, feats: np.ndarray) -> np.ndarray:
        """Calibrated scores in [0, 1] (see `calibration.py`) after the documented rules of
        `scorer.final_scores` (weak-alias cap, exact-name lift, identifier floor)."""
        return S.final_scores(self.calibration.apply(self.probabilities(feats)), feats)[0]

    # -- public API -------------------------------------------------------------------------------
    def match(self, query: Query, limit: int = 10, threshold: float | None = None) -> list[Match]:
        """Best `limit` listed parties for one query, each with its full explanation."""
        return self.match_many([query], limit, threshold, explain=True)[0]

    def match_many(self, queries: Sequence[Query], limit: int = 10, threshold: float | None = None,
                   explain: bool | None = None, batch: int = 512) -> list[list[Match]]:
        """Screen many queries at once (one vectorised pass per `batch`).

        `explain`: True explains every returned match, False none, None (default) the matches that
        reach the alert threshold (`OPERATING_THRESHOLD`): explanations cost more than scoring, and
        nobody reads them under the alert line.
        """
        out: list[list[Match]] = []
        # The Match objects made here form no cycles, yet their numbers trigger cyclic-GC passes over every
        # long-lived object of the process (lists, caches), which cost more than the scoring. Paused, then
        # restored.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            for start in range(0, len(queries), batch):
                chunk = queries[start:start + batch]
                forms_b, cands_b, rows_b = self.candidates(chunk)
                out.extend(self._rank_batch(chunk, forms_b, cands_b, limit, threshold, explain, rows_b))
        finally:
            if gc_was_enabled:
                gc.enable()
        return out

    def _rank_batch(self, queries: Sequence[Query], forms_b: Sequence[list[NameForm]],
                    cands_b: Sequence[np.ndarray], limit: int, threshold: float | None,
                    explain: bool | None, rows_b: Sequence[np.ndarray] | None = None) -> list[list[Match]]:
        b = S.score_batch(self.index, queries, forms_b, cands_b, rows_b)
        results: list[list[Match]] = [[] for _ in queries]
        if len(b.slot_ent) == 0:
            return results
        scores, lifted = S.final_scores(self.calibration.apply(self.probabilities(b.feats)), b.feats)
        order = np.lexsort((-scores, b.slot_query))
        sq = b.slot_query[order]
        starts = np.searchsorted(sq, sq, side="left")
        keep = (np.arange(len(order)) - starts) < limit
        if threshold is not None:
            keep &= scores[order] >= threshold
        explain_min = -1.0 if explain else (S.OPERATING_THRESHOLD if explain is None else 2.0)
        idx = self.index
        ids, captions, schemas, datasets = idx.ent_ids, idx.ent_caption, idx.ent_schema, idx.ent_datasets
        originals = idx.row_original
        ks = order[keep]
        explained = scores[ks] >= explain_min
        # Matches under the explanation line (most of them) are built in one comprehension; the rest
        # get their explanation builder. Results come out grouped by query, best first.
        plain = [Match(ids[ei], captions[ei], schemas[ei], list(datasets[ei]), score, originals[ri],
                       forms_b[qi][fi].original, [])
                 for qi, ei, ri, fi, score in zip(b.slot_query[ks].tolist(), b.slot_ent[ks].tolist(),
                                                  b.best_row[ks].tolist(), b.best_form[ks].tolist(),
                                                  scores[ks].tolist())]
        for j in np.flatnonzero(explained).tolist():
            k, m = int(ks[j]), plain[j]
            qi, fi = int(b.slot_query[k]), int(b.best_form[k])
            # Built on first access (see `Match`): the arguments are all it needs.
            m._explanation = None
            m._explain = partial(self._explain_match, queries[qi], forms_b[qi][fi], int(b.slot_ent[k]),
                                 int(b.best_row[k]), b.feats[k].copy(), int(lifted[k]), m.score)
        bounds = np.searchsorted(b.slot_query[ks], np.arange(len(queries) + 1)).tolist()
        results = [plain[bounds[i]:bounds[i + 1]] for i in range(len(queries))]
        return results

    def _explain_match(self, query: Query, form: NameForm, ent: int, row: int, feats: np.ndarray, lifted: int,
                       score: float) -> list[Feature]:
        det = S.entity_features(self.index, query, ent, S.query_identifiers(query))[1]
        out = self.explain(form, row, feats, det)
        rule = _RULE_EXPLANATIONS.get(lifted)
        if rule:  # after the name alignment and the attribute findings, before the name features
            name, template = rule
            at = 1 + sum(f.name in S.ENTITY_FEATURES for f in out)
            listed = self.index.row_original[row]
            text = template.format(query=form.original, listed=listed, score=score, cap=S.GENERIC_CAP)
            out.insert(at, Feature(name, 1.0, 0.0, text))
        return out

    def _rank(self, query: Query, forms: list[NameForm], ents: np.ndarray, limit: int, threshold: float | None,
              explain: bool | None) -> list[Match]:
        """One query against a given candidate set (brute-force comparisons, pair scoring)."""
        if len(ents) == 0 or not forms:
            return []
        return self._rank_batch([query], [forms], [np.asarray(ents, dtype=np.int64)], limit, threshold, explain)[0]

    def score_pair(self, a: Query, b: Query) -> Match:
        """Score two parties against each other (the bench pairs protocol): `b` plays the listed party."""
        ent = Entity(id="b", schema=b.schema or a.schema or "LegalEntity")
        ent.add("name", b.names)
        ent.add("birthDate", b.birth_dates)
        ent.add("country", b.countries)
        ent.add("idNumber", b.identifiers)
        if b.gender:
            ent.add("gender", b.gender)
        single = Screener([ent], self.weights, self.calibration)
        # Share the rarity statistics of the main index: a two-name index knows no rarity.
        single.index.vocab.idf = np.array([self.index.vocab.weight(t) for t in single.index.vocab.tokens],
                                          dtype=np.float32)
        single.index.vocab.max_idf = self.index.vocab.max_idf
        single.index.rare_idf = self.index.rare_idf
        single.index.variant_idf = self.index.variant_idf
        single.index.rarity_from = self.index
        single.index._build_scoring_arrays()
        q = Query(a.names, a.schema or b.schema, a.birth_dates, a.countries, a.gender, a.identifiers)
        forms = single.query_forms(q)
        if not forms or not single.index.n_rows:
            return Match("b", b.names[0] if b.names else "", ent.schema, [], 0.0, "", "", [])
        res = single._rank(q, forms, np.array([0], dtype=np.int32), 1, None, True)
        return res[0] if res else Match("b", ent.caption, ent.schema, [], 0.0, "", "", [])

    def contributions(self, feats: np.ndarray) -> np.ndarray:
        """Each base feature's share of the log-odds: value x weight, plus half of every interaction
        term it takes part in (so the shares add up to the model's score minus its bias)."""
        w = self.weights.as_array()
        nb = len(S.FEATURES)
        out = feats.astype(np.float64) * w[:nb]
        for k, (i, j) in enumerate(S._PAIRS):
            term = float(feats[i]) * float(feats[j]) * w[nb + k]
            out[i] += term / 2
            out[j] += term / 2
        return out

    def explain(self, qform: NameForm, row: int, feats: np.ndarray, details: list[str]) -> list[Feature]:
        """Evidence, most decisive first: the token alignment of the two names, then the attribute
        findings with their concrete values (birth date, country, identifier, ...), then the name
        features, each ordered by how much it moved the score. `weight` is the effective weight
        (contribution / value), so `Feature.contribution` is the feature's share of the log-odds. The
        alignment is `scorer.alignment_matrix` of the query name against the listed name `row`."""
        lform = self.index.row_form(row)
        prop = NAME_PROPS[int(self.index.row_prop[row])]
        contrib = self.contributions(feats)
        sims = S.alignment_matrix(self.index, qform, row)
        pairs = []
        for qt, qsims in zip(qform.tokens, sims):
            k = int(np.argmax(qsims)) if len(qsims) else 0
            best = float(qsims[k]) if len(qsims) else 0.0
            if best >= S.TOKEN_FLOOR:
                bt = lform.tokens[k]
                pairs.append(f"{qt}={bt}" if best >= 1.0 else f"{qt}~{bt} {best:.2f}")
            else:
                pairs.append(f"{qt} unmatched")
        kind = {"weakAlias": "weak alias", "previousName": "former name", "alias": "alias"}.get(prop, "name")
        how = "consonant skeleton" if qform.abjad else "token alignment"
        nf = len(S.NAME_FEATURES)
        name_contrib = float(contrib[:nf].sum())
        qcov = float(feats[0])
        out = [Feature("name", qcov, name_contrib / qcov if qcov else 0.0,
                       f"query '{qform.original}' ~ {kind} '{lform.original}' ({how}: {', '.join(pairs)})")]
        attrs = [(abs(contrib[nf + j]), nf + j, fname) for j, fname in enumerate(S.ENTITY_FEATURES)
                 if feats[nf + j] and details[j]]
        for _, i, fname in sorted(attrs, reverse=True):
            out.append(Feature(fname, float(feats[i]), float(contrib[i] / feats[i]), details[i - nf]))
        named = [(abs(contrib[i]), i, fname) for i, fname in enumerate(S.NAME_FEATURES) if feats[i] and contrib[i]]
        for _, i, fname in sorted(named, reverse=True):
            doc = NAME_FEATURE_DOCS.get(fname, fname)
            out.append(Feature(fname, float(feats[i]), float(contrib[i] / feats[i]),
                               f"{fname.replace('_', ' ')} {float(feats[i]):.2f} ({contrib[i]:+.2f} log-odds): {doc}"))
        return out
