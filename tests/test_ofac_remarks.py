"""The facts inside OFAC's `Remarks` text, checked on real rows of the real files.

Each real-row test first finds its row in the raw file by ent_num and checks that the raw text
still says what the expected values were read from (by eye), so a different file fails loudly
instead of silently testing nothing.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import pytest
from conftest import LISTS, LISTS_EXTRA

from tradescreen.sources.ofac_remarks import LABELS, _first_word, parse_remarks, split_remarks

SDN = LISTS / "ofac" / "sdn.csv"
CONS = LISTS / "ofac" / "cons_prim.csv"
SDN_2021 = LISTS_EXTRA / "ofac-sdn-2021-07-07" / "sdn.csv"


@lru_cache(maxsize=4)
def _raw_rows(path: Path) -> dict[str, list[str]]:
    """ent_num -> fields, read independently of the parser (plain csv module)."""
    text = path.read_bytes().decode("ascii").rstrip("\x1a")
    return {row[0]: row for row in csv.reader(text.splitlines()) if row}


def _remarks(path: Path, ent_num: str, must_contain: str) -> str:
    row = _raw_rows(path)[ent_num]
    assert must_contain in row[11], f"row {ent_num} changed: {row[11][:200]}"
    return row[11]


# --- tokenizer -----------------------------------------------------------------------------


def test_split_on_top_level_semicolons() -> None:
    assert split_remarks("DOB 1960; POB Cairo, Egypt; Gender Male.") == [
        "DOB 1960",
        "POB Cairo, Egypt",
        "Gender Male.",
    ]


def test_split_keeps_parentheses_and_quotes_together() -> None:
    text = "Passport 1 (A; B); a.k.a. 'X; Y'; Driver's License No. 9; a.k.a. 'ABU-'UMAR'; Gender Male"
    assert split_remarks(text) == [
        "Passport 1 (A; B)",
        "a.k.a. 'X; Y'",
        "Driver's License No. 9",
        "a.k.a. 'ABU-'UMAR'",
        "Gender Male",
    ]


def test_split_falls_back_when_a_quote_never_closes() -> None:
    # A remark cut in mid-quote must not swallow the facts after it.
    assert split_remarks("a.k.a. 'BROKEN; DOB 1960; POB Kabul") == ["a.k.a. 'BROKEN", "DOB 1960", "POB Kabul"]


def test_every_label_has_a_dispatch_word() -> None:
    words = {_first_word(pattern) for pattern, _kind, _target in LABELS}
    assert "dob" in words and "passport" in words and "a.k.a" in words and "tax" in words
    assert all(words)


def test_empty_and_free_text() -> None:
    assert parse_remarks(None).birth_dates == []
    rem = parse_remarks("Minister of Defense.; ICTY indictee.")
    assert rem.unparsed == ["Minister of Defense.", "ICTY indictee."]
    assert rem.problems == []


def test_label_needs_a_word_boundary() -> None:
    # "Citizen's Card Number" is an id document, not a citizenship.
    rem = parse_remarks("Citizen's Card Number 211226197812154256 (China)")
    assert rem.id_numbers == ["211226197812154256"]
    assert rem.citizenships == []


def test_unreadable_values_are_problems_not_crashes() -> None:
    rem = parse_remarks("DOB sometime in spring; nationality Atlantis; Gender unknown; a.k.a. ''")
    assert rem.birth_dates == [] and rem.nationalities == [] and rem.gender is None
    assert len(rem.problems) == 4


# --- real rows -----------------------------------------------------------------------------


def test_dob_ranges_and_month_year() -> None:
    text = _remarks(SDN, "12057", "DOB 1951 to 1953; alt. DOB 1960 to 1962; alt. DOB Apr 1961; alt. DOB 1953")
    rem = parse_remarks(text)
    assert rem.birth_dates == ["1951", "1952", "1953", "1960", "1961", "1962", "1961-04"]
    assert rem.birth_places == ["Najaf, Iraq", "Tehran, Iran"]
    assert rem.nationalities == ["ir"]
    assert rem.gender == "male"
    assert rem.sanctions_info == ["Additional Sanctions Information - Subject to Secondary Sanctions"]
    # Positions are free text: kept only in the full remarks.
    assert "Head of the Basij." in rem.unparsed


def test_dob_circa() -> None:
    rem = parse_remarks(_remarks(SDN, "7782", "DOB circa 1951"))
    assert rem.birth_dates == ["1951"]
    assert rem.birth_places == ["Foca, Bosnia-Herzegovina"]


def test_several_passports_and_cedulas_and_weak_aliases() -> None:
    text = _remarks(SDN, "4107", "alt. Passport 10545599 (Venezuela)")
    rem = parse_remarks(text)
    assert rem.birth_dates == ["1939-01-31"]
    assert rem.passports == ["T321642", "6067015", "77588", "10545599"]
    assert rem.id_numbers == ["6068015", "6067015"]
    assert rem.weak_aliases == ["THE CHESS PLAYER", "LUCAS"]


def test_weak_alias_with_apostrophes_inside() -> None:
    rem = parse_remarks(_remarks(SDN, "6368", "a.k.a. ''ABD-AL-'IZ'"))
    assert rem.weak_aliases == ["'ABD-AL-'IZ", "ABU YASIR"]
    assert rem.passports == ["83860", "30455", "1046403"]


def test_passport_with_issue_and_expiry_dates() -> None:
    text = _remarks(SDN, "11313", "Passport 0310857 (Eritrea) issued 21 Aug 2006 expires 20 Aug 2008")
    rem = parse_remarks(text)
    assert rem.passports == ["0310857"]
    assert rem.id_numbers == ["1372584"]
    assert rem.birth_dates == ["1969", "1969-10-10"]
    assert rem.nationalities == ["er"]
    # The bracketed block contains ";" but is one clause.
    assert len([c for c in rem.unparsed if c.startswith("(Following data derived")]) == 1
    assert rem.weak_aliases == ["ABU MANSUR", "ABU MANSOUR"]


def test_nationality_citizenship_and_russian_tax_id() -> None:
    text = _remarks(SDN, "15892", "Tax ID No. 773407989940 (Russia)")
    rem = parse_remarks(text)
    assert rem.nationalities == ["ru", "ua"]
    assert rem.citizenships == ["ru", "ua"]
    assert rem.tax_numbers == ["773407989940"]
    assert rem.inn_codes == ["773407989940"]
    assert rem.gender == "male"


def test_bank_identifiers_and_secondary_sanctions() -> None:
    text = _remarks(SDN, "18268", "Legal Entity Number 253400HA6URWT39X2982")
    rem = parse_remarks(text)
    assert rem.swift_bics == ["EXIRRUMM"]
    assert rem.websites == ["eximbank.ru"]
    assert rem.lei_codes == ["253400HA6URWT39X2982"]
    assert rem.tax_numbers == ["7704001959"]
    assert rem.registration_numbers == ["1027739109133"]
    assert rem.ogrn_codes == ["1027739109133"]
    assert rem.incorporation_dates == ["1994-05-24"]
    assert rem.sanctions_info == [
        "Executive Order 13662 Directive Determination - Subject to Directive 1",
        "Secondary sanctions risk: Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201 and/or 589.209",
    ]
    assert rem.linked_to == [
        "STATE CORPORATION BANK FOR DEVELOPMENT AND FOREIGN ECONOMIC AFFAIRS VNESHECONOMBANK."
    ]


def test_email_fka_and_link() -> None:
    text = _remarks(SDN, "19653", "Email Address adm@vniigaz.gazprom.ru")
    rem = parse_remarks(text)
    assert rem.emails == ["adm@vniigaz.gazprom.ru"]
    assert rem.websites == ["www.vniigaz.ru"]
    assert rem.previous_names == [
        "ALL UNION SCIENTIFIC RESEARCH INSTITUTE OF NATURAL GASES AND GAS TECHNOLOGIES"
    ]
    assert rem.weak_aliases == [
        "LIMITED LIABILITY COMPANY SCIENTIFIC RESEARCH INSTITUTE OF NATURAL GASES AND GAS TECHNOLOGIES",
        "VNIGAZ",
    ]
    assert rem.linked_to == ["PUBLIC JOINT STOCK COMPANY GAZPROM."]
    assert rem.incorporation_dates == ["1999-06-30"]
    assert "1025000651598" in rem.registration_numbers  # "Registration ID"
    assert "31323949" in rem.registration_numbers  # Government Gazette Number without (Russia)


def test_vessel_imo_mmsi_and_past_flags() -> None:
    text = _remarks(SDN, "15036", "Vessel Registration Identification IMO 9187629")
    rem = parse_remarks(text)
    assert rem.imo_numbers == ["IMO9187629"]
    assert rem.mmsis == ["572469210"]
    # "None Identified" is not a country and not an error either.
    assert rem.past_flags == ["mt", "tv", "tz"]
    assert rem.previous_names == ["ALPHA"]
    assert rem.linked_to == ["NATIONAL IRANIAN TANKER COMPANY."]


def test_aircraft_details() -> None:
    text = _remarks(SDN, "15431", "Aircraft Model IL76-TD")
    rem = parse_remarks(text)
    assert rem.aircraft_models == ["IL76-TD"]
    assert rem.aircraft_serials == ["1023409321"]
    assert rem.build_dates == ["1992"]
    assert rem.aircraft_operators == ["YAS AIR"]
    assert rem.linked_to == ["POUYA AIR."]


def test_swift_company_number_and_two_websites() -> None:
    rem = parse_remarks(_remarks(SDN, "906", "Company Number 01074897 (United Kingdom)"))
    assert rem.swift_bics == ["HAVIGB2L"]
    assert rem.websites == ["www.havanaintbank.co.uk", "www.hib.uk.com"]
    assert rem.registration_numbers == ["01074897"]


def test_fein_with_dash_zero_dash_inside() -> None:
    rem = parse_remarks(_remarks(SDN, "8214", "US FEIN CH-217-0-431-423-3"))
    assert rem.tax_numbers == ["CH-217-0-431-423-3"]


def test_crypto_wallets() -> None:
    text = _remarks(SDN, "25308", "Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h")
    rem = parse_remarks(text)
    assert rem.crypto_wallets[0] == "XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h"
    assert rem.citizenships == ["cn"]


@pytest.mark.parametrize("path", [SDN, CONS, SDN_2021], ids=["sdn", "cons", "sdn2021"])
def test_whole_files_parse_with_few_problems(path: Path) -> None:
    """Every remark of the real files parses; unreadable labelled clauses stay rare."""
    rows = _raw_rows(path)
    problems = 0
    dob_clauses = 0
    birth_dates = 0
    for row in rows.values():
        rem = parse_remarks(row[11] if row[11].strip() != "-0-" else "")
        problems += len(rem.problems)
        dob_clauses += row[11].count("DOB ")
        birth_dates += len(rem.birth_dates)
    assert problems <= 5
    # Every "DOB" clause gives at least one date (ranges give several, duplicates merge).
    assert birth_dates >= dob_clauses * 0.98
