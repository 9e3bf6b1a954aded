"""Painting messages and conversation entries.

:class:`MessageDelegate` draws one message as a bubble: a day separator
above the first message of each local day, then sender and local time, then
the body laid out by :class:`~PyQt6.QtGui.QTextDocument` (so long text
wraps and links look like links).  Measuring a message means laying out its
text, which is the expensive part of showing a long conversation, so heights
are cached per message and width, and documents for the rows on screen are
kept in a small LRU cache.

The same geometry serves hit-testing (:meth:`MessageDelegate.link_at`) and
the read-only text browser that opens over a message to select part of its
text (:meth:`MessageDelegate.createEditor`).

:class:`ConversationDelegate` draws a conversation-list entry: presence dot,
name, and unread badge.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from PyQt6.QtCore import (
    QAbstractItemModel,
    QDate,
    QLocale,
    QModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTime,
    QUrl,
    pyqtSignal,
)
from PyQt6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextDocument,
    QTextOption,
)
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextBrowser,
    QWidget,
)

from .linkify import body_html
from .models import ConversationEntry, MessageRow, Roles, RowState
from .status import status_colour
from .texts import describe_error
from .widgets import blend

__all__ = ["ConversationDelegate", "MessageDelegate"]

_DOCUMENT_CACHE_SIZE: Final = 300


@dataclass(frozen=True, slots=True)
class _Fonts:
    """The fonts of a message and the heights that follow from them."""

    body: QFont
    bold: QFont
    small: QFont
    header_height: int
    day_height: int


@dataclass(frozen=True, slots=True)
class _Geometry:
    """Where the parts of one message go inside its row."""

    day: QRect  # empty when the row does not start a day
    bubble: QRect
    header: QRect
    body: QRect


class MessageDelegate(QStyledItemDelegate):
    """Measures and paints message rows of a :class:`MessageListModel`.

    Args:
        view: the view it paints for; its viewport width decides wrapping.

    Signals:
        link_activated(QUrl): a link was clicked inside the selection editor.
    """

    link_activated = pyqtSignal(QUrl)

    MARGIN = 8  # between bubble and view edge
    GAP = 3  # between bubbles
    PADDING_X = 9
    PADDING_Y = 5
    INDENT = 0.14  # the share of the width by which a bubble is pushed aside

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        self._documents: OrderedDict[tuple[str, int], QTextDocument] = OrderedDict()
        self._heights: dict[tuple[str, bool], int] = {}
        self._heights_width = -1
        self._font_cache: _Fonts | None = None

    # -- geometry

    def _fonts(self) -> _Fonts:
        if self._font_cache is None:
            body = self._view.font()
            bold = QFont(body)
            bold.setBold(True)
            small = QFont(body)
            small.setPointSizeF(max(6.0, body.pointSizeF() * 0.85))
            self._font_cache = _Fonts(body, bold, small,
                                      header_height=QFontMetrics(bold).height() + 2,
                                      day_height=QFontMetrics(small).height() + 14)
        return self._font_cache

    def _bubble_width(self, total: int) -> int:
        return max(120, int((total - 2 * self.MARGIN) * (1 - self.INDENT)))

    def _text_width(self, total: int) -> int:
        return max(40, self._bubble_width(total) - 2 * self.PADDING_X)

    def _day_height(self) -> int:
        return self._fonts().day_height

    def _header_height(self) -> int:
        return self._fonts().header_height

    def _geometry(self, rect: QRect, row: MessageRow, day_start: bool) -> _Geometry:
        day_height = self._day_height() if day_start else 0
        day = QRect(rect.left(), rect.top(), rect.width(), day_height)
        bubble_width = self._bubble_width(rect.width())
        left = (rect.right() - self.MARGIN - bubble_width + 1 if row.own
                else rect.left() + self.MARGIN)
        bubble = QRect(left, rect.top() + day_height + self.GAP, bubble_width,
                       rect.height() - day_height - 2 * self.GAP)
        inner = bubble.adjusted(self.PADDING_X, self.PADDING_Y, -self.PADDING_X, -self.PADDING_Y)
        header = QRect(inner.left(), inner.top(), inner.width(), self._header_height())
        body = QRect(inner.left(), header.bottom() + 1, inner.width(),
                     inner.bottom() - header.bottom())
        return _Geometry(day, bubble, header, body)

    def document(self, row: MessageRow, width: int) -> QTextDocument:
        """The laid-out body of ``row`` at text width ``width`` (cached)."""
        cache_key = (row.key, width)
        document = self._documents.get(cache_key)
        if document is not None:
            self._documents.move_to_end(cache_key)
            return document
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(self._fonts().body)
        option = QTextOption()
        # Long words and URLs must wrap too, or they would run off the bubble.
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        document.setDefaultTextOption(option)
        link = self._view.palette().color(QPalette.ColorRole.Link)
        document.setDefaultStyleSheet(f"a {{ color: {link.name()}; }}")
        document.setHtml(body_html(row.body))
        document.setTextWidth(width)
        self._documents[cache_key] = document
        if len(self._documents) > _DOCUMENT_CACHE_SIZE:
            self._documents.popitem(last=False)
        return document

    def invalidate(self) -> None:
        """Forget cached fonts and layouts (after a font or palette change)."""
        self._font_cache = None
        self._documents.clear()
        self._heights.clear()

    def row_height(self, row: MessageRow, day_start: bool, width: int) -> int:
        """The height of ``row`` in a view ``width`` pixels wide (cached).

        This is the expensive call (it lays out the text), made once per
        message and width; the view calls it directly rather than through
        :meth:`sizeHint` to skip two model look-ups per row.
        """
        if width != self._heights_width:
            self._heights.clear()  # every wrap changes with the width
            self._heights_width = width
        cache_key = (row.key, day_start)
        height = self._heights.get(cache_key)
        if height is None:
            text_height = self.document(row, self._text_width(width)).size().height()
            height = (int(text_height + 0.999) + self._header_height() + 2 * self.PADDING_Y
                      + 2 * self.GAP + (self._day_height() if day_start else 0))
            self._heights[cache_key] = height
        return height

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        viewport = self._view.viewport()
        width = viewport.width() if viewport is not None else 0
        return QSize(width, self.row_height(index.data(Roles.ROW),
                                            bool(index.data(Roles.DAY_START)), width))

    # -- painting

    def paint(self, painter: QPainter | None, option: QStyleOptionViewItem,
              index: QModelIndex) -> None:
        assert painter is not None
        row: MessageRow = index.data(Roles.ROW)
        geometry = self._geometry(option.rect, row, bool(index.data(Roles.DAY_START)))
        palette = option.palette
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        fonts = self._fonts()
        bold_font, small_font = fonts.bold, fonts.small
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        if not geometry.day.isEmpty():
            self._paint_day(painter, geometry.day, row.day, small_font, blend(base, text, 0.55))

        fill = blend(base, highlight, 0.16) if row.own else blend(base, text, 0.06)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(highlight if selected else Qt.PenStyle.NoPen)
        painter.setBrush(blend(fill, highlight, 0.25) if selected else fill)
        painter.drawRoundedRect(QRectF(geometry.bubble).adjusted(0.5, 0.5, -0.5, -0.5), 7, 7)

        # Header: sender, then time and delivery state, right-aligned.
        header = geometry.header
        status = self._status_text(row)
        painter.setFont(small_font)
        muted = blend(base, text, 0.6)
        painter.setPen(QColor("#c0392b") if row.state is RowState.FAILED else muted)
        time_text = _local_time_text(row)
        right_text = f"{status}  {time_text}" if status else time_text
        small_metrics = QFontMetrics(small_font)
        right_width = small_metrics.horizontalAdvance(right_text)
        painter.drawText(header, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         right_text)
        painter.setFont(bold_font)
        painter.setPen(text)
        name_width = max(0, header.width() - right_width - 10)
        sender = QFontMetrics(bold_font).elidedText(row.sender, Qt.TextElideMode.ElideRight,
                                                    name_width)
        painter.drawText(QRect(header.left(), header.top(), name_width, header.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, sender)

        # Body; while the selection editor is open over it, the editor draws.
        document = self.document(row, geometry.body.width())
        painter.translate(QPointF(geometry.body.topLeft()))
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text,
                                 muted if row.state is RowState.PENDING else text)
        context.clip = QRectF(0, 0, geometry.body.width(), geometry.body.height())
        layout = document.documentLayout()
        assert layout is not None
        layout.draw(painter, context)
        painter.restore()

    def _paint_day(self, painter: QPainter, rect: QRect, day: date, font: QFont,
                   colour: QColor) -> None:
        label = self._day_text(day)
        painter.setFont(font)
        painter.setPen(colour)
        metrics = QFontMetrics(font)
        label_width = metrics.horizontalAdvance(label) + 16
        middle = rect.center().y()
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        left_end = rect.center().x() - label_width // 2
        right_start = rect.center().x() + label_width // 2
        painter.setPen(blend(colour, self._view.palette().color(QPalette.ColorRole.Base), 0.6))
        painter.drawLine(rect.left() + self.MARGIN * 2, middle, left_end, middle)
        painter.drawLine(right_start, middle, rect.right() - self.MARGIN * 2, middle)

    def _day_text(self, day: date) -> str:
        today = date.today()
        if day == today:
            return self.tr("Today")
        if day == today - timedelta(days=1):
            return self.tr("Yesterday")
        return QLocale().toString(QDate(day.year, day.month, day.day),
                                  QLocale.FormatType.LongFormat)

    def _status_text(self, row: MessageRow) -> str:
        if row.state is RowState.PENDING:
            return self.tr("\u231b sending\u2026")
        if row.state is RowState.FAILED:
            return self.tr("not sent: %1").replace("%1", describe_error(row.error))
        return ""

    # -- hit-testing

    def body_rect(self, option_rect: QRect, index: QModelIndex) -> QRect:
        """Where the body text of ``index`` is, in view coordinates."""
        row: MessageRow = index.data(Roles.ROW)
        return self._geometry(option_rect, row, bool(index.data(Roles.DAY_START))).body

    def link_at(self, option_rect: QRect, index: QModelIndex, position: QPointF) -> str | None:
        """The target of the link under ``position`` (view coordinates), if any."""
        row: MessageRow = index.data(Roles.ROW)
        body = self.body_rect(option_rect, index)
        if not QRectF(body).contains(position):
            return None
        layout = self.document(row, body.width()).documentLayout()
        assert layout is not None
        anchor = layout.anchorAt(position - QPointF(body.topLeft()))
        return anchor or None

    # -- the selection editor

    def createEditor(self, parent: QWidget | None, option: QStyleOptionViewItem,
                     index: QModelIndex) -> QWidget:
        row: MessageRow = index.data(Roles.ROW)
        browser = QTextBrowser(parent)
        browser.setFrameShape(QFrame.Shape.NoFrame)
        browser.setOpenLinks(False)
        browser.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        browser.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The bubble behind it stays visible, so the text does not jump.
        browser.viewport().setAutoFillBackground(False)  # type: ignore[union-attr]
        browser.setStyleSheet("QTextBrowser { background: transparent; }")
        document = self.document(row, self.body_rect(option.rect, index).width()).clone(browser)
        browser.setDocument(document)
        browser.anchorClicked.connect(self.link_activated)
        return browser

    def setEditorData(self, editor: QWidget | None, index: QModelIndex) -> None:
        pass  # the document was set when the editor was made

    def setModelData(self, editor: QWidget | None, model: QAbstractItemModel | None,
                     index: QModelIndex) -> None:
        pass  # read-only: nothing to write back

    def updateEditorGeometry(self, editor: QWidget | None, option: QStyleOptionViewItem,
                             index: QModelIndex) -> None:
        assert editor is not None
        editor.setGeometry(self.body_rect(option.rect, index))


def _local_time_text(row: MessageRow) -> str:
    moment = row.local_time
    return QLocale().toString(QTime(moment.hour, moment.minute), QLocale.FormatType.ShortFormat)


class ConversationDelegate(QStyledItemDelegate):
    """Paints a conversation entry: presence dot, name, unread badge."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), QFontMetrics(option.font).height() + 14))

    def paint(self, painter: QPainter | None, option: QStyleOptionViewItem,
              index: QModelIndex) -> None:
        assert painter is not None
        entry: ConversationEntry = index.data(Roles.ROW)
        name = index.data(Qt.ItemDataRole.DisplayRole)
        # Let the style draw the selection and hover backgrounds.
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter,
                              option.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(8, 0, -8, 0)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_colour = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dot = 9
        if entry.conversation is None:
            # The general room's square, in the text colour when selected
            # (the usual blue would vanish into a blue highlight).
            marker = text_colour if selected else QColor("#3d7ab8")
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(marker)
            painter.drawRoundedRect(QRectF(rect.left(), rect.center().y() - dot / 2, dot, dot),
                                    2, 2)
        else:
            # Online: the status's colour (available, away, busy); offline: a ring.
            painter.setPen(Qt.PenStyle.NoPen if entry.online else QColor("#9a9a9a"))
            painter.setBrush(status_colour(entry.status) if entry.online
                             else Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QRectF(rect.left() + 0.5, rect.center().y() - dot / 2 + 0.5,
                                       dot - 1, dot - 1))
        left = rect.left() + dot + 8
        badge_width = 0
        if entry.unread:
            badge_text = str(entry.unread) if entry.unread < 1000 else "999+"
            bold = QFont(option.font)
            bold.setBold(True)
            bold_metrics = QFontMetrics(bold)
            badge_height = bold_metrics.height() + 2
            badge_width = max(badge_height, bold_metrics.horizontalAdvance(badge_text) + 12)
            badge = QRectF(rect.right() - badge_width, rect.center().y() - badge_height / 2,
                           badge_width, badge_height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#d9534f"))
            painter.drawRoundedRect(badge, badge_height / 2, badge_height / 2)
            painter.setPen(QColor("white"))
            painter.setFont(bold)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, badge_text)
        font = QFont(option.font)
        font.setBold(entry.unread > 0)
        painter.setFont(font)
        painter.setPen(text_colour if entry.online or entry.conversation is None
                       else blend(text_colour, option.palette.color(QPalette.ColorRole.Base), 0.35))
        name_rect = QRect(left, rect.top(), rect.right() - left - badge_width - 6, rect.height())
        shown = QFontMetrics(font).elidedText(name, Qt.TextElideMode.ElideRight,
                                              name_rect.width())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         shown)
        if entry.status_text and entry.online:
            # The status text, muted, in what room the name leaves.
            text_left = left + QFontMetrics(font).horizontalAdvance(shown) + 8
            text_rect = QRect(text_left, rect.top(), name_rect.right() - text_left,
                              rect.height())
            if text_rect.width() > 24:
                painter.setFont(option.font)
                painter.setPen(blend(text_colour, option.palette.color(QPalette.ColorRole.Base),
                                     0.45))
                painter.drawText(text_rect,
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 QFontMetrics(option.font).elidedText(
                                     entry.status_text, Qt.TextElideMode.ElideRight,
                                     text_rect.width()))
        painter.restore()
