"""Reading a message: how much each word weighs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cchc_bot.knowledge import Agency, Entry, KnowledgeBase, Source, load_knowledge
from cchc_bot.matching import Matcher
from cchc_bot.matching.query import COMMON_MAX_WEIGHT, DISTINCTIVE_IDF

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def _entry(entry_id: str, *questions: str) -> Entry:
    return Entry(entry_id, "faq", "faq/x", questions, Source("faq/x.yaml", 1), "Trả lời.")


def test_an_everyday_word_in_one_question_stays_light() -> None:
    entries = [
        _entry(f"muc-{i}", f"Hồ sơ xét tuyển đợt {i} gồm những gì?", f"Lịch xét tuyển đợt {i}")
        for i in range(1, 30)
    ]
    entries.append(_entry("muc-vay", "Nộp hồ sơ qua mạng làm sao vậy?"))
    matcher = Matcher(KnowledgeBase("x", Agency("t", "t", "0"), tuple(entries)))
    weights = matcher._query("làm sao vậy nộp qua mạng").weights
    assert matcher.questions.term_idf("vay") > COMMON_MAX_WEIGHT  # held by one question
    assert weights["vay"] == COMMON_MAX_WEIGHT
    assert weights["mang"] > COMMON_MAX_WEIGHT  # content words keep their rarity


def test_a_chat_particle_costs_little_confidence() -> None:
    matcher = Matcher(load_knowledge(KNOWLEDGE))
    plain = matcher.search("mức độ 3 là gì", today=date(2026, 11, 22))[0]
    assert plain.entry.id == "muc-do-dich-vu-cong"
    for text in ("mức độ 3 là gì vậy", "muc do 3 la gi vay"):
        found = matcher.search(text, today=date(2026, 11, 22))[0]
        assert found.entry.id == plain.entry.id
        assert found.score >= 0.65 * plain.score, text  # was under half before the cap


def test_interrogative_words_tell_no_entry_apart() -> None:
    matcher = Matcher(load_knowledge(KNOWLEDGE))
    weights = matcher._query("một cửa liên thông giúp người dân thế nào ở đâu").weights
    assert all(weights[t] <= DISTINCTIVE_IDF for t in ("nhu", "the", "nao", "o", "dau"))
    assert weights["lien"] > DISTINCTIVE_IDF and weights["thong"] > DISTINCTIVE_IDF


def test_everyday_words_of_chat_do_not_hide_the_question() -> None:
    matcher = Matcher(load_knowledge(KNOWLEDGE))
    for text, entry_id in (
        ("phản ánh xong thì ai trả lời cho mk", "duong-day-nong"),  # "xong" is everyday
        ("van hoa cong vu nghia la sao z", "van-hoa-cong-vu"),  # "nghĩa là sao" = "là gì"
    ):
        m = matcher.match(text, today=date(2026, 11, 22))
        assert (m.status, m.entry and m.entry.id) == ("answer", entry_id), text
