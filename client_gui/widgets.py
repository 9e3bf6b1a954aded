"""Small widgets that several windows share.

:class:`ErrorLabel` is how every window reports a problem: inline, next to
what it concerns, instead of a message box the user has to dismiss.
:class:`ComposeEdit` is the message input, where Enter sends and Shift+Enter
starts a new line.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QEvent, QMimeData, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QFontMetrics, QKeyEvent, QPalette
from PyQt6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

__all__ = ["ComposeEdit", "ErrorLabel", "HintLabel", "blend", "heading", "lay_out_page",
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
    label = QLabel(parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    label.setFont(font)
    return label


def lay_out_page(page: QWidget, top: list[QWidget], form: QFormLayout, error: QWidget,
                 secondary: QPushButton, primary: QPushButton) -> None:
    """Arrange a login-like window: what goes on top, the form, the error
    line, and at the bottom a secondary button left and the main one right."""
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
        self.setStyleSheet("color: #c0392b;")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setVisible(False)

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


class ComposeEdit(QPlainTextEdit):
    """Multi-line message input: Enter sends, Shift+Enter adds a line.

    Pasted or dropped files and pictures are not text: when
    :attr:`take_attachments` is set, they go to it instead.

    Signals:
        submitted(): the user pressed Enter (the text is still there).
    """

    submitted = pyqtSignal()

    MIN_LINES = 2
    MAX_LINES = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.textChanged.connect(self._fit_height)
        self._fit_height()
        #: Takes what a paste or a drop carries if it is files or a picture
        #: (and says whether it did); None: everything is pasted as text.
        self.take_attachments: Callable[[QMimeData], bool] | None = None

    def canInsertFromMimeData(self, source: QMimeData | None) -> bool:
        if source is not None and (source.hasImage() or source.hasUrls()):
            return True
        return super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData | None) -> None:
        if source is not None and self.take_attachments is not None \
                and self.take_attachments(source):
            return
        super().insertFromMimeData(source)

    def keyPressEvent(self, event: QKeyEvent | None) -> None:
        assert event is not None
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                # Shift+Enter would insert U+2028 (a soft line break) in a
                # QPlainTextEdit; a message wants a real newline.
                self.insertPlainText("\n")
            else:
                self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def _fit_height(self) -> None:
        """Grow with the text between MIN_LINES and MAX_LINES lines."""
        document = self.document()
        assert document is not None
        lines = max(self.MIN_LINES, min(self.MAX_LINES, int(document.size().height())))
        line_height = QFontMetrics(self.font()).lineSpacing()
        margins = self.contentsMargins()
        frame = int(2 * document.documentMargin()) + margins.top() + margins.bottom()
        self.setFixedHeight(lines * line_height + frame + 2)
