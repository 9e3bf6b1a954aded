"""Every open connection of the server, and the timeouts that close them.

The registry belongs to the server, not to any feature: it knows which
connections are open (for shutdown and housekeeping) and closes those that
overstay PROTOCOL.md's limits, a connection that does not log in within the
login timeout and a logged-in one silent for the idle timeout.  Who is
logged in as whom is the features' business (:mod:`server.presence`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .connection import ClientConnection

__all__ = ["ConnectionRegistry"]


class ConnectionRegistry:
    """The open connections; :meth:`sweep` closes those past their timeouts.

    Args:
        login_timeout: seconds a connection may stay unauthenticated.
        idle_timeout: seconds a logged-in connection may stay silent.
    """

    def __init__(self, login_timeout: float, idle_timeout: float) -> None:
        self.login_timeout = login_timeout
        self.idle_timeout = idle_timeout
        self.connections: set[ClientConnection[Any]] = set()
        #: connections whose login or registration is being answered; the
        #: login timeout spares them (see :meth:`sweep`)
        self._authenticating: set[ClientConnection[Any]] = set()

    def add(self, connection: ClientConnection[Any]) -> None:
        self.connections.add(connection)

    def discard(self, connection: ClientConnection[Any]) -> None:
        self.connections.discard(connection)

    @contextmanager
    def authenticating(self, connection: ClientConnection[Any]) -> Iterator[None]:
        """While a login (or registration) of ``connection`` is being answered."""
        self._authenticating.add(connection)
        try:
            yield
        finally:
            self._authenticating.discard(connection)

    def sweep(self) -> None:
        """Close connections past their timeouts.

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
                if (now - since > self.login_timeout
                        and connection not in self._authenticating):
                    connection.log.info("no login within %g s; closing", self.login_timeout)
                    connection.close()
            elif (now - connection.last_activity > self.idle_timeout
                  and not connection.reading_paused):
                connection.log.info("silent for %g s; closing", self.idle_timeout)
                connection.close()
