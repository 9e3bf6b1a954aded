"""One client connection: bytes in, frames out, requests answered in order.

:class:`ClientConnection` is an :class:`asyncio.Protocol`: the event loop
calls it with bytes, it feeds them to the sans-I/O decoder from
:mod:`protocol` and queues the frames.  Replies leave in the order requests
came, but requests need not wait for each other's answers:

* a ``send`` is checked and handed to the group-commit writer at once, in
  the same call (:meth:`ClientConnection._pump`), with a :class:`ReplySlot`
  holding its reply's place; a client with ten messages unacknowledged has
  them committed together, not in ten commits one after another;
* any other request (a login, a history page) gets a short-lived task, which
  first waits for the replies before it, so that it sees the effects of the
  sends before it; the queue waits behind it.

An idle connection has no task at all, which keeps thousands of them cheap,
and a busy one creates none for its sends.

A connection whose first frame starts a file transfer (``put``, ``get``:
PROTOCOL-2.md, "Files") is handed over whole: the handler names the
protocol that takes the transport over (:meth:`RequestHandler.hand_over`),
and the bytes that followed the frame, which are a file's and not frames,
go to it unsplit.

Flow control, as PROTOCOL.md asks:

* while the transport's write buffer is above its high-water mark (the
  client is not reading our replies), we stop reading its requests;
* the inbox of parsed-but-unanswered frames is bounded the same way, by
  pausing reads while it is full.

What the connection writes, and the limits on what waits unsent (8 MiB,
the stall timeout, the server's budget), are its output's:
:class:`server.output.ConnectionOutput`, its base class.  This module is
the connection's input and its life: framing, the order of replies, the
hand-over of a transfer, opening and closing.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections import deque
from collections.abc import Awaitable, Coroutine, MutableMapping
from typing import Any, Generic, Protocol, TypeVar, cast

from protocol import limits
from protocol.errors import FrameTooLargeError, RequestError
from protocol.replies import error_reply
from protocol.framing import FrameDecoder, encode_frame

from .output import WRITE_HIGH_WATER, ConnectionOutput

__all__ = ["ClientConnection", "Handover", "LoggedIn", "ReplySlot", "RequestHandler"]

log = logging.getLogger("besedka.server.conn")

#: Parsed frames a connection may have waiting for an answer before we stop
#: reading from it.
MAX_INBOX_FRAMES = 64
#: ...and their bytes: 64 frames of 64 KB would hold 4 MiB per connection
#: (issue 12: connections that pipeline large pings and never read).
MAX_INBOX_BYTES = 256 * 1024
#: Replies a connection may owe at once (sends being committed) before it
#: stops taking requests from its inbox...
MAX_PENDING_REPLIES = 32
#: ...and the bytes of the requests they answer: long messages in flight
#: are held several times over (the request, the reply, the events), so a
#: client sending 16 KB messages gets fewer of them pipelined.
MAX_PENDING_REQUEST_BYTES = 64 * 1024
# Why reading is paused; several may hold at once, and reading resumes only
# when none does.
_PAUSED_INBOX_FULL = 1  # too many frames wait for an answer
_PAUSED_WRITE_BUFFER_FULL = 2  # our replies wait unsent: the client is not reading
_PAUSED_SHUTTING_DOWN = 4  # the server is stopping: no new requests


class LoggedIn(Protocol):
    """What a connection knows of its login: only the name, for its log lines."""

    @property
    def username(self) -> str: ...


S = TypeVar("S", bound=LoggedIn)


class Handover(Protocol):
    """A protocol that takes a connection over after its first frame (a transfer)."""

    def take_over(self, transport: asyncio.Transport, data: bytes) -> None:
        """Start serving ``transport``; ``data`` arrived after the first frame."""
        ...


class RequestHandler(Protocol[S]):
    """What a connection needs of the server behind it (server.dispatch.Dispatcher):
    the connection moves bytes and keeps replies in order, the handler knows
    what requests mean."""

    #: the encoded ``hello`` every new connection is sent first
    hello_frame: bytes

    def connection_opened(self, connection: ClientConnection[S]) -> bytes | None:
        """Take a new connection in; None, or the error frame to refuse it
        with (``b""``: drop it without a word)."""
        ...

    def output_held(self, connection: ClientConnection[S]) -> None:
        """The connection's unsent bytes went over the high-water mark, or grew
        by another step while over it (see :data:`server.output.OUTPUT_REPORT_STEP`)."""
        ...

    def connection_closed(self, connection: ClientConnection[S]) -> None: ...

    def hand_over(self, connection: ClientConnection[S], frame: bytes) -> Handover | None:
        """Whether a connection's first frame makes it something else: the
        protocol that takes it over (the connection is then forgotten as
        if closed), or None for a chat connection."""
        ...

    def answer(self, connection: ClientConnection[S],
               frame: bytes) -> Coroutine[Any, Any, bytes | None] | None:
        """Start answering a frame: None if answered (or its reply's place kept)
        at once, else a coroutine to run once the replies before it are
        written, which returns the encoded reply (None: already sent)."""
        ...


class ConnectionLog(logging.LoggerAdapter[logging.Logger]):
    """Prefixes every line with the peer address and, once known, the user."""

    def __init__(self, logger: logging.Logger, connection: ClientConnection[Any]) -> None:
        super().__init__(logger)
        self.connection = connection

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        connection = self.connection
        user = connection.session.username if connection.session else "-"
        return f"[{connection.peer} {user}] {msg}", kwargs


class ReplySlot:
    """A reply's place in a connection's order, reserved before the reply exists."""

    __slots__ = ("data", "cost")

    def __init__(self, cost: int) -> None:
        self.data: bytes | None = None
        #: the size of the request it answers, counted while it is owed
        self.cost = cost


class ClientConnection(ConnectionOutput, asyncio.Protocol, Generic[S]):
    """The server's side of one TCP connection.

    Generic in the type of its session, which only the handler knows: this
    module imports nothing of the features behind it.
    """

    def __init__(self, handler: RequestHandler[S]) -> None:
        super().__init__()  # the output's state (ConnectionOutput)
        self.handler = handler
        self.peer = "?"
        self.address = "?"
        self.decoder = FrameDecoder(limits.MAX_CLIENT_FRAME_BYTES)
        #: the login, set and cleared by the handler; None before login
        self.session: S | None = None
        self.log = ConnectionLog(log, self)
        self._inbox: deque[bytes] = deque()
        self._inbox_bytes = 0
        self._pumping = False
        # Replies owed, in request order; filled as answers arrive and
        # written from the front (see ReplySlot).
        self._replies: deque[ReplySlot] = deque()
        self._replies_cost = 0  # the sum of their costs
        self._replies_changed: asyncio.Future[None] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._reading_paused_for = 0  # the _PAUSED_* reasons in force, as bits
        self._draining_after_error = False
        self._fatal_error = b""
        self._eof = False
        self._first_frame = True  # until it is read: it may start a transfer
        #: Refused at once (the server is full): no login timeout, no hello.
        self.refused = False
        #: monotonic time of the last bytes received or of logging out/in.
        self.last_activity = time.monotonic()
        #: monotonic time the current unauthenticated period began.
        self.unauthenticated_since: float | None = self.last_activity
        self.closed = asyncio.get_running_loop().create_future()

    # ------------------------------------------------------------------
    # asyncio.Protocol callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # (uvloop's transports act as asyncio.Transport without subclassing it.)
        transport = cast(asyncio.Transport, transport)
        self.transport = transport
        peername = transport.get_extra_info("peername")
        if peername:
            self.address = str(peername[0])
            self.peer = f"{peername[0]}:{peername[1]}"
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            # Small frames must leave at once: Nagle's algorithm plus delayed
            # ACKs would add tens of milliseconds to every delivery.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        transport.set_write_buffer_limits(high=WRITE_HIGH_WATER)
        refusal = self.handler.connection_opened(self)
        if refusal is not None:
            self.refused = True
            self.unauthenticated_since = None
            if refusal:
                self._draining_after_error = True  # whatever it sends is read and dropped
                self._send_error_and_hang_up(refusal)
            else:
                self.abort()
            return
        self.log.info("connected")
        self.write(self.handler.hello_frame)

    def data_received(self, data: bytes) -> None:
        if self._draining_after_error:
            return  # read and discard, so closing does not reset the socket
        self.last_activity = time.monotonic()
        try:
            if self._first_frame:
                first = self._take_first_frame(data)
                if first is None:
                    return  # incomplete, or the connection was handed over
                frames = first
            else:
                frames = self.decoder.feed(data)
        except FrameTooLargeError as error:
            self._inbox.extend(self.decoder.pending)
            self._on_frame_too_large(error)
            return
        if not frames:
            return
        self._inbox.extend(frames)
        self._inbox_bytes += sum(map(len, frames))
        if len(self._inbox) >= MAX_INBOX_FRAMES or self._inbox_bytes >= MAX_INBOX_BYTES:
            self._pause_reading(_PAUSED_INBOX_FULL)
        self._pump()

    def _take_first_frame(self, data: bytes) -> list[bytes] | None:
        """The frames ``data`` completes, the first of them read on its own:
        None until it is complete, or once it handed the connection over.

        Raises:
            FrameTooLargeError: as :meth:`FrameDecoder.feed` does.
        """
        first = self.decoder.feed_first(data)
        if first is None:
            return None
        self._first_frame = False
        successor = self.handler.hand_over(self, first)
        if successor is not None:
            self._hand_over(successor)
            return None
        try:
            return [first, *self.decoder.feed(b"")]
        except FrameTooLargeError:
            self.decoder.pending.insert(0, first)
            raise

    def _hand_over(self, successor: Handover) -> None:
        """Give the transport, and the bytes after the first frame, to ``successor``."""
        transport = self.transport
        assert transport is not None
        self._closing = True  # this object writes and reads nothing more
        self.log.debug("handed over")
        try:
            self.handler.connection_closed(self)
        finally:
            if not self.closed.done():
                self.closed.set_result(None)
        transport.set_protocol(successor)  # type: ignore[arg-type]
        successor.take_over(transport, self.decoder.take_buffered())

    def eof_received(self) -> bool | None:
        # The client will send nothing more, but replies to what it sent
        # still go out: close only once the inbox is answered.
        self._eof = True
        self._pump()
        # TLS has no half-close: asyncio closes a TLS transport after EOF
        # whatever we return, and warns if we ask to keep it open.
        return None if self.transport and self.transport.get_extra_info("ssl_object") else True

    def connection_lost(self, exc: Exception | None) -> None:
        self._closing = True
        # A worker still answering is left to finish: a send being committed
        # must still be delivered to everyone else.  Its writes go nowhere.
        self._wake_reply_waiter()
        if not self.refused:
            self.log.info("disconnected%s", f" ({exc})" if exc else "")
        try:
            self.handler.connection_closed(self)
        finally:
            if not self.closed.done():
                self.closed.set_result(None)

    def pause_writing(self) -> None:
        self._writing_paused = True
        self._pause_reading(_PAUSED_WRITE_BUFFER_FULL)
        self._report_unsent()

    def resume_writing(self) -> None:
        self._reply_allowance = 0  # below the low-water mark: the reply has left
        self._reported_unsent = 0
        self._writing_paused = False
        self._resume_reading(_PAUSED_WRITE_BUFFER_FULL)
        self._pump()

    # ------------------------------------------------------------------
    # Reading and answering

    def _pause_reading(self, reason: int) -> None:
        if not self._reading_paused_for and self.transport and not self._closing:
            self.transport.pause_reading()
        self._reading_paused_for |= reason

    def _resume_reading(self, reason: int) -> None:
        was_paused = bool(self._reading_paused_for)
        self._reading_paused_for &= ~reason
        if was_paused and not self._reading_paused_for and self.transport and not self._closing:
            self.transport.resume_reading()

    @property
    def is_open(self) -> bool:
        """Whether the connection can still carry frames."""
        return self.transport is not None and not self._closing and not self.transport.is_closing()

    @property
    def reading_paused(self) -> bool:
        """Whether we stopped reading (so the client's silence is our doing)."""
        return bool(self._reading_paused_for)

    def _pump(self) -> None:
        """Take requests from the inbox while they can be answered without waiting.

        A ``send`` goes to the writer and its reply's place is kept
        (:meth:`reserve_reply`), so the next frame can be taken at once;
        a request the handler must await is handed to a task
        (:meth:`_work`), and the inbox waits until it is answered.  Called
        whenever that may have changed: bytes arrived, a reply was written,
        the client reads again, a task ended.  With nothing left to answer,
        it closes the connection if the client sent EOF or a frame too large.
        """
        if self._pumping or self._worker is not None or self._closing or self._output_closed:
            return
        self._pumping = True  # fill_reply() calls back here while we answer
        try:
            inbox = self._inbox
            while inbox:
                if (self._writing_paused or len(self._replies) >= MAX_PENDING_REPLIES
                        or self._replies_cost >= MAX_PENDING_REQUEST_BYTES):
                    return  # resume_writing() or fill_reply() pumps again
                frame = inbox.popleft()
                self._inbox_bytes -= len(frame)
                if (len(inbox) < MAX_INBOX_FRAMES // 2
                        and self._inbox_bytes < MAX_INBOX_BYTES // 2):
                    self._resume_reading(_PAUSED_INBOX_FULL)
                answer = self.handler.answer(self, frame)
                if answer is not None:
                    self._worker = asyncio.get_running_loop().create_task(self._work(answer))
                    return
                if self._closing:
                    return
        finally:
            self._pumping = False
        if self._replies:
            return  # fill_reply() pumps again once they are written
        if self._draining_after_error:
            self._send_error_and_hang_up(self._fatal_error)
        elif self._eof:
            self.close()

    async def _work(self, answer: Awaitable[bytes | None]) -> None:
        # One awaited request; the inbox waits behind it.  A task has no
        # caller to report to, so any failure is logged and answered here.
        try:
            await self._run_after_replies(answer)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the connection must survive anything
            self.log.exception("failure while answering a request")
            self.close()
        finally:
            self._worker = None
        self._pump()

    async def _run_after_replies(self, answer: Awaitable[bytes | None]) -> None:
        """Answer a request once every reply before it is written, so that it
        sees the effects of the sends before it (a history, a logout)."""
        while self._replies and not self._closing:
            await self._reply_written()
        if self._closing:
            if asyncio.iscoroutine(answer):
                answer.close()  # never started: nothing to undo
            return
        reply = await answer
        if reply is not None:
            self.write(reply, reply=True)

    # ------------------------------------------------------------------
    # Replies in request order

    def reserve_reply(self, cost: int = 0) -> ReplySlot:
        """Hold this request's place among the replies; fill it with :meth:`fill_reply`.

        Args:
            cost: the request's size, which counts against
                :data:`MAX_PENDING_REQUEST_BYTES` until the reply is written.
        """
        slot = ReplySlot(cost)
        self._replies.append(slot)
        self._replies_cost += cost
        return slot

    def fill_reply(self, slot: ReplySlot, data: bytes) -> None:
        """Give a reserved reply its bytes, and write every reply now due.

        Replies are queued like events (:meth:`write_soon`): the sends of
        one commit are answered in one write with the events beside them.
        """
        slot.data = data
        replies = self._replies
        if replies and replies[0].data is not None:
            while replies and replies[0].data is not None:
                done = replies.popleft()
                self._replies_cost -= done.cost
                self.write_soon(done.data)  # type: ignore[arg-type]
            self._wake_reply_waiter()
            self._pump()  # room for more sends, or the end of the inbox

    def reply_in_order(self, data: bytes) -> None:
        """Queue a reply that is ready now, behind the replies still owed."""
        self.fill_reply(self.reserve_reply(), data)

    def _reply_written(self) -> asyncio.Future[None]:
        """A future that completes when a reply was written or the connection closed."""
        if self._replies_changed is None:
            self._replies_changed = asyncio.get_running_loop().create_future()
        return self._replies_changed

    def _wake_reply_waiter(self) -> None:
        waiter, self._replies_changed = self._replies_changed, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _on_frame_too_large(self, error: FrameTooLargeError) -> None:
        self.log.warning("frame over %d bytes; closing", error.limit)
        self._draining_after_error = True
        self._fatal_error = encode_frame(error_reply(RequestError(error.code, error.message)))
        self._pump()

    # ------------------------------------------------------------------
    # What the output reports (the writing is ConnectionOutput's), and what
    # the server reads

    def _report_unsent(self) -> None:
        """Tell the handler how much waits unsent (see ConnectionOutput)."""
        if self._closing:
            return
        self._reported_unsent = self.unsent_bytes
        self.handler.output_held(self)

    @property
    def held_bytes(self) -> int:
        """What the connection holds in memory: its unsent output and the
        requests it sent that wait for an answer."""
        return self.unsent_bytes + self._inbox_bytes


    def stop_reading(self) -> None:
        """Read no more requests (server shutdown)."""
        self._pause_reading(_PAUSED_SHUTTING_DOWN)

    async def wait_idle(self) -> None:
        """Wait until the requests already received are answered."""
        while not self._closing and (self._worker is not None or self._inbox or self._replies):
            if self._worker is not None:
                await asyncio.wait({self._worker})
            else:
                await self._reply_written()
