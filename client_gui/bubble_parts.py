"""The parts of a message bubble that version 2 adds, measured and painted.

:class:`~client_gui.delegates.MessageDelegate` draws the bubble; these are
the pieces that come and go with what happened to a message:

* the quoted strip of the message it answers (its sender and first line,
  "Message deleted" once that is gone), clicked to jump there;
* reaction chips under the body, one per emoji with its count, mine
  tinted, clicked to toggle mine;
* delivery marks in the header: one tick when the server stored my message,
  two when the other end of a direct conversation read it; "seen by N" on
  my last message in a room.

Each is a pure function of the row and the fonts, so the delegate can use
the same layout to measure, to paint and to hit-test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from PyQt6.QtCore import QPointF, QRect, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetrics, QPainter

from protocol.objects import Reaction

__all__ = ["CHIP_GAP", "Quote", "chip_layout", "paint_chips", "paint_quote", "quote_height"]

#: Space between chips, and between the body and the first row of chips.
CHIP_GAP: Final = 4
#: The width of the bar left of a quote.
_QUOTE_BAR: Final = 3


@dataclass(frozen=True, slots=True)
class Quote:
    """What the strip of a reply shows of the message it answers.

    ``sender`` is empty when that message is not loaded (older than the
    pages read so far): the strip then says so, and a click loads pages
    until it is found.
    """

    sender: str
    text: str
    deleted: bool = False


def quote_height(small: QFont) -> int:
    """The strip's height: two lines of the small font and a little air."""
    return 2 * QFontMetrics(small).height() + 6


def paint_quote(painter: QPainter, rect: QRect, sender: str, text: str, accent: QColor,
                fill: QColor, muted: QColor, small: QFont) -> None:
    """Draw a quote strip: an accent bar, the sender in bold, one line of text."""
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(QRectF(rect), 4, 4)
    painter.setBrush(accent)
    painter.drawRect(QRectF(rect.left(), rect.top(), _QUOTE_BAR, rect.height()))
    metrics = QFontMetrics(small)
    inner = rect.adjusted(_QUOTE_BAR + 6, 3, -6, -3)
    line = metrics.height()
    bold = QFont(small)
    bold.setBold(True)
    painter.setFont(bold)
    painter.setPen(accent)
    painter.drawText(QRect(inner.left(), inner.top(), inner.width(), line),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     QFontMetrics(bold).elidedText(sender, Qt.TextElideMode.ElideRight,
                                                   inner.width()))
    painter.setFont(small)
    painter.setPen(muted)
    first_line = text.split("\n", 1)[0]
    painter.drawText(QRect(inner.left(), inner.top() + line, inner.width(), line),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     metrics.elidedText(first_line, Qt.TextElideMode.ElideRight, inner.width()))
    painter.restore()


def _chip_text(reaction: Reaction) -> str:
    return f"{reaction.emoji} {len(reaction.users)}"


def chip_layout(reactions: Sequence[Reaction], width: int,
                font: QFont) -> tuple[list[tuple[QRect, Reaction]], int]:
    """Where each chip goes in a block ``width`` wide starting at (0, 0),
    wrapping to more lines as needed; and the block's height (0: none)."""
    if not reactions:
        return [], 0
    metrics = QFontMetrics(font)
    height = metrics.height() + 6
    placed: list[tuple[QRect, Reaction]] = []
    x = y = 0
    for reaction in reactions:
        chip_width = metrics.horizontalAdvance(_chip_text(reaction)) + 14
        if x > 0 and x + chip_width > width:
            x, y = 0, y + height + CHIP_GAP
        placed.append((QRect(x, y, chip_width, height), reaction))
        x += chip_width + CHIP_GAP
    return placed, y + height + CHIP_GAP


def paint_chips(painter: QPainter, origin: QPointF, placed: list[tuple[QRect, Reaction]],
                mine: frozenset[str], font: QFont, text: QColor, fill: QColor,
                mine_fill: QColor, mine_border: QColor) -> None:
    """Draw chips laid out by :func:`chip_layout` with their top left at ``origin``."""
    painter.save()
    painter.translate(origin)
    painter.setFont(font)
    for rect, reaction in placed:
        is_mine = reaction.emoji in mine
        painter.setPen(mine_border if is_mine else Qt.PenStyle.NoPen)
        painter.setBrush(mine_fill if is_mine else fill)
        radius = rect.height() / 2
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
        painter.setPen(text)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, _chip_text(reaction))
    painter.restore()
