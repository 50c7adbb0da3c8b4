"""`cchc-bot queue …`: the staff side of the hotline from a terminal."""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
from datetime import date, datetime, time
from pathlib import Path

from cchc_bot import cli_texts, texts
from cchc_bot.hotline import HotlineService, TicketView, TransitionError
from cchc_bot.knowledge.writer import add_faq_entry, add_question
from cchc_bot.redact import mask_personal
from cchc_bot.report_texts import STATUS_LABELS
from cchc_bot.settings import Settings
from cchc_bot.storage import AuditRecord, NoteRecord, TicketRecord

EXIT_USAGE = 2
_DUE_WIDTH = len("01/12/2026 17:00" + cli_texts.QUEUE_OVERDUE) + 2
# the columns of cli_texts.QUEUE_COLUMNS (the last: free)
LIST_WIDTHS = (15, 11, max(map(len, STATUS_LABELS.values())) + 2, _DUE_WIDTH, 14)
_UTC_STAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\+00:00|Z)")
_HELP_BY = "who acts (default: CCHC_STAFF_NAME or login)"


def days_count(text: str) -> int:
    """An argparse type: a whole number of days, at least 1 (``db prune --older-than``)."""
    try:
        days = int(text)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(cli_texts.PRUNE_BAD_DAYS.format(value=text))
    return days


def add_parsers(sub: argparse._SubParsersAction) -> None:
    queue = sub.add_parser("queue", help="hotline queue: list, answer, close … tickets")
    queue.add_argument("--by", metavar="NAME", help=_HELP_BY)
    # --by is accepted after the action too: `queue assign N WHO --by NAME`
    staff = argparse.ArgumentParser(add_help=False)
    staff.add_argument("--by", dest="by_action", metavar="NAME", help=_HELP_BY)
    actions = queue.add_subparsers(dest="queue_command", required=True, metavar="ACTION")

    def action(name: str, help: str) -> argparse.ArgumentParser:
        return actions.add_parser(name, help=help, parents=[staff])

    ls = action("list", "list tickets")
    ls.add_argument("--status", choices=("open", "assigned", "answered", "closed", "rejected"))
    ls.add_argument("--kind", choices=("question", "complaint"))
    ls.add_argument("--assignee")
    ls.add_argument("--overdue", action="store_true", help="only open tickets past their due time")
    ls.add_argument("--limit", type=int, default=100)
    ls.add_argument("--json", action="store_true")

    show = action("show", "one ticket with its notes, group and history")
    show.add_argument("number")
    show.add_argument("--json", action="store_true")

    assign = action("assign", "assign a ticket to someone")
    assign.add_argument("number")
    assign.add_argument("who")

    answer = action("answer", "answer a ticket (the citizen receives it)")
    answer.add_argument("number")
    answer.add_argument("text", nargs="?")
    answer.add_argument("--file", type=Path, help="read the answer from a file")

    note = action("note", "add an internal note")
    note.add_argument("number")
    note.add_argument("text")

    close = action("close", "close an answered ticket and its group (sends the survey)")
    close.add_argument("number")

    ungroup = action("ungroup", "take a ticket out of its group")
    ungroup.add_argument("number")

    reject = action("reject", "reject a ticket with a reason")
    reject.add_argument("number")
    reject.add_argument("--reason", required=True)

    promote = action(
        "promote", "turn an answered ticket into knowledge (new FAQ entry or question)"
    )
    promote.add_argument("number")
    promote.add_argument("--entry-id", required=True, help="existing entry, or id of a new one")
    promote.add_argument("--topic", help="faq file for a new entry, e.g. faq/hoi-dap.yaml")
    promote.add_argument("--topic-title", help="title of a new --topic file, with diacritics")
    promote.add_argument("--question", help="wording to add (default: the citizen's text)")

    export = action("export", "export tickets to CSV or Excel (audited)")
    export.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    export.add_argument("--to", dest="end", type=date.fromisoformat, required=True)
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--output", "-o", type=Path, help="file (default: stdout for csv)")


def actor_name(args: argparse.Namespace, settings: Settings) -> str:
    given = getattr(args, "by_action", None) or args.by
    if given:
        return given
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


