"""Presence (PROTOCOL.md: the ``presence`` event and the roster's ``online``).

Proves: ``presence`` goes to every logged-in connection except the one
whose login caused it, when a user's first connection logs in, their last
one closes (politely, abruptly or by half-closing) or logs out, and when a
new account registers; further connections of an online user announce
nothing; the event carries no ``unread``; and a client that combines the
roster it got at login with the presence events after it always knows
every account and who is online, even while others register and come and
go during its login.
"""

from __future__ import annotations

import asyncio
import socket

from tests.wire import LINGER_ZERO, PASSWORD

from .helpers import Clients, run, unique_name

#: Every test here runs on SQLite and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True


def _presence(name: str, online: bool) -> dict[str, object]:
    return {"type": "presence", "user": {"username": name, "online": online}}


def test_first_login_announces_online_to_others_but_not_to_the_connection_itself(server):
    async def scenario(clients: Clients) -> None:
        bob = await clients.register("bob")
        await bob.request("logout")
        carol = await clients.register("carol")
        anonymous = await clients.connect()
        client = await clients.connect()
        await client.send_frame({"type": "login", "id": 1, "username": "bob",
                                 "password": PASSWORD})
        assert (await client.next_frame())["type"] == "ok"
        assert (await client.next_frame())["type"] == "users"
        assert await carol.next_event() == _presence("bob", True)
        assert await client.no_event(0.3) == []
        assert await anonymous.no_event(0.01) == []

    run(scenario, server.address)


def test_registering_announces_the_new_account_online(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        newbie = await clients.register("Newbie")
        event = await alice.next_event()
        assert event == _presence("Newbie", True)
        assert "unread" not in event["user"]
        assert await newbie.no_event(0.3) == []

    run(scenario, server.address)


def test_only_the_first_connection_and_the_last_to_close_change_presence(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob1 = await clients.register("bob")
        assert await alice.next_event() == _presence("bob", True)
        bob2 = await clients.login("bob")
        bob3 = await clients.login("BOB")
        await bob2.close()
        await bob3.request("logout")
        # A message after those proves they were handled: nothing came before it.
        await bob1.send("still here")
        assert (await alice.next_event())["type"] == "message"
        await bob1.close()
        assert await alice.next_event() == _presence("bob", False)
        assert await alice.no_event(0.3) == []

    run(scenario, server.address)


def test_logout_of_the_last_connection_announces_offline(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        assert await alice.next_event() == _presence("bob", True)
        await bob.request("logout")
        assert await alice.next_event() == _presence("bob", False)
        assert await bob.no_event(0.3) == []
        roster = (await alice.request("users"))["users"]
        assert {e["username"]: e["online"] for e in roster} == {"alice": True, "bob": False}
        # Logging in again announces online again.
        await bob.request("login", username="bob", password=PASSWORD)
        assert await alice.next_event() == _presence("bob", True)

    run(scenario, server.address)


def test_an_abruptly_reset_connection_announces_offline(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        assert await alice.next_event() == _presence("bob", True)
        sock = bob.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO)  # reset, not FIN
        bob.writer.transport.abort()
        assert await alice.next_event() == _presence("bob", False)

    run(scenario, server.address)


def test_a_half_closed_connection_is_answered_then_closed_and_announced_offline(server):
    async def scenario(clients: Clients) -> None:
        await clients.register("bob")
        carol = await clients.register("carol")
        await clients.opened[0].close()
        assert await carol.next_event() == _presence("bob", False)
        client = await clients.connect()
        await client.send_frame({"type": "login", "id": 1, "username": "bob",
                                 "password": PASSWORD})
        client.writer.write_eof()  # "that is all I have to say"
        assert (await client.next_frame())["type"] == "ok"
        assert (await client.next_frame())["type"] == "users"
        await client.wait_closed()
        assert await carol.next_event() == _presence("bob", True)
        assert await carol.next_event() == _presence("bob", False)

    run(scenario, server.address)


def test_presence_events_are_not_sent_to_connections_that_are_not_logged_in(server):
    async def scenario(clients: Clients) -> None:
        watcher = await clients.connect()
        logged_out = await clients.register("alice")
        await logged_out.request("logout")
        bob = await clients.register("bob")
        await bob.close()
        await clients.register("carol")
        assert await watcher.no_event(0.3) == []
        assert await logged_out.no_event(0.01) == []

    run(scenario, server.address)


def test_roster_and_presence_together_know_every_account_while_others_register(server):
    """Logins racing with registrations and departures: whatever the login's
    roster does not show yet, a ``presence`` event after it does."""

    async def scenario(clients: Clients) -> None:
        watcher_name = unique_name("watcher")
        await clients.register(watcher_name)
        watcher = clients.opened[0]
        await watcher.request("logout")
        stop = asyncio.Event()

        async def churn() -> None:
            while not stop.is_set():
                client = await clients.register()
                await client.close()

        churners = [asyncio.create_task(churn()) for _ in range(4)]
        try:
            for _ in range(30):
                reply = await watcher.request("login", username=watcher_name,
                                              password=PASSWORD)
                assert reply["type"] == "ok"
                known = {e["username"]: e["online"]
                         for e in (await watcher.next_event("users"))["users"]}
                truth = (await watcher.request("users"))["users"]
                for event in watcher.events:
                    assert event["type"] == "presence", event
                    known[event["user"]["username"]] = event["user"]["online"]
                watcher.events.clear()
                # The presence events before the reply brought the watcher up
                # to the server's state when it answered.
                missing = [e["username"] for e in truth if e["username"] not in known]
                assert missing == []
                for entry in truth:
                    assert known[entry["username"]] == entry["online"], entry
                await watcher.request("logout")
        finally:
            stop.set()
            await asyncio.gather(*churners)

    run(scenario, server.address)


def test_an_account_whose_connection_dropped_while_registering_is_still_announced(server):
    """A registration that commits after its client vanished still creates
    the account, so the others must hear of it (as offline)."""

    async def scenario(clients: Clients) -> None:
        watcher = await clients.register("watcher")
        known: dict[str, bool] = {e["username"]: e["online"] for e in watcher.roster}
        for _ in range(40):
            for _ in range(5):
                client = await clients.connect()
                await client.send_frame({"type": "register", "id": 1,
                                         "username": unique_name("gone"), "password": PASSWORD})
                sock = client.writer.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO)
                client.writer.transport.abort()
            truth = (await watcher.request("users"))["users"]
            for event in watcher.events:
                known[event["user"]["username"]] = event["user"]["online"]
            watcher.events.clear()
            assert [e["username"] for e in truth if e["username"] not in known] == []
            for entry in truth:
                assert known[entry["username"]] == entry["online"], entry

    run(scenario, server.address)
