"""Valid folders load into the model types."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cchc_bot.knowledge import (
    Agency,
    Entry,
    GoldenCase,
    KnowledgeBase,
    KnowledgeError,
    Link,
    Online,
    ProcedureFields,
    Source,
    Synonyms,
    Topic,
    load_knowledge,
)
from tests.knowledge.conftest import BuildKb
from tests.knowledge.helpers import TODAY, check

FAQ = """\
topic: Hỏi đáp chung
entries:
  - id: duong-day-nong
    questions:
      - Số đường dây nóng của Sở là gì?
      - Gọi hotline nào để hỏi?
    answer: |
      Gọi 0236 3822 236 trong giờ hành chính.
    links:
      - https://sgddt.danang.gov.vn/lien-he
      - title: Cổng dịch vụ công
        url: https://dichvucong.gov.vn
    tags: [lien-he, hotline]
    see_also: [cap-ban-sao-van-bang]
    valid_from: 2025-01-01
    valid_until: "2026-12-31"
    reviewed: 2025-05-01
"""

PROCEDURES = """\
topic: Văn bằng, chứng chỉ
entries:
  - id: cap-ban-sao-van-bang
    questions: [Xin cấp bản sao bằng tốt nghiệp THPT thế nào?]
    code: 2.001914
    summary: Cấp bản sao văn bằng từ sổ gốc.
    documents:
      - Đơn đề nghị cấp bản sao
      - Căn cước công dân
    steps: [Nộp hồ sơ, Nhận kết quả]
    processing_time: 3 ngày làm việc
    fee: 0
    where: Bộ phận một cửa
    result: Bản sao văn bằng
    agency: Sở GDĐT
    note: Có thể nhận qua bưu điện
    online: {level: 4, url: "https://dichvucong.gov.vn/p/1", note: toàn trình}
    legal_basis: [Thông tư 21/2019/TT-BGDĐT]
    reviewed: 2025-05-01
  - id: chinh-sua-van-bang
    questions: [Sửa thông tin trên bằng tốt nghiệp]
    code: null
    where: Phòng Quản lý chất lượng
    online: null
    legal_basis: [Thông tư 21/2019/TT-BGDĐT]
    reviewed: 2025-05-01
"""

SYNONYMS = """\
synonyms:
  trung học phổ thông: [THPT, cấp 3]
  tốt nghiệp: [tn, tốt nghiệp]
filler: [cho em hỏi, ạ]
"""

GOLDEN = """\
- q: đường dây nóng
  expect: duong-day-nong
- q: sửa bằng
  expect: [chinh-sua-van-bang, cap-ban-sao-van-bang]
- q: thời tiết hôm nay
  expect: null
- q: giá vàng
  expect: []
