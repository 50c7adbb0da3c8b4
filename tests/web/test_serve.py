"""The uvicorn server's speed-ups are optional: without uvloop, asyncio's own loop runs."""

from __future__ import annotations

import asyncio
import sys

import pytest

from cchc_bot.web import loop_factory


def test_uvloop_when_installed_else_asyncio(monkeypatch: pytest.MonkeyPatch) -> None:
    uvloop = pytest.importorskip("uvloop")
    assert loop_factory() is uvloop.new_event_loop
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as if it were not installed
    assert loop_factory() is asyncio.new_event_loop
