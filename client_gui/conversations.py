"""What the chat window shows, kept apart from how it shows it.

:class:`Conversations` listens to a :class:`~client_gui.client.ChatClient`
and keeps one :class:`~client_gui.models.MessageListModel` per conversation
plus the conversation list with unread counts, and (protocol version 2)
the rooms (:attr:`Conversations.rooms`, a
:class:`~client_gui.room_directory.RoomDirectory`).  It decides when a
message is unread (it arrived live and nobody was looking), when to tell
the server a conversation was read (it was opened, or the window came back
into focus on it), and which page of history to ask for next.  Windows call
:meth:`open` and :meth:`load_older` and bind views to the models; they hold
no state of their own beyond drafts.

With a version 2 server it also applies what changes after a message
arrived (edits, deletions, reactions) to the models, keeps the other
participants' read markers and who is typing where
(:class:`~client_gui.typing_indicator.TypingTracker`), and says when a
message mentions me.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Final

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot

from protocol.lifecycle import ReadEvent
from protocol.limits import HISTORY_MAX_LIMIT
from protocol.objects import Message, RosterEntry
from protocol.replies import MessagePage
from protocol.rules import username_key

from .client import ChatClient, conversation_of
from .file_cards import FileServices
from .conversation_models import ConversationListModel
from .models import MessageListModel, RowState
from .outbox import ConversationId, OutboxItem, RoomConversation
from .previews import Avatars, Previews
from .room_directory import RoomDirectory
from .session_state import ConnectionState
from .transfer_state import Download, TransferState, Upload
from .typing_indicator import TypingTracker

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
        unseen_message_arrived(Message, ConversationId): a live message from
            someone else while nobody was looking at its conversation (for
            :class:`~client_gui.notifier.Notifier`, which decides whether
            to tell).
        history_loaded(ConversationId, count): a page was added (for views
            that keep their scroll position when rows are prepended).
        message_shown(ConversationId, message_id): the page asked for by
            :meth:`show_message` is loaded (the view can scroll to it).
    """

    unread_total_changed = pyqtSignal(int)
    unseen_message_arrived = pyqtSignal(object, object)
    history_loaded = pyqtSignal(object, int)
    message_shown = pyqtSignal(object, int)

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
        #: The message each conversation is being opened at (show_message).
        self._showing: dict[ConversationId, int] = {}
        #: Messages that arrived for a conversation showing the past; they
        #: join it once its newer pages reach the present.
        self._held: dict[ConversationId, list[Message]] = defaultdict(list)
        #: who is typing where
        self.typists = TypingTracker(self.me, self)
        client.roster_received.connect(self.on_roster_received)
        client.general_unread_received.connect(self.on_general_unread_received)
        client.presence_changed.connect(self.on_presence_changed)
        client.messages_arrived.connect(self.on_messages_arrived)
        client.history.history_received.connect(self.on_history_received)
        client.history.history_around_received.connect(self.on_history_around_received)
        client.history.newer_history_received.connect(self.on_newer_history_received)
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
        #: My rooms, the public ones, and the members of rooms.
        self.rooms = RoomDirectory(self.me, client.rooms, self.list_model, self)
        client.messages_updated.connect(self.on_messages_updated)
        client.history.read_markers_received.connect(self.on_read_markers_received)
        client.read_received.connect(self.on_read_received)
        client.typing_received.connect(self.typists.on_typing)
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
        model = self.start_loading(conversation)
        self._mark_read(conversation)
        return model

    def start_loading(self, conversation: ConversationId) -> MessageListModel:
        """Ask for the newest page of a conversation, once (it comes in
        while the window that shows it is being built)."""
        model = self.model(conversation)
        if not model.history_started:
            model.history_started = True
            self._request_page(model, before=None)
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

    def show_message(self, conversation: ConversationId, message_id: int) -> None:
        """Load a conversation at one of its messages (a search result): the
        page around it, unless it is loaded already.  :attr:`message_shown`
        says when the view can scroll to it."""
        model = self.model(conversation)
        if model.contains(message_id):
            self.message_shown.emit(conversation, message_id)
            return
        model.history_started = True  # open() must not ask for the newest page
        model.loading = True
        self._showing[conversation] = message_id
        self._client.history.request_around(self.peer_name(conversation), message_id,
                                            self._page_size, _room_id(conversation))

    def load_newer(self, conversation: ConversationId) -> bool:
        """Ask for the page after the newest loaded message of a conversation
        that shows the past.

        Returns:
            Whether a request went out.
        """
        model = self.model(conversation)
        if model.loading_newer or not model.has_newer or model.newest_id is None:
            return False
        model.loading_newer = True
        self._client.history.request_after(self.peer_name(conversation), model.newest_id,
                                           self._older_page_size, _room_id(conversation))
        return True

    def return_to_present(self, conversation: ConversationId) -> None:
        """Let a conversation that shows the past show its newest messages again."""
        model = self._models.get(conversation)
        if model is None or not model.has_newer:
            return
        self._held.pop(conversation, None)
        self._showing.pop(conversation, None)
        model.show_page([], True, False)
        model.loading_newer = False
        self._request_page(model, before=None)

    def send(self, conversation: ConversationId, body: str,
             reply_to: int | None = None) -> OutboxItem:
        """Send a message (it waits in the outbox while offline), answering
        message ``reply_to`` if given; a conversation showing the past
        returns to the present first, where the message will appear."""
        self.return_to_present(conversation)
        return self._client.send_message(self.peer_name(conversation), body,
                                         _room_id(conversation), reply_to)

    def send_typing(self, conversation: ConversationId, active: bool) -> None:
        """Tell the others in ``conversation`` that I (stopped) typing."""
        self._client.send_typing(self.peer_name(conversation), active, _room_id(conversation))

    def send_file(self, conversation: ConversationId, path: Path, caption: str = "") -> Upload:
        """Upload a file and post it (it waits for the connection while offline)."""
        return self._client.files.send_file(self.peer_name(conversation), path, caption,
                                            _room_id(conversation))

    def set_attentive(self, attentive: bool) -> None:
        """Whether the user is looking at the current conversation.

        While not, live messages there count as unread; on coming back they
        are marked read.
        """
        self._attentive = attentive
        if attentive:
            self._mark_read(self.current)

    def mark_read(self, conversation: ConversationId) -> None:
        """Mark everything loaded in a conversation read (the user said so: Esc)."""
        self._mark_read(conversation)

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
        self.rooms.set_presence(user)

    @pyqtSlot(list, bool)
    def on_messages_arrived(self, messages: list[Message], live: bool) -> None:
        by_conversation: dict[ConversationId, list[Message]] = defaultdict(list)
        for message in messages:
            by_conversation[conversation_of(message, self.me)].append(message)
        for conversation, batch in by_conversation.items():
            model = self.model(conversation)
            fresh = [m for m in batch if not model.contains(m.id)]
            known = [m for m in batch if model.contains(m.id)]
            if model.has_newer:
                self._held[conversation] += fresh  # beyond the gap to the past
            else:
                model.add_messages(fresh)
            # A version 2 sync also brings newer forms of loaded messages.
            model.update_messages(known)
            for message in fresh:
                self.typists.message_arrived(conversation, message.sender)
            if not live:
                # Caught up by sync: the roster that came with the login
                # already counted these as unread.
                continue
            from_others = [m for m in fresh if username_key(m.sender) != self._me_key]
            if not from_others:
                continue
            if conversation == self.current and self._attentive:
                self._mark_read(conversation)
                continue
            self.list_model.add_unread(conversation, len(from_others))
            for message in from_others:
                self.unseen_message_arrived.emit(message, conversation)

    @pyqtSlot(list)
    def on_messages_updated(self, messages: list[Message]) -> None:
        for message in messages:
            conversation = conversation_of(message, self.me)
            model = self._models.get(conversation)
            if model is not None:
                model.update_messages([message])
            # A message held beyond the gap to the past joins in its newest form.
            held = self._held.get(conversation)
            if held:
                self._held[conversation] = [
                    message if m.id == message.id and message.seq >= m.seq else m for m in held]

    @pyqtSlot(object, dict)
    def on_read_markers_received(self, conversation: ConversationId,
                                 markers: dict[str, int]) -> None:
        model = self.model(conversation)
        for name, up_to in markers.items():
            model.set_read_marker(name, up_to)

    @pyqtSlot(object)
    def on_read_received(self, event: ReadEvent) -> None:
        if event.room is not None:
            conversation: ConversationId = RoomConversation(event.room)
        elif event.with_ is not None:
            conversation = username_key(event.with_)
        else:
            return  # the general room has no receipts
        self.model(conversation).set_read_marker(event.username, event.up_to)

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

    @pyqtSlot(object, int, object)
    def on_history_around_received(self, conversation: ConversationId, around: int,
                                   page: MessagePage | None) -> None:
        if self._showing.get(conversation) != around:
            return  # asked for another message since, or went back to the present
        model = self.model(conversation)
        if page is None:
            model.loading = False
            return  # asked again once online (on_state_changed)
        del self._showing[conversation]
        model.loading = False
        self._held.pop(conversation, None)
        model.show_page(page.messages, page.has_more, bool(page.has_newer))
        self.history_loaded.emit(conversation, len(page.messages))
        self.message_shown.emit(conversation, around)
        if conversation == self.current:
            self._mark_read(conversation)

    @pyqtSlot(object, object)
    def on_newer_history_received(self, conversation: ConversationId,
                                  page: MessagePage | None) -> None:
        model = self.model(conversation)
        model.loading_newer = False
        if page is None or not model.has_newer:
            return  # failed (tried again on the next scroll), or returned to the present
        added = model.add_messages(page.messages)
        if not page.has_newer:
            model.add_messages(self._held.pop(conversation, []))
        model.has_newer = bool(page.has_newer)
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
        # Whoever was online when my connection went may have left since.
        self.list_model.set_presence_known(state is ConnectionState.ONLINE)
        self.rooms.presence_known_changed()
        if state is not ConnectionState.ONLINE:
            self.typists.clear()
        if state is ConnectionState.ONLINE:
            # Pages asked for while offline were answered with nothing.
            showing = self._showing.get(self.current)
            if showing is not None:
                self._client.history.request_around(self.peer_name(self.current), showing,
                                                    self._page_size, _room_id(self.current))
                return
            model = self._models.get(self.current)
            if model is not None and model.history_started and model.newest_id is None:
                self._request_page(model, before=None)

    # ------------------------------------------------------------------

    def _request_page(self, model: MessageListModel, before: int | None) -> None:
        model.loading = True
        limit = self._page_size if before is None else self._older_page_size
        self._client.history.request_page(self.peer_name(model.conversation), before, limit,
                                          _room_id(model.conversation))

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
            self._client.mark_read(self.peer_name(conversation), model.newest_id,
                                   _room_id(conversation))

    def _on_list_changed(self) -> None:
        total = self.list_model.unread_total()
        if total != self._unread_total:
            self._unread_total = total
            self.unread_total_changed.emit(total)


def _room_id(conversation: ConversationId) -> int | None:
    """The room's id of a room's conversation, else None."""
    return conversation.room_id if isinstance(conversation, RoomConversation) else None
