"""A minimal protocol client for tests, written against the wire format.

It speaks raw frames over a real socket, the way any third-party tool
would, and keeps replies and events apart: :meth:`WireClient.request` waits
for the reply to its own ``id`` while events that arrive meanwhile are
queued for :meth:`WireClient.next_event`.  It deliberately does not use the
server's code; it uses :mod:`protocol` only to encode and split frames.
"""

from __future__ import annotations

import asyncio
import itertools
import struct
import sys
from collections import deque
from typing import Any

from protocol.framing import FrameDecoder, encode_frame
from protocol.frames import decode_json_object
from protocol.limits import MAX_SERVER_FRAME_BYTES

TIMEOUT = 15.0
PASSWORD = "correct horse"

#: SO_LINGER on with a zero timeout: close() then sends a reset, not a FIN.
#: (``struct linger`` is two ints on POSIX, two unsigned shorts on Windows.)
LINGER_ZERO = struct.pack("HH" if sys.platform == "win32" else "ii", 1, 0)


class ConnectionClosed(Exception):
    """The server closed the connection."""


class WireClient:
    """One connection to a server, driven from an asyncio test."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.decoder = FrameDecoder(MAX_SERVER_FRAME_BYTES)
        self.frames: deque[dict[str, Any]] = deque()
        self.events: deque[dict[str, Any]] = deque()
        self.replies: dict[Any, dict[str, Any]] = {}
        self.ids = itertools.count(1)
        self.hello: dict[str, Any] | None = None
        self.closed = False

    @classmethod
    async def connect(cls, address: tuple[str, int], *, hello: bool = True) -> WireClient:
        reader, writer = await asyncio.open_connection(*address, limit=MAX_SERVER_FRAME_BYTES)
        client = cls(reader, writer)
        if hello:
            client.hello = await client.next_frame()
        return client

    @classmethod
    async def logged_in(cls, address: tuple[str, int], username: str, *,
                        register: bool = True, password: str = PASSWORD,
                        **negotiation: Any) -> WireClient:
        """Connect and register (or log in); the roster event is consumed.
        ``negotiation`` adds version 2's fields (``protocol=2``)."""
        client = await cls.connect(address)
        reply = await client.request("register" if register else "login",
                                     username=username, password=password, **negotiation)
        assert reply["type"] == "ok", reply
        roster = await client.next_event("users")
        client.roster = roster["users"]
        return client

    roster: list[dict[str, Any]]

    async def send_raw(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send_raw(encode_frame(frame))

    async def _read_more(self) -> None:
        data = await self.reader.read(1 << 16)
        if not data:
            self.closed = True
            raise ConnectionClosed()
        for frame in self.decoder.feed(data):
            self.frames.append(decode_json_object(frame))

    async def next_frame(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next frame of any kind, in arrival order."""
        async with asyncio.timeout(timeout):
            return await self._take_frame()

    async def _take_frame(self) -> dict[str, Any]:
        # No timeout of its own: each caller bounds the whole wait with the
        # timeout it was given.  (A default one here cut a caller's longer
        # timeout short after 15 s without a frame.)
        while not self.frames:
            await self._read_more()
        return self.frames.popleft()

    async def _pump(self) -> None:
        frame = await self._take_frame()
        if "re" in frame:
            self.replies[frame["re"]] = frame
        else:
            self.events.append(frame)

    async def request(self, request_type: str, timeout: float = TIMEOUT,
                      **fields: Any) -> dict[str, Any]:
        """Send a request with a fresh id and return its reply."""
        request_id = next(self.ids)
        await self.send_frame({"type": request_type, "id": request_id, **fields})
        return await self.reply_to(request_id, timeout)

    async def reply_to(self, request_id: Any, timeout: float = TIMEOUT) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while request_id not in self.replies:
                await self._pump()
        return self.replies.pop(request_id)

    async def next_event(self, event_type: str | None = None,
                         timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next event (of a type, skipping others of no interest)."""
        async with asyncio.timeout(timeout):
            while True:
                while self.events:
                    event = self.events.popleft()
                    if event_type is None or event["type"] == event_type:
                        return event
                await self._pump()

    async def no_event(self, seconds: float = 0.3) -> list[dict[str, Any]]:
        """Events arriving within a short time (to assert there are none)."""
        try:
            async with asyncio.timeout(seconds):
                while True:
                    await self._pump()
        except TimeoutError:
            pass
        except ConnectionClosed:
            pass
        received = list(self.events)
        self.events.clear()
        return received

    async def send(self, body: str, to: str | None = None, **fields: Any) -> dict[str, Any]:
        """Send a message; returns the stored message from the ``ok`` reply."""
        reply = await self.request("send", to=to, body=body, **fields)
        assert reply["type"] == "ok", reply
        return reply["message"]  # type: ignore[no-any-return]

    async def wait_closed(self, timeout: float = TIMEOUT) -> None:
        """Read until the server closes the connection."""
        async with asyncio.timeout(timeout):
            try:
                while True:
                    await self._pump()
            except (ConnectionClosed, ConnectionResetError):
                return

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (ConnectionError, OSError):
            pass
