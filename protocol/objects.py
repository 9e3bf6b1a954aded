"""The objects frames carry: messages, roster entries, timestamps.

Replies and events of both directions embed these, so their wire form is
written and read here once: :meth:`to_wire` gives the JSON object,
:meth:`from_wire` checks one from a peer field by field (strict about
types, ignoring fields it does not know).

Version 2 (PROTOCOL-2.md) adds fields to both objects (a message gains
``seq``, ``room``, ``edited``, ``deleted``, ``reply_to``, ``mentions``,
``reactions``, ``file``; a roster entry ``status``, ``status_text``,
``avatar``).  They will be added here as fields with defaults, read with
the same readers (absent in a version 1 frame, so the default), and written
by ``to_wire`` only for a connection that speaks version 2: a version 1
peer must keep seeing exactly the version 1 objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .fields import boolean, integer, message_id, object_at, optional_string, string

__all__ = ["Message", "RosterEntry", "format_ts", "message_to_wire", "parse_ts"]


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
    """A stored message as both sides see it.

    ``recipient`` is ``None`` for the general room, else the username the
    direct message went to (the wire calls the two ``from`` and ``to``).
    """

    id: int
    sender: str
    recipient: str | None
    body: str
    ts: str

    def to_wire(self) -> dict[str, Any]:
        return message_to_wire(self.id, self.sender, self.recipient, self.body, self.ts)

    @classmethod
    def from_wire(cls, obj: object, within: str = "message") -> Message:
        """Read a message object found at ``within`` in a server frame.

        Raises:
            ProtocolError: ``bad_request`` naming the malformed field.
        """
        fields = object_at(obj, within)
        return cls(
            message_id(fields, "id", within),
            string(fields, "from", within),
            optional_string(fields, "to", within),
            string(fields, "body", within),
            string(fields, "ts", within),
        )


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One user in the roster: name, whether online, and my unread count.

    A ``presence`` event carries an entry without ``unread``; it reads back
    as 0 (the event says nothing about unread messages).
    """

    username: str
    online: bool
    unread: int = 0

    def to_wire(self, *, with_unread: bool = True) -> dict[str, Any]:
        entry: dict[str, Any] = {"username": self.username, "online": self.online}
        if with_unread:
            entry["unread"] = self.unread
        return entry

    @classmethod
    def from_wire(cls, obj: object, within: str = "user") -> RosterEntry:
        """Read a roster entry found at ``within`` (``unread`` may be absent).

        Raises:
            ProtocolError: ``bad_request`` naming the malformed field.
        """
        fields = object_at(obj, within)
        return cls(
            string(fields, "username", within),
            boolean(fields, "online", within),
            integer(fields, "unread", within, minimum=0, default=0),
        )
