"""The running server: listening socket, housekeeping, orderly shutdown.

:class:`BesedkaServer` ties the pieces together.  Its shutdown order follows
the websockets server's: stop accepting, stop reading requests, let the
requests already received finish (a ``send`` being committed is still
acknowledged), close the connections once their replies are flushed, and
only then close the database, whose writer commits whatever is queued.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from db.database import Database

from .announce import ServerAnnouncer
from .chat import ChatService
from .connection import ClientConnection
from .passwords import DEFAULT_ROUNDS, PasswordHasher
from .ratelimit import RateLimits

__all__ = ["ServerConfig", "BesedkaServer"]

log = logging.getLogger("besedka.server")

#: How long shutdown waits for requests in progress and for replies to flush.
SHUTDOWN_GRACE_SECONDS = 5.0


@dataclass
class ServerConfig:
    """Everything ``python -m server`` can be told."""

    host: str = "0.0.0.0"
    port: int = 7447
    database_url: str = ""
    bcrypt_rounds: int = DEFAULT_ROUNDS
    rate_limits: RateLimits = field(default_factory=RateLimits)
    login_timeout: float = 30.0
    idle_timeout: float = 120.0
    #: Announce the server on the LAN with mDNS (server/announce.py).
    announce: bool = True
    #: The name announced on the LAN; empty: the host's name.
    name: str = ""


class BesedkaServer:
    """A Besedka server bound to one address and one database."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.database: Database | None = None
        self.hasher: PasswordHasher | None = None
        self.service: ChatService | None = None
        self._server: asyncio.Server | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._announcer: ServerAnnouncer | None = None

    async def start(self) -> tuple[str, int]:
        """Open (and migrate) the database and start listening.

        Returns:
            The address actually bound (the real port for ``--port 0``).
        """
        loop = asyncio.get_running_loop()
        # Opening migrates the schema: blocking work, so not on the loop.
        self.database = await loop.run_in_executor(None, Database, self.config.database_url)
        self.hasher = await loop.run_in_executor(None, PasswordHasher, self.config.bcrypt_rounds)
        # The service loads the account directory: also a database read.
        self.service = service = await loop.run_in_executor(
            None, ChatService, self.database, self.hasher, self.config.rate_limits
        )
        self._server = await loop.create_server(
            lambda: ClientConnection(service), self.config.host, self.config.port,
            reuse_address=True,
        )
        self._sweeper = loop.create_task(self._sweep_forever())
        host, port = self._server.sockets[0].getsockname()[:2]
        if self.config.announce:
            self._announcer = await ServerAnnouncer.for_sockets(self._server.sockets,
                                                                name=self.config.name)
            await self._announcer.start()
        return str(host), int(port)

    async def _sweep_forever(self) -> None:
        assert self.service is not None
        interval = min(1.0, self.config.login_timeout / 4, self.config.idle_timeout / 4)
        while True:
            await asyncio.sleep(interval)
            try:
                self.service.sweep(self.config.login_timeout, self.config.idle_timeout)
            except Exception:  # noqa: BLE001 - housekeeping must go on
                log.exception("housekeeping failed")

    async def stop(self) -> None:
        """Shut down in order; see the module docstring."""
        if self._announcer is not None:
            # First, so browsing clients stop offering a server that is going.
            await self._announcer.stop()
        if self._server is not None:
            self._server.close()
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self.service is not None:
            connections = list(self.service.connections)
            for connection in connections:
                connection.stop_reading()
            pending = [asyncio.ensure_future(c.wait_idle()) for c in connections]
            if pending:
                await asyncio.wait(pending, timeout=SHUTDOWN_GRACE_SECONDS)
            for connection in connections:
                connection.close()
            closing = [c.closed for c in connections if not c.closed.done()]
            if closing:
                _, still_open = await asyncio.wait(closing, timeout=SHUTDOWN_GRACE_SECONDS)
                for connection in connections:
                    if not connection.closed.done():
                        connection.abort()
        if self._server is not None:
            await self._server.wait_closed()
        loop = asyncio.get_running_loop()
        if self.hasher is not None:
            await loop.run_in_executor(None, self.hasher.close)
        if self.database is not None:
            await loop.run_in_executor(None, self.database.close)
        log.info("stopped")
