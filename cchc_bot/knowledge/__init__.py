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
from cchc_bot.knowledge.problems import KnowledgeError, Problem

__all__ = [
    "ASPECTS",
    "Agency",
    "CheckReport",
    "Entry",
    "EntryKind",
    "GoldenCase",
    "Holiday",
    "KnowledgeBase",
    "KnowledgeError",
    "Link",
    "Online",
    "Problem",
    "ProcedureFields",
    "Source",
    "Synonyms",
    "Topic",
    "check_knowledge",
    "load_golden",
    "load_knowledge",
]
