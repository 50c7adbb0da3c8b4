"""Telegram and server settings: validation, secrets kept out of repr and logs, defaults."""

from __future__ import annotations

import logging

import pytest

from cchc_bot.channels.telegram import DEFAULT_API_URL, TelegramConfig
from cchc_bot.channels.telegram.channel import file_url
from cchc_bot.server import EXIT_NO_CHANNEL, RedactSecrets, channels_configured, run
from cchc_bot.settings import Settings, SettingsError

TOKEN = "123456:AAE-secret_token"


def load(**env: str) -> Settings:
    return Settings.load(env, env_file=None)


def test_defaults_turn_telegram_off_and_listen_locally() -> None:
    s = load()
    assert (s.telegram_token, s.telegram_webhook_url, s.staff_chat_id) == ("", "", "")
    assert s.telegram_api_url == DEFAULT_API_URL == "https://api.telegram.org/bot"
    assert (s.http_host, s.http_port, s.flood_limit) == ("127.0.0.1", 8080, 20)
    assert (s.telegram_max_rate, s.telegram_chat_rate) == (30.0, 1.0)
    assert not channels_configured(s)


def test_a_webhook_needs_a_secret() -> None:
    with pytest.raises(SettingsError) as exc:
        load(CCHC_TELEGRAM_TOKEN=TOKEN, CCHC_TELEGRAM_WEBHOOK_URL="https://bot.example.vn/tg")
    (problem,) = exc.value.problems
    assert "CCHC_TELEGRAM_WEBHOOK_SECRET" in problem


def test_bad_values_are_listed_without_showing_secrets() -> None:
    with pytest.raises(SettingsError) as exc:
        load(
            CCHC_TELEGRAM_TOKEN="not a token",
            CCHC_TELEGRAM_WEBHOOK_SECRET="has spaces!",
            CCHC_STAFF_CHAT_ID="group",
            CCHC_STAFF_TELEGRAM_IDS="1,abc",
            CCHC_HTTP_PORT="99999",
            CCHC_TELEGRAM_API_URL="api.telegram.org",
            CCHC_TELEGRAM_MAX_RATE="-1",
        )
    message = str(exc.value)
    assert len(exc.value.problems) == 7
    assert "not a token" not in message and "has spaces!" not in message
    assert "CCHC_TELEGRAM_TOKEN=***" in message


def test_secrets_are_masked_in_repr() -> None:
    s = load(
        CCHC_TELEGRAM_TOKEN=TOKEN,
        CCHC_TELEGRAM_WEBHOOK_URL="https://bot.example.vn/telegram/hook",
        CCHC_TELEGRAM_WEBHOOK_SECRET="webhook-Secret_42",
        CCHC_STAFF_TELEGRAM_IDS="111, 222",
    )
    shown = repr(s)
    assert TOKEN not in shown and "webhook-Secret_42" not in shown
    assert "telegram_token='***'" in shown and "telegram_webhook_secret='***'" in shown
    assert s.staff_telegram_ids == (111, 222)
    config = TelegramConfig.from_settings(s)
    assert config.webhook_path == "/telegram/hook" and config.staff_ids == {111, 222}
    assert TOKEN not in repr(config) and "webhook-Secret_42" not in repr(config)


def test_file_url_follows_the_api_url() -> None:
    assert file_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_url("https://api.telegram.org/bot{token}/test") == (
        "https://api.telegram.org/bot{token}/test"
    )


def test_log_records_never_carry_the_token(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.redact")
    caplog.handler.addFilter(RedactSecrets([TOKEN, ""]))
    with caplog.at_level(logging.INFO):
        logger.info("HTTP Request: POST https://api.telegram.org/bot%s/getMe", TOKEN)
    assert TOKEN not in caplog.text and "bot***/getMe" in caplog.text


def test_run_without_a_channel_says_so_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(load()) == EXIT_NO_CHANNEL
    assert "Chưa cấu hình kênh nào" in capsys.readouterr().err


def test_webhook_paths_that_clash_are_refused_with_their_settings_named() -> None:
    hooks = {
        "CCHC_TELEGRAM_TOKEN": TOKEN,
        "CCHC_TELEGRAM_WEBHOOK_SECRET": "webhook-Secret_42",
        "CCHC_ZALO_BOT_TOKEN": "123:abc",
        "CCHC_ZALO_BOT_WEBHOOK_SECRET": "zalo-Secret_42",
        "CCHC_ZALO_OA_APP_ID": "1",
        "CCHC_ZALO_OA_SECRET": "s1",
        "CCHC_ZALO_OA_REFRESH_TOKEN": "r1",
    }
    with pytest.raises(SettingsError) as exc:
        load(
            **hooks,
            CCHC_TELEGRAM_WEBHOOK_URL="https://bot.example.vn/hook",
            CCHC_ZALO_BOT_WEBHOOK_URL="https://bot.example.vn/hook",
            CCHC_ZALO_OA_WEBHOOK_PATH="/healthz",
        )
    first, second = exc.value.problems
    assert first.startswith("Đường dẫn /healthz") and "CCHC_ZALO_OA_WEBHOOK_PATH" in first
    assert "/hook" in second and "CCHC_TELEGRAM_WEBHOOK_URL, CCHC_ZALO_BOT_WEBHOOK_URL" in second
    distinct = load(
        **hooks,
        CCHC_TELEGRAM_WEBHOOK_URL="https://bot.example.vn/tg",
        CCHC_ZALO_BOT_WEBHOOK_URL="https://bot.example.vn/zalo",
    )
    assert distinct.zalo_oa_webhook_path == "/zalo/oa/webhook"
    # a path only counts when its channel runs (no Telegram token: no Telegram route)
    load(CCHC_TELEGRAM_WEBHOOK_URL="https://x.vn/healthz", CCHC_TELEGRAM_WEBHOOK_SECRET="abc")
