"""The rules of the hotline that need no storage: ticket numbers as people type them, which
questions may share an answer, the time staff have, what reads as a complaint."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cchc_bot.lexicon import COMPLAINT_CUES
from cchc_bot.redact import has_personal_data
from cchc_bot.storage import AuditRecord, NoteRecord, TicketRecord


class TransitionError(Exception):
    """A staff action that the ticket's status does not allow (message for staff)."""


@dataclass(frozen=True)
class Opened:
    ticket: TicketRecord
    existing: bool  # the same citizen had already asked this and it is still open


@dataclass(frozen=True)
class TicketView:
    ticket: TicketRecord
    notes: tuple[NoteRecord, ...]
    audit: tuple[AuditRecord, ...]
    members: tuple[TicketRecord, ...] = ()


# Only what a transition allows: from-states per action.
ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    "assign": ("open", "assigned"),
    "answer": ("open", "assigned", "answered"),
    "close": ("answered",),
    "reject": ("open", "assigned"),
}


@dataclass(frozen=True)
class Policy:
    question_due_days: float = 3
    # Luật Khiếu nại 2011: a complaint must be accepted (thụ lý) within 10 days of receipt;
    # the hotline promises its first substantive reply within 10 working days.
    complaint_due_days: float = 10


# What citizens and staff type for a ticket number: "HD-2026-00042", "hd 2026 42", "HD2026-42".
TICKET_NUMBER = re.compile(r"\bHD[\s-]*(\d{4})[\s-]*(\d{1,6})\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")


def ticket_number(found: re.Match[str]) -> str:
    return f"HD-{found.group(1)}-{int(found.group(2)):05d}"


def canonical_number(text: str) -> str:
    """'hd-2026-2' → 'HD-2026-00002'; anything else is returned stripped and upper-cased."""
    found = TICKET_NUMBER.fullmatch(text.strip())
    return ticket_number(found) if found else text.strip().upper()


def same_numbers(text: str, other: str) -> bool:
    """The same numbers in the same order: "lớp 6" and "lớp 9" ask different things."""
    return [int(n) for n in _NUMBER.findall(text)] == [int(n) for n in _NUMBER.findall(other)]


def may_group(text: str, other: str) -> bool:
    """Whether two citizens' questions may share one answer at all (before comparing their
    wording): not when their numbers differ ("5/11" / "7/11"), and never for a text with
    personal data (phone, ID, e-mail, ticket or dossier code): its answer is for one person."""
    if not same_numbers(text, other):
        return False
    return not (has_personal_data(text) or has_personal_data(other))


def working_days(days: float) -> str:
    """3 → '03', 10 → '10', 2.5 → '2,5' (as official letters write a time limit)."""
    return f"{int(days):02d}" if float(days).is_integer() else f"{days:g}".replace(".", ",")


def looks_like_complaint(text: str, tokens: Sequence[str]) -> bool:
    """A report about how a case was handled rather than a question about a procedure."""
    joined = " " + " ".join(tokens) + " "
    return any(f" {cue} " in joined for cue in COMPLAINT_CUES)
