"""Small tools shared by the server tests: unique names, client bookkeeping.

Every scenario is an ``async`` function run with :func:`run`; the clients it
opens through a :class:`Clients` are closed when it ends, whatever happens,
so a failing test never leaves sockets behind for the next one.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from tests.wire import PASSWORD, WireClient

__all__ = ["PASSWORD", "Client", "Clients", "run", "unique_name", "ids_of", "send_many",
           "rss_kib"]

_counter = itertools.count(1)


def unique_name(prefix: str = "user") -> str:
    """A username no other test of this run uses (servers may be shared)."""
    return f"{prefix}{next(_counter)}"


def ids_of(messages: list[dict[str, Any]]) -> list[int]:
    return [m["id"] for m in messages]


class Client(WireClient):
    """A test client that remembers the account it logged in as."""

    #: The name it registered or logged in with ("" before that).
    name: str = ""


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
        self.opened: list[Client] = []

    async def __aenter__(self) -> Clients:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.gather(*(client.close() for client in self.opened))

    def track(self, client: Client) -> Client:
        self.opened.append(client)
        return client

    async def connect(self, *, hello: bool = True) -> Client:
        """A new connection, ``hello`` read (unless told not to)."""
        client = await Client.connect(self.address, hello=hello)
        assert isinstance(client, Client)
        return self.track(client)

    async def register(self, name: str | None = None, password: str = PASSWORD) -> Client:
        """A new connection registered as a new account; its roster is consumed."""
        return await self._logged_in(name or unique_name(), True, password)

    async def login(self, name: str, password: str = PASSWORD) -> Client:
        """A new connection logged in to an existing account; its roster is consumed."""
        return await self._logged_in(name, False, password)

    async def _logged_in(self, name: str, register: bool, password: str) -> Client:
        client = await Client.logged_in(self.address, name, register=register,
                                        password=password)
        assert isinstance(client, Client)
        client.name = name
        return self.track(client)


def rss_kib(pid: int) -> tuple[int, int]:
    """A process's resident set size and its peak, in KiB (Linux /proc; on
    Windows its working set and peak working set)."""
    if sys.platform == "win32":
        return _working_set_kib(pid)
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


def _working_set_kib(pid: int) -> tuple[int, int]:
    import ctypes
    from ctypes import wintypes

    class MemoryCounters(ctypes.Structure):
        _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                    ("PeakWorkingSetSize", ctypes.c_size_t), ("WorkingSetSize", ctypes.c_size_t),
                    ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
                    ("QuotaPagedPoolUsage", ctypes.c_size_t),
                    ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
                    ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                    ("PagefileUsage", ctypes.c_size_t), ("PeakPagefileUsage", ctypes.c_size_t)]

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.K32GetProcessMemoryInfo.argtypes = [wintypes.HANDLE, ctypes.c_void_p,
                                                 wintypes.DWORD]
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    query_limited_information, vm_read = 0x1000, 0x0010
    handle = kernel32.OpenProcess(query_limited_information | vm_read, False, pid)
    if not handle:
        raise ctypes.WinError(ctypes.get_last_error())
    try:
        counters = MemoryCounters()
        counters.cb = ctypes.sizeof(counters)
        if not kernel32.K32GetProcessMemoryInfo(handle, ctypes.byref(counters), counters.cb):
            raise ctypes.WinError(ctypes.get_last_error())
    finally:
        kernel32.CloseHandle(handle)
    return counters.WorkingSetSize // 1024, counters.PeakWorkingSetSize // 1024


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
