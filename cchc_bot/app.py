"""Composition root: settings → database → knowledge → engine."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from cchc_bot.broadcast import SubscriptionDesk
from cchc_bot.engine import Engine
from cchc_bot.hotline import HotlineService, Policy
from cchc_bot.kb_service import KnowledgeService
from cchc_bot.matching import Thresholds
from cchc_bot.settings import Settings
from cchc_bot.storage import (
    Database,
    HotlineRepository,
    Repository,
    SchemaOutOfDate,
    SubscriptionRepository,
)
from cchc_bot.workcalendar import WorkCalendar

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    database: Database
    knowledge: KnowledgeService
    engine: Engine
    hotline: HotlineService

    def close(self) -> None:
        self.database.close()


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
    return HotlineService(
        Repository(database), HotlineRepository(database), knowledge, calendar, policy
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
