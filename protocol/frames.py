"""Typed frames: the requests a client sends and the objects a server returns.

Requests are frozen dataclasses, one per ``type``.  A request travels in two
directions through this module:

* a client builds one and calls :meth:`Request.to_frame` to get the frame
  object for :func:`~protocol.framing.encode_frame`;
* a server calls :func:`decode_request` on the bytes of a frame, which checks
  the envelope (JSON object, ``id``, ``type``) and returns a
  :class:`RawRequest`; after deciding whether the type is known and allowed
  in the connection's state it calls :func:`parse_request` for the typed
  request, which checks every field.

Splitting the two steps keeps the order of errors the protocol implies: an
unknown ``type`` is ``unknown_type`` whatever its fields, and a ``send``
before login is ``not_authenticated`` before anyone looks at its body.

The server-side objects (:class:`Message`, :class:`RosterEntry`) convert to
and from their wire form here too, so that both sides agree on field names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Final, TypeGuard

import orjson

from .errors import ErrorCode, ProtocolError, RequestError, RequestId
from .limits import (
    HISTORY_DEFAULT_LIMIT,
    HISTORY_MAX_LIMIT,
    KEY_MAX_CHARS,
    KEY_MIN_CHARS,
    MAX_REQUEST_ID_CHARS,
    MAX_REQUEST_ID_INT,
    SYNC_DEFAULT_LIMIT,
    SYNC_MAX_LIMIT,
)
from .rules import check_password, normalize_body, normalize_username

__all__ = [
    "RawRequest",
    "Request",
    "Register",
    "Login",
    "Logout",
    "Ping",
    "ListUsers",
    "Send",
    "History",
    "Sync",
    "MarkRead",
    "ChangePassword",
    "REQUEST_TYPES",
    "PRE_AUTH_TYPES",
    "decode_request",
    "parse_request",
    "decode_json_object",
    "Message",
    "message_to_wire",
    "RosterEntry",
    "format_ts",
    "parse_ts",
    "ok_reply",
    "error_reply",
]

_MAX_MESSAGE_ID: Final = 2**63 - 1


# --------------------------------------------------------------------------
# Field readers.  Each takes the frame's fields and a name, and either returns
# a value of the right type or raises ProtocolError(bad_request) naming the
# field, so every rejection says exactly what was wrong.


def _bad(field: str, problem: str) -> ProtocolError:
    return ProtocolError(ErrorCode.BAD_REQUEST, f"field '{field}' {problem}")


def _is_int(value: object) -> TypeGuard[int]:
    # bool is a subclass of int in Python, never in JSON.
    return isinstance(value, int) and not isinstance(value, bool)


def _string(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str):
        raise _bad(name, "must be a string" if name in fields else "is missing")
    return value


def _optional_string(fields: Mapping[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if value is None or isinstance(value, str):
        return value
    raise _bad(name, "must be a string or null")


def _message_id(fields: Mapping[str, Any], name: str, *, optional: bool = False) -> int | None:
    value = fields.get(name)
    if value is None and optional:
        return None
    if not _is_int(value):
        raise _bad(name, "must be a message id (an integer)" if name in fields else "is missing")
    if not 0 <= value <= _MAX_MESSAGE_ID:
        raise _bad(name, "must be a message id, 0 or more")
    return value


def _limit(fields: Mapping[str, Any], default: int, maximum: int) -> int:
    value = fields.get("limit")
    if value is None:
        return default
    if not _is_int(value) or not 1 <= value <= maximum:
        raise _bad("limit", f"must be an integer from 1 to {maximum}")
    return value


# --------------------------------------------------------------------------
# Requests


@dataclass(frozen=True, slots=True)
class Request:
    """Base of every request; :attr:`TYPE` is the frame's ``type``."""

    TYPE: ClassVar[str] = ""

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Request:
        """Build the request from a frame's fields, checking each of them.

        Raises:
            ProtocolError: with the code PROTOCOL.md gives for the fault.
        """
        return cls()

    def to_frame(self, request_id: RequestId = None) -> dict[str, Any]:
        """The frame object a client sends for this request."""
        frame: dict[str, Any] = {"type": self.TYPE}
        if request_id is not None:
            frame["id"] = request_id
        for field in dataclasses.fields(self):
            frame[field.metadata.get("wire", field.name)] = getattr(self, field.name)
        return frame


def _wire(name: str, **options: Any) -> Any:
    """A dataclass field whose wire name differs (``with`` is a keyword)."""
    return dataclasses.field(metadata={"wire": name}, **options)


@dataclass(frozen=True, slots=True)
class Register(Request):
    """Create an account and log the connection in as it."""

    TYPE: ClassVar[str] = "register"
    username: str
    password: str

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Register:
        username = normalize_username(_string(fields, "username"))
        password = _string(fields, "password")
        check_password(password)
        return cls(username, password)


