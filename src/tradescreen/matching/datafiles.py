"""The matcher's reference data files (`data/`): one reader, so every table skips blank lines and
`#` comments the same way and stays editable by compliance staff without touching code."""

from __future__ import annotations

from importlib import resources


def _read(name: str) -> list[str]:
    text = resources.files("tradescreen.matching").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def lines(name: str) -> list[str]:
    """The data lines of a one-entry-per-line file, stripped."""
    return [ln.strip() for ln in _read(name)]


def rows(name: str) -> list[list[str]]:
    """The data lines of a tab-separated file, split into cells as written."""
    return [ln.split("\t") for ln in _read(name)]
