"""Writing systems and word boundaries: Hebrew and Arabic letters read as lists spell them, legal forms
joined to CJK/Hebrew names, abbreviations and Roman numerals, re-segmented words, numbered names, and
Arabic-script queries reaching Latin listings. Names are real list spellings or clearly fictional."""

from __future__ import annotations

from tradescreen.entity import Entity
from tradescreen.matching import Query, Screener
from tradescreen.matching.legal_forms import split_script_legal_form
from tradescreen.matching.names import analyse, is_patronymic, renumber, resegment
from tradescreen.matching.scorer import OPERATING_THRESHOLD
from tradescreen.matching.text import skeleton, tokenize


def skels(name: str) -> list[str]:
    return [skeleton(t) for t in tokenize(name)]


def test_hebrew_letters_read_hard_as_names_are_spelt() -> None:
    # anyascii reads bet/pe soft ("rvl", "ksfrs"); names are written ARBEL, EXPRESS, SHALOM.
    assert skels("ארבל אקספרס") == skels("ARBEL EXPRESS")
    assert skels("שלום") == skels("SHALOM")


def test_arabic_allah_ayin_alef_and_dh() -> None:
    # "الله" is one word, not the article + "له"; a word-initial ayin is written as its vowel.
    assert tokenize("نور الله") == ("nwr", "allah")
    assert tokenize("عزيز")[0].startswith("a")
    assert skels("عزيز") == skels("AZIZ")
    # joined "abd" + article (Persian/Pashto spelling) is split like the separate spelling
    assert tokenize("عبدالجبار")[:2] == ("abd", "al")
    # zah is written Z on the lists (MAZLOOM, ZAWAHIRI); anyascii's "dh" must meet it in the skeleton
    assert skels("مظلوم") == skels("MAZLOOM")


def test_cjk_and_hebrew_legal_forms_are_lifted() -> None:
    han = analyse("沧澜远洋航运有限公司", "Company")[0]
    latin = analyse("Canglan Ocean Shipping Co., Ltd.", "Company")[0]
    assert han.legal == latin.legal == ("ltd",)  # "Co., Ltd." is a limited company (`names.legal_family`)
    assert "gong" not in han.tokens and "si" not in han.tokens
    assert analyse("(주)대륜", "Company")[0].legal == ("ltd",)
    assert analyse('אבני ברקת בע"מ', "Company")[0].legal == ("ltd",)
    # a name that is nothing but the form stays a name
    assert split_script_legal_form("有限公司") == ("有限公司", ())


def test_abbreviations_and_roman_numerals() -> None:
    short = analyse("Delancourt Bros. Mfg. Co.", "Company")[0]
    full = analyse("Delancourt Brothers Manufacturing Co.", "Company")[0]
    assert short.tokens == full.tokens
    assert analyse("NAHSHOL III", "Vessel")[0].tokens == analyse("NAHSHOL 3", "Vessel")[0].tokens
    # persons keep their words ("bros" is no abbreviation in a person's name)
    assert "iii" in analyse("John Doe III", "Person")[0].tokens


def test_resegment_joins_and_splits_on_listed_words() -> None:
    form = analyse("Van der Bilt Corp", "Company", True)[0]
    joined = resegment(form, {"vanderbilt"})
    assert joined is not None and joined.tokens == ("vanderbilt",)
    split = resegment(analyse("RamiMakhlouf", "Person", True)[0], {"rami", "makhlouf"})
    assert split is not None and split.tokens == ("rami", "makhlouf")
    assert resegment(analyse("Rami Makhlouf", "Person", True)[0], {"rami", "makhlouf"}) is None
    # numbers are never glued to words
    assert resegment(analyse("ALPHA 12", "Vessel", True)[0], {"alpha12"}) is None


def _vessel(eid: str, name: str) -> Entity:
    ent = Entity(id=eid, schema="Vessel")
    ent.add("name", name)
    return ent


