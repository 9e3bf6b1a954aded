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

from db import queries, security
from db.database import Database
from db.engine import is_postgresql
from protocol.rules import username_skeleton

from .accounts import Accounts
from .announce import ServerAnnouncer
from .cluster import Cluster
from .config import ServerConfig
from .connection import ClientConnection
from .directory import AccountDirectory
from .dispatch import Dispatcher
from .files import Files
from .filestore import FileStore
from .history import MessageHistory
from .lifecycle import Lifecycle
from .listener import Listener
from .messages import Messages
from .passwords import PasswordHasher, PasswordQueue, QueueBounds, hash_cost
from .paths import files_dir_for
from .presence import Presence
from .registry import REFUSAL_ROOM, ConnectionLimits, ConnectionRegistry
from .resources import (
    default_max_connections,
    raise_open_file_limit,
    release_free_memory,
    tune_garbage_collector,
    tune_malloc,
)
from .rooms import Rooms
from .search import MessageSearch
from .session import Connection, Session
from .sessions import RememberedSessions, TokenStore
from .typing_notices import TypingNotices

__all__ = ["BesedkaServer", "Features", "ServerConfig", "build_dispatcher"]

log = logging.getLogger("besedka.server")

#: How long shutdown waits for requests in progress and for replies to flush.
SHUTDOWN_GRACE_SECONDS = 5.0
#: Aborted connections must have held this much unsent before the server
#: asks malloc to give the memory back (server/resources.py).
RELEASE_MEMORY_AFTER_BYTES = 4 * 1024 * 1024


def _nothing(connection: object) -> None:
    """A write that writes nothing: waiting for it waits for the writer's queue."""


class Features(NamedTuple):
    """The feature modules of a server, each with the state it owns."""

    accounts: Accounts
    presence: Presence
    messages: Messages
    history: MessageHistory
    lifecycle: Lifecycle
    typing: TypingNotices
    rooms: Rooms
    search: MessageSearch
    files: Files
    #: this node's part in a chat of several servers on one PostgreSQL
    #: database (server/cluster.py); None on SQLite
    cluster: Cluster | None = None


def build_dispatcher(registry: ConnectionRegistry, database: Database, passwords: PasswordQueue,
                     config: ServerConfig,
                     loop: asyncio.AbstractEventLoop) -> tuple[Dispatcher, Features]:
    """Make every feature and register its handlers.

    Reads the account directory from the database and creates the files
    directory, so it runs in a thread.  A new feature is made here and
    installed like the others.
    """
    _store_name_skeletons(database)
    directory = AccountDirectory(database.read_now(queries.list_accounts))
    presence = Presence(database, directory)
    tokens = TokenStore(database, config.clock)
    accounts = Accounts(database, passwords, config.rate_limits, directory, presence, tokens,
                        config.max_connections_per_account)
    rooms = Rooms(database, directory, presence, config.max_room_members)
    accounts.login_parts.append(rooms.login_part)
    store = FileStore(config.files_dir or files_dir_for(config.database_url))
    store.prepare()
    files = Files(database, store, config.file_limits, directory, presence,
                  config.idle_timeout)
    messages = Messages(database, directory, presence, rooms, loop, files)
    history = MessageHistory(database, directory, rooms, presence)
    lifecycle = Lifecycle(database, directory)
    typing = TypingNotices(database, directory, presence, loop)
    search = MessageSearch(database, directory)
    remembered = RememberedSessions(tokens, accounts, presence)
    dispatcher = Dispatcher(registry)
    for feature in (accounts, presence, messages, history, lifecycle, typing, rooms, search,
                    files, remembered):
        feature.install(dispatcher)
    cluster = (Cluster(database, accounts, presence, messages, history.receipts, typing,
                       rooms, loop)
               if is_postgresql(database.engine) else None)
    return dispatcher, Features(accounts, presence, messages, history, lifecycle, typing, rooms,
                                search, files, cluster)


def _store_name_skeletons(database: Database) -> None:
    """Store what each account's name looks like where it was never stored
    (accounts made before the rule, PROTOCOL.md "Rules": they keep their
    names, and new look-alikes of them are refused).  Blocking: it reads
    the confusables table once, and writes."""
    missing = database.read_now(security.accounts_without_skeleton)
    if missing:
        skeletons = {account_id: username_skeleton(name) for account_id, name in missing}
        database.write(lambda conn: security.set_username_skeletons(conn, skeletons)).result()
        log.info("stored what %d account name(s) look like", len(skeletons))
    else:
        username_skeleton("warm")  # the table is read now, not at the first registration


