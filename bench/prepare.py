"""Make a benchmark database directly, without going through the server.

The schema comes from Besedka's own migrations (:func:`db.schema.upgrade_to_head`),
then accounts, and for the history workload a million messages, are added
with plain ``sqlite3`` ``executemany`` on that schema: a million sends
through the socket would take minutes and measure nothing the other
workloads do not.

Accounts are named ``u0000``, ``u0001``... (what ``loadgen`` logs in as),
all with one password.  Every account shares one bcrypt hash, made once:
the hash carries its own salt and cost, so sharing it changes nothing the
server does when verifying, and a login costs what the hash's cost says.
That is how the login storm gets the default cost 12 while the other
accounts are cheap (cost 4).

For the room fanout workload it also makes room 1 with the first accounts
in it (as ``create_room`` would have stored it).

Usage::

    python -m bench.prepare DB_PATH --accounts 50 [--slow-from 110] [--messages 1000000]
                            [--room-members 500]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import bcrypt
from sqlalchemy import text

from bench.chat_text import ChatText
from db.engine import create_database_engine
from db.schema import upgrade_to_head

PASSWORD = "bench-password"
#: SQLAlchemy's SQLite DATETIME storage format, which db.models.UTCDateTime reads back.
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


def password_hash(password: str, rounds: int) -> bytes:
    """The stored hash of a password, as server/passwords.py makes it: bcrypt of
    base64(SHA-256(password)).  Repeated here because bench/ imports only db/."""
    prehashed = base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())
    return bcrypt.hashpw(prehashed, bcrypt.gensalt(rounds))


def username(index: int) -> str:
    return f"u{index:04d}"


def create_schema(path: Path, source: Path | None = None) -> None:
    """Create the schema with the migrations of this tree, or of the tree in
    ``source`` (a baseline's server refuses a schema newer than its own)."""
    url = f"sqlite:///{path}"
    if source is None:
        engine = create_database_engine(url)
        upgrade_to_head(engine)
        engine.dispose()
        return
    subprocess.run(
        [sys.executable, "-c", "import sys\n"
         "from db.engine import create_database_engine\n"
         "from db.schema import upgrade_to_head\n"
         "upgrade_to_head(create_database_engine(sys.argv[1]))", url],
        cwd=source, check=True)


def make_room(db: sqlite3.Connection, members: int, last_read_id: int, created: str) -> None:
    """Room 1, "Bench", owned by ``u0000`` with the first ``members`` accounts
    in it, as ``create_room`` would have stored it (the room fanout workload;
    ``bench.writer_cost --to room``)."""
    db.execute("INSERT INTO rooms (id, name, topic, public, created_at)"
               " VALUES (1, 'Bench', '', 1, ?)", (created,))
    db.executemany(
        "INSERT INTO room_members (room_id, account_id, role, joined_at,"
        " last_read_id) VALUES (1, ?, ?, ?, ?)",
        ((i + 1, "owner" if i == 0 else "member", created, last_read_id)
         for i in range(members)))


def prepare(path: Path, accounts: int, slow_from: int | None = None, messages: int = 0,
            seed: int = 7, source: Path | None = None, room_members: int = 0) -> int:
    """Create the database; returns the highest message id (0 without messages).

    Args:
        path: the SQLite file (must not exist).
        accounts: how many accounts ``u0000``... to create.
        slow_from: accounts from this index on get a cost-12 hash.
        messages: how many messages to generate: 90 % in the general room,
            the rest direct messages between random accounts, with ids and
            timestamps increasing, worded like chat (:mod:`bench.chat_text`).
        seed: for the random senders, so every run builds the same data.
        source: the tree whose migrations make the schema (default: this one).
        room_members: make room 1, "Bench", owned by ``u0000`` with the
            first this many accounts in it (the room fanout workload).
    """
    create_schema(path, source)
    engine = create_database_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # make sure the schema is the one we expect
        conn.execute(text("SELECT id, username, username_key, password_hash, created_at, "
                          "general_read_id, disabled FROM accounts LIMIT 0"))
        conn.execute(text("SELECT id, sender_id, recipient_id, body, created_at, "
                          "idempotency_key FROM messages LIMIT 0"))
    engine.dispose()

    fast = password_hash(PASSWORD, 4)
    slow = password_hash(PASSWORD, 12) if slow_from is not None and slow_from < accounts else fast
    start = datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    created = start.strftime(SQLITE_DATETIME)
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        with db:
            db.executemany(
                "INSERT INTO accounts (id, username, username_key, password_hash, created_at,"
                " general_read_id, disabled) VALUES (?, ?, ?, ?, ?, 0, 0)",
                ((i + 1, username(i), username(i),
                  slow if slow_from is not None and i >= slow_from else fast, created)
                 for i in range(accounts)),
            )
        if messages:
            rng = random.Random(seed)
            chat = ChatText(seed)
            # Version 2's change number starts out equal to the id; a
            # baseline tree's schema may predate it.
            has_seq = "seq" in {row[1] for row in db.execute("PRAGMA table_info(messages)")}

            def rows() -> Iterator[tuple[Any, ...]]:
                for message_id in range(1, messages + 1):
                    sender = rng.randrange(accounts) + 1
                    recipient = None if rng.random() < 0.9 else rng.randrange(accounts) + 1
                    moment = start + timedelta(milliseconds=message_id * 100)
                    yield (message_id, sender, recipient, chat.line(),
                           moment.strftime(SQLITE_DATETIME)) + ((message_id,) if has_seq else ())

            with db:
                db.executemany(
                    "INSERT INTO messages (id, sender_id, recipient_id, body, created_at,"
                    f" idempotency_key{', seq' if has_seq else ''})"
                    f" VALUES (?, ?, ?, ?, ?, NULL{', ?' if has_seq else ''})", rows())
            # New accounts start with nothing unread (PROTOCOL.md); keep that true.
            with db:
                db.execute("UPDATE accounts SET general_read_id = ?", (messages,))
        if room_members:
            with db:
                make_room(db, min(room_members, accounts), messages, created)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--accounts", type=int, required=True)
    parser.add_argument("--slow-from", type=int, default=None)
    parser.add_argument("--messages", type=int, default=0)
    parser.add_argument("--room-members", type=int, default=0)
    args = parser.parse_args()
    started = time.monotonic()
    prepare(args.path, args.accounts, args.slow_from, args.messages,
            room_members=args.room_members)
    print(f"prepared {args.path} in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
