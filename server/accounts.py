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

Passwords are checked by bcrypt in worker threads
(:class:`~server.passwords.PasswordHasher`), never on the event loop.
Version 2's remembered sessions (:mod:`server.sessions`) meet accounts
here: a login or registration with ``remember`` gets a token, ``logout``
with ``forget`` revokes it, and a password change revokes every other one;
``resume`` begins its session through :meth:`Accounts.start_session`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from db import queries
from db import sessions as stored_sessions
from db.database import Database
from db.queries import AccountRecord
from protocol.errors import ErrorCode, RequestError, RequestId
from protocol.events import UsersEvent
from protocol.framing import encode_frame
from protocol.limits import PROTOCOL_VERSION
from protocol.replies import Done, LoggedIn
from protocol.requests import ChangePassword, Login, Logout, Register
from protocol.rules import username_key

from .config import RateLimits
from .directory import AccountDirectory
from .dispatch import Dispatcher
from .passwords import PasswordHasher
from .presence import Presence
from .ratelimit import SlidingWindowLimiter, TokenBucket, rate_limited
from .session import Connection, Session, logged_in
from .sessions import TokenStore, close_sessions_of

__all__ = ["Accounts"]


class Accounts:
    """Registration, login, logout and passwords, and the sessions they begin.

    Args:
        database: the opened (migrated) database.
        hasher: bcrypt in worker threads.
        rate_limits: the abuse limits, or disabled.
        directory: every account, kept current here.
        presence: told of every session that begins or ends.
        tokens: the remembered sessions.
    """

    def __init__(self, database: Database, hasher: PasswordHasher, rate_limits: RateLimits,
                 directory: AccountDirectory, presence: Presence, tokens: TokenStore) -> None:
        self.database = database
        self.tokens = tokens
        self.hasher = hasher
        self.rate_limits = rate_limits
        self.directory = directory
        self.presence = presence
        window = rate_limits.window
        self.failed_logins_by_account = SlidingWindowLimiter(
            rate_limits.failed_logins_per_account, window)
        self.failed_logins_by_address = SlidingWindowLimiter(
            rate_limits.failed_logins_per_address, window)
        self.registrations_by_address = SlidingWindowLimiter(
            rate_limits.registrations_per_address, window)
        # Where other server processes on the same database hear of this
        # one's new accounts and failed logins (server/cluster.py).
        self.on_account_created: Callable[[int], None] | None = None
        self.on_failed_login: Callable[[str, str], None] | None = None

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
        limits = self.rate_limits
        bucket = (TokenBucket(limits.messages_per_second, limits.message_burst)
                  if limits.enabled else None)
        session = Session(connection, account, bucket,
                          min(asked_protocol, PROTOCOL_VERSION), remembered_id=remembered_id)
        connection.session = session
        connection.unauthenticated_since = None
        self.presence.add(session)
        connection.log.info("logged in")
        try:
            # The newest change number: deliveries are ordered by it
            # (server.delivery), edits and reactions as well as messages.
            newest_seq, general_unread, roster = await asyncio.wrap_future(
                self.database.read(lambda conn: (
                    queries.newest_seq(conn),
                    queries.general_unread(conn, account.id),
                    queries.roster(conn, account.id),
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
        # Events held while the snapshot was read: changes it already
        # saw are left out, later ones follow the roster in their order.
        session.joining = False
        session.counted_up_to = newest_seq
        for position, data in session.held_events:
            if position > newest_seq:
                connection.write(data)
        session.held_events.clear()

    def end_session(self, connection: Connection) -> None:
        """The connection logs out or closes: its session ends."""
        session = connection.session
        if session is None:
            return
        connection.session = None
        self.presence.remove(session)

    # ------------------------------------------------------------------
    # Requests

    async def _register(self, connection: Connection, request: Register,
                        re: RequestId) -> dict[str, Any] | None:
        limiter = self.registrations_by_address
        if self.rate_limits.enabled:
            delay = limiter.retry_after(connection.address)
            if delay > 0:
                raise rate_limited(delay, "registrations from this address", re)
        key = username_key(request.username)
        if key in self.directory:
            raise RequestError(ErrorCode.USERNAME_TAKEN, "that username is taken", re)
        if self.rate_limits.enabled:
            limiter.record(connection.address)
        password_hash = await asyncio.wrap_future(self.hasher.hash(request.password))
        now = datetime.now(UTC)
        try:
            account = await asyncio.wrap_future(self.database.write(
                lambda conn: queries.create_account(conn, request.username, key, password_hash, now)
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

    async def _login(self, connection: Connection, request: Login,
                     re: RequestId) -> dict[str, Any] | None:
        key = username_key(request.username)
        by_account, by_address = self.failed_logins_by_account, self.failed_logins_by_address
        if self.rate_limits.enabled:
            delay = max(by_account.retry_after(key), by_address.retry_after(connection.address))
            if delay > 0:
                raise rate_limited(delay, "failed logins", re)
            # Count the attempt as failed until the password proves right:
            # attempts checked at the same time (on several connections)
            # would otherwise all pass the check above before any failed.
            attempt = (by_account.record(key), by_address.record(connection.address))
        account = await asyncio.wrap_future(self.database.read(
            lambda conn: queries.get_account_by_key(conn, key)))
        valid = await asyncio.wrap_future(self.hasher.verify(
            request.password, None if account is None else account.password_hash))
        if account is None or not valid or account.disabled:
            connection.log.info("failed login as %r", request.username)
            if self.rate_limits.enabled and self.on_failed_login is not None:
                self.on_failed_login(key, connection.address)
            raise RequestError(ErrorCode.INVALID_CREDENTIALS, "wrong username or password", re)
        if self.rate_limits.enabled:
            by_account.withdraw(key, attempt[0])
            by_address.withdraw(connection.address, attempt[1])
        await self._log_in(connection, account, re, request)
        return None

    async def _log_in(self, connection: Connection, account: AccountRecord, re: RequestId,
                      request: Login | Register) -> None:
        """Begin the session a password proved, remembered if it asked and
        speaks version 2 (a version 1 connection sees exactly version 1)."""
        token: str | None = None
        remembered_id: int | None = None
        if request.remember and request.protocol >= 2:
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
        limiter = self.failed_logins_by_account
        recorded_at: float | None = None
        if self.rate_limits.enabled:
            delay = limiter.retry_after(me.username_key)
            if delay > 0:
                raise rate_limited(delay, "failed password checks", re)
            # Counted before the check, as for logins (see _login).
            recorded_at = limiter.record(me.username_key)
        current = await asyncio.wrap_future(self.database.read(
            lambda conn: queries.get_account(conn, me.id)))
        valid = await asyncio.wrap_future(self.hasher.verify(
            request.old_password, None if current is None else current.password_hash))
        if not valid:
            raise RequestError(ErrorCode.INVALID_CREDENTIALS, "the old password is wrong", re)
        if recorded_at is not None:
            limiter.withdraw(me.username_key, recorded_at)
        new_hash = await asyncio.wrap_future(self.hasher.hash(request.new_password))
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
            self.failed_logins_by_account.record(key)
            self.failed_logins_by_address.record(address)

    # ------------------------------------------------------------------
    # Housekeeping

    def prune(self) -> None:
        """Forget old entries of the rate limiters (called about once a second)."""
        for limiter in (self.failed_logins_by_account, self.failed_logins_by_address,
                        self.registrations_by_address):
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
