"""What a citizen reads: procedure records, aspect answers, FAQ answers, numbered choices."""

from __future__ import annotations

import pytest

from cchc_bot import texts
from cchc_bot.answers import faq_answer, full_procedure, procedure_aspect, render_entry
from cchc_bot.channels.render import numbered
from cchc_bot.knowledge import (
    Agency,
    Entry,
    KnowledgeBase,
    Link,
    Online,
    ProcedureFields,
    Source,
)
from cchc_bot.messages import Reply

SOURCE = Source("procedures/test.yaml", 1)
AGENCY = Agency(name="Sở GDĐT Thử Nghiệm", short_name="Sở GDĐT TN", hotline="0292 3000 111")

PROCEDURE = Entry(
    id="cap-ban-sao",
    kind="procedure",
    topic="procedures/test",
    questions=("Cấp bản sao văn bằng từ sổ gốc", "mất bằng xin bản sao"),
    source=SOURCE,
    procedure=ProcedureFields(
        code="2.001914",
        summary="Bản sao cấp từ sổ gốc có giá trị như bản chính.",
        documents=("Đơn đề nghị", "Căn cước công dân"),
        steps=("Nộp đơn tại bộ phận một cửa.", "Nhận bản sao."),
        processing_time="Trong ngày làm việc.",
        fee="3.000 đồng/bản.",
        where="Bộ phận một cửa của Sở GDĐT.",
        online=Online(
            level="Một phần", url="https://dichvucong.gov.vn", note="Nhận kết quả trực tiếp."
        ),
        result="Bản sao văn bằng.",
        legal_basis=("Thông tư 21/2019/TT-BGDĐT", "Nghị định 23/2015/NĐ-CP"),
        agency="Sở GDĐT.",
        note="Mỗi lần xin tối đa 10 bản.",
    ),
    see_also=("hoi-dap", "khong-ton-tai"),
)

FAQ = Entry(
    id="hoi-dap",
    kind="faq",
    topic="faq/test",
    questions=("Đường dây nóng của Sở là số nào?", "so hotline"),
    source=Source("faq/test.yaml", 1),
    answer="  Gọi 0292 3000 111 trong giờ hành chính.\n",
    links=(
        Link(title="Cổng dịch vụ công quốc gia", url="https://dichvucong.gov.vn"),
        Link(title="Trang của Sở", url="https://so.example.vn"),
    ),
    see_also=("cap-ban-sao",),
)

KB = KnowledgeBase(root="test", agency=AGENCY, entries=(PROCEDURE, FAQ))


def sparse(**fields: object) -> Entry:
    """A procedure with only the given fields."""
    return Entry(
        id="thu-tuc-it-thong-tin",
        kind="procedure",
        topic="procedures/test",
        questions=("Thủ tục ít thông tin",),
        source=SOURCE,
        procedure=ProcedureFields(**fields),  # type: ignore[arg-type]
    )


# --- full procedure record ------------------------------------------------------------------


def test_full_procedure_in_record_order() -> None:
    assert full_procedure(PROCEDURE) == "\n\n".join(
        [
            "Cấp bản sao văn bằng từ sổ gốc",
            "Bản sao cấp từ sổ gốc có giá trị như bản chính.",
            "Mã thủ tục: 2.001914",
            "Hồ sơ cần chuẩn bị:\n- Đơn đề nghị\n- Căn cước công dân",
            "Các bước thực hiện:\n1. Nộp đơn tại bộ phận một cửa.\n2. Nhận bản sao.",
            "Thời hạn giải quyết: Trong ngày làm việc.",
            "Phí, lệ phí: 3.000 đồng/bản.",
            "Nơi nộp hồ sơ: Bộ phận một cửa của Sở GDĐT.",
            "Nộp trực tuyến:\nMức độ: Một phần\nhttps://dichvucong.gov.vn\nNhận kết quả trực tiếp.",
            "Kết quả: Bản sao văn bằng.",
            "Căn cứ pháp lý:\n- Thông tư 21/2019/TT-BGDĐT\n- Nghị định 23/2015/NĐ-CP",
            "Cơ quan giải quyết: Sở GDĐT.",
            "Mỗi lần xin tối đa 10 bản.",
        ]
    )


def test_missing_fields_are_left_out() -> None:
    entry = sparse(where="UBND xã, phường.")
    assert full_procedure(entry) == "Thủ tục ít thông tin\n\nNơi nộp hồ sơ: UBND xã, phường."


def test_a_long_value_goes_on_its_own_line() -> None:
    long_fee = (
        "Theo mức thu do Hội đồng nhân dân tỉnh quy định cho từng năm học, niêm yết tại nơi nộp."
    )
    assert len(long_fee) > 60
    assert f"Phí, lệ phí:\n{long_fee}" in full_procedure(sparse(fee=long_fee))


