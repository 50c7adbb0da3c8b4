"""`cchc-bot` command line: chat, ask, eval, kb check, db upgrade, run."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from cchc_bot import __version__, cli_notices, cli_queue, cli_texts
from cchc_bot.channels.render import numbered
from cchc_bot.engine import Engine
from cchc_bot.evaluation import evaluate, summary_dict
from cchc_bot.kb_service import KnowledgeService
from cchc_bot.knowledge import KnowledgeError, check_knowledge, check_notices, load_golden
from cchc_bot.matching import Match, Matcher, find_near_duplicates
from cchc_bot.messages import Reply
from cchc_bot.settings import Settings, SettingsError
from cchc_bot.storage import StorageError

EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 1  # as Python's documentation advises for a closed output pipe
EVAL_WIDTHS = (8, 11, 7, 7, 8, 7, 12)  # the columns of cli_texts.EVAL_COLUMNS

log = logging.getLogger("cchc_bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cchc-bot",
        description=cli_texts.DESCRIPTION,
    )
    parser.add_argument("--version", action="version", version=f"cchc-bot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def knowledge_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--knowledge", type=Path, metavar="DIR", help="knowledge folder (CCHC_KNOWLEDGE_DIR)"
        )

    chat = sub.add_parser("chat", help="chat with the bot in this terminal")
    knowledge_option(chat)

    ask = sub.add_parser("ask", help="ask one question (or a batch) without starting a chat")
    knowledge_option(ask)
    ask.add_argument("question", nargs="*", help="the question")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("--batch", metavar="FILE", help="one question per line; '-' = stdin")

    ev = sub.add_parser("eval", help="score the bot on a golden question file")
    knowledge_option(ev)
    ev.add_argument("golden", type=Path, metavar="GOLDEN.yaml")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--show-errors", action="store_true", help="list the questions that failed")

    kb = sub.add_parser("kb", help="knowledge base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True, metavar="ACTION")
    check = kb_sub.add_parser("check", help="validate a knowledge folder")
    check.add_argument("folder", nargs="?", type=Path, metavar="DIR")
    check.add_argument("--strict", action="store_true", help="warnings also fail the check")

    db = sub.add_parser("db", help="database tools")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply database migrations")
    db_sub.add_parser("current", help="show the schema revision")

    prune = db_sub.add_parser("prune", help="remove old message texts, keep the statistics")
    prune.add_argument("--older-than", type=cli_queue.days_count, required=True, metavar="DAYS")

    cli_queue.add_parsers(sub)
    cli_notices.add_parsers(sub)

    report = sub.add_parser("report", help=cli_texts.REPORT_HELP)
    report.add_argument("--month", required=True, metavar="YYYY-MM")
    report.add_argument("--format", choices=("md", "csv", "html"), default="md")
    report.add_argument("--output", "-o", type=Path)

    sub.add_parser("run", help="run the bot server (Telegram, Zalo, web)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    quiet = args.command in ("chat", "ask", "eval", "kb", "queue", "report", "notices")
    level = max(logging.WARNING, logging.getLevelName(settings.log_level)) if quiet else None
    logging.basicConfig(
        level=level or settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if settings.log_level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)
    handlers = {
        "chat": _chat,
        "ask": _ask,
        "eval": _eval,
        "kb": _kb,
        "db": _db,
        "queue": _queue,
        "notices": cli_notices.run,
        "report": _report,
        "run": _run,
    }
    try:
        return handlers[args.command](args, settings)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except StorageError as exc:
        print(cli_texts.DATABASE_ERROR.format(error=exc), file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`cchc-bot chat | head`): stop quietly, and keep Python from
        # failing again when it flushes stdout at exit.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except UnicodeDecodeError as exc:
        print(cli_texts.FILE_NOT_UTF8.format(reason=exc.reason), file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        if exc.filename is None:  # not a file: a network or system error, not ours to word
            raise
        reason = cli_texts.FILE_REASONS.get(exc.errno or 0, exc.strerror)
        print(cli_texts.FILE_ERROR.format(path=exc.filename, reason=reason), file=sys.stderr)
        return EXIT_USAGE


def _queue(args: argparse.Namespace, settings: Settings) -> int:
    from cchc_bot.app import build_app

    app = build_app(settings)
    try:
        return cli_queue.run(args, settings, app.hotline)
    finally:
        app.close()


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from cchc_bot.app import build_app
    from cchc_bot.broadcast_report import month_report
    from cchc_bot.report_html import render_html
    from cchc_bot.report_render import render_csv, render_markdown
    from cchc_bot.reports import month_bounds, monthly_report, parse_month
    from cchc_bot.storage import DeliveryRepository, NoticeRepository, ReportQueries

    try:
        month = parse_month(args.month)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    app = build_app(settings)
    try:
        knowledge = app.knowledge.current.knowledge
        start, end = month_bounds(*month, settings.timezone)
        notices = month_report(
            NoticeRepository(app.database), DeliveryRepository(app.database), start, end
        )
        report = monthly_report(
            ReportQueries(app.database),
            args.month,
            settings.timezone,
            entry_titles={e.id: e.title for e in knowledge.entries},
            topic_titles={t.key: t.title for t in knowledge.topics},
            broadcasts=notices.notices,
        )
        agency = knowledge.agency.name
        if args.format == "html":
            text = render_html(report, agency=agency)
        elif args.format == "csv":
            text = render_csv(report)
        else:
            text = render_markdown(report, agency=agency)
    finally:
        app.close()
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _knowledge(args: argparse.Namespace, settings: Settings) -> KnowledgeService:
    from cchc_bot.app import thresholds

    return KnowledgeService(args.knowledge or settings.knowledge_dir, thresholds(settings))


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from cchc_bot.app import build_app
    from cchc_bot.channels.console import CHANNEL, ConsoleNotifier, chat_loop

    app = build_app(settings, args.knowledge)
    notifiers = {CHANNEL: ConsoleNotifier()}
    try:
        history = Path.home() / ".cchc_bot_history"
        return chat_loop(
            app.engine.handle,
            agency_name=app.knowledge.current.knowledge.agency.name,
            history_file=history,
            inbox=lambda chat_id: app.hotline.deliver_pending(notifiers, chat_id=chat_id),
        )
    finally:
        app.close()


def _questions(args: argparse.Namespace) -> Iterator[str]:
    if args.batch:
        stream = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8")  # noqa: SIM115
        with stream:
            for line in stream:
                if line.strip():
                    yield line.rstrip("\n")
    else:
        yield " ".join(args.question)


def ask_json(match: Match, reply: Reply) -> dict:
    """The `ask --json` schema (one object per question)."""
    return {
        "status": match.status,
        "entry_id": match.entry.id if match.status == "answer" and match.entry else None,
        "aspect": match.aspect if match.status == "answer" else None,
        "score": round(float(match.score), 4),
        "choices": [
            {"entry_id": c.entry.id, "title": c.entry.title, "score": round(float(c.score), 4)}
            for c in match.candidates
        ]
        if match.status == "choices"
        else [],
        "text": numbered(reply),
    }


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    if not args.batch and not " ".join(args.question).strip():
        print(cli_texts.ASK_HINT, file=sys.stderr)
        return EXIT_USAGE
    engine = Engine(_knowledge(args, settings), None, timezone=settings.timezone)
    as_json = args.json or bool(args.batch)
    for question in _questions(args):
        match, reply = engine.preview(question)
        if as_json:
            print(json.dumps(ask_json(match, reply), ensure_ascii=False), flush=True)
        else:
            print(numbered(reply), end="\n\n", flush=True)
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    service = _knowledge(args, settings)
    loaded = service.current
    cases = load_golden(args.golden, loaded.knowledge)
    today = time.localtime()
    summaries, results = evaluate(
        loaded.matcher, cases, date(today.tm_year, today.tm_mon, today.tm_mday)
    )
    if args.json:
        print(json.dumps([summary_dict(s) for s in summaries], ensure_ascii=False, indent=2))
        return 0
    print(cli_texts.EVAL_CASES.format(count=len(cases), path=args.golden))
    columns = zip(cli_texts.EVAL_COLUMNS, EVAL_WIDTHS, strict=True)
    print(f"{'':<14}" + "".join(f"{title:>{width}}" for title, width in columns))
    for s in summaries:
        print(
            f"{s.variant:<14}{s.answered_right:>8.1%}{s.right_answered_or_offered:>11.1%}"
            f"{s.answered_wrong:>7.1%}{s.choices:>7.1%}{s.handed_off:>8.1%}{s.oos_answered:>7.1%}"
            f"{s.oos_choices:>12.1%}"
        )
    print(cli_texts.EVAL_LEGEND)
    if args.show_errors:
        for variant, rows in results.items():
            for r in rows:
                bad = (r.in_scope and not r.reachable) or r.answered_wrong
                bad = bad or (not r.in_scope and r.status == "answer")
                if bad:
                    got = r.entry_id or ",".join(r.offered) or "-"
                    expected = ",".join(r.expect) or cli_texts.EVAL_EXPECTED_NOTHING
                    print(
                        cli_texts.EVAL_ERROR.format(
                            variant=variant,
                            status=r.status,
                            score=r.score,
                            question=r.question,
                            got=got,
                            expected=expected,
                        )
                    )
    return 0


def _kb(args: argparse.Namespace, settings: Settings) -> int:
    folder = args.folder or settings.knowledge_dir
    report = check_knowledge(folder, review_max_age_days=settings.review_max_age_days)
    notices = check_notices(folder)
    for problem in (*report.problems, *notices.errors, *notices.warnings):
        print(problem)
    warnings = len(report.warnings) + len(notices.warnings)
    if report.draft is not None and report.draft.entries:
        from cchc_bot.app import thresholds

        matcher = Matcher(report.draft, thresholds(settings))
        where = {e.id: str(e.source) for e in report.draft.entries}
        for dup in find_near_duplicates(matcher):
            warnings += 1
            print(
                cli_texts.KB_NEAR_DUPLICATE.format(
                    where=where[dup.entry_id],
                    entry_id=dup.entry_id,
                    question=dup.question,
                    other_id=dup.other_id,
                    other_question=dup.other_question,
                    similarity=dup.similarity,
                )
            )
    entries = len(report.knowledge.entries) if report.knowledge else 0
    errors = len(report.errors) + len(notices.errors)
    print(
        cli_texts.KB_SUMMARY.format(folder=folder, errors=errors, warnings=warnings)
        + (cli_texts.KB_SUMMARY_ENTRIES.format(count=entries) if report.knowledge else "")
        + (
            cli_texts.KB_SUMMARY_NOTICES.format(count=len(notices.notices))
            if notices.notices
            else ""
        )
    )
    if errors or (args.strict and warnings):
        return 1
    return 0


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from cchc_bot.storage import Database

    database = Database(settings.database_url)
    try:
        if args.db_command == "prune":
            from datetime import UTC, datetime, timedelta

            from cchc_bot.storage import HotlineRepository

            database.check_schema()
            cutoff = datetime.now(UTC) - timedelta(days=args.older_than)
            pruned = HotlineRepository(database).prune(cutoff)
            print(cli_texts.PRUNED.format(days=args.older_than, **vars(pruned)))
        elif args.db_command == "upgrade":
            before = database.current_revision()
            database.upgrade()
            after = database.current_revision()
            before = before or cli_texts.DB_NO_REVISION
            print(cli_texts.DB_UPGRADED.format(url=database.masked_url, before=before, after=after))
        else:
            current = database.current_revision()
            head = database.head_revision()
            state = (
                cli_texts.DB_UP_TO_DATE
                if current == head
                else cli_texts.DB_NEEDS_UPGRADE.format(head=head)
            )
            current = current or cli_texts.DB_NO_REVISION
            print(
                cli_texts.DB_CURRENT.format(url=database.masked_url, current=current, state=state)
            )
    finally:
        database.close()
    return 0


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from cchc_bot.server import run

    return run(settings)


if __name__ == "__main__":
    raise SystemExit(main())
