"""Password checks are shared fairly and reveal nothing by their time
(issue 12, items 3 and 6), against a real server.

Fairness is shown by order, not by the clock: while 40 connections of 8
accounts keep the hashing threads busy, a victim's login must not wait
behind more than one of their checks per hashing thread, so hardly any of
their replies can arrive between the victim's request and its answer.
(Before the queue it waited behind every check queued before it: dozens.)
The time it took is printed; ``python -m tests.security.attacks
hash-starve`` measures it properly.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import statistics
import time

from ..wire import PASSWORD, WireClient
from .helpers import OTHER_ADDRESS, admin, connect, error_code, logged_in, wait_for_log

#: The server's hashing threads: one fewer than the CPUs, at least one.
HASHING_THREADS = max(1, (os.cpu_count() or 2) - 1)


async def _ask(client: WireClient, request_type: str, wait: float = 300,
               **fields: object) -> dict:  # type: ignore[type-arg]
    """A request's reply, however long it takes (up to ``wait`` s): the wire
    client's reads give up after 15 s of silence, and a queue may be longer."""
    request_id = next(client.ids)
    await client.send_frame({"type": request_type, "id": request_id, **fields})
    deadline = time.monotonic() + wait
    while True:
        try:
            return await client.reply_to(request_id)
        except TimeoutError:
            if time.monotonic() > deadline:
                raise


def _stored_hash(database_url: str, name: str) -> bytes:
    path = database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT password_hash FROM accounts WHERE username = ?",
                         (name,)).fetchone()
    return bytes(row[0])


def test_a_victims_login_waits_for_at_most_one_check_while_others_hash_all_they_can(
        server_factory) -> None:
    server = server_factory("--bcrypt-rounds", "12", "--max-password-changes-per-account",
                            "100000", "--max-failed-logins-per-address", "100000")

    async def scenario() -> None:
        victim = await logged_in(server.address, "victim", local_host=OTHER_ADDRESS)
        await victim.close()
        attackers: list[WireClient] = []
        for n in range(40):
            attackers.append(await logged_in(server.address, f"attacker{n % 8}",
                                             register=n < 8))
        replies_seen = 0
        stop = asyncio.Event()

        async def loop_change(client: WireClient) -> None:
            nonlocal replies_seen
            while not stop.is_set():
                reply = await _ask(client, "change_password", old_password=PASSWORD,
                                   new_password=PASSWORD)
                if error_code(reply) == "rate_limited":  # its account's queue is full
                    # Refused at once, no hash done: not a check the
                    # victim's waited for (under load they come in dozens).
                    await asyncio.sleep(reply["retry_after"])
                    continue
                replies_seen += 1

        loops = [asyncio.create_task(loop_change(c)) for c in attackers]
        await asyncio.sleep(3)  # the queue fills up
        between = []
        for _ in range(3):
            client = await connect(server.address, local_host=OTHER_ADDRESS)
            before = replies_seen
            started = time.monotonic()
            reply = await _ask(client, "login", username="victim", password=PASSWORD)
            elapsed = time.monotonic() - started
            assert reply["type"] == "ok", reply
            between.append(replies_seen - before)
            print(f"victim's login: {elapsed:.2f} s, {between[-1]} attacker replies meanwhile")
            await client.close()
            await asyncio.sleep(0.5)
        # The attackers' checks still queued are not waited for (at cost 12
        # on a loaded machine they would take longer than the test has).
        stop.set()
        for task in loops:
            task.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
        for client in attackers:
            await client.close()
        # The check running when the victim's arrived (one per thread), and
        # the write of one that had just finished: nothing more.
        assert max(between) <= HASHING_THREADS + 1, between

    asyncio.run(scenario())


def test_checks_beyond_what_may_wait_are_answered_rate_limited_at_once(server_factory) -> None:
    # (Logins count as failures until proven right: the failed-login limit
    # would turn away all but five before the queue had a say.)
    server = server_factory("--bcrypt-rounds", "10", "--max-failed-logins-per-account", "1000")

    async def scenario() -> None:
        owner = await logged_in(server.address, "popular")
        await owner.close()
        clients = [await connect(server.address) for _ in range(20)]
        for client in clients:
            await client.send_frame({"type": "login", "id": 1, "username": "popular",
                                     "password": PASSWORD})
        replies = await asyncio.gather(*(client.reply_to(1, timeout=120) for client in clients))
        codes = [error_code(reply) for reply in replies]
        # One being checked per thread, four waiting: the rest refused at once.
        assert codes.count(None) <= HASHING_THREADS + 4, codes
        limited = [reply for reply in replies if error_code(reply) == "rate_limited"]
        assert len(limited) >= 20 - HASHING_THREADS - 4
        # Told to come back when the queue will have room: seconds, not the
        # failed-login window's minute.
        assert all(0 < reply["retry_after"] < 30 for reply in limited), limited
        assert all("password checks" in reply["message"] for reply in limited), limited
        for client in clients:
            await client.close()
        # Asking again as told gets in, and nothing was counted as a failure
        # (five would lock the account).
        for reply in limited[:3]:
            await asyncio.sleep(reply["retry_after"])
            client = await connect(server.address)
            again = await _ask(client, "login", username="popular", password=PASSWORD)
            assert again["type"] == "ok", again
            await client.close()

    asyncio.run(scenario())


