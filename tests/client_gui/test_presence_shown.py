"""Presence while my own connection is down: only the last known, greyed
out and said so, until the connection is back."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor
from pytestqt.qtbot import QtBot

from client_gui.chat_window import ChatWindow
from client_gui.client import ConnectionState
from client_gui.iconset import Tone, tone_color
from tests.conftest import ServerProcess

from .conftest import WAIT_MS, Bot, StartClient, register

#: Long enough that the test, not the timer, decides when to reconnect.
MANUAL = (600.0,)


def presence_colour_shown(window: ChatWindow, name: str) -> bool:
    """Whether the list paints ``name``'s presence in the "online" green."""
    index = window.proxy.index(0, 0)
    for row in range(window.proxy.rowCount()):
        if window.proxy.index(row, 0).data(Qt.ItemDataRole.DisplayRole) == name:
            index = window.proxy.index(row, 0)
    rect = window.conversation_list.visualRect(index)
    image = window.conversation_list.viewport().grab(rect).toImage()  # type: ignore[union-attr]
    green = tone_color(Tone.POSITIVE, window.palette())
    return any(_close(image.pixelColor(x, y), green)
               for x in range(min(40, image.width())) for y in range(image.height()))


def _close(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 40


def test_presence_greys_out_and_says_last_known_while_my_connection_is_down(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    besedka = start_client(server.address, reconnect_delays=MANUAL)
    alice = register(qtbot, besedka, "alice")
    alice.show()
    bots(server.address, "bob")
    entries = alice.conversations.list_model
    qtbot.waitUntil(lambda: entries.entry("bob") is not None and entries.entry("bob").online,
                    timeout=WAIT_MS)
    alice.select_conversation("bob")
    assert alice.header.text() == "bob \u00b7 online"
    assert presence_colour_shown(alice, "bob")

    server.kill()
    qtbot.waitUntil(lambda: besedka.client.state is ConnectionState.WAITING, timeout=WAIT_MS)
    assert alice.header.text() == "bob \u00b7 last known: online"
    assert not presence_colour_shown(alice, "bob")
    bob_row = [alice.proxy.index(r, 0) for r in range(alice.proxy.rowCount())
               if alice.proxy.index(r, 0).data(Qt.ItemDataRole.DisplayRole) == "bob"][0]
    assert bob_row.data(Qt.ItemDataRole.ToolTipRole) == "last known: online"

    server.start()
    bots(server.address, "bob", register=False)
    alice.reconnect_button.click()
    qtbot.waitUntil(lambda: besedka.client.state is ConnectionState.ONLINE, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: alice.header.text() == "bob \u00b7 online", timeout=WAIT_MS)
    assert presence_colour_shown(alice, "bob")
