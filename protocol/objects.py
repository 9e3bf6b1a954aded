"""The objects frames carry: messages, roster entries, timestamps.

Replies and events of both directions embed these, so their wire form is
written and read here once: :meth:`to_wire` gives the JSON object,
:meth:`from_wire` checks one from a peer field by field (strict about
types, ignoring fields it does not know).

Version 2 (PROTOCOL-2.md, "Objects") adds fields to both objects: a message
gains ``seq``, ``room``, ``edited``, ``deleted``, ``reply_to``,
``mentions``, ``reactions`` and ``file``; a roster entry ``status``,
``status_text`` and ``avatar``.  They are fields with defaults here, read
with the same readers (absent in a version 1 frame, so the default), and
``to_wire(version)`` writes them only for a connection that speaks version
2, with every one present (``null`` where not applicable): a version 1 peer
keeps seeing exactly the version 1 objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .fields import (
    bad_field,
    boolean,
    integer,
    message_id,
    object_at,
    objects_at,
    optional_message_id,
    optional_string,
    path_of,
    string,
)
from .limits import PROTOCOL_V1

__all__ = [
    "STATUS_AVAILABLE",
    "STATUSES",
    "FileInfo",
    "Message",
    "Reaction",
    "RosterEntry",
    "file_to_wire",
    "format_ts",
    "message_to_wire",
    "message_to_wire_v2",
    "parse_ts",
]

#: The statuses of PROTOCOL-2.md, "Status"; every account starts available.
STATUS_AVAILABLE = "available"
STATUSES = (STATUS_AVAILABLE, "away", "busy")


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
    """A message object as version 1 frames carry it.

    :meth:`Message.to_wire` gives the same; the server, which turns every
    stored message into one, calls this directly and skips building a
    frozen :class:`Message` first (a measurable share of its time per
    message, bench/README.md).
    """
    return {"id": message_id, "from": sender, "to": recipient, "body": body, "ts": ts}


def message_to_wire_v2(message_id: int, seq: int, sender: str, recipient: str | None,
                       room: int | None, body: str, ts: str, edited: str | None = None,
                       deleted: bool = False, reply_to: int | None = None,
                       mentions: Sequence[str] = (),
                       reactions: Sequence[Mapping[str, Any]] = (),
                       file: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A message object as version 2 frames carry it: every field present.

    The server's fast path, like :func:`message_to_wire`; ``reactions`` and
    ``file`` are already in their wire form.  A deleted message keeps its
    id, seq, ends and time, and loses the rest (PROTOCOL-2.md), whatever
    the caller passes.
    """
    if deleted:
        return {"id": message_id, "seq": seq, "from": sender, "to": recipient, "room": room,
                "body": "", "ts": ts, "edited": None, "deleted": True, "reply_to": None,
                "mentions": [], "reactions": [], "file": None}
    return {"id": message_id, "seq": seq, "from": sender, "to": recipient, "room": room,
            "body": body, "ts": ts, "edited": edited, "deleted": False, "reply_to": reply_to,
            "mentions": list(mentions), "reactions": list(reactions),
            "file": None if file is None else dict(file)}


@dataclass(frozen=True, slots=True)
class Reaction:
    """One emoji on a message and who put it there, in the order they did."""

    emoji: str
    users: tuple[str, ...]

    def to_wire(self) -> dict[str, Any]:
        return {"emoji": self.emoji, "users": list(self.users)}

    @classmethod
    def from_wire(cls, obj: object, within: str) -> Reaction:
        fields = object_at(obj, within)
        return cls(string(fields, "emoji", within), _strings(fields, "users", within))


@dataclass(frozen=True, slots=True)
class FileInfo:
    """A file a message carries: its id (for ``file_download``), name, size and type.

    ``removed`` is Besedka's addition (docs/protocol.md, "Files"): an
    administrator removed the bytes, the message still names the file.
    """

    id: str
    name: str
    size: int
    mime: str
    removed: bool = False

    def to_wire(self) -> dict[str, Any]:
        return file_to_wire(self.id, self.name, self.size, self.mime, self.removed)

    @classmethod
    def from_wire(cls, obj: object, within: str) -> FileInfo:
        fields = object_at(obj, within)
        return cls(string(fields, "id", within), string(fields, "name", within),
                   integer(fields, "size", within, minimum=0), string(fields, "mime", within),
                   boolean(fields, "removed", within, default=False))


