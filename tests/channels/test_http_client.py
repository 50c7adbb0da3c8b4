"""The lean keep-alive client (`channels/http_client.py`) and its two users' adapters."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from cchc_bot.channels.http_client import BulkClient, NoAnswer, NotSent, proxied
from cchc_bot.channels.telegram.lean_request import LeanRequest
from cchc_bot.channels.zalo.api import ZaloApiError, ZaloBotApi, ZaloNetworkError

Reply = Callable[[bytes, bytes], Awaitable[bytes | None]]


@dataclass
class Server:
    """A tiny HTTP/1.1 server: `reply(head, body)` gives the raw answer (None: hang up)."""

    reply: Reply
    port: int = 0
    connections: int = 0
    open_now: int = 0
    most_open: int = 0
    requests: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = await reader.readexactly(length)
                self.requests.append((head, body))
                answer = await self.reply(head, body)
                if answer is None:
                    return
                writer.write(answer)
                await writer.drain()
                if b"connection: close" in answer.lower():
                    return
        finally:
            self.open_now -= 1
            writer.close()


def ok(payload: object, extra: str = "") -> bytes:
    data = json.dumps(payload).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{extra}"
    return f"{head}Content-Length: {len(data)}\r\n\r\n".encode() + data


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Reply], Awaitable[Server]]]:
    servers: list[asyncio.Server] = []

    async def start(reply: Reply) -> Server:
        state = Server(reply)
        server = await asyncio.start_server(state.handle, "127.0.0.1", 0)
        state.port = server.sockets[0].getsockname()[1]
        servers.append(server)
        return state

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


async def test_calls_share_a_kept_alive_connection(serve) -> None:
    async def reply(head: bytes, body: bytes) -> bytes:
        return ok({"ok": True, "echo": json.loads(body)})

    server = await serve(reply)
    client = BulkClient(f"http://127.0.0.1:{server.port}/botTOKEN", headers={"X-A": "1"})
    for i in range(3):
        status, body = await client.post("/sendMessage", {"chat_id": i, "text": "chào"})
        assert (status, body) == (200, {"ok": True, "echo": {"chat_id": i, "text": "chào"}})
    await client.close()
    assert server.connections == 1
    head = server.requests[0][0].decode()
    assert head.startswith("POST /botTOKEN/sendMessage HTTP/1.1\r\n")
    assert "X-A: 1\r\n" in head


async def test_a_slow_answer_times_out_and_a_refused_connect_was_not_sent(serve) -> None:
    async def slow(head: bytes, body: bytes) -> bytes:
        await asyncio.sleep(5)
        return ok({})

    server = await serve(slow)
    client = BulkClient(f"http://127.0.0.1:{server.port}", timeout=5)
    with pytest.raises(NoAnswer) as caught:
        await client.request("/x", b"{}", timeout=0.05)  # a per-call time limit
    assert caught.value.timed_out
    await client.close()

    unused = BulkClient("http://127.0.0.1:1")  # nothing listens on port 1
    with pytest.raises(NotSent) as refused:
        await unused.request("/x", b"{}")
    assert not refused.value.timed_out


async def test_a_cancelled_call_closes_its_connection_and_a_hang_up_is_no_answer(serve) -> None:
    calls = 0

    async def reply(head: bytes, body: bytes) -> bytes | None:
        nonlocal calls
        calls += 1
        if calls == 1:
            await asyncio.sleep(0.2)  # answered after the caller gave up
        if calls == 2:
            return None  # the server hangs up without answering
        return ok({"ok": True})

    server = await serve(reply)
    client = BulkClient(f"http://127.0.0.1:{server.port}")
    task = asyncio.create_task(client.request("/x", b"{}"))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(500):  # the client closed the connection: the server sees it end
        if server.open_now == 0:
            break
        await asyncio.sleep(0.01)
    assert server.open_now == 0
    with pytest.raises(NoAnswer) as caught:
        await client.request("/x", b"{}")
    assert not caught.value.timed_out
    assert (await client.request("/x", b"{}")).status == 200
    await client.close()
    assert server.connections == 3  # neither the cancelled nor the cut connection was reused


async def test_bodies_chunked_or_until_close_and_at_most_n_connections(serve) -> None:
    async def reply(head: bytes, body: bytes) -> bytes | None:
        if b"/chunked" in head:
            return b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        if b"/close" in head:
            return b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end"
        await asyncio.sleep(0.05)
        return ok({"ok": True})

    server = await serve(reply)
    client = BulkClient(f"http://127.0.0.1:{server.port}", max_connections=2)
    assert (await client.request("/chunked", b"")).body == b"abc"
    assert (await client.request("/close", b"")).body == b"until the end"
    await asyncio.sleep(0.05)  # the server side of the closed connection is gone
    server.most_open = server.open_now
    await asyncio.gather(*(client.request("/x", b"{}") for _ in range(6)))
    assert server.most_open == 2
    await client.close()


def test_proxied_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert not proxied("https://bot-api.zapps.me/bot")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.so-gd.vn:3128")
    assert proxied("https://bot-api.zapps.me/bot")
    assert not proxied("http://127.0.0.1:8080/bot")  # only https is proxied here
    monkeypatch.setenv("NO_PROXY", "bot-api.zapps.me")
    assert not proxied("https://bot-api.zapps.me/bot")


async def test_zalo_api_keeps_httpx_behind_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.so-gd.vn:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    behind = ZaloBotApi("T", "https://bot-api.zapps.me/bot")
    direct = ZaloBotApi("T", "http://127.0.0.1:9/bot")
    assert behind._lean is None and behind._client is not None
    assert direct._lean is not None and direct._client is None
    await behind.close()
    await direct.close()


async def test_zalo_api_over_the_lean_client_classifies_answers(serve) -> None:
    async def reply(head: bytes, body: bytes) -> bytes | None:
        if b"/sendMessage" in head:
            return ok({"ok": True, "result": {"message_id": "m1"}})
        if b"/getMe" in head:
            data = b'{"ok": false, "error_code": 429, "description": "slow down"}'
            return (
                b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\n"
                + f"Content-Length: {len(data)}\r\n\r\n".encode()
                + data
            )
        return None

    server = await serve(reply)
    api = ZaloBotApi("TOKEN", f"http://127.0.0.1:{server.port}/bot")
    assert await api.send_message("c1", "chào") == {"message_id": "m1"}
    assert json.loads(server.requests[0][1]) == {"chat_id": "c1", "text": "chào"}
    assert server.requests[0][0].startswith(b"POST /botTOKEN/sendMessage ")
    with pytest.raises(ZaloApiError) as flood:
        await api.get_me()
    assert flood.value.flood and flood.value.retry_after == 7.0
    with pytest.raises(ZaloNetworkError) as cut:
        await api.call("deleteWebhook")
    assert cut.value.maybe_sent  # the request left: never sent twice
    await api.close()


async def test_ptb_requests_go_as_json_and_failures_map_like_ptb(serve) -> None:
    async def reply(head: bytes, body: bytes) -> bytes | None:
        if b"/slow" in head:
            await asyncio.sleep(5)
        if b"/cut" in head:
            return None
        return ok({"ok": True, "result": True})

    server = await serve(reply)
    request = LeanRequest(read_timeout=5)
    await request.initialize()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("👍", callback_data="up")]])
    data = RequestData(
        [
            RequestParameter.from_input("chat_id", 42),
            RequestParameter.from_input("text", "chào"),
            RequestParameter.from_input("reply_markup", markup),
        ]
    )
    base = f"http://127.0.0.1:{server.port}/botT"
    status, body = await request.do_request(f"{base}/sendMessage", "POST", data)
    assert (status, json.loads(body)) == (200, {"ok": True, "result": True})
    head, sent = server.requests[0]
    assert b"Content-Type: application/json" in head
    assert json.loads(sent) == {
        "chat_id": 42,
        "text": "chào",
        "reply_markup": {"inline_keyboard": [[{"text": "👍", "callback_data": "up"}]]},
    }
    assert "chào".encode() in sent  # UTF-8 as is, not \u escapes
    with pytest.raises(TimedOut):
        await request.do_request(f"{base}/slow", "POST", data, read_timeout=0.05)
    with pytest.raises(NetworkError) as cut:
        await request.do_request(f"{base}/cut", "POST", data)
    assert not isinstance(cut.value, TimedOut)
    await request.shutdown()
