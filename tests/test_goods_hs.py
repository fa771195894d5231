"""HS code normalisation: the forms people print, and codes from the HS 2017 edition."""

from __future__ import annotations

import csv

import pytest
from conftest import REFERENCE

from tradescreen.goods.hs import HS2017_TO_HS2022, code_covers, normalise_code, rule_code_digits


@pytest.mark.parametrize(
    ("text", "candidates", "digits"),
    [
        ("8542.31", ("854231",), "854231"),
        ("8542 31 90", ("854231",), "85423190"),
        ("HS 8542", ("8542",), "8542"),
        ("HS code: 8807.30", ("880730",), "880730"),
        ("8807.30.0000", ("880730",), "8807300000"),
        ("85.42", ("8542",), "8542"),
    ],
)
def test_printed_forms(text: str, candidates: tuple[str, ...], digits: str) -> None:
    code = normalise_code(text)
    assert code.valid
    assert code.candidates == candidates
    assert code.digits == digits
    assert not code.converted


def test_hs2017_aircraft_parts_become_8807() -> None:
    for text in ("880330", "8803.30.0000", "8803 30"):
        code = normalise_code(text)
        assert code.candidates == ("880730",), text
        assert code.edition == "HS 2017"
        assert any("8807.30" in n and "WCO" in n for n in code.notes)
    assert normalise_code("8803").candidates == ("8807",)


def test_hs2017_split_keeps_all_targets() -> None:
    code = normalise_code("8525.80")
    assert set(code.candidates) == {"852581", "852582", "852583", "852589"}
    assert code.subheading is None  # ambiguous: no single HS 2022 subheading
    assert normalise_code("8517.70").candidates == ("851771", "851779")


@pytest.mark.parametrize("text", ["", "abc", "8542.AB", "N/A", "7"])
def test_unreadable_codes(text: str) -> None:
    code = normalise_code(text)
    assert not code.valid
    assert code.candidates == ()


def test_current_code_is_not_converted() -> None:
    assert normalise_code("8542.31").notes == ()
    assert normalise_code("8807.30").edition == "HS 2022"


def test_correlation_targets_exist_in_hs2022() -> None:
    """Every HS 2017 source code is gone from HS 2022 and every target exists there (checked on the raw file)."""
    with (REFERENCE / "hs" / "harmonized-system.csv").open(encoding="utf-8") as fh:
        codes = {row["hscode"] for row in csv.DictReader(fh)}
    for corr in HS2017_TO_HS2022:
        assert corr.hs2017 not in codes, corr.hs2017
        for target in corr.hs2022:
            assert target in codes, target


def test_code_covers() -> None:
    assert code_covers("88", "880730") == "full"
    assert code_covers("8542", "85423190") == "full"
    assert code_covers("854231", "8542") == "partial"
    assert code_covers("27101983", "271019") == "partial"
    assert code_covers("27101983", "2710198300") == "full"
    assert code_covers("27101983", "27101999") == "partial"  # same HS6, different national digits
    assert code_covers("854231", "854232") is None


def test_rule_code_digits_drops_padding() -> None:
    assert rule_code_digits("4011 30 00") == "401130"
    assert rule_code_digits("9026 00 00") == "9026"
    assert rule_code_digits("ex 8517 79 00") == "851779"
    assert rule_code_digits("88") == "88"
