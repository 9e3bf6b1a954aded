"""Sending messages (PROTOCOL.md: ``send``, the Message object, body rules,
the ``message`` event, idempotency keys).

Proves: general, direct and to-self messages and who receives each as an
event (every connection that can see it except the sending one, nobody
else); ``unknown_user``; the body rules (line breaks, white space, control
characters, lone surrogates, the 4000-character limit); the ``key`` that
makes a resend store nothing, across reconnects and connections of one
account but not across accounts.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest

from .helpers import Clients, ids_of, run, unique_name

#: Every test here runs on SQLite and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

TS_FORMAT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_a_general_message_is_acknowledged_with_the_stored_message(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        before = datetime.now(UTC)
        reply = await alice.request("send", to=None, body="hi all")
        after = datetime.now(UTC)
        assert reply["type"] == "ok" and reply["re"] == 2
        message = reply["message"]
        assert set(message) == {"id", "from", "to", "body", "ts"}
        assert isinstance(message["id"], int) and message["id"] > 0
        assert message["from"] == alice.name and message["to"] is None
        assert message["body"] == "hi all"
        assert TS_FORMAT.match(message["ts"]), message["ts"]
        ts = datetime.fromisoformat(message["ts"].replace("Z", "+00:00"))
        assert before - timedelta(milliseconds=1) <= ts <= after

    run(scenario, shared_server.address)


def test_message_ids_strictly_increase_across_conversations(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        ids = []
        for n in range(5):
            ids.append((await alice.send(f"g{n}"))["id"])
            ids.append((await bob.send(f"d{n}", to=alice.name))["id"])
            ids.append((await alice.send(f"s{n}", to=alice.name))["id"])
        assert ids == sorted(set(ids))

    run(scenario, shared_server.address)


def test_a_general_message_reaches_every_logged_in_connection_but_the_sending_one(
        shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        alice2 = await clients.login(alice.name)
        bob = await clients.register()
        carol = await clients.register()
        anonymous = await clients.connect()  # connected, never logged in
        message = await alice.send("hello everyone")
        for client in (alice2, bob, carol):
            assert (await client.next_event("message"))["message"] == message
        assert [e for e in await alice.no_event(0.3) if e["type"] == "message"] == []
        assert await anonymous.no_event(0.01) == []

    run(scenario, shared_server.address)


def test_a_direct_message_reaches_both_parties_connections_and_nobody_else(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        alice2 = await clients.login(alice.name)
        bob = await clients.register()
        bob2 = await clients.login(bob.name)
        carol = await clients.register()
        message = await alice.send("just for bob", to=bob.name)
        assert message["from"] == alice.name and message["to"] == bob.name
        for client in (alice2, bob, bob2):
            assert (await client.next_event("message"))["message"] == message
        for client in (alice, carol):
            assert [e for e in await client.no_event(0.3) if e["type"] == "message"] == []
        # Nor can carol read it any other way.
        history = await carol.request("history", **{"with": alice.name})
        assert history["messages"] == []
        sync = await carol.request("sync", after=message["id"] - 1)
        assert message["id"] not in ids_of(sync["messages"])

    run(scenario, shared_server.address)


def test_a_message_to_yourself_reaches_only_your_other_connections(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register(unique_name("Alice"))
        alice2 = await clients.login(alice.name)
        bob = await clients.register()
        note = await alice.send("note to self", to=alice.name.upper())
        assert note["from"] == alice.name and note["to"] == alice.name
        assert (await alice2.next_event("message"))["message"] == note
        assert [e for e in await bob.no_event(0.3) if e["type"] == "message"] == []
        history = await alice2.request("history", **{"with": alice.name})
        assert history["messages"] == [note]
        sync = await alice2.request("sync", after=note["id"] - 1)
        assert sync["messages"] == [note]
        assert note["id"] not in ids_of((await bob.request("sync", after=note["id"] - 1))[
            "messages"])

    run(scenario, shared_server.address)


def test_a_send_that_leaves_out_to_goes_to_the_general_room(shared_server):
    """PROTOCOL.md: a field that may be null may also be left out."""

    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        reply = await alice.request("send", body="no to field")
        assert reply["type"] == "ok", reply
        assert reply["message"]["to"] is None
        assert (await bob.next_event("message"))["message"] == reply["message"]

    run(scenario, shared_server.address)


def test_a_message_to_an_unknown_user_gets_unknown_user_and_stores_nothing(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        before = await alice.send("before", to=alice.name)
        reply = await alice.request("send", to=unique_name("nobody"), body="hello?")
        assert reply["type"] == "error" and reply["code"] == "unknown_user"
        reply = await alice.request("send", to="!not a name!", body="hello?")
        assert reply["code"] == "unknown_user"
        assert (await alice.request("sync", after=before["id"]))["messages"] == []

    run(scenario, shared_server.address)


@pytest.mark.parametrize("fields", [
    {"to": None},
    {"to": 5, "body": "x"},
    {"to": None, "body": 5},
    {"to": None, "body": None},
    {"to": None, "body": ["x"]},
    {"to": ["bob"], "body": "x"},
    {"to": None, "body": "x", "key": 5},
    {"to": None, "body": "x", "key": ""},
    {"to": None, "body": "x", "key": "k" * 65},
])
def test_send_with_missing_or_ill_typed_fields_gets_bad_request(shared_server, fields):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        reply = await alice.request("send", **fields)
        assert reply["type"] == "error" and reply["code"] == "bad_request", reply
        assert (await alice.request("sync", after=0, limit=1))["type"] == "ok"

    run(scenario, shared_server.address)


def test_line_breaks_are_stored_as_newline_and_the_rest_of_the_body_unchanged(shared_server):
    cases = [
        ("line one\r\nline two", "line one\nline two"),
        ("old mac\rline", "old mac\nline"),
        ("\r\n\r\nx\r\r\n", "\n\nx\n\n"),
        ("tab\tand\nnewline are kept", "tab\tand\nnewline are kept"),
        ("  leading and trailing  ", "  leading and trailing  "),
        ("Привет, 世界! 😀 שלום e\u0301", "Привет, 世界! 😀 שלום e\u0301"),
        ("\u200b", "\u200b"),  # ZERO WIDTH SPACE is not White_Space
    ]

    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        for sent, stored in cases:
            message = await alice.send(sent)
            assert message["body"] == stored
            assert (await bob.next_event("message"))["message"]["body"] == stored
            history = await bob.request("history", **{"with": None}, limit=1)
            assert history["messages"] == [message]

    run(scenario, shared_server.address)


@pytest.mark.parametrize("body", [
    "",
    " ",
    "\n",
    "\r\n",
    "\t \n \r",
    "\u00a0",          # NO-BREAK SPACE
    "\u3000\u2003",    # IDEOGRAPHIC SPACE, EM SPACE
    "\u2028\u2029",    # LINE and PARAGRAPH SEPARATOR
    "\u000b\u000c",    # vertical tab, form feed: White_Space (and Cc)
    "\u0085",          # NEXT LINE: White_Space (and Cc)
])
def test_an_empty_or_white_space_only_body_gets_bad_request(shared_server, body):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        reply = await alice.request("send", to=alice.name, body=body)
        assert reply["type"] == "error" and reply["code"] == "bad_request", reply
        history = await alice.request("history", **{"with": alice.name})
        assert history["messages"] == []

    run(scenario, shared_server.address)


@pytest.mark.parametrize("char", ["\u0000", "\u0007", "\u001b", "\u001f", "\u007f",
                                  "\u0080", "\u0085", "\u009f", "\u000b", "\u000c"])
def test_a_body_with_a_control_character_other_than_tab_and_newline_gets_bad_request(
        shared_server, char):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        reply = await alice.request("send", to=alice.name, body=f"bad{char}char")
        assert reply["type"] == "error" and reply["code"] == "bad_request", reply
        history = await alice.request("history", **{"with": alice.name})
        assert history["messages"] == []

    run(scenario, shared_server.address)


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\udc00x\\ud83d"])
def test_a_body_with_a_lone_surrogate_gets_bad_request(shared_server, escape):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        await alice.send_raw(
            b'{"type":"send","id":"s","to":"' + alice.name.encode() + b'","body":"a'
            + escape.encode() + b'b"}\n')
        reply = await alice.next_frame()
        assert reply["type"] == "error" and reply["code"] == "bad_request", reply
        history = await alice.request("history", **{"with": alice.name})
        assert history["messages"] == []

    run(scenario, shared_server.address)


def test_a_surrogate_pair_escape_is_one_character_and_accepted(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        await alice.send_raw(b'{"type":"send","id":"s","to":null,"body":"\\ud83d\\ude00"}\n')
        reply = await alice.reply_to("s")
        assert reply["type"] == "ok" and reply["message"]["body"] == "😀"

    run(scenario, shared_server.address)


def test_a_body_of_4000_characters_is_stored_and_4001_gets_message_too_long(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        longest = await alice.send("a" * 4000)
        assert longest["body"] == "a" * 4000
        # Characters are code points, not bytes: 4000 emoji are 16,000 bytes.
        emoji = await alice.send("😀" * 4000)
        assert emoji["body"] == "😀" * 4000
        for body in ("a" * 4001, "😀" * 4001, " " * 4000 + "x"):
            reply = await alice.request("send", to=None, body=body)
            assert reply["type"] == "error" and reply["code"] == "message_too_long", reply
        # Counted after line breaks are normalised: 4001 code points sent,
        # 4000 stored.
        crlf = await alice.send("b" * 3999 + "\r\n")
        assert crlf["body"] == "b" * 3999 + "\n"
        history = await alice.request("history", **{"with": None}, limit=10)
        assert ids_of(history["messages"])[-3:] == [longest["id"], emoji["id"], crlf["id"]]

    run(scenario, shared_server.address)


def test_a_resend_with_the_same_key_stores_nothing_and_returns_the_first_message(
        shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        first = await alice.send("once", key="outbox-1")
        again = await alice.send("once", key="outbox-1")
        assert again == first
        # Even a different body or recipient: the key decides.
        other = await alice.send("changed", to=bob.name, key="outbox-1")
        assert other == first
        assert (await bob.next_event("message"))["message"] == first
        assert [e for e in await bob.no_event(0.3) if e["type"] == "message"] == []
        assert (await bob.request("sync", after=first["id"] - 1))["messages"] == [first]
        # A new key is a new message.
        second = await alice.send("twice", key="outbox-2")
        assert second["id"] > first["id"]

    run(scenario, shared_server.address)


def test_a_key_is_remembered_across_reconnects_and_restarts(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        first = await alice.send("survives", key="k" * 64)
        await alice.close()
        again = await clients.login("alice")
        assert await again.send("survives", key="k" * 64) == first

    run(scenario, server.address)
    server.restart()

    async def after(clients: Clients) -> None:
        alice = await clients.login("alice")
        resent = await alice.send("survives", key="k" * 64)
        assert (await alice.request("sync", after=0))["messages"] == [resent]

    run(after, server.address)


def test_a_key_is_shared_by_the_connections_of_one_account(shared_server):
    async def scenario(clients: Clients) -> None:
        alice1 = await clients.register()
        alice2 = await clients.login(alice1.name)
        bob = await clients.register()
        first = await alice1.send("from the laptop", key="same")
        assert (await alice2.next_event("message"))["message"] == first
        assert await alice2.send("from the laptop", key="same") == first
        # Both at once: one message, both told about it, one event each.
        replies = await asyncio.gather(
            alice1.request("send", to=None, body="race", key="raced"),
            alice2.request("send", to=None, body="race", key="raced"))
        assert replies[0]["message"] == replies[1]["message"]
        raced = replies[0]["message"]
        assert (await bob.next_event("message"))["message"] == first
        assert (await bob.next_event("message"))["message"] == raced
        assert [e for e in await bob.no_event(0.3) if e["type"] == "message"] == []
        sync = await bob.request("sync", after=first["id"] - 1)
        assert sync["messages"] == [first, raced]

    run(scenario, shared_server.address)


def test_the_same_key_from_another_account_is_a_different_message(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        bob = await clients.register()
        from_alice = await alice.send("alice's", key="uuid-1")
        from_bob = await bob.send("bob's", key="uuid-1")
        assert from_bob["id"] != from_alice["id"]
        assert from_bob["from"] == bob.name and from_bob["body"] == "bob's"
        assert ids_of((await bob.request("sync", after=from_alice["id"] - 1))["messages"]) == [
            from_alice["id"], from_bob["id"]]

    run(scenario, shared_server.address)


def test_messages_without_a_key_are_never_merged(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register()
        first = await alice.send("same text", to=alice.name)
        second = await alice.send("same text", to=alice.name)
        third = await alice.send("same text", to=alice.name, key=None)
        assert len({first["id"], second["id"], third["id"]}) == 3

    run(scenario, shared_server.address)


def test_a_sender_name_appears_in_its_registered_spelling(shared_server):
    async def scenario(clients: Clients) -> None:
        name = unique_name("CamelCase")
        camel = await clients.register(name)
        other = await clients.register()
        message = await other.send("hi", to=name.upper())
        assert message["to"] == name
        reply = await camel.send("back", to=other.name.upper())
        assert reply["from"] == name and reply["to"] == other.name

    run(scenario, shared_server.address)
