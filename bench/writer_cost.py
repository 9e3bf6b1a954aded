"""What the database writer spends per message, statement by statement.

Calls :func:`db.queries.store_messages` in this process, as the writer
thread does, for batches of direct messages between the accounts of a
fresh benchmark database (the pairs workload's shape: 25 messages from 25
senders a commit, each with an idempotency key), and prints this thread's
CPU time per message in each statement and in the commit, the wall time of
the commit (its fsync), and the WAL pages each commit wrote.

To see what the search index and the secondary indexes on ``messages``
cost, ``--without`` drops them from the fresh database first (``trigger``:
the search index's insert trigger; ``indexes``: the five secondary
indexes that are not unique).  Nothing is dropped from any real database.

Usage::

    .venv/bin/python -m bench.writer_cost [--batches 200] [--without trigger,indexes]
"""

from __future__ import annotations

import argparse
import collections
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.prepare import prepare  # noqa: E402
from db import queries  # noqa: E402
from db.engine import create_database_engine, for_writing  # noqa: E402

SECONDARY_INDEXES = ("ix_messages_sender_id_id_direct", "ix_messages_sender_id_recipient_id_id",
                     "ix_messages_recipient_id_room_id_id", "ix_messages_recipient_id_room_id_seq",
                     "ix_messages_sender_id_seq_direct")
ACCOUNTS = 100
PER_COMMIT = 25
#: WAL frame: a 24-byte header and the page
PAGE_FRAME = 4096 + 24


def run(batches: int, without: set[str]) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="besedka-writer-", dir="/var/tmp"))
    path = workdir / "chat.db"
    prepare(path, ACCOUNTS)
    engine = create_database_engine(f"sqlite:///{path}")
    conn = for_writing(engine.connect())
    try:
        with conn.begin():
            if "trigger" in without:
                conn.exec_driver_sql("DROP TRIGGER messages_search_insert")
            for index in SECONDARY_INDEXES if "indexes" in without else ():
                conn.exec_driver_sql(f"DROP INDEX {index}")
        # No checkpoints, so that the WAL's size counts every page written.
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        accounts = queries.list_accounts(conn)
        conn.commit()
        spent: collections.defaultdict[str, float] = collections.defaultdict(float)
        execute = conn.exec_driver_sql

        def timed(sql: str, *args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            result = execute(sql, *args, **kwargs)
            spent[" ".join(sql.split()[:3 if sql.startswith("INSERT") else 1])] += (
                time.thread_time() - started)
            return result

        conn.exec_driver_sql = timed  # type: ignore[method-assign,assignment]
        cpu_started, sent = time.thread_time(), 0
        for batch in range(batches):
            messages = []
            for i in range(PER_COMMIT):
                sender = (batch * PER_COMMIT + i) % ACCOUNTS
                sent += 1
                messages.append(queries.NewMessage(
                    accounts[sender], accounts[sender ^ 1],
                    f"bk {time.time_ns()} {sender} {sent}", f"k{sent}"))
            started = time.thread_time()
            transaction = conn.begin()
            queries.store_messages(conn, messages)
            spent["begin and store_messages (all)"] += time.thread_time() - started
            started, wall = time.thread_time(), time.perf_counter()
            transaction.commit()
            spent["commit"] += time.thread_time() - started
            spent["commit, wall time"] += time.perf_counter() - wall
        cpu = time.thread_time() - cpu_started
        pages = Path(f"{path}-wal").stat().st_size / PAGE_FRAME / batches
    finally:
        conn.close()
        engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)
    lines = [f"without {', '.join(sorted(without)) or 'nothing'}: {sent} messages, "
             f"CPU {1e6 * cpu / sent:.1f} µs per message, {pages:.1f} WAL pages per commit"]
    lines += [f"  {1e6 * seconds / sent:7.1f} µs  {name}" for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1])]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--without", default="",
                        help="comma-separated: trigger, indexes")
    options = parser.parse_args()
    print(run(options.batches, {w for w in options.without.split(",") if w}))


if __name__ == "__main__":
    main()
