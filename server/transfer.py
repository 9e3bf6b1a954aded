"""Transfer connections: the bytes of one upload or one download, streamed.

A connection whose first frame is ``put`` or ``get`` (PROTOCOL-2.md,
"Files") is handed over by :class:`~server.connection.ClientConnection` to
one of the protocols here, with the bytes that followed the frame.  From
then on it carries a file's raw bytes, not frames, and its flow control is
its own, not the chat connections' 8 MiB event limit:

* an upload (:class:`UploadReceiver`) holds at most
  :data:`RECEIVE_HIGH_WATER` bytes that are not yet on disk: past it, it
  stops reading the socket until the file threads have written them, so a
  client sending faster than the disk writes simply waits (TCP's window
  does the rest);
* a download (:class:`DownloadSender`) reads the next megabyte from disk
  only while the socket's buffer is below :data:`SEND_HIGH_WATER`
  (``pause_writing``/``resume_writing``): a slow reader gets the file at
  its own pace, and a reader that stops reading for the idle timeout is
  closed.

So memory stays flat whatever the size of the file, and the event loop
only moves buffers: writing, hashing and reading run in the file threads
(:meth:`server.files.Files.in_thread`), and no byte of a file passes
through the database's writer, whose commits go on undisturbed.

An upload is made durable before its ``ok`` in the order
:mod:`server.filestore` explains (written, flushed, checked, renamed); a
connection lost halfway keeps what arrived, and the next ``put`` for the
upload resumes from there.  Errors are answered with one ``error`` frame,
after which the connection reads (and drops) whatever still comes for a
moment, so that closing does not destroy the error with a reset.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import MutableMapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, cast

from db import files as stored
from protocol.errors import ErrorCode, ProtocolError, RequestError, RequestId
from protocol.files import GetStarted, Put, PutDone
from protocol.files import Get as GetRequest
from protocol.framing import encode_frame
from protocol.objects import FileInfo
from protocol.replies import error_reply
from protocol.requests import RawRequest

from .filestore import READ_CHUNK_BYTES, PartialUpload
from .tlslayer import TlsTransport

if TYPE_CHECKING:
    from .files import Files

__all__ = ["DownloadSender", "RECEIVE_HIGH_WATER", "SEND_HIGH_WATER", "Transfer",
           "UploadReceiver"]

log = logging.getLogger("besedka.server.transfer")

#: An upload stops reading the socket while this much waits to be written...
RECEIVE_HIGH_WATER: Final = 4 * 1024 * 1024
#: ...and reads again below this.
RECEIVE_LOW_WATER: Final = 1024 * 1024
#: Bytes gathered before the file threads are asked to write them...
WRITE_CHUNK_BYTES: Final = 1024 * 1024
#: ...unless fewer have waited this long (a slow client's bytes reach the
#: disk too, and so count for a resume after a crash).
WRITE_DELAY_SECONDS: Final = 0.05
#: A download reads no more from disk while its socket buffer holds this much.
SEND_HIGH_WATER: Final = 4 * 1024 * 1024
SEND_LOW_WATER: Final = 1024 * 1024
#: How long a refused transfer's client gets to read the error before we hang up.
ERROR_GRACE_SECONDS: Final = 1.0


class _Interrupted(Exception):
    """The client went away (or was superseded) before the transfer ended."""


class TransferLog(logging.LoggerAdapter[logging.Logger]):
    """Prefixes every line with the peer address and what is transferred."""

    def __init__(self, logger: logging.Logger, transfer: Transfer) -> None:
        super().__init__(logger)
        self.transfer = transfer

    def process(self, msg: Any,
                kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        return f"[{self.transfer.peer} {self.transfer.what}] {msg}", kwargs


class Transfer(asyncio.Protocol):
    """What both kinds of transfer share: taking the connection over, one
    task that runs the transfer, errors, and knowing when it stalled.

    Args:
        files: the feature (tokens, threads, database, store).
        peer: the client's address, for the log.
        raw: the first frame, fields not yet checked.
    """

    what = "transfer"

    def __init__(self, files: Files, peer: str, raw: RawRequest) -> None:
        self.files = files
        self.peer = peer
        self.raw = raw
        self.re: RequestId = raw.re
        self.log = TransferLog(log, self)
        self.transport: asyncio.Transport | None = None
        #: monotonic time bytes last moved (housekeeping closes a stalled one)
        self.last_progress = time.monotonic()
        #: completes when the transfer is over, whatever the outcome
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.lost = False
        self._refused = False
        self._task: asyncio.Task[None] | None = None

    def take_over(self, transport: asyncio.Transport, data: bytes) -> None:
        self.transport = transport
        if isinstance(transport, TlsTransport):
            transport.bulk()  # a file's bytes: larger TLS slices, less CPU per byte
        self.files.transfers.add(self)
        # Now, not in the task: bytes that arrive before the task starts
        # come after these.
        if data:
            self.data_received(data)
        self._task = asyncio.get_running_loop().create_task(self._guarded())

    async def _guarded(self) -> None:
        # The task has no caller to report to: it answers and logs here.
        try:
            await self.run()
        except RequestError as error:
            self.refuse(error)
        except _Interrupted as why:
            self.log.info("interrupted: %s", why)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the client is told, the server goes on
            self.log.exception("transfer failed")
            self.refuse(RequestError(ErrorCode.INTERNAL_ERROR,
                                     "the server failed; nothing was changed", self.re))
        finally:
            self.files.transfers.discard(self)
            if not self.done.done():
                self.done.set_result(None)

    async def run(self) -> None:
        """The transfer itself; raises RequestError to refuse it."""
        raise NotImplementedError

    def request_error(self, error: ProtocolError) -> RequestError:
        return RequestError.from_protocol_error(error, self.re)

    def refuse(self, error: RequestError) -> None:
        """Answer ``error``, then hang up once the client had a moment to read it."""
        transport = self.transport
        if transport is None or self.lost or transport.is_closing():
            return
        self.log.info("refused: %s %s", error.code.value, error.message)
        self._refused = True  # from now on, whatever arrives is dropped
        transport.resume_reading()
        transport.write(encode_frame(error_reply(error)))
        if transport.can_write_eof():
            transport.write_eof()
        asyncio.get_running_loop().call_later(ERROR_GRACE_SECONDS, transport.close)

    def reply(self, frame: dict[str, Any]) -> None:
        if self.transport is not None and not self.lost:
            self.transport.write(encode_frame(frame))

    def stalled(self, seconds: float) -> None:
        """Housekeeping found no progress for ``seconds``: close."""
        self.log.info("no progress for %g s; closing", seconds)
        self.abort()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    # asyncio.Protocol

    def eof_received(self) -> bool | None:
        if self._refused and self.transport is not None:
            self.transport.close()  # it read the error and left
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        # Still listed in files.transfers until its task ends: shutdown
        # waits for the disk work of every transfer, finished or not.
        self.lost = True


class UploadReceiver(Transfer):
    """Receives an upload's bytes after ``put``, writes them, checks them, stores them."""

    what = "put"

    def __init__(self, files: Files, peer: str, raw: RawRequest) -> None:
        super().__init__(files, peer, raw)
        self._chunks: list[bytes] = []
        self._buffered = 0  # bytes in _chunks
        self._wanted = 0  # bytes still to come from the client
        self._accepting = False  # set once the partial file is ready
        self._early: list[bytes] = []  # what came before that
        self._paused = False
        self._wake: asyncio.Future[None] | None = None
        self._flush: asyncio.TimerHandle | None = None  # writes what waits below a chunk
        self._flush_due = False

    def take_over(self, transport: asyncio.Transport, data: bytes) -> None:
        transport.pause_reading()  # until the upload is ready to take bytes
        super().take_over(transport, data)

    async def run(self) -> None:
        try:
            request = Put.from_fields(self.raw.fields)
        except ProtocolError as error:
            raise self.request_error(error) from None
        grant = self.files.tokens.use(request.upload, "upload")
        upload = None
        if grant is not None:
            upload_id = cast(int, grant.target)
            upload = await self.files.read(lambda conn: stored.get_upload(conn, upload_id))
        if upload is None:
            raise RequestError(ErrorCode.INVALID_TOKEN,
                               "this upload token is unknown or expired; ask again "
                               "with file_upload", self.re)
        self.what = f"put {upload.id}"
        previous = self.files.writers.get(upload.id)
        if previous is not None:
            # The client started again: its old connection is dead to it.
            previous.log.info("superseded by a new put")
            previous.abort()
            await previous.done
        if self.lost:
            raise _Interrupted("before it began")
        self.files.writers[upload.id] = self
        try:
            await self._receive(request, upload)
        finally:
            if self.files.writers.get(upload.id) is self:
                del self.files.writers[upload.id]

    async def _receive(self, request: Put, upload: stored.UploadRecord) -> None:
        files = self.files
        received = await files.in_thread(files.store.received, upload.id)
        if request.offset > received or request.offset > upload.size:
            raise RequestError(ErrorCode.BAD_REQUEST,
                               f"only {received} bytes of this upload are here; "
                               f"put from offset {received}", self.re,
                               {"offset": min(received, upload.size)})
        partial = await files.in_thread(files.store.resume, upload.id, request.offset)
        self.log.info("receiving %d bytes from offset %d", upload.size - request.offset,
                      request.offset)
        try:
            self._wanted = upload.size - request.offset
            self._accepting = True
            for early in self._early:
                self._accept(early)
            self._early.clear()
            if self.lost:
                raise _Interrupted("before any byte was written")
            self._resume()
            await self._write_all(partial)
        except BaseException:
            await files.in_thread(partial.close)
            files.note_received(upload.id, partial.size)
            raise
        digest = await files.in_thread(partial.finish)
        if digest != upload.sha256:
            await files.in_thread(files.store.discard, upload.id)
            await files.write(lambda conn: stored.drop_upload(conn, upload.id))
            files.tokens.revoke("upload", upload.id)
            raise RequestError(ErrorCode.HASH_MISMATCH,
                               "the bytes do not have the SHA-256 announced; the upload was "
                               "discarded", self.re)
        await files.in_thread(files.store.store, upload.id, upload.sha256)
        now = datetime.now(UTC)
        record = await files.write(lambda conn: stored.finish_upload(conn, upload.id, now))
        files.tokens.revoke("upload", upload.id)
        self.log.info("stored file %s (%d bytes)", record.id, record.size)
        self.reply(PutDone(FileInfo(record.id, record.name, record.size, record.mime))
                   .to_wire(self.re))
        if self.transport is not None:
            self.transport.close()

    async def _write_all(self, partial: PartialUpload) -> None:
        """Write what arrives until every byte is on disk (or the client left)."""
        while True:
            if self._chunks and (self._buffered >= WRITE_CHUNK_BYTES or self._wanted == 0
                                 or self.lost or self._flush_due):
                self._flush_due = False
                chunks, self._chunks = self._chunks, []
                size = self._buffered
                await self.files.in_thread(_append_all, partial, chunks)
                self._buffered -= size
                if self._paused and self._buffered < RECEIVE_LOW_WATER:
                    self._resume()
                continue
            if self._wanted == 0 and not self._chunks:
                return
            if self.lost:
                raise _Interrupted(f"after {partial.size} bytes")
            self._wake = asyncio.get_running_loop().create_future()
            await self._wake

    def _accept(self, data: bytes) -> None:
        if len(data) > self._wanted:
            data = data[:self._wanted]  # anything past the announced size is dropped
        if not data:
            return
        self._wanted -= len(data)
        self._chunks.append(data)
        self._buffered += len(data)
        if self._buffered >= RECEIVE_HIGH_WATER and not self._paused and self.transport:
            self._paused = True
            self.transport.pause_reading()
        if self._buffered >= WRITE_CHUNK_BYTES or self._wanted == 0:
            self._wake_writer()
        elif self._flush is None:
            self._flush = asyncio.get_running_loop().call_later(WRITE_DELAY_SECONDS,
                                                                self._flush_now)

    def _flush_now(self) -> None:
        self._flush = None
        self._flush_due = True
        self._wake_writer()

    def _resume(self) -> None:
        self._paused = False
        if self.transport is not None and not self.lost:
            self.transport.resume_reading()

    def _wake_writer(self) -> None:
        wake, self._wake = self._wake, None
        if wake is not None and not wake.done():
            wake.set_result(None)

    def stalled(self, seconds: float) -> None:
        if not self._paused:  # paused by us: the disk is the slow one, not the client
            super().stalled(seconds)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        self.last_progress = time.monotonic()
        if self._accepting:
            self._accept(data)
        else:
            self._early.append(data)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        self._wake_writer()


