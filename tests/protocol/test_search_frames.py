"""Search and opening a result in context, as frames (PROTOCOL-2.md, "Search").

A client relies on a query being text, never syntax, on ``bad_request``
naming the field it got wrong, and on ``history``'s new starting places
(``around``, ``after``) leaving a version 1 frame exactly as it was.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from protocol.errors import ErrorCode, RequestError
from protocol.framing import FrameDecoder, encode_frame
from protocol.limits import SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT
from protocol.objects import Message
from protocol.replies import MessagePage, SearchPage
from protocol.requests import History, Request, Search, decode_request, parse_request
from protocol.rules import check_search_query, search_words


def parse(frame: dict[str, Any]) -> Request:
    return parse_request(decode_request(orjson.dumps(frame)))


def parse_error(frame: dict[str, Any]) -> RequestError:
    with pytest.raises(RequestError) as caught:
        parse(frame)
    return caught.value


def test_a_search_defaults_to_everything_i_can_see_twenty_at_a_time() -> None:
    assert parse({"type": "search", "query": "привет"}) == Search(
        "привет", None, None, False, None, SEARCH_DEFAULT_LIMIT)


@pytest.mark.parametrize(("narrowing", "expected"), [
    ({"with": "bob"}, Search("plan", with_="bob")),
    ({"room": 3}, Search("plan", room=3)),
    ({"general": True}, Search("plan", general=True)),
    ({"with": None, "room": None, "general": False}, Search("plan")),
])
def test_a_search_narrows_to_at_most_one_conversation(
        narrowing: dict[str, Any], expected: Search) -> None:
    assert parse({"type": "search", "query": "plan", **narrowing}) == expected


@pytest.mark.parametrize("narrowing", [
    {"with": "bob", "room": 3}, {"with": "bob", "general": True}, {"room": 3, "general": True}])
def test_two_narrowings_at_once_are_a_bad_request(narrowing: dict[str, Any]) -> None:
    error = parse_error({"type": "search", "query": "plan", **narrowing})
    assert error.code is ErrorCode.BAD_REQUEST
    assert "cannot be given with" in error.message


@pytest.mark.parametrize("query", ["", "a", " a ", "\u3000\u2003x\n", "x" * 201])
def test_a_query_of_fewer_than_2_or_more_than_200_characters_is_a_bad_request(
        query: str) -> None:
    error = parse_error({"type": "search", "query": query})
    assert error.code is ErrorCode.BAD_REQUEST and "'query'" in error.message


@pytest.mark.parametrize(("frame", "field"), [
    ({"type": "search"}, "query"),
    ({"type": "search", "query": 12}, "query"),
    ({"type": "search", "query": "ok", "room": "3"}, "room"),
    ({"type": "search", "query": "ok", "general": 1}, "general"),
    ({"type": "search", "query": "ok", "with": 5}, "with"),
    ({"type": "search", "query": "ok", "before": -1}, "before"),
    ({"type": "search", "query": "ok", "limit": 0}, "limit"),
    ({"type": "search", "query": "ok", "limit": SEARCH_MAX_LIMIT + 1}, "limit"),
])
def test_malformed_search_fields_are_named(frame: dict[str, Any], field: str) -> None:
    error = parse_error(frame)
    assert error.code is ErrorCode.BAD_REQUEST
    assert f"field '{field}'" in error.message


def test_the_query_loses_white_space_at_its_ends_and_nothing_else() -> None:
    assert check_search_query("\u3000 \"NEAR(a* -b)\" \n") == "\"NEAR(a* -b)\""
    assert check_search_query("ab") == "ab"
    assert check_search_query(" " * 300 + "ab") == "ab"


def test_the_words_of_a_query_are_what_lies_between_white_space_each_once() -> None:
    assert search_words("мир  ПРИВ\u2003мир\tx") == ("мир", "ПРИВ", "x")
    assert search_words('"a" OR (b*)') == ('"a"', "OR", "(b*)")


@pytest.mark.parametrize("request_", [
    Search("ПРИВ мир"), Search("**", with_="bob", before=17, limit=100),
    Search('"quoted"', room=4), Search("ab", general=True)])
def test_a_search_survives_to_frame_and_parse(request_: Search) -> None:
    [data] = FrameDecoder().feed(encode_frame(request_.to_frame(9)))
    assert parse_request(decode_request(data)) == request_


def test_a_search_frame_carries_only_the_narrowing_asked_for() -> None:
    assert Search("plan").to_frame(1) == {
        "type": "search", "id": 1, "query": "plan", "before": None, "limit": 20}
    assert Search("plan", room=2).to_frame()["room"] == 2


MESSAGE = Message(7, "alice", None, "привет", "2026-12-02T10:15:00.123Z", seq=9)


def test_a_search_page_reads_back_newest_first_with_partial_only_when_set() -> None:
    older = Message(3, "bob", "alice", "ПРИВЕТ", "2026-12-02T10:14:00.000Z", seq=3)
    page = SearchPage((MESSAGE, older), True)
    wire = page.to_wire(3, version=2)
    assert "partial" not in wire
    assert SearchPage.from_wire(wire) == page
    partial = SearchPage((), False, partial=True)
    assert partial.to_wire(3, version=2)["partial"] is True
    assert SearchPage.from_wire(partial.to_wire(3, version=2)) == partial


def test_history_takes_around_or_after_in_place_of_before() -> None:
    assert parse({"type": "history", "with": "bob", "around": 40}) == History(
        "bob", None, 50, around=40)
    assert parse({"type": "history", "after": 40, "limit": 10}) == History(
        None, None, 10, after=40)
    both = parse({"type": "history", "around": 5, "before": 9})
    assert isinstance(both, History)
    error = both.anchor_error()
    assert error is not None and error.code is ErrorCode.BAD_REQUEST
    assert "'before'" in error.message and "'around'" in error.message
    assert History(None, 9).anchor_error() is None
    assert History(None, None, around=3).anchor_error() is None


def test_a_version_1_history_frame_is_unchanged() -> None:
    assert History("bob", 5).to_frame(1) == {
        "type": "history", "id": 1, "with": "bob", "before": 5, "limit": 50}
    assert History("bob", around=5).to_frame()["around"] == 5


def test_has_newer_is_written_for_version_2_only_and_read_when_present() -> None:
    page = MessagePage((MESSAGE,), False, has_newer=True)
    assert "has_newer" not in page.to_wire(1)
    v2 = page.to_wire(1, version=2)
    assert v2["has_newer"] is True
    assert MessagePage.from_wire(v2) == page
    assert MessagePage.from_wire(page.to_wire(1)).has_newer is None
