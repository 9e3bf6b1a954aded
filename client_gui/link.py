"""Keeping one user logged in to one server, whatever the network does.

:class:`SessionLink` gets a logged-in connection and keeps one: it opens
the connection (TLS by default), settles the server's certificate with
:class:`~client_gui.trust.CertificateTrust`, waits for ``hello``, logs in
(or registers, or resumes a remembered session), and after the connection
is lost waits (:class:`~client_gui.backoff.Backoff`) and logs in again with
the password it keeps in memory only, or the session's token.  Where it
stands is a :class:`~client_gui.session_state.SessionMachine`.

A token goes only where it came from: a resume connects with the
certificate the token was issued under as the pin, so another certificate
is refused before anything is sent, and a server met for the first time is
never asked about and sent a token in the same breath.

It does not know what the session does once logged in: it hands replies to
their askers (:class:`~client_gui.channel.Channel`) and every event to
whoever listens to :attr:`SessionLink.event_received`, which is
:class:`~client_gui.client.ChatClient`.
"""

from __future__ import annotations

import logging
import platform
from collections.abc import Callable, Iterable

from PyQt6.QtCore import QObject, QTimer, pyqtSignal, pyqtSlot

from protocol.errors import ErrorCode, ProtocolError
from protocol.events import Event, Hello, decode_server_frame
from protocol.features import Feature
from protocol.limits import CLIENT_NAME_MAX_CHARS, PROTOCOL_V1, PROTOCOL_VERSION
from protocol.replies import ErrorReply, LoggedIn, OkReply
from protocol.requests import Login, Logout, Register, Resume
from protocol.version import BESEDKA_VERSION
from protocol.tls import PinCheck, PinVerdict, TlsFailure

from .backoff import RECONNECT_DELAYS_SECONDS, Backoff, delays_for
from .channel import Channel, ConnectionLike, Keepalive
from .failures import AuthFailure, FailureReason
from .session_state import ConnectionState, Phase, SessionMachine
from .trust import CertificateTrust

__all__ = ["SessionLink", "client_description"]

log = logging.getLogger("besedka.client")

#: Refusals that end a session for good: trying again cannot help.
_FINAL_CODES = (ErrorCode.INVALID_CREDENTIALS, ErrorCode.INVALID_USERNAME,
                ErrorCode.INVALID_TOKEN)


def client_description() -> str:
    """What this client calls itself in the account's list of sessions
    ("Besedka 0.2, Windows 11, PC-214"): enough to tell computers apart."""
    parts = [f"Besedka {BESEDKA_VERSION}", _system_name(), platform.node()]
    return ", ".join(part for part in parts if part)[:CLIENT_NAME_MAX_CHARS]


def _system_name() -> str:
    """"Windows 11", "macOS 14.5", "Ubuntu 24.04 LTS" (not a kernel's version)."""
    system = platform.system()
    if system == "Windows":
        return f"Windows {platform.release()}"
    if system == "Darwin":
        return f"macOS {platform.mac_ver()[0]}".strip()
    try:
        release = platform.freedesktop_os_release()
    except OSError:
        return system
    return release.get("PRETTY_NAME") or release.get("NAME") or system


