"""The tables Besedka keeps: accounts, messages and read markers.

The schema is shaped by the queries the server runs most (see
:mod:`db.queries`): one conversation's history paged backwards by id, a
reconnecting client's ``sync`` forward by id, and unread counts per peer.
Each index below names the query it exists for.  Alembic migrations in
``migrations/`` create exactly this schema; a test fails if they drift.
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

__all__ = ["Base", "Account", "Message", "DirectReadMarker", "UTCDateTime"]

# Constraint names must be deterministic for Alembic's batch mode on SQLite,
# which recreates tables and has to refer to constraints by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    username_key: Mapped[str] = mapped_column(String(128), unique=True)
    password_hash: Mapped[bytes] = mapped_column(LargeBinary(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where the general room's unread count starts: the newest message id
    # when the account was registered (a new account has nothing unread),
    # moved forward by mark_read.
    general_read_id: Mapped[int] = mapped_column(BigInteger, default=0)
    # Set by an administrator; a disabled account cannot log in.
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Message(Base):
    """One stored message; ``recipient_id`` is NULL for the general room.

    ``id`` is the global, strictly increasing sequence clients sync by.
    SQLite's INTEGER PRIMARY KEY gives max(rowid)+1; AUTOINCREMENT is not
    needed because messages are never deleted.
    """

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The client's idempotency key for this send, unique per sender, so a
    # resent outbox entry finds the message stored the first time.
    idempotency_key: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        # General history (recipient IS NULL) paged by id, general unread
        # counts, and the "sent to me" part of sync.
        Index("ix_messages_recipient_id_id", "recipient_id", "id"),
        # Direct history between two users (one range per direction) and
        # per-peer unread counts.
        Index("ix_messages_sender_id_recipient_id_id", "sender_id", "recipient_id", "id"),
        # The "sent by me to anyone" part of sync: my direct messages in id
        # order, whoever they went to.  The index above holds them grouped
        # by recipient, so that part read every direct message I ever sent
        # and sorted them to find one page.  recipient_id comes last only to
        # make the index covering for sync's "not to myself" filter (without
        # it, every row cost a table lookup).  Partial, because my general
        # messages are found through the recipient index; SQLite uses it only
        # for a query whose WHERE says ``recipient_id IS NOT NULL``.
        Index("ix_messages_sender_id_id_direct", "sender_id", "id", "recipient_id",
              sqlite_where=text("recipient_id IS NOT NULL")),
        UniqueConstraint("sender_id", "idempotency_key", name="uq_messages_sender_id_key"),
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
