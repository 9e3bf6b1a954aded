"""A database left by the previous release keeps every word after the upgrade.

``tests/data/release-0.1.db`` was written by the 0.1 server itself, over the
wire (``tests/data/make_release_database.py``), and ``release-0.1.json``
holds what that server answered each user.  Today's server migrates the
file on start (version 2's schema, migration 0004) and must answer a
version 1 client exactly as 0.1 did: the same login, roster, histories and
``sync``, every id, body and timestamp, with each user's password.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ServerProcess

from .helpers import Clients, run

DATA = Path(__file__).resolve().parent.parent / "data"
RELEASE = "0.1"


def without_re(frame: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in frame.items() if key != "re"}


@pytest.fixture
def upgraded(server_factory: Callable[..., ServerProcess], database_dir: Path) -> ServerProcess:
    database = database_dir / "release.db"
    shutil.copyfile(DATA / f"release-{RELEASE}.db", database)
    return server_factory("--no-rate-limits", database=database)


def recorded() -> dict[str, Any]:
    return json.loads((DATA / f"release-{RELEASE}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_every_user_sees_what_the_release_showed(upgraded: ServerProcess) -> None:
    async def scenario(clients: Clients) -> None:
        for name, view in recorded().items():
            client = await clients.connect()
            login = await client.request("login", username=name, password=view["password"])
            assert without_re(login) == without_re(view["login"]), name
            assert (await client.next_event("users"))["users"] == view["users"], name
            for peer, expected in view["history"].items():
                reply = await client.request("history", **{"with": peer or None}, limit=200)
                assert without_re(reply) == without_re(expected), (name, peer)
            sync = await client.request("sync", after=0, limit=1000)
            assert without_re(sync) == without_re(view["sync"]), name
            await client.close()

    run(scenario, upgraded.address)


def test_the_upgrade_keeps_a_copy_and_new_messages_continue_the_ids(
    upgraded: ServerProcess, database_dir: Path
) -> None:
    # The server copies a database it is about to migrate (db/schema.py).
    assert [p.name for p in database_dir.glob("release.db.backup-0003-*")] != []
    views = recorded()
    newest = views["alice"]["sync"]["messages"][-1]["id"]

    async def scenario(clients: Clients) -> None:
        alice = await clients.login("alice", views["alice"]["password"])
        message = await alice.send("after the upgrade")
        assert message["id"] == newest + 1
        # The release's resent key is still known: nothing is stored twice.
        again = await alice.request("send", to="Борис", body="sent once", key="k-1")
        assert again["message"]["id"] < newest

    run(scenario, upgraded.address)


def test_names_of_the_release_keep_their_accounts_and_look_alikes_of_them_are_taken(
        upgraded: ServerProcess) -> None:
    # PROTOCOL.md, "Rules" (2026-12-02): existing accounts keep their names;
    # the server stores what they look like at start, and a new name that
    # looks the same (a Cyrillic а, fullwidth letters) is taken.
    async def scenario(clients: Clients) -> None:
        for look_alike in ("\u0430lice", "\uff41\uff4c\uff49\uff43\uff45", "\u0411op\u0438c"):
            client = await clients.connect()
            reply = await client.request("register", username=look_alike,
                                         password="a password long enough")
            assert reply["code"] == "username_taken", look_alike
            await client.close()
        carol = await clients.connect()
        reply = await carol.request("register", username="carol", password="a password long enough")
        assert reply["type"] == "ok"

    run(scenario, upgraded.address)
