"""Changes to stored messages (db/lifecycle.py): edits, deletions, reactions,
mentions, catching up by change number, and the edit history an
administrator reads.

Each change runs through the real group-commit writer on a real SQLite
file, as the server runs it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from db import lifecycle, queries
from db.database import Database
from db.lifecycle import Change, ChangeKind, ChangeOutcome, Refusal
from db.models import Room, RoomMember
from db.queries import AccountRecord, NewMessage, StoredMessage

from .conftest import NOW, register, send
from .test_indexes import assert_no_table_scan, query_plan

#: The same SQL on SQLite and on PostgreSQL.
BOTH_BACKENDS = True

LATER = datetime(2026, 11, 22, 11, 0, 0, tzinfo=UTC)


def change(database: Database, *changes: Change) -> list[ChangeOutcome]:
    """Run changes as one batched write, as the server's writer does."""
    return database.write(lambda conn: lifecycle.apply_changes(
        conn, list(changes), max_distinct_emoji=3, now=LATER)).result()


def edit(account: AccountRecord, message: StoredMessage, body: str,
         mentions: tuple[AccountRecord, ...] = ()) -> Change:
    return Change(ChangeKind.EDIT, account, message.id, body=body, mentions=mentions)


def react(account: AccountRecord, message: StoredMessage, emoji: str, on: bool = True) -> Change:
    return Change(ChangeKind.REACT, account, message.id, emoji=emoji, on=on)


def delete(account: AccountRecord, message: StoredMessage) -> Change:
    return Change(ChangeKind.DELETE, account, message.id)


def store(database: Database, message: NewMessage) -> StoredMessage:
    return database.write(lambda conn: queries.store_messages(conn, [message], NOW)).result()[0][0]


def test_an_edit_replaces_the_body_takes_the_next_seq_and_keeps_the_old_body(
        database: Database, users: Callable[..., list[AccountRecord]]) -> None:
    alice, bob = users("alice", "bob")
    message = send(database, alice, bob, "helo")
    other = send(database, bob, None, "unrelated")
    [outcome] = change(database, edit(alice, message, "hello"))
    assert outcome.changed and outcome.refusal is None
    assert outcome.message is not None
    assert (outcome.message.body, outcome.message.edited_at) == ("hello", LATER)
    assert outcome.message.seq == other.seq + 1
    assert sorted(outcome.audience or ()) == sorted([alice.id, bob.id])
    current, edits = database.read_now(lambda conn: lifecycle.message_history(conn, message.id))
    assert current.body == "hello"
    assert edits == [lifecycle.EditRecord("helo", None, LATER, False)]


def test_only_the_sender_edits_or_deletes_and_only_what_they_can_see(
        database: Database, users: Callable[..., list[AccountRecord]]) -> None:
    alice, bob, carol = users("alice", "bob", "carol")
    direct = send(database, alice, bob, "between us")
    general = send(database, alice, None, "everyone")
    outcomes = change(database, edit(bob, direct, "mine now"), delete(bob, general),
                      edit(carol, direct, "x"), react(carol, direct, "👍"),
                      Change(ChangeKind.DELETE, alice, 10_000))
    assert [o.refusal for o in outcomes] == [Refusal.UNKNOWN_MESSAGE] * 5
    assert all(o.message is None and not o.changed for o in outcomes)
    # Bob may react to what he can see, his or not.
    [reacted] = change(database, react(bob, direct, "👍"))
    assert reacted.changed


def test_a_deletion_leaves_a_tombstone_without_body_reactions_or_mentions(
        database: Database, users: Callable[..., list[AccountRecord]]) -> None:
    alice, bob = users("alice", "bob")
    message = store(database, NewMessage(alice, None, "hi @bob", None, mentions=(bob,)))
    assert message.mentions == ("bob",)
    change(database, react(bob, message, "👍"))
    [deleted] = change(database, delete(alice, message))
    assert deleted.message is not None and deleted.changed
    assert (deleted.message.deleted, deleted.message.body) == (True, "")
    assert (deleted.message.mentions, deleted.message.reactions) == ((), ())
    assert deleted.audience is None  # the general room: everyone
    # Deleting again changes nothing; editing or reacting to it is refused.
    again, edited, reacted = change(database, delete(alice, message),
                                    edit(alice, message, "back"), react(bob, message, "👍"))
    assert again.message == deleted.message and not again.changed
    assert edited.refusal is reacted.refusal is Refusal.UNKNOWN_MESSAGE
    # Version 1 reads leave it out; version 2 reads show the tombstone.
    assert database.read_now(lambda conn: queries.history(conn, bob.id, None, None, 10)) == (
        [], False)
    page, _ = database.read_now(lambda conn: queries.history(conn, bob.id, None, None, 10,
                                                             include_deleted=True))
    assert [m.id for m in page] == [message.id] and page[0].deleted
    _, edits = database.read_now(lambda conn: lifecycle.message_history(conn, message.id))
    assert [(e.body, e.deletion) for e in edits] == [("hi @bob", True)]


def test_reactions_group_by_emoji_in_first_use_order_with_users_in_reaction_order(
        database: Database, users: Callable[..., list[AccountRecord]]) -> None:
    alice, bob, carol = users("alice", "bob", "carol")
    message = send(database, alice, None, "lunch?")
    outcomes = change(database, react(carol, message, "👍"), react(alice, message, "🍕"),
                      react(bob, message, "👍"), react(bob, message, "👍"),
                      react(alice, message, "🍕", on=False), react(alice, message, "🍕", False))
    assert [o.changed for o in outcomes] == [True, True, True, False, True, False]
    seqs = [o.message.seq for o in outcomes if o.message is not None]
    assert seqs == sorted(seqs) and len(set(seqs)) == 4
    last = outcomes[-1].message
    assert last is not None and last.reactions == (("👍", ("carol", "bob")),)


