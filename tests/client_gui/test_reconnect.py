"""Losing the server: the client reconnects, catches up once, and delivers
what was typed meanwhile exactly once."""

from __future__ import annotations

import time
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from client_gui.client import ConnectionState
from client_gui.models import RowState
from tests.conftest import ServerProcess

from .conftest import WAIT_MS, Bot, StartClient, bodies, register, send, wait_for_body

#: Long enough that the test, not the timer, decides when to reconnect.
MANUAL = (600.0,)


def test_client_reconnects_after_a_crash_and_shows_what_was_sent_meanwhile_once(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    besedka = start_client(server.address, reconnect_delays=MANUAL)
    alice = register(qtbot, besedka, "alice")
    bots(server.address, "bob").send("before the crash")
    general = alice.conversations.model(None)
    wait_for_body(qtbot, general, "before the crash")

    qtbot.keyClicks(alice.compose, "a draft in progress")
    server.kill()
    qtbot.waitUntil(lambda: besedka.client.state is ConnectionState.WAITING, timeout=WAIT_MS)
    assert "Reconnecting in" in alice.status.text()
    assert alice.reconnect_button.isVisible()

    server.start()
    bob = bots(server.address, "bob", register=False)
    bob.send("while you were away")
    bob.send("a secret", to="alice")
    alice.reconnect_button.click()
    qtbot.waitUntil(lambda: besedka.client.state is ConnectionState.ONLINE, timeout=WAIT_MS)
    assert alice.status.text().startswith("Connected as alice")
    assert alice.compose.toPlainText() == "a draft in progress"

    wait_for_body(qtbot, general, "while you were away")
    direct = alice.conversations.model("bob")
    wait_for_body(qtbot, direct, "a secret")
    # A message after the reconnect arrives live, after the caught-up ones.
    bob.send("and now live")
    wait_for_body(qtbot, general, "and now live")
    assert bodies(general) == ["before the crash", "while you were away", "and now live"]
    assert bodies(direct) == ["a secret"]
    # The roster from the new login counted the direct message; catching up
    # did not count it a second time.
    assert alice.conversations.list_model.entry("bob").unread == 1


def test_message_sent_while_disconnected_waits_and_arrives_exactly_once(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    besedka = start_client(server.address, reconnect_delays=MANUAL)
    alice = register(qtbot, besedka, "alice")
    server.stop()
    qtbot.waitUntil(lambda: besedka.client.state is ConnectionState.WAITING, timeout=WAIT_MS)

    send(qtbot, alice, "typed while offline")
    general = alice.conversations.model(None)
    assert bodies(general) == ["typed while offline"]
    assert general.row(0).state is RowState.PENDING
    assert alice.status_bar.waiting.text() == "1 message waiting to be sent"

    server.start()
    bob = bots(server.address, "bob")
    alice.reconnect_button.click()
    qtbot.waitUntil(lambda: general.rowCount() == 1
                    and general.row(0).state is RowState.SENT, timeout=WAIT_MS)
    assert not alice.status_bar.waiting.isVisible()
    assert bob.next_event("message")["message"]["body"] == "typed while offline"
    assert [m["body"] for m in bob.history()] == ["typed while offline"]


def test_unacknowledged_message_is_resent_with_its_key_and_not_doubled(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    besedka = start_client(server.address, reconnect_delays=MANUAL)
    alice = register(qtbot, besedka, "alice")
    bob = bots(server.address, "bob")
    send(qtbot, alice, "stored but not acknowledged")
    # Until the test returns to the Qt event loop the GUI thread cannot read
    # the server's acknowledgement, though the network thread sends the
    # message at once.  Wait (outside Qt) until the server has stored it,
    # then drop the connection: exactly a reply lost with its connection.
    deadline = time.monotonic() + WAIT_MS / 1000
    while [m["body"] for m in bob.history()] != ["stored but not acknowledged"]:
        assert time.monotonic() < deadline, "the server never stored the message"
    besedka.client._link.drop_and_retry()  # noqa: SLF001 - as if the socket had broken
    general = alice.conversations.model(None)
    assert general.row(0).state is RowState.PENDING

    alice.reconnect_button.click()
    qtbot.waitUntil(lambda: general.rowCount() == 1
                    and general.row(0).state is RowState.SENT, timeout=WAIT_MS)
    assert [m["body"] for m in bob.history()] == ["stored but not acknowledged"]


def test_password_changed_elsewhere_ends_the_session_with_an_explanation(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    besedka = start_client(server.address, reconnect_delays=MANUAL)
    register(qtbot, besedka, "alice")
    other_device = bots(server.address, "alice", register=False)
    reply = other_device.request("change_password", old_password="correct horse",
                                 new_password="a brand new one")
    assert reply["type"] == "ok"
    server.stop()
    qtbot.waitUntil(lambda: besedka.client.state is ConnectionState.WAITING, timeout=WAIT_MS)
    server.start()
    assert besedka.chat_window is not None
    besedka.chat_window.reconnect_button.click()
    qtbot.waitUntil(lambda: besedka.login_window is not None, timeout=WAIT_MS)
    assert besedka.chat_window is None
    assert besedka.login_window.error.text() == (
        "You were logged out: Wrong username or password.")
