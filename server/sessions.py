"""Remembered sessions: "keep me logged in", ``resume``, and revoking.

PROTOCOL-2.md, "Remembered sessions".  A login or registration that asks
``remember`` gets a token (:meth:`TokenStore.issue`); the client keeps it
and, on its next start, sends ``resume`` with it instead of a password.

* A token is 256 random bits from :mod:`secrets`; the database keeps only
  its SHA-256 (:func:`hash_token`), so a copy of the database resumes
  nobody's session.  Tokens are never logged.
* A session unused for :data:`~protocol.limits.SESSION_TOKEN_DAYS` days
  expires; "now" comes from the clock the server was given
  (:attr:`~server.config.ServerConfig.clock`), so tests move time instead of
  waiting for it.
* ``sessions`` lists the account's sessions and ``revoke_session`` ends
  one: the connections logged in with it are closed.  ``logout`` with
  ``forget`` revokes the connection's own (:mod:`server.accounts`), a
  password change every other, ``admin disable`` all of them.

:class:`RememberedSessions` answers ``resume``, ``sessions`` and
``revoke_session``; :mod:`server.accounts` begins the session a ``resume``
proves, exactly as for a ``login``.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from db import sessions as stored
from db.database import Database
from db.queries import AccountRecord
from protocol.errors import ErrorCode, RequestError, RequestId
from protocol.features import Feature
from protocol.framing import encode_frame
from protocol.limits import SESSION_TOKEN_DAYS
from protocol.replies import Done
from protocol.requests import Resume
from protocol.sessions import RevokeSession, SessionInfo, SessionList, Sessions

from .dispatch import Dispatcher
from .presence import Presence
from .ratelimit import rate_limited
from .session import Connection, logged_in

if TYPE_CHECKING:
    from .accounts import Accounts

__all__ = ["Clock", "RememberedSessions", "TokenStore", "hash_token"]

#: The wall clock: an aware UTC datetime.
Clock = Callable[[], datetime]

#: Random bytes in a token (PROTOCOL-2.md asks for at least 16).
TOKEN_BYTES = 32


def hash_token(token: str) -> bytes:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


class TokenStore:
    """The remembered sessions in the database, seen through the server's clock.

    Args:
        database: the opened database.
        clock: "now", as an aware UTC datetime.
        lifetime: how long a session may go unused before it expires.
    """

    def __init__(self, database: Database, clock: Clock,
                 lifetime: timedelta = timedelta(days=SESSION_TOKEN_DAYS)) -> None:
        self.database = database
        self.clock = clock
        self.lifetime = lifetime

    def _unused_since(self, now: datetime) -> datetime:
        return now - self.lifetime

    async def issue(self, account_id: int, client: str | None) -> tuple[int, str]:
        """Remember a new session of ``account_id``; returns its id and its token."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        token_hash, now = hash_token(token), self.clock()
        session_id = await asyncio.wrap_future(self.database.write(
            lambda conn: stored.create_session(conn, account_id, token_hash, client or "", now)))
        return session_id, token

    async def use(self, token: str, client: str | None) -> tuple[int, AccountRecord] | None:
        """The session ``token`` names and its account, marked used now; None
        when the token is unknown, revoked or expired, or the account disabled."""
        token_hash, now = hash_token(token), self.clock()
        return await asyncio.wrap_future(self.database.write(
            lambda conn: stored.resume_session(conn, token_hash, now, self._unused_since(now),
                                               client)))

    async def list(self, account_id: int) -> list[stored.RememberedRecord]:
        """The account's sessions that have not expired, most recently used first."""
        unused_since = self._unused_since(self.clock())
        return await asyncio.wrap_future(self.database.read(
            lambda conn: stored.list_sessions(conn, account_id, unused_since)))

    async def revoke(self, account_id: int, session_id: int) -> bool:
        """Forget one session; False when the account has no such session."""
        return await asyncio.wrap_future(self.database.write(
            lambda conn: stored.revoke_session(conn, account_id, session_id)))


def close_sessions_of(presence: Presence, account_id: int, session_ids: Iterable[int],
                      keep: Connection | None = None, tell_others: bool = True) -> None:
    """Close the connections logged in with any of these remembered sessions
    (but ``keep``): their token no longer logs anyone in.  The other server
    processes on the same database close theirs (``tell_others``; they are
    told with it False)."""
    revoked = set(session_ids)
    if tell_others and revoked and presence.publish_revoked is not None:
        presence.publish_revoked(account_id, sorted(revoked))
    for session in list(presence.online.get(account_id, ())):
        if session.remembered_id in revoked and session.connection is not keep:
            session.connection.log.info("remembered session revoked; closing")
            session.connection.close()


class RememberedSessions:
    """Answers ``resume``, ``sessions`` and ``revoke_session``.

    Args:
        store: the remembered sessions.
        accounts: begins the session a ``resume`` proves, and counts a
            failed one among the failed logins of its address.
        presence: the logged-in sessions, to close those of a revoked token.
    """

    def __init__(self, store: TokenStore, accounts: Accounts, presence: Presence) -> None:
        self.store = store
        self.accounts = accounts
        self.presence = presence

    def install(self, dispatcher: Dispatcher) -> None:
        dispatcher.route(Resume, self._resume, logs_in=True)
        dispatcher.route(Sessions, self._sessions)
        dispatcher.route(RevokeSession, self._revoke)
        dispatcher.offer(Feature.SESSIONS)

    async def _resume(self, connection: Connection, request: Resume,
                      re: RequestId) -> dict[str, Any] | None:
        accounts = self.accounts
        by_address = accounts.failed_logins_by_address
        attempt: float | None = None
        if accounts.rate_limits.enabled:
            # Guessing a token is hopeless, but each guess costs a database
            # write: limited as failed logins are.
            delay = by_address.retry_after(connection.address)
            if delay > 0:
                raise rate_limited(delay, "failed logins", re)
            attempt = by_address.record(connection.address)
        found = await self.store.use(request.token, request.client)
        if found is None:
            connection.log.info("resume with an invalid token")
            raise RequestError(ErrorCode.INVALID_TOKEN,
                               "the session is unknown, revoked or expired; log in again", re)
        if attempt is not None:
            by_address.withdraw(connection.address, attempt)
        session_id, account = found
        connection.log.info("resumed remembered session %d of %r", session_id, account.username)
        await accounts.start_session(connection, account, re, request.protocol,
                                     remembered_id=session_id)
        return None

    async def _sessions(self, connection: Connection, request: Sessions,
                        re: RequestId) -> dict[str, Any]:
        session = logged_in(connection)
        records = await self.store.list(session.account_id)
        return SessionList(tuple(
            SessionInfo(record.id, record.created_at, record.last_used_at, record.client,
                        record.id == session.remembered_id)
            for record in records)).to_wire(re, session.protocol)

    async def _revoke(self, connection: Connection, request: RevokeSession,
                      re: RequestId) -> dict[str, Any] | None:
        session = logged_in(connection)
        if not await self.store.revoke(session.account_id, request.session):
            raise RequestError(ErrorCode.BAD_REQUEST,
                               "field 'session' names no remembered session of yours", re)
        connection.log.info("revoked remembered session %d", request.session)
        close_sessions_of(self.presence, session.account_id, [request.session], keep=connection)
        if session.remembered_id != request.session:
            return Done().to_wire(re)
        # My own: answered, then closed like the others.
        connection.write(encode_frame(Done().to_wire(re)), reply=True)
        connection.close()
        return None
