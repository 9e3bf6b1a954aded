"""Make the database a released Besedka left behind, and what it answered then.

Upgrade tests need a database exactly as a user of an earlier release has
it: written by that release's own server through the wire protocol, not
by today's code.  This script starts the server of another source tree (a
checkout of the release), fills a fresh database over the wire (accounts
with Latin and Cyrillic names, the general room, direct messages both ways,
notes to self, a resent key, read markers, a changed password), records
every user's view of it (login reply, roster, each conversation's history,
``sync`` from the start), stops the server cleanly and writes both next to
this file:

    git worktree add --detach /tmp/besedka-0.1 38c7de9   # the 0.1 release
    python tests/data/make_release_database.py /tmp/besedka-0.1 0.1

The files it wrote are committed (``release-0.1.db``, ``release-0.1.json``);
run it again only to add another release's pair.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.wire import WireClient  # noqa: E402

#: Name -> password.  bob changes his (the recorded one is the new one).
USERS = {"alice": "alice password", "bob": "bob password 1", "Борис": "пароль Бориса"}
BOB_NEW_PASSWORD = "bob password 2"


async def fill(address: tuple[str, int]) -> dict[str, Any]:
    clients = {name: await WireClient.logged_in(address, name, password=password)
               for name, password in USERS.items()}
    alice, bob, boris = clients["alice"], clients["bob"], clients["Борис"]
    for n in range(1, 21):
        await alice.send(f"general {n} from alice")
        await bob.send(f"general {n} from bob, ёлка 🎄")
    await boris.send("Привет всем! " + "длинное сообщение " * 200)
    for n in range(1, 11):
        await alice.send(f"to bob {n}", to="bob")
        await bob.send(f"to alice {n}", to="alice")
        await boris.send(f"Борис → alice {n}", to="ALICE")
    await alice.send("a note to self", to="alice")
    first = await alice.send("sent once", to="Борис", key="k-1")
    again = await alice.send("sent once", to="Борис", key="k-1")
    assert first == again
    await boris.send("line one\nline two\ttabbed", to="alice")
    # Read markers: bob read the general room half way and alice's first five.
    general, _ = (await bob.request("history", limit=200))["messages"], None
    await bob.request("mark_read", up_to=general[len(general) // 2]["id"])
    direct = (await bob.request("history", **{"with": "alice"}, limit=200))["messages"]
    await bob.request("mark_read", **{"with": "alice"}, up_to=direct[4]["id"])
    reply = await bob.request("change_password", old_password=USERS["bob"],
                              new_password=BOB_NEW_PASSWORD)
    assert reply["type"] == "ok", reply
    for client in clients.values():
        await client.close()

    passwords = {**USERS, "bob": BOB_NEW_PASSWORD}
    views: dict[str, Any] = {}
    for name, password in passwords.items():
        client = await WireClient.connect(address)
        login = await client.request("login", username=name, password=password)
        roster = (await client.next_event("users"))["users"]
        view: dict[str, Any] = {"password": password, "login": login, "users": roster,
                                "history": {}}
        for peer in [None, *passwords]:
            view["history"][peer or ""] = await client.request("history", **{"with": peer},
                                                               limit=200)
        view["sync"] = await client.request("sync", after=0, limit=1000)
        views[name] = view
        await client.close()
    return views


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", type=Path, help="a checkout of the release")
    parser.add_argument("release", help="its version, for the file names")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="besedka-release-"))
    database = work / "chat.db"
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", "0",
         "--database", f"sqlite:///{database}", "--no-tls", "--no-announce",
         "--no-rate-limits", "--bcrypt-rounds", "4"],
        cwd=args.tree, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line.startswith("listening on "), line
        port = int(line.rsplit(":", 1)[1])
        views = asyncio.run(fill(("127.0.0.1", port)))
    finally:
        server.terminate()  # a clean stop folds the WAL back into the file
        server.wait(30)
    shutil.copyfile(database, HERE / f"release-{args.release}.db")
    (HERE / f"release-{args.release}.json").write_text(
        json.dumps(views, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
