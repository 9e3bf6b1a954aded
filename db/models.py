"""The tables Besedka keeps: accounts, messages, rooms, files, sessions.

The schema is shaped by the queries the server runs most (see
:mod:`db.queries`): one conversation's history paged backwards by id, a
reconnecting client's ``sync`` forward by id (version 1) or by change
number (version 2), and unread counts per conversation.  Each index below
names the query it exists for.  Alembic migrations in ``migrations/`` create
exactly this schema; a test fails if they drift.

A conversation is one of three kinds (PROTOCOL-2.md, "Objects"): the general
room (``recipient_id`` and ``room_id`` both NULL), a direct conversation
(``recipient_id`` set) or a room (``room_id`` set).  Version 2 added rooms,
the change number ``seq``, edits, deletions, replies, reactions, mentions,
files, remembered sessions and status (migration 0004).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "Base",
    "Account",
    "Message",
    "DirectReadMarker",
    "Room",
    "RoomMember",
    "MessageEdit",
    "Reaction",
    "Mention",
    "StoredFile",
    "Upload",
    "RememberedSession",
    "ServerSetting",
    "ClusterChanges",
    "ClusterNode",
    "NodePresence",
    "UTCDateTime",
    "ID_TYPE",
    "ROLE_OWNER",
    "ROLE_MEMBER",
]

#: :attr:`RoomMember.role` of the member who administers a room.
ROLE_OWNER = "owner"
#: :attr:`RoomMember.role` of everyone else in it.
ROLE_MEMBER = "member"

# Constraint names must be deterministic for Alembic's batch mode on SQLite,
# which recreates tables and has to refer to constraints by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: The type of every id (and so of every foreign key, which takes its
#: column's type): SQLite's INTEGER PRIMARY KEY, which must be spelled
#: exactly INTEGER to be the rowid, and BIGINT on PostgreSQL, whose INTEGER
#: is 32 bits: a client may name any id up to 2**63 - 1 (protocol.fields),
#: and comparing a larger number with an INTEGER column is an error there.
ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and always returned timezone-aware.

    SQLite has no timezone-aware type; storing UTC and re-attaching the zone
    on the way out means no caller ever meets a naive datetime.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base whose metadata carries the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Account(Base):
    """A registered user.

    ``username`` keeps the spelling chosen at registration, shown everywhere;
    ``username_key`` is its case-folded NFC form, unique, so that ``Alice``
    and ``alice`` cannot both exist and login ignores case.
    """

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    username_key: Mapped[str] = mapped_column(String(128), unique=True)
    # The name's confusable skeleton (Unicode UTS #39, after case-folding):
    # a new name whose skeleton an account has already is taken, so that
    # "Аlice" with a Cyrillic А cannot pass for "alice".  Not unique: names
    # registered before the rule existed may share one.  NULL until the
    # server computes it for an account made before version 2.
    username_skeleton: Mapped[str | None] = mapped_column(String(256), index=True)
    password_hash: Mapped[bytes] = mapped_column(LargeBinary(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where the general room's unread count starts: the newest message id
    # when the account was registered (a new account has nothing unread),
    # moved forward by mark_read.
    general_read_id: Mapped[int] = mapped_column(BigInteger, default=0)
    # Set by an administrator; a disabled account cannot log in.
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # PROTOCOL-2.md, "Status": available, away or busy, with a short text;
    # kept across logins.
    status: Mapped[str] = mapped_column(String(16), default="available",
                                        server_default="available")
    status_text: Mapped[str] = mapped_column(String(80), default="", server_default="")
    # The file shown as this account's picture (a StoredFile id), or NULL.
    # No foreign key: files refer to their uploader, and a cycle of keys
    # would make SQLite's table rebuilds (Alembic batch mode) order-
    # dependent; a file row is never deleted, only marked removed.
    avatar_file_id: Mapped[str | None] = mapped_column(String(32))


class Room(Base):
    """A group conversation that people create, join, invite to and leave.

    Who owns it is a member's role (:class:`RoomMember`), not a column here:
    a room whose members all left is kept, ownerless, and whoever joins it
    next becomes its owner (PROTOCOL-2.md, "Rooms").
    """

    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    # 1-64 characters after NFC (PROTOCOL-2.md); String(64) counts characters
    # on PostgreSQL, and SQLite does not enforce a length at all.
    name: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(500), default="", server_default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        # "Browse public rooms": the public ones, whoever is in them.
        Index("ix_rooms_public", "public"),
    )


class RoomMember(Base):
    """One account's membership of one room, with its role and read marker."""

    __tablename__ = "room_members"

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    # ROLE_OWNER or ROLE_MEMBER; exactly one owner while the room has members.
    role: Mapped[str] = mapped_column(String(8))
    # An owner who leaves hands the room to the longest-standing member:
    # the earliest joined_at (then the lowest account id).
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # How far this member has read the room; a new member starts at the
    # newest message id, with nothing unread (PROTOCOL-2.md).
    last_read_id: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        # "The rooms I am in", read at every version 2 login and sync; the
        # primary key serves "the members of a room".
        Index("ix_room_members_account_id_room_id", "account_id", "room_id"),
    )


