"""A tiny in-memory knowledge base (COVID-19 questions) for speller and reranker tests."""

from __future__ import annotations

from cchc_bot.knowledge import Agency, Entry, KnowledgeBase, Source, Synonyms

QUESTIONS = {
    "tiem-vaccine": ("Tiêm vaccine COVID-19 ở đâu?", "Đăng ký tiêm vaccine covid như thế nào?"),
    "benh-nen": ("Người có bệnh nền có được tiêm vaccine COVID-19 không?",),
    "benh-vien": ("Những bệnh viện nào điều trị bệnh nhân COVID-19?",),
    "ten-goi": ("Vì sao bệnh COVID-19 có nhiều tên gọi khác nhau?",),
    "trieu-chung": ("Triệu chứng của bệnh COVID-19 là gì?",),
    "cach-ly": ("Thời gian cách ly tại nhà kéo dài bao lâu?",),
    "dang-ky": ("Đăng ký xét nghiệm COVID-19 ở đâu?",),
    "tac-dung-phu": ("Tác dụng phụ sau khi tiêm vaccine kéo dài bao lâu?",),
}
ANSWER = "Bệnh viện và trạm y tế hướng dẫn người dân theo quy định của Bộ Y tế."


def covid_knowledge() -> KnowledgeBase:
    source = Source("faq/covid.yaml", 1)
    entries = tuple(
        Entry(entry_id, "faq", "faq/covid", questions, source, ANSWER)
        for entry_id, questions in QUESTIONS.items()
    )
    synonyms = Synonyms(
        groups=(("covid", ("covid 19", "covid-19", "corona")), ("astrazeneca", ("astra",))),
    )
    return KnowledgeBase("covid", Agency("test", "test", "0"), entries, synonyms=synonyms)
