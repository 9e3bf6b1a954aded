"""Painting the entries of the conversation list (and of a room's members).

:class:`ConversationDelegate` draws one
:class:`~client_gui.models.ConversationEntry`: a presence dot (on the
user's picture where pictures are known), a square with a group of people
for the general room or a hash sign for a room, the name and the user's
status text, and the unread badge.  Apart from :mod:`client_gui.delegates`,
which paints messages.
"""

from __future__ import annotations

from PyQt6.QtCore import QModelIndex, QRect, QRectF, QSize, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PyQt6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from .iconset import IconName, Tone, tone_color
from .iconset import paint as paint_icon
from .conversation_models import ConversationEntry
from .models import Roles
from .previews import Avatars
from .status import status_colour
from .widgets import blend

__all__ = ["ConversationDelegate"]

#: The smallest general-room square that has room for its glyph (pixels);
#: the 9-pixel dot of a list without pictures stays a plain square.
_GLYPH_MIN = 14


class ConversationDelegate(QStyledItemDelegate):
    """Paints a conversation entry: presence icon (on the user's picture, once
    :attr:`avatars` is set; a square with people for the general room, a hash
    sign for a room), name, unread badge."""

    #: The users' pictures (version 2 servers with files); None: dots only.
    avatars: Avatars | None = None

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        extra = 18 if self.avatars is not None else 14
        return QSize(size.width(), max(size.height(), QFontMetrics(option.font).height() + extra))

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
        # Where the users' pictures are shown, every entry's mark is as large.
        mark = rect.height() - 8 if self.avatars is not None else dot
        if entry.room is not None:
            # A room: a hash sign where people have their presence dot.
            hash_font = QFont(option.font)
            hash_font.setBold(True)
            painter.setFont(hash_font)
            painter.setPen(text_colour if selected else QColor("#7b5ea7"))
            painter.drawText(QRectF(rect.left() - 2, rect.top(), mark + 4, rect.height()),
                             Qt.AlignmentFlag.AlignCenter, "#")
            dot = mark
        elif entry.conversation is None:
            # The general room's square, in the text colour when selected
            # (the usual blue would vanish into a blue highlight).  Where it
            # is as large as a user's picture, a plain square read as a
            # picture that failed to load: it carries a group of people.
            dot = mark
            palette = option.palette
            marker = text_colour if selected else tone_color(Tone.ACCENT, palette)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(marker)
            top = rect.center().y() - dot // 2
            painter.drawRoundedRect(QRectF(rect.left(), top, dot, dot), dot / 4, dot / 4)
            if dot >= _GLYPH_MIN:
                inset = round(dot * 0.18)
                glyph = palette.color(QPalette.ColorRole.Highlight if selected
                                      else QPalette.ColorRole.Base)
                paint_icon(painter, QRect(rect.left() + inset, top + inset,
                                          dot - 2 * inset, dot - 2 * inset),
                           IconName.EVERYONE, glyph)
        else:
            # The status's colour (available, away, busy) while known to be
            # online; grey while offline, or while my own connection is down,
            # when it is only the last known (the tooltip says so).  A model
            # that does not say (a room's members) shows what it was told.
            known = index.data(Roles.PRESENCE_KNOWN) is not False
            muted = blend(option.palette.color(QPalette.ColorRole.Base),
                          option.palette.color(QPalette.ColorRole.Text), 0.45)
            colour = status_colour(entry.status) if entry.online and known else muted
            if self.avatars is not None:
                # The picture, with the presence dot on its lower right edge.
                size = mark
                top = rect.center().y() - size // 2
                painter.drawPixmap(rect.left(), top, self.avatars.pixmap(entry.name, size))
                painter.setPen(QColor(option.palette.color(QPalette.ColorRole.Base)))
                painter.setBrush(colour)
                painter.drawEllipse(QRectF(rect.left() + size - dot + 1, top + size - dot + 1,
                                           dot, dot))
                dot = size
            else:
                side = dot + 3
                paint_icon(painter, QRect(rect.left() - 1, rect.center().y() - side // 2,
                                          side, side),
                           IconName.ONLINE if entry.online else IconName.OFFLINE, colour)
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
        person = isinstance(entry.conversation, str)
        painter.setPen(text_colour if entry.online or not person
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
