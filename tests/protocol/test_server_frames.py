"""What a server sends, typed: replies, errors and events, both ways.

A server builds these classes and sends ``to_wire``; a client reads the
same bytes back with :func:`decode_server_frame` (and, for an ``ok``, the
request it sent reads the payload).  The properties: every typed frame
survives the wire unchanged; fields a newer server adds are ignored, and so
are event types it adds; anything malformed is a ``ProtocolError`` that
names the field, never another exception a client would crash on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol.errors import ErrorCode, ProtocolError, RequestError
from protocol.events import (
    EVENT_TYPES,
    Event,
    Hello,
    MessageEvent,
    PresenceEvent,
    UnknownEvent,
    UsersEvent,
    decode_server_frame,
    event_type,
    message_event_frame,
)
from protocol.files import (
    DownloadAnswer,
    FileDownload,
    FileUpload,
    Get,
    GetStarted,
    Put,
    PutDone,
    SetAvatar,
    UploadAnswer,
)
from protocol.lifecycle import Changed, Delete, Edit, React, Typing
from protocol.framing import FrameDecoder, decode_json_object, encode_frame, encode_json
from protocol.objects import FileInfo, Message, Reaction, RosterEntry
from protocol.sessions import RevokeSession, SessionInfo, SessionList, Sessions, SetStatus
from protocol.replies import (
    Done,
    ErrorReply,
    LoggedIn,
    MessagePage,
    OkReply,
    Reply,
    Roster,
    SearchPage,
    Sent,
    error_reply,
    ok_reply,
    sent_reply_frame,
)
from protocol import rooms
from protocol.requests import (
    REQUEST_TYPES,
    ChangePassword,
    History,
    ListUsers,
    Login,
    Logout,
    MarkRead,
    Ping,
    Register,
    Request,
    Resume,
    Search,
    Send,
    Sync,
)

FAST = settings(max_examples=200, deadline=None)


def over_the_wire(frame: dict[str, Any]) -> dict[str, Any]:
    """The frame object a client decodes after the server encoded ``frame``."""
    [data] = FrameDecoder().feed(encode_frame(frame))
    return decode_json_object(data)


# --------------------------------------------------------------------------
# Strategies

texts = st.text(max_size=20)
names = st.text(min_size=1, max_size=32)
counts = st.integers(0, 2**31)
message_ids = st.integers(0, 2**63 - 1)
request_ids = st.one_of(st.none(), st.integers(-(2**53), 2**53), st.text(max_size=64))
timestamps = st.sampled_from(["2026-11-22T10:15:00.123Z", "0001-01-01T00:00:00.000Z"])
messages = st.builds(Message, message_ids, names, st.one_of(st.none(), names), texts,
                     timestamps)
roster_entries = st.builds(RosterEntry, names, st.booleans(), counts)
file_infos = st.builds(FileInfo, st.text("0123456789abcdef", min_size=32, max_size=32), texts,
                       counts, st.sampled_from(["image/png", "application/octet-stream"]),
                       st.booleans())
presence_entries = st.builds(RosterEntry, names, st.booleans())  # no ``unread`` on the wire

replies: st.SearchStrategy[Reply] = st.one_of(
    st.just(Done()),
    st.builds(LoggedIn, names, counts),
    st.builds(Roster, st.lists(roster_entries, max_size=4).map(tuple)),
    st.builds(Sent, messages),
    st.builds(MessagePage, st.lists(messages, max_size=4).map(tuple), st.booleans()),
    st.builds(UploadAnswer, st.none(), texts, counts),
    st.builds(UploadAnswer, file_infos),
    st.builds(DownloadAnswer, texts, counts),
    st.builds(PutDone, file_infos),
    st.builds(GetStarted, counts),
    st.builds(SearchPage, st.lists(messages, max_size=4).map(tuple), st.booleans(),
              st.booleans()),
)
events: st.SearchStrategy[Event] = st.one_of(
    st.builds(Hello, st.integers(1, 10), texts),
    st.builds(UsersEvent, st.lists(roster_entries, max_size=4).map(tuple)),
    st.builds(PresenceEvent, presence_entries),
    st.builds(MessageEvent, messages),
)
error_codes = st.one_of(st.sampled_from(list(ErrorCode)),
                        st.text(min_size=1).filter(lambda text: text not in set(ErrorCode)))
error_replies = st.builds(ErrorReply, request_ids, error_codes, texts,
                          st.one_of(st.none(), st.floats(0, 3600)))
# What a newer server may add: fields this version does not know.
extra_fields = st.dictionaries(st.text(min_size=1).filter(lambda key: key not in {
    "type", "re", "code", "message", "retry_after", "user", "general_unread", "users",
    "messages", "has_more", "has_newer", "partial", "protocol", "server"}),
    st.integers(-(2**53), 2**53) | texts,
    max_size=3)

#: One request of each type, with the reply class its ``ok`` reads as.
LAB = rooms.Room(3, "Lab 214", "", "alice", False, 2)

REPLY_OF: list[tuple[Request, type[Reply]]] = [
    (Register("alice", "correct horse"), LoggedIn),
    (Login("alice", "correct horse"), LoggedIn),
    (Logout(), Done),
    (Ping(), Done),
    (ListUsers(), Roster),
    (Send(None, "hi"), Sent),
    (History("bob"), MessagePage),
    (Sync(0), MessagePage),
    (MarkRead(None, 1), Done),
    (ChangePassword("old password", "new password"), Done),
    (Resume("a token"), LoggedIn),
    (FileUpload("plan.pdf", 48213, "0" * 64), UploadAnswer),
    (FileDownload("0" * 32), DownloadAnswer),
    (SetAvatar(None), Done),
    (Put("a token"), PutDone),
    (Get("a token"), GetStarted),
    (Sessions(), SessionList),
    (RevokeSession(3), Done),
    (SetStatus("away", "at lunch"), Done),
    (Edit(5, "fixed"), Changed),
    (Delete(5), Changed),
    (React(5, "\N{THUMBS UP SIGN}", True), Changed),
    (Typing(None, True), Done),
    (Search("a query"), SearchPage),
    # The rooms feature (protocol/rooms.py).
    (rooms.CreateRoom("Lab 214"), rooms.RoomReply),
    (rooms.ListRooms(), rooms.RoomList),
    (rooms.JoinRoom(3), rooms.RoomReply),
    (rooms.LeaveRoom(3), Done),
    (rooms.Invite(3, "bob"), Done),
    (rooms.RemoveMember(3, "bob"), Done),
    (rooms.UpdateRoom(3, topic="new"), rooms.RoomReply),
    (rooms.ListMembers(3), rooms.MemberList),
]


# --------------------------------------------------------------------------
# Round trips


@FAST
@given(replies, request_ids, extra_fields)
def test_an_ok_reply_survives_the_wire_and_ignores_unknown_fields(
    reply: Reply, re: Any, extra: dict[str, Any],
) -> None:
    wire = reply.to_wire(re)
    assert (wire["type"], wire["re"]) == ("ok", re)
    decoded = decode_server_frame(over_the_wire({**extra, **wire}))
    assert isinstance(decoded, OkReply) and decoded.re == re
    assert type(reply).from_wire(decoded.fields) == reply


@FAST
@given(events, extra_fields)
def test_an_event_survives_the_wire_and_ignores_unknown_fields(
    event: Event, extra: dict[str, Any],
) -> None:
    assert decode_server_frame(over_the_wire({**extra, **event.to_wire()})) == event


@FAST
@given(error_replies, extra_fields)
def test_an_error_reply_survives_the_wire_even_with_a_code_this_version_does_not_know(
    error: ErrorReply, extra: dict[str, Any],
) -> None:
    assert decode_server_frame(over_the_wire({**extra, **error.to_wire()})) == error


def test_an_unknown_code_stays_its_text_and_a_known_one_is_the_enum() -> None:
    known = ErrorReply.from_wire({"type": "error", "re": 1, "code": "rate_limited",
                                  "message": "slow down", "retry_after": 2})
    assert known.code is ErrorCode.RATE_LIMITED and known.retry_after == 2.0
    newer = ErrorReply.from_wire({"type": "error", "re": 1, "code": "moon_too_full",
                                  "message": "a code from the future"})
    assert newer.code == "moon_too_full" and not isinstance(newer.code, ErrorCode)
    assert newer.retry_after is None


def test_what_error_reply_writes_reads_back_as_the_same_error() -> None:
    error = RequestError(ErrorCode.RATE_LIMITED, "slow down", "r7", {"retry_after": 1.5})
    assert decode_server_frame(over_the_wire(error_reply(error))) == ErrorReply(
        "r7", ErrorCode.RATE_LIMITED, "slow down", 1.5)


@pytest.mark.parametrize(("request_", "reply_class"), REPLY_OF,
                         ids=lambda value: getattr(value, "TYPE", ""))
def test_each_request_reads_its_ok_as_the_reply_the_contract_gives(
    request_: Request, reply_class: type[Reply],
) -> None:
    examples: dict[type[Reply], Reply] = {
        Done: Done(),
        LoggedIn: LoggedIn("Alice", 3),
        Roster: Roster((RosterEntry("bob", True, 2),)),
        Sent: Sent(Message(5, "alice", None, "hi", "2026-11-22T10:15:00.123Z")),
        MessagePage: MessagePage((Message(5, "alice", "bob", "hi",
                                          "2026-11-22T10:15:00.123Z"),), True),
        UploadAnswer: UploadAnswer(upload="a token", offset=1024),
        DownloadAnswer: DownloadAnswer("a token", 48213),
        PutDone: PutDone(FileInfo("0" * 32, "plan.pdf", 48213, "application/pdf")),
        GetStarted: GetStarted(48213),
        SessionList: SessionList((
            SessionInfo(7, datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
                        datetime(2026, 12, 2, 10, 15, 0, 123000, tzinfo=UTC),
                        "Besedka 0.2, Windows 11, PC-214", True),)),
        Changed: Changed(Message(5, "alice", None, "fixed", "2026-11-22T10:15:00.123Z")),
        SearchPage: SearchPage((Message(5, "alice", "bob", "hi",
                                        "2026-11-22T10:15:00.123Z"),), True, partial=True),
        rooms.RoomReply: rooms.RoomReply(LAB),
        rooms.RoomList: rooms.RoomList((LAB,), ()),
        rooms.MemberList: rooms.MemberList((RosterEntry("bob", False, 0, "away"),)),
    }
    expected = examples[reply_class]
    ok = decode_server_frame(over_the_wire(expected.to_wire(9)))
    assert isinstance(ok, OkReply)
    assert request_.parse_reply(ok.fields) == expected


def test_every_request_type_has_its_reply_named() -> None:
    assert {type(request_) for request_, _ in REPLY_OF} == set(REQUEST_TYPES.values())


def test_the_login_reply_is_written_as_the_contract_shows_it() -> None:
    assert LoggedIn("alice", 3).to_wire(1) == {
        "type": "ok", "re": 1, "user": {"username": "alice"}, "general_unread": 3}


def test_a_presence_event_leaves_unread_out_and_reads_back_as_zero() -> None:
    event = PresenceEvent(RosterEntry("bob", True, 7))
    assert event.to_wire() == {"type": "presence", "user": {"username": "bob", "online": True}}
    assert decode_server_frame(event.to_wire()) == PresenceEvent(RosterEntry("bob", True, 0))


def test_a_version_2_message_object_reads_with_every_field() -> None:
    # PROTOCOL-2.md's example message.
    wire = {"id": 57, "seq": 91, "from": "alice", "to": None, "room": 3,
            "body": "see @bob's file", "ts": "2026-12-02T10:15:00.123Z",
            "edited": "2026-12-02T10:16:02.000Z", "deleted": False, "reply_to": 55,
            "mentions": ["bob"], "reactions": [{"emoji": "👍", "users": ["bob"]}],
            "file": {"id": "b3f1", "name": "plan.pdf", "size": 48213,
                     "mime": "application/pdf"}}
    message = Message(57, "alice", None, "see @bob's file", "2026-12-02T10:15:00.123Z",
                      91, 3, "2026-12-02T10:16:02.000Z", False, 55, ("bob",),
                      (Reaction("👍", ("bob",)),),
                      FileInfo("b3f1", "plan.pdf", 48213, "application/pdf"))
    assert decode_server_frame({"type": "message", "message": wire}) == MessageEvent(message)
    assert message.to_wire(2) == wire
    # A version 1 connection sees only the version 1 fields.
    assert message.to_wire(1) == {"id": 57, "from": "alice", "to": None,
                                  "body": "see @bob's file", "ts": "2026-12-02T10:15:00.123Z"}


def test_a_deleted_message_keeps_its_place_and_loses_its_content() -> None:
    message = Message(57, "alice", "bob", "oops", "2026-12-02T10:15:00.123Z", 92,
                      deleted=True, reply_to=55, mentions=("bob",),
                      reactions=(Reaction("👍", ("bob",)),))
    assert message.to_wire(2) == {
        "id": 57, "seq": 92, "from": "alice", "to": "bob", "room": None, "body": "",
        "ts": "2026-12-02T10:15:00.123Z", "edited": None, "deleted": True,
        "reply_to": None, "mentions": [], "reactions": [], "file": None}


def test_a_version_2_roster_entry_carries_status_and_avatar_only_in_version_2() -> None:
    entry = RosterEntry("bob", True, 2, "busy", "in a meeting", "f00d")
    assert entry.to_wire() == {"username": "bob", "online": True, "unread": 2}
    wire = entry.to_wire(version=2)
    assert wire == {"username": "bob", "online": True, "unread": 2, "status": "busy",
                    "status_text": "in a meeting", "avatar": "f00d"}
    assert RosterEntry.from_wire(wire) == entry
    # A status this version does not know reads as available, not as an error.
    assert RosterEntry.from_wire({**wire, "status": "napping"}).status == "available"


def test_hello_lists_the_features_only_from_version_2_on() -> None:
    hello = Hello(2, "besedka/0.2.0", ("rooms", "search"))
    assert hello.to_wire() == {"type": "hello", "protocol": 2, "server": "besedka/0.2.0",
                               "features": ["rooms", "search"]}
    assert decode_server_frame(hello.to_wire()) == hello
    assert Hello(1, "besedka/0.1.0").to_wire() == {
        "type": "hello", "protocol": 1, "server": "besedka/0.1.0"}
    with pytest.raises(ProtocolError, match="'features'"):
        decode_server_frame({"type": "hello", "protocol": 2, "server": "x", "features": [1]})


# --------------------------------------------------------------------------
# Events this version does not know, and the registry


@pytest.mark.parametrize("kind", ["weather", "files", "Message", ""])
def test_an_event_of_an_unknown_type_is_an_unknown_event_not_an_error(kind: str) -> None:
    frame = {"type": kind, "room": {"id": 3}, "active": True}
    assert decode_server_frame(frame) == UnknownEvent(kind, frame)


def test_the_events_known_are_exactly_those_of_the_contract() -> None:
    assert set(EVENT_TYPES) == {"hello", "users", "presence", "message",
                                "update", "typing", "read",
                                # The rooms feature's.
                                "rooms", "room", "room_left", "member"}
    assert all(EVENT_TYPES[kind].TYPE == kind for kind in EVENT_TYPES)


@pytest.mark.parametrize("taken", ["message", "ok", "error", ""])
def test_an_event_type_cannot_be_registered_twice_or_as_a_reply(taken: str) -> None:
    class Clash(Event):
        TYPE = taken

    with pytest.raises(ValueError):
        event_type(Clash)
    assert EVENT_TYPES.get(taken) is not Clash


# --------------------------------------------------------------------------
# Malformed frames: a ProtocolError naming the field

MESSAGE = {"id": 1, "from": "alice", "to": None, "body": "hi", "ts": "2026-11-22T10:15:00.123Z"}

MALFORMED_FRAMES = [
    ({"re": 1}, "type"),
    ({"type": 5}, "type"),
    ({"type": "ok", "re": True}, "re"),
    ({"type": "ok", "re": 1.5}, "re"),
    ({"type": "ok", "re": "x" * 65}, "re"),
    ({"type": "ok", "re": 2**53 + 1}, "re"),
    ({"type": "error", "re": 1, "message": "no code"}, "code"),
    ({"type": "error", "re": 1, "code": 7, "message": ""}, "code"),
    ({"type": "error", "re": 1, "code": "bad_request"}, "message"),
    ({"type": "error", "re": 1, "code": "rate_limited", "message": "", "retry_after": "1"},
     "retry_after"),
    ({"type": "error", "re": [1], "code": "bad_request", "message": ""}, "re"),
    ({"type": "hello", "server": "besedka/1"}, "protocol"),
    ({"type": "hello", "protocol": "1", "server": "besedka/1"}, "protocol"),
    ({"type": "hello", "protocol": True, "server": "besedka/1"}, "protocol"),
    ({"type": "hello", "protocol": 1, "server": None}, "server"),
    ({"type": "users"}, "users"),
    ({"type": "users", "users": {"bob": True}}, "users"),
    ({"type": "users", "users": [{"username": "bob", "online": True}, "carol"]}, "users[1]"),
    ({"type": "users", "users": [{"username": "bob", "online": 1}]}, "users[0].online"),
    ({"type": "users", "users": [{"username": "bob", "online": True, "unread": -1}]},
     "users[0].unread"),
    ({"type": "presence"}, "user"),
    ({"type": "presence", "user": {"online": True}}, "user.username"),
    ({"type": "message", "message": None}, "message"),
    ({"type": "message", "message": {**MESSAGE, "id": "1"}}, "message.id"),
    ({"type": "message", "message": {**MESSAGE, "id": -1}}, "message.id"),
    ({"type": "message", "message": {**MESSAGE, "to": 5}}, "message.to"),
    ({"type": "message", "message": {**MESSAGE, "body": None}}, "message.body"),
    ({"type": "message", "message": {key: MESSAGE[key] for key in ("id", "from", "body")}},
     "message.ts"),
]


@pytest.mark.parametrize(("frame", "field"), MALFORMED_FRAMES,
                         ids=[f"{frame.get('type')}:{field}" for frame, field in MALFORMED_FRAMES])
def test_a_malformed_server_frame_is_a_protocol_error_naming_the_field(
    frame: dict[str, Any], field: str,
) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_server_frame(frame)
    assert caught.value.code is ErrorCode.BAD_REQUEST
    assert f"'{field}'" in caught.value.message


MALFORMED_PAYLOADS = [
    (Login("a", "b"), {}, "user"),
    (Login("a", "b"), {"user": "alice", "general_unread": 0}, "user"),
    (Login("a", "b"), {"user": {"username": 5}, "general_unread": 0}, "user.username"),
    (Register("abc", "password1"), {"user": {"username": "a"}}, "general_unread"),
    (Register("abc", "password1"), {"user": {"username": "a"}, "general_unread": False},
     "general_unread"),
    (ListUsers(), {"users": None}, "users"),
    (Send(None, "hi"), {}, "message"),
    (Send(None, "hi"), {"message": {**MESSAGE, "from": None}}, "message.from"),
    (History(None), {"messages": [MESSAGE], "has_more": 0}, "has_more"),
    (History(None), {"has_more": False}, "messages"),
    (Sync(0), {"messages": [MESSAGE, {**MESSAGE, "ts": 0}], "has_more": False},
     "messages[1].ts"),
]


@pytest.mark.parametrize(("request_", "payload", "field"), MALFORMED_PAYLOADS,
                         ids=[f"{request_.TYPE}:{field}"
                              for request_, _, field in MALFORMED_PAYLOADS])
def test_a_malformed_ok_payload_is_a_protocol_error_naming_the_field(
    request_: Request, payload: dict[str, Any], field: str,
) -> None:
    ok = decode_server_frame({"type": "ok", "re": 1, **payload})
    assert isinstance(ok, OkReply)
    with pytest.raises(ProtocolError) as caught:
        request_.parse_reply(ok.fields)
    assert f"'{field}'" in caught.value.message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
# Objects whose keys are mostly the ones that matter, so the generated
# frames get past the first check often enough to exercise the rest.
frame_like = st.dictionaries(
    st.sampled_from(["type", "re", "code", "message", "retry_after", "user", "users",
                     "general_unread", "messages", "has_more", "protocol", "server"]),
    st.one_of(json_values, st.sampled_from(["ok", "error", "hello", "users", "presence",
                                            "message", MESSAGE, [MESSAGE]])),
)


@FAST
@given(st.one_of(frame_like, st.dictionaries(st.text(max_size=8), json_values, max_size=5)))
def test_any_object_decodes_or_raises_only_protocol_error(fields: dict[str, Any]) -> None:
    try:
        frame = decode_server_frame(fields)
    except ProtocolError as error:
        assert error.message.startswith("field '")
        return
    if isinstance(frame, OkReply):
        for request_, _ in REPLY_OF:
            try:
                request_.parse_reply(frame.fields)
            except ProtocolError as error:
                assert error.message.startswith("field '")


def test_a_session_list_is_written_as_the_contract_shows_it() -> None:
    info = SessionInfo(7, datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
                       datetime(2026, 12, 2, 10, 15, 0, 123456, tzinfo=UTC), "PC-214", False)
    assert SessionList((info,)).to_wire(4) == {"type": "ok", "re": 4, "sessions": [
        {"id": 7, "created": "2026-12-01T09:00:00.000Z",
         "last_used": "2026-12-02T10:15:00.123Z", "client": "PC-214", "current": False}]}


@pytest.mark.parametrize("session", [
    {"id": "7", "created": "2026-12-01T09:00:00.000Z", "last_used": "2026-12-01T09:00:00.000Z",
     "client": "", "current": False},
    {"id": 7, "created": "yesterday", "last_used": "2026-12-01T09:00:00.000Z",
     "client": "", "current": False},
    {"id": 7, "created": "2026-12-01T09:00:00.000Z", "last_used": "2026-12-01T09:00:00.000Z",
     "client": "", "current": "yes"},
])
def test_a_malformed_session_names_its_field(session: dict[str, Any]) -> None:
    with pytest.raises(ProtocolError) as raised:
        SessionList.from_wire({"type": "ok", "re": 1, "sessions": [session]})
    assert "sessions[0]." in raised.value.message


def test_set_status_leaves_text_out_when_it_is_to_stay() -> None:
    assert SetStatus("busy").to_frame(1) == {"type": "set_status", "id": 1, "status": "busy"}
    assert SetStatus("busy", "").to_frame(2)["text"] == ""


def test_a_request_that_carries_a_secret_never_shows_it_in_a_log_line() -> None:
    # The client logs a request whose reply it cannot read (%r).
    for request_ in (Login("alice", "hunter22 secret"), Register("alice", "hunter22 secret"),
                     ChangePassword("hunter22 secret", "hunter23 secret"),
                     Resume("hunter22 secret")):
        assert "hunter2" not in repr(request_)
        assert "secret" in str(request_.to_frame(1))  # the frame still carries it


# --------------------------------------------------------------------------
# A message encoded once, spliced into its reply and its event (the server's
# hot path): byte for byte what encode_frame writes for the same frames.

_request_ids = st.one_of(st.none(), st.text(max_size=64),
                         st.integers(-(2**53), 2**53))
_messages = st.fixed_dictionaries({
    "id": st.integers(1, 2**63 - 1), "from": st.text(min_size=1), "to": st.none() | st.text(),
    "body": st.text(min_size=1), "ts": st.just("2026-12-03T01:02:03.456Z")})


@settings(max_examples=200)
@given(_request_ids, _messages)
def test_a_sent_reply_and_its_event_spliced_are_the_frames_encode_frame_writes(
        re: Any, message: dict[str, Any]) -> None:
    encoded = encode_json(message)
    assert sent_reply_frame(re, encoded) == encode_frame(ok_reply(re, message=message))
    assert message_event_frame(encoded) == encode_frame({"type": "message", "message": message})
