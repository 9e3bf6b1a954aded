"""Every open connection of the server, the timeouts that close them, and
the limits on how many there are and how much they hold.

The registry belongs to the server, not to any feature: it knows which
connections are open (for shutdown and housekeeping) and ends those that
overstay PROTOCOL.md's limits, a connection that does not log in within the
login timeout and a logged-in one silent for the idle timeout.  Who is
logged in as whom is the features' business (:mod:`server.presence`).

Issue 12 added the limits that keep clients which stop reading, or simply
open too many sockets, from taking the server's memory or its file
descriptors:

* a connection whose output has not moved for the stall timeout is
  aborted, and the timeouts apply whether or not we are reading from it;
* all connections together may hold at most a budget of unsent bytes;
  beyond it the biggest holders are aborted first;
* at most ``max_connections`` are open (the rest get one ``server_full``
  frame), and at most ``max_unauthenticated_per_address`` of them from one
  address before logging in (the rest get ``rate_limited``).  The cap per
  account is checked at login (:mod:`server.accounts`).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from protocol.errors import ErrorCode, RequestError
from protocol.framing import encode_frame
from protocol.replies import error_reply

from .connection import ClientConnection
from .logsummary import RepeatedLines
from .ratelimit import retry_after_seconds

__all__ = ["ConnectionLimits", "ConnectionRegistry", "SERVER_FULL_FRAME"]

log = logging.getLogger("besedka.server.conn")

#: Sent instead of ``hello`` to a connection beyond ``max_connections``.
SERVER_FULL_FRAME = encode_frame(error_reply(RequestError(
    ErrorCode.SERVER_FULL, "the server has as many connections as it can take; try again later",
)))
#: ``retry_after`` of a connection refused for its address's connections
#: that have not logged in yet: about when the oldest of them times out.
_TOO_MANY_FROM_ADDRESS = "too many connections from this address that have not logged in"
#: Connections being refused (sent their error, closed a moment later)
#: beyond ``max_connections``; past this many more, new ones are dropped
#: without a word, so that a flood cannot use up the descriptors kept
#: for the database and files.
REFUSAL_ROOM = 32


@dataclass
class ConnectionLimits:
    """How many connections there may be, and what they may hold (issue 12).

    Args:
        max_connections: open connections in all.
        max_unauthenticated_per_address: connections from one address that
            have not logged in (yet, or since their logout).
        max_unsent_bytes: unsent bytes of all connections together.
        output_stall_timeout: seconds a connection's output may wait without
            any of it leaving.
    """

    max_connections: int
    max_unauthenticated_per_address: int
    max_unsent_bytes: int
    output_stall_timeout: float


class ConnectionRegistry:
    """The open connections; :meth:`sweep` ends those past their limits.

    Args:
        login_timeout: seconds a connection may stay unauthenticated.
        idle_timeout: seconds a logged-in connection may stay silent.
        limits: the caps of issue 12.
    """

    def __init__(self, login_timeout: float, idle_timeout: float,
                 limits: ConnectionLimits) -> None:
        self.login_timeout = login_timeout
        self.idle_timeout = idle_timeout
        self.limits = limits
        self.connections: set[ClientConnection[Any]] = set()
        self._by_address: defaultdict[str, set[ClientConnection[Any]]] = defaultdict(set)
        #: connections whose login or registration is being answered; the
        #: login timeout spares them (see :meth:`sweep`)
        self._authenticating: set[ClientConnection[Any]] = set()
        # Connections over their high-water mark: the only ones that can
        # hold much unsent (the others hold less than the mark each).
        self._holders: set[ClientConnection[Any]] = set()
        # Connections being refused: counted apart from the others, since
        # they go a moment later whatever happens.
        self._refused: set[ClientConnection[Any]] = set()
        self._refusals = RepeatedLines(log, logging.WARNING)
        #: called after connections holding unsent bytes were aborted, so
        #: that the memory can go back to the system (server.resources)
        self.on_memory_freed: Any = None

    # ------------------------------------------------------------------
    # Opening and closing

    def add(self, connection: ClientConnection[Any]) -> bytes | None:
        """Take a new connection in, or say how to refuse it (see
        :meth:`~server.connection.RequestHandler.connection_opened`).

        It is counted either way: a refused connection holds a descriptor
        until it is closed a moment later.
        """
        limits = self.limits
        count = len(self.connections) - len(self._refused)
        self.connections.add(connection)
        peers = self._by_address[connection.address]
        peers.add(connection)
        if count >= limits.max_connections:
            self._refused.add(connection)
            if len(self._refused) > REFUSAL_ROOM:
                self._refusals.add("dropping new connections: %d are open, the most allowed "
                                   "(--max-connections) is %d", count, limits.max_connections)
                return b""
            self._refusals.add("refusing new connections (server_full): %d are open, the most "
                               "allowed (--max-connections) is %d", count, limits.max_connections)
            return SERVER_FULL_FRAME
        waiting = [c for c in peers if c.unauthenticated_since is not None and c is not connection]
        if len(waiting) >= limits.max_unauthenticated_per_address:
            oldest = min(c.unauthenticated_since or 0.0 for c in waiting)
            delay = max(oldest + self.login_timeout - time.monotonic(), 1.0)
            self._refusals.add("refusing connections from %s: %d have not logged in "
                               "(--max-unauthenticated-per-address)",
                               connection.address, len(waiting))
            seconds = retry_after_seconds(delay)
            self._refused.add(connection)
            return encode_frame(error_reply(RequestError(
                ErrorCode.RATE_LIMITED, f"{_TOO_MANY_FROM_ADDRESS}; retry in {seconds} s",
                extra={"retry_after": seconds})))
        return None

    def discard(self, connection: ClientConnection[Any]) -> None:
        self.connections.discard(connection)
        self._refused.discard(connection)
        self._holders.discard(connection)
        peers = self._by_address.get(connection.address)
        if peers is not None:
            peers.discard(connection)
            if not peers:
                del self._by_address[connection.address]

    @contextmanager
    def authenticating(self, connection: ClientConnection[Any]) -> Iterator[None]:
        """While a login (or registration) of ``connection`` is being answered."""
        self._authenticating.add(connection)
        try:
            yield
        finally:
            self._authenticating.discard(connection)

    # ------------------------------------------------------------------
    # Unsent bytes

    def output_held(self, connection: ClientConnection[Any]) -> None:
        """A connection holds more than its high-water mark unsent: keep the
        total within the budget."""
        if connection in self.connections:
            self._holders.add(connection)
            self._enforce_budget(self._holders)

    def _enforce_budget(self, candidates: set[ClientConnection[Any]]) -> None:
        """Abort the biggest holders until the total is within the budget.

        The total is of ``candidates`` only: the holders when called as
        their bytes grow, every connection once a second from :meth:`sweep`.
        """
        held = [(c.unsent_bytes, c) for c in candidates]
        total = sum(size for size, _ in held)
        budget = self.limits.max_unsent_bytes
        if total <= budget:
            return
        held.sort(key=lambda pair: pair[0], reverse=True)
        freed = 0
        for size, connection in held:
            if total <= budget:
                break
            connection.log.warning(
                "%d bytes wait unsent for it, the most of any connection, while all hold "
                "%d (more than --max-unsent-bytes %d); aborting", size, total, budget)
            total -= size
            freed += size
            self._holders.discard(connection)
            connection.abort()
        self._memory_freed(freed)

    def _memory_freed(self, freed: int) -> None:
        if freed and self.on_memory_freed is not None:
            self.on_memory_freed(freed)

    # ------------------------------------------------------------------
    # Housekeeping

    def sweep(self) -> None:
        """End connections past their timeouts or limits.

        Called about once a second by the server: one pass over all
        connections is cheaper than a timer per connection.
        """
        now = time.monotonic()
        stall = self.limits.output_stall_timeout
        freed = 0
        for connection in list(self.connections):
            stalled_since = connection.output_stalled_since(now)
            if stalled_since is not None and now - stalled_since > stall:
                connection.log.warning("none of the %d bytes waiting for it left in %g s; "
                                       "aborting", connection.unsent_bytes, stall)
                freed += connection.held_bytes
                connection.abort()
                continue
            if connection.refused:
                continue
            since = connection.unauthenticated_since
            if since is not None:
                # The login timeout is for clients that never log in.  One
                # whose login or registration arrived is left to finish it:
                # during a storm of logins the queue for the password
                # hashing threads alone can outlast the timeout.  The
                # failed-login rate limits bound how long that can go on;
                # after a failure, the next sweep closes a connection that
                # is past its time.
                if (now - since > self.login_timeout
                        and connection not in self._authenticating):
                    connection.log.info("no login within %g s; closing", self.login_timeout)
                    freed += connection.held_bytes
                    connection.close_or_abort()
            elif now - connection.last_activity > self.idle_timeout:
                # Whether or not we read from it: a client that stopped
                # reading stopped us reading, and must not keep its
                # connection open by that.
                connection.log.info("silent for %g s; closing", self.idle_timeout)
                freed += connection.held_bytes
                connection.close_or_abort()
        self._memory_freed(freed)
        self._enforce_budget(self.connections)
        self._holders = {c for c in self._holders if c.unsent_bytes and c.is_open}
        self._refusals.flush()
