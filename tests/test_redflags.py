"""Red flags: every rule fires on a shipment that shows it and stays silent on one that does not."""

from __future__ import annotations

import csv

import pytest
import yaml
from conftest import REFERENCE

from tradescreen.destinations.model import RoutePoint as P
from tradescreen.goods.model import GoodsInput as G
from tradescreen.redflags import RULES, check_red_flags
from tradescreen.redflags.facts import Party, Payment, ShipmentFacts
from tradescreen.rules import RULES_DIR, Reference


@pytest.fixture(scope="module")
def ref() -> Reference:
    return Reference.load(REFERENCE)


def _fired(facts: ShipmentFacts, ref: Reference, rule: str, **kw: object) -> list:
    return [f for f in check_red_flags(facts, ref.rules, locations=ref.locations, only=[rule], **kw)  # type: ignore[arg-type]
            if f.rule == rule]


BUYER_DE = Party("consignee", "Maschinenbau Schmidt GmbH", "DE", "Industriestr. 5, 70565 Stuttgart")


def test_every_rule_is_documented_with_reference_sources() -> None:
    with (REFERENCE / "red_flags" / "red_flags.csv").open(encoding="utf-8") as fh:
        ids = {row["id"] for row in csv.DictReader(fh)}
    doc = yaml.safe_load((RULES_DIR / "red_flags.yaml").read_text(encoding="utf-8"))
    documented = {r["id"]: r for r in doc["rules"]}
    assert set(RULES) <= set(documented)
    for row in documented.values():
        assert row["sources"] and set(row["sources"]) <= ids, row["id"]


@pytest.mark.parametrize("name", ["Silk Road Logistics LLC", "ООО Транслогистика", "深圳市物流有限公司",
                                  "Global Freight Forwarding FZE"])
def test_forwarder_consignee(ref: Reference, name: str) -> None:
    facts = ShipmentFacts("a", parties=(Party("consignee", name, "AE"),))
    assert _fired(facts, ref, "redflag.forwarder_consignee")


def test_forwarder_as_shipper_or_ordinary_consignee_is_not_flagged(ref: Reference) -> None:
    facts = ShipmentFacts("b", parties=(Party("freight_forwarder", "DHL Global Forwarding", "DE"), BUYER_DE))
    assert not _fired(facts, ref, "redflag.forwarder_consignee")


def test_listed_address(ref: Reference) -> None:
    lookup = {"12 ulitsa lenina, moscow": ["Sanctioned Trading OOO"]}
    facts = ShipmentFacts("c", parties=(Party("buyer", "New Buyer LLC", "RU", "12 Ulitsa Lenina, Moscow"),))
    hit = _fired(facts, ref, "redflag.listed_address", address_lookup=lambda a: lookup.get(a.lower(), []))
    assert hit and "Sanctioned Trading OOO" in hit[0].message
    clean = ShipmentFacts("c2", parties=(BUYER_DE,))
    assert not _fired(clean, ref, "redflag.listed_address", address_lookup=lambda a: lookup.get(a.lower(), []))


def test_third_party_payer(ref: Reference) -> None:
    parties = (Party("seller", "Seller GmbH", "DE"), Party("buyer", "Buyer FZE", "AE"))
    odd = ShipmentFacts("d", parties=parties, payments=(Payment("Offshore Holdings Ltd", "SC", "wire"),))
    assert _fired(odd, ref, "redflag.third_party_payer")
    normal = ShipmentFacts("d2", parties=parties, payments=(Payment("Buyer FZE", "AE", "wire"),))
    assert not _fired(normal, ref, "redflag.third_party_payer")


def test_lc_consigned_to_bank(ref: Reference) -> None:
    bank = ShipmentFacts("e", parties=(Party("consignee", "First Commercial Bank", "KG"),), payment_terms="L/C at sight")
    assert _fired(bank, ref, "redflag.lc_consigned_to_bank")
    no_lc = ShipmentFacts("e2", parties=(Party("consignee", "First Commercial Bank", "KG"),), payment_terms="prepayment")
    assert not _fired(no_lc, ref, "redflag.lc_consigned_to_bank")


def test_vague_description(ref: Reference) -> None:
    assert _fired(ShipmentFacts("f", goods=(G("Spare parts", "8807.30"),)), ref, "redflag.vague_description")
    assert not _fired(ShipmentFacts("f2", goods=(G("Ball bearings 6204", "8482.10"),)), ref, "redflag.vague_description")


def test_po_box(ref: Reference) -> None:
    for address in ("P.O. Box 12345, Dubai", "а/я 15, Бишкек", "Postfach 100, Basel"):
        assert _fired(ShipmentFacts("g", parties=(Party("consignee", "X", "AE", address),)), ref, "redflag.po_box")
    assert not _fired(ShipmentFacts("g2", parties=(BUYER_DE,)), ref, "redflag.po_box")


def test_residential_address(ref: Reference) -> None:
    flat = Party("consignee", "Tech Trade LLC", "KZ", "ul. Abaya 10, kv. 45, Almaty")
    assert _fired(ShipmentFacts("h", parties=(flat,)), ref, "redflag.residential_address")
    assert not _fired(ShipmentFacts("h2", parties=(BUYER_DE,)), ref, "redflag.residential_address")


