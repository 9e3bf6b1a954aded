"""Rooms in the desktop client, against a real server (protocol version 2).

The sidebar lists General, then the rooms, then the people, each with its
unread badge; a room is made in the "New room" dialog (which says what is
wrong with a name before sending anything), browsed and joined, renamed
by its owner, left; its members panel shows who is online; and its
messages notify unless the room is muted.  Other people are raw version 2
protocol clients (:class:`RoomBot`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QListView
from pytestqt.qtbot import QtBot

from client_gui.chat_window import ChatWindow
from client_gui.client import ChatClient
from client_gui.conversations import Conversations
from client_gui.i18n import LanguageManager
from client_gui.iconset import Tone, tone_color
from client_gui.outbox import RoomConversation
from client_gui.room_models import MemberListModel
from client_gui.room_panel import MembersPanel
from client_gui.room_dialogs import BrowseRoomsDialog, InviteDialog, NewRoomDialog, \
    RoomSettingsDialog
from client_gui.settings import CertificatePins, Settings
from client_gui.status import status_colour
from client_gui.trust import CertificateTrust
from protocol.objects import Message
from tests.conftest import ServerProcess
from tests.wire import PASSWORD, WireClient

from .conftest import WAIT_MS, StartClient, bodies, register, send, type_text, wait_for_body
from .fake_connection import HELLO, FakeConnection


class RoomBot:
    """Another user at a raw version 2 client (rooms need version 2)."""

    def __init__(self, address: tuple[str, int], username: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.username = username
        self.wire = self._run(self._log_in(address, username))

    @staticmethod
    async def _log_in(address: tuple[str, int], username: str) -> WireClient:
        client = await WireClient.connect(address)
        reply = await client.request("register", username=username, password=PASSWORD,
                                     protocol=2)
        assert reply["type"] == "ok", reply
        await client.next_event("users")
        await client.next_event("rooms")
        return client

    def _run(self, awaitable: Any) -> Any:
        return self.loop.run_until_complete(awaitable)

    def ok(self, request_type: str, **fields: Any) -> dict[str, Any]:
        reply = self._run(self.wire.request(request_type, **fields))
        assert reply["type"] == "ok", reply
        return reply  # type: ignore[no-any-return]

    def next_event(self, event_type: str) -> dict[str, Any]:
        return self._run(self.wire.next_event(event_type))  # type: ignore[no-any-return]

    def close(self) -> None:
        self._run(self.wire.close())
        self.loop.close()


@pytest.fixture
def room_bots(server: ServerProcess) -> Iterator[Any]:
    made: list[RoomBot] = []

    def make(username: str) -> RoomBot:
        bot = RoomBot(server.address, username)
        made.append(bot)
        return bot

    yield make
    for bot in made:
        if not bot.loop.is_closed():
            bot.close()


def shown_order(window: ChatWindow) -> list[str]:
    proxy = window.proxy
    return [proxy.index(row, 0).data() for row in range(proxy.rowCount())]


def unread_of(window: ChatWindow, name: str) -> int:
    entry = next(e for e in window.conversations.list_model.entries()
                 if window.conversations.list_model.display_name(e) == name)
    return entry.unread


def room_named(window: ChatWindow, name: str) -> RoomConversation:
    for room in window.conversations.list_model.rooms():
        if room.name == name:
            return RoomConversation(room.id)
    raise LookupError(name)


def has_room(window: ChatWindow, name: str) -> bool:
    return any(room.name == name for room in window.conversations.list_model.rooms())


def test_the_sidebar_lists_general_then_rooms_then_people_with_unread_badges(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, room_bots: Any) -> None:
    bob = room_bots("bob")
    alice = register(qtbot, start_client(server.address), "alice")
    assert alice.rooms.available
    lab = bob.ok("create_room", name="Lab 214", members=["alice"])["room"]
    bob.ok("create_room", name="art club", members=["alice"])
    qtbot.waitUntil(lambda: has_room(alice, "art club") and has_room(alice, "Lab 214"),
                    timeout=WAIT_MS)
    assert shown_order(alice) == ["General", "art club", "Lab 214", "alice (you)", "bob"]
    for n in range(2):
        bob.ok("send", room=lab["id"], body=f"lab {n}")
    qtbot.waitUntil(lambda: unread_of(alice, "Lab 214") == 2, timeout=WAIT_MS)
    assert alice.windowTitle().startswith("(2)")
    # Opening the room shows its messages and clears its badge, on the server too.
    alice.select_conversation(room_named(alice, "Lab 214"))
    model = alice.conversations.model(room_named(alice, "Lab 214"))
    wait_for_body(qtbot, model, "lab 1")
    qtbot.waitUntil(lambda: unread_of(alice, "Lab 214") == 0, timeout=WAIT_MS)
    assert "lab 0" not in bodies(alice.conversations.model(None))
    assert alice.header.text() == "Lab 214 \u00b7 2 members"


def test_a_new_room_from_the_dialog_says_what_is_wrong_before_sending(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, room_bots: Any) -> None:
    bob, carol = room_bots("bob"), room_bots("carol")
    alice = register(qtbot, start_client(server.address), "alice")
    qtbot.waitUntil(lambda: alice.conversations.list_model.entry("carol") is not None,
                    timeout=WAIT_MS)
    alice.rooms.new_room_action.trigger()
    dialog = alice.rooms.dialog
    assert isinstance(dialog, NewRoomDialog)
    # Nothing typed: Create says why and sends nothing.
    dialog.ok_button.click()
    assert dialog.name_error.isVisible() and dialog.buttons.isEnabled()
    type_text(dialog.name, "x" * 65)
    assert "at most 64" in dialog.name_error.text()
    dialog.name.clear()
    type_text(dialog.name, "  Release 2.4 ")
    assert not dialog.name_error.isVisible()
    # The member list filters as one types.
    type_text(dialog.members.filter, "CA")
    assert dialog.members.shown() == ["carol"]
    dialog.members.set_checked("carol")
    dialog.public.setChecked(True)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: alice.rooms.dialog is None, timeout=WAIT_MS)
    room = room_named(alice, "Release 2.4")
    qtbot.waitUntil(lambda: alice.current_conversation == room, timeout=WAIT_MS)
    event = carol.next_event("room")["room"]
    assert (event["name"], event["public"], event["members"], event["owner"]) == (
        "Release 2.4", True, 2, "alice")
    send(qtbot, alice, "Welcome to the release room")
    message = carol.next_event("message")["message"]
    assert (message["room"], message["body"]) == (room.room_id, "Welcome to the release room")
    # Bob, not invited, hears of none of it (his next event is the marker).
    alice.select_conversation(None)
    send(qtbot, alice, "marker")
    assert bob.next_event("message")["message"]["body"] == "marker"


def test_a_refused_name_is_shown_in_the_dialog(qtbot: QtBot, server: ServerProcess,
                                               start_client: StartClient) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    alice.rooms.new_room_action.trigger()
    dialog = alice.rooms.dialog
    assert isinstance(dialog, NewRoomDialog)
    dialog.name.setText("tab\there")  # (set, not typed: the dialog checks typing)
    dialog.on_accepted()
    assert "control characters" in dialog.name_error.text()
    assert not has_room(alice, "tab\there")


def test_browse_public_rooms_and_join_one(qtbot: QtBot, server: ServerProcess,
                                          start_client: StartClient, room_bots: Any) -> None:
    bob = room_bots("bob")
    hall = bob.ok("create_room", name="Hall", public=True)["room"]
    bob.ok("create_room", name="Secret")  # private: never listed
    bob.ok("send", room=hall["id"], body="history from before")
    alice = register(qtbot, start_client(server.address), "alice")
    alice.rooms.browse_action.trigger()
    dialog = alice.rooms.dialog
    assert isinstance(dialog, BrowseRoomsDialog)
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=WAIT_MS)
    assert dialog.list.item(0).text().startswith("Hall \u00b7 1 member")
    dialog.list.setCurrentRow(0)
    dialog.ok_button.click()
    room = RoomConversation(hall["id"])
    qtbot.waitUntil(lambda: alice.current_conversation == room, timeout=WAIT_MS)
    wait_for_body(qtbot, alice.conversations.model(room), "history from before")
    assert bob.next_event("member") == {"type": "member", "room": hall["id"],
                                        "username": "alice", "joined": True}


def new_room_with_members_shown(qtbot: QtBot, alice: ChatWindow, name: str,
                                *invited: str) -> tuple[RoomConversation, MembersPanel, MemberListModel]:
    """Make a room in the "New room" dialog with ``invited`` in it, open it
    and its members panel; the room, the panel and its (loaded) model."""
    qtbot.waitUntil(lambda: all(alice.conversations.list_model.entry(n) is not None
                                for n in invited), timeout=WAIT_MS)
    alice.rooms.new_room_action.trigger()
    dialog = alice.rooms.dialog
    assert isinstance(dialog, NewRoomDialog)
    dialog.name.setText(name)
    for username in invited:
        dialog.members.set_checked(username)
    dialog.on_accepted()
    qtbot.waitUntil(lambda: has_room(alice, name), timeout=WAIT_MS)
    room = room_named(alice, name)
    qtbot.waitUntil(lambda: alice.current_conversation == room, timeout=WAIT_MS)
    alice.rooms.members_button.click()
    members = alice.conversations.rooms.members(room.room_id)
    qtbot.waitUntil(lambda: members.loaded and members.rowCount() == len(invited) + 1,
                    timeout=WAIT_MS)
    return room, alice.rooms.panel, members


def member_dot_green(view: QListView, members: MemberListModel, name: str) -> bool:
    """Whether the members panel paints ``name``'s dot in the "online" green."""
    return member_dot_shows(view, members, name, tone_color(Tone.POSITIVE, view.palette()))


