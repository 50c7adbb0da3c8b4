"""The knowledge base: staff-edited YAML folders, loaded and validated (the only yaml user)."""

from cchc_bot.knowledge.loader import CheckReport, check_knowledge, load_golden, load_knowledge
from cchc_bot.knowledge.model import (
    ASPECTS,
    Agency,
    Entry,
    EntryKind,
    GoldenCase,
    Holiday,
    KnowledgeBase,
    Link,
    Online,
    ProcedureFields,
    Source,
    Synonyms,
    Topic,
)
from cchc_bot.knowledge.notices import (
    NOTICE_TOPICS,
    Notice,
    NoticesReport,
    check_notices,
    load_notices,
)
from cchc_bot.knowledge.problems import KnowledgeError, Problem

__all__ = [
    "ASPECTS",
    "NOTICE_TOPICS",
    "Agency",
    "CheckReport",
    "Entry",
    "EntryKind",
    "GoldenCase",
    "Holiday",
    "KnowledgeBase",
    "KnowledgeError",
    "Link",
    "Notice",
    "NoticesReport",
    "Online",
    "Problem",
    "ProcedureFields",
    "Source",
    "Synonyms",
    "Topic",
    "check_knowledge",
    "check_notices",
    "load_golden",
    "load_knowledge",
    "load_notices",
]
