"""`cchc-bot notices …`: write, preview, approve, schedule, send and follow broadcasts.

Every command first brings `knowledge/notices/*.yaml` into the database (so an approved
notice edited in its file is back to draft before anything else happens). `send ID --now`
sends from this process through the configured channels; it claims the notice and its
deliveries in the same tables as a running server, so nothing is sent twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import signal
import sys
import time
from typing import Any, TextIO

from cchc_bot import cli_texts, report_texts
from cchc_bot.broadcast_journal import new_owner, owner_dead
from cchc_bot.broadcast_notices import NoticeError, refusal
from cchc_bot.broadcast_progress import Progress, RunResult
from cchc_bot.broadcast_report import notice_report
from cchc_bot.channels.capabilities import TELEGRAM, ZALO_BOT, ZALO_OA
from cchc_bot.channels.render import notice_parts, units
from cchc_bot.cli_queue import actor_name
from cchc_bot.server_broadcast import BroadcastRuntime
from cchc_bot.settings import Settings
from cchc_bot.storage import NoticeConflict, NoticeEventRecord, NoticeRecord
from cchc_bot.storage.broadcast_repo import SENDABLE, NoticeBusy

EXIT_USAGE = 2
PREVIEW_CHANNELS = {"telegram": TELEGRAM, "zalo": ZALO_BOT, "zalo_oa": ZALO_OA}


def add_parsers(sub: argparse._SubParsersAction) -> None:
    notices = sub.add_parser("notices", help="broadcast notices: preview, approve, schedule, send")
    actions = notices.add_subparsers(dest="notices_command", required=True, metavar="ACTION")

    def with_id(name: str, help: str, by: bool = False) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=help)
        parser.add_argument("id", metavar="ID")
        if by:
            parser.add_argument("--by", metavar="NAME", help="who acts (CCHC_STAFF_NAME, login)")
        return parser

    listing = actions.add_parser("list", help="every notice with its status and time")
    listing.add_argument("--json", action="store_true")
    with_id("show", "one notice: text, status, history, deliveries")
    preview = with_id("preview", "the messages each channel will show")
    preview.add_argument("--channel", choices=sorted(PREVIEW_CHANNELS))
    approve = with_id("approve", "approve a draft (only approved notices are sent)")
    approve.add_argument("--by", metavar="NAME", required=True, help="who approves")
    schedule = with_id("schedule", "schedule an approved notice", by=True)
    schedule.add_argument("--at", metavar='"YYYY-MM-DD HH:MM"', help="local time; default: file")
    send = with_id("send", "send now: by the running server, or --now from here", by=True)
    send.add_argument("--now", action="store_true", help="send from this process, with progress")
    with_id("cancel", "cancel a notice (a sending one stops)", by=True)
    report = with_id("report", "delivery figures of one notice")
    report.add_argument("--json", action="store_true")
    add = with_id("add", "write a one-off notice (a draft) from the command line", by=True)
    add.add_argument("--title", required=True)
    add.add_argument("--text", help="the text (or --file)")
    add.add_argument("--file", type=argparse.FileType("r", encoding="utf-8"))
    add.add_argument("--topics", default="cchc", help="comma-separated, e.g. cchc,thi-cu")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from cchc_bot.app import open_database

    database = open_database(settings)
    runtime = BroadcastRuntime(settings, database, senders={} if not _sends(args) else None)
    try:
        for change in runtime.service.sync():
            if change.change == "locked":
                print(cli_texts.NOTICE_SYNC_LOCKED.format(id=change.notice_id), file=sys.stderr)
        return _act(args, settings, runtime)
    except NoticeError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        asyncio.run(runtime.close())
        database.close()


def _sends(args: argparse.Namespace) -> bool:
    return args.notices_command == "send" and args.now


def _act(args: argparse.Namespace, settings: Settings, runtime: BroadcastRuntime) -> int:
    service, command = runtime.service, args.notices_command
    if command == "list":
        return _list(runtime, args.json)
    if command == "preview":
        return _preview(service.get(args.id), args.channel)
    if command == "report":
        figures = notice_report(service.get(args.id), service.deliveries)
        if args.json:
            print(json.dumps(figures.as_dict(), ensure_ascii=False, indent=2))
        else:
            print(_report_text(figures.as_dict()))
        return 0
    if command == "show":
        return _show(runtime, args.id)
    who = args.by if command == "approve" else actor_name(args, settings)
    if not who:
        print(cli_texts.STAFF_NEEDS_NAME, file=sys.stderr)
        return EXIT_USAGE
    if command == "approve":
        service.approve(args.id, who)
        print(cli_texts.NOTICE_APPROVED.format(id=args.id, by=who))
    elif command == "schedule":
        notice = service.schedule(args.id, args.at, who)
        print(cli_texts.NOTICE_SCHEDULED.format(id=args.id, at=service.local(notice.scheduled_at)))
    elif command == "cancel":
        service.cancel(args.id, who)
        asyncio.run(runtime.broadcaster.settle_cancelled())  # rows a dead sender left
        print(cli_texts.NOTICE_CANCELLED.format(id=args.id))
    elif command == "add":
        text = args.file.read() if args.file else (args.text or "")
        topics = [t.strip() for t in args.topics.split(",") if t.strip()]
        service.add(args.id, args.title, text, topics, who)
        print(cli_texts.NOTICE_ADDED.format(id=args.id))
    elif not args.now:
        service.send_soon(args.id, who)
        print(cli_texts.NOTICE_SEND_SOON.format(id=args.id))
    else:
        return asyncio.run(_send_now(runtime, args.id))
    return 0


# -- sending from the CLI ------------------------------------------------------------------


async def _send_now(runtime: BroadcastRuntime, notice_id: str) -> int:
    notices = runtime.service.notices
    current = runtime.service.get(notice_id)
    if current.status not in (*SENDABLE, "sending"):
        print(refusal("send", notice_id, current.status), file=sys.stderr)
        return 1
    if not runtime.senders:
        print(cli_texts.NOTICE_NO_SENDERS, file=sys.stderr)
        return 1
    owner, folder = new_owner(), runtime.broadcaster.journal_dir
    previous = current.lease_owner
    dead = [previous] if previous and owner_dead(folder, previous) else []
    try:
        notice = notices.claim(notice_id, owner, runtime.broadcaster.lease, dead=dead)
    except NoticeBusy as exc:
        busy = cli_texts.NOTICE_OTHER_SENDING.format(
            busy=exc.busy.id, owner=exc.busy.lease_owner, id=notice_id
        )
        print(busy, file=sys.stderr)
        return 1
    except NoticeConflict as exc:
        if exc.notice.status == "sending":
            busy = cli_texts.NOTICE_BUSY.format(id=notice_id, owner=exc.notice.lease_owner)
            print(busy, file=sys.stderr)
            return 1
        print(refusal("send", notice_id, exc.notice.status), file=sys.stderr)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    bar = ProgressBar(sys.stderr)
    try:
        result = await runtime.broadcaster.run(notice, owner, stop=stop, progress=bar)
    finally:
        await runtime.close()  # in this loop: the connections belong to it
    bar.finish()
    if result.finished:
        print(cli_texts.NOTICE_DONE.format(id=notice_id))
        return 0
    if result.stopped == "cancelled":
        print(cli_texts.NOTICE_CANCELLED_WHILE_SENDING.format(id=notice_id), file=sys.stderr)
        return 1
    print(cli_texts.NOTICE_PAUSED.format(id=notice_id, why=stop_reason(result)), file=sys.stderr)
    return 1


def stop_reason(result: RunResult) -> str:
    """Why a run stopped, as staff read it."""
    why = result.stopped or "?"
    text = cli_texts.NOTICE_STOP_REASONS.get(why, why)
    return text.format(channels=", ".join(sorted(result.down)) or "?")


class ProgressBar:
    """`[█████░░░░░] 10 234/20 000 51% · 998/s · còn 0:10 · lỗi 3 · chặn 1 · bỏ qua 0`
    redrawn in place on a terminal; a plain line every few seconds otherwise."""

    def __init__(self, stream: TextIO, width: int = 24, every: float = 5.0) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.width = width
        self.every = every
        self._last = 0.0
        self._progress: Progress | None = None

    def __call__(self, progress: Progress, *, force: bool = False) -> None:
        self._progress = progress
        now = time.monotonic()
        if not force and now - self._last < (0.1 if self.tty else self.every):
            return
        self._last = now
        line = self.render(progress)
        self.stream.write(f"\r{line}\x1b[K" if self.tty else f"{line}\n")
        self.stream.flush()

    def render(self, p: Progress) -> str:
        total, done = max(p.total, 1), p.done
        filled = round(self.width * min(done / total, 1.0))
        eta = "–" if p.eta is None else f"{int(p.eta // 60)}:{int(p.eta % 60):02d}"
        counts = p.counts
        return cli_texts.PROGRESS.format(
            bar="█" * filled + "░" * (self.width - filled),
            done=done,
            total=p.total,
            share=done / total,
            rate=p.rate,
            eta=eta,
            failed=counts.get("failed", 0),
            blocked=counts.get("blocked", 0),
            skipped=counts.get("skipped", 0),
        )

    def finish(self) -> None:
        """Draw the final state (always), then end the line."""
        if self._progress is not None:
            self(self._progress, force=True)
            if self.tty:
                self.stream.write("\n")
                self.stream.flush()


# -- reading ---------------------------------------------------------------------------


def _list(runtime: BroadcastRuntime, as_json: bool) -> int:
    service = runtime.service
    notices = service.listing()
    if as_json:
        print(json.dumps([_summary(n) for n in notices], ensure_ascii=False, indent=2))
        return 0
    for n in notices:
        status = cli_texts.NOTICE_STATUS_NAMES.get(n.status, n.status)
        when = service.local(n.scheduled_at or n.planned_at)
        print(f"{n.id:<18} {status:<13} {when:<17} {_short(n.title, 60)}")
    return 0


def _summary(n: NoticeRecord) -> dict[str, object]:
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {
        "id": n.id,
        "title": n.title,
        "status": n.status,
        "scheduled_at": iso(n.scheduled_at),
        "planned_at": iso(n.planned_at),
        "topics": list(n.topics),
        "approved_by": n.approved_by,
        "approved_at": iso(n.approved_at),
        "source": n.source,
        "note": n.note,
    }


def _show(runtime: BroadcastRuntime, notice_id: str) -> int:
    service = runtime.service
    n = service.get(notice_id)
    status = cli_texts.NOTICE_STATUS_NAMES.get(n.status, n.status)
    print(f"{n.id} · {status} · {n.source}")
    print(cli_texts.NOTICE_TITLE.format(title=n.title))
    print(cli_texts.NOTICE_TOPICS.format(topics=", ".join(n.topics) or cli_texts.NOTICE_ALL_TOPICS))
    planned, scheduled = service.local(n.planned_at), service.local(n.scheduled_at)
    print(cli_texts.NOTICE_TIMES.format(planned=planned, scheduled=scheduled))
    if n.approved_by:
        at = service.local(n.approved_at)
        print(cli_texts.NOTICE_APPROVAL.format(by=n.approved_by, at=at))
    if n.note:
        print(cli_texts.NOTICE_NOTE.format(note=n.note))
    print("\n" + n.text + "\n")
    for event in service.notices.events(notice_id):
        print(f"  {service.local(event.created_at)} {_event(event)}")
    figures = notice_report(n, service.deliveries)
    if figures.recipients:
        print("\n" + _report_text(figures.as_dict()))
    return 0


def _preview(notice: NoticeRecord, channel: str | None) -> int:
    for name, caps in PREVIEW_CHANNELS.items():
        if channel and name != channel:
            continue
        parts = notice_parts(notice.text, caps)
        count = len(parts)
        print(cli_texts.PREVIEW_CHANNEL.format(channel=name, count=count, limit=caps.max_text))
        for i, part in enumerate(parts, 1):
            if count > 1:
                print(cli_texts.PREVIEW_PART.format(index=i, count=count, length=units(part)))
            print(part)
        print()
    return 0


_CLAIM = re.compile(r"^owner (\S+)(?:, taking over from (\S+))?$")
_COUNT = re.compile(r"\b([a-z_]+) (\d+)\b")


def _event(event: NoticeEventRecord) -> str:
    """One line of a notice's history: who, what (in Vietnamese), and the detail."""
    action = cli_texts.NOTICE_EVENT_NAMES.get(event.action, event.action)
    detail = event.detail
    claim = _CLAIM.match(detail) if event.action == "claim" else None
    if claim is not None:
        owner, previous = claim.groups()
        shown = cli_texts.NOTICE_EVENT_TAKEOVER if previous else cli_texts.NOTICE_EVENT_CLAIM
        detail = shown.format(owner=owner, previous=previous)
    elif event.action == "sent":
        names = cli_texts.DELIVERY_STATUS_NAMES
        detail = _COUNT.sub(lambda m: f"{names.get(m[1], m[1])} {m[2]}", detail)
    return f"{event.actor}: {action}" + (f" — {detail}" if detail else "")


