"""Edits, deletions and reactions: changes to messages that were sent.

PROTOCOL-2.md, "Edits, deletions, replies, mentions, reactions": each change
is durable before its ``ok``, takes a new change number, and reaches every
other connection that can see the message as an ``update`` event carrying
the message's whole new form.

A change goes the way a send goes (:mod:`server.messages`): checked inside
``data_received``, its reply's place kept with a
:class:`~server.connection.ReplySlot`, queued for the group-commit writer
as one argument of the batched write :data:`APPLY_CHANGES`, and delivered
when its commit comes back, in the same step as the sends of that commit.
So a connection's replies stay in request order, every connection receives
``message`` and ``update`` events in change-number order, and the login
race is settled by that number (:mod:`server.delivery`): a change committed
before a login's snapshot is in what the login reads (history shows every
message's current form; ``sync`` by ``after_seq`` finds it), and one
committed after follows the roster as an event.

Whether the message exists, whether the account may see it, and whether it
is theirs are decided in the writer, against what is stored when the change
runs: a change racing with a deletion is refused or applied, never half.
A change that would change nothing (an edit to the same body, a reaction
that is there already, deleting a deleted message) is answered with the
message's current form, takes no change number and sends no event.
"""

from __future__ import annotations

import functools

from db import lifecycle
from db.database import BatchedWrite, Database, WriteOutcome
from db.lifecycle import Change, ChangeKind, ChangeOutcome, Refusal
from protocol.errors import ErrorCode, RequestError, RequestId
from protocol.features import Feature
from protocol.framing import encode_frame
from protocol.lifecycle import Delete, Edit, React
from protocol.limits import EMOJI_MAX_CHARS, MAX_DISTINCT_EMOJI, PROTOCOL_V1
from protocol.replies import error_reply, ok_reply

from .connection import ReplySlot
from .delivery import EVERYONE
from .directory import AccountDirectory
from .dispatch import Dispatcher, internal_error
from .messages import Pending, wire_message
from .ratelimit import rate_limited
from .session import Session

__all__ = ["APPLY_CHANGES", "Lifecycle"]

#: Changes to messages, run by the writer for a whole batch at once.
APPLY_CHANGES: BatchedWrite[Change, ChangeOutcome] = BatchedWrite(
    functools.partial(lifecycle.apply_changes, max_distinct_emoji=MAX_DISTINCT_EMOJI))

#: What a refused change is answered (PROTOCOL-2.md).
_REFUSALS = {
    Refusal.UNKNOWN_MESSAGE: (ErrorCode.UNKNOWN_MESSAGE,
                              "no such message of yours (or one you can see)"),
    Refusal.TOO_MANY_EMOJI: (ErrorCode.BAD_REQUEST,
                             f"field 'emoji' would make more than {MAX_DISTINCT_EMOJI} distinct "
                             f"emoji (of up to {EMOJI_MAX_CHARS} characters) on one message"),
}


class _Change(Pending):
    """A change on its way through the writer, then its reply and ``update`` event."""

    __slots__ = ("session", "slot", "re", "outcome", "_reply")

    def __init__(self, session: Session, slot: ReplySlot, re: RequestId) -> None:
        super().__init__(reply_to=session)
        self.session = session
        self.slot = slot
        self.re = re
        self.outcome: ChangeOutcome | None = None
        self._reply = b""

    def complete(self, outcome: WriteOutcome) -> None:
        session = self.session
        if outcome.error is not None:
            session.connection.log.error("changing a message failed: %s", outcome.error)
            self._reply = internal_error(self.re)
            return
        result: ChangeOutcome = outcome.result
        if result.refusal is not None:
            code, text = _REFUSALS[result.refusal]
            self._reply = encode_frame(error_reply(RequestError(code, text, self.re)))
            return
        assert result.message is not None  # not refused
        self.outcome = result
        self._reply = encode_frame(ok_reply(
            self.re, message=wire_message(result.message, session.protocol)))
        if result.changed:
            self.position = result.message.seq
            self.audience = EVERYONE if result.audience is None else result.audience

    def event(self, version: int) -> bytes | None:
        # protocol.lifecycle.UpdateEvent, in its plain form (see wire_message);
        # version 1 has no updates: an edit shows in its next history page.
        if version == PROTOCOL_V1 or self.outcome is None or self.outcome.message is None:
            return None
        return encode_frame({"type": "update",
                             "message": wire_message(self.outcome.message, version)})

    def answer(self) -> None:
        self.session.connection.fill_reply(self.slot, self._reply)


class Lifecycle:
    """Answers ``edit``, ``delete`` and ``react``.

    Args:
        database: the writer the changes go through; their outcomes come
            back through :class:`~server.messages.Messages`' listener.
        directory: for the names an edited body mentions.
    """

    def __init__(self, database: Database, directory: AccountDirectory) -> None:
        self.database = database
        self.directory = directory

    def install(self, dispatcher: Dispatcher) -> None:
        dispatcher.route_at_once(Edit, self._edit)
        dispatcher.route_at_once(Delete, self._delete)
        dispatcher.route_at_once(React, self._react)
        dispatcher.offer(Feature.EDITS)
        dispatcher.offer(Feature.REACTIONS)

    def _edit(self, session: Session, request: Edit, re: RequestId, size: int) -> None:
        body = request.body
        mentions = self.directory.mentioned(body) if "@" in body else ()
        self._submit(session, Change(ChangeKind.EDIT, session.account, request.message,
                                     body=body, mentions=mentions), re, size)

    def _delete(self, session: Session, request: Delete, re: RequestId, size: int) -> None:
        self._submit(session, Change(ChangeKind.DELETE, session.account, request.message),
                     re, size)

    def _react(self, session: Session, request: React, re: RequestId, size: int) -> None:
        self._submit(session, Change(ChangeKind.REACT, session.account, request.message,
                                     emoji=request.emoji, on=request.on), re, size)

    def _submit(self, session: Session, change: Change, re: RequestId, size: int) -> None:
        """Queue a change for the writer; answered when its commit comes back."""
        # Changes count against the same budget as messages: each is a
        # commit's worth of work and an event to every reader.
        if session.bucket is not None:
            delay = session.bucket.take()
            if delay > 0:
                raise rate_limited(delay, "messages", re)
        connection = session.connection
        pending = _Change(session, connection.reserve_reply(size), re)
        try:
            self.database.write_batched(APPLY_CHANGES, change, pending)
        except Exception:  # noqa: BLE001 - the writer is closed: the server is stopping
            connection.log.exception("could not queue a change for storing")
            connection.fill_reply(pending.slot, internal_error(re))
