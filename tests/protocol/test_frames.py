"""Typed requests and reply objects: what a server makes of a client's frame.

``decode_request`` checks the envelope and ``parse_request`` every field; a
client relies on getting ``bad_request`` that names the wrong field, on
``re`` echoing its ``id`` whenever that id was usable, and on the objects in
replies (messages, roster entries, timestamps) meaning the same on both
sides.  Frames here are built as bytes, the way they arrive from a socket.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest

from protocol.errors import ErrorCode, ProtocolError, RequestError
from protocol.frames import (
    PRE_AUTH_TYPES,
    REQUEST_TYPES,
    ChangePassword,
    History,
    ListUsers,
    Login,
    Logout,
    MarkRead,
    Message,
    Ping,
    Register,
    Request,
    RosterEntry,
    Send,
    Sync,
    decode_request,
    error_reply,
    format_ts,
    ok_reply,
    parse_request,
    parse_ts,
)
from protocol.framing import FrameDecoder, encode_frame
from protocol.limits import HISTORY_DEFAULT_LIMIT, SYNC_DEFAULT_LIMIT
from protocol.requests import Resume

MAX_ID = 2**63 - 1  # the largest message id SQLite can hand out


def parse(frame: dict[str, Any]) -> Request:
    return parse_request(decode_request(orjson.dumps(frame)))


def parse_error(frame: dict[str, Any] | bytes) -> RequestError:
    data = frame if isinstance(frame, bytes) else orjson.dumps(frame)
    with pytest.raises(RequestError) as caught:
        parse_request(decode_request(data))
    return caught.value


def assert_bad_field(frame: dict[str, Any], field: str) -> None:
    error = parse_error({**frame, "id": "r1"})
    assert (error.code, error.re) == (ErrorCode.BAD_REQUEST, "r1")
    assert f"'{field}'" in error.message


# --------------------------------------------------------------------------
# The envelope


def test_the_request_types_are_exactly_those_of_the_contract() -> None:
    assert set(REQUEST_TYPES) == {
        "register", "login", "logout", "ping", "users", "send", "history", "sync",
        "mark_read", "change_password",
        # Version 2 (PROTOCOL-2.md); more arrive with each feature.
        "resume",
    } | {name for name, cls in REQUEST_TYPES.items() if cls.SINCE >= 2}
    assert PRE_AUTH_TYPES == {"register", "login", "ping", "resume"}


@pytest.mark.parametrize(
    "data",
    [b"", b"not json", b'{"type":"ping"', b"{'type':'ping'}", b'{"type":"ping",}',
     b"\xff\xfe", b'{"type":"ping","id":1e999}', b'{"type":"send","body":"\\ud800"}'],
)
def test_a_frame_that_is_not_json_is_a_bad_request_without_re(data: bytes) -> None:
    with pytest.raises(RequestError) as caught:
        decode_request(data)
    assert (caught.value.code, caught.value.re) == (ErrorCode.BAD_REQUEST, None)


@pytest.mark.parametrize("data", [b"[]", b'["ping"]', b'"ping"', b"42", b"null", b"true"])
def test_json_that_is_not_an_object_is_a_bad_request_without_re(data: bytes) -> None:
    with pytest.raises(RequestError) as caught:
        decode_request(data)
    assert (caught.value.code, caught.value.re) == (ErrorCode.BAD_REQUEST, None)
    assert "object" in caught.value.message


@pytest.mark.parametrize(
    "request_id",
    [1.5, 1.0, True, False, [1], {"n": 1}, "x" * 65, 2**53 + 1, -(2**53) - 1, 2**63],
)
def test_an_invalid_id_is_a_bad_request_answered_with_re_null(request_id: Any) -> None:
    error = parse_error({"type": "ping", "id": request_id})
    assert (error.code, error.re) == (ErrorCode.BAD_REQUEST, None)
    assert "'id'" in error.message


def test_an_id_beyond_64_bits_is_a_bad_request_answered_with_re_null() -> None:
    error = parse_error(b'{"type":"ping","id":18446744073709551616}')
    assert (error.code, error.re) == (ErrorCode.BAD_REQUEST, None)


@pytest.mark.parametrize("request_id", ["", "x" * 64, "идентификатор", 0, 2**53, -(2**53), None])
def test_every_valid_id_comes_back_unchanged_as_re(request_id: Any) -> None:
    assert decode_request(orjson.dumps({"type": "ping", "id": request_id})).re == request_id


def test_an_id_of_64_characters_counts_characters_not_bytes() -> None:
    assert decode_request(orjson.dumps({"type": "ping", "id": "я" * 64})).re == "я" * 64


def test_a_missing_id_is_re_null() -> None:
    assert decode_request(b'{"type":"ping"}').re is None


@pytest.mark.parametrize("fields", [{}, {"type": None}, {"type": 1}, {"type": ["ping"]}])
def test_a_missing_or_ill_typed_type_is_a_bad_request_keeping_re(fields: dict[str, Any]) -> None:
    error = parse_error({"id": 7, **fields})
    assert (error.code, error.re) == (ErrorCode.BAD_REQUEST, 7)
    assert "'type'" in error.message


def test_an_unknown_type_is_unknown_type_keeping_re_whatever_its_fields() -> None:
    raw = decode_request(b'{"type":"fly","id":"a","to":5}')
    assert (raw.type, raw.re) == ("fly", "a")
    with pytest.raises(RequestError) as caught:
        parse_request(raw)
    assert (caught.value.code, caught.value.re) == (ErrorCode.UNKNOWN_TYPE, "a")


def test_type_is_case_sensitive() -> None:
    assert parse_error({"type": "PING"}).code is ErrorCode.UNKNOWN_TYPE


def test_unknown_fields_are_ignored() -> None:
    assert parse({"type": "ping", "extra": {"nested": [1]}}) == Ping()
    assert parse({"type": "send", "to": None, "body": "hi", "colour": "red"}) == Send(None, "hi")


# --------------------------------------------------------------------------
# Fields, type by type

VALID: dict[str, dict[str, Any]] = {
    "register": {"type": "register", "username": "alice", "password": "correct horse"},
    "login": {"type": "login", "username": "alice", "password": "correct horse"},
    "send": {"type": "send", "to": "bob", "body": "hi", "key": "k1"},
    "history": {"type": "history", "with": "bob", "before": 10, "limit": 5},
    "sync": {"type": "sync", "after": 0, "limit": 5},
    "mark_read": {"type": "mark_read", "with": "bob", "up_to": 3},
    "change_password": {"type": "change_password", "old_password": "x", "new_password": "y" * 8},
}

# Each field, with values of a wrong JSON type for it.
ILL_TYPED: list[tuple[str, str, list[Any]]] = [
    ("register", "username", [None, 1, ["alice"], True]),
    ("register", "password", [None, 12345678, {"p": 1}]),
    ("login", "username", [None, 1, ["alice"]]),
    ("login", "password", [None, 1.5, False]),
    ("send", "to", [1, True, ["bob"], {}]),
    ("send", "body", [None, 1, ["hi"]]),
    ("send", "key", [1, True, ["k"], ""]),
    ("history", "with", [1, False, ["bob"]]),
    ("history", "before", ["10", 1.5, 10.0, True, -1, [1]]),
    ("history", "limit", ["5", 5.0, True, 0, 201, -1]),
    ("sync", "after", [None, "0", 0.0, False, -1]),
    ("sync", "limit", ["5", 5.5, True, 0, 1001]),
    ("mark_read", "with", [1, True, {}]),
    ("mark_read", "up_to", [None, "3", 3.0, True, -1]),
    ("change_password", "old_password", [None, 1]),
    ("change_password", "new_password", [None, 12345678]),
]


@pytest.mark.parametrize(
    ("request_type", "field", "value"),
    [(t, f, v) for t, f, values in ILL_TYPED for v in values],
)
def test_an_ill_typed_field_is_a_bad_request_naming_it(
    request_type: str, field: str, value: Any
) -> None:
    assert_bad_field({**VALID[request_type], field: value}, field)


REQUIRED = [
    ("register", "username"), ("register", "password"), ("login", "username"),
    ("login", "password"), ("send", "body"), ("sync", "after"), ("mark_read", "up_to"),
    ("change_password", "old_password"), ("change_password", "new_password"),
]


@pytest.mark.parametrize(("request_type", "field"), REQUIRED)
def test_a_missing_required_field_is_a_bad_request_naming_it(request_type: str, field: str) -> None:
    frame = dict(VALID[request_type])
    del frame[field]
    assert_bad_field(frame, field)


@pytest.mark.parametrize("request_type", sorted(VALID))
def test_every_valid_example_parses(request_type: str) -> None:
    assert parse(VALID[request_type]).TYPE == request_type


@pytest.mark.parametrize("request_type", ["logout", "ping", "users"])
def test_requests_without_fields_parse(request_type: str) -> None:
    assert parse({"type": request_type}) == REQUEST_TYPES[request_type]()


def test_register_stores_the_composed_name_and_checks_the_rules() -> None:
    assert parse({**VALID["register"], "username": "Jose\u0301"}) == Register("José",
                                                                              "correct horse")
    error = parse_error({**VALID["register"], "id": 3, "username": "a b"})
    assert (error.code, error.re) == (ErrorCode.INVALID_USERNAME, 3)
    error = parse_error({**VALID["register"], "id": 4, "password": "short"})
    assert (error.code, error.re) == (ErrorCode.WEAK_PASSWORD, 4)


def test_login_does_not_apply_the_name_and_password_rules() -> None:
    # A malformed name is just an account that does not exist.
    assert parse({"type": "login", "username": "a b!", "password": "x"}) == Login("a b!", "x")


def test_change_password_checks_only_the_new_password() -> None:
    assert parse(VALID["change_password"]) == ChangePassword("x", "y" * 8)
    error = parse_error({**VALID["change_password"], "new_password": "short"})
    assert error.code is ErrorCode.WEAK_PASSWORD


def test_send_normalises_the_body_and_applies_its_rules() -> None:
    assert parse({"type": "send", "to": None, "body": "a\r\nb"}) == Send(None, "a\nb")
    assert parse_error({"type": "send", "to": None, "body": " \u3000"}).code is (
        ErrorCode.BAD_REQUEST)
    assert parse_error({"type": "send", "to": None, "body": "x" * 4001}).code is (
        ErrorCode.MESSAGE_TOO_LONG)


@pytest.mark.parametrize("key", ["k", "x" * 64, "я" * 64, "550e8400-e29b-41d4-a716-446655440000"])
def test_send_keys_of_1_to_64_characters_are_accepted(key: str) -> None:
    assert parse({"type": "send", "to": None, "body": "hi", "key": key}) == Send(None, "hi", key)


@pytest.mark.parametrize("key", ["", "x" * 65])
def test_send_keys_outside_1_to_64_characters_are_bad_requests(key: str) -> None:
    assert_bad_field({"type": "send", "to": None, "body": "hi", "key": key}, "key")


def test_send_without_a_key_or_with_a_null_key_has_none() -> None:
    assert parse({"type": "send", "to": None, "body": "hi"}) == Send(None, "hi", None)
    assert parse({"type": "send", "to": None, "body": "hi", "key": None}) == Send(None, "hi", None)


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ({"type": "send", "to": None, "body": "hi"}, Send(None, "hi")),
        ({"type": "send", "body": "hi"}, Send(None, "hi")),
        ({"type": "send", "to": "bob", "body": "hi"}, Send("bob", "hi")),
        ({"type": "history", "with": None}, History(None)),
        ({"type": "history"}, History(None)),
        ({"type": "history", "with": "bob"}, History("bob")),
        ({"type": "mark_read", "with": None, "up_to": 4}, MarkRead(None, 4)),
        ({"type": "mark_read", "up_to": 4}, MarkRead(None, 4)),
        ({"type": "mark_read", "with": "bob", "up_to": 4}, MarkRead("bob", 4)),
    ],
)
def test_a_null_or_missing_conversation_is_the_general_room(
    frame: dict[str, Any], expected: Request
) -> None:
    # PROTOCOL.md: "A field that may be null may also be left out."
    assert parse(frame) == expected


def test_history_defaults_and_limit_bounds() -> None:
    assert parse({"type": "history"}) == History(None, None, HISTORY_DEFAULT_LIMIT)
    assert parse({"type": "history", "before": None, "limit": None}) == History(
        None, None, HISTORY_DEFAULT_LIMIT)
    assert parse({"type": "history", "limit": 1}) == History(None, None, 1)
    assert parse({"type": "history", "limit": 200}) == History(None, None, 200)


def test_sync_defaults_and_limit_bounds() -> None:
    assert parse({"type": "sync", "after": 0}) == Sync(0, SYNC_DEFAULT_LIMIT)
    assert parse({"type": "sync", "after": 0, "limit": 1}) == Sync(0, 1)
    assert parse({"type": "sync", "after": 0, "limit": 1000}) == Sync(0, 1000)


@pytest.mark.parametrize("message_id", [0, 1, 2**53, 2**53 + 1, MAX_ID])
def test_message_ids_from_0_to_the_largest_database_id_are_accepted(message_id: int) -> None:
    assert parse({"type": "history", "before": message_id}) == History(None, message_id)
    assert parse({"type": "sync", "after": message_id}) == Sync(message_id)
    assert parse({"type": "mark_read", "with": None, "up_to": message_id}) == MarkRead(
        None, message_id)


@pytest.mark.parametrize(
    "data",
    [b'{"type":"sync","after":9223372036854775808}',
     b'{"type":"sync","after":18446744073709551615}',
     b'{"type":"sync","after":18446744073709551616}',
     b'{"type":"sync","after":-9223372036854775809}'],
)
def test_message_ids_beyond_the_database_range_are_bad_requests(data: bytes) -> None:
    error = parse_error(data)
    assert error.code is ErrorCode.BAD_REQUEST
    assert "'after'" in error.message


# --------------------------------------------------------------------------
# Round trips: what a client builds is what a server parses

ROUND_TRIP: list[Request] = [
    Register("Алёна", "correct horse"),
    Login("alice", "pw"),
    Logout(),
    Ping(),
    ListUsers(),
    Send(None, "hello\nworld"),
    Send("bob", "hi 🙂", "key-1"),
    History(),
    History("bob", 99, 200),
    Sync(),
    Sync(2**53, 1000),
    MarkRead(None, 5),
    MarkRead("bob", 0),
    ChangePassword("old", "new password"),
]


@pytest.mark.parametrize("request_", ROUND_TRIP, ids=lambda r: type(r).__name__)
@pytest.mark.parametrize("request_id", [None, 17, "abc"])
def test_a_request_survives_to_frame_encode_decode_and_parse(
    request_: Request, request_id: Any
) -> None:
    [data] = FrameDecoder().feed(encode_frame(request_.to_frame(request_id)))
    raw = decode_request(data)
    assert (raw.re, raw.type) == (request_id, request_.TYPE)
    assert parse_request(raw) == request_


def test_to_frame_uses_wire_names() -> None:
    assert History("bob").to_frame(1) == {
        "type": "history", "id": 1, "with": "bob", "before": None, "limit": 50}
    assert Send("bob", "hi").to_frame() == {"type": "send", "to": "bob", "body": "hi"}
    assert "id" not in Ping().to_frame()


# --------------------------------------------------------------------------
# Objects in replies

MESSAGES = [
    Message(1, "alice", None, "hi all", "2026-11-22T10:15:00.123Z"),
    Message(2**53, "Алёна", "bob", "line\nline 🙂", "2026-11-22T10:15:00.000Z"),
]


@pytest.mark.parametrize("message", MESSAGES)
def test_a_message_survives_the_wire(message: Message) -> None:
    wire = message.to_wire()
    assert set(wire) == {"id", "from", "to", "body", "ts"}
    [data] = FrameDecoder().feed(encode_frame({"type": "message", "message": wire}))
    assert Message.from_wire(orjson.loads(data)["message"]) == message


def test_a_message_without_to_is_in_the_general_room() -> None:
    wire = MESSAGES[0].to_wire()
    del wire["to"]
    assert Message.from_wire(wire).recipient is None


@pytest.mark.parametrize(
    "change",
    [{"id": "1"}, {"id": True}, {"id": 1.0}, {"from": None}, {"to": 5}, {"body": None},
     {"ts": 0}],
)
def test_a_malformed_message_is_rejected(change: dict[str, Any]) -> None:
    with pytest.raises(ProtocolError) as caught:
        Message.from_wire({**MESSAGES[0].to_wire(), **change})
    assert caught.value.code is ErrorCode.BAD_REQUEST


@pytest.mark.parametrize("obj", [{}, [], "message", None, 5, {"id": 1, "from": "a"}])
def test_a_message_object_of_the_wrong_shape_is_rejected(obj: Any) -> None:
    with pytest.raises(ProtocolError):
        Message.from_wire(obj)


@pytest.mark.parametrize("entry", [RosterEntry("bob", True, 2), RosterEntry("Ёж", False, 0)])
def test_a_roster_entry_survives_the_wire(entry: RosterEntry) -> None:
    assert entry.to_wire() == {"username": entry.username, "online": entry.online,
                               "unread": entry.unread}
    assert RosterEntry.from_wire(orjson.loads(orjson.dumps(entry.to_wire()))) == entry


def test_a_presence_entry_has_no_unread_and_reads_back_as_zero() -> None:
    wire = RosterEntry("bob", True, 7).to_wire(with_unread=False)
    assert wire == {"username": "bob", "online": True}
    assert RosterEntry.from_wire(wire) == RosterEntry("bob", True, 0)


@pytest.mark.parametrize(
    "obj",
    [{"username": "bob", "online": 1}, {"username": "bob", "online": None},
     {"username": 5, "online": True}, {"online": True},
     {"username": "bob", "online": True, "unread": True},
     {"username": "bob", "online": True, "unread": "2"}, [], "bob", None],
)
def test_a_malformed_roster_entry_is_rejected(obj: Any) -> None:
    with pytest.raises(ProtocolError):
        RosterEntry.from_wire(obj)


def test_replies_carry_re_payload_and_error_fields() -> None:
    assert ok_reply(3, users=[]) == {"type": "ok", "re": 3, "users": []}
    error = RequestError(ErrorCode.RATE_LIMITED, "slow down", "x", {"retry_after": 1.5})
    assert error_reply(error) == {"type": "error", "re": "x", "code": "rate_limited",
                                  "message": "slow down", "retry_after": 1.5}


# --------------------------------------------------------------------------
# Timestamps

TS_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


def test_format_ts_writes_utc_with_milliseconds_and_z() -> None:
    moment = datetime(2026, 11, 22, 10, 15, 0, 123456, tzinfo=UTC)
    assert format_ts(moment) == "2026-11-22T10:15:00.123Z"


def test_format_ts_truncates_to_milliseconds_and_never_rounds_into_the_next_second() -> None:
    moment = datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert format_ts(moment) == "2026-12-31T23:59:59.999Z"
    assert format_ts(moment.replace(microsecond=0)) == "2026-12-31T23:59:59.000Z"


def test_format_ts_converts_other_zones_to_utc() -> None:
    moscow = timezone(timedelta(hours=3))
    assert format_ts(datetime(2026, 1, 1, 1, 30, tzinfo=moscow)) == "2025-12-31T22:30:00.000Z"


def test_format_ts_reads_a_naive_datetime_as_utc() -> None:
    # The database hands out naive UTC; the local zone must not leak in.
    naive = datetime(2026, 6, 1, 12, 0, 0, 5000)
    assert format_ts(naive) == format_ts(naive.replace(tzinfo=UTC)) == "2026-06-01T12:00:00.005Z"


@pytest.mark.parametrize("year", [1, 999, 1000, 9999])
def test_format_ts_always_writes_four_digit_years(year: int) -> None:
    text = format_ts(datetime(year, 3, 4, 5, 6, 7, tzinfo=UTC))
    assert TS_FORMAT.fullmatch(text), text
    assert text == f"{year:04d}-03-04T05:06:07.000Z"


def test_parse_ts_reads_back_what_format_ts_wrote() -> None:
    moment = datetime(2026, 11, 22, 10, 15, 0, 123000, tzinfo=UTC)
    parsed = parse_ts(format_ts(moment))
    assert parsed == moment
    assert parsed.tzinfo is UTC


# --------------------------------------------------------------------------
# Version 2 negotiation on register, login and resume (PROTOCOL-2.md)


def test_a_version_1_login_frame_stays_exactly_version_1() -> None:
    assert Login("alice", "correct horse").to_frame(1) == {
        "type": "login", "id": 1, "username": "alice", "password": "correct horse"}


def test_a_version_2_login_says_so_and_reads_back() -> None:
    login = Login("alice", "correct horse", protocol=2, remember=True, client="Besedka 0.2")
    frame = login.to_frame(1)
    assert frame == {"type": "login", "id": 1, "username": "alice",
                     "password": "correct horse", "protocol": 2, "remember": True,
                     "client": "Besedka 0.2"}
    assert parse_request(decode_request(encode_frame(frame))) == login


@pytest.mark.parametrize(("fields", "field"), [
    ({"protocol": 0}, "protocol"), ({"protocol": "2"}, "protocol"),
    ({"remember": 1}, "remember"), ({"client": "x" * 101}, "client"), ({"client": 7}, "client"),
])
def test_malformed_negotiation_fields_are_refused_by_name(fields: dict[str, object],
                                                           field: str) -> None:
    frame = {"type": "register", "id": 3, "username": "alice", "password": "correct horse",
             **fields}
    with pytest.raises(RequestError) as caught:
        parse_request(decode_request(encode_frame(frame)))
    assert caught.value.code is ErrorCode.BAD_REQUEST and f"'{field}'" in caught.value.message
    assert caught.value.re == 3


def test_resume_needs_a_token_and_is_a_version_2_request() -> None:
    resume = parse_request(decode_request(b'{"type":"resume","token":"abc","protocol":2}'))
    assert resume == Resume("abc", 2) and Resume.SINCE == 2
    with pytest.raises(RequestError, match="'token'"):
        parse_request(decode_request(b'{"type":"resume"}'))
