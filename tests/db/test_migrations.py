"""Alembic migrations create exactly the models' schema, and drift is noticed.

The server migrates its database on every start, so an empty file must end
up with the schema the queries were written for, a second start must change
nothing, and a model changed without a migration must fail a test here
instead of failing on a user's machine.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, Engine, Integer, MetaData, inspect

from db import queries
from db.database import Database
from db.engine import create_database_engine
from db.models import Base
from db.schema import current_revision, head_revision, schema_drift, upgrade_to_head

from .conftest import register, send


def fresh_engine(tmp_path: Path) -> Engine:
    return create_database_engine(f"sqlite:///{tmp_path / 'fresh.db'}")


def describe(engine: Engine) -> dict[str, object]:
    """Tables, columns and indexes as the database reports them."""
    inspector = inspect(engine)
    return {
        table: (
            [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            sorted((i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(table)),
            sorted(str(u["column_names"]) for u in inspector.get_unique_constraints(table)),
        )
        for table in inspector.get_table_names()
    }


def test_an_empty_file_is_upgraded_to_exactly_the_models_schema(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path)
    assert current_revision(engine) is None
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision() is not None
    assert schema_drift(engine) == []
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {
        "alembic_version"}
    engine.dispose()


def test_upgrading_a_current_database_changes_nothing_and_keeps_the_data(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    first = Database(url)
    alice = register(first, "alice")
    send(first, alice, None, "still here")
    schema = describe(first.engine)
    first.close()

    second = Database(url)  # migrates again on open, as a restarted server does
    upgrade_to_head(second.engine)
    assert describe(second.engine) == schema
    assert current_revision(second.engine) == head_revision()
    messages, _ = second.read_now(lambda conn: queries.history(conn, alice.id, None, None, 10))
    assert [m.body for m in messages] == ["still here"]
    second.close()


def altered_models(**extra_columns: Column[int]) -> MetaData:
    """A copy of the models' tables with columns added to ``accounts``."""
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        copy = table.to_metadata(metadata)
        if table.name == "accounts":
            for column in extra_columns.values():
                copy.append_column(column)
    return metadata


def test_a_model_column_without_a_migration_is_reported_as_drift(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path)
    upgrade_to_head(engine)
    assert schema_drift(engine, altered_models()) == []  # the copy itself is faithful
    drift = schema_drift(engine, altered_models(avatar=Column("avatar", Integer)))
    assert [(d[0], d[2], d[3].name) for d in drift] == [("add_column", "accounts", "avatar")]
    engine.dispose()


def test_a_database_column_the_models_lack_is_reported_as_drift(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path)
    upgrade_to_head(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE messages ADD COLUMN edited INTEGER")
    drift = schema_drift(engine)
    assert [(d[0], d[2], d[3].name) for d in drift] == [("remove_column", "messages", "edited")]
    engine.dispose()


def test_a_missing_index_is_reported_as_drift(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path)
    upgrade_to_head(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_messages_recipient_id_id")
    drift = schema_drift(engine)
    assert [(d[0], d[1].name) for d in drift] == [("add_index", "ix_messages_recipient_id_id")]
    engine.dispose()
