"""Every query the server runs, and nothing else: no SQL lives outside ``db/``.

Each function takes a :class:`~sqlalchemy.engine.Connection` whose caller
owns the transaction (the group-commit writer for writes, a reader thread for
reads).  They return plain immutable records, never live ORM objects, so the
results can cross threads safely.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    Select,
    and_,
    case,
    func,
    insert,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.engine import Compiled, Connection, Dialect
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler

from .driver import driver_execute
from .message_parts import decorate, insert_mentions, visible_mentions
from .models import Account, DirectReadMarker, Message, RoomMember, StoredFile
from .security import skeleton_taken

__all__ = [
    "AccountRecord",
    "StoredMessage",
    "RosterRow",
    "UsernameTaken",
    "get_account_by_key",
    "get_account",
    "list_accounts",
    "create_account",
    "set_password_hash",
    "set_disabled",
    "disabled_account_ids",
    "NewMessage",
    "store_messages",
    "store_message",
    "history",
    "HistoryPage",
    "history_around",
    "history_after",
    "history_page",
    "messages_by_id",
    "has_newer",
    "sync",
    "roster",
    "general_unread",
    "mark_read",
    "newest_message_id",
    "newest_seq",
    "rooms_of",
]


class AccountRecord(NamedTuple):
    """An account as the server needs it.

    The fields after ``created_at`` are version 2's (PROTOCOL-2.md, roster
    entry): what a new account starts with unless given.
    """

    id: int
    username: str
    username_key: str
    password_hash: bytes
    disabled: bool
    created_at: datetime
    status: str = "available"
    status_text: str = ""
    avatar_file_id: str | None = None


class StoredMessage(NamedTuple):
    """A message with its sender's and recipient's names resolved.

    The fields after ``created_at`` are version 2's (PROTOCOL-2.md,
    "Objects"); a version 1 reader ignores them.  Reactions and mentions
    live in their own tables: a query fills them in only where a version 2
    form is built (:func:`db.message_parts.decorate`), and otherwise leaves
    them empty.
    """

    id: int
    sender: str
    recipient: str | None
    body: str
    created_at: datetime
    #: the change number: the message's, or that of its latest change
    seq: int = 0
    room_id: int | None = None
    edited_at: datetime | None = None
    deleted: bool = False
    reply_to: int | None = None
    file_id: str | None = None
    #: the file's name, size and type, and whether it was removed (its
    #: files row, read with the message; None without a ``file_id``)
    file_name: str | None = None
    file_size: int | None = None
    file_mime: str | None = None
    file_removed: bool = False
    #: the names of the accounts it mentions, in roster order
    mentions: tuple[str, ...] = ()
    #: (emoji, the names of who reacted), per emoji in the order first used
    reactions: tuple[tuple[str, tuple[str, ...]], ...] = ()


class RosterRow(NamedTuple):
    """One roster line: an account and how many of its messages I have not read."""

    username: str
    username_key: str
    unread: int


class UsernameTaken(Exception):
    """An account with the same case-folded name exists already."""


_ACCOUNT_COLUMNS = (
    Account.id,
    Account.username,
    Account.username_key,
    Account.password_hash,
    Account.disabled,
    Account.created_at,
    Account.status,
    Account.status_text,
    Account.avatar_file_id,
)


# --------------------------------------------------------------------------
# Accounts


def get_account_by_key(conn: Connection, username_key: str) -> AccountRecord | None:
    """The account whose case-folded name is ``username_key``, if any."""
    row = conn.execute(
        select(*_ACCOUNT_COLUMNS).where(Account.username_key == username_key)
    ).one_or_none()
    return None if row is None else AccountRecord(*row)


def get_account(conn: Connection, account_id: int) -> AccountRecord | None:
    """The account with this id, if any."""
    row = conn.execute(select(*_ACCOUNT_COLUMNS).where(Account.id == account_id)).one_or_none()
    return None if row is None else AccountRecord(*row)


def list_accounts(conn: Connection) -> list[AccountRecord]:
    """Every account, in roster order (case-folded name, then code point)."""
    rows = conn.execute(select(*_ACCOUNT_COLUMNS)).all()
    return sorted((AccountRecord(*row) for row in rows), key=lambda a: (a.username_key, a.username))


_NEWEST_ID = select(func.coalesce(func.max(Message.id), 0))
_NEWEST_SEQ = select(func.coalesce(func.max(Message.seq), 0))
#: Both at once, for the driver (store_messages asks once per commit).  Two
#: subqueries, not ``SELECT max(id), max(seq)``: SQLite reads a maximum
#: from its index only when it is a query's only aggregate.
_NEWEST_ID_AND_SEQ = ("SELECT coalesce((SELECT max(id) FROM messages), 0), "
                      "coalesce((SELECT max(seq) FROM messages), 0)")


def newest_message_id(conn: Connection) -> int:
    """The highest message id stored, 0 when there are none."""
    return conn.execute(_NEWEST_ID).scalar_one()


def newest_seq(conn: Connection) -> int:
    """The highest change number given so far, 0 when there is none.

    Every change (a new message, an edit, a deletion, a reaction) takes the
    next one, under the writer's lock, so this is also where the next
    change starts.
    """
    return conn.execute(_NEWEST_SEQ).scalar_one()


def create_account(
    conn: Connection, username: str, username_key: str, password_hash: bytes, now: datetime,
    skeleton: str | None = None,
) -> AccountRecord:
    """Insert an account whose general read marker starts at the newest message.

    ``skeleton`` is what the name looks like (the caller computes it:
    protocol.rules.username_skeleton); an account whose name looks the same
    takes it, as its key would.

    Raises:
        UsernameTaken: the case-folded name is in use, or one that looks the same.
    """
    if get_account_by_key(conn, username_key) is not None or (
            skeleton is not None and skeleton_taken(conn, skeleton)):
        raise UsernameTaken(username)
    account_id = conn.execute(
        insert(Account).values(
            username=username,
            username_key=username_key,
            username_skeleton=skeleton,
            password_hash=password_hash,
            created_at=now,
            general_read_id=newest_message_id(conn),
            disabled=False,
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    return AccountRecord(account_id, username, username_key, password_hash, False, now)


def set_password_hash(conn: Connection, account_id: int, password_hash: bytes) -> None:
    """Replace an account's password hash."""
    conn.execute(update(Account).where(Account.id == account_id).values(password_hash=password_hash))


