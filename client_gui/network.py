"""The socket, kept in a thread of its own so that widgets never touch it.

:class:`Connection` is the only code in the client that calls socket
functions.  It lives in a :class:`~PyQt6.QtCore.QThread`, turns bytes into
frames with :mod:`protocol.framing`, and reports everything through Qt
signals, which Qt delivers to the GUI thread as queued calls.  Requests reach
it through a thread-safe queue (:meth:`Connection.open`,
:meth:`Connection.send_frame`, :meth:`Connection.close` may be called from any
thread).

Why one thread that waits in ``select()`` rather than a blocking reader plus
writes from the GUI thread: TLS wraps the socket in :class:`ssl.SSLSocket`,
and one OpenSSL connection must not be read and written by two threads at
once.  With one thread owning the socket, reading
and writing never overlap, a server that stops reading can never freeze the
GUI in ``sendall()``, and :meth:`Connection.close` takes effect at once
because a wake-up socket interrupts the wait.

TLS is the default.  The handshake and the check of the server's certificate
against the fingerprint pinned for it (:func:`protocol.tls.check_pin`) both
happen here, before :attr:`Connection.opened`, so nothing (least of all a
password) is ever sent to a server whose certificate is not trusted: such a
connection is closed at once and :attr:`Connection.certificate_untrusted`
says why; the session asks the user and connects again.

Every connection gets a serial number that travels with its signals, so the
GUI can ignore frames that were still in flight from a connection it has
already given up on.
"""

from __future__ import annotations

import errno
import logging
import queue
import select
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any, Final

from PyQt6.QtCore import QObject, QThread, pyqtSignal, pyqtSlot

from protocol.errors import ProtocolError
from protocol.framing import decode_json_object
from protocol.framing import FrameDecoder, encode_frame
from protocol.limits import MAX_SERVER_FRAME_BYTES
from protocol.tls import PinCheck, check_pin, client_context, explain_tls_failure

__all__ = ["Connection", "NetworkThread", "UntrustedCertificate", "open_checked_socket"]

log = logging.getLogger("besedka.client.net")

#: Seconds to wait for a TCP connection before calling the server unreachable.
CONNECT_TIMEOUT_SECONDS: Final = 5.0
#: How long a logout may take to reach the server and be answered before
#: the client closes anyway (:meth:`Connection.close`).
FAREWELL_SECONDS: Final = 1.0
_RECV_BYTES: Final = 256 * 1024
#: At most this much is handed to one ``send``: a TLS write that has to be
#: retried must be retried with the same bytes, and the outgoing buffer only
#: ever grows at its end, so its first ``_SEND_BYTES`` stay the same.
_SEND_BYTES: Final = 64 * 1024


@dataclass(frozen=True, slots=True)
class _Open:
    serial: int
    host: str
    port: int
    tls: bool
    pinned: str | None


@dataclass(frozen=True, slots=True)
class _Send:
    serial: int
    data: bytes


@dataclass(frozen=True, slots=True)
class _Close:
    serial: int
    farewell: int | None


class _Stop:
    """Ends the worker loop (the application is quitting)."""


_Command = _Open | _Send | _Close | _Stop


class _Closed(Exception):
    """The connection ended; the argument says why (for logs and the GUI)."""


class _Untrusted(Exception):
    """The server's certificate is not the pinned one (or none is pinned yet)."""

    def __init__(self, check: PinCheck) -> None:
        super().__init__(check.verdict.value)
        self.check = check


#: What :func:`open_checked_socket` raises for a certificate not trusted.
UntrustedCertificate = _Untrusted


