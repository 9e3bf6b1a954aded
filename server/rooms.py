"""Rooms (PROTOCOL-2.md, "Rooms"): who is in which room, and changing it.

:class:`Rooms` answers ``create_room``, ``rooms``, ``join_room``,
``leave_room``, ``invite``, ``remove_member``, ``update_room`` and
``members``, and adds the ``rooms`` event to a version 2 login.  It holds
every room in memory (:class:`RoomState`, read once at start), so that
delivery can address "the members of room R" without asking the database:
each room's members are one :class:`~server.delivery.Members` object,
replaced, never changed, when someone joins or leaves, which is what lets
delivery join a commit's events for one room into one block.

Memory changes only when a change has committed, in commit order among the
messages: a change goes through the group-commit writer beside the sends
(:data:`APPLY_ROOM_CHANGES`), whose transaction decides whether it is
allowed (:mod:`db.rooms`), and comes back to the event loop in the same
hand-over as the messages of its commit, as a pending item
(:class:`server.messages.Pending`) completed in its place among them.  So a member who is removed stops receiving the room's messages at
exactly the commit that removed them, on every connection, and gets
``room_left`` there; a room message committed before still reaches them.

Who is told what (``room``, ``room_left``, ``member`` events; version 2
sessions only): see docs/protocol.md, "Rooms".  The session that asked for
a change gets its reply in place of the event the change would have given
it, as a sender gets ``ok`` in place of its message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Connection as DbConnection

from db import queries
from db import rooms as db_rooms
from db.database import BatchedWrite, Database, Operation, WriteOutcome
from db.rooms import Refusal, RoomChange, RoomCounts
from protocol.errors import ErrorCode, RequestError, RequestId
from protocol.events import Event
from protocol.features import Feature
from protocol.framing import encode_frame
from protocol.limits import PROTOCOL_V1, ROOM_MAX_MEMBERS
from protocol.objects import RosterEntry
from protocol.replies import Done, error_reply
from protocol.rooms import (
    CreateRoom,
    Invite,
    JoinRoom,
    LeaveRoom,
    ListMembers,
    ListRooms,
    MemberEvent,
    MemberList,
    RemoveMember,
    Room,
    RoomEvent,
    RoomLeftEvent,
    RoomList,
    RoomReply,
    RoomsEvent,
    UpdateRoom,
)

from .connection import ReplySlot
from .delivery import Audience, Item, Members, deliver
from .directory import AccountDirectory
from .dispatch import Dispatcher, internal_error
from .presence import Presence
from .session import Connection as ClientConnection
from .session import LoginPart, Session, logged_in, write_delivery

__all__ = ["APPLY_ROOM_CHANGES", "RoomState", "Rooms", "unknown_room"]

log = logging.getLogger("besedka.server.rooms")


def _run_in_order(conn: DbConnection,
                  operations: list[Operation[RoomChange | Refusal]]) -> list[RoomChange | Refusal]:
    return [operation(conn) for operation in operations]


#: Changes to rooms, run by the writer in order with the sends around them.
#: Each operation reports a refusal as its result rather than raising: the
#: writer rolls a raising batch back and runs each operation again alone.
APPLY_ROOM_CHANGES: BatchedWrite[Operation[RoomChange | Refusal], RoomChange | Refusal] = \
    BatchedWrite(_run_in_order)

_NOBODY = Members()


def unknown_room(room_id: int, re: RequestId) -> RequestError:
    """The answer for a room that does not exist or that I may not see: the same."""
    return RequestError(ErrorCode.UNKNOWN_ROOM, f"no room {room_id} that you are in", re)


class RoomState:
    """A room as the server holds it between commits: what every member sees."""

    __slots__ = ("id", "name", "topic", "public", "owner_id", "members")

    def __init__(self, room_id: int, name: str, topic: str, public: bool,
                 owner_id: int | None, members: Members) -> None:
        self.id = room_id
        self.name = name
        self.topic = topic
        self.public = public
        #: None once everyone has left
        self.owner_id = owner_id
        #: replaced (never changed) by each change of membership
        self.members = members


class Rooms:
    """Every room and its members, and the requests that change them.

    Args:
        database: the opened database; the rooms are read from it here, so
            this is made in a thread (:func:`server.app.build_dispatcher`).
        directory: for the names in requests and events.
        presence: for whether members are online.
        max_members: past this many members a room takes nobody more.
    """

    def __init__(self, database: Database, directory: AccountDirectory, presence: Presence,
                 max_members: int = ROOM_MAX_MEMBERS) -> None:
        self.database = database
        self.directory = directory
        self.presence = presence
        self.max_members = max_members
        self.rooms: dict[int, RoomState] = {}
        self.reload(database.read_now(db_rooms.load_rooms))
        #: called in the writer's transaction with each change that tells
        #: someone something, so that the other server processes on the
        #: same database hear of it in its place among the commits
        #: (server/cluster.py); None with one process
        self.announce: Callable[[DbConnection, dict[str, Any]], None] | None = None

    def install(self, dispatcher: Dispatcher) -> None:
        dispatcher.route_at_once(CreateRoom, self._create)
        dispatcher.route(ListRooms, self._list)
        dispatcher.route_at_once(JoinRoom, self._join)
        dispatcher.route_at_once(LeaveRoom, self._leave)
        dispatcher.route_at_once(Invite, self._invite)
        dispatcher.route_at_once(RemoveMember, self._remove)
        dispatcher.route_at_once(UpdateRoom, self._update)
        dispatcher.route(ListMembers, self._members)
        dispatcher.offer(Feature.ROOMS)

    # ------------------------------------------------------------------
    # What other features ask

    def joined(self, room_id: int, account_id: int, re: RequestId) -> RoomState:
        """The room ``room_id`` if ``account_id`` is a member of it.

        Raises:
            RequestError: ``unknown_room`` (whether or not the room exists).
        """
        room = self.rooms.get(room_id)
        if room is None or account_id not in room.members:
            raise unknown_room(room_id, re)
        return room

    def requested(self, session: Session, room_id: int | None,
                  re: RequestId) -> RoomState | None:
        """The room a request names, which I must be a member of; None for
        none, and on a version 1 connection, where ``room`` is a field it
        does not know and so ignores (PROTOCOL.md).

        Raises:
            RequestError: ``unknown_room``.
        """
        if room_id is None or session.protocol == PROTOCOL_V1:
            return None
        return self.joined(room_id, session.account_id, re)

    def login_part(self, session: Session) -> LoginPart | None:
        """The ``rooms`` event of a version 2 login, after its ``users`` event.

        The snapshot's transaction reads my unread counts; the rooms
        themselves are taken from memory when the event is written, so a
        change committed in between is both in the list and, held until
        then, replayed after it (the events are idempotent).
        """
        if session.protocol == PROTOCOL_V1:
            return None
        me = session.account_id

        def compose(counts: list[RoomCounts]) -> bytes:
            listing = self._listing(me, counts)
            return encode_frame(RoomsEvent(listing.rooms, listing.public).to_wire(session.protocol))

        return (lambda conn: db_rooms.room_counts(conn, me)), compose

    # ------------------------------------------------------------------
    # Reads

    async def _list(self, connection: ClientConnection, request: ListRooms,
                    re: RequestId) -> dict[str, Any]:
        me = logged_in(connection).account_id
        counts = await asyncio.wrap_future(self.database.read(
            lambda conn: db_rooms.room_counts(conn, me)))
        return self._listing(me, counts).to_wire(re)

    def _listing(self, me: int, counts: Sequence[RoomCounts]) -> RoomList:
        """My rooms (with my counts) and the public rooms I am not in, each by name."""
        unread = {count.room_id: count for count in counts}
        mine: list[Room] = []
        public: list[Room] = []
        for state in self.rooms.values():
            if me in state.members:
                count = unread.get(state.id)
                mine.append(self.room(state) if count is None
                            else self.room(state, count.unread, count.mentions))
            elif state.public:
                public.append(self.room(state))
        return RoomList(tuple(sorted(mine, key=_by_name)), tuple(sorted(public, key=_by_name)))

    async def _members(self, connection: ClientConnection, request: ListMembers,
                       re: RequestId) -> dict[str, Any]:
        session = logged_in(connection)
        me = session.account_id
        self.joined(request.room, me, re)
        rows = await asyncio.wrap_future(self.database.read(
            lambda conn: queries.roster(conn, me)))
        unread = {row.username_key: row.unread for row in rows}
        members = self.rooms[request.room].members
        online = self.presence.online
        accounts = sorted((self.directory.by_id(account_id) for account_id in members),
                          key=lambda a: (a.username_key, a.username))
        return MemberList(tuple(
            RosterEntry(a.username, a.id in online, unread.get(a.username_key, 0), a.status,
                        a.status_text, a.avatar_file_id)
            for a in accounts)).to_wire(re, session.protocol)

    def room(self, state: RoomState, unread: int = 0, mentions: int = 0) -> Room:
        """The room object of a room, with one member's counts."""
        owner = None if state.owner_id is None else self.directory.by_id(state.owner_id).username
        return Room(state.id, state.name, state.topic, owner, state.public, len(state.members),
                    unread, mentions)

    # ------------------------------------------------------------------
    # Changes: checked by the writer, applied when committed

    def _submit(self, session: Session, re: RequestId, size: int, kind: str, room_id: int,
                operation: Operation[RoomChange | Refusal], *, changes: bool = True) -> None:
        """Queue a change for the writer, keeping its reply's place.

        Args:
            kind: the request (``create``, ``join``, ``leave``, ``invite``,
                ``remove``, ``update``).
            room_id: the room it names (0 for a new one), for a refusal.
            changes: whether the room's members hear of it when it
                commits (an update that names nothing to change: no).
        """
        connection = session.connection
        change = _RoomChange(self, session, connection.reserve_reply(size), re, kind, room_id,
                             changes)
        me = session.account_id

        def announced(conn: DbConnection) -> RoomChange | Refusal:
            result = operation(conn)
            if (self.announce is not None and isinstance(result, RoomChange)
                    and (changes or result.joined or result.left)):
                self.announce(conn, {"k": kind, "by": me, "r": result.room.id,
                                     "j": list(result.joined), "l": list(result.left),
                                     "pos": result.position, "ch": changes})
            return result

        try:
            self.database.write_batched(APPLY_ROOM_CHANGES, announced, change)
        except Exception:  # noqa: BLE001 - the writer is closed: the server is stopping
            connection.log.exception("could not queue a change to a room")
            connection.fill_reply(change.slot, internal_error(re))

    def _create(self, session: Session, request: CreateRoom, re: RequestId, size: int) -> None:
        me = session.account_id
        members = {self.directory.named(name, re).id for name in request.members} | {me}
        if len(members) > self.max_members:
            raise _full(self.max_members, re)
        others = sorted(members - {me})
        now = datetime.now(UTC)
        self._submit(session, re, size, "create", 0, lambda conn: db_rooms.create_room(
            conn, me, request.name, request.public, others, now))

    def _join(self, session: Session, request: JoinRoom, re: RequestId, size: int) -> None:
        me, now, most = session.account_id, datetime.now(UTC), self.max_members
        self._submit(session, re, size, "join", request.room, lambda conn: db_rooms.join_room(
            conn, me, request.room, now, most))

    def _leave(self, session: Session, request: LeaveRoom, re: RequestId, size: int) -> None:
        me = session.account_id
        self._submit(session, re, size, "leave", request.room,
                     lambda conn: db_rooms.leave_room(conn, me, request.room))

    def _invite(self, session: Session, request: Invite, re: RequestId, size: int) -> None:
        me, now, most = session.account_id, datetime.now(UTC), self.max_members
        invitee = self.directory.named(request.username, re).id
        self._submit(session, re, size, "invite", request.room, lambda conn: db_rooms.invite(
            conn, me, request.room, invitee, now, most))

    def _remove(self, session: Session, request: RemoveMember, re: RequestId,
                size: int) -> None:
        me = session.account_id
        member = self.directory.named(request.username, re).id
        self._submit(session, re, size, "remove", request.room,
                     lambda conn: db_rooms.remove_member(conn, me, request.room, member))

    def _update(self, session: Session, request: UpdateRoom, re: RequestId, size: int) -> None:
        me = session.account_id
        self._submit(session, re, size, "update", request.room,
                     lambda conn: db_rooms.update_room(
                         conn, me, request.room, request.name, request.topic, request.public),
                     changes=(request.name, request.topic, request.public) != (None, None, None))

    def apply(self, change: RoomChange) -> tuple[RoomState, Members, int | None]:
        """Bring memory up to a committed change: the room, and its members
        and owner before it."""
        record = change.room
        state = self.rooms.get(record.id)
        if state is None:
            state = self.rooms[record.id] = RoomState(
                record.id, record.name, record.topic, record.public, None, _NOBODY)
        before, owner_before = state.members, state.owner_id
        if change.joined or change.left:
            state.members = Members(before.difference(change.left).union(change.joined))
        state.name, state.topic, state.public = record.name, record.topic, record.public
        state.owner_id = record.owner_id
        return state, before, owner_before

    def reload(self, loaded: Sequence[db_rooms.LoadedRoom]) -> None:
        """Take every room as the database has it (at start, and when the
        cluster's link to the other nodes was lost and is back: what they
        changed meanwhile is taken silently, as a login would see it)."""
        for room in loaded:
            state = self.rooms.get(room.id)
            if state is None:
                self.rooms[room.id] = RoomState(room.id, room.name, room.topic, room.public,
                                                room.owner_id, Members(room.member_ids))
                continue
            state.name, state.topic, state.public = room.name, room.topic, room.public
            state.owner_id = room.owner_id
            if set(state.members) != set(room.member_ids):
                state.members = Members(room.member_ids)

    def apply_remote(self, change: RoomChange, kind: str, asker_id: int,
                     changes: bool) -> None:
        """A change that another server process on the same database
        committed: memory follows, and this process's sessions are told
        what the asker's other sessions and everyone else are told."""
        state, before, owner_before = self.apply(change)
        own, further = _events(self, kind, changes, change, state, before, owner_before,
                               asker_id)
        items: list[Item[Session]] = [] if own is None else [
            _Notice(change.position, own[0], own[1])]
        items += further
        if items:
            write_delivery(deliver(items, self.presence.online))


