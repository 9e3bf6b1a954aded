"""The running server: listening socket, housekeeping, orderly shutdown.

:class:`BesedkaServer` ties the pieces together: it owns the registry of
connections and their timeouts (:mod:`server.registry`), and builds the
dispatcher with every feature's handlers (:func:`build_dispatcher`).  Its
shutdown order follows
the websockets server's: stop accepting, stop reading requests, let the
requests already received finish (a ``send`` being committed is still
acknowledged), close the connections once their replies are flushed, and
only then close the database, whose writer commits whatever is queued.

The listening sockets are a :class:`~server.listener.Listener`, with its own
accept loop and a port no other process can bind too: with TLS (the
default) it admits TLS clients and tells plain ones that TLS is required;
with ``--no-tls`` it admits everyone.  The connections are the same either way.

Housekeeping, about once a second, closes connections past their timeouts
and forgets old rate-limit entries; every
:data:`~server.config.DISABLED_CHECK_SECONDS` it has the accounts feature
close the sessions of accounts that an administrator disabled with
``python -m server admin disable``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import NamedTuple

from db import queries
from db.database import Database
from db.engine import is_postgresql

from .accounts import Accounts
from .announce import ServerAnnouncer
from .cluster import Cluster
from .config import RateLimits, ServerConfig
from .connection import ClientConnection
from .directory import AccountDirectory
from .dispatch import Dispatcher
from .lifecycle import Lifecycle
from .listener import Listener
from .messages import Messages
from .passwords import PasswordHasher
from .presence import Presence
from .receipts import Receipts
from .registry import ConnectionRegistry
from .session import Connection, Session
from .sessions import Clock, RememberedSessions, TokenStore
from .typing_notices import TypingNotices

__all__ = ["BesedkaServer", "Features", "ServerConfig", "build_dispatcher"]

log = logging.getLogger("besedka.server")

#: How long shutdown waits for requests in progress and for replies to flush.
SHUTDOWN_GRACE_SECONDS = 5.0


def _nothing(connection: object) -> None:
    """A write that writes nothing: waiting for it waits for the writer's queue."""


class Features(NamedTuple):
    """The feature modules of a server, each with the state it owns."""

    accounts: Accounts
    presence: Presence
    messages: Messages
    lifecycle: Lifecycle
    typing: TypingNotices
    #: this node's part in a chat of several servers on one PostgreSQL
    #: database (server/cluster.py); None on SQLite
    cluster: Cluster | None = None


def build_dispatcher(registry: ConnectionRegistry, database: Database, hasher: PasswordHasher,
                     rate_limits: RateLimits, loop: asyncio.AbstractEventLoop,
                     clock: Clock) -> tuple[Dispatcher, Features]:
    """Make every feature and register its handlers.

    Reads the account directory from the database, so it runs in a thread.
    A new feature (rooms, files, search) is made here and installed like
    the others.
    """
    directory = AccountDirectory(database.read_now(queries.list_accounts))
    presence = Presence(database, directory)
    tokens = TokenStore(database, clock)
    accounts = Accounts(database, hasher, rate_limits, directory, presence, tokens)
    messages = Messages(database, directory, presence, Receipts(presence), loop)
    lifecycle = Lifecycle(database, directory)
    typing = TypingNotices(database, directory, presence, loop)
    remembered = RememberedSessions(tokens, accounts, presence)
    dispatcher = Dispatcher(registry)
    for feature in (accounts, presence, messages, lifecycle, typing, remembered):
        feature.install(dispatcher)
    cluster = (Cluster(database, accounts, presence, messages, typing, loop)
               if is_postgresql(database.engine) else None)
    return dispatcher, Features(accounts, presence, messages, lifecycle, typing, cluster)


class BesedkaServer:
    """A Besedka server bound to one address and one database."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.database: Database | None = None
        self.hasher: PasswordHasher | None = None
        self.registry = ConnectionRegistry(config.login_timeout, config.idle_timeout)
        self.features: Features | None = None
        self._server: Listener | None = None
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
        # The features load the account directory: also a database read.
        dispatcher, features = await loop.run_in_executor(
            None, build_dispatcher, self.registry, self.database, self.hasher,
            self.config.rate_limits, loop, self.config.clock
        )
        self.features = features
        cluster = features.cluster
        if cluster is not None:
            # Joined before the first client: this node's sessions see the
            # other nodes' users and messages from their first request.
            await loop.run_in_executor(None, cluster.start)

        def new_connection() -> ClientConnection[Session]:
            return ClientConnection(dispatcher)

        listener = Listener(new_connection, self.config.tls)
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
        assert self.features is not None
        accounts = self.features.accounts
        interval = min(1.0, self.config.login_timeout / 4, self.config.idle_timeout / 4,
                       self.config.disabled_check_interval)
        next_disabled_check = time.monotonic() + self.config.disabled_check_interval
        while True:
            await asyncio.sleep(interval)
            try:
                self.registry.sweep()
                accounts.prune()
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
        assert self.features is not None
        try:
            await self.features.accounts.close_disabled()
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - housekeeping must go on
            log.exception("checking for disabled accounts failed")
        finally:
            self._disabled_check = None

    async def _answer_in_flight(self, connections: list[Connection]) -> None:
        """Let the requests already read finish, within the grace period, and
        whatever happens, answer every send that the writer already has.

        A send handed to the writer is going to be committed (the database
        is closed only after the connections, and closing commits what is
        queued): its ``ok`` must reach the client, or the server would
        store a message it never acknowledged.  The grace period bounds the
        wait for everything else (a history read, a login being hashed); on
        a machine so busy that the writer's queue outlasts it, the writer is
        waited for, and its commit handed back to the loop, before any
        connection closes.
        """
        pending = [asyncio.ensure_future(c.wait_idle()) for c in connections]
        if not pending:
            return
        _, late = await asyncio.wait(pending, timeout=SHUTDOWN_GRACE_SECONDS)
        if not late or self.database is None:
            return
        # A write queued now commits after every send queued before it.
        await asyncio.wrap_future(self.database.write(_nothing))
        # Its future completes before the writer hands the same commit's
        # sends to the loop (db/database.py reports futures, then batched
        # outcomes); one more turn of the loop answers them.
        await asyncio.sleep(0)
        await asyncio.wait(late, timeout=SHUTDOWN_GRACE_SECONDS)

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
        connections = list(self.registry.connections)
        for connection in connections:
            connection.stop_reading()
        await self._answer_in_flight(connections)
        for connection in connections:
            connection.close()
        closing = [c.closed for c in connections if not c.closed.done()]
        if closing:
            await asyncio.wait(closing, timeout=SHUTDOWN_GRACE_SECONDS)
            for connection in connections:
                if not connection.closed.done():
                    connection.abort()
        if self._server is not None:
            await self._server.wait_closed()
        loop = asyncio.get_running_loop()
        if self.features is not None and self.features.cluster is not None:
            # Leaving at once spares the others the heartbeat's timeout:
            # this node's users are offline now, not in a few seconds.
            await loop.run_in_executor(None, self.features.cluster.close)
        if self.hasher is not None:
            await loop.run_in_executor(None, self.hasher.close)
        if self.database is not None:
            await loop.run_in_executor(None, self.database.close)
        log.info("stopped")
