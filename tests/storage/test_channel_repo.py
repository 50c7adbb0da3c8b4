"""ChannelRepository (migration 0003): inbound updates, unreachable users, staff posts,
button codes — on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from cchc_bot.storage import (
    ChannelRepository,
    Database,
    NewTicket,
    Repository,
    StoredUpdate,
)


def test_updates_are_stored_once_and_tracked_until_processed(repository: Repository) -> None:
    store = ChannelRepository(repository.database)
    batch = [StoredUpdate("1", '{"a": 1}'), StoredUpdate("2", "{}"), StoredUpdate("1", "{}")]
    assert store.store_updates("telegram", batch) == {"1", "2"}
    assert store.store_updates("telegram", [StoredUpdate("2", "{}")]) == set()
    assert store.store_updates("zalo", [StoredUpdate("2", "{}")]) == {"2"}  # per channel
    assert [u.key for u in store.unprocessed_updates("telegram")] == ["1", "2"]
    assert store.unprocessed_updates("telegram")[0].payload == '{"a": 1}'
    store.mark_processed("telegram", ["1"])
    assert store.is_processed("telegram", "1") is True
    assert store.is_processed("telegram", "2") is False
    assert store.is_processed("telegram", "3") is None
    assert [u.key for u in store.unprocessed_updates("telegram")] == ["2"]


def test_claims_are_renewed_released_and_taken_over(repository: Repository) -> None:
    now = [datetime(2026, 11, 22, 3, 0, tzinfo=UTC)]
    store = ChannelRepository(repository.database, clock=lambda: now[0])
    store.store_updates("telegram", [StoredUpdate("a", "{}"), StoredUpdate("b", "{}")], "w1")
    store.store_updates("telegram", [StoredUpdate("c", "{}")])  # no owner: anyone's
    store.store_updates("zalo", [StoredUpdate("z", "{}")], "w1")
    assert [u.key for u in store.take_over("telegram", "w2", 30)] == ["c"]
    assert store.live_claimants("telegram", 30) == {"w1", "w2"}
    now[0] += timedelta(seconds=20)
    assert store.renew_claims("telegram", "w1") == 2
    now[0] += timedelta(seconds=20)  # w1 renewed 20 s ago, w2 not for 40 s
    assert store.live_claimants("telegram", 30) == {"w1"}
    # w2 went quiet: its "c" goes to w3; w1's stay with w1 …
    assert [u.key for u in store.take_over("telegram", "w3", 30)] == ["c"]
    store.mark_processed("telegram", ["c"])
    # … unless w1 is known dead (a crashed process of this host)
    assert [u.key for u in store.take_over("telegram", "w3", 30, also_from={"w1"})] == ["a", "b"]
    assert store.release_claims("telegram", "w3") == 2
    assert [u.key for u in store.take_over("telegram", "w4", 30)] == ["a", "b"]
    assert [u.key for u in store.take_over("zalo", "w4", 30)] == ["z"]  # renewals are per channel


def test_two_servers_taking_over_at_once_split_the_updates(repository: Repository) -> None:
    store = ChannelRepository(repository.database)
    keys = [str(i) for i in range(200)]
    store.store_updates("telegram", [StoredUpdate(k, "{}") for k in keys])
    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(lambda w: store.take_over("telegram", w, 30), ["w1", "w2"]))
    taken = [u.key for batch in got for u in batch]
    assert sorted(taken, key=int) == keys  # every update once, by one of them


def test_prune_forgets_only_old_processed_updates(repository: Repository) -> None:
    old = datetime(2026, 1, 1, tzinfo=UTC)
    store = ChannelRepository(repository.database, clock=lambda: old)
    store.store_updates("telegram", [StoredUpdate("1", "{}"), StoredUpdate("2", "{}")])
    store.mark_processed("telegram", ["1"])
    assert store.prune_updates(old + timedelta(days=1)) == 1
    assert [u.key for u in store.unprocessed_updates("telegram")] == ["2"]


def test_mark_unreachable_flags_the_chat_until_the_user_writes(repository: Repository) -> None:
    store = ChannelRepository(repository.database)
    repository.touch_user("telegram", "111", "111", "Lan")
    assert store.mark_unreachable("telegram", "111") == 1
    assert store.mark_unreachable("telegram", "999") == 0
    assert repository.touch_user("telegram", "111", "111").unreachable is False


def test_staff_posts_map_messages_to_tickets_and_find_unposted_ones(
    repository: Repository,
) -> None:
    store = ChannelRepository(repository.database)
    now = datetime.now(UTC)
    first = repository.create_ticket(NewTicket("telegram", "1", "1", "câu hỏi một"), now=now)
    second = repository.create_ticket(NewTicket("zalo", "2", "2", "câu hỏi hai"), now=now)
    since = now - timedelta(days=1)
    unposted = store.unposted_tickets("telegram", "-100", since)
    assert [t.number for t in unposted] == [first.number, second.number]
    store.record_staff_post("telegram", "-100", "55", first.number)
    store.record_staff_post("telegram", "-100", "55", first.number)  # idempotent
    assert [t.number for t in store.unposted_tickets("telegram", "-100", since)] == [second.number]
    assert store.unposted_tickets("telegram", "-100", now + timedelta(seconds=1)) == []
    assert store.ticket_for_staff_post("telegram", "-100", "55") == first.number
    assert store.ticket_for_staff_post("telegram", "-100", "56") is None


def test_callback_codes_round_trip(repository: Repository) -> None:
    store = ChannelRepository(repository.database)
    store.save_callback_code("~abc", "/a a-very-long-code")
    store.save_callback_code("~abc", "/a a-very-long-code")
    assert store.callback_code("~abc") == "/a a-very-long-code"
    assert store.callback_code("~nope") is None


def test_migration_0003_goes_down_and_up(database: Database) -> None:
    database.upgrade()
    database.downgrade("0002")
    assert database.current_revision() == "0002"
    database.upgrade()
    database.check_schema()
