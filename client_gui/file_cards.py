"""How a file looks in a message: an inline picture, or a card with actions.

:class:`FileCards` is the part of :class:`~client_gui.delegates.MessageDelegate`
that draws the file of a message below its caption, and finds what was
clicked there.  One layout function serves both, so what is drawn is what
can be clicked:

* an image (PNG, JPEG, GIF, WebP, BMP up to 25 MiB) is shown scaled to fit
  :data:`~client_gui.previews.PREVIEW_SIZE`; it is fetched only when its row
  is painted, so only when it scrolls into view; a click opens it full size;
* any other file, a removed one, or one still uploading is a card: an icon,
  the name, the size, and "Download", or a progress bar with "Cancel", or
  "Open" and "Show in folder" once it is here.

:class:`FileServices` bundles what the painting needs to know of the
session: the transfers, the previews and the users' pictures.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

from PyQt6.QtCore import QObject, QPoint, QRect, QRectF, QSize, Qt
from PyQt6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PyQt6.QtWidgets import QApplication, QStyle

from protocol.objects import FileInfo

from .files import FileTransfers
from .models import MessageRow
from .previews import PREVIEW_SIZE, Avatars, Previews, is_previewable
from .texts import describe_error, file_size_text
from .transfer_state import Download, TransferState, Upload
from .widgets import blend

__all__ = ["FileAction", "FileCards", "FileServices"]

#: Icon and spacing of a card.
_ICON: Final = 32
_GAP: Final = 6
_BAR_HEIGHT: Final = 6


class FileAction(Enum):
    """What a click on a file's part of a message asks for."""

    DOWNLOAD = "download"
    OPEN = "open"
    SHOW_IN_FOLDER = "show"
    CANCEL = "cancel"
    VIEW = "view"  # a picture, full size


@dataclass(frozen=True, slots=True)
class FileServices:
    """What painting files needs of the session."""

    transfers: FileTransfers
    previews: Previews
    avatars: Avatars


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the parts of one file's block go."""

    picture: QRect  # empty for a card
    icon: QRect
    name: QRect
    detail: QRect  # size, state
    bar: QRect  # the progress bar (empty when nothing moves)
    actions: tuple[tuple[QRect, FileAction, str], ...]


