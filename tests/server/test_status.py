"""Status (PROTOCOL-2.md): available, away or busy with a short text, told to
the others, kept across logins; version 1 connections never hear of it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ServerProcess
from tests.wire import PASSWORD

from .helpers import Client, Clients, run, unique_name
from .test_version2 import log_in, presence_of


async def set_status(client: Client, **fields: Any) -> dict[str, Any]:
    return await client.request("set_status", **fields)


def test_a_status_reaches_the_others_and_stays_for_the_next_login(
        server: ServerProcess) -> None:
    async def scenario(clients: Clients) -> None:
        name = unique_name("stat")
        me, _, _ = await log_in(clients, name, protocol=2)
        my_other, _, _ = await log_in(clients, name, register=False, protocol=2)
        watcher, _, _ = await log_in(clients, unique_name("watch"), protocol=2)
        old, _, _ = await log_in(clients, unique_name("old"))
        await me.no_event(0.2)

        reply = await set_status(me, status="busy", text="  в лаборатории 214 ")
        assert reply == {"type": "ok", "re": reply["re"]}
        for other in (watcher, my_other):
            assert await presence_of(other, name) == {
                "username": name, "online": True, "status": "busy",
                "status_text": "в лаборатории 214", "avatar": None}
        # The one who set it got its answer; a version 1 connection, whose
        # roster has no status, hears nothing.
        assert await me.no_event() == []
        assert [e for e in await old.no_event() if e["type"] == "presence"] == []

        # Text left out: the text stays.  An empty one clears it.
        assert (await set_status(me, status="away"))["type"] == "ok"
        assert (await presence_of(watcher, name))["status_text"] == "в лаборатории 214"
        assert (await set_status(me, status="available", text=""))["type"] == "ok"
        assert (await presence_of(watcher, name))["status_text"] == ""
        assert (await set_status(me, status="busy", text="lunch"))["type"] == "ok"
        await presence_of(watcher, name)

        for connection in (me, my_other):
            assert (await connection.request("logout"))["type"] == "ok"
        offline = await presence_of(watcher, name)
        assert offline["online"] is False and offline["status"] == "busy"
        # Kept across logins: the next roster shows it, to anyone.
        _, _, roster = await log_in(clients, name, register=False, protocol=2)
        mine = next(entry for entry in roster if entry["username"] == name)
        assert (mine["status"], mine["status_text"]) == ("busy", "lunch")
        users = await watcher.request("users")
        entry = next(entry for entry in users["users"] if entry["username"] == name)
        assert (entry["status"], entry["status_text"], entry["online"]) == ("busy", "lunch", True)
        back = await presence_of(watcher, name)
        assert back["online"] is True and back["status"] == "busy"

    run(scenario, server.address)


@pytest.mark.parametrize("fields", [
    {}, {"status": "sleeping"}, {"status": 1}, {"status": "away", "text": "x" * 81},
    {"status": "away", "text": "two\nlines"}, {"status": "away", "text": 5},
])
def test_a_bad_status_is_a_bad_request(shared_server: ServerProcess,
                                       fields: dict[str, Any]) -> None:
    async def scenario(clients: Clients) -> None:
        me, _, _ = await log_in(clients, unique_name("bad"), protocol=2)
        reply = await set_status(me, **fields)
        assert reply["code"] == "bad_request", reply

    run(scenario, shared_server.address)


def test_eighty_characters_of_text_are_enough(shared_server: ServerProcess) -> None:
    async def scenario(clients: Clients) -> None:
        me, _, _ = await log_in(clients, unique_name("long"), protocol=2)
        assert (await set_status(me, status="away", text="ж" * 80))["type"] == "ok"

    run(scenario, shared_server.address)


def test_version_1_cannot_set_a_status(shared_server: ServerProcess) -> None:
    async def scenario(clients: Clients) -> None:
        old = await clients.register(unique_name("v1"), PASSWORD)
        assert (await set_status(old, status="away"))["code"] == "unknown_type"

    run(scenario, shared_server.address)
