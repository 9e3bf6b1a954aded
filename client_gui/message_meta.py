"""The small print around a message: its day, its time, what became of it.

Above the first message of each local day the conversation shows a
separator ("Today", "Yesterday", or the date); at the right of each message
stand "edited" if it was, its local time, an icon while it is being sent or
after the server refused it (with the reason), and on my messages the ticks
of its receipt.  :class:`MessageMeta` words and draws these for
:class:`~client_gui.delegates.MessageDelegate`, which decides where they go.

They are apart from the bubble because they follow other things than the
message's text: the user's locale (QLocale formats slowly, so the times are
cached) and what the server said of the message after it was sent (stored,
read, refused).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from PyQt6.QtCore import QDate, QLocale, QModelIndex, QObject, QRect, Qt, QTime
from PyQt6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette

from .iconset import IconName, Tone, tone_color
from .iconset import paint as paint_icon
from .models import MessageRow, Roles, RowState
from .read_markers import Receipt
from .texts import describe_error
from .widgets import blend

__all__ = ["MessageMeta"]


class MessageMeta(QObject):
    """Words and draws the day separators and the time lines of messages.

    Args:
        parent: the delegate it works for.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: Local times as shown, by (hour, minute): QLocale formats slowly.
        self._times: dict[tuple[int, int], str] = {}

    def clear(self) -> None:
        """Forget the times as shown (after a language change)."""
        self._times.clear()

    def text(self, row: MessageRow) -> str:
        """"edited" and the time, as drawn at the right of the row."""
        moment = row.local_time
        time_text = self._times.get((moment.hour, moment.minute))
        if time_text is None:
            time_text = _local_time_text(row)
            self._times[moment.hour, moment.minute] = time_text
        if row.edited and not row.deleted:
            time_text = self.tr("edited") + "  " + time_text
        return time_text

    def width(self, row: MessageRow, metrics: QFontMetrics, icon_size: int) -> int:
        """The width of the time (state icon, receipt) drawn beside the text.

        My stored messages keep room for the widest receipt (two ticks and
        a count of readers), so that a receipt arriving changes no layout.
        """
        width = metrics.horizontalAdvance(self.text(row))
        if _STATE_ICONS.get(row.state) is not None:
            width += icon_size + 3
        if row.own and row.state is RowState.SENT:
            width += metrics.horizontalAdvance(_WIDEST_RECEIPT)
        return width

    def paint(self, painter: QPainter, rect: QRect, row: MessageRow, index: QModelIndex,
              font: QFont, metrics: QFontMetrics, icon_size: int, muted: QColor,
              palette: QPalette) -> int:
        """Draw the time, state and receipt of ``row``, right-aligned in
        ``rect`` (the refusal's reason before them).

        Returns:
            The width they took, from the right end of ``rect``.
        """
        status = self._status_text(row)
        painter.setFont(font)
        painter.setPen(tone_color(Tone.NEGATIVE, palette) if row.state is RowState.FAILED
                       else muted)
        time_text = self.text(row) + self._receipt_text(index)
        right_text = f"{status}  {time_text}" if status else time_text
        right_width = metrics.horizontalAdvance(right_text)
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         right_text)
        state_icon = _STATE_ICONS.get(row.state)
        if state_icon is not None:
            name, tone = state_icon
            side = icon_size
            paint_icon(painter, QRect(rect.right() - right_width - 3 - side + 1,
                                      rect.center().y() - side // 2, side, side),
                       name, muted if tone is Tone.MUTED else tone_color(tone, palette))
            right_width += side + 3
        return right_width

    def paint_day(self, painter: QPainter, rect: QRect, day: date, font: QFont,
                  colour: QColor, base: QColor, inset: int) -> None:
        """Draw the separator of ``day`` across ``rect``: its name between
        two lines that stop ``inset`` short of the edges."""
        label = self._day_text(day)
        painter.setFont(font)
        painter.setPen(colour)
        metrics = QFontMetrics(font)
        label_width = metrics.horizontalAdvance(label) + 16
        middle = rect.center().y()
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        left_end = rect.center().x() - label_width // 2
        right_start = rect.center().x() + label_width // 2
        painter.setPen(blend(colour, base, 0.6))
        painter.drawLine(rect.left() + inset, middle, left_end, middle)
        painter.drawLine(right_start, middle, rect.right() - inset, middle)

    def _day_text(self, day: date) -> str:
        today = date.today()
        if day == today:
            return self.tr("Today")
        if day == today - timedelta(days=1):
            return self.tr("Yesterday")
        return QLocale().toString(QDate(day.year, day.month, day.day),
                                  QLocale.FormatType.LongFormat)

    @staticmethod
    def _receipt_text(index: QModelIndex) -> str:
        """Ticks after the time of my message: one once stored, two once read
        (direct); in a room, two and how many read it (their names are the
        row's tooltip)."""
        receipt = index.data(Roles.RECEIPT)
        if receipt is not None:
            return "  \u2713\u2713" if receipt is Receipt.READ else "  \u2713"
        seen = index.data(Roles.SEEN_BY)
        return f"  \u2713\u2713 {len(seen)}" if seen else ""

    def _status_text(self, row: MessageRow) -> str:
        if row.state is RowState.FAILED:
            return self.tr("not sent: %1").replace("%1", describe_error(row.error))
        return ""


def _local_time_text(row: MessageRow) -> str:
    moment = row.local_time
    return QLocale().toString(QTime(moment.hour, moment.minute), QLocale.FormatType.ShortFormat)


#: The icon beside the time of a message in each state, and its colour.
_STATE_ICONS: Final[dict[RowState, tuple[IconName, Tone]]] = {
    RowState.PENDING: (IconName.SENDING, Tone.MUTED),
    RowState.FAILED: (IconName.FAILED, Tone.NEGATIVE),
}
#: The widest receipt after the time of my message (see ``_receipt_text``):
#: room is kept for it so that a receipt arriving changes no layout.
_WIDEST_RECEIPT: Final = "  \u2713\u2713 99"
