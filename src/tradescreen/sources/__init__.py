"""One module per official list format; this registry finds the right one for a file.

Each format module exposes `FORMAT`, a `SourceFormat` with its sniffer, parser and the
publisher's download addresses. Source ids follow OpenSanctions' dataset names.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path

from tradescreen.sources.base import (
    Download,
    NotAList,
    ParseIssue,
    ParseResult,
    SourceFormat,
    read_bytes,
)

__all__ = [
    "Download",
    "NotAList",
    "ParseIssue",
    "ParseResult",
    "SourceFormat",
    "read_bytes",
    "all_formats",
    "detect",
    "format_for_source",
    "SOURCE_TITLES",
]

_MODULES = (
    "ofac_csv",
    "ofac_xml",
    "un_xml",
    "csl",
    "bis_dpl",
    "uk_fcdo",
    "eu_fsf",
    "ftm_json",
)

#: Human names of the sources, for messages and status tables.
SOURCE_TITLES = {
    "us_ofac_sdn": "OFAC Specially Designated Nationals (SDN) List",
    "us_ofac_cons": "OFAC Consolidated (non-SDN) Sanctions List",
    "un_sc_sanctions": "UN Security Council Consolidated List",
    "us_trade_csl": "US Consolidated Screening List (trade.gov)",
    "us_bis_denied": "BIS Denied Persons List",
    "gb_fcdo_sanctions": "UK Sanctions List (FCDO)",
    "eu_fsf": "EU Consolidated Financial Sanctions List",
}

HEAD_BYTES = 64 * 1024


@lru_cache(maxsize=1)
def all_formats() -> tuple[SourceFormat, ...]:
    formats = []
    for name in _MODULES:
        module = importlib.import_module(f"tradescreen.sources.{name}")
        formats.append(module.FORMAT)
    return tuple(formats)


def format_for_source(source: str) -> SourceFormat | None:
    for fmt in all_formats():
        if source in fmt.sources:
            return fmt
    return None


def detect(path: Path) -> tuple[SourceFormat, str, str]:
    """Recognise a list file by its content: (format, source id, part).

    Raises NotAList naming every format tradescreen reads when none claims the file.
    """
    path = Path(path)
    try:
        head = read_bytes(path)[:HEAD_BYTES]
    except Exception as exc:  # unreadable archive, permissions
        raise NotAList(f"{path}: cannot be read ({exc})") from exc
    for fmt in all_formats():
        found = fmt.sniff(path, head)
        if found is not None:
            return fmt, found[0], found[1]
    expected = "; ".join(f.title for f in all_formats())
    raise NotAList(f"{path.name}: not a restricted-party list file tradescreen reads (expected one of: {expected})")
