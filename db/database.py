"""Threads that run database work away from the caller: readers and one writer.

The server's event loop must never wait for SQLite, so every query runs in a
thread here and hands back a :class:`concurrent.futures.Future`.  Reads run
in a small pool; SQLite in WAL mode lets them proceed while a write commits.

All writes go through one :class:`GroupCommitWriter` thread.  A durable
commit costs an fsync, which takes milliseconds; committing each message on
its own would cap the server at a few hundred messages per second.  Instead
the writer takes every operation queued while the previous commit ran and
commits them together: one fsync for the whole batch, and still no caller
hears "done" before its data is on disk.  Each operation runs inside a
SAVEPOINT, so one that fails (a taken username, say) is rolled back alone
while the rest of its batch commits.

This module knows nothing of asyncio: the server wraps the futures with
:func:`asyncio.wrap_future`.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection, make_url

from .engine import BEGIN_OPTION, create_database_engine
from .schema import upgrade_to_head

__all__ = ["Database", "GroupCommitWriter"]

log = logging.getLogger("besedka.db")

T = TypeVar("T")
Operation = Callable[[Connection], T]

#: Upper bound of operations committed together, so that one huge batch
#: does not delay the first of its callers for long.
MAX_BATCH = 1024

_SAVEPOINT = "SAVEPOINT besedka_job"
_ROLLBACK_TO_SAVEPOINT = "ROLLBACK TO SAVEPOINT besedka_job"
_RELEASE_SAVEPOINT = "RELEASE SAVEPOINT besedka_job"


class _Job:
    __slots__ = ("operation", "future")

    def __init__(self, operation: Operation[Any], future: Future[Any]) -> None:
        self.operation = operation
        self.future = future


class GroupCommitWriter:
    """The one thread that writes, committing queued operations in batches.

    Futures of a batch are completed in the order the operations were
    submitted, after the batch committed; a caller that assigns message ids
    in its operation therefore learns of them in id order.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="besedka-db-writer", daemon=True)
        self._closed = False
        self._thread.start()

    def submit(self, operation: Operation[T]) -> Future[T]:
        """Queue ``operation(connection)``; the future completes after commit.

        Raises:
            RuntimeError: the writer was closed.
        """
        if self._closed:
            raise RuntimeError("database writer is closed")
        future: Future[T] = Future()
        self._queue.put(_Job(operation, future))
        return future

    def close(self) -> None:
        """Commit everything queued so far, then stop the thread."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()

    def _take_batch(self) -> tuple[list[_Job], bool]:
        """Block for one job, then take whatever else is queued already."""
        first = self._queue.get()
        if first is None:
            return [], True
        batch = [first]
        stop = False
        while len(batch) < MAX_BATCH:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:
                stop = True
                break
            batch.append(job)
        return batch, stop

    def _run(self) -> None:
        # This thread has no caller that could handle an exception, so it
        # catches everything, fails the affected futures, and keeps going.
        connection: Connection | None = None
        stop = False
        while not stop:
            batch, stop = self._take_batch()
            if not batch:
                continue
            try:
                if connection is None:
                    connection = self._engine.connect().execution_options(
                        **{BEGIN_OPTION: "BEGIN IMMEDIATE"}
                    )
                self._commit_batch(connection, batch)
            except Exception as error:  # noqa: BLE001 - reported to every caller
                log.error("database write failed: %s", error, exc_info=True)
                for job in batch:
                    if not job.future.done():
                        job.future.set_exception(error)
                # The connection may be in an unknown state after a failed
                # commit (disk full, file gone): start afresh next time.
                if connection is not None:
                    try:
                        connection.invalidate()
                        connection.close()
                    except Exception:  # noqa: BLE001
                        log.debug("closing the failed writer connection", exc_info=True)
                    connection = None
        if connection is not None:
            connection.close()

    @staticmethod
    def _commit_batch(connection: Connection, batch: list[_Job]) -> None:
        results: list[tuple[_Job, bool, Any]] = []
        # The savepoints go straight to the driver: SQLAlchemy's
        # begin_nested() builds a transaction object per job, which cost about
        # as much as the INSERT of a message it guards (bench/README.md).
        # The SQL is the same; a job that broke the transaction makes these
        # statements fail, and with them the whole batch, as before.
        execute = connection.exec_driver_sql
        with connection.begin():
            for job in batch:
                if not job.future.set_running_or_notify_cancel():
                    continue
                execute(_SAVEPOINT)
                try:
                    value = job.operation(connection)
                except Exception as error:  # noqa: BLE001 - belongs to this job only
                    execute(_ROLLBACK_TO_SAVEPOINT)
                    execute(_RELEASE_SAVEPOINT)
                    results.append((job, False, error))
                else:
                    execute(_RELEASE_SAVEPOINT)
                    results.append((job, True, value))
        # Only now is every successful operation on disk.
        for job, succeeded, value in results:
            if succeeded:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)


def _is_sqlite_memory(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return False
    # (A "file:...?mode=memory&cache=shared" URI is a deliberate choice of
    # whoever wrote it, and one that connections do share: not refused.)
    return (parsed.database or "") in ("", ":memory:")


class Database:
    """The database as the server uses it: migrated on open, reads in a
    thread pool, writes through the group-commit writer.

    Reads must keep working while writes fail (disk full, an I/O error), so
    for SQLite one idle connection stays open for the database's whole life.
    Without it, the writer dropping its connection after a failed commit can
    close the process's last connection to the file; SQLite then checkpoints
    on close, and the next connection to open rebuilds the WAL index, and
    both write, so no connection, not even one to read, could be opened
    until the fault went away.  An idle connection holds no transaction, so
    it does not stop checkpoints.

    Args:
        url: an SQLAlchemy URL.
        readers: threads for read queries.

    Raises:
        ValueError: ``url`` names an in-memory SQLite database.  Each
            connection to one sees its own empty database, so the writer
            thread would find none of the tables the migration created, and
            every request would fail.
    """

    def __init__(self, url: str, *, readers: int = 4) -> None:
        if _is_sqlite_memory(url):
            raise ValueError(
                f"{url!r} is an in-memory SQLite database, which each connection sees "
                "separately; Besedka needs a file, e.g. sqlite:///path/to/chat.db"
            )
        self.url = url
        self.engine = create_database_engine(url)
        upgrade_to_head(self.engine)
        self._anchor: Connection | None = (
            self.engine.connect() if self.engine.dialect.name == "sqlite" else None)
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="besedka-db-reader")
        self.writer = GroupCommitWriter(self.engine)

    def read(self, operation: Operation[T]) -> Future[T]:
        """Run ``operation(connection)`` in one read transaction, in a thread."""
        return self._readers.submit(self._read_now, operation)

    def write(self, operation: Operation[T]) -> Future[T]:
        """Run ``operation(connection)`` in the next group commit."""
        return self.writer.submit(operation)

    def read_now(self, operation: Operation[T]) -> T:
        """Run a read in the calling thread (start-up and admin tools)."""
        return self._read_now(operation)

    def _read_now(self, operation: Operation[T]) -> T:
        with self.engine.connect() as connection, connection.begin():
            return operation(connection)

    def close(self) -> None:
        """Finish queued writes, stop the threads, and close the engine."""
        self.writer.close()
        self._readers.shutdown(wait=True)
        if self._anchor is not None:
            self._anchor.close()
        self.engine.dispose()
