"""A fake Telegram Bot API server on 127.0.0.1 that the real python-telegram-bot talks to.

channels.md §7.1: `POST /bot<token>/<method>` with query, form, JSON or multipart bodies
(form values that are not plain strings are JSON); unknown token 401, unknown method 404.
It records every call, validates HTML like Telegram (stray `<`/`&` → "can't parse
entities"), refuses texts over 4,096 characters, serves getUpdates with offset and timeout,
and — once `setWebhook` was called — pushes updates to the webhook with the secret header,
retrying non-2xx answers in order. Failures and delays are injected per method and chat.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.bot_api_http import BotApiError, QuietServer, handler
from tests.fakes.telegram_updates import BOT_ID, BOT_USER, BOT_USERNAME, DATE

TOKEN = f"{BOT_ID}:TEST-token"
_HTML = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^<>]*)>|&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);|[<&]")
_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
         "tg-spoiler", "blockquote", "tg-emoji", "span"}  # fmt: skip


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    content_type: str
    at: float = field(default_factory=time.monotonic)
    result: Any = None  # what the fake answered (None while pending or on failure)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None


@dataclass
class Failure:
    method: str
    chat_id: int | None
    status: int
    description: str
    retry_after: int | None = None
    times: int = 1


def check_html(text: str) -> str:
    """The text as Telegram shows it; BotApiError like Telegram's for bad markup."""
    stack: list[str] = []
    for m in _HTML.finditer(text):
        if m.group(0) in ("<", "&"):
            raise BotApiError(400, f"Bad Request: can't parse entities: unexpected {m.group(0)!r}")
        if m.group(2) is None:
            continue
        closing, tag = m.group(1), m.group(2).lower()
        if tag not in _TAGS:
            raise BotApiError(400, f"Bad Request: can't parse entities: unsupported tag {tag}")
        if closing:
            if not stack or stack.pop() != tag:
                raise BotApiError(400, f"Bad Request: can't parse entities: unexpected </{tag}>")
        else:
            stack.append(tag)
    if stack:
        raise BotApiError(400, "Bad Request: can't parse entities: unclosed tag")
    return html.unescape(re.sub(r"<[^>]+>", "", text))


