"""Word lists in several languages → one compiled regular expression.

Descriptions, addresses and party names are matched against short word lists in English, Russian and
Chinese. The languages need different notions of "a word": English words are whole words (with a plural
s/es), Russian words inflect so a term matches as a word start ("беспилотн" finds беспилотник,
беспилотного), and Chinese has no spaces so a term matches anywhere. One regex per list keeps matching to a
single scan of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def fold(text: str) -> str:
    """Case and ё/е folding, the only normalisation the lists assume."""
    return text.lower().replace("ё", "е")


def _term_regex(term: str, lang: str) -> str:
    word = fold(term.strip())
    esc = re.escape(word).replace(r"\ ", r"[\s\-]+")
    if _CJK.search(word):
        return esc
    if lang in ("ru", "uk") or _CYRILLIC.search(word):
        if len(word) <= 3:
            return rf"(?<!\w){esc}(?!\w)"
        return rf"(?<!\w){esc}\w*"
    return rf"(?<![\w-]){esc}(?:s|es)?(?![\w])"


def compile_terms(terms: Mapping[str, Iterable[str]] | None, patterns: Iterable[str] = ()) -> re.Pattern[str] | None:
    """One case-insensitive regex for all terms (longest first, so "thermal imager" wins over "thermal")."""
    parts: list[tuple[int, str]] = []
    for lang, words in (terms or {}).items():
        for word in words or ():
            if str(word).strip():
                parts.append((len(str(word)), _term_regex(str(word), str(lang))))
    for pattern in patterns:
        parts.append((1000, str(pattern)))
    if not parts:
        return None
    parts.sort(key=lambda p: -p[0])
    return re.compile("|".join(f"(?:{p})" for _, p in parts), re.IGNORECASE)


def find_all(pattern: re.Pattern[str] | None, text: str | None) -> list[str]:
    """The distinct matched strings, in order of appearance."""
    if pattern is None or not text:
        return []
    return list(_find_all(pattern, text))


@lru_cache(maxsize=65536)
def _find_all(pattern: re.Pattern[str], text: str) -> tuple[str, ...]:
    """Batches repeat the same names, addresses and descriptions; each is scanned once per pattern."""
    seen: list[str] = []
    for m in pattern.finditer(fold(text)):
        hit = m.group(0).strip()
        if hit and hit not in seen:
            seen.append(hit)
    return tuple(seen)
