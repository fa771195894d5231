"""HS codes as people print them → one normalised HS 2022 code.

Documents carry codes in every shape (`8542.31`, `8542 31 90`, `880330`, `8803.30.0000`, `HS 8542`) and
often from an older HS edition: ERP master data and printed invoice templates were set up years ago, so
HS 2017 `8803.30` (parts of aircraft) still appears although HS 2022 moved it to `8807.30`. Every rule
table in tradescreen is written in HS 2022 terms, so a code must be brought into HS 2022 before it is
compared, and the conversion must be said out loud (a note) because it is an inference, not a fact
read from the document.

Only the first six digits are harmonised world-wide; digits 7-10 are national (EU CN/TARIC, US HTS,
Schedule B, ...) and are kept but never converted.

The HS 2017 → HS 2022 rows below are the ones that matter for export-control screening (aircraft
parts, communication apparatus, cameras, semiconductors, electrical parts). They are written from the
WCO correlation table "Correlation Tables HS 2017 - HS 2022" (World Customs Organization, Table II:
correlating the 2017 version to the 2022 version of the Harmonized System, published with the
Recommendation of the Customs Co-operation Council of 28 June 2019 amending the HS nomenclature).
That table was not machine-read here: each row restates a change that can be checked against the HS
2022 nomenclature (the HS 2017 code no longer exists in HS 2022 and every target does; the test
`test_goods_hs.py::test_correlation_targets_exist_in_hs2022` checks this against the nomenclature file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

#: HS 2022 edition label used in notes and evidence.
EDITION = "HS 2022"


@dataclass(frozen=True, slots=True)
class Correlation:
    """One HS 2017 subheading or heading and where its goods went in HS 2022."""

    hs2017: str
    #: HS 2022 codes that took over the goods; more than one means the old code was split.
    hs2022: tuple[str, ...]
    note: str


#: WCO Correlation Tables HS 2017 - HS 2022, Table II (see module docstring); rows that matter here.
HS2017_TO_HS2022: tuple[Correlation, ...] = (
    Correlation("8803", ("8807",), "HS 2017 heading 88.03 (parts of aircraft) is HS 2022 heading 88.07"),
    Correlation("880310", ("880710",), "propellers and rotors and parts thereof"),
    Correlation("880320", ("880720",), "under-carriages and parts thereof"),
    Correlation("880330", ("880730",), "other parts of aeroplanes or helicopters (HS 2022 adds unmanned aircraft)"),
    Correlation("880390", ("880790",), "other parts of aircraft and spacecraft"),
    Correlation("851770", ("851771", "851779"), "parts of telephone sets and communication apparatus: "
                "split into aerials (8517.71) and other parts (8517.79)"),
    Correlation("852580", ("852581", "852582", "852583", "852589"), "television and digital cameras: split into "
                "high-speed (8525.81), radiation-hardened (8525.82), night-vision (8525.83) and other (8525.89)"),
    Correlation("854140", ("854141", "854142", "854143", "854149"), "photosensitive semiconductor devices: split "
                "into LEDs (8541.41), photovoltaic cells (8541.42, 8541.43) and other (8541.49)"),
    Correlation("854150", ("854151", "854159"), "other semiconductor devices: split into semiconductor-based "
                "transducers (8541.51) and other (8541.59)"),
    Correlation("854890", ("854800",), "electrical parts n.e.s.: HS 2022 subheading 8548.00 (waste of cells "
                "and batteries moved to heading 85.49)"),
    Correlation("854810", ("854911", "854912", "854913", "854914", "854919"), "waste and scrap of primary "
                "cells and batteries: HS 2022 heading 85.49"),
    Correlation("902780", ("902781", "902789"), "other instruments for physical or chemical analysis: split into "
                "mass spectrometers (9027.81) and other (9027.89)"),
)

_CORRELATION = {c.hs2017: c for c in HS2017_TO_HS2022}

_PREFIX = re.compile(r"^\s*(?:(?:hs|cn|hts|htsus|taric|tn\s*ved|тн\s*вэд|code|hs\s*code)\s*[:#.]?\s*)+", re.IGNORECASE)
_ALLOWED = re.compile(r"^[\d\s.\-/]+$")


@dataclass(frozen=True, slots=True)
class HsCode:
    """A declared commodity code, normalised; `candidates` are the HS 2022 codes it stands for."""

    raw: str
    #: All digits as declared (up to 12; national digits kept).
    digits: str
    #: HS 2022 codes (2, 4 or 6 digits) the declared code corresponds to; several when an old code was split.
    candidates: tuple[str, ...]
    #: "HS 2022" or "HS 2017" (when the code only exists in the older edition).
    edition: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    valid: bool = True

    @property
    def chapter(self) -> str | None:
        return self.candidates[0][:2] if self.candidates and len(self.candidates[0]) >= 2 else None

    @property
    def heading(self) -> str | None:
        return self.candidates[0][:4] if self.candidates and len(self.candidates[0]) >= 4 else None

    @property
    def subheading(self) -> str | None:
        """The HS 2022 six-digit code when the declared code is precise and unambiguous."""
        if len(self.candidates) == 1 and len(self.candidates[0]) >= 6:
            return self.candidates[0][:6]
        return None

    @property
    def national(self) -> str:
        """Digits after the sixth: CN/HTS/TARIC detail, valid only together with the original six."""
        return self.digits[6:]

    @property
    def converted(self) -> bool:
        return self.edition != EDITION

    def display(self) -> str:
        """The code as a person reads it: `8807.30` (or `8542` for a heading)."""
        if len(self.candidates) > 1:
            return f"{format_code(self.digits[:6])} ({self.edition})"
        code = self.subheading or (self.candidates[0] if self.candidates else self.digits)
        if len(code) >= 6:
            return f"{code[:4]}.{code[4:6]}"
        return code


def format_code(digits: str) -> str:
    """`880730` → `8807.30`; `8542` stays `8542`; CN8 `85423190` → `8542.31.90`."""
    if len(digits) <= 4:
        return digits
    parts = [digits[:4], digits[4:6]] + [digits[i : i + 2] for i in range(6, len(digits), 2)]
    return ".".join(p for p in parts if p)


@lru_cache(maxsize=65536)
def normalise_code(text: str | None) -> HsCode:
    """Read a code as printed and bring its first six digits into HS 2022.

    A code whose digits exist in HS 2017 only (per the WCO correlation rows above) is converted; the
    conversion is recorded in `notes`. Digits are never guessed: a text with letters in the code part
    or fewer than two digits gives `valid=False` and no candidates.
    """
    raw = text or ""
    body = _PREFIX.sub("", raw.strip())
    body = body.replace("ex ", "").strip()
    if not body or not _ALLOWED.match(body):
        return HsCode(raw, "", (), EDITION, ("not a commodity code",), valid=False)
    digits = re.sub(r"\D", "", body)
    # "85 42 31" and "8542.31" are the same; "8542.3" is a truncated subheading: keep the heading only.
    groups = [g for g in re.split(r"[\s.\-/]+", body) if g]
    if len(groups) >= 2 and len(groups[0]) == 4 and len(groups[1]) == 1:
        digits = groups[0]
    if len(digits) < 2 or len(digits) > 14:
        return HsCode(raw, digits, (), EDITION, ("not a commodity code",), valid=False)
    if len(digits) == 3 or len(digits) == 5:
        # A dropped leading zero ("303" for 0303) is common in spreadsheets; say so rather than guess silently.
        digits = "0" + digits
        notes: tuple[str, ...] = ("a leading zero was added (spreadsheets drop it)",)
    else:
        notes = ()
    hs = digits[:6]
    corr = _CORRELATION.get(hs) if len(hs) == 6 else None
    if corr is not None:
        targets = corr.hs2022
    elif hs[:4] in _CORRELATION:
        # Heading-level row (8803 → 8807): a subheading not listed above keeps only the new heading.
        corr = _CORRELATION[hs[:4]]
        targets = corr.hs2022
    if corr is not None:
        shown = ", ".join(format_code(t) for t in targets)
        note = f"HS 2017 code {format_code(hs)} converted to {EDITION} {shown} ({corr.note}; WCO correlation table)"
        return HsCode(raw, digits, targets, "HS 2017", notes + (note,))
    return HsCode(raw, digits, (hs,), EDITION, notes)


def code_covers(rule_code: str, declared: str) -> str | None:
    """How a rule written on `rule_code` covers a declared code: "full", "partial" or None.

    A rule on a heading covers all its subheadings (full). A declared code less precise than the rule
    (declared `8542`, rule `8542.31`) may or may not be covered (partial). Rule digits beyond the six
    harmonised ones (CN8/TARIC) are compared only when the declared code has them too: an HTS-10 code's
    digits 7-10 mean something else than a CN code's, so a six-digit agreement is partial.
    """
    if declared.startswith(rule_code):
        return "full"
    if rule_code.startswith(declared):
        return "partial"
    if len(rule_code) > 6 and declared[:6] == rule_code[:6]:
        return "partial"
    return None


def rule_code_digits(code: str) -> str:
    """A code as a rule table prints it → the digits to compare: trailing `00` pairs carry no detail.

    CN `4011 30 00` is the whole of HS 4011.30; `9026 00 00` and `2701 00` are headings printed padded.
    """
    digits = re.sub(r"\D", "", code)
    while len(digits) > 4 and digits.endswith("00") and len(digits) % 2 == 0:
        digits = digits[:-2]
    return digits
