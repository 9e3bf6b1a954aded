"""Migration 0005: the search index of a database that has messages already.

The release database (``tests/data/release-0.1.db``, written by the 0.1
server itself) must come out of the upgrade with every message findable;
a large database must say in the log how far the build has come; the
triggers that keep the index in step must be there at the newest revision,
and their absence is reported as drift.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db import search
from db.engine import create_database_engine
from db.schema import alembic_config, current_revision, schema_drift, upgrade_to_head
from db.search import Everywhere

from .test_migrations import RELEASE_DATABASE, migrate

ALICE, BOB = 1, 2  # in the release database


def release_copy(tmp_path: Path) -> Engine:
    database = tmp_path / "chat.db"
    shutil.copyfile(RELEASE_DATABASE, database)
    return create_database_engine(f"sqlite:///{database}")


def find(engine: Engine, me: int, *words: str) -> list[int]:
    with engine.connect() as conn:
        return [m.id for m in search.search(conn, me, Everywhere(), words, None, 100).messages]


def test_every_message_of_the_release_database_is_found_after_the_upgrade(
        tmp_path: Path) -> None:
    engine = release_copy(tmp_path)
    assert current_revision(engine) == "0003"
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT id, body FROM messages").all()
    upgrade_to_head(engine)
    assert schema_drift(engine) == []
    with engine.connect() as conn:
        conn.exec_driver_sql(
            "INSERT INTO messages_search (messages_search, rank) VALUES ('integrity-check', 1)")
        indexed = conn.exec_driver_sql("SELECT count(*) FROM messages_search").scalar_one()
    assert indexed == len(stored) > 50
    assert find(engine, ALICE, "ЁЛКА", "from bob") == [2 * n for n in range(20, 0, -1)]
    assert find(engine, BOB, "привет", "длинное") == [41]
    assert find(engine, ALICE, "→ ALICE 7") == [62]
    assert {43, 70} <= set(find(engine, BOB, "to alice 1"))
    engine.dispose()


def test_a_large_database_logs_the_progress_of_the_build(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    engine = release_copy(tmp_path)
    config = alembic_config()
    config.attributes["search_index_slice"] = 20
    with caplog.at_level(logging.INFO, logger="besedka.db"):
        upgrade_to_head(engine, config)
    progress = [r.getMessage() for r in caplog.records if "search index" in r.getMessage()]
    with engine.connect() as conn:
        total = conn.exec_driver_sql("SELECT count(*) FROM messages").scalar_one()
    assert progress[0] == f"building the search index of {total} messages"
    assert progress[-1].startswith("search index ready")
    counts = [int(line.split()[2]) for line in progress[1:-1]]
    assert counts == sorted(counts) and counts[-1] == total and len(counts) >= total // 20
    engine.dispose()


def test_a_missing_trigger_is_drift(tmp_path: Path) -> None:
    engine = release_copy(tmp_path)
    upgrade_to_head(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER messages_search_update")
    assert schema_drift(engine) == [("missing_trigger", "messages_search_update")]
    engine.dispose()


def test_downgrading_drops_the_index_and_upgrading_builds_it_again(tmp_path: Path) -> None:
    engine = release_copy(tmp_path)
    upgrade_to_head(engine)
    migrate(engine, "0004", down=True)
    with engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name LIKE "
                                    "'messages_search%'").all() == []
        # Changed while there was no index: the upgrade indexes what is there now.
        conn.exec_driver_sql("UPDATE messages SET body = 'ёлка сгорела' WHERE id = 2")
        conn.exec_driver_sql("UPDATE messages SET body = '', deleted_at = created_at "
                             "WHERE id = 4")
    migrate(engine, "head")
    assert schema_drift(engine) == []
    assert find(engine, ALICE, "ёлка", "bob")[-2:] == [8, 6]
    assert find(engine, ALICE, "сгорел") == [2]
    engine.dispose()
