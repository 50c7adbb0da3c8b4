"""The reranker's features on a tiny hand-made example."""

from __future__ import annotations

import math

import pytest

from cchc_bot.matching.features import (
    FEATURE_NAMES,
    CandidateView,
    QueryView,
    QueryWord,
    char_trigrams,
    entry_coverage,
    features,
    query_view,
    question_shape,
)

IDF = {"tiem": 1.0, "vaccine": 2.0, "o": 0.5, "dau": 1.5, "phong": 3.0}


def word(w: str, *, related: frozenset[str] = frozenset(), cue: bool = False) -> QueryWord:
    return QueryWord(w, IDF[w], IDF[w], 1.0, 0.5, related, cue)


def view_of(text: str, **kw: object) -> CandidateView:
    defaults = dict(
        mass=sum(IDF.get(t, 1.0) for t in set(text.split())),
        classes=0b1,
        fused=0.8,
        bm25_question=0.6,
        bm25_answer=0.5,
        rank=1,
        in_answer={"phong"},
        keys={"phong": 0.6, "ngua": 0.4, "tiem": 0.3},
        entry_coverage=0.25,
    )
    defaults.update(kw)
    return CandidateView(shape=question_shape(text), **defaults)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def query() -> QueryView:
    tokens = ["tiem", "vaccine", "o", "dau", "phong"]
    words = [word("tiem"), word("vaccine"), word("o", cue=True), word("dau", cue=True)]
    words.append(word("phong", related=frozenset({"ngua"})))
    return query_view(tokens, words, classes=0b11)


def named(row: list[float]) -> dict[str, float]:
    assert len(row) == len(FEATURE_NAMES)
    return dict(zip(FEATURE_NAMES, row, strict=True))


def test_query_view(query: QueryView) -> None:
    assert query.text == "tiem vaccine o dau phong"
    assert query.sorted_text == "dau o phong tiem vaccine"
    assert query.mass == pytest.approx(8.0)
    assert query.bigrams[("tiem", "vaccine")] == 1.0  # the smaller IDF of the two
    assert query.bigram_mass == pytest.approx(1.0 + 0.5 + 0.5 + 1.5)
    assert " ti" in query.trigrams and "ng " in query.trigrams


def test_features_of_a_close_question(query: QueryView) -> None:
    f = named(features(query, view_of("tiem vaccine ngua o dau")))
    assert f["fused"] == 0.8 and f["bm25_question"] == 0.6 and f["bm25_answer"] == 0.5
    assert f["query_coverage"] == pytest.approx(5.0 / 8.0)  # tiem + vaccine + o + dau
    assert f["answer_coverage"] == pytest.approx(3.0 / 8.0)  # phong, only in the answer
    assert f["bigrams"] == pytest.approx((1.0 + 0.5) / 3.5)  # (tiem vaccine) (o dau)
    assert f["log_length"] == pytest.approx(math.log(6))
    assert f["log_rank"] == pytest.approx(math.log(2))
    assert f["ratio"] < f["token_set"] <= 1.0
    assert f["lcs"] == pytest.approx(4 / 5)
    assert f["length_ratio"] == pytest.approx(0.0)
    assert f["class_match"] == 0.5 and f["class_mismatch"] == 0.0
    # informative coverage: phong counts half through its related word "ngua"; the cues
    # "o dau" count because the question has them
    assert f["informative_coverage"] == pytest.approx((1 + 2 + 0.5 + 1.5 + 1.5) / 8.0)
    # the entry's key words the query holds: phong and tiem, capped at 1
    assert f["key_coverage"] == pytest.approx(0.9)
    assert f["entry_coverage"] == 0.25  # computed once per entry, passed through


def test_entry_coverage_counts_the_words_of_all_the_entrys_questions(query: QueryView) -> None:
    one_question = set("tiem vaccine ngua o dau".split())
    # the same as that question's informative coverage when the entry has only it
    assert entry_coverage(query, one_question) == pytest.approx((1 + 2 + 0.5 + 1.5 + 1.5) / 8.0)
    assert entry_coverage(query, {"tiem", "vaccine"}) == pytest.approx(3.0 / 6.0)  # no cues
    assert entry_coverage(query, {"tiem", "vaccine", "phong"}) == pytest.approx(1.0)
    assert entry_coverage(query, {"hoc", "phi"}) == 0.0


def test_key_coverage_is_capped_and_zero_without_key_words(query: QueryView) -> None:
    many = named(features(query, view_of("tiem phong", keys={"tiem": 0.7, "phong": 0.7})))
    assert many["key_coverage"] == 1.0
    none = named(features(query, view_of("tiem phong", keys={"ngua": 1.0})))
    assert none["key_coverage"] == 0.0


def test_features_of_an_unrelated_question(query: QueryView) -> None:
    f = named(features(query, view_of("hoc phi truong thpt", classes=0b100, in_answer=set())))
    assert f["query_coverage"] == f["question_coverage"] == f["bigrams"] == 0.0
    assert f["class_mismatch"] == 1.0
    # the aspect cues "o dau" are left out when the question lacks them
    assert f["informative_coverage"] == 0.0
    assert f["trigrams_query"] < 0.2


def test_char_trigrams_pad_with_spaces() -> None:
    assert char_trigrams("ab") == {" ab", "ab "}


def test_a_question_shape_holds_what_the_features_compare() -> None:
    shape = question_shape("ho so chuyen truong ho so")
    assert shape.tokens == ("ho", "so", "chuyen", "truong", "ho", "so")
    assert shape.words == {"ho", "so", "chuyen", "truong"}
    assert shape.sorted_text == "chuyen ho ho so so truong"
    assert shape.pairs == {("ho", "so"), ("so", "chuyen"), ("chuyen", "truong"), ("truong", "ho")}
    assert shape.padded == " ho so chuyen truong ho so "


def test_shared_trigrams_count_distinct_query_trigrams_found_in_the_question(
    query: QueryView,
) -> None:
    cand = view_of("tiem vaccine o dau")
    row = dict(zip(FEATURE_NAMES, features(query, cand), strict=True))
    padded = " tiem vaccine o dau "
    found = [g for g in query.trigrams if g in padded]  # the definition, substring by substring
    assert row["trigrams_query"] == pytest.approx(len(found) / len(query.trigrams))
    assert row["trigrams_question"] == pytest.approx(len(found) / (len(padded) - 2))
