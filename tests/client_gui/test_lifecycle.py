"""Messages that live, in the desktop client against the real server: reply,
edit (Up arrow too), delete with a confirmation, react (menu, chips,
picker), ``@`` completion and mentions, typing, ticks, and catching up on
every change made while the client was away.

The other people are version 2 bots (raw protocol clients) or more real
clients; the user acts through the real widgets: keys, the context menu's
entries, clicks on the painted parts of a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PyQt6.QtCore import QModelIndex, QPoint, QPointF, Qt, QTimer
from PyQt6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from client_gui.bubble_parts import Quote
from client_gui.chat_window import ChatWindow
from client_gui.client import ConnectionState
from client_gui.emoji_picker import ReactionPicker
from client_gui.message_menu import Abilities, build_message_menu
from client_gui.models import MessageListModel, MessageRow, Roles
from client_gui.read_markers import Receipt
from tests.conftest import ServerProcess

from .conftest import WAIT_MS, Bot, StartClient, bodies, register, send, wait_for_body

#: Long enough that the test, not the timer, decides when to reconnect.
MANUAL = (600.0,)


def row_with(model: MessageListModel, body: str) -> MessageRow:
    return next(model.row(n) for n in range(model.rowCount()) if model.row(n).body == body)


def index_of(model: MessageListModel, message_id: int) -> QModelIndex:
    number = model.position_of(message_id)
    assert number is not None
    return model.index(number)


def choose(window: ChatWindow, row: MessageRow, entry: str) -> None:
    """Choose an entry of a message's context menu, as a click would."""
    menu = build_message_menu(window.message_view, row, None)
    actions = {action.text().replace("&", ""): action for action in menu.actions()}
    for action in menu.actions():
        submenu = action.menu()
        if submenu is not None:
            actions.update({a.text().replace("&", ""): a for a in submenu.actions()})
    assert entry in actions, sorted(actions)
    actions[entry].trigger()
    menu.deleteLater()


def click_part(qtbot: QtBot, window: ChatWindow, message_id: int,
               found: Callable[[QModelIndex, QPointF], Any]) -> None:
    """Click the first point of a message's row where ``found`` says yes."""
    view = window.message_view
    model = view.message_model()
    assert model is not None
    index = index_of(model, message_id)
    view.scrollTo(index)
    rect = view.visualRect(index)
    for y in range(rect.top(), rect.bottom(), 2):
        for x in range(rect.left(), rect.right(), 3):
            if found(index, QPointF(x, y)):
                qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, y))
                return
    raise AssertionError("no such part in the message")


def wait_stored(qtbot: QtBot, model: MessageListModel, body: str) -> MessageRow:
    """The row of my message once the server has acknowledged it."""
    qtbot.waitUntil(lambda: any(model.row(n).body == body and model.row(n).id is not None
                                for n in range(model.rowCount())), timeout=WAIT_MS)
    return row_with(model, body)


def answer_next_box(button: QMessageBox.StandardButton) -> None:
    """Press ``button`` in the next message box that opens."""
    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, press)
            return
        box.button(button).click()

    QTimer.singleShot(20, press)


