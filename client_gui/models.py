"""Item models: the messages of one conversation.

A conversation can hold a hundred thousand messages, so it is never one big
text widget: :class:`MessageListModel` holds the pages loaded so far (newest
first, older ones prepended as the user scrolls up), and a view with
:class:`~client_gui.delegates.MessageDelegate` paints only the rows on
screen.  Messages are kept in id order and deduplicated by id, because the
same message can arrive up to three times (as an event, in a ``sync`` page
after a reconnect, and in a ``history`` page).

Messages the user sent that the server has not acknowledged yet are rows too,
after the stored ones, so the view can show them as pending.

With protocol version 2 a stored message can change (an edit, a deletion, a
reaction): :meth:`MessageListModel.update_messages` replaces its row when a
newer form (higher ``seq``) arrives.  The model also keeps the other
participants' read markers, for the ticks and "seen by" of my messages, and
answers what a reply's quoted strip shows (:attr:`Roles.QUOTE`).

The conversation list's model is :mod:`client_gui.conversation_models`.
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
    Qt,
)

from protocol.errors import ErrorCode
from protocol.objects import FileInfo, Message, Reaction, parse_ts
from protocol.rules import username_key

from .bubble_parts import Quote
from .outbox import ConversationId, OutboxItem
from .read_markers import ReadMarkers

__all__ = [
    "MessageListModel",
    "MessageRow",
    "Placement",
    "RowState",
    "Roles",
]

_Index = QModelIndex | QPersistentModelIndex


class Roles(IntEnum):
    """Custom item data roles of both models."""

    ROW = Qt.ItemDataRole.UserRole + 1  # the MessageRow or ConversationEntry
    DAY_START = Qt.ItemDataRole.UserRole + 2  # first message of its local day
    PLACEMENT = Qt.ItemDataRole.UserRole + 3  # the row's Placement among its neighbours
    #: Conversation list: whether presence is current (False while my own
    #: connection is down: what it shows is only the last known).
    PRESENCE_KNOWN = Qt.ItemDataRole.UserRole + 4
    QUOTE = Qt.ItemDataRole.UserRole + 5  # a reply's Quote (None: not loaded)
    RECEIPT = Qt.ItemDataRole.UserRole + 6  # a Receipt of my stored message, or None
    SEEN_BY = Qt.ItemDataRole.UserRole + 7  # in a room: who read my last message
    #: changes alone when only a transfer's progress did: repaint, no re-measure
    PROGRESS = Qt.ItemDataRole.UserRole + 8


class Placement:
    """How a message row stands to the one above it, which decides its look.

    ``DAY_START``: the first message of its local day (a date separator
    above it).  ``CONTINUES``: the same sender as the row above, within
    :data:`GROUP_SECONDS` on the same day, as Telegram and Slack group
    them: it is drawn without the sender's name and closer to the row above.

    Plain ``int`` flags, not an :class:`enum.IntFlag`: every row is placed
    when it is measured and painted, and an enum's ``&`` makes a new member
    each time (a profile of 10,000 rows arriving counted 50,000).
    """

    NONE: Final = 0
    DAY_START: Final = 1
    CONTINUES: Final = 2


#: Messages of one sender this close together form one group under one name.
GROUP_SECONDS: Final = 5 * 60


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
    #: the file it carries (version 2); ``body`` is then its caption
    file: FileInfo | None = None
    #: version 2: the change number of this form; 0 for a pending row
    seq: int = 0
    edited: bool = False
    deleted: bool = False
    reply_to: int | None = None
    reactions: tuple[Reaction, ...] = ()
    #: the emoji of :attr:`reactions` that are mine
    my_reactions: frozenset[str] = frozenset()
    mentions_me: bool = False

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
        #: Whether newer messages than the loaded ones exist that are not
        #: here: the model shows a page of the past (a search result in its
        #: context, :meth:`show_page`) and loads newer pages as the user
        #: scrolls down, until it reaches the present.
        self.has_newer = False
        #: Whether a newer page is being fetched.
        self.loading_newer = False
        #: Whether the newest page was requested since this model was made.
        self.history_started = False
        #: The id up to which this session told the server it was read.
        self.marked_read = 0
        #: The other participants' read markers (version 2).
        self.read_markers = ReadMarkers(conversation, self._me_key)

    # -- QAbstractListModel

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Roles.ROW:
            return row
        if role == Roles.PLACEMENT:
            return self.placement(index.row())
        if role == Roles.DAY_START:
            return self.starts_day(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return row.body
        if role == Roles.QUOTE:
            return self.quote(row)
        if role == Roles.RECEIPT:
            return self.read_markers.receipt(row)
        if role == Roles.SEEN_BY:
            return self.read_markers.seen_by(row, self.own_last())
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = row.local_time.strftime("%Y-%m-%d %H:%M:%S")
            seen = self.read_markers.seen_by(row, self.own_last())
            if seen:
                tip += "\n" + self.tr("Seen by %1").replace("%1", ", ".join(seen))
            return tip
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

    def placement(self, number: int) -> int:
        """How row ``number`` stands to the row above it (:class:`Placement` flags)."""
        if number == 0:
            return Placement.DAY_START
        row, above = self._rows[number], self._rows[number - 1]
        if row.day != above.day:
            return Placement.DAY_START
        if (row.own == above.own and (row.own or row.sender == above.sender)
                and RowState.FAILED not in (row.state, above.state)
                and 0 <= (row.local_time - above.local_time).total_seconds() <= GROUP_SECONDS):
            return Placement.CONTINUES
        return Placement.NONE

    def _placement_may_have_changed(self, number: int) -> None:
        """Row ``number`` got a new row above it (or lost one)."""
        if 0 <= number < len(self._rows):
            changed = self.index(number)
            self.dataChanged.emit(changed, changed, [Roles.PLACEMENT, Roles.DAY_START])

    def contains(self, message_id: int) -> bool:
        """Whether the message with this id is already loaded."""
        return message_id in self._ids

    def show_page(self, messages: Iterable[Message], has_older: bool, has_newer: bool) -> None:
        """Show only this page of stored messages (from the past, with a gap
        to what was loaded before); rows of the outbox stay."""
        if self._stored:
            self.beginRemoveRows(QModelIndex(), 0, self._stored - 1)
            del self._rows[:self._stored]
            self._stored = 0
            self._ids.clear()
            self.endRemoveRows()
        self.has_older, self.has_newer = has_older, has_newer
        self.add_messages(messages)
    def position_of(self, message_id: int) -> int | None:
        """The row number of a loaded message, or None."""
        if message_id not in self._ids:
            return None
        # (Stored rows always have an id; pending ones, after them, do not.)
        return bisect.bisect_left(self._rows, message_id, 0, self._stored,
                                  key=lambda r: r.id or 0)

    def update_messages(self, messages: Iterable[Message]) -> int:
        """Show the newer forms of loaded messages (edited, deleted, reacted).

        A form older than the one shown (a lower ``seq``: a history page
        read before an ``update`` arrived) is ignored, and so is a message
        that is not loaded: its page shows its current form when it is.

        Returns:
            How many rows changed.
        """
        changed = 0
        for message in messages:
            number = self.position_of(message.id)
            if number is None or message.seq < self._rows[number].seq:
                continue
            row = self._row_of(message)
            if row == self._rows[number]:
                continue
            self._rows[number] = row
            changed += 1
            index = self.index(number)
            self.dataChanged.emit(index, index)
            # The strips of replies to it show its new text.
            for reply in range(number + 1, self._stored):
                if self._rows[reply].reply_to == message.id:
                    self.dataChanged.emit(self.index(reply), self.index(reply), [Roles.QUOTE])
        return changed

    def quote(self, row: MessageRow) -> Quote | None:
        """What the strip of a reply shows; None when the message it answers
        is not loaded."""
        if row.reply_to is None:
            return None
        number = self.position_of(row.reply_to)
        if number is None:
            return None
        original = self._rows[number]
        return Quote(original.sender, original.body, original.deleted)

    def own_last(self) -> MessageRow | None:
        """My newest stored message that is not deleted (Up arrow edits it)."""
        for number in range(self._stored - 1, -1, -1):
            row = self._rows[number]
            if row.own and not row.deleted:
                return row
        return None

    def set_read_marker(self, name: str, up_to: int) -> None:
        """Another participant read up to ``up_to`` (markers only move forward)."""
        if self.read_markers.move(name, up_to) and self._stored:
            # Ticks and "seen by" live in the header: nothing to re-measure.
            self.dataChanged.emit(self.index(0), self.index(self._stored - 1),
                                  [Roles.RECEIPT, Roles.SEEN_BY])

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
            # The formerly first row may no longer start a day or a group.
            self._placement_may_have_changed(len(rows))
        else:
            for row in rows:  # rare: a page that overlaps what is loaded
                position = bisect.bisect_left(self._rows, row.id, 0, self._stored,
                                              key=lambda r: r.id)
                self._insert(position, [row])
                self._placement_may_have_changed(position + 1)
        if newest is None or first_id > newest:
            # Stored after the last stored row: the outbox row below (if
            # any) has another row above it now.
            self._placement_may_have_changed(self._stored)
        return len(rows)

    def add_pending(self, item: OutboxItem) -> None:
        """Show an outbox message at the bottom until it is acknowledged
        (in place of its upload's row, if it posts an uploaded file)."""
        self.show_pending(item.key, item.body, item.file, RowState.PENDING,
                          reply_to=item.reply_to)

    def show_pending(self, key: str, body: str, file: FileInfo | None,
                     state: RowState = RowState.PENDING,
                     error: ErrorCode | str | None = None,
                     reply_to: int | None = None) -> None:
        """Add or update the unacknowledged row ``key``: an outbox message,
        or a file still uploading (``file`` as far as it is known)."""
        for number in range(self._stored, len(self._rows)):
            if self._rows[number].key == key:
                updated = replace(self._rows[number], body=body, file=file, state=state,
                                  error=error)
                if updated != self._rows[number]:
                    self._rows[number] = updated
                    changed = self.index(number)
                    self.dataChanged.emit(changed, changed)
                return
        row = MessageRow(key, None, self._me, body, datetime.now().astimezone(), True, state,
                         error, file, reply_to=reply_to)
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(row)
        self.endInsertRows()

    def refresh_pending(self, key: str) -> None:
        """Repaint an unacknowledged row (its upload progressed)."""
        for number in range(self._stored, len(self._rows)):
            if self._rows[number].key == key:
                changed = self.index(number)
                self.dataChanged.emit(changed, changed, [Roles.PROGRESS])
                return

    def refresh_file(self, file_id: str) -> None:
        """Repaint the rows carrying this file (its download progressed)."""
        for number in self.rows_with_file(file_id):
            changed = self.index(number)
            self.dataChanged.emit(changed, changed, [Roles.PROGRESS])

    def rows_with_file(self, file_id: str) -> list[int]:
        """The rows carrying this file (to repaint when its preview arrives)."""
        return [number for number, row in enumerate(self._rows)
                if row.file is not None and row.file.id == file_id]

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
                # A refused message stands alone: the one below starts anew.
                self._placement_may_have_changed(number + 1)
                return

    def remove_failed(self, key: str) -> None:
        """Take a failed message away (the user dismissed it)."""
        self._remove_outbox_row(key)

    def remove_pending(self, key: str) -> None:
        """Take an unacknowledged row away (its upload was cancelled)."""
        self._remove_outbox_row(key)

    def _remove_outbox_row(self, key: str) -> None:
        for number in range(self._stored, len(self._rows)):
            if self._rows[number].key == key:
                self.beginRemoveRows(QModelIndex(), number, number)
                del self._rows[number]
                self.endRemoveRows()
                self._placement_may_have_changed(number)
                return

    def _insert(self, position: int, rows: list[MessageRow]) -> None:
        self.beginInsertRows(QModelIndex(), position, position + len(rows) - 1)
        self._rows[position:position] = rows
        self._stored += len(rows)
        self.endInsertRows()

    def _row_of(self, message: Message) -> MessageRow:
        me = self._me_key
        return MessageRow(
            key=f"m{message.id}",
            id=message.id,
            sender=message.sender,
            body=message.body,
            local_time=parse_ts(message.ts).astimezone(),
            own=username_key(message.sender) == me,
            file=message.file,
            seq=message.seq,
            edited=message.edited is not None,
            deleted=message.deleted,
            reply_to=message.reply_to,
            reactions=message.reactions,
            my_reactions=frozenset(reaction.emoji for reaction in message.reactions
                                   if any(username_key(u) == me for u in reaction.users)),
            mentions_me=any(username_key(name) == me for name in message.mentions),
        )
