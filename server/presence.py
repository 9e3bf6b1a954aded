"""Who is online: each account's sessions, ``presence`` events and the roster.

Presence owns the map from account to logged-in sessions that everything
addressed to users goes by (delivery reads it as the sessions online when
a commit comes back), and tells the others when a user's first session
begins or last one ends (PROTOCOL.md, "Events").  The roster (``users``)
joins that with the account directory and the unread counts.

Version 2 adds status and avatars to the roster entry and to ``presence``;
they belong here.  ``set_status`` (PROTOCOL-2.md, "Status") stores the
status with the account, so the next login shows it again, and tells every
version 2 session but the one that set it; version 1 sessions, whose
roster entries have no status, hear nothing.

When several server processes share one PostgreSQL database
(:mod:`server.cluster`), an account is online if it has a session on this
node *or on another* (``elsewhere``): the others are told when this node's
first session of an account begins or its last ends (``publish``), and a
``presence`` event goes out only when the union changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from db import queries
from db import sessions as stored
from db.database import Database
from db.queries import AccountRecord
from protocol.errors import RequestId
from protocol.events import PresenceEvent
from protocol.features import Feature
from protocol.framing import encode_frame
from protocol.objects import RosterEntry
from protocol.limits import PROTOCOL_V1
from protocol.replies import Done, Roster
from protocol.requests import ListUsers
from protocol.sessions import SetStatus

from .directory import AccountDirectory
from .dispatch import Dispatcher
from .session import Connection, Session, logged_in

__all__ = ["Presence"]


class Presence:
    """The logged-in sessions of every account, and what others are told of them.

    Args:
        database: for the unread counts of the roster.
        directory: every account, for the roster's names.
    """

    def __init__(self, database: Database, directory: AccountDirectory) -> None:
        self.database = database
        self.directory = directory
        #: account id -> its logged-in sessions
        self.online: dict[int, set[Session]] = {}
        #: account id -> the other nodes it has a session on (a cluster only)
        self.elsewhere: dict[int, set[str]] = {}
        #: told when an account's first session here begins (True) or its
        #: last ends (False); set by the cluster
        self.publish: Callable[[int, bool], None] | None = None
        #: where the other nodes hear that an account's status or avatar
        #: changed, and that remembered sessions were revoked (their
        #: connections there close too); None with one process
        self.publish_account: Callable[[int], None] | None = None
        self.publish_revoked: Callable[[int, list[int]], None] | None = None

    def install(self, dispatcher: Dispatcher) -> None:
        dispatcher.route(ListUsers, self._users)
        dispatcher.route(SetStatus, self._set_status)
        dispatcher.offer(Feature.STATUS)

    def is_online(self, account_id: int) -> bool:
        """Whether the account has a session here or on another node."""
        return account_id in self.online or account_id in self.elsewhere

    def add(self, session: Session) -> None:
        """A session begins; the others hear of it if it is the user's first."""
        sessions = self.online.setdefault(session.account_id, set())
        sessions.add(session)
        if len(sessions) == 1:
            if self.publish is not None:
                self.publish(session.account_id, True)
            if session.account_id not in self.elsewhere:
                self.broadcast(session.account, True, exclude=session)

    def remove(self, session: Session) -> None:
        """A session ends; the others hear of it if it was the user's last."""
        sessions = self.online.get(session.account_id)
        if sessions is not None:
            sessions.discard(session)
            if not sessions:
                del self.online[session.account_id]
                if self.publish is not None:
                    self.publish(session.account_id, False)
                if session.account_id not in self.elsewhere:
                    self.broadcast(session.account, False, exclude=session)

    # ------------------------------------------------------------------
    # Sessions on other nodes (server/cluster.py)

    def set_elsewhere(self, account_id: int, node: str, online: bool) -> None:
        """Another node's first session of an account began, or its last ended."""
        before = self.is_online(account_id)
        nodes = self.elsewhere.get(account_id)
        if online:
            self.elsewhere.setdefault(account_id, set()).add(node)
        elif nodes is not None:
            nodes.discard(node)
            if not nodes:
                del self.elsewhere[account_id]
        self._changed(account_id, before)

    def replace_elsewhere(self, elsewhere: dict[int, set[str]]) -> None:
        """Every other node's accounts, as just read from the database."""
        changed = set(elsewhere) ^ set(self.elsewhere)
        before = {account_id: self.is_online(account_id) for account_id in changed}
        self.elsewhere = elsewhere
        for account_id in changed:
            self._changed(account_id, before[account_id])

    def forget_node(self, node: str) -> None:
        """Another node stopped (or died): its sessions are gone."""
        for account_id in [a for a, nodes in self.elsewhere.items() if node in nodes]:
            self.set_elsewhere(account_id, node, False)

    def account_changed_elsewhere(self, account: AccountRecord) -> None:
        """Another node changed an account's status or avatar: the
        directory, its sessions here and version 2 sessions learn of it."""
        self.directory.add(account)
        for session in self.online.get(account.id, ()):
            session.account = account
        self.broadcast(account, self.is_online(account.id), since=2)

    def _changed(self, account_id: int, was_online: bool) -> None:
        """Tell this node's sessions if the account's presence changed."""
        online = self.is_online(account_id)
        account = self.directory.known(account_id)
        if online != was_online and account is not None:
            self.broadcast(account, online)

    def broadcast(self, account: AccountRecord, online: bool,
                  exclude: Session | None = None, *, since: int = PROTOCOL_V1) -> None:
        """Tell every logged-in session but ``exclude`` that ``account`` is (not) online.

        Each protocol version's form is encoded once, when a session
        speaking it is first met (version 2's carries the status too).
        Only sessions speaking version ``since`` or newer hear it.
        """
        event = PresenceEvent(_entry(self.directory.current(account), online))
        forms: dict[int, bytes] = {}
        for sessions in self.online.values():
            for session in sessions:
                # A joining session gets the roster as of its reply instead.
                if session is not exclude and not session.joining and session.protocol >= since:
                    data = forms.get(session.protocol)
                    if data is None:
                        data = forms[session.protocol] = encode_frame(
                            event.to_wire(session.protocol))
                    session.connection.write_soon(data)

    def roster(self, rows: list[queries.RosterRow]) -> tuple[RosterEntry, ...]:
        """The roster as of now, for a ``users`` event or reply.

        ``rows`` were read from the database a moment ago; an account
        registered since then has had its ``presence`` event broadcast
        already (skipping a joining session), so it must be listed here or
        the client would never learn of it.  The directory is current, so
        the names come from it and only the unread counts from ``rows``.
        """
        unread = {row.username_key: row.unread for row in rows}
        accounts = sorted(self.directory, key=lambda a: (a.username_key, a.username))
        return tuple(_entry(a, self.is_online(a.id), unread.get(a.username_key, 0))
                     for a in accounts)

    async def _users(self, connection: Connection, request: ListUsers,
                     re: RequestId) -> dict[str, Any]:
        session = logged_in(connection)
        me = session.account_id
        rows = await asyncio.wrap_future(self.database.read(lambda conn: queries.roster(conn, me)))
        return Roster(self.roster(rows)).to_wire(re, session.protocol)

    async def _set_status(self, connection: Connection, request: SetStatus,
                          re: RequestId) -> dict[str, Any]:
        session = logged_in(connection)
        me = session.account_id
        account = await asyncio.wrap_future(self.database.write(
            lambda conn: stored.set_status(conn, me, request.status, request.text)))
        if account is not None:
            self.directory.add(account)
            # A version 1 roster entry has no status: nothing changed for them.
            self.broadcast(account, self.is_online(me), exclude=session, since=2)
            if self.publish_account is not None:
                self.publish_account(me)
        return Done().to_wire(re)


def _entry(account: AccountRecord, online: bool, unread: int = 0) -> RosterEntry:
    """An account's roster entry (its version 2 fields written only for version 2)."""
    return RosterEntry(account.username, online, unread, account.status, account.status_text,
                       account.avatar_file_id)
