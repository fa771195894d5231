"""Name analysis: one raw name (listed or queried) -> comparable forms, done once per name.

The same steps run on both sides so that retrieval and scoring see the same tokens: residue
stripping (queries only: lists do not carry document residue), "LAST, First" reordering for persons,
transliteration, tokenisation, vessel prefixes, and legal forms lifted out of organisation names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from tradescreen.matching.legal_forms import split_legal_form
from tradescreen.matching.residue import strip_residue, strip_vessel_prefix
from tradescreen.matching.text import ABJADS, detect_script, tokenize

PERSON = "Person"
OBJECT_SCHEMATA = frozenset({"Vessel", "Airplane"})


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready for comparison. `abjad` marks names written in Arabic/Hebrew script."""

    original: str
    tokens: tuple[str, ...]
    legal: tuple[str, ...]
    script: str
    abjad: bool


@lru_cache(maxsize=1)
def particles() -> frozenset[str]:
    text = resources.files("tradescreen.matching").joinpath("data").joinpath("particles.txt")
    lines = text.read_text(encoding="utf-8").splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))


def reorder_person(name: str) -> str:
    """"AL-ZINDANI, Shaykh Abd-al-Majid" -> "Shaykh Abd-al-Majid AL-ZINDANI" (one comma only)."""
    if name.count(",") == 1:
        last, first = name.split(",")
        if last.strip() and first.strip():
            return f"{first.strip()} {last.strip()}"
    return name


@lru_cache(maxsize=8192)
def analyse(name: str, schema: str | None = None, query: bool = False) -> tuple[NameForm, ...]:
    """Comparable forms of one name; a query string may yield several (ex-names, care-of parties)."""
    raw_names = strip_residue(name, schema) if query else [name]
    out: list[NameForm] = []
    for raw in raw_names:
        text = reorder_person(raw) if schema in (PERSON, None) else raw
        tokens = tokenize(text)
        legal: tuple[str, ...] = ()
        if schema in OBJECT_SCHEMATA:
            tokens = strip_vessel_prefix(tokens)
        if schema != PERSON and tokens:
            tokens, legal = split_legal_form(tokens)
        if not tokens:
            continue
        script = detect_script(raw)
        out.append(NameForm(raw, tokens, legal, script, script in ABJADS))
    return tuple(out)
