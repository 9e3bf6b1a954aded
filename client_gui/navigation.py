"""Moving between conversations from the keyboard.

* Ctrl+K opens :class:`QuickSwitcher`: type part of a name, Enter opens
  the best match (Up and Down choose another).
* Alt+Up and Alt+Down open the conversation above or below the current
  one in the list.
* Ctrl+Tab opens the next conversation with unread messages.
* Esc in a conversation marks it read.

:class:`Navigation` installs these shortcuts on the chat window; it knows
the window only by what it needs (:class:`Navigable`).
"""

from __future__ import annotations

from typing import Protocol

from PyQt6.QtCore import QModelIndex, QObject, Qt, pyqtSignal, pyqtSlot
from PyQt6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PyQt6.QtWidgets import QDialog, QLineEdit, QListView, QMainWindow, QVBoxLayout, QWidget

from .conversations import Conversations
from .conversation_delegate import ConversationDelegate
from .i18n import follow_language
from .conversation_models import ConversationEntry, ConversationSortProxy
from .models import Roles
from .outbox import ConversationId

__all__ = ["Navigable", "Navigation", "QuickSwitcher", "SHORTCUTS"]

#: The shortcuts, as Qt spells them (also shown in the Help menu's list).
SHORTCUTS = {
    "switch": "Ctrl+K",
    "previous": "Alt+Up",
    "next": "Alt+Down",
    "next_unread": "Ctrl+Tab",
    "mark_read": "Esc",
}


class Navigable(Protocol):
    """What navigation needs of the chat window."""

    conversations: Conversations
    proxy: ConversationSortProxy

    @property
    def current_conversation(self) -> ConversationId: ...

    def select_conversation(self, conversation: ConversationId) -> None: ...

    def step_back(self) -> bool:
        """Esc's first meaning: leave a mode (a search, an opened result);
        whether there was one to leave."""
        ...


class QuickSwitcher(QDialog):
    """"Go to": a filter over every conversation; Enter opens the chosen one.

    Signals:
        chosen(ConversationId)
    """

    chosen = pyqtSignal(object)

    def __init__(self, conversations: Conversations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quick_switcher")
        self.proxy = ConversationSortProxy(self)
        self.proxy.setSourceModel(conversations.list_model)
        self.query = QLineEdit(self)
        self.query.setObjectName("query")
        self.results = QListView(self)
        self.results.setModel(self.proxy)
        self.results.setItemDelegate(ConversationDelegate(self.results))
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results)
        self.query.textChanged.connect(self.on_query_changed)
        self.query.installEventFilter(self)
        self.query.returnPressed.connect(self.accept)
        self.results.activated.connect(self.accept)
        self.results.clicked.connect(self.accept)
        self.resize(360, 320)
        follow_language(self, self.retranslate)
        self.on_query_changed("")

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Go to a conversation"))
        self.query.setPlaceholderText(self.tr("Type part of a name"))

    @pyqtSlot(str)
    def on_query_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.results.setCurrentIndex(self.proxy.index(0, 0))

    def eventFilter(self, watched: QObject | None, event: object) -> bool:
        # Up and Down move through the results while typing goes on.
        if isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            row = self.results.currentIndex().row()
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            row = max(0, min(self.proxy.rowCount() - 1, row + step))
            self.results.setCurrentIndex(self.proxy.index(row, 0))
            return True
        return False

    def accept(self, index: QModelIndex | None = None) -> None:
        current = index if isinstance(index, QModelIndex) and index.isValid() \
            else self.results.currentIndex()
        super().accept()
        if current.isValid():
            entry: ConversationEntry = current.data(Roles.ROW)
            self.chosen.emit(entry.conversation)


class Navigation(QObject):
    """The conversation shortcuts of one chat window.

    Args:
        window: the chat window (a :class:`Navigable` main window).
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.switcher: QuickSwitcher | None = None
        actions = {
            "switch": self.open_switcher,
            "previous": lambda: self.step(-1),
            "next": lambda: self.step(1),
            "next_unread": self.next_unread,
            "mark_read": self.mark_read,
        }
        self.shortcuts: dict[str, QShortcut] = {}
        for name, action in actions.items():
            shortcut = QShortcut(QKeySequence(SHORTCUTS[name]), window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(action)
            self.shortcuts[name] = shortcut

    @property
    def _navigable(self) -> Navigable:
        return self._window  # type: ignore[return-value]

    def _entries(self) -> list[ConversationEntry]:
        """The conversations in the order the list shows them."""
        proxy = self._navigable.proxy
        return [proxy.index(row, 0).data(Roles.ROW) for row in range(proxy.rowCount())]

    @pyqtSlot()
    def open_switcher(self) -> None:
        switcher = QuickSwitcher(self._navigable.conversations, self._window)
        switcher.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        switcher.chosen.connect(self._navigable.select_conversation)
        switcher.finished.connect(self._on_switcher_finished)
        self.switcher = switcher
        switcher.open()

    @pyqtSlot(int)
    def _on_switcher_finished(self, result: int) -> None:
        self.switcher = None

    def step(self, offset: int) -> None:
        """Open the conversation ``offset`` rows from the current one."""
        entries = self._entries()
        current = self._navigable.current_conversation
        for number, entry in enumerate(entries):
            if entry.conversation == current:
                target = number + offset
                if 0 <= target < len(entries):
                    self._navigable.select_conversation(entries[target].conversation)
                return

    @pyqtSlot()
    def next_unread(self) -> None:
        """Open the next conversation below the current one (wrapping) with unread messages."""
        entries = self._entries()
        current = self._navigable.current_conversation
        start = next((n for n, e in enumerate(entries) if e.conversation == current), -1)
        for offset in range(1, len(entries) + 1):
            entry = entries[(start + offset) % len(entries)]
            if entry.unread and entry.conversation != current:
                self._navigable.select_conversation(entry.conversation)
                return

    @pyqtSlot()
    def mark_read(self) -> None:
        """Esc: out of a search first; else mark the conversation read."""
        if not self._navigable.step_back():
            self._navigable.conversations.mark_read(self._navigable.current_conversation)
