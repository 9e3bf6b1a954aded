"""Search results: the list of found messages and how each one is painted.

:class:`SearchResultsModel` holds the pages of one search, newest first;
:class:`SearchResultDelegate` paints a result as two lines: who wrote it,
in which conversation and when, then the part of the message around the
first match, with every match of the query's words highlighted.

What is highlighted is what the server matched (PROTOCOL-2.md, "Search"):
each word anywhere, as any part of a word, ignoring case
(:func:`match_ranges`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, Final

from PyQt6.QtCore import (
    QAbstractListModel,
    QDate,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTime,
)
from PyQt6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTextCharFormat, QTextLayout
from PyQt6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from protocol.objects import Message, parse_ts

from .widgets import blend

__all__ = ["SearchResultDelegate", "SearchResultsModel", "match_ranges", "snippet"]

_Index = QModelIndex | QPersistentModelIndex

#: Characters of context kept before the first match in a result's text.
_CONTEXT_BEFORE: Final = 30
#: The longest text laid out for one result (it shows two lines at most).
_SNIPPET_CHARS: Final = 400


def _fold(text: str) -> str:
    """Lower case, character by character, so that positions stay where
    they were (``str.lower`` makes two characters of ``İ``)."""
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def match_ranges(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Where the words appear in ``text``, ignoring case: sorted
    ``(start, end)`` ranges, overlapping ones merged."""
    folded = _fold(text)
    found: list[tuple[int, int]] = []
    for word in words:
        needle = _fold(word)
        start = folded.find(needle)
        while needle and start >= 0:
            found.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(body: str, words: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """The text shown for a result: its lines joined, starting a little
    before the first match, and where the matches are in it."""
    text = " ".join(body.split("\n"))
    ranges = match_ranges(text, words)
    if ranges and ranges[0][0] > _CONTEXT_BEFORE:
        first = ranges[0][0]
        # From the start of a word a little before the first match.
        space = text.find(" ", first - _CONTEXT_BEFORE, first)
        cut = first - _CONTEXT_BEFORE if space < 0 else space + 1
        text = "\u2026" + text[cut:]
        ranges = [(start - cut + 1, end - cut + 1) for start, end in ranges]
    text = text[:_SNIPPET_CHARS]
    return text, [(start, min(end, len(text))) for start, end in ranges if start < len(text)]


class SearchResultsModel(QAbstractListModel):
    """The messages one search found so far, newest first.

    Args:
        conversation_name: the name shown for the conversation a message
            belongs to (the window knows the names).
    """

    def __init__(self, conversation_name: Callable[[Message], str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.conversation_name = conversation_name
        self.words: tuple[str, ...] = ()
        self._messages: list[Message] = []
        self._ids: set[int] = set()
        #: Whether older results exist beyond the loaded ones.
        self.has_more = False
        #: Whether only the newest messages were searched (the server said
        #: ``partial``: the words were too short for its index).
        self.partial = False

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._messages)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        message = self._messages[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return message
        if role == Qt.ItemDataRole.DisplayRole:
            return message.body
        if role == Qt.ItemDataRole.ToolTipRole:
            return parse_ts(message.ts).astimezone().strftime("%Y-%m-%d %H:%M:%S")
        return None

    def message(self, row: int) -> Message:
        return self._messages[row]

    @property
    def oldest_id(self) -> int | None:
        return self._messages[-1].id if self._messages else None

    def clear(self, words: Sequence[str] = ()) -> None:
        """Forget the results; the next ones are for ``words``."""
        self.beginResetModel()
        self.words = tuple(words)
        self._messages = []
        self._ids = set()
        self.has_more = self.partial = False
        self.endResetModel()

    def add_page(self, messages: Sequence[Message], has_more: bool, partial: bool) -> None:
        """Append the next (older) page of results."""
        fresh = [m for m in messages if m.id not in self._ids]
        self.has_more, self.partial = has_more, partial
        if not fresh:
            return
        self.beginInsertRows(QModelIndex(), len(self._messages),
                             len(self._messages) + len(fresh) - 1)
        self._messages += fresh
        self._ids.update(m.id for m in fresh)
        self.endInsertRows()


class SearchResultDelegate(QStyledItemDelegate):
    """Paints one result: sender, conversation and time, then two lines of
    the message with the matches highlighted."""

    PADDING_X = 10
    PADDING_Y = 6
    LINES = 2

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(200, 2 * self.PADDING_Y + 4 + metrics.height() * (1 + self.LINES))

    def paint(self, painter: QPainter | None, option: QStyleOptionViewItem,
              index: QModelIndex) -> None:
        assert painter is not None
        model = index.model()
        assert isinstance(model, SearchResultsModel)
        message = model.message(index.row())
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter,
                              option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text = palette.color(QPalette.ColorRole.HighlightedText if selected
                             else QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base)
        muted = blend(base, text, 0.65)
        rect = option.rect.adjusted(self.PADDING_X, self.PADDING_Y, -self.PADDING_X,
                                    -self.PADDING_Y)
        metrics = QFontMetrics(option.font)
        painter.save()

        # First line: sender, conversation, and on the right the time.
        bold = QFont(option.font)
        bold.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.9)
        when = _when(message)
        painter.setFont(small)
        painter.setPen(muted)
        time_width = QFontMetrics(small).horizontalAdvance(when)
        header = QRect(rect.left(), rect.top(), rect.width(), metrics.height())
        painter.drawText(header, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         when)
        room = max(0, header.width() - time_width - 12)
        sender = QFontMetrics(bold).elidedText(message.sender, Qt.TextElideMode.ElideRight, room)
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(header, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         sender)
        left = header.left() + QFontMetrics(bold).horizontalAdvance(sender) + 8
        where = QFontMetrics(small).elidedText(
            "\u00b7 " + model.conversation_name(message), Qt.TextElideMode.ElideRight,
            max(0, header.left() + room - left))
        painter.setFont(small)
        painter.setPen(muted)
        painter.drawText(QRect(left, header.top(), max(0, header.left() + room - left),
                               header.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, where)

        # Then the text, wrapped, at most LINES lines, matches highlighted.
        shown, ranges = snippet(message.body, model.words)
        layout = QTextLayout(shown, option.font)
        mark = QTextCharFormat()
        mark.setFontWeight(QFont.Weight.Bold)
        if not selected:
            mark.setBackground(QColor("#ffe58a"))
            mark.setForeground(QColor("#1b1b1b"))
        formats = []
        for start, end in ranges:
            span = QTextLayout.FormatRange()
            span.start, span.length, span.format = start, end - start, mark
            formats.append(span)
        layout.setFormats(formats)
        layout.beginLayout()
        y = 0.0
        for _ in range(self.LINES):
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(rect.width())
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()
        painter.setPen(text)
        painter.setClipRect(rect)
        layout.draw(painter, QPointF(rect.left(), header.bottom() + 4))
        painter.restore()


def _when(message: Message) -> str:
    """A result's time: the time alone today, the date and time before."""
    moment = parse_ts(message.ts).astimezone()
    locale = QLocale()
    time_text = locale.toString(QTime(moment.hour, moment.minute),
                                QLocale.FormatType.ShortFormat)
    if moment.date() == date.today():
        return time_text
    day = locale.toString(QDate(moment.year, moment.month, moment.day),
                          QLocale.FormatType.ShortFormat)
    return f"{day} {time_text}"
