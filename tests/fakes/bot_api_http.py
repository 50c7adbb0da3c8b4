"""The HTTP side of the fake Bot API: request parsing and the handler (see telegram_server)."""

from __future__ import annotations

import json
import re
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:
    from tests.fakes.telegram_server import FakeTelegram

_ROUTE = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>\w+)$")


class BotApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        return json.loads(body or b"{}")
    if kind == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        fields = {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
            for part in message.iter_parts()
        }
        return {str(k): _json_or_str(str(k), v.decode()) for k, v in fields.items()}
    return {k: _json_or_str(k, v) for k, v in parse_qsl(body.decode(), keep_blank_values=True)}


_STRINGS = {"text", "parse_mode", "url", "secret_token", "callback_query_id", "action"}


def _json_or_str(key: str, value: str) -> Any:
    """PTB sends strings raw and everything else JSON-encoded (channels.md §B.3)."""
    if key in _STRINGS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a cancelled long poll) is no error worth printing."""


def handler(fake: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def do_GET(self) -> None:
            self.do_POST()

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            route = _ROUTE.match(parts.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            content_type = self.headers.get("Content-Type", "")
            if route is None:
                self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            params = dict(parse_qsl(parts.query))
            params.update(_parse_body(content_type, body) if body else {})
            try:
                result = fake.handle(route["token"], route["method"], params, content_type)
            except BotApiError as exc:
                payload: dict[str, Any] = {
                    "ok": False,
                    "error_code": exc.status,
                    "description": exc.description,
                }
                headers = {}
                if exc.retry_after is not None:
                    payload["parameters"] = {"retry_after": exc.retry_after}
                    headers["Retry-After"] = str(exc.retry_after)
                self._reply(exc.status, payload, headers)
                return
            self._reply(200, {"ok": True, "result": result})

        def _reply(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