def set_disabled(conn: Connection, account_id: int, disabled: bool) -> None:
    """Disable or re-enable an account."""
    conn.execute(update(Account).where(Account.id == account_id).values(disabled=disabled))


def disabled_account_ids(conn: Connection, account_ids: Sequence[int]) -> set[int]:
    """Which of these accounts are disabled.

    The server asks every couple of seconds about the accounts that are
    online, to close the connections of any an administrator disabled from
    another process; a primary-key lookup per id, however many accounts
    exist.
    """
    disabled: set[int] = set()
    ids = list(account_ids)
    # In chunks, well under SQLite's limit on bound parameters.
    for start in range(0, len(ids), 500):
        rows = conn.execute(select(Account.id).where(
            Account.id.in_(ids[start:start + 500]), Account.disabled.is_(True)))
        disabled.update(row[0] for row in rows)
    return disabled


# --------------------------------------------------------------------------
# Messages

_Sender = aliased(Account, name="sender")
_Recipient = aliased(Account, name="recipient")


#: The columns of a :class:`StoredMessage`, in its order.
_MESSAGE_COLUMNS = (
    Message.id, _Sender.username, _Recipient.username, Message.body, Message.created_at,
    Message.seq, Message.room_id, Message.edited_at, Message.deleted_at.is_not(None),
    Message.reply_to_id, Message.file_id,
    StoredFile.name, StoredFile.size, StoredFile.mime, StoredFile.removed_at.is_not(None),
)


def _with_names(ids: Select[int]) -> Select[Any]:
    """Messages whose ids the subquery selects, with both names, ascending by id,
    in the columns of :class:`StoredMessage`.

    (The recipient's name is None for the general room and rooms, and the
    file's columns for a message without a file: the outer joins.)
    """
    id_subquery = ids.subquery()
    return cast(Select[Any], (
        select(*_MESSAGE_COLUMNS)
        .join(id_subquery, id_subquery.c.id == Message.id)
        .join(_Sender, _Sender.id == Message.sender_id)
        .outerjoin(_Recipient, _Recipient.id == Message.recipient_id)
        .outerjoin(StoredFile, StoredFile.id == Message.file_id)
        .order_by(Message.id)
    ))


