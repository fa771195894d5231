"""Burmese romanizer: known Myanmar names come out in the spelling the lists and press use.

Every expectation below is the public, conventional spelling of the name (heads of state, generals,
tycoons, cities), written from that knowledge, not from running the romanizer. Where the practical
system has variants, or the list spelling writes something the script does not (voicing: Yangon,
Mandalay, Taunggyi; "Suu" for စု), the test allows a small Levenshtein distance.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from tradescreen.matching.burmese import romanize


def _tokens(text: str) -> list[str]:
    return romanize(text).lower().split()


# (Burmese, conventional spelling, allowed edit distance on the space-joined lower-case tokens)
NAMES = [
    ("မင်းအောင်လှိုင်", "Min Aung Hlaing", 0),
    ("သန်းရွှေ", "Than Shwe", 0),
    ("အောင်ဆန်းစုကြည်", "Aung San Suu Kyi", 1),
    ("ဒေါ်အောင်ဆန်းစုကြည်", "Daw Aung San Suu Kyi", 1),
    ("နေပြည်တော်", "Nay Pyi Taw", 0),
    ("ရန်ကုန်", "Yan Gon", 1),
    ("မန္တလေး", "Man Da Lay", 1),
    ("ကျော်ကျော်", "Kyaw Kyaw", 0),
    ("သိန်းစိန်", "Thein Sein", 0),
    ("ခင်ညွန့်", "Khin Nyunt", 0),
    ("ထင်ကျော်", "Htin Kyaw", 0),
    ("ဝင်းမြင့်", "Win Myint", 0),
    ("မြင့်ဆွေ", "Myint Swe", 0),
    ("စိုးဝင်း", "Soe Win", 0),
    ("မောင်အေး", "Maung Aye", 0),
    ("ဇော်ဇော်", "Zaw Zaw", 0),
    ("ရဲထွဋ်", "Ye Htut", 0),
    ("ဦးနု", "U Nu", 0),
    ("ဦးသန့်", "U Thant", 0),
    ("ဦးတင်ဦး", "U Tin Oo", 0),
    ("နေဝင်း", "Ne Win", 2),  # ေ is "ay" (Nay Pyi Taw, Htay, Mandalay); Ne Win keeps the older "e"
    ("ရွှေမန်း", "Shwe Mann", 1),
    ("ကျော်မိုးထွန်း", "Kyaw Moe Tun", 1),
    ("ထေဇ", "Tay Za", 1),
    ("မြင့်", "Myint", 0),
    ("ထွန်း", "Htun", 0),
    ("သိန်း", "Thein", 0),
    ("ညွန့်", "Nyunt", 0),
    ("စိုး", "Soe", 0),
    ("ဇော်", "Zaw", 0),
    ("ဖြိုး", "Phyo", 0),
    ("လှ", "Hla", 0),
    ("ဝင်း", "Win", 0),
    ("နိုင်", "Naing", 0),
    ("ဦး", "U", 0),
    ("ထက်", "Htet", 0),
    ("မြတ်", "Myat", 0),
    ("ရွှေ", "Shwe", 0),
    ("ဖြူ", "Phyu", 0),
    ("မိုး", "Moe", 0),
    ("နှင်း", "Hnin", 0),
    ("ချစ်", "Chit", 0),
    ("ငြိမ်း", "Nyein", 0),
    ("ထူး", "Htoo", 0),
]

# Names the lists write as one word although each syllable is its own Burmese word.
JOINED = [
    ("သီဟ", "Thiha", 0),
    ("ကျောက်ဖြူ", "Kyaukphyu", 0),
    ("ကမ္ဘောဇ", "Kanbawza", 0),
    ("မြန်မာ", "Myanma", 0),
    ("တောင်ကြီး", "Taunggyi", 1),
]


@pytest.mark.parametrize(("burmese", "expected", "max_dist"), NAMES)
def test_known_names(burmese: str, expected: str, max_dist: int) -> None:
    got = _tokens(burmese)
    want = expected.lower().split()
    assert len(got) == len(want), got  # one syllable per word, as the lists write them
    assert Levenshtein.distance(" ".join(got), " ".join(want)) <= max_dist, got


@pytest.mark.parametrize(("burmese", "expected", "max_dist"), JOINED)
def test_known_names_written_joined(burmese: str, expected: str, max_dist: int) -> None:
    assert Levenshtein.distance("".join(_tokens(burmese)), expected.lower()) <= max_dist


def test_existing_spaces_are_word_breaks() -> None:
    assert _tokens("မင်း အောင်လှိုင်") == ["min", "aung", "hlaing"]
    assert _tokens("ဦး တင် ဦး") == ["u", "tin", "oo"]
    assert _tokens("သန်း\u200bရွှေ") == ["than", "shwe"]  # zero-width space, Burmese word break


def test_digits() -> None:
    assert romanize("၁၉၄၈") == "1948"
    assert romanize("၀၁၂၃၄၅၆၇၈၉") == "0123456789"
    assert _tokens("အမှတ် ၂၅")[-1] == "25"


def test_zero_typed_for_wa() -> None:
    assert _tokens("ဦး၀င်း") == ["u", "win"]
    assert _tokens("၁၀") == ["10"]


def test_latin_passes_through() -> None:
    assert romanize("") == ""
    assert romanize("John SMITH, Ltd.") == "John SMITH, Ltd."
    assert romanize("Café Müller") == "Café Müller"
    out = romanize("KBZ (ကမ္ဘောဇ) Co., Ltd.")
    assert out.startswith("KBZ (") and out.endswith(") Co., Ltd.")
    assert [t.lower() for t in out[5:-11].split()] == ["kan", "baw", "za"]


def test_latin_glued_to_burmese_is_split() -> None:
    assert romanize("ABCကုမ္ပဏီ").split() == ["ABC", "Company"]


def test_loanwords() -> None:
    assert _tokens("ကုမ္ပဏီလီမိတက်") == ["company", "limited"]
    assert _tokens("ထူးဂရုပ်ကုမ္ပဏီလီမိတက်") == ["htoo", "group", "company", "limited"]
    assert _tokens("ကမ္ဘောဇဘဏ်") == ["kan", "baw", "za", "bank"]
    assert _tokens("အင်တာနေရှင်နယ် ထရေးဒင်း") == ["international", "trading"]


def test_native_words_are_not_translated() -> None:
    # ဘဏ္ဍာ (treasury, Pali) starts with the sound of ဘဏ် (bank) but is another word;
    # ပုဂ္ဂလိက is the native word for "private".
    assert "bank" not in _tokens("ဘဏ္ဍာရေး")
    assert "private" not in _tokens("ပုဂ္ဂလိကကုမ္ပဏီ")
    assert _tokens("ပုဂ္ဂလိကကုမ္ပဏီ")[-1] == "company"


def test_every_consonant_romanizes() -> None:
    for cp in range(0x1000, 0x1021):  # U+1021 (the vowel carrier) alone is "a"
        out = romanize(chr(cp))
        assert out.isascii() and out.isalpha() and len(out) >= 2, (hex(cp), out)
    assert romanize("\u1021") == "A"


@pytest.mark.parametrize("text", ["ံ့်္", "်က", "ာ", "ကိ္", "္္္", "ေ", "ွှ", "၎", "င်္", "ဿ", "ဥက္ကဋ္ဌ"])
def test_stray_marks_do_not_crash(text: str) -> None:
    assert romanize(text).isascii()


_MYANMAR_TEXT = st.text(
    alphabet=st.one_of(st.characters(min_codepoint=0x1000, max_codepoint=0x109F), st.sampled_from(" \u200b")),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(_MYANMAR_TEXT)
def test_random_myanmar_never_raises_and_is_ascii(text: str) -> None:
    assume(any("\u1000" <= ch <= "\u109f" for ch in text))  # zero-width spaces alone are not Burmese text
    assert romanize(text).isascii()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x36F), max_size=30))
def test_non_myanmar_text_is_unchanged(text: str) -> None:
    assert romanize(text) == text
