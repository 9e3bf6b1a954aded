"""Moving between conversations from the keyboard, and closing to the tray."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from client_gui.chat_window import ChatWindow
from client_gui.client import ConnectionState
from client_gui.settings import CLOSE_TO_TRAY, Settings
from tests.conftest import ServerProcess

from .conftest import WAIT_MS, Bot, StartClient, register, type_text


def chat_with_users(qtbot: QtBot, server: ServerProcess, start_client: StartClient,
                    bots: Callable[..., Bot]) -> tuple[ChatWindow, dict[str, Bot]]:
    """Alice's window, active, with bob, carol and dave online (in that order)."""
    others = {name: bots(server.address, name) for name in ("bob", "carol", "dave")}
    window = register(qtbot, start_client(server.address), "alice")
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    entries = window.conversations.list_model
    qtbot.waitUntil(lambda: all(entries.entry(n) is not None and entries.entry(n).online
                                for n in others), timeout=WAIT_MS)
    return window, others


def order(window: ChatWindow) -> list[object]:
    return [window.proxy.index(row, 0).data(Qt.ItemDataRole.DisplayRole)
            for row in range(window.proxy.rowCount())]


def test_alt_up_and_down_move_through_the_list(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    window, _ = chat_with_users(qtbot, server, start_client, bots)
    assert order(window)[:4] == ["General", "alice (you)", "bob", "carol"]
    assert window.current_conversation is None
    qtbot.keyClick(window.compose, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window.compose, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert window.current_conversation == "bob"
    assert window.header.text().startswith("bob")
    qtbot.keyClick(window.compose, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window.compose, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window.compose, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert window.current_conversation is None  # the top: it stays there


def test_ctrl_k_goes_to_a_conversation_by_part_of_its_name(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    window, _ = chat_with_users(qtbot, server, start_client, bots)
    qtbot.keyClick(window.compose, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    switcher = window.navigation.switcher
    assert switcher is not None and switcher.isVisible()
    type_text(switcher.query, "ar")
    assert switcher.proxy.rowCount() == 1  # carol
    qtbot.keyClick(switcher.query, Qt.Key.Key_Return)
    assert window.current_conversation == "carol"
    assert not switcher.isVisible()
    # Esc leaves it without going anywhere.
    qtbot.keyClick(window.compose, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    switcher = window.navigation.switcher
    assert switcher is not None
    type_text(switcher.query, "d")
    matches = [switcher.proxy.index(r, 0).data() for r in range(switcher.proxy.rowCount())]
    assert matches == ["dave"]
    qtbot.keyClick(switcher.query, Qt.Key.Key_Escape)
    assert window.current_conversation == "carol"


def test_ctrl_tab_opens_the_next_conversation_with_unread_messages_and_esc_marks_read(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    window, others = chat_with_users(qtbot, server, start_client, bots)
    window.conversations.set_attentive(False)  # looking elsewhere while they write
    others["dave"].send("from dave", to="alice")
    others["bob"].send("from bob", to="alice")
    entries = window.conversations.list_model
    qtbot.waitUntil(lambda: entries.entry("bob").unread == 1 and entries.entry("dave").unread == 1,
                    timeout=WAIT_MS)
    qtbot.keyClick(window.compose, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.current_conversation == "bob"
    qtbot.keyClick(window.compose, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.current_conversation == "dave"
    # Opening asked for dave's page, which marks read what it brings: a
    # message sent while it loads would come in it, read, not as unread.
    dave = window.conversations.model("dave")
    qtbot.waitUntil(lambda: not dave.loading and dave.newest_id is not None, timeout=WAIT_MS)
    # Dave writes again while Alice looks elsewhere; Esc says she has read it.
    others["dave"].send("still there?", to="alice")
    qtbot.waitUntil(lambda: entries.entry("dave").unread == 1, timeout=WAIT_MS)
    qtbot.keyClick(window.compose, Qt.Key.Key_Escape)
    assert entries.entry("dave").unread == 0
    assert entries.entry("bob").unread == 0


@pytest.mark.qt_log_ignore("systemTrayWindowChanged", "does not support propagateSizeHints",
                           "does not support raise")
def test_closing_hides_in_the_tray_when_chosen_and_the_session_goes_on(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The offscreen platform has no tray; this stands in for a desktop's.
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    settings.set(CLOSE_TO_TRAY, True)
    besedka = start_client(server.address)
    window = register(qtbot, besedka, "alice")
    assert window.tray is not None
    window.close()
    assert not window.isVisible()
    assert besedka.chat_window is window
    assert besedka.client.state is ConnectionState.ONLINE
    window.tray_presence.show_action.trigger()
    assert window.isVisible()
    settings.set(CLOSE_TO_TRAY, False)
    window.close()
    assert not window.isVisible()
    assert window.tray is not None and not window.tray.isVisible()