def test_different_numbers_score_lower() -> None:
    fleet = [_vessel(f"v{i}", f"NORDIC PELICAN {i}") for i in (3, 4)] + [_vessel("x", "SOUTHERN STAR")]
    screener = Screener.from_entities(fleet)
    same = screener.match(Query(["NORDIC PELICAN 3"], "Vessel"), limit=3)
    assert same[0].entity_id == "v3"
    by_id = {m.entity_id: m for m in same}
    assert by_id["v4"].score < by_id["v3"].score
    assert any(f.name == "number_mismatch" for f in by_id["v4"].explanation)


def test_arabic_query_reaches_latin_listing_among_arabic_script_names() -> None:
    # Eighty fictional listed names in Arabic script share "عبد الله" with the query; the one listing
    # written in Latin letters must still be among the candidates and come first.
    given = ["سالم", "خالد", "ناصر", "فهد", "سعيد", "حمد", "راشد", "ماجد", "سلطان", "فيصل"]
    family = ["الحربي", "الدوسري", "القحطاني", "الشمري", "العتيبي", "الغامدي", "الزهراني", "المطيري"]
    ents = []
    for i, (g, f) in enumerate((g, f) for g in given for f in family):
        e = Entity(id=f"a{i}", schema="Person")
        e.add("name", f"{g} عبد الله {f}")
        ents.append(e)
    target = Entity(id="target", schema="Person")
    target.add("name", "KARIMI, Amir Abdullah")
    screener = Screener.from_entities([*ents, target])
    hits = screener.match(Query(["امیر عبد الله کریمی"], "Person"), limit=5)
    assert hits and hits[0].entity_id == "target"
    # "عبد الله" is joined by skeleton into one word that meets ABDULLAH: all three names align
    assert hits[0].score >= OPERATING_THRESHOLD


def test_number_words_and_patronymics() -> None:
    words, digits = analyse("FOURTEEN STAR SHIPPING", "Company")[0], analyse("14 STAR SHIPPING", "Company")[0]
    assert words.tokens != digits.tokens  # "FIVE STAR" is a name: both spellings stay as written ...
    as_digits, as_words = renumber(words), renumber(digits)
    assert as_digits is not None and as_digits.tokens == digits.tokens  # ... and each gets the other as a variant
    assert as_words is not None and as_words.tokens == words.tokens
    assert renumber(analyse("STAR SHIPPING", "Company")[0]) is None
    assert is_patronymic("aleksandrovich") and is_patronymic("sergeyevna") and is_patronymic("ivanovych")
    assert not is_patronymic("ivanov") and not is_patronymic("rich")


def _person(eid: str, name: str) -> Entity:
    ent = Entity(id=eid, schema="Person")
    ent.add("name", name)
    return ent


def test_missing_patronymic_costs_less_than_a_missing_name() -> None:
    # Fictional: one entry without patronymic; the query adds one (lists do both) or adds another surname.
    listed = [_person("p", "HRYTSENKO, Oleksandr"), _person("x", "KOVALCHUK, Petro"), _person("y", "MOROZ, Ivan")]
    screener = Screener.from_entities(listed)
    with_patronymic = screener.match(Query(["HRYTSENKO, Oleksandr Mykolayovych"], "Person"), limit=1)
    with_other_name = screener.match(Query(["HRYTSENKO, Oleksandr Tymoshuk"], "Person"), limit=1)
    assert with_patronymic[0].entity_id == "p"
    assert with_patronymic[0].score > with_other_name[0].score


def test_vessel_name_inside_a_longer_name_is_another_ship() -> None:
    fleet = [_vessel("f", "FOREST"), _vessel("o", "OCEAN PEARL"), _vessel("s", "SILVER SWAN")]
    screener = Screener.from_entities(fleet)
    longer = screener.match(Query(["KN FOREST"], "Vessel"), limit=1)[0]
    assert longer.entity_id == "f"
    evidence = {f.name: f for f in longer.explanation}
    assert "object_extra_words" in evidence and evidence["object_extra_words"].weight < 0
    assert longer.score < screener.match(Query(["FOREST"], "Vessel"), limit=1)[0].score