def _make_hasher(database: Database, rounds: int) -> PasswordHasher:
    """The password hasher, with the cost in force stored for the admin CLI
    and the dummy check as slow as the slowest stored hash (issue 12).
    Blocking: database work and one bcrypt hash."""
    database.write(
        lambda conn: security.set_setting(conn, security.BCRYPT_ROUNDS, str(rounds))).result()
    costs = [hash_cost(prefix) for prefix in database.read_now(security.hash_cost_prefixes)]
    slowest = max((cost for cost in costs if cost is not None), default=None)
    hasher = PasswordHasher(rounds, slowest_stored_cost=slowest)
    if hasher.dummy_cost != rounds:
        log.info("password hashes of cost up to %d are stored: a login for a name that does "
                 "not exist is checked at that cost too, and each is rehashed at %d at its "
                 "next login", hasher.dummy_cost, rounds)
    return hasher


class BesedkaServer:
    """A Besedka server bound to one address and one database."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.database: Database | None = None
        self.hasher: PasswordHasher | None = None
        self.registry = ConnectionRegistry(config.login_timeout, config.idle_timeout, ConnectionLimits(
            max_connections=config.max_connections or default_max_connections(None),
            # An abuse limit like the rate limits: load tests open
            # thousands of connections from one address at once.
            max_unauthenticated_per_address=(config.max_unauthenticated_per_address
                                             if config.rate_limits.enabled else 2**31),
            max_unsent_bytes=config.max_unsent_bytes,
            output_stall_timeout=config.output_stall_timeout,
        ))
        self.registry.on_memory_freed = self._memory_freed
        self._releasing_memory = False
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
        tune_malloc()
        open_files = raise_open_file_limit()
        if not self.config.max_connections:
            self.registry.limits.max_connections = default_max_connections(open_files)
        log.info("at most %d connections (--max-connections)", self.registry.limits.max_connections)
        # Opening migrates the schema: blocking work, so not on the loop.
        self.database = await loop.run_in_executor(None, Database, self.config.database_url)
        self.hasher = await loop.run_in_executor(None, _make_hasher, self.database,
                                                 self.config.bcrypt_rounds)
        # Bounded only with the abuse limits: a load test logs in hundreds
        # from one address at once, and waits.
        passwords = PasswordQueue(self.hasher,
                                  QueueBounds() if self.config.rate_limits.enabled else None)
        # The features load the account directory: also a database read.
        dispatcher, features = await loop.run_in_executor(
            None, build_dispatcher, self.registry, self.database, passwords, self.config, loop
        )
        self.features = features
        cluster = features.cluster
        if cluster is not None:
            # Joined before the first client: this node's sessions see the
            # other nodes' users and messages from their first request.
            await loop.run_in_executor(None, cluster.start)

        # Sends read in one loop step reach the writer together, at its end.
        self.database.hold_batched_writes(loop.call_soon)
        # Started: what exists now lives as long as the server.
        tune_garbage_collector()

        def new_connection() -> ClientConnection[Session]:
            return ClientConnection(dispatcher)

        registry = self.registry

        def overloaded(admitting: int) -> bool:
            # Sockets still being looked at or shaken hands with hold
            # descriptors too; past the room for refusals, new ones are
            # closed at once.
            return (len(registry.connections) + admitting
                    >= registry.limits.max_connections + REFUSAL_ROOM)

        listener = Listener(new_connection, self.config.tls, overloaded=overloaded)
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
        accounts, files = self.features.accounts, self.features.files
        interval = min(1.0, self.config.login_timeout / 4, self.config.idle_timeout / 4,
                       self.config.disabled_check_interval)
        next_disabled_check = time.monotonic() + self.config.disabled_check_interval
        while True:
            await asyncio.sleep(interval)
            try:
                self.registry.sweep()
                accounts.prune()
                files.sweep()
                if self._server is not None:
                    self._server.flush_log()
            except Exception:  # noqa: BLE001 - housekeeping must go on
                log.exception("housekeeping failed")
            now = time.monotonic()
            # One check at a time: a slow database must not pile them up.
            if now >= next_disabled_check and self._disabled_check is None:
                next_disabled_check = now + self.config.disabled_check_interval
                self._disabled_check = asyncio.get_running_loop().create_task(
                    self._close_disabled_accounts())

    def _memory_freed(self, freed: int) -> None:
        """Connections holding ``freed`` unsent bytes were aborted: ask malloc
        to give the memory back, in a thread, once the transports let go of
        it (at the next loop step), one request at a time."""
        if freed < RELEASE_MEMORY_AFTER_BYTES or self._releasing_memory:
            return
        self._releasing_memory = True
        loop = asyncio.get_running_loop()

        def release() -> None:
            future = loop.run_in_executor(None, release_free_memory)
            future.add_done_callback(lambda _: setattr(self, "_releasing_memory", False))

        loop.call_soon(release)

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
        if self.features is not None:
            # Transfers end after the chat connections: a file being stored
            # is still recorded before the database closes.
            await self.features.files.close()
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
