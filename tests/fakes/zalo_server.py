"""A fake Zalo Bot Platform API on 127.0.0.1 that our own httpx client talks to.

channels.md §7.2: `POST /bot<token>/<method>` with JSON or form bodies (the HTTP layer is the
Telegram fake's, `bot_api_http`); unknown token 401, unknown method 404. getUpdates returns
**one** update per call and HTTP 408 when the long poll ends idle, and is refused while a
webhook is set; sendMessage refuses texts over 2,000 characters and counts toward a
3,000-a-month quota; setWebhook refuses secrets outside 8–256 characters; getWebhookInfo
answers 404 when no webhook is set. Once a webhook is set, `push` POSTs updates to it with
`X-Bot-Api-Secret-Token`, flat or wrapped (`{"ok": true, "result": …}`), and by default does
not retry a refused delivery (Zalo's retry policy is unknown): `retries` says how often.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.bot_api_http import BotApiError, QuietServer, handler

TOKEN = "4242424242:TEST-zalo-token"
BOT = {"id": "4242424242", "account_name": "bot.SoGDTest", "account_type": "BASIC",
       "can_join_groups": True, "display_name": "Sở GD Test"}  # fmt: skip
MAX_TEXT = 2000
MONTHLY_QUOTA = 3000


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    content_type: str
    at: float = field(default_factory=time.monotonic)
    result: Any = None  # None while pending or when the call failed

    @property
    def chat_id(self) -> str | None:
        value = self.params.get("chat_id")
        return None if value is None else str(value)


@dataclass
class Failure:
    method: str
    chat_id: str | None
    status: int
    description: str
    retry_after: int | None = None
    times: int = 1


class FakeZaloBot:
    """Start with `start()`, point the bot at `base_url`, stop with `stop()`."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.updates: list[dict[str, Any]] = []  # waiting for getUpdates
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhook_target = ""  # tests: where to push instead of the registered URL
        self.webhook_responses: list[int] = []
        self.envelope = "flat"  # or "wrapped": how pushed updates are posted
        self.retries = 0  # how often a refused webhook delivery is repeated
        self.max_poll_wait = 1.0
        self.quota_used = 0
        self.on_call: Callable[[Call], None] | None = None
        self._next_id = 0
        self._cond = threading.Condition()
        self._push_queue: list[tuple[dict[str, Any], str]] = []
        self._server = QuietServer(("127.0.0.1", 0), handler(self))  # type: ignore[arg-type]
        self._server.daemon_threads = True
        self._stopped = False

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeZaloBot:
        serve = lambda: self._server.serve_forever(poll_interval=0.02)  # noqa: E731
        for target in (serve, self._push_loop):
            threading.Thread(target=target, daemon=True).start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    # -- test controls ---------------------------------------------------------------------

    def push(self, *updates: dict[str, Any], envelope: str | None = None) -> None:
        """Deliver updates: to the webhook if one is set, else to getUpdates."""
        with self._cond:
            if self.webhook_url:
                self._push_queue.extend((u, envelope or self.envelope) for u in updates)
            else:
                self.updates.extend(updates)
            self._cond.notify_all()

    def fail(
        self,
        method: str,
        status: int,
        description: str,
        *,
        chat_id: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        with self._cond:
            self.failures.append(
                Failure(method.lower(), chat_id, status, description, retry_after, times)
            )

    def calls_to(self, method: str, chat_id: str | None = None) -> list[Call]:
        with self._cond:
            return [
                c
                for c in self.calls
                if c.method == method.lower() and (chat_id is None or c.chat_id == chat_id)
            ]

    def texts(self, chat_id: str) -> list[str]:
        """Texts the chat received (refused sends left out)."""
        return [
            str(c.params["text"])
            for c in self.calls_to("sendmessage", chat_id)
            if c.result is not None
        ]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out; calls: {[c.method for c in self.calls]}")
                self._cond.wait(min(left, 0.05))

    # -- the Bot API -----------------------------------------------------------------------

    def handle(self, token: str, method: str, params: dict[str, Any], content_type: str) -> Any:
        if token != self.token:
            raise BotApiError(401, "Unauthorized")
        method = method.lower()
        call = Call(method, params, content_type)
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
            failure = self._take_failure(method, call.chat_id)
        if self.on_call is not None:
            self.on_call(call)
        if failure is not None:
            raise BotApiError(failure.status, failure.description, failure.retry_after)
        api = getattr(self, f"_api_{method}", None)
        if api is None:
            raise BotApiError(404, "Not Found")
        result = api(params)
        with self._cond:
            call.result = result
            self._cond.notify_all()
        return result

    def _take_failure(self, method: str, chat_id: str | None) -> Failure | None:
        for failure in self.failures:
            if failure.method == method and failure.chat_id in (None, chat_id):
                failure.times -= 1
                if failure.times <= 0:
                    self.failures.remove(failure)
                return failure
        return None

    def _sent(self) -> dict[str, Any]:
        with self._cond:
            self._next_id += 1
            self.quota_used += 1
            return {"message_id": f"m-{self._next_id}", "date": int(time.time() * 1000)}

    def _api_getme(self, params: dict[str, Any]) -> Any:
        return dict(BOT)

    def _api_getupdates(self, params: dict[str, Any]) -> Any:
        if self.webhook_url:
            raise BotApiError(409, "Conflict: webhook is active")
        wait = min(float(params.get("timeout") or 0), self.max_poll_wait)
        deadline = time.monotonic() + wait
        with self._cond:
            while not self.updates and not self._stopped:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BotApiError(408, "Request timeout")
                self._cond.wait(left)
            if not self.updates:
                raise BotApiError(408, "Request timeout")
            return self.updates.pop(0)

    def _api_sendmessage(self, params: dict[str, Any]) -> Any:
        text = str(params.get("text", ""))
        if not params.get("chat_id") or not text.strip():
            raise BotApiError(400, "Bad Request: chat_id and text are required")
        if len(text) > MAX_TEXT:
            raise BotApiError(400, "Bad Request: message is too long")
        return self._sent()

    def _api_sendphoto(self, params: dict[str, Any]) -> Any:
        return self._sent()

    def _api_sendsticker(self, params: dict[str, Any]) -> Any:
        return self._sent()

    def _api_sendchataction(self, params: dict[str, Any]) -> Any:
        return True

    def _api_setwebhook(self, params: dict[str, Any]) -> Any:
        secret = str(params.get("secret_token", ""))
        if not 8 <= len(secret) <= 256:
            raise BotApiError(400, "Bad Request: secret_token must be 8-256 characters")
        with self._cond:
            self.webhook_url, self.webhook_secret = str(params.get("url", "")), secret
        return {"url": self.webhook_url, "updated_at": int(time.time() * 1000)}

    def _api_deletewebhook(self, params: dict[str, Any]) -> Any:
        with self._cond:
            self.webhook_url = ""
        return {"url": "", "updated_at": int(time.time() * 1000)}

    def _api_getwebhookinfo(self, params: dict[str, Any]) -> Any:
        if not self.webhook_url:
            raise BotApiError(404, "Not Found")
        return {"url": self.webhook_url, "updated_at": int(time.time() * 1000)}

    # -- the webhook pusher ----------------------------------------------------------------

    def _push_loop(self) -> None:
        while True:
            with self._cond:
                while not self._push_queue and not self._stopped:
                    self._cond.wait(0.1)
                if self._stopped:
                    return
                update, envelope = self._push_queue.pop(0)
                url, secret = self.webhook_target or self.webhook_url, self.webhook_secret
            body = {"ok": True, "result": update} if envelope == "wrapped" else update
            for _ in range(1 + self.retries):
                status = self.post_webhook(body, url, secret)
                with self._cond:
                    self.webhook_responses.append(status)
                    self._cond.notify_all()
                if 200 <= status < 300:
                    break
                time.sleep(0.05)

    @staticmethod
    def post_webhook(body: Any, url: str, secret: str | None) -> int:
        """POST one event as Zalo does; returns the HTTP status (0 = no answer)."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Bot-Api-Secret-Token"] = secret
        data = json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(url, data, headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            return 0


__all__ = ["BOT", "TOKEN", "BotApiError", "Call", "FakeZaloBot"]
