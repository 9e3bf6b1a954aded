"""What the database writer spends per message, statement by statement.

Calls :func:`db.queries.store_messages` in this process, as the writer
thread does, for batches of direct messages between the accounts of a
fresh benchmark database (the pairs workload's shape: 25 messages from 25
senders a commit, each with an idempotency key; ``--to general`` or ``--to
room`` sends them to the general room, as the fanout workload does, or to
room 1, as the room fanout workload does; ``--no-keys`` without keys, as a
version 1 client may send), and prints this thread's
CPU time per message in each statement and in the commit, the wall time of
the commit (its fsync), and the WAL pages each commit wrote.

To see what the search index and the secondary indexes on ``messages``
cost, ``--without`` drops them from the fresh database first (``trigger``:
the search index's insert trigger; ``indexes``: the five secondary
indexes that are not unique).  Nothing is dropped from any real database.

``--via-writer`` sends the same batches through a real
:class:`db.database.GroupCommitWriter` instead (its thread, its
``BEGIN IMMEDIATE``, the batch's savepoint, its checkpoints, the listener
call): the writer thread's CPU per message, and the ``write`` system calls
and bytes of the whole process per message (``/proc/self/io``: WAL frames
and checkpoints), with SQLite's automatic checkpoints on as in the server.
``--pragma NAME=VALUE`` (repeatable) sets a pragma on every connection
first, to try settings without editing ``db/engine.py``.  ``--messages N``
fills the database with N older messages first (``bench.prepare``'s mix),
so that the indexes are as deep as a real server's.

``--repo TREE`` measures the ``db`` package of another tree (a ``git
archive`` of main, say); with ``--against-this`` the runs alternate
between that tree and this one, each in its own process.

Usage::

    .venv/bin/python -m bench.writer_cost [--batches 200] [--without trigger,indexes]
        [--to direct|general|room] [--no-keys] [--via-writer] [--pragma cache_size=-8000] [--messages 1000000]
        [--repo TREE [--against-this]] [--runs N]
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
#: The tree whose ``db`` package is measured (``--repo`` runs this script
#: again with it set).
TREE = Path(os.environ.get("BESEDKA_WRITER_COST_TREE", REPO))
for _path in (REPO, TREE):  # TREE first: its db, this tree's bench
    if str(_path) in sys.path:
        sys.path.remove(str(_path))
    sys.path.insert(0, str(_path))

from sqlalchemy import event  # noqa: E402

from bench.prepare import make_room, prepare  # noqa: E402
from db import queries  # noqa: E402
from db.database import BatchedWrite, GroupCommitWriter, WriteOutcome  # noqa: E402
from db.engine import create_database_engine, for_writing  # noqa: E402

SECONDARY_INDEXES = ("ix_messages_sender_id_id_direct", "ix_messages_sender_id_recipient_id_id",
                     "ix_messages_recipient_id_room_id_id", "ix_messages_recipient_id_room_id_seq",
                     "ix_messages_sender_id_seq_direct")
ACCOUNTS = 100
PER_COMMIT = 25
#: WAL frame: a 24-byte header and the page
PAGE_FRAME = 4096 + 24


def process_io() -> dict[str, int]:
    """This process's I/O counters (Linux): ``syscw`` write calls, ``wchar`` bytes."""
    lines = Path("/proc/self/io").read_text().splitlines()
    return {name: int(value) for name, value in (line.split(": ") for line in lines)}


#: Where ``--to`` sends the messages: a direct message to the sender's
#: neighbour (pairs), the general room (fanout) or room 1 (room fanout).
DESTINATIONS = ("direct", "general", "room")
#: The room of ``--to room`` (``bench.prepare.make_room``'s, made in the
#: database before the run).
ROOM_ID = 1


def batches_of(accounts: list[queries.AccountRecord], batches: int, to: str = "direct",
               keys: bool = True) -> list[list[queries.NewMessage]]:
    """The messages of every commit: 25 from 25 senders, to ``to``, with keys or without."""
    made, sent = [], 0
    for batch in range(batches):
        messages = []
        for i in range(PER_COMMIT):
            sender = (batch * PER_COMMIT + i) % ACCOUNTS
            sent += 1
            messages.append(queries.NewMessage(
                accounts[sender], accounts[sender ^ 1] if to == "direct" else None,
                f"bk {time.time_ns()} {sender} {sent}", f"k{sent}" if keys else None,
                ROOM_ID if to == "room" else None))
        made.append(messages)
    return made