# --- aspect answers ---------------------------------------------------------------------------


def test_aspect_answer_puts_the_aspect_first() -> None:
    text, short = procedure_aspect(PROCEDURE, "fee")
    assert short is True
    parts = text.split("\n\n")
    assert parts[0] == "Cấp bản sao văn bằng từ sổ gốc"
    assert parts[1] == "Phí, lệ phí: 3.000 đồng/bản."
    assert parts[2] == "Nộp trực tuyến: https://dichvucong.gov.vn"
    assert parts[3] == "Căn cứ: Thông tư 21/2019/TT-BGDĐT; Nghị định 23/2015/NĐ-CP"
    assert "Hồ sơ cần chuẩn bị" not in text and "Các bước thực hiện" not in text
    assert text.index("Phí, lệ phí") < text.index("Nộp trực tuyến") < text.index("Căn cứ")


def test_documents_aspect_lists_bullets() -> None:
    text, _ = procedure_aspect(PROCEDURE, "documents")
    assert text.split("\n\n")[1] == "Hồ sơ cần chuẩn bị:\n- Đơn đề nghị\n- Căn cước công dân"


def test_online_aspect_does_not_repeat_the_link() -> None:
    text, short = procedure_aspect(PROCEDURE, "online")
    assert short
    assert text.split("\n\n")[1].startswith("Nộp trực tuyến:\nMức độ: Một phần")
    assert text.count("https://dichvucong.gov.vn") == 1


def test_legal_basis_aspect_does_not_repeat_the_source_note() -> None:
    text, _ = procedure_aspect(PROCEDURE, "legal_basis")
    assert text.split("\n\n")[1].startswith("Căn cứ pháp lý:\n- Thông tư 21/2019/TT-BGDĐT")
    assert "Căn cứ: " not in text


def test_missing_aspect_falls_back_to_the_full_record() -> None:
    entry = sparse(where="UBND xã, phường.", legal_basis=("Quyết định 51/2002/QĐ-BGDĐT",))
    text, short = procedure_aspect(entry, "fee")
    assert short is False
    notice = texts.ASPECT_MISSING.format(title=texts.ASPECT_TITLES["fee"])
    assert "chưa có thông tin" in notice
    assert text == f"{notice}\n\n{full_procedure(entry)}"


def test_empty_online_record_counts_as_missing() -> None:
    entry = sparse(where="Sở GDĐT.", online=Online())
    text, short = procedure_aspect(entry, "online")
    assert not short and text.startswith(texts.ASPECT_MISSING.format(title="Nộp trực tuyến"))


@pytest.mark.parametrize("aspect", list(texts.ASPECT_TITLES))
def test_every_aspect_of_a_full_record_is_answered_short(aspect: str) -> None:
    text, short = procedure_aspect(PROCEDURE, aspect)
    assert short
    assert text.split("\n\n")[1].startswith(texts.ASPECT_TITLES[aspect])


# --- render_entry ----------------------------------------------------------------------------


def test_render_procedure_with_related_and_footer() -> None:
    text = render_entry(PROCEDURE, KB)
    assert text.startswith(full_procedure(PROCEDURE))
    # see_also ids that do not exist are skipped
    assert texts.SEE_ALSO.format(titles="Đường dây nóng của Sở là số nào?") in text
    assert text.endswith(texts.ANSWER_FOOTER)


def test_render_procedure_aspect() -> None:
    text = render_entry(PROCEDURE, KB, "processing_time")
    assert text.startswith("Cấp bản sao văn bằng từ sổ gốc\n\nThời hạn giải quyết: Trong ngày")
    assert "Phí, lệ phí" not in text


def test_faq_aspect_is_ignored() -> None:
    assert render_entry(FAQ, KB, "fee") == render_entry(FAQ, KB)


def test_faq_answer_with_links_and_see_also() -> None:
    assert faq_answer(FAQ) == (
        "Đường dây nóng của Sở là số nào?\n\nGọi 0292 3000 111 trong giờ hành chính."
    )
    text = render_entry(FAQ, KB)
    assert text == "\n\n".join(
        [
            "Đường dây nóng của Sở là số nào?",
            "Gọi 0292 3000 111 trong giờ hành chính.",
            "Xem thêm:\n- Cổng dịch vụ công quốc gia: https://dichvucong.gov.vn\n"
            "- Trang của Sở: https://so.example.vn",
            "Nội dung liên quan: Cấp bản sao văn bằng từ sổ gốc",
            texts.ANSWER_FOOTER,
        ]
    )


