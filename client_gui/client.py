"""The client side of a Besedka session: requests, replies, reconnects, outbox.

:class:`ChatClient` lives in the GUI thread and speaks PROTOCOL.md through a
:class:`~client_gui.network.Connection`.  It turns frames into typed signals
for the windows and keeps the promises the user relies on:

* after the connection drops (or the server restarts) it reconnects with
  backoff, logs in again with the password it keeps in memory only, and asks
  ``sync`` for everything after the last message it is sure to have, so
  nothing sent meanwhile is missed;
* every message the user sends waits in an outbox under a ``key`` (a UUID)
  until the server acknowledges it, and is sent again after a reconnect; the
  server stores a key once, so nothing is doubled either;
* it pings when idle, and treats a ping left unanswered for a whole interval
  as a dead connection;
* it speaks TLS (unless told not to) and trusts a server's certificate the
  way SSH does: the first time, :attr:`ChatClient.certificate_unknown` pauses
  the login until the user trusts the fingerprint
  (:meth:`ChatClient.trust_certificate`) or not (:meth:`ChatClient.cancel`);
  later the pinned certificate connects silently, reconnects included, and
  any other one ends the attempt before the password is sent.

Windows never see frames, only the signals below.
"""

from __future__ import annotations

import logging
import math
import random
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any, Final

from PyQt6.QtCore import QObject, QTimer, pyqtSignal, pyqtSlot

from protocol.errors import ErrorCode, ProtocolError
from protocol.frames import (
    ChangePassword,
    History,
    Login,
    Logout,
    MarkRead,
    Message,
    Ping,
    Register,
    Request,
    RosterEntry,
    Send,
    Sync,
)
from protocol.limits import PING_INTERVAL_SECONDS, PROTOCOL_VERSION, SYNC_MAX_LIMIT
from protocol.rules import username_key
from protocol.tls import PinCheck, PinVerdict, TlsFailure

from .network import Connection
from .settings import CertificatePins

__all__ = [
    "AuthFailure",
    "ChatClient",
    "ConnectionState",
    "ConversationId",
    "FailureReason",
    "OutboxItem",
    "RECONNECT_DELAYS_SECONDS",
    "conversation_of",
]

log = logging.getLogger("besedka.client")

#: ``None`` is the general room; otherwise the case-folded name of the peer.
ConversationId = str | None

#: Seconds to wait before each reconnect attempt; the last one repeats.
RECONNECT_DELAYS_SECONDS: Final = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
#: Seconds a freshly opened connection may take to say ``hello``.  A Besedka
#: server greets at once (a TLS one tells a plain client ``tls_required``
#: within about two seconds); waiting longer only delays telling the user
#: that whatever listens there will not.
HELLO_TIMEOUT_SECONDS: Final = 5.0

_Reply = dict[str, Any]
_ReplyHandler = Callable[[_Reply], None]


def conversation_of(message: Message, me: str) -> ConversationId:
    """The conversation a message belongs to, seen by user ``me``."""
    if message.recipient is None:
        return None
    me_key = username_key(me)
    if username_key(message.sender) == me_key:
        return username_key(message.recipient)
    return username_key(message.sender)


class ConnectionState(Enum):
    """Where the session stands, as the status bar shows it."""

    OFFLINE = "offline"  # never connected, logged out, or given up
    CONNECTING = "connecting"  # opening the socket or logging in
    ONLINE = "online"  # logged in; requests flow
    WAITING = "waiting"  # lost the connection; a reconnect is scheduled


class FailureReason(StrEnum):
    """Why a login, a registration or a re-login did not succeed."""

    UNREACHABLE = "unreachable"  # nothing accepted a connection at host:port
    INCOMPATIBLE = "incompatible"  # the server speaks another protocol version
    NOT_BESEDKA = "not_besedka"  # something answered, but not a Besedka server
    NO_GREETING = "no_greeting"  # connected, but no ``hello`` came
    TLS_REQUIRED = "tls_required"  # the server admits only TLS; we connected without
    SERVER_NOT_TLS = "server_not_tls"  # we speak TLS; the server does not
    TLS_FAILED = "tls_failed"  # the TLS handshake failed for another reason
    CERTIFICATE_CHANGED = "certificate_changed"  # not the certificate pinned for the server
    CONNECTION_LOST = "connection_lost"  # the connection dropped mid-login
    SERVER = "server"  # an ``error`` reply; see :attr:`AuthFailure.code`


