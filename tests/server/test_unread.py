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

from .helpers import Client, Clients, run, send_many, unique_name

# SQLite only: what differs by database here (accounts, pages, markers) is
# proved on both by tests/db (test_queries, test_history_pages), and the
# server's side of it is the same code on either.


def _with(peer: str | None) -> dict[str, str | None]:
    return {"with": peer}


async def _general_unread(clients: Clients, name: str) -> int:
    """What a fresh login of ``name`` is told (the only place it appears)."""
    client = await clients.connect()
    reply = await client.request("login", username=name, password=PASSWORD)
    assert reply["type"] == "ok", reply
    await client.close()
    return reply["general_unread"]  # type: ignore[no-any-return]


async def _unread_by_user(client: Client) -> dict[str, int]:
    reply = await client.request("users")
    assert reply["type"] == "ok", reply
    return {entry["username"]: entry["unread"] for entry in reply["users"]}


def test_a_new_account_starts_with_nothing_unread(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        await send_many(alice, 3)
        await send_many(bob, 2, to=alice.name)
        carol = unique_name("carol")
        client = await clients.connect()
        reply = await client.request("register", username=carol, password=PASSWORD)
        assert reply["general_unread"] == 0
        roster = (await client.next_event("users"))["users"]
        assert {entry["unread"] for entry in roster} == {0}
        assert await _general_unread(clients, carol) == 0
        # Later messages do count.
        await alice.send("welcome, carol")
        await alice.send("hi carol", to=carol)
        assert await _general_unread(clients, carol) == 1
        assert (await _unread_by_user(client))[alice.name] == 1

    run(scenario, shared_server.address)


def test_general_unread_counts_only_other_users_general_messages(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        await alice.send("mine 1")
        await bob.send("bob's 1")
        await alice.send("mine 2")
        await bob.send("bob's 2")
        await bob.send("bob's 3")
        await bob.send("direct", to=alice.name)      # not the general room
        await alice.send("note", to=alice.name)      # not the general room
        assert await _general_unread(clients, alice.name) == 3
        assert await _general_unread(clients, bob.name) == 2

    run(scenario, shared_server.address)


def test_roster_unread_counts_direct_messages_from_each_user_to_me(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        carol = await clients.register()
        a, b, c = alice.name, bob.name, carol.name
        await send_many(bob, 3, to=a)
        await send_many(carol, 1, to=a)
        await send_many(alice, 4, to=b)       # mine: never unread to me
        await send_many(alice, 2, to=a)       # to myself: never unread
        await send_many(bob, 5)               # general: not per user
        await send_many(carol, 2, to=b)

        async def unread(client: Client) -> dict[str, int]:
            counts = await _unread_by_user(client)
            # Nobody else ever wrote to these accounts.
            assert all(n == 0 for name, n in counts.items() if name not in (a, b, c))
            return {name: counts[name] for name in (a, b, c)}

        assert await unread(alice) == {a: 0, b: 3, c: 1}
        assert await unread(bob) == {a: 4, b: 0, c: 2}
        assert await unread(carol) == {a: 0, b: 0, c: 0}
        # The roster event at login carries the same counts.
        again = await clients.login(a)
        counts = {e["username"]: e["unread"] for e in again.roster}
        assert {name: counts[name] for name in (a, b, c)} == {a: 0, b: 3, c: 1}

    run(scenario, shared_server.address)


def test_mark_read_of_the_general_room_moves_the_marker_forward_only(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        sent = await send_many(bob, 5)
        reply = await alice.request("mark_read", **_with(None), up_to=sent[2]["id"])
        assert reply == {"type": "ok", "re": reply["re"]}
        assert await _general_unread(clients, alice.name) == 2
        # Backwards is ignored.
        await alice.request("mark_read", **_with(None), up_to=sent[0]["id"])
        await alice.request("mark_read", **_with(None), up_to=0)
        assert await _general_unread(clients, alice.name) == 2
        # ``with`` may be left out: it is nullable.
        await alice.request("mark_read", up_to=sent[3]["id"])
        assert await _general_unread(clients, alice.name) == 1
        await alice.request("mark_read", **_with(None), up_to=sent[4]["id"])
        assert await _general_unread(clients, alice.name) == 0

    run(scenario, shared_server.address)


def test_mark_read_beyond_the_newest_message_is_taken_as_the_newest(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        await send_many(bob, 2)
        await send_many(bob, 2, to=alice.name)
        await alice.request("mark_read", **_with(None), up_to=10**15)
        await alice.request("mark_read", **_with(bob.name), up_to=2**53)
        assert await _general_unread(clients, alice.name) == 0
        assert (await _unread_by_user(alice))[bob.name] == 0
        # Messages stored later are unread: the marker did not jump ahead.
        await bob.send("later")
        await bob.send("later, directly", to=alice.name)
        assert await _general_unread(clients, alice.name) == 1
        assert (await _unread_by_user(alice))[bob.name] == 1

    run(scenario, shared_server.address)


def test_mark_read_of_a_direct_conversation_moves_only_that_marker_forward(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        carol = await clients.register()
        a, b, c = alice.name, bob.name, carol.name

        async def unread(client: Client) -> dict[str, int]:
            counts = await _unread_by_user(client)
            return {name: counts[name] for name in (a, b, c)}

        from_bob = await send_many(bob, 4, to=a)
        await send_many(carol, 2, to=a)
        await send_many(bob, 3)
        await alice.request("mark_read", **_with(b.upper()), up_to=from_bob[1]["id"])
        assert await unread(alice) == {a: 0, b: 2, c: 2}
        assert await _general_unread(clients, a) == 3
        await alice.request("mark_read", **_with(b), up_to=from_bob[0]["id"])
        assert (await unread(alice))[b] == 2
        await alice.request("mark_read", **_with(b), up_to=from_bob[3]["id"])
        assert await unread(alice) == {a: 0, b: 0, c: 2}
        # bob's view of his conversation with alice is his own.
        assert await unread(bob) == {a: 0, b: 0, c: 0}

    run(scenario, shared_server.address)


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


def test_read_markers_are_shared_by_all_connections_of_an_account(shared_server):
    async def scenario(clients: Clients) -> None:
        alice1 = await clients.register()
        alice2 = await clients.login(alice1.name)
        bob = await clients.register()
        await send_many(bob, 3, to=alice1.name)
        general = await send_many(bob, 3)
        assert (await _unread_by_user(alice2))[bob.name] == 3
        await alice1.request("mark_read", **_with(bob.name), up_to=general[-1]["id"])
        await alice1.request("mark_read", **_with(None), up_to=general[0]["id"])
        assert (await _unread_by_user(alice2))[bob.name] == 0
        assert await _general_unread(clients, alice1.name) == 2
        # A marker moved from the second connection counts for the first.
        await alice2.request("mark_read", **_with(None), up_to=general[-1]["id"])
        assert await _general_unread(clients, alice1.name) == 0

    run(scenario, shared_server.address)


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
