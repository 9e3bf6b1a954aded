"""Finding messages by any part of their words: the search queries.

PROTOCOL-2.md, "Search": a query's words must all appear in a message, each
anywhere (as any part of a word), ignoring case in every script, among the
messages I can see, newest first, never a deleted one.

On SQLite the index is ``messages_search``, an FTS5 table with the
``trigram`` tokenizer over ``messages.body``, made and kept in step with
the messages by triggers (migration 0005).  A trigram index finds a run of
three or more characters, whatever surrounds it, case-folded by FTS5.  So:

* the words of three characters or more become one FTS5 phrase each,
  quoted so that whatever they hold (``"``, ``*``, ``NEAR``, ``-``,
  parentheses) is text to look for, never query syntax (:func:`fts_phrase`);
  the index yields matching ids newest first, and each is checked against
  what I can see.  One conversation of fewer than
  :data:`SMALL_CONVERSATION` messages is read instead, each body checked
  by a function in Python (:data:`CONTAINS`): a common word matches half
  the server, and walking all of that for the few in a small conversation
  cost a hundred times more;
* shorter words (one or two characters) cannot be looked up in a trigram
  index.  Alongside a longer word they only filter its matches (``instr``
  for each way of writing the word in upper and lower case,
  :func:`case_variants`); a query made only of them reads messages
  themselves, newest first, and so looks only at the newest
  :data:`SHORT_QUERY_WINDOW` messages of the server: the answer says it is
  ``partial`` when older ones exist.

On PostgreSQL the index is a ``pg_trgm`` GIN index on the bodies of the
messages not deleted (:data:`TRIGRAM_INDEX`, migration 0005), and each
word is an ``ILIKE`` pattern with ``%``, ``_`` and ``\\`` escaped
(:func:`like_pattern`), so it matches any part of a word, ignoring case by
the database's character type (``lower()``: a UTF-8 database whose
``LC_CTYPE`` knows Cyrillic, as glibc's ``C.UTF-8`` and ``en_US.UTF-8``
do; README, "Larger installations").  ``pg_trgm`` finds the rows holding
the trigrams of the words of three or more characters and PostgreSQL
checks each pattern on them; words of one or two characters have no
trigram, so a query made only of them reads the newest
:data:`SHORT_QUERY_WINDOW` messages, as on SQLite, and says so.

The user's text never becomes SQL: every word travels as a bound
parameter; only the shape of the statement (how many words) varies.

:func:`search` is the one entry point, dispatching on the database's
dialect: both answer the same call by the same rules.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from sqlalchemy import Boolean, Integer, String, Text, column, select, text
from sqlalchemy.engine import Connection

from .models import RoomMember, UTCDateTime
from .queries import StoredMessage, newest_message_id

__all__ = [
    "CONTAINS",
    "SEARCH_TABLES",
    "SEARCH_TRIGGERS",
    "SHORT_QUERY_WINDOW",
    "SMALL_CONVERSATION",
    "TRIGRAM",
    "TRIGRAM_INDEX",
    "Direct",
    "Everywhere",
    "General",
    "InRoom",
    "NotAMember",
    "Scope",
    "SearchResult",
    "case_variants",
    "fts_phrase",
    "like_pattern",
    "register_sqlite_functions",
    "search",
]

#: The shortest word the trigram index can find.
TRIGRAM: Final = 3
#: A query made only of shorter words reads this many of the newest messages at most.
SHORT_QUERY_WINDOW: Final = 100_000
#: One conversation of fewer messages than this is searched by reading it.
SMALL_CONVERSATION: Final = 20_000
#: The SQL function that tells whether a body holds a word, ignoring case
#: (:func:`register_sqlite_functions`).
CONTAINS: Final = "besedka_contains"

#: The index and the tables FTS5 keeps it in (migration 0005).  They are not
#: models; :func:`db.schema.schema_drift` leaves them out knowingly.
SEARCH_TABLES: Final = frozenset({
    "messages_search", "messages_search_data", "messages_search_idx",
    "messages_search_config", "messages_search_docsize", "messages_search_content"})
#: PostgreSQL's index: the bodies of messages not deleted by their trigrams
#: (``pg_trgm``, GIN; migration 0005).  Not a model either.
TRIGRAM_INDEX: Final = "ix_messages_body_trigrams"
#: The triggers that keep the index in step with ``messages`` (migration 0005).
SEARCH_TRIGGERS: Final = ("messages_search_insert", "messages_search_update",
                          "messages_search_delete")


@dataclass(frozen=True, slots=True)
class Everywhere:
    """Every conversation I can see: the general room, my direct
    conversations and the rooms I am a member of."""


@dataclass(frozen=True, slots=True)
class General:
    """The general room only."""


@dataclass(frozen=True, slots=True)
class Direct:
    """My direct conversation with one account (myself: my notes)."""

    peer_id: int


@dataclass(frozen=True, slots=True)
class InRoom:
    """One room; only its members may search it (:class:`NotAMember`)."""

    room_id: int


#: Where to search.
Scope = Everywhere | General | Direct | InRoom


class NotAMember(Exception):
    """The room does not exist or I am not in it (the same to the asker)."""


class SearchResult(NamedTuple):
    """A page of matches, newest first.

    ``has_more``: older messages match too (page on with ``before`` = the
    last one's id).  ``partial``: the words were all too short for the
    index, so only the newest :data:`SHORT_QUERY_WINDOW` messages were read,
    and older ones exist.
    """

    messages: list[StoredMessage]
    has_more: bool
    partial: bool


def fts_phrase(word: str) -> str:
    """``word`` as an FTS5 string: in double quotes, a double quote doubled.

    Inside quotes FTS5 reads no operator, column filter or prefix mark; the
    trigram tokenizer turns the string into a phrase of its trigrams, which
    matches exactly the bodies holding ``word`` (case-folded).
    """
    return '"' + word.replace('"', '""') + '"'


def like_pattern(word: str) -> str:
    """``word`` as an ``ILIKE`` pattern matching any text that holds it:
    ``%`` on both sides, and the pattern characters in it (``%``, ``_``
    and the escape character ``\\``) escaped, so they match themselves."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def case_variants(word: str) -> list[str]:
    """Every way of writing a short ``word`` in upper and lower case:
    ``ёл`` → ``ёл``, ``ёЛ``, ``Ёл``, ``ЁЛ``.

    For the words the trigram index cannot find, matched with ``instr``
    (which compares exactly, and reads no pattern syntax): at most a few
    per character, so a product of them stays small for words of one or
    two characters.  (SQLite's ``LIKE`` would ignore the case of ASCII
    letters only.)
    """
    options = []
    for char in word:
        forms = dict.fromkeys(f for f in (char, char.lower(), char.upper(), char.title(),
                                          char.casefold()) if len(f) == 1)
        options.append(list(forms))
    return ["".join(combination) for combination in itertools.product(*options)]


def search(conn: Connection, me_id: int, scope: Scope, words: Sequence[str],
           before: int | None, limit: int) -> SearchResult:
    """The newest ``limit`` messages in ``scope`` holding every word, below ``before``.

    Args:
        words: what every match must hold (``protocol.rules.search_words``:
            at least one, none empty).

    Raises:
        NotAMember: ``scope`` is a room I am not in.
    """
    if isinstance(scope, InRoom) and conn.execute(select(RoomMember.room_id).where(
            RoomMember.room_id == scope.room_id, RoomMember.account_id == me_id)).first() is None:
        raise NotAMember(scope.room_id)
    if conn.dialect.name == "postgresql":
        return _search_postgresql(conn, me_id, scope, words, before, limit)
    return _search_sqlite(conn, me_id, scope, words, before, limit)


# --------------------------------------------------------------------------
# SQLite


def _visible(scope: Scope, parameters: dict[str, Any]) -> str:
    """The condition on ``m`` (a row of messages) for ``scope``, as SQL with
    named parameters added to ``parameters``."""
    match scope:
        case Everywhere():
            return ("(m.room_id IS NULL AND (m.recipient_id IS NULL OR m.recipient_id = :me"
                    " OR m.sender_id = :me) OR m.room_id IN"
                    " (SELECT room_id FROM room_members WHERE account_id = :me))")
        case General():
            return "(m.recipient_id IS NULL AND m.room_id IS NULL)"
        case Direct(peer_id=peer_id) if peer_id == parameters["me"]:
            return "(m.sender_id = :me AND m.recipient_id = :me)"
        case Direct(peer_id=peer_id):
            parameters["peer"] = peer_id
            return ("(m.room_id IS NULL AND (m.sender_id = :me AND m.recipient_id = :peer"
                    " OR m.sender_id = :peer AND m.recipient_id = :me))")
        case InRoom(room_id=room_id):
            parameters["room"] = room_id
            # (recipient_id IS NULL: so the index of conversations serves it.)
            return "(m.recipient_id IS NULL AND m.room_id = :room)"


def _short_words(words: Sequence[str], parameters: dict[str, Any]) -> list[str]:
    """One condition per word: ``m.body`` holds it in one of its case variants."""
    conditions = []
    for n, word in enumerate(words):
        variants = []
        for v, variant in enumerate(case_variants(word)):
            parameters[f"w{n}_{v}"] = variant
            variants.append(f"instr(m.body, :w{n}_{v}) > 0")
        conditions.append("(" + " OR ".join(variants) + ")")
    return conditions


#: The columns of a :class:`~db.queries.StoredMessage`, in its order, of a
#: message ``m``; the names are looked up for the matches only.
_RESULT_COLUMNS = (
    "m.id, (SELECT username FROM accounts WHERE id = m.sender_id), "
    "(SELECT username FROM accounts WHERE id = m.recipient_id), m.body, m.created_at, m.seq, "
    "m.room_id, m.edited_at, m.deleted_at IS NOT NULL, m.reply_to_id, m.file_id")
#: How SQLAlchemy reads them back (the timestamps are stored naive UTC).
_RESULT_TYPES = (
    column("id", Integer), column("sender", String), column("recipient", String),
    column("body", Text), column("created_at", UTCDateTime()), column("seq", Integer),
    column("room_id", Integer), column("edited_at", UTCDateTime()),
    column("deleted", Boolean), column("reply_to", Integer), column("file_id", String))


def _search_sqlite(conn: Connection, me_id: int, scope: Scope, words: Sequence[str],
                   before: int | None, limit: int) -> SearchResult:
    long_words = [word for word in words if len(word) >= TRIGRAM]
    parameters: dict[str, Any] = {"me": me_id, "limit": limit + 1}
    where = ["m.deleted_at IS NULL", _visible(scope, parameters),
             *_short_words([word for word in words if len(word) < TRIGRAM], parameters)]
    partial = False
    order = "m.id"
    if not long_words:
        # Nothing the index can find: read the newest messages themselves.
        source = "messages AS m"
        floor = newest_message_id(conn) - SHORT_QUERY_WINDOW
        partial = floor > 0
        parameters["floor"] = floor
        where.append("m.id > :floor")
    elif not isinstance(scope, Everywhere) and _smaller_than(
            conn, where[1], parameters, SMALL_CONVERSATION):
        # A small conversation: reading it costs less than walking the
        # index's matches in the whole server for the few in it (a common
        # word matches half the server's messages).  FTS5 cannot check one
        # message at a time cheaply (it loads a term's whole list for each).
        source = "messages AS m"
        for n, word in enumerate(long_words):
            parameters[f"l{n}"] = word.lower()
            where.append(f"{CONTAINS}(m.body, :l{n})")
    else:
        # The index yields ids newest first (FTS5 walks its lists backwards
        # for ORDER BY rowid DESC and takes the bound on rowid itself); each
        # is looked up in messages by its primary key and checked there.
        source = "messages_search AS s JOIN messages AS m ON m.id = s.rowid"
        parameters["match"] = " ".join(fts_phrase(word) for word in long_words)
        where.append("messages_search MATCH :match")
        order = "s.rowid"
    if before is not None:
        parameters["before"] = before
        where.append(f"{order} < :before")
    # One statement: the names and the rest of each match are read only for
    # the rows that pass, so a page costs one walk and a few primary-key
    # lookups per match (three statements through SQLAlchemy cost more
    # than SQLite took to run them).
    statement = text(
        f"SELECT {_RESULT_COLUMNS} FROM {source} WHERE {' AND '.join(where)} "
        f"ORDER BY {order} DESC LIMIT :limit").columns(*_RESULT_TYPES)
    found = [StoredMessage(*row) for row in conn.execute(statement, parameters)]
    return SearchResult(found[:limit], len(found) > limit, partial)


def _smaller_than(conn: Connection, visible: str, parameters: dict[str, Any],
                  size: int) -> bool:
    """Whether fewer than ``size`` messages satisfy ``visible`` (reading at
    most ``size`` entries of an index)."""
    return bool(conn.execute(text(
        f"SELECT count(*) < :size FROM (SELECT 1 FROM messages AS m WHERE {visible} "
        "LIMIT :size)"), {**parameters, "size": size}).scalar_one())


def _contains(body: str | None, lowered_word: str) -> bool:
    """:data:`CONTAINS`: whether ``body`` holds a word, ignoring case."""
    return body is not None and lowered_word in body.lower()


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """Give an SQLite connection the function the search reads bodies with
    (:data:`CONTAINS`); :func:`db.engine.create_database_engine` calls it
    for every connection."""
    dbapi_connection.create_function(CONTAINS, 2, _contains, deterministic=True)


# --------------------------------------------------------------------------
# PostgreSQL


def _search_postgresql(conn: Connection, me_id: int, scope: Scope, words: Sequence[str],
                       before: int | None, limit: int) -> SearchResult:
    parameters: dict[str, Any] = {"me": me_id, "limit": limit + 1}
    where = ["m.deleted_at IS NULL", _visible(scope, parameters)]
    for n, word in enumerate(words):
        # (ILIKE's escape character is the backslash unless told otherwise.)
        parameters[f"w{n}"] = like_pattern(word)
        where.append(f"m.body ILIKE :w{n}")
    partial = False
    if all(len(word) < TRIGRAM for word in words):
        # No trigram to look up: read the newest messages themselves.
        floor = newest_message_id(conn) - SHORT_QUERY_WINDOW
        partial = floor > 0
        parameters["floor"] = floor
        where.append("m.id > :floor")
    if before is not None:
        parameters["before"] = before
        where.append("m.id < :before")
    # The planner picks the trigram index, or for a small conversation the
    # index of conversations by id, from its statistics.
    statement = text(
        f"SELECT {_RESULT_COLUMNS} FROM messages AS m WHERE {' AND '.join(where)} "
        "ORDER BY m.id DESC LIMIT :limit").columns(*_RESULT_TYPES)
    found = [StoredMessage(*row) for row in conn.execute(statement, parameters)]
    return SearchResult(found[:limit], len(found) > limit, partial)
