"""Reading Zalo events (Bot Platform updates and OA webhook events) into one `ZaloEvent`.

Every variant the sources name is accepted (channels.md C.4, C.5, 6):
- Bot envelope flat (`{event_name, message}`) or wrapped (`{"ok": true, "result": {…}}`);
- image URL in `photo_url` or `photo`; sender name in `display_name` or `name`;
- dates in milliseconds (13 digits) or seconds (10 digits), as numbers or strings;
- OA events flat, `sender.id` / `message.msg_id`, `user_send_*` names; the OA's own echoes
  (`oa_send_*`) and delivery or seen receipts are ignored.
There is no `update_id` on Zalo: the dedup key is the event name plus the message id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from cchc_bot.messages import Incoming

BOT_CHANNEL = "zalo"
OA_CHANNEL = "zalo_oa"

Kind = Literal["text", "image", "sticker", "voice", "unsupported"]
_BOT_KINDS: dict[str, Kind] = {
    "message.text.received": "text",
    "message.image.received": "image",
    "message.sticker.received": "sticker",
    "message.voice.received": "voice",
    "message.unsupported.received": "unsupported",
}
_OA_KINDS: dict[str, Kind] = {
    "user_send_text": "text",
    "user_send_image": "image",
    "user_send_gif": "image",
    "user_send_sticker": "sticker",
    "user_send_audio": "voice",
}


@dataclass(frozen=True)
class ZaloEvent:
    """A citizen's message as both Zalo transports deliver it (ids are strings)."""

    channel: str
    kind: Kind
    event_name: str
    chat_id: str
    user_id: str
    message_id: str
    text: str = ""
    group: bool = False
    ts_ms: int = 0
    display_name: str | None = None
    photo_url: str | None = None

    @property
    def dedup_key(self) -> str:
        return f"{self.event_name}:{self.message_id}"

    def incoming(self, text: str) -> Incoming:
        return Incoming(
            channel=self.channel,
            chat_id=self.chat_id,
            user_id=self.user_id,
            text=text,
            message_id=self.message_id,
            display_name=self.display_name,
        )


def timestamp_ms(value: Any) -> int:
    """Milliseconds from a Zalo date (ms or s, number or digit string); 0 when unreadable."""
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return 0
    return number * 1000 if 0 < number < 100_000_000_000 else number


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _id(value: Any) -> str:
    return str(value) if isinstance(value, str | int) and str(value) else ""


# -- Zalo Bot Platform ---------------------------------------------------------------------


def unwrap(data: Any) -> dict[str, Any] | None:
    """The update itself from a flat or wrapped (`{"ok": true, "result": …}`) body."""
    if not isinstance(data, dict):
        return None
    inner = data.get("result")
    if "message" not in data and isinstance(inner, dict):
        data = inner
    return data if isinstance(data.get("message"), dict) else None


def parse_bot_update(data: dict[str, Any]) -> ZaloEvent | None:
    """A Bot Platform update as a `ZaloEvent`; None when it is not a citizen's message."""
    message = data.get("message")
    if not isinstance(message, dict):
        return None
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    if sender.get("is_bot") is True:
        return None
    chat_id, user_id = _id(chat.get("id")), _id(sender.get("id"))
    chat_id = chat_id or user_id
    message_id = _id(message.get("message_id"))
    if not chat_id or not message_id:
        return None
    name = _text(data.get("event_name"))
    photo = _text(message.get("photo_url")) or _text(message.get("photo")) or None
    text = _text(message.get("text"))
    kind = _BOT_KINDS.get(name)
    if kind is None:  # an event name we do not know: judge by the content
        kind = "image" if photo else "text" if text else "unsupported"
    if kind == "image":
        text = _text(message.get("caption")) or text
    return ZaloEvent(
        channel=BOT_CHANNEL,
        kind=kind,
        event_name=name or "message",
        chat_id=chat_id,
        user_id=user_id or chat_id,
        message_id=message_id,
        text=text,
        group=str(chat.get("chat_type", "")).upper() == "GROUP",
        ts_ms=timestamp_ms(message.get("date")),
        display_name=_text(sender.get("display_name")) or _text(sender.get("name")) or None,
        photo_url=photo,
    )


def bot_key(data: dict[str, Any]) -> str | None:
    """The dedup key of a raw (unwrapped) Bot update: event name + message id."""
    message = data.get("message") or {}
    message_id = _id(message.get("message_id")) if isinstance(message, dict) else ""
    if not message_id:
        return None
    return f"{_text(data.get('event_name')) or 'message'}:{message_id}"


def bot_chat_of(data: dict[str, Any]) -> str | None:
    message = data.get("message") or {}
    chat = message.get("chat") if isinstance(message, dict) else None
    sender = message.get("from") if isinstance(message, dict) else None
    for part in (chat, sender):
        if isinstance(part, dict) and _id(part.get("id")):
            return _id(part.get("id"))
    return None


# -- Zalo Official Account -----------------------------------------------------------------


def parse_oa_event(data: dict[str, Any]) -> ZaloEvent | None:
    """An OA webhook event as a `ZaloEvent`; None for echoes, receipts, follows …"""
    name = _text(data.get("event_name"))
    if not name.startswith("user_send_"):
        return None  # oa_send_* echoes, user_received/seen_message, follow, anonymous_* …
    sender = data.get("sender") if isinstance(data.get("sender"), dict) else {}
    message = data.get("message") if isinstance(data.get("message"), dict) else {}
    user_id = _id(sender.get("id")) or _id(data.get("user_id_by_app"))
    message_id = _id(message.get("msg_id")) or _id(message.get("message_id"))
    if not user_id:
        return None
    if not message_id:  # fall back to a key that a retried delivery repeats
        message_id = f"{user_id}-{_id(data.get('timestamp'))}"
    kind = _OA_KINDS.get(name, "unsupported")
    return ZaloEvent(
        channel=OA_CHANNEL,
        kind=kind,
        event_name=name,
        chat_id=user_id,
        user_id=user_id,
        message_id=message_id,
        text=_text(message.get("text")),
        ts_ms=timestamp_ms(data.get("timestamp")),
        display_name=_text(sender.get("display_name")) or None,
    )


def oa_left_chat(data: dict[str, Any]) -> str | None:
    """The follower who left the OA (an `unfollow` event: the OA's "blocked"), else None.

    The follower id is read from `follower.id`, or from `sender.id` as message events carry it.
    """
    if _text(data.get("event_name")) != "unfollow":
        return None
    for holder in ("follower", "sender"):
        part = data.get(holder)
        if isinstance(part, dict) and (user := _id(part.get("id"))):
            return user
    return None


def oa_key(data: dict[str, Any]) -> str | None:
    event = parse_oa_event(data)
    return event.dedup_key if event is not None else None


def oa_chat_of(data: dict[str, Any]) -> str | None:
    sender = data.get("sender")
    return _id(sender.get("id")) if isinstance(sender, dict) else None
