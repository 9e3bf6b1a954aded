"""The message model and the typing tracker on plain data: newer forms replace
older ones by ``seq`` (never the other way), a reply's quote follows its
original, receipts follow read markers, and typing notices expire.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from client_gui.bubble_parts import Quote
from client_gui.models import MessageListModel, Roles
from client_gui.outbox import RoomConversation
from client_gui.read_markers import Receipt
from client_gui.typing_indicator import TypingSender, TypingTracker, typing_text
from protocol.lifecycle import TypingEvent
from protocol.objects import Message, Reaction

TS = "2026-11-22T10:15:00.123Z"


def message(message_id: int, seq: int, body: str = "", sender: str = "bob",
            **fields: object) -> Message:
    return Message(message_id, sender, None, body or f"m{message_id}", TS, seq=seq,
                   **fields)  # type: ignore[arg-type]


def test_a_newer_form_replaces_a_row_and_an_older_one_is_ignored(qtbot: QtBot) -> None:
    model = MessageListModel(None, "alice")
    model.add_messages([message(1, 1, "helo"), message(2, 2)])
    with qtbot.waitSignal(model.dataChanged):
        assert model.update_messages([message(1, 5, "hello", edited=TS)]) == 1
    assert (model.row(0).body, model.row(0).edited, model.row(0).seq) == ("hello", True, 5)
    # A history page read before the edit arrives late: it changes nothing.
    assert model.update_messages([message(1, 1, "helo")]) == 0
    assert model.row(0).body == "hello"
    # Messages not loaded are not added by an update.
    assert model.update_messages([message(99, 9)]) == 0 and model.rowCount() == 2


def test_reactions_and_mentions_are_read_from_my_point_of_view() -> None:
    model = MessageListModel(None, "Alice")
    model.add_messages([message(1, 1, mentions=("alice",),
                                reactions=(Reaction("👍", ("bob", "ALICE")),
                                           Reaction("🎉", ("bob",))))])
    row = model.row(0)
    assert row.mentions_me and row.my_reactions == {"👍"}


def test_a_quote_shows_its_original_as_it_is_now(qtbot: QtBot) -> None:
    model = MessageListModel(None, "alice")
    model.add_messages([message(1, 1, "question"), message(2, 2, "answer", reply_to=1),
                        message(3, 3, "to the unknown", reply_to=0)])
    assert model.data(model.index(1), Roles.QUOTE) == Quote("bob", "question")
    assert model.data(model.index(2), Roles.QUOTE) is None
    with qtbot.waitSignal(model.dataChanged,
                          check_params_cb=lambda top, bottom, roles: Roles.QUOTE in roles):
        model.update_messages([message(1, 4, "", deleted=True)])
    assert model.data(model.index(1), Roles.QUOTE).deleted


def test_ticks_in_a_direct_conversation_follow_the_peer_s_marker() -> None:
    model = MessageListModel("bob", "alice")
    model.add_messages([message(1, 1, sender="alice"), message(2, 2, sender="alice"),
                        message(3, 3, sender="bob")])
    model.set_read_marker("bob", 1)
    receipts = [model.data(model.index(n), Roles.RECEIPT) for n in range(3)]
    assert receipts == [Receipt.READ, Receipt.STORED, None]
    model.set_read_marker("bob", 0)  # markers never go back
    assert model.data(model.index(0), Roles.RECEIPT) is Receipt.READ


def test_in_a_room_only_my_last_message_says_who_saw_it() -> None:
    model = MessageListModel(RoomConversation(3), "alice")
    model.add_messages([message(1, 1, sender="alice"), message(2, 2, sender="alice"),
                        message(3, 3, sender="bob")])
    for name, up_to in (("bob", 3), ("Carol", 2), ("dan", 1)):
        model.set_read_marker(name, up_to)
    assert model.data(model.index(0), Roles.SEEN_BY) == []
    assert model.data(model.index(1), Roles.SEEN_BY) == ["bob", "Carol"]
    assert "Seen by bob, Carol" in model.data(model.index(1), 3)  # the tooltip
    assert model.data(model.index(1), Roles.RECEIPT) is None


def test_typing_notices_expire_and_end_with_the_typist_s_message(qtbot: QtBot) -> None:
    now = [100.0]
    tracker = TypingTracker("alice", expires=0.2, clock=lambda: now[0])
    tracker.on_typing(TypingEvent("bob", None, None, True))
    tracker.on_typing(TypingEvent("carol", None, None, True))
    tracker.on_typing(TypingEvent("bob", "bob", None, True))  # direct, as bob names it
    tracker.on_typing(TypingEvent("alice", None, None, True))  # my other client
    assert tracker.names(None) == ["bob", "carol"] and tracker.names("bob") == ["bob"]
    assert typing_text(tracker.names(None)) == "bob and carol are typing\u2026"
    tracker.message_arrived(None, "carol")
    assert tracker.names(None) == ["bob"]
    now[0] += 1
    with qtbot.waitSignal(tracker.changed, timeout=2000):
        pass
    qtbot.waitUntil(lambda: tracker.names(None) == [] and tracker.names("bob") == [],
                    timeout=2000)


def test_my_typing_is_sent_once_and_stopped_once(qtbot: QtBot) -> None:
    sent: list[tuple[object, bool]] = []
    now = [0.0]
    sender = TypingSender(lambda conversation, active: sent.append((conversation, active)),
                          clock=lambda: now[0])
    for text in ("h", "he", "hel"):
        sender.text_changed(None, text)
    now[0] = 10.0  # still typing, long after: said again
    sender.text_changed(None, "hell")
    sender.text_changed("bob", "x")  # another conversation: the first one stops
    sender.text_changed("bob", "")
    sender.stop()
    assert sent == [(None, True), (None, True), (None, False), ("bob", True), ("bob", False)]
