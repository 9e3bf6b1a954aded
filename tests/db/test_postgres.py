"""PostgreSQL as Besedka's database: the schema, and several writers at once.

The queries themselves are proven on both databases by ``test_queries.py``
(``BOTH_BACKENDS``).  What is PostgreSQL's own is proven here: the
migrations build exactly the models' schema there too, two server
processes can start on one new database at the same moment, and two
writers (each a server process's group-commit writer, here two
:class:`~db.database.Database` objects with their own connections) give
message ids and change numbers in commit order, so that a client that
syncs after the highest id it has seen never misses one.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial

import pytest

from db import queries
from db.database import Database
from db.queries import AccountRecord, NewMessage
from db.schema import schema_drift
from protocol.rules import username_key
from tests.postgres import PostgresCluster

from .conftest import NOW

pytestmark = pytest.mark.postgres

TIMEOUT = 60


@pytest.fixture
def url(postgres_cluster: PostgresCluster) -> str:
    return postgres_cluster.new_database()


def test_the_migrations_build_the_models_schema_on_postgresql(url: str) -> None:
    database = Database(url)
    try:
        assert schema_drift(database.engine) == []
    finally:
        database.close()


def test_two_servers_starting_at_once_on_a_new_database_both_open_it(url: str) -> None:
    # Each would migrate the empty database; the migration lock makes the
    # second wait for the first and then find the schema in place.
    with ThreadPoolExecutor(2) as pool:
        opened = list(pool.map(lambda _: Database(url), range(2)))
    try:
        for database in opened:
            assert schema_drift(database.engine) == []
    finally:
        for database in opened:
            database.close()


def test_two_writers_give_ids_in_commit_order_and_a_syncing_reader_misses_none(url: str) -> None:
    """Two writers store messages as fast as they can while a reader syncs
    forward from the highest id it has seen, as a reconnecting client does.

    Without the writers' lock both would take the same ids (newest + 1);
    with a lock released before the commit, a reader could see id n + 1
    committed while n was still in flight, move past it, and never get n.
    """
    node_a, node_b = Database(url), Database(url)
    try:
        name = "alice"
        alice: AccountRecord = node_a.write(partial(
            queries.create_account, username=name, username_key=username_key(name),
            password_hash=b"hash", now=NOW)).result(TIMEOUT)
        per_node, burst = 600, 25
        done = threading.Event()
        seen: list[int] = []

        def hammer(node: Database, label: str) -> list[Future[list[tuple[queries.StoredMessage,
                                                                       bool]]]]:
            futures = []
            for start in range(0, per_node, burst):
                batch = [NewMessage(alice, None, f"{label} {n}", f"{label}-{n}")
                         for n in range(start, start + burst)]
                futures.append(node.write(partial(queries.store_messages, messages=batch)))
            return futures

        def read_forward() -> None:
            after = 0
            while True:
                finished = done.is_set()
                page, _ = node_b.read(
                    lambda conn: queries.sync(conn, alice.id, after, 1000)).result(TIMEOUT)
                seen.extend(message.id for message in page)
                if page:
                    after = page[-1].id
                elif finished:
                    return

        reader = threading.Thread(target=read_forward)
        reader.start()
        with ThreadPoolExecutor(2) as pool:
            submitted = list(pool.map(lambda args: hammer(*args),
                                      [(node_a, "a"), (node_b, "b")]))
        stored = [message for futures in submitted for future in futures
                  for message, created in future.result(TIMEOUT) if created]
        done.set()
        reader.join(TIMEOUT)

        assert len(stored) == 2 * per_node
        ids = sorted(message.id for message in stored)
        assert ids == list(range(1, 2 * per_node + 1)), "ids are unique and leave no gap"
        assert sorted(message.seq for message in stored) == ids
        assert seen == ids, "the reader saw every message once, in id order"
    finally:
        node_a.close()
        node_b.close()
