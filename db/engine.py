"""Opening the database: URL defaults, SQLite pragmas and transaction handling.

Every engine Besedka uses comes from :func:`create_database_engine`, so the
durability settings (WAL, ``synchronous=FULL``) and the foreign-key check
are never forgotten on some connection.

Two databases are supported: SQLite (the default, one server process) and
PostgreSQL through psycopg 3 (``postgresql+psycopg://...``, the optional
``postgres`` extra), which several server processes can share.  What
differs between them is kept here: how a transaction that writes takes
the database's write lock (:func:`for_writing`), and the isolation of
reads.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import ConnectionPoolEntry

from .driver import execute_begun
from .private_files import create_private_file, make_private_dir
from .search import register_sqlite_functions

__all__ = [
    "WRITER_LOCK_KEY",
    "for_writing",
    "is_postgresql",
    "default_database_url",
    "default_data_dir",
    "sqlite_file",
    "create_database_engine",
    "BEGIN_OPTION",
    "WAL_CHECKPOINT_PAGES",
    "WAL_SIZE_LIMIT",
]

log = logging.getLogger("besedka.db")

#: Execution option naming the statement that opens a transaction; the
#: writer asks for ``BEGIN IMMEDIATE`` so it holds the write lock from the
#: start instead of failing to upgrade a read lock halfway through a batch.
BEGIN_OPTION = "besedka_begin"

#: Execution option asking a PostgreSQL connection to take the writers' lock
#: (:data:`WRITER_LOCK_KEY`) first thing in every transaction.
_WRITER_LOCK_OPTION = "besedka_writer_lock"

#: The PostgreSQL advisory lock every writing transaction holds until it
#: commits (``pg_advisory_xact_lock``): the counterpart of SQLite's
#: ``BEGIN IMMEDIATE``.  Message ids and change numbers are given as the
#: newest stored plus one (db/queries.py), so two server processes writing
#: at once would otherwise both take the same ones; and because the lock is
#: held until the commit, transactions commit in the order their ids were
#: given, which is what lets a client that syncs after the highest id it
#: has seen never miss a lower one committed later.  (The key is "besedka"
#: in ASCII, so that it is recognisable in ``pg_locks``.)
WRITER_LOCK_KEY = 0x62_65_73_65_64_6B_61


#: How many WAL pages the writer's connection lets accumulate before its
#: commit checkpoints them into the database (SQLite's default: 1,000).
#: A checkpoint writes each page changed since the last once, however often
#: it changed, so the hot index leaves are written once per 10,000 pages
#: instead of ten times: the writer's CPU per message fell by a third and
#: its bytes written per message from 53 to 35 KiB on a database of a
#: million messages (bench/README.md, issue 20, fourth session).  The WAL
#: then grows to about 10,000 pages (40 MiB with 4 KiB pages) plus one
#: commit before each checkpoint, and is reused from its start afterwards.
WAL_CHECKPOINT_PAGES = 10_000

#: Once a checkpoint lets the WAL start over, a WAL file grown beyond this
#: many bytes is cut back to it: the WAL keeps growing past
#: :data:`WAL_CHECKPOINT_PAGES` while a long read keeps the checkpoint
#: from finishing, and that space is given back afterwards.
WAL_SIZE_LIMIT = 64 * 1024 * 1024


def is_postgresql(url_or_engine: str | Engine) -> bool:
    """Whether a URL (or an engine) is a PostgreSQL database."""
    if isinstance(url_or_engine, Engine):
        return url_or_engine.dialect.name == "postgresql"
    return make_url(url_or_engine).get_backend_name() == "postgresql"


def for_writing(connection: Connection) -> Connection:
    """``connection`` set up so that its transactions hold the database's write lock.

    SQLite: ``BEGIN IMMEDIATE`` instead of ``BEGIN``, so the lock is held
    from the start instead of failing to upgrade a read lock halfway
    through a batch.  PostgreSQL: READ COMMITTED, so that every statement
    sees what others committed before it (under REPEATABLE READ the
    snapshot would be taken before the lock was granted), and the
    :data:`WRITER_LOCK_KEY` advisory lock taken first in each transaction.

    SQLite also keeps the connection's temporary files in memory
    (``temp_store=MEMORY``).  The writer runs each batch in a savepoint, so
    SQLite keeps the original of every page the batch changes in a
    statement journal, which past 64 KiB (a batch of 25 messages changes
    about 36 pages: the table, its indexes, the search index) spilled into
    a temporary file that was created, written page by page and deleted
    in every commit: a third of the writer's CPU under the pairs benchmark
    (bench/README.md, issue 20).  The journal lives only as long as its
    transaction, so memory holds at most one batch's pages.

    And SQLite checkpoints the WAL into the database every
    :data:`WAL_CHECKPOINT_PAGES` pages rather than every 1,000: a commit
    of 25 direct messages to a database of a million writes about 250
    pages (one leaf of each index per message), so a checkpoint came every
    four commits and wrote most of those pages a second time, with two
    more fsyncs (see the constant).
    """
    if connection.dialect.name == "postgresql":
        return connection.execution_options(isolation_level="READ COMMITTED",
                                            **{_WRITER_LOCK_OPTION: True})
    if connection.dialect.name == "sqlite":
        # On the driver's connection: through SQLAlchemy the statement would
        # begin a transaction, and the caller's begin() would then fail.
        driver: Any = connection.connection.driver_connection
        driver.execute("PRAGMA temp_store=MEMORY")
        driver.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        driver.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
    return connection.execution_options(**{BEGIN_OPTION: "BEGIN IMMEDIATE"})


def default_data_dir() -> Path:
    """The per-user data directory (e.g. ``~/.local/share/Besedka``)."""
    return Path(platformdirs.user_data_dir("Besedka", appauthor=False))


def default_database_url() -> str:
    """An SQLite file in the user's data directory, created on demand."""
    return f"sqlite:///{default_data_dir() / 'besedka.db'}"


