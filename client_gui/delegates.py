"""Painting messages and conversation entries.

:class:`MessageDelegate` draws one message as a bubble: a day separator
above the first message of each local day, then sender and local time, then
the body laid out by :class:`~client_gui.message_text.MessageText` (so long
text wraps and links look like links).  Measuring a message means laying out
its text, which is the expensive part of showing a long conversation, so
heights are cached per message and width, and the laid-out texts of the rows
on screen are kept in a small LRU cache.

The day separators and the small print at the right of a message (time,
"edited", state icon, ticks) are worded and drawn by
:class:`~client_gui.message_meta.MessageMeta`; the delegate places them.

The same geometry serves hit-testing (:meth:`MessageDelegate.link_at`,
:meth:`~MessageDelegate.quote_at`, :meth:`~MessageDelegate.reaction_at`) and
the read-only text browser that opens over a message to select part of its
text (:meth:`MessageDelegate.createEditor`).  The parts version 2 adds (a
reply's quoted strip, reaction chips, ticks) are :mod:`client_gui.bubble_parts`;
a message keeps its place in the caches until its ``seq`` changes.

The conversation list's entries are painted by
:class:`client_gui.conversation_delegate.ConversationDelegate`.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from html import escape
from typing import Final

from PyQt6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QUrl,
    pyqtSignal,
)
from PyQt6.QtGui import (
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

from .bubble_parts import Quote, chip_layout, paint_chips, paint_quote, quote_height
from .file_cards import FileAction, FileCards, FileServices
from .linkify import body_html
from .message_meta import MessageMeta
from .message_text import MessageText, text_height
from .models import MessageRow, Placement, Roles, RowState
from .widgets import blend

__all__ = ["MessageDelegate"]

_TEXT_CACHE_SIZE: Final = 300


@dataclass(frozen=True, slots=True)
class _Fonts:
    """The fonts of a message and the sizes that follow from them."""

    body: QFont
    italic: QFont  # "Message deleted"
    bold: QFont
    small: QFont
    small_metrics: QFontMetrics
    bold_metrics: QFontMetrics
    header_height: int
    day_height: int
    icon_size: int  # a state icon beside the time


@dataclass(frozen=True, slots=True)
class _Geometry:
    """Where the parts of one message go inside its row."""

    day: QRect  # empty when the row does not start a day
    bubble: QRect
    header: QRect  # the sender's line; empty when the row has none
    body: QRect  # the text, then the file below it
    meta: QRect  # state icon, time and receipt: the header's right end, or beside the body
    quote: QRect  # empty when the message answers none
    reactions: QRect  # empty without reactions


class MessageDelegate(QStyledItemDelegate):
    """Measures and paints message rows of a :class:`MessageListModel`.

    A row whose sender wrote the row above a moment before (it
    :attr:`~client_gui.models.Placement.CONTINUES`) has no name line, and
    neither have my own messages: their time, state icon and receipt sit at
    the right of the text's first line instead.  A refused message keeps a
    line of its own for the reason.  A reply's quoted strip comes first, a
    file below the text, reactions at the bottom.

    Args:
        view: the view it paints for; its viewport width decides wrapping.

    Signals:
        link_activated(QUrl): a link was clicked inside the selection editor.
    """

    link_activated = pyqtSignal(QUrl)

    MARGIN = 8  # between bubble and view edge
    GAP_ABOVE = 5  # above a bubble that starts a group
    GAP_WITHIN = 1  # above a bubble that continues one
    GAP_BELOW = 1
    PADDING_X = 9
    PADDING_Y = 5
    INDENT = 0.14  # the share of the width by which a bubble is pushed aside
    META_GAP = 8  # between the text and a time beside it

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        self._texts: OrderedDict[tuple[str, int, str, bool, int], MessageText] = OrderedDict()
        self._heights: dict[tuple[MessageRow, int, object], int] = {}
        #: The day separators and the time lines of messages.
        self.meta = MessageMeta(self)
        self._heights_width = -1
        self._font_cache: _Fonts | None = None
        #: Draws the files of messages, once the session's file services
        #: are known (:meth:`set_file_services`); None: files show as text.
        self.files: FileCards | None = None

    def set_file_services(self, services: FileServices) -> None:
        """Draw files as pictures and cards, and senders with their pictures."""
        self.files = FileCards(services, self)
        self.invalidate()

    # -- geometry

    def _fonts(self) -> _Fonts:
        if self._font_cache is None:
            body = self._view.font()
            italic = QFont(body)
            italic.setItalic(True)
            bold = QFont(body)
            bold.setBold(True)
            small = QFont(body)
            small.setPointSizeF(max(6.0, body.pointSizeF() * 0.85))
            small_metrics, bold_metrics = QFontMetrics(small), QFontMetrics(bold)
            self._font_cache = _Fonts(body, italic, bold, small, small_metrics, bold_metrics,
                                      header_height=bold_metrics.height() + 2,
                                      day_height=small_metrics.height() + 14,
                                      icon_size=small_metrics.height())
        return self._font_cache

    def _bubble_width(self, total: int) -> int:
        return max(120, int((total - 2 * self.MARGIN) * (1 - self.INDENT)))

    @staticmethod
    def has_header(row: MessageRow, placement: int) -> bool:
        """Whether ``row`` gets a line above its text (sender, or why it was refused)."""
        return row.state is RowState.FAILED or not (row.own or placement & Placement.CONTINUES)

    def _geometry(self, rect: QRect, row: MessageRow, placement: int) -> _Geometry:
        fonts = self._fonts()
        day_height = fonts.day_height if placement & Placement.DAY_START else 0
        day = QRect(rect.left(), rect.top(), rect.width(), day_height)
        gap = self.GAP_WITHIN if placement & Placement.CONTINUES else self.GAP_ABOVE
        bubble_width = self._bubble_width(rect.width())
        left = (rect.right() - self.MARGIN - bubble_width + 1 if row.own
                else rect.left() + self.MARGIN)
        bubble = QRect(left, rect.top() + day_height + gap, bubble_width,
                       rect.height() - day_height - gap - self.GAP_BELOW)
        inner = bubble.adjusted(self.PADDING_X, self.PADDING_Y, -self.PADDING_X, -self.PADDING_Y)
        header = QRect()
        top = inner.top()
        if self.has_header(row, placement):
            header = QRect(inner.left(), top, inner.width(), fonts.header_height)
            top = header.bottom() + 1
        quote = QRect(inner.left(), top, inner.width(), self._quote_height(row))
        if quote.height():
            top = quote.bottom() + 3
        chips = self._chips_height(row, inner.width())
        height = inner.bottom() - chips - top + 1
        if not header.isEmpty():
            body = QRect(inner.left(), top, inner.width(), height)
            meta = header
        else:
            meta_width = self.meta.width(row, fonts.small_metrics, fonts.icon_size)
            body = QRect(inner.left(), top, max(40, inner.width() - meta_width - self.META_GAP),
                         height)
            meta = QRect(inner.right() - meta_width + 1, top, meta_width,
                         fonts.bold_metrics.height())
        reactions = QRect(inner.left(), body.bottom() + 1, inner.width(), chips)
        return _Geometry(day, bubble, header, body, meta, quote, reactions)

    def _quote_height(self, row: MessageRow) -> int:
        return 0 if row.reply_to is None or row.deleted else quote_height(self._fonts().small)

    def _chips_height(self, row: MessageRow, width: int) -> int:
        return chip_layout(row.reactions, width, self._fonts().body)[1]

    def _shown_text(self, row: MessageRow) -> tuple[str, QFont]:
        """The text drawn as the body of ``row``, and its font."""
        fonts = self._fonts()
        if row.deleted:
            return self.tr("Message deleted"), fonts.italic
        return row.body, fonts.body

    def text(self, row: MessageRow, width: int) -> MessageText:
        """The laid-out body of ``row`` at text width ``width`` (cached:
        the rows on screen are painted and hit-tested again and again)."""
        cache_key = (row.key, row.seq, row.body, row.deleted, width)
        text = self._texts.get(cache_key)
        if text is not None:
            self._texts.move_to_end(cache_key)
            return text
        shown, font = self._shown_text(row)
        text = MessageText(shown, font, width,
                           self._view.palette().color(QPalette.ColorRole.Link),
                           links=not row.deleted)
        self._texts[cache_key] = text
        if len(self._texts) > _TEXT_CACHE_SIZE:
            self._texts.popitem(last=False)
        return text

    def document(self, row: MessageRow, width: int) -> QTextDocument:
        """The body of ``row`` as a document ``width`` wide, for the selection
        editor (made when it opens; it breaks lines as :meth:`text` does)."""
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(self._fonts().body)
        option = QTextOption()
        # Long words and URLs must wrap too, or they would run off the bubble.
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        document.setDefaultTextOption(option)
        link = self._view.palette().color(QPalette.ColorRole.Link)
        document.setDefaultStyleSheet(f"a {{ color: {link.name()}; }}")
        if row.deleted:
            document.setHtml(f"<i>{escape(self.tr('Message deleted'))}</i>")
        else:
            document.setHtml(body_html(row.body))
        document.setTextWidth(width)
        return document

    def invalidate(self) -> None:
        """Forget cached fonts and layouts (after a font, palette or language change)."""
        self._font_cache = None
        self._texts.clear()
        self._heights.clear()
        self.meta.clear()

    def row_height(self, row: MessageRow, placement: int, width: int) -> int:
        """The height of ``row`` in a view ``width`` pixels wide (cached).

        This is the expensive call (it lays out the text), made once per
        message and width; the view calls it directly rather than through
        :meth:`sizeHint` to skip two model look-ups per row.
        """
        if width != self._heights_width:
            self._heights.clear()  # every wrap changes with the width
            self._heights_width = width
        files = self._files_of(row)
        # A picture's height is known once it is here: part of the key.
        cache_key = (row, placement, None if files is None else files.height_key(row))
        height = self._heights.get(cache_key)
        if height is None:
            # What _geometry places, without the rectangles: this runs for
            # every message that arrives.
            fonts = self._fonts()
            inner_width = self._bubble_width(width) - 2 * self.PADDING_X
            header = self.has_header(row, placement)
            text_width = (inner_width if header else
                          max(40, inner_width - self.meta.width(row, fonts.small_metrics,
                                                                fonts.icon_size) - self.META_GAP))
            content = self._text_height(row, text_width)
            if files is not None:
                content += files.height(row, text_width, fonts.body)
            if header:
                content += fonts.header_height
            else:
                content = max(content, fonts.bold_metrics.height())  # the time beside it
            quote = self._quote_height(row)
            if quote:
                content += quote + 2
            if row.reactions:
                content += self._chips_height(row, inner_width)
            gap = self.GAP_WITHIN if placement & Placement.CONTINUES else self.GAP_ABOVE
            height = (content + 2 * self.PADDING_Y + gap + self.GAP_BELOW
                      + (fonts.day_height if placement & Placement.DAY_START else 0))
            self._heights[cache_key] = height
        return height

    def _files_of(self, row: MessageRow) -> FileCards | None:
        """What draws the file of ``row``; None when it has none to show
        (no file, deleted, or no file services)."""
        return None if row.file is None or row.deleted else self.files

    def _text_height(self, row: MessageRow, width: int) -> int:
        """The height of the body text; none for a file without a caption."""
        if not row.body and self._files_of(row) is not None:
            return 0
        text = self._texts.get((row.key, row.seq, row.body, row.deleted, width))
        if text is not None:
            return text.height
        # Measured once per message and width: not worth keeping the layout.
        return text_height(*self._shown_text(row), width)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        viewport = self._view.viewport()
        width = viewport.width() if viewport is not None else 0
        return QSize(width, self.row_height(index.data(Roles.ROW),
                                            index.data(Roles.PLACEMENT), width))

    # -- painting

    def paint(self, painter: QPainter | None, option: QStyleOptionViewItem,
              index: QModelIndex) -> None:
        assert painter is not None
        row: MessageRow = index.data(Roles.ROW)
        placement: int = index.data(Roles.PLACEMENT)
        geometry = self._geometry(option.rect, row, placement)
        palette = option.palette
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        fonts = self._fonts()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        if not geometry.day.isEmpty():
            self.meta.paint_day(painter, geometry.day, row.day, fonts.small,
                                blend(base, text, 0.55),
                                self._view.palette().color(QPalette.ColorRole.Base),
                                self.MARGIN * 2)

        fill = blend(base, highlight, 0.16) if row.own else blend(base, text, 0.06)
        if row.mentions_me:  # a message that calls me stands out
            fill = blend(fill, QColor("#f2c037"), 0.3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(highlight if selected else Qt.PenStyle.NoPen)
        painter.setBrush(blend(fill, highlight, 0.25) if selected else fill)
        painter.drawRoundedRect(QRectF(geometry.bubble).adjusted(0.5, 0.5, -0.5, -0.5), 7, 7)

        # Time, state and receipt, right-aligned (in the header, or beside the text).
        muted = blend(base, text, 0.6)
        right_width = self.meta.paint(painter, geometry.meta, row, index, fonts.small,
                                      fonts.small_metrics, fonts.icon_size, muted, palette)
        if not geometry.header.isEmpty() and not row.own:
            header = geometry.header
            if self.files is not None:
                # The sender's picture, before the name.
                size = header.height() - 2
                picture = self.files.services.avatars.pixmap(row.sender, size)
                painter.drawPixmap(header.left(), header.top() + 1, picture)
                header = header.adjusted(size + 5, 0, 0, 0)
            painter.setFont(fonts.bold)
            painter.setPen(text)
            name_width = max(0, header.width() - right_width - 10)
            sender = fonts.bold_metrics.elidedText(row.sender, Qt.TextElideMode.ElideRight,
                                                   name_width)
            painter.drawText(QRect(header.left(), header.top(), name_width, header.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, sender)

        if not geometry.quote.isEmpty():
            quote: Quote | None = index.data(Roles.QUOTE)
            accent = palette.color(QPalette.ColorRole.Link)
            sender, excerpt = ((quote.sender, self.tr("Message deleted") if quote.deleted
                                else quote.text) if quote is not None
                               else ("", self.tr("An earlier message (click to find it)")))
            paint_quote(painter, geometry.quote, sender, excerpt, accent,
                        blend(fill, text, 0.07), muted, fonts.small)
        if not geometry.reactions.isEmpty():
            placed, _ = chip_layout(row.reactions, geometry.reactions.width(), fonts.body)
            paint_chips(painter, QPointF(geometry.reactions.topLeft()), placed,
                        row.my_reactions, fonts.body, text, blend(fill, text, 0.08),
                        blend(fill, highlight, 0.3), highlight)

        # The file, below the caption.
        files = self._files_of(row)
        if files is not None:
            painter.save()
            files.paint(painter, self._file_rect(geometry.body, row), row, fonts.body, palette)
            painter.restore()
            if not row.body:
                painter.restore()
                return
        # Body; while the selection editor is open over it, the editor draws.
        painter.setClipRect(geometry.body, Qt.ClipOperation.IntersectClip)
        self.text(row, geometry.body.width()).draw(
            painter, QPointF(geometry.body.topLeft()),
            muted if row.deleted or row.state is RowState.PENDING else text)
        painter.restore()

    # -- hit-testing

    def body_rect(self, option_rect: QRect, index: QModelIndex) -> QRect:
        """Where the body text of ``index`` is, in view coordinates."""
        row: MessageRow = index.data(Roles.ROW)
        return self._geometry(option_rect, row, index.data(Roles.PLACEMENT)).body

    def _file_rect(self, body: QRect, row: MessageRow) -> QRect:
        """Where the file goes in a body rect: below the caption."""
        top = body.top() + self._text_height(row, body.width())
        return QRect(body.left(), top, body.width(), body.bottom() - top + 1)

    def file_action_at(self, option_rect: QRect, index: QModelIndex,
                       position: QPoint) -> FileAction | None:
        """What a click at ``position`` (view coordinates) on a message's file asks for."""
        row: MessageRow = index.data(Roles.ROW)
        files = self._files_of(row)
        if files is None:
            return None
        body = self.body_rect(option_rect, index)
        return files.action_at(self._file_rect(body, row), row, self._fonts().body, position)

    def quote_at(self, option_rect: QRect, index: QModelIndex, position: QPointF) -> int | None:
        """The id of the message a reply answers, if ``position`` is on its strip."""
        row: MessageRow = index.data(Roles.ROW)
        geometry = self._geometry(option_rect, row, index.data(Roles.PLACEMENT))
        return row.reply_to if QRectF(geometry.quote).contains(position) else None

    def reaction_at(self, option_rect: QRect, index: QModelIndex,
                    position: QPointF) -> str | None:
        """The emoji of the reaction chip under ``position``, if any."""
        row: MessageRow = index.data(Roles.ROW)
        area = self._geometry(option_rect, row, index.data(Roles.PLACEMENT)).reactions
        if not QRectF(area).contains(position):
            return None
        placed, _ = chip_layout(row.reactions, area.width(), self._fonts().body)
        point = (position - QPointF(area.topLeft())).toPoint()
        return next((r.emoji for rect, r in placed if rect.contains(point)), None)

    def link_at(self, option_rect: QRect, index: QModelIndex, position: QPointF) -> str | None:
        """The target of the link under ``position`` (view coordinates), if any."""
        row: MessageRow = index.data(Roles.ROW)
        body = self.body_rect(option_rect, index)
        if not QRectF(body).contains(position):
            return None
        return self.text(row, body.width()).link_at(position - QPointF(body.topLeft()))

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
