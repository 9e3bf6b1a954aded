"""Searching messages by any part of their words (db/search.py, migration 0005).

What a user relies on: any part of any word is found, in any case, in
Cyrillic as in Latin; every word of the query must appear, in any order;
only messages I can see, never a deleted one, an edited one by its current
body; and a query is text, never syntax.  The index is kept in step by
triggers in the transaction that changes a message, whoever writes it, so
these tests change messages with plain SQL as well as through the queries.
"""

from __future__ import annotations

import pytest

from db import queries, search
from db.database import Database
from db.queries import AccountRecord, StoredMessage
from db.search import Direct, Everywhere, General, InRoom, NotAMember, Scope, SearchResult
from protocol.rules import search_words

from .conftest import NOW, register, send, send_all

#: Every test on SQLite (FTS5) and on PostgreSQL (pg_trgm): the same rules.
BOTH_BACKENDS = True


def find(database: Database, me: AccountRecord, query: str, scope: Scope = Everywhere(),
         before: int | None = None, limit: int = 20) -> SearchResult:
    return database.read_now(lambda conn: search.search(
        conn, me.id, scope, search_words(query), before, limit))


def bodies(database: Database, me: AccountRecord, query: str,
           scope: Scope = Everywhere()) -> list[str]:
    return [message.body for message in find(database, me, query, scope).messages]


def sql(database: Database, statement: str, *parameters: object) -> None:
    """Change messages as any other writer might: plain SQL, no Besedka code
    (``?`` for a parameter, as psycopg's ``%s`` on PostgreSQL)."""
    if database.engine.dialect.name == "postgresql":
        statement = statement.replace("?", "%s")
    database.write(lambda conn: conn.exec_driver_sql(statement, parameters)).result()


@pytest.fixture
def alice(database: Database) -> AccountRecord:
    return register(database, "alice")


@pytest.fixture
def bob(database: Database) -> AccountRecord:
    return register(database, "bob")


@pytest.fixture
def carol(database: Database) -> AccountRecord:
    return register(database, "carol")


# --------------------------------------------------------------------------
# What matches


@pytest.mark.parametrize(("query", "expected"), [
    ("ПРИВ", ["ПРИВЕТСТВУЮ всех", "Привет, мир"]),
    ("прив", ["ПРИВЕТСТВУЮ всех", "Привет, мир"]),
    ("вЕт", ["ПРИВЕТСТВУЮ всех", "Привет, мир"]),
    ("ЁЛ", ["Ёлки-палки", "ёлка в лесу"]),
    ("ёлк", ["Ёлки-палки", "ёлка в лесу"]),
    ("ЕЛК", []),  # е and ё are different letters
    ("WORLD", ["Hello wOrLd"]),
    ("lo wo", ["Hello wOrLd"]),  # two words, each anywhere
    ("orl", ["Hello wOrLd"]),
    ("ld", ["Hello wOrLd"]),
    ("hello hello", ["Hello wOrLd"]),
])
def test_any_part_of_a_word_is_found_in_any_case_in_cyrillic_and_latin(
        database: Database, alice: AccountRecord, query: str, expected: list[str]) -> None:
    for body in ("Привет, мир", "ёлка в лесу", "Hello wOrLd", "ПРИВЕТСТВУЮ всех", "Ёлки-палки"):
        send(database, alice, None, body)
    assert bodies(database, alice, query) == expected


def test_every_word_must_appear_in_any_order(database: Database, alice: AccountRecord) -> None:
    for body in ("встреча завтра в 10", "завтра обед", "встреча отменена", "в 10 встреча, завтра"):
        send(database, alice, None, body)
    assert bodies(database, alice, "завтра встреча") == ["в 10 встреча, завтра",
                                                         "встреча завтра в 10"]
    assert bodies(database, alice, "ВСТРЕЧА 10") == ["в 10 встреча, завтра",
                                                     "встреча завтра в 10"]
    assert bodies(database, alice, "10 в") == ["в 10 встреча, завтра", "встреча завтра в 10"]
    assert bodies(database, alice, "встреча обед") == []


@pytest.mark.parametrize("query", [
    '"', '""', '"quoted"', "*", "**", "st*", "NEAR", "NEAR(a", "a -b", "-b", "(a)", "(",
    "a OR b", "a AND", "NOT b", "body:a", "^a", "a+b", "{a}", "'", "%", "_a", "a' OR '1'='1",
    "\\", "--", "/*", ";", "a:b:c"])
def test_a_query_of_fts_and_sql_syntax_is_searched_as_plain_characters(
        database: Database, alice: AccountRecord, query: str) -> None:
    send(database, alice, None, "nothing special here")
    target = send(database, alice, None, f"before {query} after").body
    found = bodies(database, alice, query)
    assert target in found
    assert all(word.lower() in body.lower() for body in found for word in search_words(query))


