"""Small widgets that several windows share.

:class:`ErrorLabel` is how every window reports a problem: inline, next to
what it concerns, instead of a message box the user has to dismiss.
:class:`ComposeEdit` is the message input, where Enter sends and Shift+Enter
starts a new line.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QFontMetrics, QKeyEvent
from PyQt6.QtWidgets import QLabel, QPlainTextEdit, QSizePolicy, QWidget

__all__ = ["ComposeEdit", "ErrorLabel", "HintLabel"]


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
        self.setStyleSheet("color: palette(mid);")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)


class ComposeEdit(QPlainTextEdit):
    """Multi-line message input: Enter sends, Shift+Enter adds a line.

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
