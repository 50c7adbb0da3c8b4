"""How soon `cchc-bot chat` answers after it is launched, on the shipped knowledge base.

    python benchmarks/chat_start.py [--runs 7] [--knowledge knowledge]

Each run starts `cchc-bot chat` as a fresh process on the embedded SQLite default (a new
database file in a temporary folder, so the first run of each pair also creates the schema),
types one question at once and stops the clock when the answer's first line is printed. Half
the runs start on a new database, half on the one an earlier run left. It prints the
median, fastest and slowest time to the banner (ready for input) and to the first answer,
and where an in-process start spends its time (imports, knowledge and index, database).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "số điện thoại đường dây nóng sở giáo dục"
EXPECTED = "Đường dây nóng"  # the first line of that answer starts so


def _command() -> list[str]:
    script = Path(sys.executable).with_name("cchc-bot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cchc_bot"]


def one_run(folder: Path, knowledge: Path) -> tuple[float, float]:
    """Seconds from launch to the banner and to the answer's first line."""
    env = {
        **os.environ,
        "HOME": str(folder),  # the console's history file goes there
        "CCHC_DATABASE_URL": f"sqlite:///{folder / 'cchc.db'}",
        "CCHC_KNOWLEDGE_DIR": str(knowledge),
        "PYTHONUNBUFFERED": "1",
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [*_command(), "chat"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
        text=True,
        encoding="utf-8",
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(QUESTION + "\n")  # typed at once: waits in the pipe until read
    process.stdin.flush()
    banner = answer = 0.0
    for line in process.stdout:
        now = time.perf_counter() - started
        if not banner and line.startswith("cchc-bot"):
            banner = now
        if EXPECTED in line and not line.lstrip("> ").startswith(QUESTION):
            answer = now
            break
    process.stdin.close()
    process.stdout.close()
    process.wait(timeout=30)
    if not answer:
        raise SystemExit(f"no answer to {QUESTION!r}: is {knowledge} the shipped knowledge base?")
    return banner, answer


def phases(knowledge: Path) -> dict[str, float]:
    """Where an in-process start spends its time (a fresh interpreter, measured inside)."""
    code = f"""
import time, tempfile, json
t0 = time.perf_counter()
from cchc_bot.settings import Settings
from cchc_bot.app import build_app
t1 = time.perf_counter()
from cchc_bot.kb_service import KnowledgeService
from cchc_bot.app import thresholds, open_database
folder = tempfile.mkdtemp()
settings = Settings.load(environ={{"CCHC_DATABASE_URL": f"sqlite:///{{folder}}/c.db",
                                   "CCHC_KNOWLEDGE_DIR": {str(knowledge)!r}}}, env_file=None)
service = KnowledgeService(settings.knowledge_dir, thresholds(settings))
service.current
t2 = time.perf_counter()
database = open_database(settings)
t3 = time.perf_counter()
print(json.dumps({{"imports": t1 - t0, "knowledge and index": t2 - t1, "database": t3 - t2}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    args = parser.parse_args()
    banners: list[float] = []
    answers: list[float] = []
    folder = Path(tempfile.mkdtemp(prefix="cchc-chat-start-"))
    try:
        one_run(folder, args.knowledge.resolve())  # warm the file cache and .pyc files
        for run in range(args.runs):
            if run % 2 == 0:  # every other run starts on a new database
                shutil.rmtree(folder)
                folder.mkdir()
            banner, answer = one_run(folder, args.knowledge.resolve())
            banners.append(banner)
            answers.append(answer)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    def line(name: str, values: list[float]) -> str:
        return (
            f"{name:<20} median {statistics.median(values):.2f} s  "
            f"fastest {min(values):.2f} s  slowest {max(values):.2f} s"
        )

    print(f"cchc-bot chat, {args.runs} launches (target: answering within 1.5 s)")
    print(line("banner shown", banners))
    print(line("first answer", answers))
    print(
        "in-process start: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in phases(args.knowledge.resolve()).items())
    )


if __name__ == "__main__":
    main()