def member_dot_shows(view: QListView, members: MemberListModel, name: str,
                     colour: QColor) -> bool:
    """Whether ``name``'s row in the members panel has ``colour`` where its dot is."""
    row = members.names().index(name)
    viewport = view.viewport()
    assert viewport is not None
    image = viewport.grab(view.visualRect(members.index(row))).toImage()
    return any(abs(image.pixelColor(x, y).red() - colour.red())
               + abs(image.pixelColor(x, y).green() - colour.green())
               + abs(image.pixelColor(x, y).blue() - colour.blue()) < 40
               for x in range(min(30, image.width())) for y in range(image.height()))


def test_the_members_panel_shows_who_is_online_and_the_owner_removes(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, room_bots: Any) -> None:
    bob, carol = room_bots("bob"), room_bots("carol")
    alice = register(qtbot, start_client(server.address), "alice")
    alice.rooms.confirm = lambda question: True
    room, panel, members = new_room_with_members_shown(qtbot, alice, "Lab", "bob", "carol")
    assert panel.isVisible()
    assert [members.data(members.index(n)) for n in range(3)] == [
        "alice (you, owner)", "bob", "carol"]
    assert panel.title.text() == "Members: 3 of 3 online"
    # Their dots say it too: the "online" green, as in the conversation list.
    alice.show()
    assert member_dot_green(panel.list, members, "bob")
    carol.close()
    qtbot.waitUntil(lambda: panel.title.text() == "Members: 2 of 3 online", timeout=WAIT_MS)
    assert not member_dot_green(panel.list, members, "carol")
    assert member_dot_green(panel.list, members, "bob")
    # The owner removes bob: bob hears of it, the panel and the count follow.
    panel.list.setCurrentIndex(members.index([e.name for e in map(
        members.entry, range(3))].index("bob")))
    assert panel.remove_button.isEnabled()
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert bob.next_event("room_left") == {"type": "room_left", "room": room.room_id}
    qtbot.waitUntil(lambda: members.names() == ["alice", "carol"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: alice.header.text() == "Lab \u00b7 2 members", timeout=WAIT_MS)


def test_the_members_panel_shows_statuses_and_greys_out_while_my_connection_is_down(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, room_bots: Any) -> None:
    bob = room_bots("bob")
    alice = register(qtbot, start_client(server.address, reconnect_delays=(600.0,)), "alice")
    _, panel, members = new_room_with_members_shown(qtbot, alice, "Lab", "bob")
    alice.show()
    away = status_colour("away")
    bob_row = members.index(members.names().index("bob"))
    assert member_dot_green(panel.list, members, "bob")
    assert bob_row.data(Qt.ItemDataRole.ToolTipRole) == "online"

    # Bob steps away: his dot takes the status's colour, as in the sidebar.
    bob.ok("set_status", status="away", text="lunch")
    qtbot.waitUntil(lambda: member_dot_shows(panel.list, members, "bob", away),
                    timeout=WAIT_MS)
    assert not member_dot_green(panel.list, members, "bob")
    assert bob_row.data(Qt.ItemDataRole.ToolTipRole) == "Away: lunch"

    # My connection goes: what the panel shows is only the last known.
    server.kill()
    qtbot.waitUntil(lambda: alice.conversations.list_model.presence_known is False,
                    timeout=WAIT_MS)
    assert not member_dot_shows(panel.list, members, "bob", away)
    assert bob_row.data(Qt.ItemDataRole.ToolTipRole) == "last known: Away: lunch"


def test_the_owner_renames_a_room_and_changes_its_topic(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, room_bots: Any) -> None:
    bob = room_bots("bob")
    alice = register(qtbot, start_client(server.address), "alice")
    bob.ok("create_room", name="Lab", members=["alice"])
    qtbot.waitUntil(lambda: has_room(alice, "Lab"), timeout=WAIT_MS)
    alice.select_conversation(room_named(alice, "Lab"))
    assert not alice.rooms.settings_action.isEnabled()  # bob owns it
    alice.rooms.on_settings()
    assert alice.rooms.dialog is None
    # Bob leaves: alice is the longest-standing member, so the room is hers.
    bob.ok("leave_room", room=room_named(alice, "Lab").room_id)
    qtbot.waitUntil(lambda: alice.rooms.settings_action.isEnabled(), timeout=WAIT_MS)
    alice.rooms.settings_action.trigger()
    dialog = alice.rooms.dialog
    assert isinstance(dialog, RoomSettingsDialog)
    dialog.name.setText("Lab 214")
    dialog.topic.setText("Fridays at ten")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: alice.header.text() == "Lab 214 \u00b7 1 member \u00b7 Fridays at ten",
                    timeout=WAIT_MS)
    assert shown_order(alice)[1] == "Lab 214"


