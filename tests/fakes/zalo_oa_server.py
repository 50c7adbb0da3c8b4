"""A fake Zalo Official Account API and OAuth server on 127.0.0.1 (channels.md §7.3).

- `POST /v3.0/oa/message/{cs,transaction,promotion}` with header `access_token`: success
  `{"error": 0, "message": "Success", "data": {"message_id", "user_id"}}`; an unknown or
  expired token → `{"error": -216, "message": "Access token is invalid"}`; a refusal queued
  for a user (`refuse`) → that error code (e.g. -230, no recent interaction). The recipient
  is `{"message_id": …}` (a reply to a citizen's message pushed earlier) or `{"user_id": …}`;
  each `Sent` records which (`via`) and whether Zalo would count it as proactive, i.e. paid
  or from the monthly quota (`proactive`: a cs message by user_id only, or beyond the 8th
  reply to one message; channels.md §6);
- `POST /v4/oa/access_token` (form `refresh_token`, `app_id`, `grant_type`; header
  `secret_key`): refresh tokens are **single-use**, each refresh returns a new pair and
  kills the old access token; a spent refresh token is refused and recorded in `reused`;
- `push` signs an event like Zalo (`X-ZEvent-Signature: mac=sha256(app_id + body +
  timestamp + secret)`) and POSTs it to the bot's webhook, or a tampered copy.
"""

from __future__ import annotations

import hashlib
import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.bot_api_http import QuietServer

APP_ID = "2716453419283745612"
SECRET = "oa-Secret_key-0123456789"
FIRST_ACCESS = "at-0"
FIRST_REFRESH = "rt-0"


@dataclass
class Sent:
    kind: str
    user_id: str
    text: str
    access_token: str
    body: dict[str, Any]
    via: str = "user_id"  # how the recipient was named: "message_id" or "user_id"
    proactive: bool = False  # Zalo would count it as proactive (quota or paid), not a reply


class FakeZaloOa:
    def __init__(self, app_id: str = APP_ID, secret: str = SECRET) -> None:
        self.app_id, self.secret = app_id, secret
        self.access = FIRST_ACCESS
        self.refresh_tokens = {FIRST_REFRESH}  # valid, unspent
        self.spent: set[str] = set()
        self.refreshes: list[str] = []  # refresh tokens presented, in order
        self.reused: list[str] = []  # spent refresh tokens presented again
        self.sent: list[Sent] = []
        self.refusals: dict[str, int] = {}  # user → error code for their next cs message
        self.inbound: dict[str, str] = {}  # message id of a pushed citizen message → user
        self.replies: dict[str, int] = {}  # message id → cs replies that named it
        self.refresh_delay = 0.0
        self._version = 0
        self._lock = threading.Condition()
        self._server = QuietServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def oauth_url(self) -> str:
        return f"{self.base_url}/v4/oa"

    def start(self) -> FakeZaloOa:
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- test controls ---------------------------------------------------------------------

    def expire(self) -> None:
        """The current access token stops working (as after its expires_in)."""
        with self._lock:
            self.access = "expired"

    def refuse(self, user: str, code: int = -230) -> None:
        with self._lock:
            self.refusals[user] = code

    def texts(self, user: str, kind: str = "cs") -> list[str]:
        with self._lock:
            return [s.text for s in self.sent if s.user_id == user and s.kind == kind]

    def sign(self, body: bytes, timestamp: str, secret: str | None = None) -> str:
        data = self.app_id.encode() + body + timestamp.encode() + (secret or self.secret).encode()
        return "mac=" + hashlib.sha256(data).hexdigest()

    def push(
        self, url: str, event: dict[str, Any], *, tamper: bool = False, signature: str | None = None
    ) -> int:
        """POST one event to `url` signed like Zalo; `tamper` alters the body after signing."""
        message, sender = event.get("message") or {}, event.get("sender") or {}
        if message.get("msg_id") and sender.get("id"):
            with self._lock:
                self.inbound[str(message["msg_id"])] = str(sender["id"])
        body = json.dumps(event, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        headers["X-ZEvent-Signature"] = signature or self.sign(body, str(event["timestamp"]))
        if tamper:
            body = body.replace(b'"text": "', b'"text": "X', 1)
        request = urllib.request.Request(url, body, headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    # -- the API ---------------------------------------------------------------------------

    def message(self, kind: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        recipient = body.get("recipient") or {}
        reply_to = str(recipient.get("message_id") or "")
        with self._lock:
            user = self.inbound.get(reply_to, "") if reply_to else str(recipient.get("user_id", ""))
            if token != self.access:
                return {"error": -216, "message": "Access token is invalid"}
            if reply_to and not user:
                return {"error": -201, "message": "Parameters are invalid (message_id)"}
            code = self.refusals.pop(user, None) if kind == "cs" else None
            if code is not None:
                return {"error": code, "message": "User has not interacted with the OA recently"}
            message = body.get("message") or {}
            text = str(message.get("text", ""))
            if "attachment" in message:
                elements = message["attachment"]["payload"]["elements"]
                text = str(elements[-1]["content"])
            if not user or not text:
                return {"error": -201, "message": "Parameters are invalid"}
            proactive = kind == "cs" and not reply_to
            if reply_to:
                self.replies[reply_to] = self.replies.get(reply_to, 0) + 1
                proactive = self.replies[reply_to] > 8
            via = "message_id" if reply_to else "user_id"
            self.sent.append(Sent(kind, user, text, token, body, via, proactive))
            self._lock.notify_all()
            data = {"message_id": f"oa-msg-{len(self.sent)}", "user_id": user}
            return {"error": 0, "message": "Success", "data": data}

    def refresh(self, secret: str, form: dict[str, str]) -> dict[str, Any]:
        token = form.get("refresh_token", "")
        if self.refresh_delay:
            threading.Event().wait(self.refresh_delay)
        with self._lock:
            self.refreshes.append(token)
            if secret != self.secret or form.get("app_id") != self.app_id:
                return {"error": -14002, "error_description": "Invalid app"}
            if form.get("grant_type") != "refresh_token" or token not in self.refresh_tokens:
                if token in self.spent:
                    self.reused.append(token)
                return {"error": -14014, "error_description": "Invalid refresh token"}
            self.refresh_tokens.discard(token)
            self.spent.add(token)
            self._version += 1
            self.access = f"at-{self._version}"
            fresh = f"rt-{self._version}"
            self.refresh_tokens.add(fresh)
            return {"access_token": self.access, "refresh_token": fresh, "expires_in": "90000"}


def _handler(fake: FakeZaloOa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if path.startswith("/v3.0/oa/message/"):
                kind = path.rsplit("/", 1)[1]
                body = json.loads(raw or b"{}")
                self._reply(fake.message(kind, self.headers.get("access_token", ""), body))
            elif path == "/v4/oa/access_token":
                form = dict(parse_qsl(raw.decode()))
                self._reply(fake.refresh(self.headers.get("secret_key", ""), form))
            else:
                self._reply({"error": 404, "message": "Not Found"}, 404)

        def _reply(self, payload: Any, status: int = 200) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
