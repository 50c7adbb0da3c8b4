"""Settings from `CCHC_*` environment variables (and an optional `.env`), declared once as data."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from cchc_bot import config_texts
from cchc_bot.redact import mask_url_password
from cchc_bot.settings_specs import SPECS


class SettingsError(Exception):
    """One or more settings are missing or invalid; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(config_texts.SETTINGS_INVALID.format(count=len(problems), lines=lines))


@dataclass(frozen=True)
class Settings:
    database_url: str
    knowledge_dir: Path
    timezone: ZoneInfo
    answer_threshold: float
    choice_threshold: float
    answer_margin: float
    review_max_age_days: int
    log_level: str
    work_hours: str
    question_due_days: float
    complaint_due_days: float
    staff_name: str
    telegram_token: str
    telegram_api_url: str
    telegram_webhook_url: str
    telegram_webhook_secret: str
    staff_chat_id: str
    staff_telegram_ids: tuple[int, ...]
    http_host: str
    http_port: int
    flood_limit: int
    threads: int
    telegram_max_rate: float
    telegram_chat_rate: float
    zalo_bot_token: str
    zalo_bot_api_url: str
    zalo_bot_webhook_url: str
    zalo_bot_webhook_secret: str
    zalo_oa_app_id: str
    zalo_oa_secret: str
    zalo_oa_webhook_secret: str
    zalo_oa_access_token: str
    zalo_oa_refresh_token: str
    zalo_oa_api_url: str
    zalo_oa_oauth_url: str
    zalo_oa_webhook_path: str
    zalo_oa_webhook_max_age: int
    zalo_oa_reply_window_hours: float
    zalo_oa_window_replies: int
    zalo_oa_paid_route: str
    zalo_max_rate: float
    zalo_chat_rate: float
    broadcast_telegram_rate: float
    broadcast_zalo_rate: float
    broadcast_chat_rate: float
    broadcast_zalo_quota: int | None  # None: the channel's plan quota
    broadcast_catchup_days: float
    broadcast_interval: float
    broadcast_journal_dir: Path

    def __repr__(self) -> str:
        secret = {s.field for s in SPECS if s.secret}
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            shown = _masked(str(value)) if f.name in secret else repr(value)
            parts.append(f"{f.name}={shown}")
        return f"Settings({', '.join(parts)})"

    @classmethod
    def load(
        cls,
        environ: Mapping[str, str] | None = None,
        env_file: str | Path | None = ".env",
        **overrides: Any,
    ) -> Settings:
        """Build settings: explicit overrides > environment > `.env` file > defaults."""
        values = dict(read_env_file(env_file)) if env_file else {}
        values.update(os.environ if environ is None else environ)
        parsed: dict[str, Any] = {}
        problems: list[str] = []
        for spec in SPECS:
            if overrides.get(spec.field) is not None:
                parsed[spec.field] = overrides[spec.field]
                continue
            raw = values.get(spec.env, spec.default).strip()
            try:
                parsed[spec.field] = spec.parse(raw)
            except ValueError as exc:
                shown = "***" if spec.secret else repr(raw)
                problems.append(f"{spec.env}={shown}: {exc}")
        explicit = "CCHC_KNOWLEDGE_DIR" in values and overrides.get("knowledge_dir") is None
        problems += _combined_problems(parsed, explicit_knowledge=explicit)
        if problems:
            raise SettingsError(problems)
        return cls(**parsed)


def _combined_problems(parsed: dict[str, Any], *, explicit_knowledge: bool) -> list[str]:
    """Problems between settings, checked on every value that parsed (all listed at once)."""
    problems: list[str] = []
    answer, choice = parsed.get("answer_threshold"), parsed.get("choice_threshold")
    if answer is not None and choice is not None and choice > answer:
        problems.append(config_texts.CHOICE_ABOVE_ANSWER.format(choice=choice, answer=answer))
    if parsed.get("telegram_webhook_url") and not parsed.get("telegram_webhook_secret", "?"):
        problems.append(config_texts.TELEGRAM_WEBHOOK_NEEDS_SECRET)
    folder = parsed.get("knowledge_dir")
    if explicit_knowledge and folder is not None and not Path(folder).is_dir():
        problems.append(config_texts.KNOWLEDGE_DIR_MISSING.format(value=folder))
    return problems + _zalo_problems(parsed) + webhook_path_clashes(_webhook_paths(parsed))


def _zalo_problems(parsed: dict[str, Any]) -> list[str]:
    """Settings that only make sense together (a webhook needs its secret …)."""
    problems = []
    if parsed.get("zalo_bot_webhook_url") and not parsed.get("zalo_bot_webhook_secret", "?"):
        problems.append(config_texts.ZALO_BOT_WEBHOOK_NEEDS_SECRET)
    if parsed.get("zalo_oa_app_id"):
        for name in ("zalo_oa_secret", "zalo_oa_refresh_token"):
            if not parsed.get(name, "?"):
                problems.append(config_texts.ZALO_OA_NEEDS.format(env=f"CCHC_{name.upper()}"))
    return problems


HEALTH_PATH = "/healthz"


def _webhook_paths(parsed: dict[str, Any]) -> dict[str, str]:
    """The setting that decides each route `cchc-bot run` serves → its path."""
    paths = {HEALTH_PATH: HEALTH_PATH}
    hooks = (("telegram_token", "telegram_webhook_url"), ("zalo_bot_token", "zalo_bot_webhook_url"))
    for token, url in hooks:
        if parsed.get(token) and parsed.get(url):
            paths[f"CCHC_{url.upper()}"] = urlsplit(parsed[url]).path or "/"
    if parsed.get("zalo_oa_app_id") and parsed.get("zalo_oa_webhook_path"):
        paths["CCHC_ZALO_OA_WEBHOOK_PATH"] = parsed["zalo_oa_webhook_path"]
    return paths


def webhook_path_clashes(paths: Mapping[str, str]) -> list[str]:
    """One problem per path that two routes would share (owner → path; the first wins)."""
    owners: dict[str, list[str]] = {}
    for owner, path in paths.items():
        owners.setdefault(path, []).append(owner)
    return [
        config_texts.WEBHOOK_PATH_CLASH.format(path=path, owners=", ".join(names))
        for path, names in owners.items()
        if len(names) > 1
    ]


def _masked(value: str) -> str:
    """A secret for display: a URL keeps all but its password, anything else is `***`."""
    if "://" in value:
        return mask_url_password(value)
    return "'***'" if value else "''"


def read_env_file(path: str | Path) -> dict[str, str]:
    """`KEY=value` lines of a `.env` file (missing file = nothing); `#` starts a comment."""
    file = Path(path)
    if not file.is_file():
        return {}
    out: dict[str, str] = {}
    for line in file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key.strip().removeprefix("export ").strip()] = value
    return out
