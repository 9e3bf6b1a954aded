"""Transfer connections for tests, written against the wire format (PROTOCOL-2.md, "Files").

Like :mod:`tests.wire`, this speaks raw frames over real sockets and uses
nothing of the server's: :func:`put` opens a connection, reads ``hello``,
sends ``put`` and the bytes, and returns the reply; :func:`get` sends
``get`` and returns the reply and the bytes that follow.  :class:`Payload`
makes deterministic contents of any size, streamed in chunks so that a
file larger than the server's memory never sits in the test's memory
either.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from protocol.framing import decode_json_object, encode_frame

from .wire import TIMEOUT, WireClient

__all__ = ["CHUNK", "Payload", "get", "put", "upload", "TransferConnection"]

#: Bytes per write when streaming a payload.
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Payload:
    """``size`` deterministic bytes named by ``seed``: the same seed and size
    give the same bytes, and so the same SHA-256."""

    size: int
    seed: int = 0
    #: the bytes themselves, for a small payload that must be these (an image)
    data: bytes | None = None

    @classmethod
    def of(cls, data: bytes) -> Payload:
        return cls(len(data), data=data)

    def chunks(self, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """The bytes from ``start`` to ``end`` (the end: all), in chunks."""
        end = self.size if end is None else end
        if self.data is not None:
            yield self.data[start:end]
            return
        block = random.Random(self.seed).randbytes(CHUNK)
        position = start - start % CHUNK
        while position < end:
            # Each chunk differs (its number up front), so no two are alike.
            chunk = position.to_bytes(8, "little") + block[8:]
            piece = chunk[max(0, start - position):min(CHUNK, end - position)]
            if piece:
                yield piece
            position += CHUNK

    def bytes(self, start: int = 0, end: int | None = None) -> bytes:
        return b"".join(self.chunks(start, end))

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for chunk in self.chunks():
            digest.update(chunk)
        return digest.hexdigest()


class TransferConnection:
    """One transfer connection, opened and greeted (``hello`` read)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, address: tuple[str, int], **options: Any) -> TransferConnection:
        reader, writer = await asyncio.open_connection(*address, **options)
        connection = cls(reader, writer)
        hello = decode_json_object((await reader.readline()).rstrip(b"\n"))
        assert hello["type"] == "hello", hello
        return connection

    async def send_frame(self, frame: dict[str, Any]) -> None:
        self.writer.write(encode_frame(frame))
        await self.writer.drain()

    async def send_bytes(self, chunks: Iterable[bytes]) -> None:
        for chunk in chunks:
            self.writer.write(chunk)
            await self.writer.drain()

    async def reply(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            line = await self.reader.readline()
        if not line:
            raise ConnectionError("the server closed the connection without a reply")
        return decode_json_object(line.rstrip(b"\n"))

    async def read_exactly(self, count: int, timeout: float = TIMEOUT) -> bytes:
        async with asyncio.timeout(timeout):
            return await self.reader.readexactly(count)

    async def read_to_end(self, timeout: float = TIMEOUT) -> bytes:
        async with asyncio.timeout(timeout):
            return await self.reader.read()

    async def chunks_to_end(self, timeout: float = TIMEOUT) -> AsyncIterator[bytes]:
        """The bytes until the server closes, as they come (none held)."""
        while True:
            async with asyncio.timeout(timeout):
                data = await self.reader.read(CHUNK)
            if not data:
                return
            yield data

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (ConnectionError, OSError):
            pass


async def put(address: tuple[str, int], token: str, payload: Payload, offset: int = 0,
              end: int | None = None, **fields: Any) -> dict[str, Any]:
    """Send ``payload``'s bytes from ``offset`` (to ``end``) after a ``put``;
    the server's reply (for a ``put`` cut short, wait for none: see
    :func:`put_part`)."""
    connection = await TransferConnection.open(address)
    try:
        await connection.send_frame({"type": "put", "upload": token, "offset": offset, **fields})
        try:
            await connection.send_bytes(payload.chunks(offset, end))
        except ConnectionError:
            pass  # refused early: the reply says why
        return await connection.reply(timeout=120)
    finally:
        await connection.close()


async def get(address: tuple[str, int], token: str, offset: int = 0,
              **fields: Any) -> tuple[dict[str, Any], bytes]:
    """A ``get``'s reply and every byte after it."""
    connection = await TransferConnection.open(address)
    try:
        await connection.send_frame({"type": "get", "token": token, "offset": offset, **fields})
        reply = await connection.reply()
        return reply, await connection.read_to_end(timeout=120)
    finally:
        await connection.close()


async def upload(client: WireClient, address: tuple[str, int], payload: Payload,
                 name: str = "file.bin", **fields: Any) -> dict[str, Any]:
    """Upload ``payload`` all the way (``file_upload``, then ``put`` if needed);
    the stored file object."""
    reply = await client.request("file_upload", name=name, size=payload.size,
                                 sha256=payload.sha256, **fields)
    assert reply["type"] == "ok", reply
    if "file" in reply:
        return reply["file"]  # type: ignore[no-any-return]
    done = await put(address, reply["upload"], payload, reply["offset"])
    assert done["type"] == "ok", done
    return done["file"]  # type: ignore[no-any-return]
