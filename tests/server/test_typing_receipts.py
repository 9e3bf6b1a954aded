"""Typing notices and read receipts (PROTOCOL-2.md, ``typing`` and
``receipts``) against the real server: who is told, the throttle that never
loses the last state, the notice that ends when its connection closes, and
read markers in events and in ``history``.
"""

from __future__ import annotations

import time
from typing import Any

from protocol.limits import TYPING_THROTTLE_SECONDS

from .helpers import Client, Clients, run
from .test_lifecycle import error, news, v2


async def typing_events(client: Client, until_active: bool) -> list[dict[str, Any]]:
    """``typing`` events up to and including the first with ``active`` as given."""
    events = []
    while True:
        event = await client.next_event("typing")
        events.append(event)
        if event["active"] is until_active:
            return events


def test_typing_reaches_the_others_in_the_conversation_and_nobody_else(shared_server):
    async def scenario(clients: Clients) -> None:
        alice, bob, carol = await v2(clients), await v2(clients), await v2(clients)
        alice_elsewhere = await v2(clients, alice.name, register=False)
        old = await clients.register()
        # The general room: everyone else, never my own connections or version 1.
        assert (await alice.request("typing", active=True))["type"] == "ok"
        for client in (bob, carol):
            assert await client.next_event("typing") == {
                "type": "typing", "from": alice.name, "to": None, "room": None, "active": True}
        # A direct conversation: the peer only, named as the peer sees it.
        assert (await alice.request("typing", to=bob.name, active=True))["type"] == "ok"
        assert await bob.next_event("typing") == {
            "type": "typing", "from": alice.name, "to": alice.name, "room": None,
            "active": True}
        assert [e["type"] for e in await news(carol)] == []
        assert await news(alice_elsewhere) == [] and await news(old) == []
        # Unknown users and rooms I am not in are refused.
        assert await error(alice, "typing", to="nobody-here", active=True) == "unknown_user"
        assert await error(alice, "typing", room=12345, active=True) == "unknown_room"

    run(scenario, shared_server.address)


def test_typing_is_throttled_and_the_latest_state_always_follows(shared_server):
    async def scenario(clients: Clients) -> None:
        alice, bob = await v2(clients), await v2(clients)
        started = time.monotonic()
        for _ in range(20):  # a keystroke each
            await alice.request("typing", to=bob.name, active=True)
        await alice.request("typing", to=bob.name, active=False)  # sent: stopped typing
        events = await typing_events(bob, until_active=False)
        elapsed = time.monotonic() - started
        assert events[0]["active"] is True and events[-1]["active"] is False
        # At most one per throttle window went through, however long this took.
        assert len(events) <= 2 + elapsed / TYPING_THROTTLE_SECONDS
        assert await news(bob) == []

    run(scenario, shared_server.address)


def test_a_connection_that_closes_while_typing_is_followed_by_stopped_typing(shared_server):
    async def scenario(clients: Clients) -> None:
        alice, bob = await v2(clients), await v2(clients)
        await alice.request("typing", active=True)
        assert (await bob.next_event("typing"))["active"] is True
        await alice.close()
        stopped = await bob.next_event("typing")
        assert (stopped["from"], stopped["active"]) == (alice.name, False)

    run(scenario, shared_server.address)


def test_a_read_marker_that_moves_is_told_to_the_other_end_and_shown_in_history(shared_server):
    async def scenario(clients: Clients) -> None:
        alice, bob = await v2(clients), await v2(clients)
        old = await clients.register()
        first = await alice.send("did you read this?", to=bob.name)
        second = await alice.send("and this?", to=bob.name)
        # Before bob reads: his marker is 0 in alice's history.
        page = await alice.request("history", limit=10, **{"with": bob.name})
        assert page["read"] == {bob.name: 0}
        await bob.request("mark_read", up_to=first["id"], **{"with": alice.name})
        assert await alice.next_event("read") == {
            "type": "read", "username": bob.name, "with": bob.name, "room": None,
            "up_to": first["id"]}
        # A marker that does not move tells nobody; one beyond the newest
        # message is taken as the newest.
        await bob.request("mark_read", up_to=first["id"], **{"with": alice.name})
        await bob.request("mark_read", up_to=10**12, **{"with": alice.name})
        event = await alice.next_event("read")
        assert event["up_to"] >= second["id"]
        assert await news(alice) == []
        page = await alice.request("history", limit=10, **{"with": bob.name})
        assert page["read"] == {bob.name: event["up_to"]}
        # The reader's own history carries the other end's marker, the
        # general room none, and version 1 nothing at all...
        assert (await bob.request("history", limit=1, **{"with": alice.name}))["read"] == {
            alice.name: 0}
        assert (await bob.request("history", limit=1))["read"] == {}
        assert "read" not in await old.request("history", limit=1, **{"with": alice.name})
        # ...though a version 1 reader's marker is told to a version 2 peer.
        await alice.send("old friend", to=old.name)
        await old.request("mark_read", up_to=second["id"], **{"with": alice.name})
        assert (await alice.next_event("read"))["username"] == old.name
        assert [e["type"] for e in await news(old)] == ["message"]

    run(scenario, shared_server.address)