@dataclass(frozen=True, slots=True)
class AuthFailure:
    """A failed attempt to log in or register, with what the user needs to know."""

    reason: FailureReason
    host: str
    port: int
    code: ErrorCode | None = None
    message: str = ""
    retry_after: float | None = None
    server_protocol: object = None
    #: For CERTIFICATE_CHANGED: the certificate presented and the one pinned.
    certificate: PinCheck | None = None


class OutboxState(Enum):
    """Whether an outbox message is still on its way or was refused."""

    PENDING = "pending"
    FAILED = "failed"


@dataclass(slots=True)
class OutboxItem:
    """A message the user sent that the server has not acknowledged yet."""

    key: str
    to: str | None
    body: str
    conversation: ConversationId
    state: OutboxState = OutboxState.PENDING
    error: ErrorCode | None = None
    created: float = field(default_factory=time.time)


class ChatClient(QObject):
    """One user's session with one server, surviving lost connections.

    Args:
        connection: the network object (in its own thread) to talk through.
        pins: the trusted certificate fingerprints, per server.
        reconnect_delays: seconds before each reconnect attempt; the last
            repeats.  Tests pass short ones.
        tls: connect with TLS (the default); False only for servers run
            with ``--no-tls``.

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
        history_received(ConversationId, list[Message], has_more)
        outbox_added(OutboxItem), outbox_delivered(key, Message),
        outbox_failed(OutboxItem)
        password_changed(error): ``None`` on success, else the ErrorCode (or
            FailureReason.CONNECTION_LOST when offline).
        certificate_unknown(PinCheck): a server with no pinned certificate;
            the attempt waits for :meth:`trust_certificate` or :meth:`cancel`.
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
    history_received = pyqtSignal(object, list, bool)
    outbox_added = pyqtSignal(object)
    outbox_delivered = pyqtSignal(str, object)
    outbox_failed = pyqtSignal(object)
    password_changed = pyqtSignal(object)
    certificate_unknown = pyqtSignal(object)

    def __init__(
        self,
        connection: Connection,
        pins: CertificatePins,
        reconnect_delays: Iterable[float] = RECONNECT_DELAYS_SECONDS,
        parent: QObject | None = None,
        *,
        tls: bool = True,
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._pins = pins
        self.tls = tls
        self._reconnect_delays = tuple(reconnect_delays)
        connection.opened.connect(self.on_connection_opened)
        connection.failed.connect(self.on_connection_failed)
        connection.tls_failed.connect(self.on_tls_failed)
        connection.certificate_untrusted.connect(self.on_certificate_untrusted)
        connection.closed.connect(self.on_connection_closed)
        connection.frames_received.connect(self.on_frames_received)

        self.host = ""
        self.port = 0
        self.username = ""
        self._password = ""  # kept in memory only, to log in again
        self._register_first = False
        self._session_active = False  # the first login has succeeded
        self._state = ConnectionState.OFFLINE
        self._serial = 0
        self._greeted = False
        self._authenticated = False
        self._next_request_id = 0
        self._pending: dict[int, _ReplyHandler] = {}
        self._attempt = 0
        self._outbox: dict[str, OutboxItem] = {}
        # Every visible message with an id up to this one has been received:
        # ``sync`` after a reconnect starts here.  While a sync is running,
        # live events may be newer than messages sync has yet to return, so
        # they only raise ``_live_max`` until the sync completes.
        self._resume_after: int | None = None
        self._syncing = False
        self._live_max = 0
        self._last_sent = 0.0
        self._ping_outstanding = False

        self._reconnect_timer = QTimer(self)
        self._reconnect_timer.setSingleShot(True)
        self._reconnect_timer.timeout.connect(self.on_reconnect_due)
        self._countdown_timer = QTimer(self)
        self._countdown_timer.setInterval(1000)
        self._countdown_timer.timeout.connect(self.on_countdown_tick)
        self._reconnect_deadline = 0.0
        self._hello_timer = QTimer(self)
        self._hello_timer.setSingleShot(True)
        self._hello_timer.setInterval(int(HELLO_TIMEOUT_SECONDS * 1000))
        self._hello_timer.timeout.connect(self.on_hello_timeout)
        self._ping_timer = QTimer(self)
        self._ping_timer.setInterval(int(PING_INTERVAL_SECONDS * 1000))
        self._ping_timer.timeout.connect(self.on_ping_due)

    # ------------------------------------------------------------------
    # Public API (GUI thread)

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def outbox(self) -> list[OutboxItem]:
        """Messages not yet acknowledged, oldest first."""
        return list(self._outbox.values())

    def log_in(self, host: str, port: int, username: str, password: str) -> None:
        """Connect and log in; ends in :attr:`logged_in` or :attr:`auth_failed`."""
        self._start(host, port, username, password, register=False)

    def register(self, host: str, port: int, username: str, password: str) -> None:
        """Connect and create an account; success logs straight in."""
        self._start(host, port, username, password, register=True)

    def log_out(self) -> None:
        """End the session: tell the server, close, forget the password."""
        if self._authenticated:
            self._request(Logout())
        self._end_session()

    def cancel(self) -> None:
        """Give up a login in progress (the window was closed, or the user
        did not trust the server's certificate)."""
        if not self._session_active:
            self._end_session()

    def trust_certificate(self, fingerprint: str) -> None:
        """Pin ``fingerprint`` for the current server and connect again.

        The answer to :attr:`certificate_unknown`; ``fingerprint`` is the
        :attr:`PinCheck.fingerprint` it carried.
        """
        if not self.host or not self._password:
            return  # the attempt was given up meanwhile
        self._pins.pin(self.host, self.port, fingerprint)
        self._connect()

    def send_message(self, to: str | None, body: str) -> OutboxItem:
        """Queue ``body`` for the general room (``to=None``) or user ``to``.

        The body must already satisfy :func:`protocol.rules.normalize_body`.
        It is sent at once when online and otherwise after the reconnect.
        """
        conversation = None if to is None else username_key(to)
        item = OutboxItem(uuid.uuid4().hex, to, body, conversation)
        self._outbox[item.key] = item
        self.outbox_added.emit(item)
        if self._state is ConnectionState.ONLINE:
            self._send_outbox_item(item)
        return item

    def discard_failed(self, key: str) -> None:
        """Forget an outbox message the server refused."""
        item = self._outbox.get(key)
        if item is not None and item.state is OutboxState.FAILED:
            del self._outbox[key]

    def request_history(self, with_: str | None, before: int | None, limit: int) -> None:
        """Ask for one page of a conversation; answered by :attr:`history_received`."""
        conversation = None if with_ is None else username_key(with_)

        def handle_reply(reply: _Reply) -> None:
            if reply.get("type") != "ok":
                log.warning("history of %r refused: %s", with_, reply.get("code"))
                self.history_received.emit(conversation, [], False)
                return
            messages = self._messages(reply.get("messages"))
            self.history_received.emit(conversation, messages, bool(reply.get("has_more")))

        if not self._request(History(with_, before, limit), handle_reply):
            # Offline: say "nothing yet" so the view does not wait forever;
            # the page is asked again after the reconnect.
            QTimer.singleShot(0, lambda: self.history_received.emit(conversation, [], True))

    def mark_read(self, with_: str | None, up_to: int) -> None:
        """Move my read marker of one conversation (best effort when offline)."""
        self._request(MarkRead(with_, up_to))

    def change_password(self, old_password: str, new_password: str) -> None:
        """Ask the server to change my password; answered by :attr:`password_changed`."""

        def handle_reply(reply: _Reply) -> None:
            if reply.get("type") == "ok":
                self._password = new_password
                self.password_changed.emit(None)
            else:
                self.password_changed.emit(_error_code(reply))

        if not self._request(ChangePassword(old_password, new_password), handle_reply):
            self.password_changed.emit(FailureReason.CONNECTION_LOST)

    def reconnect_now(self) -> None:
        """Skip the rest of the backoff wait and try at once."""
        if self._state is ConnectionState.WAITING:
            self._reconnect_timer.stop()
            self.on_reconnect_due()

    def seconds_until_reconnect(self) -> int:
        """Whole seconds left before the next reconnect attempt."""
        return max(0, math.ceil(self._reconnect_deadline - time.monotonic()))

    # ------------------------------------------------------------------
    # Connection life cycle

    def _start(self, host: str, port: int, username: str, password: str, *,
               register: bool) -> None:
        self._end_session()
        self.host, self.port = host, port
        self.username, self._password = username, password
        self._register_first = register
        self._attempt = 0
        self._connect()

    def _connect(self) -> None:
        self._greeted = self._authenticated = False
        self._pending.clear()
        self._set_state(ConnectionState.CONNECTING)
        pinned = self._pins.get(self.host, self.port) if self.tls else None
        self._serial = self._connection.open(self.host, self.port, tls=self.tls, pinned=pinned)

    def _end_session(self) -> None:
        """Stop everything and forget the account (not the outbox's fate)."""
        if self._serial:
            self._connection.close(self._serial)
        self._serial = 0
        self._session_active = self._greeted = self._authenticated = False
        self._password = ""
        self._pending.clear()
        self._outbox.clear()
        self._resume_after = None
        self._syncing = False
        for timer in (self._reconnect_timer, self._countdown_timer, self._hello_timer,
                      self._ping_timer):
            timer.stop()
        self._set_state(ConnectionState.OFFLINE)

    def _set_state(self, state: ConnectionState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state)

    def _fail(self, failure: AuthFailure) -> None:
        """A login attempt failed: report it where the user will see it."""
        if self._session_active:
            if failure.reason is FailureReason.SERVER and failure.code not in (
                ErrorCode.INVALID_CREDENTIALS, ErrorCode.INVALID_USERNAME,
            ):
                # Rate limits, server trouble: keep trying in the background.
                self._drop_and_retry(failure.retry_after)
                return
            self._end_session()
            self.session_ended.emit(failure)
        else:
            self._end_session()
            self.auth_failed.emit(failure)

    def _drop_and_retry(self, at_least: float | None = None) -> None:
        if self._serial:
            self._connection.close(self._serial)
            self._serial = 0
        self._greeted = self._authenticated = False
        self._pending.clear()
        self._hello_timer.stop()
        self._ping_timer.stop()
        delay = self._reconnect_delays[min(self._attempt, len(self._reconnect_delays) - 1)]
        # Jitter spreads out the clients of a restarted server.
        delay *= random.uniform(0.8, 1.2)
        delay = max(delay, at_least or 0.0)
        self._attempt += 1
        self._reconnect_deadline = time.monotonic() + delay
        self._reconnect_timer.start(int(delay * 1000))
        self._countdown_timer.start()
        self._set_state(ConnectionState.WAITING)
        self.reconnect_countdown.emit(self.seconds_until_reconnect())

    @pyqtSlot()
    def on_reconnect_due(self) -> None:
        self._countdown_timer.stop()
        self._connect()

    @pyqtSlot()
    def on_countdown_tick(self) -> None:
        self.reconnect_countdown.emit(self.seconds_until_reconnect())

    @pyqtSlot(int)
    def on_connection_opened(self, serial: int) -> None:
        if serial == self._serial:
            self._hello_timer.start()

    @pyqtSlot(int, str)
    def on_connection_failed(self, serial: int, reason: str) -> None:
        if serial != self._serial:
            return
        self._serial = 0
        if self._session_active:
            self._drop_and_retry()
        else:
            self._fail(AuthFailure(FailureReason.UNREACHABLE, self.host, self.port,
                                   message=reason))

    @pyqtSlot(int, object)
    def on_tls_failed(self, serial: int, failure: TlsFailure) -> None:
        if serial != self._serial:
            return
        self._serial = 0
        if failure is TlsFailure.SERVER_NOT_TLS:
            # Never fall back to plain TCP on our own: that is exactly what
            # someone in the middle would arrange.  Even a running session
            # ends, since its server now (apparently) sends passwords in clear.
            self._fail(AuthFailure(FailureReason.SERVER_NOT_TLS, self.host, self.port))
        elif self._session_active:
            self._drop_and_retry()
        else:
            self._fail(AuthFailure(FailureReason.TLS_FAILED, self.host, self.port))

    @pyqtSlot(int, object)
    def on_certificate_untrusted(self, serial: int, check: PinCheck) -> None:
        if serial != self._serial:
            return
        self._serial = 0
        if check.verdict is PinVerdict.FIRST_USE:
            # Pause: the password stays in memory until the user answers.
            self._hello_timer.stop()
            self._ping_timer.stop()
            self.certificate_unknown.emit(check)
            return
        self._fail(AuthFailure(FailureReason.CERTIFICATE_CHANGED, self.host, self.port,
                               certificate=check))

    @pyqtSlot(int, str)
    def on_connection_closed(self, serial: int, reason: str) -> None:
        if serial != self._serial:
            return
        self._serial = 0
        log.info("connection lost: %s", reason)
        self._hello_timer.stop()
        if self._session_active:
            self._drop_and_retry()
        else:
            lost = FailureReason.CONNECTION_LOST if self._greeted else FailureReason.NO_GREETING
            self._fail(AuthFailure(lost, self.host, self.port, message=reason))

    @pyqtSlot()
    def on_hello_timeout(self) -> None:
        if self._session_active:
            self._drop_and_retry()
        else:
            self._fail(AuthFailure(FailureReason.NO_GREETING, self.host, self.port))

    @pyqtSlot()
    def on_ping_due(self) -> None:
        if self._state is not ConnectionState.ONLINE:
            return
        if self._ping_outstanding:
            # A whole interval without an answer: the peer is gone even if
            # TCP has not noticed (a pulled cable sends no FIN).
            log.info("ping unanswered; reconnecting")
            self._drop_and_retry()
            return
        if time.monotonic() - self._last_sent >= PING_INTERVAL_SECONDS * 0.9:
            self._ping_outstanding = True
            self._request(Ping(), self._on_pong)

    def _on_pong(self, reply: _Reply) -> None:
        self._ping_outstanding = False

    # ------------------------------------------------------------------
    # Frames

    @pyqtSlot(int, list)
    def on_frames_received(self, serial: int, frames: list[dict[str, Any]]) -> None:
        for frame in frames:
            if serial != self._serial:
                return  # the connection was dropped by an earlier frame's handler
            try:
                self._dispatch(frame)
            except ProtocolError as error:
                log.warning("ignoring a malformed %r frame: %s", frame.get("type"),
                            error.message)

    def _dispatch(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if not self._greeted:
            self._on_hello(frame)
        elif kind in ("ok", "error"):
            handler = self._pending.pop(frame.get("re"), None)  # type: ignore[arg-type]
            if handler is not None:
                handler(frame)
        elif kind == "message":
            self._on_live_message(Message.from_wire(frame.get("message")))
        elif kind == "presence":
            self.presence_changed.emit(RosterEntry.from_wire(frame.get("user")))
        elif kind == "users":
            self.roster_received.emit(self._roster(frame.get("users")))
        else:
            log.debug("ignoring unknown event %r", kind)

    def _on_hello(self, frame: dict[str, Any]) -> None:
        self._hello_timer.stop()
        if frame.get("type") == "error" and frame.get("code") == ErrorCode.TLS_REQUIRED:
            # A server with TLS tells a plain client (``--no-tls``) so,
            # unencrypted, instead of hello.
            self._fail(AuthFailure(FailureReason.TLS_REQUIRED, self.host, self.port))
            return
        if frame.get("type") != "hello":
            self._fail(AuthFailure(FailureReason.NOT_BESEDKA, self.host, self.port))
            return
        version = frame.get("protocol")
        if version != PROTOCOL_VERSION:
            self._fail(AuthFailure(FailureReason.INCOMPATIBLE, self.host, self.port,
                                   server_protocol=version))
            return
        self._greeted = True
        register = self._register_first and not self._session_active
        request: Request = (Register(self.username, self._password) if register
                            else Login(self.username, self._password))
        self._request(request, self._on_auth_reply, allow_unauthenticated=True)

    def _on_auth_reply(self, reply: _Reply) -> None:
        if reply.get("type") != "ok":
            retry_after = reply.get("retry_after")
            self._fail(AuthFailure(
                FailureReason.SERVER, self.host, self.port, code=_error_code(reply),
                message=str(reply.get("message", "")),
                retry_after=float(retry_after) if isinstance(retry_after, int | float) else None,
            ))
            return
        user = reply.get("user")
        if isinstance(user, dict) and isinstance(user.get("username"), str):
            self.username = user["username"]  # the spelling the account was registered with
        self._authenticated = True
        self._attempt = 0
        self._ping_outstanding = False
        self._ping_timer.start()
        self._set_state(ConnectionState.ONLINE)
        unread = reply.get("general_unread")
        self.general_unread_received.emit(unread if isinstance(unread, int) else 0)
        if not self._session_active:
            self._session_active = True
            self.logged_in.emit(self.username)
            return
        # A reconnect: first resend what waited (its replies turn pending
        # rows into messages before sync could show them a second time),
        # then catch up.
        for item in list(self._outbox.values()):
            if item.state is OutboxState.PENDING:
                self._send_outbox_item(item)
        if self._resume_after is not None:
            self._syncing = True
            self._live_max = 0
            self._request(Sync(self._resume_after, SYNC_MAX_LIMIT), self._on_sync_page)

    def _on_sync_page(self, reply: _Reply) -> None:
        if reply.get("type") != "ok":
            log.warning("sync refused: %s", reply.get("code"))
            self._syncing = False
            return
        messages = self._messages(reply.get("messages"))
        if messages:
            self._resume_after = max(self._resume_after or 0, messages[-1].id)
            self.messages_arrived.emit(messages, False)
        if reply.get("has_more") and messages:
            self._request(Sync(messages[-1].id, SYNC_MAX_LIMIT), self._on_sync_page)
        else:
            self._syncing = False
            self._note_seen(self._live_max)

    def _on_live_message(self, message: Message) -> None:
        if self._syncing:
            self._live_max = max(self._live_max, message.id)
        else:
            self._note_seen(message.id)
        self.messages_arrived.emit([message], True)

    def _note_seen(self, message_id: int) -> None:
        if message_id and not self._syncing:
            self._resume_after = max(self._resume_after or 0, message_id)

    def _send_outbox_item(self, item: OutboxItem) -> None:
        def handle_reply(reply: _Reply) -> None:
            if item.key not in self._outbox:
                return
            if reply.get("type") == "ok":
                message = Message.from_wire(reply.get("message"))
                self._note_seen(message.id)
                del self._outbox[item.key]
                self.outbox_delivered.emit(item.key, message)
                return
            code = _error_code(reply)
            if code in (ErrorCode.RATE_LIMITED, ErrorCode.INTERNAL_ERROR):
                # Transient: the next reconnect (or this retry) sends it again.
                retry_after = reply.get("retry_after")
                delay = float(retry_after) if isinstance(retry_after, int | float) else 1.0
                QTimer.singleShot(int(delay * 1000), lambda: self._resend_if_online(item))
                return
            item.state, item.error = OutboxState.FAILED, code
            self.outbox_failed.emit(item)

        self._request(Send(item.to, item.body, item.key), handle_reply)

    def _resend_if_online(self, item: OutboxItem) -> None:
        if self._state is ConnectionState.ONLINE and item.key in self._outbox:
            self._send_outbox_item(item)

    def _request(self, request: Request, on_reply: _ReplyHandler | None = None, *,
                 allow_unauthenticated: bool = False) -> bool:
        """Send a request; ``on_reply`` gets its ``ok`` or ``error`` frame.

        Returns:
            False when there is no logged-in connection to send it on.
        """
        if not self._serial or not (self._authenticated or allow_unauthenticated):
            return False
        self._next_request_id += 1
        request_id = self._next_request_id
        self._pending[request_id] = on_reply if on_reply is not None else _ignore_reply
        self._connection.send_frame(self._serial, request.to_frame(request_id))
        self._last_sent = time.monotonic()
        return True

    def _messages(self, raw: object) -> list[Message]:
        if not isinstance(raw, list):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "'messages' is not a list")
        messages = [Message.from_wire(item) for item in raw]
        if messages and not self._syncing:
            self._note_seen(messages[-1].id)
        return messages

    @staticmethod
    def _roster(raw: object) -> list[RosterEntry]:
        if not isinstance(raw, list):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "'users' is not a list")
        return [RosterEntry.from_wire(item) for item in raw]


def _ignore_reply(reply: _Reply) -> None:
    if reply.get("type") == "error":
        log.info("request refused: %s %s", reply.get("code"), reply.get("message"))


def _error_code(reply: _Reply) -> ErrorCode:
    try:
        return ErrorCode(str(reply.get("code")))
    except ValueError:
        return ErrorCode.INTERNAL_ERROR
