"""The broadcaster when things around it fail: the database during a send, one channel of
several, a sender that died before its notice was cancelled, a missed notice sent by hand."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from cchc_bot.broadcast import ChannelDown, Rejected
from cchc_bot.broadcast_journal import Journal, new_owner, owner_dead, owner_state
from cchc_bot.broadcast_report import notice_report
from cchc_bot.storage import Database, Repository
from tests.broadcast_helpers import MemorySender, Parts, notice_folder, parts_for

VN = datetime.now(UTC).astimezone().tzinfo
SQLITE_ONLY = pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)


@pytest.fixture
def bc(repository: Repository, database: Database, tmp_path: Path) -> Parts:
    parts = parts_for(database, notice_folder(tmp_path), VN)
    parts.ready()
    return parts


def subscribe(bc: Parts, count: int, channel: str = "telegram") -> list[str]:
    chats = [f"{channel[:2]}{i}" for i in range(count)]
    bc.subscriptions.add_active([(channel, c, ()) for c in chats])
    return chats


def statuses(bc: Parts, notice_id: str = "cchc-2027-01") -> dict[str, int]:
    return dict(bc.deliveries.counts([notice_id])[notice_id].by_status)


@SQLITE_ONLY
async def test_a_database_outage_during_a_send_loses_no_outcome(bc: Parts) -> None:
    """Writes of outcomes fail for a while (a real failing statement, by trigger): they are
    kept and written again, and the notice ends sent with every row recorded once."""
    chats = subscribe(bc, 40)
    bc.database.run(
        lambda s: [
            s.execute(text(sql))
            for sql in (
                "CREATE TABLE outage (on_ INTEGER)",
                "CREATE TRIGGER outage_blocks BEFORE UPDATE ON deliveries "
                "WHEN NEW.status = 'sent' AND (SELECT COUNT(*) FROM outage) > 0 "
                "BEGIN SELECT RAISE(ABORT, 'simulated outage'); END",
            )
        ]
    )
    sent = {"n": 0}

    def outage(_chat: str) -> None:
        sent["n"] += 1
        if sent["n"] == 5:
            bc.database.run(lambda s: s.execute(text("INSERT INTO outage VALUES (1)")))
        if sent["n"] == 30:
            bc.database.run(lambda s: s.execute(text("DELETE FROM outage")))

    sender = MemorySender(delay=0.01, on_send=outage)
    result = await bc.send(bc.broadcaster({"telegram": sender}, rate=200))
    assert result.finished, result
    assert sorted(c for c, _ in sender.delivered) == sorted(chats)  # each exactly once
    assert statuses(bc) == {"sent": 40}
    assert bc.notices.get("cchc-2027-01").status == "sent"  # type: ignore[union-attr]


async def test_a_channel_that_refuses_us_stops_alone(bc: Parts) -> None:
    """A refused token on one channel: the other channel's subscribers all get the notice in
    the same run; the refused channel's rows wait (pending) and go once it works again."""
    telegram = subscribe(bc, 30)
    zalo = subscribe(bc, 5, channel="zalo_oa")
    down = MemorySender(channel="zalo_oa", script={c: [ChannelDown("token refused")] for c in zalo})
    working = MemorySender()
    first = await bc.send(bc.broadcaster({"telegram": working, "zalo_oa": down}, rate=100))
    assert not first.finished and first.stopped == "channel_down"
    assert "zalo_oa" in first.down and "telegram" not in first.down
    assert sorted(c for c, _ in working.delivered) == sorted(telegram)
    counts = statuses(bc)
    assert counts["sent"] == 30 and counts.get("pending", 0) == 5 and "sending" not in counts

    back = MemorySender(channel="zalo_oa")
    again = await bc.send(bc.broadcaster({"telegram": working, "zalo_oa": back}, rate=100))
    assert again.finished
    assert sorted(c for c, _ in back.delivered) == sorted(zalo)
    assert len(working.delivered) == 30  # nobody on Telegram received it twice
    assert statuses(bc) == {"sent": 35}


