"""The work of files that blocks: hashing, and the transfer connections.

Each job is a :class:`~PyQt6.QtCore.QThread` of its own, so that a large
upload never holds up a download, and neither ever touches a widget or the
chat connection's thread: a job reports through signals only, which Qt
delivers to the GUI thread as queued calls (:mod:`client_gui.files` listens).

* :class:`HashJob` reads a file once for its SHA-256 (``file_upload`` must
  name it before any byte is sent);
* :class:`PutJob` opens a transfer connection (PROTOCOL-2.md, "Files"),
  sends ``put`` and the bytes from the offset the server gave, and waits
  for the server's ``ok``;
* :class:`GetJob` sends ``get`` and appends what follows to a partial file,
  so a download cut short resumes from where it stopped.

A job is cancelled with :meth:`TransferJob.cancel`: it looks between chunks
and stops within one (and the socket's timeout bounds every wait), leaving
the bytes already moved for a resume.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from pathlib import Path
from typing import Any, Final, NamedTuple

from PyQt6.QtCore import QThread, pyqtSignal

from protocol.errors import ErrorCode, ProtocolError
from protocol.files import Get, Put
from protocol.framing import FrameDecoder, decode_json_object, encode_frame
from protocol.limits import MAX_SERVER_FRAME_BYTES

from .network import UntrustedCertificate, open_checked_socket

__all__ = ["CANCELLED", "CONNECTION_FAILED", "UNTRUSTED", "GetJob", "HashJob", "PutJob",
           "TransferJob", "TransferTarget", "transfer_failure_is_transient"]

log = logging.getLogger("besedka.client.files")

#: Bytes moved per read or write.
CHUNK_BYTES: Final = 256 * 1024
#: Seconds any one network wait may take before the job gives up (the
#: server answers a transfer at once and streams; silence this long means
#: the connection is gone).
SOCKET_TIMEOUT_SECONDS: Final = 30.0
#: Progress is reported at most this often.
PROGRESS_SECONDS: Final = 0.1

#: The failure "code" of a job the user cancelled...
CANCELLED: Final = "cancelled"
#: ...of one whose connection failed (the server may be back soon; an
#: ``ssl.SSLError`` and a timeout are ``OSError`` too)...
CONNECTION_FAILED: Final = "connection_failed"
#: ...and of one that met another certificate than the one trusted.
UNTRUSTED: Final = "untrusted"


class TransferTarget(NamedTuple):
    """Where transfer connections go: the chat connection's server, the same
    TLS choice and the same pinned certificate."""

    host: str
    port: int
    tls: bool
    pinned: str | None


class _Cancelled(Exception):
    pass


class _Refused(Exception):
    """The server answered with an ``error`` frame."""

    def __init__(self, reply: dict[str, Any]) -> None:
        super().__init__(str(reply.get("message", "")))
        self.reply = reply


class TransferJob(QThread):
    """One blocking job in a thread of its own.

    Signals:
        progress(done): bytes done so far (of the whole file, counting from 0).
        succeeded(result): what the job produced (see each job).
        failed(code, message): an ``ErrorCode`` value the server answered,
            :data:`CANCELLED` or :data:`CONNECTION_FAILED`; and a message
            for the log.
    """

    progress = pyqtSignal("qint64")
    succeeded = pyqtSignal(object)
    failed = pyqtSignal(str, str)

    def __init__(self) -> None:
        super().__init__()
        self._cancelled = False
        self._last_report = 0.0

    def cancel(self) -> None:
        """Stop as soon as the current chunk is done (any thread)."""
        self._cancelled = True

    def run(self) -> None:
        # The thread has no caller to report to: every outcome is a signal.
        try:
            self.succeeded.emit(self.work())
        except _Cancelled:
            self.failed.emit(CANCELLED, "cancelled")
        except UntrustedCertificate:
            self.failed.emit(UNTRUSTED, "the server's certificate is not the trusted one")
        except _Refused as refused:
            self.failed.emit(str(refused.reply.get("code", ErrorCode.INTERNAL_ERROR)),
                             str(refused))
        except (OSError, ProtocolError, ValueError) as error:
            log.info("%s failed: %s", type(self).__name__, error)
            self.failed.emit(CONNECTION_FAILED, str(error))
        except Exception as error:  # noqa: BLE001 - a bug must not end silently
            log.exception("%s failed", type(self).__name__)
            self.failed.emit(CONNECTION_FAILED, repr(error))

    def work(self) -> object:
        raise NotImplementedError

    def check(self) -> None:
        if self._cancelled:
            raise _Cancelled()

    def report(self, done: int, *, final: bool = False) -> None:
        now = time.monotonic()
        if final or now - self._last_report >= PROGRESS_SECONDS:
            self._last_report = now
            self.progress.emit(done)


class HashJob(TransferJob):
    """The SHA-256 and size of a file; succeeds with ``(sha256, size)``."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def work(self) -> tuple[str, int]:
        digest = hashlib.sha256()
        done = 0
        with open(self.path, "rb") as file:
            while chunk := file.read(4 * CHUNK_BYTES):
                self.check()
                digest.update(chunk)
                done += len(chunk)
                self.report(done)
        return digest.hexdigest(), done


