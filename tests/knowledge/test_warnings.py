"""Warnings are reported with their place but never stop loading."""

from __future__ import annotations

from cchc_bot.knowledge import Problem
from tests.knowledge.conftest import BuildKb
from tests.knowledge.helpers import check, find

ENTRY = "topic: Chủ đề\nentries:\n"


def loads_with_warnings(build_kb: BuildKb, files: dict[str, str], **kwargs: int) -> list[Problem]:
    report = check(build_kb(files), **kwargs)
    assert report.errors == (), [str(p) for p in report.errors]
    assert report.knowledge is not None
    return list(report.warnings)


def test_expired_entry(build_kb: BuildKb) -> None:
    files = {
        "faq/a.yaml": ENTRY + "  - id: a\n    questions: [x]\n    answer: y\n"
        "    reviewed: 2025-05-01\n    valid_until: 2025-05-31\n"
    }
    warnings = loads_with_warnings(build_kb, files)
    find(tuple(warnings), "faq/a.yaml:7", "a", "mục đã hết hiệu lực từ 31/05/2025")
    assert len(warnings) == 1


def test_entry_valid_until_today_is_not_expired(build_kb: BuildKb) -> None:
    files = {
        "faq/a.yaml": ENTRY + "  - id: a\n    questions: [x]\n    answer: y\n"
        "    reviewed: 2025-05-01\n    valid_until: 2025-06-01\n"
    }
    assert loads_with_warnings(build_kb, files) == []


def test_unreviewed_and_stale_entries(build_kb: BuildKb) -> None:
    files = {
        "faq/a.yaml": ENTRY + "  - id: a\n    questions: [x]\n    answer: y\n"
        "  - id: b\n    questions: [z]\n    answer: y\n    reviewed: 2024-05-31\n"
        "  - id: c\n    questions: [w]\n    answer: y\n    reviewed: 2024-06-01\n"
    }
    warnings = loads_with_warnings(build_kb, files)
    find(tuple(warnings), "faq/a.yaml:3", "a", "mục chưa có ngày rà soát 'reviewed'")
    find(tuple(warnings), "faq/a.yaml:9", "b", "mục đã 366 ngày chưa được rà soát lại")
    assert len(warnings) == 2  # c is exactly 365 days old: still fresh
    shorter = loads_with_warnings(build_kb, files, review_max_age_days=30)
    find(tuple(shorter), "faq/a.yaml:13", "c", "hạn 30 ngày")


def test_procedure_without_legal_basis(build_kb: BuildKb) -> None:
    files = {
        "procedures/p.yaml": ENTRY + "  - id: p\n    questions: [x]\n    where: Sở\n"
        "    reviewed: 2025-05-01\n"
    }
    warnings = loads_with_warnings(build_kb, files)
    find(tuple(warnings), "procedures/p.yaml:3", "p", "chưa ghi căn cứ pháp lý 'legal_basis'")


def test_stray_files_in_topic_folders(build_kb: BuildKb) -> None:
    root = build_kb({"faq/ghi-chu.txt": "x", "faq/cu/a.yaml": "x", "procedures/.~lock": "x"})
    report = check(root)
    assert report.errors == ()
    find(report.warnings, "faq/ghi-chu.txt", None, "không phải tệp YAML")
    find(report.warnings, "faq/cu", None, "thư mục con không được đọc")
    assert len(report.warnings) == 2


def test_empty_topic_file_entries(build_kb: BuildKb) -> None:
    warnings = loads_with_warnings(build_kb, {"faq/a.yaml": ENTRY})
    find(tuple(warnings), "faq/a.yaml:2", None, "tệp chủ đề chưa có mục nào")


def test_question_that_normalises_to_nothing(build_kb: BuildKb) -> None:
    files = {
        "faq/a.yaml": ENTRY + "  - id: a\n    questions: [Học phí, Xin chào ạ!]\n    answer: y\n"
        "    reviewed: 2025-05-01\n"
    }
    warnings = loads_with_warnings(build_kb, files)
    find(tuple(warnings), "faq/a.yaml:4", "a", "không còn từ nào sau khi chuẩn hoá")


def test_problem_str_puts_the_location_first() -> None:
    assert str(Problem("error", "hỏng", "faq/a.yaml", 12, "duong-day-nong")) == (
        "faq/a.yaml:12 [duong-day-nong] lỗi: hỏng"
    )
    assert str(Problem("warning", "cũ", "faq/a.yaml", None, None)) == "faq/a.yaml cảnh báo: cũ"
    assert str(Problem("error", "không có thư mục", None, None, None)) == "lỗi: không có thư mục"
