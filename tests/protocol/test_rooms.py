"""The rooms feature on the wire: names, topics, requests, replies and events.

A room's name is the one rule a user meets while typing (the new-room
dialog checks it before sending), so its edges are spelled out here; the
requests and events must mean the same on both sides, so each survives the
trip through bytes.  ``room`` on ``send``, ``history`` and ``mark_read``
stays out of a version 1 frame.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from protocol.errors import ErrorCode, ProtocolError, RequestError
from protocol.events import decode_server_frame
from protocol.framing import FrameDecoder, decode_json_object, encode_frame
from protocol.objects import RosterEntry
from protocol.requests import History, MarkRead, Request, Send, decode_request, parse_request
from protocol.rooms import (
    CreateRoom,
    Invite,
    JoinRoom,
    LeaveRoom,
    ListMembers,
    ListRooms,
    MemberEvent,
    MemberList,
    RemoveMember,
    Room,
    RoomEvent,
    RoomLeftEvent,
    RoomList,
    RoomReply,
    RoomsEvent,
    UpdateRoom,
    check_topic,
    normalize_room_name,
)


def parse(frame: dict[str, Any]) -> Request:
    return parse_request(decode_request(orjson.dumps(frame)))


def refusal(frame: dict[str, Any]) -> RequestError:
    with pytest.raises(RequestError) as caught:
        parse({**frame, "id": 7})
    assert caught.value.re == 7
    return caught.value


# --------------------------------------------------------------------------
# Names and topics


@pytest.mark.parametrize("name", ["Lab 214", "Group ИВТ-21", "Release 2.4", "x", "я" * 64,
                                  "  padded  ", "🙂 emoji", "tab\u00a0nbsp"])
def test_room_names_of_1_to_64_characters_with_something_visible_are_accepted(name: str) -> None:
    assert normalize_room_name(name) == name


def test_a_room_name_is_counted_and_stored_after_nfc() -> None:
    decomposed = "e\u0301" * 64  # 128 code points, 64 once composed
    assert normalize_room_name(decomposed) == "\u00e9" * 64


@pytest.mark.parametrize(("name", "why"), [
    ("", "empty"), ("   ", "white space"), ("\u3000\u2003", "white space"),
    ("x" * 65, "over 64"), ("e\u0301" * 65, "over 64"),
    ("bell\x07", "U+0007"), ("two\nlines", "U+000A"), ("tab\there", "U+0009"),
    ("del\x7f", "U+007F"), ("c1\x85", "U+0085"), ("lone\ud800", "U+D800"),
])
def test_names_that_break_the_rules_are_invalid_room_names_saying_why(name: str,
                                                                      why: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        normalize_room_name(name)
    assert caught.value.code is ErrorCode.INVALID_ROOM_NAME
    assert why in caught.value.message


@pytest.mark.parametrize("topic", ["", "Fridays 10:00, room 214", "т" * 500])
def test_topics_of_0_to_500_characters_on_one_line_are_accepted(topic: str) -> None:
    assert check_topic(topic) == topic


@pytest.mark.parametrize("topic", ["т" * 501, "two\nlines", "nul\x00"])
def test_other_topics_are_bad_requests_naming_the_topic(topic: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        check_topic(topic)
    assert caught.value.code is ErrorCode.BAD_REQUEST and "'topic'" in caught.value.message


# --------------------------------------------------------------------------
# Requests

ROUND_TRIP: list[Request] = [
    CreateRoom("Lab 214"),
    CreateRoom("Group ИВТ-21", True, ("alice", "Борис")),
    ListRooms(),
    JoinRoom(3),
    LeaveRoom(2**53),
    Invite(3, "bob"),
    RemoveMember(3, "bob"),
    UpdateRoom(3),
    UpdateRoom(3, "Release 2.4", "", False),
    ListMembers(3),
    Send(None, "hi room", "k1", room=3),
    History(None, 40, 10, room=3),
    MarkRead(None, 99, room=3),
]


@pytest.mark.parametrize("request_", ROUND_TRIP, ids=lambda r: type(r).__name__)
def test_a_rooms_request_survives_the_wire(request_: Request) -> None:
    [data] = FrameDecoder().feed(encode_frame(request_.to_frame(5)))
    assert parse_request(decode_request(data)) == request_


def test_every_rooms_request_is_version_2s() -> None:
    for request_ in ROUND_TRIP[:10]:
        assert type(request_).SINCE == 2


def test_room_stays_out_of_a_version_1_frame_and_names_the_room_in_a_version_2_one() -> None:
    assert Send("bob", "hi").to_frame() == {"type": "send", "to": "bob", "body": "hi"}
    assert History().to_frame() == {"type": "history", "with": None, "before": None,
                                    "limit": 50}
    assert MarkRead(None, 5).to_frame() == {"type": "mark_read", "with": None, "up_to": 5}
    assert Send(None, "hi", room=3).to_frame() == {"type": "send", "to": None, "body": "hi",
                                                   "room": 3}
    assert parse({"type": "send", "body": "hi", "room": 3}) == Send(None, "hi", room=3)
    assert parse({"type": "history", "room": 3}) == History(room=3)


@pytest.mark.parametrize("frame", [
    {"type": "send", "to": "bob", "body": "hi", "room": 3},
    {"type": "history", "with": "bob", "room": 3},
    {"type": "mark_read", "with": "bob", "room": 3, "up_to": 1},
])
def test_a_room_together_with_a_person_is_a_bad_request(frame: dict[str, Any]) -> None:
    error = refusal(frame)
    assert error.code is ErrorCode.BAD_REQUEST and "'room'" in error.message


@pytest.mark.parametrize("frame", [
    {"type": "send", "body": "hi", "room": "3"},
    {"type": "history", "room": True},
    {"type": "mark_read", "room": -1, "up_to": 1},
    {"type": "join_room", "room": 1.5},
    {"type": "join_room"},
    {"type": "leave_room", "room": None},
    {"type": "members", "room": 2**63},
    {"type": "invite", "room": 1},
    {"type": "remove_member", "room": 1, "username": 5},
])
def test_an_ill_typed_or_missing_room_or_username_is_a_bad_request_naming_it(
        frame: dict[str, Any]) -> None:
    error = refusal(frame)
    assert error.code is ErrorCode.BAD_REQUEST
    assert "'room'" in error.message or "'username'" in error.message


def test_create_room_checks_the_name_and_reads_public_and_members() -> None:
    assert refusal({"type": "create_room", "name": " "}).code is ErrorCode.INVALID_ROOM_NAME
    assert refusal({"type": "create_room", "name": "x" * 65}).code is ErrorCode.INVALID_ROOM_NAME
    assert refusal({"type": "create_room"}).code is ErrorCode.BAD_REQUEST
    assert "'members'" in refusal({"type": "create_room", "name": "a",
                                   "members": ["bob", 3]}).message
    assert "'public'" in refusal({"type": "create_room", "name": "a", "public": 1}).message
    assert parse({"type": "create_room", "name": "a", "members": None}) == CreateRoom("a")


def test_update_room_changes_only_what_it_names() -> None:
    assert parse({"type": "update_room", "room": 4}) == UpdateRoom(4)
    assert parse({"type": "update_room", "room": 4, "topic": ""}) == UpdateRoom(4, topic="")
    assert refusal({"type": "update_room", "room": 4, "name": ""}).code \
        is ErrorCode.INVALID_ROOM_NAME
    assert "'topic'" in refusal({"type": "update_room", "room": 4, "topic": "a\nb"}).message
    assert "'public'" in refusal({"type": "update_room", "room": 4, "public": "no"}).message
    assert UpdateRoom(4, public=True).to_frame() == {"type": "update_room", "room": 4,
                                                     "public": True}


# --------------------------------------------------------------------------
# Replies and events

LAB = Room(3, "Lab 214", "Fridays", "alice", True, 12, 4, 1)
EMPTY = Room(9, "Пусто", "", None, True, 0)


def over_the_wire(frame: dict[str, Any]) -> dict[str, Any]:
    [data] = FrameDecoder().feed(encode_frame(frame))
    return decode_json_object(data)


def test_the_room_object_carries_every_field_of_protocol_2() -> None:
    assert LAB.to_wire() == {"id": 3, "name": "Lab 214", "topic": "Fridays", "owner": "alice",
                             "public": True, "members": 12, "unread": 4, "mentions": 1}
    assert Room.from_wire(over_the_wire(EMPTY.to_wire())) == EMPTY


@pytest.mark.parametrize("change", [{"id": "3"}, {"name": None}, {"members": -1},
                                    {"owner": 5}, {"public": "yes"}])
def test_a_malformed_room_is_rejected_naming_the_field(change: dict[str, Any]) -> None:
    with pytest.raises(ProtocolError) as caught:
        Room.from_wire({**LAB.to_wire(), **change})
    assert f"'room.{next(iter(change))}'" in caught.value.message


def test_replies_read_back_as_their_requests_expect() -> None:
    listing = RoomList((LAB,), (EMPTY,))
    assert ListRooms().parse_reply(over_the_wire(listing.to_wire(1))) == listing
    assert JoinRoom(3).parse_reply(over_the_wire(RoomReply(LAB).to_wire(1))) == RoomReply(LAB)
    members = MemberList((RosterEntry("alice", True, 0, "busy", "in class"),))
    wire = members.to_wire(1)
    assert wire["members"][0] == {"username": "alice", "online": True, "unread": 0,
                                  "status": "busy", "status_text": "in class", "avatar": None}
    assert ListMembers(3).parse_reply(over_the_wire(wire)) == members


@pytest.mark.parametrize("event", [RoomsEvent((LAB,), ()), RoomEvent(EMPTY),
                                   RoomLeftEvent(3), MemberEvent(3, "Борис", False)],
                         ids=lambda e: e.TYPE)
def test_each_rooms_event_survives_the_wire(event: Any) -> None:
    assert decode_server_frame(over_the_wire(event.to_wire(2))) == event


def test_the_rooms_event_has_the_rooms_reply_s_payload() -> None:
    event = RoomsEvent((LAB,), (EMPTY,)).to_wire(2)
    reply = RoomList((LAB,), (EMPTY,)).to_wire(1)
    assert {k: v for k, v in event.items() if k != "type"} == {
        k: v for k, v in reply.items() if k not in ("type", "re")}