def test_a_query_made_only_of_fts_syntax_finds_exactly_the_messages_holding_it(
        database: Database, alice: AccountRecord) -> None:
    for body in ('say "NEAR(a b)" -x *', "NEAR a b x", "plain words", '"quoted"'):
        send(database, alice, None, body)
    assert bodies(database, alice, '"NEAR(a b)" -x *') == ['say "NEAR(a b)" -x *']
    assert bodies(database, alice, '"') == ['"quoted"', 'say "NEAR(a b)" -x *']
    assert bodies(database, alice, "**") == []
    assert bodies(database, alice, "* -") == ['say "NEAR(a b)" -x *']
    assert bodies(database, alice, '"quoted" OR plain') == []


def test_percent_and_underscore_are_plain_characters_too(
        database: Database, alice: AccountRecord) -> None:
    for body in ("100% sure", "1000 sure", "a_b", "axb"):
        send(database, alice, None, body)
    assert bodies(database, alice, "0%") == ["100% sure"]
    assert bodies(database, alice, "a_b") == ["a_b"]
    assert bodies(database, alice, "_b") == ["a_b"]


# --------------------------------------------------------------------------
# Whose messages


@pytest.fixture
def spread(database: Database, alice: AccountRecord, bob: AccountRecord,
           carol: AccountRecord) -> None:
    """A word in every kind of conversation, two rooms among them."""
    send_all(database, [
        (alice, None, "plan: general"),
        (alice, bob, "plan: alice to bob"),
        (bob, alice, "plan: bob to alice"),
        (bob, carol, "plan: bob to carol"),
        (carol, carol, "plan: carol's note"),
    ])
    database.write(lambda conn: conn.exec_driver_sql(
        "INSERT INTO rooms (id, name, topic, public, created_at) VALUES "
        "(1, 'lab', '', false, '2026-12-02 10:00:00'), (2, 'club', '', true, '2026-12-02 10:00:00')"
    )).result()
    sql(database, "INSERT INTO room_members (room_id, account_id, role, joined_at, last_read_id) "
                  "VALUES (1, ?, 'owner', '2026-12-02 10:00:00', 0), "
                  "(2, ?, 'owner', '2026-12-02 10:00:00', 0)", alice.id, carol.id)
    database.write(lambda conn: queries.store_messages(conn, [
        queries.NewMessage(alice, None, "plan: in the lab", None, room_id=1),
        queries.NewMessage(carol, None, "plan: in the club", None, room_id=2)], NOW)).result()


@pytest.mark.usefixtures("spread")
def test_everyone_finds_only_what_they_can_see(
        database: Database, alice: AccountRecord, bob: AccountRecord,
        carol: AccountRecord) -> None:
    assert bodies(database, alice, "plan") == [
        "plan: in the lab", "plan: bob to alice", "plan: alice to bob", "plan: general"]
    assert bodies(database, bob, "plan") == [
        "plan: bob to carol", "plan: bob to alice", "plan: alice to bob", "plan: general"]
    # A direct message is never found by a third person, nor a room by a non-member.
    assert bodies(database, carol, "plan") == [
        "plan: in the club", "plan: carol's note", "plan: bob to carol", "plan: general"]
    dave = register(database, "dave")
    assert bodies(database, dave, "plan") == ["plan: general"]
    assert bodies(database, dave, "pl") == ["plan: general"]


@pytest.mark.usefixtures("spread")
def test_a_search_narrows_to_one_conversation(
        database: Database, alice: AccountRecord, bob: AccountRecord,
        carol: AccountRecord) -> None:
    assert bodies(database, alice, "plan", General()) == ["plan: general"]
    assert bodies(database, alice, "plan", Direct(bob.id)) == [
        "plan: bob to alice", "plan: alice to bob"]
    assert bodies(database, bob, "PLAN", Direct(alice.id)) == [
        "plan: bob to alice", "plan: alice to bob"]
    assert bodies(database, alice, "plan", Direct(carol.id)) == []
    assert bodies(database, carol, "plan", Direct(carol.id)) == ["plan: carol's note"]
    assert bodies(database, alice, "plan", InRoom(1)) == ["plan: in the lab"]
    assert bodies(database, alice, "pl", InRoom(1)) == ["plan: in the lab"]
    for room in (2, 3):  # a room alice is not in, and one that does not exist
        with pytest.raises(NotAMember):
            find(database, alice, "plan", InRoom(room))


# --------------------------------------------------------------------------
# Changes: the index follows every writer


def test_an_edited_message_is_found_by_its_current_body_only(
        database: Database, alice: AccountRecord) -> None:
    message = send(database, alice, None, "первая версия")
    sql(database, "UPDATE messages SET body = ?, edited_at = created_at WHERE id = ?",
        "вторая редакция", message.id)
    assert bodies(database, alice, "первая") == []
    assert bodies(database, alice, "редакц") == ["вторая редакция"]
    assert bodies(database, alice, "ВТ") == ["вторая редакция"]
    sql(database, "UPDATE messages SET body = ? WHERE id = ?", "третья", message.id)
    assert bodies(database, alice, "вторая") == [] and bodies(database, alice, "третья") == [
        "третья"]


