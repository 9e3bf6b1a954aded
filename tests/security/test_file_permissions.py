"""The chat's files are its owner's alone, on a real server (issue 12, item 5; issue 21, item 9).

The database holds every message and password hash, the TLS file the
server's private key.  With the usual umask 022 a program's files are
readable by every account on the computer; Besedka's are not:

* POSIX: the data directory the server creates is 0700, and every file the
  server or the admin tool creates is 0600: the database and its ``-wal``
  and ``-shm``, the TLS key, the copy made before a migration, an admin
  backup (and a folder the backup creates).  A database or key that exists
  already and that others may read is warned about at start.
* Windows: mode bits mean nothing there.  A directory the server creates
  gets an ACL for SYSTEM, the Administrators and its owner only, and the
  files in it inherit that; the start-up check of the mode is skipped, so
  it no longer warns on every start.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from server.tls import GENERATED_FILE_NAME
from tests.conftest import ServerProcess

from ..old_database import FIRST_REVISION, make_old_database
from .helpers import admin, assert_private_dir, assert_private_file, logged_in

WARNING = "can be read by other users of this computer"


pytestmark = pytest.mark.usefixtures("usual_umask")


def chat(server: ServerProcess, *, tls: bool = False) -> None:
    """Register and send, so that the database, its WAL and SHM all exist."""
    async def scenario() -> None:
        alice = await logged_in(server.address, "alice", tls=tls)
        await alice.send("nobody else may read this")
        await alice.close()

    asyncio.run(scenario())


def test_a_new_data_directory_and_everything_the_server_puts_there_are_private(
        server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
    data = tmp_path / "besedka-data"
    server = server_factory("--no-rate-limits", database=data / "besedka.db", tls=True)
    chat(server, tls=True)
    assert_private_dir(data)
    names = {"besedka.db", "besedka.db-wal", "besedka.db-shm", GENERATED_FILE_NAME}
    assert names <= {path.name for path in data.iterdir()}
    for name in names:
        assert_private_file(data / name)


def test_the_copy_made_before_a_migration_is_private(
        server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    make_old_database(database)
    server = server_factory("--no-rate-limits", database=database)
    chat(server)
    backups = sorted(tmp_path.glob(f"old.db.backup-{FIRST_REVISION}-*"))
    assert len(backups) == 1, sorted(tmp_path.iterdir())
    assert_private_file(backups[0])


def test_an_admin_backup_and_the_folder_it_creates_are_private(
        server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
    server = server_factory("--no-rate-limits")
    chat(server)
    destination = tmp_path / "backups" / "besedka-backup.db"
    admin(server, "backup", str(destination))
    assert_private_dir(destination.parent)
    assert_private_file(destination)
    with sqlite3.connect(destination) as connection:
        assert connection.execute("SELECT body FROM messages").fetchall() == [
            ("nobody else may read this",)]


def test_an_existing_database_and_key_readable_by_others_are_warned_about_at_start(
        server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
    database = tmp_path / "data" / "besedka.db"
    first = server_factory("--no-rate-limits", database=database, tls=True)
    chat(first, tls=True)
    assert first.stop() == 0
    assert WARNING not in first.log, "a private database is not warned about"

    key = database.with_name(GENERATED_FILE_NAME)
    for path in (database, key):
        path.chmod(0o644)  # as a copy made with the usual umask would be
    second = server_factory("--no-rate-limits", database=database, tls=True)
    second.stop()
    warnings = [line for line in second.log.splitlines() if WARNING in line]
    if sys.platform == "win32":
        # The mode says nothing about who may read a file there, and the
        # check used to warn on every start; the ACLs above are what counts.
        assert warnings == []
    else:
        assert len(warnings) == 2, second.log
        assert any(str(database) in line and "every message" in line for line in warnings)
        assert any(str(key) in line and "private key" in line for line in warnings)
