"""Reading stored messages (PROTOCOL.md: ``history`` and ``sync``).

Proves: ``history`` pages one conversation backwards with ``before``,
``limit`` (1-200, default 50) and ``has_more``, the general room and both
directions of a direct conversation and nothing else; ``sync`` returns the
oldest visible messages after an id with ``limit`` (1-1000, default 500)
and ``has_more``, covering exactly what a user may see, so a reconnecting
client that syncs from the highest id it saw misses nothing.
"""

from __future__ import annotations

import pytest

from .helpers import Clients, ids_of, run, send_many, unique_name

# SQLite only: what differs by database here (accounts, pages, markers) is
# proved on both by tests/db (test_queries, test_history_pages), and the
# server's side of it is the same code on either.


def _with(peer: str | None) -> dict[str, str | None]:
    return {"with": peer}  # ``with`` is a Python keyword


def test_history_pages_the_general_room_backwards_with_before_and_has_more(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        general = []
        for n in range(7):
            general.append(await (alice if n % 2 else bob).send(f"general {n}"))
            await alice.send(f"direct {n}", to="bob")  # not part of the room
        page = await bob.request("history", **_with(None), limit=3)
        assert page == {"type": "ok", "re": page["re"], "messages": general[4:], "has_more": True}
        page = await bob.request("history", **_with(None), limit=3, before=general[4]["id"])
        assert page["messages"] == general[1:4] and page["has_more"] is True
        page = await bob.request("history", **_with(None), limit=3, before=general[1]["id"])
        assert page["messages"] == general[:1] and page["has_more"] is False
        page = await bob.request("history", **_with(None), limit=3, before=general[0]["id"])
        assert page["messages"] == [] and page["has_more"] is False

    run(scenario, server.address)


def test_history_has_more_is_false_when_exactly_limit_messages_remain(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        sent = await send_many(alice, 6, to=bob.name)
        page = await bob.request("history", **_with(alice.name), limit=3, before=sent[3]["id"])
        assert page["messages"] == sent[:3] and page["has_more"] is False
        page = await bob.request("history", **_with(alice.name), limit=6)
        assert page["messages"] == sent and page["has_more"] is False
        page = await bob.request("history", **_with(alice.name), limit=5)
        assert page["messages"] == sent[1:] and page["has_more"] is True

    run(scenario, shared_server.address)


def test_history_before_null_or_left_out_or_beyond_the_newest_gives_the_newest(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        sent = await send_many(alice, 4)
        expected = {"messages": sent[-2:], "has_more": True}
        for fields in ({"with": None, "before": None}, {"with": None}, {},
                       {"with": None, "before": sent[-1]["id"] + 1000}):
            page = await alice.request("history", limit=2, **fields)
            assert {k: page[k] for k in expected} == expected, fields
        page = await alice.request("history", **_with(None), before=0)
        assert page["messages"] == [] and page["has_more"] is False

    run(scenario, shared_server.address)


def test_history_with_a_user_holds_both_directions_and_nothing_else(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register(unique_name("Bob"))
        carol = await clients.register()
        a, b, c = alice.name, bob.name, carol.name
        conversation = []
        for n in range(3):
            conversation.append(await alice.send(f"a->b {n}", to=b))
            await alice.send(f"a->c {n}", to=c)
            await carol.send(f"c->b {n}", to=b)
            await alice.send(f"general {n}")
            await alice.send(f"a->a {n}", to=a)
            conversation.append(await bob.send(f"b->a {n}", to=a))
        from_alice = await alice.request("history", **_with(b.upper()))
        assert from_alice["messages"] == conversation and from_alice["has_more"] is False
        from_bob = await bob.request("history", **_with(a))
        assert from_bob["messages"] == conversation
        page = await bob.request("history", **_with(a), limit=4)
        assert page["messages"] == conversation[2:] and page["has_more"] is True
        page = await bob.request("history", **_with(a), limit=4, before=conversation[2]["id"])
        assert page["messages"] == conversation[:2] and page["has_more"] is False
        own_notes = await alice.request("history", **_with(a))
        assert [m["body"] for m in own_notes["messages"]] == ["a->a 0", "a->a 1", "a->a 2"]
        carol_bob = await carol.request("history", **_with(b.lower()))
        assert [m["body"] for m in carol_bob["messages"]] == ["c->b 0", "c->b 1", "c->b 2"]

    run(scenario, shared_server.address)


def test_history_with_an_unknown_user_gets_unknown_user(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        reply = await alice.request("history", **_with("no-such-user"))
        assert reply["type"] == "error" and reply["code"] == "unknown_user"

    run(scenario, shared_server.address)


@pytest.mark.parametrize("fields", [
    {"limit": 0}, {"limit": 201}, {"limit": -1}, {"limit": "5"}, {"limit": 1.5},
    {"limit": True}, {"before": -1}, {"before": "10"}, {"before": 1.0}, {"before": False},
    {"with": 5}, {"with": ["bob"]},
])
def test_history_with_out_of_range_or_ill_typed_fields_gets_bad_request(shared_server, fields):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        reply = await alice.request("history", **fields)
        assert reply["type"] == "error" and reply["code"] == "bad_request", reply

    run(scenario, shared_server.address)


def test_history_limit_is_1_to_200_and_50_by_default(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        notes = _with(alice.name)  # a conversation nobody else writes to
        sent = await send_many(alice, 201, to=alice.name)
        page = await alice.request("history", **notes)
        assert page["messages"] == sent[-50:] and page["has_more"] is True
        page = await alice.request("history", **notes, limit=200)
        assert page["messages"] == sent[1:] and page["has_more"] is True
        page = await alice.request("history", **notes, limit=1)
        assert page["messages"] == sent[-1:] and page["has_more"] is True
        page = await alice.request("history", **notes, limit=200, before=sent[-1]["id"])
        assert page["messages"] == sent[:-1] and page["has_more"] is False

    run(scenario, shared_server.address)


def test_sync_returns_everything_visible_to_me_in_id_order(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        carol = await clients.register()
        a, c = alice.name, carol.name
        visible_to_alice = []
        for n in range(2):
            visible_to_alice.append(await bob.send(f"general {n}"))
            visible_to_alice.append(await bob.send(f"b->a {n}", to=a))
            visible_to_alice.append(await alice.send(f"a->c {n}", to=c))
            await bob.send(f"b->c {n}", to=c)
            await carol.send(f"c->c {n}", to=c)
            visible_to_alice.append(await alice.send(f"a->a {n}", to=a))
        reply = await alice.request("sync", after=visible_to_alice[0]["id"] - 1)
        assert reply == {"type": "ok", "re": reply["re"], "messages": visible_to_alice,
                         "has_more": False}

    run(scenario, shared_server.address)


def test_sync_pages_forward_with_after_limit_and_has_more(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        sent = []
        for n in range(5):
            sent.append(await bob.send(f"general {n}"))
            sent.append(await bob.send(f"direct {n}", to=alice.name))
            await bob.send(f"to himself {n}", to=bob.name)  # invisible to alice
        start = sent[0]["id"] - 1
        page = await alice.request("sync", after=start, limit=4)
        assert page["messages"] == sent[:4] and page["has_more"] is True
        page = await alice.request("sync", after=sent[3]["id"], limit=4)
        assert page["messages"] == sent[4:8] and page["has_more"] is True
        # Exactly the limit left: no more.
        page = await alice.request("sync", after=sent[7]["id"], limit=2)
        assert page["messages"] == sent[8:] and page["has_more"] is False
        page = await alice.request("sync", after=sent[-1]["id"] + 100)
        assert page["messages"] == [] and page["has_more"] is False
        # after need not be the id of a message I can see.
        hidden = await bob.send("hidden", to=bob.name)
        page = await alice.request("sync", after=sent[2]["id"] - 1, limit=1)
        assert page["messages"] == [sent[2]]
        assert hidden["id"] not in ids_of((await alice.request("sync", after=start))["messages"])

    run(scenario, shared_server.address)


@pytest.mark.parametrize("fields", [
    {}, {"after": None}, {"after": -1}, {"after": "0"}, {"after": 0.0}, {"after": True},
    {"after": 0, "limit": 0}, {"after": 0, "limit": 1001}, {"after": 0, "limit": "10"},
])
def test_sync_with_a_missing_or_invalid_field_gets_bad_request(shared_server, fields):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        reply = await alice.request("sync", **fields)
        assert reply["type"] == "error" and reply["code"] == "bad_request", reply

    run(scenario, shared_server.address)


def test_sync_limit_is_1_to_1000_and_500_by_default(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        sent = await send_many(alice, 1001, to=alice.name)
        start = sent[0]["id"] - 1
        page = await alice.request("sync", after=start)
        assert page["messages"] == sent[:500] and page["has_more"] is True
        page = await alice.request("sync", after=start, limit=1000)
        assert page["messages"] == sent[:1000] and page["has_more"] is True
        page = await alice.request("sync", after=start, limit=1)
        assert page["messages"] == sent[:1] and page["has_more"] is True
        page = await alice.request("sync", after=sent[0]["id"], limit=1000)
        assert page["messages"] == sent[1:] and page["has_more"] is False

    run(scenario, shared_server.address)


def test_a_client_that_syncs_from_the_highest_id_it_saw_misses_nothing(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        seen = [await bob.send("before")]
        assert (await alice.next_event("message"))["message"] == seen[0]
        await alice.close()
        missed = [await bob.send("while away"), await bob.send("psst", to=alice.name)]
        await bob.send("to myself", to=bob.name)
        back = await clients.login(alice.name)
        page = await back.request("sync", after=seen[-1]["id"])
        assert page["messages"] == missed and page["has_more"] is False

    run(scenario, shared_server.address)
