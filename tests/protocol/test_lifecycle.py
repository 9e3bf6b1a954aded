"""The frames of messages that change (PROTOCOL-2.md, ``edits``, ``reactions``,
``typing``, ``receipts``): what each request accepts and refuses, how the
events read back, and how ``@name`` tokens and emoji are recognised.
"""

from __future__ import annotations

from typing import Any

import pytest

from protocol.errors import ErrorCode, ProtocolError, RequestError
from protocol.events import decode_server_frame
from protocol.lifecycle import (
    Delete,
    Edit,
    React,
    ReadEvent,
    Typing,
    TypingEvent,
    UpdateEvent,
    check_emoji,
    mention_candidates,
    mention_prefix,
)
from protocol.objects import Message, Reaction
from protocol.replies import MessagePage
from protocol.requests import RawRequest, Send, Sync, parse_request


def parse(fields: dict[str, Any]) -> Any:
    return parse_request(RawRequest(1, fields["type"], fields))


def refusal(fields: dict[str, Any]) -> RequestError:
    with pytest.raises(RequestError) as caught:
        parse(fields)
    return caught.value


# --------------------------------------------------------------------------
# Requests


def test_an_edit_normalises_its_body_like_a_sent_one() -> None:
    assert parse({"type": "edit", "message": 7, "body": "fixed\r\nline"}) == Edit(7, "fixed\nline")


@pytest.mark.parametrize(("body", "code"), [
    ("", ErrorCode.BAD_REQUEST),
    (" \n\t", ErrorCode.BAD_REQUEST),
    ("x" * 4001, ErrorCode.MESSAGE_TOO_LONG),
    ("bell\x07", ErrorCode.BAD_REQUEST),
])
def test_an_empty_or_invalid_edit_is_refused_like_such_a_message(body: str,
                                                                 code: ErrorCode) -> None:
    assert refusal({"type": "edit", "message": 7, "body": body}).code is code


@pytest.mark.parametrize("fields", [
    {"type": "edit", "body": "x"},
    {"type": "edit", "message": "7", "body": "x"},
    {"type": "delete", "message": -1},
    {"type": "delete", "message": True},
    {"type": "react", "message": 1, "emoji": "👍"},
    {"type": "react", "message": 1, "on": True},
])
def test_a_missing_or_ill_typed_field_is_a_bad_request_naming_it(fields: dict[str, Any]) -> None:
    error = refusal(fields)
    assert error.code is ErrorCode.BAD_REQUEST
    assert "field '" in error.message


@pytest.mark.parametrize("emoji", ["👍", "❤️", "👨‍👩‍👧", "🇷🇺", "+1", ":party:", "ok", "x" * 32])
def test_a_short_emoji_like_string_is_a_reaction(emoji: str) -> None:
    assert parse({"type": "react", "message": 3, "emoji": emoji, "on": False}) == React(
        3, emoji, False)


@pytest.mark.parametrize("emoji", ["", "x" * 33, "thumbs up", "👍\n", "\x00", "\u00a0",
                                   "\u3000", "\ud83d"])
def test_a_reaction_that_is_not_a_short_emoji_like_string_is_a_bad_request(emoji: str) -> None:
    error = refusal({"type": "react", "message": 3, "emoji": emoji, "on": True})
    assert error.code is ErrorCode.BAD_REQUEST and "'emoji'" in error.message
    with pytest.raises(ProtocolError):
        check_emoji(emoji)


def test_typing_names_a_conversation_by_to_or_room_but_not_both() -> None:
    assert parse({"type": "typing", "active": True}) == Typing(None, True)
    assert parse({"type": "typing", "to": "bob", "active": False}) == Typing("bob", False)
    assert parse({"type": "typing", "room": 3, "active": True}) == Typing(None, True, 3)
    assert refusal({"type": "typing", "to": "bob", "room": 3, "active": True}).code is (
        ErrorCode.BAD_REQUEST)
    assert refusal({"type": "typing", "to": "bob"}).code is ErrorCode.BAD_REQUEST
    assert Typing("bob", True).to_frame(4) == {"type": "typing", "id": 4, "to": "bob",
                                               "active": True}


