"""Startup faults are one line with the reason and a non-zero exit, never a traceback: a
data folder under a file or where it cannot be created, a database that refuses writes
(SQLite and PostgreSQL). The data folder and the database are private to their owner."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from baotong.db import migrate
from baotong.db.session import make_engine

COMMANDS = [
    ["db", "upgrade"],
    ["db", "seed"],
    ["users", "create", "bob", "--role", "admin", "--password-stdin"],
    ["serve", "--port", "1"],
]


def baotong(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BAOTONG_")}
    return subprocess.run(
        [sys.executable, "-m", "baotong", *args], input="horse battery staple\n" * 2,
        capture_output=True, text=True, timeout=120, env={**environment, **env, "COLUMNS": "300"},
        check=False,
    )  # fmt: skip


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    output = (result.stdout + result.stderr).strip()
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_data_folder_under_a_file_is_one_line(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    result = baotong(command, BAOTONG_DATA_DIR=str(tmp_path / "a-file" / "var"))
    assert result.returncode == 1
    assert "Not a directory" in one_line(result)


def test_a_data_folder_that_cannot_be_created_is_one_line() -> None:
    result = baotong(["db", "upgrade"], BAOTONG_DATA_DIR="/proc/no-such-place/var")
    assert result.returncode == 1
    assert "/proc/no-such-place" in one_line(result)


def read_only(url: str) -> str:
    if url.startswith("sqlite"):
        return url.replace("sqlite:///", "sqlite:///file:") + "?mode=ro&uri=true"
    return url + "?options=-c%20default_transaction_read_only%3Don"


@pytest.mark.parametrize("command", COMMANDS[1:], ids=lambda c: " ".join(c[:2]))
def test_a_database_that_refuses_writes_is_one_line(
    database_url: str, tmp_path: Path, command: list[str]
) -> None:
    result = baotong(
        command, BAOTONG_DATA_DIR=str(tmp_path), BAOTONG_DATABASE_URL=read_only(database_url)
    )
    assert result.returncode == 1
    line = one_line(result)
    assert "read" in line.lower(), line  # "readonly database" / "read-only transaction"


def test_the_data_folder_and_the_database_are_private(tmp_path: Path) -> None:
    path = tmp_path / "var" / "baotong.db"
    url = f"sqlite:///{path}"
    make_engine(url).dispose()
    migrate.upgrade(url)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for sidecar in path.parent.glob("baotong.db-*"):  # WAL and shared memory
        assert stat.S_IMODE(sidecar.stat().st_mode) & 0o077 == 0, sidecar
