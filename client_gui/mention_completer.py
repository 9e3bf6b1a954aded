"""``@`` in the compose box opens a list of the conversation's members.

Typing ``@al`` lists the names that start with ``al`` (ignoring case);
Enter, Tab or a click puts the chosen name in place of what was typed, as
registered, followed by a space.  What counts as "typing a mention" is the
protocol's own reading of mentions (:func:`protocol.lifecycle.mention_prefix`),
so a name completed here is a name the server finds.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QEvent, QObject, QStringListModel, Qt, pyqtSlot
from PyQt6.QtGui import QKeyEvent
from PyQt6.QtWidgets import QCompleter, QPlainTextEdit

from protocol.lifecycle import mention_prefix

__all__ = ["MentionCompleter"]


class MentionCompleter(QObject):
    """Completes ``@name`` in a text edit from a list of names.

    Args:
        edit: the compose box.
        names: the names that may be mentioned here (asked each time a
            list opens, so it follows the current conversation).
    """

    def __init__(self, edit: QPlainTextEdit, names: Callable[[], list[str]]) -> None:
        super().__init__(edit)
        self._edit = edit
        self._names = names
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setWidget(edit)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.completer.activated[str].connect(self.insert)
        self._prefix: str | None = None
        edit.textChanged.connect(self.on_text_changed)
        # Enter must choose a name, not send the message, while the list is open.
        edit.installEventFilter(self)

    @property
    def popup_visible(self) -> bool:
        popup = self.completer.popup()
        return popup is not None and popup.isVisible()

    @pyqtSlot()
    def on_text_changed(self) -> None:
        cursor = self._edit.textCursor()
        before = self._edit.toPlainText()[:cursor.position()]
        self._prefix = mention_prefix(before)
        popup = self.completer.popup()
        assert popup is not None
        if self._prefix is None:
            popup.hide()
            return
        names: list[str] = sorted(set(self._names()), key=str.casefold)
        self._model.setStringList(names)
        self.completer.setCompletionPrefix(self._prefix)
        if self.completer.completionCount() == 0:
            popup.hide()
            return
        completions = self.completer.completionModel()
        assert completions is not None
        popup.setCurrentIndex(completions.index(0, 0))
        rect = self._edit.cursorRect()
        rect.setWidth(max(160, popup.sizeHintForColumn(0) + 30))
        self.completer.complete(rect)

    @pyqtSlot(str)
    def insert(self, name: str) -> None:
        """Put ``name`` in place of the partial name before the cursor."""
        if self._prefix is None:
            return
        cursor = self._edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.Left, cursor.MoveMode.KeepAnchor,
                            len(self._prefix))
        cursor.insertText(name + " ")
        self._edit.setTextCursor(cursor)
        self._prefix = None
        popup = self.completer.popup()
        assert popup is not None
        popup.hide()

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        if (watched is self._edit and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress and self.popup_visible
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)):
            popup = self.completer.popup()
            assert popup is not None
            current = popup.currentIndex()
            if current.isValid():
                self.insert(str(current.data()))
                return True
        return False