def open_checked_socket(host: str, port: int, *, tls: bool, pinned: str | None,
                        timeout: float = CONNECT_TIMEOUT_SECONDS) -> socket.socket:
    """A connected socket to a Besedka server, for TLS handshaken and its
    certificate checked against ``pinned``; blocking, with ``timeout``.

    The one place a client chooses its transport: the chat connection
    (:class:`Connection`) and the transfer connections of files
    (:mod:`client_gui.transfer_jobs`) both open theirs here, so a file
    never goes to a server whose certificate is not the trusted one.

    Raises:
        UntrustedCertificate: the certificate is not the pinned one; the
            socket is closed.
        ssl.SSLError: the TLS handshake failed.
        OSError: the server cannot be reached.
    """
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        if not tls:
            return sock
        # Self-signed certificates: no host name to check (see
        # client_context); the pin below is what makes it trustworthy.
        tls_sock = client_context().wrap_socket(sock)
    except BaseException:
        sock.close()
        raise
    try:
        check = check_pin(tls_sock.getpeercert(binary_form=True), pinned)
    except ValueError as error:  # no certificate, or an unreadable pin
        tls_sock.close()
        raise ssl.SSLError(str(error)) from None
    if not check.trusted:
        tls_sock.close()
        raise _Untrusted(check)
    return tls_sock


