"""Settings: declared once as data, read from an env mapping and an optional `.env` file."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cchc_bot.matching import Thresholds
from cchc_bot.settings import Settings, SettingsError, read_env_file
from cchc_bot.settings_specs import SPECS

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
ENV_EXAMPLE = REPO / ".env.example"


def load(environ: dict[str, str] | None = None, env_file: Path | None = None, **kw) -> Settings:
    return Settings.load(environ or {}, env_file=env_file, **kw)


def test_defaults() -> None:
    s = load()
    assert s.database_url == "sqlite:///data/cchc.db"
    assert s.knowledge_dir == Path("knowledge")
    assert s.timezone == ZoneInfo("Asia/Ho_Chi_Minh")
    assert (s.answer_threshold, s.choice_threshold, s.answer_margin) == (0.47, 0.10, 0.10)
    assert s.review_max_age_days == 365
    assert s.log_level == "INFO"


def test_default_thresholds_agree_with_the_matcher() -> None:
    s = load()
    assert Thresholds(s.answer_threshold, s.choice_threshold, s.answer_margin) == Thresholds()


def test_specs_match_the_settings_fields() -> None:
    assert [spec.field for spec in SPECS] == [f.name for f in fields(Settings)]
    assert all(spec.env == "CCHC_" + spec.field.upper() for spec in SPECS)
    assert all(spec.help for spec in SPECS)


def test_environment_overrides(tmp_path: Path) -> None:
    s = load(
        {
            "CCHC_DATABASE_URL": "postgresql://cchc@db.internal/cchc",
            "CCHC_KNOWLEDGE_DIR": str(tmp_path),
            "CCHC_TIMEZONE": "UTC",
            "CCHC_ANSWER_THRESHOLD": "0.7",
            "CCHC_CHOICE_THRESHOLD": " 0.4 ",  # surrounding spaces are ignored
            "CCHC_ANSWER_MARGIN": "0.1",
            "CCHC_REVIEW_MAX_AGE_DAYS": "30",
            "CCHC_LOG_LEVEL": "debug",
            "UNRELATED": "x",
        }
    )
    assert s.database_url == "postgresql://cchc@db.internal/cchc"
    assert s.knowledge_dir == tmp_path
    assert s.timezone == ZoneInfo("UTC")
    assert (s.answer_threshold, s.choice_threshold, s.answer_margin) == (0.7, 0.4, 0.1)
    assert s.review_max_age_days == 30
    assert s.log_level == "DEBUG"


def test_an_explicit_mapping_ignores_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for spec in SPECS:
        monkeypatch.delenv(spec.env, raising=False)
    monkeypatch.setenv("CCHC_LOG_LEVEL", "ERROR")
    assert load({}).log_level == "INFO"
    assert Settings.load(env_file=None).log_level == "ERROR"  # None = os.environ


def test_keyword_overrides_win(tmp_path: Path) -> None:
    s = load({"CCHC_KNOWLEDGE_DIR": "from-env"}, knowledge_dir=Path("from-cli"))
    assert s.knowledge_dir == Path("from-cli")
    env = {"CCHC_KNOWLEDGE_DIR": str(tmp_path)}
    assert load(env, knowledge_dir=None).knowledge_dir == tmp_path


def test_dotenv_file_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# development settings\n"
        "\n"
        "CCHC_LOG_LEVEL=WARNING\n"
        f'CCHC_KNOWLEDGE_DIR="{tmp_path / "knowledge base"}"\n'
        "export CCHC_REVIEW_MAX_AGE_DAYS = 90\n"
        "CCHC_TIMEZONE='Asia/Bangkok'\n"
        "not a setting line\n",
        encoding="utf-8",
    )
    (tmp_path / "knowledge base").mkdir()
    s = load({"CCHC_LOG_LEVEL": "ERROR"}, env_file=env_file)
    assert s.log_level == "ERROR"  # the environment beats .env
    assert s.knowledge_dir == tmp_path / "knowledge base"
    assert s.review_max_age_days == 90
    assert s.timezone == ZoneInfo("Asia/Bangkok")


def test_missing_dotenv_file_is_fine(tmp_path: Path) -> None:
    assert read_env_file(tmp_path / "absent.env") == {}
    assert load(env_file=tmp_path / "absent.env") == load()


def test_every_invalid_value_is_reported_at_once() -> None:
    bad = {
        "CCHC_DATABASE_URL": "not-a-url",
        "CCHC_TIMEZONE": "Mars/Olympus",
        "CCHC_ANSWER_THRESHOLD": "abc",
        "CCHC_CHOICE_THRESHOLD": "1.5",
        "CCHC_ANSWER_MARGIN": "-0.1",
        "CCHC_REVIEW_MAX_AGE_DAYS": "0",
        "CCHC_LOG_LEVEL": "LOUD",
    }
    with pytest.raises(SettingsError) as exc:
        load(bad)
    problems = exc.value.problems
    assert len(problems) == len(bad)
    for name, problem in zip(bad, problems, strict=True):
        assert problem.startswith(name + "=")
    message = str(exc.value)
    assert f"({len(bad)} lỗi)" in message
    for name in bad:
        assert name in message
    assert "'abc'" in message and "'Mars/Olympus'" in message


@pytest.mark.parametrize(
    "url", ["foo://x", "mysql://root@localhost/db", "sqlite//data/cchc.db", "data/cchc.db"]
)
def test_database_url_must_be_sqlite_or_postgresql(url: str) -> None:
    with pytest.raises(SettingsError) as exc:
        load({"CCHC_DATABASE_URL": url})
    (problem,) = exc.value.problems
    assert problem.startswith("CCHC_DATABASE_URL=") and "PostgreSQL" in problem


@pytest.mark.parametrize(
    "url", ["sqlite:///x.db", "postgresql+psycopg://u@h/d", "postgres://u@h/d", "sqlite://"]
)
def test_sqlite_and_postgresql_urls_are_accepted(url: str) -> None:
    assert load({"CCHC_DATABASE_URL": url}).database_url == url


def test_a_missing_knowledge_folder_is_listed_with_the_other_problems(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co"
    with pytest.raises(SettingsError) as exc:
        load(
            {
                "CCHC_DATABASE_URL": "foo://x",
                "CCHC_KNOWLEDGE_DIR": str(missing),
                "CCHC_TIMEZONE": "Mars/Olympus",
                "CCHC_ANSWER_THRESHOLD": "0.3",
                "CCHC_CHOICE_THRESHOLD": "0.4",
                "CCHC_TELEGRAM_WEBHOOK_URL": "https://bot.example/tg",
            }
        )
    problems = exc.value.problems
    assert len(problems) == 5, problems
    assert [p.split("=")[0].split(":")[0] for p in problems[:2]] == [
        "CCHC_DATABASE_URL",
        "CCHC_TIMEZONE",
    ]
    joined = "\n".join(problems)
    assert str(missing) in joined and "CCHC_KNOWLEDGE_DIR" in joined
    assert "CCHC_CHOICE_THRESHOLD" in joined and "CCHC_TELEGRAM_WEBHOOK_SECRET" in joined


def test_a_knowledge_folder_given_on_the_command_line_wins_over_a_missing_one(
    tmp_path: Path,
) -> None:
    s = load({"CCHC_KNOWLEDGE_DIR": str(tmp_path / "khong-co")}, knowledge_dir=tmp_path)
    assert s.knowledge_dir == tmp_path


def test_the_default_knowledge_folder_is_not_required_to_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./knowledge here: commands may take --knowledge DIR
    assert load().knowledge_dir == Path("knowledge")


def test_review_age_must_be_a_whole_number() -> None:
    with pytest.raises(SettingsError) as exc:
        load({"CCHC_REVIEW_MAX_AGE_DAYS": "30.5"})
    assert exc.value.problems[0].startswith("CCHC_REVIEW_MAX_AGE_DAYS='30.5'")


def test_choice_threshold_above_answer_threshold_is_refused() -> None:
    with pytest.raises(SettingsError) as exc:
        load({"CCHC_ANSWER_THRESHOLD": "0.5", "CCHC_CHOICE_THRESHOLD": "0.6"})
    (problem,) = exc.value.problems
    assert "CCHC_CHOICE_THRESHOLD" in problem and "CCHC_ANSWER_THRESHOLD" in problem


def test_secret_is_masked_in_repr() -> None:
    s = load({"CCHC_DATABASE_URL": "postgresql://cchc:s3cr3t-pw@db:5432/cchc"})
    assert s.database_url.endswith("s3cr3t-pw@db:5432/cchc")  # the value itself is intact
    shown = repr(s)
    assert "s3cr3t-pw" not in shown
    assert "postgresql://cchc:***@db:5432/cchc" in shown
    assert "log_level='INFO'" in shown


def test_secret_is_masked_in_errors() -> None:
    with pytest.raises(SettingsError) as exc:
        load({"CCHC_DATABASE_URL": "s3cr3t-pw without a scheme"})
    assert "s3cr3t-pw" not in str(exc.value)
    assert "CCHC_DATABASE_URL=***" in str(exc.value)


def test_settings_are_frozen() -> None:
    s = load()
    with pytest.raises(AttributeError):
        s.log_level = "DEBUG"  # type: ignore[misc]


# --- documentation ------------------------------------------------------------------------


def _readme_table() -> dict[str, str]:
    """`CCHC_*` name → default, from the rows of README's settings table."""
    rows: dict[str, str] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and cells and re.fullmatch(r"`CCHC_[A-Z0-9_]+`", cells[0]):
            rows[cells[0].strip("`")] = cells[1].strip("`") if len(cells) > 1 else ""
    return rows


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.env)
def test_every_setting_is_in_the_readme_settings_table(spec) -> None:
    assert README.is_file(), "README.md with a settings table is missing"
    table = _readme_table()
    assert spec.env in table, f"{spec.env} is missing from README.md's settings table"
    assert table[spec.env] == spec.default, f"README.md shows another default for {spec.env}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.env)
def test_every_setting_is_in_env_example(spec) -> None:
    assert ENV_EXAMPLE.is_file()
    assert f"{spec.env}=" in ENV_EXAMPLE.read_text(encoding="utf-8")
