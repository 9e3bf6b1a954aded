"""The administrator and files: listing the largest, deleting one, backing
them up with the database and restoring both (``python -m server admin``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.security.helpers import admin
from tests.transfer import CHUNK, Payload, upload

from .helpers import Clients, run
from .test_files import contents, download, v2


def test_the_largest_files_are_listed_and_a_deleted_one_shows_as_removed(server):
    small, large = Payload(1000, seed=30), Payload(3 * CHUNK, seed=31)
    ids: dict[str, str] = {}

    async def post(clients: Clients) -> None:
        alice = await v2(clients, "alice")
        for name, payload in (("small.txt", small), ("large.iso", large)):
            ids[name] = (await upload(alice, server.address, payload, name=name))["id"]
        await alice.send("", file=ids["large.iso"])
        await alice.send("have a look", file=ids["large.iso"])

    run(post, server.address)
    lines = admin(server, "files").stdout.splitlines()
    assert lines[0].split()[:5] == ["id", "size", "uploader", "messages", "uploaded"]
    assert [line.split()[0] for line in lines[1:]] == [ids["large.iso"], ids["small.txt"]]
    assert lines[1].split()[1:5] == ["3.0", "MiB", "alice", "2"]
    assert lines[1].endswith("large.iso")

    async def watch(clients: Clients) -> None:
        bob = await v2(clients)
        old = await clients.register()
        before = (await bob.request("history", limit=2))["messages"]
        done = admin(server, "delete-file", ids["large.iso"])
        assert "deleted its 3.0 MiB" in done.stderr
        after = (await bob.request("history", limit=2))["messages"]
        assert [m["file"].get("removed") for m in after] == [True, True]
        assert all("removed" not in m["file"] for m in before)
        assert [m["file"]["name"] for m in after] == ["large.iso", "large.iso"]
        # Each took a new change number, so catching up by seq finds them.
        assert min(m["seq"] for m in after) > max(m["seq"] for m in before)
        assert [m["body"] for m in (await old.request("history", limit=2))["messages"]] == [
            "\U0001f4ce large.iso (file removed)", "have a look"]
        refused = await bob.request("file_download", file=ids["large.iso"])
        assert refused["code"] == "unknown_file"
        refused = await bob.request("send", body="", file=ids["large.iso"])
        assert refused["code"] == "unknown_file"

    run(watch, server.address)
    assert [p.name for p in contents(server)] == [small.sha256]
    again = admin(server, "delete-file", ids["large.iso"], check=False)
    assert again.returncode == 1 and "no file" in again.stderr
    assert [line.split()[0] for line in admin(server, "files").stdout.splitlines()[1:]] == [
        ids["small.txt"]]


def test_deleting_one_of_two_files_with_the_same_bytes_keeps_the_bytes(server):
    payload = Payload(5000, seed=32)

    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        bob = await v2(clients)
        first = await upload(alice, server.address, payload, name="a")
        second = await upload(bob, server.address, payload, name="b")
        done = admin(server, "delete-file", first["id"])
        assert "its bytes stay" in done.stderr
        assert await download(bob, server.address, second["id"]) == payload.bytes()

    run(scenario, server.address)


def test_a_backup_holds_the_files_and_restores_with_them(server_factory, tmp_path: Path):
    server = server_factory("--no-rate-limits")
    payloads = [Payload(2 * CHUNK + 7, seed=33), Payload(100, seed=34)]
    destination = tmp_path / "backups" / "besedka.db"

    async def post(clients: Clients) -> None:
        alice = await v2(clients, "archivist")
        for n, payload in enumerate(payloads):
            file = await upload(alice, server.address, payload, name=f"f{n}")
            await alice.send(f"file {n}", file=file["id"])

    run(post, server.address)
    done = admin(server, "backup", str(destination))
    assert "2 of them copied now" in done.stderr
    # Backing up to the same place again copies no file twice.
    assert "0 of them copied now" in admin(server, "backup", str(destination)).stderr

    # Restore as the README says: the database file, and the files folder
    # into the data directory's "files".
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(destination, restored / "chat.db")
    shutil.copytree(destination.with_name("besedka.db.files"), restored / "files")
    server.stop()
    copy = server_factory("--no-rate-limits", database=restored / "chat.db")

    async def check(clients: Clients) -> None:
        client = await clients.connect()
        await client.request("login", username="archivist", password="correct horse",
                             protocol=2)
        await client.next_event("users")
        messages = (await client.request("history", limit=2))["messages"]
        for message, payload in zip(messages, payloads):
            assert await download(client, copy.address, message["file"]["id"]) == payload.bytes()

    run(check, copy.address)
