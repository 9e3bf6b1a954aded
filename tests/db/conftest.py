"""Fixtures for the db/ tests: a real SQLite file opened the way the server opens it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from db import queries
from db.database import Database
from db.queries import AccountRecord
from protocol.rules import username_key

NOW = datetime(2026, 11, 22, 10, 15, 0, 123456, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A migrated database in a temporary file, closed after the test."""
    db = Database(f"sqlite:///{tmp_path / 'chat.db'}")
    yield db
    db.close()


def register(db: Database, name: str) -> AccountRecord:
    """Create an account through the writer, as the server does."""
    return db.write(
        lambda conn: queries.create_account(conn, name, username_key(name), b"hash", NOW)
    ).result()


def send(db: Database, sender: AccountRecord, recipient: AccountRecord | None, body: str,
         key: str | None = None) -> queries.StoredMessage:
    """Store a message through the writer and return it."""
    return db.write(
        lambda conn: queries.store_message(conn, sender, recipient, body, NOW, key)
    ).result()[0]


@pytest.fixture
def users(database: Database) -> Callable[..., list[AccountRecord]]:
    """``users("alice", "bob")`` registers those accounts."""
    return lambda *names: [register(database, name) for name in names]
