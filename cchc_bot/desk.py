"""The citizen's side of the hotline inside a conversation: file, track, rate, survey."""

from __future__ import annotations

import logging
import re

from cchc_bot import texts
from cchc_bot.hotline import HotlineService, looks_like_complaint
from cchc_bot.lexicon import SURVEY_SKIP_WORDS
from cchc_bot.matching import Match
from cchc_bot.messages import Incoming, Reply
from cchc_bot.storage import Candidate, StorageError

log = logging.getLogger(__name__)

TICKET_NUMBER = re.compile(r"\bHD[\s-]*(\d{4})[\s-]*(\d{1,6})\b", re.IGNORECASE)
_RATING = re.compile(r"^(e|t):(\S+)\s+(up|down)$")


def ticket_number(found: re.Match[str]) -> str:
    return f"HD-{found.group(1)}-{int(found.group(2)):05d}"


class CitizenDesk:
    def __init__(self, hotline: HotlineService) -> None:
        self.hotline = hotline

    @property
    def agency(self):
        return self.hotline.knowledge.current.knowledge.agency

    def is_complaint(self, text: str) -> bool:
        tokens = self.hotline.knowledge.current.matcher.normalizer.tokens(text)
        return looks_like_complaint(text, tokens)

    def file(self, incoming: Incoming, text: str, match: Match, kind: str = "question") -> Reply:
        """Hand a question (or complaint) to staff; the reply gives number, due time, phone."""
        loaded = self.hotline.knowledge.current
        found = match.candidates or tuple(loaded.matcher.search(text, limit=3))
        floor = loaded.matcher.thresholds.choice  # below it, a "topic" would be a guess
        candidates = tuple(Candidate(c.entry.id, c.entry.title, c.score) for c in found[:3])
        try:
            opened = self.hotline.open_ticket(
                channel=incoming.channel,
                chat_id=incoming.chat_id,
                user_id=incoming.user_id,
                text=text,
                display_name=incoming.display_name,
                kind=kind,
                candidates=candidates,
                category=found[0].entry.topic if found and found[0].score >= floor else None,
            )
        except StorageError as exc:
            log.error("could not store a hotline ticket: %s", exc)
            return Reply(
                texts.TICKET_FAILED.format(hotline=self.agency.hotline), decision="unknown"
            )
        ticket = opened.ticket
        due = self.hotline.format_due(ticket)
        if opened.existing:
            message = texts.TICKET_EXISTS.format(number=ticket.number, due=due)
        else:
            template = texts.COMPLAINT_CREATED if kind == "complaint" else texts.TICKET_CREATED
            # agency.yaml may word the promise itself ("trong 03 ngày làm việc"); the due
            # time is computed from CCHC_QUESTION_DUE_DAYS / CCHC_COMPLAINT_DUE_DAYS.
            promise = self.agency.hotline_response if kind == "question" else None
            message = template.format(
                number=ticket.number,
                due=due,
                response=promise or self.hotline.response_phrase(kind),
                hotline=self.agency.hotline,
            )
        return Reply(
            message,
            decision="complaint" if kind == "complaint" else "ticket",
            score=match.score,
            ticket_number=ticket.number,
            candidates=tuple((c.entry_id, c.title, c.score) for c in candidates),
        )

    def track(self, incoming: Incoming, found: re.Match[str]) -> Reply:
        wanted = ticket_number(found)
        try:
            ticket = self.hotline.ticket_for_citizen(wanted, incoming.channel, incoming.chat_id)
        except StorageError as exc:
            log.warning("ticket lookup failed: %s", exc)
            ticket = None
        if ticket is None:
            return Reply(texts.TRACK_NOT_FOUND.format(number=wanted), decision="track")
        tz = self.hotline.timezone
        created = ticket.created_at.astimezone(tz).strftime("%d/%m/%Y %H:%M")
        status = texts.TICKET_STATUS_NAMES.get(ticket.status, ticket.status)
        lines = [texts.TRACK_STATUS.format(number=ticket.number, created=created, status=status)]
        if ticket.answer and ticket.status in ("answered", "closed"):
            lines.append(texts.TRACK_ANSWER.format(answer=ticket.answer))
        elif ticket.status in ("open", "assigned"):
            lines.append(texts.TRACK_DUE.format(due=self.hotline.format_due(ticket)))
        return Reply("\n".join(lines), decision="track", ticket_number=ticket.number)

    def rate(self, incoming: Incoming, argument: str, question: str | None) -> tuple[Reply, bool]:
        """'/danhgia e:<entry> up|down' or 't:<ticket> …'; returns the reply and whether the
        citizen was offered the hotline (a 👎 on the bot's own answer)."""
        found = _RATING.match(argument.strip())
        if found is None:
            return Reply(texts.RATING_UNKNOWN, decision="rating"), False
        target, key, direction = found.groups()
        value = 1 if direction == "up" else -1
        try:
            self.hotline.rate(
                channel=incoming.channel,
                chat_id=incoming.chat_id,
                user_id=incoming.user_id,
                value=value,
                entry_id=key if target == "e" else None,
                ticket_number=key if target == "t" else None,
            )
        except StorageError as exc:
            log.warning("could not store a rating: %s", exc)
        if value > 0:
            return Reply(
                texts.RATED_UP, decision="rating", entry_id=key if target == "e" else None
            ), False
        if target == "e" and question:
            choices = ((texts.SEND_TO_STAFF_LABEL, "/hotline"),)
            return Reply(texts.RATED_DOWN, choices=choices, decision="rating", entry_id=key), True
        hotline = self.agency.hotline
        return Reply(texts.HOTLINE_ASK.format(hotline=hotline), decision="rating"), False

    def survey(self, incoming: Incoming, text: str) -> Reply | None:
        """The answer to a pending satisfaction survey, or None when none is pending."""
        try:
            pending = self.hotline.outbox.pending_survey(incoming.channel, incoming.chat_id)
            if pending is None:
                return None
            if text.strip().lower() in SURVEY_SKIP_WORDS:
                self.hotline.outbox.skip_survey(incoming.channel, incoming.chat_id)
                return Reply(texts.SURVEY_SKIPPED, decision="survey")
            if self.hotline.outbox.answer_survey(incoming.channel, incoming.chat_id, text):
                return Reply(texts.SURVEY_THANKS, decision="survey")
        except StorageError as exc:
            log.warning("survey storage failed: %s", exc)
        return None
