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

Storing messages, the hot path, goes one step further: a
:class:`BatchedWrite` runs every message queued in a batch with one call
(one INSERT for all of them), and the outcomes of the whole commit reach the
caller in one call of its listener instead of one future each.

This module knows nothing of asyncio: the server wraps the futures with
:func:`asyncio.wrap_future`, and its listener hands outcomes to the event
loop with ``call_soon_threadsafe``.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection, make_url

from .driver import driver_execute
from .engine import create_database_engine, for_writing, sqlite_file
from .private_files import warn_if_readable_by_others
from .schema import upgrade_to_head

__all__ = ["BatchedWrite", "CommitObserver", "Database", "GroupCommitWriter", "OutcomeListener",
           "WriteOutcome"]

log = logging.getLogger("besedka.db")

T = TypeVar("T")
A = TypeVar("A")
Operation = Callable[[Connection], T]

#: Upper bound of operations committed together, so that one huge batch
#: does not delay the first of its callers for long.
MAX_BATCH = 1024

_SAVEPOINT = "SAVEPOINT besedka_job"
_ROLLBACK_TO_SAVEPOINT = "ROLLBACK TO SAVEPOINT besedka_job"
_RELEASE_SAVEPOINT = "RELEASE SAVEPOINT besedka_job"


class BatchedWrite(Generic[A, T]):
    """A kind of write the writer runs for many callers in one call.

    Most writes are rare (a registration, a read marker) and run one by one
    as :data:`Operation` callables.  Storing messages is the hot path: a busy
    room commits hundreds at once, and per-message statements cost far more
    in Python than SQLite takes to run them.  A batched write gets the
    arguments of every caller queued in a batch together, in order.

    Args:
        run: ``run(connection, arguments)`` returns one result per argument,
            in order.  If it raises, its work is rolled back and each
            argument is run again alone, so only a failing one fails.
    """

    __slots__ = ("run",)

    def __init__(self, run: Callable[[Connection, list[A]], list[T]]) -> None:
        self.run = run


class WriteOutcome(NamedTuple):
    """How one batched write ended: its caller's context, and a result or an error."""

    context: Any
    result: Any
    error: BaseException | None


#: Receives the outcomes of the batched writes of one commit, in the order
#: they were submitted; called in the writer thread once per commit.
OutcomeListener = Callable[[list[WriteOutcome]], None]


class CommitObserver(Protocol):
    """Told of every transaction of the writer, inside it (db/cluster.py's
    CommitNotifier announces commits to the other server processes).

    ``number`` counts the writer's transactions from 1.  If a method
    raises, the transaction's operations fail as for any database error.
    """

    def transaction_begun(self, connection: Connection, number: int) -> None:
        """The transaction holds the write lock and nothing ran in it yet."""

    def transaction_committing(self, connection: Connection, number: int) -> None:
        """Every operation ran; the commit comes next."""

    def transaction_committed(self, number: int) -> None:
        """The transaction committed; its outcomes are reported next (the
        observer may hold them back until what must go first has)."""


class _Job:
    __slots__ = ("operation", "future")

    def __init__(self, operation: Operation[Any], future: Future[Any]) -> None:
        self.operation = operation
        self.future = future


class _BatchedJob:
    __slots__ = ("write", "argument", "context")

    def __init__(self, write: BatchedWrite[Any, Any], argument: Any, context: Any) -> None:
        self.write = write
        self.argument = argument
        self.context = context


