"""Copying a whole installation from one database to another (SQLite to
PostgreSQL): ``python -m server admin migrate-to URL``.

An installation that outgrows one server process moves to PostgreSQL
(README, "Larger installations").  Everything Besedka stores is in the
tables of :mod:`db.models`, so the copy is every row of every table, in an
order that satisfies the foreign keys (parents first, each table by its
primary key, so a reply follows the message it answers), into a target
migrated to the same schema, in one transaction.  Then the target's
sequences are moved past the copied ids, and the rows of every table are
counted on both sides: the copy is reported only if every count agrees.

The source must be at the newest schema (start the new server on it once)
and the target empty: a copy never merges two chats.  The source is only
read; stop the server before copying, or messages sent meanwhile are not
in the copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection

from .engine import create_database_engine, for_writing
from .models import Base, ClusterChanges, ClusterNode, NodePresence
from .schema import current_revision, head_revision, upgrade_to_head

__all__ = ["TransferError", "copy_database"]

log = logging.getLogger("besedka.db")

#: Rows read and inserted at a time.
CHUNK = 5000

#: What belongs to the running processes, not to the chat: not copied (the
#: migrations give the target its one row of counts).
_NOT_COPIED = {ClusterNode.__tablename__, NodePresence.__tablename__,
               ClusterChanges.__tablename__}


class TransferError(Exception):
    """The copy cannot be made (the message says why); nothing was changed."""


def _tables() -> list[Table]:
    return [table for table in Base.metadata.sorted_tables if table.name not in _NOT_COPIED]


def copy_database(source_url: str, target_url: str,
                  progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every row of the installation at ``source_url`` into ``target_url``.

    Args:
        source_url: the database to copy (read only).
        target_url: an empty database (created by the administrator); it is
            migrated to the newest schema first.
        progress: told each table's name and row count once it is copied.

    Returns:
        Each table's row count, the same on both sides.

    Raises:
        TransferError: the source is not at the newest schema, the target
            already holds a chat, or the counts disagree after the copy
            (which is then rolled back).
    """
    source = create_database_engine(source_url)
    target = create_database_engine(target_url)
    try:
        if current_revision(source) != head_revision():
            raise TransferError(
                "the source database is not at the newest schema: start this version's "
                "server on it once, stop it, then copy")
        upgrade_to_head(target)
        tables = _tables()
        counts: dict[str, int] = {}
        with source.connect() as reading, for_writing(target.connect()) as writing, \
                reading.begin(), writing.begin():
            for table in tables:
                if writing.execute(select(func.count()).select_from(table)).scalar_one():
                    raise TransferError(f"the target database is not empty (table {table.name} "
                                        "has rows): copy into a new, empty database")
            for table in tables:
                copied = 0
                key = list(table.primary_key.columns)
                rows = reading.execute(select(table).order_by(*key)).mappings()
                while chunk := rows.fetchmany(CHUNK):
                    writing.execute(table.insert(), [dict(row) for row in chunk])
                    copied += len(chunk)
                counts[table.name] = copied
                if progress is not None:
                    progress(table.name, copied)
            if writing.dialect.name == "postgresql":
                _advance_sequences(writing, tables)
            for table in tables:
                for side, connection in (("source", reading), ("target", writing)):
                    found = connection.execute(
                        select(func.count()).select_from(table)).scalar_one()
                    if found != counts[table.name]:
                        raise TransferError(
                            f"table {table.name}: {counts[table.name]} rows copied but the "
                            f"{side} has {found}; nothing was copied")
        return counts
    finally:
        source.dispose()
        target.dispose()


def _advance_sequences(writing: Connection, tables: list[Table]) -> None:
    """Move each serial id's sequence past the copied ids, so that the next
    account, room or upload gets a new one."""
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or key[0].autoincrement is False or key[0].type.python_type is not int:
            continue
        writing.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'), "
            f"coalesce((SELECT max({key[0].name}) FROM {table.name}), 0) + 1, false)"))