def test_a_deleted_message_is_never_found(database: Database, alice: AccountRecord) -> None:
    kept = send(database, alice, None, "секрет остался")
    gone = send(database, alice, None, "секрет удалён")
    sql(database, "UPDATE messages SET body = '', deleted_at = created_at WHERE id = ?", gone.id)
    assert bodies(database, alice, "секрет") == [kept.body]
    assert bodies(database, alice, "уд") == []
    # A tombstone keeps its body in some other writer's hands: still never found.
    still = send(database, alice, None, "секрет спрятан")
    sql(database, "UPDATE messages SET deleted_at = created_at WHERE id = ?", still.id)
    assert bodies(database, alice, "секрет") == [kept.body]
    assert bodies(database, alice, "спр") == []


def test_the_index_stays_consistent_through_edits_deletions_and_removed_rows(
        database: Database, alice: AccountRecord) -> None:
    messages = [send(database, alice, None, f"строка номер {n}") for n in range(6)]
    sql(database, "UPDATE messages SET body = 'правка' WHERE id = ?", messages[0].id)
    sql(database, "UPDATE messages SET body = '', deleted_at = created_at WHERE id = ?",
        messages[1].id)
    sql(database, "UPDATE messages SET seq = seq + 100 WHERE id = ?", messages[2].id)  # a reaction
    sql(database, "DELETE FROM messages WHERE id = ?", messages[3].id)
    if database.engine.dialect.name == "sqlite":
        # FTS5 checks its index against the messages it was built from
        # (PostgreSQL keeps its own indexes in step).
        sql(database, "INSERT INTO messages_search (messages_search, rank) "
                      "VALUES ('integrity-check', 1)")
    assert bodies(database, alice, "строка") == ["строка номер 5", "строка номер 4",
                                                 "строка номер 2"]


# --------------------------------------------------------------------------
# Pages


def test_results_page_backwards_newest_first_without_gaps_or_repeats(
        database: Database, alice: AccountRecord) -> None:
    sent = send_all(database, [(alice, None, f"Сообщение {n}") for n in range(7)])
    for query in ("сообщ", "со"):  # through the index, and without it
        seen: list[StoredMessage] = []
        before = None
        while True:
            page = find(database, alice, query, before=before, limit=3)
            seen += page.messages
            if not page.has_more:
                break
            before = page.messages[-1].id
        assert [m.id for m in seen] == [m.id for m in reversed(sent)]
    assert find(database, alice, "сообщ", limit=7).has_more is False


def test_a_result_carries_the_whole_message(database: Database, alice: AccountRecord,
                                            bob: AccountRecord) -> None:
    sent = send(database, alice, bob, "Найди меня")
    [found] = find(database, bob, "найди").messages
    assert found == sent


def test_a_short_query_reads_only_the_newest_messages_and_says_so(
        database: Database, alice: AccountRecord, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "SHORT_QUERY_WINDOW", 4)
    sent = send_all(database, [(alice, None, f"да, номер {n}") for n in range(6)])
    page = find(database, alice, "да")
    assert [m.body for m in page.messages] == [f"да, номер {n}" for n in (5, 4, 3, 2)]
    assert page.partial and not page.has_more
    # A longer word alongside is looked up in the index, over all history.
    everything = find(database, alice, "ДА НОМЕР")
    assert everything.messages == list(reversed(sent)) and not everything.partial


def test_a_small_conversation_is_read_and_a_large_one_searched_through_the_index(
        database: Database, alice: AccountRecord, bob: AccountRecord,
        monkeypatch: pytest.MonkeyPatch) -> None:
    send_all(database, [(alice, bob, f"Ёжик {n}") for n in range(5)]
             + [(alice, None, f"ёжик {n}") for n in range(5)])
    expected = {"direct": ["Ёжик 4", "Ёжик 3"], "general": ["ёжик 4", "ёжик 3"]}
    for small in (search.SMALL_CONVERSATION, 3):  # read, then looked up in the index
        monkeypatch.setattr(search, "SMALL_CONVERSATION", small)
        for scope, name in ((Direct(bob.id), "direct"), (General(), "general")):
            page = database.read_now(lambda conn: search.search(
                conn, alice.id, scope, ["ЁЖИК"], None, 2))
            assert [m.body for m in page.messages] == expected[name] and page.has_more


def test_case_variants_cover_upper_and_lower_case_of_each_character() -> None:
    assert sorted(search.case_variants("ёл")) == sorted(["ёл", "ёЛ", "Ёл", "ЁЛ"])
    assert search.case_variants("1%") == ["1%"]
    assert search.fts_phrase('a"b') == '"a""b"'
