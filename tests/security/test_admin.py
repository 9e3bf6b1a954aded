"""``python -m server admin`` against the database of a running server."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import REPO
from ..wire import PASSWORD, WireClient
from .helpers import admin, error_code, logged_in


def test_list_users_shows_every_account_and_whether_it_is_disabled(server) -> None:
    async def register() -> None:
        for name in ("Zoë", "alice", "Bob"):
            client = await logged_in(server.address, name)
            await client.close()

    asyncio.run(register())
    admin(server, "disable", "bob")
    lines = admin(server, "list-users").stdout.splitlines()
    assert lines[0].split() == ["username", "status", "registered"]
    rows = [line.split()[:2] for line in lines[1:]]
    assert rows == [["alice", "active"], ["Bob", "disabled"], ["Zoë", "active"]]
    # --database may come after the command too.
    after = subprocess.run(
        [sys.executable, "-m", "server", "admin", "list-users", "--database",
         server.database_url], cwd=REPO, capture_output=True, text=True, timeout=60, check=True)
    assert after.stdout.splitlines() == lines


def test_list_users_confusable_shows_the_older_accounts_whose_names_look_alike(
        server) -> None:
    asyncio.run(_register(server, "alice"))
    asyncio.run(_register(server, "bob"))
    assert admin(server, "list-users", "--confusable").stdout.strip() == \
        "no two accounts have names that look alike"
    # An account registered before look-alikes were refused: written as the
    # server of then did, straight into the database.
    with sqlite3.connect(server.database) as database:
        database.execute(
            "INSERT INTO accounts (username, username_key, password_hash, created_at, "
            "general_read_id, disabled) VALUES ('\u0430lice', '\u0430lice', x'00', "
            "'2026-01-01 00:00:00', 0, 0)")
    lines = admin(server, "list-users", "--confusable").stdout.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["alice", "\u0430lice"]


def test_reset_password_prints_a_new_one_that_replaces_the_old(server) -> None:
    asyncio.run(_register(server, "alice"))
    result = admin(server, "reset-password", "ALICE", "--bcrypt-rounds", "4")
    new_password = result.stdout.strip()
    assert len(new_password) >= 16 and "\n" not in new_password
    assert "shown only now" in result.stderr

    async def check() -> None:
        client = await WireClient.connect(server.address)
        old = await client.request("login", username="alice", password=PASSWORD)
        assert error_code(old) == "invalid_credentials"
        await client.close()
        client = await logged_in(server.address, "alice", register=False, password=new_password)
        await client.close()

    asyncio.run(check())


def test_reset_password_reads_one_from_stdin_and_checks_it(server) -> None:
    asyncio.run(_register(server, "alice"))
    weak = admin(server, "reset-password", "alice", "--stdin", stdin="short\n", check=False)
    assert weak.returncode == 1 and "8-1024 characters" in weak.stderr
    unknown = admin(server, "reset-password", "nobody", "--stdin", stdin="x" * 20, check=False)
    assert unknown.returncode == 1 and "no user named" in unknown.stderr
    done = admin(server, "reset-password", "alice", "--stdin", "--bcrypt-rounds", "4",
                 stdin="the chosen one ✓\n")
    assert done.stdout == ""

    async def check() -> None:
        client = await logged_in(server.address, "alice", register=False,
                                 password="the chosen one ✓")
        await client.close()

    asyncio.run(check())


@pytest.mark.parametrize("locale", [
    # A Windows console's code page, as Python takes it for pipes there.
    {"PYTHONIOENCODING": "cp1252"},
    # Plain ASCII: the C locale without Python's UTF-8 mode.
    {"PYTHONIOENCODING": None, "LC_ALL": "C", "PYTHONUTF8": "0"},
], ids=["cp1252", "ascii"])
def test_cyrillic_passwords_and_names_cross_pipes_as_utf8_whatever_the_locale(
        server, locale: dict[str, str | None]) -> None:
    asyncio.run(_register(server, "Зоя"))
    password = "пароль Зои, не угадать"
    done = admin(server, "reset-password", "зоя", "--stdin", "--bcrypt-rounds", "4",
                 stdin=password + "\n", env=locale)
    assert "password of Зоя changed" in done.stderr

    async def check() -> None:
        client = await logged_in(server.address, "Зоя", register=False, password=password)
        await client.close()

    asyncio.run(check())
    listed = admin(server, "list-users", env=locale)
    assert [line.split()[:2] for line in listed.stdout.splitlines()[1:]] == [["Зоя", "active"]]
    # A file saved by Notepad starts with a byte order mark; it is not
    # part of the password.
    admin(server, "reset-password", "зоя", "--stdin", "--bcrypt-rounds", "4",
          stdin="\ufeff" + password + "\n", env=locale)
    asyncio.run(check())


def test_a_password_that_is_not_utf8_is_refused(server) -> None:
    asyncio.run(_register(server, "alice"))
    result = subprocess.run(
        [sys.executable, "-m", "server", "admin", "--database", server.database_url,
         "reset-password", "alice", "--stdin"],
        cwd=REPO, input="пароль в cp1251".encode("cp1251") + b"\n", capture_output=True,
        timeout=60, check=False)
    assert result.returncode == 1
    assert "standard input is not UTF-8 text" in result.stderr.decode("utf-8")


def test_disabling_an_account_closes_its_connections_and_stops_its_logins(server) -> None:
    async def scenario() -> None:
        bob = await logged_in(server.address, "bob")
        alice = await logged_in(server.address, "alice")
        alice_again = await logged_in(server.address, "alice", register=False)
        await bob.next_event("presence")  # alice came online

        started = time.monotonic()
        await asyncio.to_thread(admin, server, "disable", "alice")
        # The server notices within its check interval (2 s) and hangs up.
        await alice.wait_closed(timeout=10)
        await alice_again.wait_closed(timeout=10)
        assert time.monotonic() - started < 8
        presence = await bob.next_event("presence")
        assert presence["user"] == {"username": "alice", "online": False}
        # Bob is untouched.
        await bob.send("still here")

        client = await WireClient.connect(server.address)
        refused = await client.request("login", username="alice", password=PASSWORD)
        assert error_code(refused) == "invalid_credentials", "no hint that the account exists"
        await asyncio.to_thread(admin, server, "enable", "alice")
        again = await client.request("login", username="alice", password=PASSWORD)
        assert again["type"] == "ok"
        await client.close()
        await bob.close()

    asyncio.run(scenario())


def test_backup_while_the_server_writes_holds_everything_acknowledged_before(
        server, tmp_path: Path) -> None:
    destination = tmp_path / "backups" / "besedka-backup.db"

    async def scenario() -> tuple[list[int], int]:
        alice = await logged_in(server.address, "alice")
        acknowledged: list[int] = []
        for i in range(200):
            acknowledged.append((await alice.send(f"before {i}"))["id"])
        stop = asyncio.Event()

        async def keep_writing() -> int:
            writer = await logged_in(server.address, "bob")
            count = 0
            while not stop.is_set():
                await writer.send(f"during {count}")
                count += 1
            await writer.close()
            return count

        traffic = asyncio.create_task(keep_writing())
        await asyncio.to_thread(admin, server, "backup", str(destination))
        stop.set()
        during = await traffic
        await alice.close()
        return acknowledged, during

    acknowledged, during = asyncio.run(scenario())
    assert during > 0, "the backup ran while messages were being written"
    backup = sqlite3.connect(destination)
    try:
        assert backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert backup.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        ids = [row[0] for row in backup.execute("SELECT id FROM messages ORDER BY id")]
        bodies = dict(backup.execute("SELECT id, body FROM messages"))
    finally:
        backup.close()
    assert set(acknowledged) <= set(ids)
    assert all(bodies[i] == f"before {n}" for n, i in enumerate(acknowledged))
    # A snapshot: a prefix of the live table, no holes.
    live = sqlite3.connect(server.database)
    try:
        live_ids = [row[0] for row in live.execute("SELECT id FROM messages ORDER BY id")]
    finally:
        live.close()
    assert ids == live_ids[:len(ids)]
    assert not list(destination.parent.glob(".*.tmp")), "no temporary file left behind"


def test_admin_refuses_a_database_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = subprocess.run(
        [sys.executable, "-m", "server", "admin", "--database", f"sqlite:///{missing}",
         "list-users"], cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1 and "no database at" in result.stderr
    assert not missing.exists()


async def _register(server, name: str) -> None:  # type: ignore[no-untyped-def]
    client = await logged_in(server.address, name)
    await client.close()
