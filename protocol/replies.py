"""Replies: what a server answers to a request, typed for both sides.

A reply frame is ``ok`` or ``error`` and carries the request's ``id`` in
``re``.  Reading one takes two steps, because an ``ok`` frame alone does not
say what it answers:

* :func:`protocol.events.decode_server_frame` sees ``type: ok`` and returns
  an :class:`OkReply` (``re`` and the unread fields), or ``type: error`` and
  returns a complete :class:`ErrorReply`;
* the client, which knows which request it sent under that ``re``, asks the
  request to read the payload: ``request.parse_reply(ok.fields)`` returns
  that request's reply type (:class:`Sent` for a ``send``,
  :class:`MessagePage` for ``history`` and ``sync``, ...; see
  :mod:`protocol.requests`).

A server builds the same classes and calls :meth:`Reply.to_wire`.
:func:`ok_reply` and :func:`error_reply` remain for code that has its
payload as plain wire objects already (the server's hot path).

A version 2 request adds its reply class here (``RoomReply``,
``SearchPage``...), and a version 2 field of an existing reply (``token``
of :class:`LoggedIn`, ``has_newer`` of :class:`MessagePage`) is added as a
field with a default, so version 1 frames, which lack it, still read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Self

from .errors import ErrorCode, RequestError, RequestId
from .framing import encode_json, frame_prefix
from .fields import (
    bad_field,
    boolean,
    integer,
    message_id,
    number,
    object_at,
    objects_at,
    optional_string,
    request_ref,
    string,
)
from .limits import PROTOCOL_V1
from .objects import Message, RosterEntry

__all__ = [
    "Done",
    "ErrorReply",
    "LoggedIn",
    "MessagePage",
    "OkReply",
    "Reply",
    "Roster",
    "SearchPage",
    "Sent",
    "error_reply",
    "ok_reply",
    "sent_reply_frame",
]


def ok_reply(re: RequestId, **payload: Any) -> dict[str, Any]:
    """An ``ok`` reply frame."""
    return {"type": "ok", "re": re, **payload}


# The bytes encode_frame writes around an ok's re and its one field, from
# frame_prefix as the event's head (tests/protocol/test_server_frames.py
# holds the whole frame to encode_frame's).
_OK_HEAD: Final = frame_prefix({"type": "ok"}, "re")
_MESSAGE_FIELD: Final = b"," + encode_json("message") + b":"


def sent_reply_frame(re: RequestId, message: bytes) -> bytes:
    """The encoded ``ok`` to a ``send`` (:class:`Sent`), whose ``message``
    is encoded already (:func:`~protocol.framing.encode_json`): the bytes
    :func:`~protocol.framing.encode_frame` gives for
    ``ok_reply(re, message=...)``, without building that frame first."""
    return b"".join((_OK_HEAD, encode_json(re), _MESSAGE_FIELD, message, b"}\n"))


def error_reply(error: RequestError) -> dict[str, Any]:
    """The ``error`` reply frame for a rejected request."""
    return {"type": "error", "re": error.re, "code": error.code.value,
            "message": error.message, **error.extra}


# --------------------------------------------------------------------------
# The two envelopes


@dataclass(frozen=True, slots=True)
class OkReply:
    """An ``ok`` frame whose payload only the request that asked can read.

    ``fields`` is the whole frame; pass it to the request's ``parse_reply``.
    """

    re: RequestId
    fields: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ErrorReply:
    """An ``error`` frame: the request failed and had no effect.

    ``code`` is an :class:`~protocol.errors.ErrorCode`, or the code's text
    when this version does not know it (a newer server's), so that one
    still reads and is still told apart.  ``retry_after`` comes with
    ``rate_limited``: seconds before trying again is worth it.
    """

    re: RequestId
    code: ErrorCode | str
    message: str
    retry_after: float | None = None

    def to_wire(self) -> dict[str, Any]:
        frame: dict[str, Any] = {"type": "error", "re": self.re, "code": str(self.code),
                                 "message": self.message}
        if self.retry_after is not None:
            frame["retry_after"] = self.retry_after
        return frame

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> ErrorReply:
        """Read an ``error`` frame.

        Raises:
            ProtocolError: ``bad_request`` naming the malformed field.
        """
        text = string(fields, "code")
        code: ErrorCode | str
        try:
            code = ErrorCode(text)
        except ValueError:
            code = text
        return cls(request_ref(fields, "re"), code, string(fields, "message"),
                   number(fields, "retry_after"))


# --------------------------------------------------------------------------
# Payloads of ``ok``, one class per shape


@dataclass(frozen=True, slots=True)
class Reply:
    """Base of the typed ``ok`` payloads; each knows its wire fields."""

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        """The reply's own fields (everything but ``type`` and ``re``), as a
        connection speaking protocol ``version`` sees them."""
        return {}

    def to_wire(self, re: RequestId, version: int = PROTOCOL_V1) -> dict[str, Any]:
        """The whole ``ok`` frame answering request ``re``."""
        return ok_reply(re, **self.payload(version))

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        """Read the payload from an ``ok`` frame's fields.

        Raises:
            ProtocolError: ``bad_request`` naming the malformed field.
        """
        return cls()


@dataclass(frozen=True, slots=True)
class Done(Reply):
    """An ``ok`` with nothing in it: ``logout``, ``ping``, ``mark_read``,
    ``change_password``."""


@dataclass(frozen=True, slots=True)
class LoggedIn(Reply):
    """The answer to ``login`` and ``register``: the account's own spelling
    of its name, and the unread count of the general room."""

    username: str
    general_unread: int
    #: The remembered session's secret, when the login asked ``remember``
    #: (PROTOCOL-2.md, "Remembered sessions").
    token: str | None = None

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        payload: dict[str, Any] = {"user": {"username": self.username},
                                   "general_unread": self.general_unread}
        if self.token is not None:
            payload["token"] = self.token
        return payload

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        user = object_at(fields.get("user"), "user")
        return cls(string(user, "username", "user"),
                   integer(fields, "general_unread", minimum=0),
                   optional_string(fields, "token"))


@dataclass(frozen=True, slots=True)
class Roster(Reply):
    """The answer to ``users``: every registered user."""

    users: tuple[RosterEntry, ...]

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"users": [entry.to_wire(version=version) for entry in self.users]}

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        return cls(tuple(RosterEntry.from_wire(obj, path)
                         for path, obj in objects_at(fields, "users")))


@dataclass(frozen=True, slots=True)
class Sent(Reply):
    """The answer to ``send``: the message as stored (or as stored the first
    time, for a key used before)."""

    message: Message

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"message": self.message.to_wire(version)}

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        return cls(Message.from_wire(fields.get("message")))


@dataclass(frozen=True, slots=True)
class MessagePage(Reply):
    """The answer to ``history`` and ``sync``: messages ascending by id, and
    whether there are more beyond them.

    ``has_newer`` is version 2's, on every ``history`` reply
    (PROTOCOL-2.md): whether the conversation has messages newer than the
    page.  ``read`` is version 2's too, in ``history`` only (PROTOCOL-2.md,
    "Typing and read receipts"): the other participants' read markers, by
    username.  Either is None where the frame does not carry it (version
    1, ``sync``).
    """

    messages: tuple[Message, ...]
    has_more: bool
    read: Mapping[str, int] | None = None
    has_newer: bool | None = None

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "messages": [message.to_wire(version) for message in self.messages],
            "has_more": self.has_more}
        if self.has_newer is not None and version != PROTOCOL_V1:
            payload["has_newer"] = self.has_newer
        if self.read is not None and version != PROTOCOL_V1:
            payload["read"] = dict(self.read)
        return payload

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        return cls(tuple(Message.from_wire(obj, path)
                         for path, obj in objects_at(fields, "messages")),
                   boolean(fields, "has_more"), _read_markers(fields),
                   None if fields.get("has_newer") is None else boolean(fields, "has_newer"))


def _read_markers(fields: Mapping[str, Any]) -> Mapping[str, int] | None:
    """A page's ``read``: usernames to message ids, or None when left out."""
    value = fields.get("read")
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise bad_field("read", "must be an object")
    return {name: message_id(value, name, "read") for name in value}


@dataclass(frozen=True, slots=True)
class SearchPage(Reply):
    """The answer to ``search``: matching messages, newest first, and
    whether older ones match too (PROTOCOL-2.md, "Search").

    ``partial`` is Besedka's extension (docs/protocol.md): the query's
    words were all too short for the index, so only the newest messages
    were searched.
    """

    messages: tuple[Message, ...]
    has_more: bool
    partial: bool = False

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "messages": [message.to_wire(version) for message in self.messages],
            "has_more": self.has_more}
        if self.partial:
            payload["partial"] = True
        return payload

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        return cls(tuple(Message.from_wire(obj, path)
                         for path, obj in objects_at(fields, "messages")),
                   boolean(fields, "has_more"),
                   boolean(fields, "partial", default=False))
