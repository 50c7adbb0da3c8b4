"""Reading Telegram updates: ordering keys, addressing in groups, `Incoming` for the engine."""

from __future__ import annotations

from typing import Any

from telegram import Message, MessageEntity, User

from cchc_bot.messages import Incoming

CHANNEL = "telegram"
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
GROUP_TYPES = ("group", "supergroup")


def chat_of(data: dict[str, Any]) -> str | None:
    """The chat an update belongs to (raw JSON), so updates of one chat run in order."""
    for kind in ("message", "edited_message", "my_chat_member", "chat_member"):
        chat = (data.get(kind) or {}).get("chat") or {}
        if "id" in chat:
            return str(chat["id"])
    query = data.get("callback_query") or {}
    chat = (query.get("message") or {}).get("chat") or {}
    if "id" in chat:
        return str(chat["id"])
    sender = query.get("from") or {}
    return str(sender["id"]) if "id" in sender else None


def display_name(user: User | None) -> str | None:
    return user.full_name if user is not None else None


def incoming(message: Message, text: str, user: User | None = None) -> Incoming:
    """The engine's view of a Telegram message (ids as strings)."""
    sender = user or message.from_user
    return Incoming(
        channel=CHANNEL,
        chat_id=str(message.chat.id),
        user_id=str(sender.id) if sender else str(message.chat.id),
        text=text,
        message_id=str(message.message_id),
        display_name=display_name(sender),
    )


def command_of(message: Message) -> tuple[str, str | None] | None:
    """(command, @target) when the message starts with a bot command, else None."""
    entities = message.entities or ()
    if not entities or entities[0].type != MessageEntity.BOT_COMMAND or entities[0].offset:
        return None
    head = (message.text or "")[1 : entities[0].length]
    name, _, target = head.partition("@")
    return name.lower(), (target or None)


def addressed_text(message: Message, bot_id: int, username: str | None) -> str | None:
    """The text meant for the bot, or None when a group message is not addressed to it.

    Private chats are always addressed. In groups the bot answers a command (for it or for
    no bot in particular), a reply to one of its messages, or a message mentioning it (the
    mention is removed from the text).
    """
    text = message.text or ""
    if message.chat.type not in GROUP_TYPES:
        return text
    mine = (username or "").lower()
    command = command_of(message)
    if command is not None:
        target = command[1]
        return text if target is None or target.lower() == mine else None
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    for entity in message.entities or ():
        if entity.type == MessageEntity.MENTION and mine:
            mention = message.parse_entity(entity)
            if mention.lower() == f"@{mine}":
                return " ".join(text.replace(mention, " ").split())
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return text
    return None
