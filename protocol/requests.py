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

A version 2 request is one more class with its ``TYPE``, ``SINCE = 2``,
its ``from_fields`` and (unless its ``ok`` is empty) a ``parse_reply``
naming its reply class, registered in :data:`REQUEST_TYPES` with the
:func:`request_type` decorator (a feature may keep its requests in a module
of its own, imported by :mod:`protocol`); a version 2 field of an existing
request is a field with a default, left out of the frame while it has its
default, so that a version 1 request stays exactly version 1.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Protocol, TypeVar

from .errors import ErrorCode, ProtocolError, RequestError, RequestId
from .fields import (
    bad_field,
    boolean,
    integer,
    message_id,
    optional_file_id,
    optional_message_id,
    optional_room_id,
    optional_string,
    page_limit,
    request_ref,
    string,
)
from .framing import decode_json_object
from .limits import (
    CLIENT_NAME_MAX_CHARS,
    HISTORY_DEFAULT_LIMIT,
    HISTORY_MAX_LIMIT,
    KEY_MAX_CHARS,
    KEY_MIN_CHARS,
    PROTOCOL_V1,
    SEARCH_DEFAULT_LIMIT,
    SEARCH_MAX_LIMIT,
    SYNC_DEFAULT_LIMIT,
    SYNC_MAX_LIMIT,
)
from .replies import Done, LoggedIn, MessagePage, Reply, Roster, SearchPage, Sent
from .rules import (
    check_password,
    check_search_query,
    is_white_space_only,
    normalize_body,
    normalize_username,
)

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
    "Resume",
    "Search",
    "Send",
    "Sync",
    "decode_request",
    "parse_request",
    "request_type",
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
    """Base of every request; :attr:`TYPE` is the frame's ``type``.

    :attr:`SINCE` is the protocol version that introduced it: a connection
    logged in with an older version gets ``unknown_type`` for it
    (PROTOCOL-2.md, "Asking for version 2").
    """

    TYPE: ClassVar[str] = ""
    SINCE: ClassVar[int] = PROTOCOL_V1

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
            value = getattr(self, field.name)
            if field.metadata.get("omit_default") and value == field.default:
                continue  # a version 2 field at its default: the frame stays version 1's
            frame[field.metadata.get("wire", field.name)] = value
        return frame

    def parse_reply(self, fields: Mapping[str, Any]) -> Reply:
        """Read the ``ok`` frame that answered this request.

        Requests whose ``ok`` carries a payload override this to return
        their reply type; for the rest it is empty.

        Raises:
            ProtocolError: ``bad_request`` naming the malformed field.
        """
        return Done.from_wire(fields)


#: Every request type by its ``type`` value (see :func:`request_type`).
REQUEST_TYPES: Final[dict[str, type[Request]]] = {}
#: The types a connection may send before it has logged in.
PRE_AUTH_TYPES: Final[set[str]] = set()

_Q = TypeVar("_Q", bound=type[Request])


def request_type(*, pre_auth: bool = False) -> Callable[[_Q], _Q]:
    """Register a request class under its ``TYPE`` (a class decorator).

    Args:
        pre_auth: whether a connection may send it before it has logged in.
    """
    def register(cls: _Q) -> _Q:
        if not cls.TYPE or cls.TYPE in REQUEST_TYPES:
            raise ValueError(f"request type {cls.TYPE!r} is empty or taken")
        REQUEST_TYPES[cls.TYPE] = cls
        if pre_auth:
            PRE_AUTH_TYPES.add(cls.TYPE)
        return cls
    return register


def _wire(name: str, **options: Any) -> Any:
    """A dataclass field whose wire name differs (``with`` is a keyword)."""
    return dataclasses.field(metadata={"wire": name}, **options)


def _since_v2(default: Any) -> Any:
    """A version 2 field of a version 1 request: left out of the frame at its default."""
    return dataclasses.field(default=default, metadata={"omit_default": True})


