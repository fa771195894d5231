"""Description analysis: indicators in English, Russian and Chinese, and mismatch with the declared code."""

from __future__ import annotations

import pytest
from conftest import REFERENCE

from tradescreen.goods.descriptions import analyse_description, is_vague
from tradescreen.goods.nomenclature import Nomenclature, tokens


@pytest.fixture(scope="module")
def nom() -> Nomenclature:
    return Nomenclature.load(REFERENCE)


def _rules(findings: list) -> set[str]:
    return {f.rule for f in findings}


def test_nomenclature_loads_every_code(nom: Nomenclature) -> None:
    import csv

    with (REFERENCE / "hs" / "harmonized-system.csv").open(encoding="utf-8") as fh:
        expected = sum(1 for row in csv.DictReader(fh) if row["hscode"].isdigit())
    assert len(nom.entries) == expected
    assert nom.text("880730").startswith("Aircraft and spacecraft; parts")
    assert nom.best_headings(tokens("unmanned aircraft"), 3)[0][0] in {"8806", "8802", "8807"}


def test_uav_with_payload_release_declared_as_toy_is_mismatch(nom: Nomenclature) -> None:
    findings = analyse_description("Fixed-wing UAV with payload release system, wingspan 3 m", "9503.00", nom,
                                   ref="goods[1]")
    mismatch = [f for f in findings if f.rule == "goods.description_mismatch"]
    assert len(mismatch) == 1 and mismatch[0].severity == "review"
    assert "8806" in mismatch[0].message and "9503" in mismatch[0].message
    assert mismatch[0].evidence["ref"] == "goods[1]"


def test_toy_drone_declared_as_toy_is_not_mismatch(nom: Nomenclature) -> None:
    findings = analyse_description("Toy mini quadcopter for children", "9503.00", nom)
    assert "goods.description_mismatch" not in _rules(findings)
    assert "goods.indicator.uav" in _rules(findings)


def test_uav_declared_as_uav_is_not_mismatch(nom: Nomenclature) -> None:
    assert "goods.description_mismatch" not in _rules(analyse_description("Fixed-wing UAV", "8806.22", nom))


def test_russian_description(nom: Nomenclature) -> None:
    findings = analyse_description("Беспилотник самолетного типа с системой сброса груза", "9503", nom)
    assert {"goods.indicator.uav", "goods.description_mismatch"} <= _rules(findings)
    heli = analyse_description("Запчасти для вертолета Ми-8", "8807.30", nom)
    assert "goods.indicator.military_aircraft_type" in _rules(heli)
    assert "goods.description_mismatch" not in _rules(heli)


def test_chinese_description(nom: Nomenclature) -> None:
    findings = analyse_description("固定翼无人机 带抛投装置", "950300", nom)
    assert {"goods.indicator.uav", "goods.indicator.payload_release", "goods.description_mismatch"} <= _rules(findings)
    chips = analyse_description("单片机 集成电路", "8542.31", nom)
    assert "goods.indicator.integrated_circuit" in _rules(chips)
    assert "goods.description_mismatch" not in _rules(chips)


def test_integrated_circuits_declared_as_textiles(nom: Nomenclature) -> None:
    findings = analyse_description("FPGA XC7A35T", "6109.10", nom)
    assert "goods.description_mismatch" in _rules(findings)
    assert "goods.description_mismatch" not in _rules(analyse_description("Cotton T-shirts", "6109.10", nom))


def test_nomenclature_only_mismatch(nom: Nomenclature) -> None:
    """No indicator fires, but the words read like a listed heading and share nothing with the declared one."""
    findings = analyse_description("Ball bearings, tapered roller bearings", "6109.10", nom)
    assert "goods.description_mismatch" in _rules(findings)
    assert [f.severity for f in findings if f.rule == "goods.description_mismatch"] == ["review"]
    assert "goods.description_mismatch" not in _rules(analyse_description("Ball bearings", "8482.10", nom))


def test_nomenclature_mismatch_between_neighbouring_headings_is_only_information(nom: Nomenclature) -> None:
    """A programmable controller under 8537 (control panels) reads like 9032 to word overlap; it is not wrong."""
    findings = analyse_description("Programmable logic controller, 24 V DC, 32 I/O", "8537.10", nom)
    assert [(f.rule, f.severity) for f in findings] == [("goods.description_mismatch", "info")]


def test_engine_for_drone_fits_engine_code_not_drone_code(nom: Nomenclature) -> None:
    assert "goods.description_mismatch" not in _rules(analyse_description("Brushless motor for drone", "8501.31", nom))
    assert "goods.description_mismatch" in _rules(analyse_description("Turbojet engine for UAV", "8501.31", nom))


def test_military_type_patterns(nom: Nomenclature) -> None:
    for text in ("Su-34 canopy seal", "Ka-52 rotor part", "Orlan-10 wing", "Герань-2", "Shahed 136 engine"):
        assert "goods.indicator.military_aircraft_type" in _rules(analyse_description(text, None, nom)), text
    for text in ("Sukhoi Superjet seat cover", "Milk powder", "Kalashnikov museum book"):
        assert "goods.indicator.military_aircraft_type" not in _rules(analyse_description(text, None, nom)), text


def test_clean_description_has_no_findings(nom: Nomenclature) -> None:
    assert analyse_description("Wooden dining chairs", "9401.61", nom) == []


@pytest.mark.parametrize("text", ["Spare parts", "EQUIPMENT", "goods", "General cargo, 20 pallets", "запчасти",
                                  "оборудование", "零件", "货物", "Electronic components"])
def test_vague(text: str) -> None:
    assert is_vague(text)


@pytest.mark.parametrize("text", ["Ball bearings 6204-2RS", "Spare parts for Mi-8 helicopter", "Wooden chairs",
                                  "подшипники шариковые", "滚珠轴承"])
def test_not_vague(text: str) -> None:
    assert not is_vague(text)
