"""Country names and codes as lists write them → FollowTheMoney country codes.

Lists spell countries every way there is ("Korea, North", "Iran (Islamic Republic of)",
"Crimea region of Ukraine"). rigour's territory database, made for exactly this, resolves
them; we only cache lookups because parsers ask for the same few hundred strings thousands
of times. Codes are lower-case ISO 3166-1 alpha-2 as FtM writes them, plus FtM's few
extensions for places without one (`xk` Kosovo, `ua-cri` Crimea).
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=8192)
def to_code(text: str | None) -> str | None:
    """The FtM country code for a country name or code, or None when it names no country."""
    if text is None:
        return None
    cleaned = text.strip().strip(".;,")
    if not cleaned or cleaned == "-0-":
        return None
    from rigour.territories import get_territory, lookup_territory

    if len(cleaned) == 2 and cleaned.isalpha():
        # Most lists write plain ISO codes: answer those from the code table and spare the
        # name index, which takes seconds to build.
        by_code = get_territory(cleaned.lower())
        if by_code is not None:
            return str(by_code.code)
    territory = lookup_territory(cleaned)
    if territory is None:
        return None
    return str(territory.code)


@lru_cache(maxsize=1024)
def country_name(code: str) -> str:
    """The country's name in words, for messages written for a person."""
    from rigour.territories import get_territory

    territory = get_territory(code.lower())
    if territory is None:
        return code.upper()
    return str(territory.name)