@dataclass(frozen=True, slots=True)
class Login(Request):
    """Log the connection in.  Name and password are only type-checked:
    a malformed name is just an account that does not exist."""

    TYPE: ClassVar[str] = "login"
    username: str
    password: str

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Login:
        return cls(_string(fields, "username"), _string(fields, "password"))


@dataclass(frozen=True, slots=True)
class Logout(Request):
    """Return the connection to the unauthenticated state."""

    TYPE: ClassVar[str] = "logout"


@dataclass(frozen=True, slots=True)
class Ping(Request):
    """Keep a connection alive; answered with an empty ``ok``."""

    TYPE: ClassVar[str] = "ping"


@dataclass(frozen=True, slots=True)
class ListUsers(Request):
    """Ask for the roster (``type`` is ``users``)."""

    TYPE: ClassVar[str] = "users"


@dataclass(frozen=True, slots=True)
class Send(Request):
    """Store a message in the general room (``to`` is None) or to one user."""

    TYPE: ClassVar[str] = "send"
    to: str | None
    body: str
    key: str | None = None

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Send:
        # PROTOCOL.md: a field that may be null may also be left out, so a
        # send without ``to`` goes to the general room.
        to = _optional_string(fields, "to")
        body = normalize_body(_string(fields, "body"))
        key = _optional_string(fields, "key")
        if key is not None and not KEY_MIN_CHARS <= len(key) <= KEY_MAX_CHARS:
            raise _bad("key", f"must be {KEY_MIN_CHARS}-{KEY_MAX_CHARS} characters long")
        return cls(to, body, key)

    def to_frame(self, request_id: RequestId = None) -> dict[str, Any]:
        frame = Request.to_frame(self, request_id)
        if self.key is None:
            del frame["key"]
        return frame


@dataclass(frozen=True, slots=True)
class History(Request):
    """Page backwards through one conversation."""

    TYPE: ClassVar[str] = "history"
    with_: str | None = _wire("with", default=None)
    before: int | None = None
    limit: int = HISTORY_DEFAULT_LIMIT

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> History:
        return cls(
            _optional_string(fields, "with"),
            _message_id(fields, "before", optional=True),
            _limit(fields, HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT),
        )


@dataclass(frozen=True, slots=True)
class Sync(Request):
    """Fetch every visible message after a given id (catching up)."""

    TYPE: ClassVar[str] = "sync"
    after: int = 0
    limit: int = SYNC_DEFAULT_LIMIT

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Sync:
        after = _message_id(fields, "after")
        assert after is not None
        return cls(after, _limit(fields, SYNC_DEFAULT_LIMIT, SYNC_MAX_LIMIT))


@dataclass(frozen=True, slots=True)
class MarkRead(Request):
    """Move my read marker of one conversation forward."""

    TYPE: ClassVar[str] = "mark_read"
    with_: str | None = _wire("with")
    up_to: int = 0

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> MarkRead:
        # ``with`` may be null, so it may be left out too: the general room.
        up_to = _message_id(fields, "up_to")
        assert up_to is not None
        return cls(_optional_string(fields, "with"), up_to)


@dataclass(frozen=True, slots=True)
class ChangePassword(Request):
    """Replace my password after proving the old one."""

    TYPE: ClassVar[str] = "change_password"
    old_password: str
    new_password: str

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> ChangePassword:
        old_password = _string(fields, "old_password")
        new_password = _string(fields, "new_password")
        check_password(new_password)
        return cls(old_password, new_password)


#: Every request type by its ``type`` value.
REQUEST_TYPES: Final[dict[str, type[Request]]] = {
    cls.TYPE: cls
    for cls in (Register, Login, Logout, Ping, ListUsers, Send, History, Sync, MarkRead,
                ChangePassword)
}
#: The types a connection may send before it has logged in.
PRE_AUTH_TYPES: Final = frozenset({Register.TYPE, Login.TYPE, Ping.TYPE})


# --------------------------------------------------------------------------
# Decoding requests


@dataclass(frozen=True, slots=True)
class RawRequest:
    """A frame whose envelope is valid: an object with a usable ``id`` and a
    string ``type``, fields not yet checked."""

    re: RequestId
    type: str
    fields: dict[str, Any]


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


def _request_id(fields: Mapping[str, Any]) -> RequestId:
    value = fields.get("id")
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) <= MAX_REQUEST_ID_CHARS:
            return value
    elif _is_int(value) and -MAX_REQUEST_ID_INT <= value <= MAX_REQUEST_ID_INT:
        return value
    raise RequestError(
        ErrorCode.BAD_REQUEST,
        f"field 'id' must be a string of at most {MAX_REQUEST_ID_CHARS} characters "
        f"or an integer within ±2^53",
    )


