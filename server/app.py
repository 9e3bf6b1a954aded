"""The running server: listening socket, housekeeping, orderly shutdown.

:class:`BesedkaServer` ties the pieces together.  Its shutdown order follows
the websockets server's: stop accepting, stop reading requests, let the
requests already received finish (a ``send`` being committed is still
acknowledged), close the connections once their replies are flushed, and
only then close the database, whose writer commits whatever is queued.

The listening sockets are a :class:`~server.listener.Listener`, with its own
accept loop and a port no other process can bind too: with TLS (the
default) it admits TLS clients and tells plain ones that TLS is required;
with ``--no-tls`` it admits everyone.  The connections are the same either way.

Housekeeping also notices accounts that an administrator disabled with
``python -m server admin disable`` (another process, so the only way to
learn of it is to look): every :data:`DISABLED_CHECK_SECONDS` it reads, in a
database thread, which of the online accounts are disabled, and closes
their connections.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Protocol

from db import queries
from db.database import Database

from .announce import ServerAnnouncer
from .chat import ChatService
from .connection import ClientConnection
from .listener import Listener
from .passwords import DEFAULT_ROUNDS, PasswordHasher
from .ratelimit import RateLimits
from .tls import TlsConfig

__all__ = ["ServerConfig", "BesedkaServer"]

log = logging.getLogger("besedka.server")

#: How long shutdown waits for requests in progress and for replies to flush.
SHUTDOWN_GRACE_SECONDS = 5.0
#: How often the server looks for online accounts disabled by an administrator.
DISABLED_CHECK_SECONDS = 2.0


class _Listener(Protocol):
    """What the server needs of its listening sockets (a Listener)."""

    def close(self) -> None: ...

    async def wait_closed(self) -> None: ...


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
    #: The certificate to speak TLS with; None is ``--no-tls``.
    tls: TlsConfig | None = None
    disabled_check_interval: float = DISABLED_CHECK_SECONDS
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
        self._server: _Listener | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._disabled_check: asyncio.Task[None] | None = None
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
            None, ChatService, self.database, self.hasher, self.config.rate_limits, loop
        )
        listener = Listener(lambda: ClientConnection(service), self.config.tls)
        await listener.start(self.config.host, self.config.port)
        self._server = listener
        sockets = listener.sockets
        host, port = sockets[0].getsockname()[:2]
        self._sweeper = loop.create_task(self._sweep_forever())
        if self.config.announce:
            fingerprint = self.config.tls.fingerprint if self.config.tls is not None else None
            self._announcer = await ServerAnnouncer.for_sockets(
                sockets, name=self.config.name, fingerprint=fingerprint)
            await self._announcer.start()
        return str(host), int(port)

    async def _sweep_forever(self) -> None:
        assert self.service is not None
        interval = min(1.0, self.config.login_timeout / 4, self.config.idle_timeout / 4,
                       self.config.disabled_check_interval)
        next_disabled_check = time.monotonic() + self.config.disabled_check_interval
        while True:
            await asyncio.sleep(interval)
            try:
                self.service.sweep(self.config.login_timeout, self.config.idle_timeout)
            except Exception:  # noqa: BLE001 - housekeeping must go on
                log.exception("housekeeping failed")
            now = time.monotonic()
            # One check at a time: a slow database must not pile them up.
            if now >= next_disabled_check and self._disabled_check is None:
                next_disabled_check = now + self.config.disabled_check_interval
                self._disabled_check = asyncio.get_running_loop().create_task(
                    self._close_disabled_accounts())

    async def _close_disabled_accounts(self) -> None:
        """Close every connection of an online account that has been disabled."""
        # A task without a caller to report to: it logs its own failures.
        assert self.service is not None and self.database is not None
        service, database = self.service, self.database
        try:
            online = list(service.online)
            if not online:
                return
            disabled = await asyncio.wrap_future(database.read(
                lambda conn: queries.disabled_account_ids(conn, online)))
            for account_id in disabled:
                for connection in list(service.online.get(account_id, ())):
                    connection.log.warning("account disabled by an administrator; closing")
                    # abort, not close: nothing more is owed to this account,
                    # and a client that stopped reading must not keep it open.
                    connection.abort()
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - housekeeping must go on
            log.exception("checking for disabled accounts failed")
        finally:
            self._disabled_check = None

    async def stop(self) -> None:
        """Shut down in order; see the module docstring."""
        if self._announcer is not None:
            # First, so browsing clients stop offering a server that is going.
            await self._announcer.stop()
        if self._server is not None:
            self._server.close()
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self._disabled_check is not None:
            self._disabled_check.cancel()
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