def test_invite_and_leave(qtbot: QtBot, server: ServerProcess, start_client: StartClient,
                          room_bots: Any) -> None:
    bob, carol = room_bots("bob"), room_bots("carol")
    alice = register(qtbot, start_client(server.address), "alice")
    alice.rooms.confirm = lambda question: True
    lab = bob.ok("create_room", name="Lab", members=["alice"])["room"]
    qtbot.waitUntil(lambda: has_room(alice, "Lab"), timeout=WAIT_MS)
    room = RoomConversation(lab["id"])
    alice.select_conversation(room)
    qtbot.waitUntil(lambda: alice.current_conversation == room, timeout=WAIT_MS)
    alice.rooms.invite_action.trigger()
    dialog = alice.rooms.dialog
    assert isinstance(dialog, InviteDialog)
    qtbot.waitUntil(lambda: dialog.people.shown() == ["carol"], timeout=WAIT_MS)
    dialog.people.set_checked("carol")
    dialog.on_accepted()
    assert carol.next_event("room")["room"]["id"] == lab["id"]
    qtbot.waitUntil(lambda: alice.header.text() == "Lab \u00b7 3 members", timeout=WAIT_MS)
    alice.rooms.leave_action.trigger()
    qtbot.waitUntil(lambda: not has_room(alice, "Lab"), timeout=WAIT_MS)
    assert alice.current_conversation is None
    assert bob.next_event("member") == {"type": "member", "room": lab["id"],
                                        "username": "carol", "joined": True}
    assert bob.next_event("member")["username"] == "alice"


