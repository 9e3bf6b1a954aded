"""The session's current connection: requests out, replies back to their askers.

A session talks to the server through one connection at a time (the
network thread's :class:`~client_gui.network.Connection` numbers them).
:class:`Channel` is that connection as the session sees it: it numbers the
requests, remembers who waits for each reply, hands every reply to its
asker already read as the request's own reply type (or as an
:class:`~protocol.replies.ErrorReply`), and forgets all of them when the
connection goes.

:class:`Keepalive` pings over it when idle and reports a connection whose
ping went unanswered for a whole interval: TCP may not notice a pulled
cable for many minutes, the user should not wait that long.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol, TypeVar

from PyQt6.QtCore import QObject, QTimer, pyqtBoundSignal, pyqtSignal, pyqtSlot

from protocol.errors import ErrorCode, ProtocolError
from protocol.replies import ErrorReply, OkReply, Reply
from protocol.requests import Answerable, Ping

__all__ = ["Channel", "ConnectionLike", "Keepalive"]

log = logging.getLogger("besedka.client")

R = TypeVar("R", bound=Reply)
_Resolver = Callable[[OkReply | ErrorReply], None]


class ConnectionLike(Protocol):
    """What the session needs of :class:`~client_gui.network.Connection`:
    its signals and its three commands.  Tests hand in a fake with these."""

    @property
    def opened(self) -> pyqtBoundSignal: ...
    @property
    def frames_received(self) -> pyqtBoundSignal: ...
    @property
    def failed(self) -> pyqtBoundSignal: ...
    @property
    def tls_failed(self) -> pyqtBoundSignal: ...
    @property
    def certificate_untrusted(self) -> pyqtBoundSignal: ...
    @property
    def closed(self) -> pyqtBoundSignal: ...

    def open(self, host: str, port: int, *, tls: bool = True,
             pinned: str | None = None) -> int: ...

    def send_frame(self, serial: int, frame: dict[str, object]) -> None: ...

    def close(self, serial: int, *, farewell: int | None = None) -> None: ...


class Channel:
    """Requests and their replies on the session's current connection.

    Args:
        connection: the network object to send through.
    """

    def __init__(self, connection: ConnectionLike) -> None:
        self._connection = connection
        #: The serial of the current connection; 0 when there is none.
        self.serial = 0
        self._next_id = 0
        self._waiting: dict[int, _Resolver] = {}
        self._last_sent = 0.0

    def open(self, host: str, port: int, *, tls: bool, pinned: str | None) -> None:
        """Connect (dropping any current connection)."""
        self.close()
        self.serial = self._connection.open(host, port, tls=tls, pinned=pinned)

    def close(self, *, farewell: int | None = None) -> None:
        """Drop the current connection, if any; its replies will never come.

        ``farewell``: the id of the request that says goodbye (``logout``),
        whose reply the network waits for before closing
        (:meth:`client_gui.network.Connection.close`).
        """
        if self.serial:
            self._connection.close(self.serial, farewell=farewell)
        self.lost()

    def lost(self) -> None:
        """The connection is gone (the network said so): forget its requests."""
        self.serial = 0
        self._waiting.clear()

    def is_current(self, serial: int) -> bool:
        return serial != 0 and serial == self.serial

    def request(self, request: Answerable[R],
                on_reply: Callable[[R | ErrorReply], None] | None = None) -> int:
        """Send ``request``; ``on_reply`` gets its reply, typed.

        A malformed ``ok`` reaches ``on_reply`` as an ``internal_error``, so
        whoever waits always hears an answer.

        Returns:
            The request's id.
        """
        if not self.serial:
            raise RuntimeError("no connection to send a request on")
        self._next_id += 1
        if on_reply is not None:
            self._waiting[self._next_id] = _resolver(request, on_reply)
        else:
            self._waiting[self._next_id] = _log_refusal
        self._connection.send_frame(self.serial, request.to_frame(self._next_id))
        self._last_sent = time.monotonic()
        return self._next_id

    def resolve(self, reply: OkReply | ErrorReply) -> None:
        """Hand a reply to whoever waits for it (replies to nothing are dropped)."""
        resolver = self._waiting.pop(reply.re, None) if isinstance(reply.re, int) else None
        if resolver is None:
            log.debug("a reply to no request of ours: %r", reply.re)
            return
        resolver(reply)

    def idle_seconds(self) -> float:
        """Seconds since the last request was sent."""
        return time.monotonic() - self._last_sent


def _resolver(request: Answerable[R], on_reply: Callable[[R | ErrorReply], None]) -> _Resolver:
    def resolve(reply: OkReply | ErrorReply) -> None:
        if isinstance(reply, ErrorReply):
            on_reply(reply)
            return
        try:
            parsed = request.parse_reply(reply.fields)
        except ProtocolError as error:
            log.warning("malformed reply to %r: %s", request, error.message)
            on_reply(ErrorReply(reply.re, ErrorCode.INTERNAL_ERROR, error.message))
            return
        on_reply(parsed)

    return resolve


def _log_refusal(reply: OkReply | ErrorReply) -> None:
    if isinstance(reply, ErrorReply):
        log.info("request refused: %s %s", reply.code, reply.message)


class Keepalive(QObject):
    """Pings an idle connection and notices when the server stops answering.

    Args:
        channel: the connection to ping over.
        interval: seconds between checks; a ping goes out when nothing else
            was sent for most of an interval, and a ping still unanswered at
            the next check means the connection is dead.

    Signals:
        timed_out(): the server did not answer a ping for a whole interval.
    """

    timed_out = pyqtSignal()

    def __init__(self, channel: Channel, interval: float,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._channel = channel
        self._interval = interval
        self._unanswered = False
        self._timer = QTimer(self)
        self._timer.setInterval(int(interval * 1000))
        self._timer.timeout.connect(self.on_check_due)

    def start(self) -> None:
        """Start checking the (newly logged-in) connection."""
        self._unanswered = False
        self._timer.start()

    def stop(self) -> None:
        """Stop checking (the connection is gone)."""
        self._timer.stop()

    @pyqtSlot()
    def on_check_due(self) -> None:
        if self._unanswered:
            log.info("ping unanswered for %g s; the connection is dead", self._interval)
            self.stop()
            self.timed_out.emit()
        elif self._channel.idle_seconds() >= self._interval * 0.9:
            self._unanswered = True
            self._channel.request(Ping(), self._on_pong)

    def _on_pong(self, reply: Reply | ErrorReply) -> None:
        self._unanswered = False
