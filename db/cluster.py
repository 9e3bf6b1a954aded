"""Several server processes on one PostgreSQL database: what they tell each
other, through the database and nothing else.

A node (one server process) learns what the others did from PostgreSQL's
LISTEN/NOTIFY on one channel, :data:`CHANNEL`, and from two tables
(:class:`~db.models.ClusterNode` with heartbeats, and
:class:`~db.models.NodePresence`).  A notification carries ids, never
messages (its payload is limited to 8000 bytes); whoever receives one reads
what it names.

* **Commits.**  The group-commit writer reports each transaction to a
  :class:`CommitNotifier`, which notes the newest message id and change
  number (``seq``) once the writers' lock is held and again before the
  commit; when they moved, it sends ``NOTIFY`` in the same transaction, so
  the notification is delivered exactly when, and only if, the commit is.
  Commits hold the writers' lock to the end (db/engine.py), so their
  ranges follow each other without gaps or overlaps, and notifications
  arrive in commit order.
* **Changes to rooms** are sent the same way, by :func:`announce_change`
  in the transaction of the change, before the notification of its
  commit, and counted in ``cluster_changes``: a commit that changed only
  rooms is announced and waited for like one that stored messages.
* **Everything else** (presence, new accounts, failed logins) is sent by
  :class:`ClusterLink`'s own connection, outside any transaction.

:class:`ClusterLink` runs two threads: one listens and reads what the
notifications name, handing both to the server in order; the other sends
notifications and keeps this node's heartbeat and presence rows.  Both
reconnect by themselves when the database goes away.  This module knows
nothing of the server: what a notification means is its caller's business.
"""

from __future__ import annotations

import logging
import queue
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Engine, delete, select, text
from sqlalchemy.engine import Connection

from .message_parts import decorate
from .models import ClusterNode, Message, NodePresence, StoredFile
from .queries import _MESSAGE_COLUMNS, _Recipient, _Sender, StoredMessage

__all__ = [
    "CHANNEL",
    "ClusterLink",
    "CommitNotifier",
    "CommittedRange",
    "announce_change",
    "RemoteMessage",
    "live_nodes",
    "messages_in",
    "new_node_id",
    "newest",
    "presence_elsewhere",
]

log = logging.getLogger("besedka.db.cluster")

#: The one LISTEN/NOTIFY channel of Besedka's nodes.
CHANNEL = "besedka"

#: Seconds between a node's heartbeats.
HEARTBEAT_SECONDS = 1.0

#: A node whose heartbeat is older than this is dead, by the database's clock.
DEFAULT_NODE_TIMEOUT = 5.0

#: How long a thread waits before connecting again after the database went away.
RECONNECT_SECONDS = 0.5

_NEWEST = text("SELECT (SELECT coalesce(max(id), 0) FROM messages), "
               "(SELECT coalesce(max(seq), 0) FROM messages), "
               "(SELECT coalesce(max(count), 0) FROM cluster_changes)")
_COUNT_CHANGE = text("UPDATE cluster_changes SET count = count + 1 RETURNING count")
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


def new_node_id() -> str:
    """A random id for a server process's node."""
    return secrets.token_hex(8)


def _payload(message: dict[str, Any]) -> str:
    return orjson.dumps(message).decode()


def announce_change(conn: Connection, message: dict[str, Any]) -> None:
    """Send ``message`` (a change to a room) to every node in ``conn``'s
    transaction: delivered when, and only if, it commits, just before the
    notification of its commit; and count it (:class:`~db.models.ClusterChanges`),
    so that the commit is announced and waited for even without messages.
    The message carries its count as ``cc``."""
    count = conn.execute(_COUNT_CHANGE).scalar_one()
    conn.execute(_NOTIFY, {"channel": CHANNEL, "payload": _payload({**message, "cc": count})})


class CommittedRange(NamedTuple):
    """What one commit changed: message ids and change numbers in ``(from, to]``.

    ``number`` counts the commits of the node that made it, so that the
    node can tell when its own commit's outcome has reached its server
    (:meth:`db.database.GroupCommitWriter.wait_reported`).
    """

    node: str
    number: int
    id_from: int
    id_to: int
    seq_from: int
    seq_to: int
    #: the count of changes to rooms (:func:`announce_change`), likewise
    changes_from: int = 0
    changes_to: int = 0