def test_room_messages_notify_unless_the_room_is_muted(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, room_bots: Any) -> None:
    bob = room_bots("bob")
    alice = register(qtbot, start_client(server.address), "alice")
    lab = bob.ok("create_room", name="Lab", members=["alice"])["room"]
    qtbot.waitUntil(lambda: has_room(alice, "Lab"), timeout=WAIT_MS)
    arrived: list[Message] = []
    alice.conversations.unseen_message_arrived.connect(
        lambda message, conversation: arrived.append(message))
    bob.ok("send", room=lab["id"], body="ping")
    qtbot.waitUntil(lambda: len(arrived) == 1, timeout=WAIT_MS)
    assert alice.rooms.notification(arrived[0]) == ("bob in Lab", "ping")
    alice.select_conversation(RoomConversation(lab["id"]))
    alice.rooms.mute_action.trigger()
    assert alice.rooms.notification(arrived[0]) is None
    # The choice is remembered for this server's room.
    alice.select_conversation(None)
    alice.select_conversation(RoomConversation(lab["id"]))
    assert alice.rooms.mute_action.isChecked()


def test_a_muted_room_notifies_only_of_mentions(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, room_bots: Any) -> None:
    bob = room_bots("bob")
    alice = register(qtbot, start_client(server.address), "alice")
    lab = bob.ok("create_room", name="Lab", members=["alice"])["room"]
    qtbot.waitUntil(lambda: has_room(alice, "Lab"), timeout=WAIT_MS)
    shown: list[tuple[str, str]] = []
    alice.tray_presence.notifier.notified.connect(
        lambda title, text: shown.append((title, text)))
    alice.conversations.set_attentive(False)  # looking at another window
    # By default a room is a group I chose: its messages notify.
    bob.ok("send", room=lab["id"], body="ping")
    qtbot.waitUntil(lambda: shown == [("bob in Lab", "ping")], timeout=WAIT_MS)
    alice.select_conversation(RoomConversation(lab["id"]))
    alice.rooms.mute_action.trigger()
    alice.select_conversation(None)
    # Muted: nothing, unless I am called by name.
    bob.ok("send", room=lab["id"], body="pong")
    bob.ok("send", room=lab["id"], body="@alice, look")
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=WAIT_MS)
    assert shown[1] == ("bob mentioned you", "@alice, look")
    assert unread_of(alice, "Lab") == 2  # counted all the same ("ping" was read on opening)


@pytest.mark.parametrize("features", [[], ["rooms"]])
def test_the_rooms_menu_is_there_only_when_the_server_offers_rooms(
        qtbot: QtBot, settings: Settings, languages: LanguageManager,
        features: list[str]) -> None:
    connection = FakeConnection()
    client = ChatClient(connection, CertificateTrust(CertificatePins(settings),
                                                     lambda host, port: None),
                        (600.0,), tls=False, hello_timeout=600.0, jitter=lambda: 1.0)
    client.log_in("127.0.0.1", 7447, "alice", PASSWORD)
    connection.accept({**HELLO, "features": features})
    connection.reply(connection.last("login"), user={"username": "alice"}, general_unread=0)
    connection.push({"type": "users", "users": [{"username": "alice", "online": True,
                                                 "unread": 0}]})
    assert client.has_rooms is bool(features)
    assert connection.last("login")["protocol"] == 2
    window = ChatWindow(client, Conversations(client), settings, languages)
    qtbot.addWidget(window)
    menu_action = window.rooms.menu.menuAction()
    assert menu_action is not None and menu_action.isVisible() is bool(features)
    client.log_out()
