"""Typo repair before expansion: the speller, on its own and inside the matcher."""

from __future__ import annotations

import pytest

from cchc_bot.matching import Matcher
from cchc_bot.matching.speller import Speller
from tests.matching.kb import covid_knowledge

FREQ = {"dang": 40, "ky": 40, "tiem": 50, "benh": 60, "vien": 30, "nay": 20, "covid": 80}
PAIRS = {("dang", "ky"): 30, ("benh", "vien"): 25, ("benh", "nay"): 10, ("tiem", "covid"): 9}


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(FREQ, lambda a, b: PAIRS.get((a, b), 0))


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(covid_knowledge())


def test_known_words_stay(speller: Speller) -> None:
    assert speller.correct(["dang", "ky", "tiem"]) == (["dang", "ky", "tiem"], set())


def test_an_unknown_word_takes_the_nearest_frequent_word(speller: Speller) -> None:
    tokens, fixed = speller.correct(["tiem", "covdi"])  # a swap of neighbours is one edit
    assert tokens == ["tiem", "covid"] and fixed == {"covid"}


def test_a_word_typed_without_its_space_is_split(speller: Speller) -> None:
    assert speller.correct(["dangky"])[0] == ["dang", "ky"]


def test_short_words_and_numbers_are_left_alone(speller: Speller) -> None:
    assert speller.correct(["xy", "2021"])[0] == ["xy", "2021"]


def test_protected_words_are_not_corrected(speller: Speller) -> None:
    tokens, _ = speller.correct(["tiem", "covdi"], keep=lambda t: t == "covdi")
    assert tokens == ["tiem", "covdi"]


def test_neighbours_tell_a_dropped_letter_from_an_abbreviation(speller: Speller) -> None:
    meaning = {"bnh": ("bao", "nhieu")}
    keep = meaning.__contains__
    # "bnh viện": the pair (bệnh, viện) is common, (nhiều, viện) unknown: a typo of bệnh.
    assert speller.correct(["bnh", "vien"], keep, meaning.get)[0] == ["benh", "vien"]
    # With nothing around it, the abbreviation keeps its table meaning.
    assert speller.correct(["bnh"], keep, meaning.get)[0] == ["bnh"]


def test_correction_happens_before_expansion(matcher: Matcher) -> None:
    # "covicd 19" is repaired to "covid 19", which the synonyms then expand to covid.
    assert "covid" in matcher._query("trieu chung covicd 19 la gi").tokens
    assert matcher.search("trieu chung covicd 19 la gi")[0].entry.id == "trieu-chung"


def test_a_typo_of_a_table_variant_reaches_its_expansion(matcher: Matcher) -> None:
    # "astar" is one swap from the variant "astra", which expands to astrazeneca.
    assert "astrazeneca" in matcher._query("tiem astar o dau").tokens


def test_bnh_before_vien_is_benh_vien(matcher: Matcher) -> None:
    tokens = matcher._query("nhung bnh vien nao dieu tri covid").tokens
    assert "benh" in tokens and "bao" not in tokens


def test_filler_words_are_not_corrected_into_content_words(matcher: Matcher) -> None:
    # "nhé" is filler: dropped by the expansion, never "corrected" into a vocabulary word.
    assert matcher._query("tiem vaccine o dau nhe").tokens[-1] == "dau"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("hôm nay tiêm vaccine ở đâu", "hom"),  # not "học", "tiem"…: an everyday word
        ("hom nay tiem vaccine o dau", "hom"),
        ("sáng mai đi tiêm vaccine được không", "mai"),
        ("trời mưa có đi tiêm vaccine được không", "troi"),
        ("đi xe buýt đến chỗ tiêm vaccine", "buyt"),
    ],
)
def test_everyday_words_are_not_corrected_into_knowledge_words(
    matcher: Matcher, text: str, kept: str
) -> None:
    query = matcher._query(text)
    assert kept in query.tokens
    assert kept not in query.corrected


def test_a_typo_next_to_an_everyday_word_is_still_repaired(matcher: Matcher) -> None:
    tokens = matcher._query("hôm nay tiêm vacxin ở đâu").tokens
    assert "hom" in tokens and "vaccine" in tokens
