"""Destinations in sanctioned countries and regions: by code, by UN/LOCODE, by place name."""

from __future__ import annotations

import csv

import pytest
from conftest import REFERENCE

from tradescreen.destinations.jurisdictions import check_destinations
from tradescreen.destinations.model import Destination as D
from tradescreen.rules import Reference

ALL = {"US", "EU", "UK", "UN"}


@pytest.fixture(scope="module")
def ref() -> Reference:
    return Reference.load(REFERENCE)


def _one(findings: list):
    assert len(findings) == 1, findings
    return findings[0]


def test_every_reference_jurisdiction_is_in_the_rule_table(ref: Reference) -> None:
    with (REFERENCE / "countries" / "sanctioned_jurisdictions.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    table = {(j.country, j.subdivision) for j in ref.rules.jurisdictions}
    for row in rows:
        assert (row["iso2"], row["iso3166_2"] or None) in table, row["jurisdiction"]
    assert len(ref.rules.jurisdictions) == len(rows)


@pytest.mark.parametrize(("country", "label"), [("IR", "Iran (IR)"), ("KP", "North Korea (KP)"), ("CU", "Cuba (CU)")])
def test_comprehensive_by_code(ref: Reference, country: str, label: str) -> None:
    f = _one(check_destinations([D(country, "end user country")], ALL, ref))
    assert f.severity == "block" and f.rule == "destination.comprehensive" and label in f.message


def test_cuba_only_under_us(ref: Reference) -> None:
    assert check_destinations([D("CU", "x")], {"EU", "UK"}, ref) == []


def test_russia_is_review(ref: Reference) -> None:
    f = _one(check_destinations([D("RU", "consignee country")], ALL, ref))
    assert f.severity == "review" and f.rule == "destination.sectoral" and "Russia (RU)" in f.message


def test_crimea_by_subdivision_code(ref: Reference) -> None:
    f = _one(check_destinations([D("UA", "consignee", subdivision="UA-43")], ALL, ref))
    assert f.severity == "block" and "Crimea (UA-43)" in f.message


def test_crimean_ports_by_unlocode(ref: Reference) -> None:
    sevastopol = _one(check_destinations([D(None, "port of discharge UASVP", locode="UASVP")], ALL, ref))
    assert "Sevastopol (UA-40)" in sevastopol.message and sevastopol.severity == "block"
    # Kerch has no subdivision in UN/LOCODE: the rule table places it in Crimea.
    kerch = _one(check_destinations([D("UA", "port of discharge UAKEH", locode="UAKEH")], ALL, ref))
    assert "Crimea (UA-43)" in kerch.message and "UAKEH" in kerch.message


def test_crimea_by_address_text_even_when_written_as_russia(ref: Reference) -> None:
    for text in ("ul. Kirova 1, Simferopol", "Севастополь, ул. Ленина 2", "克里米亚 雅尔塔"):
        f = _one(check_destinations([D("RU", "end user address", text=text)], ALL, ref))
        assert f.rule == "destination.territory" and f.severity == "block", text


def test_similar_russian_place_names_are_not_crimea(ref: Reference) -> None:
    for text in ("Krymsk, Krasnodar krai", "Donetsk, Rostov oblast"):
        f = _one(check_destinations([D("RU", "x", text=text)], ALL, ref))
        assert f.rule == "destination.sectoral", text


def test_partly_occupied_region_code_is_review_named_city_is_block(ref: Reference) -> None:
    oblast = _one(check_destinations([D("UA", "x", subdivision="UA-14")], ALL, ref))
    assert oblast.severity == "review" and "UA-14" in oblast.message
    city = _one(check_destinations([D("UA", "x", text="Donetsk, ul. Artema 10")], ALL, ref))
    assert city.severity == "block"


def test_kherson_zaporizhzhia_differ_by_regime(ref: Reference) -> None:
    assert _one(check_destinations([D("UA", "x", text="Melitopol")], {"EU"}, ref)).severity == "block"
    assert _one(check_destinations([D("UA", "x", text="Melitopol")], {"US"}, ref)).severity == "review"


def test_unoccupied_ukraine_and_ordinary_countries_are_clear(ref: Reference) -> None:
    dests = [D("UA", "x", text="Kyiv"), D("UA", "port", locode="UAODS"), D("DE", "x", text="Hamburg"), D("TR", "x")]
    assert check_destinations(dests, ALL, ref) == []


def test_one_finding_per_jurisdiction(ref: Reference) -> None:
    dests = [D("IR", "consignee country"), D("IR", "port of discharge IRBND", locode="IRBND")]
    f = _one(check_destinations(dests, ALL, ref))
    assert len(f.evidence["destinations"]) == 2


def test_syria_is_review_not_block(ref: Reference) -> None:
    assert _one(check_destinations([D("SY", "x")], ALL, ref)).severity == "review"


def test_north_korea_under_un(ref: Reference) -> None:
    assert _one(check_destinations([D("KP", "x")], {"UN"}, ref)).severity == "block"