def _room_instead_of(fields: Mapping[str, Any], peer_field: str, peer: str | None) -> int | None:
    """A request's ``room`` (version 2), which names the conversation in
    place of ``peer_field`` (``to`` or ``with``): both at once is ``bad_request``.

    A version 1 connection's ``room`` is read here too; the server ignores
    it there, as version 1 ignores every field it does not know.
    """
    room = optional_room_id(fields, "room")
    if room is not None and peer is not None:
        raise bad_field("room", f"cannot be given together with '{peer_field}'")
    return room


def _negotiation(fields: Mapping[str, Any]) -> tuple[int, bool, str | None]:
    """``protocol``, ``remember`` and ``client`` of a login, a registration or a resume."""
    client = optional_string(fields, "client")
    if client is not None and len(client) > CLIENT_NAME_MAX_CHARS:
        raise bad_field("client", f"must be at most {CLIENT_NAME_MAX_CHARS} characters")
    return (integer(fields, "protocol", minimum=PROTOCOL_V1, default=PROTOCOL_V1),
            boolean(fields, "remember", default=False), client)


@request_type(pre_auth=True)
@dataclass(frozen=True, slots=True)
class Register(Request):
    """Create an account and log the connection in as it.

    ``protocol``, ``remember`` and ``client`` are version 2's
    (PROTOCOL-2.md): the version the connection will speak (the server
    speaks the newest it knows up to it), whether to return a remembered
    session's ``token``, and what the client calls itself.
    """

    TYPE: ClassVar[str] = "register"
    username: str
    password: str = dataclasses.field(repr=False)  # never in a log line
    protocol: int = _since_v2(PROTOCOL_V1)
    remember: bool = _since_v2(False)
    client: str | None = _since_v2(None)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Register:
        username = normalize_username(string(fields, "username"))
        password = string(fields, "password")
        check_password(password)
        return cls(username, password, *_negotiation(fields))

    def parse_reply(self, fields: Mapping[str, Any]) -> LoggedIn:
        return LoggedIn.from_wire(fields)


@request_type(pre_auth=True)
@dataclass(frozen=True, slots=True)
class Login(Request):
    """Log the connection in.  Name and password are only type-checked:
    a malformed name is just an account that does not exist.  The version
    2 fields are :class:`Register`'s."""

    TYPE: ClassVar[str] = "login"
    username: str
    password: str = dataclasses.field(repr=False)  # never in a log line
    protocol: int = _since_v2(PROTOCOL_V1)
    remember: bool = _since_v2(False)
    client: str | None = _since_v2(None)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Login:
        return cls(string(fields, "username"), string(fields, "password"),
                   *_negotiation(fields))

    def parse_reply(self, fields: Mapping[str, Any]) -> LoggedIn:
        return LoggedIn.from_wire(fields)


@request_type(pre_auth=True)
@dataclass(frozen=True, slots=True)
class Resume(Request):
    """Log the connection in with a remembered session's token instead of a
    password (PROTOCOL-2.md, "Remembered sessions"); answered like ``login``.

    Allowed before login, so a connection of either version may send it;
    it speaks version 2 only if it also says ``protocol: 2``.
    """

    TYPE: ClassVar[str] = "resume"
    SINCE: ClassVar[int] = 2
    token: str = dataclasses.field(repr=False)  # a password: never in a log line
    protocol: int = _since_v2(PROTOCOL_V1)
    client: str | None = _since_v2(None)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Resume:
        protocol, _, client = _negotiation(fields)
        return cls(string(fields, "token"), protocol, client)

    def parse_reply(self, fields: Mapping[str, Any]) -> LoggedIn:
        return LoggedIn.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class Logout(Request):
    """Return the connection to the unauthenticated state; with ``forget``
    (version 2), also revoke the remembered session it logged in with."""

    TYPE: ClassVar[str] = "logout"
    forget: bool = _since_v2(False)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Logout:
        return cls(boolean(fields, "forget", default=False))


