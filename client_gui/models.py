"""Item models: the messages of one conversation, and the conversation list.

A conversation can hold a hundred thousand messages, so it is never one big
text widget: :class:`MessageListModel` holds the pages loaded so far (newest
first, older ones prepended as the user scrolls up), and a view with
:class:`~client_gui.delegates.MessageDelegate` paints only the rows on
screen.  Messages are kept in id order and deduplicated by id, because the
same message can arrive up to three times (as an event, in a ``sync`` page
after a reconnect, and in a ``history`` page).

Messages the user sent that the server has not acknowledged yet are rows too,
after the stored ones, so the view can show them as pending.

:class:`ConversationListModel` is the left-hand list: the general room and
every registered user with presence and unread count;
:class:`ConversationSortProxy` orders and filters it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum, IntEnum
from typing import Any, Final

from PyQt6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from protocol.errors import ErrorCode
from protocol.objects import STATUS_AVAILABLE, Message, RosterEntry, parse_ts
from protocol.rules import username_key

from .outbox import ConversationId, OutboxItem
from .status import describe_status

__all__ = [
    "ConversationEntry",
    "ConversationListModel",
    "ConversationSortProxy",
    "MessageListModel",
    "MessageRow",
    "RowState",
    "Roles",
]

_Index = QModelIndex | QPersistentModelIndex


class Roles(IntEnum):
    """Custom item data roles of both models."""

    ROW = Qt.ItemDataRole.UserRole + 1  # the MessageRow or ConversationEntry
    DAY_START = Qt.ItemDataRole.UserRole + 2  # first message of its local day


class RowState(Enum):
    """Whether a row is stored on the server or still in the outbox."""

    SENT = "sent"
    PENDING = "pending"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One row of a conversation, with what painting it needs precomputed."""

    key: str  # unique per row: "m<id>" for stored messages, the outbox key else
    id: int | None  # None while in the outbox
    sender: str
    body: str
    local_time: datetime
    own: bool
    state: RowState = RowState.SENT
    error: ErrorCode | str | None = None

    @property
    def day(self) -> date:
        return self.local_time.date()


_FAR_FUTURE: Final = 1 << 62  # sorts outbox rows after every stored message