class _TransferConnection:
    """A transfer connection: the socket, greeted, and its replies read."""

    def __init__(self, target: TransferTarget) -> None:
        self.sock = open_checked_socket(target.host, target.port, tls=target.tls,
                                        pinned=target.pinned)
        self.sock.settimeout(SOCKET_TIMEOUT_SECONDS)
        self.decoder = FrameDecoder(MAX_SERVER_FRAME_BYTES)
        hello = self.frame()
        if hello.get("type") != "hello":
            raise ValueError(f"no hello but {hello.get('type')!r}")

    def frame(self) -> dict[str, Any]:
        """The next frame; whatever came after it stays in the decoder."""
        while True:
            first = self.decoder.feed_first(b"")
            if first is not None:
                return decode_json_object(first)
            data = self.sock.recv(CHUNK_BYTES)
            if not data:
                raise ConnectionError("the server closed the connection")
            first = self.decoder.feed_first(data)
            if first is not None:
                return decode_json_object(first)

    def reply(self) -> dict[str, Any]:
        reply = self.frame()
        if reply.get("type") == "error":
            raise _Refused(reply)
        return reply

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class PutJob(TransferJob):
    """Sends a file's bytes from ``offset`` after ``put``; succeeds with the
    stored file object of the server's ``ok``."""

    def __init__(self, target: TransferTarget, token: str, path: Path, offset: int,
                 size: int) -> None:
        super().__init__()
        self.target = target
        self.token = token
        self.path = path
        self.offset = offset
        self.size = size

    def work(self) -> dict[str, Any]:
        connection = _TransferConnection(self.target)
        try:
            connection.sock.sendall(encode_frame(Put(self.token, self.offset).to_frame()))
            done = self.offset
            with open(self.path, "rb") as file:
                file.seek(self.offset)
                while done < self.size:
                    self.check()
                    chunk = file.read(min(CHUNK_BYTES, self.size - done))
                    if not chunk:
                        raise ValueError("the file got shorter while it was sent")
                    connection.sock.sendall(chunk)
                    done += len(chunk)
                    self.report(done)
            self.report(done, final=True)
            reply = connection.reply()
            file_object = reply.get("file")
            if not isinstance(file_object, dict):
                raise ValueError("the server's ok carries no file")
            return file_object
        finally:
            connection.close()


class GetJob(TransferJob):
    """Receives a file after ``get`` into ``partial``, appending from its
    current size; succeeds with the file's size once every byte is there."""

    def __init__(self, target: TransferTarget, token: str, partial: Path) -> None:
        super().__init__()
        self.target = target
        self.token = token
        self.partial = partial

    def work(self) -> int:
        self.partial.parent.mkdir(parents=True, exist_ok=True)
        offset = self.partial.stat().st_size if self.partial.exists() else 0
        connection = _TransferConnection(self.target)
        try:
            connection.sock.sendall(encode_frame(Get(self.token, offset).to_frame()))
            size = connection.reply().get("size")
            if not isinstance(size, int) or size < offset:
                raise ValueError(f"the server's size {size!r} is not one")
            done = offset
            with open(self.partial, "ab") as file:
                pending = connection.decoder.take_buffered()
                while True:
                    if pending:
                        file.write(pending[:size - done])
                        done += min(len(pending), size - done)
                        self.report(done)
                    if done >= size:
                        break
                    self.check()
                    pending = connection.sock.recv(CHUNK_BYTES)
                    if not pending:
                        raise ConnectionError(f"the connection ended after {done} of "
                                              f"{size} bytes")
                file.flush()
                os.fsync(file.fileno())
            self.report(done, final=True)
            return size
        finally:
            connection.close()


def transfer_failure_is_transient(code: str) -> bool:
    """Whether a failed job is worth trying again once connected (its
    connection broke, or its token was lost with a server restart)."""
    return code in (CONNECTION_FAILED, ErrorCode.INVALID_TOKEN.value,
                    ErrorCode.INTERNAL_ERROR.value)

