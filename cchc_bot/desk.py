"""The citizen's side of the hotline inside a conversation: file, track, rate, survey."""

from __future__ import annotations

import logging
import re
from typing import Literal

from cchc_bot import texts
from cchc_bot.hotline import HotlineService
from cchc_bot.hotline_rules import TICKET_NUMBER as TICKET_NUMBER
from cchc_bot.hotline_rules import looks_like_complaint, ticket_number, working_days
from cchc_bot.lexicon import SURVEY_SKIP_WORDS
from cchc_bot.matching import Match
from cchc_bot.messages import Incoming, Reply
from cchc_bot.storage import Candidate, ChatState, StorageError
from cchc_bot.vietnamese import tokenize

log = logging.getLogger(__name__)

_RATING = re.compile(r"^(e|t):(\S+)\s+(up|down)$")
# The numbers at the start of a message: "5 4 5 5 cảm ơn" → "5 4 5 5", "3,2,1" → "3,2,1".
_LEADING_NUMBERS = re.compile(r"^\s*(\d+(?:\s*[\s,;/.\-]\s*\d+)*)\s*(.*)$", re.S)
_SKIP = frozenset(" ".join(tokenize(word)) for word in SURVEY_SKIP_WORDS) | {"boqua"}

SurveyKind = Literal["skip", "scores", "number"]
# Why a question goes to staff: the bot had no sure answer, or the citizen asked for staff
# (after an answer, after a 👎, or with /hotline and their words).
FileReason = Literal["unsure", "asked"]


def survey_kind(text: str) -> SurveyKind | None:
    """What a message would be as the answer to a survey: a skip word, scores (two numbers or
    more at its start, readable or not: "5 4 5 5", "6 7", "3,2,1"), a lone number (which may
    also pick a choice), or None — words: a question, even while a survey waits."""
    if text.strip().lower() in SURVEY_SKIP_WORDS or " ".join(tokenize(text)) in _SKIP:
        return "skip"
    found = _LEADING_NUMBERS.match(text)
    if found is None:
        return None
    numbers = re.findall(r"\d+", found.group(1))
    if len(numbers) >= 2:
        return "scores"
    return "number" if not found.group(2).strip() else None


def _can_pick(number: int, state: ChatState | None) -> bool:
    """Whether a lone number picks something offered (0: the question goes to staff)."""
    if state is None:
        return False
    return bool(state.pending_question) if number == 0 else number <= len(state.pending_choices)


class CitizenDesk:
    def __init__(self, hotline: HotlineService) -> None:
        self.hotline = hotline

    @property
    def agency(self):
        return self.hotline.knowledge.current.knowledge.agency

    def is_complaint(self, text: str) -> bool:
        tokens = self.hotline.knowledge.current.matcher.normalizer.tokens(text)
        return looks_like_complaint(text, tokens)

    def file(
        self,
        incoming: Incoming,
        text: str,
        match: Match,
        kind: str = "question",
        reason: FileReason = "unsure",
    ) -> Reply:
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
            template = texts.COMPLAINT_CREATED
            if kind != "complaint":
                template = texts.TICKET_REQUESTED if reason == "asked" else texts.TICKET_CREATED
            message = template.format(
                number=ticket.number,
                due=due,
                response=self.promise(kind),
                hotline=self.agency.hotline,
            )
        return Reply(
            message,
            decision="complaint" if kind == "complaint" else "ticket",
            score=match.score,
            ticket_number=ticket.number,
            candidates=tuple((c.entry_id, c.title, c.score) for c in candidates),
        )

    def promise(self, kind: str) -> str:
        """The time staff have, as the citizen reads it: always the policy's number of days
        (CCHC_QUESTION_DUE_DAYS / CCHC_COMPLAINT_DUE_DAYS), the one the due time is computed
        from. agency.yaml's `hotline_response` words it only with a {days} placeholder."""
        days = self.hotline.due_days(kind)
        wording = self.agency.hotline_response if kind == "question" else None
        if wording and "{days}" in wording:
            return wording.replace("{days}", working_days(days))
        return self.hotline.response_phrase(kind)

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
        if target == "t":  # 👎 on a staff answer: recorded; how to ask again
            text = texts.RATED_DOWN_STAFF.format(number=key.upper(), hotline=hotline)
        else:
            text = texts.RATED_NOTED + " " + texts.HOTLINE_ASK.format(hotline=hotline)
        return Reply(text, decision="rating"), False

    def survey_reply(self, incoming: Incoming, text: str, state: ChatState | None) -> Reply | None:
        """The survey's reply when the message answers (or tries to answer) a pending survey;
        None for words (a question) and for a lone number that picks something offered."""
        kind = survey_kind(text)
        if kind is None:
            return None
        if kind == "number" and _can_pick(int(re.findall(r"\d+", text)[0]), state):
            return None
        return self.survey(incoming, text, kind)

    def survey(self, incoming: Incoming, text: str, kind: SurveyKind) -> Reply | None:
        """The answer to a pending satisfaction survey, or None when none is pending.

        ``kind`` is :func:`survey_kind` of the text: skipped, stored when four scores 1–5 are
        read, else the citizen is told how to answer (never filed as a question).
        """
        outbox = self.hotline.outbox
        try:
            if outbox.pending_survey(incoming.channel, incoming.chat_id) is None:
                return None
            if kind == "skip":
                outbox.skip_survey(incoming.channel, incoming.chat_id)
                return Reply(texts.SURVEY_SKIPPED, decision="survey")
            if kind == "scores" and outbox.answer_survey(incoming.channel, incoming.chat_id, text):
                return Reply(texts.SURVEY_THANKS, decision="survey")
        except StorageError as exc:
            log.warning("survey storage failed: %s", exc)
            return None
        return Reply(texts.SURVEY_INVALID, decision="survey")
