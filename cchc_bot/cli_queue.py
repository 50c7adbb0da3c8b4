"""`cchc-bot queue …`: the staff side of the hotline from a terminal."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date, datetime, time
from pathlib import Path

from cchc_bot import cli_texts, texts
from cchc_bot.hotline import HotlineService, TransitionError
from cchc_bot.knowledge.writer import add_faq_entry, add_question
from cchc_bot.redact import mask_personal
from cchc_bot.settings import Settings
from cchc_bot.storage import TicketRecord

EXIT_USAGE = 2
LIST_WIDTHS = (15, 10, 12, 18, 14)  # the columns of cli_texts.QUEUE_COLUMNS (the last: free)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    queue = sub.add_parser("queue", help="hotline queue: list, answer, close … tickets")
    queue.add_argument("--by", metavar="NAME", help="who acts (default: CCHC_STAFF_NAME or login)")
    actions = queue.add_subparsers(dest="queue_command", required=True, metavar="ACTION")

    ls = actions.add_parser("list", help="list tickets")
    ls.add_argument("--status", choices=("open", "assigned", "answered", "closed", "rejected"))
    ls.add_argument("--kind", choices=("question", "complaint"))
    ls.add_argument("--assignee")
    ls.add_argument("--overdue", action="store_true", help="only open tickets past their due time")
    ls.add_argument("--limit", type=int, default=100)
    ls.add_argument("--json", action="store_true")

    show = actions.add_parser("show", help="one ticket with its notes and history")
    show.add_argument("number")
    show.add_argument("--json", action="store_true")

    assign = actions.add_parser("assign", help="assign a ticket to someone")
    assign.add_argument("number")
    assign.add_argument("who")

    answer = actions.add_parser("answer", help="answer a ticket (the citizen receives it)")
    answer.add_argument("number")
    answer.add_argument("text", nargs="?")
    answer.add_argument("--file", type=Path, help="read the answer from a file")

    note = actions.add_parser("note", help="add an internal note")
    note.add_argument("number")
    note.add_argument("text")

    close = actions.add_parser("close", help="close an answered ticket (sends the survey)")
    close.add_argument("number")

    reject = actions.add_parser("reject", help="reject a ticket with a reason")
    reject.add_argument("number")
    reject.add_argument("--reason", required=True)

    promote = actions.add_parser(
        "promote", help="turn an answered ticket into knowledge (new FAQ entry or question)"
    )
    promote.add_argument("number")
    promote.add_argument("--entry-id", required=True, help="existing entry, or id of a new one")
    promote.add_argument("--topic", help="faq file for a new entry, e.g. faq/hoi-dap.yaml")
    promote.add_argument("--topic-title", help="title when --topic is a new file")
    promote.add_argument("--question", help="wording to add (default: the citizen's text)")

    export = actions.add_parser("export", help="export tickets to CSV or Excel")
    export.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    export.add_argument("--to", dest="end", type=date.fromisoformat, required=True)
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--output", "-o", type=Path, help="file (default: stdout for csv)")


def actor_name(args: argparse.Namespace, settings: Settings) -> str:
    if args.by:
        return args.by
    if settings.staff_name:
        return settings.staff_name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _local(moment: datetime | None, hotline: HotlineService) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(hotline.timezone).strftime("%d/%m/%Y %H:%M")


def ticket_dict(ticket: TicketRecord, hotline: HotlineService) -> dict:
    return {
        "number": ticket.number,
        "kind": ticket.kind,
        "status": ticket.status,
        "overdue": hotline.is_overdue(ticket),
        "category": ticket.category,
        "assignee": ticket.assignee,
        "channel": ticket.channel,
        "created_at": ticket.created_at.isoformat(),
        "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
        "answered_at": ticket.answered_at.isoformat() if ticket.answered_at else None,
        "group_id": ticket.group_id,
        "text": mask_personal(ticket.text),
        "candidates": [
            {"entry_id": c.entry_id, "title": c.title, "score": c.score} for c in ticket.candidates
        ],
        "answer": ticket.answer,
    }


def _print_list(tickets: list[TicketRecord], hotline: HotlineService) -> None:
    if not tickets:
        print(cli_texts.QUEUE_EMPTY)
        return
    *padded, last = cli_texts.QUEUE_COLUMNS
    columns = zip(padded, LIST_WIDTHS, strict=True)
    print("".join(f"{title:<{width}}" for title, width in columns) + last)
    for t in tickets:
        late = cli_texts.QUEUE_OVERDUE if hotline.is_overdue(t) else ""
        text = mask_personal(" ".join(t.text.split()))
        text = text if len(text) <= 60 else text[:57] + "…"
        print(
            f"{t.number:<15}{texts.KIND_NAMES.get(t.kind, t.kind):<10}{t.status:<12}"
            f"{_local(t.due_at, hotline) + late:<18}{(t.assignee or '-'):<14}{text}"
        )


def _print_show(view, hotline: HotlineService) -> None:
    t = view.ticket
    kind = texts.KIND_NAMES.get(t.kind, t.kind)
    print(cli_texts.TICKET_HEAD.format(number=t.number, kind=kind, status=t.status))
    who = t.display_name or "-"
    print(cli_texts.TICKET_CHANNEL.format(channel=t.channel, chat_id=t.chat_id, who=who))
    print(
        cli_texts.TICKET_TIMES.format(
            created=_local(t.created_at, hotline),
            due=_local(t.due_at, hotline),
            overdue=cli_texts.QUEUE_OVERDUE if hotline.is_overdue(t) else "",
        )
    )
    print(cli_texts.TICKET_OWNER.format(assignee=t.assignee or "-", category=t.category or "-"))
    print(cli_texts.TICKET_TEXT.format(text=t.text))
    if t.candidates:
        print(cli_texts.TICKET_CANDIDATES)
        for c in t.candidates:
            print(f"  - {c.entry_id} ({c.score:.2f}): {c.title}")
    if view.members:
        print(cli_texts.TICKET_MEMBERS.format(numbers=", ".join(m.number for m in view.members)))
    if t.answer:
        at = _local(t.answered_at, hotline)
        print(cli_texts.TICKET_ANSWER.format(by=t.answered_by or "-", at=at, answer=t.answer))
    if t.reject_reason:
        print(cli_texts.TICKET_REJECT_REASON.format(reason=t.reject_reason))
    for n in view.notes:
        at = _local(n.created_at, hotline)
        print(cli_texts.TICKET_NOTE.format(author=n.author, at=at, text=n.text))
    if view.audit:
        print(cli_texts.TICKET_HISTORY)
        for a in view.audit:
            print(f"  {_local(a.created_at, hotline)}  {a.actor:<12} {a.action:<8} {a.detail}")


def run(args: argparse.Namespace, settings: Settings, hotline: HotlineService) -> int:
    command = args.queue_command
    try:
        if command == "list":
            tickets = hotline.list(
                status=args.status,
                kind=args.kind,
                assignee=args.assignee,
                overdue=args.overdue,
                limit=args.limit,
            )
            if args.json:
                print(
                    json.dumps(
                        [ticket_dict(t, hotline) for t in tickets], ensure_ascii=False, indent=2
                    )
                )
            else:
                _print_list(tickets, hotline)
            return 0
        if command == "show":
            view = hotline.show(args.number)
            if args.json:
                print(json.dumps(ticket_dict(view.ticket, hotline), ensure_ascii=False, indent=2))
            else:
                _print_show(view, hotline)
            return 0
        if command == "export":
            return _export(args, hotline)
        actor = actor_name(args, settings)
        if not actor:
            print(cli_texts.STAFF_NEEDS_NAME, file=sys.stderr)
            return EXIT_USAGE
        return _act(args, hotline, actor, settings)
    except TransitionError as exc:
        print(exc, file=sys.stderr)
        return 1


def _act(args: argparse.Namespace, hotline: HotlineService, actor: str, settings: Settings) -> int:
    command = args.queue_command
    if command == "assign":
        t = hotline.assign(args.number, args.who, actor)
        print(texts.STAFF_DONE["assign"].format(number=t.number, who=args.who))
    elif command == "answer":
        text = args.file.read_text(encoding="utf-8") if args.file else args.text
        if text is None:
            print(cli_texts.STAFF_EMPTY_ANSWER, file=sys.stderr)
            return EXIT_USAGE
        answered = hotline.answer(args.number, text, actor)
        group = (
            texts.STAFF_GROUP_SUFFIX.format(count=len(answered) - 1) if len(answered) > 1 else ""
        )
        print(texts.STAFF_DONE["answer"].format(number=args.number, group=group))
    elif command == "note":
        hotline.note(args.number, args.text, actor)
        print(texts.STAFF_DONE["note"].format(number=args.number))
    elif command == "close":
        hotline.close(args.number, actor)
        print(texts.STAFF_DONE["close"].format(number=args.number))
    elif command == "reject":
        hotline.reject(args.number, args.reason, actor)
        print(texts.STAFF_DONE["reject"].format(number=args.number))
    elif command == "promote":
        return _promote(args, hotline, actor, settings)
    return 0


def _promote(
    args: argparse.Namespace, hotline: HotlineService, actor: str, settings: Settings
) -> int:
    view = hotline.show(args.number)
    ticket = view.ticket
    if ticket.answer is None:
        raise TransitionError(cli_texts.STAFF_PROMOTE_NEEDS_ANSWER.format(number=ticket.number))
    folder = hotline.knowledge.folder
    today = datetime.now(hotline.timezone).date()
    comment = cli_texts.PROMOTE_COMMENT.format(
        number=ticket.number, who=actor, day=today.strftime("%d/%m/%Y")
    )
    question = args.question or mask_personal(" ".join(ticket.text.split()))
    known = hotline.knowledge.current.knowledge.by_id()
    if args.entry_id in known:
        path = add_question(folder, args.entry_id, question, comment=comment)
    else:
        if not args.topic:
            print(
                cli_texts.STAFF_PROMOTE_NEEDS_TOPIC.format(entry_id=args.entry_id), file=sys.stderr
            )
            return EXIT_USAGE
        path = add_faq_entry(
            folder,
            args.topic,
            args.entry_id,
            question,
            ticket.answer,
            comment=comment,
            reviewed=today,
            topic_title=args.topic_title,
        )
    hotline.tickets.record_audit(actor, "promote", ticket.number, f"{args.entry_id} → {path}")
    hotline.knowledge.reload()
    print(cli_texts.STAFF_PROMOTED.format(number=ticket.number, entry_id=args.entry_id, path=path))
    return 0


def _export(args: argparse.Namespace, hotline: HotlineService) -> int:
    from cchc_bot.exports import export_tickets

    if args.end < args.start:
        print(cli_texts.EXPORT_BAD_RANGE.format(start=args.start, end=args.end), file=sys.stderr)
        return EXIT_USAGE
    tz = hotline.timezone
    start = datetime.combine(args.start, time.min, tz)
    end = datetime.combine(args.end, time.max, tz)
    tickets = hotline.tickets.list_tickets(created_from=start, created_to=end, limit=1_000_000)
    if args.format == "xlsx" and args.output is None:
        print(cli_texts.EXPORT_XLSX_NEEDS_FILE, file=sys.stderr)
        return EXIT_USAGE
    target = args.output if args.output else sys.stdout
    export_tickets(tickets, target, format=args.format, timezone=tz)
    if args.output:
        print(cli_texts.EXPORTED.format(count=len(tickets), path=args.output))
    return 0