def _page(conn: Connection, ids: Select[int], limit: int) -> tuple[list[StoredMessage], bool]:
    """Run an id query that asked for ``limit + 1`` rows; split off ``has_more``."""
    rows = [StoredMessage(*row) for row in conn.execute(_with_names(ids))]
    return rows, len(rows) > limit


def messages_by_id(conn: Connection, ids: Sequence[int]) -> list[StoredMessage]:
    """The messages with these ids that exist, ascending by id (without
    reactions and mentions)."""
    found: list[StoredMessage] = []
    unique = sorted(set(ids))
    # In chunks, well under SQLite's limit on bound parameters.
    for start in range(0, len(unique), 500):
        found.extend(StoredMessage(*row) for row in conn.execute(_with_names(
            select(Message.id).where(Message.id.in_(unique[start:start + 500])))))
    return found


class NewMessage(NamedTuple):
    """A message to store: what a ``send`` asked for, from whom.

    ``recipient`` (a direct message) and ``room_id`` (a room) are never
    both set; neither is the general room.
    """

    sender: AccountRecord
    recipient: AccountRecord | None
    body: str
    key: str | None
    room_id: int | None = None
    reply_to: int | None = None
    file_id: str | None = None
    #: the accounts its body names as ``@name`` (whether they can see it is
    #: checked when it is stored: :func:`db.message_parts.visible_mentions`)
    mentions: tuple[AccountRecord, ...] = ()


# The statements of every send, built once.  Building a statement and
# computing its cache key took several times longer than SQLite took to run
# it (bench/README.md, "What the profile shows"); with bound parameters the
# same objects serve every call and SQLAlchemy finds the compiled SQL at once.
_INSERT_MESSAGE = insert(Message)
# (In the models' column order: the compiled statement takes them so.)
_INSERT_KEYS = ("id", "sender_id", "recipient_id", "room_id", "body", "created_at",
                "idempotency_key", "seq", "reply_to_id", "file_id")


@functools.cache
def _insert_messages(dialect: Dialect) -> tuple[str, Callable[[datetime], Any] | None]:
    """The INSERT of :func:`store_messages` as the driver takes it, and the
    conversion of ``created_at`` to what the column stores.

    SQLAlchemy's executemany processes every row's parameters in Python
    (coercion, type processors, dictionaries), which cost several times
    what SQLite took to insert the rows (py-spy, fanout: 36 % of the
    writer's time).  So the statement is compiled once from the model and
    handed positional tuples; ``created_at`` is converted by its own type's
    bind processor, the one SQLAlchemy would have used.
    """
    compiled = _INSERT_MESSAGE.compile(dialect=dialect, column_keys=list(_INSERT_KEYS))
    created_at = Message.__table__.c.created_at.type
    return (_driver_sql(compiled, list(_INSERT_KEYS)),
            created_at.dialect_impl(dialect).bind_processor(dialect))


#: Rows per INSERT statement: well under SQLite's limit on bound parameters
#: (32,766 since SQLite 3.32; ten a row).
_ROWS_PER_INSERT = 1000


@functools.lru_cache(maxsize=64)
def _insert_rows(single_row_sql: str, rows: int) -> str:
    """The one-row INSERT of :func:`_insert_messages` made to insert ``rows``
    rows at once (its VALUES group repeated; the parameters follow row by row)."""
    head, values = single_row_sql.split(" VALUES ")
    return f"{head} VALUES {', '.join([values] * rows)}"


def _driver_sql(compiled: Compiled, parameter_order: list[str]) -> str:
    """A compiled statement's SQL for the driver, which takes its parameters
    as a tuple in ``parameter_order`` (checked: the hot path builds tuples)."""
    if not isinstance(compiled, SQLCompiler) or not compiled.positional \
            or list(compiled.positiontup or ()) != parameter_order:
        raise NotImplementedError(
            f"a driver with named parameters ({compiled.dialect.name})")
    return str(compiled)
#: The sizes of the key lookups (see _find_keys): a few fixed statements
#: rather than one per batch size, each well under SQLite's limit on bound
#: parameters.
_KEY_LOOKUP_SIZES = (1, 8, 64, 256)


