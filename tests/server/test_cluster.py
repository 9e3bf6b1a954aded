"""Two server processes on one PostgreSQL database are one chat (server/cluster.py).

Proves, with two real ``python -m server`` processes ("nodes") on one
database of the throwaway cluster, clients connected to each: messages
sent on one node reach users connected to the other (general and direct,
to accounts registered on either); presence is the union over the nodes,
and a node killed with SIGKILL is forgotten within seconds; failed logins
count against the limits on both nodes; and, hammered from both nodes at
once, every client receives every message once in increasing id order, and
a client that syncs after the highest id it has seen misses none.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.conftest import ServerProcess
from tests.postgres import PostgresCluster
from tests.wire import PASSWORD, ConnectionClosed

from .helpers import Clients, send_many, unique_name
from .test_lifecycle import ok, v2

pytestmark = pytest.mark.postgres

#: A killed node's heartbeat ages in 5 s (db/cluster.py); then the next
#: heartbeat of another node buries it.
DEAD_NODE_SECONDS = 20


@pytest.fixture
def nodes(postgres_cluster: PostgresCluster,
          server_factory: Callable[..., ServerProcess]) -> tuple[ServerProcess, ServerProcess]:
    """Two servers without rate limits on one new PostgreSQL database."""
    url = postgres_cluster.new_database()
    return (server_factory("--no-rate-limits", database_url=url),
            server_factory("--no-rate-limits", database_url=url))


def run_on(first: ServerProcess, second: ServerProcess,
           scenario: Callable[[Clients, Clients], Awaitable[None]]) -> None:
    """Run ``scenario(clients of the first node, clients of the second)``."""

    async def main() -> None:
        async with Clients(first.address) as on_first, Clients(second.address) as on_second:
            await scenario(on_first, on_second)

    asyncio.run(main())


def _presence(name: str, online: bool) -> dict[str, object]:
    return {"type": "presence", "user": {"username": name, "online": online}}


def test_messages_sent_on_one_node_reach_users_on_the_other(nodes):
    async def scenario(on_a: Clients, on_b: Clients) -> None:
        alice = await on_a.register("alice")
        bob = await on_b.register("bob")
        assert await alice.next_event("presence") == _presence("bob", True)

        general = await alice.send("hello from node A")
        assert await bob.next_event("message") == {"type": "message", "message": general}

        # An account registered on the other node is known here at once.
        direct = await bob.send("hi alice, from B", to="alice")
        assert await alice.next_event("message") == {"type": "message", "message": direct}
        back = await alice.send("hi bob", to="bob")
        assert await bob.next_event("message") == {"type": "message", "message": back}
        # A note to self stays with its writer's sessions, on either node.
        carol_a = await on_a.register("carol")
        carol_b = await on_b.login("carol")
        note = await carol_a.send("note to self", to="carol")
        assert await carol_b.next_event("message") == {"type": "message", "message": note}
        assert [e for e in await bob.no_event(0.5) if e["type"] == "message"] == []

        # Either node serves the whole history.
        page = await bob.request("history", **{"with": "alice"}, before=None, limit=10)
        assert page["messages"] == [direct, back]

    run_on(*nodes, scenario)


def test_edits_reactions_typing_and_receipts_cross_nodes(nodes):
    async def scenario(on_a: Clients, on_b: Clients) -> None:
        alice, bob = await v2(on_a, "alice"), await v2(on_b, "bob")
        old = await on_b.register("oldtimer")  # version 1
        sent = await alice.send("teh plan", to=None)
        assert (await bob.next_event("message"))["message"] == sent
        assert (await old.next_event("message"))["message"]["body"] == "teh plan"

        edited = await ok(alice, "edit", message=sent["id"], body="the plan")
        assert await bob.next_event("update") == {"type": "update", "message": edited}
        reacted = await ok(bob, "react", message=sent["id"], emoji="👍", on=True)
        assert await alice.next_event("update") == {"type": "update", "message": reacted}
        assert reacted["reactions"] == [{"emoji": "👍", "users": ["bob"]}]
        deleted = await ok(alice, "delete", message=sent["id"])
        assert await bob.next_event("update") == {"type": "update", "message": deleted}
        # Version 1 has no updates: nothing of the three reached it.
        assert [e for e in await old.no_event(0.5) if e["type"] in ("message", "update")] == []

        assert (await alice.request("typing", to="bob", active=True))["type"] == "ok"
        assert await bob.next_event("typing") == {
            "type": "typing", "from": "alice", "to": "alice", "room": None, "active": True}
        direct = await bob.send("read this", to="alice")
        await alice.next_event("message")
        assert (await alice.request("mark_read", **{"with": "bob"}, up_to=direct["id"])
                )["type"] == "ok"
        assert await bob.next_event("read") == {
            "type": "read", "username": "alice", "with": "alice", "room": None,
            "up_to": direct["id"]}

    run_on(*nodes, scenario)


def test_presence_is_the_union_over_the_nodes(nodes):
    async def scenario(on_a: Clients, on_b: Clients) -> None:
        alice = await on_a.register("alice")
        bob_b = await on_b.register("bob")
        assert await alice.next_event("presence") == _presence("bob", True)
        # A second session on the other node changes nothing for anyone...
        bob_a = await on_a.login("bob")
        assert {"username": "bob", "online": True} in [
            {"username": u["username"], "online": u["online"]} for u in bob_a.roster]
        await bob_b.request("logout")
        assert [e for e in await alice.no_event(1.0) if e["type"] == "presence"] == []
        # ...and the last one, wherever it was, makes the user offline.
        await bob_a.request("logout")
        assert await alice.next_event("presence") == _presence("bob", False)

        # A roster read on either node shows who is online on the other.
        carol = await on_b.register("carol")
        await alice.next_event("presence")
        dave = await on_a.register("dave")
        online = {u["username"] for u in dave.roster if u["online"]}
        assert online == {"alice", "carol", "dave"}
        del carol

    run_on(*nodes, scenario)


def test_the_users_of_a_killed_node_go_offline_within_seconds(nodes):
    node_a, node_b = nodes

    async def scenario(on_a: Clients, on_b: Clients) -> None:
        alice = await on_a.register("alice")
        await on_b.register("bob")
        assert await alice.next_event("presence") == _presence("bob", True)
        node_b.kill()
        event = await alice.next_event("presence", timeout=DEAD_NODE_SECONDS)
        assert event == _presence("bob", False)
        # The node that is left goes on serving.
        await alice.send("still here")

    run_on(node_a, node_b, scenario)


def test_failed_logins_count_against_the_limits_on_every_node(
        postgres_cluster: PostgresCluster, server_factory: Callable[..., ServerProcess]) -> None:
    url = postgres_cluster.new_database()
    limit = ["--max-failed-logins-per-account", "3"]
    node_a = server_factory(*limit, database_url=url)
    node_b = server_factory(*limit, database_url=url)

    async def scenario(on_a: Clients, on_b: Clients) -> None:
        await on_a.register("alice")
        guesser = await on_a.connect()
        for _ in range(3):
            reply = await guesser.request("login", username="alice", password="wrong guess")
            assert reply["code"] == "invalid_credentials"
        elsewhere = await on_b.connect()
        # The other node heard of the failures a moment ago: asking until
        # it refuses proves the count is shared (a node that did not know
        # would let every attempt through to the password check).
        for _ in range(50):
            reply = await elsewhere.request("login", username="alice", password=PASSWORD)
            if reply.get("code") == "rate_limited":
                break
            assert reply["type"] == "ok", reply
            await elsewhere.next_event("users")
            await elsewhere.request("logout")
            await asyncio.sleep(0.1)
        assert reply["code"] == "rate_limited", reply
        assert reply["retry_after"] > 0

    run_on(node_a, node_b, scenario)


def test_two_nodes_hammered_at_once_deliver_every_message_once_in_id_order(nodes):
    """Clients on both nodes send as fast as they can; a watcher on each node
    sees every message once, in increasing id order, and a client syncing
    after the highest id it saw while the senders went on misses none."""
    per_sender, senders_per_node = 150, 3

    async def scenario(on_a: Clients, on_b: Clients) -> None:
        watchers = [await on_a.register("watcher-a"), await on_b.register("watcher-b")]
        senders = ([await on_a.register(unique_name("sender-a")) for _ in range(senders_per_node)]
                   + [await on_b.register(unique_name("sender-b")) for _ in range(senders_per_node)])
        for watcher in watchers:
            await watcher.no_event(0.5)  # the presence events of the senders
        syncer = await on_b.register("syncer")
        synced: list[int] = []

        async def sync_forward(stop: asyncio.Event) -> None:
            after = 0
            while True:
                finished = stop.is_set()
                page = await syncer.request("sync", after=after, limit=1000)
                synced.extend(m["id"] for m in page["messages"])
                if page["messages"]:
                    after = page["messages"][-1]["id"]
                elif finished:
                    return

        stop = asyncio.Event()
        syncing = asyncio.create_task(sync_forward(stop))
        sent = await asyncio.gather(*(send_many(sender, per_sender, prefix=sender.name)
                                      for sender in senders))
        stop.set()
        await syncing
        ids = sorted(m["id"] for messages in sent for m in messages)
        assert ids == list(range(ids[0], ids[0] + len(ids))), "no id taken twice, none skipped"
        assert synced == ids, "a client syncing forward missed nothing"
        for watcher in watchers:
            received: list[dict[str, Any]] = []
            while len(received) < len(ids):
                event = await watcher.next_event("message")
                received.append(event["message"])
            assert [m["id"] for m in received] == ids, "every message once, in id order"

    run_on(*nodes, scenario)


async def _send_keyed(client: Any, name: str, numbers: range) -> dict[int, int]:
    """Send ``numbers`` pipelined with idempotency keys; the ids of those
    acknowledged before the connection ended."""
    for n in numbers:
        await client.send_frame({"type": "send", "id": n, "to": None, "body": f"{name} {n}",
                                 "key": f"{name}-{n}"})
    acknowledged: dict[int, int] = {}
    try:
        for n in numbers:
            reply = await client.reply_to(n)
            assert reply["type"] == "ok", reply
            acknowledged[n] = reply["message"]["id"]
    except (ConnectionClosed, ConnectionError, TimeoutError):
        pass  # the node was killed: the rest are unacknowledged
    return acknowledged


async def _all_messages(client: Any) -> list[dict[str, Any]]:
    """Every message the client can see, by syncing from the start."""
    messages: list[dict[str, Any]] = []
    after = 0
    while True:
        page = await client.request("sync", after=after, limit=1000)
        messages.extend(page["messages"])
        if not page["has_more"]:
            return messages
        after = page["messages"][-1]["id"]


@pytest.mark.server_errors_expected
def test_a_node_killed_while_clients_send_loses_nothing_acknowledged(nodes):
    """Node A is killed (SIGKILL) in the middle of its clients' sends.  Each
    client then resends what was not acknowledged to node B with the same
    keys, as the desktop client's outbox does: every message is stored
    exactly once, acknowledged ones under the id they were acknowledged
    with, and a reader that was on A catches up on B with nothing missing."""
    node_a, node_b = nodes
    count, names = 300, ["sender-1", "sender-2", "sender-3"]

    async def scenario(on_a: Clients, on_b: Clients) -> None:
        senders = [await on_a.register(name) for name in names]
        reader = await on_a.register("reader")
        await reader.no_event(0.3)
        sending = [asyncio.create_task(_send_keyed(sender, sender.name, range(1, count + 1)))
                   for sender in senders]
        seen: list[int] = []
        while len(seen) < count // 2:
            event = await reader.next_event("message")
            seen.append(event["message"]["id"])
        node_a.kill()
        acknowledged = await asyncio.gather(*sending)
        try:
            while True:
                event = await reader.next_event("message", timeout=1)
                seen.append(event["message"]["id"])
        except (ConnectionClosed, ConnectionError, TimeoutError):
            pass
        assert sum(map(len, acknowledged)) < count * len(names), "A died before the end"

        # Each client resumes on B and resends everything unacknowledged.
        for name, acked in zip(names, acknowledged):
            again = await on_b.login(name)
            resent = await _send_keyed(again, name, range(1, count + 1))
            assert len(resent) == count
            for n, message_id in acked.items():
                assert resent[n] == message_id, "an acknowledged message keeps its id"
        stored = await _all_messages(await on_b.login("reader"))
        bodies = [m["body"] for m in stored]
        assert sorted(bodies) == sorted(f"{name} {n}" for name in names
                                        for n in range(1, count + 1)), "each stored once"
        # The reader saw a prefix of the messages in id order on A; syncing
        # after the highest it saw gives it the rest, nothing missed.
        ids = [m["id"] for m in stored]
        assert seen == ids[:len(seen)]

    run_on(node_a, node_b, scenario)


@pytest.mark.server_errors_expected
def test_the_database_restarted_under_load_loses_nothing_acknowledged(
        postgres_cluster: PostgresCluster, nodes) -> None:
    """PostgreSQL is restarted while clients on both nodes send.  Sends fail
    while it is down (``internal_error``, as for any database failure) and
    the clients retry them with the same keys; afterwards every message is
    stored once, and the nodes, having reconnected, deliver across each
    other again."""
    node_a, node_b = nodes

    async def keep_sending(client: Any, name: str, restarted: asyncio.Event) -> int:
        """Send until 10 more were acknowledged after the restart; how many."""
        n, after_restart, failures = 1, 0, 0
        while after_restart < 10:
            reply = await client.request("send", to=None, body=f"{name} {n}", key=f"{name}-{n}")
            if reply["type"] == "ok":
                n += 1
                after_restart += restarted.is_set()
            else:
                # Down: the same message again, with its key, in a moment.
                assert reply["code"] == "internal_error", reply
                failures += 1
                assert failures < 500, "the node never got its database back"
                await asyncio.sleep(0.05)
        return n - 1

    async def scenario(on_a: Clients, on_b: Clients) -> None:
        alice, bob = await on_a.register("alice"), await on_b.register("bob")
        restarted = asyncio.Event()
        sending = asyncio.gather(keep_sending(alice, "alice", restarted),
                                 keep_sending(bob, "bob", restarted))
        await asyncio.sleep(0.3)
        await asyncio.to_thread(postgres_cluster.restart)
        restarted.set()
        sent = await sending
        stored = await _all_messages(bob)
        assert sorted(m["body"] for m in stored) == sorted(
            f"{name} {n}" for name, last in zip(("alice", "bob"), sent)
            for n in range(1, last + 1))
        # Both nodes listen again: a message from A reaches B at once.
        await bob.no_event(0.5)
        message = await alice.send("after the restart")
        event = await bob.next_event("message")
        assert event["message"] == message

    run_on(node_a, node_b, scenario)