def sqlite_file(url: str) -> Path | None:
    """The file of an ``sqlite:///`` URL; None for other databases and in-memory ones."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def create_database_engine(url: str) -> Engine:
    """Create an engine for ``url`` with Besedka's connection settings.

    For SQLite: a missing directory and database file are created for
    their owner only (:mod:`db.private_files`; SQLite gives the ``-wal``
    and ``-shm`` files the database file's mode), each connection uses WAL
    with ``synchronous=FULL`` (a committed transaction survives power loss),
    enforces foreign keys, waits up to 10 s for a lock, and has the SQL
    function the search needs (:func:`db.search.register_sqlite_functions`).  pysqlite's own
    transaction handling is switched off so that SQLAlchemy emits ``BEGIN``
    itself; that is what makes SAVEPOINT work (SQLAlchemy's documented
    recipe for the pysqlite driver).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return _create_postgresql_engine(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url)

    database = sqlite_file(url)
    if database is not None:
        _create_private_database(database)
    engine = create_engine(url, connect_args={"timeout": 10.0})

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # autocommit: we emit BEGIN
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()
        register_sqlite_functions(dbapi_connection)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # On the driver: every transaction, reads too, begins here.
        begin = connection.get_execution_options().get(BEGIN_OPTION, "BEGIN")
        execute_begun(connection, begin, None)

    return engine


def _create_postgresql_engine(url: str) -> Engine:
    """An engine for PostgreSQL through psycopg 3.

    * Reads run under REPEATABLE READ: a read transaction sees one
      snapshot, as SQLite's do, so a login's unread counts and the newest
      id it reads agree with each other.  The writer's connection asks for
      READ COMMITTED (:func:`for_writing`).
    * Parameters are positional (``%s``, psycopg's ``format`` style), so
      that the hot path's statements compiled once (db/queries.py) take
      tuples on both databases.
    * Connections are tested before use (``pool_pre_ping``): after the
      database server restarts, a pooled connection is dead, and the
      first request after a restart must not fail for it.
    """
    engine = create_engine(url, paramstyle="format", isolation_level="REPEATABLE READ",
                           pool_pre_ping=True)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(_WRITER_LOCK_OPTION):
            execute_begun(connection, f"SELECT pg_advisory_xact_lock({WRITER_LOCK_KEY})", None)

    return engine


def _create_private_database(path: Path) -> None:
    """Create a missing database file (and its directory) for its owner only.

    An empty file is an empty SQLite database, so SQLite simply uses it.
    """
    make_private_dir(path.parent)
    if path.exists():
        return
    try:
        os.close(create_private_file(path))
    except FileExistsError:
        pass  # another process created it a moment ago
