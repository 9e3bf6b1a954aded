"""The server's listening sockets and their own accept loop, for TLS and plain TCP.

The listener accepts connections itself instead of leaving it to
``loop.create_server``, for three reasons:

* **TLS with a clear refusal of plain clients.**  ``create_server(ssl=...)``
  would do the TLS, but a plain-TCP client on a TLS port would then learn
  nothing: it waits for ``hello``, the server waits for a ClientHello, and
  both hang until a timeout.  So with TLS the listener looks at the first
  byte before choosing:

  * ``0x16`` (a TLS handshake record): the connection gets TLS
    (:mod:`server.tlslayer`) with a handshake timeout, so a client that
    starts a handshake and stalls is dropped promptly;
  * anything else (a frame starts with ``{``), or silence for
    :data:`PLAINTEXT_SILENCE_SECONDS` (a plain client waiting for
    ``hello``): one unencrypted ``tls_required`` error frame, then the
    connection closes.

  Looking is done with ``MSG_PEEK``, so the bytes stay in the socket for the
  TLS layer to read.
* **An accept loop that outlives failed connections** (plain TCP too):
  asyncio's own loop on Windows' proactor closes the listening socket for
  good when a client resets its connection while it is being accepted
  (``WinError 64``, CPython gh-93821), and the server would accept nobody
  after that.  This one logs the failure and goes on accepting.
* **A port that is this server's alone.**  ``create_server`` sets
  ``SO_REUSEADDR``, which on Windows lets a second process bind the same
  port: two servers would then share one database and split the clients
  between them.  Windows gets ``SO_EXCLUSIVEADDRUSE`` instead; POSIX keeps
  ``SO_REUSEADDR``, which there only lets a restarted server bind while the
  old connections linger in TIME_WAIT (a second listener is refused).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
from collections.abc import Callable
from typing import cast

from protocol.errors import ErrorCode, RequestError
from protocol.frames import error_reply
from protocol.framing import encode_frame
from protocol.tls import is_tls_client_hello

from .logsummary import RepeatedLines
from .tls import TlsConfig
from .tlslayer import TlsServerProtocol

__all__ = ["PLAINTEXT_SILENCE_SECONDS", "Listener", "PlaintextRefusal"]

log = logging.getLogger("besedka.server.tls")

#: How long a new connection may stay silent before we decide it is a
#: plain client waiting for ``hello``.  A TLS client sends its ClientHello
#: right after connecting, so on a LAN this is generous.
PLAINTEXT_SILENCE_SECONDS = 2.0
#: What ``python -m server.probe`` sends first (a blank line, which a plain
#: server ignores).  It is refused like any plain client, only not logged.
PROBE_FIRST_BYTE = b"\n"
#: How long a refused plain client gets to read the error before we hang up.
REFUSAL_GRACE_SECONDS = 1.0
#: Pause after an accept() failure such as running out of file descriptors,
#: as asyncio's own server does, so the loop does not spin.
ACCEPT_RETRY_SECONDS = 0.5
#: What an accept on Windows' proactor fails with when the client reset the
#: connection meanwhile ("The specified network name is no longer available").
_ERROR_NETNAME_DELETED = 64

TLS_REQUIRED_FRAME = encode_frame(error_reply(RequestError(
    ErrorCode.TLS_REQUIRED,
    "this server accepts only TLS connections; connect with TLS "
    "(the server's log shows its certificate fingerprint)",
)))


class PlaintextRefusal(asyncio.Protocol):
    """Tells a plain-TCP client that TLS is required, then hangs up.

    Whatever the client sends is read and discarded, so that closing does
    not make the kernel reset the connection and destroy the error before
    the client has read it.
    """

    def __init__(self, peer: str, *, probe: bool = False) -> None:
        self.peer = peer
        #: A readiness probe (``python -m server.probe``, which ``make run``
        #: uses): nothing an administrator needs to read about.
        self.probe = probe
        self.transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # (uvloop's transports act as asyncio.Transport without subclassing it.)
        transport = cast(asyncio.Transport, transport)
        self.transport = transport
        log.log(logging.DEBUG if self.probe else logging.INFO,
                "[%s] plain-text %s on the TLS port; told it TLS is required", self.peer,
                "probe" if self.probe else "client")
        transport.write(TLS_REQUIRED_FRAME)
        if transport.can_write_eof():
            transport.write_eof()
        self._timer = asyncio.get_running_loop().call_later(REFUSAL_GRACE_SECONDS, transport.close)

    def data_received(self, data: bytes) -> None:
        pass

    def eof_received(self) -> bool:
        # The client has read what it wanted and is leaving: close now.
        assert self.transport is not None
        self.transport.close()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _reserve_port(sock: socket.socket) -> None:
    """Set the options that make a listening socket's port this process's
    alone (see the module docstring); before ``bind``."""
    if sys.platform == "win32":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
    else:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)


class Listener:
    """Listening sockets that admit TLS clients and turn plain ones away, or,
    without TLS, admit every client.

    It offers the parts of :class:`asyncio.Server` the server uses:
    :attr:`sockets`, :meth:`close` and :meth:`wait_closed`.

    Args:
        protocol_factory: makes the protocol for each admitted connection.
        tls: the certificate context and handshake timeout; None for plain
            TCP (``--no-tls``).
        silence_timeout: how long a silent new connection is taken for a
            TLS client still on its way (see :data:`PLAINTEXT_SILENCE_SECONDS`).
        overloaded: told how many connections are being admitted, whether
            the server has no descriptors to spare for another: then a new
            connection is closed at once, before anything is spent on it.
    """

    def __init__(self, protocol_factory: Callable[[], asyncio.Protocol], tls: TlsConfig | None,
                 silence_timeout: float = PLAINTEXT_SILENCE_SECONDS,
                 overloaded: Callable[[int], bool] | None = None) -> None:
        self._factory = protocol_factory
        self._overloaded = overloaded
        self._tls = tls
        self._silence_timeout = silence_timeout
        self.sockets: list[socket.socket] = []
        self._acceptors: list[asyncio.Task[None]] = []
        self._admissions: set[asyncio.Task[None]] = set()
        self._closed = asyncio.get_running_loop().create_future()
        # Said once, then counted: a flood repeats them many times a second.
        self._accept_failures = RepeatedLines(log, logging.ERROR)
        self._dropped = RepeatedLines(log, logging.WARNING)
        self._handshake_failures = RepeatedLines(log, logging.INFO)

    async def start(self, host: str, port: int, backlog: int = 128) -> None:
        """Bind every address ``host`` names (like ``create_server``) and accept.

        Raises:
            OSError: an address cannot be bound.
        """
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                       flags=socket.AI_PASSIVE)
        seen: set[tuple[int, object]] = set()
        try:
            for family, kind, proto, _, address in infos:
                if (family, address) in seen:
                    continue
                seen.add((family, address))
                sock = socket.socket(family, kind, proto)
                self.sockets.append(sock)
                _reserve_port(sock)
                if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                    # As asyncio does: each family gets its own socket.
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                try:
                    sock.bind(address)
                except OSError as error:
                    raise OSError(error.errno, f"error while attempting to bind on address "
                                               f"{address!r}: {error.strerror}") from None
                sock.listen(backlog)
                sock.setblocking(False)
        except BaseException:
            for sock in self.sockets:
                sock.close()
            self.sockets.clear()
            raise
        self._acceptors = [loop.create_task(self._accept_forever(sock)) for sock in self.sockets]

    async def _accept_forever(self, listening: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                connection, address = await loop.sock_accept(listening)
            except (BlockingIOError, InterruptedError, ConnectionError):
                continue  # a client that gave up while it was being accepted
            except OSError as error:
                if getattr(error, "winerror", None) == _ERROR_NETNAME_DELETED:
                    # The same on Windows' proactor (gh-93821): nothing wrong here.
                    log.info("a client reset its connection while it was being accepted")
                    continue
                # Out of file descriptors or memory, or a connection that
                # failed while queued: the listener must outlive all of it,
                # as asyncio's own server does.
                self._accept_failures.add("cannot accept a connection: %s; retrying shortly",
                                          error)
                await asyncio.sleep(ACCEPT_RETRY_SECONDS)
                continue
            if self._overloaded is not None and self._overloaded(len(self._admissions)):
                connection.close()
                self._dropped.add("dropping new connections at once: the server is full "
                                  "and already refusing as many as it can")
                continue
            task = loop.create_task(self._admit(connection, address))
            self._admissions.add(task)
            task.add_done_callback(self._admissions.discard)

    async def _admit(self, connection: socket.socket, address: object) -> None:
        # Since this task has no caller that could handle an exception, it
        # logs and closes on every failure.
        peer = _format_peer(address)
        loop = asyncio.get_running_loop()
        handed_over = False
        try:
            if self._tls is None:
                handed_over = True
                await loop.connect_accepted_socket(self._factory, connection)
                return
            first = await _peek_first_byte(connection, self._silence_timeout)
            if first == b"":
                return  # gone before saying anything
            if first is not None and is_tls_client_hello(first[0]):
                handed_over = True
                # TLS done by server.tlslayer, not by the loop: see there why.
                tls = self._tls
                await loop.connect_accepted_socket(
                    lambda: TlsServerProtocol(tls.context, self._factory, tls.handshake_timeout,
                                              peer, self._handshake_failed),
                    connection)
                return
            handed_over = True
            # The probe speaks first with a blank line; a plain client
            # starts with ``{`` or waits in silence for hello.
            probe = first == PROBE_FIRST_BYTE
            await loop.connect_accepted_socket(lambda: PlaintextRefusal(peer, probe=probe),
                                               connection)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("[%s] failure while admitting a connection", peer)
        finally:
            if not handed_over:
                connection.close()

    def _handshake_failed(self, peer: str, reason: str) -> None:
        self._handshake_failures.add("[%s] TLS handshake failed: %s", peer, reason)

    def flush_log(self) -> None:
        """Log how often the summarised lines repeated (called about once a second)."""
        self._accept_failures.flush()
        self._dropped.flush()
        self._handshake_failures.flush()

    def close(self) -> None:
        """Stop accepting; connections being admitted are dropped."""
        for task in self._acceptors:
            task.cancel()
        for task in list(self._admissions):
            task.cancel()
        for sock in self.sockets:
            sock.close()
        if not self._closed.done():
            self._closed.set_result(None)

    async def wait_closed(self) -> None:
        """Wait until :meth:`close` has taken effect."""
        await self._closed
        pending = [*self._acceptors, *self._admissions]
        if pending:
            await asyncio.wait(pending)


#: How often to look for the first byte where the loop cannot watch sockets.
_POLL_SECONDS = 0.01


async def _peek_first_byte(connection: socket.socket, timeout: float) -> bytes | None:
    """The first byte the client sent, left unread; None if it sent none in time.

    Returns ``b""`` when the client closed (or reset) the connection.
    """
    loop = asyncio.get_running_loop()
    readable = loop.create_future()
    fd = connection.fileno()

    def on_readable() -> None:
        if not readable.done():
            readable.set_result(None)

    try:
        loop.add_reader(fd, on_readable)
    except NotImplementedError:
        # Windows' default proactor loop cannot watch a socket for
        # readability; look every few milliseconds instead.
        return await _poll_first_byte(connection, timeout)
    try:
        # On a timeout, look anyway: data may have come while the loop was busy.
        await asyncio.wait({readable}, timeout=timeout)
    finally:
        loop.remove_reader(fd)
    return _peek(connection)


async def _poll_first_byte(connection: socket.socket, timeout: float) -> bytes | None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        first = _peek(connection)
        if first is not None or asyncio.get_running_loop().time() >= deadline:
            return first
        await asyncio.sleep(_POLL_SECONDS)


def _peek(connection: socket.socket) -> bytes | None:
    try:
        return connection.recv(1, socket.MSG_PEEK)
    except (BlockingIOError, InterruptedError):
        return None
    except OSError:
        return b""


def _format_peer(address: object) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return str(address)
