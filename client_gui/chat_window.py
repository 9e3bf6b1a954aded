"""The main window: conversations on the left, the open one on the right.

It binds views to the models of :class:`~client_gui.conversations.Conversations`
and turns user actions into calls on it; all state that outlives a switch of
conversation lives there, except the drafts, which are this window's (they
belong to the input box, and survive reconnects because the window does).
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QUrl,
    pyqtSignal,
    pyqtSlot,
)
from PyQt6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QIcon,
)
from PyQt6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from protocol.features import Feature
from protocol.rules import normalize_body

from .chat_files import ChatFiles
from .chat_menus import ChatMenus
from .client import ChatClient
from .compose import ComposeBox
from .conversation_delegate import ConversationDelegate
from .conversations import Conversations
from .i18n import LanguageManager, follow_language
from .message_actions import MessageActions
from .message_view import MessageView
from .conversation_models import ConversationEntry, ConversationSortProxy
from .models import Roles
from .navigation import Navigation
from .outbox import ConversationId
from .room_panel import RoomControls
from .search_panel import SearchMode, SearchPanel
from .settings import CHAT_GEOMETRY, CHAT_SPLITTER, Settings
from .status import AutoAway, StatusButton
from .status_bar import ConnectionStatus
from .texts import body_problem
from .theme import Appearance
from .tray import TrayPresence
from .widgets import ErrorLabel, FittingLabel

__all__ = ["ChatWindow"]

class ChatWindow(QMainWindow):
    """Conversation list, message view, input, status bar and menus.

    Args:
        client: the session (for its state, and to change the password).
        conversations: the models and the logic behind them.
        settings: where window geometry is remembered.
        languages: to list and switch languages from the menu.
        icon: the application icon (window, tray).
        open_url: how a clicked link is opened; tests pass a recorder.
        appearance: theme and font size, for the Settings dialog.

    Signals:
        log_out_requested(): the user chose "Log out".
    """

    log_out_requested = pyqtSignal()

    def __init__(self, client: ChatClient, conversations: Conversations, settings: Settings,
                 languages: LanguageManager, icon: QIcon | None = None,
                 open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
                 parent: QWidget | None = None, *, appearance: Appearance | None = None) -> None:
        super().__init__(parent)
        self._client = client
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        if appearance is None:
            appearance = Appearance(app, settings)
        self._quitting = False
        self.conversations = conversations
        self._settings = settings
        self._open_url = open_url
        self._drafts: dict[ConversationId, str] = {}
        self._current: ConversationId = None
        self._unread_total = 0
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
        self.header = FittingLabel(self)
        self.header.setObjectName("header")
        self._set_header_font()
        self.message_view = MessageView(self)
        self.message_view.setObjectName("messages")
        self.compose_box = ComposeBox(self)
        self.compose = self.compose_box.edit
        self.send_button = self.compose_box.send_button
        self.compose_error = ErrorLabel(self)
        #: Files: attaching, sending, downloading, pictures (chat_files.py).
        self.files = ChatFiles(self, client, conversations, lambda: self._current, open_url)
        self.compose.take_attachments = self.files.take
        for button in (self.files.attach_button, self.files.screenshot_button):
            self.compose_box.add_tool(button)
        # Reply, edit, delete, react, mentions, typing (version 2).
        self.message_actions = MessageActions(self, client)
        # Rooms (protocol version 2): their menu, members panel and button.
        self.rooms = RoomControls(self, client, conversations, settings)
        header_row = QHBoxLayout()
        header_row.addWidget(self.header, 1)
        header_row.addWidget(self.rooms.members_button)
        self.middle = QSplitter(Qt.Orientation.Horizontal, self)
        self.middle.addWidget(self.message_view)
        self.middle.addWidget(self.rooms.panel)
        self.middle.setStretchFactor(0, 1)
        self.middle.setChildrenCollapsible(False)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 6, 6, 6)
        right_layout.addLayout(header_row)
        right_layout.addWidget(self.middle, 1)
        right_layout.addWidget(self.message_actions.typing_label)
        right_layout.addWidget(self.files.bar)
        right_layout.addWidget(self.compose_error)
        right_layout.addWidget(self.message_actions.strip)
        right_layout.addWidget(self.compose_box)
        # Searching (client_gui/search_panel.py) takes the conversation's place.
        self.right_stack = QStackedWidget(self)
        self.search_panel = SearchPanel(client, conversations, self.right_stack)
        self.right_stack.addWidget(right)
        self.right_stack.addWidget(self.search_panel)
        self.search = SearchMode(self, lambda: self._current, self.select_conversation,
                                 self.right_stack, right, self.search_panel, self.message_view,
                                 conversations)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.right_stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        status_bar = self.statusBar()
        assert status_bar is not None
        self.status_bar = ConnectionStatus(status_bar, client)
        self.status = self.status_bar.text
        self.reconnect_button = self.status_bar.reconnect_button

        self.menus = ChatMenus(self, client, settings, languages, appearance,
                               (self.files.set_avatar_action, self.files.remove_avatar_action),
                               self.rooms.menu, self.search.actions(),
                               lambda: self.tray is not None)
        self.menus.log_out_action.triggered.connect(self.log_out_requested)
        self.menus.quit_action.triggered.connect(self.quit)
        self.tray_presence = TrayPresence(self, icon, settings, conversations)
        self.tray = self.tray_presence.tray
        self.tray_presence.quit_requested.connect(self.quit)
        # A room's message notifies unless the room is muted.
        self.tray_presence.notifier.room_notice = self.rooms.notification
        self.navigation = Navigation(self)

        # Small enough for 800 by 600 at 150 % (533 by 400), large enough
        # that nothing in it is cut off.
        self.setMinimumSize(520, 380)
        self._restore_layout()
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        selection = self.conversation_list.selectionModel()
        assert selection is not None
        selection.currentChanged.connect(self.on_current_conversation_changed)
        self.proxy.modelReset.connect(self._select_current)
        self.proxy.layoutChanged.connect(self._reselect_if_lost)
        self.proxy.rowsRemoved.connect(self._reselect_if_lost)
        self.compose_box.submitted.connect(self.on_send)
        self.compose.textChanged.connect(self.on_compose_changed)
        self.message_view.older_wanted.connect(self.on_older_wanted)
        self.message_view.newer_wanted.connect(lambda: conversations.load_newer(self._current))
        self.message_view.link_activated.connect(self.on_link_activated)
        self.message_view.discard_requested.connect(self.on_discard_requested)
        self.message_view.file_action.connect(self.files.on_file_action)
        if self.files.enabled:
            self.message_view.set_file_services(conversations.file_services)
            delegate = self.conversation_list.itemDelegate()
            assert isinstance(delegate, ConversationDelegate)
            delegate.avatars = conversations.file_services.avatars
            conversations.file_services.avatars.changed.connect(
                self.conversation_list.viewport().update)  # type: ignore[union-attr]
            self.setAcceptDrops(True)
        conversations.unread_total_changed.connect(self.on_unread_total_changed)
        conversations.history_loaded.connect(self.on_history_loaded)
        conversations.list_model.dataChanged.connect(self._update_header)

        follow_language(self, self.retranslate)
        self._select_current()
        self.compose.setFocus()

    def _restore_layout(self) -> None:
        geometry = self._settings.get(CHAT_GEOMETRY)
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(920, 620)
        sizes = self._settings.get(CHAT_SPLITTER)
        if sizes.isEmpty() or not self.splitter.restoreState(sizes):
            self.splitter.setSizes([240, 680])

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.filter.setPlaceholderText(self.tr("Filter conversations"))
        self.message_view.retranslate()
        self.files.retranslate()
        self.conversations.list_model.refresh_names()
        self._update_title()
        self._update_header()

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
        self.message_actions.conversation_changed()  # an edit gives the draft back first
        self._drafts[self._current] = self.compose.toPlainText()
        self._current = conversation
        model = self.conversations.open(conversation)
        self.message_view.setModel(model)
        self.compose.setPlainText(self._drafts.get(conversation, ""))
        cursor = self.compose.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.compose.setTextCursor(cursor)
        self.compose_error.show_text(None)
        self.rooms.conversation_changed(conversation)
        self._update_header()

    @property
    def current_conversation(self) -> ConversationId:
        return self._current

    # ------------------------------------------------------------------
    # Sending

    @pyqtSlot()
    def on_send(self) -> None:
        text = self.compose.toPlainText()
        problem = body_problem(text) if text.strip() or not self.files.bar.paths() else None
        if problem is not None:
            self.compose_error.show_text(problem)
            return
        caption = normalize_body(text) if text.strip() else ""
        if caption and self.message_actions.submit(caption):
            return  # an edit went instead (attachments wait in their bar), the draft is back
        # With files attached, the text goes as the first one's caption.
        if not self.files.send_attachments(self._current, caption):
            if not caption:
                return  # nothing to send; an empty Enter is not an error
            self.conversations.send(self._current, caption, self.message_actions.take_reply_to())
        self.message_actions.sent()
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

    def step_back(self) -> bool:
        """Esc's first meaning (:class:`~client_gui.navigation.Navigation`):
        out of an opened search result or the search results."""
        return self.search.back()

    def _update_header(self) -> None:
        entry = self.conversations.list_model.entry(self._current)
        if entry is None:
            self.header.set_variants("")
            return
        room_header = self.rooms.header(entry)
        if room_header is not None:
            self.header.set_variants(room_header, entry.name)
            return
        name = self.conversations.list_model.display_name(entry)
        if entry.conversation is None:
            detail = self.tr("everyone")
        else:
            detail = self.conversations.list_model.presence_text(entry)
        self.header.set_variants(f"{name} \u00b7 {detail}", name)

    def _set_header_font(self) -> None:
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.header.setFont(font)

    # ------------------------------------------------------------------
    # Notifications, menus, window events

    def dragEnterEvent(self, event: QDragEnterEvent | None) -> None:
        if event is not None:
            self.files.drag_enter(event)

    def dropEvent(self, event: QDropEvent | None) -> None:
        if event is not None:
            self.files.drop(event)

    def changeEvent(self, event: QEvent | None) -> None:
        assert event is not None
        if event.type() in (QEvent.Type.ActivationChange, QEvent.Type.WindowStateChange):
            self.conversations.set_attentive(self.isActiveWindow() and not self.isMinimized())
        elif event.type() == QEvent.Type.FontChange:
            self._set_header_font()
        super().changeEvent(event)

    @pyqtSlot()
    def quit(self) -> None:
        """Close for good, even where closing only hides the window in the tray."""
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent | None) -> None:
        assert event is not None
        if not self._quitting and self.tray_presence.keeps_running():
            # The Settings dialog's "closing keeps Besedka running in the tray".
            event.ignore()
            self.hide()
            return
        self.release()
        self.save_layout()
        if self.auto_away is not None:
            self.auto_away.stop()
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)
        app = QApplication.instance()
        if self._quitting and app is not None:
            app.quit()

    def release(self) -> None:
        """The window goes for good: remember its layout, and take the tray
        icon and the unread badges away."""
        self.save_layout()
        self.tray_presence.close()

    def save_layout(self) -> None:
        """Remember window geometry and splitter position."""
        self._settings.set(CHAT_GEOMETRY, self.saveGeometry())
        self._settings.set(CHAT_SPLITTER, self.splitter.saveState())
