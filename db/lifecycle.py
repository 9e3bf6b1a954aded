"""Messages that change after they are sent, and reading them by change number.

Every change to a message (an edit, a deletion, a reaction added or taken
back) takes the next change number ``seq`` under the writer's lock, like a
new message, so a client that remembers the highest ``seq`` it saw and asks
for what came after (:func:`sync_by_seq`) misses no change (PROTOCOL-2.md,
"Catching up by change number").  :func:`apply_changes` is the group-commit
writer's batched write for changes: each is checked against what is stored
when it runs (is the message there, can this account see it, is it theirs),
so a batch of changes to one message applies them in order.

Nothing said is ever lost to an administrator: an edit or a deletion keeps
the body it replaced as a :class:`~db.models.MessageEdit` row
(:func:`message_history`), although the protocol shows only the current
form.  A deletion leaves a tombstone: the row stays with an empty body, so
ids never vanish from history.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import delete, insert, select, union_all, update
from sqlalchemy.engine import Connection

from .message_parts import decorate, insert_mentions, is_member, visible_mentions
from .models import (
    Account,
    DirectReadMarker,
    Mention,
    Message,
    MessageEdit,
    Reaction,
    RoomMember,
)
from .queries import AccountRecord, StoredMessage, messages_by_id, newest_seq

__all__ = [
    "Change",
    "ChangeKind",
    "ChangeOutcome",
    "EditRecord",
    "Refusal",
    "apply_changes",
    "direct_read_marker",
    "message_history",
    "room_members",
    "room_read_markers",
    "sync_by_seq",
]


class ChangeKind(enum.Enum):
    """What a change does to a message."""

    EDIT = "edit"
    DELETE = "delete"
    REACT = "react"


class Change(NamedTuple):
    """One change an account asks for (``edit``, ``delete`` or ``react``).

    ``body`` and ``mentions`` (the accounts the new body names) are an
    edit's; ``emoji`` and ``on`` a reaction's.
    """

    kind: ChangeKind
    account: AccountRecord
    message_id: int
    body: str = ""
    mentions: tuple[AccountRecord, ...] = ()
    emoji: str = ""
    on: bool = True


class Refusal(enum.Enum):
    """Why a change was not made."""

    #: No such message, one the account cannot see, someone else's (edit,
    #: delete), or a deleted one (edit, react).
    UNKNOWN_MESSAGE = "unknown_message"
    #: A new emoji on a message that has the most distinct ones already.
    TOO_MANY_EMOJI = "too_many_emoji"


class ChangeOutcome(NamedTuple):
    """How a change ended.

    Attributes:
        message: the message in its new form (its current one when nothing
            changed); None when refused.
        changed: whether it took a new change number (an edit to the same
            body, a second identical reaction, deleting a deleted message
            change nothing).
        refusal: why it was refused, or None.
        audience: who can see the message: None for the general room
            (everyone), else account ids (a direct message's two ends, a
            room's members as the change was committed).
    """

    message: StoredMessage | None
    changed: bool = False
    refusal: Refusal | None = None
    audience: tuple[int, ...] | None = ()


class EditRecord(NamedTuple):
    """A body a message had before an edit or a deletion replaced it."""

    body: str
    file_id: str | None
    replaced_at: datetime
    deletion: bool


class _Target(NamedTuple):
    sender_id: int
    recipient_id: int | None
    room_id: int | None
    body: str
    deleted: bool
    file_id: str | None


_TARGET = select(Message.sender_id, Message.recipient_id, Message.room_id, Message.body,
                 Message.deleted_at.is_not(None), Message.file_id)


def apply_changes(conn: Connection, changes: Sequence[Change], *, max_distinct_emoji: int,
                  now: datetime | None = None) -> list[ChangeOutcome]:
    """Make changes in order, each taking the next change number if it changes anything.

    The batched write of changes (:class:`~db.database.BatchedWrite`): the
    caller holds the write lock, so the numbers taken here are the next
    ones, in the order of ``changes``.  Every change is stamped ``now`` (or
    the current time).

    Args:
        max_distinct_emoji: the most distinct emoji one message may carry
            (the protocol's limit; this package does not know the protocol).

    Returns:
        One outcome per change, in order.
    """
    now = datetime.now(UTC) if now is None else now
    outcomes: list[ChangeOutcome] = []
    next_seq = newest_seq(conn) + 1
    for change in changes:
        outcome = _apply(conn, change, next_seq, now, max_distinct_emoji)
        if outcome.changed:
            next_seq += 1
        outcomes.append(outcome)
    return outcomes


def _apply(conn: Connection, change: Change, seq: int, now: datetime,
           max_distinct_emoji: int) -> ChangeOutcome:
    row = conn.execute(_TARGET.where(Message.id == change.message_id)).one_or_none()
    if row is None:
        return ChangeOutcome(None, refusal=Refusal.UNKNOWN_MESSAGE)
    target = _Target(*row)
    me = change.account.id
    if not _can_see(conn, target, me):
        return ChangeOutcome(None, refusal=Refusal.UNKNOWN_MESSAGE)
    audience = _audience(conn, target)
    if change.kind is ChangeKind.REACT:
        if target.deleted:
            return ChangeOutcome(None, refusal=Refusal.UNKNOWN_MESSAGE)
        result = _react(conn, change, seq, max_distinct_emoji)
        if isinstance(result, Refusal):
            return ChangeOutcome(None, refusal=result)
        changed = result
    elif target.sender_id != me:
        return ChangeOutcome(None, refusal=Refusal.UNKNOWN_MESSAGE)
    elif change.kind is ChangeKind.EDIT:
        if target.deleted:
            return ChangeOutcome(None, refusal=Refusal.UNKNOWN_MESSAGE)
        changed = target.body != change.body
        if changed:
            _edit(conn, change, target, seq, now)
    else:
        changed = not target.deleted
        if changed:
            _delete(conn, change.message_id, target, seq, now)
    return ChangeOutcome(_current(conn, change.message_id), changed, None, audience)


def _can_see(conn: Connection, target: _Target, account_id: int) -> bool:
    if target.recipient_id is not None:
        return account_id in (target.sender_id, target.recipient_id)
    if target.room_id is not None:
        return is_member(conn, target.room_id, account_id)
    return True


def _audience(conn: Connection, target: _Target) -> tuple[int, ...] | None:
    if target.recipient_id is not None:
        return tuple({target.sender_id, target.recipient_id})
    if target.room_id is not None:
        return tuple(room_members(conn, target.room_id))
    return None


def room_members(conn: Connection, room_id: int) -> list[int]:
    """The account ids of a room's members (none for a room that does not exist)."""
    return list(conn.execute(select(RoomMember.account_id).where(
        RoomMember.room_id == room_id)).scalars())


def _edit(conn: Connection, change: Change, target: _Target, seq: int, now: datetime) -> None:
    conn.execute(insert(MessageEdit).values(
        message_id=change.message_id, body=target.body, file_id=target.file_id,
        replaced_at=now, deletion=False))
    conn.execute(update(Message).where(Message.id == change.message_id).values(
        body=change.body, edited_at=now, seq=seq))
    # Mentions are worked out again from the new body (PROTOCOL-2.md).
    conn.execute(delete(Mention).where(Mention.message_id == change.message_id))
    named = visible_mentions(conn, target.sender_id, target.recipient_id, target.room_id,
                             change.mentions)
    if named:
        insert_mentions(conn, [(change.message_id, account.id) for account in named])


def _delete(conn: Connection, message_id: int, target: _Target, seq: int,
            now: datetime) -> None:
    conn.execute(insert(MessageEdit).values(
        message_id=message_id, body=target.body, file_id=target.file_id,
        replaced_at=now, deletion=True))
    # The tombstone keeps its place and its ends; its body, file, mentions
    # and reactions go (PROTOCOL-2.md, "Objects").  Without the file, no
    # one gains the right to download it through this message any more.
    conn.execute(update(Message).where(Message.id == message_id).values(
        body="", file_id=None, deleted_at=now, seq=seq))
    conn.execute(delete(Mention).where(Mention.message_id == message_id))
    conn.execute(delete(Reaction).where(Reaction.message_id == message_id))


def _react(conn: Connection, change: Change, seq: int, max_distinct_emoji: int) -> bool | Refusal:
    """Add or take back one reaction; whether anything changed, or why not."""
    mine = (Reaction.message_id == change.message_id, Reaction.account_id == change.account.id,
            Reaction.emoji == change.emoji)
    existing = conn.execute(select(Reaction.id).where(*mine)).scalar_one_or_none()
    if change.on == (existing is not None):
        return False
    if change.on:
        emoji = set(conn.execute(select(Reaction.emoji).where(
            Reaction.message_id == change.message_id).distinct()).scalars())
        if change.emoji not in emoji and len(emoji) >= max_distinct_emoji:
            return Refusal.TOO_MANY_EMOJI
        conn.execute(insert(Reaction).values(message_id=change.message_id,
                                             account_id=change.account.id, emoji=change.emoji))
    else:
        conn.execute(delete(Reaction).where(Reaction.id == existing))
    conn.execute(update(Message).where(Message.id == change.message_id).values(seq=seq))
    return True


def _current(conn: Connection, message_id: int) -> StoredMessage:
    """A message in its current form, with its mentions and reactions."""
    return decorate(conn, messages_by_id(conn, [message_id]))[0]


# --------------------------------------------------------------------------
# Reading


def sync_by_seq(conn: Connection, me_id: int, after_seq: int,
                limit: int) -> tuple[list[StoredMessage], bool]:
    """The oldest ``limit`` messages I can see whose change number is above
    ``after_seq``, ascending by it, each in its current form (tombstones too).

    What I can see is :func:`db.queries.sync`'s (the general room, what was
    sent to me, what I sent to others) and the rooms I am a member of; each
    is a range of a ``seq`` index, cut to ``limit + 1`` before they are
    merged, so a page costs the same however much changed.

    Returns:
        The messages, and whether more changes follow them.
    """
    later = Message.seq > after_seq
    parts = [
        select(Message.id, Message.seq).where(
            Message.recipient_id.is_(None), Message.room_id.is_(None), later),
        select(Message.id, Message.seq).where(
            Message.recipient_id == me_id, Message.room_id.is_(None), later),
        # "recipient_id IS NOT NULL" literally, for the partial index
        # ix_messages_sender_id_seq_direct (see db.queries.sync).
        select(Message.id, Message.seq).where(
            Message.sender_id == me_id, Message.recipient_id.is_not(None),
            Message.recipient_id != me_id, later),
    ]
    rooms = conn.execute(select(RoomMember.room_id).where(RoomMember.account_id == me_id))
    parts.extend(select(Message.id, Message.seq).where(
        Message.recipient_id.is_(None), Message.room_id == room_id, later)
        for room_id in rooms.scalars())
    pieces = [part.order_by(Message.seq).limit(limit + 1).subquery() for part in parts]
    merged = union_all(*(select(piece.c.id, piece.c.seq) for piece in pieces)).subquery()
    ids = list(conn.execute(
        select(merged.c.id).order_by(merged.c.seq).limit(limit + 1)).scalars())
    has_more = len(ids) > limit
    messages = sorted(messages_by_id(conn, ids[:limit]), key=lambda message: message.seq)
    return decorate(conn, messages), has_more


def direct_read_marker(conn: Connection, reader_id: int, peer_id: int) -> int:
    """How far ``reader`` has read the direct conversation with ``peer`` (0: nothing)."""
    marker = conn.execute(select(DirectReadMarker.last_read_id).where(
        DirectReadMarker.reader_id == reader_id,
        DirectReadMarker.peer_id == peer_id)).scalar_one_or_none()
    return marker or 0


def room_read_markers(conn: Connection, room_id: int, me_id: int) -> dict[str, int]:
    """How far each other member of a room has read it, by username."""
    rows = conn.execute(
        select(Account.username, RoomMember.last_read_id)
        .join(Account, Account.id == RoomMember.account_id)
        .where(RoomMember.room_id == room_id, RoomMember.account_id != me_id))
    return {username: last_read_id for username, last_read_id in rows}


def message_history(conn: Connection,
                    message_id: int) -> tuple[StoredMessage, list[EditRecord]] | None:
    """A message as it is now, with every body it had before, oldest first
    (for ``python -m server admin message``); None if there is no such message."""
    found = messages_by_id(conn, [message_id])
    if not found:
        return None
    edits = conn.execute(
        select(MessageEdit.body, MessageEdit.file_id, MessageEdit.replaced_at,
               MessageEdit.deletion)
        .where(MessageEdit.message_id == message_id).order_by(MessageEdit.id))
    return decorate(conn, found)[0], [EditRecord(*row) for row in edits]
