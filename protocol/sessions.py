"""Remembered sessions and status (PROTOCOL-2.md, "Remembered sessions", "Status").

The requests, replies and objects of the two version 2 features that belong
to an account rather than to a conversation:

* ``sessions`` lists my remembered sessions (:class:`SessionInfo`), and
  ``revoke_session`` ends one; ``login``/``register`` with ``remember`` and
  ``resume`` live with the other logins in :mod:`protocol.requests`, and
  ``logout``'s ``forget`` there too;
* ``set_status`` sets my status and its short text.

Each request is registered like the version 1 ones (:func:`request_type`,
``SINCE = 2``); importing :mod:`protocol` registers them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from .fields import bad_field, boolean, integer, object_at, objects_at, optional_string, string
from .limits import PROTOCOL_V1
from .objects import STATUSES, format_ts, parse_ts
from .replies import Reply
from .requests import Request, request_type
from .rules import normalize_status_text

__all__ = ["RevokeSession", "SessionInfo", "SessionList", "Sessions", "SetStatus"]


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One remembered session of mine, as the ``sessions`` reply lists it.

    ``current`` marks the one this connection logged in with (``login`` with
    ``remember``, or ``resume``).
    """

    session: int
    created: datetime
    last_used: datetime
    client: str
    current: bool

    def to_wire(self) -> dict[str, Any]:
        return {"id": self.session, "created": format_ts(self.created),
                "last_used": format_ts(self.last_used), "client": self.client,
                "current": self.current}

    @classmethod
    def from_wire(cls, obj: object, within: str) -> SessionInfo:
        """Read one entry of the list found at ``within`` (``sessions[2]``).

        Raises:
            ProtocolError: ``bad_request`` naming the malformed field.
        """
        fields = object_at(obj, within)
        return cls(integer(fields, "id", within, minimum=1),
                   _timestamp(fields, "created", within),
                   _timestamp(fields, "last_used", within),
                   optional_string(fields, "client", within) or "",
                   boolean(fields, "current", within))


def _timestamp(fields: Mapping[str, Any], name: str, within: str) -> datetime:
    text = string(fields, name, within)
    try:
        return parse_ts(text)
    except ValueError:
        raise bad_field(f"{within}.{name}", "must be an ISO 8601 time") from None


@dataclass(frozen=True, slots=True)
class SessionList(Reply):
    """The answer to ``sessions``: my remembered sessions, most recently used first."""

    sessions: tuple[SessionInfo, ...]

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"sessions": [info.to_wire() for info in self.sessions]}

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        return cls(tuple(SessionInfo.from_wire(obj, path)
                         for path, obj in objects_at(fields, "sessions")))


@request_type()
@dataclass(frozen=True, slots=True)
class Sessions(Request):
    """List my remembered sessions."""

    TYPE: ClassVar[str] = "sessions"
    SINCE: ClassVar[int] = 2

    def parse_reply(self, fields: Mapping[str, Any]) -> SessionList:
        return SessionList.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class RevokeSession(Request):
    """End one of my remembered sessions (an ``id`` from ``sessions``)."""

    TYPE: ClassVar[str] = "revoke_session"
    SINCE: ClassVar[int] = 2
    session: int

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> RevokeSession:
        return cls(integer(fields, "session", minimum=1))


@request_type()
@dataclass(frozen=True, slots=True)
class SetStatus(Request):
    """Set my status, and its text unless ``text`` is left out (None)."""

    TYPE: ClassVar[str] = "set_status"
    SINCE: ClassVar[int] = 2
    status: str
    text: str | None = None

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> SetStatus:
        status = string(fields, "status")
        if status not in STATUSES:
            raise bad_field("status", "must be " + ", ".join(STATUSES))
        text = optional_string(fields, "text")
        if text is not None:
            text = normalize_status_text(text)
        return cls(status, text)

    def to_frame(self, request_id: Any = None) -> dict[str, Any]:
        frame = Request.to_frame(self, request_id)
        if self.text is None:
            del frame["text"]  # left out: the current text stays
        return frame