def test_arabic_script_names_rejoin_only_on_compound_parts() -> None:
    form = analyse("نور الله", "Person", True)[0]
    joined = resegment(form, set(), {skeleton("nurullah")})
    assert joined is not None and len(joined.tokens) == 1
    # two ordinary words whose joined skeleton happens to be listed stay apart
    plain = analyse("سهل قصير", "Person", True)[0]
    assert resegment(plain, set(), {skeleton("".join(plain.tokens))}) is None


def test_numbered_name_meets_its_spelt_out_listing() -> None:
    listed = [Entity(id="c", schema="Company"), Entity(id="d", schema="Company")]
    listed[0].add("name", "FOURTEEN HARBOUR LOGISTICS")
    listed[1].add("name", "FIVE STAR MARINE SERVICES")
    screener = Screener.from_entities(listed)
    hit = screener.match(Query(["14 HARBOUR LOGISTICS"], "Company"), limit=1)[0]
    assert hit.entity_id == "c" and hit.score >= OPERATING_THRESHOLD
    # "FIVE" stays a word of the listed name (it is not turned into a number that weighs nothing)
    assert "five" in screener.index.vocab.ids and "5" not in screener.index.vocab.ids


def test_translated_company_words_and_given_name_forms_align() -> None:
    ents = [Entity(id="z", schema="Company"), _person("p", "HRYTSENKO, Oleksandr"), _vessel("v", "ZARYA")]
    ents[0].add("name", "ZARYA SHIPPING COMPANY")
    screener = Screener.from_entities(ents)
    hit = screener.match(Query(["ZARYA SUDOKHODNAYA KOMPANIYA"], "Company"), limit=1)[0]
    assert hit.entity_id == "z"
    alignment = hit.explanation[0].detail
    assert "sudokhodnaya~shipping" in alignment and "kompaniya~company" in alignment
    person = screener.match(Query(["HRYTSENKO, Aleksandr"], "Person"), limit=1)[0]
    assert person.entity_id == "p" and "aleksandr~oleksandr" in person.explanation[0].detail
    assert person.score >= OPERATING_THRESHOLD


def test_equivalents_table_is_consistent() -> None:
    from tradescreen.matching.names import equivalent_groups

    groups = equivalent_groups()
    assert groups["ekonomika"] == groups["economy"] != groups["today"]
    assert groups["oleksandr"] == groups["aleksandr"]
    # no single Chinese syllable: one syllable is many words
    assert not {"xin", "xi", "jin", "dong", "nan", "bei"} & set(groups)


def test_arabic_word_weighs_as_rare_as_its_skeleton() -> None:
    # "الله" is ALLAH, ULLAH, ILLAH...: one listed spelling ("ILLAH") being rare must not make the query
    # word rare. Fictional list: many names carry some spelling of it, one alias carries ILLAH.
    spellings = ["ALLAH", "ULLAH", "ALLA", "OLLAH"]
    given = ["KARIM", "NASIR", "HAMID", "RAHIM", "SAMI", "WALID", "FARID", "ZAKI", "RASHID", "MAJID"]
    ents = [_person(f"p{i}", f"{g} {sp}") for i, (g, sp) in enumerate((g, sp) for g in given for sp in spellings)]
    target = _person("t", "DEGHRIR, Omar")
    target.add("alias", "AL ILLAH, Abd")
    screener = Screener.from_entities([*ents, target])
    hits = {m.entity_id: m for m in screener.match(Query(["عبد الله محمد"], "Person"), limit=50)}
    assert "t" not in hits or hits["t"].score < OPERATING_THRESHOLD


def test_contradicting_patronymics_count_against() -> None:
    listed = [_person("p", "PETRENKO, Oleksandr Mykolayovych"), _person("x", "MOROZ, Ivan")]
    screener = Screener.from_entities(listed)
    same = screener.match(Query(["Oleksandr Mykolayovych Petrenko"], "Person"), limit=1)[0]
    other = screener.match(Query(["Oleksandr Ivanovych Petrenko"], "Person"), limit=1)[0]
    assert same.entity_id == other.entity_id == "p"
    assert other.score < same.score
    assert any(f.name == "patronymic_mismatch" for f in other.explanation)
    assert not any(f.name == "patronymic_mismatch" for f in same.explanation)
