"""Newline-delimited JSON framing, without any I/O.

:class:`FrameDecoder` is fed whatever bytes a socket produced, in chunks of
any size, and hands back complete frames (one JSON text each, newline and
optional carriage return removed).  It never holds more than one frame's
limit of unfinished input: a peer that sends a longer line gets
:class:`~protocol.errors.FrameTooLargeError` as soon as the limit is passed,
not after it has filled the memory.

:func:`encode_frame` is the single place that turns a frame object into
bytes, and :func:`decode_json_object` the one that turns a frame's bytes
into its JSON object, for both directions.
"""

from __future__ import annotations

from typing import Any

import orjson

from .errors import ErrorCode, FrameTooLargeError, ProtocolError
from .limits import MAX_CLIENT_FRAME_BYTES

__all__ = ["FrameDecoder", "decode_json_object", "encode_frame", "encode_json",
           "frame_prefix"]


def encode_frame(frame: dict[str, Any]) -> bytes:
    """Serialise one frame as compact UTF-8 JSON followed by ``\\n``.

    JSON escapes every newline inside strings, so the terminator is the only
    raw newline in the result.
    """
    return orjson.dumps(frame, option=orjson.OPT_APPEND_NEWLINE)


def encode_json(value: Any) -> bytes:
    """Serialise one value as :func:`encode_frame` writes it inside a frame,
    for a value that several frames carry (see :func:`frame_prefix`)."""
    return orjson.dumps(value)


def frame_prefix(head: dict[str, Any], name: str) -> bytes:
    """The bytes of the frame ``head`` with one more field ``name``, up to
    that field's value.

    ``prefix + encode_json(value) + b"}\\n"`` is what :func:`encode_frame`
    gives for ``{**head, name: value}``: a message that goes out in
    several frames (the ``ok`` to its sender, the event to the others) is
    encoded once and spliced into each (bench/README.md, issue 20's
    fourth session).  ``head`` must not be empty nor have ``name``.
    """
    return orjson.dumps(head)[:-1] + b"," + orjson.dumps(name) + b":"


def decode_json_object(frame: bytes) -> dict[str, Any]:
    """Parse one frame's JSON text, which must be an object.

    Raises:
        ProtocolError: ``bad_request`` for anything else.
    """
    try:
        value = orjson.loads(frame)
    except orjson.JSONDecodeError as error:
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"frame is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "frame must be a JSON object")
    return value


class FrameDecoder:
    """Splits a byte stream into frames.

    Args:
        max_frame_bytes: the longest frame accepted, newline included; the
            server uses :data:`~protocol.limits.MAX_CLIENT_FRAME_BYTES`, a
            client :data:`~protocol.limits.MAX_SERVER_FRAME_BYTES`.

    After :meth:`feed` raised :class:`FrameTooLargeError` the decoder is
    broken: the rest of the stream has no known frame boundary, so the
    connection must end.  Frames completed before the oversized one are
    available from :attr:`pending` so that they can still be answered.
    """

    __slots__ = ("_buffer", "_max_frame_bytes", "_scan_from", "pending")

    def __init__(self, max_frame_bytes: int = MAX_CLIENT_FRAME_BYTES) -> None:
        self._max_frame_bytes = max_frame_bytes
        self._buffer = bytearray()
        # Where to resume looking for a newline: bytes before it are known to
        # hold none, so a frame that arrives byte by byte is scanned once.
        self._scan_from = 0
        #: Complete frames found by the last :meth:`feed` before it failed.
        self.pending: list[bytes] = []

    def feed(self, data: bytes) -> list[bytes]:
        """Add received bytes and return the frames they completed, in order.

        Raises:
            FrameTooLargeError: a frame is longer than the limit.
        """
        buffer = self._buffer
        buffer += data
        frames: list[bytes] = []
        self.pending = frames
        start = 0
        scan = self._scan_from
        limit = self._max_frame_bytes
        while True:
            newline = buffer.find(b"\n", scan)
            if newline < 0:
                break
            if newline + 1 - start > limit:
                raise FrameTooLargeError(limit)
            end = newline - 1 if newline > start and buffer[newline - 1] == 0x0D else newline
            frames.append(bytes(buffer[start:end]))
            start = scan = newline + 1
        if start:
            del buffer[:start]
        # Without a newline yet, the frame can only fit if it is still
        # shorter than the limit (the newline itself takes one byte).
        if len(buffer) >= limit:
            raise FrameTooLargeError(limit)
        self._scan_from = len(buffer)
        return frames

    def feed_first(self, data: bytes) -> bytes | None:
        """Add received bytes and return the first frame once it is complete,
        leaving whatever follows it unsplit.

        For a connection's first frame, which may be a transfer's ``put``
        (PROTOCOL-2.md, "Files"): the bytes after it are a file's, not
        frames, and must be neither split at newlines nor counted against
        the frame limit.  Take them with :meth:`take_buffered`; or, if the
        frame was an ordinary request, :meth:`feed` ``b""`` to split them.

        Raises:
            FrameTooLargeError: the first frame is longer than the limit.
        """
        self.pending = []
        buffer = self._buffer
        buffer += data
        newline = buffer.find(b"\n", self._scan_from)
        if newline < 0:
            if len(buffer) >= self._max_frame_bytes:
                raise FrameTooLargeError(self._max_frame_bytes)
            self._scan_from = len(buffer)
            return None
        if newline + 1 > self._max_frame_bytes:
            raise FrameTooLargeError(self._max_frame_bytes)
        end = newline - 1 if newline > 0 and buffer[newline - 1] == 0x0D else newline
        frame = bytes(buffer[:end])
        del buffer[:newline + 1]
        self._scan_from = 0
        return frame

    def take_buffered(self) -> bytes:
        """Remove and return every byte held (see :meth:`feed_first`)."""
        data = bytes(self._buffer)
        self._buffer.clear()
        self._scan_from = 0
        return data

    @property
    def buffered_bytes(self) -> int:
        """Bytes of an unfinished frame waiting for its newline."""
        return len(self._buffer)
