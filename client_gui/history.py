"""Pages of a conversation's past, and searches, for one session.

:class:`HistoryClient` is the part of :class:`~client_gui.client.ChatClient`
(:attr:`ChatClient.history`) that asks the server for what is already
stored: a page of history before, around or after a message, and search
answers.  Each answer comes back as a signal naming the conversation it
belongs to, so the views can tell a late page of a conversation the user
has left from the one they look at.  Messages had this way are reported to
the session (``seen``), so the ``sync`` after a reconnect does not bring
them a second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from protocol.objects import Message
from protocol.replies import ErrorReply, MessagePage, Reply
from protocol.requests import Answerable, History, Search
from protocol.rules import username_key

from .channel import Channel
from .failures import FailureReason
from .outbox import ConversationId, RoomConversation
from .session_state import SessionMachine

__all__ = ["HistoryClient", "conversation_named"]

log = logging.getLogger("besedka.client")

R = TypeVar("R", bound=Reply)


def conversation_named(with_: str | None, room: int | None) -> ConversationId:
    """The conversation a request names: room ``room``, user ``with_``, or
    the general room."""
    if room is not None:
        return RoomConversation(room)
    return None if with_ is None else username_key(with_)


class HistoryClient(QObject):
    """History pages and search answers in, for one session.

    Args:
        channel: the session's current connection.
        machine: whether the session is logged in.
        seen: told of the messages of every page had, to catch up after them.

    Signals:
        history_received(ConversationId, list[Message], has_more)
        history_around_received(ConversationId, around, MessagePage | None): a
            page with message ``around`` in its middle (version 2); None when
            it could not be had (offline, refused).
        newer_history_received(ConversationId, MessagePage | None): the page
            after the newest loaded one (version 2).
        read_markers_received(ConversationId, dict[str, int]): the other
            participants' read markers, with a page of history.
        search_answered(ticket, SearchPage | ErrorReply | FailureReason): the
            answer to :meth:`search` number ``ticket``.
    """

    history_received = pyqtSignal(object, list, bool)
    history_around_received = pyqtSignal(object, int, object)
    newer_history_received = pyqtSignal(object, object)
    read_markers_received = pyqtSignal(object, dict)
    search_answered = pyqtSignal(int, object)

    def __init__(self, channel: Channel, machine: SessionMachine,
                 seen: Callable[[Sequence[Message]], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._channel = channel
        self._machine = machine
        self._seen = seen
        self._search_tickets = 0

    def request_page(self, with_: str | None, before: int | None, limit: int,
                     room: int | None = None) -> None:
        """Ask for one page of a conversation (the general room, the one
        with ``with_`` or room ``room``); answered by :attr:`history_received`."""
        conversation = conversation_named(with_, room)
        if not self._machine.logged_in:
            # Offline: say "nothing yet" so the view does not wait forever;
            # the page is asked again after the reconnect.
            QTimer.singleShot(0, lambda: self.history_received.emit(conversation, [], True))
            return

        def on_page(reply: MessagePage | ErrorReply) -> None:
            if isinstance(reply, ErrorReply):
                log.warning("history of %r refused: %s", with_, reply.code)
                self.history_received.emit(conversation, [], False)
                return
            if reply.messages:
                self._seen(reply.messages)
            if reply.read is not None:
                self.read_markers_received.emit(conversation, dict(reply.read))
            self.history_received.emit(conversation, list(reply.messages), reply.has_more)

        self._channel.request(History(with_, before, limit, room=room), on_page)

    def request_around(self, with_: str | None, around: int, limit: int,
                       room: int | None = None) -> None:
        """Ask for the page of a conversation around one message (to open a
        search result there); answered by :attr:`history_around_received`."""
        conversation = conversation_named(with_, room)

        def on_page(reply: MessagePage | ErrorReply | FailureReason) -> None:
            if not isinstance(reply, MessagePage):
                log.warning("history around %d refused: %s", around, reply)
            self.history_around_received.emit(
                conversation, around, reply if isinstance(reply, MessagePage) else None)

        self._request_when_online(History(with_, limit=limit, around=around, room=room),
                                  on_page)

    def request_after(self, with_: str | None, after: int, limit: int,
                      room: int | None = None) -> None:
        """Ask for the messages of a conversation after ``after``; answered
        by :attr:`newer_history_received`."""
        conversation = conversation_named(with_, room)

        def on_page(reply: MessagePage | ErrorReply | FailureReason) -> None:
            if not isinstance(reply, MessagePage):
                log.warning("history after %d refused: %s", after, reply)
            elif reply.messages:
                self._seen(reply.messages)
            self.newer_history_received.emit(
                conversation, reply if isinstance(reply, MessagePage) else None)

        self._request_when_online(History(with_, limit=limit, after=after, room=room),
                                  on_page)

    def search(self, request: Search) -> int:
        """Send a search; returns the ticket that :attr:`search_answered`
        carries with its answer.  Nothing cancels a search on the server:
        whoever asked again just ignores the older tickets' answers."""
        self._search_tickets += 1
        ticket = self._search_tickets
        self._request_when_online(
            request, lambda reply: self.search_answered.emit(ticket, reply))
        return ticket

    def _request_when_online(self, request: Answerable[R],
                             on_reply: Callable[[R | ErrorReply | FailureReason], None]) -> None:
        """Send a request, or answer it with ``CONNECTION_LOST`` (soon, not
        within this call) when offline."""
        if not self._machine.logged_in:
            QTimer.singleShot(0, lambda: on_reply(FailureReason.CONNECTION_LOST))
            return
        self._channel.request(request, on_reply)
