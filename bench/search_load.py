"""The search workload of ``make bench``: ``search`` requests, timed one at a time.

Run by :mod:`bench.run` against a Besedka server on the 1,000,000-message
database (:mod:`bench.prepare`, worded like chat by :mod:`bench.chat_text`),
pinned to the generator's CPU like ``loadgen``.  One client logs in with
version 2 and asks, one request at a time, each kind of query in
:meth:`bench.chat_text.ChatText.queries` (common words, rare words, words of
two characters, words found nowhere, and a common word within one direct
conversation), cycling through the words of the kind; it times each
request from sending it to reading its reply, after a few of each kind as
warm-up.  It prints one JSON object: per kind the median, the 99th
percentile and how many results a reply held, and the sizes of the search
index and of the messages table, read from the database file.

    python -m bench.search_load --port N --database FILE [--requests 200]
"""

from __future__ import annotations

import argparse
import json
import socket
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from bench.chat_text import ChatText
from bench.prepare import PASSWORD, username

#: The kinds whose words the trigram index finds (three characters or more):
#: the issue's goals apply to them.
INDEXED_KINDS = ("common word", "rare word", "no match", "common word, one conversation")


class Client:
    """A blocking line-protocol client: one request, then its reply."""

    def __init__(self, port: int) -> None:
        self.socket = socket.create_connection(("127.0.0.1", port))
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.lines = self.socket.makefile("rb")
        self.next_id = 0
        json.loads(self.lines.readline())  # hello

    def request(self, **frame: Any) -> dict[str, Any]:
        self.next_id += 1
        self.socket.sendall(json.dumps({**frame, "id": self.next_id}).encode() + b"\n")
        while True:
            reply: dict[str, Any] = json.loads(self.lines.readline())
            if reply.get("re") == self.next_id:
                return reply


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def index_sizes(database: Path) -> dict[str, float]:
    """MiB of the search index (FTS5's tables), of the messages table alone,
    and of its ordinary indexes (SQLite's dbstat)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
        indexes = {name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages'")}
    sizes = dict(rows)
    mib = 1024 * 1024
    return {
        "index_mib": sum(size for name, size in sizes.items()
                         if name.startswith("messages_search")) / mib,
        "table_mib": sizes.get("messages", 0) / mib,
        "table_indexes_mib": sum(size for name, size in sizes.items() if name in indexes) / mib,
    }


def run(port: int, database: Path, requests: int, warmup: int) -> dict[str, Any]:
    client = Client(port)
    reply = client.request(type="login", username=username(0), password=PASSWORD, protocol=2)
    if reply.get("type") != "ok":
        raise SystemExit(f"login failed: {reply}")
    queries = ChatText().queries()
    kinds: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
        kind: (words, {}) for kind, words in queries.items()}
    kinds["common word, one conversation"] = (queries["common word"], {"with": username(1)})
    results: dict[str, Any] = {}
    indexed: list[float] = []
    for kind, (words, narrowing) in kinds.items():
        samples: list[float] = []
        found: list[int] = []
        for number in range(warmup + requests):
            query = words[number % len(words)]
            started = time.perf_counter()
            reply = client.request(type="search", query=query, limit=20, **narrowing)
            took = (time.perf_counter() - started) * 1000
            if reply.get("type") != "ok":
                raise SystemExit(f"search {query!r} failed: {reply}")
            if number >= warmup:
                samples.append(took)
                found.append(len(reply["messages"]))
        results[kind] = {"p50_ms": statistics.median(samples),
                         "p99_ms": percentile(samples, 0.99),
                         "results_avg": statistics.mean(found), "queries": list(words),
                         "requests": len(samples)}
        if kind in INDEXED_KINDS:
            indexed += samples
    return {"kinds": results, "indexed_p50_ms": statistics.median(indexed),
            "indexed_p99_ms": percentile(indexed, 0.99), **index_sizes(database)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps(run(args.port, args.database, args.requests, args.warmup)))


if __name__ == "__main__":
    main()
