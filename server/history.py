"""Reading messages back: history pages, catching up, and read markers.

``history``, ``sync`` and ``mark_read`` are what a client asks of the
messages already stored: a page to show, what it missed while away, how
far it has read.  They are apart from :mod:`server.messages`, whose sends
are the hot path (checked inside ``data_received``, delivered as the
writer's commits come back), because they are plain awaited requests: the
dispatcher runs each in the connection's order, after the sends before it
(so a page shows them), and its work is a read, or a small write, in a
database thread.

Version 2: ``history`` and ``sync`` show tombstones, reactions and
mentions (:func:`db.message_parts.decorate`), ``history`` pages around or
after a message (a search result opened in its conversation) and carries
the other participants' read markers, and ``sync`` catches up by change
number (``after_seq``).  A read marker that moves is announced by
:mod:`server.receipts`.  Messages take the form their frames carry from
:func:`server.messages.wire_message`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.engine import Connection as DbConnection

from db import lifecycle, queries
from db.database import Database
from db.message_parts import decorate
from db.queries import StoredMessage
from protocol.errors import RequestError, RequestId
from protocol.features import Feature
from protocol.fields import bad_field
from protocol.limits import PROTOCOL_V1
from protocol.replies import Done, ok_reply
from protocol.requests import History, MarkRead, Sync

from .directory import AccountDirectory
from .dispatch import Dispatcher
from .messages import wire_message
from .presence import Presence
from .receipts import Receipts
from .rooms import Rooms
from .session import Connection, logged_in

__all__ = ["MessageHistory"]


class MessageHistory:
    """Answers ``history``, ``sync`` and ``mark_read``.

    Args:
        database: where the messages are read from, and read markers stored.
        directory: for the names in ``with``.
        rooms: the rooms and their members, for ``room`` (version 2).
        presence: the sessions online, whom a read marker that moves is
            announced to (:attr:`receipts`).
    """

    def __init__(self, database: Database, directory: AccountDirectory, rooms: Rooms,
                 presence: Presence) -> None:
        self.database = database
        self.directory = directory
        self.rooms = rooms
        #: told of every read marker that moves (and, with several nodes,
        #: of those that moved on the others: server.cluster)
        self.receipts = Receipts(presence)

    def install(self, dispatcher: Dispatcher) -> None:
        dispatcher.route(History, self._history)
        dispatcher.route(Sync, self._sync)
        dispatcher.route(MarkRead, self._mark_read)
        # Markers in history and read events (server.receipts).
        dispatcher.offer(Feature.RECEIPTS)

    # ------------------------------------------------------------------
    # Reading

    async def _history(self, connection: Connection, request: History,
                       re: RequestId) -> dict[str, Any]:
        session = logged_in(connection)
        room = self.rooms.requested(session, request.room, re)
        me, version = session.account_id, session.protocol
        room_id = None if room is None else room.id
        peer = None if request.with_ is None else self.directory.named(request.with_, re)
        peer_id = None if peer is None else peer.id
        if version == PROTOCOL_V1:
            # around and after are version 2's: a version 1 connection's
            # unknown fields are ignored (PROTOCOL.md).
            messages, has_more = await asyncio.wrap_future(self.database.read(
                lambda conn: queries.history(conn, me, peer_id, request.before, request.limit)))
            return ok_reply(re, messages=[wire_message(m) for m in messages], has_more=has_more)
        error = request.anchor_error()
        if error is not None:
            raise RequestError.from_protocol_error(error, re)

        def read(conn: DbConnection) -> tuple[queries.HistoryPage, dict[str, int]]:
            page = queries.history_page(conn, me, peer_id, before=request.before,
                                        around=request.around, after=request.after,
                                        limit=request.limit, room_id=room_id)
            # PROTOCOL-2.md: the other participants' read markers (the
            # general room has none; notes to self have no one else).
            if room_id is not None:
                markers = lifecycle.room_read_markers(conn, room_id, me)
            elif peer is None or peer.id == me:
                markers = {}
            else:
                markers = {peer.username: lifecycle.direct_read_marker(conn, peer.id, me)}
            return page._replace(messages=decorate(conn, page.messages)), markers

        page, read_markers = await asyncio.wrap_future(self.database.read(read))
        return ok_reply(re, messages=[wire_message(m, version) for m in page.messages],
                        has_more=page.has_more, has_newer=page.has_newer, read=read_markers)

    async def _sync(self, connection: Connection, request: Sync,
                    re: RequestId) -> dict[str, Any]:
        session = logged_in(connection)
        me, version = session.account_id, session.protocol
        after, after_seq = request.after, request.after_seq
        if version == PROTOCOL_V1:
            if after is None:  # version 1 knows no after_seq
                raise RequestError.from_protocol_error(bad_field("after", "is missing"), re)
            messages, has_more = await asyncio.wrap_future(self.database.read(
                lambda conn: queries.sync(conn, me, after, request.limit)))
            return ok_reply(re, messages=[wire_message(m) for m in messages], has_more=has_more)

        def read(conn: DbConnection) -> tuple[list[StoredMessage], bool]:
            if after_seq is not None:
                return lifecycle.sync_by_seq(conn, me, after_seq, request.limit)
            assert after is not None  # Sync.from_fields: one of the two is given
            # Version 2 sees the rooms it is in as well (PROTOCOL-2.md).
            messages, has_more = queries.sync(conn, me, after, request.limit, rooms=True,
                                              include_deleted=True)
            return decorate(conn, messages), has_more

        messages, has_more = await asyncio.wrap_future(self.database.read(read))
        return ok_reply(re, messages=[wire_message(m, version) for m in messages],
                        has_more=has_more)

    async def _mark_read(self, connection: Connection, request: MarkRead,
                         re: RequestId) -> dict[str, Any]:
        session = logged_in(connection)
        me = session.account_id
        room = self.rooms.requested(session, request.room, re)
        room_id = None if room is None else room.id
        peer_id = self.directory.peer_id(request.with_, re)
        moved_to = await asyncio.wrap_future(self.database.write(
            lambda conn: queries.mark_read(conn, me, peer_id, request.up_to, room_id)))
        if moved_to is not None and room is not None:
            self.receipts.room_marker_moved(session, room.id, moved_to, room.members)
        elif moved_to is not None and peer_id is not None:
            self.receipts.direct_marker_moved(session, peer_id, moved_to)
        return Done().to_wire(re)