def _local_stamps(detail: str, hotline: HotlineService) -> str:
    """UTC times written into audit details ('closed_at=2026-11-24T09:00+00:00') as local."""
    return _UTC_STAMP.sub(
        lambda m: _local(datetime.fromisoformat(m.group(0).replace("Z", "+00:00")), hotline), detail
    )


def _topic_titles(hotline: HotlineService) -> dict[str, str]:
    return {t.key: t.title for t in hotline.knowledge.current.knowledge.topics}


def _status(ticket: TicketRecord) -> str:
    return STATUS_LABELS.get(ticket.status, ticket.status)


def ticket_dict(ticket: TicketRecord, hotline: HotlineService) -> dict:
    """The `--json` form of a ticket: codes in English, the citizen's words masked."""
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
        "answer": mask_personal(ticket.answer) if ticket.answer is not None else None,
    }


def _note_dict(note: NoteRecord) -> dict:
    return {"author": note.author, "created_at": note.created_at.isoformat(), "text": note.text}


def _audit_dict(row: AuditRecord) -> dict:
    created = row.created_at.isoformat()
    return {"created_at": created, "actor": row.actor, "action": row.action, "detail": row.detail}


def view_dict(view: TicketView, hotline: HotlineService) -> dict:
    """`queue show --json`: the ticket, with its notes, history and group members."""
    reason = view.ticket.reject_reason
    return {
        **ticket_dict(view.ticket, hotline),
        "reject_reason": mask_personal(reason) if reason is not None else None,
        "notes": [_note_dict(n) for n in view.notes],
        "audit": [_audit_dict(a) for a in view.audit],
        "members": [m.number for m in view.members],
    }


def _print_list(tickets: list[TicketRecord], hotline: HotlineService) -> None:
    if not tickets:
        print(cli_texts.QUEUE_EMPTY)
        return
    *padded, last = cli_texts.QUEUE_COLUMNS
    columns = zip(padded, LIST_WIDTHS, strict=True)
    print("".join(f"{title:<{width}}" for title, width in columns) + last)
    number_w, kind_w, status_w, due_w, who_w = LIST_WIDTHS
    for t in tickets:
        late = cli_texts.QUEUE_OVERDUE if hotline.is_overdue(t) else ""
        text = mask_personal(" ".join(t.text.split()))
        text = text if len(text) <= 60 else text[:57] + "…"
        who = t.assignee or "-"
        who = who if len(who) < who_w else who[: who_w - 2] + "…"
        print(
            f"{t.number:<{number_w}}{texts.KIND_NAMES.get(t.kind, t.kind):<{kind_w}}"
            f"{_status(t):<{status_w}}{_local(t.due_at, hotline) + late:<{due_w}}"
            f"{who:<{who_w}}{text}"
        )


def _print_show(view: TicketView, hotline: HotlineService) -> None:
    t = view.ticket
    kind = texts.KIND_NAMES.get(t.kind, t.kind)
    print(cli_texts.TICKET_HEAD.format(number=t.number, kind=kind, status=_status(t)))
    who = t.display_name or "-"
    print(cli_texts.TICKET_CHANNEL.format(channel=t.channel, chat_id=t.chat_id, who=who))
    print(
        cli_texts.TICKET_TIMES.format(
            created=_local(t.created_at, hotline),
            due=_local(t.due_at, hotline),
            overdue=cli_texts.QUEUE_OVERDUE if hotline.is_overdue(t) else "",
        )
    )
    category = _topic_titles(hotline).get(t.category, t.category) if t.category else "-"
    print(cli_texts.TICKET_OWNER.format(assignee=t.assignee or "-", category=category))
    print(cli_texts.TICKET_TEXT.format(text=t.text))
    if t.candidates:
        print(cli_texts.TICKET_CANDIDATES)
        for c in t.candidates:
            print(f"  - {c.entry_id} ({c.score:.2f}): {c.title}")
    if t.group_id is not None and t.group_id != t.id:
        lead = hotline.tickets.ticket_by_id(t.group_id)
        print(cli_texts.TICKET_LEAD.format(number=lead.number if lead else t.group_id))
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
            detail = _local_stamps(a.detail, hotline)
            print(f"  {_local(a.created_at, hotline)}  {a.actor:<12} {a.action:<8} {detail}")


