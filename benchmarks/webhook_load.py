"""Posting webhook payloads to one or more bot servers at a fixed rate (the load benchmarks)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable


def webhook_head(path: str, secret_header: str, secret: str) -> str:
    """The request head (without Content-Length) of a webhook POST."""
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{secret_header}: {secret}\r\n"
    )


async def post_webhooks(
    ports: list[int],
    payloads: list[dict],
    rate: float,
    connections: int,
    *,
    head: str,
    chat: Callable[[dict], object],
) -> list[float]:
    """POST each payload at its scheduled time to its chat's worker (sticky, by the hash of
    `chat(payload)`); returns the send times (monotonic)."""
    queues: list[asyncio.Queue] = [asyncio.Queue() for _ in ports]
    sent_at = [0.0] * len(payloads)
    bodies = [json.dumps(p, ensure_ascii=False).encode() for p in payloads]

    async def worker(port: int, queue: asyncio.Queue) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while True:
            index = await queue.get()
            if index is None:
                writer.close()
                return
            body = bodies[index]
            sent_at[index] = time.monotonic()
            writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            if status != 200:
                raise RuntimeError(f"webhook answered {status}")

    per_port = max(1, connections // len(ports))  # keep-alive connections to each worker
    pairs = [(p, q) for p, q in zip(ports, queues, strict=True) for _ in range(per_port)]
    tasks = [asyncio.create_task(worker(port, queue)) for port, queue in pairs]
    start = time.monotonic()
    for index, payload in enumerate(payloads):
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        queues[hash(chat(payload)) % len(ports)].put_nowait(index)
    for _port, queue in pairs:
        queue.put_nowait(None)
    await asyncio.gather(*tasks)
    return sent_at
