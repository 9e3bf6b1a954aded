"""The frozen server works on its own: schema, protocol, migrations, shutdown.

It runs from dist/besedka-server with nothing of the source tree or the
virtual environment reachable (its working directory is a temporary one),
so a module, driver or data file missing from the bundle fails here.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from protocol.version import BESEDKA_VERSION

from .conftest import Dist
from .programs import exercise_server, run, start_server

pytestmark = [pytest.mark.package, pytest.mark.timeout(1800)]


def revision(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def head_revision_id() -> str:
    from db.schema import head_revision

    head = head_revision()
    assert head is not None
    return head


def test_frozen_server_creates_the_schema_and_serves_the_protocol(dist: Dist,
                                                                  tmp_path: Path) -> None:
    database = tmp_path / "chat.db"
    server, address = start_server([str(dist.server_exe)], database)
    try:
        hello = run(exercise_server(address))
        assert hello["server"] == f"besedka/{BESEDKA_VERSION}"
        assert revision(database) == head_revision_id()
    finally:
        code = server.stop()
    assert code == 0, server.output
    # Restarted on the same file, it finds everything again.
    server, address = start_server([str(dist.server_exe)], database)
    try:
        async def history() -> list[str]:
            from tests.wire import WireClient

            alice = await WireClient.logged_in(address, "alice", register=False)
            reply = await alice.request("history", **{"with": None, "before": None})
            await alice.close()
            return [message["body"] for message in reply["messages"]]

        assert run(history()) == ["hello from the frozen test"]
    finally:
        assert server.stop() == 0, server.output


NEXT_REVISION = '''\
"""A revision that exists only in this test: a newer Besedka's schema."""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("frozen_test_note", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("frozen_test_note")
'''


def test_frozen_server_backs_up_then_migrates_an_older_database(dist: Dist,
                                                                tmp_path: Path) -> None:
    """A revision file dropped into a copy of the bundle is found and applied
    (Alembic reads revisions as files, frozen or not), after the server
    copied the database aside."""
    database = tmp_path / "chat.db"
    server, address = start_server([str(dist.server_exe)], database)
    try:
        run(exercise_server(address))
    finally:
        assert server.stop() == 0, server.output
    head = revision(database)

    bundle = tmp_path / "newer-server"
    shutil.copytree(dist.server, bundle, symlinks=True)
    (bundle / "_internal" / "migrations" / "versions" / "9999_frozen_test.py").write_text(
        NEXT_REVISION.format(head=head), encoding="utf-8")
    server, address = start_server([str(bundle / dist.server_exe.name)], database)
    try:
        run(exercise_server_again(address))
    finally:
        assert server.stop() == 0, server.output

    assert revision(database) == "9999"
    backups = sorted(tmp_path.glob(f"chat.db.backup-{head}-*"))
    assert len(backups) == 1, sorted(tmp_path.iterdir())
    assert revision(backups[0]) == head
    with sqlite3.connect(backups[0]) as connection:
        bodies = [row[0] for row in connection.execute("SELECT body FROM messages")]
    assert "hello from the frozen test" in bodies


async def exercise_server_again(address: tuple[str, int]) -> None:
    from tests.wire import WireClient

    alice = await WireClient.logged_in(address, "alice", register=False)
    await alice.send("after the upgrade")
    await alice.close()


def test_frozen_server_makes_its_certificate_and_serves_tls(dist: Dist, tmp_path: Path) -> None:
    """TLS is the default: the bundle must carry cryptography (to generate
    the certificate on first start) and Python's ssl module."""
    from server.tls import GENERATED_FILE_NAME

    database = tmp_path / "chat.db"
    server, address = start_server([str(dist.server_exe)], database, tls=True)
    try:
        assert (tmp_path / GENERATED_FILE_NAME).is_file()
        run(exercise_server(address, tls=True))
    finally:
        assert server.stop() == 0, server.output
    assert "created certificate" in server.output, server.output


def test_frozen_admin_tool_backs_up_a_running_server(dist: Dist, tmp_path: Path) -> None:
    database = tmp_path / "chat.db"
    server, address = start_server([str(dist.server_exe)], database)
    try:
        run(exercise_server(address))
        destination = tmp_path / "copies" / "chat-backup.db"
        result = subprocess.run(
            [str(dist.server_exe), "admin", "--database", f"sqlite:///{database}", "backup",
             str(destination)], capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        listed = subprocess.run(
            [str(dist.server_exe), "admin", "--database", f"sqlite:///{destination}",
             "list-users"], capture_output=True, text=True, timeout=120, check=False)
        assert listed.returncode == 0, listed.stdout + listed.stderr
        assert "alice" in listed.stdout and "bob" in listed.stdout
    finally:
        assert server.stop() == 0, server.output
    with sqlite3.connect(destination) as connection:
        bodies = [row[0] for row in connection.execute("SELECT body FROM messages")]
    assert "hello from the frozen test" in bodies


def test_frozen_server_announces_itself_when_it_can(dist: Dist, tmp_path: Path) -> None:
    """Where the server announces itself on the LAN (mDNS), the frozen one
    must carry what that needs; announcing stays on loopback here."""
    help_text = subprocess.run([str(dist.server_exe), "--help"], capture_output=True, text=True,
                               timeout=60, check=True).stdout
    if "--no-announce" not in help_text:
        pytest.skip("this server has no LAN announcement")
    server, address = start_server([str(dist.server_exe)], tmp_path / "chat.db", announce=True)
    try:
        run(exercise_server(address))
    finally:
        assert server.stop() == 0, server.output
    for problem in ("Traceback", "No module named", "ImportError"):
        assert problem not in server.output, server.output
