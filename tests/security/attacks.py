"""``python -m tests.security.attacks WHICH``: the attacks of issue 12, with figures.

Each starts a real server (plain TCP unless ``--tls``), runs one attack
from 127.0.0.1 and prints what the server's process shows meanwhile: its
resident memory and its open sockets, or how long a victim's login takes.
They are the "before and after" of the hardening, not part of the test
suite (each takes a minute or more); the tests that prove the same things
are in ``tests/security/test_hardening.py``.

``--repo DIR`` runs the server found in another checkout (an older commit
unpacked with ``git archive``), for the "before" figures.

* ``stuck-readers``: logged-in connections ask for two ``sync`` pages of
  1,000 messages of 16,000 bytes and stop reading; then connections that
  never log in pipeline large ``ping`` frames without reading.
* ``fd-flood``: one account opens connections until the server runs out
  of file descriptors (the server is started with a soft limit of 1,024),
  and a newcomer tries to log in.
* ``hash-starve``: 40 connections of 8 accounts loop ``change_password``
  at bcrypt cost 12 while a victim, at another address (127.0.0.2), logs
  in now and then.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import ssl
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from protocol.limits import MAX_SERVER_FRAME_BYTES
from protocol.tls import client_context

from ..conftest import REPO, ServerProcess
from ..server.helpers import rss_kib
from ..wire import PASSWORD, ConnectionClosed, WireClient
from .helpers import OTHER_ADDRESS

#: The longest body in bytes: 4000 characters of four UTF-8 bytes each.
LONGEST_BODY = "😀" * 4000


def open_sockets(pid: int) -> int:
    """How many sockets a process holds (Linux), its listening one included."""
    count = 0
    for entry in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{entry}").startswith("socket:"):
                count += 1
        except OSError:
            pass
    return count


def rss_mib(server: ServerProcess) -> float:
    assert server.process is not None
    return rss_kib(server.process.pid)[0] / 1024


async def connect(address: tuple[str, int], *, tls: bool, receive_buffer: int | None = None,
                  hello: bool = True, timeout: float = 15.0,
                  local_host: str | None = None) -> WireClient:
    """A client, its kernel receive buffer small if asked (a slow network),
    from another address of the loopback network if asked."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if local_host is not None:
        sock.bind((local_host, 0))
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, address)
    context: ssl.SSLContext | None = client_context() if tls else None
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(
            sock=sock, limit=MAX_SERVER_FRAME_BYTES, ssl=context,
            server_hostname="" if context else None)
        client = WireClient(reader, writer)
        if hello:
            client.hello = await client.next_frame()
    return client


async def log_in(client: WireClient, name: str, register: bool,
                 password: str = PASSWORD, timeout: float = 120) -> dict[str, Any]:
    reply = await client.request("register" if register else "login", timeout=timeout,
                                 username=name, password=password)
    if reply["type"] == "ok":
        await client.next_event("users", timeout=120)
    return reply


async def fill(address: tuple[str, int], tls: bool, count: int) -> None:
    """``count`` general-room messages of the longest body."""
    client = await connect(address, tls=tls)
    await log_in(client, "filler", True)
    batch = 20  # replies carry the body too: never more unread than a socket holds
    for start in range(0, count, batch):
        ids = [f"f{n}" for n in range(start, min(count, start + batch))]
        for request_id in ids:
            await client.send_frame({"type": "send", "id": request_id, "to": None,
                                     "body": LONGEST_BODY})
        for request_id in ids:
            reply = await client.reply_to(request_id, timeout=60)
            assert reply["type"] == "ok", reply
    await client.close()


async def watch(server: ServerProcess, seconds: float, every: float = 5.0) -> None:
    assert server.process is not None
    started = time.monotonic()
    while True:
        elapsed = time.monotonic() - started
        print(f"  t={elapsed:5.1f} s  RSS {rss_mib(server):6.1f} MiB  "
              f"sockets {open_sockets(server.process.pid)}", flush=True)
        if elapsed >= seconds:
            return
        await asyncio.sleep(every)


async def stuck_readers(server: ServerProcess, tls: bool, logged_in: int = 15,
                        unauthenticated: int = 20) -> None:
    await fill(server.address, tls, 1000)
    print(f"server after filling: RSS {rss_mib(server):.1f} MiB", flush=True)
    clients: list[WireClient] = []
    for n in range(logged_in):
        client = await connect(server.address, tls=tls, receive_buffer=4096)
        await log_in(client, f"stuck{n}", True)
        for request_id in ("s1", "s2"):
            await client.send_frame({"type": "sync", "id": request_id, "after": 0,
                                     "limit": 1000})
        client.writer.transport.pause_reading()
        clients.append(client)
    print(f"{logged_in} logged-in connections asked for two syncs each and stopped reading:",
          flush=True)
    await watch(server, 45)
    for client in clients:
        client.writer.transport.abort()
    await asyncio.sleep(2)

    print(f"{unauthenticated} connections that never log in pipeline pings, then 64 KB "
          "ones, and read nothing:", flush=True)
    # Small pings with long ids first: their replies fill the server's
    # buffer for the connection, so it stops answering; the large ones
    # after them then wait in its memory.
    small = b"".join(('{"type":"ping","id":"%064d"}\n' % n).encode() for n in range(20_000))
    large = ('{"type":"ping","pad":"' + "x" * 65_000 + '"}\n').encode()

    async def flood() -> WireClient:
        client = await connect(server.address, tls=tls, receive_buffer=4096)
        client.writer.transport.pause_reading()
        try:
            client.writer.write(small)
            while True:
                client.writer.write(large)
                async with asyncio.timeout(1.0):
                    await client.writer.drain()
        except (TimeoutError, ConnectionError):
            pass  # the server stopped reading (or hung up)
        return client

    flooders = await asyncio.gather(*(flood() for _ in range(unauthenticated)))
    await watch(server, 45)
    for client in flooders:
        client.writer.transport.abort()


