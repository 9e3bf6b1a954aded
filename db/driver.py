"""Statements straight to the database driver, for the writer's hot path.

SQLAlchemy's ``exec_driver_sql`` builds an execution context, a result
object and fires events for every statement: about 10 µs of Python, several
times what SQLite takes to run a savepoint or a batch's key lookup.  The
writer runs half a dozen such statements per commit (bench/README.md, issue
20, fourth session), and every read transaction one (its ``BEGIN``), so
those go to the driver's cursor here, with SQLAlchemy's errors still.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

__all__ = ["driver_execute", "execute_begun"]


def driver_execute(connection: Connection, sql: str,
                   parameters: Sequence[Any] | None = None) -> list[Any]:
    """Run ``sql`` on ``connection``'s driver, in its transaction; the rows, as tuples.

    What ``connection.exec_driver_sql(sql, parameters).all()`` does, for
    the writer's hot statements (a batch's savepoint, its key lookup and
    INSERT): SQLAlchemy's execution context, result object and events
    cost about 10 µs of Python per statement, several times what SQLite
    takes to run most of them (bench/README.md, issue 20, fourth session).
    As there, a connection outside a transaction begins one first, and
    the driver's errors come out as SQLAlchemy's (``IntegrityError``...).
    """
    if not connection.in_transaction():
        connection.begin()
    return execute_begun(connection, sql, parameters)


def execute_begun(connection: Connection, sql: str, parameters: Sequence[Any] | None) -> list[Any]:
    """:func:`driver_execute` for a connection whose transaction has begun
    (or is beginning: the ``begin`` event that sends ``BEGIN`` uses it)."""
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.cursor()
    try:
        if parameters is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, parameters)
        return list(cursor.fetchall()) if cursor.description is not None else []
    except dbapi.Error as error:
        raise DBAPIError.instance(sql, parameters, error, dbapi.Error,
                                  dialect=connection.dialect) from error
    finally:
        cursor.close()
