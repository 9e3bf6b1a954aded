"""Bringing a database to the newest schema with Alembic.

The server calls :func:`upgrade_to_head` on start, so an empty file gets the
whole schema and an older one is migrated forward; nobody runs Alembic by
hand to use Besedka.  The migration scripts live in the top-level
``migrations`` package, found here through the import system so that the
same code works from a source tree, an installed wheel and a frozen bundle.

Before a migration changes an existing SQLite database, :func:`upgrade_to_head`
copies it aside (``<file>.backup-<revision>-<UTC time>``), so an upgrade that
fails or turns out unwanted is undone by putting the copy back.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.runtime.environment import NameFilterParentNames, NameFilterType
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData
from sqlalchemy.engine import Connection

import migrations

from .backup import backup_sqlite
from .engine import sqlite_file
from .models import Base
from .search import SEARCH_TABLES, SEARCH_TRIGGERS, TRIGRAM_INDEX

__all__ = ["alembic_config", "backup_path", "current_revision", "head_revision",
           "is_model_name", "schema_drift", "upgrade_to_head"]

log = logging.getLogger("besedka.db")

#: The PostgreSQL advisory lock held while the schema is migrated (a key of
#: its own: the writers' lock, db.engine.WRITER_LOCK_KEY, is taken by
#: running servers all the time).
MIGRATION_LOCK_KEY = 0x62_65_73_65_64_6B_6D


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at Besedka's migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(engine: Engine, config: Config | None = None) -> Path | None:
    """Create or migrate the schema to the newest revision.

    An SQLite file that has a schema older than the newest revision is first
    copied with SQLite's online backup API to
    ``<file>.backup-<revision>-<YYYYmmddTHHMMSSZ>`` beside it.  A new (empty)
    database and one already at the newest revision are not copied, nor is
    one at a revision these scripts do not know (a newer Besedka's), which
    Alembic then refuses to touch.

    Args:
        engine: the database.
        config: the Alembic configuration; Besedka's scripts by default
            (tests pass one with extra revisions).

    Returns:
        The backup file, when one was made.

    Raises:
        OSError, db.backup.BackupError, sqlite3.Error: the backup failed;
            nothing was migrated.
    """
    config = config or alembic_config()
    script = ScriptDirectory.from_config(config)
    with engine.connect() as connection:
        postgresql = connection.dialect.name == "postgresql"
        if postgresql:
            # READ COMMITTED: what the process that held the lock below
            # committed must be seen once it is granted (a REPEATABLE READ
            # snapshot would be taken before).
            connection = connection.execution_options(isolation_level="READ COMMITTED")
        with connection.begin():
            if postgresql:
                # Two server processes starting at once on one database
                # would both migrate it: the second waits here for the
                # first, then finds nothing left to do.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
            backup = _back_up_if_behind(connection, script)
            # env.py runs the migrations on this connection instead of
            # opening its own, so the engine's pragmas and transaction
            # handling apply.
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    return backup


def backup_path(database: Path, revision: str, now: datetime | None = None) -> Path:
    """Where the copy of ``database`` at ``revision`` goes (a free name)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    candidate = database.with_name(f"{database.name}.backup-{revision}-{stamp}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = database.with_name(f"{database.name}.backup-{revision}-{stamp}-{number}")
    return candidate


def _back_up_if_behind(connection: Connection, script: ScriptDirectory) -> Path | None:
    url = connection.engine.url.render_as_string(hide_password=False)
    database = sqlite_file(url)
    if database is None:
        return None
    current = MigrationContext.configure(connection).get_current_heads()
    heads = script.get_heads()
    if set(current) == set(heads):
        return None
    known = {revision.revision for revision in script.walk_revisions()}
    if any(revision not in known for revision in current):
        return None  # a newer program's database: Alembic will refuse it
    tables = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'").scalar_one()
    if not current and not tables:
        return None  # a new database: nothing to lose
    revision = "+".join(sorted(current)) or "base"
    target = backup_path(database, revision)
    _copy_database(url, target)
    log.info("backed up %s to %s before migrating it from revision %s to %s",
             database, target, revision, "+".join(heads))
    return target


def _copy_database(url: str, target: Path) -> None:
    """Copy the database with SQLite's backup API (WAL included) into one
    self-contained file, written completely before it gets its name."""
    backup_sqlite(url, target)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision among the migration scripts."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_drift(engine: Engine, metadata: MetaData | None = None) -> list[Any]:
    """Differences between the models and the migrated database (empty when
    they agree); a test keeps this empty.

    The search index is no model (:mod:`db.search`): its tables are left
    out, and each of its triggers that is missing is reported as
    ``("missing_trigger", name)``, since without them the index silently
    falls behind the messages.

    Args:
        engine: the database to compare.
        metadata: the tables it should have; the models' by default (tests
            pass an altered copy to prove that drift is noticed).
    """
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"render_as_batch": True, "include_name": is_model_name})
        drift: list[Any] = list(compare_metadata(
            context, Base.metadata if metadata is None else metadata))
        if connection.dialect.name == "sqlite":
            triggers = {row[0] for row in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
            drift += [("missing_trigger", name) for name in SEARCH_TRIGGERS
                      if name not in triggers]
        elif connection.dialect.name == "postgresql" and connection.exec_driver_sql(
                "SELECT to_regclass(%(name)s)", {"name": TRIGRAM_INDEX}).scalar_one() is None:
            drift.append(("missing_index", TRIGRAM_INDEX))
        return drift


def is_model_name(name: str | None, type_: NameFilterType,
                  parent_names: NameFilterParentNames) -> bool:
    """Whether Alembic's comparison of models and database should look at
    this object: everything but the search index (FTS5's tables on SQLite,
    the trigram index on PostgreSQL), which no model describes (its
    ``include_name`` hook; ``migrations/env.py`` uses it too)."""
    return not (type_ == "table" and name in SEARCH_TABLES
                or type_ == "index" and name == TRIGRAM_INDEX)
