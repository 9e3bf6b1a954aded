"""What the chat window does with messages beyond sending them: reply, edit,
delete, react, mention, typing.

:class:`MessageActions` belongs to a :class:`~client_gui.chat_window.ChatWindow`
and keeps the window's own code to sending and switching conversations.  It

* answers the message view's requests (:mod:`client_gui.message_menu`):
  Reply and Edit put the compose box in a mode shown by a strip above it
  (Escape or its button leaves it, and an edit gives back the draft that
  was there); Delete asks first; a reaction goes to the server at once, and
  "More…" opens the :class:`~client_gui.emoji_picker.ReactionPicker`;
* lets Up arrow in an empty compose box edit my last message, as in
  Telegram and Slack;
* jumps to the message a reply quotes, loading older pages until it is
  there;
* completes ``@name`` from the conversation's members
  (:class:`~client_gui.mention_completer.MentionCompleter`);
* says "alice is typing…" under the conversation and tells the others when
  I type (:mod:`client_gui.typing_indicator`).

Everything here needs a version 2 server; with a version 1 server the menu
offers none of it and typing is never sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QEvent, QObject, Qt, QTimer, pyqtSlot
from PyQt6.QtGui import QKeyEvent
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QToolButton,
    QWidget,
)

from protocol.errors import ErrorCode
from protocol.features import Feature
from protocol.rules import username_key

from .emoji_picker import ReactionPicker
from .failures import FailureReason
from .i18n import follow_language
from .mention_completer import MentionCompleter
from .message_menu import Abilities
from .models import MessageRow
from .outbox import ConversationId
from .session_state import ConnectionState
from .texts import describe_error
from .typing_indicator import TypingSender, typing_text
from .widgets import blend

if TYPE_CHECKING:
    from .chat_window import ChatWindow
    from .client import ChatClient

__all__ = ["ComposeStrip", "MessageActions"]

#: Characters of the message shown in the reply strip.
_EXCERPT_CHARS = 120


class ComposeStrip(QWidget):
    """The line above the compose box while replying or editing, with a
    button that leaves that mode."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compose_strip")
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("compose_strip_close")
        self.close_button.setText("\u2715")
        self.close_button.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 0, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button)
        self.setVisible(False)
        follow_language(self, lambda: self.close_button.setToolTip(self.tr("Cancel (Esc)")))

    def show_text(self, text: str | None) -> None:
        self.label.setText(text or "")
        self.setVisible(bool(text))


