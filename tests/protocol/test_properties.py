"""Property-based tests: whatever a peer sends, protocol/ answers with its own errors.

The server runs the decoder, the request parser and the validators on bytes
from anyone on the network; any other exception would become an
``internal_error`` or a dropped connection.  Hypothesis generates the input:
arbitrary bytes cut anywhere, arbitrary JSON, arbitrary text including
lone surrogates.  Each property also checks the output against the rules,
so "did not crash" is never the whole claim.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import orjson
from hypothesis import example, given, settings
from hypothesis import strategies as st

from protocol.errors import ErrorCode, FrameTooLargeError, ProtocolError, RequestError
from protocol.frames import REQUEST_TYPES, Request, decode_request, parse_request
from protocol.framing import FrameDecoder
from protocol.limits import BODY_MAX_CHARS, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS
from protocol.rules import (
    USERNAME_PUNCTUATION,
    check_password,
    is_default_ignorable,
    is_white_space,
    normalize_body,
    normalize_username,
    username_key,
)

FAST = settings(max_examples=300, deadline=None)

# --------------------------------------------------------------------------
# Framing

# Bytes rich in the ones that matter to the decoder: LF, CR, and the start,
# continuation and end of multi-byte UTF-8 sequences.
stream_bytes = st.lists(
    st.one_of(st.sampled_from([b"\n", b"\r", b"\r\n", b"\xd0", b"\x96", b"\xf0\x9f"]),
              st.binary(max_size=12)),
    max_size=40,
).map(b"".join)


@st.composite
def chunked(draw: st.DrawFn, data: st.SearchStrategy[bytes]) -> tuple[bytes, list[bytes]]:
    """A byte string and the same bytes cut into chunks at arbitrary points."""
    whole = draw(data)
    cuts = sorted(draw(st.lists(st.integers(0, len(whole)), max_size=12)))
    bounds = [0, *cuts, len(whole)]
    return whole, [whole[a:b] for a, b in zip(bounds, bounds[1:])]


def expected_feeds(chunks: list[bytes], limit: int) -> tuple[list[list[bytes]], list[bytes] | None]:
    """What each feed should return, by the contract's definition of a frame;
    and, when the limit is broken, the frames left in ``pending``."""
    results: list[list[bytes]] = []
    unfinished = b""
    for chunk in chunks:
        unfinished += chunk
        frames: list[bytes] = []
        while b"\n" in unfinished:
            line, unfinished = unfinished.split(b"\n", 1)
            if len(line) + 1 > limit:
                return results, frames
            frames.append(line.removesuffix(b"\r"))
        if len(unfinished) + 1 > limit:  # cannot fit even if LF came next
            return results, frames
        results.append(frames)
    return results, None


@FAST
@given(chunked(stream_bytes), st.integers(1, 40))
def test_decoder_returns_exactly_the_lines_of_the_stream_or_fails_at_the_limit(
    stream: tuple[bytes, list[bytes]], limit: int
) -> None:
    _, chunks = stream
    expected, pending = expected_feeds(chunks, limit)
    decoder = FrameDecoder(limit)
    for chunk, frames in zip(chunks, expected):
        assert decoder.feed(chunk) == frames
    if pending is not None:
        try:
            decoder.feed(chunks[len(expected)])
        except FrameTooLargeError as error:
            assert error.code is ErrorCode.FRAME_TOO_LARGE
            assert decoder.pending == pending
        else:
            raise AssertionError("the frame over the limit was accepted")


@FAST
@given(chunked(stream_bytes.map(lambda data: data.replace(b"\r", b""))))
def test_frames_joined_with_newlines_reproduce_the_stream(
    stream: tuple[bytes, list[bytes]],
) -> None:
    whole, chunks = stream
    decoder = FrameDecoder()
    frames = [frame for chunk in chunks for frame in decoder.feed(chunk)]
    complete = len(whole) - decoder.buffered_bytes
    assert b"".join(frame + b"\n" for frame in frames) == whole[:complete]
    assert b"\n" not in whole[complete:]


# --------------------------------------------------------------------------
# Requests

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
FIELD_NAMES = sorted({"id", "username", "password", "to", "body", "key", "with", "before",
                      "limit", "after", "up_to", "old_password", "new_password"})
# Values that pass a field's type check often enough to reach the rules.
field_values = st.one_of(
    json_values,
    st.integers(-2, 1002),
    st.text(min_size=0, max_size=70),
    st.text(alphabet="ab_.-1 \r\n", min_size=2, max_size=10),
)
requests = st.builds(
    lambda request_type, fields: {**fields, "type": request_type},
    st.sampled_from(sorted(REQUEST_TYPES)),
    st.dictionaries(st.sampled_from(FIELD_NAMES), field_values, max_size=8),
)


def decode_and_parse(data: bytes) -> Request | None:
    """Run the server's two steps; None when the request was rejected."""
    try:
        return parse_request(decode_request(data))
    except RequestError as error:
        assert isinstance(error.code, ErrorCode)
        assert error.message
        return None


