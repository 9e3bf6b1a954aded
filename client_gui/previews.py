"""Inline previews of images in messages, and the pictures of users.

Both are images fetched once into the cache (:meth:`FileTransfers.fetch`)
and scaled in a worker thread, never in a paint call:

* :class:`Previews` gives the scaled picture of an image a message carries,
  asked for by the delegate as a row is painted, so only images scrolled
  into view are ever fetched; the scaled copy is kept on disk beside the
  image (``thumb-WxH.png``), so a restart shows it without decoding the
  original again;
* :class:`Avatars` gives each user's picture (PROTOCOL-2.md: the roster's
  ``avatar``), round, or a circle with their initial when they have none.

Each says when a picture became available (:attr:`Previews.ready`,
:attr:`Avatars.changed`), and the views repaint.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from pathlib import Path
from typing import Final

from PyQt6.QtCore import (QObject, QRectF, QRunnable, QSize, Qt, QThreadPool, QTimer, pyqtSignal,
                          pyqtSlot)
from PyQt6.QtGui import QColor, QFont, QImage, QImageReader, QPainter, QPainterPath, QPixmap

from protocol.objects import FileInfo, RosterEntry
from protocol.rules import username_key

from .files import FileTransfers
from .transfer_state import Download, TransferState

__all__ = ["Avatars", "PREVIEW_SIZE", "Previews", "is_previewable"]

log = logging.getLogger("besedka.client.files")

#: The box an inline preview is scaled to fit.
PREVIEW_SIZE: Final = QSize(320, 220)
#: Images larger than this are shown as file cards: fetching them to
#: preview would cost more than the picture is worth.
PREVIEW_MAX_BYTES: Final = 25 * 1024 * 1024
#: Decoded previews kept in memory.
_PIXMAP_CACHE: Final = 200
_PREVIEWABLE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})


def is_previewable(file: FileInfo) -> bool:
    """Whether a message shows this file as a picture rather than a card."""
    return (file.mime.split(";")[0].strip().lower() in _PREVIEWABLE and not file.removed
            and 0 < file.size <= PREVIEW_MAX_BYTES and bool(file.id))


class _Scaled(QObject):
    """Carries a worker's result back to the GUI thread."""

    done = pyqtSignal(str, QImage)


class _ScaleJob(QRunnable):
    """Reads an image scaled to fit a box, from the thumbnail if there is one."""

    def __init__(self, key: str, source: Path, thumbnail: Path, box: QSize,
                 signal: _Scaled) -> None:
        super().__init__()
        self.key, self.source, self.thumbnail, self.box = key, source, thumbnail, box
        self.signal = signal

    def run(self) -> None:
        image = QImage()
        if self.thumbnail.is_file():
            image = QImage(str(self.thumbnail))
        if image.isNull():
            reader = QImageReader(str(self.source))
            reader.setAutoTransform(True)
            size = reader.size()
            if size.isValid() and (size.width() > self.box.width()
                                   or size.height() > self.box.height()):
                reader.setScaledSize(size.scaled(self.box, Qt.AspectRatioMode.KeepAspectRatio))
            image = reader.read()
            if not image.isNull():
                image.save(str(self.thumbnail), "PNG")
            else:
                log.info("cannot read image %s: %s", self.source, reader.errorString())
        self.signal.done.emit(self.key, image)