class SessionLink(QObject):
    """The connection of one session: connect, trust, greet, log in, reconnect.

    Args:
        connection: the network object (in its own thread) to talk through.
        trust: the pinned certificates and the rules for new ones.
        delays, jitter: the reconnect schedule (:class:`Backoff`); None
            chooses by the server's address (:func:`delays_for`).
        tls: speak TLS; False only for servers run with ``--no-tls``.
        ping_interval: seconds between liveness checks (:class:`Keepalive`).
        hello_timeout: seconds a new connection may take to say ``hello``.

    Signals:
        logged_in(LoggedIn, first): a login succeeded; ``first`` unless it
            was a re-login after a lost connection.
        event_received(Event): an event on the logged-in connection.
        disconnected(): the connection went; replies to requests sent on it
            will never come.
        ended(): the session is over (logged out, cancelled, or failed).
        auth_failed(AuthFailure): the first login did not succeed.
        session_ended(AuthFailure): a re-login was refused; the session is over.
        certificate_unknown(PinCheck): the user must decide about a new
            certificate; the attempt waits for :meth:`trust_certificate`.
        state_changed(ConnectionState), reconnect_countdown(seconds)
    """

    logged_in = pyqtSignal(object, bool)
    event_received = pyqtSignal(object)
    disconnected = pyqtSignal()
    ended = pyqtSignal()
    auth_failed = pyqtSignal(object)
    session_ended = pyqtSignal(object)
    certificate_unknown = pyqtSignal(object)
    state_changed = pyqtSignal(object)
    reconnect_countdown = pyqtSignal(int)

    def __init__(self, connection: ConnectionLike, trust: CertificateTrust,
                 delays: Iterable[float] | None, jitter: Callable[[], float], *, tls: bool,
                 ping_interval: float, hello_timeout: float,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tls = tls
        self.trust = trust
        self.host = ""
        self.port = 0
        self.username = ""
        self._password = ""  # kept in memory only, to log in again
        #: A remembered session's token (when the session was resumed
        #: with one), and the certificate it was issued under.
        self._token: str | None = None
        self._token_fingerprint: str | None = None
        self._register_first = False
        self._remember = False
        #: The protocol version this connection speaks (from the server's
        #: hello), and the version 2 features it offers.
        self.protocol = PROTOCOL_V1
        self.features: frozenset[str] = frozenset()
        self.machine = SessionMachine(self)
        self.machine.state_changed.connect(self.state_changed)
        #: Requests and replies on the current connection.
        self.channel = Channel(connection)
        self._keepalive = Keepalive(self.channel, ping_interval, self)
        self._keepalive.timed_out.connect(self.on_keepalive_timed_out)
        self._fixed_delays = tuple(delays) if delays is not None else None
        self._backoff = Backoff(self._fixed_delays or RECONNECT_DELAYS_SECONDS, jitter, self)
        self._backoff.due.connect(self.on_reconnect_due)
        self._backoff.countdown.connect(self.reconnect_countdown)
        self._hello_timer = QTimer(self)
        self._hello_timer.setSingleShot(True)
        self._hello_timer.setInterval(int(hello_timeout * 1000))
        self._hello_timer.timeout.connect(self.on_hello_timeout)
        connection.opened.connect(self.on_connection_opened)
        connection.failed.connect(self.on_connection_failed)
        connection.tls_failed.connect(self.on_tls_failed)
        connection.certificate_untrusted.connect(self.on_certificate_untrusted)
        connection.closed.connect(self.on_connection_closed)
        connection.frames_received.connect(self.on_frames_received)

    # ------------------------------------------------------------------
    # What the session asks

    @property
    def state(self) -> ConnectionState:
        return self.machine.state

    def start(self, host: str, port: int, username: str, password: str, *,
              register: bool, remember: bool = False) -> None:
        """End any session and begin a new one: connect and log in (or
        register), asking for a remembered session's token if ``remember``."""
        self.end()
        self.host, self.port = host, port
        self.username, self._password = username, password
        self._register_first, self._remember = register, remember
        self._backoff.set_delays(self._fixed_delays or delays_for(host))
        self._backoff.reset()
        self._connect()

    def resume(self, host: str, port: int, username: str, token: str,
               fingerprint: str | None) -> None:
        """End any session and resume a remembered one: ``token`` goes only to
        ``host:port`` presenting the certificate ``fingerprint`` (None only
        without TLS)."""
        self.end()
        self.host, self.port, self.username = host, port, username
        self._token, self._token_fingerprint = token, fingerprint
        self._register_first = self._remember = False
        self._backoff.set_delays(self._fixed_delays or delays_for(host))
        self._backoff.reset()
        self._connect()

    def log_out(self, *, forget: bool = False) -> None:
        """Tell the server (if logged in; ``forget`` revokes the remembered
        session), then end the session."""
        if self.machine.logged_in:
            # The close waits (briefly) for the server's answer: closed at
            # once, the connection could take the logout with it unread (a
            # reset discards it), and a forgotten token would live on.
            self.channel.close(farewell=self.channel.request(Logout(forget)))
        self.end()

    def end(self) -> None:
        """Stop everything and forget the password and the token."""
        self.channel.close()
        self._connection_gone()
        self._backoff.stop()
        self._password = ""
        self._token = self._token_fingerprint = None
        self.machine.end()
        self.ended.emit()

    def trust_certificate(self, fingerprint: str) -> None:
        """The answer to :attr:`certificate_unknown`: pin and connect again."""
        if self.machine.phase is not Phase.TRUST_PAUSE:
            return  # the attempt was given up meanwhile
        self.trust.trust(self.host, self.port, fingerprint)
        self._connect()

    def password_changed(self, password: str) -> None:
        """Log in with ``password`` from now on."""
        self._password = password

    def reconnect_now(self) -> None:
        """Skip the rest of the backoff wait."""
        if self.machine.phase is Phase.WAITING:
            self._backoff.fire_now()

    def seconds_until_reconnect(self) -> int:
        return self._backoff.seconds_left()

    def drop_and_retry(self, at_least: float | None = None) -> None:
        """Close the connection and try again after the backoff delay
        (at least ``at_least`` seconds)."""
        self.channel.close()
        self._connection_gone()
        self.machine.move_to(Phase.WAITING)
        self._backoff.schedule(at_least)

    # ------------------------------------------------------------------

    def _connect(self) -> None:
        self.machine.move_to(Phase.CONNECTING)
        if self._token is not None:
            # The certificate the token was issued under, whatever was
            # trusted since: the network thread refuses any other.
            pinned = self._token_fingerprint
        else:
            pinned = self.trust.pinned(self.host, self.port) if self.tls else None
        self.channel.open(self.host, self.port, tls=self.tls, pinned=pinned)

    def _connection_gone(self) -> None:
        self._hello_timer.stop()
        self._keepalive.stop()
        self.disconnected.emit()

    def _fail(self, failure: AuthFailure) -> None:
        """A login attempt failed: report it where the user will see it."""
        if not self.machine.established:
            self.end()
            self.auth_failed.emit(failure)
        elif failure.reason is FailureReason.SERVER and failure.code not in _FINAL_CODES:
            # Rate limits, server trouble: keep trying in the background.
            self.drop_and_retry(failure.retry_after)
        else:
            self.end()
            self.session_ended.emit(failure)

    def _retry_or_fail(self, failure: AuthFailure) -> None:
        """A connection (or an attempt at one) ended: an established session
        waits and tries again; a first login has failed."""
        if self.machine.established:
            self.drop_and_retry()
        else:
            self._fail(failure)

    @pyqtSlot()
    def on_reconnect_due(self) -> None:
        self._connect()

    @pyqtSlot()
    def on_keepalive_timed_out(self) -> None:
        self.drop_and_retry()

    @pyqtSlot()
    def on_hello_timeout(self) -> None:
        self._retry_or_fail(AuthFailure(FailureReason.NO_GREETING, self.host, self.port))

    @pyqtSlot(int)
    def on_connection_opened(self, serial: int) -> None:
        if self.channel.is_current(serial):
            self.machine.move_to(Phase.GREETING)
            self._hello_timer.start()

    @pyqtSlot(int, str)
    def on_connection_failed(self, serial: int, reason: str) -> None:
        if self.channel.is_current(serial):
            self.channel.lost()
            self._retry_or_fail(AuthFailure(FailureReason.UNREACHABLE, self.host, self.port,
                                            message=reason))

    @pyqtSlot(int, object)
    def on_tls_failed(self, serial: int, failure: TlsFailure) -> None:
        if not self.channel.is_current(serial):
            return
        self.channel.lost()
        if failure is TlsFailure.SERVER_NOT_TLS:
            # Never fall back to plain TCP on our own: that is exactly what
            # someone in the middle would arrange.  Even a running session
            # ends, since its server now (apparently) sends passwords in clear.
            self._fail(AuthFailure(FailureReason.SERVER_NOT_TLS, self.host, self.port))
        else:
            self._retry_or_fail(AuthFailure(FailureReason.TLS_FAILED, self.host, self.port))

    @pyqtSlot(int, object)
    def on_certificate_untrusted(self, serial: int, check: PinCheck) -> None:
        if not self.channel.is_current(serial):
            return
        self.channel.lost()
        if check.verdict is not PinVerdict.FIRST_USE or self._token is not None:
            # Not the certificate the user or the administrator trusted:
            # refused before anything (the password, a token) was sent.
            reason = (FailureReason.CERTIFICATE_NOT_PROVISIONED
                      if self.trust.provisioned(self.host, self.port)
                      else FailureReason.CERTIFICATE_CHANGED)
            self._fail(AuthFailure(reason, self.host, self.port, certificate=check))
            return
        # A first meeting: the user decides, always (client_gui/trust.py).
        # The password stays in memory until the question is answered.
        self.machine.move_to(Phase.TRUST_PAUSE)
        self.certificate_unknown.emit(check)

    @pyqtSlot(int, str)
    def on_connection_closed(self, serial: int, reason: str) -> None:
        if not self.channel.is_current(serial):
            return
        self.channel.lost()
        log.info("connection lost: %s", reason)
        greeted = self.machine.phase in (Phase.AUTHENTICATING, Phase.ONLINE)
        lost = FailureReason.CONNECTION_LOST if greeted else FailureReason.NO_GREETING
        self._retry_or_fail(AuthFailure(lost, self.host, self.port, message=reason))

    # ------------------------------------------------------------------
    # Frames

    @pyqtSlot(int, list)
    def on_frames_received(self, serial: int, frames: list[dict[str, object]]) -> None:
        for fields in frames:
            if not self.channel.is_current(serial):
                return  # the connection was dropped by an earlier frame's handler
            try:
                frame = decode_server_frame(fields)
            except ProtocolError as error:
                log.warning("ignoring a malformed %r frame: %s", fields.get("type"),
                            error.message)
                if self.machine.phase is Phase.GREETING:
                    self._fail(AuthFailure(FailureReason.NOT_BESEDKA, self.host, self.port))
                continue
            if self.machine.phase is Phase.GREETING:
                self._on_greeting(frame)
            elif isinstance(frame, OkReply | ErrorReply):
                self.channel.resolve(frame)
            elif self.machine.logged_in:
                self.event_received.emit(frame)
            else:
                log.debug("ignoring a %s before the login", type(frame).__name__)

    def _on_greeting(self, frame: OkReply | ErrorReply | Event) -> None:
        self._hello_timer.stop()
        if isinstance(frame, ErrorReply) and frame.code is ErrorCode.TLS_REQUIRED:
            # A server with TLS tells a plain client (``--no-tls``) so,
            # unencrypted, instead of hello.
            self._fail(AuthFailure(FailureReason.TLS_REQUIRED, self.host, self.port))
        elif not isinstance(frame, Hello):
            self._fail(AuthFailure(FailureReason.NOT_BESEDKA, self.host, self.port))
        elif frame.protocol < PROTOCOL_V1:
            self._fail(AuthFailure(FailureReason.INCOMPATIBLE, self.host, self.port,
                                   server_protocol=frame.protocol))
        else:
            # PROTOCOL-2.md: any version of 1 or more is one we can talk to;
            # version 2 (our newest) is asked for whenever the server offers
            # it, or a newer one, which then speaks version 2 with us.
            self.protocol = min(frame.protocol, PROTOCOL_VERSION)
            self.features = frozenset(frame.features) if self.protocol >= 2 else frozenset()
            self.machine.move_to(Phase.AUTHENTICATING)
            self.channel.request(self._auth_request(), self._on_auth_reply)

    def _auth_request(self) -> Login | Register | Resume:
        """How this attempt logs in: the password if there is one, else the token."""
        client = client_description() if self.protocol >= 2 else None
        if not self._password and self._token is not None:
            return Resume(self._token, self.protocol, client)
        remember = self._remember and Feature.SESSIONS in self.features
        if self._register_first and not self.machine.established:
            return Register(self.username, self._password, self.protocol, remember,
                            client if remember else None)
        return Login(self.username, self._password, self.protocol, remember,
                     client if remember else None)

    def _on_auth_reply(self, reply: LoggedIn | ErrorReply) -> None:
        if isinstance(reply, ErrorReply):
            self._fail(AuthFailure(FailureReason.SERVER, self.host, self.port, code=reply.code,
                                   message=reply.message, retry_after=reply.retry_after))
            return
        self.username = reply.username  # the spelling the account was registered with
        if reply.token is not None:
            self._remember = False  # one token a session: re-logins ask for none
        first = not self.machine.established
        self.machine.move_to(Phase.ONLINE)
        self._backoff.reset()
        self._keepalive.start()
        self.logged_in.emit(reply, first)