class CommitNotifier:
    """Announces each commit of the writer that changed messages (see the
    module docstring); made by the server and given to
    :meth:`db.database.Database.set_commit_observer`.

    Args:
        node: this process's node id.
        on_range: told (in the writer thread) of each of this node's
            commit ranges, before the commit: a node that reconnects after
            missing notifications must not deliver its own commits twice.
        wait_for_others: called (in the writer thread) after a commit of
            this node that others' commits preceded since its previous one,
            with the change number and count of changes to rooms they
            reached: returns once this node's
            server has been handed everything up to it, so that the commit's
            own outcomes reach the server after them.
        before_handing: called (in the writer thread) after every commit
            of this node, last thing before its outcomes are handed to the
            server: may hold them back while the listening thread hands
            over what it read on reconnecting (:func:`one_snapshot`).
    """

    def __init__(self, node: str, on_range: Callable[[CommittedRange], None],
                 wait_for_others: Callable[[int, int], None],
                 before_handing: Callable[[], None] = lambda: None) -> None:
        self.node = node
        self._on_range = on_range
        self._wait_for_others = wait_for_others
        self._before_handing = before_handing
        self._start: tuple[int, int, int] = (0, 0, 0)
        #: the last change number and count of changes to rooms of this
        #: node's previous commit
        self._own: tuple[int, int] | None = None
        #: the range of the transaction about to commit, if it changed any
        self._committing: CommittedRange | None = None

    def transaction_begun(self, connection: Connection, number: int) -> None:
        row = connection.execute(_NEWEST).one()
        self._start = (int(row[0]), int(row[1]), int(row[2]))

    def transaction_committing(self, connection: Connection, number: int) -> None:
        row = connection.execute(_NEWEST).one()
        id_from, seq_from, changes_from = self._start
        id_to, seq_to, changes_to = int(row[0]), int(row[1]), int(row[2])
        self._committing = None
        if (id_to, seq_to, changes_to) == self._start:
            return
        committed = self._committing = CommittedRange(
            self.node, number, id_from, id_to, seq_from, seq_to, changes_from, changes_to)
        self._on_range(committed)
        connection.execute(_NOTIFY, {"channel": CHANNEL, "payload": _payload(
            {"t": "c", "n": self.node, "k": number, "i": [id_from, id_to],
             "s": [seq_from, seq_to], "r": [changes_from, changes_to]})})

    def transaction_committed(self, number: int) -> None:
        committed, self._committing = self._committing, None
        if committed is None:
            return
        if (committed.seq_from, committed.changes_from) != self._own:
            # Another node committed since this node's previous commit.
            self._wait_for_others(committed.seq_from, committed.changes_from)
        self._own = (committed.seq_to, committed.changes_to)
        self._before_handing()


class RemoteMessage(NamedTuple):
    """A message another node committed, with what delivery needs of it."""

    message: StoredMessage
    sender_id: int
    recipient_id: int | None


def messages_in(conn: Connection, seq_from: int, seq_to: int) -> list[RemoteMessage]:
    """The messages whose change number is in ``(seq_from, seq_to]``, by seq,
    in their current form (mentions and reactions too).

    That is every message a commit created, and every one it changed (an
    edit, a deletion, a reaction: each takes a new change number).
    """
    rows = conn.execute(
        select(*_MESSAGE_COLUMNS, Message.sender_id, Message.recipient_id)
        .join(_Sender, _Sender.id == Message.sender_id)
        .outerjoin(_Recipient, _Recipient.id == Message.recipient_id)
        .outerjoin(StoredFile, StoredFile.id == Message.file_id)
        .where(Message.seq > seq_from, Message.seq <= seq_to)
        .order_by(Message.seq))
    width = len(_MESSAGE_COLUMNS)
    messages: list[StoredMessage] = []
    ends: list[tuple[int, int | None]] = []
    for row in rows:
        values: tuple[Any, ...] = tuple(row)
        messages.append(StoredMessage(*values[:width]))
        ends.append((values[width], values[width + 1]))
    return [RemoteMessage(message, sender_id, recipient_id)
            for message, (sender_id, recipient_id) in zip(decorate(conn, messages), ends)]


@contextmanager
def one_snapshot(conn: Connection) -> Iterator[None]:
    """Make the reads inside one snapshot of the database.

    ``conn`` is in autocommit (the listening thread's reading connection),
    where each statement sees what was committed when it started; what a
    node reads on (re)connecting (the rooms, the newest change numbers,
    the commits it missed) must be one moment's, or a change committed
    between two reads would be counted as read by one and missing from
    the other.
    """
    conn.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        yield
    finally:
        conn.exec_driver_sql("COMMIT")


