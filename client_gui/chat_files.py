"""The chat window's files: attaching, sending, downloading, pictures.

:class:`ChatFiles` is the part of :class:`~client_gui.chat_window.ChatWindow`
that deals with files, kept apart so the window stays about conversations.
It makes the window's file controls and answers them:

* the attach button (a file dialog), drag and drop onto the window, an
  image or files pasted into the input box, and the "Screenshot" tool all
  put files in the :class:`~client_gui.attachments.AttachmentBar`; "Send"
  uploads each and posts it, the typed text as the first one's caption;
* a click on a file in a message (:class:`~client_gui.file_cards.FileAction`):
  download it, open it, show it in its folder, cancel its transfer, or see
  a picture full size;
* "Set picture…" and "Remove picture" in the Account menu.

Files need a server that offers them (``hello``'s ``features``); with an
older one the controls stay hidden.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QMimeData, QObject, QRect, Qt, QTimer, QUrl, pyqtSlot
from PyQt6.QtGui import QAction, QDragEnterEvent, QDropEvent, QImage, QPixmap
from PyQt6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from protocol.features import Feature
from protocol.limits import AVATAR_MAX_BYTES
from protocol.objects import FileInfo, RosterEntry
from protocol.replies import ErrorReply

from .attachments import AttachmentBar, save_picture
from .client import ChatClient
from .conversations import Conversations
from .file_cards import FileAction
from .models import MessageRow
from .outbox import ConversationId
from .screenshot import ScreenshotOverlay, grab_screen
from .texts import describe_error
from .transfer_state import TransferState

__all__ = ["ChatFiles", "ImageViewer", "avatar_image"]

log = logging.getLogger("besedka.client.files")

#: An avatar is made this many pixels square.
AVATAR_PIXELS = 256
#: How long the chat window is hidden before the screen is photographed
#: (the window manager needs a moment to take it away).
HIDE_BEFORE_SCREENSHOT_MS = 300


def avatar_image(path: Path) -> QImage | None:
    """A picture file made an avatar: its middle square, 256 pixels across."""
    image = QImage(str(path))
    if image.isNull():
        return None
    side = min(image.width(), image.height())
    square = image.copy(QRect((image.width() - side) // 2, (image.height() - side) // 2,
                              side, side))
    return square.scaled(AVATAR_PIXELS, AVATAR_PIXELS, Qt.AspectRatioMode.IgnoreAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)


class ImageViewer(QDialog):
    """A picture at full size (scrolled when larger than the screen)."""

    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        label = QLabel(self)
        label.setObjectName("picture")
        label.setPixmap(QPixmap(str(path)))
        area = QScrollArea(self)
        area.setWidget(label)
        area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(area)
        screen = self.screen()
        available = screen.availableGeometry().size() * 0.9 if screen else label.sizeHint()
        self.resize(min(label.sizeHint().width() + 4, available.width()),
                    min(label.sizeHint().height() + 4, available.height()))


class ChatFiles(QObject):
    """Files in the chat window.

    Args:
        window: the chat window (dialogs' parent; hidden for screenshots).
        client: the session (its file transfers, avatars).
        conversations: to send a file to the current conversation.
        current: the conversation open now.
        open_url: how a file or folder is opened (tests pass a recorder).
    """

    def __init__(self, window: QMainWindow, client: ChatClient, conversations: Conversations,
                 current: Callable[[], ConversationId],
                 open_url: Callable[[QUrl], object]) -> None:
        super().__init__(window)
        self._window = window
        self._client = client
        self._conversations = conversations
        self._current = current
        self._open_url = open_url
        self.enabled = Feature.FILES.value in client.features
        self.bar = AttachmentBar(window)
        self.attach_button = QToolButton(window)
        self.attach_button.setObjectName("attach")
        self.attach_button.clicked.connect(self.on_attach)
        self.screenshot_button = QToolButton(window)
        self.screenshot_button.setObjectName("screenshot")
        self.screenshot_button.clicked.connect(self.on_screenshot)
        self.set_avatar_action = QAction(window)
        self.set_avatar_action.triggered.connect(self.on_set_avatar)
        self.remove_avatar_action = QAction(window)
        self.remove_avatar_action.triggered.connect(self.on_remove_avatar)
        for control in (self.attach_button, self.screenshot_button):
            control.setVisible(self.enabled)
        for action in (self.set_avatar_action, self.remove_avatar_action):
            action.setVisible(self.enabled)
        #: The overlay of the screenshot tool while it is open.
        self.overlay: ScreenshotOverlay | None = None

    def retranslate(self) -> None:
        self.attach_button.setText(self.tr("&File\u2026"))
        self.attach_button.setToolTip(self.tr("Attach files (or drop them here, or paste)"))
        self.screenshot_button.setText(self.tr("Screenshot"))
        self.screenshot_button.setToolTip(self.tr("Send an area of the screen"))
        self.set_avatar_action.setText(self.tr("Set &picture\u2026"))
        self.remove_avatar_action.setText(self.tr("&Remove picture"))

    # ------------------------------------------------------------------
    # Attaching

    def attach(self, paths: list[Path]) -> None:
        """Put files in the attachment bar (folders and missing files are skipped)."""
        for path in paths:
            if path.is_file():
                self.bar.add(path)

    def attach_image(self, image: QImage, stem: str) -> None:
        """Attach a picture that exists only in memory (pasted, a screenshot)."""
        try:
            self.bar.add(save_picture(image, stem))
        except OSError as error:
            log.warning("could not save a picture to send: %s", error)

    @pyqtSlot()
    def on_attach(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self._window, self.tr("Attach files"))
        self.attach([Path(name) for name in names])

    def accepts(self, mime: QMimeData | None) -> bool:
        """Whether a drag or a paste carries files or a picture."""
        return self.enabled and mime is not None and (
            mime.hasImage() or any(url.isLocalFile() for url in mime.urls()))

    def take(self, mime: QMimeData) -> bool:
        """Attach what a drop or a paste carries; whether it carried anything."""
        if not self.accepts(mime):
            return False
        files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        if files:
            self.attach(files)
        elif mime.hasImage():
            image = mime.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.attach_image(image, "pasted")
        return True

    def drag_enter(self, event: QDragEnterEvent) -> None:
        if self.accepts(event.mimeData()):
            event.acceptProposedAction()

    def drop(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        if mime is not None and self.take(mime):
            event.acceptProposedAction()

    def send_attachments(self, conversation: ConversationId, caption: str) -> bool:
        """Send every attached file, ``caption`` with the first; whether any was."""
        paths = self.bar.paths()
        if not paths:
            return False
        for number, path in enumerate(paths):
            self._conversations.send_file(conversation, path, caption if number == 0 else "")
        self.bar.clear()
        return True

    # ------------------------------------------------------------------
    # The screenshot tool

    @pyqtSlot()
    def on_screenshot(self) -> None:
        """Hide the window, photograph the screen, and let the user pick an area."""
        self._window.hide()
        QTimer.singleShot(HIDE_BEFORE_SCREENSHOT_MS, self._show_overlay)

    def _show_overlay(self) -> None:
        picture, desktop = grab_screen()
        self.open_overlay(picture, desktop)

    def open_overlay(self, picture: QPixmap, desktop: QRect) -> ScreenshotOverlay:
        """Show the area picker over ``picture`` (the desktop as photographed)."""
        overlay = ScreenshotOverlay(picture, desktop)
        overlay.captured.connect(self.on_captured)
        overlay.cancelled.connect(self._restore_window)
        overlay.destroyed.connect(self._forget_overlay)
        self.overlay = overlay
        overlay.show()
        overlay.activateWindow()
        return overlay

    @pyqtSlot(QImage)
    def on_captured(self, image: QImage) -> None:
        self.attach_image(image, "screenshot")
        self._restore_window()

    def _restore_window(self) -> None:
        self._window.show()
        self._window.raise_()
        self._window.activateWindow()

    def _forget_overlay(self) -> None:
        self.overlay = None

    # ------------------------------------------------------------------
    # Files in messages

    @pyqtSlot(object, object)
    def on_file_action(self, row: MessageRow, action: FileAction) -> None:
        file = row.file
        if file is None:
            return
        transfers = self._client.files
        if action is FileAction.CANCEL:
            if row.id is None:
                transfers.cancel_upload(row.key)
                self._conversations.model(self._current()).remove_pending(row.key)
            else:
                transfers.cancel_download(file.id)
        elif action is FileAction.DOWNLOAD:
            transfers.download(file)
        elif action is FileAction.OPEN:
            self._open(file, folder=False)
        elif action is FileAction.SHOW_IN_FOLDER:
            self._open(file, folder=True)
        elif action is FileAction.VIEW:
            self._view(file)

    def _open(self, file: FileInfo, folder: bool) -> None:
        download = self._client.files.downloads.get(file.id)
        if download is None or download.state is not TransferState.DONE:
            return
        target = download.destination.parent if folder else download.destination
        self._open_url(QUrl.fromLocalFile(str(target)))

    def _view(self, file: FileInfo) -> None:
        original = self._conversations.file_services.previews.original(file)
        if original is None:
            return
        ImageViewer(original, file.name, self._window).show()

    # ------------------------------------------------------------------
    # My picture

    @pyqtSlot()
    def on_set_avatar(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self._window, self.tr("Choose your picture"), "",
            self.tr("Images (*.png *.jpg *.jpeg *.gif *.webp *.bmp)"))
        if name:
            self.set_avatar(Path(name))

    def set_avatar(self, path: Path) -> bool:
        """Make a picture file my avatar: cropped, scaled, uploaded, shown."""
        image = avatar_image(path)
        if image is None:
            self._warn(self.tr("This file is not a picture Besedka can read."))
            return False
        saved = save_picture(image, "avatar")
        if saved.stat().st_size > AVATAR_MAX_BYTES:
            self._warn(self.tr("This picture is too large."))
            return False
        self._client.files.upload_file(saved, lambda file: self._show_avatar(file.id))
        return True

    @pyqtSlot()
    def on_remove_avatar(self) -> None:
        self._show_avatar(None)

    def _show_avatar(self, file_id: str | None) -> None:
        def done(refusal: ErrorReply | None) -> None:
            if refusal is not None:
                self._warn(describe_error(refusal.code))
                return
            # The server tells every other connection; this one asked.
            self._conversations.file_services.avatars.set_entry(
                RosterEntry(self._client.username, True, avatar=file_id))

        self._client.account.set_avatar(file_id, done)

    def _warn(self, text: str) -> None:
        QMessageBox.warning(self._window, self.tr("Picture"), text)
