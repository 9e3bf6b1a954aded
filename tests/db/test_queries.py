"""The queries the server runs, on a real SQLite file opened like the server's.

Each test is something a chat user would notice: a name that should be
taken, a resent message stored twice, a history page missing a message or
repeating one, a ``sync`` leaking someone else's direct message, an unread
badge that is wrong or goes backwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest
from sqlalchemy import insert, update

from db import queries
from db.database import Database
from db.models import Message, Room
from db.queries import AccountRecord, NewMessage, StoredMessage

from .conftest import NOW, register, send, send_all

MAX_ID = 2**63 - 1
T = TypeVar("T")

Users = Callable[..., list[AccountRecord]]

#: Every test here runs on SQLite and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True


def read(db: Database, query: Callable[..., T], *args: object) -> T:
    return db.read_now(lambda conn: query(conn, *args))


def history(db: Database, me: AccountRecord, peer: AccountRecord | None,
            before: int | None = None, limit: int = 50) -> tuple[list[StoredMessage], bool]:
    return db.read_now(lambda conn: queries.history(
        conn, me.id, None if peer is None else peer.id, before, limit))


def sync(db: Database, me: AccountRecord, after: int = 0,
         limit: int = 500) -> tuple[list[StoredMessage], bool]:
    return db.read_now(lambda conn: queries.sync(conn, me.id, after, limit))


def mark_read(db: Database, me: AccountRecord, peer: AccountRecord | None, up_to: int) -> None:
    db.write(lambda conn: queries.mark_read(
        conn, me.id, None if peer is None else peer.id, up_to)).result()


def unread_by_name(db: Database, me: AccountRecord) -> dict[str, int]:
    return {row.username: row.unread for row in db.read_now(lambda c: queries.roster(c, me.id))}


def general_unread(db: Database, me: AccountRecord) -> int:
    return db.read_now(lambda conn: queries.general_unread(conn, me.id))


def ids(messages: list[StoredMessage]) -> list[int]:
    return [message.id for message in messages]


# --------------------------------------------------------------------------
# Accounts


def test_an_account_keeps_its_spelling_and_is_found_by_its_folded_key(database: Database) -> None:
    created = register(database, "Алёна")
    assert (created.username, created.username_key, created.disabled) == ("Алёна", "алёна", False)
    assert created.created_at == NOW
    found = read(database, queries.get_account_by_key, "алёна")
    assert found == created == read(database, queries.get_account, created.id)
    assert read(database, queries.get_account_by_key, "алена") is None


@pytest.mark.parametrize(("first", "second"),
                         [("Alice", "alice"), ("Straße", "STRASSE"), ("Ёлка", "ёЛКА")])
def test_a_name_differing_only_in_case_is_taken(
    database: Database, first: str, second: str
) -> None:
    register(database, first)
    with pytest.raises(queries.UsernameTaken):
        register(database, second)
    assert [a.username for a in read(database, queries.list_accounts)] == [first]


def test_accounts_are_listed_by_folded_name(users: Users, database: Database) -> None:
    users("carol", "Éva", "bob", "Alice", "ёж", "Zoë")
    listed = [a.username for a in read(database, queries.list_accounts)]
    assert listed == ["Alice", "bob", "carol", "Zoë", "Éva", "ёж"]


def test_password_hash_and_disabled_flag_are_stored(users: Users, database: Database) -> None:
    [alice] = users("alice")
    database.write(lambda conn: queries.set_password_hash(conn, alice.id, b"new")).result()
    database.write(lambda conn: queries.set_disabled(conn, alice.id, True)).result()
    stored = read(database, queries.get_account, alice.id)
    assert (stored.password_hash, stored.disabled) == (b"new", True)


# --------------------------------------------------------------------------
# Storing messages


def test_message_ids_increase_and_the_stored_message_reads_back(
    users: Users, database: Database
) -> None:
    alice, bob = users("alice", "bob")
    first = send(database, alice, None, "hi all")
    second = send(database, alice, bob, "hi bob")
    assert second.id > first.id
    assert second == StoredMessage(second.id, "alice", "bob", "hi bob", NOW, seq=first.seq + 1)
    assert history(database, bob, alice) == ([second], False)
    assert read(database, queries.newest_message_id) == second.id


def test_a_resent_key_returns_the_first_message_and_stores_nothing(
    users: Users, database: Database
) -> None:
    alice, bob = users("alice", "bob")
    first, created = database.write(
        lambda conn: queries.store_message(conn, alice, bob, "once", NOW, "k")).result()
    assert created
    # The resend may even differ (a client bug): the first message wins.
    again, created = database.write(
        lambda conn: queries.store_message(conn, alice, None, "twice", NOW, "k")).result()
    assert (again, created) == (first, False)
    assert read(database, queries.newest_message_id) == first.id


def test_the_same_key_from_another_sender_is_a_new_message(
    users: Users, database: Database
) -> None:
    alice, bob = users("alice", "bob")
    from_alice = send(database, alice, None, "a", key="same")
    from_bob = send(database, bob, None, "b", key="same")
    assert from_bob.id != from_alice.id
    assert [m.body for m in history(database, alice, None)[0]] == ["a", "b"]


def test_messages_without_a_key_are_never_merged(users: Users, database: Database) -> None:
    [alice] = users("alice")
    send(database, alice, None, "same")
    send(database, alice, None, "same")
    assert len(history(database, alice, None)[0]) == 2


def test_two_sends_with_one_key_in_the_same_batch_store_one_message(
    users: Users, database: Database
) -> None:
    [alice] = users("alice")
    futures = [database.write(lambda conn: queries.store_message(conn, alice, None, "x", NOW, "k"))
               for _ in range(20)]
    results = [future.result() for future in futures]
    assert {message.id for message, _ in results} == {results[0][0].id}
    assert [created for _, created in results].count(True) == 1


def store_batch(database: Database,
                messages: list[queries.NewMessage]) -> list[tuple[StoredMessage, bool]]:
    return database.write(lambda conn: queries.store_messages(conn, messages, NOW)).result()


def test_a_batch_is_stored_in_order_with_consecutive_ids(users: Users, database: Database) -> None:
    alice, bob = users("alice", "bob")
    before = send(database, bob, None, "before")
    batch = [queries.NewMessage(alice, None if n % 3 else bob, f"m{n}", f"k{n}")
             for n in range(10)]
    results = store_batch(database, batch)
    assert [created for _, created in results] == [True] * 10
    assert [m.id for m, _ in results] == list(range(before.id + 1, before.id + 11))
    assert sync(database, bob, after=before.id)[0] == [m for m, _ in results]


def test_a_batch_finds_keys_stored_before_and_repeated_within_it(
    users: Users, database: Database
) -> None:
    alice, bob = users("alice", "bob")
    # 300 keys stored before: the lookup of a later batch spans several
    # statements of different sizes.
    first = store_batch(database, [queries.NewMessage(alice, None, f"first {n}", f"k{n}")
                                   for n in range(300)])
    again = [queries.NewMessage(alice, bob, f"again {n}", f"k{n}") for n in range(0, 300, 7)]
    same_key_other_sender = queries.NewMessage(bob, None, "bob's k1", "k1")
    new = queries.NewMessage(alice, None, "new", "fresh")
    repeat_of_new = queries.NewMessage(alice, None, "new, resent", "fresh")
    results = store_batch(database, [*again, same_key_other_sender, new, repeat_of_new])
    assert results[:len(again)] == [(first[n][0], False) for n in range(0, 300, 7)]
    bobs, created_bobs = results[len(again)]
    assert created_bobs and bobs.sender == "bob" and bobs.body == "bob's k1"
    assert results[-2][1] and results[-1] == (results[-2][0], False)
    assert read(database, queries.newest_message_id) == results[-2][0].id
    assert len(sync(database, bob, limit=1000)[0]) == 302


# --------------------------------------------------------------------------
# History


@pytest.fixture
def conversation(users: Users, database: Database) -> dict[str, list[StoredMessage]]:
    """alice, bob and carol talking; returns the messages by conversation."""
    alice, bob, carol = users("alice", "bob", "carol")
    talk: dict[str, list[StoredMessage]] = {"general": [], "alice-bob": [], "alice-carol": [],
                                             "bob-carol": [], "alice-alice": []}
    script = [("general", alice, None), ("alice-bob", alice, bob), ("alice-bob", bob, alice),
              ("alice-carol", carol, alice), ("general", bob, None), ("bob-carol", bob, carol),
              ("alice-alice", alice, alice), ("alice-bob", bob, alice), ("general", carol, None)]
    lines = [(name, sender, recipient, f"{name} {round_}")
             for round_ in range(3) for name, sender, recipient in script]
    stored = send_all(database, [line[1:] for line in lines])
    for (name, *_), message in zip(lines, stored):
        talk[name].append(message)
    return talk


def accounts(database: Database, *names: str) -> list[AccountRecord]:
    return [read(database, queries.get_account_by_key, name) for name in names]


def test_general_history_holds_only_the_general_room(
    database: Database, conversation: dict[str, list[StoredMessage]]
) -> None:
    [carol] = accounts(database, "carol")
    assert history(database, carol, None) == (conversation["general"], False)


def test_direct_history_merges_both_directions_in_id_order(
    database: Database, conversation: dict[str, list[StoredMessage]]
) -> None:
    alice, bob = accounts(database, "alice", "bob")
    expected = conversation["alice-bob"]
    assert {m.sender for m in expected} == {"alice", "bob"}
    assert history(database, alice, bob) == (expected, False)
    assert history(database, bob, alice) == (expected, False)


def test_a_conversation_with_myself_holds_each_message_once(
    database: Database, conversation: dict[str, list[StoredMessage]]
) -> None:
    [alice] = accounts(database, "alice")
    assert history(database, alice, alice) == (conversation["alice-alice"], False)


def test_history_pages_backwards_without_gaps_or_repeats(
    database: Database, conversation: dict[str, list[StoredMessage]]
) -> None:
    alice, bob = accounts(database, "alice", "bob")
    expected = conversation["alice-bob"]  # 9 messages
    pages = []
    before = None
    while True:
        page, has_more = history(database, alice, bob, before, limit=4)
        pages.append(ids(page))
        if not has_more:
            break
        before = page[0].id
    assert pages == [ids(expected[5:]), ids(expected[1:5]), ids(expected[:1])]


def test_has_more_is_false_when_the_page_holds_exactly_the_rest(
    database: Database, conversation: dict[str, list[StoredMessage]]
) -> None:
    [alice] = accounts(database, "alice")
    general = conversation["general"]
    assert history(database, alice, None, limit=len(general)) == (general, False)
    assert history(database, alice, None, limit=len(general) - 1) == (general[1:], True)


@pytest.mark.parametrize("before", [MAX_ID, 2**53 + 1, 10**12])
def test_history_before_a_huge_id_is_the_newest_page(
    database: Database, conversation: dict[str, list[StoredMessage]], before: int
) -> None:
    [alice] = accounts(database, "alice")
    assert history(database, alice, None, before, limit=2) == (conversation["general"][-2:], True)


@pytest.mark.parametrize("before_index", [0, None])
def test_history_before_the_first_message_is_empty(
    database: Database, conversation: dict[str, list[StoredMessage]], before_index: int | None
) -> None:
    [alice] = accounts(database, "alice")
    before = 0 if before_index is None else conversation["general"][before_index].id
    assert history(database, alice, None, before) == ([], False)


def test_history_before_an_id_excludes_that_id(
    database: Database, conversation: dict[str, list[StoredMessage]]
) -> None:
    [alice] = accounts(database, "alice")
    general = conversation["general"]
    assert history(database, alice, None, general[2].id) == (general[:2], False)
    # An id of another conversation works as a boundary too.
    boundary = conversation["bob-carol"][1].id
    assert history(database, alice, None, boundary)[0] == [m for m in general if m.id < boundary]


# --------------------------------------------------------------------------
# Sync


def test_sync_returns_the_general_room_and_my_direct_messages_only(
    database: Database, conversation: dict[str, list[StoredMessage]]
) -> None:
    [alice] = accounts(database, "alice")
    visible = sorted(conversation["general"] + conversation["alice-bob"]
                     + conversation["alice-carol"] + conversation["alice-alice"])
    assert sync(database, alice) == (visible, False)
    [carol] = accounts(database, "carol")
    assert "alice-bob 0" not in [m.body for m in sync(database, carol)[0]]


def test_sync_pages_forward_without_gaps_or_repeats(
    database: Database, conversation: dict[str, list[StoredMessage]]
) -> None:
    [bob] = accounts(database, "bob")
    visible = sorted(conversation["general"] + conversation["alice-bob"]
                     + conversation["bob-carol"])
    seen: list[StoredMessage] = []
    after, has_more = 0, True
    while has_more:
        page, has_more = sync(database, bob, after, limit=5)
        assert len(page) == 5 or not has_more
        seen += page
        after = page[-1].id
    assert seen == visible


def test_sync_after_the_newest_id_is_empty(
    database: Database, conversation: dict[str, list[StoredMessage]]
) -> None:
    [alice] = accounts(database, "alice")
    newest = read(database, queries.newest_message_id)
    assert sync(database, alice, newest) == ([], False)
    assert sync(database, alice, MAX_ID) == ([], False)


def test_sync_has_more_exactly_when_messages_remain(
    database: Database, conversation: dict[str, list[StoredMessage]]
) -> None:
    [alice] = accounts(database, "alice")
    visible, _ = sync(database, alice)
    assert sync(database, alice, limit=len(visible)) == (visible, False)
    assert sync(database, alice, limit=len(visible) - 1) == (visible[:-1], True)


# --------------------------------------------------------------------------
# Unread counts and read markers


def test_roster_counts_unread_direct_messages_from_each_user(
    users: Users, database: Database
) -> None:
    alice, bob, carol = users("alice", "bob", "carol")
    send_all(database, [
        (bob, alice, "1"),
        (bob, alice, "2"),
        (carol, alice, "3"),
        (alice, bob, "mine"),  # what I send is never unread to me
        (bob, None, "general"),  # not a direct message
        (bob, carol, "not to me"),
        (alice, alice, "note to self"),
    ])
    assert unread_by_name(database, alice) == {"alice": 0, "bob": 2, "carol": 1}
    assert unread_by_name(database, bob) == {"alice": 1, "bob": 0, "carol": 0}


def test_roster_lists_every_account_in_roster_order(users: Users, database: Database) -> None:
    [me, *_] = users("me", "Zed", "anna", "Öle")
    rows = database.read_now(lambda conn: queries.roster(conn, me.id))
    assert [row.username for row in rows] == ["anna", "me", "Zed", "Öle"]


def test_marking_one_conversation_read_leaves_the_others_unread(
    users: Users, database: Database
) -> None:
    alice, bob, carol = users("alice", "bob", "carol")
    *_, c1 = send_all(database, [(bob, alice, "b1"), (bob, alice, "b2"), (carol, alice, "c1")])
    mark_read(database, alice, carol, c1.id)
    assert unread_by_name(database, alice) == {"alice": 0, "bob": 2, "carol": 0}
    b3 = send(database, bob, alice, "b3")
    mark_read(database, alice, bob, b3.id)
    send(database, carol, alice, "c2")
    assert unread_by_name(database, alice) == {"alice": 0, "bob": 0, "carol": 1}


@pytest.mark.parametrize("bystanders", [0, 50], ids=["search per account", "one pass"])
def test_read_markers_for_several_peers_count_the_same_however_the_roster_counts(
    users: Users, database: Database, bystanders: int
) -> None:
    # The roster counts unread messages in one pass over what I received
    # when that is a few messages per account, and with a search per
    # account otherwise; the bystanders decide which (10 messages for 3 or
    # for 53 accounts).
    alice, bob, carol, *_ = users("alice", "bob", "carol",
                                  *(f"bystander{n}" for n in range(bystanders)))
    b1, *_, c2, _, _ = send_all(database, [
        *((bob, alice, f"b{n}") for n in range(1, 7)),
        (carol, alice, "c1"),
        (carol, alice, "c2"),
        (alice, alice, "note to self"),
        (bob, carol, "not to me"),
    ])
    mark_read(database, alice, bob, b1.id)
    mark_read(database, alice, carol, c2.id)
    send(database, carol, alice, "c3")
    unread = unread_by_name(database, alice)
    assert {name: count for name, count in unread.items() if count} == {"bob": 5, "carol": 1}
    assert len(unread) == 3 + bystanders
    assert unread_by_name(database, carol)["bob"] == 1


def test_mark_read_counts_only_messages_after_the_marker(
    users: Users, database: Database
) -> None:
    alice, bob = users("alice", "bob")
    first, _ = send_all(database, [(bob, alice, "1"), (bob, alice, "2")])
    mark_read(database, alice, bob, first.id)
    assert unread_by_name(database, alice)["bob"] == 1


def test_mark_read_never_moves_a_marker_back(users: Users, database: Database) -> None:
    alice, bob = users("alice", "bob")
    first, second, general = send_all(database, [(bob, alice, "1"), (bob, alice, "2"),
                                                 (bob, None, "g")])
    mark_read(database, alice, bob, second.id)
    mark_read(database, alice, bob, first.id)
    mark_read(database, alice, None, general.id)
    mark_read(database, alice, None, 0)
    assert unread_by_name(database, alice)["bob"] == 0
    assert general_unread(database, alice) == 0


def test_mark_read_beyond_the_newest_message_does_not_hide_later_messages(
    users: Users, database: Database
) -> None:
    alice, bob = users("alice", "bob")
    send_all(database, [(bob, alice, "old"), (bob, None, "old general")])
    mark_read(database, alice, bob, MAX_ID)
    mark_read(database, alice, None, MAX_ID)
    assert (unread_by_name(database, alice)["bob"], general_unread(database, alice)) == (0, 0)
    send_all(database, [(bob, alice, "new"), (bob, None, "new general")])
    assert (unread_by_name(database, alice)["bob"], general_unread(database, alice)) == (1, 1)


def test_mark_read_on_an_empty_database_stores_a_marker_at_zero(
    users: Users, database: Database
) -> None:
    alice, bob = users("alice", "bob")
    mark_read(database, alice, bob, 5)
    mark_read(database, alice, None, 5)
    send_all(database, [(bob, alice, "first ever"), (bob, None, "first general")])
    assert (unread_by_name(database, alice)["bob"], general_unread(database, alice)) == (1, 1)


def test_general_unread_counts_messages_from_others_only(users: Users, database: Database) -> None:
    alice, bob = users("alice", "bob")
    send_all(database, [(alice, None, "mine"), (bob, None, "theirs"), (bob, alice, "direct")])
    assert general_unread(database, alice) == 1
    assert general_unread(database, bob) == 1


def test_a_new_account_starts_with_nothing_unread(users: Users, database: Database) -> None:
    alice, bob = users("alice", "bob")
    send_all(database, [(alice, None, "before carol"), (bob, None, "before carol too")])
    [carol] = users("carol")
    assert general_unread(database, carol) == 0
    assert set(unread_by_name(database, carol).values()) == {0}
    send(database, alice, None, "after carol")
    assert general_unread(database, carol) == 1


def test_read_markers_survive_reopening_the_database(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/chat.db"
    db = Database(url)
    alice, bob = register(db, "alice"), register(db, "bob")
    message = send(db, bob, alice, "1")
    send(db, bob, alice, "2")
    mark_read(db, alice, bob, message.id)
    db.close()
    reopened = Database(url)
    assert unread_by_name(reopened, alice)["bob"] == 1
    reopened.close()


# --------------------------------------------------------------------------
# Version 2's columns, seen through version 1's queries (PROTOCOL-2.md: a
# version 1 connection sees no room messages and no deleted ones).


def make_room(database: Database, name: str = "Lab 214") -> int:
    """A room row (the rooms feature's queries are not needed to hold one)."""
    return database.write(lambda conn: conn.execute(
        insert(Room).values(name=name, topic="", public=True, created_at=NOW)
    ).inserted_primary_key[0]).result()  # type: ignore[index, no-any-return]


def delete_directly(database: Database, message: StoredMessage) -> None:
    """A tombstone as version 2's deletion leaves it: body gone, time set."""
    database.write(lambda conn: conn.execute(
        update(Message).where(Message.id == message.id).values(body="", deleted_at=NOW))).result()


def test_every_new_message_takes_the_next_change_number(users: Users, database: Database) -> None:
    alice, bob = users("alice", "bob")
    stored = store_batch(database, [NewMessage(alice, None, "one", None),
                                    NewMessage(bob, alice, "two", None),
                                    NewMessage(alice, bob, "three", None)])
    assert [m.seq for m, _ in stored] == [1, 2, 3]
    assert read(database, queries.newest_seq) == 3
    # A later batch continues where the last change left off.
    assert send(database, bob, None, "four").seq == 4


def test_a_room_message_is_stored_with_its_room_and_stays_out_of_version_1(
    users: Users, database: Database
) -> None:
    alice, bob = users("alice", "bob")
    room = make_room(database)
    general = send(database, alice, None, "for everyone")
    in_room = database.write(lambda conn: queries.store_messages(
        conn, [NewMessage(alice, None, "for the lab", None, room_id=room)], NOW)).result()[0][0]
    assert in_room.room_id == room and in_room.recipient is None
    assert ids(history(database, bob, None)[0]) == [general.id]
    assert ids(sync(database, bob)[0]) == [general.id]
    assert general_unread(database, bob) == 1


def test_a_deleted_message_leaves_version_1_history_sync_and_unread_counts(
    users: Users, database: Database
) -> None:
    alice, bob = users("alice", "bob")
    kept, gone = send(database, alice, None, "kept"), send(database, alice, None, "gone")
    direct_kept, direct_gone = send(database, alice, bob, "hi"), send(database, alice, bob, "oops")
    delete_directly(database, gone)
    delete_directly(database, direct_gone)
    assert ids(history(database, bob, None)[0]) == [kept.id]
    assert ids(history(database, bob, alice)[0]) == [direct_kept.id]
    assert ids(sync(database, bob)[0]) == [kept.id, direct_kept.id]
    assert general_unread(database, bob) == 1
    assert unread_by_name(database, bob)["alice"] == 1
