"""Where a message is written: the input, its buttons, and the length counter.

:class:`ComposeBox` is the row under the messages: tool buttons on the
left (the emoji picker; features add theirs with :meth:`ComposeBox.add_tool`),
the input, and on the right the Send button with the character counter
above it.  :class:`ComposeEdit` is the input: Enter sends, Shift+Enter
starts a new line, and it grows with its text up to a third of the window,
then scrolls.  The counter appears as the text nears the protocol's limit,
so nobody learns of the limit only when Enter refuses to send.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from PyQt6.QtCore import QEvent, QMimeData, QObject, QSize, Qt, pyqtSignal, pyqtSlot
from PyQt6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PyQt6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from protocol.limits import BODY_MAX_CHARS

from .emoji_picker import EmojiPicker
from .i18n import follow_language
from .iconset import IconName, Tone, tone_color
from .iconset import icon as icon_of

__all__ = ["COUNTER_FROM", "ComposeBox", "ComposeEdit"]

#: The counter shows once the text is this long (90 % of the limit).
COUNTER_FROM: Final = BODY_MAX_CHARS * 9 // 10


class ComposeEdit(QPlainTextEdit):
    """Multi-line message input: Enter sends, Shift+Enter adds a line.

    Its height follows the text: at least :attr:`MIN_LINES` lines, at most
    :attr:`MAX_SHARE` of its window's height; beyond that it scrolls.

    Pasted or dropped files and pictures are not text: when
    :attr:`take_attachments` is set, they go to it instead.

    Signals:
        submitted(): the user pressed Enter (the text is still there).
    """

    submitted = pyqtSignal()

    MIN_LINES = 2
    MAX_SHARE = 1 / 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._watched_window: QWidget | None = None
        layout = self.document().documentLayout()  # type: ignore[union-attr]
        # The plain text layout reports its size in lines, wrapped ones
        # included, and says so whenever the count changes (typing, a
        # resize that re-wraps).
        layout.documentSizeChanged.connect(self.fit_height)  # type: ignore[union-attr]
        self.fit_height()
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

    def line_count(self) -> int:
        """Lines the text takes at the current width, wrapped ones included."""
        layout = self.document().documentLayout()  # type: ignore[union-attr]
        return max(1, int(layout.documentSize().height()))  # type: ignore[union-attr]

    def height_for_lines(self, lines: int) -> int:
        """The widget height that shows ``lines`` lines in full."""
        document = self.document()
        assert document is not None
        margins = self.contentsMargins()
        return (lines * self.fontMetrics().lineSpacing() + int(2 * document.documentMargin())
                + margins.top() + margins.bottom() + 2)

    def maximum_height(self) -> int:
        """The tallest it grows: a share of the window, never under the minimum."""
        window = self.window()
        top = int(window.height() * self.MAX_SHARE) if window is not None else 0
        return max(self.height_for_lines(self.MIN_LINES), top)

    @pyqtSlot()
    def fit_height(self) -> None:
        """Grow or shrink with the text, within the minimum and the maximum."""
        wanted = self.height_for_lines(max(self.MIN_LINES, self.line_count()))
        height = min(wanted, self.maximum_height())
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def showEvent(self, event: QShowEvent | None) -> None:
        super().showEvent(event)
        window = self.window()
        if window is not None and window is not self._watched_window:
            # The maximum follows the window's height.
            window.installEventFilter(self)
            self._watched_window = window
        self.fit_height()

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        if event is not None and event.type() == QEvent.Type.Resize:
            self.fit_height()
        return False

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        self.fit_height()


class ComposeBox(QWidget):
    """Tool buttons, the input, the character counter and Send, in one row.

    Signals:
        submitted(): Enter in the input, or the Send button.
    """

    submitted = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compose_box")
        self.edit = ComposeEdit(self)
        self.edit.setObjectName("compose")
        self.send_button = QPushButton(self)
        self.send_button.setObjectName("send")
        self.send_button.setIcon(icon_of(IconName.SEND, Tone.ACCENT))
        self.emoji_button = QToolButton(self)
        self.emoji_button.setObjectName("emoji")
        self.emoji_button.setIcon(icon_of(IconName.EMOJI))
        self.emoji_button.setAutoRaise(True)
        self.emoji_button.setIconSize(QSize(20, 20))
        self.counter = QLabel(self)
        self.counter.setObjectName("counter")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.counter.setVisible(False)
        self.emoji_picker: EmojiPicker | None = None

        self._tools = QHBoxLayout()
        self._tools.setSpacing(0)
        self._tools.addWidget(self.emoji_button, 0, Qt.AlignmentFlag.AlignBottom)
        right = QVBoxLayout()
        right.addStretch(1)
        right.addWidget(self.counter)
        right.addWidget(self.send_button)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(self._tools)
        row.addWidget(self.edit, 1)
        row.addLayout(right)

        self.edit.submitted.connect(self.submitted)
        self.send_button.clicked.connect(self.submitted)
        self.edit.textChanged.connect(self.update_counter)
        self.emoji_button.clicked.connect(self.on_emoji_clicked)
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.edit.setPlaceholderText(
            self.tr("Write a message. Enter sends, Shift+Enter starts a new line."))
        self.send_button.setText(self.tr("&Send"))
        self.send_button.setToolTip(self.tr("Send (Enter)"))
        self.emoji_button.setToolTip(self.tr("Insert an emoji"))
        self.update_counter()

    def add_tool(self, button: QAbstractButton) -> None:
        """Put a button left of the input, after the ones there (attach...)."""
        self._tools.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)

    @pyqtSlot()
    def update_counter(self) -> None:
        """Show "characters / limit" near the limit, in the error colour over it."""
        length = len(self.edit.toPlainText())
        self.counter.setVisible(length >= COUNTER_FROM)
        if length < COUNTER_FROM:
            return
        self.counter.setText(self.tr("%1 / %2").replace("%1", f"{length}").replace(
            "%2", f"{BODY_MAX_CHARS}"))
        self.counter.setToolTip(self.tr("A message holds at most %n character(s).", "",
                                        BODY_MAX_CHARS))
        over = f"color: {tone_color(Tone.NEGATIVE).name()}; font-weight: bold;"
        self.counter.setStyleSheet(over if length > BODY_MAX_CHARS else "")

    @pyqtSlot()
    def on_emoji_clicked(self) -> None:
        if self.emoji_picker is None:
            self.emoji_picker = EmojiPicker(self)
            self.emoji_picker.chosen.connect(self.on_emoji_chosen)
        self.emoji_picker.open_above(self.emoji_button)

    @pyqtSlot(str)
    def on_emoji_chosen(self, emoji: str) -> None:
        self.edit.insertPlainText(emoji)
        self.edit.setFocus()
