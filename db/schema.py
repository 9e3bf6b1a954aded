"""Bringing a database to the newest schema with Alembic.

The server calls :func:`upgrade_to_head` on start, so an empty file gets the
whole schema and an older one is migrated forward; nobody runs Alembic by
hand to use Besedka.  The migration scripts live in the top-level
``migrations`` package, found here through the import system so that the
same code works from a source tree, an installed wheel and a frozen bundle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData

import migrations

from .models import Base

__all__ = ["alembic_config", "upgrade_to_head", "current_revision", "head_revision", "schema_drift"]


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at Besedka's migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Create or migrate the schema to the newest revision."""
    config = alembic_config()
    with engine.begin() as connection:
        # env.py runs the migrations on this connection instead of opening
        # its own, so the engine's pragmas and transaction handling apply.
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


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

    Args:
        engine: the database to compare.
        metadata: the tables it should have; the models' by default (tests
            pass an altered copy to prove that drift is noticed).
    """
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        return list(compare_metadata(context, Base.metadata if metadata is None else metadata))
