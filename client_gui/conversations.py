"""What the chat window shows, kept apart from how it shows it.

:class:`Conversations` listens to a :class:`~client_gui.client.ChatClient`
and keeps one :class:`~client_gui.models.MessageListModel` per conversation
plus the conversation list with unread counts.  It decides when a message is
unread (it arrived live and nobody was looking), when to tell the server a
conversation was read (it was opened, or the window came back into focus on
it), and which page of history to ask for next.  Windows call :meth:`open`
and :meth:`load_older` and bind views to the models; they hold no state of
their own beyond drafts.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Final

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot

from protocol.limits import HISTORY_MAX_LIMIT
from protocol.objects import Message, RosterEntry
from protocol.rules import username_key

from .client import ChatClient, conversation_of
from .file_cards import FileServices
from .files import Download, TransferState, Upload
from .models import ConversationListModel, MessageListModel, RowState
from .previews import Avatars, Previews
from .outbox import ConversationId, OutboxItem
from .session_state import ConnectionState

__all__ = ["Conversations", "DEFAULT_OLDER_PAGE_SIZE", "DEFAULT_PAGE_SIZE"]

#: Messages in the first page of a conversation: a few screens, one quick reply.
DEFAULT_PAGE_SIZE: Final = 100
#: Messages per older page: someone scrolling back wants many, in few trips.
DEFAULT_OLDER_PAGE_SIZE: Final = HISTORY_MAX_LIMIT


class Conversations(QObject):
    """The conversations of one session and what is loaded and unread in each.

    Args:
        client: the logged-in session whose signals feed this object.
        page_size: messages in the first page of a conversation.
        older_page_size: messages per page when scrolling back.

    Signals:
        unread_total_changed(count): for the window title.
        direct_message_arrived(Message): a live direct message to me while
            nobody was looking (for a tray notification).
        history_loaded(ConversationId, count): a page was added (for views
            that keep their scroll position when rows are prepended).
    """

    unread_total_changed = pyqtSignal(int)
    direct_message_arrived = pyqtSignal(object)
    history_loaded = pyqtSignal(object, int)

    def __init__(self, client: ChatClient, page_size: int = DEFAULT_PAGE_SIZE,
                 older_page_size: int = DEFAULT_OLDER_PAGE_SIZE,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._page_size = page_size
        self._older_page_size = older_page_size
        self.me = client.username
        self._me_key = username_key(self.me)
        self.list_model = ConversationListModel(self.me, self)
        self._models: dict[ConversationId, MessageListModel] = {}
        self.current: ConversationId = None
        self._attentive = False
        self._general_unread = 0
        self._unread_total = 0
        client.roster_received.connect(self.on_roster_received)
        client.general_unread_received.connect(self.on_general_unread_received)
        client.presence_changed.connect(self.on_presence_changed)
        client.messages_arrived.connect(self.on_messages_arrived)
        client.history_received.connect(self.on_history_received)
        client.outbox_added.connect(self.on_outbox_added)
        client.outbox_delivered.connect(self.on_outbox_delivered)
        client.outbox_failed.connect(self.on_outbox_failed)
        client.state_changed.connect(self.on_state_changed)
        files = client.files
        #: Files: transfers, previews and the users' pictures, for the views.
        self.file_services = FileServices(files, Previews(files, self), Avatars(files, self))
        self._upload_conversations: dict[str, ConversationId] = {}
        files.upload_changed.connect(self.on_upload_changed)
        files.upload_removed.connect(self.on_upload_removed)
        files.download_changed.connect(self.on_download_changed)
        client.roster_received.connect(self.file_services.avatars.set_roster)
        client.presence_changed.connect(self.file_services.avatars.set_entry)
        self.list_model.dataChanged.connect(self._on_list_changed)
        self.list_model.modelReset.connect(self._on_list_changed)
        self.list_model.rowsInserted.connect(self._on_list_changed)

    # ------------------------------------------------------------------
    # What windows call

    def model(self, conversation: ConversationId) -> MessageListModel:
        """The message model of a conversation (made on first use)."""
        model = self._models.get(conversation)
        if model is None:
            model = MessageListModel(conversation, self.me, self)
            self._models[conversation] = model
        return model

    def peer_name(self, conversation: ConversationId) -> str | None:
        """The name to put in ``to``/``with`` for a conversation (None: general
        or a room, which requests name by ``room`` instead)."""
        if not isinstance(conversation, str):
            return None
        entry = self.list_model.entry(conversation)
        return entry.name if entry is not None else conversation

    def open(self, conversation: ConversationId) -> MessageListModel:
        """Make a conversation the current one: load it and mark it read."""
        self.current = conversation
        model = self.model(conversation)
        if not model.history_started:
            model.history_started = True
            self._request_page(model, before=None)
        self._mark_read(conversation)
        return model

    def load_older(self, conversation: ConversationId) -> bool:
        """Ask for the page before the oldest loaded message.

        Returns:
            Whether a request went out (not when one is running or the
            start of the conversation was reached).
        """
        model = self.model(conversation)
        if model.loading or not model.has_older:
            return False
        self._request_page(model, before=model.oldest_id)
        return True

    def send(self, conversation: ConversationId, body: str) -> OutboxItem:
        """Send a message (it waits in the outbox while offline)."""
        return self._client.send_message(self.peer_name(conversation), body)

    def send_file(self, conversation: ConversationId, path: Path, caption: str = "") -> Upload:
        """Upload a file and post it (it waits for the connection while offline)."""
        return self._client.files.send_file(self.peer_name(conversation), path, caption)

    def set_attentive(self, attentive: bool) -> None:
        """Whether the user is looking at the current conversation.

        While not, live messages there count as unread; on coming back they
        are marked read.
        """
        self._attentive = attentive
        if attentive:
            self._mark_read(self.current)

    def discard_failed(self, conversation: ConversationId, key: str) -> None:
        """Forget a message (or an upload) the server refused to store."""
        self._client.discard_failed(key)
        self._client.files.discard_failed(key)
        self.model(conversation).remove_failed(key)

    # ------------------------------------------------------------------
    # Client signals

    @pyqtSlot(list)
    def on_roster_received(self, roster: list[RosterEntry]) -> None:
        self.list_model.set_roster(roster, self._general_unread)
        # A read marker sent while the connection was down was lost.
        if self._attentive:
            self._mark_read(self.current)

    @pyqtSlot(int)
    def on_general_unread_received(self, count: int) -> None:
        self._general_unread = count
        self.list_model.set_unread(None, count)

    @pyqtSlot(object)
    def on_presence_changed(self, user: RosterEntry) -> None:
        self.list_model.set_presence(user)

    @pyqtSlot(list, bool)
    def on_messages_arrived(self, messages: list[Message], live: bool) -> None:
        by_conversation: dict[ConversationId, list[Message]] = defaultdict(list)
        for message in messages:
            by_conversation[conversation_of(message, self.me)].append(message)
        for conversation, batch in by_conversation.items():
            model = self.model(conversation)
            fresh = [m for m in batch if not model.contains(m.id)]
            model.add_messages(fresh)
            if not live:
                # Caught up by sync: the roster that came with the login
                # already counted these as unread.
                continue
            from_others = [m for m in fresh if username_key(m.sender) != self._me_key]
            if not from_others:
                continue
            if conversation == self.current and self._attentive:
                self._mark_read(conversation)
            else:
                self.list_model.add_unread(conversation, len(from_others))
                if isinstance(conversation, str):
                    for message in from_others:
                        self.direct_message_arrived.emit(message)

    @pyqtSlot(object, list, bool)
    def on_history_received(self, conversation: ConversationId, messages: list[Message],
                            has_more: bool) -> None:
        model = self.model(conversation)
        model.loading = False
        model.has_older = has_more
        added = model.add_messages(messages)
        self.history_loaded.emit(conversation, added)
        if conversation == self.current:
            self._mark_read(conversation)

    @pyqtSlot(object)
    def on_outbox_added(self, item: OutboxItem) -> None:
        self.model(item.conversation).add_pending(item)

    @pyqtSlot(str, object)
    def on_outbox_delivered(self, key: str, message: Message) -> None:
        self.model(conversation_of(message, self.me)).deliver(key, message)

    @pyqtSlot(object)
    def on_outbox_failed(self, item: OutboxItem) -> None:
        self.model(item.conversation).fail(item)

    @pyqtSlot(object)
    def on_upload_changed(self, upload: Upload) -> None:
        if not upload.post or upload.state is TransferState.POSTING:
            return  # not a message; or its outbox row takes over
        self._upload_conversations[upload.key] = upload.conversation
        model = self.model(upload.conversation)
        failed = upload.state is TransferState.FAILED
        model.show_pending(upload.key, upload.caption, upload.info,
                           RowState.FAILED if failed else RowState.PENDING,
                           upload.error if failed else None)
        model.refresh_pending(upload.key)

    @pyqtSlot(str)
    def on_upload_removed(self, key: str) -> None:
        if key in self._upload_conversations:
            self.model(self._upload_conversations.pop(key)).remove_pending(key)

    @pyqtSlot(object)
    def on_download_changed(self, download: Download) -> None:
        for model in self._models.values():
            model.refresh_file(download.file.id)

    @pyqtSlot(object)
    def on_state_changed(self, state: ConnectionState) -> None:
        if state is ConnectionState.ONLINE:
            # Pages asked for while offline were answered with nothing.
            model = self._models.get(self.current)
            if model is not None and model.history_started and model.newest_id is None:
                self._request_page(model, before=None)

    # ------------------------------------------------------------------

    def _request_page(self, model: MessageListModel, before: int | None) -> None:
        model.loading = True
        limit = self._page_size if before is None else self._older_page_size
        self._client.request_history(self.peer_name(model.conversation), before, limit)

    def _mark_read(self, conversation: ConversationId) -> None:
        model = self._models.get(conversation)
        entry = self.list_model.entry(conversation)
        if model is None or entry is None or model.newest_id is None:
            return
        # Resend even without anything new when the server still counts
        # unread messages: an earlier marker may have been lost with the
        # connection.
        if entry.unread or model.newest_id > model.marked_read:
            self.list_model.set_unread(conversation, 0)
            model.marked_read = model.newest_id
            self._client.mark_read(self.peer_name(conversation), model.newest_id)

    def _on_list_changed(self) -> None:
        total = self.list_model.unread_total()
        if total != self._unread_total:
            self._unread_total = total
            self.unread_total_changed.emit(total)
