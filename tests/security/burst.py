"""``python -m tests.security.burst``: how far a burst of password guesses gets.

Starts a real server with the default limits and the default bcrypt cost
(12), registers one account, and throws 100 wrong passwords at it, first
back to back on one connection, then all at once on 100 connections.
Prints how many were actually checked and how long the burst took.  For the
security review's figures, not part of the test suite (it takes a few
seconds of bcrypt).
"""

from __future__ import annotations

import asyncio
import math
import tempfile
import time
from pathlib import Path

from protocol.framing import encode_frame
from protocol.limits import FAILED_LOGINS_PER_ACCOUNT_PER_MINUTE as PER_ACCOUNT

from ..conftest import ServerProcess
from ..wire import WireClient

GUESSES = 100


async def burst(server: ServerProcess) -> None:
    for name in ("victim", "victim2"):
        owner = await WireClient.logged_in(server.address, name)
        await owner.close()

    client = await WireClient.connect(server.address)
    started = time.monotonic()
    for i in range(GUESSES):
        client.writer.write(encode_frame(
            {"type": "login", "id": i, "username": "victim", "password": f"guess {i}"}))
    await client.writer.drain()
    replies = [await client.reply_to(i, timeout=120) for i in range(GUESSES)]
    elapsed = time.monotonic() - started
    checked = sum(r.get("code") == "invalid_credentials" for r in replies)
    limited = sum(r.get("code") == "rate_limited" for r in replies)
    retry = max((r["retry_after"] for r in replies if "retry_after" in r), default=0)
    print(f"one connection, {GUESSES} guesses back to back: {checked} checked, "
          f"{limited} refused rate_limited (retry_after up to {retry:.0f} s), "
          f"{elapsed:.2f} s in all")
    await client.close()

    clients = await asyncio.gather(*(WireClient.connect(server.address) for _ in range(GUESSES)))
    started = time.monotonic()
    for i, c in enumerate(clients):
        c.writer.write(encode_frame(
            {"type": "login", "id": 1, "username": "victim2", "password": f"guess {i}"}))
    replies = await asyncio.gather(*(c.reply_to(1, timeout=120) for c in clients))
    elapsed = time.monotonic() - started
    checked = sum(r.get("code") == "invalid_credentials" for r in replies)
    print(f"{GUESSES} connections, one guess each at another account at once: {checked} checked, "
          f"{GUESSES - checked} refused, {elapsed:.2f} s")
    for c in clients:
        await c.close()
    windows = math.ceil(GUESSES / PER_ACCOUNT) - 1
    print(f"at the limit ({PER_ACCOUNT} failures per account per minute) {GUESSES} checked "
          f"guesses take at least {windows} minutes, from any number of addresses")


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        server = ServerProcess(Path(directory) / "burst.db", ["--bcrypt-rounds", "12"])
        server.start()
        try:
            asyncio.run(burst(server))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
