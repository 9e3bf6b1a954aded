"""A message's text laid out once, to measure, paint and hit-test it.

Every message of a conversation is measured when it arrives (the view
needs every row's height to scroll), so measuring is the client's hottest
path when 10,000 older messages come in.  A :class:`~PyQt6.QtGui.QTextDocument`
per message (HTML built and parsed, a document made, laid out and thrown
away) cost most of that time; a :class:`~PyQt6.QtGui.QTextLayout` does the
same line breaking without either.  :func:`text_height` measures;
:class:`MessageText` keeps a layout for the rows on screen, draws it with
its links coloured and underlined, and says which link a point is on.
Measuring and painting lay out the same text the same way, so what is
measured is what is drawn; the read-only text browser that opens over a
message to select part of it still shows a document
(:func:`client_gui.linkify.body_html`), whose lines break the same way.
"""

from __future__ import annotations

import math
from typing import Final

from PyQt6.QtCore import QPointF
from PyQt6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QTextCharFormat,
    QTextLayout,
    QTextLine,
    QTextOption,
)

from .linkify import LINE_SEPARATOR, find_links

__all__ = ["MessageText", "text_height"]


def _wrapping() -> QTextOption:
    option = QTextOption()
    # Long words and URLs must wrap too, or they would run off the bubble.
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    return option


_OPTION: Final = _wrapping()


def _lay_out(layout: QTextLayout, width: float) -> float:
    """Break ``layout`` into lines ``width`` wide; returns the height."""
    layout.setTextOption(_OPTION)
    layout.beginLayout()
    y = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0.0, y))
        y += line.height()
    layout.endLayout()
    return y


def _utf16(text: str, index: int) -> int:
    """Where Qt counts character ``index`` of ``text``: in UTF-16 code units,
    two for each character beyond the Basic Multilingual Plane (emoji)."""
    return index + sum(1 for character in text[:index] if ord(character) > 0xFFFF)


def text_height(text: str, font: QFont, width: int) -> int:
    """The height ``text`` takes in ``font`` when wrapped at ``width`` pixels."""
    return math.ceil(_lay_out(QTextLayout(text.replace("\n", LINE_SEPARATOR), font), width))


class MessageText:
    """One message's text, laid out at one width, with its links.

    Args:
        text: the body as stored.
        font: the body font.
        width: the width to wrap at.
        link: the colour of links.
        links: whether to look for links (not in "Message deleted").
    """

    __slots__ = ("_layout", "height", "links")

    def __init__(self, text: str, font: QFont, width: int, link: QColor,
                 links: bool = True) -> None:
        #: (start, end, target) of each link, in UTF-16 code units as Qt
        #: counts them (an emoji before a link is two of them).
        self.links = [(_utf16(text, start), _utf16(text, end), target)
                      for start, end, target in (find_links(text) if links else [])]
        self._layout = QTextLayout(text.replace("\n", LINE_SEPARATOR), font)
        if self.links:
            linked = QTextCharFormat()
            linked.setForeground(link)
            linked.setFontUnderline(True)
            ranges = []
            for start, end, _ in self.links:
                part = QTextLayout.FormatRange()
                part.start, part.length, part.format = start, end - start, linked
                ranges.append(part)
            self._layout.setFormats(ranges)
        self.height = math.ceil(_lay_out(self._layout, width))

    def draw(self, painter: QPainter, origin: QPointF, colour: QColor) -> None:
        """Paint the text with its top left corner at ``origin``."""
        painter.setPen(colour)
        self._layout.draw(painter, origin)

    def link_at(self, position: QPointF) -> str | None:
        """The target of the link at ``position`` (relative to the text's
        top left corner), if there is one."""
        for number in range(self._layout.lineCount()):
            line = self._layout.lineAt(number)
            if line.rect().contains(position):
                if position.x() > line.x() + line.naturalTextWidth():
                    return None  # beyond the end of the line's text
                # The character under x, not the gap nearest to it.
                index = line.xToCursor(position.x(), QTextLine.CursorPosition.CursorOnCharacter)
                for start, end, target in self.links:
                    if start <= index < end:
                        return target
                return None
        return None
