"""The Vietnamese normaliser: one pipeline for knowledge questions and citizens' queries alike."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_bot.lexicon import CHAT_ABBREVIATIONS, CHAT_FILLER, REGIONAL_VARIANTS
from cchc_bot.vietnamese import (
    Normalizer,
    canonical_accents,
    fold,
    is_syllable,
    nfc,
    repair_token,
    strip_diacritics,
    tokenize,
)

SYNONYMS = (
    ("tốt nghiệp", ("tn",)),
    ("trung học phổ thông", ("thpt", "cấp 3", "c3")),
)


@pytest.fixture(scope="module")
def plain() -> Normalizer:
    """Only the built-in chat tables (abbreviations, regional variants, filler)."""
    return Normalizer()


@pytest.fixture(scope="module")
def domain() -> Normalizer:
    return Normalizer(SYNONYMS)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- Unicode forms and tone placement -------------------------------------------------------


def test_nfd_input_normalises_like_nfc(plain: Normalizer) -> None:
    text = "Đăng ký thi tốt nghiệp trung học phổ thông"
    assert nfd(text) != text
    assert (
        plain.normalize(nfd(text))
        == plain.normalize(text)
        == "dang ki thi tot nghiep trung hoc pho thong"
    )
    assert canonical_accents(nfd(text)) == canonical_accents(text)
    assert unicodedata.is_normalized("NFC", canonical_accents(nfd(text)))


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [("hòa", "hoà"), ("thúy", "thuý"), ("khỏe", "khoẻ"), ("hóa", "hoá"), ("ủy ban", "uỷ ban")],
)
def test_both_tone_placements_meet(plain: Normalizer, old_style: str, new_style: str) -> None:
    assert old_style != new_style
    assert canonical_accents(old_style) == canonical_accents(new_style) == new_style
    assert canonical_accents(nfd(old_style)) == new_style
    assert plain.normalize(old_style) == plain.normalize(new_style) == fold(new_style)


@pytest.mark.parametrize("word", ["quả", "giường", "người", "hoàn", "quốc", "gìn", "Hoà"])
def test_canonical_accents_leaves_correct_words_alone(word: str) -> None:
    assert canonical_accents(word) == word


def test_canonical_accents_keeps_case_and_punctuation() -> None:
    assert canonical_accents("HÒA THÚY, hòa!") == "HOÀ THUÝ, hoà!"


def test_nfc_drops_invisible_characters() -> None:
    assert nfc("b\u200bạn\u00ad\ufeff") == "bạn"


# --- folding ----------------------------------------------------------------------------------


def test_fold_lowercases_and_removes_every_mark() -> None:
    assert fold("Đăng ký THPT") == "dang ky thpt"
    assert fold("ĐƯỢC Ơ Ư Ă Â Ê Ô") == "duoc o u a a e o"
    assert fold(nfd("Nghiệp")) == "nghiep"


def test_strip_diacritics_keeps_case() -> None:
    assert strip_diacritics("Đăng ký THPT") == "Dang ky THPT"
    assert strip_diacritics("đường dây nóng") == "duong day nong"
    assert strip_diacritics(nfd("Phúc khảo")) == "Phuc khao"
    assert strip_diacritics("plain ascii 123") == "plain ascii 123"


def test_case_and_d_bar(plain: Normalizer) -> None:
    assert plain.normalize("ĐĂNG KÝ") == plain.normalize("đăng ký") == plain.normalize("Dang Ky")
    assert plain.normalize("Đường") == "duong"


def test_tokenize_splits_on_punctuation_emoji_and_symbols() -> None:
    assert tokenize("Xin chào😀bạn!!! (THPT)/THCS, 2025") == [
        "xin",
        "chao",
        "ban",
        "thpt",
        "thcs",
        "2025",
    ]
    assert tokenize("under_score") == ["under", "score"]


def test_emoji_punctuation_and_zero_width_disappear(plain: Normalizer) -> None:
    noisy = "  Phúc\u200b khảo 🙏🙏 ??? bài-thi!!! "
    assert plain.normalize(noisy) == "phuc khao bai thi"
    assert plain.normalize("😀😀 ... !!!") == ""


# --- keyboard leftovers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("baanf sao", "ban sao"),  # Telex: aa = â, f = huyền
        ("dduwowcj", "duoc"),  # Telex: dd = đ, uwow = ươ, j = nặng
        ("vawn bawngf", "van bang"),  # Telex: aw = ă
        ("phucs khaor", "phuc khao"),  # Telex tone letters left at the end
        ("ba6n", "ban"),  # VNI: 6 = circumflex
        ("d9uo7c5", "duoc"),  # VNI: d9 = đ, 7 = horn, 5 = nặng
        ("truo7ng2 ba8ng2", "truong bang"),  # VNI: 2 = huyền, 8 = breve
        ("phu1c kha3o", "phuc khao"),
    ],
)
def test_telex_and_vni_leftovers_are_repaired(plain: Normalizer, typed: str, expected: str) -> None:
    assert plain.normalize(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("đượccc", "duoc"), ("khôôông", "khong"), ("khoooong", "khong"), ("điiii", "di")],
)
def test_stretched_letters_shrink(plain: Normalizer, typed: str, expected: str) -> None:
    assert plain.normalize(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("toost", "tot"),  # the tone key before the final consonant
        ("lafm", "lam"),
        ("bafng", "bang"),
        ("hojc", "hoc"),
        ("truwowfng", "truong"),
        ("giaasy", "giay"),  # … or between two vowels, with another Telex key
        ("chuyeern truwowfng thpt", "chuyen truong thpt"),
        ("lafm laij bawngf", "lam lai bang"),
        ("barn sao", "ban sao"),
    ],
)
def test_a_telex_tone_key_inside_the_word_is_repaired(
    plain: Normalizer, typed: str, expected: str
) -> None:
    """Until 2026-11: only a tone key typed last was read ("lafm" stayed as typed)."""
    assert plain.normalize(typed) == expected


@pytest.mark.parametrize(
    "word", ["test", "post", "best", "text", "next", "port", "taxi", "visa", "there", "were"]
)
def test_english_looking_words_are_not_read_as_telex(word: str) -> None:
    assert repair_token(word) == word


def test_a_telex_reading_must_be_a_real_syllable() -> None:
    """ "vaaxin" (a typo of "vaxin") would read "vain": a glide (ai) never takes a final
    consonant, so it is no syllable and the word is left to the speller."""
    assert repair_token("vaaxin") == "vaaxin"


def test_abbreviations_with_repeated_letters_survive() -> None:
    assert repair_token("cccd") == "cccd"
    assert repair_token("thpt") == "thpt"


def test_real_syllables_are_not_repaired() -> None:
    for word in ("toan", "nghieng", "truong", "khuyen", "quyet", "xoong"):
        assert is_syllable(word), word
        assert repair_token(word) == word
    assert not is_syllable("baanf")
    assert not is_syllable("thpt")


# --- i / y spelling --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [("kỹ thuật", "kĩ thuật"), ("lý do", "lí do"), ("qui định", "quy định"), ("Mỹ", "Mĩ")],
)
def test_i_y_spellings_meet(plain: Normalizer, one: str, other: str) -> None:
    assert plain.normalize(one) == plain.normalize(other)


def test_y_after_vowel_stays(plain: Normalizer) -> None:
    assert plain.normalize("hay") == "hay"
    assert plain.normalize("quy") == "quy"
    assert plain.normalize("tuyển") == "tuyen"


# --- abbreviations, synonyms, filler ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("k", "khong"),
        ("ko", "khong"),
        ("hok", "khong"),
        ("khum", "khong"),
        ("đc", "duoc"),
        ("dc", "duoc"),
        ("bn", "bao nhieu"),
        ("ntn", "nhu the nao"),
        ("đk", "dang ki"),
        ("sđt", "so dien thoai"),
    ],
)
def test_chat_abbreviations_expand(plain: Normalizer, typed: str, expected: str) -> None:
    assert plain.normalize(typed) == expected


def test_abbreviations_expand_inside_a_sentence(plain: Normalizer) -> None:
    assert plain.normalize("lm lại bằng hết bn tiền") == "lam lai bang het bao nhieu tien"
    # "được không" is one of the ways of asking "có được không" (a regional variant).
    assert plain.normalize("nộp online đc k") == plain.normalize("nộp online có được không")
    assert plain.normalize("đc k") == "co duoc khong"


def test_domain_synonyms_expand(domain: Normalizer, plain: Normalizer) -> None:
    full = "mat bang tot nghiep trung hoc pho thong"
    assert domain.normalize("mất bằng tn c3") == full
    assert domain.normalize("mat bang tn cap 3") == full
    assert domain.normalize("Mất bằng TN THPT") == full
    assert domain.normalize("mất bằng tốt nghiệp trung học phổ thông") == full
    # Without the domain table the abbreviations are left as typed.
    assert plain.normalize("mất bằng tn c3") == "mat bang tn c3"


def test_synonym_words_are_not_treated_as_keyboard_leftovers() -> None:
    # "tn" and "c3" look like Telex/VNI leftovers; as table words they must stay intact.
    normalizer = Normalizer([("cấp ba", ["c3"]), ("tin nhắn", ["tn"])], chat_defaults=False)
    assert normalizer.normalize("c3 tn") == "cap ba tin nhan"


@pytest.mark.parametrize(
    "text",
    ["cho em hỏi ạ", "dạ cho mình hỏi", "xin chào ad ạ", "ơi cảm ơn nhé"],
)
def test_filler_only_messages_normalise_to_nothing(plain: Normalizer, text: str) -> None:
    normalizer = Normalizer(filler=["dạ"])
    assert normalizer.normalize(text) == ""


def test_filler_is_dropped_around_the_question(domain: Normalizer) -> None:
    assert domain.normalize("Cho em hỏi ạ, phúc khảo bài thi tn ở đâu ạ?") == (
        "phuc khao bai thi tot nghiep o dau"
    )


def test_extra_filler_from_knowledge(domain: Normalizer) -> None:
    normalizer = Normalizer(SYNONYMS, ["thưa", "anh ơi"])
    assert normalizer.normalize("Thưa anh ơi, phúc khảo") == "phuc khao"
    assert domain.normalize("Thưa phúc khảo") == "thua phuc khao"


def test_one_abbreviation_with_two_meanings_keeps_both() -> None:
    normalizer = Normalizer([("thông tư", ["tt"]), ("trung tâm", ["tt"])], chat_defaults=False)
    assert normalizer.normalize("tt") == "thong tu trung tam"


def test_chat_defaults_can_be_switched_off() -> None:
    assert Normalizer(chat_defaults=False).normalize("ko đc ạ") == "ko dc a"


# --- expansion stability -----------------------------------------------------------------------


def test_built_in_and_domain_tables_are_stable(plain: Normalizer, domain: Normalizer) -> None:
    assert plain.expansion_is_stable() == []
    assert domain.expansion_is_stable() == []


def test_a_synonym_cycle_is_reported() -> None:
    normalizer = Normalizer([("a b", ["c"]), ("c", ["a b"])], chat_defaults=False)
    assert sorted(normalizer.expansion_is_stable()) == ["a b", "c"]


def test_a_chain_is_reported_at_the_phrase_that_changes_again() -> None:
    normalizer = Normalizer([("xa", ["xb"]), ("xb", ["xc"])], chat_defaults=False)
    assert normalizer.expansion_is_stable() == ["xc"]


# --- known conflations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "unrelated"),
    [
        ("địa chỉ", "về chỉ"),
        ("kiểm tra hồ sơ", "tìm tra hồ sơ"),
        ("xếp loại trung bình", "xếp loại trung bệnh"),
        ("đầu tiên", "đỗ tiên"),
        ("Hòa Bình", "hoà bệnh"),
    ],
)
def test_common_words_are_not_conflated_with_unrelated_ones(
    plain: Normalizer, word: str, unrelated: str
) -> None:
    assert plain.normalize(word) != plain.normalize(unrelated)


def test_normalize_is_idempotent_on_deeply_nested_filler(plain: Normalizer) -> None:
    once = plain.normalize("cho " * 5 + "hỏi " * 5)
    assert plain.normalize(once) == once


@pytest.mark.parametrize(("typed", "expected"), [("du7o7c5", "duoc"), ("tru7o7ng2", "truong")])
def test_vni_horn_typed_on_both_vowels(plain: Normalizer, typed: str, expected: str) -> None:
    assert plain.normalize(typed) == expected


# --- properties ---------------------------------------------------------------------------------

_BASES = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_VOWELS = sorted({unicodedata.normalize("NFC", b + t) for b in _BASES for t in _TONES})
_ALPHABET = (
    _VOWELS
    + [v.upper() for v in _VOWELS]
    + list("bcdđghklmnpqrstvxwfjzĐBCDT")
    + list("0123456789")
    + list("  .,!?-/()\u200b")
)


def _table_words() -> list[str]:
    words: list[str] = []
    for table in (CHAT_ABBREVIATIONS, REGIONAL_VARIANTS):
        for canonical, variants in table.items():
            words.append(canonical)
            words.extend(variants)
    words.extend(CHAT_FILLER)
    for canonical, variants in SYNONYMS:
        words.append(canonical)
        words.extend(variants)
    words += ["bản sao", "văn bằng", "phúc khảo", "chuyển trường", "hồ sơ", "lệ phí"]
    words += ["baanf", "dduwowcj", "ba6n", "đượccc", "khôôông", "hòa", "hoà", "thúy", "kĩ"]
    return words


_WORDS = _table_words()
_CHUNK = st.one_of(
    st.text(alphabet=_ALPHABET, min_size=1, max_size=8),
    st.sampled_from(_WORDS),
    st.sampled_from(_WORDS).map(str.upper),
    st.sampled_from(_WORDS).map(nfd),
)
vietnamese_text = st.lists(_CHUNK, max_size=10).map(" ".join)
_PROPERTY_NORMALIZER = Normalizer(SYNONYMS)


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_normalize_is_idempotent(text: str) -> None:
    once = _PROPERTY_NORMALIZER.normalize(text)
    assert _PROPERTY_NORMALIZER.normalize(once) == once


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_accented_and_folded_forms_normalise_the_same(text: str) -> None:
    expected = _PROPERTY_NORMALIZER.normalize(text)
    assert _PROPERTY_NORMALIZER.normalize(strip_diacritics(text)) == expected
    assert _PROPERTY_NORMALIZER.normalize(fold(text)) == expected


@settings(max_examples=200, deadline=None)
@given(vietnamese_text)
def test_tone_placement_and_unicode_form_do_not_matter(text: str) -> None:
    expected = _PROPERTY_NORMALIZER.normalize(text)
    assert _PROPERTY_NORMALIZER.normalize(canonical_accents(text)) == expected
    assert _PROPERTY_NORMALIZER.normalize(nfd(text)) == expected


@settings(max_examples=200, deadline=None)
@given(vietnamese_text)
def test_normalised_text_is_plain_lowercase_ascii_words(text: str) -> None:
    out = _PROPERTY_NORMALIZER.normalize(text)
    assert out == out.strip()
    assert "  " not in out
    assert all(
        token.isascii() and token.isalnum() and token == token.lower() for token in out.split()
    )


# --- the two halves of `tokens`: raw tokens (the matcher corrects them) and expansion ------


@pytest.mark.parametrize(
    "text", ["mất bằng tn c3 làm lại ở đâu ạ", "cho em hỏi thi thpt k", "", "đk dự thi"]
)
def test_tokens_are_raw_tokens_expanded(domain: Normalizer, text: str) -> None:
    assert domain.expand(domain.raw_tokens(text)) == domain.tokens(text)


def test_raw_tokens_are_repaired_but_not_expanded(domain: Normalizer) -> None:
    assert domain.raw_tokens("baanf tn c3 ạ") == ["ban", "tn", "c3", "a"]


def test_table_words_are_protected_from_spelling_correction(domain: Normalizer) -> None:
    assert domain.is_protected("tn") and domain.is_protected("thpt")
    assert domain.is_protected("nhe")  # the filler "nhé"
    assert not domain.is_protected("van")


def test_one_word_abbreviations_and_their_meaning(domain: Normalizer) -> None:
    assert domain.expansion("tn") == ("tot", "nghiep")
    assert domain.expansion("bang") is None
    assert domain.abbreviations()["c3"] == ("trung", "hoc", "pho", "thong")


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Số 02993.616042", ["so", "02993616042"]),
        ("số 02993616042", ["so", "02993616042"]),
        ("mã 1.005142", ["ma", "1005142"]),
        ("100.000 đồng", ["100000", "dong"]),
        ("lớp 8-9", ["lop", "8", "9"]),
        ("ngày 24/02/2022", ["ngay", "24", "02", "2022"]),
        ("hết. 12 ngày", ["het", "12", "ngay"]),
    ],
)
def test_dotted_digit_groups_are_one_number(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


@pytest.mark.parametrize(
    ("asked", "same_as"),
    [
        ("văn hóa công vụ nghĩa là sao z", "văn hóa công vụ là gì vậy"),
        ("bây giờ nộp ở đâu", "nộp ở đâu"),
        ("hiện giờ nộp ở đâu ạ", "nộp ở đâu"),
    ],
)
def test_chat_ways_of_asking_read_the_same(asked: str, same_as: str) -> None:
    normalizer = Normalizer()
    assert normalizer.tokens(asked) == normalizer.tokens(same_as)


@settings(max_examples=200, deadline=None)
@given(vietnamese_text, st.sampled_from(["\t", "\n", "\u00a0", "\u3000", "   "]))
def test_any_whitespace_separates_words_alike(text: str, space: str) -> None:
    expected = _PROPERTY_NORMALIZER.normalize(text)
    assert _PROPERTY_NORMALIZER.normalize(text.replace(" ", space)) == expected


@settings(max_examples=200, deadline=None)
@given(vietnamese_text)
def test_a_word_reads_the_same_the_first_time_and_later(text: str) -> None:
    """Words are folded once and remembered: a fresh normaliser agrees with a used one."""
    assert Normalizer(SYNONYMS).tokens(text) == _PROPERTY_NORMALIZER.tokens(text)
    assert Normalizer(SYNONYMS).raw_tokens(text) == _PROPERTY_NORMALIZER.raw_tokens(text)


@pytest.mark.parametrize("glued", ["œđk thi", "đkœ", "xinёđk"])
def test_an_abbreviation_inside_a_longer_word_is_left_alone(plain: Normalizer, glued: str) -> None:
    """Only whole words expand, also when a word holds a letter outside a–z (it once read
    the "đk" in "œđk" as "đăng ký")."""
    assert plain.tokens(glued)[0] == tokenize(glued)[0]


def test_a_phrase_is_rewritten_longest_first_and_then_read_again() -> None:
    normalizer = Normalizer(
        [("trung học phổ thông", ["thpt", "c3"]), ("tốt nghiệp", ["tn"])], chat_defaults=False
    )
    expected = "thi tot nghiep trung hoc pho thong tot nghiep".split()
    assert normalizer.tokens("thi tn c3 tn") == expected
