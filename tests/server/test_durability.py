"""Durability, shutdown and the command line (PROTOCOL.md: ``send`` replies
only after a durable commit; "Running the server").

Proves: everything (accounts, messages, ids) survives a SIGTERM restart; a
message acknowledged just before SIGKILL is there after restart, and ids go
on increasing; SIGTERM and SIGINT (Ctrl+Break on Windows) exit 0 after
answering the requests in flight, whose messages are stored exactly when
acknowledged; the schema is
created on an empty file or a missing directory and a restart accepts the
existing database; password hashes of any bcrypt cost keep verifying;
``--port 0`` prints ``listening on HOST:PORT``; ``--help`` lists every
option.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import socket
import sqlite3
import subprocess
import sys

import pytest

from server.app import SHUTDOWN_GRACE_SECONDS
from tests.conftest import NEW_PROCESS_GROUP, REPO, STOP_SIGNAL, STOP_SIGNALS
from tests.wire import PASSWORD, ConnectionClosed, WireClient

from .helpers import Clients, run, send_many

#: These tests are about what reaches the disk: keep their databases there
#: (see tests/server/conftest.py).
DATABASES_ON_DISK = True


#: Messages each sender has in flight when the server is killed.
PER_SENDER = 100


def _bodies(messages: list[dict[str, object]]) -> list[object]:
    return [m["body"] for m in messages]


async def _send_keyed(client: WireClient, keyed_bodies: list[tuple[str, str]]
                      ) -> list[dict[str, object]]:
    """Send general messages with idempotency keys, pipelined; the stored messages."""
    for key, body in keyed_bodies:
        await client.send_frame({"type": "send", "id": key, "to": None, "body": body,
                                 "key": key})
    messages = []
    for key, _ in keyed_bodies:
        reply = await client.reply_to(key)
        assert reply["type"] == "ok", reply
        messages.append(reply["message"])
    return messages


def test_accounts_and_messages_survive_a_sigterm_restart(server):
    state: dict[str, object] = {}

    async def before(clients: Clients) -> None:
        alice = await clients.register("Alice")
        bob = await clients.register("bob")
        state["alice"] = (await send_many(alice, 3, prefix="general")) + \
            [await alice.send("direct", to="bob"), await alice.send("note", to="alice")]

    run(before, server.address)
    assert server.stop() == 0
    server.start()

    async def after(clients: Clients) -> None:
        alice = await clients.login("alice")
        assert (await alice.request("sync", after=0))["messages"] == state["alice"]
        newer = await alice.send("after the restart")
        assert newer["id"] > state["alice"][-1]["id"]  # type: ignore[index]
        bob = await clients.login("BOB")
        assert _bodies((await bob.request("sync", after=0))["messages"]) == [
            "general 0", "general 1", "general 2", "direct", "after the restart"]

    run(after, server.address)


def test_messages_acknowledged_just_before_sigkill_are_there_after_restart(server):
    acknowledged: list[dict[str, object]] = []

    async def before(clients: Clients) -> None:
        senders = [await clients.register(f"sender{n}") for n in range(4)]
        for k, sender in enumerate(senders):
            for n in range(PER_SENDER):
                await sender.send_frame({"type": "send", "id": n, "to": None,
                                         "body": f"{k}/{n}", "key": f"{k}/{n}"})
        # Kill the server while the commits are under way, right after it
        # acknowledged the twentieth message of one sender.
        for n in range(20):
            reply = await senders[0].reply_to(n)
            assert reply["type"] == "ok"
            acknowledged.append(reply["message"])
        server.kill()
        for sender in senders:
            try:
                while True:
                    frame = await sender.next_frame()
                    if frame.get("type") == "ok" and "message" in frame:
                        acknowledged.append(frame["message"])
            except (ConnectionClosed, ConnectionError):
                pass  # the connection ends with the process

    run(before, server.address)
    server.start()

    async def after(clients: Clients) -> None:
        reader = await clients.register("reader")
        stored = (await reader.request("sync", after=0, limit=1000))["messages"]
        stored_by_id = {m["id"]: m for m in stored}
        for message in acknowledged:
            assert stored_by_id.get(message["id"]) == message
        # Resending everything (as a client's outbox would) creates no duplicates.
        senders = [await clients.login(f"sender{n}") for n in range(4)]
        resent = await asyncio.gather(*(
            _send_keyed(sender, [(f"{k}/{n}", f"{k}/{n}") for n in range(PER_SENDER)])
            for k, sender in enumerate(senders)))
        newest_before = max(stored_by_id, default=0)
        for message in (m for messages in resent for m in messages):
            if message["id"] in stored_by_id:
                assert stored_by_id[message["id"]] == message
            else:
                assert message["id"] > newest_before
        everything = (await reader.request("sync", after=0, limit=1000))["messages"]
        assert sorted(_bodies(everything)) == sorted(f"{k}/{n}" for k in range(4)
                                                     for n in range(PER_SENDER))

    run(after, server.address)


@pytest.mark.parametrize("signum", STOP_SIGNALS, ids=lambda signum: signal.Signals(signum).name)
def test_shutdown_answers_requests_in_flight_and_stores_exactly_what_it_acknowledged(
        server, signum):
    acknowledged: dict[str, dict[str, object]] = {}
    unanswered: list[str] = []

    async def before(clients: Clients) -> None:
        alice = await clients.register("alice")
        idle = await clients.register("idle")  # a connection that does nothing
        # More than the server reads ahead: 4 KB each, and it reads at most
        # a few dozen requests ahead of the one it answers.
        keys = [f"k{n}" for n in range(200)]

        async def write() -> None:
            try:
                for n, key in enumerate(keys):
                    await alice.send_frame({"type": "send", "id": key, "to": None,
                                            "body": f"in flight {n} " + "ж" * 2000, "key": key})
            except (ConnectionError, OSError):
                pass  # the server closed the connection

        writing = asyncio.create_task(write())
        first = await alice.reply_to(keys[0])
        acknowledged[keys[0]] = first["message"]
        assert server.process is not None
        server.process.send_signal(signum)
        try:
            while True:
                frame = await alice.next_frame()
                if "re" in frame:
                    assert frame["type"] == "ok", frame
                    acknowledged[frame["re"]] = frame["message"]
        except (ConnectionClosed, ConnectionError):
            pass
        await idle.wait_closed()
        writing.cancel()
        unanswered.extend(key for key in keys if key not in acknowledged)

    run(before, server.address)
    assert server.process is not None
    assert server.process.wait(30) == 0
    server.process = None
    assert unanswered, "the server answered every request: nothing was cut off"
    server.start()

    async def after(clients: Clients) -> None:
        alice = await clients.login("alice")
        stored = (await alice.request("sync", after=0, limit=1000))["messages"]
        assert sorted(m["id"] for m in stored) == sorted(
            m["id"] for m in acknowledged.values())  # type: ignore[misc]
        again = await _send_keyed(alice, [(key, "again") for key in acknowledged])
        assert again == list(acknowledged.values())
        resent = await _send_keyed(alice, [(key, "resent") for key in unanswered])
        assert all(m["body"] == "resent" for m in resent)

    run(after, server.address)


def test_sigterm_exits_0_with_idle_and_non_reading_clients_connected(server):
    async def scenario(clients: Clients) -> None:
        await clients.register("alice")
        await clients.connect()
        stuck = await clients.register("stuck")
        stuck.writer.transport.pause_reading()
        talker = await clients.register("talker")
        await send_many(talker, 50)
        assert server.stop() == 0

    run(scenario, server.address)


def test_the_schema_is_created_on_an_empty_file_and_a_restart_accepts_it(server_factory,
                                                                          tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    server = server_factory("--no-rate-limits", database=empty)

    async def first(clients: Clients) -> None:
        alice = await clients.register("alice")
        await alice.send("stored in a fresh schema")

    run(first, server.address)
    assert empty.stat().st_size > 0
    assert server.stop() == 0
    server.start()

    async def again(clients: Clients) -> None:
        alice = await clients.login("alice")
        assert _bodies((await alice.request("sync", after=0))["messages"]) == [
            "stored in a fresh schema"]

    run(again, server.address)


def test_a_database_in_a_directory_that_does_not_exist_yet_is_created(server_factory, tmp_path):
    server = server_factory("--no-rate-limits", database=tmp_path / "new" / "dir" / "chat.db")

    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        assert (await alice.send("hello"))["body"] == "hello"

    run(scenario, server.address)
    assert (tmp_path / "new" / "dir" / "chat.db").exists()


def test_password_hashes_keep_verifying_after_the_bcrypt_cost_changes(server_factory,
                                                                      tmp_path):
    database = tmp_path / "chat.db"
    dearer = server_factory("--no-rate-limits", "--bcrypt-rounds", "6", database=database)

    async def register(clients: Clients) -> None:
        await clients.register("alice")

    run(register, dearer.address)
    assert dearer.stop() == 0
    cheaper = server_factory("--no-rate-limits", database=database)  # cost 4

    async def login(clients: Clients) -> None:
        await clients.login("alice")
        # And a hash of the new cost sits beside the old one.
        bob = await clients.register("bob")
        await bob.request("logout")
        assert (await bob.request("login", username="bob", password=PASSWORD))["type"] == "ok"

    run(login, cheaper.address)


def test_port_0_prints_the_listening_line_with_the_real_port(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", "0",
         "--database", f"sqlite:///{tmp_path / 'chat.db'}", "--bcrypt-rounds", "4",
         "--no-tls",  # plain TCP, as WireClient speaks (TLS is the default)
         "--no-announce"],  # only the announcing tests may announce
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        **NEW_PROCESS_GROUP)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)\n", line)
        assert match, line
        port = int(match.group(1))
        assert port != 0

        async def hello() -> dict[str, object]:
            client = await WireClient.connect(("127.0.0.1", port))
            await client.close()
            assert client.hello is not None
            return client.hello

        assert asyncio.run(hello())["type"] == "hello"
        process.send_signal(STOP_SIGNAL)
        assert process.wait(30) == 0
        # The line is printed once; nothing else goes to standard output.
        assert process.stdout.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_help_lists_every_option():
    result = subprocess.run([sys.executable, "-m", "server", "--help"], cwd=REPO,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    for option in ("--host", "--port", "--database", "--bcrypt-rounds", "--no-rate-limits",
                   "--login-timeout", "--idle-timeout"):
        assert option in result.stdout, option
    # The protocol's values are the defaults.
    text = " ".join(result.stdout.split())
    assert "default 7447" in text and "default 30" in text and "default 120" in text


def test_a_port_in_use_is_refused_with_an_error_and_a_nonzero_exit(server, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(server.port),
         "--database", f"sqlite:///{tmp_path / 'other.db'}", "--bcrypt-rounds", "4",
         "--no-announce"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "listening on" not in result.stdout
    # The running server is unharmed.
    with socket.create_connection(server.address, timeout=10) as sock:
        assert sock.recv(100).startswith(b'{"type":"hello"')


def test_clients_reconnect_and_sync_after_a_crash_without_missing_anything(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        seen = await send_many(bob, 5)
        for message in seen:
            assert (await alice.next_event("message"))["message"] == message
        server.kill()
        await alice.wait_closed()
        server.start()
        bob = await clients.login("bob")
        missed = await send_many(bob, 3)
        alice = await clients.login("alice")
        page = await alice.request("sync", after=seen[-1]["id"])
        assert page["messages"] == missed

    run(scenario, server.address)



def test_shutdown_answers_every_send_the_writer_has_even_past_the_grace_period(server):
    """A send handed to the writer will be committed (closing the database
    commits what is queued), so its ``ok`` must go out before the connection
    closes, however long the commit takes.  Here another program holds the
    database's write lock across the whole grace period, as a machine too
    busy to run the writer would; nothing may be stored unacknowledged."""
    keys = [f"late{n}" for n in range(10)]
    acknowledged: dict[str, dict[str, object]] = {}

    async def before(clients: Clients) -> None:
        alice = await clients.register("alice")
        lock = sqlite3.connect(server.database, isolation_level=None)
        try:
            lock.execute("BEGIN IMMEDIATE")
            for key in keys:
                await alice.send_frame({"type": "send", "id": key, "to": None,
                                        "body": f"sent as the server stops: {key}", "key": key})
            await asyncio.sleep(0.3)  # read, and handed to the writer, which waits
            assert server.process is not None
            server.process.send_signal(STOP_SIGNAL)
            await asyncio.sleep(SHUTDOWN_GRACE_SECONDS + 1)
            assert server.process.poll() is None, "the server stopped with sends unanswered"
            assert alice.replies == {} and not alice.frames
            lock.execute("ROLLBACK")
        finally:
            lock.close()
        with contextlib.suppress(ConnectionClosed, ConnectionError):
            while True:
                frame = await alice.next_frame()
                if "re" in frame:
                    assert frame["type"] == "ok", frame
                    acknowledged[frame["re"]] = frame["message"]

    run(before, server.address)
    assert server.process is not None
    assert server.process.wait(30) == 0
    server.process = None
    assert sorted(acknowledged) == sorted(keys)
    server.start()

    async def after(clients: Clients) -> None:
        alice = await clients.login("alice")
        stored = (await alice.request("sync", after=0, limit=1000))["messages"]
        assert sorted(m["id"] for m in stored) == sorted(
            m["id"] for m in acknowledged.values())  # type: ignore[misc]

    run(after, server.address)
