"""The conversation: one `Incoming` in, one `Reply` out, the same on every channel."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from cchc_bot import texts
from cchc_bot.answers import render_entry
from cchc_bot.broadcast import (
    SUBSCRIBE,
    SUBSCRIBE_WORDS,
    UNSUBSCRIBE,
    UNSUBSCRIBE_WORDS,
    SubscriptionDesk,
)
from cchc_bot.desk import TICKET_NUMBER, CitizenDesk, FileReason
from cchc_bot.hotline import HotlineService
from cchc_bot.kb_service import KnowledgeService
from cchc_bot.knowledge.model import Entry
from cchc_bot.matching import Match
from cchc_bot.messages import Incoming, Reply
from cchc_bot.redact import mask_personal
from cchc_bot.storage import ChatState, NewMessage, Repository, StorageError
from cchc_bot.vietnamese import tokenize

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
_PICK = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")
_GREETINGS = {"xin chao", "chao", "hello", "hi", "alo", "chao ban", "chao ad", "hey", "chao em"}
_THANKS = {"cam on", "cam on nhieu", "thanks", "thank you", "tks", "camon", "ok cam on"}
_HOTLINE_PHRASES = ("gap can bo", "noi chuyen voi can bo", "gap nguoi that", "chuyen can bo")


@dataclass(frozen=True)
class _Outcome:
    reply: Reply
    state: ChatState | None = None  # the chat memory to save, if it changed
    # The decision in the message log when it is a follow-up of a question already counted
    # there (reports count each question once): "choice_pick" (a suggestion picked),
    # "detail" (the full procedure after an answer), "handoff" (sent to staff afterwards).
    logged: str | None = None


def _follow_up_pick(entry_id: str, state: ChatState | None, outcome: _Outcome) -> str | None:
    """How the log records an entry delivered for a question already counted (see _Outcome)."""
    if outcome.reply.entry_id is None or state is None or not state.pending_question:
        return None  # from a menu or a topic: a question of its own
    if state.last_entry_id is None:
        return "choice_pick"  # one of the suggestions offered for the question
    return "detail" if state.last_entry_id == entry_id else None


def _choices_reply(intro: str, codes: list[tuple[str, str]], decision: str, **meta) -> Reply:
    return Reply(text=intro, choices=tuple(codes), decision=decision, **meta)


class Engine:
    """Routes messages: commands, greetings, picks from offered choices, and questions."""

    def __init__(
        self,
        knowledge: KnowledgeService,
        repository: Repository | None,
        *,
        timezone: ZoneInfo,
        hotline: HotlineService | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        subscriptions: SubscriptionDesk | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.repository = repository
        self.timezone = timezone
        self.clock = clock
        if hotline is None and repository is not None:
            hotline = HotlineService.for_repository(repository, knowledge, timezone, clock=clock)
        self.desk = CitizenDesk(hotline) if hotline is not None else None
        self.subscriptions = subscriptions

    @property
    def _store(self) -> Repository:
        if self.repository is None:
            raise RuntimeError("an Engine without storage can only preview")
        return self.repository

    # --- entry point ------------------------------------------------------------------------

    def handle(self, incoming: Incoming) -> Reply:
        started = time.perf_counter()
        try:
            state = self._store.begin_exchange(
                incoming.channel, incoming.user_id, incoming.chat_id, incoming.display_name
            )
        except StorageError as exc:
            log.warning("storage unavailable, answering without chat memory: %s", exc)
            state = None
        outcome = self._route(incoming, state)
        latency = (time.perf_counter() - started) * 1000
        reply = outcome.reply
        try:
            self._store.finish_exchange(
                NewMessage(
                    channel=incoming.channel,
                    chat_id=incoming.chat_id,
                    user_id=incoming.user_id,
                    text=mask_personal(incoming.text),
                    decision=outcome.logged or reply.decision,
                    latency_ms=round(latency, 3),
                    entry_id=reply.entry_id,
                    score=reply.score,
                    aspect=reply.aspect,
                    reply_text=reply.text,
                ),
                outcome.state,
            )
        except StorageError as exc:
            log.warning("could not log exchange: %s", exc)
        log.info(
            "reply channel=%s chat=%s decision=%s entry=%s score=%s aspect=%s ms=%.1f",
            incoming.channel, incoming.chat_id, reply.decision, reply.entry_id, reply.score,
            reply.aspect, latency,
        )  # fmt: skip
        return reply

    def preview(self, text: str) -> tuple[Match, Reply]:
        """What the bot would answer, without touching storage (for `ask` and `eval`)."""
        match = self.knowledge.current.matcher.match(text, today=self._today())
        if match.status == "unknown":
            return match, Reply(texts.PREVIEW_UNKNOWN, decision="unknown", score=match.score)
        return match, self._reply_for_match(match, text, None)[0].reply

    # --- routing ----------------------------------------------------------------------------

    def _today(self) -> date:
        return self.clock().astimezone(self.timezone).date()

    def _route(self, incoming: Incoming, state: ChatState | None) -> _Outcome:
        text = incoming.text.strip()
        if not text:
            return _Outcome(Reply(texts.EMPTY, decision="empty"))
        if len(text) > MAX_MESSAGE_CHARS:
            too_long = texts.TOO_LONG.format(length=len(text), limit=MAX_MESSAGE_CHARS)
            return _Outcome(Reply(too_long, decision="too_long"))
        answered = self.desk.survey_reply(incoming, text, state) if self.desk else None
        if answered is not None:  # scores or a skip word while a survey waits
            return _Outcome(answered, ChatState(incoming.channel, incoming.chat_id))
        if text.startswith("/"):
            return self._command(incoming, text, state)
        pick = _PICK.match(text)
        if pick:
            return self._pick(incoming, int(pick.group(1)), state)
        folded = " ".join(self.knowledge.current.matcher.normalizer.tokens(text))
        raw_folded = " ".join(tokenize(text))
        if self.subscriptions is not None and raw_folded in SUBSCRIBE_WORDS | UNSUBSCRIBE_WORDS:
            command = SUBSCRIBE if raw_folded in SUBSCRIBE_WORDS else UNSUBSCRIBE
            return self._subscription(incoming, command, "")
        if raw_folded in _GREETINGS:
            return self._welcome(incoming)
        if raw_folded in _THANKS:
            return _Outcome(Reply(texts.THANKS, decision="thanks"))
        number = TICKET_NUMBER.search(text)
        if number:
            return self._track(incoming, number)
        if any(p in raw_folded for p in _HOTLINE_PHRASES) or any(
            p in folded for p in _HOTLINE_PHRASES
        ):
            return self._hotline(incoming, None, state)
        return self._question(incoming, text)

    def _command(self, incoming: Incoming, text: str, state: ChatState | None) -> _Outcome:
        head, _, rest = text.partition(" ")
        name = head[1:].split("@", 1)[0].lower()
        rest = rest.strip()
        if name == "start":
            return self._welcome(incoming)
        if name in (SUBSCRIBE, UNSUBSCRIBE) and self.subscriptions is not None:
            return self._subscription(incoming, name, rest)
        if name in ("help", "trogiup"):
            return _Outcome(self._help())
        if name in ("menu", "thutuc", "chude"):
            return self._menu(incoming, procedures_only=name == "thutuc")
        if name == "t":
            return self._topic(incoming, rest)
        if name == "a":
            outcome = self._entry(incoming, rest)
            return replace(outcome, logged=_follow_up_pick(rest, state, outcome))
        if name == "hotline":
            return self._hotline(incoming, rest or None, state)
        if name == "tracuu":
            number = TICKET_NUMBER.search(rest)
            if number is None:
                return _Outcome(Reply(texts.TRACK_USAGE, decision="track"))
            return self._track(incoming, number)
        if name == "danhgia" and self.desk is not None:
            question = state.pending_question if state else None
            reply, offered = self.desk.rate(incoming, rest, question)
            if offered:  # "0" sends the question answered (last_entry_id) to staff
                last = state.last_entry_id if state else None
                keep = ChatState(incoming.channel, incoming.chat_id, (), last, question)
                return _Outcome(reply, keep)
            return _Outcome(reply, ChatState(incoming.channel, incoming.chat_id))
        return _Outcome(self._help())

    def _greeting(self, incoming: Incoming) -> Reply:
        agency = self.knowledge.current.knowledge.agency
        name = incoming.display_name or texts.DEFAULT_CITIZEN_NAME
        return Reply(texts.GREETING.format(name=name, agency=agency.name), decision="greeting")

    def _welcome(self, incoming: Incoming) -> _Outcome:
        """The greeting; the first time in a chat, it also offers the monthly notices."""
        reply = self._greeting(incoming)
        try:
            offer = self.subscriptions is not None and self.subscriptions.offer_once(incoming)
        except StorageError as exc:
            log.warning("could not record the subscription offer: %s", exc)
            offer = False
        if not offer:
            return _Outcome(reply)
        text = f"{reply.text}\n\n{texts.SUB_OFFER}"
        return self._offer(
            incoming, text, [(texts.SUB_OFFER_LABEL, f"/{SUBSCRIBE}")], "greeting", None
        )

    def _subscription(self, incoming: Incoming, command: str, argument: str) -> _Outcome:
        assert self.subscriptions is not None
        reply = self.subscriptions.handle(incoming, command, argument)
        codes = tuple(code for _, code in reply.choices)
        return _Outcome(reply, ChatState(incoming.channel, incoming.chat_id, pending_choices=codes))

    def _help(self) -> Reply:
        agency = self.knowledge.current.knowledge.agency
        return Reply(texts.HELP.format(hotline=agency.hotline), decision="help")

    def _menu(self, incoming: Incoming, procedures_only: bool = False) -> _Outcome:
        topics = self.knowledge.current.knowledge.topics
        if procedures_only:
            topics = tuple(t for t in topics if t.kind == "procedure")
        choices = [(t.title, f"/t {t.key}") for t in topics]
        return self._offer(incoming, texts.MENU_INTRO, choices, "menu", None)

    def _topic(self, incoming: Incoming, key: str) -> _Outcome:
        loaded = self.knowledge.current
        topic = loaded.knowledge.topic(key)
        if topic is None:
            return _Outcome(Reply(texts.UNKNOWN_TOPIC, decision="menu"))
        index = loaded.knowledge.by_id()
        today = self._today()
        entries = [index[i] for i in topic.entry_ids if index[i].is_valid_on(today)]
        choices = [(e.title, f"/a {e.id}") for e in entries]
        intro = texts.TOPIC_INTRO.format(topic=topic.title)
        return self._offer(incoming, intro, choices, "menu", None)

    def _entry(self, incoming: Incoming, entry_id: str, aspect: str | None = None) -> _Outcome:
        loaded = self.knowledge.current
        entry = loaded.knowledge.by_id().get(entry_id)
        if entry is None or not entry.is_valid_on(self._today()):
            return _Outcome(Reply(texts.UNKNOWN_ENTRY, decision="menu"))
        return self._answer(incoming, entry, aspect, score=None, decision="pick")

    def _offer(
        self,
        incoming: Incoming,
        intro: str,
        choices: list[tuple[str, str]],
        decision: str,
        question: str | None,
        **meta,
    ) -> _Outcome:
        codes = tuple(code for _, code in choices if code != "/hotline")
        state = ChatState(incoming.channel, incoming.chat_id, codes, None, question)
        return _Outcome(_choices_reply(intro, choices, decision, **meta), state)

    def _pick(self, incoming: Incoming, number: int, state: ChatState | None) -> _Outcome:
        pending = state.pending_choices if state else ()
        if number == 0:
            return self._hotline(incoming, None, state)
        if not 1 <= number <= len(pending):
            return _Outcome(Reply(texts.NO_PENDING_CHOICE.format(number=number), decision="pick"))
        code = pending[number - 1]
        return self._command(incoming, code, state)

    # --- questions --------------------------------------------------------------------------

    def _question(self, incoming: Incoming, text: str) -> _Outcome:
        match = self.knowledge.current.matcher.match(text, today=self._today())
        if match.status != "answer" and self.desk is not None and self.desk.is_complaint(text):
            return self._create_ticket(incoming, text, match, kind="complaint")
        outcome, needs_ticket = self._reply_for_match(match, text, incoming)
        if needs_ticket:
            return self._create_ticket(incoming, text, match)
        return outcome

    def _reply_for_match(
        self, match: Match, text: str, incoming: Incoming | None
    ) -> tuple[_Outcome, bool]:
        if match.status == "answer" and match.entry is not None:
            outcome = self._answer(
                incoming, match.entry, match.aspect, match.score, "answer", question=text
            )
            return outcome, False
        if match.status == "choices":
            choices = [(c.entry.title, f"/a {c.entry.id}") for c in match.candidates]
            choices.append((texts.CHOICE_NONE_LABEL, "/hotline"))
            meta = {
                "score": match.score,
                "candidates": tuple((c.entry.id, c.entry.title, c.score) for c in match.candidates),
            }
            if incoming is None:
                reply = _choices_reply(texts.CHOICES_INTRO, choices, "choices", **meta)
                return _Outcome(reply), False
            return self._offer(
                incoming, texts.CHOICES_INTRO, choices, "choices", text, **meta
            ), False
        if match.reason in ("too_vague", "empty"):
            topics = self.knowledge.current.knowledge.topics
            choices = [(t.title, f"/t {t.key}") for t in topics]
            if incoming is None:
                return _Outcome(_choices_reply(texts.TOO_VAGUE, choices, "vague")), False
            return self._offer(incoming, texts.TOO_VAGUE, choices, "vague", None), False
        return _Outcome(Reply(texts.PREVIEW_UNKNOWN, decision="unknown")), True

    def _answer(
        self,
        incoming: Incoming | None,
        entry: Entry,
        aspect: str | None,
        score: float | None,
        decision: str,
        question: str | None = None,
    ) -> _Outcome:
        knowledge = self.knowledge.current.knowledge
        text = render_entry(entry, knowledge, aspect)
        choices: tuple[tuple[str, str], ...] = (
            (texts.RATE_UP_LABEL, f"/danhgia e:{entry.id} up"),
            (texts.RATE_DOWN_LABEL, f"/danhgia e:{entry.id} down"),
        )
        if entry.kind == "procedure" and aspect:
            choices += ((texts.FULL_PROCEDURE_LABEL, f"/a {entry.id}"),)
        reply = Reply(
            text,
            choices=choices,
            decision=decision,
            entry_id=entry.id,
            aspect=aspect,
            score=score,
        )
        state = None
        if incoming is not None:
            state = ChatState(
                incoming.channel,
                incoming.chat_id,
                pending_choices=tuple(code for _, code in choices),
                last_entry_id=entry.id,
                pending_question=question or entry.title,
            )
        return _Outcome(reply, state)

    # --- hotline ----------------------------------------------------------------------------

    def _hotline(
        self, incoming: Incoming, question: str | None, state: ChatState | None
    ) -> _Outcome:
        """/hotline <words> files them; else the question the chat is on (a follow-up)."""
        follow_up = not question and state is not None and bool(state.pending_question)
        question = question or (state.pending_question if state else None)
        if not question:
            hint = texts.HOTLINE_ASK.format(hotline=self.knowledge.current.knowledge.agency.hotline)
            return _Outcome(Reply(hint, decision="hotline"))
        match = self.knowledge.current.matcher.match(question, today=self._today())
        # after suggestions none fitted the bot was unsure; after an answer or a 👎 the citizen
        # asked for staff (the chat remembers the entry answered)
        answered = not follow_up or (state is not None and state.last_entry_id is not None)
        reason: FileReason = "asked" if answered else "unsure"
        outcome = self._create_ticket(incoming, question, match, reason=reason)
        return replace(outcome, logged="handoff") if follow_up else outcome

    def _create_ticket(
        self,
        incoming: Incoming,
        text: str,
        match: Match,
        kind: str = "question",
        reason: FileReason = "unsure",
    ) -> _Outcome:
        if self.desk is None:
            return _Outcome(Reply(texts.PREVIEW_UNKNOWN, decision="unknown"))
        reply = self.desk.file(incoming, text, match, kind, reason)
        return _Outcome(reply, ChatState(incoming.channel, incoming.chat_id))

    def _track(self, incoming: Incoming, number: re.Match[str]) -> _Outcome:
        if self.desk is None:
            return _Outcome(Reply(texts.TRACK_USAGE, decision="track"))
        return _Outcome(self.desk.track(incoming, number))
