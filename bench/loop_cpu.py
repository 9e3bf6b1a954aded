"""The event loop's CPU per message, in one process, without sockets (issue 20).

``bench/threads.py`` reads the server's threads from ``/proc`` around a real
``loadgen`` run; on a machine shared with others its figures for one tree
vary by 20-30 % from run to run, more than a change to the loop's Python
moves them.  This starts a real server of ``TREE`` in this process (every
feature, the dispatcher, the writer thread, SQLite on ``/dev/shm`` so the
fsync costs nothing) and gives its connections fake transports; the clients
are a few lines here that answer the server's frames through
``loop.call_soon``, as a socket read would.  It measures the main thread's
CPU (``time.thread_time``, the loop with the clients' few lines, without the
kernel's socket work) and the process's, per message, over ROUNDS rounds
(default 15), and prints the minimum and the median: the minimum is what
other processes' load disturbs least.

Usage (pinned like the bench's server, under the bench lock)::

    flock /work/.bench.lock -c 'taskset -c 0 .venv/bin/python -m bench.loop_cpu TREE pairs'

``pairs``: 50 pairs, 20 round trips each per round; ``fanout``: 50 clients
in the general room, 40 messages each per round with 10 unacknowledged.
``TREE`` is the tree whose server runs (a ``git archive`` of main, say).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

TREE = Path(sys.argv[1]).resolve()
WORKLOAD = sys.argv[2]
#: round trips per pair, or messages per client, in one round
PER_ROUND = int(sys.argv[3]) if len(sys.argv) > 3 else (20 if WORKLOAD == "pairs" else 40)
ROUNDS = int(os.environ.get("ROUNDS", "15"))
CLIENTS = 100 if WORKLOAD == "pairs" else 50
# The server from TREE, bench.prepare from this tree.
sys.path.insert(0, str(TREE))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))
os.chdir(TREE)

import uvloop  # noqa: E402

from bench.prepare import PASSWORD, prepare  # noqa: E402
from server.app import BesedkaServer  # noqa: E402
from server.config import RateLimits, ServerConfig  # noqa: E402


class Transport:
    """What a connection needs of its transport; its writes go to the client."""

    __slots__ = ("client", "closing", "peer")

    def __init__(self, client: Client, number: int) -> None:
        self.client = client
        self.closing = False
        self.peer = ("127.0.0.1", 10000 + number)

    def write(self, data: bytes) -> None:
        self.client.received(data)

    def get_write_buffer_size(self) -> int:
        return 0

    def is_closing(self) -> bool:
        return self.closing

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.peer if name == "peername" else default

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        pass

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        pass

    def close(self) -> None:
        self.closing = True

    def abort(self) -> None:
        self.closing = True


class Client:
    """One client: logs in, then sends as its workload says when frames arrive."""

    def __init__(self, number: int, connection: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.number, self.connection, self.loop = number, connection, loop
        self.logged_in: asyncio.Future[None] = loop.create_future()
        self.done: asyncio.Future[None] = loop.create_future()
        self.peer: str | None = None
        self.sent = self.acked = 0
        self.next_id = 2

    def send_frame(self, frame: bytes) -> None:
        # As a socket read would: in a later loop step, not inside a write.
        self.loop.call_soon(self.connection.data_received, frame)

    def send(self) -> None:
        number = self.next_id
        self.next_id += 1
        self.sent += 1
        to = b"null" if self.peer is None else b'"%s"' % self.peer.encode()
        self.send_frame(b'{"type":"send","id":%d,"to":%s,"key":"k%d","body":"bk %d %d hello there"}\n'
                        % (number, to, number, self.number, number))

    def received(self, data: bytes) -> None:
        if not self.logged_in.done():
            if b'"re":1' in data:
                self.logged_in.set_result(None)
            return
        if WORKLOAD == "pairs":
            for _ in range(data.count(b'"type":"message"')):
                if self.number % 2:
                    self.send()  # B answers every message
                elif self.sent < PER_ROUND:
                    self.send()  # A sends the next on the answer
                elif not self.done.done():
                    self.done.set_result(None)
        else:
            for _ in range(data.count(b'"type":"ok"')):
                self.acked += 1
                if self.sent < PER_ROUND:
                    self.send()
                elif self.acked >= PER_ROUND and not self.done.done():
                    self.done.set_result(None)


async def main() -> None:
    loop = asyncio.get_running_loop()
    work = Path(tempfile.mkdtemp(prefix="besedka-loop-cpu-", dir="/dev/shm"))
    try:
        prepare(work / "chat.db", CLIENTS)
        server = BesedkaServer(ServerConfig(
            host="127.0.0.1", port=0, database_url=f"sqlite:///{work / 'chat.db'}",
            bcrypt_rounds=4, rate_limits=RateLimits(enabled=False), announce=False, tls=None))
        await server.start()
        assert server._server is not None
        factory = server._server._factory
        clients = []
        for number in range(CLIENTS):
            connection = factory()
            client = Client(number, connection, loop)
            clients.append(client)
            # Duck-typed: the few methods a connection calls (above).
            connection.connection_made(cast(asyncio.Transport, Transport(client, number)))
            client.send_frame(b'{"type":"login","id":1,"username":"u%04d","password":"%s"}\n'
                              % (number, PASSWORD.encode()))
            await client.logged_in
        await asyncio.sleep(0.5)
        if WORKLOAD == "pairs":
            for a in range(0, CLIENTS, 2):
                clients[a].peer, clients[a + 1].peer = f"u{a + 1:04d}", f"u{a:04d}"
        loop_cpu: list[float] = []
        process_cpu: list[float] = []
        messages = CLIENTS * PER_ROUND
        for _ in range(ROUNDS):
            for client in clients:
                client.done = loop.create_future()
                client.sent = client.acked = 0
            thread0, process0 = time.thread_time(), time.process_time()
            if WORKLOAD == "pairs":
                for a in range(0, CLIENTS, 2):
                    clients[a].send()
                await asyncio.gather(*(client.done for client in clients[::2]))
            else:
                for client in clients:
                    for _ in range(10):
                        client.send()
                await asyncio.gather(*(client.done for client in clients))
            loop_cpu.append(1e6 * (time.thread_time() - thread0) / messages)
            process_cpu.append(1e6 * (time.process_time() - process0) / messages)
            await asyncio.sleep(0.05)
        loop_cpu.sort()
        process_cpu.sort()
        print(f"{TREE.name}: {WORKLOAD} {ROUNDS} rounds of {messages} messages; "
              f"loop min {loop_cpu[0]:.2f} median {loop_cpu[len(loop_cpu) // 2]:.2f} us; "
              f"process min {process_cpu[0]:.2f} median {process_cpu[len(process_cpu) // 2]:.2f} "
              f"us per message", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    os._exit(0)  # the server's threads and connections need no orderly end here


if __name__ == "__main__":
    uvloop.run(main())
