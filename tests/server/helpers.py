"""Small tools shared by the server tests: unique names, client bookkeeping.

Every scenario is an ``async`` function run with :func:`run`; the clients it
opens through a :class:`Clients` are closed when it ends, whatever happens,
so a failing test never leaves sockets behind for the next one.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

from tests.wire import PASSWORD, WireClient

__all__ = ["PASSWORD", "Clients", "run", "unique_name", "ids_of", "send_many", "server_pid_rss_kib"]

_counter = itertools.count(1)


def unique_name(prefix: str = "user") -> str:
    """A username no other test of this run uses (servers may be shared)."""
    return f"{prefix}{next(_counter)}"


def ids_of(messages: list[dict[str, Any]]) -> list[int]:
    return [m["id"] for m in messages]


def run(scenario: Callable[[Clients], Awaitable[None]], address: tuple[str, int]) -> None:
    """Run ``scenario(clients)`` in a fresh event loop, closing every client after."""

    async def main() -> None:
        async with Clients(address) as clients:
            await scenario(clients)

    asyncio.run(main())


class Clients:
    """Opens clients against one server and closes them all at the end."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.address = address
        self.opened: list[WireClient] = []

    async def __aenter__(self) -> Clients:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.gather(*(client.close() for client in self.opened))

    def track(self, client: WireClient) -> WireClient:
        self.opened.append(client)
        return client

    async def connect(self, *, hello: bool = True) -> WireClient:
        """A new connection, ``hello`` read (unless told not to)."""
        return self.track(await WireClient.connect(self.address, hello=hello))

    async def register(self, name: str | None = None, password: str = PASSWORD) -> WireClient:
        """A new connection registered as a new account; its roster is consumed."""
        name = name or unique_name()
        client = await WireClient.logged_in(self.address, name, password=password)
        client.name = name  # type: ignore[attr-defined]
        return self.track(client)

    async def login(self, name: str, password: str = PASSWORD) -> WireClient:
        """A new connection logged in to an existing account; its roster is consumed."""
        client = await WireClient.logged_in(self.address, name, register=False,
                                            password=password)
        client.name = name  # type: ignore[attr-defined]
        return self.track(client)


def server_pid_rss_kib(pid: int) -> tuple[int, int]:
    """A process's resident set size and its peak, in KiB (Linux /proc)."""
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


async def send_many(client: WireClient, count: int, to: str | None = None,
                    prefix: str = "message") -> list[dict[str, Any]]:
    """Send ``count`` messages pipelined (no waiting between requests) and
    return the stored messages in the order sent."""
    first_id = f"bulk-{next(_counter)}-"
    for n in range(count):
        await client.send_frame({"type": "send", "id": f"{first_id}{n}", "to": to,
                                 "body": f"{prefix} {n}"})
    messages = []
    for n in range(count):
        reply = await client.reply_to(f"{first_id}{n}")
        assert reply["type"] == "ok", reply
        messages.append(reply["message"])
    return messages