class FakeTelegram:
    """Start with `start()`, point PTB at `base_url`, stop with `stop()`."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.delays: list[tuple[str, int | None, float]] = []
        self.updates: list[dict[str, Any]] = []
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhook_responses: list[int] = []
        self.webhook_target = ""  # tests: where to push instead of the registered URL
        self.max_poll_wait = 1.0  # seconds a getUpdates long poll waits at most
        self.on_call: Callable[[Call], None] | None = None
        self._next_message_id = 1000
        self._cond = threading.Condition()
        self._push_queue: list[dict[str, Any]] = []
        self._server = QuietServer(("127.0.0.1", 0), handler(self))
        self._server.daemon_threads = True
        self._threads: list[threading.Thread] = []
        self._stopped = False

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeTelegram:
        serve = lambda: self._server.serve_forever(poll_interval=0.02)  # noqa: E731
        for target in (serve, self._push_loop):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    # -- test controls ---------------------------------------------------------------------

    def push(self, *updates: dict[str, Any]) -> None:
        """Deliver updates (at once): to the webhook if one is set, else to getUpdates."""
        with self._cond:
            queue = self._push_queue if self.webhook_url else self.updates
            queue.extend(updates)
            self._cond.notify_all()

    def fail(
        self,
        method: str,
        status: int,
        description: str,
        *,
        chat_id: int | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        with self._cond:
            self.failures.append(
                Failure(method.lower(), chat_id, status, description, retry_after, times)
            )

    def delay(self, method: str, seconds: float, *, chat_id: int | None = None) -> None:
        with self._cond:
            self.delays.append((method.lower(), chat_id, seconds))

    def calls_to(self, method: str, chat_id: int | None = None) -> list[Call]:
        with self._cond:
            return [
                c
                for c in self.calls
                if c.method == method.lower() and (chat_id is None or c.chat_id == chat_id)
            ]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        return self.calls_to("sendmessage", chat_id)

    def texts(self, chat_id: int) -> list[str]:
        """Texts of the messages the chat received (refused sends left out)."""
        return [c.params["text"] for c in self.sent(chat_id) if c.result is not None]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out; calls: {[c.method for c in self.calls]}")
                self._cond.wait(min(left, 0.05))

    def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[str]:
        self.wait_for(lambda: len(self._delivered(chat_id)) >= count, timeout)
        return self.texts(chat_id)

    def _delivered(self, chat_id: int) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == "sendmessage" and c.chat_id == chat_id and c.result is not None
        ]

    # -- the Bot API -----------------------------------------------------------------------

    def handle(self, token: str, method: str, params: dict[str, Any], content_type: str) -> Any:
        if token != self.token:
            raise BotApiError(401, "Unauthorized")
        method = method.lower()
        call = Call(method, params, content_type)
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
            delay = next(
                (s for m, c, s in self.delays if m == method and c in (None, call.chat_id)), 0.0
            )
            failure = self._take_failure(method, call.chat_id)
        if self.on_call is not None:
            self.on_call(call)
        if delay:
            time.sleep(delay)
        if failure is not None:
            raise BotApiError(failure.status, failure.description, failure.retry_after)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise BotApiError(404, "Not Found")
        call.result = handler(params)
        return call.result

    def _take_failure(self, method: str, chat_id: int | None) -> Failure | None:
        for failure in self.failures:
            if failure.method == method and failure.chat_id in (None, chat_id):
                failure.times -= 1
                if failure.times <= 0:
                    self.failures.remove(failure)
                return failure
        return None

    def _message(self, params: dict[str, Any], text: str) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        with self._cond:
            self._next_message_id += 1
            message_id = self._next_message_id
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        return {
            "message_id": message_id,
            "date": DATE,
            "chat": chat,
            "from": BOT_USER,
            "text": text,
        }

    def _api_getme(self, params: dict[str, Any]) -> Any:
        return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}  # fmt: skip

    def _api_sendmessage(self, params: dict[str, Any]) -> Any:
        text = str(params.get("text", ""))
        shown = check_html(text) if params.get("parse_mode") == "HTML" else text
        if not shown.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if len(shown.encode("utf-16-le")) // 2 > 4096:
            raise BotApiError(400, "Bad Request: message is too long")
        return self._message(params, text)

    def _api_editmessagetext(self, params: dict[str, Any]) -> Any:
        text = str(params.get("text", ""))
        shown = check_html(text) if params.get("parse_mode") == "HTML" else text
        if len(shown.encode("utf-16-le")) // 2 > 4096:
            raise BotApiError(400, "Bad Request: message is too long")
        return self._message(params, text)

    def _api_editmessagereplymarkup(self, params: dict[str, Any]) -> Any:
        return self._message(params, "…")

    def _api_getupdates(self, params: dict[str, Any]) -> Any:
        if self.webhook_url:
            raise BotApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), self.max_poll_wait)
        with self._cond:
            while True:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                if self.updates or time.monotonic() >= deadline or self._stopped:
                    return self.updates[:limit]
                self._cond.wait(max(0.0, deadline - time.monotonic()))

    def _api_setwebhook(self, params: dict[str, Any]) -> Any:
        with self._cond:
            self.webhook_url = str(params.get("url", ""))
            self.webhook_secret = str(params.get("secret_token", ""))
        return True

    def _api_deletewebhook(self, params: dict[str, Any]) -> Any:
        with self._cond:
            self.webhook_url = ""
        return True

    def _api_getwebhookinfo(self, params: dict[str, Any]) -> Any:
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._push_queue)}  # fmt: skip

    def _api_answercallbackquery(self, params: dict[str, Any]) -> Any:
        return True

    def _api_sendchataction(self, params: dict[str, Any]) -> Any:
        return True

    def _api_setmycommands(self, params: dict[str, Any]) -> Any:
        return True

    # -- the webhook pusher ----------------------------------------------------------------

    def _push_loop(self) -> None:
        while True:
            with self._cond:
                while not self._push_queue and not self._stopped:
                    self._cond.wait(0.1)
                if self._stopped:
                    return
                update = self._push_queue[0]
                url, secret = self.webhook_target or self.webhook_url, self.webhook_secret
            status = self.post_webhook(update, url, secret)
            with self._cond:
                self.webhook_responses.append(status)
                if 200 <= status < 300:
                    self._push_queue.pop(0)  # else: retry the same update (order per chat)
                self._cond.notify_all()
            if not 200 <= status < 300:
                time.sleep(0.05)

    @staticmethod
    def post_webhook(update: dict[str, Any], url: str, secret: str | None) -> int:
        """POST one update as Telegram does; returns the HTTP status (0 = no answer)."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        request = urllib.request.Request(url, json.dumps(update).encode(), headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            return 0


__all__ = ["BOT_ID", "BOT_USERNAME", "TOKEN", "BotApiError", "Call", "FakeTelegram", "check_html"]
