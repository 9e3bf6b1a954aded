"""Changes that commit in order with messages and are delivered with them.

Some changes must fall at an exact place among messages: once a member is
removed from a room, no message committed after the removal may reach
them, and a message committed before it still may.  So such a change goes
through the group-commit writer as a batched write (:data:`IN_ORDER`)
beside the sends, and comes back to the event loop in the same hand-over,
in submission order (:meth:`server.messages.Messages._sends_committed`),
where :meth:`Change.committed` applies it to the feature's memory and
returns the items to deliver.  Every item after it in the commit then sees
the state it left, and :func:`~server.delivery.deliver` keeps the order.

Today the rooms feature's changes go this way (:mod:`server.rooms`); edits,
deletions and reactions can too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection

from db.database import BatchedWrite, Operation
from protocol.errors import RequestId

from .connection import ReplySlot
from .delivery import Item
from .session import Session

__all__ = ["IN_ORDER", "Change"]


def _run_in_order(connection: Connection, operations: list[Operation[Any]]) -> list[Any]:
    return [operation(connection) for operation in operations]


#: A batched write whose arguments are operations, each run in turn.  An
#: operation must report a refusal as its result, not raise: the writer
#: rolls a raising batch back and runs each of its operations again alone.
IN_ORDER: BatchedWrite[Operation[Any], Any] = BatchedWrite(_run_in_order)


class Change(Item[Session]):
    """A change on its way through the writer, asked for by a session.

    Made when the request is checked, with the reply's place kept in the
    connection's order; :meth:`committed` is called on the event loop once
    its commit comes back.  The change itself is the item that answers:
    its :attr:`reply` is written in place (:meth:`answer`).
    """

    __slots__ = ("connection", "slot", "re", "reply")

    def __init__(self, session: Session, slot: ReplySlot, re: RequestId) -> None:
        super().__init__(0, (), session)
        self.connection = session.connection
        self.slot = slot
        self.re = re
        #: the encoded reply, set by :meth:`committed`
        self.reply = b""

    def committed(self, result: Any, error: BaseException | None) -> Sequence[Item[Session]]:
        """Apply the committed change; the items to deliver, in order.

        ``error`` is set when the write failed (and was logged by the
        writer); the change then answers ``internal_error``.  Whatever is
        returned must include this change itself, whose reply it carries.
        """
        raise NotImplementedError

    def answer(self) -> None:
        self.connection.fill_reply(self.slot, self.reply)
