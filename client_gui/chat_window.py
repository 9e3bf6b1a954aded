"""The main window: conversations on the left, the open one on the right.

It binds views to the models of :class:`~client_gui.conversations.Conversations`
and turns user actions into calls on it; all state that outlives a switch of
conversation lives there, except the drafts, which are this window's (they
belong to the input box, and survive reconnects because the window does).
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QUrl, pyqtSignal, pyqtSlot
from PyQt6.QtGui import QAction, QActionGroup, QCloseEvent, QDesktopServices, QIcon
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from protocol.features import Feature
from protocol.objects import Message
from protocol.rules import normalize_body
from protocol.version import BESEDKA_VERSION

from .client import ChatClient
from .conversations import Conversations
from .delegates import ConversationDelegate
from .dialogs import ChangePasswordDialog
from .i18n import LANGUAGES, LanguageManager, follow_language
from .message_view import MessageView
from .models import ConversationEntry, ConversationSortProxy, Roles
from .outbox import ConversationId
from .session_state import ConnectionState
from .sessions_dialog import SessionsDialog
from .settings import CHAT_GEOMETRY, CHAT_SPLITTER, Settings
from .status import AutoAway, StatusButton, describe_status
from .texts import body_problem
from .widgets import ComposeEdit, ErrorLabel

__all__ = ["ChatWindow"]

#: Characters of a message shown in a tray notification.
_NOTIFICATION_PREVIEW_CHARS = 200


class ChatWindow(QMainWindow):
    """Conversation list, message view, input, status bar and menus.

    Args:
        client: the session (for its state, and to change the password).
        conversations: the models and the logic behind them.
        settings: where window geometry is remembered.
        languages: to list and switch languages from the menu.
        icon: the application icon (window, tray).
        open_url: how a clicked link is opened; tests pass a recorder.

    Signals:
        log_out_requested(): the user chose "Log out".
    """

    log_out_requested = pyqtSignal()

    def __init__(self, client: ChatClient, conversations: Conversations, settings: Settings,
                 languages: LanguageManager, icon: QIcon | None = None,
                 open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self.conversations = conversations
        self._settings = settings
        self._languages = languages
        self._open_url = open_url
        self._drafts: dict[ConversationId, str] = {}
        self._current: ConversationId = None
        self._unread_total = 0
        self._countdown = 0
        if icon is not None:
            self.setWindowIcon(icon)

        # Left: filter and conversation list.
        self.filter = QLineEdit(self)
        self.filter.setObjectName("filter")
        self.filter.setClearButtonEnabled(True)
        self.proxy = ConversationSortProxy(self)
        self.proxy.setSourceModel(conversations.list_model)
        self.conversation_list = QListView(self)
        self.conversation_list.setObjectName("conversations")
        self.conversation_list.setModel(self.proxy)
        self.conversation_list.setItemDelegate(ConversationDelegate(self.conversation_list))
        self.conversation_list.setUniformItemSizes(True)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        # My status, where the server keeps one (PROTOCOL-2.md, "Status").
        self.status_button: StatusButton | None = None
        self.auto_away: AutoAway | None = None
        if Feature.STATUS in client.features:
            self.status_button = StatusButton(client, left)
            self.auto_away = AutoAway(client, parent=self)
            left_layout.addWidget(self.status_button)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.conversation_list)

        # Right: header, messages, input.
        self.header = QLabel(self)
        self.header.setObjectName("header")
        font = self.header.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.header.setFont(font)
        self.message_view = MessageView(self)
        self.message_view.setObjectName("messages")
        self.compose = ComposeEdit(self)
        self.compose.setObjectName("compose")
        self.send_button = QPushButton(self)
        self.send_button.setObjectName("send")
        self.compose_error = ErrorLabel(self)
        compose_row = QHBoxLayout()
        compose_row.addWidget(self.compose, 1)
        compose_row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 6, 6, 6)
        right_layout.addWidget(self.header)
        right_layout.addWidget(self.message_view, 1)
        right_layout.addWidget(self.compose_error)
        right_layout.addLayout(compose_row)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.status = QLabel(self)
        self.status.setObjectName("status")
        status_bar = self.statusBar()
        assert status_bar is not None
        status_bar.addWidget(self.status, 1)
        self.reconnect_button = QPushButton(self)
        self.reconnect_button.setObjectName("reconnect")
        self.reconnect_button.setFlat(True)
        self.reconnect_button.setVisible(False)
        self.reconnect_button.clicked.connect(client.reconnect_now)
        status_bar.addPermanentWidget(self.reconnect_button)

        self._make_menus()
        self.tray: QSystemTrayIcon | None = None
        if icon is not None and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.activated.connect(self.on_tray_activated)
            self.tray.show()

        self._restore_layout()
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        selection = self.conversation_list.selectionModel()
        assert selection is not None
        selection.currentChanged.connect(self.on_current_conversation_changed)
        self.proxy.modelReset.connect(self._select_current)
        self.proxy.layoutChanged.connect(self._reselect_if_lost)
        self.proxy.rowsRemoved.connect(self._reselect_if_lost)
        self.compose.submitted.connect(self.on_send)
        self.compose.textChanged.connect(self.on_compose_changed)
        self.send_button.clicked.connect(self.on_send)
        self.message_view.older_wanted.connect(self.on_older_wanted)
        self.message_view.link_activated.connect(self.on_link_activated)
        self.message_view.discard_requested.connect(self.on_discard_requested)
        conversations.unread_total_changed.connect(self.on_unread_total_changed)
        conversations.direct_message_arrived.connect(self.on_direct_message_arrived)
        conversations.history_loaded.connect(self.on_history_loaded)
        conversations.list_model.dataChanged.connect(self._update_header)
        client.state_changed.connect(self.on_state_changed)
        client.reconnect_countdown.connect(self.on_reconnect_countdown)
        for signal in (client.outbox_added, client.outbox_delivered, client.outbox_failed):
            signal.connect(self._update_status)
        languages.language_changed.connect(self.on_language_changed)

        follow_language(self, self.retranslate)
        self._select_current()
        self.compose.setFocus()

    # ------------------------------------------------------------------
    # Construction helpers

    def _make_menus(self) -> None:
        bar = self.menuBar()
        assert bar is not None
        self.account_menu = bar.addMenu("")
        self.change_password_action = QAction(self)
        self.change_password_action.triggered.connect(self.on_change_password)
        self.sessions_action = QAction(self)
        self.sessions_action.triggered.connect(self.on_sessions)
        self.sessions_action.setVisible(Feature.SESSIONS in self._client.features)
        self.log_out_action = QAction(self)
        self.log_out_action.triggered.connect(self.log_out_requested)
        self.quit_action = QAction(self)
        self.quit_action.triggered.connect(self.close)
        assert self.account_menu is not None
        self.account_menu.addAction(self.change_password_action)
        self.account_menu.addAction(self.sessions_action)
        self.account_menu.addAction(self.log_out_action)
        self.account_menu.addSeparator()
        self.account_menu.addAction(self.quit_action)
        self.language_menu = bar.addMenu("")
        assert self.language_menu is not None
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGES.items():
            action = QAction(name, self)
            action.setCheckable(True)
            action.setData(code)
            action.triggered.connect(self.on_language_chosen)
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        self.help_menu = bar.addMenu("")
        assert self.help_menu is not None
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self.on_about)
        self.help_menu.addAction(self.about_action)

    def _restore_layout(self) -> None:
        geometry = self._settings.get(CHAT_GEOMETRY)
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(920, 620)
        sizes = self._settings.get(CHAT_SPLITTER)
        if sizes.isEmpty() or not self.splitter.restoreState(sizes):
            self.splitter.setSizes([240, 680])

    def retranslate(self) -> None:
        """Set every text in the current language."""
        assert self.account_menu and self.language_menu and self.help_menu
        self.account_menu.setTitle(self.tr("&Account"))
        self.change_password_action.setText(self.tr("&Change password\u2026"))
        self.sessions_action.setText(self.tr("&Sessions\u2026"))
        self.log_out_action.setText(self.tr("&Log out"))
        self.quit_action.setText(self.tr("&Quit"))
        self.language_menu.setTitle(self.tr("L&anguage"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.about_action.setText(self.tr("&About Besedka"))
        self.filter.setPlaceholderText(self.tr("Filter conversations"))
        self.compose.setPlaceholderText(
            self.tr("Write a message. Enter sends, Shift+Enter starts a new line."))
        self.send_button.setText(self.tr("&Send"))
        self.send_button.setToolTip(self.tr("Send (Enter)"))
        self.reconnect_button.setText(self.tr("Reconnect &now"))
        if self.tray is not None:
            self.tray.setToolTip(self.tr("Besedka"))
        action = self.language_actions.get(self._languages.language)
        if action is not None:
            action.setChecked(True)
        self.message_view.retranslate()
        self.conversations.list_model.refresh_names()
        self._update_title()
        self._update_header()
        self._update_status()

    # ------------------------------------------------------------------
    # Conversation selection

    def _proxy_index(self, conversation: ConversationId) -> QModelIndex:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            entry: ConversationEntry = index.data(Roles.ROW)
            if entry.conversation == conversation:
                return index
        return QModelIndex()

    def select_conversation(self, conversation: ConversationId) -> None:
        """Open a conversation as if the user clicked it."""
        index = self._proxy_index(conversation)
        if index.isValid():
            self.conversation_list.setCurrentIndex(index)
        else:
            self._open(conversation)

    def _select_current(self) -> None:
        index = self._proxy_index(self._current)
        selection = self.conversation_list.selectionModel()
        assert selection is not None
        if index.isValid():
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if self.message_view.model() is None:
            self._open(self._current)

    def _reselect_if_lost(self) -> None:
        # The proxy forgets the current row when a filter hides it; when the
        # row comes back, highlight it again.
        if not self.conversation_list.currentIndex().isValid():
            index = self._proxy_index(self._current)
            if index.isValid():
                selection = self.conversation_list.selectionModel()
                assert selection is not None
                selection.setCurrentIndex(index,
                                          QItemSelectionModel.SelectionFlag.ClearAndSelect)

    @pyqtSlot(QModelIndex, QModelIndex)
    def on_current_conversation_changed(self, current: QModelIndex,
                                        previous: QModelIndex) -> None:
        if not current.isValid():
            return
        entry: ConversationEntry = current.data(Roles.ROW)
        if entry.conversation != self._current or self.message_view.model() is None:
            self._open(entry.conversation)

    def _open(self, conversation: ConversationId) -> None:
        self._drafts[self._current] = self.compose.toPlainText()
        self._current = conversation
        model = self.conversations.open(conversation)
        self.message_view.setModel(model)
        self.compose.setPlainText(self._drafts.get(conversation, ""))
        cursor = self.compose.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.compose.setTextCursor(cursor)
        self.compose_error.show_text(None)
        self._update_header()

    @property
    def current_conversation(self) -> ConversationId:
        return self._current

    # ------------------------------------------------------------------
    # Sending

    @pyqtSlot()
    def on_send(self) -> None:
        text = self.compose.toPlainText()
        problem = body_problem(text)
        if problem is not None:
            self.compose_error.show_text(problem)
            return
        if not text.strip():
            return  # nothing to send; an empty Enter is not an error
        self.conversations.send(self._current, normalize_body(text))
        self.compose.clear()
        self._drafts[self._current] = ""
        self.message_view.scrollToBottom()

    @pyqtSlot()
    def on_compose_changed(self) -> None:
        if self.compose_error.isVisible():
            self.compose_error.show_text(body_problem(self.compose.toPlainText()))

    @pyqtSlot()
    def on_older_wanted(self) -> None:
        self.conversations.load_older(self._current)
        self.message_view.viewport().update()  # type: ignore[union-attr]

    @pyqtSlot(object, int)
    def on_history_loaded(self, conversation: ConversationId, count: int) -> None:
        if conversation == self._current:
            self.message_view.viewport().update()  # type: ignore[union-attr]

    @pyqtSlot(QUrl)
    def on_link_activated(self, url: QUrl) -> None:
        self._open_url(url)

    @pyqtSlot(str)
    def on_discard_requested(self, key: str) -> None:
        self.conversations.discard_failed(self._current, key)

    # ------------------------------------------------------------------
    # Title, header, status

    @pyqtSlot(int)
    def on_unread_total_changed(self, total: int) -> None:
        self._unread_total = total
        self._update_title()

    def _update_title(self) -> None:
        name = self.conversations.me
        if self._unread_total:
            self.setWindowTitle(self.tr("(%1) Besedka \u2014 %2").replace(
                "%1", str(self._unread_total)).replace("%2", name))
        else:
            self.setWindowTitle(self.tr("Besedka \u2014 %1").replace("%1", name))

    def _update_header(self) -> None:
        entry = self.conversations.list_model.entry(self._current)
        if entry is None:
            self.header.setText("")
            return
        name = self.conversations.list_model.display_name(entry)
        if entry.conversation is None:
            detail = self.tr("everyone")
        elif entry.online and self.status_button is not None:
            detail = describe_status(entry.status, entry.status_text)
        elif entry.online:
            detail = self.tr("online")
        else:
            detail = self.tr("offline")
        self.header.setText(f"{name} \u00b7 {detail}")

    @pyqtSlot(object)
    def on_state_changed(self, state: ConnectionState) -> None:
        self._update_status()

    @pyqtSlot(int)
    def on_reconnect_countdown(self, seconds: int) -> None:
        self._countdown = seconds
        self._update_status()

    def _update_status(self) -> None:
        state = self._client.state
        address = f"{self._client.host}:{self._client.port}"
        if state is ConnectionState.ONLINE:
            text = self.tr("Connected as %1 to %2").replace("%1", self._client.username).replace(
                "%2", address)
        elif state is ConnectionState.WAITING:
            text = self.tr("Connection to %1 lost. Reconnecting in %n second(s)\u2026", "",
                           self._countdown).replace("%1", address)
        elif state is ConnectionState.CONNECTING:
            text = self.tr("Reconnecting to %1\u2026").replace("%1", address)
        else:
            text = self.tr("Not connected")
        waiting = len(self._client.outbox)
        if waiting:
            text += " \u00b7 " + self.tr("%n message(s) waiting to be sent", "", waiting)
        self.status.setText(text)
        self.reconnect_button.setVisible(state is ConnectionState.WAITING)

    # ------------------------------------------------------------------
    # Notifications, menus, window events

    @pyqtSlot(object)
    def on_direct_message_arrived(self, message: Message) -> None:
        if self.tray is not None and not self.isActiveWindow():
            self.tray.showMessage(self.tr("Message from %1").replace("%1", message.sender),
                                  message.body[:_NOTIFICATION_PREVIEW_CHARS],
                                  QSystemTrayIcon.MessageIcon.Information)

    @pyqtSlot(QSystemTrayIcon.ActivationReason)
    def on_tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    @pyqtSlot()
    def on_change_password(self) -> None:
        dialog = ChangePasswordDialog(self._client, self)
        dialog.exec()
        dialog.deleteLater()

    @pyqtSlot()
    def on_sessions(self) -> None:
        dialog = SessionsDialog(self._client, self)
        self.sessions_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @pyqtSlot()
    def on_about(self) -> None:
        QMessageBox.about(self, self.tr("About Besedka"), self.tr(
            "<h3>Besedka %1</h3><p>A chat for the computers of one local network: "
            "a general room and direct messages.</p>").replace("%1", BESEDKA_VERSION))

    @pyqtSlot()
    def on_language_chosen(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self._languages.choose(str(action.data()))

    @pyqtSlot(str)
    def on_language_changed(self, code: str) -> None:
        action = self.language_actions.get(code)
        if action is not None:
            action.setChecked(True)

    def changeEvent(self, event: QEvent | None) -> None:
        assert event is not None
        if event.type() in (QEvent.Type.ActivationChange, QEvent.Type.WindowStateChange):
            self.conversations.set_attentive(self.isActiveWindow() and not self.isMinimized())
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent | None) -> None:
        self.save_layout()
        if self.auto_away is not None:
            self.auto_away.stop()
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)

    def save_layout(self) -> None:
        """Remember window geometry and splitter position."""
        self._settings.set(CHAT_GEOMETRY, self.saveGeometry())
        self._settings.set(CHAT_SPLITTER, self.splitter.saveState())
