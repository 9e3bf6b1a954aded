"""A small grid of emoji to put in a message, for those without an emoji keyboard.

The picker opens under the compose area's emoji button as a popup (it
closes on a click elsewhere or Esc), in tabs of the kinds people use in a
work chat.  Choosing one emits :attr:`EmojiPicker.chosen` and closes it;
the compose box inserts the character at the cursor.  The emoji are text:
they show in whatever emoji font the desktop has (Noto Color Emoji on
Debian and Ubuntu, Segoe UI Emoji on Windows).
"""

from __future__ import annotations

from typing import Final

from PyQt6.QtCore import QPoint, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QFrame,
    QGridLayout,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .i18n import follow_language

__all__ = ["EMOJI", "EmojiPicker"]

#: Each tab's emoji (some are two code points, with the emoji variation
#: selector); the tab names are translated in :meth:`EmojiPicker.retranslate`.
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


class EmojiPicker(QFrame):
    """A popup grid of emoji in tabs.

    Signals:
        chosen(str): an emoji was clicked; the picker has closed.
    """

    chosen = pyqtSignal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("emoji_picker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        self.buttons: list[QToolButton] = []
        for emoji in EMOJI.values():
            page = QWidget(self.tabs)
            grid = QGridLayout(page)
            grid.setSpacing(0)
            grid.setContentsMargins(4, 4, 4, 4)
            for number, character in enumerate(emoji):
                button = QToolButton(page)
                button.setText(character)
                button.setFont(font)
                button.setAutoRaise(True)
                button.clicked.connect(lambda _=False, c=character: self._choose(c))
                grid.addWidget(button, number // COLUMNS, number % COLUMNS)
                self.buttons.append(button)
            grid.setRowStretch(grid.rowCount(), 1)
            self.tabs.addTab(page, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.tabs)
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        """Set every text in the current language."""
        names = {"smileys": self.tr("Smileys"), "gestures": self.tr("People"),
                 "objects": self.tr("Objects")}
        for number, key in enumerate(EMOJI):
            self.tabs.setTabText(number, names[key])

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

    def _choose(self, character: str) -> None:
        self.hide()
        self.chosen.emit(character)
