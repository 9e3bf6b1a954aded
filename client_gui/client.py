"""The client side of a Besedka session: what the windows talk to.

:class:`ChatClient` lives in the GUI thread.  Windows never see frames, only
its signals, and call its methods; it keeps the promises the user relies
on with one small collaborator each:

* :class:`~client_gui.link.SessionLink` keeps the user logged in: connects,
  settles the certificate (:class:`~client_gui.trust.CertificateTrust`,
  which pauses the first login until the user trusts the fingerprint),
  greets, logs in, and after a loss waits
  (:class:`~client_gui.backoff.Backoff`) and logs in again; where it stands
  is one state machine (:mod:`client_gui.session_state`);
* :class:`~client_gui.outbox.Outbox`: messages the user sent wait under a
  ``key`` until the server acknowledges them, and go again after a
  reconnect, never doubled;
* :class:`~client_gui.catchup.CatchUp`: from where ``sync`` catches up after
  a reconnect, so nothing sent meanwhile is missed, even when live messages
  arrive during the sync;
* :class:`~client_gui.files.FileTransfers` (:attr:`ChatClient.files`):
  uploads that end as messages in the outbox, downloads, and the cache of
  images, resumed after a reconnect.

Requests go out through the link's :class:`~client_gui.channel.Channel`,
whose replies come back read as each request's own reply type.  A version 2
feature adds its request methods and signals here, its events to
:meth:`ChatClient.on_event`, and its state (rooms, typing...) to an object
of its own beside the outbox: rooms are :attr:`ChatClient.rooms`
(:class:`~client_gui.rooms.RoomsClient`), pages of history and searches
:attr:`ChatClient.history` (:class:`~client_gui.history.HistoryClient`),
my password, picture, status and remembered sessions
:attr:`ChatClient.account` (:class:`~client_gui.account.AccountClient`).

With a version 2 server, messages change after they arrive (edits,
deletions, reactions: :attr:`ChatClient.messages_updated`), and catching up
goes by change number (``seq``) instead of id, so a reconnect brings every
change made meanwhile, not only new messages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Final

from PyQt6.QtCore import QObject, QTimer, pyqtSignal, pyqtSlot

from protocol.errors import ErrorCode
from protocol.events import Event, MessageEvent, PresenceEvent, UsersEvent
from protocol.features import Feature
from protocol.lifecycle import (
    Changed,
    Delete,
    Edit,
    React,
    ReadEvent,
    Typing,
    TypingEvent,
    UpdateEvent,
)
from protocol.limits import PING_INTERVAL_SECONDS, PROTOCOL_V1, SYNC_MAX_LIMIT
from protocol.objects import FileInfo, Message
from protocol.replies import ErrorReply, LoggedIn, MessagePage, Sent
from protocol.requests import MarkRead, Send, Sync
from protocol.rules import username_key

from .account import AccountClient
from .backoff import uniform_jitter
from .catchup import CatchUp
from .channel import ConnectionLike
from .failures import FailureReason
from .history import HistoryClient
from .files import FileTransfers
from .link import SessionLink
from .outbox import ConversationId, Outbox, OutboxItem, RoomConversation
from .rooms import RoomsClient
from .session_state import ConnectionState
from .transfer_state import Upload
from .trust import CertificateTrust

__all__ = ["HELLO_TIMEOUT_SECONDS", "ChatClient", "ConnectionState", "conversation_of"]

log = logging.getLogger("besedka.client")

#: Seconds a freshly opened connection may take to say ``hello``.  A Besedka
#: server greets at once (a TLS one tells a plain client ``tls_required``
#: within about two seconds); waiting longer only delays telling the user
#: that whatever listens there will not.
HELLO_TIMEOUT_SECONDS: Final = 5.0


def conversation_of(message: Message, me: str) -> ConversationId:
    """The conversation a message belongs to, seen by user ``me``."""
    if message.room is not None:
        return RoomConversation(message.room)
    if message.recipient is None:
        return None
    me_key = username_key(me)
    if username_key(message.sender) == me_key:
        return username_key(message.recipient)
    return username_key(message.sender)


class ChatClient(QObject):
    """One user's session with one server, surviving lost connections.

    Args:
        connection: the network object (in its own thread) to talk through.
        trust: the pinned certificates and the rules for new ones.
        reconnect_delays: seconds before each reconnect attempt; the last
            repeats.  Tests pass short ones; None (the default) chooses by
            the server's address (:func:`client_gui.backoff.delays_for`).
        tls: connect with TLS (the default); False only for servers run
            with ``--no-tls``.
        ping_interval, hello_timeout, jitter: for tests, which cannot wait
            the real 30 and 5 seconds, and want a predictable schedule.

    Signals:
        logged_in(username): the first login or registration succeeded.
        auth_failed(AuthFailure): it did not; the connection is closed.
        session_ended(AuthFailure): a re-login was refused (e.g. the password
            was changed elsewhere); the session is over.
        state_changed(ConnectionState)
        reconnect_countdown(seconds): seconds until the next attempt.
        roster_received(list[RosterEntry]): the full roster, after each login.
        general_unread_received(count): from each login's reply.
        presence_changed(RosterEntry): one user went on- or offline or joined.
        messages_arrived(list[Message], live): ``live`` for events pushed as
            they happen, false for messages caught up by ``sync``.
        outbox_added(OutboxItem), outbox_delivered(key, Message),
        outbox_failed(OutboxItem)
        messages_updated(list[Message]): newer forms of messages (edited,
            deleted, reacted to), from events and from my own changes.
        change_refused(code): an edit, deletion or reaction was refused.
        typing_received(TypingEvent), read_received(ReadEvent): as the
            server sent them.
        certificate_unknown(PinCheck): a server with no pinned certificate;
            the attempt waits for :meth:`trust_certificate` or :meth:`cancel`.
        session_remembered(token): the login asked ``remember`` and got this
            token (to keep safe: :mod:`client_gui.credentials`).
    """

    logged_in = pyqtSignal(str)
    auth_failed = pyqtSignal(object)
    session_ended = pyqtSignal(object)
    state_changed = pyqtSignal(object)
    reconnect_countdown = pyqtSignal(int)
    roster_received = pyqtSignal(list)
    general_unread_received = pyqtSignal(int)
    presence_changed = pyqtSignal(object)
    messages_arrived = pyqtSignal(list, bool)
    outbox_added = pyqtSignal(object)
    outbox_delivered = pyqtSignal(str, object)
    outbox_failed = pyqtSignal(object)
    certificate_unknown = pyqtSignal(object)
    messages_updated = pyqtSignal(list)
    change_refused = pyqtSignal(object)
    typing_received = pyqtSignal(object)
    read_received = pyqtSignal(object)
    session_remembered = pyqtSignal(str)

    def __init__(
        self,
        connection: ConnectionLike,
        trust: CertificateTrust,
        reconnect_delays: Iterable[float] | None = None,
        parent: QObject | None = None,
        *,
        tls: bool = True,
        ping_interval: float = PING_INTERVAL_SECONDS,
        hello_timeout: float = HELLO_TIMEOUT_SECONDS,
        jitter: Callable[[], float] = uniform_jitter,
    ) -> None:
        super().__init__(parent)
        self._link = SessionLink(connection, trust, reconnect_delays, jitter, tls=tls,
                                 ping_interval=ping_interval, hello_timeout=hello_timeout,
                                 parent=self)
        self._machine = self._link.machine
        self._channel = self._link.channel
        self._outbox = Outbox()
        self._catch_up = CatchUp()
        #: Uploads, downloads and the file cache (version 2, "files").
        self.files = FileTransfers(self._link, parent=self)
        self.files.post_requested.connect(self.on_post_requested)
        #: Rooms (protocol version 2): requests, and the events about them.
        self.rooms = RoomsClient(self._channel, self._machine, self)
        #: Pages of history and search answers.
        self.history = HistoryClient(self._channel, self._machine, self._seen, self)
        #: My account: password, picture, status, remembered sessions.
        self.account = AccountClient(self._link, self.presence_changed.emit, self)
        self._link.logged_in.connect(self.on_link_logged_in)
        self._link.event_received.connect(self.on_event)
        self._link.disconnected.connect(self.on_disconnected)
        self._link.ended.connect(self.on_ended)
        # What the windows hear of the link, they hear from the session.
        for mine, theirs in ((self.auth_failed, self._link.auth_failed),
                             (self.session_ended, self._link.session_ended),
                             (self.certificate_unknown, self._link.certificate_unknown),
                             (self.state_changed, self._link.state_changed),
                             (self.reconnect_countdown, self._link.reconnect_countdown)):
            theirs.connect(mine)

    # ------------------------------------------------------------------
    # The session (GUI thread)

    @property
    def state(self) -> ConnectionState:
        return self._machine.state

    @property
    def protocol(self) -> int:
        """The protocol version the current (or last) connection speaks."""
        return self._link.protocol

    @property
    def features(self) -> frozenset[str]:
        """The version 2 features the server offers
        (:class:`protocol.features.Feature` values); empty on a version 1 server."""
        return self._link.features

    @property
    def tls(self) -> bool:
        """Whether this session speaks TLS (False only with ``--no-tls``)."""
        return self._link.tls

    @property
    def host(self) -> str:
        return self._link.host

    @property
    def port(self) -> int:
        return self._link.port

    @property
    def username(self) -> str:
        """My name, as the account spells it once logged in."""
        return self._link.username

    @property
    def trust(self) -> CertificateTrust:
        return self._link.trust

    def log_in(self, host: str, port: int, username: str, password: str, *,
               remember: bool = False) -> None:
        """Connect and log in; ends in :attr:`logged_in` or :attr:`auth_failed`.
        ``remember``: ask for a token (:attr:`session_remembered`)."""
        self._link.start(host, port, username, password, register=False, remember=remember)

    def register(self, host: str, port: int, username: str, password: str, *,
                 remember: bool = False) -> None:
        """Connect and create an account; success logs straight in."""
        self._link.start(host, port, username, password, register=True, remember=remember)

    def resume(self, host: str, port: int, username: str, token: str,
               fingerprint: str | None) -> None:
        """Connect and resume a remembered session; ends like :meth:`log_in`.
        The token goes only to a server presenting ``fingerprint``."""
        self._link.resume(host, port, username, token, fingerprint)

    def log_out(self, *, forget: bool = False) -> None:
        """End the session: tell the server, close, forget the password.
        ``forget``: the server revokes the remembered session too."""
        self._link.log_out(forget=forget)

    def cancel(self) -> None:
        """Give up a login in progress (the window was closed, or the user
        did not trust the server's certificate)."""
        if not self._machine.established:
            self._link.end()

    def trust_certificate(self, fingerprint: str) -> None:
        """Pin ``fingerprint`` for the current server and connect again.

        The answer to :attr:`certificate_unknown`; ``fingerprint`` is the
        :attr:`PinCheck.fingerprint` it carried.
        """
        self._link.trust_certificate(fingerprint)

    def reconnect_now(self) -> None:
        """Skip the rest of the backoff wait and try at once."""
        self._link.reconnect_now()

    def seconds_until_reconnect(self) -> int:
        """Whole seconds left before the next reconnect attempt."""
        return self._link.seconds_until_reconnect()

    # ------------------------------------------------------------------
    # What the user does

    @property
    def outbox(self) -> list[OutboxItem]:
        """Messages not yet acknowledged, oldest first."""
        return list(self._outbox)

    @property
    def has_rooms(self) -> bool:
        """Whether this session can use rooms: the server offers them, and
        the connection speaks version 2."""
        return Feature.ROOMS in self.features and self.protocol >= 2

    def send_message(self, to: str | None, body: str, room: int | None = None,
                     reply_to: int | None = None, file: FileInfo | None = None,
                     key: str | None = None) -> OutboxItem:
        """Queue ``body`` for the general room (``to`` and ``room`` None),
        user ``to`` or room ``room``, answering message ``reply_to`` if given
        (version 2).

        The body must already satisfy :func:`protocol.rules.normalize_body`,
        unless it is the caption of ``file`` (a stored file), which may be
        empty.  It is sent at once when online and otherwise after the
        reconnect.  ``key``: an upload's, which this message continues.
        """
        item = self._outbox.add(to, body, room, reply_to, file, key)
        self.outbox_added.emit(item)
        self._send_outbox()
        return item

    @pyqtSlot(object)
    def on_post_requested(self, upload: Upload) -> None:
        """An uploaded file is stored: its message goes through the outbox."""
        self.send_message(upload.to, upload.caption, upload.room, file=upload.file,
                          key=upload.key)

    def discard_failed(self, key: str) -> None:
        """Forget an outbox message the server refused."""
        self._outbox.discard_failed(key)

    def offers(self, feature: Feature) -> bool:
        """Whether the server offers a version 2 feature (and this connection
        speaks version 2)."""
        return self._link.protocol != PROTOCOL_V1 and feature in self._link.features

    def edit_message(self, message_id: int, body: str) -> None:
        """Replace the body of one of my messages (normalised already)."""
        self._change(Edit(message_id, body))

    def delete_message(self, message_id: int) -> None:
        """Delete one of my messages."""
        self._change(Delete(message_id))

    def react(self, message_id: int, emoji: str, on: bool) -> None:
        """Add (``on``) or take back my ``emoji`` on a message."""
        self._change(React(message_id, emoji, on))

    def _change(self, request: Edit | Delete | React) -> None:
        if not self._machine.logged_in:
            self.change_refused.emit(FailureReason.CONNECTION_LOST)
            return

        def on_reply(reply: Changed | ErrorReply) -> None:
            if isinstance(reply, ErrorReply):
                self.change_refused.emit(reply.code)
                return
            self._catch_up.seen(reply.message.seq)
            self.messages_updated.emit([reply.message])

        self._channel.request(request, on_reply)

    def send_typing(self, to: str | None, active: bool, room: int | None = None) -> None:
        """Tell the others in a conversation (user ``to``, room ``room``, or
        the general room) that I (stopped) typing; nothing when offline or
        when the server has no typing notices."""
        if self._machine.logged_in and self.offers(Feature.TYPING):
            self._channel.request(Typing(to, active, room))

    def mark_read(self, with_: str | None, up_to: int, room: int | None = None) -> None:
        """Move my read marker of one conversation (best effort when offline)."""
        if self._machine.logged_in:
            self._channel.request(MarkRead(with_, up_to, room=room))

    # ------------------------------------------------------------------
    # What the server does

    @pyqtSlot(object, bool)
    def on_link_logged_in(self, reply: LoggedIn, first: bool) -> None:
        if reply.token is not None:
            self.session_remembered.emit(reply.token)
        self.general_unread_received.emit(reply.general_unread)
        if first:
            self.logged_in.emit(reply.username)
            return
        # A reconnect: first resend what waited (its replies turn pending
        # rows into messages before sync could show them a second time),
        # then catch up.
        self._send_outbox()
        after = self._catch_up.start()
        if after is not None:
            self._channel.request(self._sync(after), self._on_sync_page)

    @pyqtSlot(object)
    def on_event(self, event: Event) -> None:
        match event:
            case MessageEvent(message=message):
                self._catch_up.live(self._position(message))
                self.messages_arrived.emit([message], True)
            case UpdateEvent(message=message):
                self._catch_up.live(message.seq)
                self.messages_updated.emit([message])
            case TypingEvent():
                self.typing_received.emit(event)
            case ReadEvent():
                self.read_received.emit(event)
            case PresenceEvent(user=user):
                self.account.heard((user,))
                self.presence_changed.emit(user)
            case UsersEvent(users=users):
                self.account.heard(users)
                self.roster_received.emit(list(users))
            case _:
                if not self.rooms.on_event(event):
                    log.debug("ignoring a %s event", type(event).__name__)

    @pyqtSlot()
    def on_disconnected(self) -> None:
        self._outbox.connection_lost()
        self._catch_up.stop()

    @pyqtSlot()
    def on_ended(self) -> None:
        self._outbox.clear()
        self._catch_up.reset()

    def _on_sync_page(self, reply: MessagePage | ErrorReply) -> None:
        if isinstance(reply, ErrorReply):
            log.warning("sync refused: %s", reply.code)
            self._catch_up.stop()
            return
        last = self._position(reply.messages[-1]) if reply.messages else None
        after = self._catch_up.page(last, reply.has_more)
        if reply.messages:
            self.messages_arrived.emit(list(reply.messages), False)
        if after is not None:
            self._channel.request(self._sync(after), self._on_sync_page)

    def _seen(self, messages: Sequence[Message]) -> None:
        """Messages had from a page of history: sync need not bring them again."""
        self._catch_up.seen(max(map(self._position, messages)))

    def _position(self, message: Message) -> int:
        """Where a message stands in what this connection catches up by: its
        change number on version 2 (edits move it), else its id."""
        return message.id if self._link.protocol == PROTOCOL_V1 else message.seq

    def _sync(self, after: int) -> Sync:
        """The ``sync`` of the page after position ``after`` (see :meth:`_position`)."""
        if self._link.protocol == PROTOCOL_V1:
            return Sync(after, SYNC_MAX_LIMIT)
        return Sync(None, SYNC_MAX_LIMIT, after_seq=after)

    # ------------------------------------------------------------------
    # Outbox

    def _send_outbox(self) -> None:
        """Send every waiting message not yet on its way, oldest first."""
        if not self._machine.logged_in:
            return
        serial = self._channel.serial
        for item in self._outbox.take_unsent():
            def on_reply(reply: Sent | ErrorReply, key: str = item.key) -> None:
                self._on_send_reply(key, serial, reply)

            self._channel.request(Send(item.to, item.body, item.key, item.reply_to,
                                       file=None if item.file is None else item.file.id,
                                       room=item.room), on_reply)

    def _on_send_reply(self, key: str, serial: int, reply: Sent | ErrorReply) -> None:
        if isinstance(reply, Sent):
            self._catch_up.seen(self._position(reply.message))
            if self._outbox.delivered(key) is not None:
                self.outbox_delivered.emit(key, reply.message)
        elif reply.code in (ErrorCode.RATE_LIMITED, ErrorCode.INTERNAL_ERROR):
            # Transient: try again on this connection after a while (a
            # reconnect meanwhile sends it anyway).
            delay = reply.retry_after if reply.retry_after is not None else 1.0
            QTimer.singleShot(int(delay * 1000), lambda: self._send_again(key, serial))
        else:
            item = self._outbox.refused(key, reply.code)
            if item is not None:
                self.outbox_failed.emit(item)

    def _send_again(self, key: str, serial: int) -> None:
        if self._channel.is_current(serial) and self._outbox.send_again(key):
            self._send_outbox()
