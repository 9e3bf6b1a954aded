"""Read receipts: telling the other participants that my read marker moved.

PROTOCOL-2.md, "Typing and read receipts": when my read marker of a direct
conversation or a room moves forward, the other participants' version 2
connections get a ``read`` event.  The marker itself is stored by the
feature that answers ``mark_read`` (:mod:`server.history`, and rooms for
theirs); it calls :meth:`Receipts.direct_marker_moved` or
:meth:`Receipts.room_marker_moved` once the marker is committed and only if
it moved, and this module decides who hears of it.

The general room has no receipts: everyone is in it, and "seen by" a whole
LAN says nothing.  A marker is not a change to any message, so it takes no
change number and is never caught up by ``sync``; a client that was away
reads the markers again with ``history``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from protocol.framing import encode_frame
from protocol.lifecycle import ReadEvent
from protocol.limits import PROTOCOL_V1

from .presence import Presence
from .session import Session

__all__ = ["Receipts"]


class Receipts:
    """Sends ``read`` events to the sessions that may see them.

    Args:
        presence: the sessions online.
    """

    def __init__(self, presence: Presence) -> None:
        self.presence = presence
        #: where other server processes on the same database hear of each
        #: direct marker that moved (server/cluster.py)
        self.publish: Callable[[dict[str, Any]], None] | None = None
        #: and of each room marker that moved
        self.publish_room: Callable[[dict[str, Any]], None] | None = None

    def direct_marker_moved(self, reader: Session, peer_id: int, up_to: int) -> None:
        """``reader`` read the direct conversation with ``peer_id`` up to ``up_to``.

        The event names the conversation as the peer sees it: by the
        reader's name.  Notes to self have no one else to tell.
        """
        if peer_id == reader.account_id:
            return
        self.direct_from_elsewhere(reader.username, peer_id, up_to)
        if self.publish is not None:
            self.publish({"u": reader.username, "p": peer_id, "k": up_to})

    def direct_from_elsewhere(self, reader: str, peer_id: int, up_to: int) -> None:
        """Tell this node's sessions of ``peer_id`` that ``reader`` read
        their conversation up to ``up_to`` (also for another node's reader)."""
        self._tell(ReadEvent(reader, reader, None, up_to), [peer_id])

    def room_marker_moved(self, reader: Session, room_id: int, up_to: int,
                          members: Iterable[int]) -> None:
        """``reader`` read room ``room_id`` up to ``up_to``; ``members`` are its
        members' account ids (the reader among them or not)."""
        self.room_from_elsewhere(reader.username, reader.account_id, room_id, up_to, members)
        if self.publish_room is not None:
            self.publish_room({"u": reader.username, "me": reader.account_id, "room": room_id,
                               "k": up_to})

    def room_from_elsewhere(self, reader: str, reader_id: int, room_id: int, up_to: int,
                            members: Iterable[int]) -> None:
        """Tell this node's sessions of the room's other members that
        ``reader`` read it up to ``up_to`` (also for another node's reader)."""
        event = ReadEvent(reader, None, room_id, up_to)
        self._tell(event, [m for m in members if m != reader_id])

    def _tell(self, event: ReadEvent, account_ids: Iterable[int]) -> None:
        data: bytes | None = None
        for account_id in account_ids:
            for session in self.presence.online.get(account_id, ()):
                # Version 1 has no such event; a session still logging in
                # gets its reply and roster first, and the markers with
                # its next history page.
                if session.protocol == PROTOCOL_V1 or session.joining:
                    continue
                if data is None:
                    data = encode_frame(event.to_wire(session.protocol))
                session.connection.write_soon(data)
