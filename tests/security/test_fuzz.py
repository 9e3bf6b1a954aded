"""A live fuzz run: thousands of hostile frames while two people chat.

Several attacker connections (some logged in, some not) send mutated and
random frames (see :mod:`.fuzzing`) as fast as the server takes them,
while alice and bob chat normally.  Afterwards:

* every hostile line got exactly one reply, and none was ``internal_error``
  (a malformed frame is the client's fault, never the server's);
* no connection was closed, except the one attacker that sent an oversized
  frame, which got ``frame_too_large`` first;
* alice and bob lost nothing: every message was acknowledged, and each saw
  the other's messages as events, in increasing id order, with no gaps;
* the server still answers new connections.
"""

from __future__ import annotations

import asyncio
import os
import random
from typing import Any

from protocol.framing import encode_frame
from protocol.limits import MAX_CLIENT_FRAME_BYTES

from ..wire import WireClient
from .fuzzing import Mutator
from .helpers import logged_in

ATTACKERS_LOGGED_IN = 3
ATTACKERS_ANONYMOUS = 3
FRAMES_PER_ATTACKER = 3000
CHAT_MESSAGES = 150
#: The id of the ping each attacker ends with (a fuzzed id is never a string this long).
END_OF_ATTACK = "end of attack " + "-" * 40


class Attacker:
    """One hostile connection: writes hostile lines, counts what comes back."""

    def __init__(self, client: WireClient, rng: random.Random, peer: str) -> None:
        self.client = client
        self.mutator = Mutator(rng, peer)
        self.lines_sent = 0
        self.replies: list[dict[str, Any]] = []

    async def attack(self, frames: int) -> None:
        batch: list[bytes] = []
        for _ in range(frames):
            batch.append(self.mutator.frame())
            if len(batch) == 50:
                await self._write(b"".join(batch))
                batch.clear()
        if batch:
            await self._write(b"".join(batch))
        # Replies come in request order, so the answer to this comes last.
        self.client.writer.write(encode_frame({"type": "ping", "id": END_OF_ATTACK}))
        await self.client.writer.drain()

    async def _write(self, data: bytes) -> None:
        self.lines_sent += data.count(b"\n")
        self.client.writer.write(data)
        await self.client.writer.drain()

    async def collect(self) -> None:
        """Read everything up to the last reply; replies are the frames with ``re``."""
        while True:
            try:
                frame = await self.client.next_frame(timeout=30)
            except TimeoutError:
                raise AssertionError(
                    f"{len(self.replies)} replies to {self.lines_sent} lines; last "
                    f"{self.replies[-3:]}") from None
            if frame.get("re") == END_OF_ATTACK:
                return
            if "re" in frame:
                self.replies.append(frame)


async def chat(alice: WireClient, bob: WireClient) -> None:
    """Alice and bob talk (general room and privately) through the storm."""
    for i in range(CHAT_MESSAGES):
        speaker, other = (alice, bob) if i % 2 == 0 else (bob, alice)
        to = None if i % 3 else other_name(other)
        reply = await speaker.request("send", to=to, body=f"chat {i}", key=f"chat-{i}")
        assert reply["type"] == "ok", reply
        speaker.sent.append(reply["message"])  # type: ignore[attr-defined]
        await asyncio.sleep(0)


def other_name(client: WireClient) -> str:
    return client.name  # type: ignore[attr-defined,no-any-return]


def test_a_fuzz_storm_breaks_nothing_and_nobody_loses_anything(server_factory) -> None:
    seed = int(os.environ.get("BESEDKA_FUZZ_SEED", random.randrange(2**32)))
    print(f"fuzz seed {seed} (set BESEDKA_FUZZ_SEED to repeat)")
    rng = random.Random(seed)
    server = server_factory("--no-rate-limits", "--login-timeout", "600",
                            "--idle-timeout", "600")

    async def scenario() -> int:
        alice = await logged_in(server.address, "alice")
        bob = await logged_in(server.address, "bob")
        for client, name in ((alice, "alice"), (bob, "bob")):
            client.name = name  # type: ignore[attr-defined]
            client.sent = []  # type: ignore[attr-defined]

        attackers = []
        for i in range(ATTACKERS_LOGGED_IN):
            client = await logged_in(server.address, f"mallory{i}")
            attackers.append(Attacker(client, random.Random(rng.random()), "alice"))
        for _ in range(ATTACKERS_ANONYMOUS):
            client = await WireClient.connect(server.address)
            attackers.append(Attacker(client, random.Random(rng.random()), "bob"))

        collectors = [asyncio.create_task(a.collect()) for a in attackers]

        # The one that sends an oversized frame, in the middle of it all.
        giant = await WireClient.connect(server.address)

        async def oversized() -> dict[str, Any]:
            await giant.send_raw(b'{"type":"send","body":"' + b"z" * MAX_CLIENT_FRAME_BYTES)
            return await giant.next_frame()

        results = await asyncio.gather(
            *(a.attack(FRAMES_PER_ATTACKER) for a in attackers), chat(alice, bob), oversized())
        await asyncio.gather(*collectors)

        too_large = results[-1]
        assert too_large["type"] == "error" and too_large["code"] == "frame_too_large"
        await giant.wait_closed()

        every_code = {r.get("code") for a in attackers for r in a.replies}
        # The storm reached past the parser: some requests were carried out,
        # and the rejections came from many different checks.
        assert None in every_code and len(every_code) >= 6, every_code
        frames = 0
        for attacker in attackers:
            assert len(attacker.replies) == attacker.lines_sent
            codes = [r.get("code") for r in attacker.replies]
            assert "internal_error" not in codes and "frame_too_large" not in codes
            frames += attacker.lines_sent
            # Still connected and in step: the next reply is to this ping.
            pong = await attacker.client.request("ping")
            assert pong["type"] == "ok"

        # Nobody lost anything: every message of one reached the other, in order.
        for me, other in ((alice, bob), (bob, alice)):
            their_ids = {m["id"] for m in other.sent}  # type: ignore[attr-defined]
            seen: list[int] = []
            while their_ids - set(seen):
                event = await me.next_event("message")
                seen.append(event["message"]["id"])
            assert seen == sorted(seen) and len(seen) == len(set(seen))
            pong = await me.request("ping")
            assert pong["type"] == "ok"
            synced = await me.request("sync", after=0, limit=1000)
            mine = {m["id"]: m for m in synced["messages"]}
            for message in [*me.sent, *other.sent]:  # type: ignore[attr-defined]
                assert mine[message["id"]] == message

        # The server still takes new people.
        newcomer = await logged_in(server.address, "newcomer")
        await newcomer.send("hello?")
        for client in (alice, bob, newcomer, *(a.client for a in attackers)):
            await client.close()
        return frames

    frames = asyncio.run(scenario())
    print(f"fuzzed {frames} frames from {ATTACKERS_LOGGED_IN + ATTACKERS_ANONYMOUS} connections")
    assert server.process is not None and server.process.poll() is None
    assert server.stop() == 0
    assert "Traceback" not in server.log, server.log[-5000:]
