"""Emoji for those without an emoji keyboard: in a message, and as a reaction.

One grid of emoji in tabs of the kinds people use in a work chat
(:class:`EmojiGrid`) serves two places:

* :class:`EmojiPicker`, a popup under the compose area's emoji button (it
  closes on a click elsewhere or Esc); the compose box inserts the chosen
  character at the cursor;
* :class:`ReactionPicker`, the dialog behind "React → More…" in the message
  menu, which also takes any other emoji typed or pasted, checked with the
  protocol's own rule (:func:`protocol.lifecycle.check_emoji`) so that what
  the picker accepts the server accepts.

The message menu offers :data:`QUICK_REACTIONS` directly (a 👍 is what
people want most of the time).  The emoji are text: they show in whatever
emoji font the desktop has (Noto Color Emoji on Debian and Ubuntu, Segoe UI
Emoji on Windows).
"""

from __future__ import annotations

from typing import Final

from PyQt6.QtCore import QPoint, Qt, pyqtSignal, pyqtSlot
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLineEdit,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from protocol.errors import ProtocolError
from protocol.lifecycle import check_emoji

from .i18n import follow_language

__all__ = ["EMOJI", "QUICK_REACTIONS", "EmojiGrid", "EmojiPicker", "ReactionPicker"]

#: The reactions offered directly in the message menu.
QUICK_REACTIONS: Final = ("\U0001f44d", "\u2764\ufe0f", "\U0001f602", "\U0001f62e",
                          "\U0001f622", "\U0001f389", "\u2705", "\U0001f440")

#: Each tab's emoji (some are two code points, with the emoji variation
#: selector); the tab names are translated in :meth:`EmojiGrid.retranslate`.
EMOJI: Final[dict[str, tuple[str, ...]]] = {
    "smileys": tuple("😀😃😄😁😆😅😂🙂😉😊😇🥰😍😘😋😜🤔🤨😐😑😶🙄😏😬"
                     "😌😔😴😷🤒🤯😎🤓😕😟😮😲😳🥺😢😭😱😖😣😞😩😤😡🤬"),
    "gestures": (*"👍👎👌🤞🤝👏🙌👋🤙💪🙏👀🧠👂👉👈👆👇✋🤚🤷🙋🙇🤦💁🙆🙅",
                 "\u270c\ufe0f"),
    "objects": ("\u2764\ufe0f", *"💔💯🔥⭐✨🎉🎂🎁☕🍕🍰🍎🍺💡📌📎📅📈📉📝📚💻⏰🔔🔒🔑🔧🚀✅❌❓❗",
                "\u26a0\ufe0f"),
}
#: Emoji per row of the grid.
COLUMNS: Final = 8


class EmojiGrid(QTabWidget):
    """Tabs of emoji buttons.

    Signals:
        chosen(str): an emoji was clicked.
    """

    chosen = pyqtSignal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        #: Every emoji's button, in tab order.
        self.buttons: list[QToolButton] = []
        for emoji in EMOJI.values():
            page = QWidget(self)
            grid = QGridLayout(page)
            grid.setSpacing(0)
            grid.setContentsMargins(4, 4, 4, 4)
            for number, character in enumerate(emoji):
                button = QToolButton(page)
                button.setText(character)
                button.setFont(font)
                button.setAutoRaise(True)
                button.clicked.connect(lambda _=False, c=character: self.chosen.emit(c))
                grid.addWidget(button, number // COLUMNS, number % COLUMNS)
                self.buttons.append(button)
            grid.setRowStretch(grid.rowCount(), 1)
            self.addTab(page, "")
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        """Set every text in the current language."""
        names = {"smileys": self.tr("Smileys"), "gestures": self.tr("People"),
                 "objects": self.tr("Objects")}
        for number, key in enumerate(EMOJI):
            self.setTabText(number, names[key])


class EmojiPicker(QFrame):
    """A popup grid of emoji in tabs, for the compose box.

    Signals:
        chosen(str): an emoji was clicked; the picker has closed.
    """

    chosen = pyqtSignal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("emoji_picker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.grid = EmojiGrid(self)
        self.grid.chosen.connect(self._choose)
        self.buttons = self.grid.buttons
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.grid)

    def open_above(self, anchor: QWidget) -> None:
        """Show the picker just above ``anchor`` (below it if there is no room)."""
        self.adjustSize()
        corner = anchor.mapToGlobal(QPoint(0, 0))
        position = QPoint(corner.x(), corner.y() - self.height())
        screen = anchor.screen()
        if screen is not None and position.y() < screen.availableGeometry().top():
            position = QPoint(corner.x(), corner.y() + anchor.height())
        self.move(position)
        self.show()
        self.buttons[0].setFocus()

    @pyqtSlot(str)
    def _choose(self, character: str) -> None:
        self.hide()
        self.chosen.emit(character)


class ReactionPicker(QDialog):
    """The emoji grid and a field for any other emoji; :attr:`chosen` says which.

    Signals:
        picked(str): an emoji was chosen (the dialog is accepted as well).
    """

    picked = pyqtSignal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reaction_picker")
        #: The emoji chosen, once the dialog is accepted.
        self.chosen: str | None = None
        self.grid = EmojiGrid(self)
        self.grid.chosen.connect(self.choose)
        self.buttons = self.grid.buttons
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
        layout.addWidget(self.grid)
        layout.addWidget(self.other)
        layout.addWidget(self.button_box)
        self.on_other_changed("")
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(self.tr("React with\u2026"))
        self.other.setPlaceholderText(self.tr("Or type or paste any emoji"))

    @pyqtSlot(str)
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
