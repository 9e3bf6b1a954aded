"""Abuse limits answer ``rate_limited`` with ``retry_after``, per account, per
address and per connection, and logins leak nothing by their timing.

"Another computer" is a connection from 127.0.0.2 (see :mod:`.helpers`).
The windows are shortened with ``--rate-limit-window`` so that "after the
window" is seconds away; waiting for a window to pass waits exactly the
``retry_after`` the server asked for.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from protocol.framing import encode_frame

from ..wire import PASSWORD
from .helpers import OTHER_ADDRESS, connect, error_code, logged_in


async def pipelined(client, requests: list[dict]) -> list[dict]:  # type: ignore[no-untyped-def]
    """Send all requests at once, then collect the replies in order."""
    ids = []
    for fields in requests:
        request_id = next(client.ids)
        ids.append(request_id)
        client.writer.write(encode_frame({**fields, "id": request_id}))
    await client.writer.drain()
    return [await client.reply_to(request_id) for request_id in ids]


def test_a_burst_of_guesses_crawls_but_the_owner_logs_in_from_elsewhere_after_the_window(
        server_factory) -> None:
    server = server_factory("--max-failed-logins-per-account", "5",
                            "--rate-limit-window", "2")

    async def scenario() -> None:
        owner = await logged_in(server.address, "alice", local_host=OTHER_ADDRESS)
        await owner.close()

        attacker = await connect(server.address)
        guesses = [{"type": "login", "username": "alice", "password": f"guess number {i}"}
                   for i in range(100)]
        started = time.monotonic()
        replies = await pipelined(attacker, guesses)
        burst_seconds = time.monotonic() - started
        codes = [error_code(r) for r in replies]
        # Five guesses were checked; the other 95 never reached bcrypt.
        assert codes[:5] == ["invalid_credentials"] * 5, codes
        assert codes[5:] == ["rate_limited"] * 95, codes
        retry_after = [r["retry_after"] for r in replies[5:]]
        assert all(0 < delay <= 2 for delay in retry_after), retry_after
        # Even the right password is refused while the account is locked:
        # otherwise the limit would be an oracle for guesses.
        locked = await attacker.request("login", username="alice", password=PASSWORD)
        assert error_code(locked) == "rate_limited"

        # The owner, at another computer, waits as told and gets in.
        await asyncio.sleep(locked["retry_after"])
        owner = await logged_in(server.address, "alice", register=False,
                                local_host=OTHER_ADDRESS)
        await owner.close()
        await attacker.close()
        print(f"100 guesses at one account: 5 checked, 95 refused in {burst_seconds:.3f} s")

    asyncio.run(scenario())


def test_guesses_sent_at_once_on_many_connections_get_no_more_tries(server_factory) -> None:
    # Were the limit checked before hashing but counted only after, every
    # guess arriving while the first is still being hashed would pass.
    server = server_factory("--max-failed-logins-per-account", "5",
                            "--max-failed-logins-per-address", "1000")

    async def scenario() -> list[str | None]:
        owner = await logged_in(server.address, "alice", local_host=OTHER_ADDRESS)
        await owner.close()
        attackers = await asyncio.gather(*(connect(server.address) for _ in range(40)))
        for i, attacker in enumerate(attackers):
            attacker.writer.write(encode_frame(
                {"type": "login", "id": 1, "username": "alice", "password": f"guess {i}"}))
        replies = await asyncio.gather(*(attacker.reply_to(1) for attacker in attackers))
        for attacker in attackers:
            await attacker.close()
        return [error_code(reply) for reply in replies]

    codes = asyncio.run(scenario())
    assert codes.count("invalid_credentials") == 5, codes
    assert codes.count("rate_limited") == 35, codes


def test_failed_logins_per_address_stop_one_computer_only(server_factory) -> None:
    server = server_factory("--max-failed-logins-per-address", "3", "--rate-limit-window", "30")

    async def scenario() -> None:
        owner = await logged_in(server.address, "alice", local_host=OTHER_ADDRESS)
        await owner.close()
        attacker = await connect(server.address)
        # Spraying one password over many names: each name fails once.
        replies = await pipelined(attacker, [
            {"type": "login", "username": name, "password": "Password1"}
            for name in ("alice", "bob", "carol", "dave", "erin")])
        codes = [error_code(r) for r in replies]
        assert codes == ["invalid_credentials"] * 3 + ["rate_limited"] * 2, codes
        assert 25 < replies[-1]["retry_after"] <= 30
        # Alice's account saw one failure only: she logs in from her PC now.
        owner = await logged_in(server.address, "alice", register=False,
                                local_host=OTHER_ADDRESS)
        await owner.close()
        await attacker.close()

    asyncio.run(scenario())


def test_registrations_per_address_are_limited(server_factory) -> None:
    server = server_factory("--max-registrations-per-address", "2", "--rate-limit-window", "30")

    async def scenario() -> None:
        for name in ("alice", "bob"):
            client = await logged_in(server.address, name)
            await client.close()
        client = await connect(server.address)
        reply = await client.request("register", username="carol", password=PASSWORD)
        assert error_code(reply) == "rate_limited" and 25 < reply["retry_after"] <= 30
        await client.close()
        other = await logged_in(server.address, "carol", local_host=OTHER_ADDRESS)
        await other.close()

    asyncio.run(scenario())


def test_messages_per_connection_and_account_are_limited_with_a_burst(server_factory) -> None:
    # One token every 2 s: slow enough that the five commits of the burst
    # cannot earn a sixth on a loaded machine.
    server = server_factory("--max-messages-per-second", "0.5", "--message-burst", "5")

    async def scenario() -> None:
        alice = await logged_in(server.address, "alice")
        replies = await pipelined(alice, [{"type": "send", "to": None, "body": f"flood {i}"}
                                          for i in range(12)])
        codes = [error_code(r) for r in replies]
        assert codes[:5] == [None] * 5 and codes[5:] == ["rate_limited"] * 7, codes
        delay = replies[-1]["retry_after"]
        assert 0 < delay <= 2
        # Another connection of the account shares its allowance (issue 12:
        # else twenty connections send twenty times as much).
        second = await logged_in(server.address, "alice", register=False)
        refused = await second.request("send", to=None, body="from the other window")
        assert error_code(refused) == "rate_limited", refused
        # And either may go on once it waited as told.
        await asyncio.sleep(refused["retry_after"])
        await second.send("from the other window")
        await asyncio.sleep(2)
        await alice.send("after waiting")
        history = await alice.request("history", **{"with": None, "limit": 50})
        assert [m["body"] for m in history["messages"]] == [
            *(f"flood {i}" for i in range(5)), "from the other window", "after waiting"]
        await alice.close()
        await second.close()

    asyncio.run(scenario())


def test_a_login_takes_as_long_for_an_unknown_name_as_for_a_wrong_password(
        server_factory) -> None:
    # Cost 8 (a few milliseconds a hash), so that bcrypt, not the noise of
    # a loaded machine, dominates each login.
    server = server_factory("--no-rate-limits", "--bcrypt-rounds", "8")

    async def timed(client, **fields) -> float:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        reply = await client.request(**fields)
        elapsed = time.perf_counter() - started
        assert reply["type"] in ("ok", "error"), reply
        return elapsed

    async def scenario() -> tuple[list[float], list[float], list[float]]:
        owner = await logged_in(server.address, "alice")
        await owner.close()
        client = await connect(server.address)
        existing: list[float] = []
        unknown: list[float] = []
        pings: list[float] = []
        for i in range(25):  # interleaved, so drifts in load hit both alike
            existing.append(await timed(client, request_type="login", username="alice",
                                        password=f"wrong {i}"))
            unknown.append(await timed(client, request_type="login", username=f"nobody{i}",
                                       password=f"wrong {i}"))
            pings.append(await timed(client, request_type="ping"))
        await client.close()
        return existing, unknown, pings

    existing, unknown, pings = asyncio.run(scenario())
    ratio = statistics.median(unknown) / statistics.median(existing)
    assert 0.5 < ratio < 2.0, (statistics.median(unknown), statistics.median(existing))
    # Both really ran bcrypt: each login costs far more than a round trip.
    assert statistics.median(unknown) > 3 * statistics.median(pings)
    assert statistics.median(existing) > 3 * statistics.median(pings)
