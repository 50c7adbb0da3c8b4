"""Promoting answers into the staff's YAML: valid, minimal edits, all-or-nothing."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from cchc_bot.knowledge import KnowledgeError, check_knowledge, load_knowledge
from cchc_bot.knowledge.writer import add_faq_entry, add_question
from cchc_bot.matching import Matcher

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "knowledge_small"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(FIXTURE, target)
    return target


def test_add_question_keeps_the_rest_of_the_file(folder: Path) -> None:
    entry = load_knowledge(folder).by_id()["ban-sao-van-bang"]
    path = folder / entry.source.file
    before = path.read_text(encoding="utf-8").splitlines()
    add_question(
        folder,
        "ban-sao-van-bang",
        "Bằng bị mối ăn có xin bản sao được không?",
        comment="thêm từ phiếu HD-2026-00001",
    )
    after = path.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before) + 1
    added = [line for line in after if line not in before]
    assert added and "Bằng bị mối ăn" in added[0] and "HD-2026-00001" in added[0]
    reloaded = load_knowledge(folder).by_id()["ban-sao-van-bang"]
    assert reloaded.questions[-1] == "Bằng bị mối ăn có xin bản sao được không?"
    assert check_knowledge(folder).ok


def test_new_faq_entry_is_answered_afterwards(folder: Path) -> None:
    question = "Sở có cấp học bổng du học cho học sinh giỏi không?"
    assert Matcher(load_knowledge(folder)).match(question).status != "answer"
    add_faq_entry(
        folder,
        "faq/hoi-them.yaml",
        "hoc-bong-du-hoc",
        question,
        "Sở GDĐT không cấp học bổng du học.\nThông tin học bổng do Bộ GDĐT thông báo.",
        comment="thêm từ phiếu HD-2026-00002 bởi Lan",
        reviewed=date(2026, 11, 21),
        topic_title="Hỏi thêm",
    )
    knowledge = load_knowledge(folder)
    entry = knowledge.by_id()["hoc-bong-du-hoc"]
    assert entry.answer.startswith("Sở GDĐT không cấp học bổng du học.")
    assert entry.reviewed == date(2026, 11, 21)
    match = Matcher(knowledge).match(question)
    assert (match.status, match.entry.id if match.entry else None) == ("answer", "hoc-bong-du-hoc")


def test_entry_appended_to_an_existing_topic_file(folder: Path) -> None:
    faq_file = next((folder / "faq").glob("*.yaml"))
    add_faq_entry(
        folder,
        f"faq/{faq_file.name}",
        "muc-moi",
        "Câu hỏi hoàn toàn mới về lịch nghỉ hè?",
        "Trả lời.",
        comment="c",
        reviewed=date(2026, 11, 21),
    )
    topic = f"faq/{faq_file.stem}"
    assert load_knowledge(folder).by_id()["muc-moi"].topic == topic


def test_invalid_result_is_rolled_back(folder: Path) -> None:
    entry = load_knowledge(folder).by_id()["ban-sao-van-bang"]
    faq_file = folder / "faq" / "x.yaml"
    with pytest.raises(KnowledgeError, match="trùng"):
        add_faq_entry(
            folder,
            "faq/x.yaml",
            "ban-sao-van-bang",
            "Một câu hỏi khác hẳn?",
            "Trả lời.",
            comment="c",
            reviewed=date(2026, 11, 21),
            topic_title="Chủ đề X",
        )
    assert not faq_file.exists()
    path = folder / entry.source.file
    before = path.read_text(encoding="utf-8")
    first = entry.questions[0]
    with pytest.raises(KnowledgeError):
        add_question(folder, "ban-sao-van-bang", first, comment="c")  # duplicate question
    assert path.read_text(encoding="utf-8") == before


def test_unknown_entry(folder: Path) -> None:
    with pytest.raises(KnowledgeError, match="khong-co"):
        add_question(folder, "khong-co", "?", comment="c")


def test_a_new_topic_file_gets_a_vietnamese_title_never_one_from_its_name(folder: Path) -> None:
    new = dict(comment="c", reviewed=date(2026, 11, 21))
    path = add_faq_entry(
        folder, "faq/hoi-dap.yaml", "ve-xe", "Vé xe giá bao nhiêu?", "Hỏi hãng.", **new
    )
    assert path.read_text(encoding="utf-8").startswith('topic: "Hỏi – đáp"\n')
    assert "Hỏi – đáp" in {t.title for t in load_knowledge(folder).topics}

    with pytest.raises(KnowledgeError, match="--topic-title"):
        add_faq_entry(folder, "faq/tuyen-sinh.yaml", "ts", "Tuyển sinh lớp 6?", "Xem.", **new)
    assert not (folder / "faq" / "tuyen-sinh.yaml").exists()
    add_faq_entry(
        folder,
        "faq/tuyen-sinh.yaml",
        "ts",
        "Tuyển sinh lớp 6?",
        "Xem.",
        topic_title="Tuyển sinh",
        **new,
    )
    assert "Tuyển sinh" in {t.title for t in load_knowledge(folder).topics}


def test_a_review_dated_tomorrow_is_no_error(folder: Path) -> None:
    """Staff in Vietnam date their review a day ahead of a server in UTC after 17:00."""
    today = date(2026, 12, 7)
    add_faq_entry(
        folder,
        "faq/hoi-dap.yaml",
        "ve-xe",
        "Vé xe giá bao nhiêu?",
        "Hỏi hãng.",
        comment="c",
        reviewed=date(2026, 12, 8),
    )
    assert check_knowledge(folder, today=today).ok
    assert not check_knowledge(folder, today=date(2026, 12, 6)).ok  # two days ahead: an error
