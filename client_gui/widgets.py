"""Small widgets that several windows share.

:class:`ErrorLabel` is how every window reports a problem: inline, next to
what it concerns, instead of a message box the user has to dismiss.
:class:`FittingLabel` says a thing shorter when the window is narrow,
instead of cutting the sentence off.
"""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PyQt6.QtGui import QColor, QFont, QPalette, QResizeEvent
from PyQt6.QtWidgets import (
    QApplication,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

__all__ = ["ErrorLabel", "FittingLabel", "HintLabel", "blend", "heading", "lay_out_page",
           "with_error"]


def blend(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved ``amount`` (0..1) of the way towards ``b``.

    Muted and tinted colours are made this way from the palette rather than
    hard-coded, so they stay legible in dark themes too.
    """
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def heading(parent: QWidget) -> QLabel:
    """The large bold title at the top of the login and registration windows."""
    return _Heading(parent)


class _Heading(QLabel):
    """A title half as large again as the text, also after the text size changes."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._scale_font()

    def _scale_font(self) -> None:
        parent = self.parentWidget()
        font = QFont(parent.font() if parent is not None else self.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.setFont(font)

    def changeEvent(self, event: QEvent | None) -> None:
        super().changeEvent(event)
        if event is not None and event.type() == QEvent.Type.ApplicationFontChange:
            self._scale_font()


def lay_out_page(page: QWidget, top: list[QWidget], form: QFormLayout, error: QWidget,
                 secondary: QPushButton, primary: QPushButton, *,
                 minimum_width: int | None = None) -> None:
    """Arrange a login-like window: what goes on top, the form, the error
    line, and at the bottom a secondary button left and the main one right.

    ``minimum_width``: the narrowest the window may be.  Its height always
    follows its content (:class:`_ShrinkToContent`).
    """
    buttons = QHBoxLayout()
    buttons.addWidget(secondary)
    buttons.addStretch(1)
    buttons.addWidget(primary)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(24, 20, 24, 20)
    for widget in top:
        layout.addWidget(widget)
    layout.addSpacing(8)
    layout.addLayout(form)
    layout.addWidget(error)
    layout.addStretch(1)
    layout.addLayout(buttons)
    if minimum_width is not None:
        page.setMinimumWidth(minimum_width)
    _ShrinkToContent(page)


class _ShrinkToContent(QObject):
    """Keeps a window exactly as tall as its content needs at its width.

    A window grows when a line appears in it, but Qt never shrinks it when
    the line goes again: the stretch would fill the gap with empty space.
    And Qt takes a window's minimum height from the narrowest its wrapped
    lines may be, which with a few errors showing is taller than a small
    screen.  So after each change of layout or size the window's minimum
    height becomes what its content needs at its current width, and the
    window that is taller shrinks to it (the width stays as the user left it).
    """

    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self._page = page
        self._pending = False
        page.installEventFilter(self)

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        if (event is not None and event.type() in (QEvent.Type.LayoutRequest,
                                                    QEvent.Type.Resize)
                and not self._pending):
            # After the layout itself has handled the change.
            self._pending = True
            QTimer.singleShot(0, self._fit)
        return False

    def _fit(self) -> None:
        self._pending = False
        page, layout = self._page, self._page.layout()
        if layout is None or not page.isWindow():
            return
        layout.activate()
        needed = (layout.totalHeightForWidth(page.width()) if layout.hasHeightForWidth()
                  else layout.totalSizeHint().height())
        if needed <= 0:
            return
        if page.minimumHeight() != needed:
            page.setMinimumHeight(needed)
        if page.height() > needed and not (page.isMaximized() or page.isFullScreen()):
            page.resize(page.width(), needed)


def with_error(field: QWidget, error: QLabel) -> QWidget:
    """A field with its error line right below it, as one form row."""
    box = QWidget(field.parentWidget())
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(error)
    return box


class ErrorLabel(QLabel):
    """A red, word-wrapped line that disappears when it has nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setVisible(False)
        self._redden()

    def changeEvent(self, event: QEvent | None) -> None:
        super().changeEvent(event)
        if event is not None and event.type() in (QEvent.Type.ApplicationPaletteChange,
                                                  QEvent.Type.PaletteChange):
            self._redden()

    def _redden(self) -> None:
        # The theme's red, lighter on a dark theme (a fixed dark red was hard
        # to read there); imported here since iconset builds on this module.
        from .iconset import Tone, tone_color
        red = tone_color(Tone.NEGATIVE, QApplication.palette())
        if self.palette().color(QPalette.ColorRole.WindowText) != red:
            # Only the text's colour is set: the rest follows the window's.
            palette = QPalette()
            palette.setColor(QPalette.ColorRole.WindowText, red)
            self.setPalette(palette)

    def show_text(self, text: str | None) -> None:
        """Show ``text``, or hide the label when it is empty or None."""
        self.setText(text or "")
        self.setVisible(bool(text))


class HintLabel(QLabel):
    """A muted, word-wrapped explanation, such as the rules of a field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._mute()

    def changeEvent(self, event: QEvent | None) -> None:
        super().changeEvent(event)
        if event is not None and event.type() == QEvent.Type.ApplicationPaletteChange:
            self._mute()

    def _mute(self) -> None:
        palette = QPalette(self.palette())
        palette.setColor(QPalette.ColorRole.WindowText,
                         blend(palette.color(QPalette.ColorRole.Window),
                               palette.color(QPalette.ColorRole.WindowText), 0.72))
        self.setPalette(palette)


class FittingLabel(QLabel):
    """One line that shows the longest of its wordings that fits its width.

    A narrow window (800 by 600, or 150 % scaling) gets a shorter way of
    saying the same thing instead of a sentence cut off in the middle; the
    longest wording is the tooltip whenever a shorter one shows.  Its
    minimum width is the shortest wording's, so it never holds a window
    wider than that.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._variants: tuple[str, ...] = ("",)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_variants(self, *variants: str) -> None:
        """The wordings, longest (the preferred one) first."""
        self._variants = variants or ("",)
        self.updateGeometry()
        self._fit()

    def variants(self) -> tuple[str, ...]:
        return self._variants

    def _width_of(self, text: str) -> int:
        margins = self.contentsMargins()
        return (self.fontMetrics().horizontalAdvance(text) + 2 * self.margin()
                + margins.left() + margins.right())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self._width_of(self._variants[0]), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self._width_of(self._variants[-1]), hint.height())

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent | None) -> None:
        super().changeEvent(event)
        if event is not None and event.type() == QEvent.Type.FontChange:
            self._fit()

    def _fit(self) -> None:
        space = self.width()
        shown = next((text for text in self._variants if self._width_of(text) <= space),
                     self._variants[-1])
        if shown != self.text():
            self.setText(shown)
        self.setToolTip(self._variants[0] if shown != self._variants[0] else "")
