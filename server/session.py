"""A logged-in connection, and how what delivery decided reaches it.

:class:`Session` is the record every feature shares about one login: whose
it is, which protocol version it speaks, its message rate bucket, and where
its login stands in the race with deliveries (below).  Features keep their
own state keyed by account or session; the session carries only what all of
them, and delivery, need.

:func:`write_delivery` is the one place where the result of the pure
:func:`server.delivery.deliver` becomes writes on connections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from db.database import Operation
from db.queries import AccountRecord

from .connection import ClientConnection
from .delivery import Delivery, Item
from .ratelimit import TokenBucket

__all__ = ["Connection", "LoginPart", "Session", "logged_in", "write_delivery"]

#: A connection of this server: its session, once logged in, is a Session.
Connection = ClientConnection["Session"]

#: What a feature adds to a login's snapshot (version 2's ``rooms`` event):
#: a read run in the snapshot's transaction, and what makes of its result,
#: on the event loop, the frame written right after the roster (or None).
LoginPart = tuple[Operation[Any], Callable[[Any], bytes | None]]


@dataclass(eq=False, slots=True)
class Session:
    """One login of one connection; ends at logout or when the connection closes.

    While ``joining`` is set, the login's snapshot (unread counts, roster)
    is being read; events for the session are held in ``held_events`` so
    that its ``ok`` and ``users`` frames go first (PROTOCOL.md: the roster
    immediately follows the reply).

    ``counted_up_to`` is the newest change number (``seq``) the snapshot
    saw: the messages up to it are in the login's unread counts (or are the
    user's own), and the edits, deletions and reactions up to it are in
    every page the client reads from then on (``history`` shows current
    forms, ``sync`` by ``after_seq`` starts past them), so none of them is
    delivered as an event afterwards, however late the commit's result
    reaches the event loop.  (Messages take change numbers in id order, so
    for version 1 this is the newest message id's place.)
    """

    connection: Connection
    account: AccountRecord
    #: the message rate limit, None without rate limits
    bucket: TokenBucket | None
    #: the protocol version the login asked for (1 until version 2 exists)
    protocol: int = 1
    #: the message rate limit of the account, shared by its sessions; None
    #: without rate limits
    account_bucket: TokenBucket | None = None
    #: the remembered session (server/sessions.py) this login made or
    #: resumed, if any: revoking it closes this connection
    remembered_id: int | None = None
    joining: bool = True
    held_events: list[tuple[int, bytes]] = field(default_factory=list)
    counted_up_to: int = 0

    @property
    def username(self) -> str:
        return self.account.username

    @property
    def account_id(self) -> int:
        return self.account.id


def logged_in(connection: Connection) -> Session:
    """The session of a connection that the dispatcher let through as logged in."""
    session = connection.session
    assert session is not None
    return session


def write_delivery(delivery: Delivery[Session]) -> None:
    """Write what :func:`~server.delivery.deliver` decided, in its order.

    Events are queued with ``write_soon``, so each connection gets its share
    of a commit in one write; replies go through their reply slots
    (:meth:`Item.answer`), which keep them in request order.
    """
    for session, pieces in delivery.writes.items():
        connection = session.connection
        for piece in pieces:
            if isinstance(piece, Item):
                piece.answer()
            else:
                connection.write_soon(piece)
    for session, events in delivery.held.items():
        session.held_events.extend(events)