@functools.cache
def _find_keys(dialect: Dialect, size: int) -> str:
    """Which of ``size`` (sender, key) pairs were stored before, in one statement.

    One lookup per message, or per sender, cost more than the INSERT of the
    whole batch: a statement through SQLAlchemy costs tens of microseconds
    of Python, SQLite's unique-index probe a microsecond.  So the pairs go
    in as a VALUES table, which CROSS JOIN makes SQLite scan first, probing
    the (sender_id, idempotency_key) unique index once per pair; and the
    statement goes to the driver, as :func:`_insert_messages` explains.
    """
    wanted = ", ".join(f"(:s{n}, :k{n})" for n in range(size))
    statement = text(
        f"SELECT messages.id, messages.sender_id, messages.idempotency_key "
        f"FROM (VALUES {wanted}) AS wanted CROSS JOIN messages "
        f"WHERE messages.sender_id = wanted.column1 "
        f"AND messages.idempotency_key = wanted.column2"
    )
    return _driver_sql(statement.compile(dialect=dialect),
                       [name for n in range(size) for name in (f"s{n}", f"k{n}")])


def _stored_before(conn: Connection, pairs: list[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """The ids of the messages already stored under these (sender, key) pairs."""
    found: dict[tuple[int, str], int] = {}
    while pairs:
        size = next((s for s in _KEY_LOOKUP_SIZES if s >= len(pairs)), _KEY_LOOKUP_SIZES[-1])
        chunk, pairs = pairs[:size], pairs[size:]
        # A short chunk is padded with its last pair: asking twice is harmless.
        chunk += [chunk[-1]] * (size - len(chunk))
        parameters = tuple(value for pair in chunk for value in pair)
        for message_id, sender_id, key in driver_execute(
                conn, _find_keys(conn.dialect, size), parameters):
            found[(sender_id, key)] = message_id
    return found


def store_messages(
    conn: Connection, messages: Sequence[NewMessage], now: datetime | None = None
) -> list[tuple[StoredMessage, bool]]:
    """Store many messages with one INSERT, or find those stored before by key.

    This is the group-commit writer's hot path: a busy room commits hundreds
    of messages at once, and per-message statements cost far more in Python
    than SQLite takes to run them.  So the keys of the whole batch are
    looked up with one statement, and the new rows go in with one
    ``executemany``.

    Ids are given explicitly, counting up from the newest stored: the caller
    holds the write lock (the writer's ``BEGIN IMMEDIATE``), so no one else
    can take them, and the i-th new message of the batch gets the i-th id,
    which is what keeps ids in submission order.  Change numbers (``seq``)
    are given the same way, from the newest change.

    Every message of the batch is stamped with the same time, ``now`` or
    else the current time: when the server stored it.  (One conversion for
    the batch, not one per message, and timestamps then never disagree with
    the order of ids.)

    Returns:
        For each message, in order: the stored message and whether it was
        created now.  False means the sender stored a message with the same
        key before (or earlier in ``messages``); that message is returned
        and nothing is written for this one.
    """
    stored_before = _stored_before(conn, [(message.sender.id, message.key)
                                          for message in messages if message.key is not None])

    insert_sql, to_db = _insert_messages(conn.dialect)
    created_at = datetime.now(UTC) if now is None else now
    stored_created_at = created_at if to_db is None else to_db(created_at)
    results: list[tuple[StoredMessage, bool] | int] = []
    stored_now: dict[tuple[int, str], StoredMessage] = {}
    rows: list[tuple[Any, ...]] = []
    mention_rows: list[tuple[int, int]] = []
    # One statement on the driver, not two through SQLAlchemy: per commit,
    # but pairs commits a few dozen messages at a time (bench/README.md).
    [(newest_id, newest)] = driver_execute(conn, _NEWEST_ID_AND_SEQ)
    next_id, next_seq = newest_id + 1, newest + 1
    for message in messages:
        sender, recipient, key = message.sender, message.recipient, message.key
        if key is not None:
            earlier_id = stored_before.get((sender.id, key))
            if earlier_id is not None:
                results.append(earlier_id)  # resolved below, with its names
                continue
            earlier = stored_now.get((sender.id, key))
            if earlier is not None:
                results.append((earlier, False))
                continue
        mentioned: tuple[str, ...] = ()
        if message.mentions:
            named = visible_mentions(conn, sender.id, None if recipient is None else recipient.id,
                                     message.room_id, message.mentions)
            mention_rows.extend((next_id, account.id) for account in named)
            mentioned = tuple(account.username for account in named)
        stored = StoredMessage(next_id, sender.username,
                               None if recipient is None else recipient.username,
                               message.body, created_at, next_seq, message.room_id, None, False,
                               message.reply_to, message.file_id, mentions=mentioned)
        rows.append((next_id, sender.id, None if recipient is None else recipient.id,
                     message.room_id, message.body, stored_created_at, key, next_seq,
                     message.reply_to, message.file_id))
        if key is not None:
            stored_now[(sender.id, key)] = stored
        results.append((stored, True))
        next_id += 1
        next_seq += 1
    # One statement for many rows, not executemany: the search index's
    # trigger (migration 0005) writes the index once per statement (FTS5
    # flushes its pending terms at each statement's savepoint), and row by
    # row that cost three times as much as the rows themselves.
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[start:start + _ROWS_PER_INSERT]
        driver_execute(conn, _insert_rows(insert_sql, len(chunk)),
                       tuple(value for row in chunk for value in row))
    if mention_rows:
        insert_mentions(conn, mention_rows)
    if stored_before:
        # A resent outbox entry: rare, so plain queries for all of them.
        ids = set(stored_before.values())
        by_id = {message.id: message
                 for message in decorate(conn, messages_by_id(conn, list(ids)))}
        return [(by_id[result], False) if isinstance(result, int) else result
                for result in results]
    return results  # type: ignore[return-value]  # no ids left in it


def store_message(
    conn: Connection,
    sender: AccountRecord,
    recipient: AccountRecord | None,
    body: str,
    now: datetime,
    key: str | None,
) -> tuple[StoredMessage, bool]:
    """Store one message at time ``now``; see :func:`store_messages`."""
    return store_messages(conn, [NewMessage(sender, recipient, body, key)], now)[0]


#: The general room: neither a direct message nor a room's.
_IN_GENERAL = (Message.recipient_id.is_(None), Message.room_id.is_(None))


def _in_room(room_id: int) -> Select[int]:
    """The ids of one room's messages: a range of the recipient index
    (``recipient_id IS NULL`` spelled out so that SQLite uses it)."""
    return select(Message.id).where(Message.recipient_id.is_(None), Message.room_id == room_id)


def rooms_of(conn: Connection, me_id: int) -> list[int]:
    """The ids of the rooms I am a member of (version 2)."""
    return list(conn.execute(
        select(RoomMember.room_id).where(RoomMember.account_id == me_id)).scalars())
#: What version 1 shows (PROTOCOL-2.md): no tombstones.  Room messages are
#: never in a version 1 query's ranges to begin with.
_NOT_DELETED = Message.deleted_at.is_(None)


def _conversation(me_id: int, peer_id: int | None,
                  room_id: int | None = None) -> list[Select[int]]:
    """One id query per index range that makes up a conversation: the
    general room, the direct one with ``peer_id``, or room ``room_id``."""
    if room_id is not None:
        return [_in_room(room_id)]
    if peer_id is None:
        return [select(Message.id).where(*_IN_GENERAL)]
    # Each direction names its recipient: ``recipient_id = :peer`` is what
    # lets SQLite and PostgreSQL read the partial index of direct messages,
    # ix_messages_sender_id_recipient_id_id (tests/db/test_indexes.py).
    if peer_id == me_id:
        # Notes to self: one direction only, or each message would count twice.
        return [select(Message.id).where(Message.sender_id == me_id, Message.recipient_id == me_id)]
    return [
        select(Message.id).where(Message.sender_id == me_id, Message.recipient_id == peer_id),
        select(Message.id).where(Message.sender_id == peer_id, Message.recipient_id == me_id),
    ]


def _newest_first(parts: Sequence[Select[int]], limit: int) -> Select[int]:
    """The ``limit`` highest ids over several ranges, each range cut first so
    that every part is a short index scan, whatever the table's size."""
    if len(parts) == 1:
        return parts[0].order_by(Message.id.desc()).limit(limit)
    pieces = [part.order_by(Message.id.desc()).limit(limit).subquery() for part in parts]
    merged = union_all(*(select(piece.c.id) for piece in pieces)).subquery()
    return select(merged.c.id).order_by(merged.c.id.desc()).limit(limit)


def _oldest_first(parts: Sequence[Select[int]], limit: int) -> Select[int]:
    """The ``limit`` lowest ids over several ranges (see :func:`_newest_first`)."""
    if len(parts) == 1:
        return parts[0].order_by(Message.id).limit(limit)
    pieces = [part.order_by(Message.id).limit(limit).subquery() for part in parts]
    merged = union_all(*(select(piece.c.id) for piece in pieces)).subquery()
    return select(merged.c.id).order_by(merged.c.id).limit(limit)


def _history_parts(me_id: int, peer_id: int | None, include_deleted: bool,
                   room_id: int | None = None) -> list[Select[int]]:
    """The id queries of what ``history`` shows of one conversation (the
    general room, the direct one with ``peer_id``, or room ``room_id``), in
    every direction it pages (before, around, after); tombstones only with
    ``include_deleted`` (version 2)."""
    parts = _conversation(me_id, peer_id, room_id)
    return parts if include_deleted else [part.where(_NOT_DELETED) for part in parts]


def history(
    conn: Connection, me_id: int, peer_id: int | None, before: int | None, limit: int,
    room_id: int | None = None, *, include_deleted: bool = False,
) -> tuple[list[StoredMessage], bool]:
    """The newest ``limit`` messages of one conversation below ``before``:
    the general room, the direct conversation with ``peer_id``, or (version
    2) room ``room_id``, all of it whenever I joined (the caller checks that
    I am a member).

    Args:
        include_deleted: with the tombstones of deleted messages (version
            2; version 1 does not see them).

    Returns:
        The messages ascending by id, and whether older ones exist.
    """
    parts = _history_parts(me_id, peer_id, include_deleted, room_id)
    if before is not None:
        parts = [part.where(Message.id < before) for part in parts]
    rows, has_more = _page(conn, _newest_first(parts, limit + 1), limit)
    # The page asked for one extra row to learn has_more; it is the oldest.
    return (rows[1:] if has_more else rows), has_more


class HistoryPage(NamedTuple):
    """A page of one conversation, ascending by id, and what lies either side
    of it (version 2's ``history``: ``has_more`` and ``has_newer``).  Like
    every version 2 page it holds the tombstones of deleted messages."""

    messages: list[StoredMessage]
    has_more: bool
    has_newer: bool


def _any(conn: Connection, parts: Sequence[Select[int]]) -> bool:
    """Whether any of these id queries finds a row (one index probe each)."""
    return any(conn.execute(part.limit(1)).first() is not None for part in parts)


def has_newer(conn: Connection, me_id: int, peer_id: int | None, than: int,
              room_id: int | None = None) -> bool:
    """Whether the conversation has a message (or tombstone) with an id above ``than``."""
    return _any(conn, [part.where(Message.id > than)
                       for part in _history_parts(me_id, peer_id, True, room_id)])


def history_around(conn: Connection, me_id: int, peer_id: int | None, around: int,
                   limit: int, room_id: int | None = None) -> HistoryPage:
    """Up to ``limit`` messages of one conversation with ``around`` near the middle.

    The message with id ``around`` (if the conversation has it) and the
    older ones take half of the page and the newer ones the other half;
    where one side runs short, the other fills the page.  A client opens a
    search result with it, the result shown in its context.
    """
    parts = _history_parts(me_id, peer_id, True, room_id)
    # Each side asks for a whole page (and one more, to learn whether it
    # goes on): the other side may turn out short.
    older, _ = _page(conn, _newest_first(
        [part.where(Message.id <= around) for part in parts], limit + 1), limit)
    newer, _ = _page(conn, _oldest_first(
        [part.where(Message.id > around) for part in parts], limit + 1), limit)
    take_newer = min(len(newer), limit // 2)
    take_older = min(len(older), limit - take_newer)
    take_newer = min(len(newer), limit - take_older)
    return HistoryPage(older[len(older) - take_older:] + newer[:take_newer],
                       len(older) > take_older, len(newer) > take_newer)


def history_after(conn: Connection, me_id: int, peer_id: int | None, after: int,
                  limit: int, room_id: int | None = None) -> HistoryPage:
    """The oldest ``limit`` messages of one conversation above ``after``, ascending."""
    parts = _history_parts(me_id, peer_id, True, room_id)
    rows, more = _page(conn, _oldest_first(
        [part.where(Message.id > after) for part in parts], limit + 1), limit)
    rows = rows[:limit]
    older = Message.id < rows[0].id if rows else Message.id <= after
    return HistoryPage(rows, _any(conn, [part.where(older) for part in parts]), more)


def history_page(conn: Connection, me_id: int, peer_id: int | None, *, before: int | None,
                 around: int | None, after: int | None, limit: int,
                 room_id: int | None = None) -> HistoryPage:
    """Version 2's ``history``: a page from ``around``, ``after`` or ``before``
    (at most one of them given; none is the newest page), with what lies
    either side of it."""
    if around is not None:
        return history_around(conn, me_id, peer_id, around, limit, room_id)
    if after is not None:
        return history_after(conn, me_id, peer_id, after, limit, room_id)
    messages, has_more = history(conn, me_id, peer_id, before, limit, room_id,
                                 include_deleted=True)
    # Newer than the page: above its newest message, or at or above
    # ``before`` when the page is empty; the newest page has none.
    newest = messages[-1].id if messages else None if before is None else before - 1
    return HistoryPage(messages, has_more,
                       newest is not None and has_newer(conn, me_id, peer_id, newest, room_id))


def sync(conn: Connection, me_id: int, after: int, limit: int, *, rooms: bool = False,
         include_deleted: bool = False) -> tuple[list[StoredMessage], bool]:
    """The oldest ``limit`` messages I can see with id above ``after``.

    What I can see is the general room, what was sent to me and what I sent
    to anyone; each is its own index range.  With ``rooms`` (version 2), the
    messages of every room I am a member of too, one range per room.
    Deleted messages are left out (version 1 has no tombstones) unless
    ``include_deleted``.
    """
    shown = () if include_deleted else (_NOT_DELETED,)
    parts = [
        select(Message.id).where(*_IN_GENERAL, Message.id > after, *shown),
        select(Message.id).where(Message.recipient_id == me_id, Message.room_id.is_(None),
                                 Message.id > after, *shown),
        # Literally "recipient_id IS NOT NULL": that is how SQLite proves the
        # partial index ix_messages_sender_id_id_direct (my direct messages
        # in id order) holds every row this part can return.
        select(Message.id).where(
            Message.sender_id == me_id,
            Message.recipient_id.is_not(None),
            Message.recipient_id != me_id,
            Message.id > after,
            *shown,
        ),
    ]
    if rooms:
        parts += [_in_room(room_id).where(Message.id > after, *shown)
                  for room_id in rooms_of(conn, me_id)]
    rows, has_more = _page(conn, _oldest_first(parts, limit + 1), limit)
    return (rows[:limit] if has_more else rows), has_more


def general_unread(conn: Connection, me_id: int) -> int:
    """General-room messages from others above my general read marker."""
    # The marker is read first and compared as a value, not as a subquery:
    # PostgreSQL cannot estimate a subquery's value, planned for a third of
    # the table and counted with a parallel scan (13-22 ms on a million
    # messages with nothing unread, against 0.2 ms on SQLite).  Both reads
    # are in the caller's transaction, and only I move my marker.
    marker = conn.execute(
        select(Account.general_read_id).where(Account.id == me_id)).scalar_one()
    return conn.execute(
        select(func.count()).where(
            *_IN_GENERAL, Message.id > marker, Message.sender_id != me_id, _NOT_DELETED
        )
    ).scalar_one()


#: Up to this many direct messages received per account, the roster counts
#: my unread ones in one pass over what I received; beyond it, with one
#: index search per account.  Measured at 1 M messages and 2,000 accounts:
#: a search costs about 3 µs, a received message about 1.3 µs.
_ROSTER_PASS_PER_ACCOUNT = 2


def roster(conn: Connection, me_id: int) -> list[RosterRow]:
    """Every account with the number of its direct messages to me I have not read.

    Sorted by the case-folded name, then by code point.
    """
    # Every login reads the roster, so counting with one search per account
    # made logging n clients in cost n² searches.  One pass over the direct
    # messages sent to me costs what my own history costs instead, unless
    # that is long: the pass reads the messages I have read too (the
    # recipient index cannot skip a sender's rows below its marker), and
    # for someone who received 100,000 it took 14 times as long as the
    # searches.  Both ways are exact; counting at most `enough` entries of
    # the covering recipient index tells which is cheaper.
    enough = _ROSTER_PASS_PER_ACCOUNT * conn.execute(
        select(func.count()).select_from(Account)).scalar_one()
    received = conn.execute(select(func.count()).select_from(
        select(Message.id).where(Message.recipient_id == me_id, Message.room_id.is_(None))
        .limit(enough).subquery()
    )).scalar_one()
    if received < enough:
        rows = _roster_in_one_pass(conn, me_id)
    else:
        rows = _roster_by_search_per_account(conn, me_id)
    return sorted(rows, key=lambda r: (r.username_key, r.username))


def _roster_in_one_pass(conn: Connection, me_id: int) -> list[RosterRow]:
    """The roster from one grouped pass over the direct messages sent to me."""
    marker = and_(DirectReadMarker.reader_id == me_id,
                  DirectReadMarker.peer_id == Message.sender_id)
    unread: dict[int, int] = {sender_id: count for sender_id, count in conn.execute(
        select(Message.sender_id, func.count())
        .select_from(Message)
        .outerjoin(DirectReadMarker, marker)
        .where(
            Message.recipient_id == me_id,
            Message.room_id.is_(None),
            # Messages I send myself are never unread to me.
            Message.sender_id != me_id,
            Message.id > func.coalesce(DirectReadMarker.last_read_id, 0),
            _NOT_DELETED,
        )
        .group_by(Message.sender_id)
    )}
    accounts = conn.execute(select(Account.id, Account.username, Account.username_key))
    return [RosterRow(username, key, unread.get(account_id, 0))
            for account_id, username, key in accounts]


def _roster_by_search_per_account(conn: Connection, me_id: int) -> list[RosterRow]:
    """The roster with one index search per account for its unread messages."""
    # Correlated explicitly: the marker sits two levels below the SELECT
    # FROM accounts, where automatic correlation does not reach, and an
    # uncorrelated subquery would add its own FROM accounts and apply one
    # arbitrary peer's marker to every peer.
    marker = (
        select(DirectReadMarker.last_read_id)
        .where(DirectReadMarker.reader_id == me_id, DirectReadMarker.peer_id == Account.id)
        .correlate(Account)
        .scalar_subquery()
    )
    unread = (
        select(func.count())
        .where(
            Message.sender_id == Account.id,
            Message.recipient_id == me_id,
            Message.id > func.coalesce(marker, 0),
            _NOT_DELETED,
        )
        .scalar_subquery()
    )
    # Messages I send myself are never unread to me.
    unread_expr = case((Account.id == me_id, 0), else_=unread)
    rows = conn.execute(select(Account.username, Account.username_key, unread_expr))
    return [RosterRow(*row) for row in rows]


def mark_read(conn: Connection, me_id: int, peer_id: int | None, up_to: int,
              room_id: int | None = None) -> int | None:
    """Move my read marker of a conversation forward, never back: the
    general room's, the direct one with ``peer_id``, or room ``room_id``'s
    (version 2; nothing happens if I am not a member).

    An ``up_to`` beyond the newest message is taken as the newest.

    Returns:
        The new marker if it moved, else None (read receipts are sent only
        when it moves).
    """
    up_to = min(up_to, newest_message_id(conn))
    if room_id is not None:
        moved = conn.execute(
            update(RoomMember)
            .where(RoomMember.room_id == room_id, RoomMember.account_id == me_id,
                   RoomMember.last_read_id < up_to)
            .values(last_read_id=up_to)
        ).rowcount
        return up_to if moved else None
    if peer_id is None:
        moved = conn.execute(
            update(Account)
            .where(Account.id == me_id, Account.general_read_id < up_to)
            .values(general_read_id=up_to)
        ).rowcount
        return up_to if moved else None
    current = conn.execute(
        select(DirectReadMarker.last_read_id).where(
            DirectReadMarker.reader_id == me_id, DirectReadMarker.peer_id == peer_id
        )
    ).scalar_one_or_none()
    if current is None:
        conn.execute(
            insert(DirectReadMarker).values(reader_id=me_id, peer_id=peer_id, last_read_id=up_to)
        )
    elif current < up_to:
        conn.execute(
            update(DirectReadMarker)
            .where(and_(DirectReadMarker.reader_id == me_id, DirectReadMarker.peer_id == peer_id))
            .values(last_read_id=up_to)
        )
    else:
        return None
    return up_to

