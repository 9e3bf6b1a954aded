"""FrameDecoder and encode_frame fed bytes only: how a byte stream becomes frames.

The decoder sits between a socket and the request parser on both sides, so
every way TCP can cut a stream (anywhere, even inside a UTF-8 sequence) must
give the same frames, and a peer that never sends a newline must be stopped
at the size limit instead of filling the memory.
"""

from __future__ import annotations

import pytest

from protocol.errors import ErrorCode, FrameTooLargeError
from protocol.frames import decode_json_object
from protocol.framing import FrameDecoder, encode_frame
from protocol.limits import MAX_CLIENT_FRAME_BYTES, MAX_SERVER_FRAME_BYTES

LIMIT = MAX_CLIENT_FRAME_BYTES


def feed_in_chunks(decoder: FrameDecoder, data: bytes, size: int) -> list[bytes]:
    frames: list[bytes] = []
    for start in range(0, len(data), size):
        frames += decoder.feed(data[start:start + size])
    return frames


def test_default_limit_is_the_client_frame_limit_of_the_contract() -> None:
    assert MAX_CLIENT_FRAME_BYTES == 65_536
    decoder = FrameDecoder()
    with pytest.raises(FrameTooLargeError):
        decoder.feed(b"x" * 65_536)


STREAM = (
    '{"type":"send","to":null,"body":"привет, 世界 🙂"}\n'
    '{"type":"ping","id":1}\r\n'
    '{"type":"history","with":"Ёлка"}\n'
).encode()
EXPECTED = [
    '{"type":"send","to":null,"body":"привет, 世界 🙂"}'.encode(),
    b'{"type":"ping","id":1}',
    '{"type":"history","with":"Ёлка"}'.encode(),
]


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 7, 64, len(STREAM)])
def test_frames_are_the_same_however_the_stream_is_cut(chunk_size: int) -> None:
    decoder = FrameDecoder()
    assert feed_in_chunks(decoder, STREAM, chunk_size) == EXPECTED
    assert decoder.buffered_bytes == 0


def test_a_cut_inside_a_multibyte_character_is_joined_before_decoding() -> None:
    frame = '{"body":"🙂"}\n'.encode()
    emoji_start = frame.index("🙂".encode())
    decoder = FrameDecoder()
    assert decoder.feed(frame[:emoji_start + 1]) == []
    assert decoder.feed(frame[emoji_start + 1:emoji_start + 3]) == []
    [complete] = decoder.feed(frame[emoji_start + 3:])
    assert decode_json_object(complete) == {"body": "🙂"}


def test_every_frame_completed_by_one_chunk_is_returned_in_order() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"1\n2\n3\n4") == [b"1", b"2", b"3"]
    assert decoder.buffered_bytes == 1
    assert decoder.feed(b"\n") == [b"4"]


def test_crlf_ends_a_frame_and_the_carriage_return_is_dropped() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"a\r\nb\r") == [b"a"]
    # The CR of "b\r" only belongs to the terminator once the LF arrives.
    assert decoder.feed(b"\n") == [b"b"]


def test_only_one_carriage_return_is_part_of_the_terminator() -> None:
    assert FrameDecoder().feed(b"a\r\r\n\r\n") == [b"a\r", b""]


def test_a_carriage_return_alone_does_not_end_a_frame() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"a\rb\r") == []
    assert decoder.feed(b"\n") == [b"a\rb"]


def test_an_empty_line_is_an_empty_frame() -> None:
    assert FrameDecoder().feed(b"\n\r\n") == [b"", b""]


@pytest.mark.parametrize("terminator", [b"\n", b"\r\n"])
@pytest.mark.parametrize("chunk_size", [1000, LIMIT])
def test_a_frame_of_exactly_the_limit_including_its_terminator_is_accepted(
    terminator: bytes, chunk_size: int
) -> None:
    frame = b"x" * (LIMIT - len(terminator))
    decoder = FrameDecoder()
    assert feed_in_chunks(decoder, frame + terminator + b"y\n", chunk_size) == [frame, b"y"]


