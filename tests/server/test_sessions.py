"""Remembered sessions (PROTOCOL-2.md): tokens issued, resumed, listed, revoked, expired.

Against a real server over real sockets.  The expiry test runs the server
in this process with a fake clock (:class:`FakeClock`): 90 days pass in an
instant, and nothing sleeps.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from protocol.limits import SESSION_TOKEN_DAYS
from server.app import BesedkaServer
from server.config import RateLimits, ServerConfig
from tests.conftest import ServerProcess
from tests.wire import PASSWORD

from ..security.helpers import admin
from .helpers import Client, Clients, run, unique_name


async def remembered(clients: Clients, name: str, *, register: bool = True,
                     client: str = "Besedka test", password: str = PASSWORD,
                     ) -> tuple[Client, str]:
    """A version 2 connection logged in with ``remember``; it and its token."""
    connection = await clients.connect()
    reply = await connection.request("register" if register else "login", username=name,
                                     password=password, protocol=2, remember=True,
                                     client=client)
    assert reply["type"] == "ok", reply
    await connection.next_event("users")
    connection.name = name
    token = reply["token"]
    assert isinstance(token, str)
    return connection, token


async def resume(clients: Clients, token: str, **fields: Any) -> tuple[Client, dict[str, Any]]:
    """A new connection that sends ``resume``; it and the reply (roster consumed on ``ok``)."""
    connection = await clients.connect()
    reply = await connection.request("resume", token=token, **fields)
    if reply["type"] == "ok":
        connection.name = reply["user"]["username"]
        connection.roster = (await connection.next_event("users"))["users"]
    return connection, reply


async def session_list(client: Client) -> list[dict[str, Any]]:
    reply = await client.request("sessions")
    assert reply["type"] == "ok", reply
    return reply["sessions"]  # type: ignore[no-any-return]


def test_a_remembered_login_resumes_on_a_new_connection_without_the_password(
        shared_server: ServerProcess) -> None:
    name = unique_name("ann")
    token = ""

    async def scenario(clients: Clients) -> None:
        nonlocal token
        first, token = await remembered(clients, name)
        # At least 128 bits (PROTOCOL-2.md); ours are 256, in URL-safe base64.
        assert len(token) >= 43
        await first.send("before the restart of the client")
        await first.close()

        again, reply = await resume(clients, token, protocol=2, client="Besedka test 2")
        assert reply["type"] == "ok", reply
        assert reply["user"] == {"username": name}
        assert reply["general_unread"] == 0 and "token" not in reply
        # Logged in exactly like login: a version 2 roster, then it chats.
        me = next(entry for entry in again.roster if entry["username"] == name)
        assert me["online"] is True and me["status"] == "available"
        sent = await again.send("after resume")
        assert sent["from"] == name and "seq" in sent
        # Another resume of the same token logs in a second connection.
        _, twice = await resume(clients, token)
        assert twice["type"] == "ok"

    run(scenario, shared_server.address)
    # The token is a password: never in the log.
    assert token not in shared_server.log


def test_the_server_keeps_only_a_hash_of_each_token(shared_server: ServerProcess) -> None:
    tokens: list[str] = []

    async def scenario(clients: Clients) -> None:
        _, token = await remembered(clients, unique_name("hash"), client="PC-214 of the hash test")
        tokens.append(token)

    run(scenario, shared_server.address)
    with sqlite3.connect(shared_server.database) as database:
        rows = database.execute("SELECT token_hash FROM remembered_sessions "
                                "WHERE client = 'PC-214 of the hash test'").fetchall()
        dump = "\n".join(database.iterdump())
    assert rows == [(hashlib.sha256(tokens[0].encode()).digest(),)]
    assert tokens[0] not in dump
    assert tokens[0] not in shared_server.log


def test_a_forged_token_gets_invalid_token_and_the_connection_may_log_in_after(
        shared_server: ServerProcess) -> None:
    async def scenario(clients: Clients) -> None:
        name = unique_name("forger")
        await clients.register(name)
        connection, reply = await resume(clients, "A" * 43, protocol=2)
        assert reply["type"] == "error" and reply["code"] == "invalid_token"
        assert (await connection.request("login", username=name,
                                         password=PASSWORD))["type"] == "ok"

    run(scenario, shared_server.address)


def test_remember_is_version_2_and_resume_speaks_the_version_it_asks_for(
        shared_server: ServerProcess) -> None:
    async def scenario(clients: Clients) -> None:
        name = unique_name("old")
        connection = await clients.connect()
        reply = await connection.request("register", username=name, password=PASSWORD,
                                         remember=True)
        # A version 1 connection sees exactly version 1: no token.
        assert reply["type"] == "ok" and "token" not in reply
        _, token = await remembered(clients, name, register=False)
        old, _ = await resume(clients, token)
        assert all(set(entry) == {"username", "online", "unread"} for entry in old.roster)
        assert (await old.request("sessions"))["code"] == "unknown_type"

    run(scenario, shared_server.address)


def test_sessions_lists_mine_and_revoking_one_closes_its_connections(
        shared_server: ServerProcess) -> None:
    async def scenario(clients: Clients) -> None:
        name = unique_name("eve")
        laptop, laptop_token = await remembered(clients, name, client="Besedka, laptop")
        office, office_token = await remembered(clients, name, register=False,
                                                client="Besedka, PC-214")
        plain = await clients.login(name)  # a password login remembers nothing
        listed = await session_list(office)
        assert [(s["client"], s["current"]) for s in listed] == [
            ("Besedka, PC-214", True), ("Besedka, laptop", False)]
        assert all(set(s) == {"id", "created", "last_used", "client", "current"}
                   for s in listed)
        assert all(s["created"].endswith("Z") and s["last_used"] >= s["created"]
                   for s in listed)
        laptop_id = next(s["id"] for s in listed if not s["current"])

        assert (await office.request("revoke_session", session=laptop_id))["type"] == "ok"
        await laptop.wait_closed()
        _, reply = await resume(clients, laptop_token, protocol=2)
        assert reply["code"] == "invalid_token"
        assert [s["client"] for s in await session_list(office)] == ["Besedka, PC-214"]
        # The password login and the revoker stay.
        assert (await plain.request("ping"))["type"] == "ok"

        # Somebody else's session, or one that does not exist: bad_request.
        bob, _ = await remembered(clients, unique_name("bob"))
        bob_id = (await session_list(bob))[0]["id"]
        for other in (bob_id, laptop_id, 10**9):
            reply = await office.request("revoke_session", session=other)
            assert reply["code"] == "bad_request", reply
        assert (await office.request("revoke_session"))["code"] == "bad_request"

        # Revoking my own: answered, then closed like the others.
        own_id = (await session_list(office))[0]["id"]
        assert (await office.request("revoke_session", session=own_id))["type"] == "ok"
        await office.wait_closed()
        _, reply = await resume(clients, office_token, protocol=2)
        assert reply["code"] == "invalid_token"

    run(scenario, shared_server.address)


def test_logout_with_forget_revokes_the_token_and_without_it_keeps_it(
        shared_server: ServerProcess) -> None:
    async def scenario(clients: Clients) -> None:
        name = unique_name("lou")
        connection, token = await remembered(clients, name)
        assert (await connection.request("logout"))["type"] == "ok"
        connection, reply = await resume(clients, token, protocol=2)
        assert reply["type"] == "ok"
        assert (await connection.request("logout", forget=True))["type"] == "ok"
        # The connection is logged out, not closed.
        assert (await connection.request("ping"))["type"] == "ok"
        _, reply = await resume(clients, token, protocol=2)
        assert reply["code"] == "invalid_token"

    run(scenario, shared_server.address)


def test_a_password_change_revokes_every_other_token(shared_server: ServerProcess) -> None:
    async def scenario(clients: Clients) -> None:
        name = unique_name("pat")
        other, other_token = await remembered(clients, name)
        mine, my_token = await remembered(clients, name, register=False)
        reply = await mine.request("change_password", old_password=PASSWORD,
                                   new_password="a new password")
        assert reply["type"] == "ok", reply
        await other.wait_closed()
        _, reply = await resume(clients, other_token, protocol=2)
        assert reply["code"] == "invalid_token"
        _, reply = await resume(clients, my_token, protocol=2)
        assert reply["type"] == "ok"

    run(scenario, shared_server.address)


def test_disabling_an_account_revokes_all_of_its_tokens(shared_server: ServerProcess) -> None:
    name = unique_name("dis")
    tokens: list[str] = []

    async def remember_twice(clients: Clients) -> None:
        for register in (True, False):
            _, token = await remembered(clients, name, register=register)
            tokens.append(token)

    async def after_disable(clients: Clients) -> None:
        for token in tokens:
            _, reply = await resume(clients, token, protocol=2)
            assert reply["code"] == "invalid_token"

    run(remember_twice, shared_server.address)
    assert "2 remembered session(s) revoked" in admin(shared_server, "disable", name).stderr
    run(after_disable, shared_server.address)
    admin(shared_server, "enable", name)
    # Enabled again, the account logs in with its password; the tokens stay revoked.
    run(after_disable, shared_server.address)

    async def log_in(clients: Clients) -> None:
        await clients.login(name)

    run(log_in, shared_server.address)


def test_hello_offers_sessions_and_status(shared_server: ServerProcess) -> None:
    async def scenario(clients: Clients) -> None:
        connection = await clients.connect()
        assert connection.hello is not None
        assert {"sessions", "status"} <= set(connection.hello["features"])

    run(scenario, shared_server.address)


def test_failed_resumes_count_as_failed_logins_of_the_address(server_factory) -> None:  # type: ignore[no-untyped-def]
    server = server_factory("--max-failed-logins-per-address", "2")

    async def scenario(clients: Clients) -> None:
        connection = await clients.connect()
        codes = [(await connection.request("resume", token=f"forged{n}"))["code"]
                 for n in range(3)]
        assert codes == ["invalid_token", "invalid_token", "rate_limited"]

    run(scenario, server.address)


# ----------------------------------------------------------------------
# Expiry, with the server's clock in the test's hands


class FakeClock:
    """The server's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@contextmanager
