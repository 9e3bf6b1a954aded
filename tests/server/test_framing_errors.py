"""Framing, request envelopes and error replies (PROTOCOL.md: "Transport and
framing", "Error codes").

Proves: ``bad_request`` for frames that are not JSON, not an object, or lack
a string ``type``; request ids (strings up to 64 characters and integers
within ±2^53 echoed in ``re``, anything else answered with ``re: null``);
``\\r\\n`` line ends; unknown fields ignored; ``unknown_type`` in every
state; pipelined requests answered in order; the 65,536-byte frame limit
(exactly the limit is fine, one byte more gets ``frame_too_large`` which the
client can read before the connection closes); and that no malformed frame
closes the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3

import orjson
import pytest

from tests.wire import PASSWORD

from .helpers import Clients, run, unique_name

LIMIT = 65_536


def _assert_error(reply: dict[str, object], code: str, re: object) -> None:
    assert reply["type"] == "error", reply
    assert reply["code"] == code, reply
    assert reply["re"] == re, reply
    assert isinstance(reply["message"], str) and reply["message"], reply


@pytest.mark.parametrize("line", [
    b"not json",
    b"{\"type\": \"ping\"",              # truncated
    b"{'type': 'ping'}",                 # single quotes
    b"",                                 # an empty line
    b"   ",
    b"{\"type\": \"ping\", \"id\": 1,}",  # trailing comma
    b"{\"type\": NaN}",
    b"\xff\xfe{\"type\": \"ping\"}",     # not UTF-8
    b"{\"type\": \"ping\", \"id\": \"\xc3\"}",  # broken UTF-8 inside a string
    b"[" * 5000 + b"]" * 5000,           # nested too deep for any parser
])
def test_a_frame_that_is_not_json_gets_bad_request_with_re_null(shared_server, line):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        await client.send_raw(line + b"\n")
        _assert_error(await client.next_frame(), "bad_request", None)
        assert await client.request("ping") == {"type": "ok", "re": 1}

    run(scenario, shared_server.address)


@pytest.mark.parametrize("line", [b"[]", b"[{\"type\": \"ping\"}]", b"\"ping\"", b"42", b"null",
                                  b"true"])
def test_a_frame_that_is_not_an_object_gets_bad_request_with_re_null(shared_server, line):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        await client.send_raw(line + b"\n")
        _assert_error(await client.next_frame(), "bad_request", None)
        assert await client.request("ping") == {"type": "ok", "re": 1}

    run(scenario, shared_server.address)


@pytest.mark.parametrize("frame", [
    {"id": "no-type"},
    {"id": "no-type", "type": None},
    {"id": "no-type", "type": 5},
    {"id": "no-type", "type": ["ping"]},
    {"id": "no-type", "type": {"name": "ping"}},
])
def test_a_frame_without_a_string_type_gets_bad_request_echoing_its_id(shared_server, frame):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        await client.send_frame(frame)
        _assert_error(await client.next_frame(), "bad_request", "no-type")

    run(scenario, shared_server.address)


@pytest.mark.parametrize("request_id", [
    "x", "", "a" * 64, "ж" * 64, "😀" * 64, 0, 1, -1, 2**53, -(2**53), 123456789,
])
def test_valid_ids_are_echoed_in_re_of_ok_and_error_replies(shared_server, request_id):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        await client.send_frame({"type": "ping", "id": request_id})
        assert await client.next_frame() == {"type": "ok", "re": request_id}
        await client.send_frame({"type": "users", "id": request_id})
        _assert_error(await client.next_frame(), "not_authenticated", request_id)
        await client.send_frame({"type": "no such type", "id": request_id})
        _assert_error(await client.next_frame(), "unknown_type", request_id)

    run(scenario, shared_server.address)


@pytest.mark.parametrize("raw_id", [
    b'"' + b"a" * 65 + b'"',            # 65 characters
    ('"' + "ж" * 65 + '"').encode(),
    str(2**53 + 1).encode(),
    str(-(2**53) - 1).encode(),
    str(2**64).encode(),
    str(10**30).encode(),
    b"true",
    b"false",
    b"1.5",
    b"1.0",
    b"1e3",
    b"[1]",
    b'{"n": 1}',
])
def test_an_invalid_id_gets_bad_request_with_re_null(shared_server, raw_id):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        await client.send_raw(b'{"type": "ping", "id": ' + raw_id + b"}\n")
        _assert_error(await client.next_frame(), "bad_request", None)
        # The request was not carried out: a register with a bad id creates nothing.
        name = unique_name()
        await client.send_raw(b'{"type": "register", "id": ' + raw_id + b', "username": "'
                              + name.encode() + b'", "password": "' + PASSWORD.encode() + b'"}\n')
        _assert_error(await client.next_frame(), "bad_request", None)
        reply = await client.request("register", username=name, password=PASSWORD)
        assert reply["type"] == "ok"

    run(scenario, shared_server.address)


def test_a_request_without_id_or_with_id_null_gets_re_null(shared_server):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        await client.send_raw(b'{"type": "ping"}\n')
        assert await client.next_frame() == {"type": "ok", "re": None}
        await client.send_raw(b'{"type": "ping", "id": null}\n')
        assert await client.next_frame() == {"type": "ok", "re": None}
        await client.send_raw(b'{"type": "sync", "after": 0}\n')
        _assert_error(await client.next_frame(), "not_authenticated", None)

    run(scenario, shared_server.address)


def test_frames_may_end_in_crlf(shared_server):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        name = unique_name()
        await client.send_raw(b'{"type":"ping","id":1}\r\n{"type":"register","id":2,'
                              b'"username":"' + name.encode() + b'","password":"'
                              + PASSWORD.encode() + b'"}\r\n')
        assert await client.next_frame() == {"type": "ok", "re": 1}
        assert (await client.next_frame())["re"] == 2
        assert (await client.next_frame())["type"] == "users"
        await client.send_raw(b'{"type":"send","id":3,"to":null,"body":"crlf\\r\\n"}\r\n')
        reply = await client.next_frame()
        assert reply["re"] == 3 and reply["message"]["body"] == "crlf\n"

    run(scenario, shared_server.address)


def test_unknown_fields_are_ignored(shared_server):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        assert await client.request("ping", extra=1, nested={"a": [1, 2]}) == {
            "type": "ok", "re": 1}
        reply = await client.request("register", username=unique_name(), password=PASSWORD,
                                     avatar="cat.png", re="ignored")
        assert reply["type"] == "ok" and reply["re"] == 2
        message = await client.send("hi", future_option=True)
        assert message["body"] == "hi"

    run(scenario, shared_server.address)


@pytest.mark.parametrize("state", ["new", "logged in", "logged out"])
def test_an_unknown_type_gets_unknown_type_in_every_state(shared_server, state):
    async def scenario(clients: Clients) -> None:
        if state == "new":
            client = await clients.connect()
        else:
            client = await clients.register()
            if state == "logged out":
                await client.request("logout")
        for request_type in ("", "PING", "Login", "subscribe", "ok", "error", "hello",
                             "message", "presence"):
            reply = await client.request(request_type, body=5)
            assert reply["type"] == "error" and reply["code"] == "unknown_type", reply

    run(scenario, shared_server.address)


def test_pipelined_requests_are_answered_in_the_order_sent(shared_server):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        name = unique_name()
        frames = [
            {"type": "ping", "id": 1},
            {"type": "users", "id": 2},                                  # not_authenticated
            {"type": "register", "id": 3, "username": name, "password": PASSWORD},  # bcrypt
            {"type": "send", "id": 4, "to": None, "body": "first"},     # a commit
            {"type": "nonsense", "id": 5},
            {"type": "history", "id": 6, "limit": 1},
            {"type": "send", "id": 7, "to": name, "body": "second"},
            {"type": "ping", "id": 8},
            {"type": "change_password", "id": 9, "old_password": PASSWORD,
             "new_password": "another password"},                        # two bcrypts
            {"type": "sync", "id": 10, "after": 0, "limit": 1},
            {"type": "logout", "id": 11},
            {"type": "login", "id": 12, "username": name, "password": "another password"},
            {"type": "ping", "id": 13},
        ]
        data = b"".join(
            b"{malformed\n" + (orjson.dumps(frame) + b"\n") for frame in frames)
        await client.send_raw(data)
        replies = []
        while len(replies) < 2 * len(frames):
            frame = await client.next_frame()
            if "re" in frame:
                replies.append(frame)
        assert [r["re"] for r in replies] == [
            value for frame in frames for value in (None, frame["id"])]
        codes = [r.get("code", "ok") for r in replies if r["re"] is not None]
        assert codes == ["ok", "not_authenticated", "ok", "ok", "unknown_type", "ok", "ok", "ok",
                         "ok", "ok", "ok", "ok", "ok"]

    run(scenario, shared_server.address)


def test_a_request_after_pipelined_sends_sees_them_and_not_the_sends_after_it(server):
    # Sends do not wait for each other's commits, but everything else waits
    # for the sends before it: a client that sends and then asks for the
    # history finds its messages there, and every reply keeps its place.
    async def scenario(clients: Clients) -> None:
        to = unique_name()
        alice, bob = await clients.register(), await clients.register(to)
        before = [{"type": "send", "id": f"s{n}", "to": to, "body": f"before {n}"}
                  for n in range(20)]
        refused = {"type": "send", "id": "refused", "to": unique_name(), "body": "to nobody"}
        history = {"type": "history", "id": "history", "with": to, "limit": 50}
        after = [{"type": "send", "id": f"t{n}", "to": to, "body": f"after {n}"}
                 for n in range(5)]
        frames = [*before[:10], refused, *before[10:], history, *after]
        # Hold the database's write lock, so that no send can commit yet:
        # the history must not be answered meanwhile, though reading it
        # would not wait for the lock.
        lock = sqlite3.connect(server.database, isolation_level=None)
        try:
            lock.execute("BEGIN IMMEDIATE")
            await alice.send_raw(b"".join(orjson.dumps(frame) + b"\n" for frame in frames))
            early = []  # replies that came while nothing could commit
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.5):
                    while True:
                        frame = await alice.next_frame()
                        if "re" in frame:
                            early.append(frame)
            assert early == []
            lock.execute("ROLLBACK")
        finally:
            lock.close()
        replies = []  # in the order they arrive
        while len(replies) < len(frames):
            frame = await alice.next_frame()
            if "re" in frame:
                replies.append(frame)
        assert [r["re"] for r in replies] == [frame["id"] for frame in frames]
        assert [r.get("code", "ok") for r in replies] == (
            ["ok"] * 10 + ["unknown_user"] + ["ok"] * 10 + ["ok"] + ["ok"] * 5)
        sent = [reply["message"] for frame, reply in zip(frames, replies)
                if frame["type"] == "send" and frame is not refused]
        assert [m["body"] for m in sent] == [f["body"] for f in before + after]
        assert [m["id"] for m in sent] == sorted(m["id"] for m in sent)
        page = replies[frames.index(history)]["messages"]
        assert page == sent[:20]
        # The recipient gets every message once, in id order.
        received = [(await bob.next_event("message"))["message"] for _ in sent]
        assert received == sent

    run(scenario, server.address)


def _ping_frame_of(size: int, *, crlf: bool = False) -> bytes:
    """A valid ping frame of exactly ``size`` bytes, its line end included."""
    end = b"\r\n" if crlf else b"\n"
    head = b'{"type":"ping","id":"big","pad":"'
    tail = b'"}' + end
    return head + b"x" * (size - len(head) - len(tail)) + tail


def test_a_frame_of_exactly_65536_bytes_is_answered(shared_server):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        for crlf in (False, True):
            frame = _ping_frame_of(LIMIT, crlf=crlf)
            assert len(frame) == LIMIT
            await client.send_raw(frame)
            assert await client.next_frame() == {"type": "ok", "re": "big"}
        # A message body that fills a frame to the limit, multi-byte characters and all.
        await client.request("register", username=unique_name(), password=PASSWORD)
        await client.next_event("users")
        head = b'{"type":"send","id":"full","to":null,"body":"'
        tail = b'","pad":"' + b"p" * 10 + b'"}\n'
        body = "😀" * 4000  # 16,000 bytes
        padding = LIMIT - len(head) - len(tail) - len(body.encode())
        frame = head + body.encode() + b'","pad":"' + b"p" * (10 + padding) + b'"}\n'
        assert len(frame) == LIMIT
        await client.send_raw(frame)
        reply = await client.reply_to("full")
        assert reply["type"] == "ok" and reply["message"]["body"] == body

    run(scenario, shared_server.address)


@pytest.mark.parametrize("crlf", [False, True])
def test_a_frame_of_65537_bytes_gets_frame_too_large_then_the_connection_closes(
        shared_server, crlf):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        frame = _ping_frame_of(LIMIT + 1, crlf=crlf)
        # A request before it, in the same write, is still answered first.
        await client.send_raw(b'{"type":"ping","id":"before"}\n' + frame)
        assert await client.next_frame() == {"type": "ok", "re": "before"}
        _assert_error(await client.next_frame(), "frame_too_large", None)
        await client.wait_closed()

    run(scenario, shared_server.address)


def test_an_endless_line_gets_frame_too_large_which_the_client_can_read(shared_server):
    """The client keeps sending after the limit; the error must still arrive
    before the connection is closed (not destroyed by a reset)."""

    async def scenario(clients: Clients) -> None:
        client = await clients.connect()

        async def keep_sending() -> None:
            try:
                for _ in range(64):
                    await client.send_raw(b"y" * 65536)
            except (ConnectionError, OSError):
                pass  # the server hung up: expected once it has said why

        sender = asyncio.create_task(keep_sending())
        _assert_error(await client.next_frame(), "frame_too_large", None)
        await client.wait_closed()
        await sender

    run(scenario, shared_server.address)


def test_a_frame_too_large_on_a_logged_in_connection_announces_it_offline(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        await bob.send_raw(_ping_frame_of(LIMIT + 1))
        _assert_error(await bob.next_frame(), "frame_too_large", None)
        await bob.wait_closed()
        assert (await alice.next_event("presence"))["user"] == {"username": "bob",
                                                                 "online": True}
        assert (await alice.next_event("presence"))["user"] == {"username": "bob",
                                                                 "online": False}

    run(scenario, server.address)


def test_malformed_frames_never_close_the_connection_or_change_its_state(shared_server):
    async def scenario(clients: Clients) -> None:
        client = await clients.register()
        garbage = [b"{", b"[]", b"\xff", b'{"type": 1}', b'{"type":"send","id":true}',
                   b'{"type":"send","to":null}', b'{"type":"history","limit":0}',
                   b'{"type":"login","username":"x","password":"y"}', b"\x00" * 100,
                   b'{"type":"mark_read","with":null,"up_to":-5}', b" " * 60000]
        for line in garbage * 3:
            await client.send_raw(line + b"\n")
            reply = await client.next_frame()
            assert reply["type"] == "error" and reply["code"] in (
                "bad_request", "already_authenticated"), reply
        # Still logged in, still chatting.
        assert (await client.send("still here"))["body"] == "still here"

    run(scenario, shared_server.address)


@pytest.mark.server_errors_expected
def test_a_request_the_server_fails_gets_internal_error_and_has_no_effect(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        first = await alice.send("will be damaged", key="outbox-1")
        assert (await bob.next_event("message"))["message"] == first
        # Damage the stored message behind the server's back, so that reading
        # it fails inside the server.
        with sqlite3.connect(server.database, timeout=10) as database:
            database.execute("UPDATE messages SET created_at = 'not a time' WHERE id = ?",
                             (first["id"],))
        await alice.send_frame({"type": "history", "id": "h", "limit": 5})
        _assert_error(await alice.reply_to("h"), "internal_error", "h")
        # A resend with the key must read that message: it fails, and
        # stores nothing.
        await alice.send_frame({"type": "send", "id": "s", "to": None, "body": "again",
                                "key": "outbox-1"})
        _assert_error(await alice.reply_to("s"), "internal_error", "s")
        assert (await alice.request("sync", after=first["id"]))["messages"] == []
        assert [e for e in await bob.no_event(0.3) if e["type"] == "message"] == []
        # The connection lives on, and so does everything else.
        assert (await alice.request("ping"))["type"] == "ok"
        later = await alice.send("undamaged")
        assert (await bob.next_event("message"))["message"] == later

    run(scenario, server.address)
