"""Which index each read query of ``messages`` uses on a real-sized database.

Runs every query of :mod:`db` that reads ``messages`` (history in each
direction, sync by id and by change number, unread counts, the roster both
ways, search, a file's download check, the writer's key lookup) against an
existing database, as account 1 talking with account 2, and prints for each
the database's own plan of every statement it issued (``EXPLAIN QUERY
PLAN`` on SQLite, ``EXPLAIN`` on PostgreSQL) and its time (the fastest of
three runs).  Nothing is written to the database, which is not migrated:
the queries of this tree run on whatever schema it has, which is how the
plans of two schemas are compared (bench/README.md, issue 20, "Fifth
session: the indexes").

A database with a million messages is made by ``bench.writer_cost
--messages 1000000`` (under ``/tmp``) or ``bench.prepare``.

Usage::

    .venv/bin/python -m bench.query_plans sqlite:////tmp/besedka-writer-cost-TREE-1000000.db
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.engine import Connection

from db import files, lifecycle, queries, search
from db import rooms as db_rooms
from db.engine import create_database_engine
from db.models import Account

ME, PEER = 1, 2


def named_queries(newest: int) -> dict[str, Callable[[Connection], Any]]:
    """The read queries of ``messages``, with arguments that reach deep into a
    database whose newest message id is ``newest``."""
    middle, recent = newest // 2, newest - 2000
    return {
        "general history": lambda c: queries.history(c, ME, None, None, 50),
        "general history page (middle)": lambda c: queries.history(c, ME, None, middle, 50),
        "direct history": lambda c: queries.history(c, ME, PEER, None, 50),
        "direct history page (middle)": lambda c: queries.history(c, ME, PEER, middle, 50),
        "notes to self": lambda c: queries.history(c, ME, ME, None, 50),
        "direct around (middle), v2": lambda c: queries.history_around(c, ME, PEER, middle, 50),
        "direct after (middle), v2": lambda c: queries.history_after(c, ME, PEER, middle, 50),
        "direct newer, v2": lambda c: queries.has_newer(c, ME, PEER, middle),
        "room history": lambda c: queries.history(c, ME, None, None, 50, 1),
        "sync v1 (recent)": lambda c: queries.sync(c, ME, recent, 500),
        "sync v1 (middle)": lambda c: queries.sync(c, ME, middle, 500),
        "sync with rooms": lambda c: queries.sync(c, ME, recent, 500, rooms=True),
        "sync by seq (recent)": lambda c: lifecycle.sync_by_seq(c, ME, recent, 500),
        "general unread": lambda c: queries.general_unread(c, ME),
        "general unread (1,000 behind)": lambda c: _general_unread_behind(c, newest - 1000),
        "roster (one pass)": lambda c: queries._roster_in_one_pass(c, ME),
        "roster (search per account)": lambda c: queries._roster_by_search_per_account(c, ME),
        "room unread counts": lambda c: db_rooms.room_counts(c, ME),
        "search direct (long word)": lambda c: search.search(
            c, ME, search.Direct(PEER), ["lunch"], None, 20),
        "search notes (long word)": lambda c: search.search(
            c, ME, search.Direct(ME), ["lunch"], None, 20),
        "search direct (short word)": lambda c: search.search(
            c, ME, search.Direct(PEER), ["hi"], None, 20),
        "search everywhere (long word)": lambda c: search.search(
            c, ME, search.Everywhere(), ["lunch"], None, 20),
        "search general (short word)": lambda c: search.search(
            c, ME, search.General(), ["hi"], None, 20),
        "file download check": lambda c: files.may_download(c, ME, "0" * 32),
        "newest id and seq": lambda c: (queries.newest_message_id(c), queries.newest_seq(c)),
    }


def _general_unread_behind(conn: Connection, marker: int) -> int:
    """general_unread for someone whose marker is ``marker`` (not stored)."""
    conn.execute(update(Account).where(Account.id == ME).values(general_read_id=marker))
    try:
        return queries.general_unread(conn, ME)
    finally:
        conn.rollback()


def plan_lines(conn: Connection, statement: str, parameters: Any) -> list[str]:
    if conn.dialect.name == "postgresql":
        return [row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters)]
    return [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--only", default="", help="comma-separated query names")
    options = parser.parse_args()
    engine = create_database_engine(options.url)
    statements: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    with engine.connect() as conn:
        newest = queries.newest_message_id(conn)
        conn.rollback()
        print(f"{options.url}: newest message id {newest}")
        chosen = {name for name in options.only.split(",") if name}
        for name, query in named_queries(newest).items():
            if chosen and name not in chosen:
                continue
            best = float("inf")
            for _ in range(3):
                statements.clear()
                started = time.perf_counter()
                query(conn)
                best = min(best, time.perf_counter() - started)
                conn.rollback()
            print(f"\n{name}: {1000 * best:.2f} ms")
            for statement, parameters in statements:
                print(f"  {' '.join(statement.split())[:150]}")
                for line in plan_lines(conn, statement, parameters):
                    print(f"    {line}")
            conn.rollback()
        # The writer's key lookup goes to the driver, past the capture.
        print("\nkey lookup of a batch (store_messages):")
        sql = queries._find_keys(conn.dialect, 64)
        for line in plan_lines(conn, sql, tuple(v for n in range(64)
                                                for v in (1 + n % 100, f"k{n}"))):
            print(f"    {line}")
    engine.dispose()


if __name__ == "__main__":
    main()
