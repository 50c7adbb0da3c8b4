"""SendLimiter (per chat and overall, 429 pause) and FloodGuard, on a fake clock."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from cchc_bot.channels.limits import FloodGuard, SendLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_one_chat_gets_a_burst_of_three_then_one_per_second() -> None:
    clock = Clock()
    limiter = SendLimiter(overall_rate=30, chat_rate=1, chat_burst=3, clock=clock)
    waits = [limiter.reserve("a") for _ in range(5)]
    assert waits[:3] == [0, 0, 0]
    assert waits[3] == pytest.approx(1.0) and waits[4] == pytest.approx(2.0)
    assert limiter.reserve("b") == 0  # another chat is not held up


def test_all_chats_together_stay_under_the_overall_rate() -> None:
    clock = Clock()
    limiter = SendLimiter(overall_rate=30, chat_rate=1, clock=clock)
    waits = [limiter.reserve(f"chat{i}") for i in range(60)]
    assert waits[:30] == [0] * 30  # a one-second burst
    assert waits[59] == pytest.approx(1.0, abs=0.04)
    assert all(b >= a for a, b in itertools.pairwise(waits))


def test_a_429_pauses_every_send() -> None:
    clock = Clock()
    limiter = SendLimiter(overall_rate=30, chat_rate=1, clock=clock)
    limiter.pause(5)
    assert limiter.paused_for == 5
    assert limiter.reserve("a") == pytest.approx(5)
    assert limiter.reserve(None) == pytest.approx(5, abs=0.1)
    clock.now += 10
    assert limiter.paused_for == 0 and limiter.reserve("z") == 0


def test_zero_turns_a_limit_off() -> None:
    limiter = SendLimiter(overall_rate=0, chat_rate=0, clock=Clock())
    assert all(limiter.reserve("a") == 0 for _ in range(1000))


async def test_acquire_sleeps_for_its_slot() -> None:
    limiter = SendLimiter(overall_rate=0, chat_rate=20, chat_burst=1)
    started = time.monotonic()
    await asyncio.gather(*(limiter.acquire("a") for _ in range(3)))
    assert time.monotonic() - started >= 0.09


def test_flood_guard_notices_once_then_stays_silent_until_the_window_frees() -> None:
    clock = Clock()
    guard = FloodGuard(limit=3, window=60, clock=clock)
    assert [guard.check("u") for _ in range(6)] == ["ok"] * 3 + ["notice", "silent", "silent"]
    assert guard.check("other") == "ok"
    clock.now += 30
    assert guard.check("u") == "silent"
    clock.now += 31  # the first three messages are out of the window
    assert [guard.check("u") for _ in range(4)] == ["ok"] * 3 + ["notice"]


def test_a_group_chat_gets_at_most_twenty_messages_in_any_minute() -> None:
    clock = Clock()
    limiter = SendLimiter(overall_rate=30, chat_rate=1, group=(20, 60.0), clock=clock)
    slots = [clock.now + limiter.reserve("-100500") for _ in range(45)]
    assert slots[:3] == [100.0] * 3 and slots[3] == pytest.approx(101.0)  # the chat budget
    assert all(b >= a for a, b in itertools.pairwise(slots))
    for i in range(len(slots) - 20):
        assert slots[i + 20] - slots[i] >= 60 - 1e-9  # 21 never fit in one minute
    assert slots[20] == pytest.approx(160.0) and slots[40] == pytest.approx(220.0)
    assert limiter.reserve("111") == pytest.approx(0, abs=2)  # a private chat is not held up
    plain = SendLimiter(overall_rate=30, chat_rate=1, clock=clock)  # Zalo: no group budget
    assert [plain.reserve("-1") for _ in range(30)][-1] == pytest.approx(27.0)
