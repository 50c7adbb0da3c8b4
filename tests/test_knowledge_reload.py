"""A running bot follows edits of the knowledge folder: reload when a YAML file changes, keep
the old version when the new one is broken, and the hotline's calendar takes new holidays."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date
from pathlib import Path

import pytest

from cchc_bot.app import build_app
from cchc_bot.kb_service import KnowledgeService, Loaded
from cchc_bot.knowledge.writer import add_faq_entry
from cchc_bot.matching import Thresholds
from cchc_bot.settings import Settings
from cchc_bot.settings_specs import SPECS

QUESTION = "Sở có cấp học bổng du học cho học sinh giỏi không?"


@pytest.fixture
def folder(tmp_path: Path, knowledge_small_dir: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(knowledge_small_dir, target)
    return target


def add_entry(folder: Path) -> None:
    add_faq_entry(
        folder,
        "faq/hoi-dap.yaml",
        "hoc-bong-du-hoc",
        QUESTION,
        "Sở GDĐT không cấp học bổng du học.",
        comment="c",
        reviewed=date(2026, 11, 21),
    )


def test_reload_when_a_file_changed_and_only_then(folder: Path) -> None:
    service = KnowledgeService(folder, Thresholds())
    seen: list[Loaded] = []
    service.on_reload(seen.append)
    assert service.reload_if_changed() is False and seen == []
    add_entry(folder)
    assert service.reload_if_changed() is True
    assert "hoc-bong-du-hoc" in service.current.knowledge.by_id()
    assert service.current.matcher.match(QUESTION).entry.id == "hoc-bong-du-hoc"  # type: ignore[union-attr]
    assert seen == [service.current]
    assert service.reload_if_changed() is False


def test_a_broken_edit_keeps_the_old_version_and_is_tried_once(folder: Path) -> None:
    service = KnowledgeService(folder, Thresholds())
    before = service.current
    (folder / "faq" / "lien-he.yaml").write_text("topic: [broken\n", encoding="utf-8")
    assert service.reload_if_changed() is False
    assert service.current is before
    assert service.reload_if_changed() is False  # not again until the next change
    (folder / "faq" / "lien-he.yaml").unlink()
    assert service.reload_if_changed() is True
    assert service.current is not before


def test_the_server_job_reloads_knowledge_and_holidays(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for spec in SPECS:
        monkeypatch.delenv(spec.env, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite:///{tmp_path / 'cchc.db'}")
    monkeypatch.setenv("CCHC_KNOWLEDGE_DIR", str(folder))
    app = build_app(Settings.load())
    try:
        assert app.hotline.calendar.holidays == frozenset()
        (folder / "holidays.yaml").write_text(
            'holidays:\n  - {date: 2026-11-25, name: "Nghỉ thử"}\n', encoding="utf-8"
        )
        add_entry(folder)
        asyncio.run(app.watch_knowledge())
        assert app.hotline.calendar.holidays == frozenset({date(2026, 11, 25)})
        assert "hoc-bong-du-hoc" in app.engine.knowledge.current.knowledge.by_id()
    finally:
        app.close()


def test_the_server_runs_the_knowledge_job(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cchc_bot.server import Server

    for spec in SPECS:
        monkeypatch.delenv(spec.env, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite:///{tmp_path / 'cchc.db'}")
    monkeypatch.setenv("CCHC_KNOWLEDGE_DIR", str(folder))
    settings = Settings.load()
    app = build_app(settings)
    try:
        assert app.watch_knowledge in Server(settings, app).dispatcher.jobs
    finally:
        app.close()
