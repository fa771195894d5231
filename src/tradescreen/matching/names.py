"""Name analysis: one raw name (listed or queried) -> comparable forms, done once per name.

The same steps run on both sides so that retrieval and scoring see the same tokens: residue
stripping (queries only: lists do not carry document residue), "LAST, First" reordering for persons,
transliteration, tokenisation, vessel prefixes, and legal forms lifted out of organisation names.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, replace
from functools import lru_cache

from tradescreen.matching import datafiles
from tradescreen.matching.legal_forms import split_legal_form, split_script_legal_form
from tradescreen.matching.residue import strip_residue, strip_vessel_prefix
from tradescreen.matching.text import ABJADS, detect_script, skeleton, tokenize

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
def abbreviations() -> dict[str, str]:
    """Abbreviated generic words of organisation names and their full form (`data/abbreviations.tsv`)."""
    return dict(tuple(ln.split("\t")[:2]) for ln in datafiles.lines("abbreviations.tsv"))  # type: ignore[misc]


#: Legal-form compare tokens that name one form: "Co., Ltd." is a limited company ("coltd" = "ltd"), and
#: "Company"/"Co." alone is a generic word in most jurisdictions, not a form that could contradict another.
_LEGAL_FAMILY = {"coltd": "ltd", "co": ""}


def legal_family(legal: tuple[str, ...]) -> tuple[str, ...]:
    """Legal-form tokens as the forms they stand for (see `_LEGAL_FAMILY`), in order, without repeats."""
    out: list[str] = []
    for tok in legal:
        fam = _LEGAL_FAMILY.get(tok, tok)
        if fam and fam not in out:
            out.append(fam)
    return tuple(out)


@lru_cache(maxsize=1)
def number_words() -> dict[str, str]:
    """English number words and their digits (`data/number_words.tsv`)."""
    return dict(tuple(ln.split("\t")[:2]) for ln in datafiles.lines("number_words.tsv"))  # type: ignore[misc]


@lru_cache(maxsize=1)
def _digits_as_words() -> dict[str, str]:
    """Numbers from 10 up as their word (`renumber`): "14" -> "fourteen"."""
    return {v: k for k, v in number_words().items() if len(v) >= 2}


_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10",
          "xi": "11", "xii": "12", "xiii": "13", "xiv": "14", "xv": "15", "xvi": "16", "xvii": "17",
          "xviii": "18", "xix": "19", "xx": "20"}


def expand_words(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Organisation and vessel tokens in one spelling: abbreviations written out ("bros" -> "brothers")
    and Roman numerals after the first word as digits ("NAHSHOL III" = "NAHSHOL 3"), because documents and
    lists number vessels and fund series either way."""
    table = abbreviations()
    out = [table.get(t, t) for t in tokens]
    for i in range(1, len(out)):
        out[i] = _ROMAN.get(out[i], out[i])
    return tuple(out)


@lru_cache(maxsize=1)
def _patronymic_endings() -> tuple[str, ...]:
    return tuple(ln.strip() for ln in datafiles.lines("patronymic_endings.txt"))


@lru_cache(maxsize=65536)
def is_patronymic(token: str) -> bool:
    """An East Slavic patronymic ("aleksandrovich", "sergeyevna"): see `data/patronymic_endings.txt`."""
    return len(token) >= 7 and token.isalpha() and token.endswith(_patronymic_endings())


@lru_cache(maxsize=1)
def equivalent_groups() -> dict[str, int]:
    """Word -> id of its line in `data/equivalents.tsv` (translations of organisation words, one given name
    in several languages). A word on two lines is a data error: it would make unrelated words meet."""
    groups: dict[str, int] = {}
    for gid, line in enumerate(datafiles.lines("equivalents.tsv")):
        label, _, words = line.partition("\t")
        for word in words.split():
            if groups.setdefault(word, gid) != gid:
                raise ValueError(f"equivalents.tsv: {word!r} is on two lines ({label})")
    return groups


