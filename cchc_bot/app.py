"""Composition root: settings → database → knowledge → engine.

A running server follows edits of the knowledge folder: :meth:`App.watch_knowledge` (a job
of the server's dispatcher round) looks at the folder's YAML files at most every
:data:`KNOWLEDGE_CHECK_SECONDS` and reloads when one changed; the hotline's working calendar
takes the new holidays with it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cchc_bot.broadcast import SubscriptionDesk
from cchc_bot.engine import Engine
from cchc_bot.hotline import HotlineService, Policy
from cchc_bot.kb_service import KnowledgeService
from cchc_bot.knowledge import Holiday
from cchc_bot.matching import Thresholds
from cchc_bot.settings import Settings
from cchc_bot.storage import (
    Database,
    HotlineRepository,
    Repository,
    SchemaOutOfDate,
    SubscriptionRepository,
)
from cchc_bot.workcalendar import WorkCalendar, holiday_gaps

log = logging.getLogger(__name__)

KNOWLEDGE_CHECK_SECONDS = 10.0


@dataclass
class App:
    settings: Settings
    database: Database
    knowledge: KnowledgeService
    engine: Engine
    hotline: HotlineService
    _checked: float = field(default=float("-inf"), init=False, repr=False)

    def close(self) -> None:
        self.database.close()

    def reload_knowledge_if_changed(self) -> bool:
        """Reload the knowledge folder when a YAML file changed (and the calendar with it)."""
        return self.knowledge.reload_if_changed()

    async def watch_knowledge(self) -> None:
        """A dispatcher job: look for knowledge edits at most every KNOWLEDGE_CHECK_SECONDS."""
        now = time.monotonic()
        if now - self._checked < KNOWLEDGE_CHECK_SECONDS:
            return
        self._checked = now
        await asyncio.to_thread(self.reload_knowledge_if_changed)


def thresholds(settings: Settings) -> Thresholds:
    return Thresholds(settings.answer_threshold, settings.choice_threshold, settings.answer_margin)


def open_database(settings: Settings) -> Database:
    """Open the database; a brand-new one is created at the current schema.

    An existing database at an older schema is refused (SchemaOutOfDate) until the operator
    runs `cchc-bot db upgrade`: migrating live data is a decision, not a side effect.
    """
    database = Database(settings.database_url)
    try:
        if database.current_revision() is None:
            log.info("new database: creating the schema")
            database.upgrade()
        else:
            database.check_schema()
    except Exception:
        database.close()
        raise
    return database


def build_hotline(
    settings: Settings, database: Database, knowledge: KnowledgeService
) -> HotlineService:
    holidays = [h.day for h in knowledge.current.knowledge.holidays]
    calendar = WorkCalendar.build(settings.timezone, settings.work_hours, holidays)
    policy = Policy(settings.question_due_days, settings.complaint_due_days)
    hotline = HotlineService(
        Repository(database), HotlineRepository(database), knowledge, calendar, policy
    )
    knowledge.on_reload(hotline.follow_holidays)
    warn_holiday_gaps(knowledge.current.knowledge.holidays, settings.timezone)
    knowledge.on_reload(
        lambda loaded: warn_holiday_gaps(loaded.knowledge.holidays, settings.timezone)
    )
    return hotline


def warn_holiday_gaps(holidays: Iterable[Holiday], timezone: ZoneInfo) -> None:
    """Log what holidays.yaml lacks for the coming year (due times would count those days)."""
    days = [h.day for h in holidays]
    gaps = holiday_gaps(days, datetime.now(timezone).date())
    if gaps is None:
        return
    missing = []
    if not days:
        missing.append("no holidays listed")
    elif gaps.listed_until is not None:
        missing.append(f"holidays listed only until {gaps.listed_until}")
    if gaps.tet_years and days:
        missing.append("no Tet holidays for " + ", ".join(map(str, gaps.tet_years)))
    log.warning(
        "holidays.yaml does not cover the year up to %s: %s (due times will count those days "
        "as working days; `cchc-bot kb check` tells more)",
        gaps.horizon,
        "; ".join(missing),
    )


def build_app(settings: Settings, knowledge_dir: Path | None = None) -> App:
    knowledge = KnowledgeService(knowledge_dir or settings.knowledge_dir, thresholds(settings))
    database = open_database(settings)
    hotline = build_hotline(settings, database, knowledge)
    subscriptions = SubscriptionDesk(SubscriptionRepository(database))
    engine = Engine(
        knowledge,
        hotline.repository,
        timezone=settings.timezone,
        hotline=hotline,
        subscriptions=subscriptions,
    )
    return App(settings, database, knowledge, engine, hotline)


__all__ = ["App", "SchemaOutOfDate", "build_app", "open_database", "thresholds"]
