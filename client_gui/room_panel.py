"""The chat window's rooms: the Rooms menu, the members panel, room notifications.

:class:`RoomControls` is the part of the chat window that exists only with a
server offering rooms: it makes the Rooms menu (new room, browse public
rooms, invite, the owner's settings, leave, mute), the members panel
(:class:`MembersPanel`) and the button that shows it, opens the dialogs of
:mod:`client_gui.room_dialogs`, and turns room messages into tray
notifications unless the room is muted.  The window tells it which
conversation is open and asks it for a room's header line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PyQt6.QtCore import QModelIndex, QObject, Qt, pyqtSignal, pyqtSlot
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from protocol.errors import ErrorCode
from protocol.objects import Message
from protocol.rooms import Room
from protocol.rules import username_key

from .client import ChatClient
from .conversations import Conversations
from .conversation_delegate import ConversationDelegate
from .failures import FailureReason
from .i18n import follow_language
from .conversation_models import ConversationEntry
from .models import Roles
from .notifier import PREVIEW_CHARS
from .outbox import ConversationId, RoomConversation
from .room_dialogs import BrowseRoomsDialog, InviteDialog, NewRoomDialog, RoomSettingsDialog
from .room_models import MemberListModel
from .settings import MutedRooms, Settings
from .texts import describe_error

if TYPE_CHECKING:
    from .chat_window import ChatWindow

__all__ = ["MembersPanel", "RoomControls"]

#: How long a refused room request is reported in the status bar.
_STATUS_MS = 8000


class MembersPanel(QWidget):
    """Who is in the open room, online first; invite, and (the owner) remove.

    Signals:
        invite_requested(): "Invite…" was pressed.
        remove_requested(str): "Remove" was pressed on this member.
        direct_requested(str): a member was double-clicked: talk to them.
    """

    invite_requested = pyqtSignal()
    remove_requested = pyqtSignal(str)
    direct_requested = pyqtSignal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setObjectName("members_title")
        self.list = QListView(self)
        self.list.setObjectName("members")
        self.list.setItemDelegate(ConversationDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.invite_button = QPushButton(self)
        self.invite_button.setObjectName("invite")
        self.remove_button = QPushButton(self)
        self.remove_button.setObjectName("remove")
        buttons = QHBoxLayout()
        buttons.addWidget(self.invite_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._model: MemberListModel | None = None
        self._owner = False
        self.invite_button.clicked.connect(self.invite_requested)
        self.remove_button.clicked.connect(self._on_remove)
        self.list.doubleClicked.connect(self._on_double_clicked)
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        self.invite_button.setText(self.tr("&Invite\u2026"))
        self.remove_button.setText(self.tr("Re&move"))
        self.remove_button.setToolTip(self.tr("Remove the selected member from the room"))
        if self._model is not None:
            self._model.refresh_names()
        self._update()

    def show_room(self, model: MemberListModel | None, owner: bool) -> None:
        """Show the members of a room (I own it: ``owner``), or nothing."""
        if model is not self._model:
            if self._model is not None:
                self._model.modelReset.disconnect(self._update)
            self._model = model
            self.list.setModel(model)
            if model is not None:
                model.modelReset.connect(self._update)
                selection = self.list.selectionModel()
                assert selection is not None
                selection.currentChanged.connect(self._update)
        self.set_owner(owner)

    def set_owner(self, owner: bool) -> None:
        """Whether I own the room shown (and so may remove members)."""
        self._owner = owner
        self._update()

    def selected(self) -> ConversationEntry | None:
        index = self.list.currentIndex()
        return index.data(Roles.ROW) if index.isValid() else None

    def _update(self) -> None:
        model = self._model
        if model is None or not model.loaded:
            self.title.setText(self.tr("Members"))
        else:
            self.title.setText(self.tr("Members: %1 of %n online", "", model.rowCount()).replace(
                "%1", str(model.online_count())))
        chosen = self.selected()
        self.remove_button.setVisible(self._owner)
        self.remove_button.setEnabled(self._owner and chosen is not None and not chosen.is_me)

    def _on_remove(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.remove_requested.emit(chosen.name)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        entry: ConversationEntry = index.data(Roles.ROW)
        if not entry.is_me:
            self.direct_requested.emit(entry.name)


class RoomControls(QObject):
    """The rooms part of a chat window (see the module docstring).

    Args:
        window: the chat window it belongs to.
        client: the session.
        conversations: the models behind the window.
        settings: where muted rooms are remembered.
        confirm: asks the user a yes/no question (tests answer themselves).
    """

    def __init__(self, window: ChatWindow, client: ChatClient, conversations: Conversations,
                 settings: Settings, confirm: Callable[[str], bool] | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._client = client
        self._conversations = conversations
        self._muted = MutedRooms(settings)
        #: Asks the user a yes/no question (tests answer it themselves).
        self.confirm: Callable[[str], bool] = confirm or self._ask
        self._current: ConversationId = None
        #: The dialog open now, if any (kept for tests and to keep it alive).
        self.dialog: QDialog | None = None
        self.available = client.has_rooms
        #: The Rooms menu, for the window to put in its menu bar.
        self.menu = QMenu(window)
        menu_action = self.menu.menuAction()
        assert menu_action is not None
        menu_action.setVisible(self.available)
        self.new_room_action = self._action(self.on_new_room, QKeySequence("Ctrl+Shift+N"))
        self.browse_action = self._action(self.on_browse)
        self.menu.addSeparator()
        self.invite_action = self._action(self.on_invite)
        self.settings_action = self._action(self.on_settings)
        self.leave_action = self._action(self.on_leave)
        self.menu.addSeparator()
        self.mute_action = self._action(self.on_mute_toggled, checkable=True)
        self.members_action = self._action(self.on_members_toggled, checkable=True)
        self.members_button = QToolButton(window)
        self.members_button.setObjectName("members_button")
        self.members_button.setDefaultAction(self.members_action)
        self.members_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.panel = MembersPanel(window)
        self.panel.setVisible(False)
        self.panel.invite_requested.connect(self.on_invite)
        self.panel.remove_requested.connect(self.on_remove)
        self.panel.direct_requested.connect(
            lambda name: window.select_conversation(username_key(name)))
        conversations.rooms.room_opened.connect(window.select_conversation)
        conversations.rooms.room_closed.connect(self.on_room_closed)
        conversations.list_model.dataChanged.connect(self._update)
        client.rooms.request_failed.connect(self.on_request_failed)
        follow_language(window, self.retranslate)
        self.conversation_changed(None)

    def _action(self, slot: Callable[..., None], shortcut: QKeySequence | None = None, *,
                checkable: bool = False) -> QAction:
        action = QAction(self._window)
        action.setCheckable(checkable)
        if shortcut is not None:
            action.setShortcut(shortcut)
        (action.toggled if checkable else action.triggered).connect(slot)
        self.menu.addAction(action)
        return action

    def retranslate(self) -> None:
        self.menu.setTitle(self.tr("&Rooms"))
        self.new_room_action.setText(self.tr("&New room\u2026"))
        self.browse_action.setText(self.tr("&Browse public rooms\u2026"))
        self.invite_action.setText(self.tr("&Invite\u2026"))
        self.settings_action.setText(self.tr("Room &settings\u2026"))
        self.leave_action.setText(self.tr("&Leave room"))
        self.mute_action.setText(self.tr("&Mute notifications"))
        self.members_action.setText(self.tr("Mem&bers"))
        self.members_action.setToolTip(self.tr("Show who is in this room"))

    # ------------------------------------------------------------------
    # What the window tells

    def conversation_changed(self, conversation: ConversationId) -> None:
        """A conversation was opened in the window."""
        self._current = conversation
        room = self._room()
        if room is not None:
            # Shown as remembered: not a choice to remember again.
            self.mute_action.blockSignals(True)
            self.mute_action.setChecked(self._is_muted(room.room_id))
            self.mute_action.blockSignals(False)
            if self.members_action.isChecked():
                self._show_members()
        self._update()

    def header(self, entry: ConversationEntry) -> str | None:
        """The header line of a room's conversation (None: not a room)."""
        room = entry.room
        if room is None:
            return None
        parts = [room.name, self.tr("%n member(s)", "", room.members)]
        if room.topic:
            parts.append(room.topic)
        return " \u00b7 ".join(parts)

    def _room(self) -> RoomConversation | None:
        current = self._current
        return current if isinstance(current, RoomConversation) else None

    def _update(self) -> None:
        room = self._conversations.rooms.room(self._current)
        in_room = room is not None
        owner = room is not None and self._owns(room)
        for action in (self.invite_action, self.leave_action, self.mute_action,
                       self.members_action):
            action.setEnabled(in_room)
        self.settings_action.setEnabled(owner)
        self.members_button.setVisible(in_room)
        self.panel.setVisible(in_room and self.members_action.isChecked())
        self.panel.set_owner(owner)

    def _show_members(self) -> None:
        room = self._room()
        if room is not None:
            entry = self._conversations.rooms.room(room)
            owner = entry is not None and self._owns(entry)
            self.panel.show_room(self._conversations.rooms.members(room.room_id), owner)

    def _owns(self, room: Room) -> bool:
        """Whether I own ``room``."""
        return room.owner is not None and (
            username_key(room.owner) == username_key(self._client.username))

    # ------------------------------------------------------------------
    # Actions

    @pyqtSlot()
    def on_new_room(self) -> None:
        people = [entry.name for entry in self._conversations.list_model.entries()
                  if isinstance(entry.conversation, str) and not entry.is_me]
        self._open(NewRoomDialog(self._client.rooms, people, self._window))

    @pyqtSlot()
    def on_browse(self) -> None:
        self._open(BrowseRoomsDialog(self._client.rooms, self._conversations.rooms,
                                     self._window))

    @pyqtSlot()
    def on_invite(self) -> None:
        room = self._conversations.rooms.room(self._current)
        if room is None:
            return
        everyone = [entry.name for entry in self._conversations.list_model.entries()
                    if isinstance(entry.conversation, str) and not entry.is_me]
        self._open(InviteDialog(self._client.rooms, room, everyone,
                                self._conversations.rooms.members(room.id), self._window))

    @pyqtSlot()
    def on_settings(self) -> None:
        room = self._conversations.rooms.room(self._current)
        if room is not None and self._owns(room):
            self._open(RoomSettingsDialog(self._client.rooms, room, self._window))

    @pyqtSlot()
    def on_leave(self) -> None:
        room = self._conversations.rooms.room(self._current)
        if room is not None and self.confirm(
                self.tr("Leave \u201c%1\u201d? You can come back only if it is public or "
                        "someone invites you.").replace("%1", room.name)):
            self._client.rooms.leave(room.id)

    @pyqtSlot(str)
    def on_remove(self, username: str) -> None:
        room = self._conversations.rooms.room(self._current)
        if room is not None and self.confirm(
                self.tr("Remove %1 from \u201c%2\u201d?").replace("%1", username).replace(
                    "%2", room.name)):
            self._client.rooms.remove(room.id, username)

    @pyqtSlot(bool)
    def on_mute_toggled(self, muted: bool) -> None:
        room = self._room()
        if room is not None:
            self._muted.set_muted(self._client.host, self._client.port, room.room_id, muted)

    @pyqtSlot(bool)
    def on_members_toggled(self, shown: bool) -> None:
        if shown:
            self._show_members()
        self._update()

    def _open(self, dialog: QDialog) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self._window, self.tr("Besedka"), question)
        return answer == QMessageBox.StandardButton.Yes

    def _is_muted(self, room_id: int) -> bool:
        return self._muted.is_muted(self._client.host, self._client.port, room_id)

    # ------------------------------------------------------------------
    # What the session tells

    @pyqtSlot(object)
    def on_room_closed(self, room: RoomConversation) -> None:
        if self._window.current_conversation == room:
            self._window.select_conversation(None)

    def notification(self, message: Message) -> tuple[str, str] | None:
        """The title and text of the notification for a room's message, or
        None: the room is muted (:class:`~client_gui.notifier.Notifier`
        asks, for a room's message that does not mention me)."""
        if message.room is None or self._is_muted(message.room):
            return None
        room = self._conversations.rooms.room(RoomConversation(message.room))
        title = self.tr("%1 in %2").replace("%1", message.sender).replace(
            "%2", room.name if room is not None else "#")
        return title, message.body[:PREVIEW_CHARS]

    @pyqtSlot(str, object)
    def on_request_failed(self, kind: str, code: ErrorCode | FailureReason | str) -> None:
        if self.dialog is not None and self.dialog.isVisible() and kind in (
                "create_room", "join_room", "update_room"):
            return  # the dialog that asked says it
        status = self._window.statusBar()
        assert status is not None
        status.showMessage(describe_error(code), _STATUS_MS)