def set_pragmas(engine: Any, pragmas: list[str]) -> None:
    """``PRAGMA name=value`` on every new connection of ``engine``."""
    if not pragmas:
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        for pragma in pragmas:
            dbapi_connection.execute(f"PRAGMA {pragma}")


def by_statement(engine: Any, batches: int, to: str, keys: bool
                 ) -> tuple[int, float, float, dict[str, float]]:
    """store_messages in this thread, the CPU of each statement."""
    conn = for_writing(engine.connect())
    try:
        # No checkpoints, so that the WAL's size counts every page written.
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        accounts = queries.list_accounts(conn)
        conn.commit()
        wal = Path(engine.url.database + "-wal")
        wal_before = wal.stat().st_size if wal.exists() else 0
        spent: collections.defaultdict[str, float] = collections.defaultdict(float)
        execute = conn.exec_driver_sql

        def timed(sql: str, *args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            result = execute(sql, *args, **kwargs)
            spent[" ".join(sql.split()[:3 if sql.startswith("INSERT") else 1])] += (
                time.thread_time() - started)
            return result

        conn.exec_driver_sql = timed  # type: ignore[method-assign,assignment]
        # (A tree whose store_messages goes to the driver directly.)
        driver_execute = getattr(queries, "driver_execute", None)
        if driver_execute is not None:
            def timed_driver(conn: Any, sql: str, parameters: Any = None) -> Any:
                started = time.thread_time()
                result = driver_execute(conn, sql, parameters)
                spent[" ".join(sql.split()[:3 if sql.startswith("INSERT") else 1])] += (
                    time.thread_time() - started)
                return result

            # By name, as it was looked up: an older tree has no such function.
            setattr(queries, "driver_execute", timed_driver)
        work = batches_of(accounts, batches, to, keys)
        cpu_started = time.thread_time()
        for messages in work:
            started = time.thread_time()
            transaction = conn.begin()
            queries.store_messages(conn, messages)
            spent["begin and store_messages (all)"] += time.thread_time() - started
            started, wall = time.thread_time(), time.perf_counter()
            transaction.commit()
            spent["commit"] += time.thread_time() - started
            spent["commit, wall time"] += time.perf_counter() - wall
        cpu = time.thread_time() - cpu_started
        pages = (wal.stat().st_size - wal_before) / PAGE_FRAME / batches
    finally:
        conn.close()
    return batches * PER_COMMIT, cpu, pages, spent


def via_writer(engine: Any, batches: int, to: str, keys: bool
               ) -> tuple[int, float, dict[str, float]]:
    """The same batches through a GroupCommitWriter: its thread's CPU."""
    with engine.connect() as conn:
        accounts = queries.list_accounts(conn)
    work = batches_of(accounts, batches, to, keys)
    writer = GroupCommitWriter(engine)
    write: BatchedWrite[queries.NewMessage, Any] = BatchedWrite(queries.store_messages)
    committed = threading.Semaphore(0)
    cpu = [0.0, 0.0]
    failed: list[BaseException] = []

    def listener(outcomes: list[WriteOutcome]) -> None:
        # In the writer thread: its CPU so far.
        cpu[1] = time.thread_time()
        failed.extend(o.error for o in outcomes if o.error is not None)
        committed.release()

    writer.set_listener(listener)
    held: list[Any] = []
    writer.hold_batched_writes(held.append)
    # A first commit, outside the measurement: the writer's connection opens.
    writer.submit(lambda c: cpu.__setitem__(0, time.thread_time())).result()
    io_before, wall = process_io(), time.perf_counter()
    for messages in work:
        for message in messages:
            writer.submit_batched(write, message, None)
        writer.flush_held()
        held.clear()
        committed.acquire()
    wall = time.perf_counter() - wall
    io_after = process_io()
    writer.close()
    if failed:
        raise failed[0]
    sent = batches * PER_COMMIT
    return sent, cpu[1] - cpu[0], {
        "write calls": (io_after["syscw"] - io_before["syscw"]) / sent,
        "KiB written": (io_after["wchar"] - io_before["wchar"]) / 1024 / sent,
        "wall µs": 1e6 * wall / sent,
    }


def run(batches: int, without: set[str], writer: bool, pragmas: list[str], messages: int,
        to: str = "direct", keys: bool = True) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="besedka-writer-", dir="/var/tmp"))
    path = workdir / "chat.db"
    if messages:
        # A million messages take minutes to make: made once per tree and size.
        made = Path(tempfile.gettempdir()) / f"besedka-writer-cost-{TREE.name}-{messages}.db"
        if not made.exists():
            prepare(made.with_suffix(".part"), ACCOUNTS, messages=messages)
            made.with_suffix(".part").rename(made)
        shutil.copyfile(made, path)
    else:
        prepare(path, ACCOUNTS)
    if to == "room":
        with closing(sqlite3.connect(path)) as db, db:
            make_room(db, ACCOUNTS, 0, "2026-01-01 00:00:00.000000")
    engine = create_database_engine(f"sqlite:///{path}")
    set_pragmas(engine, pragmas)
    try:
        with engine.begin() as conn:
            if "trigger" in without:
                conn.exec_driver_sql("DROP TRIGGER messages_search_insert")
            for index in SECONDARY_INDEXES if "indexes" in without else ():
                conn.exec_driver_sql(f"DROP INDEX {index}")
        settings = ", ".join(pragmas) or "default settings"
        name = (f"{TREE.name}: to {to}{'' if keys else ' without keys'}, without {', '.join(sorted(without)) or 'nothing'}, "
                f"{settings}")
        if writer:
            sent, cpu, io = via_writer(engine, batches, to, keys)
            return (f"{name}: {sent} messages through the writer, its CPU "
                    f"{1e6 * cpu / sent:.1f} µs per message; per message: "
                    + ", ".join(f"{v:.2f} {k}" for k, v in io.items()))
        sent, cpu, pages, spent = by_statement(engine, batches, to, keys)
    finally:
        engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)
    lines = [f"{name}: {sent} messages, "
             f"CPU {1e6 * cpu / sent:.1f} µs per message, {pages:.1f} WAL pages per commit"]
    lines += [f"  {1e6 * seconds / sent:7.1f} µs  {name}"
              for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1])]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--without", default="",
                        help="comma-separated: trigger, indexes")
    parser.add_argument("--to", choices=DESTINATIONS, default="direct",
                        help="direct messages (pairs), the general room (fanout) or a room")
    parser.add_argument("--no-keys", action="store_true", help="messages without keys")
    parser.add_argument("--via-writer", action="store_true",
                        help="through a GroupCommitWriter: its thread's CPU")
    parser.add_argument("--pragma", action="append", default=[],
                        help="NAME=VALUE on every connection (repeatable)")
    parser.add_argument("--messages", type=int, default=0,
                        help="older messages in the database first")
    parser.add_argument("--repo", type=Path, default=None, help="the tree whose db is measured")
    parser.add_argument("--against-this", action="store_true",
                        help="alternate runs of --repo with runs of this tree")
    parser.add_argument("--runs", type=int, default=1)
    options = parser.parse_args()
    if options.repo is None:
        for _ in range(options.runs):
            print(run(options.batches, {w for w in options.without.split(",") if w},
                      options.via_writer, options.pragma, options.messages, options.to,
                      not options.no_keys),
                  flush=True)
        return
    # Each tree in a process of its own (its own db package).
    arguments = ["--batches", str(options.batches), "--without", options.without,
                 "--messages", str(options.messages), "--to", options.to,
                 *(f"--pragma={pragma}" for pragma in options.pragma)]
    if options.via_writer:
        arguments.append("--via-writer")
    if options.no_keys:
        arguments.append("--no-keys")
    trees = [options.repo.resolve()] + ([REPO] if options.against_this else [])
    for _ in range(options.runs):
        for tree in trees:
            subprocess.run([sys.executable, "-m", "bench.writer_cost", *arguments], cwd=REPO,
                           env={**os.environ, "BESEDKA_WRITER_COST_TREE": str(tree)}, check=True)


if __name__ == "__main__":
    main()
