"""A stand-in for the network thread, so a test plays the server frame by frame.

:class:`FakeConnection` has the signals and the three commands of
:class:`client_gui.network.Connection`, and no socket: it records what the
session opens, sends and closes, and the test makes the connection open,
greet, answer, push events, or break, exactly when it wants (in the style
of qutebrowser's tests of its IPC server).  That reaches what a real server
cannot be made to do on cue: a ping that is never answered, an event that
arrives between two pages of a ``sync``, a certificate met for the first
time.

Signals are emitted directly (the real connection's cross a thread and are
queued); every handler of the session runs to its end before the emitting
call returns, which keeps the tests' order of events exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from protocol.limits import PROTOCOL_VERSION
from protocol.tls import PinCheck

HELLO = {"type": "hello", "protocol": PROTOCOL_VERSION, "server": "besedka/test"}


@dataclass(frozen=True)
class Opened:
    """One call of :meth:`FakeConnection.open`."""

    serial: int
    host: str
    port: int
    tls: bool
    pinned: str | None


class FakeConnection(QObject):
    """The network thread's interface, played by the test."""

    opened = pyqtSignal(int)
    frames_received = pyqtSignal(int, list)
    failed = pyqtSignal(int, str)
    tls_failed = pyqtSignal(int, object)
    certificate_untrusted = pyqtSignal(int, object)
    closed = pyqtSignal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self.opens: list[Opened] = []
        self.sent: list[tuple[int, dict[str, Any]]] = []
        self.closes: list[int] = []
        #: the farewell (a logout's request id) of each close, if it had one
        self.farewells: list[int | None] = []

    # The session's side.

    def open(self, host: str, port: int, *, tls: bool = True,
             pinned: str | None = None) -> int:
        self.opens.append(Opened(len(self.opens) + 1, host, port, tls, pinned))
        return len(self.opens)

    def send_frame(self, serial: int, frame: dict[str, Any]) -> None:
        self.sent.append((serial, frame))

    def close(self, serial: int, *, farewell: int | None = None) -> None:
        self.closes.append(serial)
        self.farewells.append(farewell)

    # The test's side.

    @property
    def serial(self) -> int:
        """The connection opened last."""
        return len(self.opens)

    def accept(self, hello: dict[str, Any] = HELLO) -> None:
        """The connection opens and the server greets."""
        self.opened.emit(self.serial)
        self.push(hello)

    def push(self, *frames: dict[str, Any]) -> None:
        """Frames arrive from the server on the current connection."""
        self.frames_received.emit(self.serial, list(frames))

    def requests(self, request_type: str, serial: int | None = None) -> list[dict[str, Any]]:
        """The requests of a type sent on a connection (the current one by default)."""
        serial = self.serial if serial is None else serial
        return [frame for on, frame in self.sent
                if on == serial and frame["type"] == request_type]

    def last(self, request_type: str) -> dict[str, Any]:
        """The latest request of a type on the current connection."""
        found = self.requests(request_type)
        assert found, f"no {request_type!r} sent on connection {self.serial}: {self.sent}"
        return found[-1]

    def reply(self, request: dict[str, Any], **payload: Any) -> None:
        """Answer ``request`` with ``ok``."""
        self.push({"type": "ok", "re": request["id"], **payload})

    def refuse(self, request: dict[str, Any], code: str, **extra: Any) -> None:
        """Answer ``request`` with an ``error``."""
        self.push({"type": "error", "re": request["id"], "code": code,
                   "message": f"refused: {code}", **extra})

    def break_(self, reason: str = "the server closed the connection") -> None:
        """The current connection ends (not by the session)."""
        self.closed.emit(self.serial, reason)

    def untrusted(self, check: PinCheck) -> None:
        """The TLS handshake met a certificate that is not the pinned one."""
        self.certificate_untrusted.emit(self.serial, check)

    def log_in(self, username: str = "alice", general_unread: int = 0,
               users: list[dict[str, Any]] | None = None) -> None:
        """Open, greet, and accept the login (or registration) just sent."""
        self.accept()
        auth = [frame for on, frame in self.sent
                if on == self.serial and frame["type"] in ("login", "register")]
        assert auth, f"no login sent on connection {self.serial}"
        self.reply(auth[-1], user={"username": username}, general_unread=general_unread)
        self.push({"type": "users", "users": users or [
            {"username": username, "online": True, "unread": 0}]})
