"""Fixtures of the storage tests (the database fixtures live in tests/conftest.py)."""

from __future__ import annotations

import pytest

from cchc_bot.storage import Database, HotlineRepository, Repository
from tests.storage._hotline import Clock


@pytest.fixture
def clock() -> Clock:
    """A settable clock starting at ``_hotline.T0``."""
    return Clock()


@pytest.fixture
def hotline(repository: Repository, database: Database, clock: Clock) -> HotlineRepository:
    """A HotlineRepository on a migrated database, reading ``clock``."""
    return HotlineRepository(database, clock=clock)
