"""Files in the session: uploads that become messages, downloads, the cache.

:class:`FileTransfers` lives in the GUI thread beside the outbox and keeps
the promises the user relies on for files:

* **sending** (:meth:`FileTransfers.send_file`): the file is hashed, offered
  (``file_upload``), its bytes sent on a transfer connection from wherever
  the server says it has them, and the stored file posted through the
  outbox like any message, under the same ``key``, so the row the user
  watches goes from "uploading 40 %" to "sending…" to sent.  Offline, or
  cut off halfway, it waits and resumes after the next login;
* **downloading** (:meth:`FileTransfers.download`): into the downloads
  folder, through a partial file that a later attempt carries on;
* **the cache** (:meth:`FileTransfers.fetch`): images for previews and
  avatars, kept under the user's cache folder (platformdirs), so they are
  fetched once.

The blocking work runs in :mod:`client_gui.transfer_jobs` threads; this
object only starts them and follows their signals, and keeps where each
transfer stands in the records of :mod:`client_gui.transfer_state`, which
the views read.  Requests go over the
session's current connection (:class:`~client_gui.link.SessionLink`).
"""

from __future__ import annotations

import logging
import mimetypes
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import platformdirs
from PyQt6.QtCore import QObject, QStandardPaths, QTimer, pyqtSignal, pyqtSlot

from protocol.errors import ErrorCode
from protocol.files import DownloadAnswer, FileDownload, FileUpload, UploadAnswer
from protocol.objects import FileInfo
from protocol.replies import ErrorReply
from protocol.rules import username_key

from .outbox import ConversationId, RoomConversation
from .transfer_jobs import (
    CANCELLED,
    GetJob,
    HashJob,
    PutJob,
    TransferJob,
    TransferTarget,
    transfer_failure_is_transient,
)
from .transfer_state import Download, TransferState, Upload

if TYPE_CHECKING:
    from .link import SessionLink

__all__ = ["FileTransfers", "default_cache_dir", "default_download_dir", "safe_file_name"]

log = logging.getLogger("besedka.client.files")

#: Seconds before a transfer that failed while the session stayed online is tried again.
RETRY_SECONDS: Final = 2.0
#: Characters no file system of ours takes in a name (Windows' list, the strictest).
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def _error_code(text: str) -> ErrorCode | str:
    """An error code as :func:`~client_gui.texts.describe_error` takes it."""
    try:
        return ErrorCode(text)
    except ValueError:
        return text


def default_cache_dir() -> Path:
    """Where fetched images live (previews, avatars): the user's cache folder."""
    return Path(platformdirs.user_cache_dir("Besedka", appauthor=False)) / "files"


def default_download_dir() -> Path:
    """Where downloads go: the user's Downloads folder (else the home folder)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    return Path(location) if location else Path.home()


def safe_file_name(name: str) -> str:
    """A name every file system takes: the server refuses separators and
    control characters already; Windows refuses a few more, and a name
    ending in a dot or a space."""
    cleaned = _UNSAFE.sub("_", name).rstrip(" .")
    return cleaned or "file"


def _free_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name (2).ext``... if that is taken."""
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 2
    while candidate.exists() or candidate.with_name(candidate.name + ".part").exists():
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


