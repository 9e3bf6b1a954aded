"""Messages: sending, reading history, catching up, and read markers.

Sends are the hot path.  A ``send`` of a logged-in connection is checked
inside ``data_received`` and queued for the group-commit writer at once
(:meth:`Messages._submit_send`, routed *at once*), with a
:class:`~server.connection.ReplySlot` holding its reply's place.  The writer
stores every message queued during its previous commit with one INSERT and
hands the whole commit back to the event loop in one call
(:meth:`Messages._sends_committed`), which builds one delivery
:class:`~server.delivery.Item` per send, lets the pure
:func:`~server.delivery.deliver` decide who gets what, and writes it.

Delivery order: ids are given in submission order, commits reach the loop
in commit order, and each commit is delivered in one event-loop step, so
every connection receives ``message`` events in increasing id order, with
the replies to its own sends in their place among them.

Messages that another server process on the same PostgreSQL database
stored reach :meth:`Messages.deliver_remote` (from :mod:`server.cluster`),
in the same order among this node's own commits, and are delivered the
same way, with no reply.

``history``, ``sync`` and ``mark_read`` are reads and small writes awaited
in database threads.  Version 2 adds here (or beside it, in the same shape)
``room`` on sends, ``reply_to``, edits, deletions and reactions: a change is
committed like a send and delivered as an ``update`` item with the
message's audience.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from db import queries
from db.cluster import RemoteMessage
from db.database import BatchedWrite, Database, WriteOutcome
from db.queries import AccountRecord, NewMessage, StoredMessage
from protocol.errors import RequestId
from protocol.framing import encode_frame
from protocol.limits import PROTOCOL_V1
from protocol.objects import format_ts, message_to_wire, message_to_wire_v2
from protocol.replies import Done, ok_reply
from protocol.requests import History, MarkRead, Send, Sync

from .connection import ReplySlot
from .delivery import EVERYONE, Item, deliver
from .directory import AccountDirectory
from .dispatch import Dispatcher, internal_error
from .presence import Presence
from .ratelimit import rate_limited
from .session import Connection, Session, logged_in, write_delivery

__all__ = ["Messages", "STORE_MESSAGES"]

log = logging.getLogger("besedka.server.messages")

#: Storing messages, run by the writer for a whole batch of sends at once.
STORE_MESSAGES: BatchedWrite[NewMessage, tuple[StoredMessage, bool]] = BatchedWrite(
    queries.store_messages)


def _wire_message(message: StoredMessage, version: int = PROTOCOL_V1,
                  ts: str | None = None) -> dict[str, Any]:
    """A message as frames for protocol ``version`` carry it; ``ts``: its
    ``created_at`` formatted already.

    The frames that carry messages are built from this plain form, not
    through the typed :class:`~protocol.objects.Message` and the replies and
    events around it (``Sent``, ``MessageEvent``, ``MessagePage``), which
    give the same JSON: a frozen object per message costs more than the
    rest of its encoding (a ``sync`` page of 1,000 took 0.7 ms instead of
    0.2), and every send and page pays it.
    """
    if ts is None:
        ts = format_ts(message.created_at)
    if version == PROTOCOL_V1:
        return message_to_wire(message.id, message.sender, message.recipient, message.body, ts)
    edited = None if message.edited_at is None else format_ts(message.edited_at)
    return message_to_wire_v2(message.id, message.seq, message.sender, message.recipient,
                              message.room_id, message.body, ts, edited, message.deleted,
                              message.reply_to)


class _Send(Item[Session]):
    """A ``send`` on its way through the writer, then its delivery.

    Made when the send is queued (whom to answer, and how), completed when
    its commit comes back (the stored message, the reply, the audience).
    """

    __slots__ = ("connection", "version", "slot", "re", "sender", "recipient", "message", "ts",
                 "wire", "reply")

    def __init__(self, session: Session, slot: ReplySlot, re: RequestId,
                 recipient: AccountRecord | None) -> None:
        # (Item's fields set here, not by Item.__init__: this runs per message.)
        self.position = 0
        self.audience = ()
        self.reply_to = session
        self.connection = session.connection
        #: the protocol version of the session that sent it (its reply's)
        self.version = session.protocol
        self.slot = slot
        self.re = re
        self.sender = session.account
        self.recipient = recipient
        self.message: StoredMessage | None = None
        self.ts = ""
        #: the message's wire object in the sender's version, for its reply
        self.wire: dict[str, Any] = {}
        self.reply = b""

    def event(self, version: int) -> bytes | None:
        # protocol.events.MessageEvent, in its plain form (see _wire_message).
        assert self.message is not None  # only a stored message has an audience
        # The reply's object serves the sender's version (nearly always the
        # only one): built once per message, not once per frame.
        wire = (self.wire if version == self.version
                else _wire_message(self.message, version, self.ts))
        return encode_frame({"type": "message", "message": wire})

    def answer(self) -> None:
        self.connection.fill_reply(self.slot, self.reply)


class _Remote(Item[Session]):
    """A message another server process stored, on its way to this one's sessions."""

    __slots__ = ("message",)

    def __init__(self, message: StoredMessage, audience: tuple[int, ...] | None) -> None:
        super().__init__(message.id, EVERYONE if audience is None else audience)
        self.message = message

    def event(self, version: int) -> bytes | None:
        return encode_frame({"type": "message", "message": _wire_message(self.message, version)})


