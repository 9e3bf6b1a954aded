"""Finding messages: the search panel, and the chat window's search mode.

:class:`SearchPanel` is a query box, a choice of where to search (the open
conversation or all of them), a line saying what is going on, and the
results (:mod:`client_gui.search_results`).  It searches as the user types,
after a short pause; every new query supersedes the one before, whose
answer is then ignored (the protocol has no way to cancel a request, and
nothing needs one: a search only reads).  Enter, a click or a double-click
on a result asks to open it.

:class:`SearchMode` fits the panel into the chat window: Ctrl+F searches
the open conversation, Ctrl+Shift+F all of them, the panel takes the place
of the conversation, and a result opens its conversation at that message
(``history`` with ``around``) with the message selected.  Esc goes back one
step: from the opened message to the results, from the results to the
conversation the user was in before searching.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from PyQt6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, pyqtSignal, pyqtSlot
from PyQt6.QtGui import QAction, QKeyEvent, QKeySequence
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from protocol.features import Feature
from protocol.limits import SEARCH_DEFAULT_LIMIT, SEARCH_QUERY_MIN_CHARS
from protocol.objects import Message
from protocol.replies import ErrorReply, SearchPage
from protocol.requests import Search
from protocol.rules import search_words

from .client import ChatClient, conversation_of
from .conversations import Conversations
from .failures import FailureReason
from .i18n import follow_language
from .message_view import MessageView
from .outbox import ConversationId, RoomConversation
from .search_results import SearchResultDelegate, SearchResultsModel
from .session_state import ConnectionState
from .texts import describe_error

__all__ = ["EVERYWHERE", "SEARCH_DELAY_MS", "SearchMode", "SearchPanel"]

#: How long the user may pause typing before the query goes out.
SEARCH_DELAY_MS: Final = 300
#: Results asked for per page.
_PAGE: Final = SEARCH_DEFAULT_LIMIT * 2
#: The scope "all conversations" (any other scope is a conversation).
EVERYWHERE: Final = "everywhere"


class SearchPanel(QWidget):
    """Query, scope, state and results of one search at a time.

    Args:
        client: the session that sends the searches.
        conversations: for the names of conversations.

    Signals:
        result_activated(Message): the user chose a result to open.
    """

    result_activated = pyqtSignal(object)

    def __init__(self, client: ChatClient, conversations: Conversations,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._conversations = conversations
        self._conversation: ConversationId = None  # "this conversation"
        self._ticket = 0  # the search whose answer is awaited; 0: none
        self._asked = ""  # the query the results are for
        self._failure: str | None = None  # why the last search had no answer
        self.query = QLineEdit(self)
        self.query.setObjectName("search-query")
        self.query.setClearButtonEnabled(True)
        self.scope = QComboBox(self)
        self.scope.setObjectName("search-scope")
        # Its texts change with the conversation and the language: it follows.
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scope.addItems(["", ""])
        self.status = QLabel(self)
        self.status.setObjectName("search-status")
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.model = SearchResultsModel(self._conversation_name, self)
        self.results = QListView(self)
        self.results.setObjectName("search-results")
        self.results.setModel(self.model)
        self.results.setItemDelegate(SearchResultDelegate(self.results))
        self.results.setUniformItemSizes(True)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(self.scope)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 6, 6)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)

        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(SEARCH_DELAY_MS)
        self._delay.timeout.connect(self.search_now)
        self.query.textChanged.connect(self.on_query_changed)
        self.query.returnPressed.connect(self.open_current)
        self.query.installEventFilter(self)
        self.scope.currentIndexChanged.connect(self.on_query_changed)
        self.results.activated.connect(self.on_result_activated)
        self.results.clicked.connect(self.on_result_activated)
        bar = self.results.verticalScrollBar()
        assert bar is not None
        bar.valueChanged.connect(self.on_results_scrolled)
        client.history.search_answered.connect(self.on_search_answered)
        client.state_changed.connect(self.on_state_changed)
        follow_language(self, self.retranslate)

    # ------------------------------------------------------------------
    # What the window calls

    def start(self, conversation: ConversationId, everywhere: bool) -> None:
        """Search ``conversation`` (or all of them): show the panel's query,
        selected, so that typing replaces it."""
        self._conversation = conversation
        self.retranslate()
        self.scope.setCurrentIndex(1 if everywhere else 0)
        self.query.setFocus()
        self.query.selectAll()
        self.on_query_changed()

    @property
    def everywhere(self) -> bool:
        return self.scope.currentIndex() == 1

    def retranslate(self) -> None:
        self.query.setPlaceholderText(self.tr("Search messages"))
        self.scope.setItemText(0, self.tr("In %1").replace(
            "%1", self._conversations_name(self._conversation)))
        self.scope.setItemText(1, self.tr("In all conversations"))
        self._show_state()

    # ------------------------------------------------------------------
    # Searching

    @pyqtSlot()
    def on_query_changed(self) -> None:
        """Search again once the user pauses; say at once what will happen."""
        self._ticket = 0  # whatever is on its way answers an old question
        self._delay.start()
        self._show_state()

    @pyqtSlot()
    def search_now(self) -> None:
        self._delay.stop()
        text = self.query.text().strip()
        if len(text) < SEARCH_QUERY_MIN_CHARS or not self._can_search():
            self._asked = ""
            self.model.clear()
            self._show_state()
            return
        if text == self._asked and self._ticket:
            return  # that very search is on its way
        self._asked = text
        self.model.clear(search_words(text))
        self._ticket = self._client.history.search(self._request(text, None))
        self._show_state()

    def _request(self, text: str, before: int | None) -> Search:
        if self.everywhere:
            return Search(text, before=before, limit=_PAGE)
        conversation = self._conversation
        if isinstance(conversation, RoomConversation):
            return Search(text, room=conversation.room_id, before=before, limit=_PAGE)
        if conversation is None:
            return Search(text, general=True, before=before, limit=_PAGE)
        return Search(text, with_=self._conversations.peer_name(conversation), before=before,
                      limit=_PAGE)

    @pyqtSlot(int, object)
    def on_search_answered(self, ticket: int,
                           answer: SearchPage | ErrorReply | FailureReason) -> None:
        if ticket != self._ticket:
            return  # a question the user no longer asks
        self._ticket = 0
        if isinstance(answer, SearchPage):
            self.model.add_page(answer.messages, answer.has_more, answer.partial)
            self._failure = None
        elif isinstance(answer, ErrorReply):
            self._failure = describe_error(answer.code, answer.retry_after)
        else:
            self._failure = self.tr("Not connected: searching needs the server.")
        self._show_state()

    @pyqtSlot(int)
    def on_results_scrolled(self, value: int) -> None:
        bar = self.results.verticalScrollBar()
        assert bar is not None
        oldest = self.model.oldest_id
        if (value >= bar.maximum() - 100 and self.model.has_more and not self._ticket
                and oldest is not None and self._asked):
            self._ticket = self._client.history.search(self._request(self._asked, oldest))

    @pyqtSlot(object)
    def on_state_changed(self, state: ConnectionState) -> None:
        if state is ConnectionState.ONLINE and self.isVisible():
            # A search lost with the connection, or typed while offline.
            self._asked = ""
            self.search_now()
        else:
            self._show_state()

    def _can_search(self) -> bool:
        return (self._client.state is ConnectionState.ONLINE
                and Feature.SEARCH in self._client.features)

    # ------------------------------------------------------------------
    # What the user reads

    def _show_state(self) -> None:
        """The line above the results: what to do, what is going on, or why
        there is nothing."""
        text = self.query.text().strip()
        failure = self._failure
        if self._client.state is not ConnectionState.ONLINE:
            message = self.tr("Not connected: searching needs the server.")
        elif Feature.SEARCH not in self._client.features:
            message = self.tr("This server cannot search messages.")
        elif not text:
            message = self.tr("Type to search. Any part of a word is found, in any case; "
                              "every word you type must appear.")
        elif len(text) < SEARCH_QUERY_MIN_CHARS:
            message = self.tr("Type at least %n character(s).", "", SEARCH_QUERY_MIN_CHARS)
        elif self._ticket or self._delay.isActive() or text != self._asked:
            message = self.tr("Searching\u2026")
        elif failure is not None:
            message = failure
        elif not self.model.rowCount():
            message = self._nothing_found(text)
        elif self.model.partial:
            message = self.tr("Only the newest messages were searched: words of one or two "
                              "letters are looked for among recent messages only.")
        else:
            message = ""
        self._failure = None if self._ticket else failure
        self.status.setText(message)
        self.status.setVisible(bool(message))

    def _nothing_found(self, text: str) -> str:
        if self.everywhere:
            found = self.tr("No messages contain \u201c%1\u201d.")
        elif self._conversation is None:
            found = self.tr("No messages in General contain \u201c%1\u201d.")
        else:
            found = self.tr("No messages with %2 contain \u201c%1\u201d.").replace(
                "%2", self._conversations_name(self._conversation))
        found = found.replace("%1", text)
        if self.model.partial:
            found += " " + self.tr("Only the newest messages were searched: words of one or "
                                   "two letters are looked for among recent messages only.")
        return found

    def _conversations_name(self, conversation: ConversationId) -> str:
        entry = self._conversations.list_model.entry(conversation)
        if entry is not None:
            return self._conversations.list_model.display_name(entry)
        if isinstance(conversation, RoomConversation):
            return self.tr("room %1").replace("%1", str(conversation.room_id))
        return conversation or ""

    def _conversation_name(self, message: Message) -> str:
        """Where a result was said, as its row shows it."""
        conversation = conversation_of(message, self._conversations.me)
        if not isinstance(conversation, str):
            return self._conversations_name(conversation)
        entry = self._conversations.list_model.entry(conversation)
        if entry is not None and entry.is_me:
            return self.tr("notes to yourself")
        return self.tr("direct message with %1").replace(
            "%1", conversation if entry is None else entry.name)

    # ------------------------------------------------------------------
    # Choosing a result

    @pyqtSlot()
    def open_current(self) -> None:
        """Enter in the query: open the selected result, or the first."""
        if self._delay.isActive():
            self.search_now()
            return
        index = self.results.currentIndex()
        if not index.isValid() and self.model.rowCount():
            index = self.model.index(0)
        if index.isValid():
            self.on_result_activated(index)

    @pyqtSlot(QModelIndex)
    def on_result_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.results.setCurrentIndex(index)
            self.result_activated.emit(self.model.message(index.row()))

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        # Down (or Page Down) in the query moves on to the results.
        if (watched is self.query and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
                and self.model.rowCount()):
            self.results.setFocus()
            if not self.results.currentIndex().isValid():
                self.results.setCurrentIndex(self.model.index(0))
            return True
        return super().eventFilter(watched, event)


class SearchMode(QObject):
    """Ctrl+F, Ctrl+Shift+F and Esc in the chat window, and opening results.

    Args:
        window: the chat window (it gets the actions and the Esc key).
        current: the window's open conversation.
        select: opens a conversation in the window, as a click in its list.
        stack: the window's right side: the conversation page, and the panel.
        conversation_page: the page shown when not searching.
        panel: the search panel, a page of ``stack``.
        message_view: where an opened result is shown and selected.
        conversations: loads a conversation at a message.
    """

    def __init__(self, window: QWidget, current: Callable[[], ConversationId],
                 select: Callable[[ConversationId], None], stack: QStackedWidget,
                 conversation_page: QWidget, panel: SearchPanel, message_view: MessageView,
                 conversations: Conversations) -> None:
        super().__init__(window)
        self._window = window
        self._current = current
        self._select = select
        self._stack = stack
        self._page = conversation_page
        self.panel = panel
        self._view = message_view
        self._conversations = conversations
        #: Where the user was when the search began (Esc from the results goes back).
        self._before: ConversationId = None
        #: The result opened last, while it is shown (Esc goes back to the results).
        self._opened: tuple[ConversationId, int] | None = None
        #: Conversations opened at a result during this search: leaving the
        #: search brings them back to their newest messages.
        self._visited: set[ConversationId] = set()
        self.find_action = QAction(self)
        self.find_action.setShortcut(QKeySequence("Ctrl+F"))
        self.find_action.triggered.connect(lambda: self.start(everywhere=False))
        self.find_all_action = QAction(self)
        self.find_all_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.find_all_action.triggered.connect(lambda: self.start(everywhere=True))
        for action in (self.find_action, self.find_all_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        panel.result_activated.connect(self.open_result)
        conversations.message_shown.connect(self.on_message_shown)
        follow_language(self._window, self.retranslate)

    def actions(self) -> list[QAction]:
        return [self.find_action, self.find_all_action]

    def retranslate(self) -> None:
        self.find_action.setText(self.tr("&Find in this conversation\u2026"))
        self.find_all_action.setText(self.tr("Find in &all conversations\u2026"))

    @property
    def searching(self) -> bool:
        """Whether the panel is shown."""
        return self._stack.currentWidget() is self.panel

    def start(self, everywhere: bool) -> None:
        """Show the panel for the open conversation (or all of them)."""
        if not self.searching:
            if self._opened is None:
                self._before = self._current()
            self._opened = None
            self._stack.setCurrentWidget(self.panel)
        self.panel.start(self._current(), everywhere)

    @pyqtSlot(object)
    def open_result(self, message: Message) -> None:
        """Open a result's conversation at it (loading the page around it)."""
        conversation = conversation_of(message, self._conversations.me)
        self._opened = (conversation, message.id)
        self._visited.add(conversation)
        self._stack.setCurrentWidget(self._page)
        self._conversations.show_message(conversation, message.id)
        self._select(conversation)
        if self._conversations.model(conversation).contains(message.id):
            self._view.show_message(message.id)
        self._view.setFocus()

    @pyqtSlot(object, int)
    def on_message_shown(self, conversation: ConversationId, message_id: int) -> None:
        if self._opened == (conversation, message_id) and self._current() == conversation:
            self._view.show_message(message_id)

    def back(self) -> bool:
        """Esc (the window's, :class:`~client_gui.navigation.Navigation`):
        from an opened result to the results, from the results to where the
        search began.  Returns whether there was a step back."""
        if self.searching:
            self._stack.setCurrentWidget(self._page)
            for conversation in self._visited:
                self._conversations.return_to_present(conversation)
            self._visited.clear()
            self._select(self._before)
            self._opened = None
            self._view.setFocus()
            return True
        if self._opened is not None:
            self._opened = None
            self._stack.setCurrentWidget(self.panel)
            self.panel.results.setFocus()
            return True
        return False
