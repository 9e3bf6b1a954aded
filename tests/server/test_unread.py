"""Unread counts and read markers (PROTOCOL.md: roster entry, ``general_unread``,
``mark_read``).

Proves: ``general_unread`` counts others' general messages above my marker;
roster ``unread`` counts direct messages from each user to me; my own
messages are never unread; a new account starts with nothing unread;
``mark_read`` only moves forward and clamps to the newest message; markers
are stored (they survive a restart) and shared by all my connections.
"""

from __future__ import annotations

import pytest

from tests.wire import PASSWORD

from .helpers import Clients, run, send_many


def _with(peer: str | None) -> dict[str, str | None]:
    return {"with": peer}


async def _general_unread(clients: Clients, name: str) -> int:
    """What a fresh login of ``name`` is told (the only place it appears)."""
    client = await clients.connect()
    reply = await client.request("login", username=name, password=PASSWORD)
    assert reply["type"] == "ok", reply
    await client.close()
    return reply["general_unread"]  # type: ignore[no-any-return]


async def _unread_by_user(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    reply = await client.request("users")
    assert reply["type"] == "ok", reply
    return {entry["username"]: entry["unread"] for entry in reply["users"]}


def test_a_new_account_starts_with_nothing_unread(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        await send_many(alice, 3)
        await send_many(bob, 2, to="alice")
        client = await clients.connect()
        reply = await client.request("register", username="carol", password=PASSWORD)
        assert reply["general_unread"] == 0
        roster = (await client.next_event("users"))["users"]
        assert [entry["unread"] for entry in roster] == [0, 0, 0]
        assert await _general_unread(clients, "carol") == 0
        # Later messages do count.
        await alice.send("welcome, carol")
        await alice.send("hi carol", to="carol")
        assert await _general_unread(clients, "carol") == 1
        assert (await _unread_by_user(client))["alice"] == 1

    run(scenario, server.address)


def test_general_unread_counts_only_other_users_general_messages(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        await alice.send("mine 1")
        await bob.send("bob's 1")
        await alice.send("mine 2")
        await bob.send("bob's 2")
        await bob.send("bob's 3")
        await bob.send("direct", to="alice")      # not the general room
        await alice.send("note", to="alice")      # not the general room
        assert await _general_unread(clients, "alice") == 3
        assert await _general_unread(clients, "bob") == 2

    run(scenario, server.address)


def test_roster_unread_counts_direct_messages_from_each_user_to_me(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        carol = await clients.register("carol")
        await send_many(bob, 3, to="alice")
        await send_many(carol, 1, to="alice")
        await send_many(alice, 4, to="bob")       # mine: never unread to me
        await send_many(alice, 2, to="alice")     # to myself: never unread
        await send_many(bob, 5)                   # general: not per user
        await send_many(carol, 2, to="bob")
        assert await _unread_by_user(alice) == {"alice": 0, "bob": 3, "carol": 1}
        assert await _unread_by_user(bob) == {"alice": 4, "bob": 0, "carol": 2}
        assert await _unread_by_user(carol) == {"alice": 0, "bob": 0, "carol": 0}
        # The roster event at login carries the same counts.
        again = await clients.login("alice")
        assert {e["username"]: e["unread"] for e in again.roster} == {
            "alice": 0, "bob": 3, "carol": 1}

    run(scenario, server.address)


def test_mark_read_of_the_general_room_moves_the_marker_forward_only(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        sent = await send_many(bob, 5)
        reply = await alice.request("mark_read", **_with(None), up_to=sent[2]["id"])
        assert reply == {"type": "ok", "re": reply["re"]}
        assert await _general_unread(clients, "alice") == 2
        # Backwards is ignored.
        await alice.request("mark_read", **_with(None), up_to=sent[0]["id"])
        await alice.request("mark_read", **_with(None), up_to=0)
        assert await _general_unread(clients, "alice") == 2
        # ``with`` may be left out: it is nullable.
        await alice.request("mark_read", up_to=sent[3]["id"])
        assert await _general_unread(clients, "alice") == 1
        await alice.request("mark_read", **_with(None), up_to=sent[4]["id"])
        assert await _general_unread(clients, "alice") == 0

    run(scenario, server.address)


def test_mark_read_beyond_the_newest_message_is_taken_as_the_newest(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        await send_many(bob, 2)
        await send_many(bob, 2, to="alice")
        await alice.request("mark_read", **_with(None), up_to=10**15)
        await alice.request("mark_read", **_with("bob"), up_to=2**53)
        assert await _general_unread(clients, "alice") == 0
        assert (await _unread_by_user(alice))["bob"] == 0
        # Messages stored later are unread: the marker did not jump ahead.
        await bob.send("later")
        await bob.send("later, directly", to="alice")
        assert await _general_unread(clients, "alice") == 1
        assert (await _unread_by_user(alice))["bob"] == 1

    run(scenario, server.address)


def test_mark_read_of_a_direct_conversation_moves_only_that_marker_forward(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        carol = await clients.register("carol")
        from_bob = await send_many(bob, 4, to="alice")
        await send_many(carol, 2, to="alice")
        await send_many(bob, 3)
        await alice.request("mark_read", **_with("BOB"), up_to=from_bob[1]["id"])
        assert await _unread_by_user(alice) == {"alice": 0, "bob": 2, "carol": 2}
        assert await _general_unread(clients, "alice") == 3
        await alice.request("mark_read", **_with("bob"), up_to=from_bob[0]["id"])
        assert (await _unread_by_user(alice))["bob"] == 2
        await alice.request("mark_read", **_with("bob"), up_to=from_bob[3]["id"])
        assert await _unread_by_user(alice) == {"alice": 0, "bob": 0, "carol": 2}
        # bob's view of his conversation with alice is his own.
        assert await _unread_by_user(bob) == {"alice": 0, "bob": 0, "carol": 0}

    run(scenario, server.address)


def test_mark_read_with_an_unknown_user_gets_unknown_user(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        reply = await alice.request("mark_read", **_with("no-such-user"), up_to=1)
        assert reply["type"] == "error" and reply["code"] == "unknown_user"

    run(scenario, shared_server.address)


@pytest.mark.parametrize("fields", [
    {"with": None}, {"with": None, "up_to": None}, {"with": None, "up_to": -1},
    {"with": None, "up_to": "5"}, {"with": None, "up_to": 1.0}, {"with": 3, "up_to": 1},
    {"with": None, "up_to": True},
])
def test_mark_read_with_a_missing_or_invalid_field_gets_bad_request(shared_server, fields):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        reply = await alice.request("mark_read", **fields)
        assert reply["type"] == "error" and reply["code"] == "bad_request", reply

    run(scenario, shared_server.address)


def test_read_markers_are_shared_by_all_connections_of_an_account(server):
    async def scenario(clients: Clients) -> None:
        alice1 = await clients.register("alice")
        alice2 = await clients.login("alice")
        bob = await clients.register("bob")
        await send_many(bob, 3, to="alice")
        general = await send_many(bob, 3)
        assert (await _unread_by_user(alice2))["bob"] == 3
        await alice1.request("mark_read", **_with("bob"), up_to=general[-1]["id"])
        await alice1.request("mark_read", **_with(None), up_to=general[0]["id"])
        assert (await _unread_by_user(alice2))["bob"] == 0
        assert await _general_unread(clients, "alice") == 2
        # A marker moved from the second connection counts for the first.
        await alice2.request("mark_read", **_with(None), up_to=general[-1]["id"])
        assert await _general_unread(clients, "alice") == 0

    run(scenario, server.address)


def test_read_markers_and_unread_counts_survive_a_restart(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        direct = await send_many(bob, 4, to="alice")
        general = await send_many(bob, 5)
        await alice.request("mark_read", **_with("bob"), up_to=direct[0]["id"])
        await alice.request("mark_read", **_with(None), up_to=general[1]["id"])

    run(scenario, server.address)
    server.restart()

    async def after(clients: Clients) -> None:
        client = await clients.connect()
        reply = await client.request("login", username="alice", password=PASSWORD)
        assert reply["general_unread"] == 3
        roster = (await client.next_event("users"))["users"]
        assert {e["username"]: e["unread"] for e in roster} == {"alice": 0, "bob": 3}

    run(after, server.address)