def _by_name(room: Room) -> tuple[str, str, int]:
    return (room.name.casefold(), room.name, room.id)


def _full(most: int, re: RequestId) -> RequestError:
    return RequestError(ErrorCode.FORBIDDEN, f"a room holds at most {most} members", re)


def _refusal(refusal: Refusal, room_id: int, most: int, re: RequestId) -> RequestError:
    if refusal is Refusal.UNKNOWN_ROOM:
        return unknown_room(room_id, re)
    if refusal is Refusal.FULL:
        return _full(most, re)
    return RequestError(ErrorCode.FORBIDDEN, "only the room's owner may do this", re)


class _Notice(Item[Session]):
    """One event of a committed change, for version 2 sessions of an audience."""

    __slots__ = ("frame",)

    def __init__(self, position: int, audience: Audience, event: Event) -> None:
        super().__init__(position, audience)
        self.frame = encode_frame(event.to_wire(2))

    def event(self, version: int) -> bytes | None:
        return None if version == PROTOCOL_V1 else self.frame


class _RoomChange(Item[Session]):
    """A change to a room on its way through the writer, then what it tells whom.

    It is the asker's reply, and the event that the asker's other sessions
    (and others) get in its place (:meth:`_tell`); any further events are
    :class:`_Notice` items beside it.  Completed like the other pending
    writes of a commit (:class:`server.messages.Pending`).
    """

    __slots__ = ("rooms", "connection", "slot", "re", "kind", "room_id", "changes", "frame",
                 "reply")

    def __init__(self, rooms: Rooms, session: Session, slot: ReplySlot, re: RequestId,
                 kind: str, room_id: int, changes: bool) -> None:
        super().__init__(0, (), session)
        self.rooms = rooms
        self.connection = session.connection
        self.slot = slot
        self.re = re
        self.kind = kind
        self.room_id = room_id
        self.changes = changes
        self.frame: bytes | None = None
        self.reply = b""

    def answer(self) -> None:
        self.connection.fill_reply(self.slot, self.reply)

    def event(self, version: int) -> bytes | None:
        return None if version == PROTOCOL_V1 else self.frame

    def complete(self, outcome: WriteOutcome) -> Sequence[Item[Session]]:
        """Apply the committed change; the further items to deliver after it."""
        rooms, session = self.rooms, self.reply_to
        assert session is not None
        if outcome.error is not None:
            # The writer logged the failure with its traceback.
            self.connection.log.error("changing a room failed: %s", outcome.error)
            self.reply = internal_error(self.re)
            return ()
        if isinstance(outcome.result, Refusal):
            self.reply = encode_frame(error_reply(_refusal(
                outcome.result, self.room_id, rooms.max_members, self.re)))
            return ()
        change: RoomChange = outcome.result
        state, before, owner_before = rooms.apply(change)
        self.position = change.position
        if self.kind in ("create", "join", "update"):
            mine = rooms.room(state, change.unread, change.mentions)
            self.reply = encode_frame(RoomReply(mine).to_wire(self.re))
        else:
            self.reply = encode_frame(Done().to_wire(self.re))
        own, notices = _events(rooms, self.kind, self.changes, change, state, before,
                               owner_before, session.account_id)
        if own is not None:
            # This change's own event, for the asker's other sessions and
            # whoever else it names.
            self.audience = own[0]
            self.frame = encode_frame(own[1].to_wire(2))
        return notices