"""


def test_minimal_folder_with_only_agency_loads(build_kb: BuildKb) -> None:
    kb = load_knowledge(build_kb(), today=TODAY)
    assert kb.agency == Agency(
        name="Sở Giáo dục và Đào tạo thành phố Đà Nẵng",
        short_name="Sở GDĐT Đà Nẵng",
        hotline="0236 3822 236",
    )
    assert kb.entries == () and kb.topics == () and kb.golden == ()
    assert kb.synonyms == Synonyms()


@pytest.fixture
def full_kb(build_kb: BuildKb) -> Path:
    return build_kb(
        {
            "synonyms.yaml": SYNONYMS,
            "faq/hoi-dap.yaml": FAQ,
            "procedures/van-bang.yml": PROCEDURES,
            "golden.yaml": GOLDEN,
            "notices/2025-06.yaml": "this: [is not, read",
            "README.md": "# staff guide",
        }
    )


def test_full_folder_loads_into_model_types(full_kb: Path) -> None:
    report = check(full_kb)
    assert report.errors == ()
    kb = report.knowledge
    assert isinstance(kb, KnowledgeBase)
    assert kb.root == str(full_kb)
    faq, proc, bare = kb.entries
    assert faq == Entry(
        id="duong-day-nong",
        kind="faq",
        topic="faq/hoi-dap",
        questions=("Số đường dây nóng của Sở là gì?", "Gọi hotline nào để hỏi?"),
        source=Source("faq/hoi-dap.yaml", 3),
        answer="Gọi 0236 3822 236 trong giờ hành chính.",
        links=(
            Link("https://sgddt.danang.gov.vn/lien-he", "https://sgddt.danang.gov.vn/lien-he"),
            Link("Cổng dịch vụ công", "https://dichvucong.gov.vn"),
        ),
        tags=("lien-he", "hotline"),
        see_also=("cap-ban-sao-van-bang",),
        valid_from=date(2025, 1, 1),
        valid_until=date(2026, 12, 31),
        reviewed=date(2025, 5, 1),
    )
    assert proc.kind == "procedure" and proc.topic == "procedures/van-bang"
    assert proc.source == Source("procedures/van-bang.yml", 3)
    assert proc.answer is None
    assert proc.procedure == ProcedureFields(
        code="2.001914",
        summary="Cấp bản sao văn bằng từ sổ gốc.",
        documents=("Đơn đề nghị cấp bản sao", "Căn cước công dân"),
        steps=("Nộp hồ sơ", "Nhận kết quả"),
        processing_time="3 ngày làm việc",
        fee="0",
        where="Bộ phận một cửa",
        online=Online(level="4", url="https://dichvucong.gov.vn/p/1", note="toàn trình"),
        result="Bản sao văn bằng",
        legal_basis=("Thông tư 21/2019/TT-BGDĐT",),
        agency="Sở GDĐT",
        note="Có thể nhận qua bưu điện",
    )
    assert bare.procedure is not None
    assert bare.procedure.code is None and bare.procedure.online is None
    assert kb.topics == (
        Topic("faq/hoi-dap", "Hỏi đáp chung", "faq", ("duong-day-nong",)),
        Topic(
            "procedures/van-bang",
            "Văn bằng, chứng chỉ",
            "procedure",
            ("cap-ban-sao-van-bang", "chinh-sua-van-bang"),
        ),
    )
    assert kb.synonyms == Synonyms(
        groups=(
            ("trung học phổ thông", ("THPT", "cấp 3")),
            ("tốt nghiệp", ("tn",)),  # the variant equal to its canonical is dropped
        ),
        filler=("cho em hỏi", "ạ"),
    )


def test_golden_accepts_an_id_a_list_or_nothing(full_kb: Path) -> None:
    kb = load_knowledge(full_kb, today=TODAY)
    assert kb.golden == (
        GoldenCase("đường dây nóng", ("duong-day-nong",), Source("golden.yaml", 1)),
        GoldenCase(
            "sửa bằng", ("chinh-sua-van-bang", "cap-ban-sao-van-bang"), Source("golden.yaml", 3)
        ),
        GoldenCase("thời tiết hôm nay", (), Source("golden.yaml", 5)),
        GoldenCase("giá vàng", (), Source("golden.yaml", 7)),
    )


def test_everything_is_immutable(full_kb: Path) -> None:
    kb = load_knowledge(full_kb, today=TODAY)

    def walk(value: object) -> None:
        assert not isinstance(value, list | dict | set), value
        if isinstance(value, tuple):
            for item in value:
                walk(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                walk(getattr(value, name))

    walk(kb)


def test_topics_and_entries_follow_sorted_file_order(build_kb: BuildKb) -> None:
    def topic(name: str) -> str:
        return (
            f"topic: {name}\nentries:\n  - id: {name}\n    questions: [{name} hỏi]\n    answer: x\n"
        )

    root = build_kb(
        {
            "faq/b.yaml": topic("b"),
            "faq/a.yml": topic("a"),
            "faq/c.yaml": topic("c"),
            "procedures/.hidden.yaml": "not: [valid",
        }
    )
    kb = load_knowledge(root, today=TODAY)
    assert [t.key for t in kb.topics] == ["faq/a", "faq/b", "faq/c"]
    assert [e.id for e in kb.entries] == ["a", "b", "c"]


def test_text_fields_keep_what_the_editor_typed(build_kb: BuildKb) -> None:
    """YAML 1.1 would turn these into a float, a bool and an int; we keep the text."""
    root = build_kb(
        {
            "synonyms.yaml": "synonyms:\n  không: [no, k]\n",
            "procedures/p.yaml": """\
                topic: P
                entries:
                  - id: p
                    questions: [Thủ tục p]
                    code: 1.005140
                    where: yes
                    processing_time: 15
                """,
        }
    )
    kb = load_knowledge(root, today=TODAY)
    proc = kb.entries[0].procedure
    assert proc is not None
    assert (proc.code, proc.where, proc.processing_time) == ("1.005140", "yes", "15")
    assert kb.synonyms.groups == (("không", ("no", "k")),)


def test_load_raises_with_every_error_listed(build_kb: BuildKb) -> None:
    root = build_kb(
        {
            "faq/a.yaml": """\
                topic: A
                entries:
                  - id: Sai
                    questions: [Một]
                    anwser: x
                """
        }
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root, today=TODAY)
    text = str(caught.value)
    assert "faq/a.yaml:3 [Sai] lỗi: id 'Sai' không đúng dạng" in text
    assert "faq/a.yaml:5 [Sai] lỗi: trường 'anwser'" in text
    assert "faq/a.yaml:3 [Sai] lỗi: thiếu trường bắt buộc 'answer'" in text
    assert all(p.severity == "error" for p in caught.value.problems)
    assert len(caught.value.problems) == 3


def test_warnings_do_not_stop_loading(build_kb: BuildKb) -> None:
    root = build_kb(
        {"faq/a.yaml": "topic: A\nentries:\n  - {id: a, questions: [Học phí?], answer: x}\n"}
    )
    report = check(root)
    assert report.ok and report.knowledge is not None
    assert [str(w) for w in report.warnings] == [
        "faq/a.yaml:3 [a] cảnh báo: mục chưa có ngày rà soát 'reviewed'"
    ]
    assert load_knowledge(root, today=TODAY).entries[0].id == "a"


def test_check_accepts_str_paths_and_defaults_today(build_kb: BuildKb) -> None:
    report = build_kb()
    assert load_knowledge(str(report)).agency.short_name == "Sở GDĐT Đà Nẵng"