def decode_request(frame: bytes) -> RawRequest:
    """Check a request's envelope.

    Raises:
        RequestError: ``bad_request``, with ``re`` set whenever the ``id``
            itself was valid.
    """
    try:
        fields = decode_json_object(frame)
    except ProtocolError as error:
        raise RequestError.from_protocol_error(error, None) from None
    re = _request_id(fields)
    request_type = fields.get("type")
    if not isinstance(request_type, str):
        raise RequestError(ErrorCode.BAD_REQUEST, "field 'type' must be a string", re)
    return RawRequest(re, request_type, fields)


def parse_request(raw: RawRequest) -> Request:
    """Check every field of a request whose type is known.

    Raises:
        RequestError: ``unknown_type`` or the field's error code.
    """
    request_class = REQUEST_TYPES.get(raw.type)
    if request_class is None:
        raise RequestError(ErrorCode.UNKNOWN_TYPE, f"unknown request type {raw.type!r}", raw.re)
    try:
        return request_class.from_fields(raw.fields)
    except ProtocolError as error:
        raise RequestError.from_protocol_error(error, raw.re) from None


# --------------------------------------------------------------------------
# Objects the server sends


def format_ts(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds and ``Z``, as every ``ts`` is written.

    A naive ``moment`` is taken to be UTC already (the database stores naive
    UTC), never local time.  Milliseconds are truncated, not rounded, so a
    timestamp never moves into the next second.
    """
    moment = moment.astimezone(UTC) if moment.tzinfo else moment
    # Not strftime("%Y"): glibc writes years below 1000 without zero padding.
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}."
        f"{moment.microsecond // 1000:03d}Z"
    )


def parse_ts(text: str) -> datetime:
    """Read a ``ts`` value back into an aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def message_to_wire(message_id: int, sender: str, recipient: str | None, body: str,
                    ts: str) -> dict[str, Any]:
    """A message object as frames carry it.

    :meth:`Message.to_wire` gives the same; the server, which turns every
    stored message into one, calls this directly and skips building a
    frozen :class:`Message` first (a measurable share of its time per
    message, bench/README.md).
    """
    return {"id": message_id, "from": sender, "to": recipient, "body": body, "ts": ts}


@dataclass(frozen=True, slots=True)
class Message:
    """A stored message as both sides see it."""

    id: int
    sender: str
    recipient: str | None
    body: str
    ts: str

    def to_wire(self) -> dict[str, Any]:
        return message_to_wire(self.id, self.sender, self.recipient, self.body, self.ts)

    @classmethod
    def from_wire(cls, obj: Mapping[str, Any]) -> Message:
        """Read a message object from a server frame.

        Raises:
            ProtocolError: ``bad_request`` when the object is malformed.
        """
        try:
            message_id, sender, recipient = obj["id"], obj["from"], obj.get("to")
            body, ts = obj["body"], obj["ts"]
        except (KeyError, TypeError):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "malformed message object") from None
        if not (_is_int(message_id) and isinstance(sender, str) and isinstance(body, str)
                and isinstance(ts, str) and (recipient is None or isinstance(recipient, str))):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "malformed message object")
        return cls(message_id, sender, recipient, body, ts)


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One user in the roster: name, whether online, and my unread count."""

    username: str
    online: bool
    unread: int = 0

    def to_wire(self, *, with_unread: bool = True) -> dict[str, Any]:
        entry: dict[str, Any] = {"username": self.username, "online": self.online}
        if with_unread:
            entry["unread"] = self.unread
        return entry

    @classmethod
    def from_wire(cls, obj: Mapping[str, Any]) -> RosterEntry:
        """Read a roster entry (``unread`` may be absent, as in ``presence``).

        Raises:
            ProtocolError: ``bad_request`` when the object is malformed.
        """
        username = obj.get("username") if isinstance(obj, Mapping) else None
        online = obj.get("online") if isinstance(obj, Mapping) else None
        unread = obj.get("unread", 0) if isinstance(obj, Mapping) else None
        if not (isinstance(username, str) and isinstance(online, bool) and _is_int(unread)):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "malformed roster entry")
        return cls(username, online, unread)


def ok_reply(re: RequestId, **payload: Any) -> dict[str, Any]:
    """An ``ok`` reply frame."""
    return {"type": "ok", "re": re, **payload}


def error_reply(error: RequestError) -> dict[str, Any]:
    """The ``error`` reply frame for a rejected request."""
    return {"type": "error", "re": error.re, "code": error.code.value,
            "message": error.message, **error.extra}