def test_reply_to_is_read_and_written_only_when_given() -> None:
    assert parse({"type": "send", "body": "yes", "reply_to": 5}) == Send(None, "yes", None, 5)
    assert Send(None, "hi").to_frame(1) == {"type": "send", "id": 1, "to": None, "body": "hi"}
    assert Send("bob", "yes", "k", 5).to_frame(1)["reply_to"] == 5
    assert refusal({"type": "send", "body": "x", "reply_to": "5"}).code is ErrorCode.BAD_REQUEST


def test_sync_takes_after_seq_in_place_of_after() -> None:
    assert parse({"type": "sync", "after_seq": 40}) == Sync(None, 500, 40)
    assert parse({"type": "sync", "after": 3}) == Sync(3, 500, None)
    assert Sync(None, 100, 40).to_frame(2) == {"type": "sync", "id": 2, "limit": 100,
                                               "after_seq": 40}
    assert Sync(3, 100).to_frame(2) == {"type": "sync", "id": 2, "after": 3, "limit": 100}
    assert "'after'" in refusal({"type": "sync"}).message


# --------------------------------------------------------------------------
# Events and replies


MESSAGE = Message(5, "alice", "bob", "see @bob", "2026-12-02T10:15:00.123Z", seq=12,
                  edited="2026-12-02T10:16:02.000Z", reply_to=4, mentions=("bob",),
                  reactions=(Reaction("👍", ("bob", "alice")),))


def test_an_update_carries_the_whole_new_form_and_reads_back() -> None:
    wire = UpdateEvent(MESSAGE).to_wire(2)
    assert wire["message"]["reactions"] == [{"emoji": "👍", "users": ["bob", "alice"]}]
    assert decode_server_frame(wire) == UpdateEvent(MESSAGE)


def test_typing_and_read_events_read_back_as_written() -> None:
    typing = TypingEvent("alice", "alice", None, True)
    assert typing.to_wire(2) == {"type": "typing", "from": "alice", "to": "alice",
                                 "room": None, "active": True}
    assert decode_server_frame(typing.to_wire(2)) == typing
    read = ReadEvent("bob", "bob", None, 57)
    assert read.to_wire(2) == {"type": "read", "username": "bob", "with": "bob", "room": None,
                               "up_to": 57}
    assert decode_server_frame(read.to_wire(2)) == read
    with pytest.raises(ProtocolError, match="'up_to'"):
        decode_server_frame({"type": "read", "username": "bob", "up_to": "57"})


def test_a_history_page_carries_read_markers_in_version_2_only() -> None:
    page = MessagePage((), False, {"bob": 41})
    assert page.payload(2) == {"messages": [], "has_more": False, "read": {"bob": 41}}
    assert "read" not in page.payload(1)
    assert MessagePage.from_wire(page.payload(2)) == page
    assert MessagePage.from_wire({"messages": [], "has_more": False}).read is None
    with pytest.raises(ProtocolError, match=r"'read\.bob'"):
        MessagePage.from_wire({"messages": [], "has_more": False, "read": {"bob": "x"}})


# --------------------------------------------------------------------------
# Mentions


@pytest.mark.parametrize(("body", "tokens"), [
    ("hi @bob", [("bob",)]),
    ("ask @bob. now", [("bob.", "bob")]),
    ("@alice and @Алиса, @bob's", [("alice",), ("Алиса",), ("bob",)]),
    ("mail alice@example.org", []),
    ("@@bob @ bob", []),
    ("(@a_b_-)", [("a_b_-", "a_b_", "a_b", )]),
    ("@देवनागरी!", [("देवनागरी",)]),
    ("e\u0301@x", []),  # after a combining mark: inside a word
])
def test_mentions_are_at_signs_before_names_with_their_shorter_forms(
        body: str, tokens: list[tuple[str, ...]]) -> None:
    assert mention_candidates(body) == tokens


def test_a_mention_is_read_in_nfc() -> None:
    assert mention_candidates("@Jose\u0301") == [("Jos\u00e9",)]


@pytest.mark.parametrize(("text", "prefix"), [
    ("hello @al", "al"), ("@", ""), ("hi @bob ", None), ("a@b", None), ("no at", None),
])
def test_the_name_being_typed_after_an_at_sign_is_found_for_completion(
        text: str, prefix: str | None) -> None:
    assert mention_prefix(text) == prefix
