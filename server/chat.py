"""The chat itself: accounts, sessions, presence and message delivery.

:class:`ChatService` answers every request of PROTOCOL.md.  It holds what
must be shared across connections (who is online where, the account
directory, the rate limiters) and reaches the database only through
:class:`db.database.Database`, whose futures it awaits, so the event loop
never blocks on SQLite or bcrypt.

Sends are the hot path.  A ``send`` is validated in the event loop and
queued for the group-commit writer at once (:meth:`ChatService.answer`); the
writer stores every message queued during its previous commit with one
INSERT, and hands the whole commit back to the loop in one call
(:meth:`ChatService._sends_committed`).  There each message is encoded once,
the general room's messages of the commit are joined into one block of
bytes, and every connection gets that block (or slices of it around its own
messages) in one write: the cost per commit grows with the number of
connections, not with messages times connections.

Delivery order: ids are given in submission order, commits reach the loop
in commit order, and each commit's messages are delivered in id order in
one event-loop step, so every connection receives ``message`` events in
increasing id order, and the replies to its own sends in their place among
them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from db import queries
from db.database import BatchedWrite, Database, WriteOutcome
from db.queries import AccountRecord, NewMessage, StoredMessage
from protocol import limits
from protocol.errors import ErrorCode, RequestError, RequestId
from protocol.frames import (
    PRE_AUTH_TYPES,
    REQUEST_TYPES,
    ChangePassword,
    History,
    ListUsers,
    Login,
    Logout,
    MarkRead,
    Ping,
    RawRequest,
    Register,
    Request,
    RosterEntry,
    Send,
    Sync,
    decode_request,
    error_reply,
    format_ts,
    message_to_wire,
    ok_reply,
    parse_request,
)
from protocol.framing import encode_frame
from protocol.rules import username_key
from protocol.version import BESEDKA_VERSION

from .connection import ClientConnection, ReplySlot
from .passwords import PasswordHasher
from .ratelimit import RateLimits, SlidingWindowLimiter, TokenBucket, retry_after_seconds

__all__ = ["ChatService", "Session"]

log = logging.getLogger("besedka.server.chat")
T = TypeVar("T")


@dataclass(eq=False)
class Session:
    """A logged-in connection: who it is, and its message rate bucket.

    While ``joining`` is set, the login's roster snapshot is being read;
    events for the connection are held in ``held_events`` so that its ``ok``
    and ``users`` frames go first (PROTOCOL.md: the roster immediately
    follows the reply).

    ``counted_up_to`` is the newest message id the snapshot saw: those
    messages are in the login's unread counts (or are the user's own), so
    they are never delivered as events afterwards, however late the
    commit's result reaches the event loop.
    """

    account: AccountRecord
    bucket: TokenBucket | None
    joining: bool = True
    held_events: list[tuple[int, bytes]] = field(default_factory=list)
    counted_up_to: int = 0

    @property
    def username(self) -> str:
        return self.account.username


#: Storing messages, run by the writer for a whole batch of sends at once.
STORE_MESSAGES: BatchedWrite[NewMessage, tuple[StoredMessage, bool]] = BatchedWrite(
    queries.store_messages)

#: What a request that failed inside the server (a database fault, a bug) is told.
_FAILED = "the server failed; nothing was changed"


class _PendingSend:
    """A ``send`` on its way through the writer: whom to answer, and how."""

    __slots__ = ("connection", "reply", "re", "sender", "recipient")

    def __init__(self, connection: ClientConnection, reply: ReplySlot, re: RequestId,
                 sender: AccountRecord, recipient: AccountRecord | None) -> None:
        self.connection = connection
        self.reply = reply
        self.re = re
        self.sender = sender
        self.recipient = recipient


def _wire_message(message: StoredMessage, ts: str | None = None) -> dict[str, Any]:
    """A message as frames carry it; ``ts``: its ``created_at`` formatted already."""
    return message_to_wire(message.id, message.sender, message.recipient, message.body,
                           format_ts(message.created_at) if ts is None else ts)


class ChatService:
    """Answers requests and delivers events for every connection of a server.

    Args:
        database: the opened (migrated) database.
        hasher: bcrypt in worker threads.
        rate_limits: the abuse limits, or disabled.
        loop: the event loop the connections run in, which the writer
            thread hands committed sends to (the service may be built in
            another thread: it reads the account directory).
    """

    def __init__(self, database: Database, hasher: PasswordHasher, rate_limits: RateLimits,
                 loop: asyncio.AbstractEventLoop) -> None:
        self.database = database
        self.hasher = hasher
        self.rate_limits = rate_limits
        self.hello_frame = encode_frame(
            {"type": "hello", "protocol": limits.PROTOCOL_VERSION,
             "server": f"besedka/{BESEDKA_VERSION}"}
        )
        self.connections: set[ClientConnection] = set()
        #: connections whose login or registration is being answered; the
        #: login timeout spares them (see :meth:`sweep`)
        self._authenticating: set[ClientConnection] = set()
        #: account id -> its logged-in connections
        self.online: dict[int, set[ClientConnection]] = {}
        #: case-folded name -> account, for every account; only this server
        #: creates accounts, so it is kept current without asking the database
        self.accounts: dict[str, AccountRecord] = {
            account.username_key: account
            for account in database.read_now(queries.list_accounts)
        }
        window = rate_limits.window
        self.failed_logins_by_account = SlidingWindowLimiter(
            rate_limits.failed_logins_per_account, window)
        self.failed_logins_by_address = SlidingWindowLimiter(
            rate_limits.failed_logins_per_address, window)
        self.registrations_by_address = SlidingWindowLimiter(
            rate_limits.registrations_per_address, window)
        def sends_committed(outcomes: list[WriteOutcome]) -> None:
            # In the writer thread: one hand-over to the loop per commit.
            try:
                loop.call_soon_threadsafe(self._sends_committed, outcomes)
            except RuntimeError:  # the loop is closed: the server is gone
                log.debug("%d stored messages had no server left to deliver them", len(outcomes))

        database.set_write_listener(sends_committed)
        self._handlers: dict[type[Request], Callable[[ClientConnection, Any, RequestId],
                                                      Awaitable[dict[str, Any] | None]]] = {
            Register: self._register,
            Login: self._login,
            Logout: self._logout,
            Ping: self._ping,
            ListUsers: self._users,
            History: self._history,
            Sync: self._sync,
            MarkRead: self._mark_read,
            ChangePassword: self._change_password,
        }

    # ------------------------------------------------------------------
    # Connection registry

    def connection_opened(self, connection: ClientConnection) -> None:
        self.connections.add(connection)

    def connection_closed(self, connection: ClientConnection) -> None:
        self.connections.discard(connection)
        self._end_session(connection)

    # ------------------------------------------------------------------
    # Dispatch

    def answer(self, connection: ClientConnection,
               frame: bytes) -> Coroutine[Any, Any, bytes | None] | None:
        """Start answering one frame.

        A ``send`` of a logged-in connection is queued for the writer at
        once, and its reply goes into the connection's order when its commit
        returns; a frame that cannot be decoded, or a send that fails its
        checks, is answered in order at once.  Both return None.  Any other
        request returns a coroutine that the connection runs once the
        replies before it are written; it returns the encoded reply (None:
        already sent).
        """
        re: RequestId = None
        try:
            raw = decode_request(frame)
            re = raw.re
            if raw.type != Send.TYPE or connection.session is None:
                return self._answer(connection, raw)
            request = parse_request(raw)
            assert isinstance(request, Send)
            self._submit_send(connection, request, re, len(frame))
        except RequestError as error:
            connection.reply_in_order(encode_frame(error_reply(error)))
        except Exception:  # noqa: BLE001 - answered, logged, and the connection lives on
            connection.log.exception("internal error while answering a request")
            connection.reply_in_order(encode_frame(error_reply(
                RequestError(ErrorCode.INTERNAL_ERROR, _FAILED, re))))
        return None

    async def _answer(self, connection: ClientConnection, raw: RawRequest) -> bytes | None:
        """Answer a request other than a logged-in ``send``.

        Every failure becomes an ``error`` reply: a protocol error with its
        own code, anything unexpected (a database fault, a bug) as
        ``internal_error`` after logging the traceback.
        """
        re: RequestId = raw.re
        try:
            if raw.type not in REQUEST_TYPES:
                raise RequestError(ErrorCode.UNKNOWN_TYPE, f"unknown request type {raw.type!r}", re)
            if connection.session is None and raw.type not in PRE_AUTH_TYPES:
                raise RequestError(ErrorCode.NOT_AUTHENTICATED, "log in first", re)
            if connection.session is not None and raw.type in (Register.TYPE, Login.TYPE):
                raise RequestError(ErrorCode.ALREADY_AUTHENTICATED, "already logged in", re)
            request = parse_request(raw)
            if isinstance(request, (Login, Register)):
                self._authenticating.add(connection)
            try:
                reply = await self._handlers[type(request)](connection, request, re)
            finally:
                self._authenticating.discard(connection)
        except RequestError as error:
            return encode_frame(error_reply(error))
        except Exception:  # noqa: BLE001 - answered, logged, and the connection lives on
            connection.log.exception("internal error while answering a request")
            return encode_frame(error_reply(
                RequestError(ErrorCode.INTERNAL_ERROR, _FAILED, re)
            ))
        return None if reply is None else encode_frame(reply)

    @staticmethod
    async def _run(future: concurrent.futures.Future[T]) -> T:
        """Await a thread's :class:`concurrent.futures.Future`."""
        return await asyncio.wrap_future(future)

    # ------------------------------------------------------------------
    # Account lookups

    def _account_named(self, name: str, re: RequestId) -> AccountRecord:
        account = self.accounts.get(username_key(name))
        if account is None:
            raise RequestError(ErrorCode.UNKNOWN_USER, f"no user named {name!r}", re)
        return account

    def _peer_id(self, name: str | None, re: RequestId) -> int | None:
        return None if name is None else self._account_named(name, re).id

    @staticmethod
    def _session(connection: ClientConnection) -> Session:
        assert connection.session is not None
        return connection.session

    def _rate_limited(self, delay: float, what: str, re: RequestId) -> RequestError:
        seconds = retry_after_seconds(delay)
        return RequestError(ErrorCode.RATE_LIMITED, f"too many {what}; retry in {seconds} s",
                            re, {"retry_after": seconds})

    # ------------------------------------------------------------------
    # Sessions and presence

    async def _start_session(
        self, connection: ClientConnection, account: AccountRecord, re: RequestId
    ) -> None:
        """Log a connection in: announce it, then send the ``ok`` reply and
        the roster, which must follow each other with nothing between."""
        if not connection.is_open:
            return
        bucket = (TokenBucket(self.rate_limits.messages_per_second, self.rate_limits.message_burst)
                  if self.rate_limits.enabled else None)
        session = Session(account, bucket)
        connection.session = session
        connection.unauthenticated_since = None
        connections = self.online.setdefault(account.id, set())
        connections.add(connection)
        if len(connections) == 1:
            self._broadcast_presence(account.username, True, exclude=connection)
        connection.log.info("logged in")
        try:
            newest_id, general_unread, roster = await self._run(
                self.database.read(lambda conn: (
                    queries.newest_message_id(conn),
                    queries.general_unread(conn, account.id),
                    queries.roster(conn, account.id),
                ))
            )
        except BaseException:
            self._end_session(connection)
            raise
        if connection.session is not session:  # closed meanwhile
            return
        connection.send(ok_reply(re, user={"username": account.username},
                                 general_unread=general_unread))
        connection.send({"type": "users", "users": self._roster(roster)})
        # Events held while the snapshot was read: messages it already
        # counted are left out, later ones follow the roster in id order.
        session.joining = False
        session.counted_up_to = newest_id
        for message_id, data in session.held_events:
            if message_id > newest_id:
                connection.write(data)
        session.held_events.clear()

    def _end_session(self, connection: ClientConnection) -> None:
        session = connection.session
        if session is None:
            return
        connection.session = None
        connections = self.online.get(session.account.id)
        if connections is not None:
            connections.discard(connection)
            if not connections:
                del self.online[session.account.id]
                self._broadcast_presence(session.username, False, exclude=connection)

    def _roster(self, rows: list[queries.RosterRow]) -> list[dict[str, Any]]:
        """The roster as of now, for a ``users`` event or reply.

        ``rows`` were read from the database a moment ago; an account
        registered since then has had its ``presence`` event broadcast
        already (skipping a joining connection), so it must be listed here
        or the client would never learn of it.  The directory is current,
        so the names come from it and only the unread counts from ``rows``.
        """
        unread = {row.username_key: row.unread for row in rows}
        accounts = sorted(self.accounts.values(), key=lambda a: (a.username_key, a.username))
        return [
            RosterEntry(a.username, a.id in self.online, unread.get(a.username_key, 0)).to_wire()
            for a in accounts
        ]

    def _broadcast_presence(self, username: str, online: bool, exclude: ClientConnection) -> None:
        data = encode_frame({"type": "presence",
                             "user": RosterEntry(username, online).to_wire(with_unread=False)})
        for connections in self.online.values():
            for target in connections:
                session = target.session
                # A joining connection gets the roster as of its reply instead.
                if target is not exclude and session is not None and not session.joining:
                    target.write_soon(data)

    def _sends_committed(self, outcomes: list[WriteOutcome]) -> None:
        """Answer the sends of one commit and deliver their messages.

        Runs in one event-loop step per commit, in commit order, so every
        connection gets its events in id order (see the module docstring).
        The general room's event frames of the commit are joined into one
        block; a connection with nothing special in the commit gets the
        block itself, and one that sent some of the messages or receives a
        direct one gets slices of it around those, so that its own
        message's event is replaced by the reply to its send.
        """
        # Encode each message once: the reply to its sender, the event for the rest.
        answered: list[tuple[_PendingSend, bytes, StoredMessage | None, bytes]] = []
        general_ids: list[int] = []
        general_frames: list[bytes] = []
        # The messages of a commit share one timestamp: formatted once.
        created_at: datetime | None = None
        ts = ""
        first_id: int | None = None  # of the messages created now
        for outcome in outcomes:
            pending: _PendingSend = outcome.context
            if outcome.error is not None:
                # The writer logged the failure with its traceback, once per batch.
                pending.connection.log.error("storing a message failed: %s", outcome.error)
                reply = encode_frame(error_reply(
                    RequestError(ErrorCode.INTERNAL_ERROR, _FAILED, pending.re)))
                answered.append((pending, reply, None, b""))
                continue
            message, created = outcome.result
            if message.created_at != created_at:
                created_at, ts = message.created_at, format_ts(message.created_at)
            wire = _wire_message(message, ts)
            reply = encode_frame(ok_reply(pending.re, message=wire))
            if not created:  # a resent send: answered, delivered the first time
                answered.append((pending, reply, None, b""))
                continue
            event = encode_frame({"type": "message", "message": wire})
            if first_id is None:
                first_id = message.id
            if pending.recipient is None:
                general_ids.append(message.id)
                general_frames.append(event)
            answered.append((pending, reply, message, event))
        if first_id is None:  # nothing new: only replies
            for pending, reply, _, _ in answered:
                pending.connection.fill_reply(pending.reply, reply)
            return
        # Slices of the block are views, not copies: a commit of long
        # messages is megabytes, and each sender's connection needs its own
        # slices of it.
        whole_block = b"".join(general_frames)
        block = memoryview(whole_block)
        offsets = [0]
        for frame in general_frames:
            offsets.append(offsets[-1] + len(frame))

        # How many of the block's frames each connection has been given so
        # far; connections not in it have had none.
        given: dict[ClientConnection, int] = {}
        # Connections that are logging in, or whose login counted some of
        # these messages already: they get frame by frame (rare).
        late: dict[ClientConnection, list[tuple[int, bytes]]] = {}

        def is_late(session: Session) -> bool:
            return session.joining or session.counted_up_to >= first_id

        def catch_up(target: ClientConnection, upto: int, then: int) -> None:
            start = given.get(target, 0)
            if start == 0 and upto == len(general_frames):
                target.write_soon(whole_block)
            elif start < upto:
                target.write_soon(block[offsets[start]:offsets[upto]])
            given[target] = then

        general_so_far = 0
        for pending, reply, message, event in answered:
            sender_connection = pending.connection
            if message is None:
                catch_up(sender_connection, general_so_far, general_so_far)
            elif pending.recipient is None:
                # The sender's connection gets the reply in place of the event.
                catch_up(sender_connection, general_so_far, general_so_far + 1)
                general_so_far += 1
            else:
                for target in self._direct_targets(pending.sender, pending.recipient):
                    session = target.session
                    if target is sender_connection or session is None:
                        continue
                    if is_late(session):
                        late.setdefault(target, []).append((message.id, event))
                    else:
                        catch_up(target, general_so_far, general_so_far)
                        target.write_soon(event)
                catch_up(sender_connection, general_so_far, general_so_far)
            sender_connection.fill_reply(pending.reply, reply)

        if general_frames:
            general = list(zip(general_ids, general_frames))
            for connections in self.online.values():
                for target in connections:
                    session = target.session
                    if session is None:
                        continue
                    if is_late(session):
                        late[target] = sorted(late.get(target, []) + general)
                    else:
                        catch_up(target, len(general_frames), len(general_frames))
        for target, events in late.items():
            self._deliver_late(target, events)

    def _direct_targets(self, sender: AccountRecord,
                        recipient: AccountRecord) -> Iterable[ClientConnection]:
        """The connections that see a direct message: both ends' (once for a note to self)."""
        yield from self.online.get(sender.id, ())
        if recipient.id != sender.id:
            yield from self.online.get(recipient.id, ())

    @staticmethod
    def _deliver_late(target: ClientConnection, events: list[tuple[int, bytes]]) -> None:
        """Events for a connection whose login is being answered or just was."""
        session = target.session
        if session is None:
            return
        if session.joining:
            # Its reply and roster go first; _start_session sends these after.
            session.held_events.extend(events)
            return
        for message_id, data in events:
            # Committed before the login's snapshot was read, but its
            # result reached the event loop only after the login's reply:
            # counted in the login's unread counts, so not sent again.
            if message_id > session.counted_up_to:
                target.write_soon(data)

    # ------------------------------------------------------------------
    # Requests

    async def _register(self, connection: ClientConnection, request: Register,
                        re: RequestId) -> dict[str, Any] | None:
        limiter = self.registrations_by_address
        if self.rate_limits.enabled:
            delay = limiter.retry_after(connection.address)
            if delay > 0:
                raise self._rate_limited(delay, "registrations from this address", re)
        key = username_key(request.username)
        if key in self.accounts:
            raise RequestError(ErrorCode.USERNAME_TAKEN, "that username is taken", re)
        if self.rate_limits.enabled:
            limiter.record(connection.address)
        password_hash = await self._run(self.hasher.hash(request.password))
        now = datetime.now(UTC)
        try:
            account = await self._run(self.database.write(
                lambda conn: queries.create_account(conn, request.username, key, password_hash, now)
            ))
        except queries.UsernameTaken:
            raise RequestError(ErrorCode.USERNAME_TAKEN, "that username is taken", re) from None
        self.accounts[key] = account
        connection.log.info("registered %r", account.username)
        if not connection.is_open:
            # The client left while the account was being stored; the
            # account exists all the same, so the others still hear of it.
            self._broadcast_presence(account.username, False, exclude=connection)
            return None
        await self._start_session(connection, account, re)
        return None

    async def _login(self, connection: ClientConnection, request: Login,
                     re: RequestId) -> dict[str, Any] | None:
        key = username_key(request.username)
        by_account, by_address = self.failed_logins_by_account, self.failed_logins_by_address
        if self.rate_limits.enabled:
            delay = max(by_account.retry_after(key), by_address.retry_after(connection.address))
            if delay > 0:
                raise self._rate_limited(delay, "failed logins", re)
            # Count the attempt as failed until the password proves right:
            # attempts checked at the same time (on several connections)
            # would otherwise all pass the check above before any failed.
            attempt = (by_account.record(key), by_address.record(connection.address))
        account = await self._run(self.database.read(
            lambda conn: queries.get_account_by_key(conn, key)))
        valid = await self._run(self.hasher.verify(
            request.password, None if account is None else account.password_hash))
        if account is None or not valid or account.disabled:
            connection.log.info("failed login as %r", request.username)
            raise RequestError(ErrorCode.INVALID_CREDENTIALS, "wrong username or password", re)
        if self.rate_limits.enabled:
            by_account.withdraw(key, attempt[0])
            by_address.withdraw(connection.address, attempt[1])
        await self._start_session(connection, account, re)
        return None

    async def _logout(self, connection: ClientConnection, request: Logout,
                      re: RequestId) -> dict[str, Any]:
        connection.log.info("logged out")
        self._end_session(connection)
        connection.unauthenticated_since = connection.last_activity = time.monotonic()
        return ok_reply(re)

    async def _ping(self, connection: ClientConnection, request: Ping,
                    re: RequestId) -> dict[str, Any]:
        return ok_reply(re)

    async def _users(self, connection: ClientConnection, request: ListUsers,
                     re: RequestId) -> dict[str, Any]:
        me = self._session(connection).account
        roster = await self._run(self.database.read(lambda conn: queries.roster(conn, me.id)))
        return ok_reply(re, users=self._roster(roster))

    def _submit_send(self, connection: ClientConnection, request: Send, re: RequestId,
                     size: int) -> None:
        """Check a send (of ``size`` bytes) and queue it for the writer;
        answered by _sends_committed."""
        session = self._session(connection)
        if session.bucket is not None:
            delay = session.bucket.take()
            if delay > 0:
                raise self._rate_limited(delay, "messages", re)
        recipient = None if request.to is None else self._account_named(request.to, re)
        sender = session.account
        message = NewMessage(sender, recipient, request.body, request.key)
        # The slot is taken first: the writer's answer arrives through the
        # event loop, so never before this method returns.
        slot = connection.reserve_reply(size)
        try:
            self.database.write_batched(
                STORE_MESSAGES, message, _PendingSend(connection, slot, re, sender, recipient))
        except Exception:  # noqa: BLE001 - the writer is closed: the server is stopping
            connection.log.exception("could not queue a message for storing")
            connection.fill_reply(slot, encode_frame(error_reply(
                RequestError(ErrorCode.INTERNAL_ERROR, _FAILED, re))))

    async def _history(self, connection: ClientConnection, request: History,
                       re: RequestId) -> dict[str, Any]:
        me = self._session(connection).account
        peer_id = self._peer_id(request.with_, re)
        messages, has_more = await self._run(self.database.read(
            lambda conn: queries.history(conn, me.id, peer_id, request.before, request.limit)))
        return ok_reply(re, messages=[_wire_message(m) for m in messages], has_more=has_more)

    async def _sync(self, connection: ClientConnection, request: Sync,
                    re: RequestId) -> dict[str, Any]:
        me = self._session(connection).account
        messages, has_more = await self._run(self.database.read(
            lambda conn: queries.sync(conn, me.id, request.after, request.limit)))
        return ok_reply(re, messages=[_wire_message(m) for m in messages], has_more=has_more)

    async def _mark_read(self, connection: ClientConnection, request: MarkRead,
                         re: RequestId) -> dict[str, Any]:
        me = self._session(connection).account
        peer_id = self._peer_id(request.with_, re)
        await self._run(self.database.write(
            lambda conn: queries.mark_read(conn, me.id, peer_id, request.up_to)))
        return ok_reply(re)

    async def _change_password(self, connection: ClientConnection, request: ChangePassword,
                               re: RequestId) -> dict[str, Any]:
        me = self._session(connection).account
        recorded_at: float | None = None
        if self.rate_limits.enabled:
            delay = self.failed_logins_by_account.retry_after(me.username_key)
            if delay > 0:
                raise self._rate_limited(delay, "failed password checks", re)
            # Counted before the check, as for logins (see _login).
            recorded_at = self.failed_logins_by_account.record(me.username_key)
        current = await self._run(self.database.read(lambda conn: queries.get_account(conn, me.id)))
        valid = await self._run(self.hasher.verify(
            request.old_password, None if current is None else current.password_hash))
        if not valid:
            raise RequestError(ErrorCode.INVALID_CREDENTIALS, "the old password is wrong", re)
        if recorded_at is not None:
            self.failed_logins_by_account.withdraw(me.username_key, recorded_at)
        new_hash = await self._run(self.hasher.hash(request.new_password))
        await self._run(self.database.write(
            lambda conn: queries.set_password_hash(conn, me.id, new_hash)))
        connection.log.info("changed password")
        return ok_reply(re)

    # ------------------------------------------------------------------
    # Housekeeping

    def sweep(self, login_timeout: float, idle_timeout: float) -> None:
        """Close connections past their timeouts; forget old rate-limit entries.

        Called about once a second by the server: one pass over all
        connections is cheaper than a timer per connection.
        """
        now = time.monotonic()
        for connection in list(self.connections):
            since = connection.unauthenticated_since
            if since is not None:
                # The login timeout is for clients that never log in.  One
                # whose login or registration arrived is left to finish it:
                # during a storm of logins the queue for the password
                # hashing threads alone can outlast the timeout.  The
                # failed-login rate limits bound how long that can go on;
                # after a failure, the next sweep closes a connection that
                # is past its time.
                if now - since > login_timeout and connection not in self._authenticating:
                    connection.log.info("no login within %g s; closing", login_timeout)
                    connection.close()
            elif now - connection.last_activity > idle_timeout and not connection.reading_paused:
                connection.log.info("silent for %g s; closing", idle_timeout)
                connection.close()
        for limiter in (self.failed_logins_by_account, self.failed_logins_by_address,
                        self.registrations_by_address):
            limiter.prune()


