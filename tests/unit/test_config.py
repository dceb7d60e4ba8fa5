"""Settings: a bad one names the variable and what it expects, exits 2, shows no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import OFFICIAL_API_URL, PROJECT_ROOT, Settings, load_settings

GOOD = "123456:" + "A" * 35
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name in {
            "BOT_TOKEN",
            "DATABASE_URL",
            "ADMIN_IDS",
            "TIMEZONE",
            "TELEGRAM_API_URL",
            "DEFAULT_LOCALE",
            "BODY_NAME",
            "INVITE_TTL_HOURS",
            "LOG_LEVEL",
            "TASK_REMINDER_DAYS",
            "REPORT_DEADLINE_DAYS",
            "REPORT_FILE_MAX_MB",
        }:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env is read


def test_defaults_need_only_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", GOOD)
    settings = Settings()
    # Issue #15: the data folder is beside the project, not in the current directory.
    assert settings.database_url == f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'bot.db'}"
    assert settings.telegram_api_url == OFFICIAL_API_URL
    assert settings.timezone == "Europe/Moscow"
    assert settings.default_locale == "ru"
    assert settings.admin_ids == frozenset()
    assert settings.task_reminder_days == (7, 1)
    assert settings.report_deadline_days == 10


def test_task_reminder_days_are_comma_separated_and_ordered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_TOKEN", GOOD)
    monkeypatch.setenv("TASK_REMINDER_DAYS", "1, 14,7")
    assert Settings().task_reminder_days == (14, 7, 1)


def test_admin_ids_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", GOOD)
    monkeypatch.setenv("ADMIN_IDS", "111, 222,333")
    assert Settings().admin_ids == frozenset({111, 222, 333})


def test_env_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue #15: the file is named by ENV_FILE (or is `.env` beside the project), not
    # looked up in the current directory.
    (tmp_path / "bot.env").write_text(f"BOT_TOKEN={GOOD}\nTIMEZONE=Asia/Yekaterinburg\n")
    monkeypatch.setenv("ENV_FILE", str(tmp_path / "bot.env"))
    assert load_settings().timezone == "Asia/Yekaterinburg"


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "not-a-token"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": GOOD, "TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
        ({"BOT_TOKEN": GOOD, "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": GOOD, "DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"BOT_TOKEN": GOOD, "TELEGRAM_API_URL": "ftp://x"}, "TELEGRAM_API_URL"),
        ({"BOT_TOKEN": GOOD, "DEFAULT_LOCALE": "de"}, "DEFAULT_LOCALE"),
        ({"BOT_TOKEN": GOOD, "TASK_REMINDER_DAYS": "7,x"}, "TASK_REMINDER_DAYS"),
        ({"BOT_TOKEN": GOOD, "REPORT_DEADLINE_DAYS": "0"}, "REPORT_DEADLINE_DAYS"),
    ],
)
def test_bad_setting_exits_2_with_one_line(
    env: dict[str, str],
    name: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SystemExit) as exit_info:
        load_settings()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert name in err and "expected" in err
    assert "not-a-token" not in err


def test_python_m_bot_without_token_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: BOT_TOKEN is missing; expected the bot token from @BotFather, "
        "like 123456789:AAE...."
    ]
    assert "Traceback" not in result.stderr
