"""Issue #15: paths, the env file, the proxy, the retry schedule, the copy before migrating."""

from __future__ import annotations

import asyncio
import os
import random
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.methods import GetMe

from bot.config import PROJECT_ROOT, TOKEN_RE, Settings, load_settings
from bot.startup import MAX_DELAY_S, Stopped, next_delay, until_reachable
from storage.migrate import backup_before_upgrade, head_revision, upgrade

GOOD = "123456:" + "A" * 35
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("BOT_", "DATABASE_", "DATA_DIR", "ENV_FILE", "PROXY_", "LOG_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("BOT_TOKEN", GOOD)
    monkeypatch.chdir(tmp_path)


def settings(**values: object) -> Settings:
    return Settings(**{"_env_file": None, **values})  # type: ignore[arg-type]


def test_data_dir_defaults_beside_the_project_not_the_current_folder(tmp_path: Path) -> None:
    s = settings()
    assert s.data_dir == PROJECT_ROOT / "data"
    assert s.database_url == f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'bot.db'}"
    assert tmp_path not in s.data_dir.parents


def test_data_dir_holds_the_database_unless_database_url_is_given(tmp_path: Path) -> None:
    assert settings(data_dir=tmp_path).database_url == f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    assert settings(data_dir="var").data_dir == PROJECT_ROOT / "var"
    given = "postgresql+asyncpg://u@h/wg"
    assert settings(data_dir=tmp_path, database_url=given).database_url == given
    assert settings(data_dir=tmp_path).files_dir == tmp_path / "files"


@pytest.mark.parametrize(
    "url",
    ["sqlite+aiosqlite://:::", "postgresql+asyncpg://", "postgresql+asyncpg://u@host:5432/"],
)
def test_database_url_without_a_database_is_refused(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue #15: no database name used to migrate into the server's default database."""
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(SystemExit) as exit_info:
        load_settings()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Configuration error: DATABASE_URL is invalid")


@pytest.mark.parametrize(
    "proxy",
    ["http://proxy:3128", "https://u:p@proxy:3128", "socks5://u:p@proxy:1080", "socks4://p:1"],
)
def test_proxy_url_accepts_http_and_socks(proxy: str) -> None:
    s = settings(proxy_url=proxy)
    assert s.proxy_url is not None and s.proxy_url.get_secret_value() == proxy


def test_bad_proxy_url_exits_2_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PROXY_URL", "ftp://user:secret@proxy")
    with pytest.raises(SystemExit) as exit_info:
        load_settings()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "PROXY_URL is invalid" in err and "secret" not in err


def test_env_file_that_does_not_exist_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENV_FILE", str(tmp_path / "missing.env"))
    with pytest.raises(SystemExit) as exit_info:
        load_settings()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ENV_FILE" in err[0] and "missing.env" in err[0]


def test_the_readme_example_token_passes_the_check() -> None:
    """Issue #15: the README's first command used a token the bot's own check rejected."""
    readme = (ROOT / "README.md").read_text()
    tokens = re.findall(r"BOT_TOKEN=(\S+)", readme)
    assert tokens
    assert all(TOKEN_RE.match(token) for token in tokens), tokens


def test_retry_delays_grow_to_a_minute_with_jitter() -> None:
    rng = random.Random(1)
    delays = [1.0]
    for _ in range(12):
        delays.append(next_delay(delays[-1], rng))
    assert all(0.8 <= d <= MAX_DELAY_S for d in delays)
    assert delays[6] > 20 and max(delays) <= MAX_DELAY_S
    assert len({round(d, 3) for d in delays[-4:]}) > 1  # jitter, not one fixed step


async def test_until_reachable_retries_network_errors_and_gives_up_on_401() -> None:
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise TelegramNetworkError(GetMe(), "Cannot connect")
        return "ok"

    stop = asyncio.Event()
    assert await until_reachable("getMe", flaky, stop, first_delay=0.01) == "ok"
    assert calls == 3

    async def rejected() -> str:
        raise TelegramUnauthorizedError(GetMe(), "Unauthorized")

    with pytest.raises(TelegramUnauthorizedError):
        await until_reachable("getMe", rejected, stop, first_delay=0.01)


async def test_until_reachable_ends_when_told_to_stop() -> None:
    stop = asyncio.Event()

    async def down() -> None:
        raise TelegramNetworkError(GetMe(), "Cannot connect")

    asyncio.get_running_loop().call_later(0.2, stop.set)
    with pytest.raises(Stopped):
        await until_reachable("getMe", down, stop, first_delay=5)


def test_a_copy_is_kept_before_an_sqlite_database_is_migrated(tmp_path: Path) -> None:
    """Issue #15 item 5: migrating without a copy risked the only database."""
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    upgrade(url, "base")
    head = head_revision(url)
    assert head is not None
    backups = tmp_path / "backups"
    # A database one revision behind: the copy is taken, and it is the old one.
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(url))
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str)
    upgrade(url, previous)
    upgrade(url, backups_dir=backups)
    copies = list(backups.glob("bot-*-before-*.db"))
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (previous,)
    # Already at head: no copy at every start.
    assert backup_before_upgrade(url, backups) is None
    upgrade(url, backups_dir=backups)
    assert len(list(backups.glob("*.db"))) == 1


def test_alembic_command_line_uses_the_bots_settings(tmp_path: Path) -> None:
    """Issue #15 item 5: `alembic` migrated ./data/bot.db whatever DATABASE_URL said."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BOT_", "DATABASE_", "DATA_DIR", "ENV_FILE"))
    }
    env.update(DATA_DIR=str(tmp_path / "d"), ENV_FILE=os.devnull, PYTHONPATH=str(ROOT))
    alembic = Path(sys.executable).with_name("alembic")
    result = subprocess.run(
        [str(alembic), "-c", str(ROOT / "storage" / "alembic.ini"), "upgrade", "head"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "d" / "bot.db") as conn:
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert version == head_revision(f"sqlite+aiosqlite:///{tmp_path}/d/bot.db")
    assert not (tmp_path / "data").exists()
