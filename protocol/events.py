"""Events, and reading any frame a server sends.

An event is a frame without ``re``, pushed by the server: ``hello`` on
connect, ``users`` after a login, ``presence`` and ``message`` while logged
in.  Each is a frozen dataclass with ``to_wire`` (what a server sends) and
``from_fields`` (what a client reads), registered by its ``type`` in
:data:`EVENT_TYPES` with the :func:`event_type` decorator.

:func:`decode_server_frame` is a client's one entry point: it reads any
frame object from a server and returns an :class:`~protocol.replies.OkReply`,
an :class:`~protocol.replies.ErrorReply` or an :class:`Event`.  An event type
this version does not know becomes an :class:`UnknownEvent`, which a client
ignores: a newer server's events are news to skip, not errors.  A known
event with a malformed field is an error (:class:`~protocol.errors.ProtocolError`
naming the field).

A version 2 event (``rooms``, ``room``, ``room_left``, ``member``,
``update``, ``typing``, ``read``) is one more decorated class here; nothing
else changes for it to be decoded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Self, TypeVar

from .errors import ErrorCode, ProtocolError
from .framing import frame_prefix
from .fields import bad_field, integer, request_ref, string
from .limits import PROTOCOL_V1
from .objects import Message, RosterEntry
from .replies import ErrorReply, OkReply, Roster

__all__ = [
    "EVENT_TYPES",
    "CarriesMessage",
    "Event",
    "Hello",
    "MessageEvent",
    "message_event_frame",
    "PresenceEvent",
    "ServerFrame",
    "UnknownEvent",
    "UsersEvent",
    "decode_server_frame",
    "event_type",
]


@dataclass(frozen=True, slots=True)
class Event:
    """Base of the events a server pushes; :attr:`TYPE` is the frame's ``type``."""

    TYPE: ClassVar[str] = ""

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        """The event's own fields (everything but ``type``), as a connection
        speaking protocol ``version`` sees them."""
        return {}

    def to_wire(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        """The whole event frame."""
        return {"type": self.TYPE, **self.payload(version)}

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Self:
        """Read the event from its frame's fields.

        Raises:
            ProtocolError: ``bad_request`` naming the malformed field.
        """
        return cls()


#: Every event a client understands, by its ``type`` value.
EVENT_TYPES: Final[dict[str, type[Event]]] = {}

_E = TypeVar("_E", bound=type[Event])


def event_type(cls: _E) -> _E:
    """Register an event class under its ``TYPE`` (a class decorator)."""
    if not cls.TYPE or cls.TYPE in EVENT_TYPES or cls.TYPE in ("ok", "error"):
        raise ValueError(f"event type {cls.TYPE!r} is empty, taken or a reply's")
    EVENT_TYPES[cls.TYPE] = cls
    return cls


@event_type
@dataclass(frozen=True, slots=True)
class Hello(Event):
    """The server's greeting on a new connection: its protocol version and
    name.  Whether the version is one this client speaks is the client's
    decision, not the decoder's."""

    TYPE: ClassVar[str] = "hello"
    protocol: int
    server: str
    #: The parts of version 2 the server offers (:class:`~protocol.features.Feature`
    #: values; unknown names are kept: a newer server's, to be ignored).
    features: tuple[str, ...] = ()

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        # Sent before any login, so the same for every connection; a
        # version 1 client ignores the fields it does not know.
        payload: dict[str, Any] = {"protocol": self.protocol, "server": self.server}
        if self.protocol >= 2:
            payload["features"] = list(self.features)
        return payload

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Self:
        features = fields.get("features")
        if features is not None and not (isinstance(features, list)
                                         and all(isinstance(f, str) for f in features)):
            raise bad_field("features", "must be a list of strings")
        return cls(integer(fields, "protocol"), string(fields, "server"),
                   tuple(features or ()))


@event_type
@dataclass(frozen=True, slots=True)
class UsersEvent(Event):
    """The roster, pushed right after a login: the ``users`` reply's payload
    (:class:`~protocol.replies.Roster`), written and read by it."""

    TYPE: ClassVar[str] = "users"
    users: tuple[RosterEntry, ...]

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return Roster(self.users).payload(version)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Self:
        return cls(Roster.from_wire(fields).users)


@event_type
@dataclass(frozen=True, slots=True)
class PresenceEvent(Event):
    """A user came online, went offline, or registered.  The entry carries no
    ``unread`` on the wire (it reads back as 0)."""

    TYPE: ClassVar[str] = "presence"
    user: RosterEntry

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"user": self.user.to_wire(with_unread=False, version=version)}

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Self:
        return cls(RosterEntry.from_wire(fields.get("user"), "user"))


@dataclass(frozen=True, slots=True)
class CarriesMessage(Event):
    """An event whose one field is a whole message, written in the
    connection's version: the base of :class:`MessageEvent` and of version
    2's ``update`` (:class:`protocol.lifecycle.UpdateEvent`).  They are
    siblings, not parent and child, so that a client's ``case MessageEvent()``
    never takes an update for a new message.
    """

    message: Message

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"message": self.message.to_wire(version)}

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Self:
        return cls(Message.from_wire(fields.get("message"), "message"))


@event_type
@dataclass(frozen=True, slots=True)
class MessageEvent(CarriesMessage):
    """A new message this connection can see (not one it sent itself)."""

    TYPE: ClassVar[str] = "message"


_MESSAGE_EVENT_HEAD: Final = frame_prefix({"type": MessageEvent.TYPE}, "message")


def message_event_frame(message: bytes) -> bytes:
    """The encoded :class:`MessageEvent` whose ``message`` is encoded already
    (:func:`~protocol.framing.encode_json`): what
    :func:`~protocol.framing.encode_frame` gives for its wire form, from
    the bytes that the sender's ``ok`` carries too
    (:func:`~protocol.replies.sent_reply_frame`)."""
    return b"".join((_MESSAGE_EVENT_HEAD, message, b"}\n"))


@dataclass(frozen=True, slots=True)
class UnknownEvent(Event):
    """An event of a type this version does not know (a newer server's).

    Not registered: :func:`decode_server_frame` makes one for any unknown
    ``type`` so the client can skip it knowingly.
    """

    kind: str
    fields: Mapping[str, Any]

    def to_wire(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {**self.fields, "type": self.kind}


#: Anything a server sends.
ServerFrame = OkReply | ErrorReply | Event

def decode_server_frame(fields: Mapping[str, Any]) -> ServerFrame:
    """Read one frame object from a server (as :func:`~protocol.framing.decode_json_object`
    returns it).

    Raises:
        ProtocolError: ``bad_request`` naming the malformed field; the frame
            should be ignored.
    """
    kind = fields.get("type")
    if not isinstance(kind, str):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "field 'type' must be a string")
    if kind == "ok":
        return OkReply(request_ref(fields, "re"), fields)
    if kind == "error":
        return ErrorReply.from_wire(fields)
    event_class = EVENT_TYPES.get(kind)
    if event_class is None:
        return UnknownEvent(kind, fields)
    return event_class.from_fields(fields)
