"""The group-commit writer: batches for speed, yet no caller hears "done" early.

``send`` replies ``ok`` only after the message is durable, and one bad
operation must not take its neighbours in the batch down with it, nor a
passing fault the whole server.  These tests hold the writer busy with a
blocking operation so that what they queue meanwhile is provably committed
as one batch.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from db import queries
from db.database import BatchedWrite, Database, WriteOutcome
from db.queries import AccountRecord, UsernameTaken

from .conftest import NOW, register

TIMEOUT = 30


class Blocker:
    """An operation that keeps the writer busy until released."""

    def __init__(self, db: Database) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.future = db.write(self._run)
        assert self.started.wait(TIMEOUT)

    def _run(self, conn: Connection) -> None:
        self.started.set()
        assert self.release.wait(TIMEOUT)

    def finish(self) -> None:
        self.release.set()
        self.future.result(TIMEOUT)


@pytest.fixture
def commits(database: Database) -> Iterator[list[int]]:
    """A list that grows by one for every transaction committed."""
    committed: list[int] = []
    listener = lambda conn: committed.append(1)  # noqa: E731
    event.listen(database.engine, "commit", listener)
    yield committed
    event.remove(database.engine, "commit", listener)


@pytest.fixture
def alice(database: Database) -> AccountRecord:
    return register(database, "alice")


def db_file(database: Database) -> str:
    return str(database.engine.url.database)


def stored_bodies(database: Database) -> list[str]:
    """What a fresh connection, outside the engine's pool, sees committed."""
    with closing(sqlite3.connect(db_file(database))) as fresh:
        return [row[0] for row in fresh.execute("SELECT body FROM messages ORDER BY id")]


def store(sender: AccountRecord, body: str) -> Callable[[Connection], Any]:
    return lambda conn: queries.store_message(conn, sender, None, body, NOW, None)