class FileCards(QObject):
    """Measures, paints and hit-tests the file of a message row.

    Args:
        services: the session's transfers, previews and pictures.
    """

    def __init__(self, services: FileServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services

    # ------------------------------------------------------------------
    # State

    def _upload(self, row: MessageRow) -> Upload | None:
        return self.services.transfers.uploads.get(row.key) if row.id is None else None

    def _download(self, file: FileInfo) -> Download | None:
        return self.services.transfers.downloads.get(file.id)

    def shows_picture(self, row: MessageRow) -> bool:
        """Whether the row's file is shown as a picture (else as a card)."""
        return (row.file is not None and row.id is not None and is_previewable(row.file)
                and not self.services.previews.failed(row.file))

    def picture_size(self, row: MessageRow) -> QSize | None:
        """The size of the preview, once it is here (it sets the row's height)."""
        if row.file is None or not self.shows_picture(row):
            return None
        pixmap = self.services.previews.pixmap(row.file)
        return None if pixmap is None else pixmap.size()

    def height_key(self, row: MessageRow) -> object:
        """What the block's height depends on besides the width (for caches):
        a picture's size once it is here, or that it will be a card."""
        if row.file is None:
            return None
        if not self.shows_picture(row):
            return "card"
        size = self.picture_size(row)
        return None if size is None else (size.width(), size.height())

    # ------------------------------------------------------------------
    # Geometry

    def height(self, row: MessageRow, width: int, font: QFont) -> int:
        """The block's height below the caption, for a text column ``width`` wide."""
        if row.file is None:
            return 0
        if self.shows_picture(row):
            size = self.picture_size(row) or PREVIEW_SIZE
            return _fit(size, width).height() + _GAP
        line = QFontMetrics(font).height()
        return max(_ICON, 2 * line + _BAR_HEIGHT) + 2 * _GAP

    def _layout(self, rect: QRect, row: MessageRow, font: QFont) -> _Layout:
        file = row.file
        assert file is not None
        if self.shows_picture(row):
            size = _fit(self.picture_size(row) or PREVIEW_SIZE, rect.width())
            picture = QRect(rect.left(), rect.top() + _GAP // 2, size.width(), size.height())
            empty = QRect()
            return _Layout(picture, empty, empty, empty, empty, ((picture, FileAction.VIEW, ""),))
        metrics = QFontMetrics(font)
        line = metrics.height()
        inner = rect.adjusted(0, _GAP, 0, -_GAP)
        icon = QRect(inner.left(), inner.top(), _ICON, _ICON)
        left = icon.right() + _GAP + 1
        name = QRect(left, inner.top(), inner.right() - left, line)
        detail = QRect(left, name.bottom() + 1, inner.right() - left, line)
        actions: list[tuple[QRect, FileAction, str]] = []
        bar = QRect()
        x = left
        moving = self._moving(row)
        if moving is not None:
            detail_width = metrics.horizontalAdvance("0000.0 MB / 0000.0 MB  100 %  ")
            bar_left = left + min(detail_width, max(60, inner.width() // 3))
            label = self.tr("Cancel")
            label_width = metrics.horizontalAdvance(label) + 8
            bar = QRect(bar_left, detail.center().y() - _BAR_HEIGHT // 2,
                        max(20, inner.right() - bar_left - label_width - 8), _BAR_HEIGHT)
            actions.append((QRect(bar.right() + 8, detail.top(), label_width, line),
                            FileAction.CANCEL, label))
        elif not file.removed and row.id is not None:
            download = self._download(file)
            x = left + metrics.horizontalAdvance(self._size_text(file)) + 14
            labels: tuple[tuple[FileAction, str], ...]
            if download is not None and download.state is TransferState.DONE:
                labels = ((FileAction.OPEN, self.tr("Open")),
                          (FileAction.SHOW_IN_FOLDER, self.tr("Show in folder")))
            else:
                labels = ((FileAction.DOWNLOAD, self.tr("Download")),)
            for action, label in labels:
                width = metrics.horizontalAdvance(label) + 4
                actions.append((QRect(x, detail.top(), width, line), action, label))
                x += width + 12
        return _Layout(QRect(), icon, name, detail, bar, tuple(actions))

    def _moving(self, row: MessageRow) -> Upload | Download | None:
        """The upload or download in progress for this row, if any."""
        upload = self._upload(row)
        if upload is not None and upload.state is not TransferState.FAILED:
            return upload
        if row.file is not None and row.file.id:
            download = self._download(row.file)
            if download is not None and download.state not in (TransferState.DONE,
                                                               TransferState.FAILED):
                return download
        return None

    def action_at(self, rect: QRect, row: MessageRow, font: QFont,
                  position: QPoint) -> FileAction | None:
        """What a click at ``position`` in the block at ``rect`` asks for."""
        if row.file is None:
            return None
        for area, action, _ in self._layout(rect, row, font).actions:
            if area.contains(position):
                return action
        return None

    # ------------------------------------------------------------------
    # Painting

    def paint(self, painter: QPainter, rect: QRect, row: MessageRow, font: QFont,
              palette: QPalette) -> None:
        file = row.file
        if file is None:
            return
        layout = self._layout(rect, row, font)
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        muted = blend(base, text, 0.6)
        if not layout.picture.isEmpty():
            pixmap = self.services.previews.pixmap(file)
            if pixmap is None:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(blend(base, text, 0.08))
                painter.drawRoundedRect(QRectF(layout.picture), 5, 5)
                painter.setPen(muted)
                painter.setFont(font)
                painter.drawText(layout.picture, Qt.AlignmentFlag.AlignCenter,
                                 self.tr("Loading preview\u2026"))
            else:
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawPixmap(layout.picture, pixmap)
            return
        style = QApplication.style()
        if style is not None:
            standard = (QStyle.StandardPixmap.SP_MessageBoxWarning if file.removed
                        else QStyle.StandardPixmap.SP_FileIcon)
            style.standardIcon(standard).paint(painter, layout.icon)
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(muted if file.removed else text)
        painter.drawText(layout.name, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(bold).elidedText(file.name, Qt.TextElideMode.ElideMiddle,
                                                       layout.name.width()))
        painter.setFont(font)
        painter.setPen(muted)
        painter.drawText(layout.detail, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         self._detail_text(row, file))
        if not layout.bar.isEmpty():
            moving = self._moving(row)
            fraction = 0.0
            if moving is not None:
                total = moving.size if isinstance(moving, Upload) else moving.file.size
                fraction = min(1.0, moving.done / total) if total else 0.0
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(blend(base, text, 0.15))
            painter.drawRoundedRect(QRectF(layout.bar), 3, 3)
            filled = QRectF(layout.bar)
            filled.setWidth(filled.width() * fraction)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(filled, 3, 3)
        link = palette.color(QPalette.ColorRole.Link)
        for area, _, label in layout.actions:
            painter.setPen(link)
            painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             label)

    def _size_text(self, file: FileInfo) -> str:
        return file_size_text(file.size)

    def _detail_text(self, row: MessageRow, file: FileInfo) -> str:
        if file.removed:
            return self.tr("file removed")
        upload = self._upload(row)
        moving = self._moving(row)
        if upload is not None:
            if upload.state is TransferState.FAILED:
                return self.tr("not sent: %1").replace("%1", describe_error(upload.error))
            if upload.state is TransferState.HASHING:
                return self.tr("preparing\u2026")
            if upload.state is TransferState.WAITING:
                return self.tr("waiting for the connection\u2026")
        if moving is not None:
            total = moving.size if isinstance(moving, Upload) else moving.file.size
            percent = int(100 * moving.done / total) if total else 0
            if moving.state is TransferState.WAITING:
                return self.tr("waiting for the connection\u2026")
            return f"{file_size_text(moving.done)} / {file_size_text(total)}  {percent} %"
        download = self._download(file)
        if download is not None and download.state is TransferState.FAILED and download.error:
            return self.tr("%1 \u00b7 download failed: %2").replace(
                "%1", self._size_text(file)).replace("%2", describe_error(download.error))
        return self._size_text(file)


def _fit(size: QSize, width: int) -> QSize:
    """``size`` scaled down (never up) to fit ``width`` and the preview box."""
    box = QSize(min(width, PREVIEW_SIZE.width()), PREVIEW_SIZE.height())
    if size.width() <= box.width() and size.height() <= box.height():
        return size
    return size.scaled(box, Qt.AspectRatioMode.KeepAspectRatio)


