"""synonyms.yaml: shape, variants and cycles."""

from __future__ import annotations

from cchc_bot.knowledge import Synonyms, load_knowledge
from tests.knowledge.conftest import BuildKb
from tests.knowledge.helpers import TODAY, check, find


def test_absent_or_empty_synonyms_file_means_no_synonyms(build_kb: BuildKb) -> None:
    assert load_knowledge(build_kb(), today=TODAY).synonyms == Synonyms()
    root = build_kb({"synonyms.yaml": "# chưa có\n"})
    assert load_knowledge(root, today=TODAY).synonyms == Synonyms()


def test_synonym_errors_are_located(build_kb: BuildKb) -> None:
    root = build_kb(
        {
            "synonyms.yaml": (
                "synonyms:\n"  # 1
                "  thpt: [trung học phổ thông, [cấp, 3]]\n"  # 2
                "  '': [x]\n"  # 3
                "  tốt nghiệp: tn\n"  # 4
                "  bằng: [~, '!!']\n"  # 5
                "  thpt: [c3]\n"  # 6
                "fillers: [ạ]\n"  # 7
            )
        }
    )
    errors = check(root).errors
    find(errors, "synonyms.yaml:2", None, "cách viết khác của 'thpt' phải là chữ")
    find(errors, "synonyms.yaml:3", None, "cụm từ chuẩn '' rỗng")
    find(errors, "synonyms.yaml:4", None, "phải là một danh sách")
    find(errors, "synonyms.yaml:5", None, "không phải để trống")
    find(errors, "synonyms.yaml:5", None, "rỗng hoặc không có chữ nào")
    find(errors, "synonyms.yaml:6", None, "trường 'thpt' bị lặp lại (đã có ở dòng 2)")
    find(errors, "synonyms.yaml:7", None, "có phải ý bạn là 'filler'?")
    assert len(errors) == 7


def test_synonyms_must_be_a_mapping(build_kb: BuildKb) -> None:
    root = build_kb({"synonyms.yaml": "synonyms: [thpt]\nfiller: ạ\n"})
    errors = check(root).errors
    find(errors, "synonyms.yaml:1", None, "'synonyms' phải là một bảng")
    find(errors, "synonyms.yaml:2", None, "'filler' phải là một danh sách")


def test_variant_listed_twice_is_a_warning(build_kb: BuildKb) -> None:
    root = build_kb({"synonyms.yaml": "synonyms:\n  căn cước công dân:\n    - CCCD\n    - cccd\n"})
    report = check(root)
    assert report.errors == ()
    find(report.warnings, "synonyms.yaml:4", None, "'cccd' được ghi hai lần")
    assert report.knowledge is not None
    assert report.knowledge.synonyms.groups == (("căn cước công dân", ("CCCD",)),)


def test_unstable_expansion_is_an_error(build_kb: BuildKb) -> None:
    root = build_kb(
        {"synonyms.yaml": "synonyms:\n  cccd: [căn cước]\n  căn cước công dân: [cccd]\n"}
    )
    find(check(root).errors, "synonyms.yaml:2", None, "từ đồng nghĩa lòng vòng: 'can cuoc'")


def test_kb_synonyms_drive_the_duplicate_question_check(build_kb: BuildKb) -> None:
    faq = {
        "faq/a.yaml": "topic: A\nentries:\n"
        "  - {id: a, questions: [Học phí lớp 10?, Học phí L10], answer: y, reviewed: 2025-01-01}\n"
    }
    assert check(build_kb(faq)).errors == ()
    root = build_kb({**faq, "synonyms.yaml": "synonyms:\n  lớp 10: [l10]\n"})
    find(check(root).errors, "faq/a.yaml:3", "a", "(sau khi chuẩn hoá đều là 'hoc phi lop 10')")
