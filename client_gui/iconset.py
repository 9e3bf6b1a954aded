"""Icons for states and actions, drawn from SVG in the colours of the theme.

Characters such as ⌛ or ✓ show as empty boxes where the desktop's fonts
lack them, and a fixed picture cannot follow a dark theme.  So every state
the client shows (a message sending or refused, a user online or offline,
the connection up, down or coming back) and every action with a picture is
one of the small SVG files in ``icons/``, drawn with ``currentColor``.

:func:`icon` makes a :class:`~PyQt6.QtGui.QIcon` for buttons and menus; it
renders on demand at whatever size and device pixel ratio is asked (sharp
at 150 %), in a colour taken from the palette when it is drawn (a
:class:`Tone`), so a theme switch recolours it.  :func:`paint` draws an
icon straight into a painter (the delegates do, for each row).  Rendered
pictures are cached per name, colour and size.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Final

from PyQt6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PyQt6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)
from PyQt6.QtSvg import QSvgRenderer

from .widgets import blend

__all__ = ["ICONS_DIR", "IconName", "Tone", "icon", "is_dark", "paint", "pixmap",
           "tone_color"]

ICONS_DIR: Final = Path(__file__).resolve().parent / "icons"


class IconName(StrEnum):
    """The icons there are (each ``icons/<value>.svg``)."""

    SENDING = "sending"
    FAILED = "failed"
    SENT = "sent"
    ONLINE = "online"
    OFFLINE = "offline"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    RECONNECTING = "reconnecting"
    SEND = "send"
    EMOJI = "emoji"
    SETTINGS = "settings"
    TRUST = "trust"
    CANCEL = "cancel"
    ROOM = "room"
    BELL = "bell"
    EVERYONE = "everyone"


class Tone(Enum):
    """What an icon's colour means; the colour itself comes from the palette."""

    TEXT = "text"  # as the text around it
    MUTED = "muted"  # secondary: times, states that need no attention
    POSITIVE = "positive"  # online, connected
    NEGATIVE = "negative"  # refused, disconnected
    ACCENT = "accent"  # the application's blue: the general room, actions


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` is a dark theme (light text on a dark window)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def tone_color(tone: Tone, palette: QPalette | None = None) -> QColor:
    """The colour of ``tone`` in ``palette`` (the application's by default).

    The semantic colours are lighter on a dark theme, so they keep their
    contrast against its background.
    """
    palette = palette if palette is not None else QGuiApplication.palette()
    text = palette.color(QPalette.ColorRole.Text)
    dark = is_dark(palette)
    if tone is Tone.TEXT:
        return text
    if tone is Tone.MUTED:
        return blend(palette.color(QPalette.ColorRole.Base), text, 0.6)
    if tone is Tone.POSITIVE:
        return QColor("#4cc46b" if dark else "#2eaa4f")
    if tone is Tone.NEGATIVE:
        return QColor("#ef7565" if dark else "#c0392b")
    return QColor("#6aa6e0" if dark else "#3d7ab8")


@lru_cache(maxsize=None)
def _source(name: IconName) -> str:
    return (ICONS_DIR / f"{name.value}.svg").read_text("utf-8")


@lru_cache(maxsize=256)
def _renderer(name: IconName, color: str) -> QSvgRenderer:
    renderer = QSvgRenderer(QByteArray(_source(name).replace("currentColor", color).encode()))
    if not renderer.isValid():
        raise ValueError(f"icons/{name.value}.svg is not a valid SVG")
    return renderer


@lru_cache(maxsize=512)
def _pixmap(name: IconName, color: str, width: int, height: int, ratio: float) -> QPixmap:
    result = QPixmap(max(1, round(width * ratio)), max(1, round(height * ratio)))
    result.fill(Qt.GlobalColor.transparent)
    painter = QPainter(result)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    # SVG colours have no alpha (#rrggbb): the painter supplies it.
    rgba = QColor(color)
    painter.setOpacity(rgba.alphaF())
    _renderer(name, rgba.name()).render(painter, QRectF(0, 0, result.width(), result.height()))
    painter.end()
    result.setDevicePixelRatio(ratio)
    return result


def pixmap(name: IconName, size: QSize, color: QColor, ratio: float = 1.0) -> QPixmap:
    """``name`` rendered ``size`` (logical pixels) large at device pixel
    ratio ``ratio``, in ``color`` (cached)."""
    return _pixmap(name, color.name(QColor.NameFormat.HexArgb), size.width(), size.height(),
                   ratio)


def paint(painter: QPainter, rect: QRect, name: IconName, color: QColor) -> None:
    """Draw ``name`` into ``rect`` (a square is best) in ``color``."""
    device = painter.device()
    ratio = device.devicePixelRatioF() if device is not None else 1.0
    painter.drawPixmap(rect.topLeft(), pixmap(name, rect.size(), color, ratio))


class _ThemedIconEngine(QIconEngine):
    """Renders an icon when Qt asks, in the palette's colour of the moment."""

    def __init__(self, name: IconName, tone: Tone) -> None:
        super().__init__()
        self._name = name
        self._tone = tone

    def _color(self, mode: QIcon.Mode) -> QColor:
        palette = QGuiApplication.palette()
        color = tone_color(self._tone, palette)
        if mode is QIcon.Mode.Disabled:
            return blend(palette.color(QPalette.ColorRole.Window), color, 0.45)
        return color

    def paint(self, painter: QPainter | None, rect: QRect, mode: QIcon.Mode,
              state: QIcon.State) -> None:
        assert painter is not None
        side = min(rect.width(), rect.height())
        square = QRect(rect.topLeft() + QPoint((rect.width() - side) // 2,
                                               (rect.height() - side) // 2), QSize(side, side))
        paint(painter, square, self._name, self._color(mode))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return pixmap(self._name, size, self._color(mode))

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State,
                     scale: float) -> QPixmap:
        # Asked for the device's pixels: drawn at that resolution, not scaled up.
        return pixmap(self._name, size, self._color(mode), scale)

    def clone(self) -> QIconEngine:
        return _ThemedIconEngine(self._name, self._tone)

    def key(self) -> str:
        return "besedka-themed"

    def isNull(self) -> bool:
        return False


def icon(name: IconName, tone: Tone = Tone.TEXT) -> QIcon:
    """A :class:`QIcon` of ``name`` that takes its colour from the palette
    each time it is drawn (so it follows a theme switch)."""
    return QIcon(_ThemedIconEngine(name, tone))
