"""Alembic environment: runs migrations against Besedka's models.

Used two ways: the server passes its own connection in
``config.attributes["connection"]`` (see :func:`db.schema.upgrade_to_head`);
a developer's ``alembic`` command passes a URL with ``-x url=...``.
``render_as_batch`` makes ALTER work on SQLite by recreating tables, which
relies on the constraint naming convention in :mod:`db.models`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from db.engine import create_database_engine
from db.models import Base
from db.schema import is_model_name

config = context.config
target_metadata = Base.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        # The search index (migration 0005) is no model: autogenerate must
        # not offer to drop its tables.
        include_name=is_model_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("pass the database with: alembic -x url=sqlite:///path/to.db ...")
    engine = create_database_engine(url)
    with engine.begin() as connection:
        run_migrations(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Besedka's migrations run online only")
run_migrations_online()
