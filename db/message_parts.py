"""The parts of a message kept in tables of their own: mentions and reactions.

A message row holds its body; who it mentions and who reacted with what are
rows of :class:`~db.models.Mention` and :class:`~db.models.Reaction`, so that
mentions can be counted per account and reactions change without touching
the message.  Version 2 shows both in every message object
(PROTOCOL-2.md, "Objects"): :func:`decorate` reads them for a page of
messages in two statements, whatever the page's size.

Both :mod:`db.queries` (storing sends) and :mod:`db.lifecycle` (edits,
deletions, reactions) use these, so they import nothing from either.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import exists, insert, select
from sqlalchemy.engine import Connection

from .models import Account, Mention, Reaction, RoomMember

if TYPE_CHECKING:
    from .queries import AccountRecord, StoredMessage

__all__ = ["decorate", "insert_mentions", "is_member", "reactions_of", "visible_mentions"]

#: Ids per IN (...) list, well under SQLite's limit on bound parameters.
_CHUNK = 500

M = TypeVar("M", bound="StoredMessage")


def visible_mentions(conn: Connection, sender_id: int, recipient_id: int | None,
                     room_id: int | None, named: Iterable[AccountRecord]) -> list[AccountRecord]:
    """The accounts of ``named`` that can see a message of this conversation,
    each once, in roster order (PROTOCOL-2.md: only they are mentioned).

    The general room is everyone's; a direct message its two ends'; a room
    its members'.
    """
    unique = {account.id: account for account in named}
    if recipient_id is not None:
        visible = [a for a in unique.values() if a.id in (sender_id, recipient_id)]
    elif room_id is not None and unique:
        members = set(conn.execute(select(RoomMember.account_id).where(
            RoomMember.room_id == room_id, RoomMember.account_id.in_(list(unique)))).scalars())
        visible = [a for a in unique.values() if a.id in members]
    else:
        visible = list(unique.values())
    return sorted(visible, key=lambda a: (a.username_key, a.username))


def insert_mentions(conn: Connection, rows: Sequence[tuple[int, int]]) -> None:
    """Store (message id, account id) mentions; the messages must exist already."""
    conn.execute(insert(Mention), [{"message_id": m, "account_id": a} for m, a in rows])


def reactions_of(conn: Connection, message_ids: Sequence[int]
                 ) -> dict[int, tuple[tuple[str, tuple[str, ...]], ...]]:
    """The reactions of these messages: per message, (emoji, names) per
    distinct emoji in the order first used, names in the order they reacted."""
    grouped: dict[int, dict[str, list[str]]] = {}
    for start in range(0, len(message_ids), _CHUNK):
        rows = conn.execute(
            select(Reaction.message_id, Reaction.emoji, Account.username)
            .join(Account, Account.id == Reaction.account_id)
            .where(Reaction.message_id.in_(message_ids[start:start + _CHUNK]))
            .order_by(Reaction.id))
        for message_id, emoji, username in rows:
            grouped.setdefault(message_id, {}).setdefault(emoji, []).append(username)
    return {message_id: tuple((emoji, tuple(names)) for emoji, names in by_emoji.items())
            for message_id, by_emoji in grouped.items()}


def _mentions_of(conn: Connection, message_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The names each of these messages mentions, in roster order."""
    grouped: dict[int, list[tuple[str, str]]] = {}
    for start in range(0, len(message_ids), _CHUNK):
        rows = conn.execute(
            select(Mention.message_id, Account.username_key, Account.username)
            .join(Account, Account.id == Mention.account_id)
            .where(Mention.message_id.in_(message_ids[start:start + _CHUNK])))
        for message_id, key, username in rows:
            grouped.setdefault(message_id, []).append((key, username))
    return {message_id: tuple(name for _, name in sorted(names))
            for message_id, names in grouped.items()}


def decorate(conn: Connection, messages: list[M]) -> list[M]:
    """``messages`` with their mentions and reactions filled in.

    A deleted message has neither (its rows went with its body), so only
    the others are looked up.
    """
    ids = [message.id for message in messages if not message.deleted]
    if not ids:
        return messages
    mentions = _mentions_of(conn, ids)
    reactions = reactions_of(conn, ids)
    if not mentions and not reactions:
        return messages
    return [message._replace(mentions=mentions.get(message.id, ()),
                             reactions=reactions.get(message.id, ()))
            if message.id in mentions or message.id in reactions else message
            for message in messages]


def is_member(conn: Connection, room_id: int, account_id: int) -> bool:
    """Whether an account is a member of a room (and so sees its messages)."""
    return bool(conn.execute(select(exists().where(
        RoomMember.room_id == room_id, RoomMember.account_id == account_id))).scalar())