@request_type(pre_auth=True)
@dataclass(frozen=True, slots=True)
class Ping(Request):
    """Keep a connection alive; answered with an empty ``ok``."""

    TYPE: ClassVar[str] = "ping"


@request_type()
@dataclass(frozen=True, slots=True)
class ListUsers(Request):
    """Ask for the roster (``type`` is ``users``)."""

    TYPE: ClassVar[str] = "users"

    def parse_reply(self, fields: Mapping[str, Any]) -> Roster:
        return Roster.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class Send(Request):
    """Store a message in the general room (``to`` and ``room`` are None),
    to one user, or (version 2) in a room.

    ``reply_to`` is version 2's (PROTOCOL-2.md, "Edits"): the id of the
    message of the same conversation this one answers.  ``file`` (version
    2, "Files") posts an uploaded file; its ``body`` is then an optional
    caption, ``""`` when there is none.
    """

    TYPE: ClassVar[str] = "send"
    to: str | None
    body: str
    key: str | None = None
    reply_to: int | None = _since_v2(None)
    file: str | None = _since_v2(None)
    room: int | None = _since_v2(None)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Send:
        # PROTOCOL.md: a field that may be null may also be left out, so a
        # send without ``to`` goes to the general room.
        to = optional_string(fields, "to")
        file = optional_file_id(fields)
        if file is None:
            body = normalize_body(string(fields, "body"))
        else:
            body = _caption(optional_string(fields, "body"))
        key = optional_string(fields, "key")
        if key is not None and not KEY_MIN_CHARS <= len(key) <= KEY_MAX_CHARS:
            raise bad_field("key", f"must be {KEY_MIN_CHARS}-{KEY_MAX_CHARS} characters long")
        return cls(to, body, key, optional_message_id(fields, "reply_to"), file,
                   _room_instead_of(fields, "to", to))

    def to_frame(self, request_id: RequestId = None) -> dict[str, Any]:
        frame = Request.to_frame(self, request_id)
        if self.key is None:
            del frame["key"]
        return frame

    def parse_reply(self, fields: Mapping[str, Any]) -> Sent:
        return Sent.from_wire(fields)


def _caption(body: str | None) -> str:
    """The caption of a file: a body by the usual rules, or ``""`` for none
    (left out, or only white space)."""
    if body is None or is_white_space_only(body):
        return ""
    return normalize_body(body)


