"""Messages that change (PROTOCOL-2.md, ``edits`` and ``reactions``), against
the real server: edits, deletions, replies, mentions, reactions, the
``update`` events they send, catching up by ``after_seq``, and version 1
connections that see none of it but the current bodies.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.wire import PASSWORD, WireClient

from .helpers import Client, Clients, run, unique_name

V2 = {"protocol": 2}


async def v2(clients: Clients, name: str | None = None, *, register: bool = True) -> Client:
    """A version 2 connection, logged in (its roster consumed)."""
    client = await clients.connect()
    name = name or unique_name()
    reply = await client.request("register" if register else "login", username=name,
                                 password=PASSWORD, **V2)
    assert reply["type"] == "ok", reply
    await client.next_event("users")
    client.name = name
    return client


async def ok(client: WireClient, request_type: str, **fields: Any) -> dict[str, Any]:
    """The message of the ``ok`` answering a request that returns one."""
    reply = await client.request(request_type, **fields)
    assert reply["type"] == "ok", reply
    return reply["message"]  # type: ignore[no-any-return]


async def news(client: WireClient, seconds: float = 0.3) -> list[dict[str, Any]]:
    """The events about messages that arrive within a short time (presence
    events, which registrations cause, are left out)."""
    return [event for event in await client.no_event(seconds)
            if event["type"] in ("message", "update", "typing", "read")]


async def error(client: WireClient, request_type: str, **fields: Any) -> str:
    reply = await client.request(request_type, **fields)
    assert reply["type"] == "error", reply
    return reply["code"]  # type: ignore[no-any-return]


def test_the_server_offers_edits_reactions_typing_and_receipts(shared_server):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        assert client.hello is not None
        assert {"edits", "reactions", "typing", "receipts"} <= set(client.hello["features"])

    run(scenario, shared_server.address)


def test_an_edit_reaches_every_other_connection_that_sees_it_and_version_1_sees_the_new_body(
        server):
    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        alice_elsewhere = await v2(clients, alice.name, register=False)
        bob = await v2(clients)
        old = await clients.register()  # version 1
        sent = await alice.send("teh plan")
        for client in (alice_elsewhere, bob):
            await client.next_event("message")
        await old.next_event("message")

        edited = await ok(alice, "edit", message=sent["id"], body="the plan")
        assert (edited["id"], edited["body"], edited["deleted"]) == (sent["id"], "the plan", False)
        assert edited["edited"] is not None and edited["seq"] > sent["seq"]
        for client in (alice_elsewhere, bob):
            assert (await client.next_event("update"))["message"] == edited
        # The editing connection got its ok instead; version 1 gets no event...
        assert await news(alice) == []
        assert await news(old) == []
        # ...but reads the current body, in version 1's form.
        history = (await old.request("history", limit=5))["messages"]
        assert history[-1] == {key: edited[key] for key in ("id", "from", "to", "body", "ts")}

    run(scenario, server.address)


def test_a_deletion_leaves_a_tombstone_for_version_2_and_nothing_for_version_1(server):
    async def scenario(clients: Clients) -> None:
        alice, bob = await v2(clients), await v2(clients)
        old = await clients.register()
        keep = await alice.send("keep this")
        gone = await alice.send("oops, wrong room", to=bob.name)
        await alice.request("mark_read", up_to=0)
        tombstone = await ok(alice, "delete", message=gone["id"])
        assert tombstone == {**gone, "seq": tombstone["seq"], "body": "", "deleted": True}
        assert tombstone["seq"] > gone["seq"]
        assert (await bob.next_event("update"))["message"] == tombstone
        # Deleting again changes nothing and tells nobody.
        assert await ok(alice, "delete", message=gone["id"]) == tombstone
        assert await news(bob) == []
        # Ids never vanish from version 2's history; version 1 never sees them.
        page = (await bob.request("history", limit=10, **{"with": alice.name}))["messages"]
        assert page == [tombstone]
        assert (await bob.request("sync", after=0))["messages"][-1] == tombstone
        assert [m["id"] for m in (await old.request("sync", after=0))["messages"]] == [keep["id"]]
        # An edit of a deleted message is refused as unknown.
        assert await error(alice, "edit", message=gone["id"], body="back") == "unknown_message"

    run(scenario, server.address)


def test_someone_elses_message_or_one_i_cannot_see_is_unknown(shared_server):
    async def scenario(clients: Clients) -> None:
        alice, bob, eve = await v2(clients), await v2(clients), await v2(clients)
        general = await alice.send("everyone sees this")
        private = await alice.send("between us", to=bob.name)
        for request_type, fields in (("edit", {"body": "mine now"}), ("delete", {})):
            for message in (general, private):
                assert await error(bob if message is general else eve, request_type,
                                   message=message["id"], **fields) == "unknown_message"
        assert await error(eve, "react", message=private["id"], emoji="👀",
                           on=True) == "unknown_message"
        assert await error(alice, "delete", message=10**12) == "unknown_message"
        # What bob can see he may react to, though it is not his.
        reacted = await ok(bob, "react", message=private["id"], emoji="👍", on=True)
        assert reacted["reactions"] == [{"emoji": "👍", "users": [bob.name]}]

    run(scenario, shared_server.address)


@pytest.mark.parametrize(("request_type", "fields", "code"), [
    ("edit", {"body": ""}, "bad_request"),
    ("edit", {"body": "  \n "}, "bad_request"),
    ("edit", {"body": "x" * 4001}, "message_too_long"),
    ("react", {"emoji": "", "on": True}, "bad_request"),
    ("react", {"emoji": "thumbs up", "on": True}, "bad_request"),
    ("react", {"emoji": "x" * 33, "on": True}, "bad_request"),
    ("react", {"emoji": "👍"}, "bad_request"),
])
def test_an_empty_edit_or_a_reaction_that_is_no_short_emoji_is_refused(
        shared_server, request_type: str, fields: dict[str, Any], code: str):
    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        sent = await alice.send("original")
        assert await error(alice, request_type, message=sent["id"], **fields) == code
        # Nothing changed.
        page = (await alice.request("history", limit=1))["messages"]
        assert page[-1] == sent

    run(scenario, shared_server.address)


def test_reactions_list_each_emoji_once_in_first_use_order_and_toggle(shared_server):
    async def scenario(clients: Clients) -> None:
        alice, bob = await v2(clients), await v2(clients)
        sent = await alice.send("lunch at 1?", to=bob.name)
        await ok(bob, "react", message=sent["id"], emoji="👍", on=True)
        await ok(alice, "react", message=sent["id"], emoji="🍕", on=True)
        both = await ok(alice, "react", message=sent["id"], emoji="👍", on=True)
        assert both["reactions"] == [{"emoji": "👍", "users": [bob.name, alice.name]},
                                     {"emoji": "🍕", "users": [alice.name]}]
        # Adding it again changes nothing: the same form, the same seq.
        assert await ok(alice, "react", message=sent["id"], emoji="👍", on=True) == both
        # Taken back: the order is that of the reactions still there.
        back = await ok(bob, "react", message=sent["id"], emoji="👍", on=False)
        assert back["reactions"] == [{"emoji": "🍕", "users": [alice.name]},
                                     {"emoji": "👍", "users": [alice.name]}]
        assert back["seq"] > both["seq"]
        # Twenty distinct emoji at most.
        vote = await alice.send("vote")
        for n in range(20):
            await ok(alice, "react", message=vote["id"], emoji=f"e{n}", on=True)
        assert await error(bob, "react", message=vote["id"], emoji="one more",
                           on=True) == "bad_request"
        assert (await ok(bob, "react", message=vote["id"], emoji="e3", on=True))["reactions"][3] \
            == {"emoji": "e3", "users": [alice.name, bob.name]}

    run(scenario, shared_server.address)


def test_a_reply_names_a_message_of_its_own_conversation(shared_server):
    async def scenario(clients: Clients) -> None:
        alice, bob, carol = await v2(clients), await v2(clients), await v2(clients)
        question = await alice.send("who has the projector key?")
        private = await alice.send("psst", to=bob.name)
        answer = await bob.send("I do", reply_to=question["id"])
        assert answer["reply_to"] == question["id"]
        direct = await bob.send("what?", to=alice.name, reply_to=private["id"])
        assert direct["reply_to"] == private["id"]
        # Another conversation's message, or one that does not exist.
        for to, reply_to in ((None, private["id"]), (alice.name, question["id"]),
                             (None, 10**12)):
            assert await error(carol if to is None else bob, "send", to=to, body="x",
                               reply_to=reply_to) == "unknown_message"
        # A version 1 connection sees the answer as any message.
        old = await clients.register()
        assert set((await old.request("history", limit=1))["messages"][-1]) == {
            "id", "from", "to", "body", "ts"}

    run(scenario, shared_server.address)


def test_mentions_name_the_accounts_that_can_see_the_message_as_registered(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await v2(clients, unique_name("Alice"))
        bob = await v2(clients, unique_name("Bob"))
        carol = await v2(clients)
        general = await alice.send(f"@{bob.name.lower()} and @{carol.name}. cc @nobody "
                                   f"mail me at x@{bob.name}")
        assert general["mentions"] == sorted([bob.name, carol.name], key=str.casefold)
        event = (await bob.next_event("message"))["message"]
        assert event["mentions"] == general["mentions"]
        private = await alice.send(f"@{carol.name} won't see this, @{bob.name} will",
                                   to=bob.name)
        assert private["mentions"] == [bob.name]
        edited = await ok(alice, "edit", message=general["id"], body=f"only @{carol.name}")
        assert edited["mentions"] == [carol.name]
        page = (await carol.request("history", limit=5))["messages"]
        assert next(m for m in page if m["id"] == general["id"])["mentions"] == [carol.name]

    run(scenario, shared_server.address)


def test_seq_strictly_increases_over_every_change_across_the_server(server):
    async def scenario(clients: Clients) -> None:
        alice, bob = await v2(clients), await v2(clients)
        watcher = await v2(clients)
        first = await alice.send("one")
        seqs = [first["seq"]]
        # Pipelined from two connections: messages and changes interleave
        # in commits.
        requests = []
        for n in range(30):
            requests.append((alice, await _pipeline(alice, "send", body=f"a{n}")))
            # On, off, on...: each one a change.
            requests.append((bob, await _pipeline(bob, "react", message=first["id"],
                                                  emoji="👍", on=n % 2 == 0)))
            requests.append((alice, await _pipeline(alice, "edit", message=first["id"],
                                                    body=f"one, take {n}")))
        for client, request_id in requests:
            reply = await client.reply_to(request_id)
            assert reply["type"] == "ok", reply
            seqs.append(reply["message"]["seq"])
        assert len(set(seqs)) == len(seqs)
        # Every event the watcher gets, in arrival order, has a higher seq
        # than the one before, up to the last change.
        events: list[int] = []
        while not events or events[-1] < max(seqs):
            event = await watcher.next_event()
            if event["type"] in ("message", "update"):
                events.append(event["message"]["seq"])
        assert events == sorted(set(events)) == sorted(seqs)

    run(scenario, server.address)


async def _pipeline(client: WireClient, request_type: str, **fields: Any) -> str:
    """Send a request without waiting for its reply; its id."""
    request_id = f"p{next(client.ids)}"
    await client.send_frame({"type": request_type, "id": request_id, **fields})
    return request_id


def test_a_client_offline_during_100_changes_catches_up_with_one_sync(server):
    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        bob = await v2(clients)
        messages = [await alice.send(f"message {n}") for n in range(20)]
        mark = (await bob.next_event("message"))["message"]["seq"]
        while True:  # bob has seen everything up to the last message
            event = await bob.next_event("message")
            mark = max(mark, event["message"]["seq"])
            if event["message"]["id"] == messages[-1]["id"]:
                break
        await bob.close()
        # 100 changes while bob is away: edits, deletions, reactions, new messages.
        current: dict[int, dict[str, Any]] = {}
        for n in range(100):
            target = messages[n % 20]["id"]
            kind = n % 4
            if kind == 0:  # messages 0, 4, 8, 12, 16
                message = await ok(alice, "edit", message=target, body=f"edit {n}")
            elif kind == 1:  # messages 1, 5, 9, 13, 17
                message = await ok(alice, "react", message=target, emoji=f"r{n % 7}",
                                   on=n % 3 != 0)
            elif n % 20 in (2, 6):  # twice each: the second changes nothing
                message = await ok(alice, "delete", message=target)
            else:
                message = await alice.send(f"new {n}")
            current[message["id"]] = message
        bob = await v2(clients, bob.name, register=False)
        page = await bob.request("sync", after_seq=mark, limit=1000)
        assert page["has_more"] is False
        caught = {m["id"]: m for m in page["messages"]}
        # Every change is there, each message once in its latest form...
        assert caught == current
        seqs = [m["seq"] for m in page["messages"]]
        assert seqs == sorted(seqs)
        # ...and it is exactly what history shows now.
        history = (await bob.request("history", limit=200))["messages"]
        by_id = {m["id"]: m for m in history}
        assert all(by_id[i] == m for i, m in caught.items())

    run(scenario, server.address)


def test_sync_by_after_seq_pages_and_a_version_1_connection_must_say_after(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        sent = [await alice.send(f"page {n}", to=alice.name) for n in range(5)]
        start = sent[0]["seq"] - 1
        first = await alice.request("sync", after_seq=start, limit=3)
        assert first["has_more"] is True
        rest = await alice.request("sync", after_seq=first["messages"][-1]["seq"], limit=3)
        mine = [m for m in first["messages"] + rest["messages"] if m["to"] == alice.name]
        assert mine == sent
        old = await clients.register()
        assert await error(old, "sync", after_seq=0) == "bad_request"

    run(scenario, shared_server.address)


def test_version_1_connections_get_unknown_type_and_no_new_events(shared_server):
    async def scenario(clients: Clients) -> None:
        old = await clients.register()
        other = await v2(clients)
        sent = await old.send("from version 1")
        await other.next_event("message")
        for request_type, fields in (("edit", {"message": sent["id"], "body": "x"}),
                                     ("delete", {"message": sent["id"]}),
                                     ("react", {"message": sent["id"], "emoji": "👍", "on": True}),
                                     ("typing", {"active": True})):
            assert await error(old, request_type, **fields) == "unknown_type"
        await ok(other, "react", message=sent["id"], emoji="👍", on=True)
        await other.request("typing", active=True)
        assert await news(old, 0.5) == []

    run(scenario, shared_server.address)


def test_an_update_committed_during_a_login_is_seen_once_after_the_roster(server):
    """The login race (server/delivery.py): an edit committed while a login
    reads its snapshot is either in what the login reads afterwards or
    follows the roster as an event, never before the login's reply."""

    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        bob_name = unique_name()
        bob = await v2(clients, bob_name)
        await bob.close()
        target = await alice.send("edited all the time")
        for attempt in range(10):
            editing = asyncio.create_task(_edit_many(alice, target["id"], f"{attempt}", 20))
            client = await clients.connect()
            await client.send_frame({"type": "login", "id": "login", "username": bob_name,
                                     "password": PASSWORD, "protocol": 2})
            first = await client.next_frame()
            assert first.get("re") == "login" and first["type"] == "ok", first
            assert (await client.next_frame())["type"] == "users"
            assert (await client.next_frame())["type"] == "rooms"  # a version 2 login's
            final = await editing
            history = (await client.request("history", limit=5))["messages"]
            seen = next(m for m in history if m["id"] == target["id"])
            for frame in await client.no_event(0.3):
                assert frame["type"] == "update", frame
                if frame["message"]["seq"] > seen["seq"]:
                    seen = frame["message"]
            assert seen == final
            await client.close()

    run(scenario, server.address)


async def _edit_many(client: WireClient, message_id: int, tag: str,
                     count: int) -> dict[str, Any]:
    """Edit a message ``count`` times, pipelined; its last form."""
    ids = [await _pipeline(client, "edit", message=message_id, body=f"{tag}/{n}")
           for n in range(count)]
    last: dict[str, Any] = {}
    for request_id in ids:
        reply = await client.reply_to(request_id)
        assert reply["type"] == "ok", reply
        last = reply["message"]
    return last
