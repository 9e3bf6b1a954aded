"""Status in the desktop client: Available, Away, Busy with a text; shown in the
list and the header, set from the button, and Away by itself when idle."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor
from pytestqt.qtbot import QtBot

from client_gui.chat_window import ChatWindow
from client_gui.status import AWAY_AFTER_SECONDS, fit_status_text
from tests.conftest import ServerProcess
from tests.wire import PASSWORD, WireClient

from .conftest import WAIT_MS, StartClient, register


class Peer:
    """Another user on a raw version 2 connection, with its own event loop."""

    def __init__(self, address: tuple[str, int], name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.name = name
        self.wire: WireClient = self.loop.run_until_complete(self._register(address))

    async def _register(self, address: tuple[str, int]) -> WireClient:
        wire = await WireClient.connect(address)
        reply = await wire.request("register", username=self.name, password=PASSWORD,
                                   protocol=2)
        assert reply["type"] == "ok", reply
        await wire.next_event("users")
        return wire

    def request(self, request_type: str, **fields: Any) -> dict[str, Any]:
        return self.loop.run_until_complete(self.wire.request(request_type, **fields))

    def presence_of(self, name: str) -> dict[str, Any]:
        async def wait() -> dict[str, Any]:
            while True:
                user: dict[str, Any] = (await self.wire.next_event("presence"))["user"]
                if user["username"] == name:
                    return user
        return self.loop.run_until_complete(wait())

    def close(self) -> None:
        self.loop.run_until_complete(self.wire.close())
        self.loop.close()


@pytest.fixture
def peer(server: ServerProcess) -> Iterator[Peer]:
    bob = Peer(server.address, "bob")
    yield bob
    bob.close()


def logged_in_window(qtbot: QtBot, server: ServerProcess, start_client: StartClient,
                     peer: Peer) -> ChatWindow:
    window = register(qtbot, start_client(server.address), "alice")
    assert peer.presence_of("alice")["online"] is True
    return window


def test_statuses_show_in_the_list_and_the_header_and_mine_is_set_from_the_button(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, peer: Peer) -> None:
    window = logged_in_window(qtbot, server, start_client, peer)
    button = window.status_button
    assert button is not None and button.isVisible() and button.text() == "Available"

    assert peer.request("set_status", status="busy", text="in a meeting")["type"] == "ok"
    model = window.conversations.list_model
    qtbot.waitUntil(lambda: (entry := model.entry("bob")) is not None
                    and entry.status == "busy", timeout=WAIT_MS)
    entry = model.entry("bob")
    assert entry is not None and entry.status_text == "in a meeting"
    index = model.index(model.entries().index(entry))
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "Busy: in a meeting"
    window.select_conversation("bob")
    assert window.header.text() == "bob \u00b7 Busy: in a meeting"

    button.status_actions["away"].trigger()
    seen = peer.presence_of("alice")
    assert (seen["status"], seen["status_text"]) == ("away", "")
    qtbot.waitUntil(lambda: button.text() == "Away", timeout=WAIT_MS)
    assert button.status_actions["away"].isChecked()
    # My own row says so too.
    mine = model.entry("alice")
    assert mine is not None and mine.status == "away"


def test_idle_for_ten_minutes_is_away_and_the_next_input_is_available_again(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, peer: Peer) -> None:
    window = logged_in_window(qtbot, server, start_client, peer)
    auto_away = window.auto_away
    assert auto_away is not None and auto_away.seconds == AWAY_AFTER_SECONDS == 600
    auto_away.on_idle()  # what the timer does after ten minutes without input
    assert peer.presence_of("alice")["status"] == "away"
    qtbot.keyClick(window.compose, Qt.Key.Key_A)
    assert peer.presence_of("alice")["status"] == "available"

    # Busy, chosen by the user, stays busy however long nobody types.
    assert window.status_button is not None
    window.status_button.status_actions["busy"].trigger()
    assert peer.presence_of("alice")["status"] == "busy"
    button = window.status_button
    qtbot.waitUntil(lambda: button.text() == "Busy", timeout=WAIT_MS)  # its answer came
    auto_away.on_idle()
    assert not auto_away.set_away
    qtbot.keyClick(window.compose, Qt.Key.Key_B)
    assert button.text() == "Busy"
    events = peer.loop.run_until_complete(peer.wire.no_event(0.3))
    assert [event for event in events if event["type"] == "presence"] == []


def test_a_pasted_status_text_is_made_one_line_of_at_most_80_characters() -> None:
    assert fit_status_text("  lunch\nthen a meeting\x07 ") == "lunch then a meeting"
    assert len(fit_status_text("ж" * 200)) == 80


def test_the_status_buttons_menu_arrow_sits_beside_its_text_not_under_it(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, peer: Peer) -> None:
    window = logged_in_window(qtbot, server, start_client, peer)
    window.show()
    button = window.status_button
    assert button is not None
    image = button.grab().toImage()
    text = button.palette().color(button.foregroundRole())
    # The arrow: the text-coloured pixels right of the text.
    text_right = button.fontMetrics().horizontalAdvance(button.text()) + button.iconSize().width()
    rows = [y for y in range(image.height()) for x in range(text_right + 4, image.width())
            if _dark_as(image.pixelColor(x, y), text)]
    assert rows, "no menu arrow beside the status"
    middle = (min(rows) + max(rows)) / 2
    assert abs(middle - image.height() / 2) <= 3


def _dark_as(pixel: QColor, text: QColor) -> bool:
    return abs(pixel.lightness() - text.lightness()) < 90
