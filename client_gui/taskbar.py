"""The unread count where the desktop shows running programs.

* The tray icon gets a red badge with the count (:func:`badged_icon`),
  everywhere there is a tray.
* On Linux desktops that implement Unity's launcher API (Ubuntu's dock,
  KDE Plasma's task manager, Dash to Dock, Plank), the launcher shows the
  count: a ``com.canonical.Unity.LauncherEntry.Update`` signal on the
  session bus, sent with ``jeepney`` (pure Python, already there for the
  keyring on Linux), naming the ``besedka.desktop`` entry the .deb installs.
* On Windows the taskbar button gets an overlay icon with the count,
  through ``ITaskbarList3::SetOverlayIcon`` (COM, via ctypes).

Each is best effort: a desktop without it simply shows no count, and a
failure is logged once at debug level, never raised.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Final

from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PyQt6.QtWidgets import QWidget

__all__ = ["DESKTOP_ENTRY", "LAUNCHER_PATH", "TaskbarBadge", "badge_text", "badged_icon"]

log = logging.getLogger("besedka.client")

#: The desktop entry the launcher count is for (the .deb installs it).
DESKTOP_ENTRY: Final = "application://besedka.desktop"
#: The object path the launcher API signals come from.
LAUNCHER_PATH: Final = "/com/besedka/launcher"
_BADGE_COLOUR: Final = "#d9534f"


def badge_text(count: int) -> str:
    return str(count) if count < 100 else "99+"


def _badge_pixmap(base: QPixmap, count: int) -> QPixmap:
    pixmap = QPixmap(base)
    side = pixmap.width() / pixmap.devicePixelRatio()
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    diameter = side * 0.62
    badge = QRectF(side - diameter, side - diameter, diameter, diameter)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(_BADGE_COLOUR))
    painter.drawEllipse(badge)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(6, int(diameter * (0.62 if count < 10 else 0.46))))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, badge_text(count))
    painter.end()
    return pixmap


def badged_icon(icon: QIcon, count: int) -> QIcon:
    """``icon`` with a red badge of ``count`` in its corner (``icon`` for 0)."""
    if count <= 0:
        return icon
    result = QIcon()
    for side in (16, 22, 24, 32, 48, 64):
        result.addPixmap(_badge_pixmap(icon.pixmap(side, side), count))
    return result


class TaskbarBadge:
    """Shows the unread count on the launcher or taskbar button, where there is one.

    Args:
        window: the window whose taskbar button is meant (Windows).
    """

    def __init__(self, window: QWidget) -> None:
        self._window = window
        self._count = 0
        self._bus: Any = None
        self._failed = False

    def set_count(self, count: int) -> None:
        """Show ``count`` (hide the badge for 0)."""
        if count == self._count or self._failed:
            return
        self._count = count
        try:
            if sys.platform == "win32":
                self._set_windows_overlay(count)
            elif sys.platform.startswith("linux"):
                self._send_launcher_update(count)
        except Exception as error:  # noqa: BLE001 - a desktop without it shows no count
            log.debug("no unread count on the taskbar: %s", error)
            self._failed = True

    def close(self) -> None:
        """Take the count away (the window closes)."""
        self.set_count(0)
        if self._bus is not None:
            self._bus.close()
            self._bus = None

    # -- Linux: Unity's launcher API

    def _send_launcher_update(self, count: int) -> None:
        # (jeepney has no type information.)
        from jeepney import DBusAddress, new_signal  # type: ignore[import-untyped]
        from jeepney.io.blocking import open_dbus_connection  # type: ignore[import-untyped]

        if self._bus is None:
            self._bus = open_dbus_connection(bus="SESSION")
        emitter = DBusAddress(LAUNCHER_PATH, interface="com.canonical.Unity.LauncherEntry")
        message = new_signal(emitter, "Update", "sa{sv}", (DESKTOP_ENTRY, {
            "count": ("x", count),
            "count-visible": ("b", count > 0),
        }))
        self._bus.send(message)

    # -- Windows: an overlay icon on the taskbar button

    def _set_windows_overlay(self, count: int) -> None:
        if sys.platform == "win32":
            from . import win_taskbar

            icon = _badge_pixmap(_blank(32), count) if count > 0 else None
            win_taskbar.set_overlay_icon(int(self._window.winId()), icon, badge_text(count))


def _blank(side: int) -> QPixmap:
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap
