"""What a connection owes its client: frames queued, written, and bounded.

The output side of :class:`server.connection.ClientConnection`, which is a
:class:`ConnectionOutput`: the connection reads requests and keeps their
replies in order, and everything it writes, replies and events alike, goes
through here.  Apart because its rules are its own, about the client's
reading rather than its requests:

* **One write per connection and loop step.**  One group commit completes
  many sends in the same event-loop step; events and replies queued in it
  (:meth:`ConnectionOutput.write_soon`) leave in one write at the start of
  the next, all connections' by one callback (:class:`_OutputFlusher`), and
  nothing ever overtakes what was queued before it.
* **A client that never reads cannot make the server's memory grow**
  (PROTOCOL.md, flow control): once more than 8 MiB wait unsent the
  connection is dropped.  (Its reading stops earlier, above
  :data:`WRITE_HIGH_WATER`: that is the connection's part.)
* **Bounded in time and in total too** (:mod:`server.registry` enforces
  both, this class measures): a connection whose output makes no progress
  for the stall timeout is aborted, and so are the biggest holders when all
  connections together hold more than the server's budget (issue 12).
  Aborted, not closed: closing politely waits for the unsent bytes to
  leave, which they never do if the client never reads.

This is the fan-out path: every delivered frame passes through
:meth:`~ConnectionOutput.write_soon` and the flusher, so they are methods of
the connection itself (a base class, not an object it holds), with no
extra attribute lookup or call per frame.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref

from protocol import limits

__all__ = ["ConnectionOutput", "OUTPUT_REPORT_STEP", "WRITE_HIGH_WATER"]

#: The write buffer size above which the connection stops reading requests.
WRITE_HIGH_WATER = 256 * 1024
#: While over the high-water mark, a connection reports its unsent bytes to
#: the server's budget each time they grow by this much.
OUTPUT_REPORT_STEP = 1024 * 1024
#: How long a client gets to read a final error (``frame_too_large``, a
#: refusal) before we hang up.
CLOSE_GRACE_SECONDS = 1.0


class _OutputFlusher:
    """Writes what the connections queued in one event-loop step, all in one callback.

    :meth:`ConnectionOutput.write_soon` queues frames to be written together
    at the start of the next step; one commit queues them for many
    connections (in pairs, a reply and an event per message, each on its
    own connection), and one callback per connection and commit was as
    many ``call_soon`` handles and calls (bench/README.md, issue 20's fourth
    session).  One per event loop, shared by its connections.
    """

    __slots__ = ("_due",)

    def __init__(self) -> None:
        # (No reference to the loop: the loop is the key it is kept under,
        # weakly, in _flushers.)
        self._due: list[ConnectionOutput] = []

    def add(self, connection: ConnectionOutput) -> None:
        """Flush ``connection``'s queued frames with the others of this step."""
        if not self._due:
            asyncio.get_running_loop().call_soon(self._flush)
        self._due.append(connection)

    def _flush(self) -> None:
        # A connection queued while these are written waits for the next
        # callback (add() schedules it on the fresh list).
        due, self._due = self._due, []
        for connection in due:
            # One connection's failure must not leave the others' frames
            # unwritten: logged, as the loop logged a failed callback of
            # its own before.
            try:
                connection._flush_queued()
            except Exception:  # noqa: BLE001 - the other connections go on
                connection.log.exception("failure while writing queued frames")


#: Each event loop's flusher (a test may run several loops one after another).
_flushers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _OutputFlusher] = (
    weakref.WeakKeyDictionary())


def _flusher_of(loop: asyncio.AbstractEventLoop) -> _OutputFlusher:
    flusher = _flushers.get(loop)
    if flusher is None:
        flusher = _flushers[loop] = _OutputFlusher()
    return flusher


class ConnectionOutput:
    """A connection's output: frames queued in a loop step and written
    together, the limit on what waits unsent, the measures the registry's
    stall and budget checks read, and the ways the output ends (close,
    abort, a final error and a hang-up).

    A base class of :class:`server.connection.ClientConnection`, which
    sets :attr:`transport` when the connection is made, sets
    :attr:`_writing_paused` from the transport's ``pause_writing`` and
    ``resume_writing``, and says to whom unsent bytes are reported
    (:meth:`_report_unsent`).
    """

    #: the connection's transport, once made
    transport: asyncio.Transport | None
    #: the connection's log (the peer and the user on every line)
    log: logging.LoggerAdapter[logging.Logger]

    def __init__(self) -> None:
        self.transport = None
        # Closing, aborted, lost or handed over: nothing more is written
        # (and the connection reads nothing more).
        self._closing = False
        self._output_closed = False  # after write_eof(), write() would raise
        self._writing_paused = False  # the transport's buffer is above its high-water mark
        # Bytes of the latest reply that may still wait unsent; they do not
        # count against MAX_PENDING_OUTPUT_BYTES (see write()).
        self._reply_allowance = 0
        # Frames queued in this event-loop step, written together in the
        # next one (see write_soon()).
        self._queued: list[bytes | memoryview] = []
        self._queued_bytes = 0
        self._flush_scheduled = False
        self._flusher = _flusher_of(asyncio.get_running_loop())
        # Bytes handed to the transport so far: with its buffer's size,
        # how much has left (see output_stalled_since()).
        self._written_total = 0
        self._output_left_mark = 0
        self._output_moved_at = time.monotonic()
        self._reported_unsent = 0  # what _report_unsent() last told of

    def write(self, data: bytes, *, reply: bool = False) -> None:
        """Queue bytes for the client; drop the connection if it stopped reading.

        Frames queued with :meth:`write_soon` go first, so that everything
        leaves in the order it was queued.

        Args:
            data: encoded frames.
            reply: whether ``data`` answers the client's own request.  A
                reply may alone be larger than the 8 MiB limit (a full
                ``sync`` page of long messages), and replies cannot pile up:
                no further request is read while they wait.  So the latest
                reply does not count against the limit, only the events
                waiting beside it do.
        """
        if self._queued:
            self._write_queued()
        self._write_now(data, reply)

    def write_soon(self, data: bytes | memoryview) -> None:
        """Queue frames, to be written with the others of this loop step.

        One group commit completes many sends in the same event-loop step,
        and writing each delivery on its own costs every connection one
        ``send()`` system call per message: in a busy room that was the
        server's largest cost (bench/README.md, profile).  Events and the
        replies to sends queued in one step leave in one write at the start
        of the next; :meth:`write` and :meth:`close` send them first, so the
        order never changes.  What waits here counts against the 8 MiB
        limit like unsent bytes.
        """
        transport = self.transport
        if transport is None or self._closing or self._output_closed or transport.is_closing():
            return
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._flusher.add(self)
        self._queued.append(data)
        self._queued_bytes += len(data)
        waiting = transport.get_write_buffer_size() + self._queued_bytes
        if waiting - self._reply_allowance > limits.MAX_PENDING_OUTPUT_BYTES:
            self._too_much_unsent()

    def _flush_queued(self) -> None:
        self._flush_scheduled = False
        if self._queued:
            self._write_queued()

    def _write_queued(self) -> None:
        queued = self._queued
        data = queued[0] if len(queued) == 1 else b"".join(queued)
        self._queued = []
        self._queued_bytes = 0
        self._write_now(data, False)

    def _write_now(self, data: bytes | memoryview, reply: bool) -> None:
        transport = self.transport
        if transport is None or self._closing or self._output_closed or transport.is_closing():
            return
        transport.write(data)
        self._written_total += len(data)
        pending = transport.get_write_buffer_size()
        if reply:
            self._reply_allowance = min(len(data), pending)
        if pending - self._reply_allowance > limits.MAX_PENDING_OUTPUT_BYTES:
            self._too_much_unsent()
        elif self._writing_paused and pending >= self._reported_unsent + OUTPUT_REPORT_STEP:
            self._report_unsent()

    def _report_unsent(self) -> None:
        """Tell the server's budget how much waits unsent (the connection's
        handler: :meth:`server.connection.RequestHandler.output_held`)."""
        raise NotImplementedError

    @property
    def unsent_bytes(self) -> int:
        """Bytes written for the client that have not left yet, replies included."""
        transport = self.transport
        if transport is None:
            return 0
        return transport.get_write_buffer_size() + self._queued_bytes

    def output_stalled_since(self, now: float) -> float | None:
        """Since when none of the output waiting for the client has left (None:
        nothing waits, or some left since the last call).

        Called about once a second (:meth:`server.registry.ConnectionRegistry.sweep`):
        what left is what was written minus what still waits, so any change
        of it since the previous call is progress.  (Over TLS the buffer
        holds both plaintext and ciphertext, so that figure moves either
        way as records are made; it only stands still when nothing moves.)
        """
        transport = self.transport
        waiting = 0 if transport is None else transport.get_write_buffer_size()
        left = self._written_total - waiting
        if waiting == 0 or left != self._output_left_mark:
            self._output_left_mark = left
            self._output_moved_at = now
            return None
        return self._output_moved_at

    def _too_much_unsent(self) -> None:
        self.log.warning(
            "over %d bytes wait unsent; the client is not reading, closing",
            limits.MAX_PENDING_OUTPUT_BYTES,
        )
        self.abort()

    def _send_error_and_hang_up(self, data: bytes) -> None:
        """Send a final error, stop sending, and close after a grace period.

        Closing at once while the client is still sending would make the
        kernel answer with a reset, which can destroy the error before the
        client reads it; half-closing and reading (and discarding: the
        connection's part) for a moment lets it arrive.
        """
        if self.transport is None or self._closing:
            return
        self.write(data)
        self._output_closed = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        asyncio.get_running_loop().call_later(CLOSE_GRACE_SECONDS, self.close)

    def close(self) -> None:
        """Close after the queued bytes are sent.

        If the client never reads them, the connection stays until the
        registry finds its output stalled and aborts it.
        """
        if self.transport is not None and not self.transport.is_closing():
            if self._queued:
                self._write_queued()
            self.transport.close()

    def close_or_abort(self) -> None:
        """Close; abort instead if anything waits unsent for the client.

        For a connection being timed out: it has sent nothing for a long
        time, so what waits for it is what it has not read, and closing
        politely would keep those bytes until it does.
        """
        if self.unsent_bytes:
            self.abort()
        else:
            self.close()

    def abort(self) -> None:
        """Close at once, discarding whatever waits unsent."""
        self._closing = True
        self._queued = []
        self._queued_bytes = 0
        if self.transport is not None:
            self.transport.abort()