def test_a_message_carries_at_most_the_limit_of_distinct_emoji(
        database: Database, users: Callable[..., list[AccountRecord]]) -> None:
    alice, bob = users("alice", "bob")
    message = send(database, alice, None, "vote")
    outcomes = change(database, *(react(alice, message, e) for e in "abc"),
                      react(bob, message, "d"), react(bob, message, "a"))
    assert [o.refusal for o in outcomes] == [None, None, None, Refusal.TOO_MANY_EMOJI, None]


def test_mentions_count_only_accounts_that_can_see_the_message(
        database: Database, users: Callable[..., list[AccountRecord]]) -> None:
    alice, bob, carol = users("alice", "bob", "carol")
    direct = store(database, NewMessage(alice, bob, "@carol @bob @bob", None,
                                        mentions=(carol, bob, bob)))
    assert direct.mentions == ("bob",)
    [edited] = change(database, edit(alice, direct, "@alice only", (alice, carol)))
    assert edited.message is not None and edited.message.mentions == ("alice",)
    with database.engine.begin() as conn:
        room_id = conn.execute(Room.__table__.insert().values(
            name="Lab", created_at=NOW)).inserted_primary_key[0]
        conn.execute(RoomMember.__table__.insert().values(
            room_id=room_id, account_id=bob.id, role="member", joined_at=NOW))
    in_room = store(database, NewMessage(bob, None, "@carol @bob", None, room_id=room_id,
                                         mentions=(carol, bob)))
    assert in_room.mentions == ("bob",)
    # Alice is no member: the room's message is not hers to see or change.
    [refused] = change(database, react(alice, in_room, "👍"))
    assert refused.refusal is Refusal.UNKNOWN_MESSAGE
    [reacted] = change(database, react(bob, in_room, "👍"))
    assert reacted.audience == (bob.id,)


def test_sync_by_seq_returns_every_change_once_in_seq_order_with_tombstones(
        database: Database, users: Callable[..., list[AccountRecord]]) -> None:
    alice, bob, carol = users("alice", "bob", "carol")
    first = send(database, alice, None, "one")
    second = send(database, alice, bob, "two")
    hidden = send(database, carol, alice, "not for bob")
    mark = database.read_now(queries.newest_seq)
    change(database, edit(alice, first, "one!"), react(bob, second, "👍"),
           delete(alice, second), edit(carol, hidden, "still not"))
    third = send(database, bob, None, "three")
    page, has_more = database.read_now(lambda conn: lifecycle.sync_by_seq(conn, bob.id, mark, 10))
    assert [(m.id, m.body, m.deleted) for m in page] == [
        (first.id, "one!", False), (second.id, "", True), (third.id, "three", False)]
    assert [m.seq for m in page] == sorted(m.seq for m in page) and not has_more
    # In pages: the first page's last seq is where the next starts.
    one, more = database.read_now(lambda conn: lifecycle.sync_by_seq(conn, bob.id, mark, 2))
    rest, _ = database.read_now(lambda conn: lifecycle.sync_by_seq(conn, bob.id, one[-1].seq, 2))
    assert more and one + rest == page
    everything, _ = database.read_now(lambda conn: lifecycle.sync_by_seq(conn, alice.id, 0, 100))
    assert {m.id for m in everything} == {first.id, second.id, hidden.id, third.id}


def test_sync_by_seq_reads_seq_indexes_and_never_scans_messages(tmp_path: Path) -> None:
    # SQLite's plans (EXPLAIN QUERY PLAN), so on SQLite only.
    database = Database(f"sqlite:///{tmp_path / 'plan.db'}")
    alice, bob = register(database, "alice"), register(database, "bob")
    futures = [database.write(partial(queries.store_message, sender=alice,
                                      recipient=None if n % 2 else bob, body=str(n), now=NOW,
                                      key=None)) for n in range(20)]
    for future in futures:
        future.result()
    plan = query_plan(database, lambda conn: lifecycle.sync_by_seq(conn, alice.id, 5, 500))
    assert_no_table_scan(plan)
    assert any("ix_messages_recipient_id_room_id_seq (recipient_id=? AND room_id=? AND seq>?)"
               in line for line in plan), plan
    assert any("ix_messages_sender_id_seq_direct (sender_id=? AND seq>?)" in line
               for line in plan), plan
    database.close()


def test_read_markers_of_the_other_participants(
        database: Database, users: Callable[..., list[AccountRecord]]) -> None:
    alice, bob = users("alice", "bob")
    message = send(database, alice, bob, "read me")
    assert database.read_now(lambda conn: lifecycle.direct_read_marker(conn, bob.id, alice.id)) == 0
    moved = database.write(lambda conn: queries.mark_read(conn, bob.id, alice.id, 10**6)).result()
    assert moved == message.id
    again = database.write(lambda conn: queries.mark_read(conn, bob.id, alice.id, 1)).result()
    assert again is None
    assert database.read_now(
        lambda conn: lifecycle.direct_read_marker(conn, bob.id, alice.id)) == message.id


def test_the_admin_history_of_a_message_that_does_not_exist_is_none(
        database: Database) -> None:
    assert database.read_now(lambda conn: lifecycle.message_history(conn, 99)) is None