def server_with_clock(database: Path, clock: FakeClock) -> Iterator[tuple[str, int]]:
    """The real server, in a thread of this process, reading ``clock``."""
    config = ServerConfig(host="127.0.0.1", port=0, database_url=f"sqlite:///{database}",
                          bcrypt_rounds=4, rate_limits=RateLimits(enabled=False),
                          announce=False, clock=clock)
    server = BesedkaServer(config)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="besedka-server", daemon=True)
    thread.start()
    try:
        address = asyncio.run_coroutine_threadsafe(server.start(), loop).result(30)
        try:
            yield address
        finally:
            asyncio.run_coroutine_threadsafe(server.stop(), loop).result(30)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()


def test_a_token_unused_for_90_days_expires_and_each_use_starts_the_90_days_again(
        tmp_path: Path) -> None:
    clock = FakeClock()
    days = SESSION_TOKEN_DAYS

    async def scenario(clients: Clients) -> None:
        name = unique_name("sleepy")
        first, token = await remembered(clients, name)
        _, kept_token = await remembered(clients, name, register=False, client="kept")
        created = clock.now
        clock.advance(days=days - 1)
        again, reply = await resume(clients, kept_token, protocol=2)  # used: 90 days again
        assert reply["type"] == "ok"
        listed = await session_list(again)
        # Most recently used first; the times are the server's clock's.
        assert [s["client"] for s in listed] == ["kept", "Besedka test"]
        assert listed[0]["last_used"] == clock.now.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert listed[1]["last_used"] == created.strftime("%Y-%m-%dT%H:%M:%S.000Z")

        clock.advance(days=1, seconds=1)  # the first is now unused for 90 days and a second
        assert [s["client"] for s in await session_list(again)] == ["kept"]
        _, reply = await resume(clients, token, protocol=2)
        assert reply["code"] == "invalid_token"
        clock.advance(days=days - 2)
        _, reply = await resume(clients, kept_token, protocol=2)
        assert reply["type"] == "ok"
        del first

    with server_with_clock(tmp_path / "chat.db", clock) as address:
        run(scenario, address)


@pytest.mark.parametrize("fields", [{}, {"token": 5}, {"token": "x", "client": "c" * 101},
                                    {"token": "x", "protocol": 0}])
def test_a_malformed_resume_is_a_bad_request(shared_server: ServerProcess,
                                             fields: dict[str, Any]) -> None:
    async def scenario(clients: Clients) -> None:
        connection = await clients.connect()
        reply = await connection.request("resume", **fields)
        assert reply["code"] == "bad_request", reply

    run(scenario, shared_server.address)
