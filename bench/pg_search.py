"""Search on PostgreSQL beside SQLite, on the same messages (issue 19).

Builds one SQLite database of chat-like messages (:mod:`bench.prepare`,
worded by :mod:`bench.chat_text` as for ``make bench``'s search workload),
copies it into a throwaway PostgreSQL cluster (:mod:`tests.postgres`) with
``admin migrate-to``'s :func:`db.transfer.copy_database`, and times
:func:`db.search.search` itself on both, one query at a time, for each kind
of query of the search workload: the database's answer, without the
server and the wire around it (those are the same on both).  Prints one
JSON object: per database and kind, the median and the 99th percentile in
milliseconds, and how many results a page held.

    python -m bench.pg_search [--messages 1000000] [--requests 50]

Not part of ``make bench``: run by hand where PostgreSQL's server programs
are installed (``make postgres-programs``); bench/README.md has its figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.chat_text import ChatText
from bench.prepare import prepare
from db import search
from db.database import Database
from db.transfer import copy_database
from protocol.rules import search_words
from tests.postgres import PostgresCluster, find_bin_dir

#: The account that searches, and how many accounts the messages are among.
ME = 1
ACCOUNTS = 100


def _partner(database: Database) -> int:
    """The account with which :data:`ME` has the most direct messages."""
    return int(database.read_now(lambda conn: conn.execute(text(
        "SELECT CASE WHEN sender_id = :me THEN recipient_id ELSE sender_id END AS peer "
        "FROM messages WHERE (sender_id = :me OR recipient_id = :me) "
        "AND recipient_id IS NOT NULL GROUP BY peer ORDER BY count(*) DESC LIMIT 1"),
        {"me": ME}).scalar_one()))


def measure(database: Database, requests: int) -> dict[str, dict[str, float]]:
    """Each kind of query ``requests`` times (after a warm-up), cycling its words."""
    partner = _partner(database)
    figures: dict[str, dict[str, float]] = {}
    for kind, words in ChatText().queries().items():
        runs: list[tuple[str, search.Scope]] = [(kind, search.Everywhere())]
        if kind == "common word":
            runs.append((kind + ", one conversation", search.Direct(partner)))
        for label, scope in runs:
            times: list[float] = []
            found: list[int] = []
            for n in range(requests + 5):
                query = search_words(words[n % len(words)])
                started = time.perf_counter()
                result = database.read_now(lambda conn: search.search(
                    conn, ME, scope, query, None, 20))
                if n >= 5:  # a warm-up first
                    times.append((time.perf_counter() - started) * 1000)
                    found.append(len(result.messages))
            times.sort()
            figures[label] = {"median_ms": round(statistics.median(times), 2),
                              "p99_ms": round(times[min(len(times) - 1,
                                                        int(0.99 * len(times)))], 2),
                              "results": round(statistics.mean(found), 1)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL's server programs are not installed "
                         "(make postgres-programs)")
    report: dict[str, Any] = {"messages": args.messages}
    with tempfile.TemporaryDirectory(prefix="besedka-pg-search-") as scratch:
        path = Path(scratch) / "search.db"
        started = time.monotonic()
        prepare(path, ACCOUNTS, messages=args.messages)
        report["sqlite_prepare_s"] = round(time.monotonic() - started)
        cluster = PostgresCluster(bin_dir)
        try:
            cluster.init()
            cluster.start()
            url = cluster.new_database()
            started = time.monotonic()
            copy_database(f"sqlite:///{path}", url)
            report["postgresql_copy_s"] = round(time.monotonic() - started)
            for name, database_url in (("sqlite", f"sqlite:///{path}"), ("postgresql", url)):
                database = Database(database_url)
                try:
                    if name == "postgresql":
                        database.write(lambda conn: conn.exec_driver_sql(
                            "ANALYZE messages")).result()
                        report["postgresql_trigram_index_mib"] = database.read_now(
                            lambda conn: conn.exec_driver_sql(
                                "SELECT pg_relation_size('ix_messages_body_trigrams')"
                            ).scalar_one()) // 2**20
                    report[name] = measure(database, args.requests)
                finally:
                    database.close()
        finally:
            cluster.destroy()
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