class _Scaler(QObject):
    """Scaled images by key, made in the thread pool, kept in an LRU."""

    def __init__(self, transfers: FileTransfers, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.transfers = transfers
        self._images: OrderedDict[str, QPixmap] = OrderedDict()
        self._working: set[str] = set()
        self._failed: set[str] = set()
        self._signal = _Scaled(self)
        self._signal.done.connect(self.on_scaled)
        transfers.download_changed.connect(self.on_download_changed)
        #: file id -> the keys (and box sizes) waiting for it to be fetched
        self._waiting: dict[str, set[tuple[str, int, int]]] = {}

    def image(self, key: str, file: FileInfo, box: QSize) -> QPixmap | None:
        pixmap = self._images.get(key)
        if pixmap is not None:
            self._images.move_to_end(key)
            return pixmap
        if key in self._working or key in self._failed:
            return None
        fetched = self.transfers.fetch(file)
        if fetched.state is TransferState.DONE:
            self._scale(key, fetched.destination, box)
        elif fetched.state is TransferState.FAILED:
            self._failed.add(key)
            # Said after this paint, not during it: the views re-measure.
            QTimer.singleShot(0, lambda: self.scaled(key))
        else:
            self._waiting.setdefault(file.id, set()).add((key, box.width(), box.height()))
            self._working.add(key)
        return None

    def _scale(self, key: str, source: Path, box: QSize) -> None:
        self._working.add(key)
        thumbnail = source.with_name(f"thumb-{box.width()}x{box.height()}.png")
        QThreadPool.globalInstance().start(  # type: ignore[union-attr]
            _ScaleJob(key, source, thumbnail, box, self._signal))

    @pyqtSlot(object)
    def on_download_changed(self, download: Download) -> None:
        if download.state not in (TransferState.DONE, TransferState.FAILED):
            return
        for key, width, height in self._waiting.pop(download.file.id, set()):
            self._working.discard(key)
            if download.state is TransferState.DONE:
                self._scale(key, download.destination, QSize(width, height))
            else:
                self._failed.add(key)
                self.scaled(key)

    @pyqtSlot(str, QImage)
    def on_scaled(self, key: str, image: QImage) -> None:
        self._working.discard(key)
        if image.isNull():
            self._failed.add(key)
            self.scaled(key)  # no picture: the views show something else
            return
        self._images[key] = QPixmap.fromImage(image)
        if len(self._images) > _PIXMAP_CACHE:
            self._images.popitem(last=False)
        self.scaled(key)

    def scaled(self, key: str) -> None:
        """A picture is ready (subclasses say so)."""


class Previews(_Scaler):
    """Inline pictures of the images messages carry.

    Signals:
        ready(file_id): its preview can be painted now.
    """

    ready = pyqtSignal(str)

    def pixmap(self, file: FileInfo) -> QPixmap | None:
        """The preview, or None while it is being fetched and scaled (or
        when the file is not an image shown inline)."""
        if not is_previewable(file):
            return None
        return self.image(file.id, file, PREVIEW_SIZE)

    def failed(self, file: FileInfo) -> bool:
        """Whether the picture cannot be shown (not fetched, or not decoded:
        a format this build of Qt does not read); it is then a card."""
        return file.id in self._failed

    def original(self, file: FileInfo) -> Path | None:
        """The fetched image itself, if it is here (to show it full size)."""
        fetched = self.transfers.fetches.get(file.id)
        if fetched is not None and fetched.state is TransferState.DONE:
            return fetched.destination
        return None

    def scaled(self, key: str) -> None:
        self.ready.emit(key)


class Avatars(_Scaler):
    """Every user's picture, from the roster and presence events.

    Signals:
        changed(): a picture arrived or a user's avatar changed.
    """

    changed = pyqtSignal()

    def __init__(self, transfers: FileTransfers, parent: QObject | None = None) -> None:
        super().__init__(transfers, parent)
        self._avatar_of: dict[str, str] = {}  # username key -> file id
        self._initials: dict[tuple[str, int], QPixmap] = {}
        self._round: dict[tuple[str, int], QPixmap] = {}

    def set_roster(self, roster: list[RosterEntry]) -> None:
        self._avatar_of = {username_key(e.username): e.avatar for e in roster if e.avatar}
        self.changed.emit()

    def set_entry(self, entry: RosterEntry) -> None:
        key = username_key(entry.username)
        if self._avatar_of.get(key) != entry.avatar:
            if entry.avatar:
                self._avatar_of[key] = entry.avatar
            else:
                self._avatar_of.pop(key, None)
            self.changed.emit()

    def avatar_id(self, username: str) -> str | None:
        return self._avatar_of.get(username_key(username))

    def pixmap(self, username: str, size: int) -> QPixmap:
        """The user's picture, round, ``size`` pixels across: their avatar
        once fetched, else a circle with their initial."""
        file_id = self._avatar_of.get(username_key(username))
        if file_id is not None:
            box = QSize(size * 2, size * 2)  # sharp on high-density screens too
            image = self.image(f"{file_id}@{size}", FileInfo(file_id, "avatar", 0, "image/png"),
                               box)
            if image is not None:
                round_image = self._round.get((file_id, size))
                if round_image is None:
                    round_image = self._round[(file_id, size)] = round_pixmap(image, size)
                return round_image
        return self.initial(username, size)

    def initial(self, username: str, size: int) -> QPixmap:
        """A circle with the user's initial, for a user without a picture."""
        cached = self._initials.get((username, size))
        if cached is not None:
            return cached
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        hue = int(hashlib.sha256(username_key(username).encode()).hexdigest()[:4], 16) % 360
        painter.setBrush(QColor.fromHsl(hue, 110, 150))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(QRectF(0, 0, size, size))
        font = QFont()
        font.setPixelSize(max(6, int(size * 0.5)))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter,
                         username[:1].upper())
        painter.end()
        self._initials[(username, size)] = pixmap
        return pixmap

    def scaled(self, key: str) -> None:
        self.changed.emit()


def round_pixmap(pixmap: QPixmap, size: int) -> QPixmap:
    """``pixmap`` cut to a circle ``size`` pixels across (painting helper)."""
    result = QPixmap(size, size)
    result.fill(Qt.GlobalColor.transparent)
    painter = QPainter(result)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    path = QPainterPath()
    path.addEllipse(QRectF(0, 0, size, size))
    painter.setClipPath(path)
    scaled = pixmap.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                           Qt.TransformationMode.SmoothTransformation)
    painter.drawPixmap((size - scaled.width()) // 2, (size - scaled.height()) // 2, scaled)
    painter.end()
    return result
