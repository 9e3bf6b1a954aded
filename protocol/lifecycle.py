"""Messages that change after they are sent: edits, deletions, reactions,
typing and read receipts (PROTOCOL-2.md, sections ``edits``, ``reactions``,
``typing`` and ``receipts``).

The requests (``edit``, ``delete``, ``react``, ``typing``), their reply and
the events (``update``, ``typing``, ``read``) live here, registered with
:mod:`protocol.requests` and :mod:`protocol.events` like theirs, so that
the feature's frames are read in one place by both sides.  The version 2
fields of existing frames (``reply_to`` of ``send``, ``after_seq`` of
``sync``, ``read`` of a ``history`` page) are fields of those frames.

:func:`check_emoji` is the rule for a reaction, and :func:`mention_candidates`
finds the ``@name`` tokens of a body; the server turns them into accounts,
the client uses the same reading to complete names as they are typed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from .events import CarriesMessage, Event, event_type
from .fields import (
    bad_field,
    boolean,
    message_id,
    optional_message_id,
    optional_string,
    string,
)
from .limits import EMOJI_MAX_CHARS, PROTOCOL_V1, USERNAME_MAX_CHARS
from .objects import Message
from .replies import Reply
from .requests import Request, request_type
from .rules import USERNAME_PUNCTUATION, is_white_space, normalize_body

__all__ = [
    "Changed",
    "Delete",
    "Edit",
    "React",
    "ReadEvent",
    "Typing",
    "TypingEvent",
    "UpdateEvent",
    "check_emoji",
    "mention_candidates",
    "mention_prefix",
]


# --------------------------------------------------------------------------
# Rules


def check_emoji(emoji: str) -> str:
    """Accept a reaction's emoji (PROTOCOL-2.md: 1-32 characters, no white
    space or control characters), or reject it.

    Lone surrogates are refused as well, as in bodies: no valid UTF-8 holds
    them, so nothing could store or show them.

    Raises:
        ProtocolError: ``bad_request`` naming the field ``emoji``.
    """
    if not 1 <= len(emoji) <= EMOJI_MAX_CHARS:
        raise bad_field("emoji", f"must be 1-{EMOJI_MAX_CHARS} characters long")
    for char in emoji:
        category = unicodedata.category(char)
        if is_white_space(char) or category in ("Cc", "Cs"):
            raise bad_field("emoji", f"must not contain U+{ord(char):04X}")
    return emoji


def _name_char(char: str) -> bool:
    """Whether ``char`` may be part of a username (PROTOCOL.md, "Rules")."""
    if char in USERNAME_PUNCTUATION:
        return True
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd"


def _starts_mention(text: str, at: int) -> bool:
    """Whether the ``@`` at ``text[at]`` may start a mention: at the start,
    or after a character that cannot be part of a name (so that
    ``alice@example.org`` mentions nobody)."""
    return at == 0 or not (_name_char(text[at - 1]) or text[at - 1] == "@")


def mention_candidates(body: str) -> list[tuple[str, ...]]:
    """The ``@name`` tokens of a body, each as the names it may mean, longest first.

    A name may end in ``.``, ``-`` or ``_``, and so may a sentence
    (``ask @bob.``): each token lists itself and its shorter forms without
    the trailing punctuation, and whoever resolves them takes the longest
    that names an account.  Tokens come in the order they appear; the
    names are as typed (NFC), not case-folded.
    """
    text = unicodedata.normalize("NFC", body)
    tokens: list[tuple[str, ...]] = []
    at = text.find("@")
    while at >= 0:
        end = at + 1
        if _starts_mention(text, at):
            while end < len(text) and _name_char(text[end]):
                end += 1
            name = text[at + 1:end][:USERNAME_MAX_CHARS]
            forms = []
            while name:
                forms.append(name)
                if name[-1] not in USERNAME_PUNCTUATION:
                    break
                name = name[:-1]
            if forms:
                tokens.append(tuple(forms))
        at = text.find("@", end)
    return tokens


def mention_prefix(text_before_cursor: str) -> str | None:
    """The partial name being typed after an ``@`` at the end of the text,
    or None when the cursor is not in a mention (for completion)."""
    at = text_before_cursor.rfind("@")
    if at < 0 or not _starts_mention(text_before_cursor, at):
        return None
    prefix = text_before_cursor[at + 1:]
    if len(prefix) > USERNAME_MAX_CHARS or not all(_name_char(char) for char in prefix):
        return None
    return prefix


# --------------------------------------------------------------------------
# Requests


@dataclass(frozen=True, slots=True)
class Changed(Reply):
    """The answer to ``edit``, ``delete`` and ``react``: the message in its
    new form (a deleted one in the deleted form)."""

    message: Message

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"message": self.message.to_wire(version)}

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        return cls(Message.from_wire(fields.get("message")))


@request_type()
@dataclass(frozen=True, slots=True)
class Edit(Request):
    """Replace the body of one of my messages; the new body follows the
    rules of a sent one (an empty edit is refused like an empty message)."""

    TYPE: ClassVar[str] = "edit"
    SINCE: ClassVar[int] = 2
    message: int
    body: str

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Edit:
        return cls(message_id(fields, "message"), normalize_body(string(fields, "body")))

    def parse_reply(self, fields: Mapping[str, Any]) -> Changed:
        return Changed.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class Delete(Request):
    """Delete one of my messages; a tombstone stays in its place."""

    TYPE: ClassVar[str] = "delete"
    SINCE: ClassVar[int] = 2
    message: int

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Delete:
        return cls(message_id(fields, "message"))

    def parse_reply(self, fields: Mapping[str, Any]) -> Changed:
        return Changed.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class React(Request):
    """Add (``on``) or take back (not ``on``) my ``emoji`` on a message I can see."""

    TYPE: ClassVar[str] = "react"
    SINCE: ClassVar[int] = 2
    message: int
    emoji: str
    on: bool = True

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> React:
        return cls(message_id(fields, "message"), check_emoji(string(fields, "emoji")),
                   boolean(fields, "on"))

    def parse_reply(self, fields: Mapping[str, Any]) -> Changed:
        return Changed.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class Typing(Request):
    """I started (``active``) or stopped typing in a conversation: the
    general room (``to`` and ``room`` both None), a direct one or a room."""

    TYPE: ClassVar[str] = "typing"
    SINCE: ClassVar[int] = 2
    to: str | None = None
    active: bool = True
    room: int | None = None

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Typing:
        to = optional_string(fields, "to")
        room = optional_message_id(fields, "room")
        if to is not None and room is not None:
            raise bad_field("room", "cannot be given with 'to'")
        return cls(to, boolean(fields, "active"), room)

    def to_frame(self, request_id: Any = None) -> dict[str, Any]:
        frame = Request.to_frame(self, request_id)
        if self.room is None:
            del frame["room"]
        return frame


# --------------------------------------------------------------------------
# Events


@event_type
@dataclass(frozen=True, slots=True)
class UpdateEvent(CarriesMessage):
    """A message I can see was edited, deleted or reacted to: its whole new form."""

    TYPE: ClassVar[str] = "update"


@event_type
@dataclass(frozen=True, slots=True)
class TypingEvent(Event):
    """Someone started or stopped typing in a conversation of mine.

    ``to`` names the conversation as the receiver sees it: None for the
    general room and rooms, the typist's own name for a direct conversation
    (docs/protocol.md, "Typing and read receipts").
    """

    TYPE: ClassVar[str] = "typing"
    sender: str
    to: str | None
    room: int | None
    active: bool

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"from": self.sender, "to": self.to, "room": self.room, "active": self.active}

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Self:
        return cls(string(fields, "from"), optional_string(fields, "to"),
                   optional_message_id(fields, "room"), boolean(fields, "active"))


@event_type
@dataclass(frozen=True, slots=True)
class ReadEvent(Event):
    """Another participant's read marker of a conversation moved to ``up_to``.

    ``with_`` names the conversation as the receiver sees it: for a direct
    one, the reader's name; ``room`` for a room.
    """

    TYPE: ClassVar[str] = "read"
    username: str
    with_: str | None
    room: int | None
    up_to: int

    def payload(self, version: int = PROTOCOL_V1) -> dict[str, Any]:
        return {"username": self.username, "with": self.with_, "room": self.room,
                "up_to": self.up_to}

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Self:
        return cls(string(fields, "username"), optional_string(fields, "with"),
                   optional_message_id(fields, "room"), message_id(fields, "up_to"))
