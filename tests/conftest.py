"""Shared test fixtures: where the real list files and reference data live (../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
LISTS = SHARED / "data" / "lists"
LISTS_EXTRA = SHARED / "data" / "lists-extra"
REFERENCE = SHARED / "reference"
BENCH = SHARED / "bench"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh TRADESCREEN_HOME per test, so no test sees another's database."""
    path = tmp_path / "home"
    monkeypatch.setenv("TRADESCREEN_HOME", str(path))
    return path
