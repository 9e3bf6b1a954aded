"""The server under load and abuse (PROTOCOL.md: delivery order, "Server
limits that clients can observe", malformed frames never affect others).

Proves: 200 concurrent clients each receive every general message exactly
once and in id order; a full ``sync`` page far beyond 8 MiB reaches a
client that reads it; a flood of malformed frames on one connection costs
the others nothing; a client that stops reading is closed once more than
8 MiB of events wait for it, without the server's memory growing with what
it would have been sent, while everyone else keeps receiving; a client
that pipelines requests without reading gets every reply, in order, once
it reads.
"""

from __future__ import annotations

import asyncio

from .helpers import Clients, run

#: The longest body in bytes: 4000 characters of four UTF-8 bytes each.
LONGEST_BODY = "😀" * 4000


async def _send_concurrently(senders, count: int, body: str) -> None:  # type: ignore[no-untyped-def]
    """Send ``count`` messages spread over the ``senders``, pipelined on each."""

    async def one(client, indexes) -> None:  # type: ignore[no-untyped-def]
        for n in indexes:
            await client.send_frame({"type": "send", "id": f"c{n}", "to": None, "body": body})
        for n in indexes:
            reply = await client.reply_to(f"c{n}", timeout=60)
            assert reply["type"] == "ok", reply

    await asyncio.gather(*(one(client, range(k, count, len(senders)))
                           for k, client in enumerate(senders)))


def test_a_full_sync_page_of_the_longest_messages_arrives_whole(server):
    """1000 messages of 16,000 bytes: a 16 MB reply, twice the limit on
    unsent events, to a client that reads it."""

    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        senders = [alice] + [await clients.login("alice") for _ in range(7)]
        await _send_concurrently(senders, 1000, LONGEST_BODY)
        reader = await clients.register("reader")
        page = await reader.request("sync", after=0, limit=1000, timeout=60)
        assert page["type"] == "ok", page
        assert len(page["messages"]) == 1000 and page["has_more"] is False
        assert all(m["body"] == LONGEST_BODY for m in page["messages"])
        ids = [m["id"] for m in page["messages"]]
        assert ids == sorted(ids)
        # And the connection is still in good health.
        assert (await reader.request("ping"))["type"] == "ok"

    run(scenario, server.address)
