"""Each kind of error is reported with its file:line and entry id, and loading fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_bot.knowledge import KnowledgeError, load_knowledge
from tests.knowledge.conftest import BuildKb
from tests.knowledge.helpers import TODAY, check, find

ENTRY = "topic: Chủ đề\nentries:\n"


def faq(body: str) -> dict[str, str]:
    """One FAQ file whose entries list is `body` (indented by two spaces)."""
    return {"faq/a.yaml": ENTRY + body}


# (files, 'file:line', entry id, fragment of the message)
CASES: dict[str, tuple[dict[str, str], str, str | None, str]] = {
    "yaml syntax": (
        faq("  - id: a\n    questions: [x\n    answer: y\n"),
        "faq/a.yaml:5",
        None,
        "lỗi cú pháp YAML",
    ),
    "tab indentation": (
        faq("  - id: a\n\tquestions: [x]\n"),
        "faq/a.yaml:4",
        None,
        "lỗi cú pháp YAML",
    ),
    "top level is a list": (
        {"faq/a.yaml": "- id: a\n"},
        "faq/a.yaml:1",
        None,
        "tệp chủ đề phải là một bảng",
    ),
    "empty topic file": ({"faq/a.yaml": "# nothing yet\n"}, "faq/a.yaml", None, "tệp rỗng"),
    "entries not a list": (
        {"faq/a.yaml": "topic: A\nentries:\n  id: a\n"},
        "faq/a.yaml:3",
        None,
        "'entries' phải là một danh sách",
    ),
    "unknown topic key": (
        {"faq/a.yaml": "topic: A\ntitle: B\nentries: []\n"},
        "faq/a.yaml:2",
        None,
        "trường 'title' không được hỗ trợ",
    ),
    "missing topic": ({"faq/a.yaml": "entries: []\n"}, "faq/a.yaml:1", None, "'topic'"),
    "entry not a mapping": (faq("  - just text\n"), "faq/a.yaml:3", None, "phải là một bảng"),
    "unknown key with suggestion": (
        faq("  - id: a\n    questions: [x]\n    answer: y\n    anwser: z\n"),
        "faq/a.yaml:6",
        "a",
        "trường 'anwser' không được hỗ trợ trong mục hỏi đáp — có phải ý bạn là 'answer'?",
    ),
    "procedure key in a faq": (
        faq("  - id: a\n    questions: [x]\n    answer: y\n    documents: [z]\n"),
        "faq/a.yaml:6",
        "a",
        "trường 'documents' không được hỗ trợ trong mục hỏi đáp",
    ),
    "missing id": (faq("  - questions: [x]\n    answer: y\n"), "faq/a.yaml:3", None, "'id'"),
    "missing questions": (
        faq("  - id: a\n    answer: y\n"),
        "faq/a.yaml:3",
        "a",
        "thiếu trường bắt buộc 'questions'",
    ),
    "missing answer": (
        faq("  - id: a\n    questions: [x]\n"),
        "faq/a.yaml:3",
        "a",
        "thiếu trường bắt buộc 'answer'",
    ),
    "blank answer": (
        faq("  - id: a\n    questions: [x]\n    answer: '   '\n"),
        "faq/a.yaml:5",
        "a",
        "'answer' không được để trống",
    ),
    "null answer": (
        faq("  - id: a\n    questions: [x]\n    answer:\n"),
        "faq/a.yaml:5",
        "a",
        "'answer' không được để trống",
    ),
    "empty questions": (
        faq("  - id: a\n    questions: []\n    answer: y\n"),
        "faq/a.yaml:4",
        "a",
        "'questions' phải có ít nhất một mục",
    ),
    "blank question": (
        faq("  - id: a\n    questions:\n      - x\n      - ''\n    answer: y\n"),
        "faq/a.yaml:6",
        "a",
        "mục thứ 2 của 'questions' bị trống",
    ),
    "questions as a string": (
        faq("  - id: a\n    questions: Học phí?\n    answer: y\n"),
        "faq/a.yaml:4",
        "a",
        "'questions' phải là một danh sách",
    ),
    "answer as a list": (
        faq("  - id: a\n    questions: [x]\n    answer: [y]\n"),
        "faq/a.yaml:5",
        "a",
        "'answer' phải là một đoạn văn bản, nhưng đang là một danh sách",
    ),
    "question as a mapping": (
        faq("  - id: a\n    questions: [{x: 1}]\n    answer: y\n"),
        "faq/a.yaml:4",
        "a",
        "mục thứ 1 của 'questions' phải là một đoạn văn bản",
    ),
    "tags as a string": (
        faq("  - id: a\n    questions: [x]\n    answer: y\n    tags: hoc-phi\n"),
        "faq/a.yaml:6",
        "a",
        "'tags' phải là một danh sách",
    ),
    "id not kebab-case": (
        faq("  - id: Hoc_Phi\n    questions: [x]\n    answer: y\n"),
        "faq/a.yaml:3",
        "Hoc_Phi",
        "id 'Hoc_Phi' không đúng dạng",
    ),
    "id with diacritics": (
        faq("  - id: học-phí\n    questions: [x]\n    answer: y\n"),
        "faq/a.yaml:3",
        "học-phí",
        "không đúng dạng",
    ),
    "duplicate key in an entry": (
        faq("  - id: a\n    questions: [x]\n    answer: y\n    answer: z\n"),
        "faq/a.yaml:6",
        "a",
        "trường 'answer' bị lặp lại (đã có ở dòng 5)",
    ),
    "impossible date": (
        faq("  - id: a\n    questions: [x]\n    answer: y\n    reviewed: 2025-02-30\n"),
        "faq/a.yaml:6",
        "a",
        "'reviewed' = '2025-02-30' không phải ngày hợp lệ dạng YYYY-MM-DD",
    ),
    "date in local format": (
        faq("  - id: a\n    questions: [x]\n    answer: y\n    valid_from: 01/02/2025\n"),
        "faq/a.yaml:6",
        "a",
        "không phải ngày hợp lệ",
    ),
    "date without zero padding": (
        faq("  - id: a\n    questions: [x]\n    answer: y\n    valid_until: 2025-1-5\n"),
        "faq/a.yaml:6",
        "a",
        "không phải ngày hợp lệ",
    ),
    "valid_from after valid_until": (
        faq(
            "  - id: a\n    questions: [x]\n    answer: y\n"
            "    valid_from: 2025-03-01\n    valid_until: 2025-02-01\n"
        ),
        "faq/a.yaml:7",
        "a",
        "'valid_until' (2025-02-01) đứng trước 'valid_from' (2025-03-01)",
    ),
    "reviewed in the future": (
        faq("  - id: a\n    questions: [x]\n    answer: y\n    reviewed: 2025-06-03\n"),
        "faq/a.yaml:6",
        "a",
        "nằm ở tương lai",
    ),
    "url without scheme": (
        faq("  - id: a\n    questions: [x]\n    answer: y\n    links: [sgddt.gov.vn]\n"),
        "faq/a.yaml:6",
        "a",
        "phải bắt đầu bằng http:// hoặc https://",
    ),
    "url with spaces": (
        faq(
            "  - id: a\n    questions: [x]\n    answer: y\n    links:\n"
            "      - title: Cổng\n        url: https://a.vn/thu tuc\n"
        ),
        "faq/a.yaml:8",
        "a",
        "chứa khoảng trắng",
    ),
    "url without host": (
        faq("  - id: a\n    questions: [x]\n    answer: y\n    links: ['https:///x']\n"),
        "faq/a.yaml:6",
        "a",
        "thiếu tên miền",
    ),
    "link mapping without url": (
        faq("  - id: a\n    questions: [x]\n    answer: y\n    links:\n      - title: T\n"),
        "faq/a.yaml:7",
        "a",
        "thiếu trường bắt buộc 'url' trong liên kết",
    ),
    "see_also to an unknown id": (
        faq(
            "  - id: hoc-phi\n    questions: [x]\n    answer: y\n"
            "  - id: b\n    questions: [z]\n    answer: y\n    see_also:\n      - hoc-phj\n"
        ),
        "faq/a.yaml:10",
        "b",
        "'see_also' trỏ tới id 'hoc-phj' không tồn tại — có phải ý bạn là 'hoc-phi'?",
    ),
    "procedure code": (
        {"procedures/p.yaml": ENTRY + "  - id: p\n    questions: [x]\n    code: 1.00514\n"},
        "procedures/p.yaml:5",
        "p",
        "mã thủ tục '1.00514' không đúng dạng mã quốc gia",
    ),
    "procedure without an answer": (
        {"procedures/p.yaml": ENTRY + "  - id: p\n    questions: [x]\n    fee: 0\n"},
        "procedures/p.yaml:3",
        "p",
        "thủ tục chưa có nội dung trả lời",
    ),
    "procedure online as text": (
        {"procedures/p.yaml": ENTRY + "  - id: p\n    questions: [x]\n    online: mức 4\n"},
        "procedures/p.yaml:5",
        "p",
        "'online' phải là một bảng",
    ),
    "procedure online url": (
        {
            "procedures/p.yaml": ENTRY
            + "  - id: p\n    questions: [x]\n    where: Sở\n    online:\n      url: dvc.vn\n"
        },
        "procedures/p.yaml:7",
        "p",
        "phải bắt đầu bằng http://",
    ),
    "procedure online unknown key": (
        {
            "procedures/p.yaml": ENTRY
            + "  - id: p\n    questions: [x]\n    where: Sở\n    online:\n      levle: 4\n"
        },
        "procedures/p.yaml:7",
        "p",
        "có phải ý bạn là 'level'?",
    ),
    "golden unknown id": (
        {"golden.yaml": "- q: học phí\n  expect: [hoc-phi]\n"},
        "golden.yaml:2",
        "hoc-phi",
        "không có mục nào mang id này",
    ),
    "golden without q": ({"golden.yaml": "- expect: null\n"}, "golden.yaml:1", None, "'q'"),
    "golden not a list": (
        {"golden.yaml": "q: x\n"},
        "golden.yaml:1",
        None,
        "golden.yaml phải là một danh sách",
    ),
    "golden unknown key": (
        {"golden.yaml": "- q: x\n  expected: null\n"},
        "golden.yaml:2",
        None,
        "có phải ý bạn là 'expect'?",
    ),
    "topic name used twice": (
        {"faq/a.yaml": ENTRY + "  []", "faq/a.yml": ENTRY + "  []"},
        "faq/a.yml",
        None,
        "trùng tên chủ đề với tệp faq/a.yaml",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_error_is_located(
    build_kb: BuildKb, case: tuple[dict[str, str], str, str | None, str]
) -> None:
    files, location, entry_id, fragment = case
    root = build_kb(files)
    report = check(root)
    problem = find(report.errors, location, entry_id, fragment)
    assert problem.severity == "error"
    assert report.knowledge is None
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root, today=TODAY)
    assert str(problem) in str(caught.value)


def test_duplicate_ids_across_files_name_both_places(build_kb: BuildKb) -> None:
    root = build_kb(
        {
            "faq/a.yaml": ENTRY + "  - id: hoc-phi\n    questions: [Học phí bao nhiêu?]\n"
            "    answer: y\n",
            "procedures/p.yaml": ENTRY + "  - id: x\n    questions: [x]\n    where: z\n"
            "  - id: hoc-phi\n    questions: [Miễn học phí]\n    where: Sở\n",
        }
    )
    find(
        check(root).errors,
        "procedures/p.yaml:6",
        "hoc-phi",
        "id 'hoc-phi' bị trùng: đã được dùng cho mục ở faq/a.yaml:3",
    )


def test_duplicate_questions_after_normalisation_name_both_entries(build_kb: BuildKb) -> None:
    root = build_kb(
        {
            "synonyms.yaml": "synonyms:\n  trung học phổ thông: [THPT, cấp 3]\n",
            "faq/a.yaml": ENTRY + "  - id: thi-thpt\n    questions:\n"
            "      - Khi nào thi tốt nghiệp THPT?\n    answer: y\n",
            "faq/b.yaml": ENTRY + "  - id: lich-thi\n    questions:\n      - Lịch thi?\n"
            "      - khi nao thi tot nghiep cap 3 a\n    answer: y\n",
        }
    )
    problem = find(
        check(root).errors,
        "faq/b.yaml:6",
        "lich-thi",
        "trùng với câu hỏi của mục 'thi-thpt' ở faq/a.yaml:5",
    )
    assert "khi nao thi tot nghiep trung hoc pho thong" in problem.message


def test_duplicate_questions_within_one_entry(build_kb: BuildKb) -> None:
    root = build_kb(
        faq("  - id: a\n    questions:\n      - Học phí?\n      - hoc phi\n    answer: y\n")
    )
    find(check(root).errors, "faq/a.yaml:6", "a", "trùng với câu hỏi ở dòng 5 của chính mục này")


def test_missing_agency(build_kb: BuildKb) -> None:
    report = check(build_kb(agency=None))
    find(report.errors, "agency.yaml", None, "thiếu tệp bắt buộc agency.yaml")
    assert report.knowledge is None


def test_agency_problems(build_kb: BuildKb) -> None:
    root = build_kb(agency="name: Sở\nshort_name: ''\nwebsite: sgddt.vn\nemial: a@b.vn\n")
    errors = check(root).errors
    find(errors, "agency.yaml:1", None, "thiếu trường bắt buộc 'hotline'")
    find(errors, "agency.yaml:2", None, "'short_name' không được để trống")
    find(errors, "agency.yaml:3", None, "phải bắt đầu bằng http:// hoặc https://")
    find(errors, "agency.yaml:4", None, "có phải ý bạn là 'email'?")


def test_agency_yml_gets_a_rename_hint(build_kb: BuildKb) -> None:
    root = build_kb({"agency.yml": "name: x\n"}, agency=None)
    find(check(root).errors, "agency.yaml", None, "hãy đổi tên thành agency.yaml")


def test_missing_folder(tmp_path: object) -> None:
    report = check(tmp_path / "nope")  # type: ignore[operator]
    assert "không tìm thấy thư mục tri thức" in str(report.errors[0])


def test_a_file_given_as_the_folder(tmp_path: Path) -> None:
    file = tmp_path / "agency.yaml"
    file.write_text("name: x\n", encoding="utf-8")
    report = check(file)
    assert len(report.errors) == 1 and report.knowledge is None
    assert "không phải thư mục tri thức" in str(report.errors[0])


def test_a_file_that_is_not_utf8(build_kb: BuildKb) -> None:
    root = build_kb()
    (root / "faq").mkdir()
    (root / "faq" / "a.yaml").write_bytes("topic: Học phí\n".encode("utf-16"))
    find(check(root).errors, "faq/a.yaml", None, "không phải văn bản UTF-8")


def test_one_file_with_many_problems_reports_them_all_in_line_order(build_kb: BuildKb) -> None:
    root = build_kb(
        faq(
            "  - id: Sai_Id\n"  # 3
            "    questions: [Học phí?]\n"  # 4
            "    anwser: y\n"  # 5
            "    reviewed: 2025-13-01\n"  # 6
            "  - id: b\n"  # 7
            "    questions: [hoc phi]\n"  # 8
            "    answer: y\n"  # 9
            "    see_also: [khong-co]\n"  # 10
            "    links: [ftp://x]\n"  # 11
        )
        | {"golden.yaml": "- {q: x, expect: khong-co-nua}\n"}
    )
    errors = check(root).errors
    assert [(p.file, p.line, p.entry_id) for p in errors] == [
        ("faq/a.yaml", 3, "Sai_Id"),  # missing answer
        ("faq/a.yaml", 3, "Sai_Id"),  # id shape
        ("faq/a.yaml", 5, "Sai_Id"),  # anwser
        ("faq/a.yaml", 6, "Sai_Id"),  # month 13
        ("faq/a.yaml", 8, "b"),  # same question as Sai_Id
        ("faq/a.yaml", 10, "b"),  # see_also
        ("faq/a.yaml", 11, "b"),  # ftp
        ("golden.yaml", 1, "khong-co-nua"),
    ]
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root, today=TODAY)
    assert len(caught.value.problems) == len(errors)
    assert str(caught.value).startswith("Kho tri thức có 8 lỗi")
