"""Dates as lists write them → ISO prefixes (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).

FollowTheMoney stores partial dates as ISO prefixes, which is what matching needs: a list
that knows only the birth year must still be compared by year. Values that cannot be read
are returned as None so the caller can keep the raw text and report it.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_DMY_TEXT = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_MY_TEXT = re.compile(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*|[+-]\d{2}:\d{2}|Z)?$")
_DMY_NUM = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_YEAR = re.compile(r"^(?:circa\s+|c\.\s*|approximately\s+)?(\d{4})$", re.I)


def _valid(y: int, m: int | None = None, d: int | None = None) -> bool:
    if not 1800 <= y <= 2100 or m == 0 or d == 0:
        return False
    try:
        date(y, m or 1, d or 1)
    except ValueError:
        return False
    return True


def _fmt(y: int, m: int | None = None, d: int | None = None) -> str | None:
    if not _valid(y, m, d):
        return None
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def parse_date(text: str | None, order: str = "dmy") -> str | None:
    """Parse one date. `order` says how all-numeric dates read: `dmy` (most lists) or `mdy` (US)."""
    if not text:
        return None
    value = text.strip().strip(".;,")
    if not value:
        return None
    if m := _ISO.match(value):
        y, mo, d = m.groups()
        return _fmt(int(y), int(mo) if mo else None, int(d) if d else None)
    if (m := _DMY_TEXT.match(value)) and (mon := _MONTHS.get(m.group(2).lower()[:3])):
        return _fmt(int(m.group(3)), mon, int(m.group(1)))
    if (m := _MY_TEXT.match(value)) and (mon := _MONTHS.get(m.group(1).lower()[:3])):
        return _fmt(int(m.group(2)), mon)
    if m := _DMY_NUM.match(value):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return _fmt(y, b, a) if order == "dmy" else _fmt(y, a, b)
    if m := _YEAR.match(value):
        return _fmt(int(m.group(1)))
    return None


def parse_dates(text: str | None, order: str = "dmy") -> list[str]:
    """Parse a field that may hold several dates or a range ("1960 to 1962", "1 Jan 1960 or 1961").

    Year ranges expand to every year in the range (at most 15), because a list that says
    "DOB 1960 to 1962" means any of them.
    """
    if not text:
        return []
    value = text.strip()
    rng = re.match(r"^(?:circa\s+)?(\d{4})\s*(?:to|-|–)\s*(\d{4})$", value, re.I)
    if rng:
        a, b = int(rng.group(1)), int(rng.group(2))
        if a <= b and b - a <= 15:
            return [y for y in (_fmt(x) for x in range(a, b + 1)) if y]
    parts = re.split(r"\s*(?:;|,| or | and |\bto\b)\s*", value)
    out: list[str] = []
    for part in parts:
        parsed = parse_date(part, order)
        if parsed and parsed not in out:
            out.append(parsed)
    return out
