"""Opening the database: URL defaults, SQLite pragmas and transaction handling.

Every engine Besedka uses comes from :func:`create_database_engine`, so the
durability settings (WAL, ``synchronous=FULL``) and the foreign-key check
are never forgotten on some connection.
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

from .private_files import create_private_file, make_private_dir
from .search import register_sqlite_functions

__all__ = [
    "default_database_url",
    "default_data_dir",
    "sqlite_file",
    "create_database_engine",
    "BEGIN_OPTION",
]

log = logging.getLogger("besedka.db")

#: Execution option naming the statement that opens a transaction; the
#: writer asks for ``BEGIN IMMEDIATE`` so it holds the write lock from the
#: start instead of failing to upgrade a read lock halfway through a batch.
BEGIN_OPTION = "besedka_begin"


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
        connection.exec_driver_sql(connection.get_execution_options().get(BEGIN_OPTION, "BEGIN"))

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
