"""Builders for Telegram Update JSON, as the Bot API sends them (channels.md §7.1)."""

from __future__ import annotations

import itertools
from typing import Any

BOT_ID = 123456
BOT_USERNAME = "so_gd_bot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "SoGDBot", "username": BOT_USERNAME}
DATE = 1763700000

_message_ids = itertools.count(1)


def user(user_id: int, first_name: str = "Lan") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "vi"}


def chat(chat_id: int, first_name: str = "Lan") -> dict[str, Any]:
    if chat_id < 0:
        return {"id": chat_id, "type": "supergroup", "title": "Nhóm"}
    return {"id": chat_id, "type": "private", "first_name": first_name}


def entities_for(text: str, extra: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """A bot_command entity for '/cmd…' at offset 0 (PTB's CommandHandler needs it)."""
    found: list[dict[str, Any]] = []
    if text.startswith("/"):
        length = len(text.split(" ", 1)[0].split("\n", 1)[0])
        found.append({"type": "bot_command", "offset": 0, "length": length})
    return found + (extra or [])


def message(
    chat_id: int,
    text: str | None = None,
    *,
    user_id: int | None = None,
    first_name: str = "Lan",
    reply_to: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    sender = user_id if user_id is not None else chat_id
    body: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": DATE,
        "chat": chat(chat_id, first_name),
        "from": user(sender, first_name),
    }
    if text is not None:
        body["text"] = text
        found = entities_for(text, entities)
        if found:
            body["entities"] = found
    if reply_to is not None:
        body["reply_to_message"] = reply_to
    body.update(fields)
    return body


def text_update(update_id: int, chat_id: int, text: str, **kw: Any) -> dict[str, Any]:
    return {"update_id": update_id, "message": message(chat_id, text, **kw)}


def photo_update(update_id: int, chat_id: int) -> dict[str, Any]:
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
    return {"update_id": update_id, "message": message(chat_id, photo=photo)}


def sticker_update(update_id: int, chat_id: int) -> dict[str, Any]:
    sticker = {
        "file_id": "s1",
        "file_unique_id": "su1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    return {"update_id": update_id, "message": message(chat_id, sticker=sticker)}


def location_update(update_id: int, chat_id: int) -> dict[str, Any]:
    location = {"latitude": 10.03, "longitude": 105.78}
    return {"update_id": update_id, "message": message(chat_id, location=location)}


Keyboard = list[list[tuple[str, str]]]  # rows of (label, callback data)


def bot_message(
    chat_id: int,
    message_id: int,
    text: str = "…",
    *,
    keyboard: Keyboard | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A message the bot sent (for reply_to_message, or under a pressed button)."""
    body: dict[str, Any] = {
        "message_id": message_id,
        "date": DATE,
        "chat": chat(chat_id),
        "from": BOT_USER,
        "text": text,
    }
    if entities:
        body["entities"] = entities
    if keyboard:
        rows = [[{"text": label, "callback_data": data} for label, data in row] for row in keyboard]
        body["reply_markup"] = {"inline_keyboard": rows}
    return body


def callback_update(
    update_id: int,
    chat_id: int,
    data: str,
    *,
    user_id: int | None = None,
    message_id: int = 10,
    first_name: str = "Lan",
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A button pressed under `message` (default: a bot message without its keyboard)."""
    sender = user_id if user_id is not None else chat_id
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cbq-{update_id}",
            "chat_instance": f"ci-{chat_id}",
            "data": data,
            "from": user(sender, first_name),
            "message": message or bot_message(chat_id, message_id),
        },
    }


def blocked_update(update_id: int, chat_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "my_chat_member": {
            "chat": chat(chat_id),
            "from": user(chat_id),
            "date": DATE,
            "old_chat_member": {"status": "member", "user": BOT_USER},
            "new_chat_member": {"status": "kicked", "until_date": 0, "user": BOT_USER},
        },
    }
