"""TLS for the server's connections, done here on memory BIOs instead of by
the event loop.

``loop.connect_accepted_socket(ssl=...)`` (asyncio's or uvloop's SSL
protocol) hid two costs that issue 12 found:

* **Unsent bytes out of sight.**  It encrypts whatever the connection
  writes and pushes the whole ciphertext into the TCP transport below, whose
  buffer the connection cannot see: ``get_write_buffer_size()`` counts only
  what waits *above* the TCP transport.  A client that asked for a 16 MB
  ``sync`` and stopped reading looked as if it held nothing, so the limits
  on unsent bytes never applied, and the connection went on reading
  requests and piling up replies: 15 such clients held 600 MiB.
* **Memory per idle connection**: about 45 KiB with TLS against 7 KiB
  without, most of it the SSL protocol's own read buffer and objects.

:class:`TlsServerProtocol` sits on the plain TCP transport and speaks TLS
with an :class:`ssl.SSLObject` on two :class:`ssl.MemoryBIO` (the sans-I/O
way, as the ``ssl`` module documents it).  It hands the connection a
:class:`TlsTransport` whose buffer *is* the TCP transport's, so flow
control, the stall timeout and the budget of unsent bytes see every byte,
and it keeps nothing of its own between reads.  Writes are encrypted in
slices as they come, so a large reply is never held as plaintext and
ciphertext at once.

What an idle TLS connection still costs is OpenSSL's (bench/README.md,
"Issue 12, item 8"): its connection object and the state a finished
handshake leaves (15 KiB together, which the ``ssl`` module offers no way
to shrink), and the memory BIOs, which keep the largest size they ever
held: hence bytes go through them :data:`_BIO_SLICE` at a time.  A
connection that carries a file's bytes (:mod:`server.transfer`) lives only
for that file and is one of few: it asks for :meth:`TlsTransport.bulk`,
larger slices that cost less CPU per byte (issue 17).

A client that starts a handshake and does not finish it within the
handshake timeout is dropped, as the loop's ``ssl_handshake_timeout`` did.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from typing import Any, cast

__all__ = ["TlsServerProtocol", "TlsTransport"]

log = logging.getLogger("besedka.server.tls")

#: Bytes passed through either memory BIO at a time.  OpenSSL's memory BIO
#: keeps the largest size it ever held (its buffer grows by a third more
#: than asked and never shrinks), so what one write into it holds stays
#: with the connection for as long as it lives: with 256 KiB slices, every
#: idle connection kept the ciphertext of its login reply (the roster),
#: 40 KiB with 1,000 users online (bench/README.md, issue 12 item 8).  At
#: 4 KiB a BIO keeps at most 5.5 KiB, for 0.3 ms more CPU per MB each way.
_BIO_SLICE = 4 * 1024
#: Ciphertext gathered before it goes down to the TCP transport: one write
#: there per this much, not one per slice.
_WRITE_BATCH = 256 * 1024
#: The most plaintext taken out of the TLS layer per read call: one TLS
#: record's worth, so that the buffer ``read`` allocates stays on the heap.
_READ_SIZE = 16 * 1024
#: The slice, batch and read size of a bulk (file transfer) connection:
#: four TLS records at a time, and below glibc's 128 KiB mmap threshold, so
#: that no buffer is a fresh mmap with its page faults (issue 17's profile
#: found one per 256 KiB batch); its BIOs then keep about 90 KiB each.
_BULK = 64 * 1024


class TlsTransport(asyncio.Transport):
    """What the connection sees of a TLS connection: the TCP transport below,
    with writes encrypted on their way down.

    Everything about buffers and reading (sizes, limits, pausing) is the
    TCP transport's own, since nothing is kept here.
    """

    def __init__(self, layer: TlsServerProtocol, raw: asyncio.Transport) -> None:
        super().__init__()
        self._layer = layer
        self._raw = raw

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        if name == "ssl_object":
            return self._layer.ssl_object
        if name == "peercert":
            return self._layer.ssl_object.getpeercert()
        if name == "cipher":
            return self._layer.ssl_object.cipher()
        return self._raw.get_extra_info(name, default)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._layer.write(data)

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self._layer.write(data)

    def can_write_eof(self) -> bool:
        return False  # TLS has no half-close

    def write_eof(self) -> None:
        raise NotImplementedError("TLS connections cannot be half-closed")

    def get_write_buffer_size(self) -> int:
        return self._raw.get_write_buffer_size()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._raw.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._raw.set_write_buffer_limits(high, low)

    def is_reading(self) -> bool:
        return self._raw.is_reading()

    def pause_reading(self) -> None:
        self._raw.pause_reading()

    def resume_reading(self) -> None:
        self._raw.resume_reading()

    def is_closing(self) -> bool:
        return self._raw.is_closing()

    def close(self) -> None:
        self._layer.close()

    def abort(self) -> None:
        self._raw.abort()

    def bulk(self) -> None:
        """This connection carries a file's bytes from now on: larger
        slices (see :data:`_BULK`)."""
        self._layer.bulk()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._layer.app = cast(asyncio.Protocol, protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        app = self._layer.app
        assert app is not None
        return app


class TlsServerProtocol(asyncio.Protocol):
    """The server's end of one TLS connection, on a plain TCP transport.

    Args:
        context: the server's SSL context (certificate and key loaded).
        app_factory: makes the connection's protocol once the handshake is done.
        handshake_timeout: seconds a client has to finish its handshake.
        peer: the client's address, for the log.
        on_handshake_failed: told of each failed handshake with its reason
            (the listener summarises a flood of them); by default logged.
    """

    def __init__(self, context: ssl.SSLContext, app_factory: Callable[[], asyncio.Protocol],
                 handshake_timeout: float, peer: str,
                 on_handshake_failed: Callable[[str, str], None] | None = None) -> None:
        self._context = context
        self._app_factory = app_factory
        self._handshake_timeout = handshake_timeout
        self._peer = peer
        self._on_handshake_failed = on_handshake_failed
        self._raw: asyncio.Transport | None = None
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self.ssl_object = context.wrap_bio(self._incoming, self._outgoing, server_side=True)
        self._timer: asyncio.TimerHandle | None = None
        self._transport: TlsTransport | None = None
        #: the connection's protocol, once the handshake is done
        self.app: asyncio.Protocol | None = None
        self._closing = False
        # Sizes, larger for a bulk connection (bulk()).
        self._slice = _BIO_SLICE
        self._batch = _WRITE_BATCH
        self._read_size = _READ_SIZE
        #: settles when the handshake succeeds (True) or fails (False)
        self.handshake_done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    # ------------------------------------------------------------------
    # The TCP transport's callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # (uvloop's transports act as asyncio.Transport without subclassing it.)
        self._raw = cast(asyncio.Transport, transport)
        self._timer = asyncio.get_running_loop().call_later(
            self._handshake_timeout, self._handshake_timed_out)

    def data_received(self, data: bytes) -> None:
        # Fed to OpenSSL a slice at a time (see _BIO_SLICE); the handshake
        # may end within any slice, and what follows it is application data.
        view = memoryview(data)
        start = 0
        while self.app is None:
            if start >= len(view) or self._raw is None or self._raw.is_closing():
                return  # the handshake goes on, or it failed
            self._incoming.write(view[start:start + _BIO_SLICE])
            start += _BIO_SLICE
            self._continue_handshake()
        # Also when nothing is left of ``view``: the client's Finished may
        # have come with application data, which is in the BIO already.
        self._read_plaintext(view[start:])

    def eof_received(self) -> bool | None:
        # The client closed its side without close_notify (or after it):
        # what it sent is all there will be.
        if self.app is not None:
            self.app.eof_received()
        return False  # close: TLS cannot go on half-closed

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.app is not None:
            self.app.connection_lost(exc)
        elif not self.handshake_done.done():
            self._handshake_failed("the client left during the handshake")

    def pause_writing(self) -> None:
        if self.app is not None:
            self.app.pause_writing()

    def resume_writing(self) -> None:
        if self.app is not None:
            self.app.resume_writing()

    # ------------------------------------------------------------------
    # TLS

    def _continue_handshake(self) -> None:
        assert self._raw is not None
        try:
            self.ssl_object.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except (ssl.SSLError, OSError) as error:
            self._flush()  # the alert, if OpenSSL made one
            self._handshake_failed(str(error) or type(error).__name__)
            self._raw.close()
            return
        self._flush()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._transport = TlsTransport(self, self._raw)
        self.app = self._app_factory()
        self.handshake_done.set_result(True)
        self.app.connection_made(self._transport)

    def _handshake_timed_out(self) -> None:
        self._timer = None
        if self.app is None and self._raw is not None:
            self._handshake_failed(f"not finished within {self._handshake_timeout:g} s")
            self._raw.abort()

    def _handshake_failed(self, reason: str) -> None:
        if not self.handshake_done.done():
            self.handshake_done.set_result(False)
        if self._on_handshake_failed is not None:
            self._on_handshake_failed(self._peer, reason)
        else:
            log.info("[%s] TLS handshake failed: %s", self._peer, reason)

    def _read_plaintext(self, view: memoryview) -> None:
        """Pass on whatever plaintext the bytes received complete: those
        already in the incoming BIO, then ``view``, a slice at a time."""
        assert self._raw is not None and self.app is not None
        chunks: list[bytes] = []
        ended = False
        start = 0
        while not ended:
            try:
                while True:
                    chunk = self.ssl_object.read(self._read_size)
                    if not chunk:
                        ended = True
                        break
                    chunks.append(chunk)
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLZeroReturnError:  # close_notify: the client is done
                ended = True
            except (ssl.SSLError, OSError) as error:
                log.info("[%s] TLS failure: %s", self._peer, error)
                self._raw.abort()
                return
            if start >= len(view):
                break
            self._incoming.write(view[start:start + self._slice])
            start += self._slice
        # TLS 1.3 may answer while reading (a key update): send it.
        self._flush()
        for chunk in chunks:
            # One by one, not joined (a fresh mmap when large); self.app
            # each time: the first chunk may hand the connection over to a
            # transfer, which takes the rest.
            self.app.data_received(chunk)
        if ended and not self._raw.is_closing():
            self.app.eof_received()
            self.close()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Encrypt and send, a slice at a time (see the module docstring and
        :data:`_BIO_SLICE`)."""
        raw = self._raw
        if raw is None or self._closing or raw.is_closing():
            return
        view = memoryview(data)
        try:
            for batch in range(0, len(view), self._batch):
                pieces = []
                for start in range(batch, min(len(view), batch + self._batch), self._slice):
                    self.ssl_object.write(view[start:start + self._slice])
                    pieces.append(self._outgoing.read())
                raw.write(pieces[0] if len(pieces) == 1 else b"".join(pieces))
        except (ssl.SSLError, OSError) as error:
            log.info("[%s] TLS failure while writing: %s", self._peer, error)
            raw.abort()

    def bulk(self) -> None:
        """Larger slices from now on (see :data:`_BULK`)."""
        self._slice = self._batch = self._read_size = _BULK

    def _flush(self) -> None:
        if self._outgoing.pending and self._raw is not None and not self._raw.is_closing():
            self._raw.write(self._outgoing.read())

    def close(self) -> None:
        """Say close_notify, then close once what waits is sent."""
        raw = self._raw
        if raw is None or self._closing:
            return
        self._closing = True
        try:
            self.ssl_object.unwrap()
        except ssl.SSLWantReadError:
            pass  # the client's close_notify is not awaited
        except (ssl.SSLError, OSError):
            pass  # never finished the handshake, or already broken: just close
        self._flush()
        raw.close()
