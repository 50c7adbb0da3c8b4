"""The lean HTTP/1.1 keep-alive client of broadcasts (`sendMessage` in bulk).

python-telegram-bot costs about 2.5 ms of CPU per `send_message` on the project machine
(request building, httpx/httpcore, parsing the returned `Message`): at most ~400 messages/s
for a whole core. A broadcast needs neither the parsed message nor httpx's features, so it
uses `cchc_bot.channels.http_client.BulkClient` (shared with the Zalo Bot API and PTB's
requests): one JSON POST per message over a few persistent connections, about 0.2 ms each,
and `post(..., on_wire)` calls `on_wire()` once the request has left.
"""

from __future__ import annotations

from cchc_bot.channels.http_client import BulkClient, NoAnswer, NotSent

__all__ = ["BulkClient", "NoAnswer", "NotSent"]