class MessageActions(QObject):
    """The message actions of one chat window (see the module docstring).

    Args:
        window: the chat window, whose view, compose box and error line it uses.
        client: the session, for changes and what the server offers.
    """

    def __init__(self, window: ChatWindow, client: ChatClient) -> None:
        super().__init__(window)
        self._window = window
        self._client = client
        self._conversations = window.conversations
        view, compose = window.message_view, window.compose
        self._view, self._compose = view, compose
        #: the message being answered or edited, and the draft an edit replaced
        self.replying: MessageRow | None = None
        self.editing: MessageRow | None = None
        self._draft = ""
        #: a message to show once older pages bring it in
        self._jump_to: int | None = None
        self.strip = ComposeStrip(window)
        self.strip.close_button.clicked.connect(self.cancel)
        self.typing_label = QLabel(window)
        self.typing_label.setObjectName("typing")
        font = self.typing_label.font()
        font.setItalic(True)
        self.typing_label.setFont(font)
        self.typing_label.setVisible(False)
        self._typing = TypingSender(self._conversations.send_typing, self)
        self.completer = MentionCompleter(compose, self.mentionable)
        compose.installEventFilter(self)
        compose.textChanged.connect(self.on_compose_changed)
        view.reply_requested.connect(self.reply)
        view.edit_requested.connect(self.edit)
        view.delete_requested.connect(self.delete)
        view.react_requested.connect(self.react)
        view.pick_reaction_requested.connect(self.pick_reaction)
        view.quote_activated.connect(self.jump_to)
        self._conversations.history_loaded.connect(self.on_history_loaded)
        self._conversations.typists.changed.connect(self.on_typists_changed)
        self._client.change_refused.connect(self.on_change_refused)
        self._client.state_changed.connect(self.on_state_changed)
        self.on_state_changed(self._client.state)

    # ------------------------------------------------------------------
    # Reply and edit modes

    @pyqtSlot(object)
    def reply(self, row: MessageRow) -> None:
        """Answer ``row``: the next message sent carries its id."""
        self._leave_edit()
        self.replying = row
        excerpt = " ".join(row.body.split())[:_EXCERPT_CHARS]
        self.strip.show_text(self.tr("Replying to %1: %2").replace("%1", row.sender)
                             .replace("%2", excerpt))
        self._compose.setFocus()

    @pyqtSlot(object)
    def edit(self, row: MessageRow) -> None:
        """Edit my message ``row`` in the compose box; the draft comes back after."""
        if row.id is None or not row.own:
            return
        if self.editing is None:
            self._draft = self._compose.toPlainText()
        self.replying = None
        self.editing = row
        self.strip.show_text(self.tr("Editing your message (Esc cancels)"))
        self._compose.setPlainText(row.body)
        cursor = self._compose.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self._compose.setTextCursor(cursor)
        self._compose.setFocus()

    def submit(self, body: str) -> bool:
        """The user pressed Enter with a valid ``body``; whether it was an
        edit (then it went as one and the draft is back)."""
        editing = self.editing
        if editing is None:
            return False
        assert editing.id is not None
        if body != editing.body:
            self._client.edit_message(editing.id, body)
        self._leave_edit()
        self._typing.stop()
        return True

    def take_reply_to(self) -> int | None:
        """The id the message being sent answers (once: the mode ends)."""
        row, self.replying = self.replying, None
        self.strip.show_text(None)
        return None if row is None else row.id

    @pyqtSlot()
    def cancel(self) -> None:
        """Leave reply or edit mode."""
        self.replying = None
        self._leave_edit()
        self.strip.show_text(None)

    def _leave_edit(self) -> None:
        if self.editing is not None:
            self.editing = None
            self._compose.setPlainText(self._draft)
            self._draft = ""
            self.strip.show_text(None)

    def conversation_changed(self) -> None:
        """Another conversation was opened: modes and typing end here."""
        self.cancel()
        self._typing.stop()
        self._jump_to = None
        # Once the window has switched: then "current" is the new one.
        QTimer.singleShot(0, lambda: self.on_typists_changed(
            self._window.current_conversation))

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        # Up in an empty compose box edits my last message; Escape leaves a mode.
        if (watched is self._compose and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.ShortcutOverride
                and event.key() == Qt.Key.Key_Escape and (self.editing or self.replying)):
            # Escape is also the window's "mark read" shortcut: while an edit
            # or a reply is open, the compose box takes it first.
            event.accept()
            return False
        if (watched is self._compose and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress
                and event.modifiers() == Qt.KeyboardModifier.NoModifier
                and not self.completer.popup_visible):
            if event.key() == Qt.Key.Key_Escape and (self.editing or self.replying):
                self.cancel()
                return True
            if (event.key() == Qt.Key.Key_Up and not self._compose.toPlainText()
                    and self._view.abilities.edits):
                model = self._view.message_model()
                last = None if model is None else model.own_last()
                if last is not None:
                    self.edit(last)
                    return True
        return False

    # ------------------------------------------------------------------
    # Deleting and reacting

    @pyqtSlot(object)
    def delete(self, row: MessageRow) -> None:
        """Delete my message ``row`` once the user confirms."""
        if row.id is None:
            return
        excerpt = " ".join(row.body.split())[:_EXCERPT_CHARS]
        answer = QMessageBox.question(
            self._window, self.tr("Delete message"),
            self.tr("Delete this message for everyone?\n\n%1").replace("%1", excerpt),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            if self.editing is not None and self.editing.id == row.id:
                self.cancel()
            self._client.delete_message(row.id)

    @pyqtSlot(object, str, bool)
    def react(self, row: MessageRow, emoji: str, on: bool) -> None:
        if row.id is not None:
            self._client.react(row.id, emoji, on)

    @pyqtSlot(object)
    def pick_reaction(self, row: MessageRow) -> None:
        picker = ReactionPicker(self._window)
        if picker.exec() and picker.chosen is not None:
            self.react(row, picker.chosen, picker.chosen not in row.my_reactions)
        picker.deleteLater()

    @pyqtSlot(object)
    def on_change_refused(self, code: ErrorCode | str) -> None:
        if code is ErrorCode.UNKNOWN_MESSAGE:
            text = self.tr("That message is gone, or it is not yours to change.")
        elif code is FailureReason.CONNECTION_LOST:
            text = self.tr("Not connected: try again when the connection is back.")
        else:
            text = describe_error(code)
        self._window.compose_error.show_text(text)

    # ------------------------------------------------------------------
    # Jumping to a quoted message

    @pyqtSlot(int)
    def jump_to(self, message_id: int) -> None:
        """Show the message a reply quotes, loading older pages if need be."""
        if self._view.scroll_to_message(message_id):
            self._jump_to = None
            return
        model = self._view.message_model()
        if model is not None and model.has_older and (model.oldest_id or 0) > message_id:
            self._jump_to = message_id
            self._conversations.load_older(self._window.current_conversation)

    @pyqtSlot(object, int)
    def on_history_loaded(self, conversation: ConversationId, count: int) -> None:
        if self._jump_to is not None and conversation == self._window.current_conversation:
            target, self._jump_to = self._jump_to, None
            if count:
                self.jump_to(target)

    # ------------------------------------------------------------------
    # Mentions and typing

    def mentionable(self) -> list[str]:
        """The names ``@`` completes in the current conversation."""
        conversation = self._window.current_conversation
        me = self._conversations.me
        if isinstance(conversation, str):
            peer = self._conversations.peer_name(conversation)
            return [me] if peer is None or username_key(peer) == username_key(me) else [peer, me]
        return [entry.name for entry in self._conversations.list_model.entries() if entry.name]

    @pyqtSlot()
    def on_compose_changed(self) -> None:
        if self.editing is None:
            self._typing.text_changed(self._window.current_conversation,
                                      self._compose.toPlainText())

    def sent(self) -> None:
        """A message went: I am not typing any more."""
        self._typing.stop()

    @pyqtSlot(object)
    def on_typists_changed(self, conversation: ConversationId) -> None:
        if conversation != self._window.current_conversation:
            return
        text = typing_text(self._conversations.typists.names(conversation))
        palette = self.typing_label.palette()
        colour = blend(palette.color(palette.ColorRole.Window),
                       palette.color(palette.ColorRole.WindowText), 0.6)
        self.typing_label.setStyleSheet(f"color: {colour.name()};")
        self.typing_label.setText(text)
        self.typing_label.setVisible(bool(text))

    @pyqtSlot(object)
    def on_state_changed(self, state: ConnectionState) -> None:
        # A reconnect may reach a server that offers more (or less).
        if state is ConnectionState.ONLINE:
            self._view.abilities = Abilities(edits=self._client.offers(Feature.EDITS),
                                             reactions=self._client.offers(Feature.REACTIONS))
