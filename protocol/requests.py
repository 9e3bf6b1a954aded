"""Requests: what a client asks, typed for both sides.

Requests are frozen dataclasses, one per ``type``.  A request travels in two
directions through this module:

* a client builds one and calls :meth:`Request.to_frame` to get the frame
  object for :func:`~protocol.framing.encode_frame`, and reads the ``ok``
  that answers it with :meth:`Request.parse_reply`, which returns the
  request's own reply type (:mod:`protocol.replies`);
* a server calls :func:`decode_request` on the bytes of a frame, which checks
  the envelope (JSON object, ``id``, ``type``) and returns a
  :class:`RawRequest`; after deciding whether the type is known and allowed
  in the connection's state it calls :func:`parse_request` for the typed
  request, which checks every field.

Splitting the two steps keeps the order of errors the protocol implies: an
unknown ``type`` is ``unknown_type`` whatever its fields, and a ``send``
before login is ``not_authenticated`` before anyone looks at its body.

A version 2 request is one more class here with its ``TYPE``, its
``from_fields`` and (unless its ``ok`` is empty) a ``parse_reply`` naming
its reply class, listed in :data:`REQUEST_TYPES`; a version 2 field of an
existing request is a field with a default.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Protocol, TypeVar

from .errors import ErrorCode, ProtocolError, RequestError, RequestId
from .fields import (
    bad_field,
    message_id,
    optional_message_id,
    optional_string,
    page_limit,
    request_ref,
    string,
)
from .framing import decode_json_object
from .limits import (
    HISTORY_DEFAULT_LIMIT,
    HISTORY_MAX_LIMIT,
    KEY_MAX_CHARS,
    KEY_MIN_CHARS,
    SYNC_DEFAULT_LIMIT,
    SYNC_MAX_LIMIT,
)
from .replies import Done, LoggedIn, MessagePage, Reply, Roster, Sent
from .rules import check_password, normalize_body, normalize_username

__all__ = [
    "Answerable",
    "ChangePassword",
    "History",
    "ListUsers",
    "Login",
    "Logout",
    "MarkRead",
    "PRE_AUTH_TYPES",
    "Ping",
    "REQUEST_TYPES",
    "RawRequest",
    "Register",
    "Request",
    "Send",
    "Sync",
    "decode_request",
    "parse_request",
]

ReplyT_co = TypeVar("ReplyT_co", bound=Reply, covariant=True)


class Answerable(Protocol[ReplyT_co]):
    """A request as its sender sees it: it becomes a frame, and it reads the
    ``ok`` that answers it as its own reply type.

    Every :class:`Request` is one; code that waits for a reply takes an
    ``Answerable[R]`` so the type checker knows the reply is an ``R``
    (``Answerable[Sent]`` for a :class:`Send`).
    """

    def to_frame(self, request_id: RequestId = None) -> dict[str, Any]: ...

    def parse_reply(self, fields: Mapping[str, Any]) -> ReplyT_co: ...


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

    def parse_reply(self, fields: Mapping[str, Any]) -> Reply:
        """Read the ``ok`` frame that answered this request.

        Requests whose ``ok`` carries a payload override this to return
        their reply type; for the rest it is empty.

        Raises:
            ProtocolError: ``bad_request`` naming the malformed field.
        """
        return Done.from_wire(fields)


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
        username = normalize_username(string(fields, "username"))
        password = string(fields, "password")
        check_password(password)
        return cls(username, password)

    def parse_reply(self, fields: Mapping[str, Any]) -> LoggedIn:
        return LoggedIn.from_wire(fields)


@dataclass(frozen=True, slots=True)
class Login(Request):
    """Log the connection in.  Name and password are only type-checked:
    a malformed name is just an account that does not exist."""

    TYPE: ClassVar[str] = "login"
    username: str
    password: str

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Login:
        return cls(string(fields, "username"), string(fields, "password"))

    def parse_reply(self, fields: Mapping[str, Any]) -> LoggedIn:
        return LoggedIn.from_wire(fields)


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

    def parse_reply(self, fields: Mapping[str, Any]) -> Roster:
        return Roster.from_wire(fields)


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
        to = optional_string(fields, "to")
        body = normalize_body(string(fields, "body"))
        key = optional_string(fields, "key")
        if key is not None and not KEY_MIN_CHARS <= len(key) <= KEY_MAX_CHARS:
            raise bad_field("key", f"must be {KEY_MIN_CHARS}-{KEY_MAX_CHARS} characters long")
        return cls(to, body, key)

    def to_frame(self, request_id: RequestId = None) -> dict[str, Any]:
        frame = Request.to_frame(self, request_id)
        if self.key is None:
            del frame["key"]
        return frame

    def parse_reply(self, fields: Mapping[str, Any]) -> Sent:
        return Sent.from_wire(fields)


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
            optional_string(fields, "with"),
            optional_message_id(fields, "before"),
            page_limit(fields, HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT),
        )

    def parse_reply(self, fields: Mapping[str, Any]) -> MessagePage:
        return MessagePage.from_wire(fields)


@dataclass(frozen=True, slots=True)
class Sync(Request):
    """Fetch every visible message after a given id (catching up)."""

    TYPE: ClassVar[str] = "sync"
    after: int = 0
    limit: int = SYNC_DEFAULT_LIMIT

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Sync:
        return cls(message_id(fields, "after"),
                   page_limit(fields, SYNC_DEFAULT_LIMIT, SYNC_MAX_LIMIT))

    def parse_reply(self, fields: Mapping[str, Any]) -> MessagePage:
        return MessagePage.from_wire(fields)


@dataclass(frozen=True, slots=True)
class MarkRead(Request):
    """Move my read marker of one conversation forward."""

    TYPE: ClassVar[str] = "mark_read"
    with_: str | None = _wire("with")
    up_to: int = 0

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> MarkRead:
        # ``with`` may be null, so it may be left out too: the general room.
        up_to = message_id(fields, "up_to")
        return cls(optional_string(fields, "with"), up_to)


@dataclass(frozen=True, slots=True)
class ChangePassword(Request):
    """Replace my password after proving the old one."""

    TYPE: ClassVar[str] = "change_password"
    old_password: str
    new_password: str

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> ChangePassword:
        old_password = string(fields, "old_password")
        new_password = string(fields, "new_password")
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
    try:
        re = request_ref(fields, "id")
    except ProtocolError as error:
        raise RequestError.from_protocol_error(error, None) from None
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


