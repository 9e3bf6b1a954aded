"""The server under load and abuse (PROTOCOL.md: delivery order, "Server
limits that clients can observe", malformed frames never affect others).

Proves: 200 concurrent clients each receive every general message exactly
once and in id order; a full ``sync`` page far beyond 8 MiB reaches a
client that reads it; a flood of malformed frames on one connection costs
the others nothing; a client that stops reading is closed once more than
8 MiB of events wait for it, without the server's memory growing with what
it would have been sent, while everyone else keeps receiving; a client
that pipelines requests without reading gets every reply, in order, once
it reads; passwords are hashed in threads of lower priority, and only there.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from typing import Any

import pytest

from protocol.limits import MAX_SERVER_FRAME_BYTES
from tests.wire import PASSWORD, ConnectionClosed

from .helpers import Client, Clients, rss_kib, run

#: The longest body in bytes: 4000 characters of four UTF-8 bytes each.
LONGEST_BODY = "😀" * 4000


async def _send_concurrently(senders: list[Client], count: int, body: str) -> None:
    """Send ``count`` messages spread over the ``senders``, pipelined on each.

    Each sender writes and reads at the same time, and drops the events it
    receives (the others' messages): a sender that only wrote would itself
    become a client that stops reading.
    """

    async def write(client: Client, indexes: range) -> None:
        for n in indexes:
            await client.send_frame({"type": "send", "id": f"c{n}", "to": None, "body": body})

    async def read(client: Client, indexes: range) -> None:
        answered = 0
        while answered < len(indexes):
            frame = await client.next_frame(timeout=60)
            if "re" in frame:
                assert frame["type"] == "ok", frame
                answered += 1

    shares = [range(k, count, len(senders)) for k in range(len(senders))]
    await asyncio.gather(*(write(c, share) for c, share in zip(senders, shares)),
                         *(read(c, share) for c, share in zip(senders, shares)))


def test_a_full_sync_page_of_the_longest_messages_arrives_whole(server):
    """1000 messages of 16,000 bytes: a 16 MB reply, twice the limit on
    unsent events, to a client that reads it."""

    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        senders = [alice] + [await clients.login("alice") for _ in range(7)]
        await _send_concurrently(senders, 1000, LONGEST_BODY)
        reader = await clients.register("reader")
        page = await reader.request("sync", after=0, limit=1000, timeout=60)
        assert page["type"] == "ok", page
        assert len(page["messages"]) == 1000 and page["has_more"] is False
        assert all(m["body"] == LONGEST_BODY for m in page["messages"])
        ids = [m["id"] for m in page["messages"]]
        assert ids == sorted(ids)
        # And the connection is still in good health.
        assert (await reader.request("ping"))["type"] == "ok"

    run(scenario, server.address)


def test_200_concurrent_clients_each_receive_every_general_message_once_in_id_order(server):
    async def scenario(clients: Clients) -> None:
        everyone = await asyncio.gather(*(clients.register(f"load{n}") for n in range(200)))
        senders = everyone[:8]
        per_sender = 5
        total = per_sender * len(senders)

        async def take_part(client: Client) -> tuple[list[int], list[int]]:
            """Send (if a sender) and read: own message ids, received event ids."""
            sending = client in senders
            if sending:
                for n in range(per_sender):
                    await client.send_frame({"type": "send", "id": n, "to": None,
                                             "body": f"{client.name} says {n}"})
            own: list[int] = []
            received: list[int] = []
            while len(own) < (per_sender if sending else 0) or \
                    len(received) < total - (per_sender if sending else 0):
                frame = await client.next_frame(timeout=60)
                if frame["type"] == "message":
                    received.append(frame["message"]["id"])
                elif "re" in frame:
                    assert frame["type"] == "ok", frame
                    own.append(frame["message"]["id"])
            return own, received

        results = await asyncio.gather(*(take_part(client) for client in everyone))
        all_ids = sorted(i for own, _ in results for i in own)
        assert len(set(all_ids)) == total
        for own, received in results:
            assert received == [i for i in all_ids if i not in own]
        # Exactly once: nothing more arrives for anyone.
        extra = await asyncio.gather(*(client.no_event(0.3) for client in everyone))
        assert [e for events in extra for e in events if e["type"] == "message"] == []

    run(scenario, server.address)


def test_a_flood_of_malformed_frames_costs_the_other_connections_nothing(server):
    async def scenario(clients: Clients) -> None:
        flooder = await clients.register("flooder")
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        garbage = [b"{", b"[1,2]", b'{"type":5}', b'{"type":"send","body":7}', b"\xff\xfe",
                   b'{"type":"history","limit":9999}', b'{"type":"nope"}', b"null"]
        rounds = 2500
        batch = b"".join(line + b"\n" for line in garbage) * 50

        async def flood() -> None:
            for _ in range(rounds // 50):
                await flooder.send_raw(batch)

        async def count_errors() -> int:
            errors = 0
            while errors < rounds * len(garbage):
                frame = await flooder.next_frame(timeout=60)
                if frame["type"] == "error":
                    errors += 1
            return errors

        async def talk(me: Client, peer: str, name: str) -> list[dict[str, Any]]:
            return [await me.send(f"{name} {n}", to=peer if n % 2 else None) for n in range(60)]

        flooding = asyncio.create_task(flood())
        counting = asyncio.create_task(count_errors())
        from_alice, from_bob = await asyncio.gather(talk(alice, "bob", "alice"),
                                                    talk(bob, "alice", "bob"))
        for me, expected in ((alice, from_bob), (bob, from_alice)):
            got = [(await me.next_event("message"))["message"] for _ in expected]
            assert got == expected
        await flooding
        assert await counting == rounds * len(garbage)
        # The flooder itself is still connected and logged in.
        assert (await flooder.send("I am still here"))["from"] == "flooder"

    run(scenario, server.address)


async def _connect_with_small_receive_buffer(clients: Clients, name: str) -> Client:
    """A logged-in client whose kernel buffers little, so that what the
    server sends it piles up in the server, as over a slow network."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, clients.address)
    reader, writer = await asyncio.open_connection(sock=sock, limit=MAX_SERVER_FRAME_BYTES)
    client = clients.track(Client(reader, writer))
    client.hello = await client.next_frame()
    reply = await client.request("register", username=name, password=PASSWORD)
    assert reply["type"] == "ok"
    await client.next_event("users")
    return client


def test_a_client_that_stops_reading_is_closed_and_costs_the_server_no_memory(server):
    async def scenario(clients: Clients) -> None:
        senders = [await clients.register(f"sender{n}") for n in range(4)]
        reader = await clients.register("reader")
        stuck = await _connect_with_small_receive_buffer(clients, "stuck")
        stuck.writer.transport.pause_reading()  # and never reads again... for now
        assert server.process is not None
        baseline, _ = rss_kib(server.process.pid)
        count = 2400  # 16,000-byte bodies: about 38 MB for every receiver
        broadcast = asyncio.create_task(_send_concurrently(senders, count, LONGEST_BODY))
        received = []
        while len(received) < count:
            received.append((await reader.next_event("message", timeout=60))["message"]["id"])
        await broadcast
        assert received == sorted(received)
        # Without the 8 MiB limit the server would hold all 38 MB for it.
        _, peak = rss_kib(server.process.pid)
        assert (peak - baseline) / 1024 < 24, f"server RSS grew by {(peak - baseline) // 1024} MiB"
        # The stuck client was closed: reading now, it finds a part of the
        # messages and then the end of the connection.
        stuck.writer.transport.resume_reading()
        got = []
        try:
            while True:
                got.append((await stuck.next_event("message"))["message"]["id"])
        except (ConnectionClosed, ConnectionResetError):
            pass
        assert got == received[:len(got)] and len(got) < count
        # It reconnects and catches up with sync.
        again = await clients.login("stuck")
        after = got[-1] if got else 0
        caught_up = []
        while True:
            page = await again.request("sync", after=after, limit=1000)
            caught_up += [m["id"] for m in page["messages"]]
            if not page["has_more"]:
                break
            after = caught_up[-1]
        assert got + caught_up == received

    run(scenario, server.address)


def test_the_server_reads_no_requests_from_a_client_while_its_replies_wait_unsent(server):
    """A client pipelines large requests and reads nothing: the server stops
    reading from it (a ``send`` queued behind them is not carried out) and
    keeps no more than a reply or so in memory; once the client reads, every
    reply arrives in order and the ``send`` goes through."""

    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        await _send_concurrently([alice, await clients.login("alice")], 200, LONGEST_BODY)
        watcher = await clients.register("watcher")
        greedy = await clients.register("greedy")
        assert server.process is not None
        baseline, _ = rss_kib(server.process.pid)
        requests = 16  # each reply 3.2 MB: 51 MB in all, far beyond any socket buffer
        greedy.writer.transport.pause_reading()
        for n in range(requests):
            await greedy.send_frame({"type": "history", "id": n, "limit": 200})
        await greedy.send_frame({"type": "send", "id": "last", "to": None, "body": "made it"})
        # Not carried out while the replies before it wait.
        assert [e for e in await watcher.no_event(0.5) if e["type"] == "message"] == []
        _, peak = rss_kib(server.process.pid)
        assert (peak - baseline) / 1024 < 24, f"server RSS grew by {(peak - baseline) // 1024} MiB"
        greedy.writer.transport.resume_reading()
        for n in range(requests):
            reply = await greedy.next_frame(timeout=60)
            assert reply["re"] == n and len(reply["messages"]) == 200, reply.get("re")
        last = await greedy.next_frame()
        assert last["re"] == "last" and last["type"] == "ok"
        assert (await watcher.next_event("message"))["message"] == last["message"]

    run(scenario, server.address)


def _nice_values(pid: int) -> dict[int, int]:
    """Each live thread of a process (by thread id) and its nice value (Linux)."""
    values = {}
    for entry in os.listdir(f"/proc/{pid}/task"):
        try:
            values[int(entry)] = os.getpriority(os.PRIO_PROCESS, int(entry))
        except (ProcessLookupError, OSError):
            pass  # the thread ended meanwhile
    return values


def _windows_thread_priorities(pid: int) -> dict[int, int]:
    """Each live thread of a process and its priority relative to the
    process's class (GetThreadPriority: 0 normal, -1 below normal)."""
    import ctypes
    from ctypes import wintypes

    class ThreadEntry(ctypes.Structure):
        _fields_ = [("dwSize", wintypes.DWORD), ("cntUsage", wintypes.DWORD),
                    ("th32ThreadID", wintypes.DWORD), ("th32OwnerProcessID", wintypes.DWORD),
                    ("tpBasePri", wintypes.LONG), ("tpDeltaPri", wintypes.LONG),
                    ("dwFlags", wintypes.DWORD)]

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateToolhelp32Snapshot.restype = wintypes.HANDLE
    kernel32.OpenThread.restype = wintypes.HANDLE
    kernel32.GetThreadPriority.argtypes = [wintypes.HANDLE]
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    snapshot_threads, query_limited_information = 0x4, 0x0800
    snapshot = kernel32.CreateToolhelp32Snapshot(snapshot_threads, 0)
    entry = ThreadEntry()
    entry.dwSize = ctypes.sizeof(entry)
    values = {}
    try:
        found = kernel32.Thread32First(wintypes.HANDLE(snapshot), ctypes.byref(entry))
        while found:
            if entry.th32OwnerProcessID == pid:
                handle = kernel32.OpenThread(query_limited_information, False, entry.th32ThreadID)
                if handle:  # else the thread ended meanwhile
                    values[entry.th32ThreadID] = kernel32.GetThreadPriority(handle)
                    kernel32.CloseHandle(handle)
            found = kernel32.Thread32Next(wintypes.HANDLE(snapshot), ctypes.byref(entry))
    finally:
        kernel32.CloseHandle(snapshot)
    return values


@pytest.mark.skipif(not (os.path.isdir("/proc/self/task") or sys.platform == "win32"),
                    reason="per-thread priorities are read on Linux (/proc) and Windows")
def test_password_hashing_runs_at_lower_priority_and_nothing_else_does(server):
    # During a storm of logins the event loop, delivering messages, must get
    # the CPU before bcrypt (server/passwords.py).
    assert server.process is not None
    pid = server.process.pid
    if sys.platform == "win32":
        priorities = _windows_thread_priorities
        base, lowered_to = 0, -1  # THREAD_PRIORITY_NORMAL, THREAD_PRIORITY_BELOW_NORMAL
    else:
        priorities = _nice_values
        # (Relative to the main thread: the tests may run under nice themselves.)
        base = os.getpriority(os.PRIO_PROCESS, pid)
        lowered_to = min(base + 10, 19)
    # The hashing threads start with the first password to check.
    assert set(priorities(pid).values()) == {base}

    async def scenario(clients: Clients) -> None:
        await clients.register()

    run(scenario, server.address)
    values = priorities(pid)
    lowered = [tid for tid, priority in values.items() if priority != base]
    assert len(lowered) == 1, values  # the one thread that hashed the password
    assert lowered[0] != pid and values[lowered[0]] == lowered_to
