"""``python -m bench.idle_tls``: the server's memory per idle connection, TLS and plain.

``make bench``'s idle workload drives plain TCP from a C load generator;
this measures what a TLS connection costs beside it (issue 12, item 8):
for each transport it starts a fresh server (TLS on, or ``--no-tls``),
logs in ``--clients`` connections from this process (Python's ``ssl``
module does the client's TLS), waits for the server to settle, and reports
the growth of its resident memory divided by the connections, in KiB.

``--repo DIR`` measures the server of another checkout (an older commit
unpacked with ``git archive``), for before-and-after figures.  The result
goes to standard output as a Markdown table and, with ``--json FILE``, as
JSON.  ``--transport tls`` measures only the TLS server: ``make bench``'s
idle workload runs it that way for its "idle (TLS)" row.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import ssl
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `python bench/idle_tls.py` as well as `-m bench.idle_tls`
    sys.path.insert(0, str(REPO))

from protocol.framing import FrameDecoder, encode_frame  # noqa: E402
from protocol.tls import client_context  # noqa: E402
from tests.conftest import ServerProcess  # noqa: E402
from tests.server.helpers import rss_kib  # noqa: E402


async def _open(address: tuple[str, int], tls: bool, name: str,
                context: ssl.SSLContext | None) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection(*address, ssl=context if tls else None,
                                                   limit=1 << 20)
    decoder = FrameDecoder(1 << 24)
    frames: list[bytes] = []
    while not frames:  # hello
        frames += decoder.feed(await reader.read(65536))
    writer.write(encode_frame({"type": "register", "id": 1, "username": name,
                               "password": "correct horse"}))
    seen = 0
    while seen < 2:  # the ok and the roster
        chunk = await reader.read(1 << 20)
        if not chunk:
            raise ConnectionError("closed")
        frames = decoder.feed(chunk)
        seen += len(frames)
    return reader, writer


async def measure(server: ServerProcess, tls: bool, clients: int) -> dict[str, Any]:
    assert server.process is not None
    pid = server.process.pid
    context = client_context() if tls else None
    # Warm up: the first connections load code and fill caches.
    warm = [await _open(server.address, tls, f"warm{n}", context) for n in range(20)]
    await asyncio.sleep(2)
    before, _ = rss_kib(pid)
    opened = []
    for start in range(0, clients, 100):
        opened += await asyncio.gather(*(_open(server.address, tls, f"idle{n}", context)
                                         for n in range(start, min(clients, start + 100))))
    await asyncio.sleep(3)  # let the server settle (its sweeps, the allocator)
    after, _ = rss_kib(pid)
    for _, writer in [*opened, *warm]:
        writer.transport.abort()
    return {"transport": "TLS" if tls else "plain", "clients": clients,
            "rss_before_kib": before, "rss_after_kib": after,
            "kib_per_conn": round((after - before) / clients, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.idle_tls")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--repo", type=Path, default=REPO)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--transport", choices=["both", "plain", "tls"], default="both",
                        help="which servers to measure (bench/run.py's idle workload: tls)")
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    results = []
    for tls in {"both": (False, True), "plain": (False,), "tls": (True,)}[args.transport]:
        with tempfile.TemporaryDirectory() as directory:
            server = ServerProcess(Path(directory) / "idle.db", ["--no-rate-limits"], tls=tls,
                                   repo=args.repo)
            server.start()
            try:
                started = time.monotonic()
                results.append(asyncio.run(measure(server, tls, args.clients)))
                results[-1]["seconds"] = round(time.monotonic() - started, 1)
            finally:
                server.stop()
    print("| transport | idle logged-in connections | server RSS before → after | per connection |")
    print("|---|---:|---:|---:|")
    for r in results:
        print(f"| {r['transport']} | {r['clients']:,} | {r['rss_before_kib'] / 1024:.1f} → "
              f"{r['rss_after_kib'] / 1024:.1f} MiB | {r['kib_per_conn']:.2f} KiB |")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
