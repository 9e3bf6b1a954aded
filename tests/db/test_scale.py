"""History and sync stay exact on a database of 200,000 messages.

Not a benchmark: nothing here is timed.  It proves that the paging queries,
which cut each index range before merging them, still return exactly the
right messages at the boundaries when the conversations are long and
interleaved, and that the unread counts agree with a count done in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from db import queries
from db.database import Database
from db.queries import AccountRecord

from .conftest import register

COUNT = 200_000
Row = tuple[int, int, int | None]


@dataclass
class Corpus:
    db: Database
    alice: AccountRecord
    bob: AccountRecord
    carol: AccountRecord
    # (id, sender id, recipient id or None), ascending by id
    rows: list[Row]

    def ids(self, keep: Callable[[Row], bool]) -> list[int]:
        return [row[0] for row in self.rows if keep(row)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    path: Path = tmp_path_factory.mktemp("scale") / "chat.db"
    db = Database(f"sqlite:///{path}")
    alice, bob, carol = (register(db, name) for name in ("alice", "bob", "carol"))
    people = [alice.id, bob.id, carol.id]
    rows: list[Row] = []
    for n in range(1, COUNT + 1):
        # Mostly the general room, with direct messages in every direction
        # (and notes to self) interleaved at uneven strides.
        sender = people[n % 3]
        recipient = people[(n // 3) % 3] if n % 7 in (0, 3) else None
        rows.append((n, sender, recipient))
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO messages (id, sender_id, recipient_id, body, created_at, seq) "
            "VALUES (?, ?, ?, ?, '2026-11-22 10:15:00.000000', ?)",
            [(n, sender, recipient, f"m{n}", n) for n, sender, recipient in rows],
        )
    yield Corpus(db, alice, bob, carol, rows)
    db.close()


def page_ids(result: tuple[list[queries.StoredMessage], bool]) -> tuple[list[int], bool]:
    messages, has_more = result
    return [m.id for m in messages], has_more


def history(corpus: Corpus, peer: AccountRecord | None, before: int | None,
            limit: int) -> tuple[list[int], bool]:
    peer_id = None if peer is None else peer.id
    return page_ids(corpus.db.read_now(
        lambda conn: queries.history(conn, corpus.alice.id, peer_id, before, limit)))


def sync(corpus: Corpus, after: int, limit: int) -> tuple[list[int], bool]:
    return page_ids(corpus.db.read_now(
        lambda conn: queries.sync(conn, corpus.alice.id, after, limit)))


def test_general_history_at_the_newest_end_the_middle_and_the_oldest_end(
    corpus: Corpus,
) -> None:
    general = corpus.ids(lambda row: row[2] is None)
    assert history(corpus, None, None, 200) == (general[-200:], True)
    middle = general[len(general) // 2]
    assert history(corpus, None, middle, 200) == (general[len(general) // 2 - 200:
                                                           len(general) // 2], True)
    assert history(corpus, None, general[200], 200) == (general[:200], False)
    assert history(corpus, None, general[200] + 1, 200) == (general[1:201], True)


def test_direct_history_merges_two_long_directions_exactly(corpus: Corpus) -> None:
    alice, bob = corpus.alice.id, corpus.bob.id
    between = corpus.ids(lambda row: {row[1], row[2]} == {alice, bob})
    assert len(between) > 10_000
    assert history(corpus, corpus.bob, None, 200) == (between[-200:], True)
    assert history(corpus, corpus.bob, between[150], 200) == (between[:150], False)
    assert history(corpus, corpus.bob, between[5000], 1) == ([between[4999]], True)


def test_notes_to_self_appear_once_each(corpus: Corpus) -> None:
    alice = corpus.alice.id
    notes = corpus.ids(lambda row: row[1] == alice and row[2] == alice)
    assert history(corpus, corpus.alice, None, 200) == (notes[-200:], True)
    assert history(corpus, corpus.alice, notes[100], 200) == (notes[:100], False)


def test_sync_from_the_start_the_middle_and_the_end(corpus: Corpus) -> None:
    alice = corpus.alice.id
    visible = corpus.ids(lambda row: row[2] is None or alice in (row[1], row[2]))
    assert len(visible) < COUNT  # others' direct messages exist and are left out
    assert sync(corpus, 0, 1000) == (visible[:1000], True)
    middle = COUNT // 2
    after_middle = [n for n in visible if n > middle]
    assert sync(corpus, middle, 1000) == (after_middle[:1000], True)
    assert sync(corpus, visible[-1001], 1000) == (visible[-1000:], False)
    assert sync(corpus, visible[-1000], 1000) == (visible[-999:], False)
    assert sync(corpus, COUNT, 1000) == ([], False)


def test_unread_counts_agree_with_counting_by_hand(corpus: Corpus) -> None:
    db, alice = corpus.db, corpus.alice.id
    from_bob = corpus.ids(lambda row: row[1] == corpus.bob.id and row[2] == alice)
    general_from_others = corpus.ids(lambda row: row[2] is None and row[1] != alice)
    roster = {row.username: row.unread
              for row in db.read_now(lambda conn: queries.roster(conn, alice))}
    assert roster["bob"] == len(from_bob)
    # The accounts were registered on an empty database: everything is unread.
    assert db.read_now(lambda conn: queries.general_unread(conn, alice)) == len(
        general_from_others)