@FAST
@given(st.binary(max_size=200))
def test_arbitrary_bytes_as_a_request_raise_only_request_error(data: bytes) -> None:
    decode_and_parse(data)


@FAST
@given(json_values)
def test_arbitrary_json_as_a_request_raises_only_request_error(value: Any) -> None:
    assert decode_and_parse(orjson.dumps(value)) is None or isinstance(value, dict)


@FAST
@given(requests)
def test_a_request_of_a_known_type_parses_or_raises_only_request_error(
    frame: dict[str, Any],
) -> None:
    request = decode_and_parse(orjson.dumps(frame))
    if request is not None:
        # What the server accepted, a client sends again unchanged.
        assert decode_and_parse(orjson.dumps(request.to_frame(frame.get("id")))) == request


# --------------------------------------------------------------------------
# Rules

any_text = st.text(
    alphabet=st.one_of(st.characters(exclude_categories=()),
                       st.sampled_from("\r\n\t \u00a0\u3000\u2028\u0085\ud800\udfff\u0301")),
    max_size=40,
)


def near_length(limit: int) -> st.SearchStrategy[str]:
    """Text of about ``limit`` characters around a long run of one unit
    (drawing thousands of characters one by one would make Hypothesis slow)."""
    run = st.builds(lambda unit, size: unit * (size // len(unit)),
                    st.sampled_from(["x", "я\r\n", "\r\n", "🙂 "]),
                    st.integers(limit - 40, limit + 5))
    return st.builds(lambda head, middle, tail: head + middle + tail, any_text, run, any_text)


name_like = st.text(
    alphabet=st.one_of(st.characters(categories=("L", "M", "Nd")), st.sampled_from("_-. !")),
    min_size=1, max_size=40,
)


def _username_rule_holds(name: str) -> bool:
    # PROTOCOL.md, "Rules" (the default-ignorable code points are Unicode
    # data Python lacks: the protocol's table is the one source of them).
    return 3 <= len(name) <= 32 and all(
        char in USERNAME_PUNCTUATION or (
            (unicodedata.category(char)[0] in "LM" or unicodedata.category(char) == "Nd")
            and not is_default_ignorable(char))
        for char in name
    ) and (unicodedata.category(name[0])[0] == "L" or unicodedata.category(name[0]) == "Nd")


@FAST
@given(st.one_of(any_text, name_like))
def test_normalize_username_accepts_exactly_the_valid_names_and_is_idempotent(raw: str) -> None:
    composed = unicodedata.normalize("NFC", raw)
    try:
        name = normalize_username(raw)
    except ProtocolError as error:
        assert error.code is ErrorCode.INVALID_USERNAME
        assert not _username_rule_holds(composed)
        return
    assert name == composed
    assert _username_rule_holds(name)
    assert normalize_username(name) == name
    assert username_key(name) == username_key(raw)


@FAST
@given(st.one_of(any_text, name_like))
@example("İ\u1b34")  # once a counterexample: folding left the key out of NFC
def test_username_key_of_a_key_is_the_same_key(raw: str) -> None:
    key = username_key(raw)
    assert username_key(key) == key


@FAST
@given(st.one_of(any_text, near_length(PASSWORD_MAX_CHARS)))
def test_check_password_rejects_exactly_the_wrong_lengths(password: str) -> None:
    try:
        check_password(password)
    except ProtocolError as error:
        assert error.code is ErrorCode.WEAK_PASSWORD
        assert not PASSWORD_MIN_CHARS <= len(password) <= PASSWORD_MAX_CHARS
    else:
        assert PASSWORD_MIN_CHARS <= len(password) <= PASSWORD_MAX_CHARS


def _body_rule_holds(body: str) -> bool:
    return (
        1 <= len(body) <= BODY_MAX_CHARS
        and "\r" not in body
        and not all(is_white_space(char) for char in body)
        and all(char in "\t\n" or unicodedata.category(char) not in ("Cc", "Cs") for char in body)
    )


@FAST
@given(st.one_of(any_text, near_length(BODY_MAX_CHARS)))
def test_normalize_body_output_obeys_the_rules_and_is_idempotent(raw: str) -> None:
    lines_fixed = raw.replace("\r\n", "\n").replace("\r", "\n")
    try:
        body = normalize_body(raw)
    except ProtocolError as error:
        assert not _body_rule_holds(lines_fixed)
        if error.code is ErrorCode.MESSAGE_TOO_LONG:
            assert len(lines_fixed) > BODY_MAX_CHARS
        else:
            assert error.code is ErrorCode.BAD_REQUEST
        return
    assert body == lines_fixed
    assert _body_rule_holds(body)
    assert normalize_body(body) == body
