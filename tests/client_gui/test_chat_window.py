"""The chat window as a person uses it: typing, drafts, links, copying,
changing the password and logging out."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QPoint, Qt, QTimer, QUrl
from PyQt6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QTextBrowser
from pytestqt.qtbot import QtBot

from client_gui.dialogs import ChangePasswordDialog
from tests.conftest import ServerProcess

from .conftest import WAIT_MS, Bot, StartClient, bodies, log_in, register, wait_for_body


def test_enter_sends_and_shift_enter_starts_a_new_line(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = bots(server.address, "bob")
    qtbot.keyClicks(alice.compose, "first line")
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(alice.compose, "second line")
    assert bodies(alice.conversations.model(None)) == []
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    assert alice.compose.toPlainText() == ""
    qtbot.waitUntil(lambda: [m["body"] for m in bob.history()] == ["first line\nsecond line"],
                    timeout=WAIT_MS)
    # Enter on an empty input sends nothing; the Send button works too.
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    qtbot.keyClicks(alice.compose, "by button")
    qtbot.mouseClick(alice.send_button, Qt.MouseButton.LeftButton)
    wait_for_body(qtbot, alice.conversations.model(None), "by button")
    assert bodies(alice.conversations.model(None)) == ["first line\nsecond line", "by button"]


def test_too_long_message_is_refused_in_the_window(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    alice.compose.setPlainText("x" * 4001)
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    assert alice.compose_error.text() == "The message is too long: at most 4000 characters."
    assert len(alice.compose.toPlainText()) == 4001  # nothing lost
    qtbot.keyClick(alice.compose, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(alice.compose, Qt.Key.Key_Backspace)
    assert not alice.compose_error.isVisible()


def test_each_conversation_keeps_its_draft(qtbot: QtBot, server: ServerProcess,
                                           start_client: StartClient,
                                           bots: Callable[..., Bot]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bots(server.address, "bob")
    qtbot.waitUntil(lambda: alice._proxy_index("bob").isValid(), timeout=WAIT_MS)
    qtbot.keyClicks(alice.compose, "half a thought for everyone")
    alice.select_conversation("bob")
    assert alice.compose.toPlainText() == ""
    qtbot.keyClicks(alice.compose, "for bob only")
    alice.select_conversation(None)
    assert alice.compose.toPlainText() == "half a thought for everyone"
    alice.select_conversation("bob")
    assert alice.compose.toPlainText() == "for bob only"


def test_links_open_on_click_and_messages_copy(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot], opened_urls: list[QUrl]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    alice.resize(800, 500)
    bob = bots(server.address, "bob")
    bob.send("read https://example.org/news?id=1. then tell me")
    bob.send("second message")
    model = alice.conversations.model(None)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)
    view = alice.message_view
    qtbot.waitUntil(lambda: view.visualRect(model.index(0)).height() > 0, timeout=WAIT_MS)

    # Find the link on screen the way a pointer would: scan the first row.
    rect = view.visualRect(model.index(0))
    link_point = next((QPoint(x, y) for y in range(rect.top(), rect.bottom(), 2)
                       for x in range(rect.left(), rect.right(), 3)
                       if view.clicks.link_at(QPoint(x, y))), None)
    assert link_point is not None
    assert view.clicks.link_at(QPoint(rect.left() + 2, rect.top() + 2)) is None
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=link_point)
    assert opened_urls == [QUrl("https://example.org/news?id=1")]

    # Ctrl+C copies the selected message, two rows with sender and time.
    view.setCurrentIndex(model.index(1))
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "second message"
    view.selectAll()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QApplication.clipboard().text().splitlines()
    assert len(copied) == 2 and copied[1].endswith("] bob: second message")

    # Double-click opens a text browser over the message to select a part.
    # (QTest's double click is only the second click; a person's has both.)
    centre = view.visualRect(model.index(1)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(lambda: view.findChild(QTextBrowser) is not None, timeout=WAIT_MS)
    editor = view.findChild(QTextBrowser)
    assert editor.toPlainText() == "second message" and editor.isReadOnly()


def test_password_change_takes_effect_for_the_next_login(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient) -> None:
    besedka = start_client(server.address)
    window = register(qtbot, besedka, "alice")
    dialogs: list[ChangePasswordDialog] = []

    def fill_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ChangePasswordDialog)
        dialogs.append(dialog)
        old, new, repeat = (dialog.findChild(QLineEdit, name) for name in ("old", "new", "repeat"))
        qtbot.keyClicks(old, "wrong old password")
        qtbot.keyClicks(new, "brand new secret")
        qtbot.keyClicks(repeat, "brand new secret")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: dialog.old_error.isVisible(), timeout=WAIT_MS)
        assert dialog.old_error.text() == "The current password is wrong."
        old.clear()
        qtbot.keyClicks(old, "correct horse")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, fill_dialog)
    window.menus.change_password_action.trigger()  # runs the dialog until it closes
    assert dialogs and dialogs[0].result() == ChangePasswordDialog.DialogCode.Accepted

    window.menus.log_out_action.trigger()
    qtbot.waitUntil(lambda: besedka.login_window is not None, timeout=WAIT_MS)
    assert log_in(qtbot, besedka, "alice", "brand new secret").conversations.me == "alice"
