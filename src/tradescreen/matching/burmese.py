"""Burmese (Myanmar script, Unicode) -> the practical Latin spelling of Myanmar names on sanctions lists.

Lists, company registers and the English-language press write Myanmar names in the informal practical
system descended from the colonial government romanization ("Min Aung Hlaing", "Than Shwe", "Aung San
Suu Kyi", "Nay Pyi Taw"), one syllable per word. anyascii knows nothing of it (it turns မင်းအောင်လှိုင်
into "mn'eanlhiun"), so Burmese text gets its own romanizer: syllables are cut by the standard rule (a
consonant starts a new syllable unless asat kills it or virama stacks a consonant under it; kinzi is a
killed nga), then each syllable is onset cluster + rhyme, looked up in `data/burmese.tsv`. English
loanwords of company names (`data/burmese_loanwords.tsv`: ကုမ္ပဏီ company, လီမိတက် limited) are
replaced by their English word first, on whole syllables; native words are never translated.

Where the practical system varies we write the spelling most common on lists; the matcher downstream
compares fuzzily (edit distance, consonant keys), so one consistent, close spelling is what matters:

- ထ is "ht" everywhere (Htet, Htay, Htoo, Htut), so ထွန်း is "Htun" (also written "Tun").
- ဦး is "U" at the start of a name (the honorific) and inside a word ("U Paing"), "Oo" when it ends a
  later word ("U Tin Oo"); ူး is "oo" (Htoo) except after a y-medial; ူ and ီ are "u" and "i" (Phyu,
  Thiha, Kyi rather than Kyee), so စု is "Su" (lists: "Suu").
- ေ is "ay" (Nay, Htay, Lay), "we" after medial wa (Shwe, Swe), "Aye" on the null consonant (အေး);
  ဲ and ယ် are "e" (Ye, Nge); ည် is "i" (Kyi, Pyi; the city ပြည် is "Pyay"); ုန်/ုံ are "on"
  (Yangon; also "oun"/"one"); ုတ်/ုပ် "oke" (Bogyoke); ိုး is "oe" (Soe, Moe) but "o" after a
  y-medial (Phyo, Myo).
- ကျ/ကြ are "ky" (Kyaw, Kyi), ချ/ခြ "ch" (Chit, Chan), ရှ/လျှ "sh", medial ha a leading "h" (Hla, Hnin).
- Tone marks are dropped, except that dot below on a nasal rhyme writes a final "t", as the lists do
  (မြင့် Myint, ညွန့် Nyunt, သန့် Thant).
- Voicing sandhi is not written (ရန်ကုန် is "Yan Kon", not "Yan Gon"; မန္တလေး "Man Ta Lay"): names
  mostly do not voice ("Kyaw Kyaw", "Than Tun"), and guessing where a compound voices would be wrong more
  often than a one-letter miss costs the fuzzy matcher.

Syllables, runs of syllables and whole texts are cached (a few thousand distinct syllables cover the
lists), so a name costs a few microseconds. Myanmar digits become ASCII digits; U+1040 (zero) typed for
ဝ (wa) inside a word, a common slip, is read as wa. Text that is not Myanmar script passes through
unchanged. Zawgyi-encoded text is not detected or converted: it romanizes to something wrong, never to
an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from tradescreen.matching import datafiles

_MYANMAR = "\u1000-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f"
_HAS_MYANMAR = re.compile(f"[{_MYANMAR}]")
_CONS = "\u1000-\u1021"
_MEDIALS = "\u103b\u103c\u103d\u103e"
_SIGNS = "\u102b-\u1038\u103a"  # vowel signs, anusvara, dot below, visarga, asat
_ASAT, _VIRAMA, _DOT, _VISARGA, _ANUSVARA = "\u103a", "\u1039", "\u1037", "\u1038", "\u1036"
_YA, _RA, _WA, _HA = "\u103b", "\u103c", "\u103d", "\u103e"
_NULL = "\u1021"
#: One syllable: an onset consonant, its marks, and any consonant killed by asat or stacked by virama.
_SYLLABLE = f"[{_CONS}](?:[{_MEDIALS}{_SIGNS}]+|[{_CONS}]{_DOT}?[{_ASAT}{_VIRAMA}]{_VIRAMA}?)*"
_SYLLABLE_RE = re.compile(_SYLLABLE)
#: U+1040 (digit zero) typed for U+101D (wa): before a mark, after a letter, or before a killed consonant.
_ZERO_AS_WA = re.compile(
    "\u1040(?=[\u102b-\u103e])|(?<=[\u1000-\u103f])\u1040(?![\u1040-\u1049])|\u1040(?=[\u1000-\u1021][\u1037\u103a\u1039])"
)

_REPLACE: dict[str, str] = {
    "\u1025": "\u1021\u102f",  # ဥ
    "\u1026": "\u1021\u1030",  # ဦ
    "\u1023": "\u1021\u102d",  # ဣ
    "\u1024": "\u1021\u102e",  # ဤ
    "\u1027": "\u1021\u1031",  # ဧ
    "\u1029": "\u1021\u1031\u102c",  # ဩ
    "\u102a": "\u1021\u1031\u102c\u103a",  # ဪ
    "\u102b": "\u102c",  # tall aa
    "\u103f": "\u101e\u103a\u101e",  # great sa = sa killed + sa
    "\u104a": ",",
    "\u104b": ".",
    "\u200b": " ",  # zero-width space: a word break in Burmese text
    "\u200c": "",
    "\u200d": "",
}
_NORMALIZE: dict[int, str] = {ord(k): v for k, v in _REPLACE.items()}
_NORMALIZE.update({0x1040 + i: str(i) for i in range(10)})  # Myanmar digits
_NORMALIZE.update({0x1090 + i: str(i) for i in range(10)})  # Shan digits
_NEEDS_NORMALIZE = re.compile("[" + "".join(map(chr, _NORMALIZE)) + "]")


def _prepare(text: str) -> str:
    """One spelling for what Unicode or typists write several ways, before syllables are cut. (No NFC: the
    only Myanmar composition, ဥ + ီ = ဦ, is done here, and other scripts must pass through untouched.)"""
    if _ASAT + _DOT in text:
        text = text.replace(_ASAT + _DOT, _DOT + _ASAT)
    if _NEEDS_NORMALIZE.search(text) is None:
        return text
    if "\u1040" in text:
        text = _ZERO_AS_WA.sub("\u101d", text)
    return text.replace("\u1025\u102e", "\u1026").translate(_NORMALIZE)


_CODA_CLASSES = frozenset({"K", "NG", "C", "NYA", "NYIN", "T", "N", "Y", "L"})


@dataclass(frozen=True, slots=True)
class _Syllable:
    """One parsed syllable; also the key under which lexicon entries are compared (mark order aside)."""

    onset: str
    y: bool
    w: bool
    h: bool
    vowels: str  # vowel signs, sorted; asat, dot below, visarga and anusvara not included
    coda: str  # the killed/stacked consonant, "" when none
    stacked: bool  # coda stacked by virama (ဘဏ္ဍာ), not killed by asat (ဘဏ်): same sound, other word
    anusvara: bool
    creaky: bool  # dot below
    visarga: bool


@lru_cache(maxsize=16384)
def _parse(text: str) -> _Syllable:
    y = w = h = creaky = visarga = anusvara = stacked = False
    vowels: set[str] = set()
    coda = ""
    for ch in text[1:]:
        if ch == _DOT:
            creaky = True
        elif ch == _VISARGA:
            visarga = True
        elif ch == _ANUSVARA:
            anusvara = True
        elif ch == _VIRAMA and coda:
            stacked = True
        elif ch in (_ASAT, _VIRAMA) or coda:
            continue
        elif ch in (_YA, _RA):
            y = True
        elif ch == _WA:
            w = True
        elif ch == _HA:
            h = True
        elif "\u1000" <= ch <= "\u1021":
            coda = ch
        else:
            vowels.add(ch)
    return _Syllable(text[0], y, w, h, "".join(sorted(vowels)), coda, stacked, anusvara, creaky, visarga)


#: Rhyme key: (null onset only, after y-medial only, medial wa, vowels, visarga, coda class).
_RhymeKey = tuple[bool, bool, bool, str, bool, str]


@dataclass(frozen=True, slots=True)
class _Tables:
    onsets: dict[str, str]
    clusters: dict[str, str]
    codas: dict[str, str]
    rhymes: dict[_RhymeKey, str]
    symbols: dict[str, str]
    lexicon: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    token: re.Pattern[str]


def _coda_class(syl: _Syllable, codas: dict[str, str]) -> str:
    if syl.coda:
        return codas.get(syl.coda, "")
    return "N" if syl.anusvara else ""


def _rhyme_key(pattern: str, codas: dict[str, str]) -> _RhymeKey:
    """Key of a `rhyme` row: the pattern is written after "-" (any onset) or the null consonant."""
    syl = _parse(_NULL + pattern[1:])
    return (pattern[0] == _NULL, syl.y, syl.w, syl.vowels, syl.visarga, _coda_class(syl, codas))


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """The romanization tables, loaded once; a row that contradicts another is a data error, not a choice."""
    onsets: dict[str, str] = {}
    clusters: dict[str, str] = {}
    codas: dict[str, str] = {}
    symbols: dict[str, str] = {}
    rhyme_rows: list[tuple[str, str]] = []
    for row in datafiles.rows("burmese.tsv"):
        kind, key, value = row[0], row[1], row[2] if len(row) > 2 else ""
        if kind == "onset":
            onsets[key] = value
        elif kind == "cluster":
            clusters[key.replace(_RA, _YA)] = value
        elif kind == "coda":
            if value not in _CODA_CLASSES:
                raise ValueError(f"burmese.tsv: unknown coda class {value!r} for {key!r}")
            codas[key] = value
        elif kind == "rhyme":
            rhyme_rows.append((key, value))
        elif kind == "symbol":
            symbols[key] = value
        else:
            raise ValueError(f"burmese.tsv: unknown row kind {kind!r}")
    rhymes: dict[_RhymeKey, str] = {}
    for pattern, value in rhyme_rows:
        rkey = _rhyme_key(pattern, codas)
        if rhymes.setdefault(rkey, value) != value:
            raise ValueError(f"burmese.tsv: rhyme {pattern!r} = {value!r} contradicts {rhymes[rkey]!r}")
    syms = "|".join(re.escape(s) for s in sorted(symbols, key=len, reverse=True))
    token = re.compile(f"(?P<sym>{syms})|(?P<syl>(?:{_SYLLABLE})+)|(?P<mm>[{_MYANMAR}])|(?P<lit>[^{_MYANMAR}]+)")
    entries: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for row in datafiles.rows("burmese_loanwords.tsv"):
        burmese, english = _prepare(row[0]), row[1]
        sylls = _SYLLABLE_RE.findall(burmese)
        if "".join(sylls) != burmese:
            raise ValueError(f"burmese_loanwords.tsv: {row[0]!r} is not whole Burmese syllables")
        keys = tuple(_canon(_parse(s)) for s in sylls)
        entries.setdefault(keys[0], []).append((keys, english))
    lexicon = {k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in entries.items()}
    return _Tables(onsets, clusters, codas, rhymes, symbols, lexicon, token)


def _rhyme(syl: _Syllable, tables: _Tables) -> str:
    """Most specific rhyme row first: context (null onset, y-medial), medial wa and visarga are dropped in
    turn, then the vowels (inherent vowel + coda), then the coda (an unknown coda consonant is silent)."""
    cls = _coda_class(syl, tables.codas)
    null = syl.onset == _NULL
    for vowels, coda in ((syl.vowels, cls), ("", cls), (syl.vowels, ""), ("", "")):
        for wk in dict.fromkeys((syl.w, False)):
            for vk in dict.fromkeys((syl.visarga, False)):
                for yk in dict.fromkeys((syl.y, False)):
                    for nk in dict.fromkeys((null, False)):
                        found = tables.rhymes.get((nk, yk, wk, vowels, vk, coda))
                        if found is not None:
                            rhyme = ("w" if syl.w and not wk else "") + found
                            if syl.creaky and cls in ("N", "NG") and rhyme.endswith("n"):
                                rhyme += "t"
                            return rhyme
    return "a"


def _is_u(syl: _Syllable) -> bool:
    """ဦး (also typed ဥး): the honorific "U" / the name syllable "Oo"."""
    return syl.onset == _NULL and syl.visarga and not syl.coda and syl.vowels in ("\u102f", "\u1030")


def _romanize_syllable(syl: _Syllable, tables: _Tables) -> str:
    key = syl.onset + (_YA if syl.y else "") + (_HA if syl.h else "")
    onset = tables.clusters.get(key)
    if onset is None:
        onset = ("h" if syl.h else "") + tables.onsets.get(syl.onset, "") + ("y" if syl.y else "")
    return (onset + _rhyme(syl, tables)).capitalize()


def _canon(syl: _Syllable) -> str:
    """The syllable as a string key, independent of the order its marks were typed in (for the lexicon)."""
    flags = (syl.y, syl.w, syl.h, syl.stacked, syl.anusvara, syl.creaky, syl.visarga)
    return f"{syl.onset}{syl.vowels}{syl.coda}/" + "".join(c for c, on in zip("ywhsacv", flags) if on)


@lru_cache(maxsize=16384)
def _syllable(text: str) -> tuple[str, bool, str]:
    """(lexicon key, is ဦး, romanization) of one syllable: the few thousand distinct syllables are done once."""
    syl = _parse(text)
    return _canon(syl), _is_u(syl), _romanize_syllable(syl, _tables())


@lru_cache(maxsize=16384)
def _romanize_run(run: str, name_start: bool) -> str:
    """One run of adjacent syllables -> space-separated words: lexicon loanwords (longest first), else
    syllable by syllable. ဦး is "U" at the start of the name (the honorific) and inside a word
    ("U Paing"), "Oo" when it ends a word after the start ("U Tin Oo")."""
    lexicon = _tables().lexicon
    sylls = [_syllable(s) for s in _SYLLABLE_RE.findall(run)]
    out: list[str] = []
    i, last = 0, len(sylls) - 1
    while i <= last:
        key, is_u, roman = sylls[i]
        for entry, english in lexicon.get(key, ()):
            n = len(entry)
            if tuple(k for k, _, _ in sylls[i : i + n]) == entry:
                out.append(english.capitalize())
                i += n
                break
        else:
            if is_u:
                roman = "Oo" if i == last and not (name_start and i == 0) else "U"
            out.append(roman)
            i += 1
    return " ".join(out)


@lru_cache(maxsize=8192)
def romanize(text: str) -> str:
    """Burmese text -> practical Latin spelling, one syllable per word (see the module docstring)."""
    if text.isascii() or not _HAS_MYANMAR.search(text):
        return text
    tables = _tables()
    parts: list[str] = []
    started = prev_word = False  # a Burmese word was written / the last part is one
    for m in tables.token.finditer(_prepare(text)):
        kind = m.lastgroup
        if kind == "lit":
            piece, is_word = m.group(), False
        elif kind == "syl":
            piece, is_word = _romanize_run(m.group(), not started), True
        elif kind == "sym":
            piece, is_word = tables.symbols[m.group()].capitalize(), True
        elif unicodedata.category(m.group()).startswith("M"):
            continue  # a mark with no syllable to sit on
        else:
            piece, is_word = anyascii(m.group()).capitalize(), True  # Shan, Mon... letters: best effort
        if not piece:
            continue
        # Burmese words are kept apart from each other and from adjacent letters or digits by a space.
        if parts and (is_word or prev_word) and parts[-1][-1].isalnum() and piece[0].isalnum():
            parts.append(" ")
        parts.append(piece)
        started = started or is_word
        prev_word = is_word
    return "".join(parts)