class MessageListModel(QAbstractListModel):
    """The loaded part of one conversation, oldest row first.

    Args:
        conversation: which conversation this is.
        me: my username, to tell my own messages apart.
    """

    def __init__(self, conversation: ConversationId, me: str,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.conversation = conversation
        self._me = me
        self._me_key = username_key(me)
        self._rows: list[MessageRow] = []
        self._stored = 0  # rows[:stored] are stored messages, the rest outbox
        self._ids: set[int] = set()
        #: Whether older pages may exist on the server (until one says no).
        self.has_older = True
        #: Whether a page is being fetched.
        self.loading = False
        #: Whether the newest page was requested since this model was made.
        self.history_started = False
        #: The id up to which this session told the server it was read.
        self.marked_read = 0

    # -- QAbstractListModel

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Roles.ROW:
            return row
        if role == Roles.DAY_START:
            return self.starts_day(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return row.body
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.local_time.strftime("%Y-%m-%d %H:%M:%S")
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        # Editable only so that the delegate can open a read-only text
        # browser over the message, where part of its text can be selected.
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        return False  # the "editor" is read-only; nothing is ever written back

    # -- content

    @property
    def oldest_id(self) -> int | None:
        return self._rows[0].id if self._stored else None

    @property
    def newest_id(self) -> int | None:
        return self._rows[self._stored - 1].id if self._stored else None

    def row(self, number: int) -> MessageRow:
        return self._rows[number]

    def starts_day(self, number: int) -> bool:
        """Whether row ``number`` is the first of its local day (a separator)."""
        return number == 0 or self._rows[number - 1].day != self._rows[number].day

    def contains(self, message_id: int) -> bool:
        """Whether the message with this id is already loaded."""
        return message_id in self._ids

    def add_messages(self, messages: Iterable[Message]) -> int:
        """Insert stored messages not seen before, in id order.

        Returns:
            How many rows were added.
        """
        fresh: dict[int, Message] = {}
        for message in messages:
            if message.id not in self._ids:
                fresh[message.id] = message
        if not fresh:
            return 0
        rows = [self._row_of(fresh[i]) for i in sorted(fresh)]
        self._ids.update(fresh)
        first_id, last_id = rows[0].id, rows[-1].id
        assert first_id is not None and last_id is not None
        newest = self.newest_id
        oldest = self.oldest_id
        if newest is None or first_id > newest:
            self._insert(self._stored, rows)
        elif oldest is not None and last_id < oldest:
            self._insert(0, rows)
            # The formerly first row may no longer start a new day.
            changed = self.index(len(rows))
            self.dataChanged.emit(changed, changed, [Roles.DAY_START])
        else:
            for row in rows:  # rare: a page that overlaps what is loaded
                position = bisect.bisect_left(self._rows, row.id, 0, self._stored,
                                              key=lambda r: r.id)
                self._insert(position, [row])
                if position + 1 < len(self._rows):
                    changed = self.index(position + 1)
                    self.dataChanged.emit(changed, changed, [Roles.DAY_START])
        return len(rows)

    def add_pending(self, item: OutboxItem) -> None:
        """Show an outbox message at the bottom until it is acknowledged."""
        row = MessageRow(item.key, None, self._me, item.body, datetime.now().astimezone(),
                         True, RowState.PENDING)
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(row)
        self.endInsertRows()

    def deliver(self, key: str, message: Message) -> None:
        """The server stored an outbox message: replace the pending row."""
        self._remove_outbox_row(key)
        self.add_messages([message])

    def fail(self, item: OutboxItem) -> None:
        """The server refused an outbox message: keep it, marked as failed."""
        for number in range(self._stored, len(self._rows)):
            if self._rows[number].key == item.key:
                self._rows[number] = replace(self._rows[number], state=RowState.FAILED,
                                             error=item.error)
                changed = self.index(number)
                self.dataChanged.emit(changed, changed)
                return

    def remove_failed(self, key: str) -> None:
        """Take a failed message away (the user dismissed it)."""
        self._remove_outbox_row(key)

    def _remove_outbox_row(self, key: str) -> None:
        for number in range(self._stored, len(self._rows)):
            if self._rows[number].key == key:
                self.beginRemoveRows(QModelIndex(), number, number)
                del self._rows[number]
                self.endRemoveRows()
                return

    def _insert(self, position: int, rows: list[MessageRow]) -> None:
        self.beginInsertRows(QModelIndex(), position, position + len(rows) - 1)
        self._rows[position:position] = rows
        self._stored += len(rows)
        self.endInsertRows()

    def _row_of(self, message: Message) -> MessageRow:
        return MessageRow(
            key=f"m{message.id}",
            id=message.id,
            sender=message.sender,
            body=message.body,
            local_time=parse_ts(message.ts).astimezone(),
            own=username_key(message.sender) == self._me_key,
        )


@dataclass(frozen=True, slots=True)
class ConversationEntry:
    """One row of the conversation list."""

    conversation: ConversationId
    name: str  # the user's spelling; empty for the general room
    online: bool = False
    unread: int = 0
    is_me: bool = False
    #: The user's status and its text (version 2; available otherwise).
    status: str = STATUS_AVAILABLE
    status_text: str = ""


class ConversationListModel(QAbstractListModel):
    """The general room and every registered user, in roster order.

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
        if role == Qt.ItemDataRole.ToolTipRole and entry.conversation is not None \
                and entry.online:
            return describe_status(entry.status, entry.status_text)
        return None

    def display_name(self, entry: ConversationEntry) -> str:
        """The name shown for an entry in the current language."""
        if entry.conversation is None:
            return self.tr("General")
        if entry.is_me:
            return self.tr("%1 (you)").replace("%1", entry.name)
        return entry.name

    def entry(self, conversation: ConversationId) -> ConversationEntry | None:
        row = self._rows_by_id.get(conversation)
        return None if row is None else self._entries[row]

    def entries(self) -> list[ConversationEntry]:
        return list(self._entries)

    def set_roster(self, roster: Iterable[RosterEntry], general_unread: int) -> None:
        """Replace every user entry with a fresh roster (after each login)."""
        self.beginResetModel()
        self._entries = [ConversationEntry(None, "", unread=general_unread)]
        for user in roster:
            key = username_key(user.username)
            self._entries.append(ConversationEntry(
                key, user.username, user.online, user.unread, key == self._me_key,
                user.status, user.status_text))
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
                                                   key == self._me_key, user.status,
                                                   user.status_text))
            self._rows_by_id[key] = position
            self.endInsertRows()
        else:
            self._update(row, online=user.online, status=user.status,
                         status_text=user.status_text)

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

    "General" comes first, then users who are online, then the rest, each
    group by case-folded name; the filter matches names anywhere.
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
    return (1, 0 if entry.online else 1, username_key(entry.name), entry.name)
