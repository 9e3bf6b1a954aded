"""Search and opening a result in context, over the wire (PROTOCOL-2.md, "Search").

A real server on a real SQLite file: what a version 2 client finds with
``search`` (any part of a word, any case, every word, only what it may
see, never a deleted message, pages with ``before``), how it opens a result
with ``history`` ``around`` and scrolls on with ``after``, and that a
version 1 connection sees none of it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tests.wire import PASSWORD

from .helpers import Client, Clients, run, send_many, unique_name


async def log_in_v2(clients: Clients, name: str | None = None) -> Client:
    """A new account on a version 2 connection; its roster consumed."""
    client = await clients.connect()
    client.name = name or unique_name()
    reply = await client.request("register", username=client.name, password=PASSWORD,
                                 protocol=2)
    assert reply["type"] == "ok", reply
    await client.next_event("users")
    return client


async def found(client: Client, query: str, **fields: Any) -> list[str]:
    """The bodies ``search`` returns, newest first."""
    reply = await client.request("search", query=query, **fields)
    assert reply["type"] == "ok", reply
    return [message["body"] for message in reply["messages"]]


def test_the_server_offers_search(shared_server):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        assert client.hello is not None and "search" in client.hello["features"]

    run(scenario, shared_server.address)


def test_a_search_finds_any_part_of_any_word_in_any_case(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await log_in_v2(clients)
        marker = unique_name("м")  # the shared server holds other tests' messages
        for body in (f"Привет, {marker}", f"{marker}: ёлка", f"ПРИВЕТСТВУЮ {marker}",
                     f"Hello {marker} World"):
            await alice.send(body)
        assert await found(alice, f"ПРИВ {marker}") == [f"ПРИВЕТСТВУЮ {marker}",
                                                        f"Привет, {marker}"]
        assert await found(alice, f"{marker} ЁЛ") == [f"{marker}: ёлка"]
        assert await found(alice, f"world {marker.upper()} hel") == [f"Hello {marker} World"]
        reply = await alice.request("search", query=f"{marker} ёл")
        [message] = reply["messages"]
        assert message["from"] == alice.name and message["seq"] > 0 and "reactions" in message
        assert reply["has_more"] is False and "partial" not in reply

    run(scenario, shared_server.address)


def test_a_query_made_only_of_syntax_is_searched_as_text(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await log_in_v2(clients)
        marker = unique_name("syntax")
        await alice.send(f'{marker} "NEAR(a b)" -x * OR')
        await alice.send(f"{marker} NEAR a b x OR")
        for query in ('"NEAR(a b)"', '"NEAR(a b)" -x *', "(a", '" -x *'):
            assert await found(alice, f"{marker} {query}") == [
                f'{marker} "NEAR(a b)" -x * OR'], query
        reply = await alice.request("search", query='"*" OR (-)')
        assert reply["type"] == "ok"

    run(scenario, shared_server.address)


def test_a_direct_message_is_never_found_by_a_third_person(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await log_in_v2(clients)
        bob = await log_in_v2(clients)
        eve = await log_in_v2(clients)
        marker = unique_name("тайна")
        await alice.send(f"{marker} для Боба", to=bob.name)
        await bob.send(f"{marker} для всех")
        assert await found(bob, marker) == [f"{marker} для всех", f"{marker} для Боба"]
        assert await found(alice, marker) == [f"{marker} для всех", f"{marker} для Боба"]
        assert await found(eve, marker) == [f"{marker} для всех"]
        assert await found(eve, marker, **{"with": alice.name}) == []
        assert await found(eve, marker, **{"with": bob.name}) == []
        assert await found(bob, marker, **{"with": alice.name}) == [f"{marker} для Боба"]
        assert await found(bob, marker, general=True) == [f"{marker} для всех"]

    run(scenario, shared_server.address)


def test_narrowing_to_an_unknown_user_or_a_room_of_others_is_refused(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await log_in_v2(clients)
        reply = await alice.request("search", query="plan", **{"with": unique_name("nobody")})
        assert reply["code"] == "unknown_user"
        reply = await alice.request("search", query="plan", room=987654)
        assert reply["code"] == "unknown_room"
        reply = await alice.request("search", query="plan", room=1, general=True)
        assert reply["code"] == "bad_request" and "'general'" in reply["message"]
        reply = await alice.request("search", query=" x ")
        assert reply["code"] == "bad_request" and "'query'" in reply["message"]

    run(scenario, shared_server.address)


def test_edited_and_deleted_messages_are_found_by_what_they_say_now(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await log_in_v2(clients)
        marker = unique_name("план")
        first = await alice.send(f"черновик {marker}")
        second = await alice.send(f"{marker} на завтра")
        # Edits and deletions are another feature's; the index follows
        # whoever writes (triggers in the database), so another process
        # writing plain SQL stands in for it.
        with sqlite3.connect(shared_server.database, timeout=10) as db:
            db.execute("UPDATE messages SET body = ?, edited_at = created_at WHERE id = ?",
                       (f"итоговый документ {marker.upper()}", first["id"]))
            db.execute("UPDATE messages SET body = '', deleted_at = created_at WHERE id = ?",
                       (second["id"],))
        db.close()
        assert await found(alice, f"{marker} черновик") == []
        assert await found(alice, f"{marker} ДОКУМ") == [f"итоговый документ {marker.upper()}"]
        assert await found(alice, f"{marker} завтра") == []

    run(scenario, shared_server.address)


def test_results_page_with_before_and_short_queries_work_too(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await log_in_v2(clients)
        bob = await log_in_v2(clients)
        marker = unique_name("q")
        sent = await send_many(alice, 5, to=bob.name, prefix=f"{marker} да")
        for query in (f"{marker} ДА", "да"):
            seen: list[int] = []
            before = None
            while True:
                reply = await bob.request("search", query=query, before=before, limit=2,
                                          **{"with": alice.name})
                seen += [m["id"] for m in reply["messages"]]
                if not reply["has_more"]:
                    break
                before = reply["messages"][-1]["id"]
            assert seen == [m["id"] for m in reversed(sent)], query

    run(scenario, shared_server.address)


def test_a_result_opens_in_its_conversation_with_history_around(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await log_in_v2(clients)
        bob = await log_in_v2(clients)
        sent = await send_many(alice, 9, to=bob.name, prefix="строка")
        await alice.send("в общий чат")
        [result] = (await bob.request("search", query="строка 4"))["messages"]
        page = await bob.request("history", **{"with": alice.name}, around=result["id"], limit=5)
        assert [m["id"] for m in page["messages"]] == [m["id"] for m in sent[2:7]]
        assert page["has_more"] is True and page["has_newer"] is True
        newer = await bob.request("history", **{"with": alice.name},
                                  after=page["messages"][-1]["id"], limit=5)
        assert [m["id"] for m in newer["messages"]] == [m["id"] for m in sent[7:]]
        assert newer["has_more"] is True and newer["has_newer"] is False
        newest = await bob.request("history", **{"with": alice.name}, limit=3)
        assert newest["has_newer"] is False and newest["has_more"] is True
        older = await bob.request("history", **{"with": alice.name}, before=sent[1]["id"])
        assert [m["id"] for m in older["messages"]] == [sent[0]["id"]]
        assert older["has_more"] is False and older["has_newer"] is True
        both = await bob.request("history", **{"with": alice.name}, around=5, after=5)
        assert both["code"] == "bad_request"

    run(scenario, shared_server.address)


def test_a_version_1_connection_knows_neither_search_nor_around(shared_server):
    async def scenario(clients: Clients) -> None:
        old = await clients.register()
        sent = await send_many(old, 3)
        reply = await old.request("search", query="message")
        assert reply["code"] == "unknown_type"
        # Unknown fields are ignored in version 1: around and after are.
        page = await old.request("history", before=sent[1]["id"], around=sent[2]["id"],
                                 after=0, limit=1)
        assert page == {"type": "ok", "re": page["re"], "messages": [sent[0]],
                        "has_more": page["has_more"]}

    run(scenario, shared_server.address)


def test_an_edit_and_a_deletion_through_the_protocol_change_what_search_finds(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await log_in_v2(clients)
        marker = unique_name("правка")
        first = await alice.send(f"{marker} черновик")
        second = await alice.send(f"{marker} лишнее")
        edited = await alice.request("edit", message=first["id"], body=f"{marker} чистовик")
        assert edited["type"] == "ok", edited
        deleted = await alice.request("delete", message=second["id"])
        assert deleted["type"] == "ok", deleted
        assert await found(alice, f"{marker} черновик") == []
        assert await found(alice, f"{marker} ЧИСТ") == [f"{marker} чистовик"]
        assert await found(alice, f"{marker} лишн") == []
        assert await found(alice, marker) == [f"{marker} чистовик"]
        # The edited result carries its version 2 form: when it was edited.
        [message] = (await alice.request("search", query=f"{marker} чист"))["messages"]
        assert message["edited"] is not None and message["id"] == first["id"]

    run(scenario, shared_server.address)
