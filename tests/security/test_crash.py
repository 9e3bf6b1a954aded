"""Crash durability: SIGKILL the server again and again under heavy ``send`` traffic.

Four clients keep up to :data:`WINDOW` sends in flight each, every one with
an idempotency key; after each kill they reconnect to the restarted server
(same port, same database) and resend what was not acknowledged, as the
desktop client's outbox does.  The test then proves, through the protocol
(``sync`` after the last restart) and directly in SQLite:

* every message any client saw acknowledged is stored, exactly once, with
  the id and body of its acknowledgement;
* nothing is stored twice, acknowledged or not (the keys deduplicate);
* ids keep increasing across crashes: a message first sent after a restart
  gets an id above every id acknowledged before it.

Kills come at random moments once every client has had some replies in the
round, so they land in the middle of group commits as well as between them.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any

from protocol.framing import encode_frame

from ..wire import PASSWORD, ConnectionClosed, WireClient

WRITERS = 4
#: Sends each client keeps unanswered at once.
WINDOW = 24
#: Seconds of kill-and-restart rounds (the test's running time is a bit more).
ROUNDS_SECONDS = float(os.environ.get("BESEDKA_CRASH_SECONDS", "25"))
#: Rounds there are at least, however slow the machine: a busy one makes
#: fewer in ROUNDS_SECONDS, and the test goes on until it has these.
MIN_ROUNDS = 8
#: Acknowledgements each client must have had in a round before the kill may come.
ACKS_BEFORE_KILL = 10

CONNECTION_LOST = (ConnectionClosed, ConnectionError, OSError, asyncio.IncompleteReadError)


@dataclass
class Acked:
    """An acknowledged message: its id and body, the round it was acknowledged
    in, its recipient, and the round it was first sent in."""

    id: int
    body: str
    round: int
    to: str | None
    first_sent_round: int


class Rounds:
    """Which round it is and whether the server is up, for the clients to wait on."""

    def __init__(self) -> None:
        self.number = 0
        self.server_up = False
        self.changed = asyncio.Condition()

    async def set(self, number: int, up: bool) -> None:
        async with self.changed:
            self.number, self.server_up = number, up
            self.changed.notify_all()

    async def wait_for_round_after(self, number: int) -> int:
        async with self.changed:
            await self.changed.wait_for(lambda: self.server_up and self.number > number)
            return self.number

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()


@dataclass
class Writer:
    """One client: an outbox of keyed messages, and what was acknowledged."""

    name: str
    peer: str
    rng: random.Random
    registered: bool = False
    #: key -> (body, to, round first sent), in the order they were made
    outbox: dict[str, tuple[str, str | None, int]] = field(default_factory=dict)
    acked: dict[str, Acked] = field(default_factory=dict)
    acks_this_round: int = 0
    anomalies: list[str] = field(default_factory=list)
    _serial: itertools.count[int] = field(default_factory=itertools.count)

    def _next_key(self, round_number: int, in_flight: set[str]) -> str:
        for key in self.outbox:
            if key not in in_flight:
                return key  # an unanswered one from before: resend it
        serial = next(self._serial)
        key = f"{self.name}-{serial}"
        to = self.peer if self.rng.random() < 0.2 else None
        self.outbox[key] = (f"{self.name} message {serial} " + "x" * self.rng.randrange(200),
                            to, round_number)
        return key

    async def run(self, address: tuple[str, int], rounds: Rounds, finished: asyncio.Event) -> None:
        last = 0
        while not finished.is_set():
            waiting = asyncio.create_task(rounds.wait_for_round_after(last))
            stop = asyncio.create_task(finished.wait())
            await asyncio.wait({waiting, stop}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if finished.is_set():
                waiting.cancel()
                return
            last = waiting.result()
            try:
                await self._session(address, last, rounds)
            except CONNECTION_LOST as error:
                if rounds.server_up and rounds.number == last:
                    self.anomalies.append(f"round {last}: connection lost while the server "
                                          f"was up: {error!r}")

    async def _session(self, address: tuple[str, int], round_number: int,
                       rounds: Rounds) -> None:
        client = await WireClient.connect(address)
        try:
            await self._log_in(client)
            in_flight: dict[int, str] = {}
            ids = itertools.count(1)
            while True:
                while len(in_flight) < WINDOW:
                    key = self._next_key(round_number, set(in_flight.values()))
                    body, to, _ = self.outbox[key]
                    request_id = next(ids)
                    in_flight[request_id] = key
                    client.writer.write(encode_frame(
                        {"type": "send", "id": request_id, "to": to, "body": body, "key": key}))
                await client.writer.drain()
                frame = await client.next_frame(timeout=30)
                key = in_flight.pop(frame.get("re"), None)  # type: ignore[arg-type]
                if key is None:
                    continue  # an event
                if frame["type"] != "ok":
                    self.anomalies.append(f"send refused: {frame}")
                    continue
                message = frame["message"]
                body, to, first_sent_round = self.outbox.pop(key)
                if message["body"] != body or message["to"] != to:
                    self.anomalies.append(f"ack of {key} carries another message: {message}")
                self.acked[key] = Acked(message["id"], body, round_number, to, first_sent_round)
                self.acks_this_round += 1
                if self.acks_this_round == ACKS_BEFORE_KILL:
                    await rounds.notify()
        finally:
            client.writer.close()

    async def _log_in(self, client: WireClient) -> None:
        if not self.registered:
            reply = await client.request("register", username=self.name, password=PASSWORD)
            if reply["type"] == "ok" or reply.get("code") == "username_taken":
                self.registered = True
            if reply["type"] == "ok":
                await client.next_event("users")
                return
        reply = await client.request("login", username=self.name, password=PASSWORD)
        if reply["type"] != "ok":
            self.anomalies.append(f"login failed: {reply}")
            raise ConnectionClosed()
        await client.next_event("users")


def test_acknowledged_messages_survive_repeated_sigkills_exactly_once(server_factory) -> None:
    seed = int(os.environ.get("BESEDKA_CRASH_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    server = server_factory("--no-rate-limits")
    names = [f"writer{i}" for i in range(WRITERS)]
    writers = [Writer(name, names[(i + 1) % WRITERS], random.Random(rng.random()))
               for i, name in enumerate(names)]

    async def crash_rounds() -> int:
        # Everyone exists before anyone writes to them.
        for writer in writers:
            client = await WireClient.logged_in(server.address, writer.name)
            writer.registered = True
            await client.close()
        rounds = Rounds()
        finished = asyncio.Event()
        tasks = [asyncio.create_task(w.run(server.address, rounds, finished)) for w in writers]
        deadline = time.monotonic() + ROUNDS_SECONDS
        number = 0
        while number < MIN_ROUNDS or time.monotonic() < deadline:
            number += 1
            if server.process is None:
                await asyncio.to_thread(server.start)
            for writer in writers:
                writer.acks_this_round = 0
            await rounds.set(number, up=True)
            # Kill only once every client is mid-stream, then at a random moment.
            async with rounds.changed:
                await asyncio.wait_for(rounds.changed.wait_for(
                    lambda: all(w.acks_this_round >= ACKS_BEFORE_KILL for w in writers)), 60)
            await asyncio.sleep(rng.uniform(0, 0.15))
            await rounds.set(number, up=False)
            await asyncio.to_thread(server.kill)
        finished.set()
        await asyncio.gather(*tasks)
        return number

    rounds_survived = asyncio.run(crash_rounds())
    server.start()
    anomalies = [a for w in writers for a in w.anomalies]
    assert not anomalies, anomalies[:10]

    acked = {key: ack for w in writers for key, ack in w.acked.items()}
    outboxes = {key: entry for w in writers for key, entry in w.outbox.items()}
    print(f"crash seed {seed}: {rounds_survived} SIGKILL rounds, {len(acked)} acknowledged "
          f"messages checked, {len(outboxes)} unanswered at the last kill")

    # Ids keep increasing across crashes: a message first sent in a round
    # (so it cannot have been stored before) lands above every id
    # acknowledged in the rounds before.  (One resent after a crash may
    # rightly come back with the lower id it was stored under then.)
    for round_number in range(2, rounds_survived + 1):
        highest_before = max((a.id for a in acked.values() if a.round < round_number), default=0)
        fresh = [a for a in acked.values() if a.first_sent_round == round_number]
        assert all(a.id > highest_before for a in fresh), round_number

    # Through the protocol: each client's sync shows all it acknowledged.
    async def check_sync() -> None:
        for writer in writers:
            client = await WireClient.logged_in(server.address, writer.name, register=False)
            stored = await _sync_all(client)
            visible = [a for w in writers for a in w.acked.values()
                       if w is writer or a.to in (None, writer.name)]
            for ack in visible:
                assert stored.get(ack.id) == ack.body, ack
            assert list(stored) == sorted(stored)
            await client.close()

    asyncio.run(check_sync())
    assert server.stop() == 0

    # Directly in SQLite.
    database = sqlite3.connect(server.database)
    try:
        rows = database.execute("SELECT id, body FROM messages ORDER BY id").fetchall()
    finally:
        database.close()
    by_id = dict(rows)
    bodies = [body for _, body in rows]
    assert len(bodies) == len(set(bodies)), "a message was stored twice"
    for ack in acked.values():
        assert by_id.get(ack.id) == ack.body, ack


async def _sync_all(client: WireClient) -> dict[int, Any]:
    stored: dict[int, Any] = {}
    after = 0
    while True:
        reply = await client.request("sync", after=after, limit=1000)
        assert reply["type"] == "ok", reply
        for message in reply["messages"]:
            stored[message["id"]] = message["body"]
        if not reply["has_more"]:
            return stored
        after = reply["messages"][-1]["id"]
