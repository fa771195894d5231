"""The real list files in the shared data, for tests that check a parser against every one of them."""

from __future__ import annotations

from pathlib import Path

from conftest import LISTS, LISTS_EXTRA


def real_list_files() -> list[Path]:
    """Every real list file (dot files and the Markdown provenance notes left out), in a stable order:
    the files a sniffer for a format that is not among them must not claim."""
    found = [p for root in (LISTS, LISTS_EXTRA) for p in sorted(root.rglob("*")) if p.is_file()]
    return [p for p in found if not p.name.startswith(".") and p.suffix != ".md"]
