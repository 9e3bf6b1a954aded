"""Two people chatting: messages appear, unread badges rise and clear, the
roster follows logins, and a conversation pages back through its history."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from client_gui.models import RowState
from tests.conftest import ServerProcess

from .conftest import WAIT_MS, Bot, StartClient, bodies, register, send, wait_for_body


def test_two_clients_exchange_general_and_direct_messages(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = register(qtbot, start_client(server.address), "bob")

    send(qtbot, alice, "Hello, everyone!")
    wait_for_body(qtbot, bob.conversations.model(None), "Hello, everyone!")
    bob.select_conversation("alice")
    send(qtbot, bob, "Hi Alice, just you.")
    alice_with_bob = alice.conversations.model("bob")
    wait_for_body(qtbot, alice_with_bob, "Hi Alice, just you.")

    alice.select_conversation("bob")
    assert alice.message_view.model() is alice_with_bob
    row = alice_with_bob.row(bodies(alice_with_bob).index("Hi Alice, just you."))
    assert row.sender == "bob" and not row.own
    # The direct message stays out of the general room, and my own message
    # is marked as mine once the server has it.
    assert "Hi Alice, just you." not in bodies(alice.conversations.model(None))
    mine = alice.conversations.model(None).row(0)
    assert mine.own and mine.state is RowState.SENT


def test_unread_badge_rises_and_clears(qtbot: QtBot, server: ServerProcess,
                                       start_client: StartClient,
                                       bots: Callable[..., Bot]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = bots(server.address, "bob")
    bob.send("one", to="alice")
    bob.send("two", to="alice")

    entries = alice.conversations.list_model
    qtbot.waitUntil(lambda: (entries.entry("bob") is not None
                             and entries.entry("bob").unread == 2), timeout=WAIT_MS)
    assert alice.windowTitle().startswith("(2)")

    # Clicking the conversation opens it and marks it read.
    index = alice._proxy_index("bob")
    rect = alice.conversation_list.visualRect(index)
    qtbot.mouseClick(alice.conversation_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())
    qtbot.waitUntil(lambda: entries.entry("bob").unread == 0, timeout=WAIT_MS)
    assert not alice.windowTitle().startswith("(")
    wait_for_body(qtbot, alice.conversations.model("bob"), "two")

    # The server stored the marker: a fresh login of alice sees nothing unread.
    def unread_on_server() -> int:
        other = Bot(server.address, "alice", register=False)
        try:
            return next(u["unread"] for u in other.wire.roster if u["username"] == "bob")
        finally:
            other.close()
    qtbot.waitUntil(lambda: unread_on_server() == 0, timeout=WAIT_MS)


def test_roster_follows_logins_and_logouts(qtbot: QtBot, server: ServerProcess,
                                           start_client: StartClient,
                                           bots: Callable[..., Bot]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    entries = alice.conversations.list_model
    carol = bots(server.address, "carol")
    qtbot.waitUntil(lambda: entries.entry("carol") is not None
                    and entries.entry("carol").online, timeout=WAIT_MS)
    bob = bots(server.address, "Bob")
    qtbot.waitUntil(lambda: entries.entry("bob") is not None
                    and entries.entry("bob").online, timeout=WAIT_MS)

    def shown_order() -> list[str]:
        proxy = alice.proxy
        return [proxy.index(row, 0).data() for row in range(proxy.rowCount())]

    # Online users first, by name regardless of case; the general room on top.
    assert shown_order() == ["General", "alice (you)", "Bob", "carol"]
    carol.close()
    qtbot.waitUntil(lambda: not entries.entry("carol").online, timeout=WAIT_MS)
    bob.request("logout")
    qtbot.waitUntil(lambda: not entries.entry("bob").online, timeout=WAIT_MS)
    assert shown_order() == ["General", "alice (you)", "Bob", "carol"]
    qtbot.keyClicks(alice.filter, "CA")
    assert shown_order() == ["carol"]


def test_scrolling_to_the_top_loads_older_pages_in_order_without_jumping(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    bob = bots(server.address, "bob")
    for number in range(95):
        bob.send(f"message {number:03}")
    besedka = start_client(server.address, page_sizes=(20, 30))
    alice = register(qtbot, besedka, "alice")
    view = alice.message_view
    model = alice.conversations.model(None)
    qtbot.waitUntil(lambda: model.rowCount() >= 20, timeout=WAIT_MS)
    # The newest message is in view first.
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=WAIT_MS)
    assert bodies(model)[-1] == "message 094"

    while model.has_older:
        count = model.rowCount()
        first_key = model.row(0).key
        bar.setValue(0)
        qtbot.waitUntil(lambda count=count: model.rowCount() > count or not model.has_older,
                        timeout=WAIT_MS)
        if model.rowCount() > count:
            # The message that was at the top is still at the top.
            moved_to = next(n for n in range(model.rowCount()) if model.row(n).key == first_key)
            assert abs(view.visualRect(model.index(moved_to)).top()) <= 2
    assert bodies(model) == [f"message {number:03}" for number in range(95)]
