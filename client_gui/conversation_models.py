"""The conversation list's model: the general room, my rooms and the people.

:class:`ConversationListModel` is the left-hand list: the general room, the
rooms I am in (protocol version 2) and every registered user, with presence
(and status) and unread counts; :class:`ConversationSortProxy` orders and
filters it.  A room's members panel (:mod:`client_gui.room_models`) shows
its rows as :class:`ConversationEntry` too, so one delegate paints both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from PyQt6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from protocol.objects import STATUS_AVAILABLE, RosterEntry
from protocol.rooms import Room
from protocol.rules import username_key

from .models import Roles
from .outbox import ConversationId, RoomConversation
from .status import describe_status

__all__ = ["ConversationEntry", "ConversationListModel", "ConversationSortProxy"]

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class ConversationEntry:
    """One row of the conversation list (or of a room's members panel)."""

    conversation: ConversationId
    name: str  # the user's spelling or the room's name; empty for the general room
    online: bool = False
    unread: int = 0
    is_me: bool = False
    #: a room's entry: the room as last heard of (its unread count is ``unread``)
    room: Room | None = None
    #: in a members panel: the member who owns the room
    is_owner: bool = False
    #: The user's status and its text (version 2; available otherwise).
    status: str = STATUS_AVAILABLE
    status_text: str = ""


class ConversationListModel(QAbstractListModel):
    """The general room, my rooms and every registered user.

    Order and filtering are the business of :class:`ConversationSortProxy`;
    this model keeps the entries and tells views when one changes.

    Args:
        me: my username (my own entry is marked, for "(you)").
    """

    def __init__(self, me: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._me_key = username_key(me)
        self._entries: list[ConversationEntry] = [ConversationEntry(None, "")]
        self._rows_by_id: dict[ConversationId, int] = {None: 0}
        self._presence_known = True

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        if role == Roles.ROW:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display_name(entry)
        if role == Roles.PRESENCE_KNOWN:
            return self._presence_known
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(entry.conversation, str):
            return self.presence_text(entry)
        return None

    @property
    def presence_known(self) -> bool:
        return self._presence_known

    def set_presence_known(self, known: bool) -> None:
        """Whether presence is current: my connection is up (True) or down,
        when every entry shows only what was last known."""
        if known != self._presence_known:
            self._presence_known = known
            self.dataChanged.emit(self.index(0), self.index(len(self._entries) - 1),
                                  [Roles.PRESENCE_KNOWN, Qt.ItemDataRole.ToolTipRole])

    def presence_text(self, entry: ConversationEntry) -> str:
        """"online" (or the status the user set: "Away: at lunch"), "offline",
        or while my connection is down "last known: ..."."""
        if not entry.online:
            state = self.tr("offline")
        elif entry.status != STATUS_AVAILABLE or entry.status_text:
            state = describe_status(entry.status, entry.status_text)
        else:
            state = self.tr("online")
        if self._presence_known:
            return state
        return self.tr("last known: %1").replace("%1", state)

    def display_name(self, entry: ConversationEntry) -> str:
        """The name shown for an entry in the current language."""
        if entry.conversation is None:
            return self.tr("General")
        if entry.is_me:
            return self.tr("%1 (you)").replace("%1", entry.name)
        return entry.name

    def rooms(self) -> list[Room]:
        """The rooms listed, as last heard of."""
        return [entry.room for entry in self._entries if entry.room is not None]

    def entry(self, conversation: ConversationId) -> ConversationEntry | None:
        row = self._rows_by_id.get(conversation)
        return None if row is None else self._entries[row]

    def entries(self) -> list[ConversationEntry]:
        return list(self._entries)

    def set_roster(self, roster: Iterable[RosterEntry], general_unread: int) -> None:
        """Replace every user entry with a fresh roster (after each login);
        the rooms stay until :meth:`set_rooms` replaces them."""
        self.beginResetModel()
        rooms = [entry for entry in self._entries if entry.room is not None]
        self._entries = [ConversationEntry(None, "", unread=general_unread), *rooms]
        for user in roster:
            key = username_key(user.username)
            self._entries.append(ConversationEntry(
                key, user.username, user.online, user.unread, key == self._me_key,
                status=user.status, status_text=user.status_text))
        self._rows_by_id = {e.conversation: row for row, e in enumerate(self._entries)}
        self.endResetModel()

    def set_presence(self, user: RosterEntry) -> None:
        """A user came online, went offline, or registered."""
        key = username_key(user.username)
        row = self._rows_by_id.get(key)
        if row is None:
            position = len(self._entries)
            self.beginInsertRows(QModelIndex(), position, position)
            self._entries.append(ConversationEntry(key, user.username, user.online, 0,
                                                   key == self._me_key, status=user.status,
                                                   status_text=user.status_text))
            self._rows_by_id[key] = position
            self.endInsertRows()
        else:
            self._update(row, online=user.online, status=user.status,
                         status_text=user.status_text)

    def set_rooms(self, rooms: Iterable[Room]) -> None:
        """Replace every room entry with the rooms I am in, with their unread counts."""
        self.beginResetModel()
        self._entries = [entry for entry in self._entries if entry.room is None]
        self._entries[1:1] = [ConversationEntry(RoomConversation(room.id), room.name,
                                                unread=room.unread, room=room)
                              for room in rooms]
        self._rows_by_id = {e.conversation: row for row, e in enumerate(self._entries)}
        self.endResetModel()

    def set_room(self, room: Room) -> None:
        """A room I am in was created or changed, or I was added: its entry
        follows (keeping my unread count if it was listed already)."""
        conversation = RoomConversation(room.id)
        row = self._rows_by_id.get(conversation)
        if row is None:
            position = len(self._entries)
            self.beginInsertRows(QModelIndex(), position, position)
            self._entries.append(ConversationEntry(conversation, room.name, unread=room.unread,
                                                   room=room))
            self._rows_by_id[conversation] = position
            self.endInsertRows()
        else:
            self._update(row, name=room.name, room=room)

    def remove_room(self, room_id: int) -> None:
        """I left a room or was removed: its entry goes."""
        row = self._rows_by_id.get(RoomConversation(room_id))
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._entries[row]
        self._rows_by_id = {e.conversation: n for n, e in enumerate(self._entries)}
        self.endRemoveRows()

    def count_member(self, room_id: int, joined: bool) -> None:
        """Someone joined or left a room: its member count follows."""
        entry = self.entry(RoomConversation(room_id))
        if entry is not None and entry.room is not None:
            members = max(0, entry.room.members + (1 if joined else -1))
            self.set_room(replace(entry.room, members=members))

    def set_unread(self, conversation: ConversationId, count: int) -> None:
        row = self._rows_by_id.get(conversation)
        if row is not None:
            self._update(row, unread=max(0, count))

    def add_unread(self, conversation: ConversationId, count: int = 1) -> None:
        entry = self.entry(conversation)
        if entry is not None:
            self.set_unread(conversation, entry.unread + count)

    def unread_total(self) -> int:
        return sum(entry.unread for entry in self._entries)

    def refresh_names(self) -> None:
        """The language changed: "General" and "(you)" must be said anew."""
        if self._entries:
            self.dataChanged.emit(self.index(0), self.index(len(self._entries) - 1))

    def _update(self, row: int, **changes: Any) -> None:
        updated = replace(self._entries[row], **changes)
        if updated != self._entries[row]:
            self._entries[row] = updated
            changed = self.index(row)
            self.dataChanged.emit(changed, changed)


class ConversationSortProxy(QSortFilterProxyModel):
    """Orders the conversation list and applies the filter box.

    "General" comes first, then the rooms, then users who are online, then
    the rest, each group by case-folded name; the filter matches names
    anywhere.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setDynamicSortFilter(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterRole(Qt.ItemDataRole.DisplayRole)
        self.sort(0)

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:
        a: ConversationEntry = left.data(Roles.ROW)
        b: ConversationEntry = right.data(Roles.ROW)
        return _sort_key(a) < _sort_key(b)


def _sort_key(entry: ConversationEntry) -> tuple[int, int, str, str]:
    if entry.conversation is None:
        return (0, 0, "", "")
    if entry.room is not None:
        return (1, 0, entry.name.casefold(), entry.name)
    return (2, 0 if entry.online else 1, username_key(entry.name), entry.name)
