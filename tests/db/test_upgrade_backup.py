"""Before migrating an existing database, the server copies it aside.

An upgrade of Besedka migrates the chat's only database on start; if that
goes wrong, or the new version has to be rolled back, the copy made just
before is the way back.  Real SQLite files throughout; the "newer Besedka"
is the real migration scripts plus one extra revision in a temporary copy.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Engine, inspect

import migrations
from db import schema
from db.backup import backup_sqlite
from db.database import Database
from db.engine import create_database_engine
from db.schema import alembic_config, backup_path, current_revision, head_revision, upgrade_to_head

from .conftest import register, send

NEXT_REVISION = '''\
"""A newer Besedka's schema, for the tests only."""

import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("test_reactions", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("test_reactions")
'''

BACKUP_NAME = re.compile(r"^chat\.db\.backup-(?P<rev>[^-]+)-\d{8}T\d{6}Z$")


@pytest.fixture
def newer_config(tmp_path: Path) -> Config:
    """Besedka's migration scripts plus revision 9001 on top of head."""
    scripts = tmp_path / "newer-migrations"
    shutil.copytree(Path(migrations.__file__).parent, scripts,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9001_test_reactions.py").write_text(
        NEXT_REVISION.format(head=head_revision()), encoding="utf-8")
    config = alembic_config()
    config.set_main_option("script_location", str(scripts))
    return config


@pytest.fixture
def chat_file(tmp_path: Path) -> Path:
    """A database at today's head with an account and a message."""
    path = tmp_path / "data" / "chat.db"
    database = Database(f"sqlite:///{path}")
    alice = register(database, "alice")
    send(database, alice, None, "written before the upgrade")
    database.close()
    return path


@pytest.fixture
def engine(chat_file: Path) -> Iterator[Engine]:
    engine = create_database_engine(f"sqlite:///{chat_file}")
    yield engine
    engine.dispose()


def backups(directory: Path) -> list[Path]:
    return sorted(path for path in directory.iterdir() if ".backup-" in path.name)


def bodies(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT body FROM messages ORDER BY id")]


def revision_of(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def test_a_new_database_is_created_without_a_backup(tmp_path: Path,
                                                    newer_config: Config) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'new.db'}")
    assert upgrade_to_head(engine, newer_config) is None
    assert current_revision(engine) == "9001"
    engine.dispose()
    assert backups(tmp_path) == []


def test_a_database_at_head_is_not_backed_up(chat_file: Path) -> None:
    for _ in range(2):
        Database(f"sqlite:///{chat_file}").close()
    assert backups(chat_file.parent) == []


def test_a_database_behind_head_is_copied_before_it_is_migrated(
    chat_file: Path, engine: Engine, newer_config: Config,
) -> None:
    old_head = head_revision()
    backup = upgrade_to_head(engine, newer_config)

    assert backup is not None and backups(chat_file.parent) == [backup]
    match = BACKUP_NAME.match(backup.name)
    assert match and match["rev"] == old_head
    # The copy is the database as it was: old revision, same messages, and
    # one self-contained file (not WAL, so copying it alone is enough).
    assert revision_of(backup) == old_head
    assert bodies(backup) == ["written before the upgrade"]
    with sqlite3.connect(backup) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The database itself moved on and kept its data.
    assert current_revision(engine) == "9001"
    assert "test_reactions" in inspect(engine).get_table_names()
    assert bodies(chat_file) == ["written before the upgrade"]
    # Starting again at the new head makes no second copy.
    assert upgrade_to_head(engine, newer_config) is None
    assert backups(chat_file.parent) == [backup]


def test_the_copy_includes_commits_still_in_the_write_ahead_log(
    chat_file: Path, engine: Engine, newer_config: Config,
) -> None:
    """A plain file copy of chat.db alone would lose these; the backup API
    reads the database as SQLite sees it."""
    writer = sqlite3.connect(chat_file, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("INSERT INTO messages (sender_id, recipient_id, body, created_at, seq) "
                       "SELECT sender_id, recipient_id, 'only in the WAL', created_at, "
                       "(SELECT max(seq) + 1 FROM messages) FROM messages LIMIT 1")
        assert chat_file.with_name("chat.db-wal").stat().st_size > 0
        backup = upgrade_to_head(engine, newer_config)
    finally:
        writer.close()
    assert backup is not None
    assert bodies(backup) == ["written before the upgrade", "only in the WAL"]


def test_no_migration_happens_when_the_backup_fails(
    chat_file: Path, engine: Engine, newer_config: Config, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(schema, "_copy_database", disk_full)
    with pytest.raises(OSError, match="No space left"):
        upgrade_to_head(engine, newer_config)
    assert current_revision(engine) == head_revision()
    assert bodies(chat_file) == ["written before the upgrade"]


def test_a_database_of_a_newer_besedka_is_refused_without_a_copy(
    chat_file: Path, engine: Engine, newer_config: Config,
) -> None:
    upgrade_to_head(engine, newer_config)
    for backup in backups(chat_file.parent):
        backup.unlink()
    with pytest.raises(CommandError):
        upgrade_to_head(engine)  # today's scripts do not know revision 9001
    assert backups(chat_file.parent) == []
    assert current_revision(engine) == "9001"


def test_two_copies_in_the_same_second_get_different_names(tmp_path: Path) -> None:
    database = tmp_path / "chat.db"
    now = datetime(2026, 11, 22, 10, 15, 0, tzinfo=UTC)
    first = backup_path(database, "0001", now)
    assert first.name == "chat.db.backup-0001-20261122T101500Z"
    first.touch()
    second = backup_path(database, "0001", now)
    assert second != first and not second.exists()


def test_memory_databases_are_migrated_without_a_copy(newer_config: Config) -> None:
    engine = create_database_engine("sqlite://")
    assert upgrade_to_head(engine, newer_config) is None
    engine.dispose()


@pytest.fixture
def fsync_refusing_read_only_descriptors(monkeypatch: pytest.MonkeyPatch) -> None:
    """``os.fsync`` as Windows has it: a descriptor opened read-only cannot
    be flushed (EBADF there).  Linux flushes it anyway, which hid a backup
    that made every Windows server fail to start after an upgrade.  On
    Windows the real ``os.fsync`` already behaves so and is left alone.

    What this proves on Linux: the backup flushes through a descriptor
    opened for writing.  What it cannot prove: that Windows accepts the
    rest; the Windows CI job runs these tests with the real thing.
    """
    if sys.platform == "win32":
        return
    import fcntl

    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
            raise OSError(errno.EBADF, "Bad file descriptor (fsync of a read-only descriptor)")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_the_stand_in_refuses_what_windows_refuses(
        fsync_refusing_read_only_descriptors: None, tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_bytes(b"data")
    with open(path, "rb") as read_only, pytest.raises(OSError) as refused:
        os.fsync(read_only.fileno())
    assert refused.value.errno == errno.EBADF
    with open(path, "r+b") as writable:
        os.fsync(writable.fileno())


def test_the_copy_before_a_migration_is_flushed_where_windows_allows_it(
    fsync_refusing_read_only_descriptors: None, chat_file: Path, engine: Engine,
    newer_config: Config,
) -> None:
    backup = upgrade_to_head(engine, newer_config)
    assert backup is not None and bodies(backup) == ["written before the upgrade"]
    assert current_revision(engine) == "9001"


def test_an_online_backup_is_flushed_where_windows_allows_it(
    fsync_refusing_read_only_descriptors: None, chat_file: Path, tmp_path: Path,
) -> None:
    destination = tmp_path / "copies" / "chat-backup.db"
    size = backup_sqlite(f"sqlite:///{chat_file}", destination)
    assert size == destination.stat().st_size > 0
    assert bodies(destination) == ["written before the upgrade"]
    assert [path.name for path in destination.parent.iterdir()] == [destination.name]