def test_phone_country(ref: Reference) -> None:
    odd = Party("consignee", "Tech Trade FZE", "AE", phone="+7 495 123 45 67")
    assert _fired(ShipmentFacts("i", parties=(odd,)), ref, "redflag.phone_country")
    ok = Party("consignee", "Tech Trade FZE", "AE", phone="+971 4 123 4567")
    assert not _fired(ShipmentFacts("i2", parties=(ok,)), ref, "redflag.phone_country")


def test_webmail(ref: Reference) -> None:
    mail = Party("buyer", "Tech Trade LLC", "AE", email="techtrade2023@mail.ru")
    assert _fired(ShipmentFacts("j", parties=(mail,)), ref, "redflag.webmail")
    corp = Party("buyer", "Tech Trade LLC", "AE", email="sales@techtrade.ae")
    assert not _fired(ShipmentFacts("j2", parties=(corp,)), ref, "redflag.webmail")


def test_new_company(ref: Reference) -> None:
    new = Party("consignee", "Fresh Start LLC", "AM", incorporated="2022-06-01")
    assert _fired(ShipmentFacts("k", parties=(new,)), ref, "redflag.new_company")
    old = Party("consignee", "Old Firm LLC", "AM", incorporated="2015-03-10")
    assert not _fired(ShipmentFacts("k2", parties=(old,)), ref, "redflag.new_company")
    assert not _fired(ShipmentFacts("k3", parties=(Party("consignee", "Y", "AM", incorporated="2022"),)), ref,
                      "redflag.new_company")


def test_no_end_user(ref: Reference) -> None:
    chpl = (G("MCU", "8542.31"),)
    buyer_ae = Party("consignee", "Example Gulf Electronics FZE", "AE", "Jebel Ali Free Zone, Dubai")
    assert _fired(ShipmentFacts("l", parties=(buyer_ae,), goods=chpl), ref, "redflag.no_end_user")
    # the same goods to an ordinary German buyer without a named end user are everyday trade
    assert not _fired(ShipmentFacts("l1", parties=(BUYER_DE,), goods=chpl), ref, "redflag.no_end_user")
    named = (buyer_ae, Party("end_user", "Example Gulf Electronics FZE", "AE"))
    assert not _fired(ShipmentFacts("l2", parties=named, goods=chpl), ref, "redflag.no_end_user")
    assert not _fired(ShipmentFacts("l3", parties=(BUYER_DE,), goods=(G("Chairs", "9401.61"),)), ref,
                      "redflag.no_end_user")


def test_label_language(ref: Reference) -> None:
    turkey = ShipmentFacts("m", parties=(Party("consignee", "Ithalat AS", "TR"),), marks="ООО Ромашка, Москва")
    assert _fired(turkey, ref, "redflag.label_language")
    kazakhstan = ShipmentFacts("m2", parties=(Party("consignee", "ТОО Алматы", "KZ"),), marks="ТОО Алматы")
    assert not _fired(kazakhstan, ref, "redflag.label_language")


def test_cash_payment(ref: Reference) -> None:
    cash = ShipmentFacts("n", payments=(Payment("Buyer", "AE", "cash", 250000, "USD"),))
    assert _fired(cash, ref, "redflag.cash_payment")
    small = ShipmentFacts("n2", payments=(Payment("Buyer", "AE", "cash", 500, "USD"),))
    assert not _fired(small, ref, "redflag.cash_payment")


def test_russia_connected_party(ref: Reference) -> None:
    parties = (Party("consignee", "Trade LLP", "KZ"), Party("notify_party", "Moscow Agent OOO", "RU"))
    assert _fired(ShipmentFacts("o", parties=parties), ref, "redflag.russia_connected_party")
    assert not _fired(ShipmentFacts("o2", parties=(Party("consignee", "Trade LLP", "KZ"),)), ref,
                      "redflag.russia_connected_party")


def test_line_of_business(ref: Reference) -> None:
    bakery = Party("buyer", "Golden Bakery LLC", "AE")
    assert _fired(ShipmentFacts("p", parties=(bakery,), goods=(G("Processors", "8542.31"),)), ref,
                  "redflag.line_of_business")
    assert not _fired(ShipmentFacts("p2", parties=(bakery,), goods=(G("Flour", "1101.00"),)), ref,
                      "redflag.line_of_business")


def test_all_rules_run_on_a_clean_shipment(ref: Reference) -> None:
    facts = ShipmentFacts(
        "clean",
        parties=(Party("seller", "Acme Bearings AG", "CH", "Hauptstrasse 1, Zurich", phone="+41 44 000 00 00"),
                 BUYER_DE, Party("end_user", "Maschinenbau Schmidt GmbH", "DE")),
        goods=(G("Ball bearings 6204-2RS", "8482.10"),),
        route=(P("port_of_loading", "CH"), P("place_of_delivery", "DE")),
        payments=(Payment("Maschinenbau Schmidt GmbH", "DE", "wire", 12000, "EUR"),),
    )
    assert check_red_flags(facts, ref.rules, locations=ref.locations) == []
