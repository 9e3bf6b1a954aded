"""The queries behind history, sync and unread counts read indexes, not the table.

A chat database only grows; a query that scans ``messages`` gets slower with
every message ever sent and would eventually stall every user's scroll-back.
The plans are SQLite's own (``EXPLAIN QUERY PLAN``) for the exact statements
the query functions emit.  The indexes by sender are partial (direct messages
only, migrations 0003, 0004 and 0007), and SQLite uses a partial index only
for a query whose WHERE implies its condition: a query that stopped naming a
recipient would lose its index here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection

from db import queries
from db import rooms as db_rooms
from db import search
from db.database import Database
from db.models import Message
from db.queries import AccountRecord, NewMessage

from .conftest import NOW, register, send_all

RECIPIENT_INDEX = "ix_messages_recipient_id_room_id_id"
SENDER_INDEX = "ix_messages_sender_id_recipient_id_id"
DIRECT_SENT_INDEX = "ix_messages_sender_id_id_direct"
ROOM_MEMBERS_INDEX = "ix_room_members_account_id_room_id"


@pytest.fixture
def people(database: Database) -> tuple[AccountRecord, AccountRecord]:
    alice, bob = register(database, "alice"), register(database, "bob")
    send_all(database, [(sender, recipient, str(n)) for n in range(10)
                        for sender, recipient in [(alice, None if n % 2 else bob), (bob, alice)]])
    # Two rooms both are in (ids 1 and 2), with messages.
    for name in ("Lab 214", "Release 2.4"):
        room = database.write(lambda conn: db_rooms.create_room(
            conn, alice.id, name, True, [bob.id], NOW)).result().room.id
        database.write(lambda conn: queries.store_messages(
            conn, [NewMessage(bob, None, str(n), None, room) for n in range(5)])).result()
    # No ANALYZE: the server never runs it, so these are the plans it gets.
    return alice, bob


def query_plan(database: Database, query: Callable[[Connection], Any]) -> list[str]:
    """Run ``query`` and return the plan lines of every SELECT it issued."""
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", capture)
    try:
        database.read_now(query)
    finally:
        event.remove(database.engine, "before_cursor_execute", capture)
    assert statements, "the query issued no SELECT"
    with database.engine.connect() as conn:
        return [row[3] for statement, parameters in statements
                for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]


def assert_no_table_scan(plan: list[str]) -> None:
    scans = [line for line in plan if re.match(r"SCAN (messages|accounts AS \w+)\b", line)]
    assert scans == [], plan


QUERIES: dict[str, tuple[Callable[[int, int], Callable[[Connection], Any]], list[str]]] = {
    "general history": (lambda me, peer: lambda conn: queries.history(conn, me, None, None, 50),
                        [f"{RECIPIENT_INDEX} (recipient_id=? AND room_id=?)"]),
    "general history page": (lambda me, peer: lambda conn: queries.history(conn, me, None, 30, 50),
                             [f"{RECIPIENT_INDEX} (recipient_id=? AND room_id=? AND id<?)"]),
    "direct history": (lambda me, peer: lambda conn: queries.history(conn, me, peer, None, 50),
                       [f"{SENDER_INDEX} (sender_id=? AND recipient_id=?)"]),
    "direct history page": (lambda me, peer: lambda conn: queries.history(conn, me, peer, 30, 50),
                            [f"{SENDER_INDEX} (sender_id=? AND recipient_id=? AND id<?)"]),
    "notes to self": (lambda me, peer: lambda conn: queries.history(conn, me, me, None, 50),
                      [f"{SENDER_INDEX} (sender_id=? AND recipient_id=?)"]),
    # Version 2's pages of a direct conversation, either side of a message.
    "direct history around": (
        lambda me, peer: lambda conn: queries.history_around(conn, me, peer, 15, 10),
        [f"{SENDER_INDEX} (sender_id=? AND recipient_id=? AND id<?)",
         f"{SENDER_INDEX} (sender_id=? AND recipient_id=? AND id>?)"]),
    "direct history after": (
        lambda me, peer: lambda conn: queries.history_after(conn, me, peer, 5, 10),
        [f"{SENDER_INDEX} (sender_id=? AND recipient_id=? AND id>?)",
         f"{SENDER_INDEX} (sender_id=? AND recipient_id=? AND id<?)"]),
    "direct newer": (lambda me, peer: lambda conn: queries.has_newer(conn, me, peer, 5),
                     [f"{SENDER_INDEX} (sender_id=? AND recipient_id=? AND id>?)"]),
    # Searching one direct conversation first counts it (a small one is read).
    "direct search": (lambda me, peer: lambda conn: search.search(
        conn, me, search.Direct(peer), ["zebra"], None, 20),
        [f"{SENDER_INDEX} (sender_id=? AND recipient_id=?)"]),
    "notes search": (lambda me, peer: lambda conn: search.search(
        conn, me, search.Direct(me), ["zebra"], None, 20),
        [f"{SENDER_INDEX} (sender_id=? AND recipient_id=?)"]),
    "sync": (lambda me, peer: lambda conn: queries.sync(conn, me, 10, 500),
             [f"{RECIPIENT_INDEX} (recipient_id=? AND room_id=? AND id>?)",
              # What I sent to others: read in id order from the page's start,
              # never every direct message I ever sent.  (Not a covering
              # index since version 2: each candidate's row is read to leave
              # out deleted messages, which version 1 does not see.)
              f"INDEX {DIRECT_SENT_INDEX} (sender_id=? AND id>?)"]),
    "general unread": (lambda me, peer: lambda conn: queries.general_unread(conn, me),
                       [f"{RECIPIENT_INDEX} (recipient_id=? AND room_id=? AND id>?)"]),
    "roster": (lambda me, peer: lambda conn: queries.roster(conn, me),
               [f"{SENDER_INDEX} (sender_id=? AND recipient_id=? AND id>?)"]),
    # Version 2: rooms.
    "room history": (lambda me, peer: lambda conn: queries.history(conn, me, None, None, 50, 1),
                     [f"{RECIPIENT_INDEX} (recipient_id=? AND room_id=?)"]),
    "room history page": (lambda me, peer: lambda conn: queries.history(conn, me, None, 30, 50, 1),
                          [f"{RECIPIENT_INDEX} (recipient_id=? AND room_id=? AND id<?)"]),
    "sync with rooms": (lambda me, peer: lambda conn: queries.sync(conn, me, 10, 500, rooms=True),
                        [f"{RECIPIENT_INDEX} (recipient_id=? AND room_id=? AND id>?)",
                         f"INDEX {DIRECT_SENT_INDEX} (sender_id=? AND id>?)",
                         f"{ROOM_MEMBERS_INDEX} (account_id=?)"]),
    "room unread counts": (lambda me, peer: lambda conn: db_rooms.room_counts(conn, me),
                           [f"{RECIPIENT_INDEX} (recipient_id=? AND room_id=? AND id>?)",
                            f"{ROOM_MEMBERS_INDEX} (account_id=?)"]),
    "rooms at start": (lambda me, peer: db_rooms.load_rooms, []),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_uses_its_index_and_never_scans_messages(
    database: Database, people: tuple[AccountRecord, AccountRecord], name: str
) -> None:
    make_query, expected = QUERIES[name]
    alice, bob = people
    plan = query_plan(database, make_query(alice.id, bob.id))
    assert_no_table_scan(plan)
    for index_use in expected:
        assert any(index_use in line for line in plan), plan


def test_the_roster_of_someone_who_received_few_direct_messages_reads_only_those(
    database: Database, people: tuple[AccountRecord, AccountRecord]
) -> None:
    # Alice (in QUERIES) received more direct messages than a few per
    # account, so her roster searches per account; carol received none and
    # gets the one pass over her received messages instead.
    carol = register(database, "carol")
    plan = query_plan(database, lambda conn: queries.roster(conn, carol.id))
    assert_no_table_scan(plan)
    # The "sent to me" range: either recipient index holds it (the one by
    # change number too, which SQLite may pick: order does not matter here).
    assert any(re.search(r"ix_messages_recipient_id_room_id_(id|seq) "
                         r"\(recipient_id=\? AND room_id=\?\)", line) for line in plan), plan
    assert not any(SENDER_INDEX in line for line in plan), plan


def test_message_lookups_by_id_use_the_primary_key(
    database: Database, people: tuple[AccountRecord, AccountRecord]
) -> None:
    alice, _ = people
    plan = query_plan(database, lambda conn: queries.sync(conn, alice.id, 0, 500))
    assert any("SEARCH messages USING INTEGER PRIMARY KEY (rowid=?)" in line for line in plan)


def test_the_plan_checker_notices_a_table_scan(
    database: Database, people: tuple[AccountRecord, AccountRecord]
) -> None:
    plan = query_plan(database, lambda conn: conn.execute(
        select(Message.id).where(func.length(Message.body) > 1)).all())
    with pytest.raises(AssertionError):
        assert_no_table_scan(plan)


def test_the_idempotency_key_lookup_probes_the_unique_index(
    database: Database, people: tuple[AccountRecord, AccountRecord]
) -> None:
    # store_messages' lookup of a batch's keys goes to the driver, which
    # query_plan does not see: its statement is explained directly.
    sql = queries._find_keys(database.engine.dialect, 8)
    with database.engine.connect() as conn:
        plan = [row[3] for row in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + sql, tuple(v for n in range(8) for v in (n, f"k{n}")))]
    assert_no_table_scan(plan)
    assert any(re.search(r"SEARCH messages USING (COVERING )?INDEX \w+ "
                         r"\(sender_id=\? AND idempotency_key=\?\)", line) for line in plan), plan
