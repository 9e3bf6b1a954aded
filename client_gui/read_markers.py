"""How far the others have read a conversation: the ticks and "seen by" of my messages.

PROTOCOL-2.md, "Typing and read receipts": ``history`` of a direct
conversation or a room carries the other participants' read markers, and
``read`` events move them.  :class:`ReadMarkers` keeps them for one
conversation and says what my messages show: in a direct conversation one
tick once the server stored a message and two once the other end read it;
in a room "seen by N" on my last message, with the names in its tooltip.
The general room has no markers.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from .outbox import ConversationId, RoomConversation

if TYPE_CHECKING:
    from .models import MessageRow

__all__ = ["ReadMarkers", "Receipt"]


class Receipt(Enum):
    """How far one of my stored messages got in a direct conversation."""

    STORED = "stored"
    READ = "read"


class ReadMarkers:
    """The other participants' read markers of one conversation, by name.

    Args:
        conversation: which conversation (a direct one has ticks, a room
            "seen by").
        me_key: my case-folded name (notes to self have no one else).
    """

    def __init__(self, conversation: ConversationId, me_key: str) -> None:
        self._conversation = conversation
        self._me_key = me_key
        self.up_to: dict[str, int] = {}

    def move(self, name: str, up_to: int) -> bool:
        """``name`` read up to message ``up_to``; whether that is news
        (markers only move forward)."""
        if up_to <= self.up_to.get(name, 0):
            return False
        self.up_to[name] = up_to
        return True

    def receipt(self, row: MessageRow) -> Receipt | None:
        """The ticks of ``row``: only my stored messages of a direct conversation."""
        conversation = self._conversation
        if (not row.own or row.id is None or row.deleted
                or not isinstance(conversation, str) or conversation == self._me_key):
            return None
        read = any(up_to >= row.id for up_to in self.up_to.values())
        return Receipt.READ if read else Receipt.STORED

    def seen_by(self, row: MessageRow, my_last: MessageRow | None) -> list[str]:
        """In a room, who has read ``row`` if it is my last message; else nobody."""
        if (not isinstance(self._conversation, RoomConversation) or row.id is None
                or my_last is None or my_last.id != row.id):
            return []
        return sorted((name for name, up_to in self.up_to.items() if up_to >= row.id),
                      key=str.casefold)
