"""Rooms (PROTOCOL-2.md, "Rooms"): groups people create, join, invite to and leave.

Everything of the ``rooms`` feature that both sides must agree on lives
here: the room object, the rules for a room's name and topic, and the
feature's requests, replies and events, registered like the others
(:func:`~protocol.requests.request_type`, :func:`~protocol.events.event_type`)
when :mod:`protocol` is imported.  Every request here is version 2's
(``SINCE = 2``): a version 1 connection gets ``unknown_type`` for it.

The ``room`` field that ``send``, ``history`` and ``mark_read`` take in
place of ``to``/``with`` belongs to those requests
(:mod:`protocol.requests`).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Self

from .errors import ErrorCode, ProtocolError, RequestId
from .events import Event, event_type
from .fields import (
    bad_field,
    boolean,
    integer,
    object_at,
    objects_at,
    optional_string,
    room_id,
    string,
)
from .limits import PROTOCOL_V1, ROOM_NAME_MAX_CHARS, ROOM_TOPIC_MAX_CHARS
from .objects import RosterEntry
from .replies import Reply
from .requests import Request, request_type
from .rules import is_white_space

__all__ = [
    "CreateRoom",
    "Invite",
    "JoinRoom",
    "LeaveRoom",
    "ListMembers",
    "ListRooms",
    "MemberEvent",
    "MemberList",
    "RemoveMember",
    "Room",
    "RoomEvent",
    "RoomLeftEvent",
    "RoomList",
    "RoomReply",
    "RoomsEvent",
    "UpdateRoom",
    "check_topic",
    "normalize_room_name",
]

#: The version that introduced rooms.
_V2: Final = 2

# Category Cc and lone surrogates (a str can hold them, valid UTF-8 cannot).
_CONTROL_OR_SURROGATE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _first_forbidden(text: str) -> str | None:
    match = _CONTROL_OR_SURROGATE.search(text)
    return None if match is None else f"U+{ord(match.group()):04X}"


def normalize_room_name(raw: str) -> str:
    """Return a room name as it is stored (its NFC form), or reject it.

    PROTOCOL-2.md: 1-64 characters after NFC, no control characters, not
    only white space.  Lone surrogates are refused with control characters.
    White space around the name is kept: it is the client's to trim.

    Raises:
        ProtocolError: ``invalid_room_name`` with the reason.
    """
    name = unicodedata.normalize("NFC", raw)
    forbidden = _first_forbidden(name)
    if forbidden is not None:
        raise ProtocolError(ErrorCode.INVALID_ROOM_NAME,
                            f"room name must not contain control character {forbidden}")
    if all(is_white_space(char) for char in name):
        raise ProtocolError(ErrorCode.INVALID_ROOM_NAME,
                            "room name must not be empty or only white space")
    if len(name) > ROOM_NAME_MAX_CHARS:
        raise ProtocolError(ErrorCode.INVALID_ROOM_NAME,
                            f"room name is over {ROOM_NAME_MAX_CHARS} characters")
    return name


def check_topic(topic: str) -> str:
    """Accept a room's topic: 0-500 characters, one line (no control characters).

    Raises:
        ProtocolError: ``bad_request`` naming the field ``topic``.
    """
    forbidden = _first_forbidden(topic)
    if forbidden is not None:
        raise bad_field("topic", f"must not contain control character {forbidden}")
    if len(topic) > ROOM_TOPIC_MAX_CHARS:
        raise bad_field("topic", f"must be at most {ROOM_TOPIC_MAX_CHARS} characters")
    return topic


# --------------------------------------------------------------------------
# The room object


@dataclass(frozen=True, slots=True)
class Room:
    """A room as one member sees it (PROTOCOL-2.md, "Objects").

    ``owner`` is None only for a room whose members have all left;
    ``members`` counts them.  ``unread`` and ``mentions`` are the
    receiver's own counts (see docs/protocol.md for what they mean in a
    ``room`` event).
    """

    id: int
    name: str
    topic: str
    owner: str | None
    public: bool
    members: int
    unread: int = 0
    mentions: int = 0

    def to_wire(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "topic": self.topic, "owner": self.owner,
                "public": self.public, "members": self.members, "unread": self.unread,
                "mentions": self.mentions}

    @classmethod
    def from_wire(cls, obj: object, within: str = "room") -> Room:
        """Read a room object found at ``within``.

        Raises:
            ProtocolError: ``bad_request`` naming the malformed field.
        """
        fields = object_at(obj, within)
        return cls(room_id(fields, "id", within), string(fields, "name", within),
                   optional_string(fields, "topic", within) or "",
                   optional_string(fields, "owner", within),
                   boolean(fields, "public", within, default=False),
                   integer(fields, "members", within, minimum=0, default=0),
                   integer(fields, "unread", within, minimum=0, default=0),
                   integer(fields, "mentions", within, minimum=0, default=0))


def _rooms(fields: Mapping[str, Any], name: str) -> tuple[Room, ...]:
    return tuple(Room.from_wire(obj, path) for path, obj in objects_at(fields, name))


# --------------------------------------------------------------------------
# Replies


@dataclass(frozen=True, slots=True)
class RoomReply(Reply):
    """The answer to ``create_room``, ``join_room`` and ``update_room``."""

    room: Room

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"room": self.room.to_wire()}

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        return cls(Room.from_wire(fields.get("room")))


@dataclass(frozen=True, slots=True)
class RoomList(Reply):
    """The answer to ``rooms`` (and the ``rooms`` event after a login):
    the rooms I am in, and the public rooms I am not in."""

    rooms: tuple[Room, ...]
    public: tuple[Room, ...]

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"rooms": [room.to_wire() for room in self.rooms],
                "public": [room.to_wire() for room in self.public]}

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        return cls(_rooms(fields, "rooms"), _rooms(fields, "public"))


@dataclass(frozen=True, slots=True)
class MemberList(Reply):
    """The answer to ``members``: the room's members as (version 2) roster entries."""

    members: tuple[RosterEntry, ...]

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"members": [entry.to_wire(version=_V2) for entry in self.members]}

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        return cls(tuple(RosterEntry.from_wire(obj, path)
                         for path, obj in objects_at(fields, "members")))


