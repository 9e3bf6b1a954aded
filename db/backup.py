"""Online backup of an SQLite database while the server keeps running.

SQLite's backup API (``sqlite3.Connection.backup``) copies a consistent
snapshot page by page.  Copying the database file with ``cp`` while the
server writes can catch it halfway through a commit, and misses whatever
is still in the ``-wal`` file; the backup API sees exactly the committed
state at one moment.  Done in a single step it holds one read transaction,
which in WAL mode never blocks the server's writer.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

from .engine import sqlite_file
from .private_files import create_private_file, make_private_dir

__all__ = ["BackupError", "backup_sqlite"]


class BackupError(Exception):
    """The backup could not be made; the message says why."""


def backup_sqlite(url: str, destination: Path) -> int:
    """Copy the database at ``url`` to ``destination``, safely while it is in use.

    The copy is written next to ``destination`` under a temporary name,
    checked, made a self-contained single file (rollback journal instead of
    WAL), flushed to disk, and only then renamed into place, so an existing
    backup is replaced only by a complete new one.  Like the database, the
    copy is readable by its owner only, and so is its folder if this makes
    it (:mod:`db.private_files`).

    Returns:
        The size of the backup in bytes.

    Raises:
        BackupError: not an SQLite file, the source is missing, or the copy
            failed its integrity check.
        OSError: the destination cannot be written.
    """
    source_path = sqlite_file(url)
    if source_path is None:
        raise BackupError("backup works only for an SQLite database file")
    if not source_path.is_file():
        raise BackupError(f"no database at {source_path}")
    destination = destination.expanduser()
    if destination.resolve() == source_path.resolve():
        raise BackupError("the backup must not overwrite the database itself")
    make_private_dir(destination.parent)
    temporary = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.tmp")
    # Not a read-only URI: read-only connections to a WAL database fail when
    # its -shm file is missing (no server running).  The backup only reads.
    source = sqlite3.connect(source_path, timeout=10.0)
    try:
        # Created before SQLite opens it, so that it (and its journal, which
        # SQLite gives the same mode) is private from the start.
        os.close(create_private_file(temporary))
        target = sqlite3.connect(temporary)
        try:
            source.backup(target)  # pages=-1: one step, one consistent snapshot
            target.execute("PRAGMA journal_mode=DELETE")
            verdict = target.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(f"the copy failed its integrity check: {verdict}")
        finally:
            target.close()
        # Opened for writing although nothing is written: Windows refuses
        # to flush a read-only descriptor (EBADF), and this runs before
        # every schema upgrade, so the server could not start.
        with open(temporary, "r+b") as file:
            os.fsync(file.fileno())
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return destination.stat().st_size
