"""Version 2's ``history`` from ``around``, ``after`` or ``before``, with
what lies either side of the page (PROTOCOL-2.md, "Search").

A client opens a search result in its conversation with ``around`` and
scrolls from there both ways with ``before`` and ``after``; each page must
hold only that conversation, with no gap or repeat, and say truly whether
there is more on either side.
"""

from __future__ import annotations

import pytest

from db import queries
from db.database import Database
from db.queries import AccountRecord, HistoryPage, StoredMessage

from .conftest import register, send_all

#: The same SQL on SQLite and on PostgreSQL.
BOTH_BACKENDS = True

MAX_ID = 2**63 - 1


@pytest.fixture
def people(database: Database) -> tuple[AccountRecord, AccountRecord, AccountRecord]:
    return register(database, "alice"), register(database, "bob"), register(database, "carol")


@pytest.fixture
def talk(database: Database, people: tuple[AccountRecord, ...]) -> dict[str, list[StoredMessage]]:
    """Ten general messages and six between alice and bob, interleaved
    with messages between bob and carol that alice must never see."""
    alice, bob, carol = people
    script: list[tuple[AccountRecord, AccountRecord | None, str]] = []
    for n in range(10):
        script.append((alice if n % 2 else bob, None, f"general {n}"))
        if n < 6:
            script.append((alice, bob, f"to bob {n}") if n % 2 else (bob, alice, f"to alice {n}"))
        script.append((bob, carol, f"secret {n}"))
    stored = send_all(database, script)
    return {
        "general": [m for m in stored if m.recipient is None],
        "alice-bob": [m for m in stored if {m.sender, m.recipient} == {"alice", "bob"}],
        "bob-carol": [m for m in stored if {m.sender, m.recipient} == {"bob", "carol"}],
    }


def page(database: Database, me: AccountRecord, peer: AccountRecord | None, *,
         before: int | None = None, around: int | None = None, after: int | None = None,
         limit: int = 50) -> tuple[list[str], bool, bool]:
    result: HistoryPage = database.read_now(lambda conn: queries.history_page(
        conn, me.id, None if peer is None else peer.id, before=before, around=around,
        after=after, limit=limit))
    return [m.body for m in result.messages], result.has_more, result.has_newer


def bodies(messages: list[StoredMessage]) -> list[str]:
    return [m.body for m in messages]


def test_around_puts_the_message_in_the_middle_of_its_conversation(
        database: Database, people: tuple[AccountRecord, ...],
        talk: dict[str, list[StoredMessage]]) -> None:
    alice = people[0]
    general = bodies(talk["general"])
    anchor = talk["general"][5]
    assert page(database, alice, None, around=anchor.id, limit=5) == (general[3:8], True, True)
    assert page(database, alice, None, around=anchor.id, limit=4) == (general[4:8], True, True)
    assert page(database, alice, None, around=anchor.id, limit=1) == ([anchor.body], True, True)


def test_around_near_either_end_fills_the_page_from_the_other_side(
        database: Database, people: tuple[AccountRecord, ...],
        talk: dict[str, list[StoredMessage]]) -> None:
    alice = people[0]
    general = bodies(talk["general"])
    newest, oldest = talk["general"][-1], talk["general"][0]
    assert page(database, alice, None, around=newest.id, limit=4) == (general[6:], True, False)
    assert page(database, alice, None, around=oldest.id, limit=4) == (general[:4], False, True)
    assert page(database, alice, None, around=oldest.id, limit=50) == (general, False, False)


def test_around_an_id_of_another_conversation_shows_only_mine_around_that_place(
        database: Database, people: tuple[AccountRecord, ...],
        talk: dict[str, list[StoredMessage]]) -> None:
    alice, bob, _ = people
    direct = talk["alice-bob"]
    secret = next(m for m in talk["bob-carol"] if direct[2].id < m.id < direct[3].id)
    expected = bodies(direct[1:5])  # two at or below the place, two above it
    assert page(database, alice, bob, around=secret.id, limit=4) == (expected, True, True)
    assert page(database, bob, alice, around=secret.id, limit=4) == (expected, True, True)
    assert page(database, alice, bob, around=MAX_ID, limit=2) == (bodies(direct[4:]), True, False)


def test_after_pages_forward_without_gaps_or_repeats(
        database: Database, people: tuple[AccountRecord, ...],
        talk: dict[str, list[StoredMessage]]) -> None:
    alice = people[0]
    general = talk["general"]
    seen: list[str] = []
    after = general[2].id
    while True:
        messages, has_more, has_newer = page(database, alice, None, after=after, limit=3)
        assert has_more  # everything up to general[2] lies behind every page
        seen += messages
        if not has_newer:
            break
        after = next(m.id for m in general if m.body == messages[-1])
    assert seen == bodies(general[3:])


def test_after_from_the_start_and_beyond_the_end(
        database: Database, people: tuple[AccountRecord, ...],
        talk: dict[str, list[StoredMessage]]) -> None:
    alice = people[0]
    general = bodies(talk["general"])
    assert page(database, alice, None, after=0, limit=4) == (general[:4], False, True)
    assert page(database, alice, None, after=MAX_ID, limit=4) == ([], True, False)


def test_before_says_whether_newer_messages_exist(
        database: Database, people: tuple[AccountRecord, ...],
        talk: dict[str, list[StoredMessage]]) -> None:
    alice, bob, _ = people
    general = talk["general"]
    assert page(database, alice, None, limit=3) == (bodies(general[-3:]), True, False)
    assert page(database, alice, None, before=general[3].id, limit=2) == (
        bodies(general[1:3]), True, True)
    assert page(database, alice, None, before=general[0].id) == ([], False, True)
    # A conversation of no messages has nothing either side.
    carol = people[2]
    assert page(database, alice, carol, before=general[5].id) == ([], False, False)
    assert page(database, alice, carol, around=general[5].id) == ([], False, False)
    assert page(database, alice, bob, before=MAX_ID, limit=6) == (
        bodies(talk["alice-bob"]), False, False)
