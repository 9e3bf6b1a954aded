"""``python -m server admin migrate-to URL``: an SQLite installation moves to
PostgreSQL with everything in it (db/transfer.py).

Proves, with real servers before and after and the real admin command:
accounts (passwords, disabled flags), messages (general, direct, ids and
times), read markers and unread counts arrive unchanged, and an uploaded
file with ``--to-files-dir``; the next account and the next message get
new ids; the command refuses a target that holds a chat already; and the
other admin commands work on PostgreSQL.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, ServerProcess
from tests.postgres import PostgresCluster
from tests.transfer import Payload, upload
from tests.wire import PASSWORD

from .helpers import Client, Clients, run
from .test_files import download

#: A file uploaded before the move, downloaded after it.
PAYLOAD = Payload(300_000, seed=214)


async def v2_login(clients: Clients, name: str) -> Client:
    client = await clients.connect()
    reply = await client.request("login", username=name, password=PASSWORD, protocol=2)
    assert reply["type"] == "ok", reply
    await client.next_event("users")
    return client

pytestmark = pytest.mark.postgres


def admin(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", "admin", "--database", database_url, *args],
        cwd=REPO, capture_output=True, encoding="utf-8", timeout=120, check=False)


def test_an_sqlite_installation_moves_to_postgresql_with_everything_in_it(
        postgres_cluster: PostgresCluster, server_factory: Callable[..., ServerProcess],
        tmp_path: Path) -> None:
    old = server_factory("--no-rate-limits")
    before: dict[str, object] = {}

    async def chat(clients: Clients) -> None:
        alice, bob = await clients.register("alice"), await clients.register("Боб")
        await clients.register("carol")
        uploader = await v2_login(clients, "alice")
        file = await upload(uploader, old.address, PAYLOAD, name="plan.pdf")
        before["file"] = (await uploader.send("", file=file["id"]))["file"]
        for n in range(30):
            await alice.send(f"general {n}")
            await bob.send(f"привет {n}", to="alice")
        await alice.request("mark_read", **{"with": "Боб"}, up_to=before.setdefault(
            "marker", (await bob.send("read up to here", to="alice"))["id"]))
        await bob.send("unread 1", to="alice")
        await bob.send("unread 2", to="alice")
        before["general"] = (await alice.request("history", **{"with": None}, before=None,
                                                 limit=100))["messages"]
        before["direct"] = (await alice.request("history", **{"with": "Боб"}, before=None,
                                                limit=100))["messages"]

    run(chat, old.address)
    assert admin(old.database_url, "disable", "carol").returncode == 0
    old.stop()

    target = postgres_cluster.new_database()
    files = tmp_path / "shared-files"
    copied = admin(old.database_url, "migrate-to", target, "--to-files-dir", str(files))
    assert copied.returncode == 0, copied.stderr
    assert "messages: 64 rows" in copied.stderr and "accounts: 3 rows" in copied.stderr
    assert "files: 1 in" in copied.stderr

    new = server_factory("--no-rate-limits", "--files-dir", str(files), database_url=target)

    async def after(clients: Clients) -> None:
        alice = await clients.login("alice")
        unread = {user["username"]: user["unread"] for user in alice.roster}
        assert unread["Боб"] == 2
        general = await alice.request("history", **{"with": None}, before=None, limit=100)
        direct = await alice.request("history", **{"with": "Боб"}, before=None, limit=100)
        assert general["messages"] == before["general"]
        assert direct["messages"] == before["direct"]
        refused = await (await clients.connect()).request("login", username="carol",
                                                          password="correct horse battery")
        assert refused["code"] == "invalid_credentials"  # still disabled
        dave = await clients.register("dave")  # the next account id is free
        message = await dave.send("first on PostgreSQL")
        assert message["id"] == max(m["id"] for m in before["direct"]) + 1
        file_id = before["file"]["id"]  # type: ignore[index]
        assert await download(await v2_login(clients, "alice"), new.address,
                              file_id) == PAYLOAD.bytes()

    run(after, new.address)

    # The admin commands work on PostgreSQL too.
    listed = admin(target, "list-users")
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[:2] for line in listed.stdout.splitlines()[1:]] == [
        ["alice", "active"], ["carol", "disabled"], ["dave", "active"], ["Боб", "active"]]
    assert admin(target, "enable", "carol").returncode == 0
    reset = admin(target, "reset-password", "carol")
    assert reset.returncode == 0, reset.stderr
    password = reset.stdout.strip()

    async def carol_logs_in(clients: Clients) -> None:
        await clients.login("carol", password)

    run(carol_logs_in, new.address)

    # A second copy into the same (now full) database is refused.
    again = admin(old.database_url, "migrate-to", target)
    assert again.returncode == 1 and "not empty" in again.stderr
