"""``python -m bench.tls_memory``: where an idle TLS connection's memory goes.

``bench.idle_tls`` measures a whole server; this takes its TLS layer apart
in one process (issue 12, item 8).  It makes ``--clients`` of the server's
real :class:`server.tlslayer.TlsServerProtocol` with the server's real SSL
context (``server.tls.load_tls``), each on a stand-in TCP transport that
only collects what is written, and as many client ``ssl.SSLObject`` on
memory BIOs with the clients' context (``protocol.tls.client_context``).
It takes them through a *stage*:

* ``made``: the server's objects made, ``connection_made`` called, no byte yet;
* ``handshake``: the handshake done (and the session tickets sent);
* ``login``: and a login-sized exchange after it (a 120-byte request in,
  ``--reply`` bytes out after a 200-byte ``hello``: ``ok`` and the roster,
  which with 1,000 users online is about 30 KB);

then drops the clients' objects and reports what the server's side still
holds per connection: glibc's live ``malloc`` bytes (``mallinfo2()``:
OpenSSL's allocations and Python's larger blocks; tracemalloc cannot see
OpenSSL's), the resident size, and the Python objects (tracemalloc, in a
second process, since it slows everything).  ``--batch`` advances that
many handshakes in step, as concurrent clients' are in a server, so that
their allocations interleave.  ``--repo DIR`` measures another checkout's
``server.tlslayer`` (before and after).  ``--all`` runs every variant of
bench/README.md's section on item 8, each in a fresh process.  Linux
(glibc) only.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import json
import ssl
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
        "uordblks", "fordblks", "keepcost")]


def malloc_live() -> int:
    """Bytes glibc's malloc has handed out and not had back (heap and mapped)."""
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    return int(info.uordblks + info.hblkhd)


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


class _Raw(asyncio.Transport):
    """The TCP transport's stand-in: keeps what is written until taken."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[bytes] = []
        self.largest_write = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.sent.append(bytes(data))
        self.largest_write = max(self.largest_write, len(data))

    def take(self) -> bytes:
        data = b"".join(self.sent)
        self.sent.clear()
        return data

    def is_closing(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return 0

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


class _App(asyncio.Protocol):
    """The connection's stand-in: says hello, answers the request with ``reply`` bytes."""

    def __init__(self, reply: int) -> None:
        self.transport: asyncio.Transport | None = None
        self.reply = reply

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(b"h" * 200)

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(b"r" * self.reply)


class _Pair:
    """One server side (the real TLS layer) with its client, on memory BIOs both."""

    def __init__(self, layer: Any, context: ssl.SSLContext, cctx: ssl.SSLContext,
                 reply: int) -> None:
        self.raw = _Raw()
        self.server = layer(context, lambda: _App(reply), 30.0, "bench")
        self.server.connection_made(self.raw)
        self.c_in, self.c_out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.client = cctx.wrap_bio(self.c_in, self.c_out, server_side=False)

    def step(self) -> bool:
        """One flight each way; True once the client's handshake is done."""
        try:
            self.client.do_handshake()
            return True
        except ssl.SSLWantReadError:
            pass
        self.server.data_received(self.c_out.read())
        self.c_in.write(self.raw.take())
        return False

    def finish(self, login: bool) -> None:
        if self.c_out.pending:  # the client's Finished (TLS 1.3)
            self.server.data_received(self.c_out.read())
        self.c_in.write(self.raw.take())  # the hello and the tickets
        self._drain()
        if login:
            self.client.write(b"q" * 120)
            self.server.data_received(self.c_out.read())
            self.c_in.write(self.raw.take())
            self._drain()
        assert self.server.app is not None
        del self.client, self.c_in, self.c_out

    def _drain(self) -> None:
        try:
            while self.client.read(65536):
                pass
        except ssl.SSLWantReadError:
            pass


async def _connections(layer: Any, context: ssl.SSLContext, cctx: ssl.SSLContext, count: int,
                       args: argparse.Namespace) -> tuple[list[Any], int]:
    """``count`` server sides taken to ``args.stage``, ``args.batch`` at a
    time; and the largest single write one made to its TCP transport."""
    servers: list[Any] = []
    largest = 0
    while len(servers) < count:
        batch = [_Pair(layer, context, cctx, args.reply)
                 for _ in range(min(args.batch, count - len(servers)))]
        if args.stage != "made":
            for _ in range(10):
                if all([pair.step() for pair in batch]):  # every pair steps
                    break
            else:
                raise RuntimeError("the handshake did not finish")
            for pair in batch:
                pair.finish(login=args.stage == "login")
        largest = max([largest, *(pair.raw.largest_write for pair in batch)])
        servers += [pair.server for pair in batch]
        del batch
        await asyncio.sleep(0)
    return servers, largest


