"""``python -m server admin message ID``: what was said, even after edits
and a deletion took it out of every client's sight."""

from __future__ import annotations

import asyncio

from ..wire import PASSWORD, WireClient
from .helpers import admin


async def _edited_then_deleted(address: tuple[str, int]) -> int:
    client = await WireClient.connect(address)
    reply = await client.request("register", username="alice", password=PASSWORD, protocol=2)
    assert reply["type"] == "ok", reply
    message = await client.send("meet at 5,\nroom 214")
    for request_type, fields in (("edit", {"body": "meet at 6"}), ("react", {"emoji": "👍",
                                                                            "on": True}),
                                 ("delete", {})):
        reply = await client.request(request_type, message=message["id"], **fields)
        assert reply["type"] == "ok", reply
    await client.close()
    return int(message["id"])


def test_message_prints_every_body_a_deleted_message_had(server) -> None:
    message_id = asyncio.run(_edited_then_deleted(server.address))
    lines = admin(server, "message", str(message_id)).stdout.splitlines()
    assert lines[0].startswith(f"message {message_id} ")
    assert "from alice, general room" in lines[0]
    text = "\n".join(lines)
    # The first body, line by line, then the edited one, then the deletion.
    assert text.index("    meet at 5,\n    room 214") < text.index("    meet at 6")
    assert lines[-1] == "now      deleted"
    assert sum(line.startswith("edited ") for line in lines) == 1
    assert sum(line.startswith("deleted ") for line in lines) == 1


def test_message_of_an_id_that_does_not_exist_fails(server) -> None:
    result = admin(server, "message", "999", check=False)
    assert result.returncode == 1 and "no message 999" in result.stderr
