"""`cchc-bot` command line, run in-process (plus one smoke test of the installed script)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_bot import texts
from cchc_bot.cli import EXIT_USAGE, main
from cchc_bot.settings_specs import SPECS
from cchc_bot.storage import Database, Repository

ASK_KEYS = {"status", "entry_id", "aspect", "score", "choices", "text"}
CHOICE_KEYS = {"entry_id", "title", "score"}
AGENCY_NAME = "Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm"

GOLDEN = """\
# in scope (expected ids) and out of scope (null)
- {q: "Mất bằng tốt nghiệp cấp 3 thì xin bản sao ở đâu?", expect: ban-sao-van-bang}
- {q: "phúc khảo mất bao lâu", expect: phuc-khao-thi-tot-nghiep}
- {q: "chuyển trường", expect: [chuyen-truong-thpt, chuyen-truong-thcs]}
- {q: "đăng ký thi tốt nghiệp", expect: dang-ky-thi-tot-nghiep}
- {q: "dk thi tn", expect: dang-ky-thi-tot-nghiep}
- {q: "làm hộ chiếu ở đâu", expect: null}
- {q: "asdfgh qwerty", expect: null}
"""


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'cchc.db'}"


@pytest.fixture(autouse=True)
def cli_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, knowledge_small_dir: Path, db_url: str
) -> None:
    """A clean environment: no stray CCHC_* settings, no .env, a tmp database and HOME."""
    for spec in SPECS:
        monkeypatch.delenv(spec.env, raising=False)
    monkeypatch.chdir(tmp_path)  # Settings.load() reads ./.env
    monkeypatch.setenv("HOME", str(tmp_path))  # the console keeps a history file there
    monkeypatch.setenv("CCHC_DATABASE_URL", db_url)
    monkeypatch.setenv("CCHC_KNOWLEDGE_DIR", str(knowledge_small_dir))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def check_ask_schema(obj: dict) -> None:
    """The `ask --json` schema and its rules."""
    assert set(obj) == ASK_KEYS
    assert obj["status"] in ("answer", "choices", "unknown")
    assert isinstance(obj["score"], float) and 0.0 <= obj["score"] <= 1.0
    assert isinstance(obj["text"], str) and obj["text"]
    assert isinstance(obj["choices"], list)
    if obj["status"] == "answer":
        assert isinstance(obj["entry_id"], str) and obj["entry_id"]
        assert obj["aspect"] is None or isinstance(obj["aspect"], str)
        assert obj["choices"] == []
    else:
        assert obj["entry_id"] is None
        assert obj["aspect"] is None
    if obj["status"] == "choices":
        assert 1 <= len(obj["choices"]) <= 3
        for choice in obj["choices"]:
            assert set(choice) == CHOICE_KEYS
            assert isinstance(choice["entry_id"], str)
            assert isinstance(choice["title"], str) and choice["title"]
            assert isinstance(choice["score"], float)
    else:
        assert obj["choices"] == []


# --- ask ---------------------------------------------------------------------------------------


def test_ask_json_answer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--json", "lệ phí cấp bản sao văn bằng")
    assert code == 0
    (obj,) = json_lines(out)
    check_ask_schema(obj)
    assert (obj["status"], obj["entry_id"], obj["aspect"]) == ("answer", "ban-sao-van-bang", "fee")
    assert obj["text"].startswith("Cấp bản sao văn bằng, chứng chỉ từ sổ gốc")
    assert "Phí, lệ phí" in obj["text"]


def test_ask_json_choices(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--json", "chuyển", "trường")  # words are joined
    assert code == 0
    (obj,) = json_lines(out)
    check_ask_schema(obj)
    assert obj["status"] == "choices"
    assert {c["entry_id"] for c in obj["choices"]} == {"chuyen-truong-thpt", "chuyen-truong-thcs"}
    assert "1. " in obj["text"] and "0. " in obj["text"]  # rendered as numbered lines


def test_ask_json_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--json", "asdfgh qwerty")
    assert code == 0
    (obj,) = json_lines(out)
    check_ask_schema(obj)
    assert obj["status"] == "unknown"
    assert obj["text"] == texts.PREVIEW_UNKNOWN


def test_ask_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "phúc khảo")
    assert code == 0
    assert out.startswith("Phúc khảo bài thi tốt nghiệp trung học phổ thông")
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_ask_without_a_question_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ask", "  ")
    assert code == EXIT_USAGE
    assert out == ""
    assert "cchc-bot ask" in err


def test_ask_does_not_touch_the_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "ask", "--json", "asdfgh qwerty")
    assert not (tmp_path / "data").exists()


QUESTIONS = ["phúc khảo mất bao lâu", "chuyển trường", "asdfgh qwerty", "dk thi tn"]


def test_ask_batch_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    batch = tmp_path / "questions.txt"
    batch.write_text("\n".join([QUESTIONS[0], "", *QUESTIONS[1:], "   "]) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "ask", "--batch", str(batch))
    assert code == 0
    objs = json_lines(out)
    assert len(out.strip().splitlines()) == len(QUESTIONS)  # one object per line
    for obj in objs:
        check_ask_schema(obj)
    assert [o["status"] for o in objs] == ["answer", "choices", "unknown", "answer"]
    assert [o["entry_id"] for o in objs] == [
        "phuc-khao-thi-tot-nghiep",
        None,
        None,
        "dang-ky-thi-tot-nghiep",
    ]
    assert objs[0]["aspect"] == "processing_time"


def test_ask_batch_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(QUESTIONS) + "\n"))
    code, out, _ = run(capsys, "ask", "--batch", "-")
    assert code == 0
    objs = json_lines(out)
    assert len(objs) == len(out.strip().splitlines()) == len(QUESTIONS)
    for obj in objs:
        check_ask_schema(obj)
    assert objs[0]["entry_id"] == "phuc-khao-thi-tot-nghiep"


def test_ask_with_a_broken_knowledge_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "ask", "--knowledge", str(tmp_path / "missing"), "phúc khảo")
    assert code == EXIT_USAGE
    assert out == ""
    assert "missing" in err


# --- eval --------------------------------------------------------------------------------------


def test_eval_json_reports_both_variants(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    golden = tmp_path / "golden.yaml"
    golden.write_text(GOLDEN, encoding="utf-8")
    code, out, _ = run(capsys, "eval", "--json", str(golden))
    assert code == 0
    summaries = {s["variant"]: s for s in json.loads(out)}
    assert set(summaries) == {"as written", "no diacritics"}
    written, folded = summaries["as written"], summaries["no diacritics"]
    # The no-diacritics copy only holds questions that had diacritics.
    assert (written["in_scope"], written["out_of_scope"]) == (5, 2)
    assert (folded["in_scope"], folded["out_of_scope"]) == (4, 1)
    for s in (written, folded):
        rates = ("answered_wrong", "choices", "handed_off", "answered_right")
        for key in (*rates, "right_answered_or_offered", "oos_answered"):
            assert 0.0 <= s[key] <= 1.0
        assert sum(s[key] for key in rates) == pytest.approx(1.0, abs=1e-3)
        assert s["right_answered_or_offered"] == 1.0
        assert s["answered_right"] >= 0.75
        assert s["answered_wrong"] == 0.0
        assert s["oos_answered"] == 0.0


def test_eval_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    golden = tmp_path / "golden.yaml"
    golden.write_text(GOLDEN, encoding="utf-8")
    code, out, _ = run(capsys, "eval", "--show-errors", str(golden))
    assert code == 0
    assert "7 câu hỏi mẫu" in out
    assert "as written" in out and "no diacritics" in out
    # The right entries were offered as choices: that is not an error, so it is not listed.
    assert "'chuyển trường'" not in out
    assert "→" not in out  # nothing in this small golden set fails


def test_eval_with_an_unknown_expected_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    golden = tmp_path / "golden.yaml"
    golden.write_text('- {q: "phúc khảo", expect: phuc-khao-thi}\n', encoding="utf-8")
    code, _, err = run(capsys, "eval", str(golden))
    assert code == EXIT_USAGE
    assert "golden.yaml:1" in err and "phuc-khao-thi" in err


# --- kb check ------------------------------------------------------------------------------------


def test_kb_check_fixture_passes(
    capsys: pytest.CaptureFixture[str], knowledge_small_dir: Path
) -> None:
    code, out, _ = run(capsys, "kb", "check", str(knowledge_small_dir))
    assert code == 0
    assert "0 lỗi" in out
    assert "11 mục" in out
    assert "gần trùng" not in out


def test_kb_check_strict_fails_on_warnings(
    capsys: pytest.CaptureFixture[str], knowledge_small_dir: Path
) -> None:
    # The expired entry is a warning: fine normally, fatal with --strict.
    code, out, _ = run(capsys, "kb", "check", "--strict", str(knowledge_small_dir))
    assert code == 1
    assert "[diem-tiep-nhan-phu-loi]" in out


def test_kb_check_reports_file_line_and_entry(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, knowledge_small_dir: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(knowledge_small_dir, broken)
    path = broken / "faq" / "lien-he.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = lines.index("    answer: |")  # the first entry: duong-day-nong
    lines[index] = "    anwser: |"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    code, out, _ = run(capsys, "kb", "check", str(broken))
    assert code == 1
    wrong_key = [line for line in out.splitlines() if "anwser" in line]
    assert wrong_key, out
    assert wrong_key[0].startswith(f"faq/lien-he.yaml:{index + 1} [duong-day-nong]")
    assert "answer" in wrong_key[0]  # suggests the right key
    summary = out.splitlines()[-1]
    assert summary.startswith(f"{broken}: ") and " 0 lỗi" not in summary


def test_kb_check_flags_near_duplicates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, knowledge_small_dir: Path
) -> None:
    root = tmp_path / "dup"
    shutil.copytree(knowledge_small_dir, root)
    (root / "faq" / "them.yaml").write_text(
        'topic: "Thêm"\n'
        "entries:\n"
        "  - id: hoi-dap-them\n"
        "    questions:\n"
        '      - "Phuc khao bai thi tot ngiep trung hoc pho thong"\n'
        '    answer: "Xem thủ tục phúc khảo."\n'
        "    reviewed: 2026-11-01\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "kb", "check", str(root))
    assert code == 0
    assert "gần trùng" in out and "[hoi-dap-them]" in out and "[phuc-khao-thi-tot-nghiep]" in out
    (line,) = [x for x in out.splitlines() if "gần trùng" in x]
    assert line.startswith("faq/them.yaml:3 [hoi-dap-them] "), line
    code, _, _ = run(capsys, "kb", "check", "--strict", str(root))
    assert code == 1


def test_kb_check_reports_near_duplicates_together_with_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, knowledge_small_dir: Path
) -> None:
    root = tmp_path / "dup-and-error"
    shutil.copytree(knowledge_small_dir, root)
    (root / "faq" / "them.yaml").write_text(
        'topic: "Thêm"\n'
        "entries:\n"
        "  - id: hoi-dap-them\n"
        "    questions:\n"
        '      - "Phuc khao bai thi tot ngiep trung hoc pho thong"\n'
        '    answer: "Xem thủ tục phúc khảo."\n'
        "    reviewed: 2026-11-01\n"
        "  - id: loi-chinh-ta\n"
        "    questions: [Câu hỏi có lỗi]\n"
        '    anwser: "khóa sai tên"\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "kb", "check", str(root))
    assert code == 1
    assert any(x.startswith("faq/them.yaml:") and "anwser" in x for x in out.splitlines()), out
    assert "gần trùng" in out and "[hoi-dap-them]" in out, out


# --- db ------------------------------------------------------------------------------------------


def test_db_upgrade_then_current(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    with Database(db_url) as database:
        head = database.head_revision()
    code, out, _ = run(capsys, "db", "current")
    assert code == 0
    assert "(trống)" in out and head in out  # empty, upgrade needed

    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0
    assert f"→ {head}" in out

    code, out, _ = run(capsys, "db", "current")
    assert code == 0
    assert f"{head} (mới nhất)" in out

    code, out, _ = run(capsys, "db", "upgrade")  # idempotent
    assert code == 0 and f"{head} → {head}" in out


def test_db_url_password_is_masked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "CCHC_DATABASE_URL", "postgresql+psycopg://cchc:hunter2@127.0.0.1:1/cchc?connect_timeout=2"
    )
    code, out, err = run(capsys, "db", "current")
    assert code == EXIT_USAGE
    assert "hunter2" not in out + err
    assert "127.0.0.1" in err


# --- chat ----------------------------------------------------------------------------------------


def test_chat_with_fake_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("xin chào\nphúc khảo\n\n/thoat\nnot read\n"))
    code, out, _ = run(capsys, "chat")
    assert code == 0
    assert out.startswith(texts.CHAT_BANNER.format(agency=AGENCY_NAME))
    assert AGENCY_NAME in out.split(texts.CHAT_BANNER.format(agency=AGENCY_NAME), 1)[1]
    assert "Phúc khảo bài thi tốt nghiệp trung học phổ thông" in out
    assert out.rstrip().endswith(texts.CHAT_BYE)
    with Database(db_url) as database:  # a new database got its schema; exchanges logged
        logged = Repository(database).recent_messages()
    assert [m.text for m in reversed(logged)] == ["xin chào", "phúc khảo"]
    assert {m.channel for m in logged} == {"console"}
    assert [m.decision for m in reversed(logged)] == ["greeting", "answer"]


def test_chat_ends_at_end_of_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("chuyển trường\n"))
    code, out, _ = run(capsys, "chat")
    assert code == 0
    assert "1. Chuyển trường" in out and "0. " in out
    assert out.rstrip().endswith(texts.CHAT_BYE)


# --- settings and run -------------------------------------------------------------------------


def test_invalid_setting_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCHC_ANSWER_THRESHOLD", "abc")
    code, out, err = run(capsys, "ask", "phúc khảo")
    assert code == EXIT_USAGE
    assert out == ""
    assert "CCHC_ANSWER_THRESHOLD" in err and "'abc'" in err
    assert err.count("Cấu hình không hợp lệ") == 1
    assert "Traceback" not in err


def test_every_invalid_setting_is_listed_in_one_message(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCHC_ANSWER_THRESHOLD", "abc")
    monkeypatch.setenv("CCHC_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("CCHC_LOG_LEVEL", "LOUD")
    code, _, err = run(capsys, "kb", "check")
    assert code == EXIT_USAGE
    assert err.count("Cấu hình không hợp lệ") == 1
    assert "(3 lỗi)" in err
    for name in ("CCHC_ANSWER_THRESHOLD", "CCHC_TIMEZONE", "CCHC_LOG_LEVEL"):
        assert name in err


def test_run_without_channels(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "run")
    assert code != 0
    assert texts.NO_CHANNELS in err
    assert out == ""


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("cchc-bot ")


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    assert "usage" in capsys.readouterr().err.lower()


# --- the installed script -----------------------------------------------------------------------


def installed_script(
    tmp_path: Path, knowledge_small_dir: Path, db_url: str
) -> tuple[list[str], dict[str, str]]:
    """How to run `cchc-bot` as a citizen's shell would, and a clean environment for it."""
    script = Path(sys.executable).with_name("cchc-bot")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "cchc_bot"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env.update(
        CCHC_KNOWLEDGE_DIR=str(knowledge_small_dir),
        CCHC_DATABASE_URL=db_url,
        HOME=str(tmp_path),
        PYTHONIOENCODING="utf-8",
    )
    return command, env


