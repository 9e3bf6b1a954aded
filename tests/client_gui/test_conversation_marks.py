"""The general room's mark in the conversation list: as large as a user's
picture, it must not read as a picture that failed to load, so it shows a
group of people in the square, selected or not."""

from __future__ import annotations

from PyQt6.QtGui import QColor, QImage, QPalette
from pytestqt.qtbot import QtBot

from client_gui.chat_window import ChatWindow
from client_gui.iconset import Tone, tone_color
from tests.conftest import ServerProcess

from .conftest import StartClient, register


def general_mark(window: ChatWindow) -> QImage:
    """The middle of the general room's square, as painted in the list."""
    rect = window.conversation_list.visualRect(window.proxy.index(0, 0))
    image = window.conversation_list.viewport().grab(rect).toImage()  # type: ignore[union-attr]
    side = image.height() - 8  # the delegate's mark: the row's height less a margin
    left = 8 + side // 4
    top = (image.height() - side) // 2 + side // 4
    return image.copy(left, top, side // 2, side // 2)


def shows(image: QImage, colour: QColor) -> bool:
    """Whether a good few of ``image``'s pixels are ``colour``."""
    near = sum(1 for x in range(image.width()) for y in range(image.height())
               if _close(image.pixelColor(x, y), colour))
    return near >= image.width() * image.height() // 10


def _close(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 60


def test_the_general_rooms_square_carries_people_selected_or_not(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient) -> None:
    besedka = start_client(server.address)
    alice = register(qtbot, besedka, "alice")
    alice.show()
    palette = alice.conversation_list.palette()
    assert alice.conversation_list.currentIndex().row() == 0  # the general room is open
    selected = general_mark(alice)
    assert shows(selected, palette.color(QPalette.ColorRole.HighlightedText))
    assert shows(selected, palette.color(QPalette.ColorRole.Highlight))

    alice.select_conversation("alice")
    unselected = general_mark(alice)
    assert shows(unselected, tone_color(Tone.ACCENT, palette))
    assert shows(unselected, palette.color(QPalette.ColorRole.Base))