def _events(rooms: Rooms, kind: str, changes: bool, change: RoomChange, state: RoomState,
            before: Members, owner_before: int | None, me: int
            ) -> tuple[tuple[Audience, Event] | None, list[Item[Session]]]:
    """Who is told what of a committed change that ``me`` asked for: the
    change's own event (in place of which the asker gets its reply) and the
    further notices."""
    after, position = state.members, change.position
    room = rooms.room(state)
    own: tuple[Audience, Event] | None = None
    notices: list[Item[Session]] = []
    if kind == "create" or (kind == "update" and changes):
        own = (after, RoomEvent(room))
    elif change.joined:  # join or invite: one newcomer
        [newcomer] = change.joined
        joined = MemberEvent(state.id, rooms.directory.by_id(newcomer).username, True)
        if newcomer == me:  # I joined: the others hear of me
            notices.append(_Notice(position, before, joined))
            own = ((me,), RoomEvent(room))
        else:  # invited: the newcomer hears of the room
            notices.append(_Notice(position, (newcomer,), RoomEvent(room)))
            own = (before, joined)
    elif change.left:  # leave or remove: one leaver
        [leaver] = change.left
        left = MemberEvent(state.id, rooms.directory.by_id(leaver).username, False)
        if leaver == me:
            own = ((me,), RoomLeftEvent(state.id))
            notices.append(_Notice(position, after, left))
        else:
            notices.append(_Notice(position, (leaver,), RoomLeftEvent(state.id)))
            own = (after, left)
        if state.owner_id != owner_before and after:  # handed to the next member
            notices.append(_Notice(position, after, RoomEvent(room)))
    return own, notices
