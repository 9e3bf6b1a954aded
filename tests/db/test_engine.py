"""Connection settings and column types: durability is set on every connection.

A message acknowledged to its sender must survive a power cut, which needs
WAL with ``synchronous=FULL`` on the very connection that commits; foreign
keys must hold on every connection; timestamps must come back as the same
instant, timezone-aware.  SQLite applies these per connection, so the tests
look at several pooled connections and at the reader and writer threads.
"""

from __future__ import annotations

import sqlite3
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, StatementError

from db import queries
from db.database import Database
from db.engine import WAL_CHECKPOINT_PAGES, WAL_SIZE_LIMIT, create_database_engine
from db.models import Message
from db.queries import AccountRecord

from .conftest import NOW, register

DURABLE = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}  # 2 is FULL


def pragmas(conn: Connection) -> dict[str, object]:
    return {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in DURABLE}


def test_every_pooled_connection_is_durable_and_checks_foreign_keys(database: Database) -> None:
    with ExitStack() as stack:
        # Several at once, so that each is a distinct DB-API connection.
        connections = [stack.enter_context(database.engine.connect()) for _ in range(5)]
        raw = {id(conn.connection.dbapi_connection) for conn in connections}
        assert len(raw) == 5
        assert [pragmas(conn) for conn in connections] == [DURABLE] * 5


def test_reader_threads_and_the_writer_use_durable_connections(database: Database) -> None:
    reads = [database.read(pragmas) for _ in range(16)]
    assert [future.result(30) for future in reads] == [DURABLE] * 16
    assert database.write(pragmas).result(30) == DURABLE


def test_the_database_file_is_in_wal_mode_for_other_programs_too(database: Database) -> None:
    plain = sqlite3.connect(str(database.engine.url.database))
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        plain.close()


#: Pages each write of the WAL test adds (a 4,000-byte blob fills a page).
FILL_PAGES = 2000


def fill(conn: Connection) -> None:
    conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
    conn.exec_driver_sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO filler SELECT zeroblob(4000) FROM n", (FILL_PAGES,))


def test_the_writers_wal_reaches_the_database_and_stays_bounded(database: Database) -> None:
    # Three times the checkpoint interval through the writer: what it wrote
    # is checkpointed into the database file, and the WAL file is reused
    # from its start instead of growing with everything ever written.
    page = 4096
    for _ in range(3 * WAL_CHECKPOINT_PAGES // FILL_PAGES):
        database.write(fill).result(60)
    path = Path(str(database.engine.url.database))
    wal = path.with_name(path.name + "-wal").stat().st_size
    assert wal <= min(WAL_SIZE_LIMIT, (WAL_CHECKPOINT_PAGES + 2 * FILL_PAGES) * (page + 24))
    assert path.stat().st_size >= WAL_CHECKPOINT_PAGES * page


def test_a_message_to_a_missing_account_is_refused(database: Database) -> None:
    alice = register(database, "alice")
    ghost = AccountRecord(alice.id + 1000, "ghost", "ghost", b"", False, NOW)
    future = database.write(
        lambda conn: queries.store_message(conn, alice, ghost, "boo", NOW, None))
    with pytest.raises(IntegrityError):
        future.result(30)


def test_the_parent_directory_of_a_new_database_is_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "chat.db"
    engine = create_database_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    assert path.exists()


@pytest.mark.parametrize(
    "moment",
    [
        NOW,
        datetime(2026, 1, 1, 2, 30, 0, 999999, tzinfo=timezone(timedelta(hours=3))),
        datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=timezone(timedelta(hours=-11))),
    ],
)
def test_timestamps_read_back_as_the_same_instant_in_utc(
    database: Database, moment: datetime
) -> None:
    alice = register(database, "alice")
    stored, _ = database.write(
        lambda conn: queries.store_message(conn, alice, None, "hi", moment, None)).result(30)
    [read_back] = database.read_now(
        lambda conn: conn.execute(
            select(Message.created_at).where(Message.id == stored.id)).scalars().all())
    assert read_back == moment
    assert read_back.tzinfo is UTC
    assert read_back.utcoffset() == timedelta(0)


def test_a_naive_timestamp_is_refused_rather_than_guessed(database: Database) -> None:
    future = database.write(
        lambda conn: queries.create_account(conn, "alice", "alice", b"", datetime(2026, 1, 1)))
    with pytest.raises(StatementError) as caught:
        future.result(30)
    assert isinstance(caught.value.orig, ValueError)
    assert database.read_now(queries.list_accounts) == []


def test_account_timestamps_read_back_aware(database: Database) -> None:
    alice = register(database, "alice")
    found = database.read_now(lambda conn: queries.get_account(conn, alice.id))
    assert found is not None and found.created_at == NOW and found.created_at.tzinfo is UTC


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused_with_a_reason(url: str) -> None:
    # Each connection would see its own empty database: the writer thread
    # would find no tables and every request would fail.
    with pytest.raises(ValueError, match="in-memory"):
        Database(url)
