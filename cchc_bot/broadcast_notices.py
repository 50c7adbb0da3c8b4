"""Notices as staff manage them: sync from files, approve, schedule, send, cancel.

Status flow: draft → approved (who, when) → scheduled (a time in the agency's time zone)
→ sending → sent, or cancelled; a scheduled notice whose time passed more than the catch-up
window ago (the server was down) becomes missed and waits for a new schedule. Only approved
content is ever sent: the text is frozen when it is approved, and a file edit (its content
hash changes) sends an approved, scheduled or missed notice back to draft.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from cchc_bot import cli_texts
from cchc_bot.knowledge import NOTICE_TOPICS, Notice, load_notices
from cchc_bot.knowledge.notices import LAST_DAY
from cchc_bot.storage import (
    DeliveryRepository,
    NoticeConflict,
    NoticeNotFound,
    NoticeRecord,
    NoticeRepository,
    StorageError,
)

log = logging.getLogger(__name__)

FILE_SOURCE = "notices/"
CLI_SOURCE = "cli"
EDITABLE = ("draft", "cancelled")
APPROVED = ("approved", "scheduled", "missed")
LOCKED = ("sending", "sent")
PAST_GRACE = timedelta(minutes=5)
_AT = re.compile(r"^(\d{4})-(\d{2})-(\d{2}|last)[ T](\d{1,2}):(\d{2})$", re.IGNORECASE)


class NoticeError(Exception):
    """A staff action the notice does not allow; the message says why (Vietnamese)."""


def refusal(action: str, notice_id: str, status: str) -> str:
    """Why `action` is refused in `status`, with what to do instead when there is a hint."""
    shown = cli_texts.NOTICE_STATUS_NAMES.get(status, status)
    hint = cli_texts.NOTICE_HINTS.get((action, status), "").format(id=notice_id)
    message = cli_texts.NOTICE_REFUSED.format(
        action=cli_texts.NOTICE_ACTIONS.get(action, action), id=notice_id, status=shown
    )
    return f"{message} {hint}".strip()


def planned_time(year: int, month: int, day: int | str, hhmm: str, zone: tzinfo) -> datetime:
    """The UTC moment of `day` (1–31 or "last") of a month at "HH:MM" local time."""
    last = calendar.monthrange(year, month)[1]
    number = last if day == LAST_DAY else int(day)
    if not 1 <= number <= last:
        raise ValueError(f"{year}-{month:02d} has no day {number}")
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime(year, month, number, hour, minute, tzinfo=zone).astimezone(UTC)


def parse_at(text: str, zone: tzinfo) -> datetime:
    """`2027-01-15 08:00`, `2027-02-last 08:00` (local time) → UTC; ValueError otherwise."""
    found = _AT.match(text.strip())
    if found is None:
        raise ValueError(cli_texts.NOTICE_BAD_AT.format(value=text))
    year, month, day, hour, minute = found.groups()
    if not 1 <= int(month) <= 12 or int(hour) > 23 or int(minute) > 59:
        raise ValueError(cli_texts.NOTICE_BAD_AT.format(value=text))
    try:
        return planned_time(int(year), int(month), day.lower(), f"{hour}:{minute}", zone)
    except ValueError as exc:
        raise ValueError(cli_texts.NOTICE_BAD_AT.format(value=text)) from exc


@dataclass(frozen=True)
class SyncChange:
    notice_id: str
    change: str  # new | edited | back_to_draft | locked | removed


class NoticeService:
    def __init__(
        self,
        notices: NoticeRepository,
        deliveries: DeliveryRepository,
        knowledge_dir: str | Path,
        timezone: tzinfo,
    ) -> None:
        self.notices = notices
        self.deliveries = deliveries
        self.knowledge_dir = Path(knowledge_dir)
        self.timezone = timezone

    # -- reading -------------------------------------------------------------------------------

    def get(self, notice_id: str) -> NoticeRecord:
        notice = self.notices.get(notice_id)
        if notice is None:
            raise NoticeError(cli_texts.NOTICE_NOT_FOUND.format(id=notice_id))
        return notice

    def listing(self) -> list[NoticeRecord]:
        return self.notices.all_notices()

    def local(self, moment: datetime | None) -> str:
        """A stored UTC time as staff read it (`15/01/2027 08:00`), or '–'."""
        if moment is None:
            return "–"
        return moment.astimezone(self.timezone).strftime("%d/%m/%Y %H:%M")

    # -- the files -------------------------------------------------------------------------------

    def sync(self) -> list[SyncChange]:
        """Bring the files' notices into the database; KnowledgeError when a file is broken."""
        found = {n.id: n for n in load_notices(self.knowledge_dir)}
        stored = {n.id: n for n in self.notices.all_notices()}
        changes: list[SyncChange] = []
        for notice in found.values():
            change = self._sync_one(notice, stored.get(notice.id))
            if change is not None:
                changes.append(SyncChange(notice.id, change))
        for record in stored.values():
            gone = record.source.startswith(FILE_SOURCE) and record.id not in found
            if gone and record.status in APPROVED:
                self._back_to_draft(record, cli_texts.NOTICE_REMOVED_NOTE)
                changes.append(SyncChange(record.id, "removed"))
        for change in changes:
            log.info("notice %s: %s", change.notice_id, change.change)
        return changes

    def _sync_one(self, notice: Notice, record: NoticeRecord | None) -> str | None:
        values = self._values(notice)
        if record is None:
            try:
                self.notices.create(values | {"status": "draft"}, "file", str(notice.source))
            except StorageError:  # another process created it at the same moment
                return None
            return "new"
        if record.content_hash == notice.content_hash:
            return None
        if record.status in LOCKED:
            log.warning("notice %s was edited after it was sent; the edit is ignored", notice.id)
            return "locked"
        if record.status in APPROVED:
            return self._back_to_draft(record, cli_texts.NOTICE_EDITED_NOTE, values)
        self.notices.update(record.id, EDITABLE, values, "file", "edit", str(notice.source))
        return "edited"

    def _back_to_draft(
        self, record: NoticeRecord, note: str, values: dict[str, Any] | None = None
    ) -> str:
        changes = (values or {}) | {
            "status": "draft",
            "approved_by": None,
            "approved_at": None,
            "scheduled_at": None,
            "note": note,
        }
        try:
            self.notices.update(record.id, APPROVED, changes, "file", "back_to_draft", note)
        except NoticeConflict:
            return "locked"  # it started sending meanwhile: that approved text goes out
        return "back_to_draft"

    def _values(self, notice: Notice) -> dict[str, Any]:
        planned = None
        if notice.year and notice.month and notice.day and notice.time:
            planned = planned_time(
                notice.year, notice.month, notice.day, notice.time, self.timezone
            )
        return {
            "id": notice.id,
            "title": notice.title,
            "text": notice.full_text(),
            "topics": notice.topics,
            "source": str(notice.source) if notice.source else FILE_SOURCE,
            "content_hash": notice.content_hash,
            "planned_at": planned,
        }

    # -- staff actions ---------------------------------------------------------------------

    def add(
        self, notice_id: str, title: str, text: str, topics: Sequence[str], by: str
    ) -> NoticeRecord:
        """A one-off notice written at the CLI (a draft; writing it again edits the draft)."""
        bad = [t for t in topics if t not in NOTICE_TOPICS]
        if bad or not title.strip() or not text.strip():
            raise NoticeError(cli_texts.NOTICE_BAD_ADD.format(topics=", ".join(NOTICE_TOPICS)))
        notice = Notice(notice_id, title.strip(), text.strip(), tuple(topics))
        values = self._values(notice) | {"source": CLI_SOURCE}
        record = self.notices.get(notice_id)
        if record is None:
            return self.notices.create(values | {"status": "draft"}, by, "cli")
        if record.source != CLI_SOURCE:
            raise NoticeError(cli_texts.NOTICE_FROM_FILE.format(id=notice_id, source=record.source))
        if record.status in APPROVED:
            self._back_to_draft(record, cli_texts.NOTICE_EDITED_NOTE, values)
            return self.get(notice_id)
        return self._change(notice_id, EDITABLE, values, by, "edit")

    def approve(self, notice_id: str, by: str) -> NoticeRecord:
        changes = {
            "status": "approved",
            "approved_by": by,
            "approved_at": self.notices.now(),
            "note": None,
        }
        return self._change(notice_id, ("draft",), changes, by, "approve")

    def schedule(self, notice_id: str, at: str | None, by: str) -> NoticeRecord:
        """At `at` (local time), or at the time its file plans when `at` is None."""
        notice = self.get(notice_id)
        try:
            when = parse_at(at, self.timezone) if at else notice.planned_at
        except ValueError as exc:
            raise NoticeError(str(exc)) from exc
        if when is None:
            raise NoticeError(cli_texts.NOTICE_NEEDS_AT.format(id=notice_id))
        if when < self.notices.now() - PAST_GRACE:
            raise NoticeError(cli_texts.NOTICE_IN_PAST.format(id=notice_id, at=self.local(when)))
        changes = {"status": "scheduled", "scheduled_at": when, "note": None}
        return self._change(notice_id, APPROVED, changes, by, "schedule", self.local(when))

    def send_soon(self, notice_id: str, by: str) -> NoticeRecord:
        """Due now: the running server's scheduler sends it at its next wake-up."""
        changes = {"status": "scheduled", "scheduled_at": self.notices.now(), "note": None}
        return self._change(notice_id, APPROVED, changes, by, "send")

    def cancel(self, notice_id: str, by: str) -> NoticeRecord:
        """Cancelled for good. Pending rows are skipped here; rows in sending are settled by
        their sender when it notices, or by `Broadcaster.settle_cancelled` if it died."""
        allowed = ("draft", "approved", "scheduled", "missed", "sending")
        record = self._change(notice_id, allowed, {"status": "cancelled"}, by, "cancel")
        skipped = self.deliveries.skip_pending(notice_id, "cancelled")
        if skipped:
            log.info("notice %s cancelled: %d pending deliveries skipped", notice_id, skipped)
        return record

    def _change(
        self,
        notice_id: str,
        expected: Sequence[str],
        changes: dict[str, Any],
        by: str,
        action: str,
        detail: str = "",
    ) -> NoticeRecord:
        try:
            return self.notices.update(notice_id, expected, changes, by, action, detail)
        except NoticeNotFound as exc:
            raise NoticeError(cli_texts.NOTICE_NOT_FOUND.format(id=notice_id)) from exc
        except NoticeConflict as exc:
            raise NoticeError(refusal(action, notice_id, exc.notice.status)) from exc
