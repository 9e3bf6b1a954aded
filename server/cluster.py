"""Several server processes on one PostgreSQL database are one chat.

Each process is a *node*.  Nodes never talk to each other directly: what
one does, the others learn through the database (:mod:`db.cluster`:
PostgreSQL's LISTEN/NOTIFY, node heartbeats and presence rows), so there
is no protocol of Besedka's own between them, and no node is special.
:class:`Cluster` is made only when the database is PostgreSQL; on SQLite
one process serves everything and none of this runs.

What crosses between nodes, and how each part of the server takes it:

* **Commits** (messages sent on another node): the writer of the node that
  committed announces the range of message ids and change numbers in the
  commit itself; here the listening thread reads those messages and hands
  them to :meth:`server.messages.Messages.deliver_remote`, which delivers
  them to this node's sessions exactly as local ones.
* **Order.**  Commits are serialized by the writers' lock and announced in
  commit order, and this node's own commits are in the same stream.  Both
  ways are kept in order: before a later commit of another node is handed
  to the event loop, the listening thread waits until this node's writer
  has handed over its own earlier one
  (:meth:`db.database.GroupCommitWriter.wait_reported`); and before the
  writer hands over a commit that others' commits preceded, it waits until
  the listening thread has handed those over (:meth:`Cluster._wait_handed`).
  So every session receives messages in id order, whichever node stored
  them.
* **Presence**: an account's first session on a node, or its last, updates
  that node's presence rows and is announced; :class:`~server.presence.Presence`
  keeps the other nodes' accounts apart from its own sessions, and the union
  is who is online.  A node that dies stops its heartbeat, and the first
  node to notice deletes it (its presence rows go with it) and announces it.
* **Rooms**: a change to a room (created, joined, left, a member removed,
  renamed) is announced in its own transaction (:attr:`server.rooms.Rooms.announce`),
  so it arrives just before the commit's messages and after every earlier
  commit's; here memory follows and this node's members are told
  (:meth:`server.rooms.Rooms.apply_remote`), so a removed member stops
  receiving the room at once on every node.  Room messages from other
  nodes reach the room's members as this node knows them.  (Within one
  group commit of another node, its room changes are applied before its
  messages.)  After losing the link, the rooms are read again, in one
  snapshot with the newest change numbers, and this node's own commits
  wait until what was read is handed over (:meth:`Cluster._on_connected`).
* **Accounts**: a registration on another node adds the account to this
  node's directory, so that ``to`` and ``with`` find it; a status or avatar
  changed there reaches this node's sessions as a ``presence`` event.
* **Remembered sessions** revoked on another node (``revoke_session``,
  ``logout`` with ``forget``, ``change_password``) close their
  connections here too.
* **Failed logins**: each is announced, and every node counts it in its
  limits, so that the limits on failed logins hold across nodes.
* **Typing notices and read receipts** (never stored): each passed on is
  announced, and every node writes it to its own sessions.

If the database goes away, both of this node's connections to it
reconnect by themselves; commits that others made while this node was not
listening are read from the database when it listens again (this node's
own are told apart by their ranges), so nothing acknowledged is missed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
from collections import deque
from typing import Any

from sqlalchemy.engine import Connection

from db import cluster as links
from db import queries
from db import rooms as db_rooms
from db.cluster import ClusterLink, CommitNotifier, CommittedRange
from db.database import Database

from .accounts import Accounts
from .messages import Messages
from .presence import Presence
from .receipts import Receipts
from .rooms import Rooms
from .sessions import close_sessions_of
from .typing_notices import TypingNotices

__all__ = ["Cluster"]

log = logging.getLogger("besedka.server.cluster")

#: How many of this node's own commit ranges are remembered, to tell them
#: apart when reading what was missed while not listening.
_OWN_RANGES = 4096

#: How long the listening thread waits for this node's writer to hand over
#: one of its own commits before it goes on regardless.
_OWN_COMMIT_WAIT = 30.0

#: How long the writer waits for others' earlier commits to be handed over
#: before it hands over its own regardless (the database, or this node's
#: connection to it, went away meanwhile: order is then given up, not
#: delivery).
_OTHERS_COMMIT_WAIT = 5.0


class Cluster:
    """This node's part in the chat that several server processes serve.

    Args:
        database: the (PostgreSQL) database.
        accounts, presence, messages, receipts, typing, rooms: the
            features that others' actions reach.
        loop: the server's event loop, where everything is handed over.
        node_timeout: seconds without a heartbeat after which a node is dead.
    """

    def __init__(self, database: Database, accounts: Accounts, presence: Presence,
                 messages: Messages, receipts: Receipts, typing: TypingNotices,
                 rooms: Rooms, loop: asyncio.AbstractEventLoop,
                 node_timeout: float = links.DEFAULT_NODE_TIMEOUT) -> None:
        self.database = database
        self.accounts = accounts
        self.presence = presence
        self.messages = messages
        self.receipts = receipts
        self.rooms = rooms
        self.typing = typing
        self.loop = loop
        self.node = links.new_node_id()
        # Written by the writer thread, read by the listening thread.
        self._own: deque[CommittedRange] = deque(maxlen=_OWN_RANGES)
        #: the newest change number handed to this node's event loop, and
        #: the count of changes to rooms; written by the listening thread,
        #: waited for by the writer
        self._followed_seq: int | None = None
        self._followed_changes = 0
        #: the newest message id among them (listening thread only)
        self._followed_id = 0
        self._followed = threading.Condition()
        #: held by the listening thread while it reads and hands over the
        #: state of things on (re)connecting; this node's writer waits for
        #: it before handing over each commit (:meth:`_before_handing`)
        self._catching_up = threading.Lock()
        database.set_commit_observer(
            CommitNotifier(self.node, self._own.append, self._wait_handed,
                           self._before_handing))
        name = f"{socket.gethostname()} (pid {os.getpid()})"
        self.link = ClusterLink(database.engine, self.node, name, self._on_notification,
                                self._on_connected, node_timeout)
        presence.publish = self.link.set_present
        accounts.on_account_created = self.account_created
        accounts.on_failed_login = self.login_failed
        node = self.node
        receipts.publish = lambda receipt: self.link.publish(
            {"t": "r", "n": node, **receipt})
        receipts.publish_room = lambda receipt: self.link.publish(
            {"t": "rr", "n": node, **receipt})
        rooms.announce = lambda conn, change: links.announce_change(
            conn, {"t": "rm", "n": node, **change})
        presence.publish_account = lambda account_id: self.link.publish(
            {"t": "s", "n": node, "a": account_id})
        presence.publish_revoked = lambda account_id, sessions: self.link.publish(
            {"t": "x", "n": node, "a": account_id, "s": sessions})
        typing.publish = self._typing_notice

    def start(self) -> None:
        """Register this node and start listening (blocking: run in a thread)."""
        self.link.start()
        log.info("node %s of a cluster on this database", self.node)

    def close(self) -> None:
        """Leave the cluster at once: the others forget this node's users now."""
        self.link.close()

    # ------------------------------------------------------------------
    # What this node tells the others (called on the event loop)

    def account_created(self, account_id: int) -> None:
        self.link.publish({"t": "a", "n": self.node, "a": account_id})

    def login_failed(self, key: str, address: str) -> None:
        self.link.publish({"t": "f", "n": self.node, "k": key, "ip": address})

    # ------------------------------------------------------------------
    # The listening thread

    def _follow(self, seq: int, changes: int) -> None:
        """Everything up to change number ``seq`` and change to rooms number
        ``changes`` has been handed to the loop."""
        with self._followed:
            self._followed_seq = seq
            self._followed_changes = changes
            self._followed.notify_all()

    def _wait_handed(self, seq: int, changes: int) -> None:
        """(In the writer thread.)  Wait until others' commits up to ``seq``
        and ``changes`` were handed to the loop."""
        with self._followed:
            handed = self._followed.wait_for(
                lambda: (self._followed_seq is not None and self._followed_seq >= seq
                         and self._followed_changes >= changes),
                _OTHERS_COMMIT_WAIT)
        if not handed:
            log.warning("other nodes' commits up to change %d (%d to rooms) were not read in "
                        "time; this node's next one may reach its clients before them",
                        seq, changes)

    def _before_handing(self) -> None:
        """(In the writer thread.)  Hand this node's commit over only after
        whatever the listening thread is handing over on reconnecting."""
        with self._catching_up:
            pass

    def _call(self, callback: Any, *args: Any) -> None:
        try:
            self.loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:  # the loop is closed: the server is stopping
            pass

    def _on_connected(self, conn: Connection) -> None:
        """(Re)connected: read the presence of the other nodes, the rooms,
        and every commit of theirs made since this node last followed.

        All of it is read in one snapshot, so that a change to a room
        committed meanwhile is either in the rooms read or announced after
        the count of changes read (and applied when its notification
        comes), never counted as read and missing.  And this node's own
        commits are held back until it is all handed over: a commit made
        after the snapshot, handed to the loop before the rooms were,
        would be undone by them (a member it added, gone from memory).
        """
        with self._catching_up:
            missed: list[links.RemoteMessage] = []
            with links.one_snapshot(conn):
                elsewhere = links.presence_elsewhere(conn, self.node)
                # Rooms changed while this node was not listening (or, the
                # first time, between reading them at start and listening)
                # are taken as they are now.
                rooms = db_rooms.load_rooms(conn)
                newest_id, newest, changes = links.newest(conn)
                if self._followed_seq is not None and newest > self._followed_seq:
                    log.warning("reading the changes made while this node was not listening "
                                "(change numbers %d to %d)", self._followed_seq + 1, newest)
                    own = list(self._own)
                    missed = [remote for remote
                              in links.messages_in(conn, self._followed_seq, newest)
                              if not any(r.seq_from < remote.message.seq <= r.seq_to
                                         for r in own)]
            self._call(self.presence.replace_elsewhere, elsewhere)
            self._call(self.rooms.reload, rooms)
            if missed:
                self._call(self.messages.deliver_remote, missed, self._followed_id)
            self._followed_id = newest_id
            self._follow(newest, changes)

    def _on_notification(self, message: dict[str, Any], conn: Connection) -> None:
        kind, node = message.get("t"), message.get("n")
        if kind == "c":
            self._on_commit(message, node == self.node, conn)
        elif node == self.node:
            return  # this node's own presence, account or failed login
        elif kind == "p":
            self._call(self.presence.set_elsewhere, int(message["a"]), str(node),
                       bool(message["on"]))
        elif kind == "n":
            if message.get("on"):
                # A node joined or came back: its presence rows are written.
                self._call(self.presence.replace_elsewhere,
                           links.presence_elsewhere(conn, self.node))
            else:
                self._call(self.presence.forget_node, str(node))
        elif kind == "a":
            account = queries.get_account(conn, int(message["a"]))
            if account is not None:
                self._call(self.accounts.directory.add, account)
        elif kind == "s":
            account = queries.get_account(conn, int(message["a"]))
            if account is not None:
                self._call(self.presence.account_changed_elsewhere, account)
        elif kind == "x":
            self._call(close_sessions_of, self.presence, int(message["a"]),
                       [int(session) for session in message["s"]], None, False)
        elif kind == "rm":
            if int(message["cc"]) <= self._followed_changes:
                return  # read already, when this node (re)connected
            record = db_rooms.room_record(conn, int(message["r"]))
            if record is not None:
                change = db_rooms.RoomChange(record, tuple(message["j"]), tuple(message["l"]),
                                             int(message["pos"]))
                self._call(self.rooms.apply_remote, change, str(message["k"]),
                           int(message["by"]), bool(message["ch"]))
        elif kind == "rr":
            self._call(self._room_marker_moved, message)
        elif kind == "f":
            self._call(self.accounts.count_failed_login, str(message["k"]), str(message["ip"]))
        elif kind == "r":
            self._call(self.receipts.direct_from_elsewhere, str(message["u"]),
                       int(message["p"]), int(message["k"]))
        elif kind == "ty":
            self._call(self._typing_from_elsewhere, message)

    def _typing_notice(self, notice: dict[str, Any]) -> None:
        """(On the loop.)  Tell the others of a typing notice; one in a room
        goes without its audience (up to 10,000 members would not fit in a
        notification's 8000 bytes): each node takes the room's members."""
        if notice.get("room") is not None:
            notice = {**notice, "aud": []}
        self.link.publish({"t": "ty", "n": self.node, **notice})

    def _typing_from_elsewhere(self, notice: dict[str, Any]) -> None:
        """(On the loop.)  Another node's typing notice, for this node's sessions."""
        if notice.get("room") is not None:
            room = self.rooms.rooms.get(int(notice["room"]))
            if room is None:
                return
            notice = {**notice, "aud": list(room.members)}
        self.typing.tell_from_elsewhere(notice)

    def _room_marker_moved(self, message: dict[str, Any]) -> None:
        """(On the loop.)  A member read a room on another node: its members here hear of it."""
        room = self.rooms.rooms.get(int(message["room"]))
        if room is not None:
            self.receipts.room_from_elsewhere(
                str(message["u"]), int(message["me"]), room.id, int(message["k"]), room.members)

    def _on_commit(self, message: dict[str, Any], own: bool, conn: Connection) -> None:
        id_from, id_to = int(message["i"][0]), int(message["i"][1])
        seq_from, seq_to = int(message["s"][0]), int(message["s"][1])
        changes_to = int(message["r"][1])
        followed = self._followed_seq if self._followed_seq is not None else seq_from
        if seq_to <= followed and changes_to <= self._followed_changes:
            return  # read already, when this node (re)connected
        if own:
            # Delivered by this node's writer; what others commit after it
            # must reach the loop after it.
            if not self.database.writer.wait_reported(int(message["k"]), _OWN_COMMIT_WAIT):
                log.warning("this node's commit %s was not handed over in time", message["k"])
        elif seq_to > followed:
            remote = links.messages_in(conn, max(seq_from, followed), seq_to)
            if remote:
                self._call(self.messages.deliver_remote, remote, id_from)
        self._followed_id = max(self._followed_id, id_to)
        self._follow(max(seq_to, followed), max(changes_to, self._followed_changes))
