"""Rooms in the database: membership, ownership, read markers and counts.

Each change runs through the real group-commit writer, as the server runs
it, and each test is something a member would notice: a room that lost its
owner, a newcomer greeted with a hundred unread messages, a member left out
of ``sync``, an outsider allowed in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from db import queries
from db import rooms as db_rooms
from db.database import Database
from db.models import Mention
from db.queries import AccountRecord, NewMessage, StoredMessage
from db.rooms import Refusal, RoomChange

from .conftest import NOW

#: The same SQL on SQLite and on PostgreSQL.
BOTH_BACKENDS = True

T = TypeVar("T")
Users = Callable[..., list[AccountRecord]]
MAX = 10_000


def write(db: Database, operation: Callable[..., T], *args: Any) -> T:
    return db.write(lambda conn: operation(conn, *args)).result()


def read(db: Database, query: Callable[..., T], *args: Any) -> T:
    return db.read_now(lambda conn: query(conn, *args))


def change(result: RoomChange | Refusal) -> RoomChange:
    assert isinstance(result, RoomChange), result
    return result


def create(db: Database, owner: AccountRecord, *members: AccountRecord, public: bool = False,
           name: str = "Lab 214", at: Any = NOW) -> int:
    return write(db, db_rooms.create_room, owner.id, name, public, [m.id for m in members],
                 at).room.id


def say(db: Database, sender: AccountRecord, room: int, body: str) -> StoredMessage:
    return write(db, queries.store_messages, [NewMessage(sender, None, body, None, room)])[0][0]


def counts(db: Database, me: AccountRecord) -> dict[int, tuple[int, int]]:
    return {c.room_id: (c.unread, c.mentions) for c in read(db, db_rooms.room_counts, me.id)}


def loaded(db: Database) -> dict[int, db_rooms.LoadedRoom]:
    return {room.id: room for room in read(db, db_rooms.load_rooms)}


def test_the_creator_owns_a_new_room_and_the_members_are_in_it(users: Users,
                                                              database: Database) -> None:
    alice, bob, carol = users("alice", "bob", "carol")
    result = write(database, db_rooms.create_room, alice.id, "Lab 214", True,
                   [bob.id, alice.id, bob.id], NOW)
    assert result.joined == (alice.id, bob.id) and result.left == ()
    assert result.room._replace(id=0) == db_rooms.RoomRecord(0, "Lab 214", "", True, alice.id, 2)
    room = loaded(database)[result.room.id]
    assert (room.owner_id, sorted(room.member_ids)) == (alice.id, [alice.id, bob.id])
    assert carol.id not in room.member_ids


def test_joining_is_for_public_rooms_and_a_private_one_is_as_unknown_as_none(
        users: Users, database: Database) -> None:
    alice, bob = users("alice", "bob")
    private = create(database, alice)
    public = create(database, alice, public=True)
    assert write(database, db_rooms.join_room, bob.id, private, NOW, MAX) is Refusal.UNKNOWN_ROOM
    assert write(database, db_rooms.join_room, bob.id, 999, NOW, MAX) is Refusal.UNKNOWN_ROOM
    joined = change(write(database, db_rooms.join_room, bob.id, public, NOW, MAX))
    assert joined.joined == (bob.id,) and joined.room.members == 2
    # Joining again changes nothing, and a member of a private room may "join" it.
    again = change(write(database, db_rooms.join_room, bob.id, public, NOW, MAX))
    assert again.joined == () and again.room.members == 2
    assert change(write(database, db_rooms.join_room, alice.id, private, NOW, MAX)).joined == ()


def test_a_full_room_refuses_joins_and_invitations(users: Users, database: Database) -> None:
    alice, bob, carol = users("alice", "bob", "carol")
    room = create(database, alice, bob, public=True)
    assert write(database, db_rooms.join_room, carol.id, room, NOW, 2) is Refusal.FULL
    assert write(database, db_rooms.invite, alice.id, room, carol.id, NOW, 2) is Refusal.FULL
    assert change(write(database, db_rooms.invite, alice.id, room, carol.id, NOW, 3)).joined == (
        carol.id,)


def test_any_member_invites_and_an_outsider_cannot(users: Users, database: Database) -> None:
    alice, bob, carol, dave = users("alice", "bob", "carol", "dave")
    room = create(database, alice, bob)
    assert change(write(database, db_rooms.invite, bob.id, room, carol.id, NOW, MAX)).joined == (
        carol.id,)
    assert write(database, db_rooms.invite, dave.id, room, dave.id, NOW, MAX) \
        is Refusal.UNKNOWN_ROOM
    assert change(write(database, db_rooms.invite, bob.id, room, carol.id, NOW, MAX)).joined == ()


def test_only_the_owner_removes_and_renames(users: Users, database: Database) -> None:
    alice, bob, carol, dave = users("alice", "bob", "carol", "dave")
    room = create(database, alice, bob, carol)
    assert write(database, db_rooms.remove_member, bob.id, room, carol.id) is Refusal.NOT_OWNER
    assert write(database, db_rooms.update_room, bob.id, room, "Mine", None, None) \
        is Refusal.NOT_OWNER
    assert write(database, db_rooms.remove_member, dave.id, room, carol.id) \
        is Refusal.UNKNOWN_ROOM
    removed = change(write(database, db_rooms.remove_member, alice.id, room, carol.id))
    assert removed.left == (carol.id,) and removed.room.members == 2
    # Removing someone who is not there changes nothing.
    assert change(write(database, db_rooms.remove_member, alice.id, room, dave.id)).left == ()
    renamed = change(write(database, db_rooms.update_room, alice.id, room, "Release 2.4",
                           "Friday", True))
    assert renamed.room[1:4] == ("Release 2.4", "Friday", True)
    kept = change(write(database, db_rooms.update_room, alice.id, room, None, "", None))
    assert kept.room[1:4] == ("Release 2.4", "", True)


def test_an_owner_who_leaves_hands_the_room_to_the_longest_standing_member(
        users: Users, database: Database) -> None:
    alice, bob, carol, dave = users("alice", "bob", "carol", "dave")
    room = create(database, alice, at=NOW)
    write(database, db_rooms.invite, alice.id, room, dave.id, NOW + timedelta(minutes=1), MAX)
    write(database, db_rooms.invite, alice.id, room, carol.id, NOW + timedelta(minutes=2), MAX)
    write(database, db_rooms.invite, alice.id, room, bob.id, NOW + timedelta(minutes=2), MAX)
    left = change(write(database, db_rooms.leave_room, alice.id, room))
    assert left.left == (alice.id,) and left.room.owner_id == dave.id
    # Same join time: the lower account id goes first.
    left = change(write(database, db_rooms.remove_member, dave.id, room, dave.id))
    assert left.room.owner_id == min(bob.id, carol.id)
    assert write(database, db_rooms.leave_room, alice.id, room) is Refusal.UNKNOWN_ROOM


def test_an_empty_room_is_kept_and_goes_to_whoever_joins_it_next(users: Users,
                                                                 database: Database) -> None:
    alice, bob = users("alice", "bob")
    room = create(database, alice, public=True)
    emptied = change(write(database, db_rooms.leave_room, alice.id, room))
    assert (emptied.room.owner_id, emptied.room.members) == (None, 0)
    assert loaded(database)[room].member_ids == ()
    joined = change(write(database, db_rooms.join_room, bob.id, room, NOW, MAX))
    assert joined.room.owner_id == bob.id


def test_a_new_member_starts_with_nothing_unread_but_reads_the_whole_history(
        users: Users, database: Database) -> None:
    alice, bob = users("alice", "bob")
    room = create(database, alice, public=True)
    before = [say(database, alice, room, f"before {n}") for n in range(3)]
    write(database, db_rooms.join_room, bob.id, room, NOW, MAX)
    assert counts(database, bob) == {room: (0, 0)}
    messages, has_more = read(database, queries.history, bob.id, None, None, 50, room)
    assert [m.id for m in messages] == [m.id for m in before] and not has_more
    assert all(m.room_id == room and m.recipient is None for m in messages)
    after = say(database, alice, room, "after")
    assert counts(database, bob) == {room: (1, 0)}
    write(database, queries.mark_read, bob.id, None, after.id, room)
    assert counts(database, bob) == {room: (0, 0)}
    # Never backwards.
    write(database, queries.mark_read, bob.id, None, before[0].id, room)
    assert counts(database, bob) == {room: (0, 0)}


def test_my_own_messages_are_never_unread_and_mentions_count_apart(users: Users,
                                                                   database: Database) -> None:
    alice, bob = users("alice", "bob")
    room = create(database, alice, bob)
    say(database, bob, room, "mine")
    mentioning = say(database, alice, room, "@bob look")
    say(database, alice, room, "plain")
    database.write(lambda conn: conn.execute(
        Mention.__table__.insert().values(message_id=mentioning.id, account_id=bob.id))).result()
    assert counts(database, bob) == {room: (2, 1)}
    assert counts(database, alice) == {room: (1, 0)}


def test_room_history_pages_backwards_and_holds_nothing_else(users: Users,
                                                             database: Database) -> None:
    alice, bob = users("alice", "bob")
    lab, other = create(database, alice), create(database, alice, name="Other")
    mine = [say(database, alice, lab, str(n)) for n in range(5)]
    say(database, alice, other, "elsewhere")
    write(database, queries.store_messages, [NewMessage(alice, None, "general", None),
                                             NewMessage(alice, bob, "direct", None)])
    page, has_more = read(database, queries.history, alice.id, None, mine[3].id, 2, lab)
    assert [m.id for m in page] == [mine[1].id, mine[2].id] and has_more


def test_version_2_sync_includes_my_rooms_and_only_mine(users: Users,
                                                        database: Database) -> None:
    alice, bob, carol = users("alice", "bob", "carol")
    shared, alices = create(database, alice, bob), create(database, alice)
    general = write(database, queries.store_messages,
                    [NewMessage(carol, None, "hi", None)])[0][0]
    in_shared = say(database, alice, shared, "for bob")
    say(database, alice, alices, "not for bob")
    messages, _ = read(database, lambda conn: queries.sync(conn, bob.id, 0, 500, rooms=True))
    assert [m.id for m in messages] == [general.id, in_shared.id]
    # Version 1's sync never has room messages.
    messages, _ = read(database, queries.sync, bob.id, 0, 500)
    assert [m.id for m in messages] == [general.id]
    # A page boundary falls anywhere among the parts.
    page, has_more = read(database, lambda conn: queries.sync(conn, bob.id, 0, 1, rooms=True))
    assert [m.id for m in page] == [general.id] and has_more


def test_a_change_falls_after_the_messages_committed_before_it(users: Users,
                                                               database: Database) -> None:
    alice, bob = users("alice", "bob")
    room = create(database, alice)
    said = say(database, alice, room, "x")
    invited = change(write(database, db_rooms.invite, alice.id, room, bob.id, NOW, MAX))
    assert invited.position == said.seq + 1


def test_load_rooms_reads_every_room_with_its_members_and_owner(users: Users,
                                                               database: Database) -> None:
    alice, bob = users("alice", "bob")
    made = [create(database, alice, bob, name=f"r{n}") for n in range(3)]
    write(database, db_rooms.leave_room, alice.id, made[1])
    rooms = loaded(database)
    assert sorted(rooms) == made
    assert rooms[made[1]].owner_id == bob.id and rooms[made[1]].member_ids == (bob.id,)
    assert rooms[made[0]].owner_id == alice.id