def test_installed_console_script_smoke(
    tmp_path: Path, knowledge_small_dir: Path, db_url: str
) -> None:
    command, env = installed_script(tmp_path, knowledge_small_dir, db_url)
    done = subprocess.run(
        [*command, "ask", "--batch", "-"],
        input="phúc khảo mất bao lâu\nasdfgh qwerty\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    objs = json_lines(done.stdout)
    for obj in objs:
        check_ask_schema(obj)
    assert [o["status"] for o in objs] == ["answer", "unknown"]
    assert objs[0]["entry_id"] == "phuc-khao-thi-tot-nghiep"


def test_chat_piped_into_a_reader_that_stops_ends_quietly(
    tmp_path: Path, knowledge_small_dir: Path, db_url: str
) -> None:
    """`cchc-bot chat | head -2`: the reader closes the pipe; no traceback, exit code 1."""
    command, env = installed_script(tmp_path, knowledge_small_dir, db_url)
    reader_side, writer_side = os.pipe()
    os.close(reader_side)  # the reader has already gone
    with os.fdopen(writer_side, "wb") as closed_stdout:
        done = subprocess.run(
            [*command, "chat"],
            input="phúc khảo mất bao lâu\n" * 50,
            stdout=closed_stdout,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_unreadable_files_are_explained_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "ask", "--batch", str(tmp_path / "missing.txt"))
    assert code == EXIT_USAGE and "missing.txt" in err and "không có tệp" in err
    code, _, err = run(capsys, "ask", "--batch", str(tmp_path))
    assert code == EXIT_USAGE and "thư mục" in err
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("phúc khảo\n".encode("latin-1", errors="replace") + b"\xff\xfe\n")
    code, _, err = run(capsys, "ask", "--batch", str(latin1))
    assert code == EXIT_USAGE and "UTF-8" in err
    code, _, err = run(capsys, "queue", "--by", "Lan", "answer", "1", "--file", "nope.txt")
    assert code == EXIT_USAGE and "nope.txt" in err