async def fd_flood(server: ServerProcess, tls: bool, count: int = 1100) -> None:
    owner = await connect(server.address, tls=tls)
    await log_in(owner, "hog", True)
    opened: list[WireClient] = []
    refused: dict[str, int] = {}
    assert server.process is not None
    for n in range(count):
        try:
            client = await connect(server.address, tls=tls, timeout=5)
            if client.hello is not None and client.hello.get("type") == "error":
                code = str(client.hello.get("code"))
                refused[code] = refused.get(code, 0) + 1
                client.writer.transport.abort()
                continue
            reply = await log_in(client, "hog", False)
            if reply["type"] != "ok":
                refused[str(reply.get("code"))] = refused.get(str(reply.get("code")), 0) + 1
                client.writer.transport.abort()
                continue
            opened.append(client)
        except (TimeoutError, ConnectionError, ConnectionClosed, ssl.SSLError, OSError) as error:
            refused[type(error).__name__] = refused.get(type(error).__name__, 0) + 1
    print(f"one account tried {count} connections: {len(opened)} logged in, refused {refused}; "
          f"server sockets {open_sockets(server.process.pid)}", flush=True)
    started = time.monotonic()
    try:
        newcomer = await connect(server.address, tls=tls, timeout=20)
        reply = await log_in(newcomer, "newcomer", True)
        print(f"a newcomer's registration: {reply['type']} {reply.get('code', '')} "
              f"in {time.monotonic() - started:.2f} s", flush=True)
    except (TimeoutError, ConnectionError, ConnectionClosed, ssl.SSLError, OSError) as error:
        print(f"a newcomer could not connect: {type(error).__name__} {error} after "
              f"{time.monotonic() - started:.2f} s", flush=True)
    errors = server.log.count("Too many open files")
    print(f"'Too many open files' in the server's log: {errors} times", flush=True)
    for client in opened:
        client.writer.transport.abort()


async def hash_starve(server: ServerProcess, tls: bool, accounts: int = 8,
                      connections: int = 40, seconds: float = 30.0) -> None:
    victim = await connect(server.address, tls=tls)
    started = time.monotonic()
    await log_in(victim, "victim", True)
    await victim.close()
    attackers: list[WireClient] = []
    for n in range(connections):
        client = await connect(server.address, tls=tls)
        reply = await log_in(client, f"attacker{n % accounts}", n < accounts)
        assert reply["type"] == "ok", reply
        attackers.append(client)
    quiet = []
    for _ in range(3):
        started = time.monotonic()
        client = await connect(server.address, tls=tls, local_host=OTHER_ADDRESS)
        await log_in(client, "victim", False)
        quiet.append(time.monotonic() - started)
        await client.close()
    print(f"victim's login with nobody else hashing: "
          f"{', '.join(f'{t:.2f}' for t in quiet)} s", flush=True)
    stop = asyncio.Event()
    outcomes: dict[str, int] = {}

    async def loop_change(client: WireClient) -> None:
        while not stop.is_set():
            try:
                reply = await client.request("change_password", timeout=600,
                                             old_password=PASSWORD, new_password=PASSWORD)
            except (TimeoutError, ConnectionError, ConnectionClosed):
                return
            key = reply["type"] if reply["type"] == "ok" else str(reply.get("code"))
            outcomes[key] = outcomes.get(key, 0) + 1
            if reply.get("code") == "rate_limited":
                await asyncio.sleep(min(float(reply["retry_after"]), 1.0))

    loops = [asyncio.create_task(loop_change(c)) for c in attackers]
    await asyncio.sleep(2)
    times = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        client = await connect(server.address, tls=tls, local_host=OTHER_ADDRESS)
        reply = await log_in(client, "victim", False, timeout=600)
        times.append(time.monotonic() - started)
        assert reply["type"] == "ok", reply
        await client.close()
        await asyncio.sleep(1)
    stop.set()
    await asyncio.gather(*loops, return_exceptions=True)
    times.sort()
    print(f"victim's login during {connections} connections of {accounts} accounts looping "
          f"change_password: {len(times)} logins, median {times[len(times) // 2]:.2f} s, "
          f"longest {times[-1]:.2f} s; change_password replies {outcomes}", flush=True)


ATTACKS: dict[str, tuple[Callable[..., Any], list[str]]] = {
    "stuck-readers": (stuck_readers, ["--no-rate-limits"]),
    "fd-flood": (fd_flood, ["--no-rate-limits"]),
    "hash-starve": (hash_starve, ["--bcrypt-rounds", "12"]),
}


def _lower_fd_limit() -> None:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.security.attacks")
    parser.add_argument("attack", choices=sorted(ATTACKS))
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--repo", type=Path, default=REPO,
                        help="the checkout whose server to attack (default: this one)")
    args = parser.parse_args()
    attack, options = ATTACKS[args.attack]
    # The attack's own connections need descriptors too.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with tempfile.TemporaryDirectory() as directory:
        server = ServerProcess(Path(directory) / "attack.db", options, tls=args.tls,
                               repo=args.repo)
        if args.attack == "fd-flood":
            server.preexec = _lower_fd_limit
        server.start()
        try:
            asyncio.run(attack(server, args.tls))
        finally:
            server.stop()
        if "--verbose" in sys.argv:
            print(server.log)


if __name__ == "__main__":
    main()