@lru_cache(maxsize=1)
def particles() -> frozenset[str]:
    return frozenset(datafiles.lines("particles.txt"))


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
        script_legal: tuple[str, ...] = ()
        if schema != PERSON:
            text, script_legal = split_script_legal_form(text)
        tokens = tokenize(text)
        legal: tuple[str, ...] = ()
        if schema in OBJECT_SCHEMATA:
            tokens = strip_vessel_prefix(tokens)
        if schema != PERSON and tokens:
            tokens, legal = split_legal_form(expand_words(tokens))
            legal = legal_family(script_legal + legal)
        if not tokens:
            continue
        script = detect_script(raw)
        out.append(NameForm(raw, tokens, legal, script, script in ABJADS))
    return tuple(out)


#: Shortest token that `resegment` creates by joining, and shortest part it creates by splitting.
MIN_JOINED = 5
MIN_PART = 3


@lru_cache(maxsize=1)
def compound_parts() -> frozenset[str]:
    """Parts of Arabic compound names (`data/compound_parts.txt`): where an Arabic-script name may re-join."""
    return frozenset(ln.strip() for ln in datafiles.lines("compound_parts.txt"))


class _SkeletonView:
    """Membership by consonant skeleton: `resegment` on abjad-script names."""

    __slots__ = ("skeletons",)

    def __init__(self, skeletons: Container[str]) -> None:
        self.skeletons = skeletons

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and skeleton(token) in self.skeletons


def resegment(form: NameForm, known: Container[str], known_skeletons: Container[str] = ()) -> NameForm | None:
    """The name with its word boundaries moved to where the listed names have them, or None.

    Names are cut into words differently from one writer to the next: "Van der Bilt"/"Vanderbilt",
    "Abdul Rahman"/"Abdulrahman", "RamiMakhlouf"; and a Chinese, Korean or Burmese name transliterated
    syllable by syllable ("cang lan") is written in Latin as words ("Canglan"). Adjacent tokens (2-4)
    whose concatenation is a known listed token are joined (longest run first), and a long unknown token
    that splits into two known tokens is split. `known` is the listed vocabulary; the variant is an extra
    form of the query, so the original spelling still competes. A name in Arabic or Hebrew script is
    joined where the consonant skeleton of the run is a listed token's (`known_skeletons`) and the run
    holds a compound-name part (`compound_parts`): "عبد الله" ("abd allah") meets ABDULLAH as one word.
    """
    toks = form.tokens
    if form.abjad:
        known = _SkeletonView(known_skeletons)
    out: list[str] = []
    changed = False
    i = 0
    while i < len(toks):
        for n in (4, 3, 2):
            if i + n <= len(toks):
                run = toks[i:i + n]
                joined = "".join(run)
                if (len(joined) >= MIN_JOINED and joined in known and not any(t.isdigit() for t in run)
                        and (not form.abjad or not compound_parts().isdisjoint(run))):
                    out.append(joined)
                    i += n
                    changed = True
                    break
        else:
            tok = toks[i]
            if len(tok) >= 2 * MIN_PART + 1 and tok.isalpha() and tok not in known:
                for cut in range(MIN_PART, len(tok) - MIN_PART + 1):
                    if tok[:cut] in known and tok[cut:] in known:
                        out.extend((tok[:cut], tok[cut:]))
                        changed = True
                        break
                else:
                    out.append(tok)
            else:
                out.append(tok)
            i += 1
    return replace(form, tokens=tuple(out)) if changed else None


def renumber(form: NameForm) -> NameForm | None:
    """The organisation or vessel name with its numbers written the other way, or None: number words as
    digits ("FOURTEEN STAR SHIPPING" -> "14 star shipping"), else numbers from 10 as words ("14" ->
    "fourteen").

    An extra query form, not a rewrite of every name: "FIVE STAR" is usually a name, and as "5 STAR" its
    first word would weigh as little as a vessel's number."""
    words = number_words()
    if any(t in words for t in form.tokens):
        return replace(form, tokens=tuple(words.get(t, t) for t in form.tokens))
    # Digits to words only from 10 up: single digits are vessel and unit numbers far more often than a
    # spelt-out word in the listed name, and every variant form costs a retrieval and scoring pass.
    digits = _digits_as_words()
    if any(t in digits for t in form.tokens):
        return replace(form, tokens=tuple(digits.get(t, t) for t in form.tokens))
    return None