async def run(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(args.repo))
    from protocol.tls import client_context
    from server.tls import load_tls
    from server.tlslayer import TlsServerProtocol

    with tempfile.TemporaryDirectory() as directory:
        context = load_tls(Path(directory)).context
    if args.tickets is not None:
        context.num_tickets = args.tickets
    cctx = client_context()
    # Warm-up: the first handshakes load providers, tables and caches.
    await _connections(TlsServerProtocol, context, cctx, 20, args)
    gc.collect()
    if args.tracemalloc:
        tracemalloc.start()
    before_malloc, before_rss = malloc_live(), rss_kib()
    before_py = tracemalloc.get_traced_memory()[0] if args.tracemalloc else 0
    servers, largest = await _connections(TlsServerProtocol, context, cctx, args.clients, args)
    gc.collect()
    after_malloc, after_rss = malloc_live(), rss_kib()
    after_py = tracemalloc.get_traced_memory()[0] if args.tracemalloc else 0
    n = args.clients
    result = {"stage": args.stage, "tickets": args.tickets, "batch": args.batch,
              "reply": args.reply, "clients": n, "largest_write": largest,
              "malloc_kib": round((after_malloc - before_malloc) / n / 1024, 2),
              "rss_kib": round((after_rss - before_rss) / n, 2)}
    if args.tracemalloc:
        result["python_kib"] = round((after_py - before_py) / n / 1024, 2)
    del servers
    return result


async def cpu(args: argparse.Namespace) -> None:
    """The CPU the layer spends on 16 MB each way, by the size of its slices
    (``server.tlslayer._BIO_SLICE``): what smaller slices cost."""
    sys.path.insert(0, str(args.repo))
    import time

    import server.tlslayer as layer
    from protocol.tls import client_context
    from server.tls import load_tls

    with tempfile.TemporaryDirectory() as directory:
        context = load_tls(Path(directory)).context
    data = b"x" * (16 << 20)
    print("| slice | encrypt 16 MB (write) | decrypt 16 MB (data_received, 256 KiB reads) |")
    print("|---:|---:|---:|")
    for size in (256 * 1024, 16 * 1024, 8 * 1024, 4 * 1024, 2 * 1024, 1024):
        layer._BIO_SLICE = size
        best_write = best_read = float("inf")
        for _ in range(3):
            pair = _Pair(layer.TlsServerProtocol, context, client_context(), 0)
            while not pair.step():
                pass
            pair.finish(login=False)
            pair.server.app = asyncio.Protocol()  # drops what it is given
            started = time.perf_counter()
            pair.server.write(data)
            best_write = min(best_write, time.perf_counter() - started)
            pair.raw.take()
            sender = _Pair(layer.TlsServerProtocol, context, client_context(), 0)
            while not sender.step():
                pass
            # The client encrypts (16 KiB records) for the server to decrypt;
            # its first bytes carry its Finished.
            pieces = []
            for start in range(0, len(data), 16 * 1024):
                sender.client.write(data[start:start + 16 * 1024])
                pieces.append(sender.c_out.read())
            ciphertext = b"".join(pieces)
            started = time.perf_counter()
            for start in range(0, len(ciphertext), 256 * 1024):
                sender.server.data_received(ciphertext[start:start + 256 * 1024])
            best_read = min(best_read, time.perf_counter() - started)
        print(f"| {size:,} B | {best_write * 1000:.1f} ms | {best_read * 1000:.1f} ms |")


#: bench/README.md's breakdown: (what it shows, the options).
VARIANTS: list[tuple[str, list[str]]] = [
    ("made: the layer's objects, no byte yet", ["--stage", "made"]),
    ("handshake done", ["--stage", "handshake"]),
    ("login, a 2 KB reply", ["--stage", "login", "--reply", "2000"]),
    ("login, a 30 KB reply (the roster, 1,000 online)", ["--stage", "login", "--reply", "30000"]),
    ("login, 30 KB, no session tickets (num_tickets = 0)",
     ["--stage", "login", "--reply", "30000", "--tickets", "0"]),
    ("login, 30 KB, 100 handshakes in step", ["--stage", "login", "--reply", "30000",
                                               "--batch", "100"]),
]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tls_memory")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--stage", choices=["made", "handshake", "login"], default="login")
    parser.add_argument("--tickets", type=int, default=None,
                        help="the context's num_tickets (OpenSSL's default: 2)")
    parser.add_argument("--reply", type=int, default=2000, help="bytes the login sends back")
    parser.add_argument("--batch", type=int, default=1,
                        help="connections whose handshakes advance in step")
    parser.add_argument("--repo", type=Path, default=REPO, help="the tree whose server to measure")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--all", action="store_true", help="every variant, each in its own process")
    parser.add_argument("--cpu", action="store_true",
                        help="instead: the CPU of 16 MB each way by slice size")
    args = parser.parse_args()
    if args.cpu:
        asyncio.run(cpu(args))
        return
    if not args.all:
        print(json.dumps(asyncio.run(run(args))))
        return
    print(f"{args.clients:,} connections; server tree {args.repo}\n")
    print("| variant | malloc live KiB/conn | RSS KiB/conn | Python objects KiB/conn "
          "| largest write to TCP |")
    print("|---|---:|---:|---:|---:|")
    for text, variant in VARIANTS:
        command = [sys.executable, "-m", "bench.tls_memory", "--clients", str(args.clients),
                   "--repo", str(args.repo), *variant]
        plain = json.loads(subprocess.run(command, check=True, capture_output=True, text=True,
                                          cwd=REPO).stdout)
        traced = json.loads(subprocess.run([*command, "--tracemalloc"], check=True,
                                           capture_output=True, text=True, cwd=REPO).stdout)
        print(f"| {text} | {plain['malloc_kib']:.2f} | {plain['rss_kib']:.2f} | "
              f"{traced['python_kib']:.2f} | {plain['largest_write']:,} B |")


if __name__ == "__main__":
    main()