class GroupCommitWriter:
    """The one thread that writes, committing queued operations in batches.

    Two ways in.  :meth:`submit` returns a future per operation; futures of
    a batch are completed in the order the operations were submitted, after
    the batch committed.  :meth:`submit_batched` takes a
    :class:`BatchedWrite` and a context instead, and hands the outcomes of
    a whole commit to the listener in one call: a server then crosses from
    this thread to its event loop once per commit, not once per message,
    and a caller that assigns message ids learns of them in id order.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._queue: queue.SimpleQueue[_Job | _BatchedJob | list[_BatchedJob] | None] = (
            queue.SimpleQueue())
        self._listener: OutcomeListener | None = None
        # Batched writes held back until flush_held() (see hold_batched_writes).
        self._held: list[_BatchedJob] = []
        self._schedule_flush: Callable[[Callable[[], None]], object] | None = None
        self._observer: CommitObserver | None = None
        # Transactions begun, and those whose outcomes were reported.
        self._begun = 0
        self._reported = 0
        self._reported_changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="besedka-db-writer", daemon=True)
        self._closed = False
        self._thread.start()

    def set_listener(self, listener: OutcomeListener) -> None:
        """Where the outcomes of batched writes go (set before submitting any)."""
        self._listener = listener

    def hold_batched_writes(self, schedule: Callable[[Callable[[], None]], object]) -> None:
        """Hand batched writes to the thread in groups rather than one by one.

        Each hand-over to a waiting thread is a wake-up, and on a server
        whose event loop and writer share one core and the GIL, every
        wake-up is two thread switches and a writer that starts committing
        with whatever arrived so far, often a single message, while the
        loop still has more to read (bench/README.md, issue 20).  Once this
        is called, :meth:`submit_batched` holds its jobs, and the first one
        held calls ``schedule(flush_held)`` (the server passes its loop's
        ``call_soon``: the end of the current loop step); :meth:`submit`
        and :meth:`close` hand over what is held first, so the thread still
        sees every job in the order it was submitted.

        Only the thread that runs ``schedule``'s callbacks may submit
        afterwards (the server's event loop does all its writing).
        """
        self._schedule_flush = schedule

    def flush_held(self) -> None:
        """Hand the held batched writes to the thread, all in one."""
        held = self._held
        if held:
            self._held = []
            self._queue.put(held)

    def set_observer(self, observer: CommitObserver) -> None:
        """Who is told of each transaction (set before submitting any)."""
        self._observer = observer

    def wait_reported(self, number: int, timeout: float | None = None) -> bool:
        """Wait until the outcomes of transaction ``number`` were handed to
        their callers and the listener; False if ``timeout`` passed first."""
        with self._reported_changed:
            return self._reported_changed.wait_for(lambda: self._reported >= number, timeout)

    def submit(self, operation: Operation[T]) -> Future[T]:
        """Queue ``operation(connection)``; the future completes after commit.

        Raises:
            RuntimeError: the writer was closed.
        """
        if self._closed:
            raise RuntimeError("database writer is closed")
        self.flush_held()  # after every job submitted before it
        future: Future[T] = Future()
        self._queue.put(_Job(operation, future))
        return future

    def submit_batched(self, write: BatchedWrite[A, Any], argument: A, context: Any) -> None:
        """Queue one argument of a batched write; its outcome reaches the
        listener, with ``context``, after the commit.

        Raises:
            RuntimeError: the writer was closed, or no listener is set.
        """
        if self._closed:
            raise RuntimeError("database writer is closed")
        if self._listener is None:
            raise RuntimeError("batched writes need a listener for their outcomes")
        job = _BatchedJob(write, argument, context)
        schedule = self._schedule_flush
        if schedule is None:
            self._queue.put(job)
            return
        if not self._held:
            schedule(self.flush_held)
        self._held.append(job)

    def close(self) -> None:
        """Commit everything queued so far, then stop the thread."""
        if not self._closed:
            self._closed = True
            self.flush_held()
            self._queue.put(None)
            self._thread.join()

    def _take_batch(self) -> tuple[list[_Job | _BatchedJob], bool]:
        """Block for one job, then take whatever else is queued already."""
        job = self._queue.get()
        batch: list[_Job | _BatchedJob] = []
        while job is not None:
            if isinstance(job, list):  # held batched writes (hold_batched_writes)
                batch.extend(job)
            else:
                batch.append(job)
            if len(batch) >= MAX_BATCH:
                return batch, False
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return batch, False
        return batch, True

    def _run(self) -> None:
        # This thread has no caller that could handle an exception, so it
        # catches everything, fails the affected jobs, and keeps going.
        connection: Connection | None = None
        stop = False
        while not stop:
            batch, stop = self._take_batch()
            if not batch:
                continue
            self._begun += 1
            try:
                if connection is None:
                    connection = for_writing(self._engine.connect())
                results = self._commit_batch(connection, batch, self._begun)
                if self._observer is not None:
                    self._observer.transaction_committed(self._begun)
            except Exception as error:  # noqa: BLE001 - reported to every caller
                log.error("database write failed: %s", error, exc_info=True)
                results = [(job, False, error) for job in batch]
                # The connection may be in an unknown state after a failed
                # commit (disk full, file gone): start afresh next time.
                if connection is not None:
                    try:
                        connection.invalidate()
                        connection.close()
                    except Exception:  # noqa: BLE001
                        log.debug("closing the failed writer connection", exc_info=True)
                    connection = None
            self._report(results)
            with self._reported_changed:
                self._reported = self._begun
                self._reported_changed.notify_all()
        if connection is not None:
            connection.close()

    def _report(self, results: list[tuple[_Job | _BatchedJob, bool, Any]]) -> None:
        outcomes: list[WriteOutcome] = []
        for job, succeeded, value in results:
            if isinstance(job, _BatchedJob):
                outcomes.append(WriteOutcome(job.context, value if succeeded else None,
                                             None if succeeded else value))
            elif job.future.done():
                pass  # cancelled before it ran
            elif succeeded:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)
        if outcomes:
            assert self._listener is not None  # submit_batched made sure
            try:
                self._listener(outcomes)
            except Exception:  # noqa: BLE001 - the writer must go on
                log.exception("the listener of batched writes failed")

    def _commit_batch(self, connection: Connection, batch: list[_Job | _BatchedJob],
                      number: int) -> list[tuple[_Job | _BatchedJob, bool, Any]]:
        """Run a batch in one transaction; returns (job, succeeded, result or error)."""
        cls = type(self)
        results: list[tuple[_Job | _BatchedJob, bool, Any]] = []
        observer = self._observer
        with connection.begin():
            if observer is not None:
                observer.transaction_begun(connection, number)
            start = 0
            while start < len(batch):
                job = batch[start]
                if isinstance(job, _Job):
                    if job.future.set_running_or_notify_cancel():
                        results.append(cls._run_alone(connection, job, job.operation))
                    start += 1
                    continue
                # A run of consecutive jobs of the same batched write.
                end = start + 1
                while (end < len(batch) and isinstance(batch[end], _BatchedJob)
                       and batch[end].write is job.write):  # type: ignore[union-attr]
                    end += 1
                results.extend(cls._run_batched(connection, batch[start:end]))  # type: ignore[arg-type]
                start = end
            if observer is not None:
                observer.transaction_committing(connection, number)
        # Only now is every successful operation on disk.
        return results

    @staticmethod
    def _run_alone(connection: Connection, job: _Job | _BatchedJob,
                   operation: Operation[Any]) -> tuple[_Job | _BatchedJob, bool, Any]:
        """Run one operation in a savepoint of its own: if it fails, only it
        is rolled back, and the rest of the batch commits."""
        # The savepoints go straight to the driver: SQLAlchemy's
        # begin_nested() builds a transaction object per job, which cost about
        # as much as the INSERT of a message it guards, and exec_driver_sql
        # costs several times what SQLite takes to run them (bench/README.md).
        # The SQL is the same; a job that broke the transaction makes these
        # statements fail, and with them the whole batch, as before.
        execute = functools.partial(driver_execute, connection)
        execute(_SAVEPOINT)
        try:
            value = operation(connection)
        except Exception as error:  # noqa: BLE001 - belongs to this job only
            execute(_ROLLBACK_TO_SAVEPOINT)
            execute(_RELEASE_SAVEPOINT)
            return job, False, error
        execute(_RELEASE_SAVEPOINT)
        return job, True, value

    @classmethod
    def _run_batched(cls, connection: Connection,
                     jobs: list[_BatchedJob]) -> list[tuple[_Job | _BatchedJob, bool, Any]]:
        write = jobs[0].write
        execute = functools.partial(driver_execute, connection)
        execute(_SAVEPOINT)
        try:
            values = write.run(connection, [job.argument for job in jobs])
            if len(values) != len(jobs):
                raise RuntimeError(f"a batched write returned {len(values)} results "
                                   f"for {len(jobs)} arguments")
        except Exception:  # noqa: BLE001 - retried one by one below
            execute(_ROLLBACK_TO_SAVEPOINT)
            execute(_RELEASE_SAVEPOINT)
            log.warning("a batched write of %d failed; running each alone", len(jobs),
                        exc_info=True)
            # Alone, each job fails or succeeds on its own merits.
            return [cls._run_alone(connection, job, functools.partial(_run_one, write, job.argument))
                    for job in jobs]
        execute(_RELEASE_SAVEPOINT)
        return [(job, True, value) for job, value in zip(jobs, values)]


def _run_one(write: BatchedWrite[A, T], argument: A, connection: Connection) -> T:
    """A batched write run for one argument."""
    return write.run(connection, [argument])[0]


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
        database_file = sqlite_file(url)
        if database_file is not None:
            warn_if_readable_by_others(
                database_file, "every message and every password hash", log)
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

    def hold_batched_writes(self, schedule: Callable[[Callable[[], None]], object]) -> None:
        """Hand batched writes to the writer in groups (see
        :meth:`GroupCommitWriter.hold_batched_writes`)."""
        self.writer.hold_batched_writes(schedule)

    def write_batched(self, write: BatchedWrite[A, Any], argument: A, context: Any) -> None:
        """Run ``argument`` of a batched write in the next group commit; its
        outcome reaches the listener set with :meth:`set_write_listener`."""
        self.writer.submit_batched(write, argument, context)

    def set_commit_observer(self, observer: CommitObserver) -> None:
        """Who is told of each of the writer's transactions (see
        :class:`CommitObserver`); set before the first write."""
        self.writer.set_observer(observer)

    def set_write_listener(self, listener: OutcomeListener) -> None:
        """Where the outcomes of batched writes go, once per commit (called
        in the writer thread: hand them over to your own thread from there)."""
        self.writer.set_listener(listener)

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
