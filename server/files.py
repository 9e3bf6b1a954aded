"""Files: uploads, downloads, files in messages, avatars (PROTOCOL-2.md, "Files").

:class:`Files` answers the requests of the chat connection (``file_upload``,
``file_download``, ``set_avatar``), hands out the tokens that transfer
connections present, checks the files that ``send`` posts, and owns the
transfer connections themselves (:mod:`server.transfer`), which carry the
bytes without ever passing them through the database's writer.

Tokens live in memory (:class:`TransferTokens`): a single server process
issues and takes them, and a client whose token was lost with a restart
asks again (its ``file_upload`` resumes from what the disk holds).  Several
server processes on one database (issue 19) would move them to a table.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

from db import files as stored
from db.database import Database
from db.files import FileRecord
from protocol.errors import ErrorCode, RequestError, RequestId
from protocol.features import Feature
from protocol.files import (
    IMAGE_SNIFF_BYTES,
    DownloadAnswer,
    FileDownload,
    FileUpload,
    Get,
    Put,
    SetAvatar,
    UploadAnswer,
    image_type,
)
from protocol.limits import AVATAR_MAX_BYTES, TRANSFER_TOKEN_SECONDS
from protocol.objects import FileInfo
from protocol.replies import Done
from protocol.requests import RawRequest

from .config import FileLimits
from .connection import Handover
from .directory import AccountDirectory
from .dispatch import Dispatcher
from .filestore import FileStore
from .presence import Presence
from .session import Connection, Session, logged_in
from .transfer import DownloadSender, Transfer, UploadReceiver

__all__ = ["Files", "TransferTokens", "file_info"]

log = logging.getLogger("besedka.server.files")

T = TypeVar("T")

#: Threads for the disk work of transfers (writing, hashing, reading).
FILE_THREADS: Final = 8
#: An upload nobody resumed for this long is deleted, bytes and all...
STALE_UPLOAD_DAYS: Final = 7
#: ...looked for at start and then this often.
STALE_UPLOAD_CHECK_SECONDS: Final = 6 * 3600.0

UPLOAD: Final = "upload"
DOWNLOAD: Final = "download"


def file_info(record: FileRecord) -> FileInfo:
    """A file row as frames carry it."""
    return FileInfo(record.id, record.name, record.size, record.mime, record.removed)


@dataclass(slots=True)
class Token:
    """What a transfer token lets its bearer do: for one account, send the
    bytes of one upload, or receive those of one file."""

    kind: str
    account_id: int
    #: the upload's id (an upload token) or the file's (a download token)
    target: int | str
    expires: float


class TransferTokens:
    """The tokens handed out and not yet expired (PROTOCOL-2.md: single-account,
    expiring an hour after their last use).

    Args:
        lifetime: seconds a token lives after it was issued or last used.
        clock: where now comes from (tests pass their own).
    """

    def __init__(self, lifetime: float = TRANSFER_TOKEN_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.lifetime = lifetime
        self._clock = clock
        self._tokens: dict[str, Token] = {}

    def issue(self, kind: str, account_id: int, target: int | str) -> str:
        """A new token (192 random bits) for ``kind`` of ``target``."""
        token = secrets.token_urlsafe(24)
        self._tokens[token] = Token(kind, account_id, target, self._clock() + self.lifetime)
        return token

    def use(self, token: str, kind: str) -> Token | None:
        """The token's grant, renewed for another lifetime; None if it is
        unknown, expired, or not for ``kind``."""
        grant = self._tokens.get(token)
        now = self._clock()
        if grant is None or grant.kind != kind:
            return None
        if grant.expires <= now:
            del self._tokens[token]
            return None
        grant.expires = now + self.lifetime
        return grant

    def revoke(self, kind: str, target: int | str) -> None:
        """Forget every token for ``target`` (an upload that is complete)."""
        for token in [t for t, g in self._tokens.items() if g.kind == kind and g.target == target]:
            del self._tokens[token]

    def prune(self) -> None:
        """Forget expired tokens (housekeeping)."""
        now = self._clock()
        for token in [t for t, g in self._tokens.items() if g.expires <= now]:
            del self._tokens[token]


class Files:
    """The files feature: its requests, its tokens and its transfer connections.

    Args:
        database: the opened database (file rows, uploads, avatars).
        store: the files directory.
        limits: the largest file and the quota per account.
        directory: the accounts, kept current when an avatar changes.
        presence: tells everyone of a new avatar.
        idle_timeout: seconds a transfer may make no progress before it is closed.
    """

    def __init__(self, database: Database, store: FileStore, limits: FileLimits,
                 directory: AccountDirectory, presence: Presence,
                 idle_timeout: float) -> None:
        self.database = database
        self.store = store
        self.limits = limits
        self.directory = directory
        self.presence = presence
        self.idle_timeout = idle_timeout
        self.tokens = TransferTokens(limits.token_lifetime)
        self.transfers: set[Transfer] = set()
        #: The transfer writing each upload; a new ``put`` for the same
        #: upload supersedes it (its client gave up on it).
        self.writers: dict[int, UploadReceiver] = {}
        self._io = ThreadPoolExecutor(FILE_THREADS, thread_name_prefix="besedka-files")
        self._cleanup: asyncio.Task[None] | None = None
        self._cleanup_due = 0.0  # monotonic time of the next look for abandoned uploads

    def install(self, dispatcher: Dispatcher) -> None:
        dispatcher.route(FileUpload, self._file_upload)
        dispatcher.route(FileDownload, self._file_download)
        dispatcher.route(SetAvatar, self._set_avatar)
        dispatcher.route(Put, self._out_of_place)
        dispatcher.route(Get, self._out_of_place)
        dispatcher.route_transfer(Put, self._start_put)
        dispatcher.route_transfer(Get, self._start_get)
        dispatcher.offer(Feature.FILES)

    # ------------------------------------------------------------------
    # Helpers for the transfers and the handlers

    async def in_thread(self, function: Callable[..., T], *args: Any) -> T:
        """Run blocking disk work in the file threads."""
        return await asyncio.get_running_loop().run_in_executor(self._io, function, *args)

    async def read(self, operation: Callable[[Any], T]) -> T:
        return await asyncio.wrap_future(self.database.read(operation))

    async def write(self, operation: Callable[[Any], T]) -> T:
        return await asyncio.wrap_future(self.database.write(operation))

    def note_received(self, upload_id: int, received: int) -> None:
        """Record (without waiting) how far an interrupted upload came."""
        now = datetime.now(UTC)
        try:
            future = self.database.write(
                lambda conn: stored.record_received(conn, upload_id, received, now))
        except RuntimeError:  # the writer is closed: the server is stopping
            return

        def recorded(done: Future[None]) -> None:
            if done.exception() is not None:
                log.warning("could not record upload %d's progress: %s", upload_id,
                            done.exception())

        future.add_done_callback(recorded)

    # ------------------------------------------------------------------
    # Requests on the chat connection

    async def _file_upload(self, connection: Connection, request: FileUpload,
                           re: RequestId) -> dict[str, Any]:
        me = logged_in(connection).account_id
        if request.size > self.limits.max_file_size:
            raise RequestError(ErrorCode.FILE_TOO_LARGE,
                               f"files may be at most {self.limits.max_file_size} bytes", re)

        copy = await self.read(
            lambda conn: stored.my_copy(conn, me, request.sha256, request.size))
        now = datetime.now(UTC)
        if copy is not None and await self.in_thread(self.store.has_content, copy.sha256,
                                                     copy.size):
            # I uploaded these bytes before: a new file at once, nothing to send.
            record = await self.write(
                lambda conn: stored.copy_file(conn, copy, request.name, request.mime, now))
            connection.log.info("file %s: %d bytes, stored before", record.id, record.size)
            return UploadAnswer(file=file_info(record)).to_wire(re)

        def start(conn: Any) -> stored.UploadRecord | None:
            # The quota is checked in the transaction that makes the upload,
            # so that two uploads begun at once cannot both slip under it.
            # An upload on its way already counts in what is in use.
            if (stored.find_upload(conn, me, request.sha256, request.size) is None
                    and stored.bytes_in_use(conn, me) + request.size > self.limits.file_quota):
                return None
            return stored.start_upload(conn, me, request.sha256, request.size, request.name,
                                       request.mime, now)

        upload = await self.write(start)
        if upload is None:
            raise RequestError(ErrorCode.QUOTA_EXCEEDED,
                               f"your files may take at most {self.limits.file_quota} bytes", re)
        received = min(await self.in_thread(self.store.received, upload.id), upload.size)
        token = self.tokens.issue(UPLOAD, me, upload.id)
        connection.log.info("upload %d: %d of %d bytes here", upload.id, received, upload.size)
        return UploadAnswer(upload=token, offset=received).to_wire(re)

    async def _file_download(self, connection: Connection, request: FileDownload,
                             re: RequestId) -> dict[str, Any]:
        me = logged_in(connection).account_id

        def look(conn: Any) -> FileRecord | None:
            record = stored.get_file(conn, request.file)
            if record is None or record.removed or not stored.may_download(conn, me, record.id):
                return None
            return record

        record = await self.read(look)
        if record is None:
            raise _unknown_file(re)
        return DownloadAnswer(self.tokens.issue(DOWNLOAD, me, record.id), record.size).to_wire(re)

    async def _set_avatar(self, connection: Connection, request: SetAvatar,
                          re: RequestId) -> dict[str, Any]:
        session = logged_in(connection)
        me = session.account_id
        if request.file is not None:
            record = await self.read(lambda conn: stored.get_file(conn, request.file or ""))
            if record is None or record.removed or record.uploader_id != me:
                raise _unknown_file(re)
            if record.size > AVATAR_MAX_BYTES:
                raise RequestError(ErrorCode.FILE_TOO_LARGE,
                                   f"an avatar may be at most {AVATAR_MAX_BYTES} bytes", re)
            head = await self.in_thread(self._head, record.sha256)
            if image_type(head) is None:
                raise RequestError(ErrorCode.BAD_REQUEST,
                                   "an avatar must be a PNG, JPEG, GIF, WebP or BMP image", re)
        await self.write(lambda conn: stored.set_avatar(conn, me, request.file))
        self._avatar_changed(session, request.file)
        return Done().to_wire(re)

    def _head(self, sha256: str) -> bytes:
        try:
            with self.store.open_content(sha256) as file:
                return file.read(IMAGE_SNIFF_BYTES)
        except OSError:
            return b""

    def _avatar_changed(self, session: Session, file: str | None) -> None:
        """Keep the account's record current everywhere and tell the others."""
        account = session.account._replace(avatar_file_id=file)
        self.directory.add(account)
        for other in self.presence.online.get(account.id, ()):
            other.account = account
        self.presence.broadcast(account, True, exclude=session)
        if self.presence.publish_account is not None:
            self.presence.publish_account(account.id)

    async def _out_of_place(self, connection: Connection, request: Put | Get,
                            re: RequestId) -> dict[str, Any]:
        raise RequestError(ErrorCode.BAD_REQUEST,
                           f"'{request.TYPE}' must be the first frame of a new connection "
                           "(a transfer connection)", re)

    # ------------------------------------------------------------------
    # Files in messages

    async def attachment(self, session: Session, file: str, re: RequestId) -> FileRecord:
        """The file a ``send`` posts, if its sender may post it: one they
        uploaded or may download (forwarding), and not removed.

        Raises:
            RequestError: ``unknown_file``.
        """
        me = session.account_id

        def look(conn: Any) -> FileRecord | None:
            record = stored.get_file(conn, file)
            if record is None or record.removed or not stored.may_download(conn, me, file):
                return None
            return record

        record = await self.read(look)
        if record is None:
            raise _unknown_file(re)
        return record

    # ------------------------------------------------------------------
    # Transfer connections

    def _start_put(self, connection: Connection, raw: RawRequest) -> Handover:
        return UploadReceiver(self, connection.peer, raw)

    def _start_get(self, connection: Connection, raw: RawRequest) -> Handover:
        return DownloadSender(self, connection.peer, raw)

    def sweep(self) -> None:
        """Housekeeping: forget expired tokens, close transfers that stalled,
        and now and then delete uploads abandoned for days."""
        self.tokens.prune()
        now = time.monotonic()
        for transfer in list(self.transfers):
            if now - transfer.last_progress > self.idle_timeout:
                transfer.stalled(self.idle_timeout)
        if now >= self._cleanup_due and (self._cleanup is None or self._cleanup.done()):
            self._cleanup_due = now + STALE_UPLOAD_CHECK_SECONDS
            self._cleanup = asyncio.get_running_loop().create_task(self._drop_stale_uploads())

    async def _drop_stale_uploads(self) -> None:
        # A task with no caller: it logs its own failures.
        try:
            since = datetime.now(UTC) - timedelta(days=STALE_UPLOAD_DAYS)
            stale = await self.read(lambda conn: stored.stale_uploads(conn, since))
            for upload in stale:
                if upload.id not in self.writers:
                    await self._drop_upload(upload.id)
                log.info("deleted upload %d, abandoned since %s", upload.id,
                         upload.last_used_at.isoformat())
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - housekeeping must go on
            log.exception("deleting abandoned uploads failed")

    async def _drop_upload(self, upload_id: int) -> None:
        await self.write(lambda conn: stored.drop_upload(conn, upload_id))
        await self.in_thread(self.store.discard, upload_id)

    async def close(self) -> None:
        """Server shutdown: end every transfer (an upload keeps what arrived,
        to resume later), wait for their disk work, stop the threads."""
        if self._cleanup is not None:
            self._cleanup.cancel()
        transfers = list(self.transfers)
        for transfer in transfers:
            transfer.abort()
        waiting = [t.done for t in transfers if not t.done.done()]
        if waiting:
            await asyncio.wait(waiting, timeout=5.0)
        await asyncio.get_running_loop().run_in_executor(None, self._io.shutdown)


def _unknown_file(re: RequestId) -> RequestError:
    # The same answer for a file that does not exist and one I may not see.
    return RequestError(ErrorCode.UNKNOWN_FILE, "no such file", re)
