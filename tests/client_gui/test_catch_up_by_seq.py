"""The session catches up by change number with a version 2 server, and by
id with a version 1 one (a scripted server: these are orderings no real
server produces on demand).

An edit of an old message arrives live with a high ``seq``; after a
reconnect the ``sync`` starts past it, and what the sync brings (new
messages and newer forms of old ones) reaches the windows.
"""

from __future__ import annotations

from typing import Any

from client_gui.client import ChatClient, ConnectionState
from protocol.objects import Message

from .fake_connection import FakeConnection
from .test_session import (  # noqa: F401  (fixtures)
    HOST,
    PORT,
    MakeClient,
    connection,
    logged_in_client,
    make_client,
    message,
    pins,
    reconnect,
)


def edited(message_id: int, seq: int, body: str) -> dict[str, Any]:
    return {**message(message_id, body), "seq": seq, "edited": "2026-11-22T10:20:00.000Z"}


def test_updates_move_the_resume_point_and_sync_goes_by_after_seq(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, _ = logged_in_client(make_client, connection)
    updated: list[Message] = []
    client.messages_updated.connect(updated.extend)
    connection.push({"type": "message", "message": message(10)},
                    {"type": "update", "message": edited(3, 11, "fixed")})
    assert [(m.id, m.body, m.seq) for m in updated] == [(3, "fixed", 11)]

    reconnect(client, connection)
    first = connection.last("sync")
    assert first["after_seq"] == 11 and "after" not in first
    arrived: list[tuple[list[int], bool]] = []
    client.messages_arrived.connect(lambda ms, live: arrived.append(([m.id for m in ms], live)))
    connection.reply(first, messages=[edited(4, 12, "also fixed"), message(13)], has_more=False)
    assert arrived == [([4, 13], False)]
    reconnect(client, connection)
    assert connection.last("sync")["after_seq"] == 13


def test_my_own_change_is_answered_with_its_new_form(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, _ = logged_in_client(make_client, connection)
    updated: list[Message] = []
    refused: list[object] = []
    client.messages_updated.connect(updated.extend)
    client.change_refused.connect(refused.append)
    client.edit_message(7, "better")
    request = connection.last("edit")
    assert (request["message"], request["body"]) == (7, "better")
    connection.reply(request, message=edited(7, 20, "better"))
    assert [(m.id, m.seq) for m in updated] == [(7, 20)]
    client.delete_message(8)
    connection.refuse(connection.last("delete"), "unknown_message")
    assert [str(code) for code in refused] == ["unknown_message"]
    reconnect(client, connection)
    assert connection.last("sync")["after_seq"] == 20


def test_a_version_1_server_is_caught_up_with_by_id(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, _ = make_client()
    client.log_in(HOST, PORT, "alice", "correct horse")
    _accept_as_version_1(connection)
    connection.push({"type": "message", "message": {k: v for k, v in message(10).items()
                                                    if k != "seq"}})
    connection.break_()
    client.reconnect_now()
    _accept_as_version_1(connection)
    assert client.state is ConnectionState.ONLINE
    sync = connection.last("sync")
    assert sync["after"] == 10 and "after_seq" not in sync
    assert "protocol" not in connection.last("login")
    _no_typing_on_version_1(client, connection)


def _accept_as_version_1(connection: FakeConnection) -> None:
    connection.accept({"type": "hello", "protocol": 1, "server": "besedka/0.1.0"})
    login = connection.last("login")
    connection.reply(login, user={"username": "alice"}, general_unread=0)
    connection.push({"type": "users", "users": [
        {"username": "alice", "online": True, "unread": 0}]})


def _no_typing_on_version_1(client: ChatClient, connection: FakeConnection) -> None:
    client.send_typing(None, True)
    assert connection.requests("typing") == []
