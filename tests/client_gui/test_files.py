"""Files in the desktop client against a real server: attach, paste, drop
and screenshot; cards, previews, downloads; offline, a crash, cancel;
pictures of users.

The client's caches and downloads go to this test's temporary folder; the
other users are more clients or raw protocol bots.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PyQt6.QtCore import QMimeData, QPoint, QPointF, QRect, Qt, QUrl
from PyQt6.QtGui import (QColor, QDragEnterEvent, QDropEvent, QGuiApplication, QImage, QPainter,
                         QPixmap)
from PyQt6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

import client_gui.files
from client_gui.chat_files import ChatFiles, ImageViewer
from client_gui.chat_window import ChatWindow
from client_gui.file_cards import FileAction
from client_gui.models import MessageListModel, MessageRow
from client_gui.settings import CertificatePins, Settings
from client_gui.transfer_state import TransferState
from tests.conftest import ServerProcess

from ..security.helpers import wait_for_log
from ..security.test_tls import logged_fingerprint
from .conftest import WAIT_MS, Bot, StartClient, register

LONG_WAIT_MS = 60_000


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Downloads and the cache in this test's folder, never the user's."""
    downloads = tmp_path / "Downloads"
    monkeypatch.setattr(client_gui.files, "default_download_dir", lambda: downloads)
    monkeypatch.setattr(client_gui.files, "default_cache_dir", lambda: tmp_path / "cache")
    return downloads


def some_file(folder: Path, name: str, size: int, seed: int = 0) -> Path:
    path = folder / name
    block = hashlib.sha256(str(seed).encode()).digest() * 32768  # 1 MiB
    with open(path, "wb") as file:
        left = size
        while left:
            file.write(block[:min(left, len(block))])
            left -= min(left, len(block))
    return path


def picture(width: int, height: int) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#3d7ab8"))
    painter = QPainter(image)
    painter.fillRect(QRect(width // 4, height // 4, width // 2, height // 2), QColor("#f5b041"))
    painter.end()
    return image


def file_rows(model: MessageListModel) -> list[MessageRow]:
    return [model.row(n) for n in range(model.rowCount()) if model.row(n).file is not None]


def stored_file_rows(model: MessageListModel) -> list[MessageRow]:
    return [row for row in file_rows(model) if row.id is not None]


def click_file_action(qtbot: QtBot, window: ChatWindow, row: MessageRow,
                      action: FileAction) -> None:
    """Click where the message's file offers ``action``, as a person would."""
    view = window.message_view
    model = view.message_model()
    assert model is not None
    number = next(n for n in range(model.rowCount()) if model.row(n).key == row.key)
    view.scrollTo(model.index(number))
    rect = view.visualRect(model.index(number))
    for y in range(rect.top(), rect.bottom(), 3):
        for x in range(rect.left(), rect.right(), 3):
            if view.clicks.file_action_at(QPoint(x, y)) is action:
                qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, y))
                return
    raise AssertionError(f"no {action} on the row")