class Message(Base):
    """One stored message, in exactly one conversation (see the module docstring).

    ``id`` is the global, strictly increasing sequence version 1 clients
    sync by, given in the order messages were stored.  ``seq`` is version
    2's change number: a new message takes the next one, and so does every
    later edit, deletion or reaction, so ``seq`` is unique and a client that
    syncs by it misses no change.  Messages are never deleted: a deletion
    leaves a tombstone (``deleted_at`` set, ``body`` empty) so ids never
    vanish from history, and the previous bodies stay in
    :class:`MessageEdit` for administrators.  SQLite's INTEGER PRIMARY KEY
    gives max(rowid)+1; AUTOINCREMENT is not needed for the same reason.
    """

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The client's idempotency key for this send, unique per sender, so a
    # resent outbox entry finds the message stored the first time.
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    file_id: Mapped[str | None] = mapped_column(ForeignKey("files.id"))

    __table_args__ = (
        # One index for three kinds of conversation paged by id: the general
        # room (recipient and room NULL), a room (recipient NULL, room R) and
        # "sent to me" (recipient me, room NULL): general history and unread
        # counts, room history and unread counts, and two parts of sync.
        Index("ix_messages_recipient_id_room_id_id", "recipient_id", "room_id", "id"),
        # Direct history between two users (one range per direction) and
        # per-peer unread counts.  Partial, because every query that reads
        # it names a recipient (``recipient_id = :x``, which implies the
        # condition, so SQLite and PostgreSQL both use it): general-room and
        # room messages, most of a server's, take no entry here, and storing
        # one writes an index leaf fewer (migration 0007).  Nothing reads
        # messages by sender alone: the general room's and rooms' queries
        # filter by sender only inside the recipient index's ranges, and a
        # file's download check inside the file index's.
        Index("ix_messages_sender_id_recipient_id_id", "sender_id", "recipient_id", "id",
              sqlite_where=text("recipient_id IS NOT NULL"),
              postgresql_where=text("recipient_id IS NOT NULL")),
        # The "sent by me to anyone" part of sync: my direct messages in id
        # order, whoever they went to.  The index above holds them grouped
        # by recipient, so that part read every direct message I ever sent
        # and sorted them to find one page.  recipient_id comes last only to
        # make the index covering for sync's "not to myself" filter (without
        # it, every row cost a table lookup).  Partial, because my general
        # messages are found through the recipient index; SQLite uses it only
        # for a query whose WHERE says ``recipient_id IS NOT NULL``.
        Index("ix_messages_sender_id_id_direct", "sender_id", "id", "recipient_id",
              sqlite_where=text("recipient_id IS NOT NULL"),
              postgresql_where=text("recipient_id IS NOT NULL")),
        # The writer's key lookup.  Messages without a key (version 1
        # clients may send none) pay a leaf here too; a partial index would
        # spare it, but on SQLite only a rebuild of the table can drop this
        # constraint (bench/README.md, issue 20, "Fifth session").
        UniqueConstraint("sender_id", "idempotency_key", name="uq_messages_sender_id_key"),
        # Change numbers are unique, and the newest one is the next
        # change's starting point.
        Index("ix_messages_seq", "seq", unique=True),
        # Version 2 sync by change number: the same three kinds of
        # conversation as the first index, in seq order...
        Index("ix_messages_recipient_id_room_id_seq", "recipient_id", "room_id", "seq"),
        # ...and my own direct messages in seq order, as the partial index
        # above does for ids.
        Index("ix_messages_sender_id_seq_direct", "sender_id", "seq", "recipient_id",
              sqlite_where=text("recipient_id IS NOT NULL"),
              postgresql_where=text("recipient_id IS NOT NULL")),
        # Who may download a file: whoever sees a message carrying it.  Few
        # messages carry one, so only those are indexed.
        Index("ix_messages_file_id", "file_id",
              sqlite_where=text("file_id IS NOT NULL"),
              postgresql_where=text("file_id IS NOT NULL")),
    )


class DirectReadMarker(Base):
    """How far ``reader`` has read the direct conversation with ``peer``.

    A missing row means nothing was marked read yet, which is exact: direct
    messages to an account can only exist after it was registered.
    """

    __tablename__ = "direct_read_markers"

    reader_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(BigInteger)