class Connection(QObject):
    """One TCP connection at a time to a Besedka server, run in a worker thread.

    Signals carry the serial number of the connection they concern, which
    :meth:`open` returned.

    Signals:
        opened(serial): the connection is up (for TLS: the handshake is done
            and the certificate is the pinned one).
        frames_received(serial, frames): decoded frame objects, in order.
        failed(serial, reason): the server could not be reached at all.
        tls_failed(serial, TlsFailure): the TLS handshake failed (for
            instance because the server does not speak TLS).
        certificate_untrusted(serial, PinCheck): the handshake worked but the
            certificate is not the pinned one (``FIRST_USE`` or ``CHANGED``);
            the connection was closed before anything was sent.
        closed(serial, reason): an open connection ended (not by :meth:`close`).
    """

    opened = pyqtSignal(int)
    frames_received = pyqtSignal(int, list)
    failed = pyqtSignal(int, str)
    tls_failed = pyqtSignal(int, object)
    certificate_untrusted = pyqtSignal(int, object)
    closed = pyqtSignal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self._commands: queue.SimpleQueue[_Command] = queue.SimpleQueue()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._wake_writer.setblocking(False)
        self._next_serial = 0
        # Owned by the worker thread only:
        self._sock: socket.socket | None = None
        self._serial = 0
        self._decoder = FrameDecoder(MAX_SERVER_FRAME_BYTES)
        self._outgoing = bytearray()

    # ------------------------------------------------------------------
    # Called from any thread (normally the GUI thread).

    def open(self, host: str, port: int, *, tls: bool = True,
             pinned: str | None = None) -> int:
        """Drop any current connection and connect to ``host:port``.

        Args:
            tls: speak TLS (the default); False for a ``--no-tls`` server.
            pinned: the fingerprint trusted for this server, if any; a TLS
                connection is only :attr:`opened` when the certificate has it.

        Returns:
            The serial number that the signals about this connection carry.
        """
        self._next_serial += 1
        self._post(_Open(self._next_serial, host, port, tls, pinned))
        return self._next_serial

    def send_frame(self, serial: int, frame: dict[str, Any]) -> None:
        """Queue one frame for connection ``serial`` (dropped if it is gone)."""
        self._post(_Send(serial, encode_frame(frame)))

    def close(self, serial: int, *, farewell: int | None = None) -> None:
        """Close connection ``serial`` without emitting :attr:`closed`.

        Args:
            farewell: the id of the last request queued, which says goodbye
                (``logout``): send it and wait for its reply first (within
                :data:`FAREWELL_SECONDS`), so that the server sees a client
                leave instead of a connection vanish or reset.
        """
        self._post(_Close(serial, farewell))

    def stop(self) -> None:
        """Close everything and let :meth:`run` return."""
        self._post(_Stop())

    def _post(self, command: _Command) -> None:
        self._commands.put(command)
        try:
            self._wake_writer.send(b"\0")
        except BlockingIOError:
            pass  # the wake-up socket is full, so the worker is awake anyway
        except OSError:
            # The loop has ended (stopped, or failed and logged why); there
            # is nobody left to serve the command.
            log.debug("network loop gone; dropping %s", type(command).__name__)

    # ------------------------------------------------------------------
    # The worker thread.

    @pyqtSlot()
    def run(self) -> None:
        """Serve commands and the socket until :meth:`stop`.

        Nothing here may raise out of the loop: no caller could handle it,
        and a dead network thread would leave the window waiting forever.
        """
        try:
            while self._serve_once():
                pass
        except Exception:
            log.exception("network thread failed")
        finally:
            self._drop_socket()
            self._wake_reader.close()
            self._wake_writer.close()

    def _serve_once(self) -> bool:
        readers: list[socket.socket] = [self._wake_reader]
        writers: list[socket.socket] = []
        if self._sock is not None:
            readers.append(self._sock)
            if self._outgoing:
                writers.append(self._sock)
        readable, writable, _ = select.select(readers, writers, [])
        if self._wake_reader in readable:
            if not self._run_commands():
                return False
        if self._sock is not None:
            try:
                if self._sock in writable:
                    self._write()
                if self._sock in readable:
                    self._read()
            except _Closed as reason:
                self._lose_connection(str(reason))
            except Exception as error:
                # A bug in handling one connection must not end the loop
                # (the GUI would wait forever); that connection is lost.
                log.exception("connection %d failed", self._serial)
                self._lose_connection(repr(error))
        return True

    def _lose_connection(self, reason: str) -> None:
        serial = self._serial
        self._drop_socket()
        log.info("connection %d closed: %s", serial, reason)
        self.closed.emit(serial, reason)

    def _run_commands(self) -> bool:
        try:
            while self._wake_reader.recv(4096):
                pass
        except BlockingIOError:
            pass
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return True
            if isinstance(command, _Stop):
                return False
            if isinstance(command, _Open):
                self._drop_socket()
                self._connect(command)
            elif command.serial == self._serial and self._sock is not None:
                if isinstance(command, _Send):
                    self._outgoing += command.data
                else:
                    if command.farewell is not None:
                        self._say_farewell(self._sock, command.farewell)
                    self._drop_socket()

    def _connect(self, command: _Open) -> None:
        try:
            sock = self._open_socket(command)
        except _Untrusted as untrusted:
            log.info("certificate of %s:%d not trusted: %s", command.host, command.port,
                     untrusted.check.verdict.value)
            self.certificate_untrusted.emit(command.serial, untrusted.check)
            return
        except ssl.SSLError as error:
            # Before OSError: SSLError is one.
            log.info("TLS handshake with %s:%d failed: %s", command.host, command.port, error)
            self.tls_failed.emit(command.serial, explain_tls_failure(error))
            return
        except OSError as error:
            log.info("cannot reach %s:%d: %s", command.host, command.port, error)
            self.failed.emit(command.serial, error.strerror or str(error))
            return
        sock.setblocking(False)
        self._sock = sock
        self._serial = command.serial
        self._decoder = FrameDecoder(MAX_SERVER_FRAME_BYTES)
        self._outgoing.clear()
        self.opened.emit(command.serial)

    def _open_socket(self, command: _Open) -> socket.socket:
        """Create the connected socket: the one place a transport is chosen.

        For TLS the handshake runs here, blocking but bounded by the connect
        timeout, and the certificate is checked against the pin before the
        socket is returned.  Everything else only calls ``recv``/``send`` on
        what this returns (for TLS, :meth:`_read` also drains
        ``SSLSocket.pending()``, since ``select()`` cannot see bytes OpenSSL
        has already decrypted).

        Raises:
            _Untrusted: the certificate is not the pinned one; the socket is
                closed.
            ssl.SSLError: the TLS handshake failed.
            OSError: the server cannot be reached.
        """
        return open_checked_socket(command.host, command.port, tls=command.tls,
                                   pinned=command.pinned)

    def _read(self) -> None:
        assert self._sock is not None
        try:
            data = self._sock.recv(_RECV_BYTES)
        except (BlockingIOError, InterruptedError, ssl.SSLWantReadError,
                ssl.SSLWantWriteError):
            # For TLS: select() saw part of a record, or OpenSSL wants to
            # write first (it will, on the next round).
            return
        except OSError as error:
            raise _Closed(error.strerror or str(error)) from None
        if not data:
            raise _Closed("the server closed the connection")
        if isinstance(self._sock, ssl.SSLSocket):
            data += self._drain_decrypted(self._sock)
        try:
            chunks = self._decoder.feed(data)
        except ProtocolError as error:
            raise _Closed(error.message) from None
        frames: list[dict[str, Any]] = []
        for chunk in chunks:
            try:
                frames.append(decode_json_object(chunk))
            except ProtocolError as error:
                # A server bug should not cost the user the connection.
                log.warning("ignoring a malformed frame: %s", error.message)
        if frames:
            self.frames_received.emit(self._serial, frames)

    @staticmethod
    def _drain_decrypted(sock: ssl.SSLSocket) -> bytes:
        """Bytes OpenSSL has decrypted already, which select() cannot see."""
        more = bytearray()
        while sock.pending():
            try:
                chunk = sock.recv(sock.pending())
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                break
            if not chunk:
                break
            more += chunk
        return bytes(more)

    def _write(self) -> None:
        assert self._sock is not None
        try:
            sent = self._sock.send(bytes(self._outgoing[:_SEND_BYTES]))
        except (BlockingIOError, InterruptedError, ssl.SSLWantReadError,
                ssl.SSLWantWriteError):
            return
        except OSError as error:
            if error.errno == errno.EPIPE:
                raise _Closed("the server closed the connection") from None
            raise _Closed(error.strerror or str(error)) from None
        del self._outgoing[:sent]

    def _say_farewell(self, sock: socket.socket, reply_to: int) -> None:
        """Send what is queued, then read until the reply to request
        ``reply_to`` (the logout) has come.

        Without this the logout may never leave, and closing a socket with
        unread bytes makes the kernel reset the connection: the server
        would see a client vanish, not leave.  After the logout's reply the
        server sends this connection nothing more, so closing then leaves
        nothing unread.  Frames read here are dropped: the session is over.
        Blocking is bounded by :data:`FAREWELL_SECONDS`.
        """
        deadline = time.monotonic() + FAREWELL_SECONDS
        try:
            sock.settimeout(FAREWELL_SECONDS)
            while self._outgoing:
                del self._outgoing[:sock.send(bytes(self._outgoing[:_SEND_BYTES]))]
            while (remaining := deadline - time.monotonic()) > 0:
                sock.settimeout(remaining)
                data = sock.recv(_RECV_BYTES)
                if not data:
                    return  # the server hung up first
                for chunk in self._decoder.feed(data):
                    if decode_json_object(chunk).get("re") == reply_to:
                        return
        except (OSError, ProtocolError) as error:  # timed out, reset, TLS or frame trouble
            log.debug("farewell on connection %d cut short: %s", self._serial, error)

    def _drop_socket(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
            self._sock = None
        self._outgoing.clear()


class NetworkThread(QThread):
    """The thread that owns a :class:`Connection` for the client's lifetime.

    The connection object is moved into the thread and its loop starts with
    the thread; :meth:`shut_down` ends both and waits, so no Qt object is
    destroyed while its thread still runs.
    """

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.setObjectName("besedka-network")
        self.connection = connection
        connection.moveToThread(self)
        self.started.connect(connection.run)

    def shut_down(self) -> None:
        """Stop the connection loop and wait for the thread to end."""
        self.connection.stop()
        self.quit()
        if not self.wait(10_000):
            log.error("the network thread did not stop")
