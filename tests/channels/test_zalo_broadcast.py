"""Broadcasts on Zalo against the fake Zalo Bot and Zalo OA servers, through
`cchc-bot notices send --now`: every subscriber once (asserted on the fakes' records), a
blocked chat unsubscribed, the Bot plan's monthly quota and the OA's follower window skip
and report, the OA's paid route, a refused OA token refreshed and rotated."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cchc_bot.cli import main
from cchc_bot.storage import Database, SubscriptionRepository, ZaloRepository
from tests.broadcast_helpers import notice_folder
from tests.fakes.zalo_oa_server import APP_ID, FIRST_ACCESS, FIRST_REFRESH, SECRET, FakeZaloOa
from tests.fakes.zalo_server import TOKEN, FakeZaloBot

NOTICE = "cchc-2027-01"
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def bot_fake() -> Iterator[FakeZaloBot]:
    server = FakeZaloBot().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def oa_fake() -> Iterator[FakeZaloOa]:
    server = FakeZaloOa().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cchc.db'}"


@pytest.fixture
def cli(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    knowledge_small_dir: Path,
    url: str,
    capsys: pytest.CaptureFixture[str],
) -> Cli:
    """`cli({"CCHC_…": …}, "notices", "list")` → (exit code, stdout, stderr)."""
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_small_dir, folder)
    notice_folder(folder)
    monkeypatch.chdir(tmp_path)
    base = {
        "CCHC_DATABASE_URL": url,
        "CCHC_KNOWLEDGE_DIR": str(folder),
        "CCHC_BROADCAST_ZALO_RATE": "0",
        "CCHC_BROADCAST_CHAT_RATE": "0",
        "CCHC_BROADCAST_JOURNAL_DIR": str(tmp_path / "journal"),
    }

    def run(env: dict[str, str], *argv: str) -> tuple[int, str, str]:
        for key, value in (base | env).items():
            monkeypatch.setenv(key, value)
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def bot_env(fake: FakeZaloBot, **extra: str) -> dict[str, str]:
    return {"CCHC_ZALO_BOT_TOKEN": TOKEN, "CCHC_ZALO_BOT_API_URL": fake.base_url} | extra


def oa_env(fake: FakeZaloOa, **extra: str) -> dict[str, str]:
    return {
        "CCHC_ZALO_OA_APP_ID": APP_ID,
        "CCHC_ZALO_OA_SECRET": SECRET,
        "CCHC_ZALO_OA_ACCESS_TOKEN": FIRST_ACCESS,
        "CCHC_ZALO_OA_REFRESH_TOKEN": FIRST_REFRESH,
        "CCHC_ZALO_OA_API_URL": fake.base_url,
        "CCHC_ZALO_OA_OAUTH_URL": fake.oauth_url,
    } | extra


def seed(url: str, channel: str, chats: list[str], topics: tuple[str, ...] = ()) -> None:
    with Database(url) as database:
        database.upgrade()
        SubscriptionRepository(database).add_active([(channel, c, topics) for c in chats])


def wrote(url: str, chats: list[str], ago: timedelta) -> None:
    """These OA followers last wrote `ago` before now."""
    moment = datetime.now(UTC) - ago
    with Database(url) as database:
        database.upgrade()
        repository = ZaloRepository(database, clock=lambda: moment)
        repository.touch_inbound("zalo_oa", [(c, f"m-{c}") for c in chats])


def figures(cli: Cli, env: dict[str, str]) -> dict:
    code, out, err = cli(env, "notices", "report", NOTICE, "--json")
    assert code == 0, err
    return json.loads(out)


def delivered(fake: FakeZaloBot) -> Counter[str]:
    return Counter(c.chat_id for c in fake.calls_to("sendMessage") if c.result is not None)


def test_zalo_bot_every_subscriber_once_and_a_blocked_chat_leaves(
    cli: Cli, bot_fake: FakeZaloBot, url: str
) -> None:
    chats = [f"zc-{i}" for i in range(30)]
    seed(url, "zalo", chats)
    seed(url, "zalo", ["zc-other"], ("thi-cu",))  # another topic: not a recipient
    blocked = chats[4]
    bot_fake.fail("sendMessage", 403, "User has blocked the bot", chat_id=blocked)
    env = bot_env(bot_fake)
    code, _, err = cli(env, "notices", "send", NOTICE, "--now")
    assert code == 1 and "nháp" in err  # a draft is refused, nothing sent
    assert bot_fake.calls_to("sendMessage") == []

    assert cli(env, "notices", "approve", NOTICE, "--by", "Trưởng phòng")[0] == 0
    code, _, err = cli(env, "notices", "send", NOTICE, "--now")
    assert code == 0, err
    got = delivered(bot_fake)
    assert set(got) == set(chats) - {blocked} and set(got.values()) == {1}
    assert bot_fake.texts(chats[0])[0].startswith("CẢI CÁCH HÀNH CHÍNH NĂM 2027")
    with Database(url) as database:
        record = SubscriptionRepository(database).get("zalo", blocked)
    assert record is not None and not record.active and record.reason == "blocked"
    report = figures(cli, env)
    assert (report["recipients"], report["sent"], report["blocked"]) == (30, 29, 1)
    assert cli(env, "notices", "send", NOTICE, "--now")[0] == 1  # sent once, never again
    assert sum(delivered(bot_fake).values()) == 29


def test_zalo_bot_plan_quota_skips_and_reports_the_rest(
    cli: Cli, bot_fake: FakeZaloBot, url: str
) -> None:
    chats = [f"zq-{i:02d}" for i in range(12)]
    seed(url, "zalo", chats)
    env = bot_env(bot_fake, CCHC_BROADCAST_ZALO_QUOTA="7")
    assert cli(env, "notices", "approve", NOTICE, "--by", "Trưởng phòng")[0] == 0
    code, _, err = cli(env, "notices", "send", NOTICE, "--now")
    assert code == 0, err
    got = delivered(bot_fake)
    assert len(got) == 7 and set(got.values()) == {1}  # Zalo never saw the other five
    report = figures(cli, env)
    assert (report["sent"], report["skipped"]) == (7, 5)
    assert report["skipped_by_reason"] == {"quota_plan": 5}


def test_without_a_quota_setting_the_zalo_channels_plan_quota_applies(
    bot_fake: FakeZaloBot, tmp_path: Path
) -> None:
    """CCHC_BROADCAST_ZALO_QUOTA unset: the quota is the one the channel's capabilities
    report (Basic plan); set, the setting wins."""
    from cchc_bot.channels.capabilities import ZALO_BOT
    from cchc_bot.server_broadcast import build_senders
    from cchc_bot.settings import Settings
    from cchc_bot.storage import DeliveryRepository

    cases = (({}, ZALO_BOT.broadcast_quota), ({"CCHC_BROADCAST_ZALO_QUOTA": "7"}, 7))
    with Database(f"sqlite:///{tmp_path / 'q.sqlite3'}") as database:
        for extra, expected in cases:
            settings = Settings.load(bot_env(bot_fake, **extra), env_file=None)
            senders = build_senders(settings, database, DeliveryRepository(database))
            assert senders["zalo"].monthly_quota == expected  # type: ignore[attr-defined]


def test_zalo_oa_sends_inside_the_window_and_skips_the_rest(
    cli: Cli, oa_fake: FakeZaloOa, url: str
) -> None:
    fresh, stale, never = ["f1", "f2", "f3"], ["s1", "s2"], ["n1"]
    seed(url, "zalo_oa", fresh + stale + never)
    wrote(url, fresh, timedelta(hours=3))
    wrote(url, stale, timedelta(days=3))
    oa_fake.expire()  # the stored access token is refused: refreshed, the pair rotated
    env = oa_env(oa_fake)
    assert cli(env, "notices", "approve", NOTICE, "--by", "Trưởng phòng")[0] == 0
    code, _, err = cli(env, "notices", "send", NOTICE, "--now")
    assert code == 0, err
    for user in fresh:
        assert len(oa_fake.texts(user)) == 1
        assert oa_fake.texts(user)[0].startswith("CẢI CÁCH HÀNH CHÍNH NĂM 2027")
    assert all(oa_fake.texts(user) == [] for user in stale + never)
    assert oa_fake.refreshes == [FIRST_REFRESH] and oa_fake.reused == []
    report = figures(cli, env)
    assert (report["recipients"], report["sent"], report["skipped"]) == (6, 3, 3)
    assert report["skipped_by_reason"] == {"quota_follower": 3}
    with Database(url) as database:
        contacts = ZaloRepository(database).contacts("zalo_oa", fresh)
    assert {c.replies for c in contacts.values()} == {1}  # counted towards the 8 replies


def test_zalo_oa_paid_route_reaches_followers_outside_the_window(
    cli: Cli, oa_fake: FakeZaloOa, url: str
) -> None:
    seed(url, "zalo_oa", ["in", "out"])
    wrote(url, ["in"], timedelta(hours=1))
    wrote(url, ["out"], timedelta(days=5))
    env = oa_env(oa_fake, CCHC_ZALO_OA_PAID_ROUTE="promotion")
    assert cli(env, "notices", "approve", NOTICE, "--by", "Trưởng phòng")[0] == 0
    code, _, err = cli(env, "notices", "send", NOTICE, "--now")
    assert code == 0, err
    assert len(oa_fake.texts("in", "cs")) == 1 and oa_fake.texts("in", "promotion") == []
    assert oa_fake.texts("out", "cs") == [] and len(oa_fake.texts("out", "promotion")) == 1
    assert figures(cli, env)["sent"] == 2