def _append_all(partial: PartialUpload, chunks: list[bytes]) -> None:
    """Write received chunks in order (in a file thread)."""
    for chunk in chunks:
        partial.append(chunk)


class DownloadSender(Transfer):
    """Sends a file's bytes after ``get``: its size, then the bytes from the offset."""

    what = "get"

    def __init__(self, files: Files, peer: str, raw: RawRequest) -> None:
        super().__init__(files, peer, raw)
        self._writable: asyncio.Future[None] | None = None
        self._paused = False

    async def run(self) -> None:
        # Whatever the client sends after ``get`` means nothing: dropped.
        try:
            request = GetRequest.from_fields(self.raw.fields)
        except ProtocolError as error:
            raise self.request_error(error) from None
        grant = self.files.tokens.use(request.token, "download")
        if grant is None:
            raise RequestError(ErrorCode.INVALID_TOKEN,
                               "this download token is unknown or expired; ask again "
                               "with file_download", self.re)
        file_id = cast(str, grant.target)
        self.what = f"get {file_id}"
        record = await self.files.read(lambda conn: stored.get_file(conn, file_id))
        if record is None or record.removed:
            raise RequestError(ErrorCode.UNKNOWN_FILE, "no such file", self.re)
        if request.offset > record.size:
            raise RequestError(ErrorCode.BAD_REQUEST,
                               f"offset {request.offset} is beyond the end of the file "
                               f"({record.size} bytes)", self.re, {"size": record.size})
        try:
            file = await self.files.in_thread(self.files.store.open_content, record.sha256)
        except OSError:
            self.log.error("the bytes of file %s (%s) are missing", record.id, record.sha256)
            raise RequestError(ErrorCode.UNKNOWN_FILE, "the file's bytes are missing",
                               self.re) from None
        try:
            await self._send(file, request.offset, record.size)
        finally:
            await self.files.in_thread(file.close)

    async def _send(self, file: io.BufferedReader, offset: int, size: int) -> None:
        assert self.transport is not None
        self.transport.set_write_buffer_limits(high=SEND_HIGH_WATER, low=SEND_LOW_WATER)
        if offset:
            await self.files.in_thread(file.seek, offset)
        self.reply(GetStarted(size).to_wire(self.re))
        self.log.info("sending %d bytes from offset %d", size - offset, offset)
        remaining = size - offset
        # One read ahead: the next megabyte comes off the disk while this one
        # is encrypted and sent.  Into two buffers used in turn, not a new
        # megabyte each time (a fresh mmap and 256 page faults, which issue
        # 17's profile found): TLS's transport.write encrypts at once, so a
        # buffer is free again when it returns.
        buffers = (bytearray(READ_CHUNK_BYTES), bytearray(READ_CHUNK_BYTES))
        turn = 0
        reading: asyncio.Future[int] | None = (
            self._read(file, buffers[turn], remaining) if remaining else None)
        try:
            while reading is not None:
                length = await reading
                reading = None
                if not length:
                    raise RuntimeError("the file is shorter than its record says")
                chunk = memoryview(buffers[turn])[:length]
                remaining -= length
                turn = 1 - turn
                if remaining:
                    reading = self._read(file, buffers[turn], remaining)
                await self._can_write()
                if isinstance(self.transport, TlsTransport):
                    self.transport.write(chunk)  # encrypted now: the buffer is free after
                else:
                    # A plain transport may keep what it could not send yet
                    # (uvloop's does, without a copy): it gets its own.
                    self.transport.write(bytes(chunk))
                chunk.release()
                self.last_progress = time.monotonic()
        finally:
            if reading is not None:
                # The file is closed next: the read must be over first.
                await asyncio.wait({reading})
                if not reading.cancelled():
                    reading.exception()  # retrieved: the transfer failed already
        self.transport.close()  # after the buffered bytes are sent

    def _read(self, file: io.BufferedReader, buffer: bytearray,
              remaining: int) -> asyncio.Future[int]:
        view = memoryview(buffer)[:min(len(buffer), remaining)]
        return asyncio.ensure_future(self.files.in_thread(file.readinto, view))

    async def _can_write(self) -> None:
        while self._paused and not self.lost:
            self._writable = asyncio.get_running_loop().create_future()
            await self._writable
        if self.lost:
            raise _Interrupted("the client left")

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        self.last_progress = time.monotonic()  # bytes left: the client reads
        self._wake()

    def _wake(self) -> None:
        writable, self._writable = self._writable, None
        if writable is not None and not writable.done():
            writable.set_result(None)

    def data_received(self, data: bytes) -> None:
        pass

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self._wake()