def test_up_arrow_edits_my_last_message_and_others_see_it_edited(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = bots(server.address, "bob", protocol=2)
    general = alice.conversations.model(None)
    send(qtbot, alice, "teh plan")
    wait_stored(qtbot, general, "teh plan")
    sent = bob.next_event("message")["message"]

    qtbot.keyClicks(alice.compose, "a draft")
    alice.compose.clear()
    qtbot.keyClick(alice.compose, Qt.Key.Key_Up)
    assert alice.compose.toPlainText() == "teh plan"
    assert alice.message_actions.strip.isVisible()
    alice.compose.selectAll()
    qtbot.keyClicks(alice.compose, "the plan")
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    wait_for_body(qtbot, general, "the plan")
    row = row_with(general, "the plan")
    assert row.edited and row.id == sent["id"] and general.rowCount() == 1
    assert not alice.message_actions.strip.isVisible()
    update = bob.next_event("update")["message"]
    assert (update["id"], update["body"]) == (sent["id"], "the plan")


def test_an_edit_gives_back_the_draft_and_escape_cancels_it(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    general = alice.conversations.model(None)
    send(qtbot, alice, "first")
    wait_stored(qtbot, general, "first")
    qtbot.keyClicks(alice.compose, "half a thought")
    choose(alice, row_with(general, "first"), "Edit")
    assert alice.compose.toPlainText() == "first"
    qtbot.keyClick(alice.compose, Qt.Key.Key_Escape)
    assert alice.compose.toPlainText() == "half a thought"
    assert not alice.message_actions.strip.isVisible()
    assert not row_with(general, "first").edited


def test_deleting_asks_first_and_leaves_message_deleted_for_everyone(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = register(qtbot, start_client(server.address), "bob")
    send(qtbot, alice, "oops, wrong room")
    general, bobs = alice.conversations.model(None), bob.conversations.model(None)
    wait_for_body(qtbot, bobs, "oops, wrong room")
    row = wait_stored(qtbot, general, "oops, wrong room")

    answer_next_box(QMessageBox.StandardButton.No)
    choose(alice, row, "Delete\u2026")
    assert not general.row(0).deleted
    answer_next_box(QMessageBox.StandardButton.Yes)
    alice.message_view.setCurrentIndex(general.index(0))
    alice.message_view.setFocus()
    qtbot.keyClick(alice.message_view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: general.row(0).deleted and bobs.row(0).deleted, timeout=WAIT_MS)
    assert bobs.row(0).id == row.id and bobs.rowCount() == 1
    # Shown as "Message deleted", greyed; nothing left to edit or react to.
    document = bob.message_view.message_delegate.document(bobs.row(0), 300)
    assert document.toPlainText() == "Message deleted"
    assert alice.conversations.model(None).own_last() is None


def test_a_reply_quotes_its_message_and_clicking_the_quote_jumps_there(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    bob = bots(server.address, "bob", protocol=2)
    question = bob.send("who has the projector key?")
    # More than the view loads to fill itself: the question stays unloaded.
    for n in range(80):
        bob.send(f"filler {n}")
    alice = register(qtbot, start_client(server.address, page_sizes=(10, 10)), "alice")
    general = alice.conversations.model(None)
    wait_for_body(qtbot, general, "filler 79")

    # Reply to the newest message through the menu, then to the old question
    # through the server (it is not loaded yet).
    choose(alice, row_with(general, "filler 79"), "Reply")
    assert "Replying to bob" in alice.message_actions.strip.label.text()
    send(qtbot, alice, "not me")
    reply = wait_stored(qtbot, general, "not me")
    assert reply.reply_to == row_with(general, "filler 79").id
    assert general.data(index_of(general, reply.id), Roles.QUOTE) == Quote("bob", "filler 79")
    event = bob.next_event("message")["message"]
    assert event["reply_to"] == reply.reply_to

    answer = bob.request("send", body="I do, actually", reply_to=question["id"])
    wait_for_body(qtbot, general, "I do, actually")
    answer_id = answer["message"]["id"]
    assert general.data(index_of(general, answer_id), Roles.QUOTE) is None  # not loaded
    delegate = alice.message_view.message_delegate
    click_part(qtbot, alice, answer_id, lambda index, point: delegate.quote_at(
        alice.message_view.visualRect(index), index, point) is not None)
    qtbot.waitUntil(lambda: general.contains(question["id"]), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: alice.message_view.currentIndex().data(Roles.ROW).id
                    == question["id"], timeout=WAIT_MS)


def test_reactions_show_as_chips_and_clicking_one_toggles_mine(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = bots(server.address, "bob", protocol=2)
    sent = bob.send("lunch at 1?")
    general = alice.conversations.model(None)
    wait_for_body(qtbot, general, "lunch at 1?")
    bob.request("react", message=sent["id"], emoji="\U0001f44d", on=True)
    qtbot.waitUntil(lambda: general.row(0).reactions != (), timeout=WAIT_MS)
    assert [(r.emoji, r.users) for r in general.row(0).reactions] == [("\U0001f44d", ("bob",))]

    delegate = alice.message_view.message_delegate

    def on_chip(index: QModelIndex, point: QPointF) -> bool:
        return delegate.reaction_at(alice.message_view.visualRect(index), index,
                                    point) == "\U0001f44d"

    click_part(qtbot, alice, sent["id"], on_chip)
    qtbot.waitUntil(lambda: general.row(0).my_reactions == {"\U0001f44d"}, timeout=WAIT_MS)
    assert general.row(0).reactions[0].users == ("bob", "alice")
    assert bob.next_event("update")["message"]["reactions"][0]["users"] == ["bob", "alice"]
    click_part(qtbot, alice, sent["id"], on_chip)
    qtbot.waitUntil(lambda: not general.row(0).my_reactions, timeout=WAIT_MS)

    # Any other emoji: from the menu's quick ones, or the picker.
    choose(alice, general.row(0), "\U0001f389")
    qtbot.waitUntil(lambda: "\U0001f389" in general.row(0).my_reactions, timeout=WAIT_MS)

    def pick() -> None:
        picker = QApplication.activeModalWidget()
        if not isinstance(picker, ReactionPicker):
            QTimer.singleShot(20, pick)
            return
        picker.other.setText("\U0001f9ea")
        picker.on_other_entered()

    QTimer.singleShot(20, pick)
    choose(alice, general.row(0), "More\u2026")
    qtbot.waitUntil(lambda: "\U0001f9ea" in general.row(0).my_reactions, timeout=WAIT_MS)


def test_typing_shows_under_the_conversation_and_mine_reaches_the_others(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = bots(server.address, "bob", protocol=2)
    label = alice.message_actions.typing_label
    bob.request("typing", active=True)
    qtbot.waitUntil(lambda: label.isVisible() and label.text() == "bob is typing\u2026",
                    timeout=WAIT_MS)
    bob.send("done typing")
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=WAIT_MS)

    qtbot.keyClicks(alice.compose, "hel")
    event = bob.next_event("typing")
    assert (event["from"], event["to"], event["active"]) == ("alice", None, True)
    qtbot.keyClicks(alice.compose, "lo")
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    assert bob.next_event("typing")["active"] is False


def test_ticks_turn_double_when_the_other_end_reads_my_message(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = bots(server.address, "bob", protocol=2)
    qtbot.waitUntil(lambda: alice.conversations.list_model.entry("bob") is not None,
                    timeout=WAIT_MS)
    alice.select_conversation("bob")
    send(qtbot, alice, "did you read this?")
    direct = alice.conversations.model("bob")
    qtbot.waitUntil(lambda: direct.rowCount() == 1 and direct.row(0).id is not None,
                    timeout=WAIT_MS)
    assert direct.data(direct.index(0), Roles.RECEIPT) is Receipt.STORED
    bob.request("mark_read", up_to=direct.row(0).id, **{"with": "alice"})
    qtbot.waitUntil(lambda: direct.data(direct.index(0), Roles.RECEIPT) is Receipt.READ,
                    timeout=WAIT_MS)
    # The general room has no ticks.
    general = alice.conversations.model(None)
    assert all(general.data(general.index(n), Roles.RECEIPT) is None
               for n in range(general.rowCount()))


# The completion list is a popup, which Qt's offscreen plugin can neither
# raise nor give the keyboard to; it says so, and is right, and the popup
# works all the same.
@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard",
                          "does not support propagateSizeHints")
def test_at_completes_member_names_and_a_mention_of_me_is_highlighted_and_notified(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = bots(server.address, "Bobby", protocol=2)
    qtbot.waitUntil(lambda: alice.conversations.list_model.entry("bobby") is not None,
                    timeout=WAIT_MS)
    qtbot.keyClicks(alice.compose, "ask @bo")
    completer = alice.message_actions.completer
    qtbot.waitUntil(lambda: completer.popup_visible, timeout=WAIT_MS)
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    assert alice.compose.toPlainText() == "ask @Bobby "
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    event = bob.next_event("message")["message"]
    assert event["mentions"] == ["Bobby"]

    # Bob calls alice in the general room while she reads him directly.
    alice.select_conversation("bobby")
    notifier = alice.tray_presence.notifier
    with qtbot.waitSignal(notifier.notified, timeout=WAIT_MS) as notified:
        bob.send("@alice, lunch?")
    assert notified.args == ["Bobby mentioned you", "@alice, lunch?"]
    general = alice.conversations.model(None)
    wait_for_body(qtbot, general, "@alice, lunch?")
    assert row_with(general, "@alice, lunch?").mentions_me
    assert not row_with(general, "ask @Bobby ").mentions_me


def test_a_client_that_was_away_shows_every_change_made_meanwhile(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    besedka = start_client(server.address, reconnect_delays=MANUAL)
    alice = register(qtbot, besedka, "alice")
    bob = bots(server.address, "bob", protocol=2)
    sent = [bob.send(f"message {n}") for n in range(5)]
    general = alice.conversations.model(None)
    wait_for_body(qtbot, general, "message 4")

    server.kill()
    qtbot.waitUntil(lambda: besedka.client.state is ConnectionState.WAITING, timeout=WAIT_MS)
    server.start()
    bob = bots(server.address, "bob", register=False, protocol=2)
    bob.request("edit", message=sent[0]["id"], body="message 0, edited")
    bob.request("delete", message=sent[1]["id"])
    bob.request("react", message=sent[2]["id"], emoji="\U0001f440", on=True)
    bob.send("new while away")
    alice.reconnect_button.click()
    wait_for_body(qtbot, general, "new while away")
    qtbot.waitUntil(lambda: general.row(1).deleted, timeout=WAIT_MS)
    assert bodies(general) == ["message 0, edited", "", "message 2", "message 3", "message 4",
                               "new while away"]
    assert general.row(0).edited
    assert [r.emoji for r in general.row(2).reactions] == ["\U0001f440"]


def test_the_menu_offers_only_what_the_server_does(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    assert alice.message_view.abilities == Abilities(edits=True, reactions=True)
    general = alice.conversations.model(None)
    send(qtbot, alice, "plain")
    wait_stored(qtbot, general, "plain")
    # A server without edits and reactions (version 1): copying is left.
    alice.message_view.abilities = Abilities()
    menu = build_message_menu(alice.message_view, general.row(0), None)
    assert [a.text().replace("&", "") for a in menu.actions()] == ["Copy", "Select text"]
    menu.deleteLater()
