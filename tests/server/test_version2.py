"""Asking for version 2 (PROTOCOL-2.md): each connection speaks what its login asked.

A connection that logs in without ``protocol`` speaks version 1 and sees
exactly version 1's objects, whatever else happens on the server; one that
asks for version 2 sees every field of version 2's, in replies, events,
history, ``sync`` and the roster.  Both kinds share one server, one room
and one commit.
"""

from __future__ import annotations

from typing import Any

from tests.wire import PASSWORD

from .helpers import Client, Clients, run, unique_name

#: Every test here runs on SQLite and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

V1_MESSAGE_FIELDS = {"id", "from", "to", "body", "ts"}
V2_MESSAGE_FIELDS = V1_MESSAGE_FIELDS | {"seq", "room", "edited", "deleted", "reply_to",
                                         "mentions", "reactions", "file"}


async def log_in(clients: Clients, name: str, *, register: bool = True,
                 **negotiation: Any) -> tuple[Client, dict[str, Any], list[dict[str, Any]]]:
    """A connection logged in with these version 2 fields; its reply and roster."""
    client = await clients.connect()
    reply = await client.request("register" if register else "login", username=name,
                                 password=PASSWORD, **negotiation)
    assert reply["type"] == "ok", reply
    roster = (await client.next_event("users"))["users"]
    client.name = name
    return client, reply, roster


async def presence_of(client: Client, name: str) -> dict[str, Any]:
    """The next presence event about ``name`` (others' are skipped)."""
    while True:
        user: dict[str, Any] = (await client.next_event("presence"))["user"]
        if user["username"] == name:
            return user


def test_version_1_and_version_2_connections_see_one_message_in_their_own_forms(server):
    async def scenario(clients: Clients) -> None:
        old, _, old_roster = await log_in(clients, unique_name("old"))
        new, new_reply, new_roster = await log_in(clients, unique_name("new"), protocol=2)
        assert set(new_reply) == {"type", "re", "user", "general_unread"}
        # The roster: version 2 entries carry status and avatar.
        assert all(set(entry) == {"username", "online", "unread"} for entry in old_roster)
        me = next(e for e in new_roster if e["username"] == new.name)
        assert me == {"username": new.name, "online": True, "unread": 0,
                      "status": "available", "status_text": "", "avatar": None}

        # A version 1 sender: its reply is version 1, the event to version 2
        # is version 2, for the same message.
        sent = await old.send("from the old client")
        assert set(sent) == V1_MESSAGE_FIELDS
        event = (await new.next_event("message"))["message"]
        assert set(event) == V2_MESSAGE_FIELDS
        assert {key: event[key] for key in V1_MESSAGE_FIELDS} == sent
        assert event["seq"] > 0 and event["room"] is None and event["deleted"] is False
        assert event["mentions"] == [] and event["reactions"] == [] and event["file"] is None

        # A version 2 sender: the other way round.
        mine = await new.send("from the new client", to=old.name)
        assert set(mine) == V2_MESSAGE_FIELDS and mine["seq"] > event["seq"]
        assert (await old.next_event("message"))["message"] == {
            key: mine[key] for key in V1_MESSAGE_FIELDS}

        # Reading back: history and sync in each connection's own version.
        for client, fields in ((old, V1_MESSAGE_FIELDS), (new, V2_MESSAGE_FIELDS)):
            history = await client.request("history", limit=10)
            assert history["messages"] and all(set(m) == fields for m in history["messages"])
            sync = await client.request("sync", after=0)
            assert sync["messages"] and all(set(m) == fields for m in sync["messages"])

    run(scenario, server.address)


def test_presence_reaches_each_connection_in_its_own_version(server):
    async def scenario(clients: Clients) -> None:
        old, _, _ = await log_in(clients, unique_name("old"))
        new, _, _ = await log_in(clients, unique_name("new"), protocol=2)
        name = unique_name("newcomer")
        await log_in(clients, name)
        assert await presence_of(old, name) == {"username": name, "online": True}
        assert await presence_of(new, name) == {
            "username": name, "online": True, "status": "available", "status_text": "",
            "avatar": None}

    run(scenario, server.address)


def test_a_login_asking_for_a_newer_version_speaks_version_2(server):
    async def scenario(clients: Clients) -> None:
        name = unique_name("future")
        first, _, _ = await log_in(clients, name, protocol=2)
        await first.close()
        client, _, roster = await log_in(clients, name, register=False, protocol=7)
        assert "status" in roster[0]
        assert set(await client.send("hello from the future")) == V2_MESSAGE_FIELDS

    run(scenario, server.address)


def test_a_malformed_protocol_field_is_refused_and_the_connection_stays_out(server):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        for bad in (0, "2", 1.5, True):
            reply = await client.request("login", username="nobody", password=PASSWORD,
                                         protocol=bad)
            assert (reply["type"], reply["code"]) == ("error", "bad_request"), bad
            assert "'protocol'" in reply["message"]
        reply = await client.request("users")
        assert reply["code"] == "not_authenticated"

    run(scenario, server.address)