class Messages:
    """Answers ``send``, ``history``, ``sync`` and ``mark_read``, and delivers messages.

    Args:
        database: the opened database, whose writer hands committed sends
            to :meth:`_sends_committed` through ``loop``.
        directory: for the names in ``to`` and ``with``.
        presence: the sessions online, that delivery goes by.
        loop: the event loop the connections run in (the writer thread
            hands it each commit).
    """

    def __init__(self, database: Database, directory: AccountDirectory, presence: Presence,
                 loop: asyncio.AbstractEventLoop) -> None:
        self.database = database
        self.directory = directory
        self.presence = presence

        def sends_committed(outcomes: list[WriteOutcome]) -> None:
            # In the writer thread: one hand-over to the loop per commit.
            try:
                loop.call_soon_threadsafe(self._sends_committed, outcomes)
            except RuntimeError:  # the loop is closed: the server is gone
                log.debug("%d stored messages had no server left to deliver them", len(outcomes))

        database.set_write_listener(sends_committed)

    def install(self, dispatcher: Dispatcher) -> None:
        dispatcher.route_at_once(Send, self._submit_send)
        dispatcher.route(History, self._history)
        dispatcher.route(Sync, self._sync)
        dispatcher.route(MarkRead, self._mark_read)

    # ------------------------------------------------------------------
    # Sending: the hot path

    def _submit_send(self, session: Session, request: Send, re: RequestId, size: int) -> None:
        """Check a send (of ``size`` bytes) and queue it for the writer;
        answered by :meth:`_sends_committed`."""
        if session.bucket is not None:
            delay = session.bucket.take()
            if delay > 0:
                raise rate_limited(delay, "messages", re)
        recipient = None if request.to is None else self.directory.named(request.to, re)
        connection = session.connection
        # The slot is taken first: the writer's answer arrives through the
        # event loop, so never before this method returns.
        pending = _Send(session, connection.reserve_reply(size), re, recipient)
        try:
            self.database.write_batched(
                STORE_MESSAGES, NewMessage(session.account, recipient, request.body, request.key),
                pending)
        except Exception:  # noqa: BLE001 - the writer is closed: the server is stopping
            connection.log.exception("could not queue a message for storing")
            connection.fill_reply(pending.slot, internal_error(re))

    def _sends_committed(self, outcomes: list[WriteOutcome]) -> None:
        """Answer the sends of one commit and deliver their messages.

        Runs in one event-loop step per commit, in commit order (see the
        module docstring); :func:`~server.delivery.deliver` decides.
        """
        items: list[_Send] = []
        # The messages of a commit share one timestamp: formatted once.
        created_at: datetime | None = None
        ts = ""
        for outcome in outcomes:
            pending: _Send = outcome.context
            items.append(pending)
            if outcome.error is not None:
                # The writer logged the failure with its traceback, once per batch.
                pending.connection.log.error("storing a message failed: %s", outcome.error)
                pending.reply = internal_error(pending.re)
                continue
            message, created = outcome.result
            if message.created_at != created_at:
                created_at, ts = message.created_at, format_ts(message.created_at)
            pending.message, pending.ts = message, ts
            # protocol.replies.Sent, in its plain form (see _wire_message),
            # in the version its sender speaks.
            pending.wire = wire = _wire_message(message, pending.version, ts)
            pending.reply = encode_frame(ok_reply(pending.re, message=wire))
            if not created:  # a resent send: answered, delivered the first time
                continue
            pending.position = message.id
            sender, recipient = pending.sender, pending.recipient
            if recipient is None:
                pending.audience = EVERYONE
            elif recipient.id == sender.id:  # a note to self
                pending.audience = (sender.id,)
            else:
                pending.audience = (sender.id, recipient.id)
        write_delivery(deliver(items, self.presence.online))

    def deliver_remote(self, remote: list[RemoteMessage], newest_id_before: int) -> None:
        """Deliver the messages of another node's commit to this node's sessions.

        Args:
            remote: the messages the commit created or changed, by seq.
            newest_id_before: the newest message id before that commit:
                messages above it are new.
        """
        items: list[Item[Session]] = []
        for message, sender_id, recipient_id in remote:
            if message.id <= newest_id_before or message.room_id is not None:
                # An edit, deletion or reaction (version 2's update events),
                # or a room's message: their features deliver those.
                continue
            audience: tuple[int, ...] | None
            if recipient_id is None:
                audience = None
            elif recipient_id == sender_id:
                audience = (sender_id,)
            else:
                audience = (sender_id, recipient_id)
            items.append(_Remote(message, audience))
        if items:
            write_delivery(deliver(items, self.presence.online))

    # ------------------------------------------------------------------
    # Reading

    async def _history(self, connection: Connection, request: History,
                       re: RequestId) -> dict[str, Any]:
        session = logged_in(connection)
        me, version = session.account_id, session.protocol
        peer_id = self.directory.peer_id(request.with_, re)
        messages, has_more = await asyncio.wrap_future(self.database.read(
            lambda conn: queries.history(conn, me, peer_id, request.before, request.limit)))
        return ok_reply(re, messages=[_wire_message(m, version) for m in messages],
                        has_more=has_more)

    async def _sync(self, connection: Connection, request: Sync,
                    re: RequestId) -> dict[str, Any]:
        session = logged_in(connection)
        me, version = session.account_id, session.protocol
        messages, has_more = await asyncio.wrap_future(self.database.read(
            lambda conn: queries.sync(conn, me, request.after, request.limit)))
        return ok_reply(re, messages=[_wire_message(m, version) for m in messages],
                        has_more=has_more)

    async def _mark_read(self, connection: Connection, request: MarkRead,
                         re: RequestId) -> dict[str, Any]:
        me = logged_in(connection).account_id
        peer_id = self.directory.peer_id(request.with_, re)
        await asyncio.wrap_future(self.database.write(
            lambda conn: queries.mark_read(conn, me, peer_id, request.up_to)))
        return Done().to_wire(re)