# --------------------------------------------------------------------------
# Requests


def _optional(default: Any = None) -> Any:
    """A field left out of the frame while it has its default."""
    return dataclasses.field(default=default, metadata={"omit_default": True})


def _usernames(fields: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """A list of usernames (null or left out: none); unknown ones are the server's to find."""
    value = fields.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise bad_field(name, "must be a list of usernames (strings)")
    return tuple(value)


@request_type()
@dataclass(frozen=True, slots=True)
class CreateRoom(Request):
    """Create a room; I am its owner, and ``members`` are added with me."""

    TYPE: ClassVar[str] = "create_room"
    SINCE: ClassVar[int] = _V2
    name: str
    public: bool = False
    members: tuple[str, ...] = _optional(())

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> CreateRoom:
        return cls(normalize_room_name(string(fields, "name")),
                   boolean(fields, "public", default=False), _usernames(fields, "members"))

    def to_frame(self, request_id: RequestId = None) -> dict[str, Any]:
        frame = Request.to_frame(self, request_id)
        if "members" in frame:
            frame["members"] = list(self.members)
        return frame

    def parse_reply(self, fields: Mapping[str, Any]) -> RoomReply:
        return RoomReply.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class ListRooms(Request):
    """Ask for my rooms and the public rooms I am not in (``type`` is ``rooms``)."""

    TYPE: ClassVar[str] = "rooms"
    SINCE: ClassVar[int] = _V2

    def parse_reply(self, fields: Mapping[str, Any]) -> RoomList:
        return RoomList.from_wire(fields)


@dataclass(frozen=True, slots=True)
class _AboutRoom(Request):
    """A request whose one field is a room id (the base of several; not a
    request of its own)."""

    SINCE: ClassVar[int] = _V2
    room: int

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Self:
        return cls(room_id(fields, "room"))


@dataclass(frozen=True, slots=True)
class _AboutMember(Request):
    """A request about one person in one room (``room``, ``username``)."""

    SINCE: ClassVar[int] = _V2
    room: int
    username: str

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Self:
        return cls(room_id(fields, "room"), string(fields, "username"))


@request_type()
@dataclass(frozen=True, slots=True)
class JoinRoom(_AboutRoom):
    """Join a public room."""

    TYPE: ClassVar[str] = "join_room"

    def parse_reply(self, fields: Mapping[str, Any]) -> RoomReply:
        return RoomReply.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class LeaveRoom(_AboutRoom):
    """Leave a room (an owner hands it to the longest-standing member)."""

    TYPE: ClassVar[str] = "leave_room"


@request_type()
@dataclass(frozen=True, slots=True)
class Invite(_AboutMember):
    """Add someone to a room I am in."""

    TYPE: ClassVar[str] = "invite"


@request_type()
@dataclass(frozen=True, slots=True)
class RemoveMember(_AboutMember):
    """Take someone out of a room I own."""

    TYPE: ClassVar[str] = "remove_member"


@request_type()
@dataclass(frozen=True, slots=True)
class UpdateRoom(Request):
    """Rename a room I own, change its topic, or make it public or private;
    a field left out (or null) stays as it is."""

    TYPE: ClassVar[str] = "update_room"
    SINCE: ClassVar[int] = _V2
    room: int
    name: str | None = _optional()
    topic: str | None = _optional()
    public: bool | None = _optional()

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> UpdateRoom:
        name = optional_string(fields, "name")
        topic = optional_string(fields, "topic")
        public = fields.get("public")
        if public is not None and not isinstance(public, bool):
            raise bad_field("public", "must be true, false or null")
        return cls(room_id(fields, "room"),
                   None if name is None else normalize_room_name(name),
                   None if topic is None else check_topic(topic), public)

    def parse_reply(self, fields: Mapping[str, Any]) -> RoomReply:
        return RoomReply.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class ListMembers(_AboutRoom):
    """Ask who is in a room I am in (``type`` is ``members``)."""

    TYPE: ClassVar[str] = "members"

    def parse_reply(self, fields: Mapping[str, Any]) -> MemberList:
        return MemberList.from_wire(fields)


# --------------------------------------------------------------------------
# Events (version 2 only: a server sends them to version 2 connections)


@event_type
@dataclass(frozen=True, slots=True)
class RoomsEvent(Event):
    """My rooms and the public ones, right after the ``users`` event of a
    version 2 login: the ``rooms`` reply's payload."""

    TYPE: ClassVar[str] = "rooms"
    rooms: tuple[Room, ...]
    public: tuple[Room, ...]

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return RoomList(self.rooms, self.public).payload(version)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Self:
        listing = RoomList.from_wire(fields)
        return cls(listing.rooms, listing.public)


@event_type
@dataclass(frozen=True, slots=True)
class RoomEvent(Event):
    """A room I am in was created, changed, or I was added to it."""

    TYPE: ClassVar[str] = "room"
    room: Room

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"room": self.room.to_wire()}

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Self:
        return cls(Room.from_wire(fields.get("room")))


@event_type
@dataclass(frozen=True, slots=True)
class RoomLeftEvent(Event):
    """I left a room (on another connection) or was removed from it."""

    TYPE: ClassVar[str] = "room_left"
    room: int

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"room": self.room}

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Self:
        return cls(room_id(fields, "room"))


@event_type
@dataclass(frozen=True, slots=True)
class MemberEvent(Event):
    """Someone joined (``joined``) or left a room I am in."""

    TYPE: ClassVar[str] = "member"
    room: int
    username: str
    joined: bool

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"room": self.room, "username": self.username, "joined": self.joined}

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Self:
        return cls(room_id(fields, "room"), string(fields, "username"),
                   boolean(fields, "joined"))
