"""The rooms of a session (protocol version 2's ``rooms`` feature).

:class:`RoomsClient` is the part of :class:`~client_gui.client.ChatClient`
that speaks rooms: it sends the feature's requests over the session's
channel and turns their replies, and the server's ``rooms``, ``room``,
``room_left`` and ``member`` events, into signals.  The server answers the
connection that asked for a change instead of sending it the event (its
other connections get the event), so a reply here is reported as the event
would have been: what the windows hear is the same either way.

It keeps no state of its own; what the sidebar and the members panel show
is kept by :class:`~client_gui.room_directory.RoomDirectory`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from PyQt6.QtCore import QObject, pyqtSignal

from protocol.events import Event
from protocol.replies import ErrorReply, Reply
from protocol.requests import Answerable
from protocol.rooms import (
    CreateRoom,
    Invite,
    JoinRoom,
    LeaveRoom,
    ListMembers,
    ListRooms,
    MemberEvent,
    RemoveMember,
    RoomEvent,
    RoomLeftEvent,
    RoomList,
    RoomReply,
    RoomsEvent,
    UpdateRoom,
)

from .channel import Channel
from .failures import FailureReason
from .session_state import SessionMachine

__all__ = ["RoomsClient"]

log = logging.getLogger("besedka.client")

R = TypeVar("R", bound=Reply)


class RoomsClient(QObject):
    """Room requests out, room news in, for one session.

    Args:
        channel: the session's current connection.
        machine: whether the session is logged in (requests wait for nothing:
            offline, a request fails at once with ``CONNECTION_LOST``).

    Signals:
        rooms_received(list[Room], list[Room]): my rooms and the public rooms
            I am not in (after each version 2 login, and when asked).
        room_changed(Room): a room I am in was created, changed, or I was
            added to it.
        room_opened(Room): a room I created or joined here, to be opened.
        room_left(int): I left the room with this id, or was removed.
        member_changed(int, str, bool): someone joined (True) or left a room.
        members_received(int, list[RosterEntry]): the members of a room.
        request_failed(str, object): a request (its type, e.g. ``create_room``)
            was refused: the :class:`~protocol.errors.ErrorCode`, or
            :attr:`FailureReason.CONNECTION_LOST` when offline.
    """

    rooms_received = pyqtSignal(list, list)
    room_changed = pyqtSignal(object)
    room_opened = pyqtSignal(object)
    room_left = pyqtSignal(int)
    member_changed = pyqtSignal(int, str, bool)
    members_received = pyqtSignal(int, list)
    request_failed = pyqtSignal(str, object)

    def __init__(self, channel: Channel, machine: SessionMachine,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._channel = channel
        self._machine = machine

    # ------------------------------------------------------------------
    # Requests

    def list_rooms(self) -> None:
        """Ask for my rooms and the public ones; answered by :attr:`rooms_received`."""
        self._request(ListRooms(), self._on_listing)

    def create(self, name: str, public: bool, members: Sequence[str]) -> None:
        """Create a room with these members (names as the roster spells them)."""
        self._request(CreateRoom(name, public, tuple(members)), self._on_opened)

    def join(self, room_id: int) -> None:
        """Join a public room."""
        self._request(JoinRoom(room_id), self._on_opened)

    def leave(self, room_id: int) -> None:
        """Leave a room (its owner hands it on)."""
        self._request(LeaveRoom(room_id), lambda _: self.room_left.emit(room_id))

    def invite(self, room_id: int, username: str) -> None:
        """Add someone to a room I am in."""
        self._request(Invite(room_id, username),
                      lambda _: self.member_changed.emit(room_id, username, True))

    def remove(self, room_id: int, username: str) -> None:
        """Take someone out of a room I own."""
        self._request(RemoveMember(room_id, username),
                      lambda _: self.member_changed.emit(room_id, username, False))

    def update(self, room_id: int, *, name: str | None = None, topic: str | None = None,
               public: bool | None = None) -> None:
        """Rename a room I own, change its topic, or open or close it."""
        self._request(UpdateRoom(room_id, name, topic, public),
                      lambda reply: self.room_changed.emit(reply.room))

    def request_members(self, room_id: int) -> None:
        """Ask who is in a room; answered by :attr:`members_received`."""
        self._request(ListMembers(room_id),
                      lambda reply: self.members_received.emit(room_id, list(reply.members)))

    def _request(self, request: Answerable[R], on_ok: Callable[[R], None]) -> None:
        kind = str(request.to_frame()["type"])
        if not self._machine.logged_in:
            self.request_failed.emit(kind, FailureReason.CONNECTION_LOST)
            return

        def on_reply(reply: R | ErrorReply) -> None:
            if isinstance(reply, ErrorReply):
                log.info("%s refused: %s %s", kind, reply.code, reply.message)
                self.request_failed.emit(kind, reply.code)
            else:
                on_ok(reply)

        self._channel.request(request, on_reply)

    def _on_listing(self, reply: RoomList) -> None:
        self.rooms_received.emit(list(reply.rooms), list(reply.public))

    def _on_opened(self, reply: RoomReply) -> None:
        self.room_changed.emit(reply.room)
        self.room_opened.emit(reply.room)

    # ------------------------------------------------------------------
    # Events

    def on_event(self, event: Event) -> bool:
        """Take a room event; whether it was one."""
        match event:
            case RoomsEvent(rooms=rooms, public=public):
                self.rooms_received.emit(list(rooms), list(public))
            case RoomEvent(room=room):
                self.room_changed.emit(room)
            case RoomLeftEvent(room=room_id):
                self.room_left.emit(room_id)
            case MemberEvent(room=room_id, username=username, joined=joined):
                self.member_changed.emit(room_id, username, joined)
            case _:
                return False
        return True
