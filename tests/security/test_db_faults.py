"""Database faults in the real server process: writes fail, reads go on, nothing is lost.

Two faults, each produced for real inside the running server, with no
test hook in the server:

* **Disk full** (``SQLITE_FULL``): the database lives on a small tmpfs
  mounted for the test, and a filler file takes the rest of its space.
  Mounting needs root (the tests run as root here); where ``mount`` is not
  permitted this case is skipped, saying so, and the next one still runs.
* **Writes refused by the kernel** (``SQLITE_IOERR``): the test lowers the
  server's ``RLIMIT_FSIZE`` to 0 with ``prlimit``, so every ``write()`` to
  a regular file fails with ``EFBIG`` (Python ignores the accompanying
  ``SIGXFSZ``).  This works anywhere, root or not, and stands in for a
  read-only database: as root, ``chmod`` would not stop the server, and a
  file system with the database open for writing cannot be remounted
  read-only.

Either way: requests that write get ``internal_error`` and have no effect,
reads (history, sync, users, login) keep working, the server recovers by
itself once the fault goes, and every message acknowledged before, during
or after is still there after a restart, exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ..wire import PASSWORD, WireClient
from .helpers import error_code, logged_in, wait_for_log

if sys.platform == "linux":
    import resource  # Linux only, as the faults are: see pytestmark

# Mounting a small tmpfs and prlimit() on another process are Linux's; the
# Windows CI job covers what it can elsewhere (the server's own code here
# is the same on every system).
pytestmark = pytest.mark.skipif(sys.platform != "linux",
                                reason="needs Linux: mount -t tmpfs and prlimit()")


@contextlib.contextmanager
def mounted_tmpfs(mount_point: Path, size: str) -> Iterator[Path]:
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                             str(mount_point)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({result.stderr.strip()}); "
                    "the RLIMIT_FSIZE case still covers failing writes")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(directory: Path) -> Path:
    """Take every free byte of the file system ``directory`` is on."""
    filler = directory / "filler"
    chunk = b"\0" * (64 * 1024)
    with open(filler, "wb", buffering=0) as file:
        try:
            while True:
                file.write(chunk)
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
        try:
            while True:
                file.write(b"\0")
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
    return filler


def run_fault_scenario(server, start_fault: Callable[[], None],  # type: ignore[no-untyped-def]
                       end_fault: Callable[[], None], error_in_log: str) -> None:
    async def scenario() -> tuple[list[dict], list[str]]:
        alice = await logged_in(server.address, "alice")
        bob = await logged_in(server.address, "bob")
        acknowledged = [await alice.send(f"before {i}") for i in range(20)]
        acknowledged.append(await bob.send("to alice, before", to="alice"))

        start_fault()
        refused: list[str] = []
        for i in range(5):
            body = f"during the fault {i} {uuid.uuid4()}"
            reply = await alice.request("send", to=None, body=body)
            assert error_code(reply) == "internal_error", reply
            refused.append(body)
        assert error_code(await alice.request("mark_read", **{"with": None, "up_to": 5})) == (
            "internal_error")
        newcomer = await WireClient.connect(server.address)
        assert error_code(await newcomer.request("register", username="carol",
                                                 password=PASSWORD)) == "internal_error"
        # Reads keep working, and see everything acknowledged.
        history = await bob.request("history", **{"with": None, "limit": 200})
        assert history["type"] == "ok", history
        assert [m["id"] for m in history["messages"]] == [
            m["id"] for m in acknowledged if m["to"] is None]
        synced = await alice.request("sync", after=0, limit=1000)
        assert synced["messages"] == acknowledged
        assert (await bob.request("users"))["type"] == "ok"
        assert (await newcomer.request("login", username="bob", password=PASSWORD))["type"] == (
            "ok")
        # The connections are all still there.
        assert (await alice.request("ping"))["type"] == "ok"

        end_fault()
        # Recovered without a restart: the very next write works.
        acknowledged.append(await alice.send("after the fault"))
        acknowledged.append(await newcomer.send("bob again, after", to="alice"))
        carol = await logged_in(server.address, "carol")
        acknowledged.append(await carol.send("carol made it"))
        for client in (alice, bob, newcomer, carol):
            await client.close()
        return acknowledged, refused

    acknowledged, refused = asyncio.run(scenario())
    wait_for_log(server, error_in_log)
    assert server.stop() == 0
    server.start()

    async def after_restart() -> None:
        alice = await logged_in(server.address, "alice", register=False)
        synced = await alice.request("sync", after=0, limit=1000)
        assert synced["messages"] == acknowledged
        await alice.close()

    asyncio.run(after_restart())
    database = sqlite3.connect(server.database)
    try:
        assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        bodies = [row[0] for row in database.execute("SELECT body FROM messages ORDER BY id")]
    finally:
        database.close()
    assert bodies == [m["body"] for m in acknowledged], "exactly the acknowledged ones"
    assert not set(refused) & set(bodies), "a refused request had no effect"


def test_a_full_disk_fails_writes_only_until_space_returns(tmp_path: Path,
                                                           server_factory) -> None:
    with mounted_tmpfs(tmp_path / "small-disk", "8m") as disk:
        server = server_factory("--no-rate-limits", database=disk / "chat.db")
        filler: list[Path] = []
        run_fault_scenario(
            server,
            start_fault=lambda: filler.append(fill(disk)),
            end_fault=lambda: filler.pop().unlink(),
            error_in_log="database or disk is full",
        )
        server.close()


def test_writes_refused_by_the_kernel_fail_cleanly_and_recover(server_factory) -> None:
    server = server_factory("--no-rate-limits")
    pid = server.process.pid
    soft, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)

    def refuse_writes() -> None:
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (0, hard))

    def allow_writes() -> None:
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))

    run_fault_scenario(server, refuse_writes, allow_writes, error_in_log="disk I/O error")