def test_an_attached_file_goes_to_the_other_side_which_downloads_and_opens_it(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, tmp_path: Path,
        private_folders: Path, opened_urls: list[QUrl]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = register(qtbot, start_client(server.address), "bob")
    assert alice.files.attach_button.isVisibleTo(alice)
    report = some_file(tmp_path, "report.pdf", 3 * 1024 * 1024 + 11, seed=1)
    alice.files.attach([report])
    assert [p.name for p in alice.files.bar.paths()] == ["report.pdf"]
    qtbot.keyClicks(alice.compose, "the report")
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    assert alice.files.bar.paths() == [] and alice.compose.toPlainText() == ""

    general = bob.conversations.model(None)
    qtbot.waitUntil(lambda: len(stored_file_rows(general)) == 1, timeout=WAIT_MS)
    row = stored_file_rows(general)[0]
    assert row.file is not None and row.body == "the report"
    assert (row.file.name, row.file.size, row.file.mime) == (
        "report.pdf", report.stat().st_size, "application/pdf")
    # Alice's own row became the stored message.
    mine = alice.conversations.model(None)
    qtbot.waitUntil(lambda: len(stored_file_rows(mine)) == 1, timeout=WAIT_MS)

    click_file_action(qtbot, bob, row, FileAction.DOWNLOAD)
    downloaded = private_folders / "report.pdf"
    qtbot.waitUntil(downloaded.exists, timeout=WAIT_MS)
    assert downloaded.read_bytes() == report.read_bytes()
    assert not (private_folders / "report.pdf.part").exists()
    click_file_action(qtbot, bob, row, FileAction.OPEN)
    click_file_action(qtbot, bob, row, FileAction.SHOW_IN_FOLDER)
    assert opened_urls[-2:] == [QUrl.fromLocalFile(str(downloaded)),
                                QUrl.fromLocalFile(str(private_folders))]


def test_a_pasted_image_shows_inline_and_opens_full_size(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = register(qtbot, start_client(server.address), "bob")
    mime = QMimeData()
    mime.setImageData(picture(640, 400))
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None
    clipboard.setMimeData(mime)
    alice.compose.setFocus()
    alice.compose.paste()
    assert alice.compose.toPlainText() == ""
    [pasted] = alice.files.bar.paths()
    assert pasted.name.startswith("pasted-") and pasted.suffix == ".png"
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)

    general = bob.conversations.model(None)
    qtbot.waitUntil(lambda: len(stored_file_rows(general)) == 1, timeout=WAIT_MS)
    row = stored_file_rows(general)[0]
    assert row.file is not None and row.file.mime == "image/png"
    previews = bob.conversations.file_services.previews
    qtbot.waitUntil(lambda: previews.pixmap(row.file) is not None, timeout=WAIT_MS)
    preview = previews.pixmap(row.file)
    assert preview is not None and (preview.width(), preview.height()) == (320, 200)
    # The row grew to show it.
    view = bob.message_view
    number = general.rowCount() - 1
    qtbot.waitUntil(lambda: view.rowHeight(number) > 200, timeout=WAIT_MS)
    click_file_action(qtbot, bob, row, FileAction.VIEW)
    viewers = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, ImageViewer) and w.isVisible()]
    assert len(viewers) == 1
    label = viewers[0].findChild(QLabel, "picture")
    assert label is not None and label.pixmap().width() == 640  # full size
    viewers[0].close()


def test_a_file_dropped_on_the_window_is_attached(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, tmp_path: Path) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    notes = some_file(tmp_path, "notes.txt", 1000)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(notes)), QUrl.fromLocalFile(str(tmp_path))])
    position = QPointF(alice.message_view.geometry().center())
    enter = QDragEnterEvent(position.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(alice, enter)
    assert enter.isAccepted()
    drop = QDropEvent(position, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(alice, drop)
    # The folder is not a file: only the file is attached.
    assert alice.files.bar.paths() == [notes]


# The offscreen platform cannot raise a window; the chat window asks to be
# raised when the tool closes.
@pytest.mark.qt_log_ignore("does not support raise", "does not support propagateSizeHints")
def test_the_screenshot_tool_attaches_the_area_dragged_over(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    desktop = QPixmap.fromImage(picture(800, 600))
    overlay = alice.files.open_overlay(desktop, QRect(0, 0, 800, 600))
    qtbot.waitExposed(overlay)
    qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    qtbot.mouseMove(overlay, QPoint(250, 180))
    qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=QPoint(300, 220))
    [shot] = alice.files.bar.paths()
    assert shot.name.startswith("screenshot-")
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (200, 120)
    # The middle of the desktop picture is orange: so is what was taken.
    assert image.pixelColor(150, 100) == QColor("#f5b041")
    assert alice.isVisible()
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    general = alice.conversations.model(None)
    qtbot.waitUntil(lambda: len(stored_file_rows(general)) == 1, timeout=WAIT_MS)


def test_a_file_sent_while_offline_goes_out_when_the_connection_returns(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot], tmp_path: Path) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    server.stop()
    qtbot.waitUntil(lambda: not alice._client.state.name == "ONLINE", timeout=WAIT_MS)
    alice.files.attach([some_file(tmp_path, "offline.bin", 200_000, seed=2)])
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    general = alice.conversations.model(None)
    qtbot.waitUntil(lambda: len(file_rows(general)) == 1, timeout=WAIT_MS)
    upload = next(iter(alice._client.files.uploads.values()))
    qtbot.waitUntil(lambda: upload.state is TransferState.WAITING, timeout=WAIT_MS)
    server.start()
    qtbot.waitUntil(lambda: len(stored_file_rows(general)) == 1, timeout=LONG_WAIT_MS)
    bob = bots(server.address, "bob")  # a version 1 client: the file as its name
    assert [m["body"] for m in bob.history()] == ["\U0001f4ce offline.bin"]


def test_an_upload_cut_off_by_a_server_crash_resumes_from_where_it_stopped(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, tmp_path: Path) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    size = 400 * 1024 * 1024
    alice.files.attach([some_file(tmp_path, "big.iso", size, seed=3)])
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    upload = next(iter(alice._client.files.uploads.values()))
    incoming = server.database.parent / "files" / "incoming"

    def on_the_server() -> int:
        return sum(part.stat().st_size for part in incoming.glob("*.part"))

    # Killed once part of the file is on the server's disk, the rest not sent.
    qtbot.waitUntil(lambda: on_the_server() >= 8 * 1024 * 1024, timeout=LONG_WAIT_MS)
    server.kill()
    assert upload.done < size
    qtbot.waitUntil(lambda: upload.state is TransferState.WAITING, timeout=WAIT_MS)
    server.start()
    general = alice.conversations.model(None)
    qtbot.waitUntil(lambda: len(stored_file_rows(general)) == 1, timeout=3 * LONG_WAIT_MS)
    resumed = [line for line in server.log.splitlines() if "receiving" in line]
    assert resumed and "from offset 0" not in resumed[-1], server.log


def test_an_upload_is_cancelled_from_its_card(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot], tmp_path: Path) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    alice.files.attach([some_file(tmp_path, "huge.bin", 400 * 1024 * 1024, seed=4)])
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    general = alice.conversations.model(None)
    qtbot.waitUntil(lambda: len(file_rows(general)) == 1, timeout=WAIT_MS)
    click_file_action(qtbot, alice, file_rows(general)[0], FileAction.CANCEL)
    assert file_rows(general) == [] and alice._client.files.uploads == {}
    bob = bots(server.address, "bob")
    assert bob.history() == []


