"""Entry key words: what an entry's questions repeat and other entries rarely say."""

from __future__ import annotations

from datetime import date

import pytest

from cchc_bot.knowledge import Agency, Entry, KnowledgeBase, Source
from cchc_bot.matching import Matcher
from cchc_bot.matching.features import FEATURE_NAMES
from cchc_bot.matching.keywords import KEY_WORDS_SUMMED
from tests.matching.kb import covid_knowledge


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(covid_knowledge())


def keys_of(matcher: Matcher, entry_id: str) -> dict[str, float]:
    index = [e.id for e in matcher.entries].index(entry_id)
    return dict(matcher.keywords.of_entry(index))


def test_keyest_words_sum_to_one(matcher: Matcher) -> None:
    for entry_index in range(len(matcher.entries)):
        keys = matcher.keywords.of_entry(entry_index)
        top = sorted(keys.values(), reverse=True)[:KEY_WORDS_SUMMED]
        assert sum(top) == pytest.approx(1.0)


def test_a_word_every_entry_uses_is_no_key_word(matcher: Matcher) -> None:
    keys = keys_of(matcher, "trieu-chung")
    assert "covid" not in keys or keys["covid"] < keys["trieu"]  # in 6 of 8 entries
    assert keys["trieu"] == keys["chung"] == max(keys.values())  # in this entry only


def test_words_in_all_of_an_entrys_questions_weigh_more(matcher: Matcher) -> None:
    # "tiem-vaccine" has two questions: "tiêm vaccine" in both, "đăng ký" in one of them
    keys = keys_of(matcher, "tiem-vaccine")
    assert keys["tiem"] > keys["dang"]


def test_interrogative_class_terms_are_no_key_words(matcher: Matcher) -> None:
    for entry_index in range(len(matcher.entries)):
        assert not any("_" in w for w in matcher.keywords.of_entry(entry_index))


def test_the_feature_sees_the_entrys_key_words(matcher: Matcher) -> None:
    column = FEATURE_NAMES.index("key_coverage")
    ids, rows = matcher.candidate_features("triệu chứng covid", today=date(2026, 1, 1))
    by_entry = {matcher.entries[i].id: row[column] for i, row in zip(ids, rows, strict=True)}
    assert by_entry["trieu-chung"] > 0.6  # "triệu chứng": its two keyest words
    assert max(v for k, v in by_entry.items() if k != "trieu-chung") < 0.3


def test_one_entry_knowledge_base_has_no_key_words() -> None:
    source = Source("faq/x.yaml", 1)
    entry = Entry("mot", "faq", "faq/x", ("Giờ làm việc của Sở",), source, "7 giờ")
    knowledge = KnowledgeBase("x", Agency("t", "t", "0"), (entry,))
    matcher = Matcher(knowledge)
    assert matcher.keywords.of_entry(0) == {}  # every word is in every entry
    assert matcher.search("giờ làm việc")[0].entry.id == "mot"