@request_type()
@dataclass(frozen=True, slots=True)
class History(Request):
    """Page through one conversation: backwards from ``before`` (version 1).

    Version 2 (PROTOCOL-2.md, "Search") adds two other places to start
    from, used instead of ``before``: ``around`` (a message id: the page
    that has it near its middle, to open a search result in context) and
    ``after`` (the oldest messages above it, ascending).  They are read on
    every connection but honoured only on a version 2 one (a version 1
    connection ignores fields it does not know, as PROTOCOL.md says);
    :meth:`anchor_error` says whether more than one place was given.
    ``room`` (version 2, PROTOCOL-2.md "Rooms") names a room's conversation
    instead of ``with``.
    """

    TYPE: ClassVar[str] = "history"
    with_: str | None = _wire("with", default=None)
    before: int | None = None
    limit: int = HISTORY_DEFAULT_LIMIT
    around: int | None = _since_v2(None)
    after: int | None = _since_v2(None)
    room: int | None = _since_v2(None)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> History:
        with_ = optional_string(fields, "with")
        return cls(
            with_,
            optional_message_id(fields, "before"),
            page_limit(fields, HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT),
            optional_message_id(fields, "around"),
            optional_message_id(fields, "after"),
            _room_instead_of(fields, "with", with_),
        )

    def anchor_error(self) -> ProtocolError | None:
        """``bad_request`` when more than one of ``before``, ``around`` and
        ``after`` is given (a version 2 rule: a page starts in one place)."""
        given = [name for name, value in (("before", self.before), ("around", self.around),
                                          ("after", self.after)) if value is not None]
        if len(given) > 1:
            return ProtocolError(ErrorCode.BAD_REQUEST,
                                 f"fields {' and '.join(repr(n) for n in given)} exclude one "
                                 "another: give at most one")
        return None

    def parse_reply(self, fields: Mapping[str, Any]) -> MessagePage:
        return MessagePage.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class Search(Request):
    """Find messages I can see by any part of their words (PROTOCOL-2.md, "Search").

    ``query`` is kept as :func:`~protocol.rules.check_search_query` returns
    it.  At most one of ``with_`` (a direct conversation), ``room`` and
    ``general`` narrows the search to one conversation; none of them means
    everything I can see.  ``before`` pages on, as in ``history``.
    """

    TYPE: ClassVar[str] = "search"
    SINCE: ClassVar[int] = 2
    query: str
    with_: str | None = _wire("with", default=None)
    room: int | None = None
    general: bool = False
    before: int | None = None
    limit: int = SEARCH_DEFAULT_LIMIT

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Search:
        query = check_search_query(string(fields, "query"))
        with_ = optional_string(fields, "with")
        room = None if fields.get("room") is None else integer(fields, "room", minimum=0)
        general = boolean(fields, "general", default=False)
        narrowed = [name for name, given in (("with", with_ is not None),
                                             ("room", room is not None),
                                             ("general", general)) if given]
        if len(narrowed) > 1:
            raise bad_field(narrowed[1], f"cannot be given with '{narrowed[0]}': "
                                         "a search narrows to one conversation at most")
        return cls(query, with_, room, general, optional_message_id(fields, "before"),
                   page_limit(fields, SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT))

    def to_frame(self, request_id: RequestId = None) -> dict[str, Any]:
        frame = Request.to_frame(self, request_id)
        # Only the narrowing actually asked for goes out.
        for name, default in (("with", None), ("room", None), ("general", False)):
            if frame[name] == default:
                del frame[name]
        return frame

    def parse_reply(self, fields: Mapping[str, Any]) -> SearchPage:
        return SearchPage.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class Sync(Request):
    """Fetch every visible message after a given id (catching up).

    Version 2 catches up by change number instead: ``after_seq`` in place
    of ``after`` (PROTOCOL-2.md, "Catching up by change number").  One of
    the two must be given; ``after`` is None only when ``after_seq`` is set.
    """

    TYPE: ClassVar[str] = "sync"
    after: int | None = 0
    limit: int = SYNC_DEFAULT_LIMIT
    after_seq: int | None = _since_v2(None)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Sync:
        after_seq = optional_message_id(fields, "after_seq")
        after = (message_id(fields, "after") if after_seq is None
                 else optional_message_id(fields, "after"))
        return cls(after, page_limit(fields, SYNC_DEFAULT_LIMIT, SYNC_MAX_LIMIT), after_seq)

    def to_frame(self, request_id: RequestId = None) -> dict[str, Any]:
        frame = Request.to_frame(self, request_id)
        if self.after is None:
            del frame["after"]
        return frame

    def parse_reply(self, fields: Mapping[str, Any]) -> MessagePage:
        return MessagePage.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class MarkRead(Request):
    """Move my read marker of one conversation forward (``room``: a room's,
    version 2)."""

    TYPE: ClassVar[str] = "mark_read"
    with_: str | None = _wire("with")
    up_to: int = 0
    room: int | None = _since_v2(None)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> MarkRead:
        # ``with`` may be null, so it may be left out too: the general room.
        up_to = message_id(fields, "up_to")
        with_ = optional_string(fields, "with")
        return cls(with_, up_to, _room_instead_of(fields, "with", with_))


@request_type()
@dataclass(frozen=True, slots=True)
class ChangePassword(Request):
    """Replace my password after proving the old one."""

    TYPE: ClassVar[str] = "change_password"
    old_password: str = dataclasses.field(repr=False)
    new_password: str = dataclasses.field(repr=False)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> ChangePassword:
        old_password = string(fields, "old_password")
        new_password = string(fields, "new_password")
        check_password(new_password)
        return cls(old_password, new_password)


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