def test_concurrent_writes_commit_in_one_batch_and_resolve_only_once_visible(
    database: Database, alice: AccountRecord, commits: list[int]
) -> None:
    visible_when_resolved: dict[str, bool] = {}

    def check_visible(body: str, future: Future[Any]) -> None:
        # Runs the moment the future resolves, before anyone else can look.
        visible_when_resolved[body] = body in stored_bodies(database)

    blocker = Blocker(database)
    commits.clear()

    def submit_many(thread: int) -> None:
        for n in range(25):
            body = f"t{thread}-{n}"
            future = database.write(store(alice, body))
            future.add_done_callback(lambda f, body=body: check_visible(body, f))

    threads = [threading.Thread(target=submit_many, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    blocker.finish()
    database.write(lambda conn: None).result(TIMEOUT)  # everything before it is done

    assert len(visible_when_resolved) == 200
    assert all(visible_when_resolved.values())
    # The blocker's batch, then the 200 queued writes together, then the
    # probe (alone or with them): never one commit per write.
    assert len(commits) in (2, 3)


def test_futures_of_a_batch_resolve_in_submission_order(
    database: Database, alice: AccountRecord
) -> None:
    resolved: list[int] = []
    blocker = Blocker(database)
    futures = [database.write(store(alice, str(n))) for n in range(50)]
    for n, future in enumerate(futures):
        future.add_done_callback(lambda f, n=n: resolved.append(n))
    blocker.finish()
    messages = [future.result(TIMEOUT)[0] for future in futures]
    assert resolved == list(range(50))
    assert [m.id for m in messages] == sorted(m.id for m in messages)


def test_a_failing_operation_fails_alone_and_its_writes_are_undone(
    database: Database, alice: AccountRecord, commits: list[int]
) -> None:
    def insert_then_fail(conn: Connection) -> None:
        queries.store_message(conn, alice, None, "undone", NOW, None)
        raise ValueError("this operation fails")

    def operational_error(conn: Connection) -> None:
        queries.store_message(conn, alice, None, "undone too", NOW, None)
        raise sqlite3.OperationalError("simulated")

    blocker = Blocker(database)
    commits.clear()
    before = database.write(store(alice, "before"))
    failing = database.write(insert_then_fail)
    taken = database.write(lambda conn: queries.create_account(conn, "ALICE", "alice", b"", NOW))
    low_level = database.write(operational_error)
    after = database.write(store(alice, "after"))
    blocker.finish()

    with pytest.raises(ValueError, match="this operation fails"):
        failing.result(TIMEOUT)
    with pytest.raises(UsernameTaken):
        taken.result(TIMEOUT)
    with pytest.raises(sqlite3.OperationalError):
        low_level.result(TIMEOUT)
    assert before.result(TIMEOUT)[1] and after.result(TIMEOUT)[1]
    assert stored_bodies(database) == ["before", "after"]
    assert len(commits) == 2  # the blocker's batch and this one: all in one commit


@pytest.fixture
def short_busy_timeout(database: Database) -> None:
    """Make "database is locked" come after 50 ms instead of the server's 10 s."""
    @event.listens_for(database.engine, "connect")
    def busy_timeout(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    database.engine.dispose()  # pooled connections reconnect with the listener


def test_the_writer_recovers_after_the_database_was_locked(
    database: Database, short_busy_timeout: None, alice: AccountRecord
) -> None:
    # (short_busy_timeout comes before alice, whose registration opens the
    # writer's connection.)
    # Another process (a backup tool, say) holds the write lock.
    other = sqlite3.connect(db_file(database), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    locked = database.write(store(alice, "while locked"))
    with pytest.raises(OperationalError, match="locked"):
        locked.result(TIMEOUT)
    other.execute("ROLLBACK")
    other.close()

    assert database.write(store(alice, "afterwards")).result(TIMEOUT)[1]
    assert stored_bodies(database) == ["afterwards"]


def test_an_operation_that_breaks_the_transaction_fails_its_batch_and_nothing_else(
    database: Database, alice: AccountRecord
) -> None:
    def end_transaction(conn: Connection) -> None:
        conn.exec_driver_sql("ROLLBACK")

    blocker = Blocker(database)
    neighbour = database.write(store(alice, "lost with the batch"))
    breaker = database.write(end_transaction)
    blocker.finish()
    for future in (neighbour, breaker):
        with pytest.raises(OperationalError):
            future.result(TIMEOUT)
    # No future said "done" for data that is not there, and the writer goes on.
    assert stored_bodies(database) == []
    assert database.write(store(alice, "next")).result(TIMEOUT)[1]
    assert stored_bodies(database) == ["next"]


def test_a_cancelled_operation_is_never_run(database: Database, alice: AccountRecord) -> None:
    blocker = Blocker(database)
    cancelled = database.write(store(alice, "cancelled"))
    assert cancelled.cancel()
    kept = database.write(store(alice, "kept"))
    blocker.finish()
    kept.result(TIMEOUT)
    assert stored_bodies(database) == ["kept"]


def test_close_commits_everything_queued_then_refuses_more(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'chat.db'}")
    alice = register(database, "alice")
    blocker = Blocker(database)
    futures = [database.write(store(alice, str(n))) for n in range(20)]
    blocker.release.set()
    database.close()
    assert all(future.done() and future.exception() is None for future in futures)
    assert stored_bodies(database) == [str(n) for n in range(20)]
    with pytest.raises(RuntimeError):
        database.write(store(alice, "too late"))


# --------------------------------------------------------------------------
# Batched writes: how the server stores messages


class Outcomes:
    """A write listener that records each commit's outcomes as one call."""

    def __init__(self) -> None:
        self.calls: list[list[WriteOutcome]] = []
        self.seen_committed: list[bool] = []
        self.done = threading.Event()
        self.expected = 0

    def __call__(self, outcomes: list[WriteOutcome]) -> None:
        self.calls.append(outcomes)
        self.seen_committed.extend(
            outcome.result[0].body in self.committed() for outcome in outcomes
            if outcome.error is None)
        if sum(len(call) for call in self.calls) >= self.expected:
            self.done.set()

    committed: Callable[[], list[str]]


STORE = BatchedWrite(queries.store_messages)


def listening(database: Database, expected: int) -> Outcomes:
    """Outcomes of the database's batched writes, done once ``expected`` came."""
    outcomes = Outcomes()
    outcomes.committed = lambda: stored_bodies(database)
    outcomes.expected = expected
    database.set_write_listener(outcomes)
    return outcomes


def test_a_commit_of_batched_writes_is_reported_once_in_order_after_it_is_durable(
    database: Database, alice: AccountRecord, commits: list[int]
) -> None:
    outcomes = listening(database, 50)
    blocker = Blocker(database)
    commits.clear()
    for n in range(50):
        database.write_batched(STORE, queries.NewMessage(alice, None, f"m{n}", None), n)
    blocker.finish()
    assert outcomes.done.wait(TIMEOUT)
    # The blocker's own commit, then all fifty together, reported in one call.
    assert len(commits) == 2 and len(outcomes.calls) == 1
    [call] = outcomes.calls
    assert [outcome.context for outcome in call] == list(range(50))
    assert [outcome.result[0].body for outcome in call] == [f"m{n}" for n in range(50)]
    ids = [outcome.result[0].id for outcome in call]
    assert ids == sorted(ids) and len(set(ids)) == 50
    # Stamped once, when stored.
    assert len({outcome.result[0].created_at for outcome in call}) == 1
    assert all(outcomes.seen_committed)


def test_a_failing_argument_of_a_batched_write_fails_alone(
    database: Database, alice: AccountRecord
) -> None:
    outcomes = listening(database, 3)
    ghost = AccountRecord(9999, "ghost", "ghost", b"", False, NOW)  # no such account
    blocker = Blocker(database)
    database.write_batched(STORE, queries.NewMessage(alice, None, "before", None), "before")
    database.write_batched(STORE, queries.NewMessage(ghost, None, "orphan", None), "orphan")
    database.write_batched(STORE, queries.NewMessage(alice, None, "after", None), "after")
    blocker.finish()
    assert outcomes.done.wait(TIMEOUT)
    by_context = {o.context: o for call in outcomes.calls for o in call}
    assert isinstance(by_context["orphan"].error, IntegrityError)
    assert by_context["before"].error is None and by_context["after"].error is None
    assert stored_bodies(database) == ["before", "after"]


def test_batched_writes_need_a_listener(database: Database, alice: AccountRecord) -> None:
    with pytest.raises(RuntimeError, match="listener"):
        database.write_batched(STORE, queries.NewMessage(alice, None, "lost", None), None)


def test_held_batched_writes_reach_the_writer_at_the_flush_and_in_submission_order(
    database: Database, alice: AccountRecord, commits: list[int]
) -> None:
    # The server holds a loop step's sends and hands them over at its end
    # (issue 20): they must commit together, and a plain write submitted
    # after some of them must still commit after those, before the rest.
    outcomes = listening(database, 4)
    flushes: list[Callable[[], None]] = []
    database.hold_batched_writes(flushes.append)
    database.write_batched(STORE, queries.NewMessage(alice, None, "one", None), 1)
    database.write_batched(STORE, queries.NewMessage(alice, None, "two", None), 2)
    assert len(flushes) == 1  # scheduled once, by the first held write
    # A plain write hands the held ones over first: in its transaction,
    # they were stored before it ran.
    seen = database.write(
        lambda conn: [row[0] for row in conn.exec_driver_sql("SELECT body FROM messages")])
    assert seen.result(TIMEOUT) == ["one", "two"]
    blocker = Blocker(database)
    commits.clear()
    database.write_batched(STORE, queries.NewMessage(alice, None, "three", None), 3)
    database.write_batched(STORE, queries.NewMessage(alice, None, "four", None), 4)
    assert len(flushes) == 2
    flushes[-1]()  # the end of the loop step
    blocker.finish()
    assert outcomes.done.wait(TIMEOUT)
    assert [o.context for call in outcomes.calls for o in call] == [1, 2, 3, 4]
    assert [o.context for o in outcomes.calls[-1]] == [3, 4]  # reported together
    assert len(commits) == 2  # the blocker's, then three and four in one
    assert stored_bodies(database) == ["one", "two", "three", "four"]


def test_close_commits_held_batched_writes(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'held.db'}")
    alice = register(database, "alice")
    database.set_write_listener(lambda outcomes: None)
    database.hold_batched_writes(lambda flush: None)  # a flush that never comes
    database.write_batched(STORE, queries.NewMessage(alice, None, "held", None), None)
    database.close()
    reopened = Database(f"sqlite:///{tmp_path / 'held.db'}")
    try:
        assert stored_bodies(reopened) == ["held"]
    finally:
        reopened.close()