@pytest.mark.parametrize("terminator", [b"\n", b"\r\n"])
def test_a_frame_one_byte_over_the_limit_is_rejected_when_its_newline_arrives(
    terminator: bytes,
) -> None:
    decoder = FrameDecoder()
    with pytest.raises(FrameTooLargeError) as caught:
        decoder.feed(b"x" * (LIMIT + 1 - len(terminator)) + terminator)
    assert caught.value.code is ErrorCode.FRAME_TOO_LARGE
    assert caught.value.limit == LIMIT


def test_an_endless_line_fails_as_soon_as_it_can_no_longer_fit() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"x" * (LIMIT - 1)) == []
    assert decoder.buffered_bytes == LIMIT - 1
    # LIMIT bytes without a newline make at least LIMIT + 1 with it.
    with pytest.raises(FrameTooLargeError):
        decoder.feed(b"x")


def test_an_endless_line_fed_in_small_chunks_fails_on_the_chunk_that_reaches_the_limit() -> None:
    decoder = FrameDecoder()
    chunk = b"x" * 4096
    fed = 0
    with pytest.raises(FrameTooLargeError):
        for _ in range(2 * LIMIT // len(chunk)):
            fed += len(chunk)
            decoder.feed(chunk)
    assert fed == LIMIT  # 16 chunks: the 16th makes LIMIT bytes with no newline


def test_a_huge_chunk_without_newline_is_rejected_at_once() -> None:
    with pytest.raises(FrameTooLargeError):
        FrameDecoder().feed(b"x" * (4 * LIMIT))


def test_frames_before_an_oversized_one_are_left_in_pending() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"old\n") == [b"old"]
    with pytest.raises(FrameTooLargeError):
        decoder.feed(b"a\nb\n" + b"x" * LIMIT + b"\nnever\n")
    assert decoder.pending == [b"a", b"b"]


def test_frames_before_an_endless_tail_are_left_in_pending() -> None:
    decoder = FrameDecoder()
    with pytest.raises(FrameTooLargeError):
        decoder.feed(b"a\n" + b"x" * LIMIT)
    assert decoder.pending == [b"a"]


def test_pending_holds_the_frames_of_the_last_successful_feed_only_while_it_fails() -> None:
    decoder = FrameDecoder()
    decoder.feed(b"a\n")
    decoder.feed(b"b")
    with pytest.raises(FrameTooLargeError):
        decoder.feed(b"x" * LIMIT)
    # "a" was already returned by an earlier feed; it must not be answered twice.
    assert decoder.pending == []


def test_a_client_side_decoder_accepts_large_server_frames() -> None:
    decoder = FrameDecoder(MAX_SERVER_FRAME_BYTES)
    big = b"x" * (MAX_CLIENT_FRAME_BYTES * 4)
    assert decoder.feed(big + b"\n") == [big]


def test_a_small_custom_limit_is_enforced_exactly() -> None:
    decoder = FrameDecoder(4)
    assert decoder.feed(b"abc\n") == [b"abc"]
    with pytest.raises(FrameTooLargeError):
        decoder.feed(b"abcd")


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "ok", "re": 1, "message": {"body": "line one\nline two\r\nthree\u2028four"}},
        {"type": "send", "to": None, "body": "\n\n\n"},
        {"type": "ping", "id": "ключ\n"},
    ],
)
def test_encode_frame_writes_one_compact_line_that_decodes_back(frame: dict[str, object]) -> None:
    data = encode_frame(frame)
    assert data.endswith(b"\n")
    assert data.count(b"\n") == 1
    assert b"\r" not in data
    assert b": " not in data and b", " not in data  # compact: no padding bytes
    assert FrameDecoder().feed(data) == [data[:-1]]
    assert decode_json_object(data[:-1]) == frame


def test_encode_frame_writes_utf8_not_ascii_escapes() -> None:
    assert encode_frame({"body": "Ёж"}) == '{"body":"Ёж"}\n'.encode()
