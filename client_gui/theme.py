"""Light, dark, or as the system is; and how large the interface's text is.

:class:`Appearance` applies the two appearance settings to the whole
application.  The theme is ``system`` by default, which follows the
system's dark mode (Qt reports it as the style hints' colour scheme, and
says when it changes); ``light`` and ``dark`` fix it.  A dark theme is a
palette of our own on the Fusion style, the one style that draws every
control from the palette on every system.  The font size replaces the
point size of the system's font; 0 keeps it.

Widgets follow by themselves: a palette or font change reaches each one,
the icons (:mod:`client_gui.iconset`) take their colours from the palette
when drawn, and the windows re-measure what they cached.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PyQt6.QtCore import QObject, Qt, pyqtSignal, pyqtSlot
from PyQt6.QtGui import QColor, QFont, QPalette
from PyQt6.QtWidgets import QApplication

from .settings import FONT_SIZE, THEME, Settings

__all__ = ["Appearance", "Theme", "dark_palette"]


class Theme(StrEnum):
    """The choices of the Settings dialog."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style, legible and calm."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2d31",
        QPalette.ColorRole.WindowText: "#e3e5e8",
        QPalette.ColorRole.Base: "#1e1f22",
        QPalette.ColorRole.AlternateBase: "#2b2d31",
        QPalette.ColorRole.ToolTipBase: "#1e1f22",
        QPalette.ColorRole.ToolTipText: "#e3e5e8",
        QPalette.ColorRole.PlaceholderText: "#8e9297",
        QPalette.ColorRole.Text: "#e3e5e8",
        QPalette.ColorRole.Button: "#35373c",
        QPalette.ColorRole.ButtonText: "#e3e5e8",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Light: "#4a4d53",
        QPalette.ColorRole.Midlight: "#3d4046",
        QPalette.ColorRole.Mid: "#26282c",
        QPalette.ColorRole.Dark: "#1a1b1e",
        QPalette.ColorRole.Shadow: "#111214",
        QPalette.ColorRole.Highlight: "#3d7ab8",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#7ab4f0",
        QPalette.ColorRole.LinkVisited: "#b48ef0",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    muted = QColor("#80848e")
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, muted)
    return palette


class Appearance(QObject):
    """Applies the theme and font size settings to the application.

    Args:
        app: the application.
        settings: where :data:`~client_gui.settings.THEME` and
            :data:`~client_gui.settings.FONT_SIZE` are kept.
        color_scheme: asks the system whether it is in dark mode (tests
            stand in for a system, which Qt's offscreen platform is not).

    Signals:
        changed(): the palette or font was applied anew.
    """

    changed = pyqtSignal()

    def __init__(self, app: QApplication, settings: Settings, parent: QObject | None = None,
                 *, color_scheme: Callable[[], Qt.ColorScheme] | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._settings = settings
        self._color_scheme = color_scheme or self._system_color_scheme
        style = app.style()
        # What the system gave, to return to.
        self._system_style = style.name() if style is not None else "fusion"
        self._system_palette = QPalette(app.palette())
        self._system_font = QFont(app.font())
        hints = app.styleHints()
        if hints is not None:
            hints.colorSchemeChanged.connect(self.on_color_scheme_changed)

    @property
    def theme(self) -> Theme:
        try:
            return Theme(self._settings.get(THEME))
        except ValueError:
            return Theme.SYSTEM

    def _system_color_scheme(self) -> Qt.ColorScheme:
        hints = self._app.styleHints()
        return hints.colorScheme() if hints is not None else Qt.ColorScheme.Unknown

    def is_dark(self) -> bool:
        """Whether the dark palette is (to be) in use."""
        if self.theme is Theme.SYSTEM:
            return self._color_scheme() == Qt.ColorScheme.Dark
        return self.theme is Theme.DARK

    def apply(self) -> None:
        """Apply the current settings (at start, and after the dialog)."""
        # Styles by name: the application makes and owns them.  A style made
        # here (QStyleFactory.create) would be Python's, and the collector could
        # free it while the application still draws with it (a crash).
        if self.is_dark():
            self._app.setStyle("Fusion")
            self._app.setPalette(dark_palette())
        elif self.theme is Theme.LIGHT:
            self._app.setStyle("Fusion")
            style = self._app.style()
            if style is not None:
                self._app.setPalette(style.standardPalette())
        else:
            self._app.setStyle(self._system_style)
            self._app.setPalette(self._system_palette)
        font = QFont(self._system_font)
        size = self._settings.get(FONT_SIZE)
        if size > 0:
            font.setPointSizeF(float(size))
        self._app.setFont(font)
        self.changed.emit()

    def choose(self, theme: Theme, font_size: int) -> None:
        """Remember a theme and font size and apply them."""
        self._settings.set(THEME, theme.value)
        self._settings.set(FONT_SIZE, max(0, font_size))
        self.apply()

    def system_font_size(self) -> float:
        return self._system_font.pointSizeF()

    def restore_system(self) -> None:
        """Give the application back the system's style, palette and font."""
        self._app.setStyle(self._system_style)
        self._app.setPalette(self._system_palette)
        self._app.setFont(self._system_font)

    @pyqtSlot(Qt.ColorScheme)
    def on_color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.theme is Theme.SYSTEM:
            self.apply()
