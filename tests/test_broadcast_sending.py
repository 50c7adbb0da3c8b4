"""The broadcaster against an in-memory sender: exactly once, pauses, blocks, retries,
crash recovery from the journal, stop and resume, cancel, quotas (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from cchc_bot.broadcast import RecipientGone, Rejected, RetryLater, Transient
from cchc_bot.broadcast_journal import Journal, new_owner
from cchc_bot.broadcast_quota import Quota, QuotaGuard, Window, decide
from cchc_bot.broadcast_report import month_report, notice_report
from cchc_bot.report_render import render_csv, render_markdown, tables
from cchc_bot.reports import month_bounds, monthly_report, parse_month
from cchc_bot.storage import Database, ReportQueries, Repository
from tests.broadcast_helpers import MemorySender, Parts, notice_folder, parts_for

VN = datetime.now(UTC).astimezone().tzinfo
SQLITE_ONLY = pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)


@pytest.fixture
def bc(repository: Repository, database: Database, tmp_path: Path) -> Parts:
    parts = parts_for(database, notice_folder(tmp_path), VN)
    parts.ready()
    return parts


def subscribe(bc: Parts, count: int, channel: str = "telegram", topics: tuple = ()) -> list[str]:
    chats = [f"{channel[:1]}{i}" for i in range(count)]
    bc.subscriptions.add_active([(channel, c, topics) for c in chats])
    return chats


def rows(bc: Parts, notice_id: str = "cchc-2027-01") -> dict[str, tuple]:
    """Rows by status, reasons of skipped and failed rows (together), unconfirmed sends."""
    counts = bc.deliveries.counts([notice_id])[notice_id]
    reasons = counts.skipped_reasons | counts.failed_reasons
    return dict(counts.by_status), reasons, counts.unconfirmed  # type: ignore[return-value]


async def test_every_subscriber_of_the_topic_receives_it_once(bc: Parts) -> None:
    everyone = subscribe(bc, 30)
    bc.subscriptions.add_active([("telegram", "exams-only", ("thi-cu",))])
    bc.subscriptions.add_active([("telegram", "cchc-fan", ("cchc", "thi-cu"))])
    bc.subscriptions.subscribe("telegram", "left", "left")
    bc.subscriptions.unsubscribe("telegram", "left")
    sender = MemorySender()
    result = await bc.send(bc.broadcaster({"telegram": sender}))
    assert result.finished and result.counts == {"sent": 31}
    got = sorted(chat for chat, _ in sender.delivered)
    assert got == sorted([*everyone, "cchc-fan"])
    assert sender.delivered[0][1].startswith("CẢI CÁCH HÀNH CHÍNH NĂM 2027")
    assert bc.notices.get("cchc-2027-01").status == "sent"  # type: ignore[union-attr]
    again = await bc.broadcaster({"telegram": sender}).run(
        bc.notices.get("cchc-2027-01"),  # type: ignore[arg-type]
        new_owner(),
    )
    assert len(sender.delivered) == 31 and again.counts["sent"] == 31  # nothing sent twice


@SQLITE_ONLY
async def test_a_429_pauses_the_channel_then_the_same_message_goes(bc: Parts) -> None:
    subscribe(bc, 5)
    sender = MemorySender(script={"t2": [RetryLater(0.3)]})
    started = time.monotonic()
    result = await bc.send(bc.broadcaster({"telegram": sender}))
    assert result.finished and result.counts == {"sent": 5}
    assert time.monotonic() - started >= 0.3
    assert sorted(c for c, _ in sender.delivered) == ["t0", "t1", "t2", "t3", "t4"]
    query = text("SELECT chat_id, attempts FROM deliveries")
    attempts = bc.database.run(lambda s: dict(s.execute(query).all()))
    assert attempts["t2"] == 2 and attempts["t1"] == 1


@SQLITE_ONLY
async def test_blocked_chats_are_unsubscribed_and_refusals_fail(bc: Parts) -> None:
    subscribe(bc, 6)
    sender = MemorySender(
        script={
            "t1": [RecipientGone("Forbidden: bot was blocked by the user")],
            "t2": [Rejected("Bad Request: something")],
            "t3": [Transient("502"), Transient("502")],
        }
    )
    result = await bc.send(bc.broadcaster({"telegram": sender}))
    assert result.finished
    status, reasons, _ = rows(bc)
    assert status == {"sent": 4, "blocked": 1, "failed": 1}
    assert reasons == {"rejected": 1}
    assert not bc.subscriptions.get("telegram", "t1").active  # type: ignore[union-attr]
    assert bc.subscriptions.get("telegram", "t1").reason == "blocked"  # type: ignore[union-attr]
    assert bc.subscriptions.get("telegram", "t2").active  # type: ignore[union-attr]
    assert ("t3", sender.delivered[-1][1]) in sender.delivered  # retried after two 502s


@SQLITE_ONLY
async def test_no_answer_after_the_request_left_counts_as_sent_and_is_not_repeated(
    bc: Parts,
) -> None:
    subscribe(bc, 3)
    sender = MemorySender(script={"t0": [TimeoutError("read timeout")]})
    result = await bc.send(bc.broadcaster({"telegram": sender}))
    assert result.finished
    status, _, unconfirmed = rows(bc)
    assert status == {"sent": 3} and unconfirmed == 1
    assert [c for c, _ in sender.delivered].count("t0") == 0  # one attempt only


async def test_a_stop_midway_gives_rows_back_and_a_second_run_finishes(bc: Parts) -> None:
    chats = subscribe(bc, 40)
    stop = asyncio.Event()
    sender = MemorySender(
        delay=0.01, on_send=lambda chat: len(sender.delivered) >= 10 and stop.set()
    )
    first = await bc.send(bc.broadcaster({"telegram": sender}, rate=200), stop=stop)
    assert not first.finished and first.stopped == "stop"
    notice = bc.notices.get("cchc-2027-01")
    assert notice.status == "sending" and notice.lease_owner is None  # type: ignore[union-attr]
    assert rows(bc)[0].get("sending", 0) == 0
    second = await bc.send(bc.broadcaster({"telegram": sender}, rate=200))
    assert second.finished
    delivered = [c for c, _ in sender.delivered]
    assert sorted(delivered) == sorted(chats) and len(set(delivered)) == len(delivered)


@SQLITE_ONLY
async def test_cancel_while_sending_stops_and_skips_the_rest(bc: Parts) -> None:
    subscribe(bc, 60)

    def cancel_once(chat: str) -> None:
        if len(sender.delivered) == 5:
            bc.service.cancel("cchc-2027-01", "Trưởng phòng")

    sender = MemorySender(delay=0.005, on_send=cancel_once)
    broadcaster = bc.broadcaster({"telegram": sender}, rate=100)
    broadcaster.lease = timedelta(seconds=0.4)  # heartbeat every 0.1 s
    result = await bc.send(broadcaster)
    assert not result.finished and result.stopped == "cancelled"
    status, reasons, _ = rows(bc)
    assert status.get("pending", 0) == status.get("sending", 0) == 0
    assert reasons.get("cancelled", 0) == status["skipped"] > 0
    assert status["sent"] == len(sender.delivered) < 60
    assert bc.notices.get("cchc-2027-01").status == "cancelled"  # type: ignore[union-attr]


async def test_rows_of_a_crashed_owner_are_settled_from_its_journal(bc: Parts) -> None:
    subscribe(bc, 6)
    dead = "elsewhere-host:1:dead"  # another host: its liveness cannot be checked
    bc.deliveries.materialize("cchc-2027-01", ("cchc",))
    claimed = {r.chat_id: r for r in bc.deliveries.claim("cchc-2027-01", "telegram", dead, 5)}
    log = Journal(bc.journal_dir, dead)
    log.wire(claimed["t0"].id, 0)
    log.done(claimed["t0"].id, 0, "ok")  # answered, never recorded in the database
    log.wire(claimed["t1"].id, 0)  # left, never answered: may have arrived
    log.wire(claimed["t2"].id, 0)
    log.done(claimed["t2"].id, 0, "gone")
    log.done(claimed["t3"].id, 0, "error")  # never left
    log.close(remove=False)  # t4: claimed, nothing written
    sender = MemorySender()
    result = await bc.send(bc.broadcaster({"telegram": sender}))
    assert result.finished
    assert sorted(c for c, _ in sender.delivered) == ["t3", "t4", "t5"]
    status, _, unconfirmed = rows(bc)
    assert status == {"sent": 5, "blocked": 1} and unconfirmed == 1
    assert not log.path.exists()


@SQLITE_ONLY
async def test_rows_of_an_owner_without_a_journal_are_never_resent(bc: Parts) -> None:
    subscribe(bc, 3)
    bc.deliveries.materialize("cchc-2027-01", ("cchc",))
    bc.deliveries.claim("cchc-2027-01", "telegram", "other-host:7:gone", 2)
    sender = MemorySender()
    result = await bc.send(bc.broadcaster({"telegram": sender}))
    assert result.finished and [c for c, _ in sender.delivered] == ["t2"]
    status, reasons, _ = rows(bc)
    assert status == {"sent": 1, "failed": 2} and reasons == {"interrupted": 2}


@SQLITE_ONLY
async def test_a_long_notice_resumes_after_the_parts_already_delivered(bc: Parts) -> None:
    subscribe(bc, 2)
    dead = "elsewhere-host:2:dead"
    bc.deliveries.materialize("cchc-2027-01", ())
    claimed = {r.chat_id: r for r in bc.deliveries.claim("cchc-2027-01", "telegram", dead, 1)}
    log = Journal(bc.journal_dir, dead)
    log.wire(claimed["t0"].id, 0)
    log.done(claimed["t0"].id, 0, "ok")
    log.wire(claimed["t0"].id, 1)  # part 2 of 3 left, unanswered
    log.close(remove=False)
    sender = MemorySender(limit=20)  # the notice becomes 3 parts
    result = await bc.send(bc.broadcaster({"telegram": sender}))
    assert result.finished
    text = bc.notices.get("cchc-2027-01").text  # type: ignore[union-attr]
    t0 = [part for chat, part in sender.delivered if chat == "t0"]
    assert t0 == [text[40:60]]  # only the third part
    assert len([c for c, _ in sender.delivered if c == "t1"]) == 3


@SQLITE_ONLY
async def test_the_plan_quota_skips_the_followers_it_cannot_cover(bc: Parts) -> None:
    subscribe(bc, 8, channel="zalo")
    inner = MemorySender(channel="zalo")
    guard = QuotaGuard(inner, monthly_quota=100, used=lambda: 95)
    result = await bc.send(bc.broadcaster({"zalo": guard}))
    assert result.finished
    status, reasons, _ = rows(bc)
    assert status == {"sent": 5, "skipped": 3} and reasons == {"quota_plan": 3}
    assert len(inner.delivered) == 5


def test_follower_windows_and_the_plan_decide_who_is_skipped() -> None:
    now = datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
    windows = {
        "fresh": Window(now - timedelta(hours=2), 0),
        "old": Window(now - timedelta(hours=49), 0),
        "busy": Window(now - timedelta(hours=1), 7),
    }
    quota = Quota(plan_left=None, window_hours=48, window_messages=8)
    skip = decide(["fresh", "old", "busy", "never"], 2, quota, windows, now)
    assert set(skip) == {"old", "busy", "never"}
    assert all(v.startswith("quota_follower") for v in skip.values())
    plan = decide(["a", "b", "c"], 2, Quota(plan_left=5), {}, now)
    assert list(plan) == ["c"] and plan["c"].startswith("quota_plan")


@SQLITE_ONLY
async def test_skipped_channels_and_the_report(bc: Parts) -> None:
    subscribe(bc, 4)
    subscribe(bc, 2, channel="console")  # no sender for it
    sender = MemorySender(script={"t0": [RecipientGone("chat not found")]})
    result = await bc.send(bc.broadcaster({"telegram": sender}))
    assert result.finished
    figures = notice_report(bc.notices.get("cchc-2027-01"), bc.deliveries)  # type: ignore[arg-type]
    assert (figures.recipients, figures.sent, figures.blocked, figures.skipped) == (6, 3, 1, 2)
    assert figures.skipped_reasons == {"no_channel": 2} and figures.failed_reasons == {}
    assert figures.duration_s is not None and figures.status == "sent"


@SQLITE_ONLY
async def test_the_monthly_report_has_the_month_s_notices(bc: Parts) -> None:
    subscribe(bc, 5)
    subscribe(bc, 2, channel="console")  # no sender for it: skipped, reason no_channel
    sender = MemorySender(script={"t1": [RecipientGone("blocked")]})
    assert (await bc.send(bc.broadcaster({"telegram": sender}))).finished
    started = bc.notices.get("cchc-2027-01").started_at  # type: ignore[union-attr]
    assert started is not None
    month = started.astimezone(VN).strftime("%Y-%m")
    start, end = month_bounds(*parse_month(month), VN)  # type: ignore[arg-type]
    found = month_report(bc.notices, bc.deliveries, start, end)
    report = monthly_report(ReportQueries(bc.database), month, VN, broadcasts=found.notices)
    (table,) = [t for t in tables(report) if t.key == "broadcasts"]
    (row,) = table.rows
    assert row[0] == "Cải cách hành chính năm 2027"
    assert row[2:7] == (7, 4, 0, 1, 2)  # recipients, sent, failed, blocked, skipped
    assert "kênh chưa được cấu hình: 2" in str(row[7])
    markdown = render_markdown(report)
    assert "## 8. Bản tin gửi người đăng ký nhận tin" in markdown
    assert "| Cải cách hành chính năm 2027 | Đã gửi xong | 7 | 4 | 0 | 1 | 2 |" in markdown
    assert "# broadcasts" in render_csv(report)
    # another month has none
    other = month_report(bc.notices, bc.deliveries, end, end + timedelta(days=31))
    assert other.notices == ()
