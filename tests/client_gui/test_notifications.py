"""Notifications as the settings say, and the unread count on the desktop."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from PyQt6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from client_gui.app import app_icon
from client_gui.chat_window import ChatWindow
from client_gui.notifier import mentions
from client_gui.settings import NOTIFICATIONS, NOTIFY_ONLY_MENTIONS, Settings
from client_gui.sounds import SoundPlayer, sound_path
from client_gui.taskbar import DESKTOP_ENTRY, TaskbarBadge, badged_icon
from protocol.objects import Message
from tests.conftest import ServerProcess

from .conftest import WAIT_MS, Bot, StartClient, register


def message(body: str, mentioned: tuple[str, ...] = ()) -> Message:
    return Message(1, "bob", None, body, "2026-01-01T00:00:00Z", mentions=mentioned)


def test_a_mention_is_found_in_version_2_mentions_or_as_at_name() -> None:
    assert mentions(message("hi", ("Alice",)), "alice")
    assert mentions(message("ask @alice about it"), "ALICE")
    assert mentions(message("@Алиса, привет"), "алиса")
    assert not mentions(message("alice is away"), "alice")


def notifications(qtbot: QtBot, window: ChatWindow) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    window.tray_presence.notifier.notified.connect(lambda title, text: shown.append(
        (title, text)))
    return shown


@pytest.fixture
def played(qtbot: QtBot) -> list[list[str]]:
    return []


def chat_with_sounds(qtbot: QtBot, server: ServerProcess, start_client: StartClient,
                     played: list[list[str]]) -> ChatWindow:
    window = register(qtbot, start_client(server.address), "alice")
    window.tray_presence.notifier.sounds = SoundPlayer(
        start=played.append, command_for=lambda path: ["player", str(path)])
    # Alice looks at another window: what arrives is unseen, General's too.
    window.conversations.set_attentive(False)
    return window


def test_by_default_direct_messages_and_mentions_notify_with_a_sound(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot], played: list[list[str]]) -> None:
    window = chat_with_sounds(qtbot, server, start_client, played)
    shown = notifications(qtbot, window)
    bob = bots(server.address, "bob")
    bob.send("lunch?")  # to everyone, mentioning nobody: no notification
    bob.send("@alice are you coming?")
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=WAIT_MS)
    bob.send("see you there", to="alice")
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=WAIT_MS)
    assert shown == [("bob mentioned you", "@alice are you coming?"),
                     ("Message from bob", "see you there")]
    assert played == [["player", str(sound_path("chime"))]] * 2


def test_every_message_notifies_when_not_only_mentions_and_none_when_off(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, settings: Settings,
        bots: Callable[..., Bot], played: list[list[str]]) -> None:
    settings.set(NOTIFY_ONLY_MENTIONS, False)
    window = chat_with_sounds(qtbot, server, start_client, played)
    shown = notifications(qtbot, window)
    bob = bots(server.address, "bob")
    bob.send("lunch?")
    qtbot.waitUntil(lambda: shown == [("Message from bob", "lunch?")], timeout=WAIT_MS)
    settings.set(NOTIFICATIONS, False)
    bob.send("@alice anyone?")
    bob.send("hello?", to="alice")
    direct = window.conversations.list_model
    qtbot.waitUntil(lambda: direct.entry("bob") is not None and direct.entry("bob").unread == 1,
                    timeout=WAIT_MS)
    assert shown == [("Message from bob", "lunch?")]
    assert len(played) == 1


def test_the_unread_count_is_badged_on_the_tray_icon() -> None:
    icon = app_icon()
    plain = icon.pixmap(32, 32).toImage()
    badged = badged_icon(icon, 3).pixmap(32, 32).toImage()
    corner = badged.pixelColor(26, 26)
    assert corner.red() > 180 and corner.green() < 120  # the red badge
    assert plain.pixelColor(26, 26) != corner
    assert badged_icon(icon, 0) is icon


@pytest.fixture
def session_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A D-Bus session bus of this test's own (the desktop's stays untouched)."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.fail("dbus-daemon is needed to test the launcher count: apt-get install dbus")
    process = subprocess.Popen([daemon, "--session", "--nofork", "--print-address=1"],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    address = process.stdout.readline().strip()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    process.terminate()
    process.wait(10)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Unity's launcher API is Linux's")
def test_the_unread_count_reaches_the_launcher_over_d_bus(
        qtbot: QtBot, session_bus: str) -> None:
    from jeepney import MatchRule, message_bus
    from jeepney.io.blocking import Proxy, open_dbus_connection

    listener = open_dbus_connection(bus="SESSION")
    rule = MatchRule(type="signal", interface="com.canonical.Unity.LauncherEntry",
                     member="Update")
    Proxy(message_bus, listener).AddMatch(rule)
    window = QWidget()
    qtbot.addWidget(window)
    badge = TaskbarBadge(window)
    try:
        with listener.filter(rule) as updates:
            badge.set_count(7)
            update = listener.recv_until_filtered(updates, timeout=10)
            assert update.body[0] == DESKTOP_ENTRY
            assert update.body[1]["count"] == ("x", 7)
            assert update.body[1]["count-visible"] == ("b", True)
            badge.set_count(0)
            update = listener.recv_until_filtered(updates, timeout=10)
            assert update.body[1]["count-visible"] == ("b", False)
    finally:
        badge.close()
        listener.close()
