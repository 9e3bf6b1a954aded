"""Choosing a reaction: a few common emoji at hand, and a picker for the rest.

The message menu offers :data:`QUICK_REACTIONS` directly (a 👍 is what
people want most of the time); "More…" opens :class:`EmojiPicker`, a grid
of common emoji plus a field for any other, checked with the protocol's
own rule (:func:`protocol.lifecycle.check_emoji`) so that what the picker
accepts the server accepts.
"""

from __future__ import annotations

from typing import Final

from PyQt6.QtCore import pyqtSignal, pyqtSlot
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from protocol.errors import ProtocolError
from protocol.lifecycle import check_emoji

from .i18n import follow_language

__all__ = ["EMOJI", "EmojiPicker", "QUICK_REACTIONS"]

#: The reactions offered directly in the message menu.
QUICK_REACTIONS: Final = ("\U0001f44d", "\u2764\ufe0f", "\U0001f602", "\U0001f62e",
                          "\U0001f622", "\U0001f389", "\u2705", "\U0001f440")

#: The picker's grid: faces, hands, hearts and a few everyday things.
EMOJI: Final = (
    "\U0001f600 \U0001f603 \U0001f604 \U0001f601 \U0001f606 \U0001f605 \U0001f923 \U0001f602 "
    "\U0001f642 \U0001f609 \U0001f60a \U0001f607 \U0001f60d \U0001f618 \U0001f60b \U0001f61c "
    "\U0001f914 \U0001f928 \U0001f610 \U0001f611 \U0001f644 \U0001f60f \U0001f62c \U0001f60c "
    "\U0001f634 \U0001f637 \U0001f912 \U0001f92f \U0001f60e \U0001f913 \U0001f615 \U0001f61f "
    "\U0001f62e \U0001f632 \U0001f633 \U0001f97a \U0001f622 \U0001f62d \U0001f631 \U0001f621 "
    "\U0001f44d \U0001f44e \U0001f44c \u270c\ufe0f \U0001f91e \U0001f44f \U0001f64c \U0001f64f "
    "\U0001f4aa \U0001f44b \U0001f91d \u270d\ufe0f \u2764\ufe0f \U0001f9e1 \U0001f49b \U0001f49a "
    "\U0001f499 \U0001f49c \U0001f494 \U0001f4af \U0001f525 \u2728 \U0001f389 \U0001f381 "
    "\u2705 \u274c \u2757 \u2753 \U0001f440 \U0001f4a1 \U0001f4cc \U0001f4ce "
    "\u2615 \U0001f355 \U0001f370 \U0001f37a \U0001f680 \u23f0 \U0001f4c5 \U0001f4bb"
).split()

_COLUMNS: Final = 8


class EmojiPicker(QDialog):
    """A grid of emoji and a field for any other; :attr:`chosen` says which.

    Signals:
        picked(str): an emoji was chosen (the dialog is accepted as well).
    """

    picked = pyqtSignal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emoji_picker")
        #: The emoji chosen, once the dialog is accepted.
        self.chosen: str | None = None
        grid = QGridLayout()
        grid.setSpacing(2)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.buttons: list[QToolButton] = []
        for number, emoji in enumerate(EMOJI):
            button = QToolButton(self)
            button.setText(emoji)
            button.setFont(font)
            button.setAutoRaise(True)
            button.clicked.connect(lambda _=False, e=emoji: self.choose(e))
            grid.addWidget(button, number // _COLUMNS, number % _COLUMNS)
            self.buttons.append(button)
        self.other = QLineEdit(self)
        self.other.setObjectName("other_emoji")
        self.other.setMaxLength(32)
        self.other.returnPressed.connect(self.on_other_entered)
        self.other.textChanged.connect(self.on_other_changed)
        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.button_box.accepted.connect(self.on_other_entered)
        self.button_box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.other)
        layout.addWidget(self.button_box)
        self.on_other_changed("")
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("React with\u2026"))
        self.other.setPlaceholderText(self.tr("Or type or paste any emoji"))

    def choose(self, emoji: str) -> None:
        """Choose ``emoji`` and close."""
        self.chosen = emoji
        self.picked.emit(emoji)
        self.accept()

    @pyqtSlot(str)
    def on_other_changed(self, text: str) -> None:
        ok = self.button_box.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        ok.setEnabled(_valid(text.strip()))

    @pyqtSlot()
    def on_other_entered(self) -> None:
        text = self.other.text().strip()
        if _valid(text):
            self.choose(text)


def _valid(emoji: str) -> bool:
    try:
        check_emoji(emoji)
    except ProtocolError:
        return False
    return True
