"""The Zalo pieces on their own: event variants, the OA signature, rendering by capability,
the message window, group addressing and the settings."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest

from cchc_bot import texts
from cchc_bot.channels.capabilities import TELEGRAM, ZALO_BOT, ZALO_OA, Capabilities
from cchc_bot.channels.render import plain_parts, render_for, units
from cchc_bot.channels.telegram.render import render
from cchc_bot.channels.zalo import signature
from cchc_bot.channels.zalo.config import ZaloBotConfig, ZaloOaConfig
from cchc_bot.channels.zalo.conversation import addressed
from cchc_bot.channels.zalo.delivery import OutboxGate
from cchc_bot.channels.zalo.events import (
    bot_key,
    oa_left_chat,
    parse_bot_update,
    parse_oa_event,
    timestamp_ms,
    unwrap,
)
from cchc_bot.channels.zalo.oa_sender import after_curfew
from cchc_bot.messages import Reply
from cchc_bot.settings import Settings, SettingsError
from cchc_bot.storage import ContactRecord
from tests.fakes import zalo_updates as zu

# -- events --------------------------------------------------------------------------------


def test_flat_and_wrapped_bodies_give_the_same_update() -> None:
    flat = zu.text("u-1", "Học phí năm nay?", "msg-1")
    assert unwrap(flat) is flat
    assert unwrap({"ok": True, "result": flat}) == flat
    assert unwrap({"ok": True, "result": {"event_name": "x"}}) is None
    assert unwrap([flat]) is None


def test_a_text_update_becomes_an_event_with_string_ids_and_milliseconds() -> None:
    event = parse_bot_update(zu.text("u-1", "Học phí năm nay?", "msg-1", date=1763700000))
    assert event is not None
    assert (event.channel, event.kind, event.chat_id) == ("zalo", "text", "u-1")
    assert event.user_id == "u-1"
    assert event.ts_ms == 1763700000000 and event.display_name == "Lan"
    assert event.dedup_key == "message.text.received:msg-1" == bot_key(zu.text("u", "x", "msg-1"))
    assert timestamp_ms("1763700000123") == 1763700000123 and timestamp_ms(None) == 0


@pytest.mark.parametrize("field", ["photo_url", "photo"])
def test_both_photo_field_names_are_read(field: str) -> None:
    event = parse_bot_update(zu.image("u-1", "msg-2", field=field))
    assert event is not None and event.kind == "image"
    assert event.photo_url == "http://127.0.0.1:9/media/1.jpg" and event.text == "ảnh hồ sơ"
    unnamed = zu.image("u-1", "msg-3", field=field) | {"event_name": "message.new.kind"}
    assert parse_bot_update(unnamed).kind == "image"  # type: ignore[union-attr]


def test_group_senders_names_and_bot_messages() -> None:
    update = zu.text("g-1", "@bot.SoGDTest học phí", "msg-4", user="u-9", group=True)
    update["message"]["from"] = {"id": "u-9", "name": "Old Name"}
    event = parse_bot_update(update)
    assert event is not None and event.group and event.user_id == "u-9"
    assert event.display_name == "Old Name"
    update["message"]["from"]["is_bot"] = True
    assert parse_bot_update(update) is None


def test_oa_events_citizen_messages_only() -> None:
    event = parse_oa_event(zu.oa_text("u-5", "xin chào", "oa-m-1"))
    assert event is not None and (event.channel, event.kind, event.chat_id) == (
        "zalo_oa",
        "text",
        "u-5",
    )
    assert event.dedup_key == "user_send_text:oa-m-1"
    assert parse_oa_event(zu.oa_event("u-5", "user_send_sticker", "m")).kind == "sticker"  # type: ignore[union-attr]
    for ignored in ("oa_send_text", "user_seen_message", "follow", "anonymous_send_text"):
        assert parse_oa_event(zu.oa_event("u-5", ignored, "m")) is None


def test_an_unfollow_names_the_follower_who_left() -> None:
    assert oa_left_chat(zu.oa_unfollow("u-9")) == "u-9"
    assert oa_left_chat({**zu.oa_event("u-8", "unfollow"), "follower": None}) == "u-8"
    assert oa_left_chat(zu.oa_event("u-7", "follow")) is None
    assert oa_left_chat(zu.oa_text("u-6", "xin chào", "m")) is None
    assert oa_left_chat({"event_name": "unfollow"}) is None


def test_addressing_in_groups() -> None:
    names = ("bot.SoGDTest", "Sở GD Test")
    assert addressed("@bot.SoGDTest học phí?", names) == "học phí?"
    assert addressed("cho hỏi @Sở GD Test: lịch thi", names) == "cho hỏi lịch thi"
    assert addressed("học phí bao nhiêu", names) is None
    assert addressed("@bot.SoGDTestX hi", names) is None


# -- the OA signature ----------------------------------------------------------------------

APP, KEY = "app-1", "secret-key-1"


def _signed(event: dict, key: str = KEY) -> tuple[dict[str, str], bytes]:
    body = json.dumps(event).encode()
    digest = hashlib.sha256(APP.encode() + body + event["timestamp"].encode() + key.encode())
    return {"x-zevent-signature": "mac=" + digest.hexdigest()}, body


def _verify(headers: dict[str, str], body: bytes, now: float, keys=(KEY,)) -> bool:
    return signature.verify(headers, body, app_id=APP, keys=keys, now=now, max_age=900)


def test_signature_right_tampered_foreign_stale_and_header_timestamp() -> None:
    event = zu.oa_text("u-1", "học phí", "m-1")
    now = int(event["timestamp"]) / 1000
    headers, body = _signed(event)
    assert _verify(headers, body, now)
    assert _verify({"x-zevent-signature": headers["x-zevent-signature"].upper()}, body, now)
    assert not _verify(headers, body.replace(b"h\\u1ecdc", b"H\\u1ecdc"), now)
    assert not _verify(*_signed(event, key="other"), now)
    assert _verify(*_signed(event, key="other"), now, keys=("", KEY, "other"))
    assert not _verify(headers, body, now + 901)  # stale
    assert not _verify({}, body, now) and not _verify(headers, body, now, keys=())
    # the timestamp in a header instead of the body (some implementations)
    plain = json.dumps({"event_name": "user_send_text"}).encode()
    digest = hashlib.sha256(APP.encode() + plain + b"1763700000000" + KEY.encode()).hexdigest()
    header = {"x-zevent-signature": f"mac={digest}", "x-zevent-timestamp": "1763700000000"}
    assert _verify(header, plain, 1763700000.0)


# -- rendering by capability -----------------------------------------------------------------


def _caps(buttons: bool, html: bool, max_text: int = 1000) -> Capabilities:
    return Capabilities("x", max_text=max_text, buttons=buttons, html=html, can_initiate=True)


CHOOSE = Reply("<b>Chọn</b> &amp; xem", choices=(("A <1>", "/a a"), ("B", "/a b")), format="html")


def test_rendering_follows_the_capabilities_not_the_channel() -> None:
    (tg,) = render_for(CHOOSE, _caps(buttons=True, html=True))
    assert (tg.text, tg.parse_mode, tg.plain) == ("<b>Chọn</b> &amp; xem", "HTML", "Chọn & xem")
    assert tg.buttons == ((("A <1>", "/a a"),), (("B", "/a b"),))  # no numbered lines
    (html_only,) = render_for(CHOOSE, _caps(buttons=False, html=True))
    assert html_only.parse_mode == "HTML" and not html_only.buttons
    assert "1. A &lt;1&gt;" in html_only.text and "1. A <1>" in html_only.plain
    (buttons_only,) = render_for(CHOOSE, _caps(buttons=True, html=False))
    assert (buttons_only.text, buttons_only.parse_mode) == ("Chọn & xem", None)
    assert buttons_only.buttons == tg.buttons
    (plain,) = render_for(CHOOSE, _caps(buttons=False, html=False))
    assert plain.text == plain.plain and plain.parse_mode is None and not plain.buttons
    assert plain.text.splitlines()[:4] == ["Chọn & xem", "", "1. A <1>", "2. B"]
    escaped = render_for(Reply("a < b & c"), _caps(buttons=False, html=True))[0]
    assert (escaped.text, escaped.plain) == ("a &lt; b &amp; c", "a < b & c")
    # the channels' own capabilities: Telegram and Zalo render through the same function
    assert render(CHOOSE) == render_for(CHOOSE, TELEGRAM)
    assert plain_parts(CHOOSE, ZALO_BOT) == [p.text for p in render_for(CHOOSE, ZALO_OA)]


def test_parts_are_cut_at_the_capabilitys_limit() -> None:
    text = "\n\n".join(f"đoạn {i} " + "chữ " * 40 for i in range(6))
    for limit in (300, 700):
        parts = render_for(Reply(text, choices=(("A", "/a a"),)), _caps(False, False, limit))
        assert all(units(p.text) <= limit for p in parts) and len(parts) > 1
        assert parts[-1].text.rstrip().endswith(texts.PICK_ONE_HINT)


def test_a_2500_character_reply_is_two_zalo_messages_cut_at_a_paragraph() -> None:
    paragraphs = ["đoạn " + str(i) + " " + "chữ " * 120 for i in range(5)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    assert 2400 < len(text) < 2600
    parts = plain_parts(Reply(text), ZALO_BOT)
    assert len(parts) == 2 and all(units(p) <= ZALO_BOT.max_text for p in parts)
    assert "\n\n".join(parts) == text


def test_choices_become_numbered_lines_and_html_plain_text() -> None:
    reply = Reply("<b>Chọn</b> &amp; xem", choices=(("A", "/a a"), ("B", "/a b")), format="html")
    (part,) = plain_parts(reply, ZALO_BOT)
    assert part.splitlines() == ["Chọn & xem", "", "1. A", "2. B", "", "Trả lời 1 hoặc 2 để chọn."]


# -- the message window -----------------------------------------------------------------------

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _contact(hours_ago: float | None, replies: int = 0, closed: bool = False, reopen=None):
    last = None if hours_ago is None else NOW - timedelta(hours=hours_ago)
    return ContactRecord("zalo_oa", "u", last, "m", replies, NOW if closed else None, None, reopen)


class _Transport:
    def __init__(self, caps) -> None:
        self.caps, self.channel = caps, caps.name


def test_the_oa_window_48_hours_and_8_replies() -> None:
    gate = OutboxGate(_Transport(ZALO_OA), None, None)  # type: ignore[arg-type]
    assert gate.verdict(_contact(1), NOW) is None
    assert gate.verdict(_contact(47.9, replies=7), NOW) is None
    assert gate.verdict(_contact(48), NOW) == "window"
    assert gate.verdict(_contact(1, replies=8), NOW) == "replies"
    assert gate.verdict(None, NOW) == "unknown" == gate.verdict(_contact(None), NOW)
    assert gate.verdict(_contact(1, closed=True), NOW) == "refused"
    later = NOW + timedelta(hours=1)
    assert gate.verdict(_contact(1, closed=True, reopen=later), NOW) == "refused"
    assert gate.verdict(_contact(1, closed=True, reopen=NOW), NOW) is None  # curfew over


def test_the_bot_platform_has_no_window_but_holds_refused_chats() -> None:
    gate = OutboxGate(_Transport(ZALO_BOT), None, None)  # type: ignore[arg-type]
    assert gate.verdict(None, NOW) is None and gate.verdict(_contact(500), NOW) is None
    assert gate.verdict(_contact(1, closed=True), NOW) == "refused"


def test_curfew_ends_at_six_in_vietnam() -> None:
    evening = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # 23:00 in Hanoi
    assert after_curfew(evening) == datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    night = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)  # 03:00 the next day in Hanoi
    assert after_curfew(night) == datetime(2026, 11, 20, 23, 0, tzinfo=UTC)


# -- settings ---------------------------------------------------------------------------------


def test_zalo_settings_and_their_rules() -> None:
    s = Settings.load({"CCHC_ZALO_BOT_TOKEN": "123:abc"}, env_file=None)
    config = ZaloBotConfig.from_settings(s)
    assert config.api_url == "https://bot-api.zaloplatforms.com/bot" and "abc" not in repr(config)
    with pytest.raises(SettingsError) as exc:
        Settings.load(
            {
                "CCHC_ZALO_BOT_WEBHOOK_URL": "https://x.vn/zalo",
                "CCHC_ZALO_OA_APP_ID": "1",
                "CCHC_ZALO_OA_PAID_ROUTE": "free",
            },
            env_file=None,
        )
    assert "CCHC_ZALO_OA_PAID_ROUTE='free'" in str(exc.value)
    with pytest.raises(SettingsError) as exc:
        Settings.load(
            {"CCHC_ZALO_BOT_WEBHOOK_URL": "https://x.vn/zalo", "CCHC_ZALO_OA_APP_ID": "1"},
            env_file=None,
        )
    problems = " ".join(exc.value.problems)
    assert "CCHC_ZALO_BOT_WEBHOOK_SECRET" in problems and "CCHC_ZALO_OA_SECRET" in problems
    with pytest.raises(SettingsError, match="8–256"):
        Settings.load({"CCHC_ZALO_BOT_WEBHOOK_SECRET": "short"}, env_file=None)
    oa = ZaloOaConfig.from_settings(
        Settings.load(
            {"CCHC_ZALO_OA_APP_ID": "1", "CCHC_ZALO_OA_SECRET": "s1",
             "CCHC_ZALO_OA_REFRESH_TOKEN": "r1", "CCHC_ZALO_OA_WEBHOOK_SECRET": "w1"},
            env_file=None,
        )
    )  # fmt: skip
    assert oa.signature_keys == ("w1", "s1") and "r1" not in repr(oa) and oa.staff_chat is None
