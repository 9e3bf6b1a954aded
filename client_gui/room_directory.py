"""The rooms of a session, as the windows see them (protocol version 2).

:class:`~client_gui.rooms.RoomsClient` turns room requests and events into
signals; :class:`RoomDirectory` keeps what follows from them for the
windows: my rooms as entries of the conversation list (with their owners
and member counts), the public rooms I could join (the "Browse public
rooms" dialog), and the members of each room whose members panel was
opened (a :class:`~client_gui.room_models.MemberListModel`, kept current by
``member`` and ``presence`` events).  It also says when a room is to be
opened (I created or joined it here) or closed (I left it, or was removed).

It is a part of :class:`~client_gui.conversations.Conversations`
(:attr:`~client_gui.conversations.Conversations.rooms`), apart from the
messages: a room's messages are a conversation like any other, and nothing
here knows of them.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot

from protocol.objects import RosterEntry
from protocol.rooms import Room
from protocol.rules import username_key

from .conversation_models import ConversationListModel
from .outbox import ConversationId, RoomConversation
from .room_models import MemberListModel
from .rooms import RoomsClient

__all__ = ["RoomDirectory"]


class RoomDirectory(QObject):
    """My rooms, the public rooms I am not in, and the members of rooms.

    Args:
        me: my username (to mark my own row among a room's members).
        rooms: the session's room requests and news.
        list_model: the conversation list, where my rooms are entries.

    Signals:
        room_opened(RoomConversation): a room I created or joined, to open.
        room_closed(RoomConversation): I left a room or was removed from it.
        public_rooms_changed(): :attr:`public_rooms` was read anew.
    """

    room_opened = pyqtSignal(object)
    room_closed = pyqtSignal(object)
    public_rooms_changed = pyqtSignal()

    def __init__(self, me: str, rooms: RoomsClient, list_model: ConversationListModel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._me = me
        self._rooms = rooms
        self._list_model = list_model
        #: The public rooms I am not in, as last listed (for "Browse public rooms").
        self.public_rooms: list[Room] = []
        self._members: dict[int, MemberListModel] = {}
        rooms.rooms_received.connect(self.on_rooms_received)
        rooms.room_changed.connect(self.on_room_changed)
        rooms.room_opened.connect(self.on_room_opened)
        rooms.room_left.connect(self.on_room_left)
        rooms.member_changed.connect(self.on_member_changed)
        rooms.members_received.connect(self.on_members_received)

    def members(self, room_id: int) -> MemberListModel:
        """The members of a room, asked for anew from the server."""
        model = self._members.get(room_id)
        if model is None:
            model = self._members[room_id] = MemberListModel(self._me, self._list_model, self)
        self._rooms.request_members(room_id)
        return model

    def room(self, conversation: ConversationId) -> Room | None:
        """The room a conversation is, as last heard of (None: not a room I am in)."""
        entry = self._list_model.entry(conversation)
        return None if entry is None else entry.room

    def set_presence(self, user: RosterEntry) -> None:
        """Someone's presence changed (after the conversation list has it)."""
        for members in self._members.values():
            members.set_presence(user)

    def presence_known_changed(self) -> None:
        """My connection came or went (after the conversation list knows)."""
        for members in self._members.values():
            members.presence_known_changed()

    @pyqtSlot(list, list)
    def on_rooms_received(self, mine: list[Room], public: list[Room]) -> None:
        self._list_model.set_rooms(mine)
        for room in mine:
            self._set_owner(room)
        self.public_rooms = public
        self.public_rooms_changed.emit()

    @pyqtSlot(object)
    def on_room_changed(self, room: Room) -> None:
        self._list_model.set_room(room)
        self._set_owner(room)
        self.public_rooms = [other for other in self.public_rooms if other.id != room.id]

    @pyqtSlot(object)
    def on_room_opened(self, room: Room) -> None:
        self.room_opened.emit(RoomConversation(room.id))

    @pyqtSlot(int)
    def on_room_left(self, room_id: int) -> None:
        # Said first, so that a window showing the room moves away before
        # its row goes (and the list does not pick a neighbour instead).
        self.room_closed.emit(RoomConversation(room_id))
        self._list_model.remove_room(room_id)
        self._members.pop(room_id, None)

    @pyqtSlot(int, str, bool)
    def on_member_changed(self, room_id: int, username: str, joined: bool) -> None:
        self._list_model.count_member(room_id, joined)
        members = self._members.get(room_id)
        if members is not None:
            members.change(username, joined, self._list_model.entry(username_key(username)))

    @pyqtSlot(int, list)
    def on_members_received(self, room_id: int, entries: list[RosterEntry]) -> None:
        room = self.room(RoomConversation(room_id))
        members = self._members.get(room_id)
        if members is not None:
            members.set_members(entries, None if room is None else room.owner)

    def _set_owner(self, room: Room) -> None:
        members = self._members.get(room.id)
        if members is not None:
            members.set_owner(room.owner)
