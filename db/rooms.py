"""The rooms' queries (version 2): creating rooms, membership, and their counts.

Every change to a room runs in the group-commit writer, whose transaction is
the only place where "is she a member?", "is he the owner?" and "is the room
full?" have a final answer: the server checks nothing of that itself before
a change commits, it applies what the change returns (:class:`RoomChange`)
or answers the :class:`Refusal`.  A refusal is a return value, not an
exception, because the writer rolls back and retries a batch that raises.

Who owns a room is a member's role: exactly one owner while the room has
members; an owner who leaves hands the room to the longest-standing member
(earliest ``joined_at``, then the lowest account id); a room whose members
all left is kept, and whoever joins it next (a public one) becomes its
owner.  A new member's read marker starts at the newest message, so they
start with nothing unread, although they may read the room's whole history.

Messages of a room are stored and read by :mod:`db.queries` (``room_id``
of :class:`~db.queries.NewMessage`, ``history``, ``sync``, ``mark_read``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from .models import ROLE_MEMBER, ROLE_OWNER, Mention, Message, Room, RoomMember
from .queries import newest_message_id, newest_seq

__all__ = [
    "LoadedRoom",
    "Refusal",
    "RoomChange",
    "RoomCounts",
    "RoomRecord",
    "create_room",
    "invite",
    "join_room",
    "leave_room",
    "load_rooms",
    "remove_member",
    "room_counts",
    "room_record",
    "update_room",
]


class Refusal(enum.Enum):
    """Why a change to a room was refused (the server names the error code)."""

    #: the room does not exist, or the one asking may not see it
    UNKNOWN_ROOM = "unknown_room"
    #: an owner's change asked by someone else
    NOT_OWNER = "not_owner"
    #: the room has as many members as it may
    FULL = "full"


class RoomRecord(NamedTuple):
    """A room as it is after a change: what every member sees of it."""

    id: int
    name: str
    topic: str
    public: bool
    #: None once every member has left
    owner_id: int | None
    members: int


class RoomChange(NamedTuple):
    """What a committed change did to a room.

    ``joined`` and ``left`` are the accounts that became or stopped being
    members (both empty: nothing changed, e.g. inviting a member).
    ``position`` is where the change falls among the changes to messages:
    one past the newest change number (``seq``) when it committed, which is
    the number the next message will take, so a login whose snapshot saw
    changes up to ``position - 1`` did not see this one.  ``unread`` and ``mentions`` are
    the asker's own counts in the room, for its reply.
    """

    room: RoomRecord
    joined: tuple[int, ...]
    left: tuple[int, ...]
    position: int
    unread: int = 0
    mentions: int = 0


class LoadedRoom(NamedTuple):
    """A room as the server keeps it in memory: attributes and members."""

    id: int
    name: str
    topic: str
    public: bool
    owner_id: int | None
    member_ids: tuple[int, ...]


class RoomCounts(NamedTuple):
    """One of my rooms, with how much of it I have not read."""

    room_id: int
    unread: int
    mentions: int


# --------------------------------------------------------------------------
# Reads


def load_rooms(conn: Connection) -> list[LoadedRoom]:
    """Every room with its members, ascending by id (read once at start)."""
    members: dict[int, list[int]] = {}
    owners: dict[int, int] = {}
    for room_id, account_id, role in conn.execute(
            select(RoomMember.room_id, RoomMember.account_id, RoomMember.role)):
        members.setdefault(room_id, []).append(account_id)
        if role == ROLE_OWNER:
            owners[room_id] = account_id
    return [LoadedRoom(room_id, name, topic, public, owners.get(room_id),
                       tuple(members.get(room_id, ())))
            for room_id, name, topic, public in conn.execute(
                select(Room.id, Room.name, Room.topic, Room.public).order_by(Room.id))]


def room_counts(conn: Connection, me_id: int) -> list[RoomCounts]:
    """Every room I am in with its unread messages and unread mentions of me.

    Unread: messages of others above my read marker, not deleted (a range
    of the recipient index per room).  Mentions: those of them that name
    me (a range of my mentions above the marker).
    """
    counts = []
    for room_id, last_read_id in conn.execute(
            select(RoomMember.room_id, RoomMember.last_read_id)
            .where(RoomMember.account_id == me_id)):
        counts.append(RoomCounts(room_id, *_counts(conn, me_id, room_id, last_read_id)))
    return counts


def _counts(conn: Connection, me_id: int, room_id: int, last_read_id: int) -> tuple[int, int]:
    unread = conn.execute(select(func.count()).where(
        Message.recipient_id.is_(None), Message.room_id == room_id,
        Message.id > last_read_id, Message.sender_id != me_id,
        Message.deleted_at.is_(None))).scalar_one()
    mentions = 0
    if unread:
        mentions = conn.execute(
            select(func.count()).select_from(Mention)
            .join(Message, Message.id == Mention.message_id)
            .where(Mention.account_id == me_id, Mention.message_id > last_read_id,
                   Message.room_id == room_id, Message.sender_id != me_id,
                   Message.deleted_at.is_(None))).scalar_one()
    return unread, mentions


# --------------------------------------------------------------------------
# Changes (in the writer)


def _position(conn: Connection) -> int:
    """Where a change committing now falls among the changes to messages."""
    return newest_seq(conn) + 1


def _role(conn: Connection, room_id: int, account_id: int) -> str | None:
    return conn.execute(select(RoomMember.role).where(
        RoomMember.room_id == room_id, RoomMember.account_id == account_id)).scalar_one_or_none()


def room_record(conn: Connection, room_id: int) -> RoomRecord | None:
    """A room as it is now; None if there is no such room (another server
    process on the same database changed it: server/cluster.py)."""
    return _record(conn, room_id)


def _record(conn: Connection, room_id: int) -> RoomRecord | None:
    row = conn.execute(select(Room.id, Room.name, Room.topic, Room.public)
                       .where(Room.id == room_id)).one_or_none()
    if row is None:
        return None
    count, owner_id = conn.execute(
        select(func.count(), func.max(RoomMember.account_id).filter(
            RoomMember.role == ROLE_OWNER))
        .where(RoomMember.room_id == room_id)).one()
    return RoomRecord(row.id, row.name, row.topic, row.public, owner_id, count)


def _add_members(conn: Connection, room_id: int, account_ids: Iterable[int], role: str,
                 now: datetime, last_read_id: int) -> None:
    rows = [{"room_id": room_id, "account_id": account_id, "role": role, "joined_at": now,
             "last_read_id": last_read_id} for account_id in account_ids]
    if rows:
        conn.execute(insert(RoomMember), rows)


def create_room(conn: Connection, creator_id: int, name: str, public: bool,
                member_ids: Sequence[int], now: datetime) -> RoomChange:
    """A new room owned by ``creator_id``, with ``member_ids`` in it too.

    The caller has checked the name and that the members fit in a room.
    """
    newest = newest_message_id(conn)
    room_id = conn.execute(insert(Room).values(
        name=name, topic="", public=public, created_at=now)).inserted_primary_key[0]  # type: ignore[index]
    others = list(dict.fromkeys(m for m in member_ids if m != creator_id))
    _add_members(conn, room_id, [creator_id], ROLE_OWNER, now, newest)
    _add_members(conn, room_id, others, ROLE_MEMBER, now, newest)
    record = RoomRecord(room_id, name, "", public, creator_id, 1 + len(others))
    return RoomChange(record, (creator_id, *others), (), _position(conn))


def join_room(conn: Connection, account_id: int, room_id: int, now: datetime,
              max_members: int) -> RoomChange | Refusal:
    """Join a public room (a member joining again changes nothing).

    A private room I am not in is as unknown as a room that does not exist.
    """
    record = _record(conn, room_id)
    if record is None:
        return Refusal.UNKNOWN_ROOM
    newest = newest_message_id(conn)
    if _role(conn, room_id, account_id) is not None:
        unread, mentions = _counts_of(conn, account_id, room_id)
        return RoomChange(record, (), (), _position(conn), unread, mentions)
    if not record.public:
        return Refusal.UNKNOWN_ROOM
    if record.members >= max_members:
        return Refusal.FULL
    # An empty room goes to whoever joins it next.
    role = ROLE_OWNER if record.members == 0 else ROLE_MEMBER
    _add_members(conn, room_id, [account_id], role, now, newest)
    owner_id = account_id if role == ROLE_OWNER else record.owner_id
    return RoomChange(record._replace(owner_id=owner_id, members=record.members + 1),
                      (account_id,), (), _position(conn))


def invite(conn: Connection, inviter_id: int, room_id: int, invitee_id: int, now: datetime,
           max_members: int) -> RoomChange | Refusal:
    """Add ``invitee_id`` to a room ``inviter_id`` is in (any member may)."""
    if _role(conn, room_id, inviter_id) is None:
        return Refusal.UNKNOWN_ROOM
    record = _record(conn, room_id)
    assert record is not None  # the inviter is a member of it
    if _role(conn, room_id, invitee_id) is not None:
        return RoomChange(record, (), (), _position(conn))
    if record.members >= max_members:
        return Refusal.FULL
    _add_members(conn, room_id, [invitee_id], ROLE_MEMBER, now, newest_message_id(conn))
    return RoomChange(record._replace(members=record.members + 1), (invitee_id,), (),
                      _position(conn))


def leave_room(conn: Connection, account_id: int, room_id: int) -> RoomChange | Refusal:
    """Leave a room; an owner hands it to the longest-standing member."""
    role = _role(conn, room_id, account_id)
    if role is None:
        return Refusal.UNKNOWN_ROOM
    return _take_out(conn, room_id, account_id, role)


def remove_member(conn: Connection, owner_id: int, room_id: int,
                  member_id: int) -> RoomChange | Refusal:
    """Take ``member_id`` out of a room ``owner_id`` owns (the owner taking
    themselves out leaves it); someone who is not in it changes nothing."""
    role = _role(conn, room_id, owner_id)
    if role is None:
        return Refusal.UNKNOWN_ROOM
    if role != ROLE_OWNER:
        return Refusal.NOT_OWNER
    if member_id == owner_id:
        return _take_out(conn, room_id, owner_id, role)
    if _role(conn, room_id, member_id) is None:
        record = _record(conn, room_id)
        assert record is not None
        return RoomChange(record, (), (), _position(conn))
    return _take_out(conn, room_id, member_id, ROLE_MEMBER)


def _take_out(conn: Connection, room_id: int, account_id: int, role: str) -> RoomChange:
    conn.execute(delete(RoomMember).where(RoomMember.room_id == room_id,
                                          RoomMember.account_id == account_id))
    if role == ROLE_OWNER:
        heir = conn.execute(
            select(RoomMember.account_id).where(RoomMember.room_id == room_id)
            .order_by(RoomMember.joined_at, RoomMember.account_id).limit(1)).scalar_one_or_none()
        if heir is not None:
            conn.execute(update(RoomMember).where(RoomMember.room_id == room_id,
                                                  RoomMember.account_id == heir)
                         .values(role=ROLE_OWNER))
    record = _record(conn, room_id)
    assert record is not None
    return RoomChange(record, (), (account_id,), _position(conn))


def update_room(conn: Connection, owner_id: int, room_id: int, name: str | None,
                topic: str | None, public: bool | None) -> RoomChange | Refusal:
    """Change what is given of a room ``owner_id`` owns (the caller checked the values)."""
    role = _role(conn, room_id, owner_id)
    if role is None:
        return Refusal.UNKNOWN_ROOM
    if role != ROLE_OWNER:
        return Refusal.NOT_OWNER
    values = {key: value for key, value in (("name", name), ("topic", topic), ("public", public))
              if value is not None}
    if values:
        conn.execute(update(Room).where(Room.id == room_id).values(**values))
    record = _record(conn, room_id)
    assert record is not None
    unread, mentions = _counts_of(conn, owner_id, room_id)
    return RoomChange(record, (), (), _position(conn), unread, mentions)


def _counts_of(conn: Connection, account_id: int, room_id: int) -> tuple[int, int]:
    """A member's unread messages and mentions in one room."""
    last_read_id = conn.execute(select(RoomMember.last_read_id).where(
        RoomMember.room_id == room_id, RoomMember.account_id == account_id)).scalar_one()
    return _counts(conn, account_id, room_id, last_read_id)
