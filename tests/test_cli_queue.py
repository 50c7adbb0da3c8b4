"""`cchc-bot queue …` and `cchc-bot report` end to end: tickets opened by citizens in the chat,
worked from the terminal, delivered back, promoted into the knowledge base, exported."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cchc_bot import texts
from cchc_bot.cli import EXIT_USAGE, main
from cchc_bot.settings_specs import SPECS

UNKNOWN = "Vé xe buýt Vietjet đi Erasmus giá bao nhiêu"
TICKET_KEYS = {
    "number",
    "kind",
    "status",
    "overdue",
    "category",
    "assignee",
    "channel",
    "created_at",
    "due_at",
    "answered_at",
    "group_id",
    "text",
    "candidates",
    "answer",
}


@pytest.fixture
def knowledge(tmp_path: Path, knowledge_small_dir: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_small_dir, folder)  # promote writes into it
    return folder


@pytest.fixture(autouse=True)
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, knowledge: Path) -> None:
    for spec in SPECS:
        monkeypatch.delenv(spec.env, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite:///{tmp_path / 'cchc.db'}")
    monkeypatch.setenv("CCHC_KNOWLEDGE_DIR", str(knowledge))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def chat(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *lines: str) -> str:
    """The citizen's side: a console chat session typing `lines`."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    code, out, _ = run(capsys, "chat")
    assert code == 0
    return out


def tickets(capsys: pytest.CaptureFixture[str], *filters: str) -> list[dict]:
    code, out, _ = run(capsys, "queue", "list", "--json", *filters)
    assert code == 0
    return json.loads(out)


