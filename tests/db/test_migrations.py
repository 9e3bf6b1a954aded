"""Alembic migrations create exactly the models' schema, and drift is noticed.

The server migrates its database on every start, so an empty file must end
up with the schema the queries were written for, a second start must change
nothing, and a model changed without a migration must fail a test here
instead of failing on a user's machine.
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

from alembic import command
from sqlalchemy import Column, Engine, Integer, MetaData, String, inspect
from sqlalchemy.schema import CreateIndex

from db import queries
from db.database import Database
from db.engine import create_database_engine
from db.models import Base
from db.search import SEARCH_TABLES
from db.schema import (
    alembic_config,
    current_revision,
    head_revision,
    schema_drift,
    upgrade_to_head,
)
from protocol.rules import username_key

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
    # The search index's tables are no models (db/search.py): knowingly apart.
    tables = set(inspect(engine).get_table_names())
    assert tables - SEARCH_TABLES == set(Base.metadata.tables) | {"alembic_version"}
    assert "messages_search" in tables
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


def models_copy() -> MetaData:
    """A copy of the models' tables that a test may alter."""
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    return metadata


def test_a_model_changed_without_a_migration_is_reported_as_drift(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path)
    upgrade_to_head(engine)
    models = models_copy()
    assert schema_drift(engine, models) == []  # the copy itself is faithful

    models.tables["accounts"].append_column(Column("avatar", Integer))
    models.tables["messages"].c.body.type = String(10)
    models.tables["accounts"].c.username.nullable = True
    drift = schema_drift(engine, models)
    changes = [change for item in drift for change in (item if isinstance(item, list) else [item])]
    assert sorted((c[0], c[2], c[3] if isinstance(c[3], str) else c[3].name) for c in changes) == [
        ("add_column", "accounts", "avatar"),
        ("modify_nullable", "accounts", "username"),
        ("modify_type", "messages", "body"),
    ]
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
        conn.exec_driver_sql("DROP INDEX ix_messages_recipient_id_room_id_id")
    drift = schema_drift(engine)
    assert [(d[0], d[1].name) for d in drift] == [
        ("add_index", "ix_messages_recipient_id_room_id_id")]
    engine.dispose()


def migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)


def insert_accounts(engine: Engine, names_and_keys: list[tuple[str, str]]) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO accounts (username, username_key, password_hash, created_at, "
            "general_read_id) VALUES (?, ?, x'00', '2026-01-01 00:00:00.000000', 0)",
            names_and_keys)


