"""Shipping-document residue: role labels, care-of parts, ex-names and annotations around a party name.

A document rarely carries a party name alone: "SHIPPER: ACME LTD", "TO ORDER OF BANK X", "Ocean Pioneer
(ex-Cape Diamond)", "MV SIAM ORCHID 7, Bangkok". Matching the raw string against the list lets the
residue dilute the name, so we cut it off and turn former names and care-of parties into extra names to
screen (each is a party in its own right). Patterns live in `data/residue.txt` so compliance staff can
extend them without touching code.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tradescreen.matching import datafiles


@lru_cache(maxsize=1)
def _label_re() -> re.Pattern[str]:
    return re.compile("^(?:" + "|".join(datafiles.lines("residue.txt")) + ")", re.IGNORECASE)


@lru_cache(maxsize=1)
def vessel_prefixes() -> tuple[tuple[str, ...], ...]:
    """Vessel prefixes as token tuples, longest first (so "m v" wins over "m")."""
    out = {tuple(p.split()) for p in datafiles.lines("vessel_prefixes.txt")}
    return tuple(sorted(out, key=len, reverse=True))


# "(ex-Cape Diamond)", "(ex Cape Diamond, ex Sun)", "f.k.a. X", "formerly X", "a.k.a. X"
_EX_BRACKET = re.compile(r"[\(\[]\s*(?:ex[\s\-\.:]+|f\.?k\.?a\.?\s+|formerly\s+|a\.?k\.?a\.?\s+|also\s+known\s+as\s+)"
                         r"([^\)\]]+)[\)\]]", re.IGNORECASE)
_EX_INLINE = re.compile(r"[\s,;]+(?:ex[\-\.:]\s*|ex\s+(?=[A-Z])|f\.?k\.?a\.?\s+|formerly\s+(?:known\s+as\s+)?|"
                        r"a\.?k\.?a\.?\s+|also\s+known\s+as\s+)(.+)$")
_CARE_OF = re.compile(r"\s*[,;]?\s*\b(?:c/o|c\\o|care\s+of|in\s+care\s+of|attn\.?:?|attention:?)\s+(.+)$",
                      re.IGNORECASE)
# Voyage numbers and flag notes: "V.214W", "VOY 12", "(Marshall Islands flag)".
_VOYAGE = re.compile(r"\s+(?:v\.|voy\.?|voyage)\s*[0-9]+[a-z]?\b", re.IGNORECASE)
_FLAG_NOTE = re.compile(r"\s*[\(\[][^\)\]]*\bflag(?:ged)?\b[^\)\]]*[\)\]]", re.IGNORECASE)
_TRAILING_PLACE = re.compile(r",\s*(?:port\s+of\s+)?[A-Z][A-Za-z\.\- ]{2,30}$")


def strip_residue(name: str, schema: str | None = None) -> list[str]:
    """The party name(s) inside a document string: the main name first, then ex-names / care-of parties.

    A trailing ", Place" is only cut from vessels (lists write companies as "X, S.A." and persons as
    "LAST, First", so a comma means something else there).
    """
    text = " ".join(name.split())
    extra: list[str] = []
    for _ in range(3):  # labels can stack: "NOTIFY: TO ORDER OF X"
        new = _label_re().sub("", text, count=1).strip()
        if new == text:
            break
        text = new
    m = _CARE_OF.search(text)
    if m and m.start() > 0:
        extra.append(m.group(1).strip())
        text = text[: m.start()].strip()
    for m in list(_EX_BRACKET.finditer(text)):
        extra.extend(p.strip() for p in re.split(r"[,;/]|\bex[\s\-]", m.group(1)) if p.strip())
    text = _EX_BRACKET.sub(" ", text)
    m = _EX_INLINE.search(text)
    if m and m.start() > 0:
        extra.extend(p.strip() for p in re.split(r"[,;]|\bex[\s\-]", m.group(1)) if p.strip())
        text = text[: m.start()]
    text = _FLAG_NOTE.sub(" ", text)
    text = _VOYAGE.sub(" ", text)
    if schema == "Vessel":
        text = _TRAILING_PLACE.sub("", text)
    text = " ".join(text.split()).strip(" ,;:-")
    out = [text] if text else []
    out.extend(e for e in extra if e and e not in out)
    return out or [name]


def strip_vessel_prefix(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Drop a leading vessel-type prefix ("mv", "m t", "ss") when a name remains after it."""
    for prefix in vessel_prefixes():
        n = len(prefix)
        if len(tokens) > n and tokens[:n] == prefix:
            return tokens[n:]
    return tokens
