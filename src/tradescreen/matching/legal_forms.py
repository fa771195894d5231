"""Legal forms: written differently in every language, they must neither help nor hurt a name match.

"OOO", "LLC", "Obshchestvo s Ogranichennoi Otvetstvennostyu" and "ООО" are the same form; rigour's
org-type tables (made for exactly this) rewrite each to one compare form, and we then lift the form out
of the name so that "ROMASHKA LLC" aligns with "OOO ROMASHKA" on "romashka" alone. The form is kept
on the side for a small same-form / different-form signal.
"""

from __future__ import annotations

from functools import lru_cache

from rigour.names import remove_org_types, replace_org_types_compare

from tradescreen.matching import datafiles


@lru_cache(maxsize=1)
def extra_legal_tokens() -> frozenset[str]:
    return frozenset(datafiles.lines("legal_extra.txt"))


def _join_letter_runs(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """"s a de c v" -> "sa de cv": dotted abbreviations split into letters by tokenisation."""
    out: list[str] = []
    run: list[str] = []
    for tok in tokens:
        if len(tok) == 1 and tok.isalpha():
            run.append(tok)
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(tok)
    if run:
        out.append("".join(run))
    return tuple(out)


@lru_cache(maxsize=8192)
def split_legal_form(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(name tokens without legal forms, legal-form compare tokens) for an organisation name.

    When the name is nothing but a legal form ("SA", "Company Limited") the tokens are kept: an
    empty name would match nothing and hide the entry.
    """
    joined = _join_letter_runs(tokens)
    compare = replace_org_types_compare(" ".join(joined))
    ctoks = compare.split()
    stripped = remove_org_types(compare).split()
    extra = extra_legal_tokens()
    remaining = list(stripped)
    legal: list[str] = []
    for tok in ctoks:
        if tok in remaining:
            remaining.remove(tok)
        else:
            legal.append(tok)
    name = [t for t in stripped if t not in extra]
    legal.extend(t for t in stripped if t in extra)
    if not name:
        return tuple(ctoks), ()
    return tuple(name), tuple(legal)


@lru_cache(maxsize=1)
def _script_forms() -> tuple[tuple[str, str], ...]:
    rows = datafiles.rows("legal_scripts.tsv")
    return tuple(sorted(((r[0], r[1].strip()) for r in rows), key=lambda r: len(r[0]), reverse=True))


@lru_cache(maxsize=8192)
def split_script_legal_form(name: str) -> tuple[str, tuple[str, ...]]:
    """(name without its CJK/Hebrew legal form, the form's compare tokens): "沧澜远洋航运有限公司" ->
    ("沧澜远洋航运", ("coltd",)). Those scripts join the form to the name, see `data/legal_scripts.tsv`.
    A name that is nothing but the form is left alone."""
    if name.isascii():
        return name, ()
    stripped = name.rstrip(" .)")
    for form, token in _script_forms():
        head = stripped[: -len(form)] if stripped.endswith(form) else None
        if head is None and stripped.startswith(form):
            head = stripped[len(form):]
        if head is not None and head.strip():
            return head.strip(), (token,)
    return name, ()
