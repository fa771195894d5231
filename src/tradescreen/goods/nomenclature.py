"""The HS 2022 nomenclature texts, read at run time from a reference data folder.

The nomenclature is bulk reference data (6,940 rows, published by the WCO / UN Comtrade), so it is
not copied into the project: the caller names the folder (`--reference DIR`, TRADESCREEN_REFERENCE;
tests use ../shared/reference) and `Nomenclature.load` reads `hs/harmonized-system.csv` from it once
into an immutable object. Description analysis needs two things from it: the text of the code a
document declares, and the headings whose words a description uses (an inverted index with IDF
weights, so "unmanned aircraft" points at 8806 and not at every heading that says "other").
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

NOMENCLATURE_FILE = Path("hs") / "harmonized-system.csv"

#: Words that carry no meaning about what goods are; the abbreviated Comtrade texts are full of them.
STOPWORDS = frozenset([
    "a", "an", "and", "any", "are", "as", "at", "be", "but", "by", "e.g", "eg", "etc", "excluding", "for",
    "from", "has", "heading", "headings", "in", "including", "incl", "into", "is", "it", "item", "its",
    "kind", "kinds", "n.e.c", "nec", "nes", "not", "of", "on", "or", "other", "others", "than", "that",
    "the", "their", "thereof", "therewith", "this", "those", "to", "used", "usable", "whether", "which",
    "with", "without", "no", "nos", "chapter", "subheading", "whose"
])
_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """Lower-case content words with a crude plural fold ("aircraft", "cameras" → "camera")."""
    out = []
    for tok in _TOKEN.findall(text.lower()):
        if tok in STOPWORDS or tok.isdigit() or len(tok) < 2:
            continue
        if len(tok) > 4 and tok.endswith("ies"):
            tok = tok[:-3] + "y"
        elif len(tok) > 3 and tok.endswith("s") and not tok.endswith("ss"):
            tok = tok[:-1]
        out.append(tok)
    return out


@dataclass(frozen=True, slots=True)
class HsEntry:
    code: str
    description: str
    level: int
    parent: str


@dataclass(frozen=True)
class Nomenclature:
    """HS 2022 codes (chapters, headings, subheadings) with their texts and a word index over headings."""

    entries: Mapping[str, HsEntry]
    #: token → headings (4 digits) whose own or subheadings' text uses it.
    index: Mapping[str, frozenset[str]]
    #: token → inverse document frequency over headings.
    idf: Mapping[str, float]
    source: str
    #: code → tokens of its chapter, heading and subheading texts (precomputed: descriptions are compared often).
    path_tokens: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, reference_dir: Path) -> Nomenclature:
        path = Path(reference_dir) / NOMENCLATURE_FILE
        entries: dict[str, HsEntry] = {}
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                code = (row.get("hscode") or "").strip()
                if not code.isdigit():
                    continue  # the TOTAL row and any malformed line
                try:
                    level = int(row.get("level") or len(code))
                except ValueError:
                    level = len(code)
                entries[code] = HsEntry(code, (row.get("description") or "").strip(), level, row.get("parent") or "")
        return cls.from_entries(entries.values(), source=str(path))

    @classmethod
    def from_entries(cls, entries: Iterable[HsEntry], source: str = "") -> Nomenclature:
        by_code = {e.code: e for e in entries}
        postings: dict[str, set[str]] = defaultdict(set)
        headings = {c for c in by_code if len(c) == 4}
        for code, entry in by_code.items():
            if len(code) in (4, 6) and code[:4] in headings:
                for tok in tokens(entry.description):
                    postings[tok].add(code[:4])
        n = max(len(headings), 1)
        idf = {tok: math.log(n / len(heads)) + 1.0 for tok, heads in postings.items()}
        index = {tok: frozenset(heads) for tok, heads in postings.items()}
        own = {code: frozenset(tokens(e.description)) for code, e in by_code.items()}
        path = {code: frozenset().union(*(own[code[:n]] for n in (2, 4, 6) if len(code) >= n and code[:n] in own))
                for code in by_code}
        return cls(MappingProxyType(by_code), MappingProxyType(index), MappingProxyType(idf), source,
                   MappingProxyType(path))

    def get(self, code: str) -> HsEntry | None:
        return self.entries.get(code)

    def exists(self, code: str) -> bool:
        return code in self.entries

    def text(self, code: str) -> str:
        """The most precise text for a code: the subheading's, else the heading's, else the chapter's."""
        for length in (6, 4, 2):
            entry = self.entries.get(code[:length])
            if entry is not None and len(code) >= length:
                return entry.description
        return ""

    def texts(self, code: str) -> list[str]:
        """Chapter, heading and subheading texts along the code's path (what a description must fit)."""
        return [self.entries[code[:n]].description for n in (2, 4, 6) if len(code) >= n and code[:n] in self.entries]

    def best_headings(self, words: Iterable[str], limit: int = 5) -> list[tuple[str, float]]:
        """Headings ranked by the IDF weight of the description words they share (a cheap BM25-like score)."""
        scores: dict[str, float] = defaultdict(float)
        seen: set[str] = set()
        for tok in words:
            if tok in seen:
                continue
            seen.add(tok)
            for head in self.index.get(tok, ()):
                scores[head] += self.idf[tok]
        return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

    def overlap(self, words: Iterable[str], code: str) -> float:
        """IDF-weighted share of the description's known words that the code's texts also use (0..1)."""
        own = self.path_tokens.get(code)
        if own is None:
            own = frozenset().union(*(tokens(t) for t in self.texts(code)))
        # Words of the heading's subheadings count too: "memories" is in 8542.32, not in 8542's text.
        head = code[:4]
        known = [t for t in set(words) if t in self.idf]
        if not known:
            return 0.0
        total = sum(self.idf[t] for t in known)
        shared = sum(self.idf[t] for t in known if t in own or head in self.index.get(t, ()))
        return shared / total