def newest(conn: Connection) -> tuple[int, int, int]:
    """The newest message id and change number, and the count of changes to
    rooms (where a node that joins starts following)."""
    row = conn.execute(_NEWEST).one()
    return int(row[0]), int(row[1]), int(row[2])


def presence_elsewhere(conn: Connection, node: str) -> dict[int, set[str]]:
    """Account id -> the other live nodes it has a session on."""
    online: dict[int, set[str]] = {}
    for node_id, account_id in conn.execute(
            select(NodePresence.node_id, NodePresence.account_id)
            .where(NodePresence.node_id != node)):
        online.setdefault(account_id, set()).add(node_id)
    return online


class ClusterLink:
    """This node's two connections to the others (see the module docstring).

    Args:
        engine: the PostgreSQL engine.
        node: this node's id.
        name: how the administrator sees this node (host and port).
        on_notification: called in the listening thread with each
            notification from any node (this one's too), in the order
            PostgreSQL delivered them, and the connection to read with.
        on_connected: called in the listening thread each time it has
            (re)connected and listens, with a connection to read the
            state it may have missed.
        node_timeout: seconds without a heartbeat after which a node is dead.
    """

    def __init__(self, engine: Engine, node: str, name: str,
                 on_notification: Callable[[dict[str, Any], Connection], None],
                 on_connected: Callable[[Connection], None],
                 node_timeout: float = DEFAULT_NODE_TIMEOUT) -> None:
        self.engine = engine
        self.node = node
        self.name = name or socket.gethostname()
        self.node_timeout = node_timeout
        self._on_notification = on_notification
        self._on_connected = on_connected
        self._closed = threading.Event()
        #: accounts with a session on this node, as the server last said
        self._present: set[int] = set()
        self._present_lock = threading.Lock()
        self._outbox: queue.SimpleQueue[Callable[[Connection], None] | None] = \
            queue.SimpleQueue()
        self._registered = threading.Event()
        self._listening = threading.Event()
        self._listener = threading.Thread(target=self._listen_forever, daemon=True,
                                          name="besedka-cluster-listen")
        self._sender = threading.Thread(target=self._send_forever, daemon=True,
                                        name="besedka-cluster-send")

    def start(self) -> None:
        """Register this node, then start both threads; returns once the
        node is registered and listening (or after 30 s of trying)."""
        self._sender.start()
        self._registered.wait(30)
        self._listener.start()
        self._listening.wait(30)

    def close(self) -> None:
        """Stop both threads and remove this node (and its presence) at once,
        so that the others need not wait for its heartbeat to age."""
        if self._closed.is_set():
            return
        self._outbox.put(self._unregister)
        self._outbox.put(None)
        self._sender.join(10)
        self._closed.set()
        self._listener.join(10)

    # ------------------------------------------------------------------
    # What the server tells the others

    def publish(self, message: dict[str, Any]) -> None:
        """Send ``message`` (JSON, ids not contents) to every node, this one too."""
        payload = _payload(message)

        def send(conn: Connection) -> None:
            conn.execute(_NOTIFY, {"channel": CHANNEL, "payload": payload})

        self._outbox.put(send)

    def set_present(self, account_id: int, present: bool) -> None:
        """This node's first session of an account began (or its last ended):
        the row changes, then every node hears of it."""
        with self._present_lock:
            if present:
                self._present.add(account_id)
            else:
                self._present.discard(account_id)

        def write(conn: Connection) -> None:
            if present:
                conn.execute(text(
                    "INSERT INTO node_presence (node_id, account_id) VALUES (:node, :account) "
                    "ON CONFLICT DO NOTHING"), {"node": self.node, "account": account_id})
            else:
                conn.execute(delete(NodePresence).where(NodePresence.node_id == self.node,
                                                        NodePresence.account_id == account_id))
            conn.execute(_NOTIFY, {"channel": CHANNEL, "payload": _payload(
                {"t": "p", "n": self.node, "a": account_id, "on": present})})

        self._outbox.put(write)

    # ------------------------------------------------------------------
    # The sending thread: notifications, heartbeat, this node's rows

    def _register(self, conn: Connection) -> None:
        """(Re)write this node's row and its presence rows, then say so."""
        with self._present_lock:
            present = sorted(self._present)
        conn.execute(text(
            "INSERT INTO cluster_nodes (id, name, started_at, heartbeat_at) "
            "VALUES (:node, :name, timezone('utc', now()), timezone('utc', now())) "
            "ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at"),
            {"node": self.node, "name": self.name[:255]})
        for account_id in present:
            conn.execute(text(
                "INSERT INTO node_presence (node_id, account_id) VALUES (:node, :account) "
                "ON CONFLICT DO NOTHING"), {"node": self.node, "account": account_id})
        conn.execute(_NOTIFY, {"channel": CHANNEL,
                               "payload": _payload({"t": "n", "n": self.node, "on": True})})

    def _unregister(self, conn: Connection) -> None:
        conn.execute(delete(ClusterNode).where(ClusterNode.id == self.node))
        conn.execute(_NOTIFY, {"channel": CHANNEL,
                               "payload": _payload({"t": "n", "n": self.node, "on": False})})

    def _heartbeat(self, conn: Connection) -> None:
        """Renew this node's heartbeat, and bury the nodes whose heartbeat aged."""
        renewed = conn.execute(text(
            "UPDATE cluster_nodes SET heartbeat_at = timezone('utc', now()) WHERE id = :node"),
            {"node": self.node}).rowcount
        if not renewed:
            # Another node took this one for dead (the database was away
            # longer than the timeout): come back, presence and all.
            log.warning("this node was taken for dead by the others; registering again")
            self._register(conn)
        dead = [row[0] for row in conn.execute(text(
            "DELETE FROM cluster_nodes WHERE heartbeat_at < "
            "timezone('utc', now()) - make_interval(secs => :timeout) RETURNING id"),
            {"timeout": self.node_timeout})]
        for node in dead:
            log.warning("node %s stopped its heartbeat; its users are offline", node)
            conn.execute(_NOTIFY, {"channel": CHANNEL,
                                   "payload": _payload({"t": "n", "n": node, "on": False})})

    def _send_forever(self) -> None:
        # A thread with no caller to report to: it logs, reconnects and goes on.
        pending: Callable[[Connection], None] | None = None
        while True:
            try:
                with self.engine.connect() as connection:
                    conn = connection.execution_options(isolation_level="AUTOCOMMIT")
                    self._register(conn)
                    self._registered.set()
                    next_beat = time.monotonic() + HEARTBEAT_SECONDS
                    while True:
                        if pending is None:
                            try:
                                pending = self._outbox.get(
                                    timeout=max(0.0, next_beat - time.monotonic()))
                            except queue.Empty:
                                pending = self._heartbeat
                            if pending is None:
                                return
                        pending(conn)
                        pending = None
                        if time.monotonic() >= next_beat:
                            self._heartbeat(conn)
                            next_beat = time.monotonic() + HEARTBEAT_SECONDS
            except Exception as error:  # noqa: BLE001 - the database went away: try again
                self._registered.set()  # start() must not wait for a database that is down
                # With the traceback: a bug here must not pass for an outage.
                log.warning("cluster: lost the database (%s); reconnecting", error,
                            exc_info=True)
                time.sleep(RECONNECT_SECONDS)

    # ------------------------------------------------------------------
    # The listening thread

    def _listen_forever(self) -> None:
        while not self._closed.is_set():
            try:
                with self.engine.connect() as listening, self.engine.connect() as reading:
                    listen = listening.execution_options(isolation_level="AUTOCOMMIT")
                    read = reading.execution_options(isolation_level="AUTOCOMMIT")
                    listen.exec_driver_sql(f"LISTEN {CHANNEL}")
                    self._on_connected(read)
                    self._listening.set()
                    driver = listen.connection.driver_connection
                    assert driver is not None
                    while not self._closed.is_set():
                        for notification in driver.notifies(timeout=0.5):
                            self._on_notification(orjson.loads(notification.payload), read)
                            if self._closed.is_set():
                                break
            except Exception as error:  # noqa: BLE001 - the database went away: try again
                self._listening.set()  # start() must not wait for a database that is down
                if self._closed.is_set():
                    return
                log.warning("cluster: stopped listening (%s); reconnecting", error,
                            exc_info=True)
                time.sleep(RECONNECT_SECONDS)


def live_nodes(conn: Connection) -> Sequence[tuple[str, str, Any, Any]]:
    """Every registered node: id, name, start and last heartbeat (for ``admin``)."""
    return [tuple(row) for row in conn.execute(  # type: ignore[misc]
        select(ClusterNode.id, ClusterNode.name, ClusterNode.started_at,
               ClusterNode.heartbeat_at).order_by(ClusterNode.started_at))]