class MessageEdit(Base):
    """A body a message had before an edit or a deletion replaced it.

    The protocol shows only a message's current form; these rows let an
    administrator still see what was said (``python -m server admin
    message ID``).
    """

    __tablename__ = "message_edits"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    # The body (and file) as they were until ``replaced_at``.
    body: Mapped[str] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(32))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Whether a deletion (rather than an edit) replaced it.
    deletion: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Reaction(Base):
    """One account's emoji on one message.

    ``id`` orders them: a message's reactions are listed per distinct emoji
    in the order first used, with the users in the order they reacted.
    """

    __tablename__ = "reactions"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    # 1-32 characters (PROTOCOL-2.md).
    emoji: Mapped[str] = mapped_column(String(32))

    __table_args__ = (
        # One of each emoji per account and message; also the index by
        # which a message's reactions are read.
        UniqueConstraint("message_id", "account_id", "emoji",
                         name="uq_reactions_message_id_account_id_emoji"),
    )


class Mention(Base):
    """An account named as ``@name`` in a message it can see.

    Worked out when the message is sent or edited (PROTOCOL-2.md); kept as
    rows so that a room's unread mentions can be counted per account.
    """

    __tablename__ = "mentions"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)

    __table_args__ = (
        # "Messages that mention me", for the rooms' mention counts.
        Index("ix_mentions_account_id_message_id", "account_id", "message_id"),
    )


class StoredFile(Base):
    """One upload: a name, a size and a type for bytes kept by their SHA-256.

    The bytes live outside the database, content-addressed, so identical
    bytes uploaded again get a new row (a new id, name and uploader) and are
    stored once.  A file an administrator deleted keeps its row with
    ``removed_at`` set, and its messages show it as removed.
    """

    __tablename__ = "files"

    # A random 128-bit id in hex: knowing one file's id says nothing of another's.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(255))
    uploader_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        # "I uploaded those exact bytes before" and the uploader's quota.
        Index("ix_files_uploader_id_sha256", "uploader_id", "sha256"),
    )


class Upload(Base):
    """An upload that has not completed: what is coming, and how much arrived.

    An interrupted upload resumes from ``received`` bytes when the same
    account offers the same file again (PROTOCOL-2.md, "Files").
    """

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(255))
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_uploads_account_id_sha256", "account_id", "sha256"),
    )


class RememberedSession(Base):
    """A "keep me logged in" token: only its hash is stored.

    ``resume`` with the token logs a connection in without the password
    until the session is revoked, the password changes, the account is
    disabled, or it goes unused for 90 days (PROTOCOL-2.md, "Remembered
    sessions").
    """

    __tablename__ = "remembered_sessions"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    # SHA-256 of the token: a stolen database lets nobody resume a session.
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    # What the client said it is ("Besedka 0.2, Windows 11, PC-214").
    client: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ServerSetting(Base):
    """A setting that belongs to the installation, not to one program run.

    Kept with the data so that every program using the database agrees:
    for example the bcrypt cost in force, which the admin CLI must use too.
    """

    __tablename__ = "server_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ClusterNode(Base):
    """A server process sharing this (PostgreSQL) database with others.

    Several server processes on one PostgreSQL database are one chat
    (README, "Larger installations").  Each registers itself here at start
    and renews ``heartbeat_at`` every second; one whose heartbeat is a few
    seconds old has died, and whichever node notices first deletes it, and
    with it its users' presence.  Times are the database's clock, so the
    nodes' own clocks never have to agree.  Unused on SQLite, which one
    process serves alone.
    """

    __tablename__ = "cluster_nodes"

    # A random id per process start.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # Where it listens and on which host, for the administrator.
    name: Mapped[str] = mapped_column(String(255))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ClusterChanges(Base):
    """One row counting the changes that nodes announce in the transaction
    that makes them, beside messages: changes to rooms (server/cluster.py).

    Messages have their ids and change numbers, by which a node tells that
    another committed since its own previous commit, and waits until that
    commit has reached its clients before handing over its own.  A change to
    a room takes no change number, so it counts here instead, in its own
    transaction: a node that sees the count moved waits the same way, and a
    member removed on one node gets none of the room's messages committed
    after it on another.  Unused on SQLite.
    """

    __tablename__ = "cluster_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)


class NodePresence(Base):
    """An account with at least one session logged in on a node.

    The union over the live nodes is who is online in the whole chat; a
    node that joins (or reconnects to the database) reads it from here, and
    follows it through notifications afterwards (server/cluster.py).
    """

    __tablename__ = "node_presence"

    node_id: Mapped[str] = mapped_column(
        ForeignKey("cluster_nodes.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
