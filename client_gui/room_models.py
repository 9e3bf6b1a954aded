"""The members of a room, as its members panel shows them.

:class:`MemberListModel` holds a room's members as
:class:`~client_gui.models.ConversationEntry` rows, so the panel paints them
with the conversation list's own delegate (a dot in the member's status
colour, the name): online members first, then by case-folded name, the
owner and I marked.  It is filled by the ``members`` reply and kept current
by ``member`` and ``presence`` events between replies.  Whether presence
is current (my connection up) and how it is said in a tooltip are the
conversation list's, so the panel and the sidebar never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from PyQt6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from protocol.objects import RosterEntry
from protocol.rules import username_key

from .conversation_models import ConversationEntry, ConversationListModel
from .models import Roles

__all__ = ["MemberListModel"]

_Index = QModelIndex | QPersistentModelIndex


class MemberListModel(QAbstractListModel):
    """One room's members, online first, each group by name.

    Args:
        me: my username, to mark my own row.
        presence: the conversation list, which knows whether presence is
            current and says a member's presence in words.
    """

    def __init__(self, me: str, presence: ConversationListModel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._me_key = username_key(me)
        self._presence = presence
        self._owner_key: str | None = None
        self._rows: list[ConversationEntry] = []
        #: Whether the server's list arrived (an empty list is not "nobody").
        self.loaded = False

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        if role == Roles.ROW:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display_name(entry)
        if role == Roles.PRESENCE_KNOWN:
            return self._presence.presence_known
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._presence.presence_text(entry)
        return None

    def display_name(self, entry: ConversationEntry) -> str:
        """A member's name as the panel shows it, in the current language."""
        if entry.is_owner and entry.is_me:
            return self.tr("%1 (you, owner)").replace("%1", entry.name)
        if entry.is_owner:
            return self.tr("%1 (owner)").replace("%1", entry.name)
        if entry.is_me:
            return self.tr("%1 (you)").replace("%1", entry.name)
        return entry.name

    def entry(self, row: int) -> ConversationEntry:
        return self._rows[row]

    def names(self) -> list[str]:
        """The members' names, as their accounts spell them."""
        return [entry.name for entry in self._rows]

    def online_count(self) -> int:
        return sum(entry.online for entry in self._rows)

    # -- changes

    def set_members(self, members: Iterable[RosterEntry], owner: str | None) -> None:
        """The server's list of the members (and who owns the room)."""
        self._owner_key = None if owner is None else username_key(owner)
        self.loaded = True
        self._reset([self._entry(member) for member in members])

    def set_owner(self, owner: str | None) -> None:
        """The room has a new owner (or the same)."""
        key = None if owner is None else username_key(owner)
        if key != self._owner_key:
            self._owner_key = key
            self._reset([replace(entry, is_owner=entry.conversation == key)
                         for entry in self._rows])

    def set_presence(self, user: RosterEntry) -> None:
        """A member came online, went offline or changed their status."""
        key = username_key(user.username)
        for row, entry in enumerate(self._rows):
            if entry.conversation != key:
                continue
            updated = replace(entry, online=user.online, status=user.status,
                              status_text=user.status_text)
            if updated.online != entry.online:
                # Online members come first: the order changes.
                self._reset([updated if other is entry else other for other in self._rows])
            elif updated != entry:
                # Only the status: one row repaints where it is.
                self._rows[row] = updated
                self.dataChanged.emit(self.index(row), self.index(row))
            return

    def change(self, username: str, joined: bool, known: ConversationEntry | None) -> None:
        """Someone joined or left the room (``known``: their entry in the
        conversation list, whose presence they bring with them)."""
        key = username_key(username)
        rows = [entry for entry in self._rows if entry.conversation != key]
        if joined:
            joiner = self._entry(RosterEntry(username, online=False))
            if known is not None:
                joiner = replace(joiner, online=known.online, status=known.status,
                                 status_text=known.status_text)
            rows.append(joiner)
        self._reset(rows)

    def presence_known_changed(self) -> None:
        """My connection came or went: every dot and tooltip repaints."""
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1),
                                  [Roles.PRESENCE_KNOWN, Qt.ItemDataRole.ToolTipRole])

    def refresh_names(self) -> None:
        """The language changed: "(you)" and "(owner)" must be said anew."""
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    def _entry(self, member: RosterEntry) -> ConversationEntry:
        key = username_key(member.username)
        return ConversationEntry(key, member.username, member.online, is_me=key == self._me_key,
                                 is_owner=key == self._owner_key, status=member.status,
                                 status_text=member.status_text)

    def _reset(self, rows: list[ConversationEntry]) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda e: (not e.online, username_key(e.name), e.name))
        self.endResetModel()