def test_change_password_is_limited_to_five_per_account_per_ten_minutes(server_factory) -> None:
    server = server_factory()

    async def scenario() -> None:
        alice = await logged_in(server.address, "alice")
        for n in range(5):
            reply = await alice.request("change_password", old_password=PASSWORD,
                                        new_password=PASSWORD)
            assert reply["type"] == "ok", (n, reply)
        refused = await alice.request("change_password", old_password=PASSWORD,
                                      new_password="another password")
        assert error_code(refused) == "rate_limited", refused
        assert 500 < refused["retry_after"] <= 600
        # From another connection of the account too; logging in still works.
        again = await logged_in(server.address, "alice", register=False)
        refused = await again.request("change_password", old_password=PASSWORD,
                                      new_password="another password")
        assert error_code(refused) == "rate_limited", refused
        await alice.close()
        await again.close()

    asyncio.run(scenario())


def test_the_admin_cli_hashes_at_the_servers_cost_and_logins_upgrade_other_costs(
        server_factory) -> None:
    server = server_factory("--no-rate-limits")  # cost 4, the test servers' own

    async def register(name: str) -> None:
        client = await logged_in(server.address, name)
        await client.close()

    asyncio.run(register("alice"))
    asyncio.run(register("bob"))
    # Without --bcrypt-rounds the CLI takes the server's cost from the database.
    admin(server, "reset-password", "alice", "--stdin", stdin="new password\n")
    assert _stored_hash(server.database_url, "alice").startswith(b"$2b$04$")
    # Told another cost, it obeys; the server rehashes at the next login.
    admin(server, "reset-password", "bob", "--stdin", "--bcrypt-rounds", "9",
          stdin="new password\n")
    assert _stored_hash(server.database_url, "bob").startswith(b"$2b$09$")

    async def log_in_bob() -> None:
        client = await logged_in(server.address, "bob", register=False, password="new password")
        await client.close()

    asyncio.run(log_in_bob())
    wait_for_log(server, "rehashed the password of 'bob' at cost 4")
    assert _stored_hash(server.database_url, "bob").startswith(b"$2b$04$")


def test_an_unknown_name_is_checked_at_the_cost_of_the_slowest_stored_hash(
        server_factory, tmp_path) -> None:
    database = tmp_path / "costs.db"
    server = server_factory("--no-rate-limits", database=database)

    async def register() -> None:
        client = await logged_in(server.address, "alice")
        await client.close()

    asyncio.run(register())
    # An administrator stores a hash of cost 10 on a server that runs at 4.
    admin(server, "reset-password", "alice", "--stdin", "--bcrypt-rounds", "10",
          stdin="new password\n")
    server.close()
    server = server_factory("--no-rate-limits", database=database)
    wait_for_log(server, "hashes of cost up to 10 are stored")

    async def timed(client: WireClient, name: str) -> float:
        started = time.perf_counter()
        reply = await client.request("login", username=name, password="wrong password")
        assert error_code(reply) == "invalid_credentials", reply
        return time.perf_counter() - started

    async def scenario() -> tuple[float, float]:
        client = await connect(server.address)
        wrong, unknown = [], []
        for _ in range(5):
            wrong.append(await timed(client, "alice"))
            unknown.append(await timed(client, "nobody"))
        await client.close()
        return statistics.median(wrong), statistics.median(unknown)

    wrong, unknown = asyncio.run(scenario())
    print(f"wrong password {wrong * 1000:.1f} ms, unknown name {unknown * 1000:.1f} ms")
    # Both pay a cost-10 check (64 times a cost-4 one): before, the unknown
    # name was answered after a cost-4 check, about a fiftieth of the time.
    assert unknown > wrong / 3, (wrong, unknown)
