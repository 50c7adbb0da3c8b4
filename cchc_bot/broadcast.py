"""Broadcasts: the `Sender` interface channels satisfy, its errors, and subscriptions.

A channel that can push notices implements `Sender`:

- `parts(text)` — the messages a notice becomes on that channel (split at its limit): what
  `notices preview` shows and exactly what is sent;
- `send(chat_id, part, on_wire)` — send one part. `on_wire()` must be called as soon as
  the request has been handed to the network (after it, the platform may have it; not at
  all when it never left). It raises
  `RecipientGone` (blocked, deleted, chat not found), `RetryLater` (429 and its
  retry_after), `Rejected` (the platform refused this message for good), `ChannelDown`
  (the whole channel refuses us: a wrong token), `Transient` (nothing delivered, may pass:
  a 5xx answer, or the request never left) or any other exception when it cannot tell
  (no answer after the request left: counted as sent, unconfirmed, never repeated);
- `admit(chat_ids, parts)` — the chats that must be skipped and why (a quota the notice
  would exceed), before anything is sent to them.

`SubscriptionDesk` answers /dangky and /huy (and "đăng ký", "hủy" typed on Zalo) with the
current state and topic choices: buttons on Telegram, numbers elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from cchc_bot import texts
from cchc_bot.hotline import RecipientGone
from cchc_bot.knowledge import NOTICE_TOPICS
from cchc_bot.messages import Incoming, Reply
from cchc_bot.storage import SubscriptionRecord, SubscriptionRepository

SUBSCRIBE, UNSUBSCRIBE = "dangky", "huy"
ALL_TOPICS = "tatca"
# Typed words (folded: no diacritics, lower case) that mean /dangky or /huy on every channel.
SUBSCRIBE_WORDS = frozenset({"dang ky", "dangky", "dang ky nhan tin", "dang ky nhan ban tin"})
UNSUBSCRIBE_WORDS = frozenset(
    {"huy", "huy dang ky", "huy nhan tin", "huy ban tin", "ngung nhan tin", "huy dangky"}
)

__all__ = [
    "ALL_TOPICS",
    "NOTICE_TOPICS",
    "ChannelDown",
    "RecipientGone",
    "Rejected",
    "RetryLater",
    "Sender",
    "SubscriptionDesk",
    "Transient",
]


class RetryLater(Exception):
    """The platform asks us to wait (HTTP 429 `retry_after`): nothing was delivered."""

    def __init__(self, seconds: float, reason: str = "rate limited") -> None:
        super().__init__(reason)
        self.seconds = seconds


class Rejected(Exception):
    """The platform refused this message for good (bad request): nothing was delivered.

    `reason` is the report's reason code of the failed row (`rejected`, or `window` when
    Zalo OA refuses because the follower is outside the free-messaging window).
    """

    def __init__(self, message: str = "", reason: str = "rejected") -> None:
        super().__init__(message)
        self.reason = reason


class Transient(Exception):
    """Nothing was delivered, but it may pass (a 5xx answer, or the request never left)."""


class ChannelDown(Exception):
    """The whole channel refuses us (a wrong token): stop sending on it, retry later."""


class Sender(Protocol):
    channel: str

    def parts(self, text: str) -> list[str]: ...

    async def send(self, chat_id: str, text: str, on_wire: Callable[[], None]) -> None: ...

    async def admit(self, chat_ids: Sequence[str], parts: int) -> Mapping[str, str]: ...

    async def close(self) -> None: ...


def topic_names(topics: Sequence[str]) -> str:
    if not topics:
        return texts.SUB_ALL_TOPICS
    return ", ".join(texts.SUB_TOPIC_NAMES.get(t, t) for t in topics)


class SubscriptionDesk:
    """Subscriptions inside a conversation (used by the engine on every channel)."""

    def __init__(self, repository: SubscriptionRepository) -> None:
        self.repository = repository

    def handle(self, incoming: Incoming, command: str, argument: str = "") -> Reply:
        """/dangky [topic|tatca] or /huy; returns the reply with the topic choices."""
        channel, chat = incoming.channel, incoming.chat_id
        if command == UNSUBSCRIBE:
            if self.repository.unsubscribe(channel, chat, "user"):
                return Reply(texts.UNSUB_DONE, decision="unsubscribe")
            return Reply(texts.UNSUB_NONE, decision="unsubscribe")
        wanted = argument.strip().lower()
        if wanted and wanted != ALL_TOPICS and wanted not in NOTICE_TOPICS:
            known = ", ".join(NOTICE_TOPICS)
            return Reply(
                texts.SUB_UNKNOWN_TOPIC.format(topic=wanted, known=known), decision="subscribe"
            )
        current = self.repository.get(channel, chat)
        was_active = current is not None and current.active
        if not wanted:
            topics = None if was_active else ()
        elif wanted == ALL_TOPICS:
            topics = ()
        else:
            topics = _toggle(current.topics if was_active and current else (), wanted)
        record = self.repository.subscribe(channel, chat, incoming.user_id, topics)
        head = texts.SUB_STATE if was_active else texts.SUB_DONE
        text = "\n".join([head.format(topics=topic_names(record.topics)), texts.SUB_HOW])
        return Reply(text, choices=choices(record), decision="subscribe")

    def offer_once(self, incoming: Incoming) -> bool:
        """True the first time a chat is greeted (offer the subscription then, never again)."""
        return self.repository.offer(incoming.channel, incoming.chat_id, incoming.user_id)


def _toggle(current: tuple[str, ...], topic: str) -> tuple[str, ...]:
    """Every topic (empty) → only `topic`; otherwise switch `topic`; none left → every topic."""
    if not current:
        return (topic,)
    if topic in current:
        return tuple(t for t in current if t != topic)
    return (*current, topic)


def choices(record: SubscriptionRecord) -> tuple[tuple[str, str], ...]:
    """Every topic, the chosen ones ticked, then "all topics" and "unsubscribe"."""
    chosen = set(record.topics)
    out = [
        (f"{'✅' if t in chosen else '▫️'} {texts.SUB_TOPIC_NAMES.get(t, t)}", f"/{SUBSCRIBE} {t}")
        for t in NOTICE_TOPICS
    ]
    mark = "✅" if not chosen else "▫️"
    out.append((f"{mark} {texts.SUB_ALL_TOPICS_LABEL}", f"/{SUBSCRIBE} {ALL_TOPICS}"))
    out.append((texts.SUB_CANCEL_LABEL, f"/{UNSUBSCRIBE}"))
    return tuple(out)
