"""The search index: every message's body by its trigrams (SQLite FTS5).

PROTOCOL-2.md, "Search": any part of any word, ignoring case in every
script.  SQLite's FTS5 with the ``trigram`` tokenizer indexes every run of
three characters of a body, case-folded, so a query of three or more
characters is a phrase of trigrams that the index answers without reading
the messages (``db/search.py`` has the queries).

``messages_search`` is an *external content* table: it keeps only the
index, and reads bodies from ``messages`` by id.  Such an index is kept in
step by hand, so three triggers do it in the very transaction that changes
a message, whoever writes it: a message is indexed while it is not deleted,
with its current body; an edit takes the old body out and puts the new one
in; a deletion (``deleted_at`` set, body emptied) takes it out.  The old
body handed to FTS5's ``delete`` must be exactly the one indexed, which the
triggers' ``OLD`` row guarantees.

The models know nothing of these objects (a virtual table and its shadow
tables are not SQLAlchemy tables): ``db.schema.schema_drift`` leaves the
tables out of its comparison and reports a trigger that is missing.  A
later migration that rebuilds ``messages`` (Alembic's batch mode on SQLite
copies the table, and dropping the old one drops its triggers) must create
the triggers again; the drift test fails until it does.

An existing database is indexed here, in slices of messages with a progress
line in the log for a large one (a million messages take about a minute).

PostgreSQL gets the same matching from ``pg_trgm`` instead (issue 19): the
extension (trusted since PostgreSQL 13, so the database's owner may create
it), and a GIN index of the trigrams of the bodies of messages not deleted
(``db.search.TRIGRAM_INDEX``), which PostgreSQL keeps in step by itself.
Its ``ILIKE`` ignores case by the database's character type; one that does
not fold Cyrillic (an old glibc's ``C.UTF-8``, or ``C``) is warned about
here, since search would then match Cyrillic only in the case typed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Sequence

from alembic import op

log = logging.getLogger("besedka.db")

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Messages indexed per statement while building, and the database size
#: from which each slice is logged.  A test sets a smaller one in the
#: Alembic configuration's attributes (``search_index_slice``), to see the
#: progress lines without a hundred thousand messages.
SLICE = 100_000

CREATE_TABLE = (
    "CREATE VIRTUAL TABLE messages_search USING fts5("
    "body, content='messages', content_rowid='id', "
    # No per-row token counts (columnsize=0): they serve ranking, and
    # results are ordered by id, never ranked.
    "columnsize=0, tokenize='trigram case_sensitive 0')"
)
TRIGGERS = (
    # A message is in the index exactly while deleted_at is NULL.
    "CREATE TRIGGER messages_search_insert AFTER INSERT ON messages "
    "WHEN new.deleted_at IS NULL BEGIN "
    "INSERT INTO messages_search (rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER messages_search_update AFTER UPDATE OF body, deleted_at ON messages BEGIN "
    "INSERT INTO messages_search (messages_search, rowid, body) "
    "SELECT 'delete', old.id, old.body WHERE old.deleted_at IS NULL; "
    "INSERT INTO messages_search (rowid, body) "
    "SELECT new.id, new.body WHERE new.deleted_at IS NULL; END",
    "CREATE TRIGGER messages_search_delete AFTER DELETE ON messages "
    "WHEN old.deleted_at IS NULL BEGIN "
    "INSERT INTO messages_search (messages_search, rowid, body) "
    "VALUES ('delete', old.id, old.body); END",
)
TRIGGER_NAMES = ("messages_search_insert", "messages_search_update", "messages_search_delete")


#: The name of PostgreSQL's index (``db.search.TRIGRAM_INDEX``, spelled
#: out here so that this revision keeps meaning what it meant).
TRIGRAM_INDEX = "ix_messages_body_trigrams"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    if bind.dialect.name != "sqlite":
        return
    if sqlite3.sqlite_version_info < (3, 34, 0):
        raise RuntimeError(
            f"Besedka's search needs SQLite 3.34 or newer (its trigram index); this Python "
            f"has SQLite {sqlite3.sqlite_version}")
    op.execute(CREATE_TABLE)
    for trigger in TRIGGERS:
        op.execute(trigger)
    _index_stored_messages()


def _index_stored_messages() -> None:
    bind = op.get_bind()
    total, newest = bind.exec_driver_sql(
        "SELECT count(*), coalesce(max(id), 0) FROM messages WHERE deleted_at IS NULL").one()
    if not total:
        return
    size = int(op.get_context().config.attributes.get("search_index_slice", SLICE))  # type: ignore[union-attr]
    loud = total > size
    if loud:
        log.info("building the search index of %d messages", total)
    started = time.monotonic()
    done = 0
    for low in range(0, newest, size):
        done += bind.exec_driver_sql(
            "INSERT INTO messages_search (rowid, body) SELECT id, body FROM messages "
            "WHERE id > ? AND id <= ? AND deleted_at IS NULL", (low, low + size)).rowcount
        if loud:
            log.info("search index: %d of %d messages (%.0f s)", done, total,
                     time.monotonic() - started)
    # One segment instead of the many the slices left: queries read one
    # b-tree per term instead of one per segment.
    bind.exec_driver_sql("INSERT INTO messages_search (messages_search) VALUES ('optimize')")
    if loud:
        log.info("search index ready (%.0f s)", time.monotonic() - started)


def _upgrade_postgresql() -> None:
    bind = op.get_bind()
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(f"CREATE INDEX {TRIGRAM_INDEX} ON messages USING gin (body gin_trgm_ops) "
               "WHERE deleted_at IS NULL")
    folded = bind.exec_driver_sql("SELECT lower('ЁЖИК Ω') = 'ёжик ω'").scalar_one()
    if not folded:
        ctype = bind.exec_driver_sql(
            "SELECT datctype FROM pg_database WHERE datname = current_database()").scalar_one()
        log.warning("this database's character type (%s) does not fold the case of Cyrillic "
                    "and Greek: search will find such words only in the case typed; create "
                    "the database with LC_CTYPE en_US.UTF-8 or C.UTF-8 (glibc 2.35 or newer)",
                    ctype)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
        return
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS messages_search")
