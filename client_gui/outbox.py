"""Messages the user sent that the server has not acknowledged yet.

The promise to the user is "delivered exactly once, in the order typed",
whatever the connection does meanwhile.  Each message waits here under a
``key`` (a UUID) until its ``ok`` arrives; the server stores a key once, so
sending a message again after a lost connection never doubles it.  The
outbox also remembers which messages are on their way on the current
connection, so nothing is sent twice on one connection either (a retry
after ``rate_limited`` that meets a reconnect, say).

Pure bookkeeping: no Qt, no sockets; the session decides when to send.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from protocol.errors import ErrorCode
from protocol.objects import FileInfo
from protocol.rules import username_key

__all__ = ["ConversationId", "Outbox", "OutboxItem", "OutboxState", "RoomConversation"]


@dataclass(frozen=True, slots=True)
class RoomConversation:
    """A room (protocol version 2) as one of the client's conversations, by its id."""

    room_id: int


#: ``None`` is the general room; a ``str`` the case-folded name of the peer
#: of a direct conversation; a :class:`RoomConversation` a room.
ConversationId = str | RoomConversation | None


class OutboxState(Enum):
    """Whether an outbox message is still on its way or was refused."""

    PENDING = "pending"
    FAILED = "failed"


@dataclass(slots=True)
class OutboxItem:
    """A message the user sent that the server has not acknowledged yet."""

    key: str
    to: str | None
    body: str
    conversation: ConversationId
    state: OutboxState = OutboxState.PENDING
    error: ErrorCode | str | None = None
    created: float = field(default_factory=time.time)
    #: the room it goes to (protocol version 2), else None
    room: int | None = None
    #: the id of the message this one answers (version 2), or None
    reply_to: int | None = None
    #: the uploaded file it posts (``body`` is then its caption, maybe empty)
    file: FileInfo | None = None


class Outbox:
    """The unacknowledged messages, oldest first, and which are in flight."""

    def __init__(self) -> None:
        self._items: dict[str, OutboxItem] = {}  # insertion order is typing order
        self._in_flight: set[str] = set()

    def __iter__(self) -> Iterator[OutboxItem]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def add(self, to: str | None, body: str, room: int | None = None,
            reply_to: int | None = None, file: FileInfo | None = None,
            key: str | None = None) -> OutboxItem:
        """Queue a message for the general room (``to`` and ``room`` None),
        user ``to``, or room ``room``, answering message ``reply_to`` if
        given, posting ``file`` if given; ``key`` is a fresh one unless given
        (an upload's, which the message then continues)."""
        conversation: ConversationId = (RoomConversation(room) if room is not None
                                        else None if to is None else username_key(to))
        item = OutboxItem(key or uuid.uuid4().hex, to, body, conversation, room=room,
                          reply_to=reply_to, file=file)
        self._items[item.key] = item
        return item

    def take_unsent(self) -> list[OutboxItem]:
        """The pending messages not yet sent on this connection, oldest
        first, now counted as sent on it."""
        unsent = [item for item in self._items.values()
                  if item.state is OutboxState.PENDING and item.key not in self._in_flight]
        self._in_flight.update(item.key for item in unsent)
        return unsent

    def delivered(self, key: str) -> OutboxItem | None:
        """The server stored it: forget it.  None if it was already gone."""
        self._in_flight.discard(key)
        return self._items.pop(key, None)

    def refused(self, key: str, code: ErrorCode | str) -> OutboxItem | None:
        """The server will never store it: keep it, failed, for the user to see."""
        self._in_flight.discard(key)
        item = self._items.get(key)
        if item is not None:
            item.state, item.error = OutboxState.FAILED, code
        return item

    def send_again(self, key: str) -> bool:
        """A transient refusal: the next :meth:`take_unsent` includes it again.

        Returns:
            Whether it is still waiting to be sent.
        """
        self._in_flight.discard(key)
        item = self._items.get(key)
        return item is not None and item.state is OutboxState.PENDING

    def connection_lost(self) -> None:
        """Nothing is in flight any more: every pending message goes again."""
        self._in_flight.clear()

    def discard_failed(self, key: str) -> None:
        """Forget a message the server refused."""
        item = self._items.get(key)
        if item is not None and item.state is OutboxState.FAILED:
            del self._items[key]

    def clear(self) -> None:
        self._items.clear()
        self._in_flight.clear()