def _dump(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


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
                _dump([ticket_dict(t, hotline) for t in tickets])
            else:
                _print_list(tickets, hotline)
            return 0
        if command == "show":
            view = hotline.show(args.number)
            if args.json:
                _dump(view_dict(view, hotline))
            else:
                _print_show(view, hotline)
            return 0
        actor = actor_name(args, settings)
        if not actor:
            print(cli_texts.STAFF_NEEDS_NAME, file=sys.stderr)
            return EXIT_USAGE
        if command == "export":
            return _export(args, hotline, actor)
        return _act(args, hotline, actor, settings)
    except TransitionError as exc:
        print(exc, file=sys.stderr)
        return 1


def _answer_text(args: argparse.Namespace) -> str | None:
    if args.file is not None and args.text is not None:
        raise TransitionError(cli_texts.STAFF_TEXT_AND_FILE)
    return args.file.read_text(encoding="utf-8") if args.file else args.text


def _group_suffix(tickets: list[TicketRecord]) -> str:
    count = len(tickets) - 1
    return texts.STAFF_GROUP_SUFFIX.format(count=count) if count > 0 else ""


def _act(args: argparse.Namespace, hotline: HotlineService, actor: str, settings: Settings) -> int:
    command = args.queue_command
    if command == "assign":
        t = hotline.assign(args.number, args.who, actor)
        print(texts.STAFF_DONE["assign"].format(number=t.number, who=args.who))
    elif command == "answer":
        text = _answer_text(args)
        if text is None:
            print(cli_texts.STAFF_EMPTY_ANSWER, file=sys.stderr)
            return EXIT_USAGE
        answered = hotline.answer(args.number, text, actor)
        number = hotline.show(args.number).ticket.number
        print(texts.STAFF_DONE["answer"].format(number=number, group=_group_suffix(answered)))
    elif command == "note":
        hotline.note(args.number, args.text, actor)
        print(texts.STAFF_DONE["note"].format(number=hotline.show(args.number).ticket.number))
    elif command == "close":
        closed = hotline.close(args.number, actor)
        done = texts.STAFF_DONE["close"].format(number=closed[0].number)
        print(done + cli_texts.STAFF_CLOSED_GROUP.format(count=len(closed) - 1) * (len(closed) > 1))
    elif command == "reject":
        t = hotline.reject(args.number, args.reason, actor)
        print(texts.STAFF_DONE["reject"].format(number=t.number))
    elif command == "ungroup":
        changed = hotline.ungroup(args.number, actor)
        others = ", ".join(t.number for t in changed[1:])
        print(cli_texts.STAFF_UNGROUPED.format(number=changed[0].number, others=others or "-"))
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


def _export(args: argparse.Namespace, hotline: HotlineService, actor: str) -> int:
    from cchc_bot.exports import export_tickets

    if args.end < args.start:
        print(cli_texts.EXPORT_BAD_RANGE.format(start=args.start, end=args.end), file=sys.stderr)
        return EXIT_USAGE
    if args.format == "xlsx" and args.output is None:
        print(cli_texts.EXPORT_XLSX_NEEDS_FILE, file=sys.stderr)
        return EXIT_USAGE
    tz = hotline.timezone
    start = datetime.combine(args.start, time.min, tz)
    end = datetime.combine(args.end, time.max, tz)
    tickets = hotline.tickets.list_tickets(created_from=start, created_to=end, limit=1_000_000)
    target = args.output if args.output else sys.stdout
    titles = _topic_titles(hotline)
    count = export_tickets(tickets, target, format=args.format, timezone=tz, topic_titles=titles)
    where = str(args.output) if args.output else "stdout"
    detail = f"{count} tickets {args.start}…{args.end}, {args.format} → {where}"
    hotline.tickets.record_audit(actor, "export", None, detail)
    if args.output:
        print(cli_texts.EXPORTED.format(count=count, path=args.output))
    return 0