@pytest.fixture
def opened(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """One question the bot could not answer, filed by a citizen; its ticket number."""
    out = chat(capsys, monkeypatch, UNKNOWN + " gọi 0912345678")
    [ticket] = tickets(capsys)
    assert ticket["number"] in out  # the citizen was given the number
    return ticket["number"]


def test_list_json_schema_and_masking(capsys: pytest.CaptureFixture[str], opened: str) -> None:
    [ticket] = tickets(capsys)
    assert set(ticket) == TICKET_KEYS
    assert ticket["number"] == opened
    assert (ticket["kind"], ticket["status"], ticket["channel"]) == ("question", "open", "console")
    assert ticket["due_at"] and not ticket["overdue"] and ticket["answer"] is None
    assert "0912345678" not in ticket["text"] and "Erasmus" in ticket["text"]
    assert tickets(capsys, "--status", "closed") == []
    code, out, _ = run(capsys, "queue", "list")
    assert code == 0 and opened in out and "0912345678" not in out


def test_ticket_worked_from_the_terminal_reaches_the_citizen(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, opened: str
) -> None:
    staff = ("queue", "--by", "Lan")
    assert run(capsys, *staff, "assign", opened, "Minh")[0] == 0
    assert [t["number"] for t in tickets(capsys, "--assignee", "Minh")] == [opened]
    assert run(capsys, *staff, "note", opened, "Hỏi lại phòng kế hoạch")[0] == 0
    answer = "Việc này không thuộc Sở Giáo dục; anh/chị liên hệ hãng vận chuyển."
    code, out, _ = run(capsys, *staff, "answer", opened, answer)
    assert code == 0 and opened in out

    code, out, _ = run(capsys, "queue", "show", opened)
    assert code == 0
    assert "Minh" in out and "Hỏi lại phòng kế hoạch" in out and answer in out
    assert "Lan" in out  # the history names who acted
    [ticket] = tickets(capsys, "--status", "answered")
    assert ticket["answer"] == answer and ticket["answered_at"]

    delivered = chat(capsys, monkeypatch, "/thoat")  # the citizen comes back to the chat
    assert texts.CONSOLE_INBOX in delivered and answer in delivered

    assert run(capsys, *staff, "close", opened)[0] == 0
    assert tickets(capsys)[0]["status"] == "closed"


def test_wrong_moves_are_refused_with_a_reason(
    capsys: pytest.CaptureFixture[str], opened: str
) -> None:
    staff = ("queue", "--by", "Lan")
    code, _, err = run(capsys, *staff, "close", opened)  # not answered yet
    assert code == 1 and opened in err
    code, _, err = run(capsys, *staff, "answer", opened)
    assert code == EXIT_USAGE and err.strip()
    code, _, err = run(capsys, *staff, "assign", "HD-2026-99999", "Minh")
    assert code == 1 and "HD-2026-99999" in err
    with pytest.raises(SystemExit) as exc:
        run(capsys, *staff, "reject", opened)  # a reason is required
    assert exc.value.code == EXIT_USAGE
    code, _, _ = run(capsys, *staff, "reject", opened, "--reason", "Không thuộc thẩm quyền")
    assert code == 0
    [ticket] = tickets(capsys)
    assert ticket["status"] == "rejected"
    code, out, _ = run(capsys, "queue", "show", opened)
    assert "Không thuộc thẩm quyền" in out


def test_promoted_answer_becomes_knowledge_the_bot_answers_with(
    capsys: pytest.CaptureFixture[str], knowledge: Path, opened: str
) -> None:
    staff = ("queue", "--by", "Lan")
    code, _, err = run(capsys, *staff, "promote", opened, "--entry-id", "ve-xe-du-hoc")
    assert code == 1 and err.strip()  # nothing to promote before an answer
    answer = "Giá vé do hãng vận chuyển công bố; Sở Giáo dục không quản lý vé xe."
    assert run(capsys, *staff, "answer", opened, answer)[0] == 0
    code, _, err = run(capsys, *staff, "promote", opened, "--entry-id", "ve-xe-du-hoc")
    assert code == EXIT_USAGE and "--topic" in err  # a new entry needs its file
    code, out, _ = run(
        capsys,
        *staff,
        "promote",
        opened,
        "--entry-id",
        "ve-xe-du-hoc",
        "--topic",
        "faq/khac.yaml",
        "--topic-title",
        "Câu hỏi khác",
    )
    assert code == 0 and "ve-xe-du-hoc" in out
    written = (knowledge / "faq" / "khac.yaml").read_text(encoding="utf-8")
    assert "ve-xe-du-hoc" in written and opened in written

    code, out, _ = run(capsys, "kb", "check", str(knowledge))
    assert code == 0, out
    code, out, _ = run(capsys, "ask", "--json", UNKNOWN)
    assert code == 0
    assert json.loads(out)["entry_id"] == "ve-xe-du-hoc"
    code, out, _ = run(capsys, "queue", "show", opened)
    assert "promote" in out


def test_export_csv_xlsx_and_bad_ranges(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, opened: str
) -> None:
    days = ("--from", "2020-01-01", "--to", "2099-12-31")
    code, out, _ = run(capsys, "queue", "export", *days)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert len(rows) == 2 and rows[1][0] == opened
    assert "0912345678" not in out

    code, _, err = run(capsys, "queue", "export", *days, "--format", "xlsx")
    assert code == EXIT_USAGE and "--output" in err
    target = tmp_path / "phieu.xlsx"
    code, out, _ = run(capsys, "queue", "export", *days, "--format", "xlsx", "-o", str(target))
    assert code == 0 and str(target) in out
    sheet = load_workbook(target).active
    assert sheet.cell(row=2, column=1).value == opened

    code, _, err = run(capsys, "queue", "export", "--from", "2026-12-01", "--to", "2026-11-01")
    assert code == EXIT_USAGE and "2026-12-01" in err
    code, out, _ = run(capsys, "queue", "export", "--from", "2020-01-01", "--to", "2020-01-31")
    assert code == 0 and len(list(csv.reader(io.StringIO(out)))) == 1  # the header only


def test_monthly_report_counts_the_ticket(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, opened: str
) -> None:
    [ticket] = tickets(capsys)
    month = ticket["created_at"][:7]
    code, out, _ = run(capsys, "report", "--month", month)
    assert code == 0 and out.startswith("# ")
    target = tmp_path / "report.html"
    code, _, _ = run(capsys, "report", "--month", month, "--format", "html", "-o", str(target))
    assert code == 0 and target.read_text(encoding="utf-8").lstrip().startswith("<!")
    code, _, err = run(capsys, "report", "--month", "2026-13")
    assert code == EXIT_USAGE and "2026-13" in err


def test_thumbs_down_in_the_console_chat_offers_staff(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = chat(capsys, monkeypatch, "cấp bản sao bằng tốt nghiệp cần giấy tờ gì", "2", "0")
    assert f"0. {texts.SEND_TO_STAFF_LABEL}" in out and texts.HOTLINE_ONLY_HINT in out
    [ticket] = tickets(capsys)
    assert ticket["number"] in out and "bản sao" in ticket["text"]


# --- the README's worked example, and what staff read --------------------------------------------


def test_by_is_accepted_before_and_after_the_action(
    capsys: pytest.CaptureFixture[str], opened: str
) -> None:
    code, out, err = run(capsys, "queue", "assign", opened, "Lan", "--by", "Trưởng phòng")
    assert code == 0, err
    assert "Lan" in out
    code, _, err = run(capsys, "queue", "note", opened, "hỏi Sở GTVT", "--by", "Lan")
    assert code == 0, err
    code, _, err = run(capsys, "queue", "--by", "Hà", "note", opened, "đã gọi lại")
    assert code == 0, err
    view = json.loads(run(capsys, "queue", "show", opened, "--json")[1])
    actors = [(a["action"], a["actor"]) for a in view["audit"]]
    assert ("assign", "Trưởng phòng") in actors
    assert ("note", "Lan") in actors and ("note", "Hà") in actors
    assert [n["text"] for n in view["notes"]] == ["hỏi Sở GTVT", "đã gọi lại"]
    assert view["members"] == []


def test_the_list_shows_vietnamese_statuses_in_columns_and_json_keeps_codes(
    capsys: pytest.CaptureFixture[str], opened: str
) -> None:
    assert run(capsys, "queue", "--by", "Lan", "assign", opened, "Minh")[0] == 0
    code, out, _ = run(capsys, "queue", "list")
    assert code == 0
    header, row = out.splitlines()
    assert "Đang xử lý" in row and "assigned" not in row
    due = header.index("hạn")
    who = header.index("người xử lý")
    assert row[who - 1] == " " and row[who:].startswith("Minh")  # the due column never runs on
    assert row[due:who].strip().count("/") == 2
    [ticket] = tickets(capsys)
    assert ticket["status"] == "assigned"


def test_overdue_due_times_stay_in_their_column(
    capsys: pytest.CaptureFixture[str], opened: str
) -> None:
    from datetime import UTC, datetime

    from cchc_bot.app import build_app
    from cchc_bot.settings import Settings

    app = build_app(Settings.load())
    try:  # the ticket was due long ago
        past = {"due_at": datetime(2026, 1, 2, 10, 0, tzinfo=UTC)}
        app.hotline.tickets.update_ticket(
            opened, expected=["open"], changes=past, actor="test", action="x"
        )
    finally:
        app.close()
    assert run(capsys, "queue", "--by", "Lan", "assign", opened, "Minh")[0] == 0
    code, out, _ = run(capsys, "queue", "list", "--overdue")
    assert code == 0
    header, row = out.splitlines()
    who = header.index("người xử lý")
    assert "02/01/2026 17:00 (quá hạn)" in row[:who] and row[who - 1] == " "
    assert row[who:].startswith("Minh")


def test_show_accepts_short_numbers_and_json_has_notes_audit_members(
    capsys: pytest.CaptureFixture[str], opened: str
) -> None:
    year = opened.split("-")[1]
    code, out, err = run(capsys, "queue", "show", f"hd-{year}-1")
    assert code == 0, err
    assert opened in out and "Mới tiếp nhận" in out
    view = json.loads(run(capsys, "queue", "show", f"HD {year} 1", "--json")[1])
    assert set(view) == TICKET_KEYS | {"notes", "audit", "members", "reject_reason"}
    assert view["number"] == opened and view["audit"][0]["action"] == "open"


def test_history_times_are_local(capsys: pytest.CaptureFixture[str], opened: str) -> None:
    staff = ("queue", "--by", "Lan")
    assert run(capsys, *staff, "answer", opened, "Trả lời")[0] == 0
    assert run(capsys, *staff, "close", opened)[0] == 0
    out = run(capsys, "queue", "show", opened)[1]
    history = out.split("Lịch sử:")[1]
    assert "+00:00" not in history and "closed_at=" in history
    closed = json.loads(run(capsys, "queue", "show", opened, "--json")[1])["audit"][-1]
    assert closed["action"] == "close"


def test_answer_text_and_file_together_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, opened: str
) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text("Từ tệp", encoding="utf-8")
    code, _, err = run(
        capsys, "queue", "--by", "Lan", "answer", opened, "Từ lệnh", "--file", str(answer)
    )
    assert code == 1 and "--file" in err
    assert tickets(capsys)[0]["status"] == "open"
    code, _, _ = run(capsys, "queue", "--by", "Lan", "answer", opened, "--file", str(answer))
    assert code == 0 and tickets(capsys)[0]["answer"] == "Từ tệp"


def test_answers_are_masked_in_json_and_exports_and_the_export_is_audited(
    capsys: pytest.CaptureFixture[str], opened: str
) -> None:
    staff = ("queue", "--by", "Lan")
    assert run(capsys, *staff, "answer", opened, "Tôi sẽ gọi lại số 0912345678 của anh")[0] == 0
    assert "0912345678" not in json.dumps(tickets(capsys))
    code, out, _ = run(capsys, *staff, "export", "--from", "2020-01-01", "--to", "2099-12-31")
    assert code == 0 and "0912345678" not in out and "09******78" in out
    view = json.loads(run(capsys, "queue", "show", opened, "--json")[1])
    assert "0912345678" not in json.dumps(view)
    from cchc_bot.app import build_app
    from cchc_bot.settings import Settings

    app = build_app(Settings.load())
    try:
        exports = [a for a in app.hotline.tickets.audit_trail() if a.action == "export"]
    finally:
        app.close()
    assert [(a.actor, a.ticket_number) for a in exports] == [("Lan", None)]
    assert exports[0].detail.startswith("1 tickets 2020-01-01…2099-12-31, csv")


def test_a_new_topic_file_gets_a_vietnamese_title(
    capsys: pytest.CaptureFixture[str], knowledge: Path, opened: str
) -> None:
    staff = ("queue", "--by", "Lan")
    assert run(capsys, *staff, "answer", opened, "Giá vé do hãng xe công bố.")[0] == 0
    promote = (*staff, "promote", opened, "--entry-id", "ve-xe-du-hoc")
    code, _, err = run(capsys, *promote, "--topic", "faq/ve-xe.yaml")
    assert code == EXIT_USAGE and "--topic-title" in err
    assert not (knowledge / "faq" / "ve-xe.yaml").exists()
    code, _, err = run(capsys, *promote, "--topic", "faq/hoi-dap.yaml")
    assert code == 0, err
    written = (knowledge / "faq" / "hoi-dap.yaml").read_text(encoding="utf-8")
    assert written.startswith('topic: "Hỏi – đáp"\n') and "Hoi dap" not in written


@pytest.mark.parametrize("days", ["-5", "0", "abc"])
def test_prune_needs_a_positive_number_of_days(
    capsys: pytest.CaptureFixture[str], days: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        run(capsys, "db", "prune", "--older-than", days)
    assert exc.value.code == EXIT_USAGE
    assert "DAYS" in capsys.readouterr().err


def test_prune_reports_what_it_blanked(capsys: pytest.CaptureFixture[str], opened: str) -> None:
    code, out, _ = run(capsys, "db", "prune", "--older-than", "1")
    assert code == 0 and "0 tin nhắn" in out and "0 phiếu" in out
