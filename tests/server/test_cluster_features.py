"""Version 2's features across two server processes on one PostgreSQL database.

Two real ``python -m server`` processes ("nodes") on one database of the
throwaway cluster, version 2 clients on each: a room created, joined, left
and changed on one node is known on the other (its members there receive
its messages, typing notices and ``room``, ``member`` and ``room_left``
events, and a removed member stops receiving it at once); read markers in
a room, a
status, a revoked remembered session and a changed password cross too; a
message sent on one node is found by ``search`` on the other (the
``pg_trgm`` index); and a file uploaded through one node is downloaded
through the other when both keep files in one directory (README, "Larger
installations").
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ServerProcess
from tests.postgres import PostgresCluster
from tests.transfer import Payload, upload
from tests.wire import PASSWORD

from .helpers import Client, Clients, unique_name
from .test_files import download
from .test_rooms import create, member, ok, refused, say
from .test_cluster import run_on
from .test_sessions import remembered, session_list
from .test_version2 import presence_of

pytestmark = pytest.mark.postgres


@pytest.fixture
def nodes(postgres_cluster: PostgresCluster, server_factory: Callable[..., ServerProcess],
          tmp_path: Path) -> tuple[ServerProcess, ServerProcess]:
    """Two servers without rate limits on one new PostgreSQL database,
    keeping files in one directory."""
    url = postgres_cluster.new_database()
    files = str(tmp_path / "shared-files")
    return (server_factory("--no-rate-limits", "--files-dir", files, database_url=url),
            server_factory("--no-rate-limits", "--files-dir", files, database_url=url))


async def until_marker(client: Client, sender: Client) -> list[dict[str, Any]]:
    """The events ``client`` got before a fresh general-room message from
    ``sender`` (presence left out).  Every connection gets it, in commit
    order after whatever was committed before it, on either node."""
    marker = await sender.send(unique_name("marker"))
    seen = []
    while True:
        event = await client.next_event()
        if event["type"] == "message" and event["message"]["id"] == marker["id"]:
            return seen
        if event["type"] != "presence":
            seen.append(event)


def test_rooms_are_one_across_the_nodes(nodes):
    async def scenario(on_a: Clients, on_b: Clients) -> None:
        alice = await member(on_a, "alice")
        bob, carol, dave = (await member(on_b, "bob"), await member(on_b, "carol"),
                            await member(on_b, "dave"))
        for name in ("bob", "carol", "dave"):  # A knows them once they are online there
            await presence_of(alice, name)
        lab = await create(alice, "Lab", bob, carol, public=True)
        for client in (bob, carol):
            assert (await client.next_event("room"))["room"]["id"] == lab["id"]
        hello = await say(alice, lab["id"], "hello lab from A")
        for client in (bob, carol):
            assert (await client.next_event("message"))["message"] == hello

        # A member who joins on the other node is known here, and there.
        joined = await ok(dave, "join_room", room=lab["id"])
        assert joined["room"]["members"] == 4
        assert await alice.next_event("member") == {
            "type": "member", "room": lab["id"], "username": "dave", "joined": True}
        from_b = await say(dave, lab["id"], "dave on B")
        assert (await alice.next_event("message"))["message"] == from_b
        assert (await alice.request("typing", room=lab["id"], active=True))["type"] == "ok"
        typing = await dave.next_event("typing")
        assert (typing["from"], typing["room"], typing["active"]) == ("alice", lab["id"], True)
        members = await ok(alice, "members", room=lab["id"])
        assert sorted(u["username"] for u in members["members"]) == ["alice", "bob", "carol",
                                                                       "dave"]

        # Removed on A: bob on B gets room_left, then nothing of the room,
        # not even what carol sends on B right after (B's commit waits
        # until the removal, committed before it, reached B's clients).
        await ok(alice, "remove_member", room=lab["id"], username="bob")
        after = await say(carol, lab["id"], "after bob left")
        seen = await until_marker(bob, alice)
        room_events = [e for e in seen if e["type"] == "room_left"
                       or e["type"] == "message" and e["message"]["room"] == lab["id"]]
        assert room_events[-1] == {"type": "room_left", "room": lab["id"]}
        assert after["id"] not in [e["message"]["id"] for e in room_events
                                   if e["type"] == "message"]
        await refused(bob, "send", "unknown_room", room=lab["id"], body="still here?")
        assert (await alice.next_event("message"))["message"] == after

        # A renamed room, and a read marker in it, reach the other node.
        await ok(alice, "update_room", room=lab["id"], name="Lab 214")
        assert (await carol.next_event("room"))["room"]["name"] == "Lab 214"
        await ok(carol, "mark_read", room=lab["id"], up_to=after["id"])
        assert await alice.next_event("read") == {
            "type": "read", "username": "carol", "with": None, "room": lab["id"],
            "up_to": after["id"]}

        # What A stored is found from B, by part of a word, in any case.
        found = await ok(dave, "search", query="LAB FRO")
        assert [m["id"] for m in found["messages"]] == [hello["id"]]

    run_on(*nodes, scenario)


def test_status_revoked_sessions_and_passwords_cross_nodes(nodes):
    async def scenario(on_a: Clients, on_b: Clients) -> None:
        alice = await member(on_a, "alice")
        laptop, _ = await remembered(on_b, "bob", client="laptop")
        phone, _ = await remembered(on_b, "bob", register=False, client="phone")
        await presence_of(alice, "bob")

        assert (await laptop.request("set_status", status="busy", text="в 214"))["type"] == "ok"
        assert await presence_of(alice, "bob") == {
            "username": "bob", "online": True, "status": "busy", "status_text": "в 214",
            "avatar": None}

        # Revoked on A: the laptop's connection on B closes.
        office, _ = await remembered(on_a, "bob", register=False, client="office")
        laptop_id = next(s["id"] for s in await session_list(office) if s["client"] == "laptop")
        assert (await office.request("revoke_session", session=laptop_id))["type"] == "ok"
        await laptop.wait_closed()
        # A new password on A: every other remembered session ends, on B too.
        changed = await office.request("change_password", old_password=PASSWORD,
                                       new_password="another password 214")
        assert changed["type"] == "ok", changed
        await phone.wait_closed()
        assert (await office.request("ping"))["type"] == "ok"

    run_on(*nodes, scenario)


def test_a_file_uploaded_on_one_node_is_downloaded_on_the_other(nodes):
    first, second = nodes
    payload = Payload(2 * 1024 * 1024 + 5, seed=19)

    async def scenario(on_a: Clients, on_b: Clients) -> None:
        alice = await member(on_a, "alice")
        bob = await member(on_b, "bob")
        file = await upload(alice, first.address, payload, name="plan.pdf",
                            mime="application/pdf")
        sent = await alice.send("the plan", file=file["id"])
        assert (await bob.next_event("message"))["message"]["file"] == file
        assert sent["file"] == file
        assert await download(bob, second.address, file["id"]) == payload.bytes()

    run_on(*nodes, scenario)


def _stop_listening(postgres_cluster: PostgresCluster, url: str, allow: bool) -> None:
    """Cut both nodes' listening connections to the database of ``url`` and
    keep them from connecting again (``allow`` False), or let them."""
    database = url.rsplit("/", 1)[1]
    with postgres_cluster.connect() as admin:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {str(allow).lower()}')
        if not allow:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND query LIKE 'LISTEN%%'", (database,))


@pytest.mark.server_errors_expected
def test_a_room_changed_while_a_node_was_not_listening_is_known_when_it_listens_again(
        postgres_cluster: PostgresCluster, server_factory: Callable[..., ServerProcess]):
    """A node that lost its link to the others reads the rooms again when it
    is back: a member added through the other node meanwhile, whose
    connection is on this node, gets the room's messages from then on."""
    url = postgres_cluster.new_database()
    node_a = server_factory("--no-rate-limits", database_url=url)
    node_b = server_factory("--no-rate-limits", database_url=url)

    async def scenario(on_a: Clients, on_b: Clients) -> None:
        bob = await member(on_b, "bob")
        alice, erin = await member(on_a, "alice"), await member(on_a, "erin")
        for name in ("alice", "erin"):  # B knows them once they are online there
            await presence_of(bob, name)
        lab = await create(bob, "Lab", alice)
        assert (await alice.next_event("room"))["room"]["id"] == lab["id"]

        # Neither node hears the other while bob adds erin on B.
        await asyncio.to_thread(_stop_listening, postgres_cluster, url, False)
        await ok(bob, "invite", room=lab["id"], username="erin")
        await asyncio.to_thread(_stop_listening, postgres_cluster, url, True)

        # A reconnects by itself, reads the rooms, and so erin, on A, gets
        # what bob says there (whether A reads it as missed or as news).
        hello = await say(bob, lab["id"], "hello erin")
        assert (await erin.next_event("message"))["message"] == hello
        members = await ok(alice, "members", room=lab["id"])
        assert sorted(u["username"] for u in members["members"]) == ["alice", "bob", "erin"]

    run_on(node_a, node_b, scenario)
