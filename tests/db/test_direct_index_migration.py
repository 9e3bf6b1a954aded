"""Migration 0007: the direct-history index becomes partial, and nothing a user
sees changes.

A database of revision 0006 with messages of every kind (the general room,
direct both ways, notes to self, a room, a deletion, read markers) answers
every query the same after the upgrade and after the downgrade, keeps every
row, and on both databases the direct history reads the index, which now
holds direct messages only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import Connection

from db import lifecycle, queries
from db import rooms as db_rooms
from db import search
from db.engine import create_database_engine
from db.models import Message
from db.queries import AccountRecord, NewMessage
from db.schema import current_revision, head_revision, schema_drift, upgrade_to_head
from protocol.rules import username_key
from tests.conftest import new_database_url

from .conftest import NOW
from .test_migrations import migrate

BOTH_BACKENDS = True

INDEX = "ix_messages_sender_id_recipient_id_id"


@pytest.fixture
def engine(request: pytest.FixtureRequest, tmp_path: Path, database_backend: str) -> Any:
    made = create_database_engine(new_database_url(request, database_backend)
                                  or f"sqlite:///{tmp_path / 'chat.db'}")
    yield made
    made.dispose()


def fill(conn: Connection) -> tuple[list[AccountRecord], int]:
    """Three people, a room, and messages of every kind; the room's id."""
    people = [queries.create_account(conn, name, username_key(name), b"hash", NOW)
              for name in ("alice", "bob", "carol")]
    alice, bob, carol = people
    room = db_rooms.create_room(conn, alice.id, "Lab 214", True, [bob.id], NOW).room.id
    script = [
        NewMessage(alice, None, "morning everyone", None),
        NewMessage(bob, alice, "lunch today?", "b1"),
        NewMessage(alice, bob, "lunch at noon", "a1"),
        NewMessage(alice, alice, "a note to self about lunch", None),
        NewMessage(carol, alice, "carol's lunch question", None),
        NewMessage(bob, None, "the build is green", None, room),
        NewMessage(carol, None, "lunch in the general room", "c1"),
        NewMessage(bob, alice, "see you at lunch", "b2"),
        NewMessage(alice, None, "lunch in the lab", None, room),
    ]
    # Sent three times: the keyed ones are found again, not stored (19 rows).
    queries.store_messages(conn, script * 3, NOW)
    queries.mark_read(conn, alice.id, bob.id, 3)
    queries.mark_read(conn, bob.id, None, 2)
    queries.mark_read(conn, bob.id, None, 4, room)
    lifecycle.apply_changes(conn, [lifecycle.Change(
        lifecycle.ChangeKind.DELETE, carol, 5)], max_distinct_emoji=20, now=NOW)
    return people, room


def answers(engine: Engine, people: list[AccountRecord], room: int) -> dict[str, Any]:
    """Every stored row, and what each person's queries answer."""
    found: dict[str, Any] = {}
    with engine.connect() as conn:
        found["rows"] = [tuple(row) for row in conn.execute(
            select(Message.__table__).order_by(Message.id))]
        for me in people:
            for peer in [None, *people]:
                peer_id = None if peer is None else peer.id
                at = f"{me.username} with {peer_id}"
                found[f"history {at}"] = queries.history(conn, me.id, peer_id, None, 50)
                found[f"history page {at}"] = queries.history(conn, me.id, peer_id, 12, 3)
                for around in (4, 14):
                    found[f"around {around} {at}"] = queries.history_around(
                        conn, me.id, peer_id, around, 4)
                found[f"after {at}"] = queries.history_after(conn, me.id, peer_id, 2, 3)
                found[f"newer {at}"] = queries.has_newer(conn, me.id, peer_id, 10)
                if peer is not None:
                    found[f"search {at}"] = search.search(
                        conn, me.id, search.Direct(peer.id), ["lunch"], None, 50)
            found[f"sync {me.username}"] = queries.sync(conn, me.id, 0, 100, rooms=True)
            found[f"sync v1 {me.username}"] = queries.sync(conn, me.id, 3, 100)
            found[f"sync by seq {me.username}"] = lifecycle.sync_by_seq(conn, me.id, 0, 100)
            found[f"roster {me.username}"] = queries.roster(conn, me.id)
            found[f"general unread {me.username}"] = queries.general_unread(conn, me.id)
            found[f"rooms {me.username}"] = db_rooms.room_counts(conn, me.id)
            found[f"search {me.username}"] = search.search(
                conn, me.id, search.Everywhere(), ["lunch"], None, 50)
        found["room history"] = queries.history(conn, people[0].id, None, None, 50, room)
    return found


def direct_history_plan(engine: Engine) -> str:
    """The plan of one direction of direct history (the statement history()
    builds), from the database's own EXPLAIN; PostgreSQL is told to avoid
    a sequential scan, which it prefers for a table this small."""
    statement = (select(Message.id).where(Message.sender_id == 1, Message.recipient_id == 2,
                                          Message.deleted_at.is_(None))
                 .order_by(Message.id.desc()).limit(50))
    sql = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            return "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + sql))
        return "\n".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


def index_condition(engine: Engine) -> str | None:
    """The WHERE of the direct-history index as the database keeps it (None: a full index)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            definition = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
                                      {"n": INDEX}).scalar_one()
        else:
            definition = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"),
                                      {"n": INDEX}).scalar_one()
    _, where, condition = definition.partition(" WHERE ")
    return condition if where else None


def test_the_upgrade_keeps_every_row_and_every_answer_and_the_index_holds_direct_messages(
        engine: Engine) -> None:
    migrate(engine, "0006")
    with engine.begin() as conn:
        people, room = fill(conn)
    before = answers(engine, people, room)
    assert len(before["rows"]) == 19 and index_condition(engine) is None
    # The answers are about something: each person's history, unread counts, search.
    alice = people[0]
    assert [m.body for m in before[f"history alice with {people[1].id}"][0]] == [
        "lunch today?", "lunch at noon", "see you at lunch"]
    assert [(r.username, r.unread) for r in before["roster alice"]] == [
        ("alice", 0), ("bob", 1), ("carol", 2)]
    assert len(before[f"search alice with {alice.id}"].messages) == 3

    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision() == "0007"
    assert schema_drift(engine) == []
    assert index_condition(engine) in ("recipient_id IS NOT NULL",
                                       "(recipient_id IS NOT NULL)")  # PostgreSQL's spelling
    assert answers(engine, people, room) == before
    assert INDEX in direct_history_plan(engine)

    migrate(engine, "0006", down=True)
    assert current_revision(engine) == "0006" and index_condition(engine) is None
    assert answers(engine, people, room) == before
    assert INDEX in direct_history_plan(engine)
