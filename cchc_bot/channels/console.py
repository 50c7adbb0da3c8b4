"""The console channel: chat with the bot in a terminal (no token, no network)."""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from cchc_bot import texts
from cchc_bot.channels.render import numbered
from cchc_bot.messages import Incoming, Reply

CHANNEL = "console"


def _enable_history(history_file: Path | None) -> Callable[[], None]:
    """Arrow-key editing and a history file when readline exists; returns a saver."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input() still works
        return lambda: None
    if history_file is None:
        return lambda: None
    try:
        history_file.parent.mkdir(parents=True, exist_ok=True)
        if history_file.exists():
            readline.read_history_file(history_file)
    except OSError:
        return lambda: None
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(history_file)

    return save


class ConsoleNotifier:
    """Delivers staff answers to the terminal chat (shown before the next prompt)."""

    channel = CHANNEL

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out

    def send(self, chat_id: str, text: str) -> None:
        import sys

        stream = self.out or sys.stdout
        print(f"\n{texts.CONSOLE_INBOX}\n{text}", file=stream, flush=True)


def chat_loop(
    handle: Callable[[Incoming], Reply],
    *,
    agency_name: str,
    read: Callable[[str], str] = input,
    out: TextIO | None = None,
    history_file: Path | None = None,
    user: str | None = None,
    inbox: Callable[[str], object] | None = None,
) -> int:
    """Read questions until EOF or /thoat, print the bot's replies; returns an exit code.

    `inbox(chat_id)` is called before each prompt to deliver what staff sent meanwhile.
    """
    import sys

    stream = out or sys.stdout
    save_history = _enable_history(history_file) if read is input else (lambda: None)
    user_id = user or _current_user()
    print(texts.CHAT_BANNER.format(agency=agency_name), file=stream, flush=True)
    try:
        while True:
            if inbox is not None:
                inbox(user_id)
            try:
                line = read("\n> ")
            except EOFError:
                break
            if line.strip().lower() in texts.CHAT_QUIT_WORDS:
                break
            if not line.strip():
                continue
            reply = handle(Incoming(CHANNEL, user_id, user_id, line, display_name=user_id))
            print(numbered(reply), file=stream, flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        save_history()
    print(texts.CHAT_BYE, file=stream, flush=True)
    return 0


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "console"