def test_a_picture_set_in_the_account_menu_shows_for_everyone(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, tmp_path: Path) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = register(qtbot, start_client(server.address), "bob")
    photo = tmp_path / "me.jpg"
    assert picture(900, 600).save(str(photo), "JPEG")
    assert alice.files.set_avatar_action.isVisible()
    assert alice.files.set_avatar(photo)
    avatars = bob.conversations.file_services.avatars
    qtbot.waitUntil(lambda: avatars.avatar_id("alice") is not None, timeout=WAIT_MS)
    # Bob's sidebar and messages show the picture, fetched, not her initial.
    qtbot.waitUntil(lambda: avatars.pixmap("alice", 24).toImage()
                    != avatars.initial("alice", 24).toImage(), timeout=WAIT_MS)
    # Alice sees her own too (the server tells only her other connections).
    assert alice.conversations.file_services.avatars.avatar_id("alice") is not None
    alice.files.remove_avatar_action.trigger()
    qtbot.waitUntil(lambda: avatars.avatar_id("alice") is None, timeout=WAIT_MS)


def test_no_file_controls_without_a_server_that_offers_files(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient) -> None:
    window = register(qtbot, start_client(server.address), "carol")
    # What the session knows after the hello of a server without files.
    window._client._link.features = frozenset()
    files = ChatFiles(window, window._client, window.conversations, lambda: None, print)
    assert not files.enabled
    assert not files.attach_button.isVisibleTo(window)
    assert not files.set_avatar_action.isVisible()


def test_files_go_up_and_down_over_tls_to_the_pinned_server(
        qtbot: QtBot, server_factory: Callable[..., ServerProcess], start_client: StartClient,
        settings: Settings, tmp_path: Path, private_folders: Path) -> None:
    server = server_factory("--no-rate-limits", tls=True)
    # Trusted already (the first-use question is test_tls's): transfers
    # check the same pin as the chat connection.
    CertificatePins(settings).pin(
        *server.address, logged_fingerprint(wait_for_log(server, "created certificate")))
    alice = register(qtbot, start_client(server.address, tls=True), "alice")
    bob = register(qtbot, start_client(server.address, tls=True), "bob")
    secret = some_file(tmp_path, "secret.bin", 2 * 1024 * 1024 + 3, seed=5)
    alice.files.attach([secret])
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    general = bob.conversations.model(None)
    qtbot.waitUntil(lambda: len(stored_file_rows(general)) == 1, timeout=WAIT_MS)
    click_file_action(qtbot, bob, stored_file_rows(general)[0], FileAction.DOWNLOAD)
    downloaded = private_folders / "secret.bin"
    qtbot.waitUntil(downloaded.exists, timeout=WAIT_MS)
    assert downloaded.read_bytes() == secret.read_bytes()