def stored_keys(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [row[0] for row in conn.exec_driver_sql(
            "SELECT username_key FROM accounts ORDER BY id")]


def old_key(name: str) -> str:
    """The key as revision 0001's server computed it."""
    return unicodedata.normalize("NFC", name).casefold()


def test_accounts_registered_under_the_old_key_rule_can_log_in_after_upgrade(
    tmp_path: Path,
) -> None:
    engine = fresh_engine(tmp_path)
    migrate(engine, "0001")
    names = ["alice", "Μαΐου", "Xİ\u0331"]
    insert_accounts(engine, [(name, old_key(name)) for name in names])
    assert all(old_key(name) != username_key(name) for name in names[1:])

    upgrade_to_head(engine)
    assert stored_keys(engine) == [username_key(name) for name in names]
    with engine.connect() as conn:
        # Login looks the account up by the key of whatever case was typed.
        found = queries.get_account_by_key(conn, username_key("ΜΑΪ́ΟΥ"))
    assert found is not None and found.username == "Μαΐου"

    migrate(engine, "0001", down=True)
    assert stored_keys(engine) == [old_key(name) for name in names]
    engine.dispose()


def test_the_key_upgrade_keeps_both_accounts_when_the_new_keys_collide(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path)
    migrate(engine, "0001")
    # One name in two spellings: distinct under the old rule, one under the new.
    insert_accounts(engine, [("Μαΐου", old_key("Μαΐου")), ("ΜΑΪ́ΟΥ", old_key("ΜΑΪ́ΟΥ"))])
    upgrade_to_head(engine)
    assert stored_keys(engine) == [username_key("Μαΐου"), old_key("ΜΑΪ́ΟΥ")]
    assert current_revision(engine) == head_revision()
    engine.dispose()


def index_definitions(engine: Engine) -> dict[str, str]:
    """Each named index's CREATE statement as SQLite stored it, spaces collapsed."""
    with engine.connect() as conn:
        return {name: " ".join(sql.split()) for name, sql in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}


def test_indexes_match_the_models_including_a_partial_index_condition(tmp_path: Path) -> None:
    # schema_drift compares index names and columns but not the WHERE of a
    # partial index: a migration that forgot it would pass there and leave
    # sync reading the index SQLite cannot use.
    engine = fresh_engine(tmp_path)
    upgrade_to_head(engine)
    expected = {
        str(index.name): " ".join(str(CreateIndex(index).compile(dialect=engine.dialect)).split())
        for table in Base.metadata.sorted_tables for index in table.indexes
    }
    assert index_definitions(engine) == expected
    for name in ("ix_messages_sender_id_id_direct", "ix_messages_sender_id_seq_direct",
                 "ix_messages_sender_id_recipient_id_id"):
        assert "WHERE recipient_id IS NOT NULL" in expected[name], name
    engine.dispose()


def test_a_database_with_messages_upgraded_from_0002_gets_the_sync_index(
    tmp_path: Path,
) -> None:
    engine = fresh_engine(tmp_path)
    migrate(engine, "0002")
    insert_accounts(engine, [("alice", "alice"), ("bob", "bob")])
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO messages (sender_id, recipient_id, body, created_at) "
            "VALUES (?, ?, ?, '2026-01-01 00:00:00.000000')",
            [(1, None, "to everyone"), (1, 2, "to bob"), (2, 1, "to alice"),
             (1, 1, "a note to self"), (2, None, "from bob to everyone")])

    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()
    assert schema_drift(engine) == []
    assert "ix_messages_sender_id_id_direct" in index_definitions(engine)
    with engine.connect() as conn:
        messages, has_more = queries.sync(conn, 1, 0, 10)
    assert [m.body for m in messages] == [
        "to everyone", "to bob", "to alice", "a note to self", "from bob to everyone"]
    assert not has_more

    migrate(engine, "0002", down=True)
    assert "ix_messages_sender_id_id_direct" not in index_definitions(engine)
    engine.dispose()


RELEASE_DATABASE = Path(__file__).resolve().parent.parent / "data" / "release-0.1.db"


def test_the_release_database_gets_change_numbers_equal_to_its_ids(tmp_path: Path) -> None:
    # Written by the 0.1 server itself (tests/data/make_release_database.py).
    database = tmp_path / "chat.db"
    shutil.copyfile(RELEASE_DATABASE, database)
    engine = create_database_engine(f"sqlite:///{database}")
    assert current_revision(engine) == "0003"
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()
    assert schema_drift(engine) == []
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, seq, room_id, deleted_at FROM messages").all()
        newest_seq = queries.newest_seq(conn)
    assert len(rows) > 50
    assert all(seq == message_id and room is None and deleted is None
               for message_id, seq, room, deleted in rows)
    assert newest_seq == max(message_id for message_id, *_ in rows)
    engine.dispose()


def test_downgrading_to_version_1_drops_what_version_1_cannot_show(tmp_path: Path) -> None:
    database = tmp_path / "chat.db"
    shutil.copyfile(RELEASE_DATABASE, database)
    engine = create_database_engine(f"sqlite:///{database}")
    upgrade_to_head(engine)
    with engine.begin() as conn:
        before = conn.exec_driver_sql("SELECT count(*) FROM messages").scalar_one()
        conn.exec_driver_sql("INSERT INTO rooms (name, topic, public, created_at) "
                             "VALUES ('Lab 214', '', 1, '2026-12-02 10:00:00.000000')")
        conn.exec_driver_sql("INSERT INTO messages (sender_id, room_id, body, created_at, seq) "
                             "VALUES (1, 1, 'in the lab', '2026-12-02 10:00:00.000000', 1000)")
        conn.exec_driver_sql("UPDATE messages SET body = '', deleted_at = created_at "
                             "WHERE id = 1")
    migrate(engine, "0003", down=True)
    with engine.connect() as conn:
        bodies = [row[0] for row in conn.exec_driver_sql("SELECT body FROM messages")]
    assert len(bodies) == before - 1
    assert "in the lab" not in bodies and "" not in bodies
    assert "rooms" not in inspect(engine).get_table_names()
    engine.dispose()