class FileTransfers(QObject):
    """The session's uploads and downloads.

    Args:
        link: the session's connection (requests, the server's address and
            certificate, logins and losses).
        download_dir: where downloads go (called each time: a setting).
        cache_dir: where fetched images live.

    Signals:
        upload_changed(Upload): added, progressed, or changed state.
        upload_removed(key): cancelled or done with.
        download_changed(Download)
        post_requested(Upload): a stored file is to be posted as a message
            (the session's outbox does it, under the upload's key).
    """

    upload_changed = pyqtSignal(object)
    upload_removed = pyqtSignal(str)
    download_changed = pyqtSignal(object)
    post_requested = pyqtSignal(object)

    def __init__(self, link: SessionLink, download_dir: Callable[[], Path] | None = None,
                 cache_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._link = link
        self._download_dir = download_dir or (lambda: default_download_dir())
        self.cache_dir = cache_dir or default_cache_dir()
        # This session's own partial files in the shared cache (see Download).
        self._cache_part_suffix = f".{uuid.uuid4().hex[:12]}.part"
        self.uploads: dict[str, Upload] = {}
        #: Uploads to post, in the order they were sent: one is posted only
        #: after those before it, so messages keep the order of their files.
        self._post_order: list[Upload] = []
        self.downloads: dict[str, Download] = {}  # by file id, into the download folder
        self.fetches: dict[str, Download] = {}  # by file id, into the cache
        link.logged_in.connect(self.on_logged_in)
        link.ended.connect(self.on_ended)

    # ------------------------------------------------------------------
    # Uploads

    def send_file(self, to: str | None, path: Path, caption: str = "",
                  room: int | None = None) -> Upload:
        """Upload a file and post it to the general room (``to`` and ``room``
        None), user ``to`` or room ``room``."""
        conversation: ConversationId = (RoomConversation(room) if room is not None
                                        else None if to is None else username_key(to))
        upload = Upload(uuid.uuid4().hex, to, conversation, path, path.name,
                        mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                        caption, room=room)
        return self._start_upload(upload)

    def upload_file(self, path: Path, stored: Callable[[FileInfo], None],
                    name: str | None = None) -> Upload:
        """Upload a file without posting it; ``stored`` gets it once stored."""
        upload = Upload(uuid.uuid4().hex, None, None, path, name or path.name,
                        mimetypes.guess_type(name or path.name)[0] or "application/octet-stream",
                        post=False, stored=stored)
        return self._start_upload(upload)

    def _start_upload(self, upload: Upload) -> Upload:
        self.uploads[upload.key] = upload
        if upload.post and upload not in self._post_order:
            self._post_order.append(upload)
        self._run(HashJob(upload.path), upload, lambda result: self._hashed(upload, result))
        self.upload_changed.emit(upload)
        return upload

    def cancel_upload(self, key: str) -> None:
        """Stop an upload (what reached the server waits there for a resume)."""
        upload = self.uploads.pop(key, None)
        if upload is None:
            return
        if upload.job is not None:
            upload.job.cancel()
        self.upload_removed.emit(key)
        self._post_in_order()

    def _hashed(self, upload: Upload, result: tuple[str, int]) -> None:
        upload.sha256, upload.size = result
        upload.done = 0
        self._offer(upload)

    def _offer(self, upload: Upload) -> None:
        if upload.key not in self.uploads:
            return  # cancelled meanwhile
        if not self._link.machine.logged_in:
            self._set(upload, TransferState.WAITING)
            return
        self._set(upload, TransferState.STARTING)

        def on_reply(reply: UploadAnswer | ErrorReply) -> None:
            if isinstance(reply, ErrorReply):
                self._upload_failed(upload, str(reply.code), reply.message)
            elif reply.file is not None:
                self._stored(upload, reply.file)
            else:
                self._send_bytes(upload, reply.upload or "", reply.offset)

        self._link.channel.request(
            FileUpload(upload.name, upload.size, upload.sha256, upload.mime), on_reply)

    def _send_bytes(self, upload: Upload, token: str, offset: int) -> None:
        if upload.key not in self.uploads:
            return
        upload.done = offset
        self._set(upload, TransferState.MOVING)
        self._run(PutJob(self._target(), token, upload.path, offset, upload.size), upload,
                  lambda reply: self._stored(upload, FileInfo.from_wire(reply, "file")))

    def _stored(self, upload: Upload, file: FileInfo) -> None:
        if upload.key not in self.uploads:
            return
        upload.file, upload.done, upload.job = file, upload.size, None
        if not upload.post:
            del self.uploads[upload.key]
            self.upload_removed.emit(upload.key)
            if upload.stored is not None:
                upload.stored(file)
            return
        self._set(upload, TransferState.POSTING)
        self._post_in_order()

    def _post_in_order(self) -> None:
        """Post the stored uploads at the front of the order (see :attr:`_post_order`)."""
        order = self._post_order
        while order:
            first = order[0]
            if first.key not in self.uploads or first.state is TransferState.FAILED:
                del order[0]  # cancelled or failed: it holds up nobody
                continue
            if first.state is not TransferState.POSTING or first.file is None:
                return  # still on its way: those after it wait
            del order[0]
            del self.uploads[first.key]
            # The outbox carries it from here, under the same key; its row
            # replaces this one (Conversations).
            self.post_requested.emit(first)

    def _upload_failed(self, upload: Upload, code: str, message: str) -> None:
        if upload.key not in self.uploads or code == CANCELLED:
            return
        upload.job = None
        if upload.state is TransferState.HASHING and not upload.sha256:
            log.warning("could not read %s: %s", upload.path, message)
            self._fail(upload, code)
        elif transfer_failure_is_transient(code) or code == ErrorCode.HASH_MISMATCH.value:
            # Once more from the top (a hash mismatch: the file changed
            # while it was read; it is hashed again).
            log.info("upload of %s interrupted (%s); trying again", upload.name, code)
            if code == ErrorCode.HASH_MISMATCH.value:
                upload.sha256 = ""
            self._set(upload, TransferState.WAITING)
            QTimer.singleShot(int(RETRY_SECONDS * 1000), lambda: self._again(upload))
        else:
            self._fail(upload, code)

    def _again(self, upload: Upload) -> None:
        if upload.key in self.uploads and upload.state is TransferState.WAITING:
            if upload.sha256:
                self._offer(upload)
            else:
                self.uploads.pop(upload.key)
                self._start_upload(upload)

    def _fail(self, upload: Upload, code: str) -> None:
        upload.error = _error_code(code)
        self._set(upload, TransferState.FAILED)
        self._post_in_order()

    def discard_failed(self, key: str) -> None:
        """Forget an upload that failed (the user dismissed it)."""
        upload = self.uploads.get(key)
        if upload is not None and upload.state is TransferState.FAILED:
            del self.uploads[key]
            self.upload_removed.emit(key)

    # ------------------------------------------------------------------
    # Downloads

    def download(self, file: FileInfo) -> Download:
        """Download a file into the downloads folder (again: the same one)."""
        current = self.downloads.get(file.id)
        if current is not None and current.state is not TransferState.FAILED:
            return current
        folder = self._download_dir()
        folder.mkdir(parents=True, exist_ok=True)
        download = Download(file, _free_path(folder, safe_file_name(file.name)))
        self.downloads[file.id] = download
        self._start_download(download)
        return download

    def fetch(self, file: FileInfo) -> Download:
        """The file in the cache: there already, or fetched now (previews, avatars)."""
        current = self.fetches.get(file.id)
        if current is not None and current.state is not TransferState.FAILED:
            return current
        destination = self.cache_dir / file.id / safe_file_name(file.name)
        download = Download(file, destination, part_suffix=self._cache_part_suffix)
        self.fetches[file.id] = download
        if destination.is_file():
            download.state, download.done = TransferState.DONE, destination.stat().st_size
        else:
            self._start_download(download)
        return download

    def cancel_download(self, file_id: str) -> None:
        download = self.downloads.pop(file_id, None)
        if download is not None:
            if download.job is not None:
                download.job.cancel()
            download.partial.unlink(missing_ok=True)
            download.state = TransferState.FAILED
            download.error = CANCELLED
            self.download_changed.emit(download)

    def _start_download(self, download: Download) -> None:
        if not self._link.machine.logged_in:
            self._set_download(download, TransferState.WAITING)
            return
        self._set_download(download, TransferState.STARTING)

        def on_reply(reply: DownloadAnswer | ErrorReply) -> None:
            if isinstance(reply, ErrorReply):
                self._download_failed(download, str(reply.code), reply.message)
                return
            self._set_download(download, TransferState.MOVING)
            self._run(GetJob(self._target(), reply.token, download.partial), download,
                      lambda size: self._downloaded(download))

        self._link.channel.request(FileDownload(download.file.id), on_reply)

    def _downloaded(self, download: Download) -> None:
        download.job = None
        try:
            download.partial.replace(download.destination)
        except OSError as error:
            self._download_failed(download, "io_error", str(error))
            return
        download.done = download.file.size or download.destination.stat().st_size
        self._set_download(download, TransferState.DONE)

    def _download_failed(self, download: Download, code: str, message: str) -> None:
        download.job = None
        if code == CANCELLED:
            return
        if transfer_failure_is_transient(code):
            log.info("download of %s interrupted (%s); trying again", download.file.id, code)
            self._set_download(download, TransferState.WAITING)
            QTimer.singleShot(int(RETRY_SECONDS * 1000), lambda: self._download_again(download))
            return
        download.error = _error_code(code)
        self._set_download(download, TransferState.FAILED)

    def _download_again(self, download: Download) -> None:
        if download.state is TransferState.WAITING and self._link.machine.logged_in:
            self._start_download(download)

    def _download_progress(self, download: Download, done: int) -> None:
        download.done = done
        self.download_changed.emit(download)

    # ------------------------------------------------------------------
    # The session

    @pyqtSlot(object, bool)
    def on_logged_in(self, reply: object, first: bool) -> None:
        """A (re)login: whatever waited for a connection goes on."""
        for upload in list(self.uploads.values()):
            if upload.state is TransferState.WAITING and upload.sha256:
                self._offer(upload)
        for download in [*self.downloads.values(), *self.fetches.values()]:
            if download.state is TransferState.WAITING:
                self._start_download(download)

    @pyqtSlot()
    def on_ended(self) -> None:
        """Logged out: stop everything."""
        for upload in self.uploads.values():
            if upload.job is not None:
                upload.job.cancel()
        for download in [*self.downloads.values(), *self.fetches.values()]:
            if download.job is not None:
                download.job.cancel()
        self.uploads.clear()
        self._post_order.clear()

    def shut_down(self) -> None:
        """Cancel every job and wait for its thread (the application quits)."""
        items: list[Upload | Download] = [*self.uploads.values(), *self.downloads.values(),
                                           *self.fetches.values()]
        jobs = [item.job for item in items if item.job is not None]
        for job in jobs:
            job.cancel()
        for job in jobs:
            job.wait(10_000)

    # ------------------------------------------------------------------

    def _target(self) -> TransferTarget:
        link = self._link
        pinned = link.trust.pinned(link.host, link.port) if link.tls else None
        return TransferTarget(link.host, link.port, link.tls, pinned)

    def _run(self, job: TransferJob, owner: Upload | Download,
             succeeded: Callable[[Any], None]) -> None:
        """Start ``job`` for ``owner``: its progress and failure go to the
        owner's handlers, its result to ``succeeded``, and the owner forgets
        it when its thread ends."""
        owner.job = job
        if isinstance(owner, Upload):
            job.progress.connect(lambda done: self._progress(owner, done))
            job.failed.connect(lambda code, message: self._upload_failed(owner, code, message))
        else:
            job.progress.connect(lambda done: self._download_progress(owner, done))
            job.failed.connect(lambda code, message: self._download_failed(owner, code, message))
        job.succeeded.connect(succeeded)
        job.setParent(self)

        def ended() -> None:
            if owner.job is job:
                owner.job = None
            job.deleteLater()

        job.finished.connect(ended)
        job.start()

    def _progress(self, upload: Upload, done: int) -> None:
        upload.done = done
        self.upload_changed.emit(upload)

    def _set(self, upload: Upload, state: TransferState) -> None:
        upload.state = state
        self.upload_changed.emit(upload)

    def _set_download(self, download: Download, state: TransferState) -> None:
        download.state = state
        self.download_changed.emit(download)
