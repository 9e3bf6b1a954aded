"""Messages: sending them, and delivering them as their commits come back.

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
A ``send`` that posts a file (``file``, PROTOCOL-2.md "Files") is the one
send that waits: whether its sender may post that file is a database read
(:meth:`server.files.Files.attachment`), so it is answered as an awaited
request, after the sends before it, and queued for the writer like any
other once the file is found.

Reading the messages back (``history``, ``sync``) and read markers
(``mark_read``) are awaited requests, in :mod:`server.history`; the form
every frame gives a message is this module's (:func:`wire_message`).

Version 2: a send may answer another message (``reply_to``), which is
checked in the writer (:data:`STORE_REPLIES`); a body's ``@name`` mentions
are worked out here and stored with the message.  Edits, deletions and
reactions (:mod:`server.lifecycle`) are committed through the same writer
as sends, as :class:`Pending` items, so a commit that holds both is
delivered in one step, in change-number order.

Version 2's ``room`` names a room in place of ``to`` and ``with``; only its
members may use it (:mod:`server.rooms` knows who they are), and a room's
message reaches its members as they are when it commits: a change to the
room's membership is one of the :class:`Pending` items of the commits, and
applied in its place.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection as DbConnection

from db import queries
from db.cluster import RemoteMessage
from db.database import BatchedWrite, Database, WriteOutcome
from db.files import FileRecord
from db.queries import AccountRecord, NewMessage, StoredMessage
from protocol.errors import ErrorCode, ProtocolError, RequestError, RequestId
from protocol.files import FileUpload, v1_file_body
from protocol.events import message_event_frame
from protocol.framing import encode_frame, encode_json
from protocol.limits import PROTOCOL_V1
from protocol.objects import file_to_wire, format_ts, message_to_wire, message_to_wire_v2
from protocol.replies import error_reply, sent_reply_frame
from protocol.requests import Send
from protocol.rules import normalize_body

from .connection import ReplySlot
from .delivery import EVERYONE, Audience, Item, deliver
from .directory import AccountDirectory
from .dispatch import Dispatcher, internal_error
from .files import Files
from .presence import Presence
from .ratelimit import rate_limited
from .rooms import Rooms, RoomState
from .session import Session, write_delivery

__all__ = ["Messages", "Pending", "STORE_MESSAGES", "STORE_REPLIES", "wire_message"]

#: The protocol version that lets ``send`` post a file.
FILES_SINCE = FileUpload.SINCE

log = logging.getLogger("besedka.server.messages")

#: Storing messages, run by the writer for a whole batch of sends at once.
STORE_MESSAGES: BatchedWrite[NewMessage, tuple[StoredMessage, bool]] = BatchedWrite(
    queries.store_messages)


def _store_replies(conn: DbConnection, messages: list[NewMessage]
                   ) -> list[tuple[StoredMessage, bool] | None]:
    """Store sends that answer another message: each whose ``reply_to`` is
    a message of its own conversation; None for the others."""
    targets = {m.id: m for m in queries.messages_by_id(
        conn, [message.reply_to for message in messages if message.reply_to is not None])}
    valid = [_same_conversation(message, targets.get(message.reply_to or 0))
             for message in messages]
    stored = iter(queries.store_messages(
        conn, [message for message, ok in zip(messages, valid) if ok]))
    return [next(stored) if ok else None for ok in valid]


def _same_conversation(message: NewMessage, target: StoredMessage | None) -> bool:
    """Whether ``target`` is in the conversation ``message`` is sent to."""
    if target is None or target.room_id != message.room_id:
        return False
    if message.recipient is None:
        return target.recipient is None
    ends = {message.sender.username, message.recipient.username}
    return {target.sender, target.recipient} == ends


#: Storing sends with ``reply_to``: checked in the same transaction as they
#: are stored, so the message answered cannot be another conversation's.
STORE_REPLIES: BatchedWrite[NewMessage, tuple[StoredMessage, bool] | None] = BatchedWrite(
    _store_replies)


def wire_message(message: StoredMessage, version: int = PROTOCOL_V1,
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
        body = message.body
        if message.file_id is not None:
            body = v1_file_body(body, message.file_name or "", message.file_removed)
        return message_to_wire(message.id, message.sender, message.recipient, body, ts)
    edited = None if message.edited_at is None else format_ts(message.edited_at)
    file = None
    if message.file_id is not None:
        file = file_to_wire(message.file_id, message.file_name or "", message.file_size or 0,
                            message.file_mime or "", message.file_removed)
    return message_to_wire_v2(message.id, message.seq, message.sender, message.recipient,
                              message.room_id, message.body, ts, edited, message.deleted,
                              message.reply_to, message.mentions,
                              [{"emoji": emoji, "users": list(users)}
                               for emoji, users in message.reactions], file)


def normalize_body_or_refuse(body: str, re: RequestId) -> str:
    """A body by the rules of a message without a file (an empty caption is not one)."""
    try:
        return normalize_body(body)
    except ProtocolError as error:
        raise RequestError.from_protocol_error(error, re) from None


class Pending(Item[Session]):
    """A write other than a send on its way through the writer (an edit, a
    deletion, a reaction, a change to a room), then its delivery.

    :meth:`complete` is called in the event loop with the write's outcome,
    before the commit is delivered and before the items after it are
    completed: it sets the reply, and the position and audience of the
    event, if any; it may return further items to deliver right after it
    (a room change tells several audiences different things).
    """

    __slots__ = ()

    def complete(self, outcome: WriteOutcome) -> Sequence[Item[Session]] | None:
        raise NotImplementedError


class _Send(Item[Session]):
    """A ``send`` on its way through the writer, then its delivery.

    Made when the send is queued (whom to answer, and how), completed when
    its commit comes back (the stored message, the reply, the audience).
    """

    __slots__ = ("connection", "version", "slot", "re", "sender", "recipient", "room", "file",
                 "message", "ts", "encoded", "reply")

    def __init__(self, session: Session, slot: ReplySlot, re: RequestId,
                 recipient: AccountRecord | None, room: RoomState | None = None,
                 file: FileRecord | None = None) -> None:
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
        #: the room it goes to (version 2), whose members it reaches
        self.room = room
        #: the file it posts, if any
        self.file = file
        self.message: StoredMessage | None = None
        self.ts = ""
        #: the message's wire object in the sender's version, encoded: its
        #: reply's and (to the others speaking that version) its event's
        self.encoded = b""
        self.reply = b""

    def event(self, version: int) -> bytes | None:
        # protocol.events.MessageEvent, in its plain form (see wire_message).
        assert self.message is not None  # only a stored message has an audience
        if version == PROTOCOL_V1 and self.room is not None:
            return None  # version 1 never sees a room's messages
        # The reply's object serves the sender's version (nearly always the
        # only one): built and encoded once per message, not once per frame.
        if version == self.version:
            return message_event_frame(self.encoded)
        return encode_frame({"type": "message",
                             "message": wire_message(self.message, version, self.ts)})

    def answer(self) -> None:
        self.connection.fill_reply(self.slot, self.reply)


class _Remote(Item[Session]):
    """A message another server process stored or changed, on its way to
    this one's sessions: a ``message`` event if it is new, else (version 2
    only) an ``update`` with its new form."""

    __slots__ = ("message", "new")

    def __init__(self, message: StoredMessage, new: bool, audience: Audience | None) -> None:
        super().__init__(message.seq, EVERYONE if audience is None else audience)
        self.message = message
        self.new = new

    def event(self, version: int) -> bytes | None:
        if version == PROTOCOL_V1 and (not self.new or self.message.deleted):
            return None  # version 1 has no updates and no tombstones
        return encode_frame({"type": "message" if self.new else "update",
                             "message": wire_message(self.message, version)})


class Messages:
    """Answers ``send``, and delivers messages (this node's and other nodes').

    Args:
        database: the opened database, whose writer hands committed sends
            to :meth:`_sends_committed` through ``loop``.
        directory: for the names in ``to``, ``with`` and mentions.
        presence: the sessions online, that delivery goes by.
        rooms: the rooms and their members, for ``room`` (version 2).
        loop: the event loop the connections run in (the writer thread
            hands it each commit).
        files: for a send that posts a file (version 2).
    """

    def __init__(self, database: Database, directory: AccountDirectory, presence: Presence,
                 rooms: Rooms, loop: asyncio.AbstractEventLoop, files: Files) -> None:
        self.database = database
        self.directory = directory
        self.presence = presence
        self.rooms = rooms
        self.files = files

        def sends_committed(outcomes: list[WriteOutcome]) -> None:
            # In the writer thread: one hand-over to the loop per commit.
            try:
                loop.call_soon_threadsafe(self._sends_committed, outcomes)
            except RuntimeError:  # the loop is closed: the server is gone
                log.debug("%d stored messages had no server left to deliver them", len(outcomes))

        database.set_write_listener(sends_committed)

    def install(self, dispatcher: Dispatcher) -> None:
        dispatcher.route_at_once(Send, self._submit_send)

    # ------------------------------------------------------------------
    # Sending: the hot path

    def _submit_send(self, session: Session, request: Send, re: RequestId,
                     size: int) -> Coroutine[Any, Any, bytes | None] | None:
        """Check a send (of ``size`` bytes) and queue it for the writer;
        answered by :meth:`_sends_committed`.  A send with a file returns
        the coroutine that looks the file up first."""
        if session.bucket is not None:
            delay = session.bucket.take()
            if delay > 0:
                raise rate_limited(delay, "messages", re)
            # The account's too: its connections together may send no more
            # than one of them (issue 12).
            if session.account_bucket is not None:
                delay = session.account_bucket.take()
                if delay > 0:
                    session.bucket.give_back()
                    raise rate_limited(delay, "messages from this account", re)
        room = self.rooms.requested(session, request.room, re)
        recipient = None if request.to is None else self.directory.named(request.to, re)
        if request.file is not None:
            if session.protocol >= FILES_SINCE:
                return self._send_file(session, request, re, size, recipient, room)
            # Version 1 knows no ``file``: ignored, as any unknown field.
            request = Send(request.to, normalize_body_or_refuse(request.body, re), request.key,
                           request.reply_to)
        self._queue_send(session, request, re, size, recipient, room, None)
        return None

    async def _send_file(self, session: Session, request: Send, re: RequestId, size: int,
                         recipient: AccountRecord | None,
                         room: RoomState | None) -> bytes | None:
        """A send with a file, awaited in the connection's order: the file
        is looked up, then the message is queued like any other."""
        assert request.file is not None
        file = await self.files.attachment(session, request.file, re)
        self._queue_send(session, request, re, size, recipient, room, file)
        return None  # the reply slot carries the answer

    def _queue_send(self, session: Session, request: Send, re: RequestId, size: int,
                    recipient: AccountRecord | None, room: RoomState | None,
                    file: FileRecord | None) -> None:
        connection = session.connection
        # The slot is taken first: the writer's answer arrives through the
        # event loop, so never before this method returns.
        pending = _Send(session, connection.reserve_reply(size), re, recipient, room, file)
        body = request.body
        # Most bodies name nobody: "@" is looked for before anything is parsed.
        mentions = self.directory.mentioned(body) if "@" in body else ()
        try:
            self.database.write_batched(
                STORE_MESSAGES if request.reply_to is None else STORE_REPLIES,
                NewMessage(session.account, recipient, body, request.key,
                           None if room is None else room.id, reply_to=request.reply_to,
                           file_id=None if file is None else file.id, mentions=mentions),
                pending)
        except Exception:  # noqa: BLE001 - the writer is closed: the server is stopping
            connection.log.exception("could not queue a message for storing")
            connection.fill_reply(pending.slot, internal_error(re))

    def _sends_committed(self, outcomes: list[WriteOutcome]) -> None:
        """Answer the sends of one commit and deliver their messages.

        Runs in one event-loop step per commit, in commit order (see the
        module docstring); :func:`~server.delivery.deliver` decides.
        """
        items: list[Item[Session]] = []
        # The messages of a commit share one timestamp: formatted once.
        created_at: datetime | None = None
        ts = ""
        for outcome in outcomes:
            pending = outcome.context
            items.append(pending)
            if pending.__class__ is not _Send:
                # Applied now, before the sends after it (a room's members).
                more = pending.complete(outcome)
                if more:
                    items.extend(more)
                continue
            if outcome.error is not None:
                # The writer logged the failure with its traceback, once per batch.
                pending.connection.log.error("storing a message failed: %s", outcome.error)
                pending.reply = internal_error(pending.re)
                continue
            if outcome.result is None:  # STORE_REPLIES: not an answer in its conversation
                pending.reply = encode_frame(error_reply(RequestError(
                    ErrorCode.UNKNOWN_MESSAGE,
                    "reply_to is no message of this conversation", pending.re)))
                continue
            message, created = outcome.result
            file = pending.file
            if created and file is not None:
                message = message._replace(file_name=file.name, file_size=file.size,
                                           file_mime=file.mime)
            if message.created_at != created_at:
                created_at, ts = message.created_at, format_ts(message.created_at)
            pending.message, pending.ts = message, ts
            # protocol.replies.Sent, in its plain form (see wire_message),
            # in the version its sender speaks.
            pending.encoded = encoded = encode_json(wire_message(message, pending.version, ts))
            pending.reply = sent_reply_frame(pending.re, encoded)
            if not created:  # a resent send: answered, delivered the first time
                continue
            # The change number orders every change (edits too): the login
            # race compares it with what a login's snapshot counted.
            pending.position = message.seq
            sender, recipient = pending.sender, pending.recipient
            if pending.room is not None:
                # Its members as they are now, this commit's earlier
                # changes applied.
                pending.audience = pending.room.members
            elif recipient is None:
                pending.audience = EVERYONE
            elif recipient.id == sender.id:  # a note to self
                pending.audience = (sender.id,)
            else:
                pending.audience = (sender.id, recipient.id)
        write_delivery(deliver(items, self.presence.online))

    def deliver_remote(self, remote: list[RemoteMessage], newest_id_before: int) -> None:
        """Deliver the messages of another node's commit to this node's sessions.

        Args:
            remote: the messages the commit created or changed (edits,
                deletions, reactions), by seq, in their current form.
            newest_id_before: the newest message id before that commit:
                messages above it are new, the others changed.
        """
        items: list[Item[Session]] = []
        for message, sender_id, recipient_id in remote:
            audience: Audience | None
            if message.room_id is not None:
                # The room's members as this node knows them: a change to
                # the room committed before reached it before this commit.
                room = self.rooms.rooms.get(message.room_id)
                if room is None:
                    log.warning("message %d is in room %d, unknown here", message.id,
                                message.room_id)
                    continue
                audience = room.members
            elif recipient_id is None:
                audience = None
            elif recipient_id == sender_id:
                audience = (sender_id,)
            else:
                audience = (sender_id, recipient_id)
            items.append(_Remote(message, message.id > newest_id_before, audience))
        if items:
            write_delivery(deliver(items, self.presence.online))