def file_to_wire(file_id: str, name: str, size: int, mime: str,
                 removed: bool = False) -> dict[str, Any]:
    """A file object as frames carry it (the server's fast path, like
    :func:`message_to_wire`): PROTOCOL-2.md's four fields, and
    ``"removed": true`` once an administrator removed the file."""
    wire: dict[str, Any] = {"id": file_id, "name": name, "size": size, "mime": mime}
    if removed:
        wire["removed"] = True
    return wire


def _strings(fields: Mapping[str, Any], name: str, within: str) -> tuple[str, ...]:
    """A list of strings (left out: empty)."""
    value = fields.get(name)
    if value is None:
        return ()
    path = path_of(within, name)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise bad_field(path, "must be a list of strings")
    return tuple(value)


@dataclass(frozen=True, slots=True)
class Message:
    """A stored message as both sides see it.

    ``recipient`` is ``None`` for the general room and rooms, else the
    username the direct message went to (the wire calls the two ``from``
    and ``to``); ``room`` is the room's id for a room message.  The fields
    after ``ts`` are version 2's; a version 1 frame leaves them at their
    defaults.  ``edited`` is the time of the last edit, like ``ts``.
    """

    id: int
    sender: str
    recipient: str | None
    body: str
    ts: str
    seq: int = 0
    room: int | None = None
    edited: str | None = None
    deleted: bool = False
    reply_to: int | None = None
    mentions: tuple[str, ...] = ()
    reactions: tuple[Reaction, ...] = ()
    file: FileInfo | None = None

    def to_wire(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        """The message object for a connection speaking ``version``."""
        if version == PROTOCOL_V1:
            return message_to_wire(self.id, self.sender, self.recipient, self.body, self.ts)
        return message_to_wire_v2(
            self.id, self.seq, self.sender, self.recipient, self.room, self.body, self.ts,
            self.edited, self.deleted, self.reply_to, self.mentions,
            [reaction.to_wire() for reaction in self.reactions],
            None if self.file is None else self.file.to_wire())

    @classmethod
    def from_wire(cls, obj: object, within: str = "message") -> Message:
        """Read a message object found at ``within`` in a server frame.

        Raises:
            ProtocolError: ``bad_request`` naming the malformed field.
        """
        fields = object_at(obj, within)
        file = fields.get("file")
        return cls(
            message_id(fields, "id", within),
            string(fields, "from", within),
            optional_string(fields, "to", within),
            string(fields, "body", within),
            string(fields, "ts", within),
            integer(fields, "seq", within, minimum=0, default=0),
            optional_message_id(fields, "room", within),
            optional_string(fields, "edited", within),
            boolean(fields, "deleted", within, default=False),
            optional_message_id(fields, "reply_to", within),
            _strings(fields, "mentions", within),
            tuple(Reaction.from_wire(item, path) for path, item in objects_at(
                fields, "reactions", within)) if fields.get("reactions") is not None else (),
            None if file is None else FileInfo.from_wire(file, path_of(within, "file")),
        )


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One user in the roster: name, whether online, and my unread count.

    A ``presence`` event carries an entry without ``unread``; it reads back
    as 0 (the event says nothing about unread messages).  ``status``,
    ``status_text`` and ``avatar`` (a file id) are version 2's.
    """

    username: str
    online: bool
    unread: int = 0
    status: str = STATUS_AVAILABLE
    status_text: str = ""
    avatar: str | None = None

    def to_wire(self, *, with_unread: bool = True,
                version: int = PROTOCOL_V1) -> dict[str, Any]:
        entry: dict[str, Any] = {"username": self.username, "online": self.online}
        if with_unread:
            entry["unread"] = self.unread
        if version != PROTOCOL_V1:
            entry["status"] = self.status
            entry["status_text"] = self.status_text
            entry["avatar"] = self.avatar
        return entry

    @classmethod
    def from_wire(cls, obj: object, within: str = "user") -> RosterEntry:
        """Read a roster entry found at ``within`` (``unread`` may be absent).

        Raises:
            ProtocolError: ``bad_request`` naming the malformed field.
        """
        fields = object_at(obj, within)
        status = fields.get("status")
        return cls(
            string(fields, "username", within),
            boolean(fields, "online", within),
            integer(fields, "unread", within, minimum=0, default=0),
            # An unknown status (a newer server's) is shown as available
            # rather than rejected.
            status if status in STATUSES else STATUS_AVAILABLE,
            optional_string(fields, "status_text", within) or "",
            optional_string(fields, "avatar", within),
        )
