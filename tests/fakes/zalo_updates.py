"""Zalo events to inject (channels.md §7.2, §6): Bot Platform updates and OA webhook events."""

from __future__ import annotations

import time
from typing import Any

DATE_MS = 1763700000000


def _sender(user: str, name: str) -> dict[str, Any]:
    return {"id": user, "display_name": name, "is_bot": False}


def text(
    chat: str,
    words: str,
    message_id: str,
    *,
    user: str | None = None,
    name: str = "Lan",
    group: bool = False,
    date: int = DATE_MS,
) -> dict[str, Any]:
    """A `message.text.received` update (flat envelope)."""
    return {
        "event_name": "message.text.received",
        "message": {
            "from": _sender(user or chat, name),
            "chat": {"id": chat, "chat_type": "GROUP" if group else "PRIVATE"},
            "text": words,
            "message_id": message_id,
            "date": date,
        },
    }


def image(
    chat: str, message_id: str, *, field: str = "photo_url", caption: str = "ảnh hồ sơ"
) -> dict[str, Any]:
    """A `message.image.received` update with its URL under `field` (photo_url or photo)."""
    return {
        "event_name": "message.image.received",
        "message": {
            "from": _sender(chat, "Lan"),
            "chat": {"id": chat, "chat_type": "PRIVATE"},
            field: "http://127.0.0.1:9/media/1.jpg",
            "caption": caption,
            "message_id": message_id,
            "date": DATE_MS + 1000,
        },
    }


def other(chat: str, message_id: str, event_name: str) -> dict[str, Any]:
    """A sticker, voice or unsupported event (no text)."""
    return {
        "event_name": event_name,
        "message": {
            "from": _sender(chat, "Lan"),
            "chat": {"id": chat, "chat_type": "PRIVATE"},
            "message_id": message_id,
            "date": DATE_MS + 2000,
        },
    }


def oa_text(user: str, words: str, msg_id: str, *, oa_id: str = "oa-1", app_id: str = "app"):
    """An OA `user_send_text` event; `timestamp` is now in milliseconds (a string)."""
    return {
        "app_id": app_id,
        "user_id_by_app": f"app-{user}",
        "event_name": "user_send_text",
        "sender": {"id": user},
        "recipient": {"id": oa_id},
        "message": {"text": words, "msg_id": msg_id},
        "timestamp": str(int(time.time() * 1000)),
    }


def oa_event(user: str, event_name: str, msg_id: str = "", **extra: Any) -> dict[str, Any]:
    """Any other OA event (user_send_image, oa_send_text, user_seen_message …)."""
    return {
        "app_id": "app",
        "event_name": event_name,
        "sender": {"id": user},
        "recipient": {"id": "oa-1"},
        "message": {"msg_id": msg_id, **extra},
        "timestamp": str(int(time.time() * 1000)),
    }


def oa_unfollow(user: str) -> dict[str, Any]:
    """An OA `unfollow` event: the follower id under `follower`, as Zalo sends it."""
    return {
        "app_id": "app",
        "oa_id": "oa-1",
        "event_name": "unfollow",
        "follower": {"id": user},
        "user_id_by_app": f"app-{user}",
        "source": "oa_profile",
        "timestamp": str(int(time.time() * 1000)),
    }
