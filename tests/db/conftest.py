"""Fixtures for the db/ tests: a real SQLite file opened the way the server opens it
(or, in a ``BOTH_BACKENDS`` module's second run, a fresh PostgreSQL database)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest

from db import queries
from db.database import Database
from db.queries import AccountRecord
from protocol.rules import username_key
from tests.conftest import new_database_url

NOW = datetime(2026, 11, 22, 10, 15, 0, 123456, tzinfo=UTC)


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path,
             database_backend: str) -> Iterator[Database]:
    """A migrated database in a temporary file (or a new PostgreSQL
    database), closed after the test."""
    db = Database(new_database_url(request, database_backend)
                  or f"sqlite:///{tmp_path / 'chat.db'}")
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


def send_all(
    db: Database, script: Iterable[tuple[AccountRecord, AccountRecord | None, str]]
) -> list[queries.StoredMessage]:
    """Store ``(sender, recipient, body)`` messages in order, queued at once so
    that the writer commits them together (one fsync instead of one each)."""
    futures = [
        db.write(partial(queries.store_message, sender=sender, recipient=recipient, body=body,
                         now=NOW, key=None))
        for sender, recipient, body in script
    ]
    return [future.result()[0] for future in futures]


@pytest.fixture
def users(database: Database) -> Callable[..., list[AccountRecord]]:
    """``users("alice", "bob")`` registers those accounts."""
    def register_all(*names: str) -> list[AccountRecord]:
        futures = [database.write(partial(queries.create_account, username=name,
                                          username_key=username_key(name),
                                          password_hash=b"hash", now=NOW))
                   for name in names]
        return [future.result() for future in futures]

    return register_all