async def test_a_cancelled_notice_settles_what_a_dead_sender_left(bc: Parts) -> None:
    """A sender claimed rows, sent some (its journal says so) and died; the notice is then
    cancelled: nothing stays 'sending' for ever — sent rows count as sent, the rest skipped."""
    subscribe(bc, 6)
    bc.deliveries.materialize("cchc-2027-01", ())
    dead = new_owner()
    notice = bc.notices.claim("cchc-2027-01", dead, timedelta(seconds=0.01))
    claimed = bc.deliveries.claim(notice.id, "telegram", dead, 4)
    journal = Journal(bc.journal_dir, dead)
    for row in claimed[:2]:
        journal.wire(row.id, 0)
        journal.done(row.id, 0, "ok")
    journal.close(remove=False)  # the process died here: its journal stays on disk
    bc.service.cancel("cchc-2027-01", "Trưởng phòng")
    assert statuses(bc).get("sending") == 4  # what the dead sender held

    settled = await bc.broadcaster({"telegram": MemorySender()}).settle_cancelled()
    assert settled == 4
    assert statuses(bc) == {"sent": 2, "skipped": 4}
    report = notice_report(bc.notices.get("cchc-2027-01"), bc.deliveries)  # type: ignore[arg-type]
    assert report.skipped_reasons == {"cancelled": 4}


async def test_skipped_and_failed_rows_are_reported_by_their_own_reasons(bc: Parts) -> None:
    subscribe(bc, 6)
    sender = MemorySender(
        script={"te0": [Rejected("chat not found")], "te1": [Rejected("outside", "window")]},
        skip={"te2": "quota", "te3": "quota"},
    )
    result = await bc.send(bc.broadcaster({"telegram": sender}))
    assert result.finished
    report = notice_report(bc.notices.get("cchc-2027-01"), bc.deliveries)  # type: ignore[arg-type]
    assert report.skipped_reasons == {"quota": 2}
    assert report.failed_reasons == {"rejected": 1, "window": 1}
    assert (report.sent, report.skipped, report.failed) == (2, 2, 2)


@SQLITE_ONLY
def test_send_now_takes_a_missed_notice(bc: Parts) -> None:
    """A notice the scheduler marked missed (too old after downtime) may still be sent by
    staff: the claim takes it like an approved one."""
    bc.service.schedule("cchc-2027-01", None, "Lan")  # the file's time
    bc.database.run(
        lambda s: s.execute(text("UPDATE notices SET status = 'missed' WHERE id = 'cchc-2027-01'"))
    )
    owner = new_owner()
    notice = bc.notices.claim("cchc-2027-01", owner, timedelta(seconds=30))
    assert notice.status == "sending" and notice.lease_owner == owner


def test_a_journal_is_running_while_locked_and_over_once_its_process_is_killed(
    tmp_path: Path,
) -> None:
    """Liveness is the journal's lock, not the host name or pid it records: a run in this
    process is running until closed; one in a child killed with SIGKILL is over at once."""
    owner = new_owner()
    journal = Journal(tmp_path, owner)
    assert owner_state(tmp_path, owner) == "running"
    journal.close(remove=False)
    assert owner_state(tmp_path, owner) == "over"
    assert owner_state(tmp_path, "other-host:1:abc") == "elsewhere"

    child_owner = "same-host-name:1:child"  # a pid that is not the child's: irrelevant
    code = (
        "import sys, time\n"
        "from cchc_bot.broadcast_journal import Journal\n"
        f"Journal({str(tmp_path)!r}, {child_owner!r})\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        assert owner_state(tmp_path, child_owner) == "running"
        assert not owner_dead(tmp_path, child_owner)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()
    assert owner_state(tmp_path, child_owner) == "over"
    assert owner_dead(tmp_path, child_owner)
