"""Edits and deletions are durable before their ``ok`` (PROTOCOL-2.md, "Edits"):
an acknowledged change survives the server being killed right after, and
change numbers go on increasing after the restart.

Like ``test_durability``, these tests keep their databases on disk.
"""

from __future__ import annotations

from typing import Any

from tests.wire import PASSWORD, ConnectionClosed

from .helpers import Clients, run

#: These tests are about what reaches the disk (see tests/server/conftest.py).
DATABASES_ON_DISK = True

#: Messages each editor changes while the server is killed.
PER_EDITOR = 60


async def _log_in(clients: Clients, name: str, *, register: bool) -> Any:
    client = await clients.connect()
    reply = await client.request("register" if register else "login", username=name,
                                 password=PASSWORD, protocol=2)
    assert reply["type"] == "ok", reply
    await client.next_event("users")
    return client


def test_edits_and_deletions_acknowledged_just_before_sigkill_are_there_after_restart(server):
    acknowledged: dict[int, dict[str, Any]] = {}

    async def before(clients: Clients) -> None:
        editors = [await _log_in(clients, f"editor{k}", register=True) for k in range(3)]
        originals = {k: [await editor.send(f"{k}/{n}") for n in range(PER_EDITOR)]
                     for k, editor in enumerate(editors)}
        # Every message gets one change, pipelined: an edit, or every third
        # one a deletion.
        for k, editor in enumerate(editors):
            for n, message in enumerate(originals[k]):
                if n % 3 == 2:
                    frame = {"type": "delete", "message": message["id"]}
                else:
                    frame = {"type": "edit", "message": message["id"], "body": f"{k}/{n} edited"}
                await editor.send_frame({**frame, "id": n})
        # Kill the server while the commits are under way, right after it
        # acknowledged the fifteenth change of one editor.
        for n in range(15):
            reply = await editors[0].reply_to(n)
            assert reply["type"] == "ok", reply
            acknowledged[reply["message"]["id"]] = reply["message"]
        server.kill()
        for editor in editors:
            try:
                while True:
                    frame = await editor.next_frame()
                    if frame.get("type") == "ok" and "message" in frame:
                        acknowledged[frame["message"]["id"]] = frame["message"]
            except (ConnectionClosed, ConnectionError):
                pass  # the connection ends with the process

    run(before, server.address)
    server.start()

    async def after(clients: Clients) -> None:
        reader = await _log_in(clients, "reader", register=True)
        stored = {m["id"]: m for m in
                  (await reader.request("sync", after_seq=0, limit=1000))["messages"]}
        for message_id, message in acknowledged.items():
            assert stored[message_id] == message
        # Change numbers go on from the highest given before the crash.
        editor = await _log_in(clients, "editor1", register=False)
        target = next(m for m in stored.values() if m["from"] == "editor1" and not m["deleted"])
        reply = await editor.request("edit", message=target["id"], body="after the restart")
        assert reply["type"] == "ok", reply
        assert reply["message"]["seq"] > max(m["seq"] for m in stored.values())

    run(after, server.address)