def _report_text(d: dict[str, Any]) -> str:
    status = cli_texts.NOTICE_STATUS_NAMES.get(str(d["status"]), d["status"])
    lines = [
        cli_texts.REPORT_HEAD.format(id=d["id"], status=status),
        cli_texts.REPORT_RECIPIENTS.format(recipients=d["recipients"]),
        cli_texts.REPORT_SENT.format(sent=d["sent"], unconfirmed=d["unconfirmed"]),
        cli_texts.REPORT_OUTCOMES.format(
            failed=d["failed"], blocked=d["blocked"], skipped=d["skipped"], pending=d["pending"]
        ),
    ]
    if d["skipped_by_reason"]:
        listed = report_texts.reasons(d["skipped_by_reason"])
        lines.append(cli_texts.REPORT_SKIPPED_REASONS.format(reasons=listed))
    if d["failed_by_reason"]:
        listed = report_texts.reasons(d["failed_by_reason"])
        lines.append(cli_texts.REPORT_FAILED_REASONS.format(reasons=listed))
    if d["duration_s"] is not None:
        rate = d["rate"] or "–"
        lines.append(cli_texts.REPORT_DURATION.format(duration=d["duration_s"], rate=rate))
    return "\n".join(lines)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["ProgressBar", "add_parsers", "run"]
