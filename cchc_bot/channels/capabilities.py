"""What each channel can do, as data: renderers and the outbox read these, not channel names.

- `max_text`: characters (UTF-16 code units, the stricter count) per message we send; a bit
  below the platform's limit (Telegram 4,096; Zalo 2,000) so entities or emoji never push
  a part over it.
- `buttons`: inline buttons exist (else choices become numbered lines, "Trả lời 1, 2 …").
- `html`: the platform renders our HTML subset (else plain text).
- `can_initiate`: the bot may write to a chat that has not written recently (staff answers
  days later); False means only within `reply_window_hours` of the citizen's last message.
- `broadcast_quota`: messages a month the plan allows (None: no fixed quota).
- `reply_window_hours` / `window_replies`: the free-reply window after the citizen's last
  message and how many replies it allows (Zalo OA: 48 h, 8 replies).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Capabilities:
    name: str
    max_text: int
    buttons: bool
    html: bool
    can_initiate: bool
    broadcast_quota: int | None = None
    reply_window_hours: float | None = None
    window_replies: int | None = None


TELEGRAM = Capabilities("telegram", max_text=4000, buttons=True, html=True, can_initiate=True)
CONSOLE = Capabilities("console", max_text=100_000, buttons=False, html=False, can_initiate=True)
# Zalo Bot Platform: 2,000 characters (four independent clients agree); Basic plan reported
# as 3,000 messages a month in both directions. No documented reply window: the bot tries,
# and a chat whose send is refused waits for the citizen's next message (channels.md C.7, C.9).
ZALO_BOT = Capabilities(
    "zalo", max_text=1900, buttons=False, html=False, can_initiate=True, broadcast_quota=3000
)
# Zalo Official Account: consultation messages are free only within 48 h of the citizen's
# last message, at most 8 of them; later ones are proactive (verified OA, quota or paid).
ZALO_OA = Capabilities(
    "zalo_oa",
    max_text=1900,
    buttons=False,
    html=False,
    can_initiate=False,
    broadcast_quota=None,
    reply_window_hours=48.0,
    window_replies=8,
)