def test_bare_links_are_listed_without_titles() -> None:
    entry = Entry(
        id="bare",
        kind="faq",
        topic="faq/test",
        questions=("Câu hỏi",),
        source=SOURCE,
        answer="Trả lời.",
        links=(Link(title="https://dichvucong.gov.vn", url="https://dichvucong.gov.vn"),),
    )
    assert "Xem thêm:\n- https://dichvucong.gov.vn" in render_entry(entry, KB)


def test_fixture_entries_render(small_knowledge: KnowledgeBase) -> None:
    index = small_knowledge.by_id()
    faq = render_entry(index["dich-vu-cong-truc-tuyen"], small_knowledge)
    assert "Xem thêm:\n- https://dichvucong.gov.vn" in faq
    assert "Nội dung liên quan: Đường dây nóng tiếp nhận phản ánh" in faq
    procedure = render_entry(index["chuyen-truong-thpt"], small_knowledge, "documents")
    assert procedure.split("\n\n")[1].startswith("Hồ sơ cần chuẩn bị:\n- Đơn xin chuyển trường")


# --- numbered choices (console, Zalo) -------------------------------------------------------


def test_reply_without_choices_is_just_its_text() -> None:
    assert numbered(Reply("Xin chào")) == "Xin chào"


def test_choices_with_hotline() -> None:
    reply = Reply(
        texts.CHOICES_INTRO,
        choices=(
            ("Chuyển trường THPT", "/a chuyen-truong-thpt"),
            ("Chuyển trường THCS", "/a chuyen-truong-thcs"),
            (texts.CHOICE_NONE_LABEL, "/hotline"),
        ),
    )
    assert numbered(reply) == "\n".join(
        [
            texts.CHOICES_INTRO,
            "",
            "1. Chuyển trường THPT",
            "2. Chuyển trường THCS",
            f"0. {texts.CHOICE_NONE_LABEL}",
            "",
            texts.CHOICES_HINT.format(numbers="1 hoặc 2"),
        ]
    )


def test_three_choices_hint() -> None:
    choices = (*((f"Mục {i}", f"/a muc-{i}") for i in range(1, 4)), ("x", "/hotline"))
    text = numbered(Reply("Chọn:", choices=choices))
    assert "3. Mục 3" in text
    assert text.endswith(texts.CHOICES_HINT.format(numbers="1, 2 hoặc 3"))


def test_menu_choices_without_hotline() -> None:
    choices = tuple((f"Chủ đề {i}", f"/t chu-de-{i}") for i in range(1, 6))
    text = numbered(Reply(texts.MENU_INTRO, choices=choices))
    assert "0. " not in text
    assert "1. Chủ đề 1" in text and "5. Chủ đề 5" in text
    assert text.endswith(texts.PICK_HINT.format(numbers="1, 2, 3, 4 hoặc 5"))


def test_single_choice() -> None:
    text = numbered(Reply("Phí: 3.000 đồng", choices=(("Xem toàn bộ thủ tục", "/a x"),)))
    assert text == f"Phí: 3.000 đồng\n\n1. Xem toàn bộ thủ tục\n\n{texts.PICK_ONE_HINT}"


def test_numbers_shown_match_the_numbers_the_engine_accepts(small_service) -> None:
    from zoneinfo import ZoneInfo

    from cchc_bot.engine import Engine

    engine = Engine(small_service, None, timezone=ZoneInfo("Asia/Ho_Chi_Minh"))
    _, reply = engine.preview("chuyển trường")
    text = numbered(reply)
    picks = [label for label, code in reply.choices if code != "/hotline"]
    for i, label in enumerate(picks, 1):
        assert f"\n{i}. {label}\n" in text
    assert f"\n0. {texts.CHOICE_NONE_LABEL}\n" in text


def test_agency_placeholders_are_filled() -> None:
    entry = Entry(
        id="lien-he",
        kind="faq",
        topic="faq/test",
        questions=("Liên hệ",),
        source=SOURCE,
        answer="Gọi {hotline} ({short_name}); e-mail: {email}.",
    )
    text = render_entry(entry, KB)
    assert "Gọi 0292 3000 111 (Sở GDĐT TN)" in text
    assert "{hotline}" not in text
    assert "e-mail: {email}." in text  # no value in agency.yaml: left for staff to notice


def test_online_section_names_its_title_once() -> None:
    """Bug fix: the link line repeated the section title ("Nộp trực tuyến:\nNộp trực tuyến: …")."""
    text = full_procedure(PROCEDURE)
    assert text.count(texts.ASPECT_TITLES["online"]) == 1
    link_only = full_procedure(sparse(online=Online(url="https://x.vn")))
    assert "Nộp trực tuyến: https://x.vn" in link_only
