"""Accounts and sessions: registering, logging in and out, passwords.

:class:`Accounts` answers ``register``, ``login``, ``logout`` and
``change_password``.  It owns the account directory
(:class:`~server.directory.AccountDirectory`) and the limits on failed
logins and registrations, and begins and ends the :class:`Session` of a
connection, telling :class:`~server.presence.Presence`.

A login races with deliveries: messages keep being committed while its
snapshot (unread counts, roster) is read in a database thread.  The session
is marked ``joining`` meanwhile, so that delivery holds its events
(:mod:`server.delivery`); once the ``ok`` and the roster are written, the
events the snapshot did not count follow, and later commits leave out what
it did.

Passwords are checked by bcrypt in worker threads, never on the event
loop, and every check (login, registration, ``change_password``) waits its
turn in one fair, bounded :class:`~server.passwords.PasswordQueue`: a check
that would wait too long is answered ``rate_limited`` at once.
Version 2's remembered sessions (:mod:`server.sessions`) meet accounts
here: a login or registration with ``remember`` gets a token, ``logout``
with ``forget`` revokes it, and a password change revokes every other one;
``resume`` begins its session through :meth:`Accounts.start_session`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from db import queries, security
from db import sessions as stored_sessions
from db.database import Database
from db.queries import AccountRecord
from protocol.errors import ErrorCode, RequestError, RequestId
from protocol.events import UsersEvent
from protocol.framing import encode_frame
from protocol.limits import PROTOCOL_VERSION
from protocol.replies import Done, LoggedIn
from protocol.requests import ChangePassword, Login, Logout, Register
from protocol.rules import username_key, username_skeleton

from .config import MAX_CONNECTIONS_PER_ACCOUNT, RateLimits
from .directory import AccountDirectory
from .dispatch import Dispatcher
from .passwords import PasswordQueue, PasswordQueueFull
from .presence import Presence
from .ratelimit import SlidingWindowLimiter, TokenBucket, rate_limited
from .session import Connection, LoginPart, Session, logged_in
from .sessions import TokenStore, close_sessions_of

__all__ = ["Accounts"]

log = logging.getLogger("besedka.server")

T = TypeVar("T")

#: ``retry_after`` of a login refused because its account has as many
#: connections as it may: one of them has to close first, which nothing
#: here can foresee.
TOO_MANY_SESSIONS_RETRY_SECONDS = 10.0


class Accounts:
    """Registration, login, logout and passwords, and the sessions they begin.

    Args:
        database: the opened (migrated) database.
        passwords: the queue every password check and hash goes through.
        rate_limits: the abuse limits, or disabled.
        directory: every account, kept current here.
        presence: told of every session that begins or ends.
        tokens: the remembered sessions.
        max_connections_per_account: sessions one account may have at once;
            a login beyond gets ``rate_limited`` (issue 12: one account must
            not take every connection the server has).
    """

    def __init__(self, database: Database, passwords: PasswordQueue, rate_limits: RateLimits,
                 directory: AccountDirectory, presence: Presence, tokens: TokenStore,
                 max_connections_per_account: int = MAX_CONNECTIONS_PER_ACCOUNT) -> None:
        self.database = database
        self.max_connections_per_account = max_connections_per_account
        self.passwords = passwords
        self.tokens = tokens
        self.rate_limits = rate_limits
        self.directory = directory
        self.presence = presence
        window = rate_limits.window
        self.failed_logins_by_account = SlidingWindowLimiter(
            rate_limits.failed_logins_per_account, window)
        # Which addresses an account's failures came from: the account's
        # limit locks those out, not its owner at another computer (issue 12).
        self.failed_logins_from = SlidingWindowLimiter(1, window)
        self.failed_logins_by_address = SlidingWindowLimiter(
            rate_limits.failed_logins_per_address, window)
        self.registrations_by_address = SlidingWindowLimiter(
            rate_limits.registrations_per_address, window)
        # Where other server processes on the same database hear of this
        # one's new accounts and failed logins (server/cluster.py).
        self.on_account_created: Callable[[int], None] | None = None
        self.on_failed_login: Callable[[str, str], None] | None = None
        #: What other features add to a login's snapshot (version 2's
        #: ``rooms`` event): given the session, a read for the snapshot's
        #: transaction and what makes of its result the event written right
        #: after the roster; None: nothing for this session.
        self.login_parts: list[Callable[[Session], LoginPart | None]] = []
        self.password_changes_by_account = SlidingWindowLimiter(
            rate_limits.password_changes_per_account, rate_limits.password_change_window)
        # Message rate per account, shared by its sessions (issue 12: per
        # connection only, 20 connections of one account sent 20 times as much).
        self._account_buckets: dict[int, TokenBucket] = {}
        self._rehashing: set[asyncio.Task[None]] = set()

    def install(self, dispatcher: Dispatcher) -> None:
        dispatcher.route(Register, self._register, logs_in=True)
        dispatcher.route(Login, self._login, logs_in=True)
        dispatcher.route(Logout, self._logout)
        dispatcher.route(ChangePassword, self._change_password)
        dispatcher.on_connection_closed(self.end_session)

    # ------------------------------------------------------------------
    # Sessions

    async def start_session(self, connection: Connection, account: AccountRecord,
                            re: RequestId, asked_protocol: int, *, token: str | None = None,
                            remembered_id: int | None = None) -> None:
        """Log a connection in: announce it, then send the ``ok`` reply and
        the roster, which must follow each other with nothing between.

        ``asked_protocol`` is the version the login asked for; the session
        speaks the newest this server knows up to it (PROTOCOL-2.md).
        ``remembered_id`` is the remembered session the login made (its
        ``token`` goes in the reply) or resumed.
        """
        if not connection.is_open:
            return
        self._check_session_cap(connection, account, re)
        limits = self.rate_limits
        bucket = account_bucket = None
        if limits.enabled:
            bucket = TokenBucket(limits.messages_per_second, limits.message_burst)
            account_bucket = self._account_buckets.get(account.id)
            if account_bucket is None:
                account_bucket = self._account_buckets[account.id] = TokenBucket(
                    limits.messages_per_second, limits.message_burst)
        session = Session(connection, account, bucket,
                          min(asked_protocol, PROTOCOL_VERSION), account_bucket=account_bucket,
                          remembered_id=remembered_id)
        connection.session = session
        connection.unauthenticated_since = None
        self.presence.add(session)
        connection.log.info("logged in")
        parts = [part for part in (make(session) for make in self.login_parts)
                 if part is not None]
        try:
            # The newest change number: deliveries are ordered by it
            # (server.delivery), edits and reactions as well as messages.
            newest_seq, general_unread, roster, extras = await asyncio.wrap_future(
                self.database.read(lambda conn: (
                    queries.newest_seq(conn),
                    queries.general_unread(conn, account.id),
                    queries.roster(conn, account.id),
                    [read(conn) for read, _ in parts],
                ))
            )
        except BaseException:
            self.end_session(connection)
            raise
        if connection.session is not session:  # closed meanwhile
            return
        version = session.protocol
        connection.write(encode_frame(
            LoggedIn(account.username, general_unread, token).to_wire(re, version)), reply=True)
        connection.write(encode_frame(
            UsersEvent(self.presence.roster(roster)).to_wire(version)), reply=True)
        for (_, compose), extra in zip(parts, extras, strict=True):
            data = compose(extra)
            if data is not None:
                connection.write(data, reply=True)
        # Events held while the snapshot was read: changes it already
        # saw are left out, later ones follow the roster in their order.
        session.joining = False
        session.counted_up_to = newest_seq
        for position, data in session.held_events:
            if position > newest_seq:
                connection.write(data)
        session.held_events.clear()

    def _check_session_cap(self, connection: Connection, account: AccountRecord,
                           re: RequestId) -> None:
        """``rate_limited`` if the account has as many sessions as it may."""
        sessions = len(self.presence.online.get(account.id, ()))
        if sessions >= self.max_connections_per_account:
            connection.log.warning("%r has %d connections, the most allowed "
                                   "(--max-connections-per-account); login refused",
                                   account.username, sessions)
            raise rate_limited(TOO_MANY_SESSIONS_RETRY_SECONDS,
                               "connections of this account at once", re)

    def end_session(self, connection: Connection) -> None:
        """The connection logs out or closes: its session ends."""
        session = connection.session
        if session is None:
            return
        connection.session = None
        self.presence.remove(session)
        if session.account_id not in self.presence.online:
            self._account_buckets.pop(session.account_id, None)

    # ------------------------------------------------------------------
    # Requests

    async def _register(self, connection: Connection, request: Register,
                        re: RequestId) -> dict[str, Any] | None:
        limiter = self.registrations_by_address
        if self.rate_limits.enabled:
            delay = limiter.retry_after(connection.address)
            if delay > 0:
                raise rate_limited(delay, "registrations from this address", re)
            # Every attempt counts, a taken name too: else trying names
            # would be a free way to learn which exist (issue 12).
            recorded_at = limiter.record(connection.address)
        key = username_key(request.username)
        if key in self.directory:
            raise RequestError(ErrorCode.USERNAME_TAKEN, "that username is taken", re)
        # A name that looks like a taken one is taken too (PROTOCOL.md, "Rules").
        skeleton = username_skeleton(request.username)
        try:
            password_hash = await self._queued(re, self.passwords.hash(
                request.password, address=connection.address, account=key))
        except RequestError:
            if self.rate_limits.enabled:  # turned away for the load, not an attempt
                limiter.withdraw(connection.address, recorded_at)
            raise
        now = datetime.now(UTC)
        try:
            account = await asyncio.wrap_future(self.database.write(
                lambda conn: queries.create_account(conn, request.username, key, password_hash, now,
                                                    skeleton)
            ))
        except queries.UsernameTaken:
            raise RequestError(ErrorCode.USERNAME_TAKEN, "that username is taken", re) from None
        self.directory.add(account)
        if self.on_account_created is not None:
            self.on_account_created(account.id)
        connection.log.info("registered %r", account.username)
        if not connection.is_open:
            # The client left while the account was being stored; the
            # account exists all the same, so the others still hear of it.
            self.presence.broadcast(account, False)
            return None
        await self._log_in(connection, account, re, request)
        return None

    def _login_delay(self, key: str, address: str) -> float:
        """Seconds until a login for ``key`` from ``address`` may be checked.

        The account's limit holds against the addresses its failures came
        from: its owner, at a computer that has not failed, still gets in
        (each new address gets its one try, and then the address's own
        limit counts it too).
        """
        delay = self.failed_logins_by_address.retry_after(address)
        account_delay = self.failed_logins_by_account.retry_after(key)
        if account_delay > 0 and self.failed_logins_from.retry_after((key, address)) > 0:
            delay = max(delay, account_delay)
        return delay

    async def _login(self, connection: Connection, request: Login,
                     re: RequestId) -> dict[str, Any] | None:
        key = username_key(request.username)
        address = connection.address
        limited = self.rate_limits.enabled
        if limited:
            delay = self._login_delay(key, address)
            if delay > 0:
                raise rate_limited(delay, "failed logins", re)
            # Count the attempt as failed until the password proves right:
            # attempts checked at the same time (on several connections)
            # would otherwise all pass the check above before any failed.
            attempt = self._record_failure(key, address)
        try:
            account = await asyncio.wrap_future(self.database.read(
                lambda conn: queries.get_account_by_key(conn, key)))
            valid = await self._queued(re, self.passwords.verify(
                request.password, None if account is None else account.password_hash,
                address=address, account=key))
        except RequestError:
            if limited:  # refused before the password was checked: no failure
                self._withdraw_failure(key, address, attempt)
            raise
        if account is None or not valid or account.disabled:
            connection.log.info("failed login as %r", request.username)
            if self.rate_limits.enabled and self.on_failed_login is not None:
                self.on_failed_login(key, connection.address)
            raise RequestError(ErrorCode.INVALID_CREDENTIALS, "wrong username or password", re)
        if limited:
            self._withdraw_failure(key, address, attempt)
        await self._log_in(connection, account, re, request)
        if self.passwords.hasher.needs_rehash(account.password_hash):
            self._rehash_later(account, request.password, address)
        return None

    def _record_failure(self, key: str, address: str) -> tuple[float, float, float]:
        return (self.failed_logins_by_account.record(key),
                self.failed_logins_by_address.record(address),
                self.failed_logins_from.record((key, address)))

    def _withdraw_failure(self, key: str, address: str, attempt: tuple[float, float, float]) -> None:
        self.failed_logins_by_account.withdraw(key, attempt[0])
        self.failed_logins_by_address.withdraw(address, attempt[1])
        self.failed_logins_from.withdraw((key, address), attempt[2])

    async def _queued(self, re: RequestId, work: Awaitable[T]) -> T:
        """Await a password check; ``rate_limited`` if it would wait too long."""
        try:
            return await work
        except PasswordQueueFull as full:
            raise rate_limited(full.retry_after, full.why, re) from None

    def _rehash_later(self, account: AccountRecord, password: str, address: str) -> None:
        """Store the password again at the cost in force (issue 12: a hash of
        another cost makes a wrong password answer in another time)."""

        async def rehash() -> None:
            # A task without a caller to report to: it logs its own failures.
            try:
                new_hash = await self.passwords.hash(password, address=address,
                                                     account=account.username_key)
                await asyncio.wrap_future(self.database.write(
                    lambda conn: security.replace_password_hash(
                        conn, account.id, account.password_hash, new_hash)))
            except PasswordQueueFull:
                return  # busy: the next login does it
            except Exception:  # noqa: BLE001 - a login must not fail for this
                log.exception("rehashing the password of %r failed", account.username)
                return
            log.info("rehashed the password of %r at cost %d", account.username,
                     self.passwords.hasher.rounds)

        task = asyncio.get_running_loop().create_task(rehash())
        self._rehashing.add(task)
        task.add_done_callback(self._rehashing.discard)

    async def _log_in(self, connection: Connection, account: AccountRecord, re: RequestId,
                      request: Login | Register) -> None:
        """Begin the session a password proved, remembered if it asked and
        speaks version 2 (a version 1 connection sees exactly version 1)."""
        token: str | None = None
        remembered_id: int | None = None
        if request.remember and request.protocol >= 2:
            # Refused before a token is made, not after: a login turned away
            # must not leave a remembered session behind.
            self._check_session_cap(connection, account, re)
            remembered_id, token = await self.tokens.issue(account.id, request.client)
            connection.log.info("remembered as session %d", remembered_id)
        await self.start_session(connection, account, re, request.protocol, token=token,
                                 remembered_id=remembered_id)

    async def _logout(self, connection: Connection, request: Logout,
                      re: RequestId) -> dict[str, Any]:
        connection.log.info("logged out")
        session = connection.session  # None if the connection closed meanwhile
        if request.forget and session is not None and session.remembered_id is not None:
            await self.tokens.revoke(session.account_id, session.remembered_id)
            connection.log.info("forgot remembered session %d", session.remembered_id)
            close_sessions_of(self.presence, session.account_id, [session.remembered_id],
                              keep=connection)
        self.end_session(connection)
        connection.unauthenticated_since = connection.last_activity = time.monotonic()
        return Done().to_wire(re)

    async def _change_password(self, connection: Connection, request: ChangePassword,
                               re: RequestId) -> dict[str, Any]:
        me = logged_in(connection).account
        key = me.username_key
        failures = self.failed_logins_by_account
        recorded_at: float | None = None
        if self.rate_limits.enabled:
            delay = max(failures.retry_after(key),
                        self.password_changes_by_account.retry_after(key))
            if delay > 0:
                raise rate_limited(delay, "password changes", re)
            # Each change costs two hashes: they are few (issue 12).
            self.password_changes_by_account.record(key)
            # Counted as a failure before the check, as for logins (see _login).
            recorded_at = failures.record(key)
        current = await asyncio.wrap_future(self.database.read(
            lambda conn: queries.get_account(conn, me.id)))
        address = connection.address
        valid = await self._queued(re, self.passwords.verify(
            request.old_password, None if current is None else current.password_hash,
            address=address, account=key))
        if not valid:
            raise RequestError(ErrorCode.INVALID_CREDENTIALS, "the old password is wrong", re)
        if recorded_at is not None:
            failures.withdraw(key, recorded_at)
        new_hash = await self._queued(re, self.passwords.hash(
            request.new_password, address=address, account=key))
        # Whoever else holds a token of this account got it with the old
        # password: those sessions end with it, in the same commit
        # (PROTOCOL-2.md); this connection's own stays.
        keep = logged_in(connection).remembered_id
        revoked = await asyncio.wrap_future(self.database.write(
            lambda conn: stored_sessions.change_password(conn, me.id, new_hash, keep)))
        connection.log.info("changed password")
        close_sessions_of(self.presence, me.id, revoked)
        return Done().to_wire(re)

    def count_failed_login(self, key: str, address: str) -> None:
        """A login failed on another server process on the same database:
        it counts here too, so that the limits hold across them."""
        if self.rate_limits.enabled:
            self._record_failure(key, address)

    # ------------------------------------------------------------------
    # Housekeeping

    def prune(self) -> None:
        """Forget old entries of the rate limiters (called about once a second)."""
        for limiter in (self.failed_logins_by_account, self.failed_logins_by_address,
                        self.failed_logins_from, self.registrations_by_address,
                        self.password_changes_by_account):
            limiter.prune()

    async def close_disabled(self) -> None:
        """Close every session of an online account that an administrator disabled.

        ``python -m server admin disable`` runs in another process, so the
        only way to learn of it is to look, in a database thread.
        """
        online = list(self.presence.online)
        if not online:
            return
        disabled = await asyncio.wrap_future(self.database.read(
            lambda conn: queries.disabled_account_ids(conn, online)))
        for account_id in disabled:
            for session in list(self.presence.online.get(account_id, ())):
                session.connection.log.warning("account disabled by an administrator; closing")
                # abort, not close: nothing more is owed to this account,
                # and a client that stopped reading must not keep it open.
                session.connection.abort()
