"""Searching in the chat window as a person does it, against a real server.

Ctrl+F searches the open conversation and Ctrl+Shift+F all of them; results
appear as the user types (after a short pause, a newer query superseding
an older one), each with its sender, conversation and time and the match
highlighted; Enter opens the conversation at that message, loaded around
it and selected; Esc goes back to the results, and again to where the
search began.  The panel says what it searched when there is nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from client_gui.chat_window import ChatWindow
from client_gui.search_results import match_ranges, snippet
from tests.conftest import ServerProcess

from .conftest import WAIT_MS, Bot, StartClient, bodies, log_in, register, type_text


def results(window: ChatWindow) -> list[str]:
    model = window.search_panel.model
    return [model.message(row).body for row in range(model.rowCount())]


def search_for(qtbot: QtBot, window: ChatWindow, query: str, expected: list[str]) -> None:
    """Type a query into the open panel and wait for these results."""
    panel = window.search_panel
    panel.query.clear()
    type_text(panel.query, query)
    qtbot.waitUntil(lambda: results(window) == expected and not panel._ticket
                    and not panel._delay.isActive(), timeout=WAIT_MS)


def press(qtbot: QtBot, key: Qt.Key,
          modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key press where the keyboard focus is, as a person's would land."""
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, key, modifiers)


def test_ctrl_f_finds_any_part_of_a_word_and_enter_opens_it_in_place(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    alice.show()
    qtbot.waitExposed(alice)
    alice.activateWindow()
    bob = bots(server.address, "bob")
    for body in ("Привет всем", "ёлка во дворе", "ПРИВЕТСТВУЮ", "пока"):
        bob.send(body)
    qtbot.waitUntil(lambda: alice.conversations.model(None).rowCount() == 4, timeout=WAIT_MS)

    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = alice.search_panel
    assert alice.search.searching and panel.query.hasFocus()
    assert not panel.everywhere and panel.scope.currentText() == "In General"
    assert panel.status.text().startswith("Type to search.")
    search_for(qtbot, alice, "ПРИВ", ["ПРИВЕТСТВУЮ", "Привет всем"])
    assert not panel.status.isVisible()
    assert panel.model.words == ("ПРИВ",)
    assert match_ranges("ПРИВЕТСТВУЮ", panel.model.words) == [(0, 4)]
    search_for(qtbot, alice, "ЁЛ", ["ёлка во дворе"])

    # Enter in the query opens the first result in its conversation, selected.
    press(qtbot, Qt.Key.Key_Return)
    assert not alice.search.searching and alice.current_conversation is None
    view = alice.message_view
    selected = view.selected_rows()
    assert [row.body for row in selected] == ["ёлка во дворе"]
    # Esc: back to the results; Esc again: back to the conversation.
    press(qtbot, Qt.Key.Key_Escape)
    assert alice.search.searching and results(alice) == ["ёлка во дворе"]
    press(qtbot, Qt.Key.Key_Escape)
    assert not alice.search.searching


def test_a_result_far_back_opens_around_it_and_newer_pages_follow(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    # Pages of 30 around a result in a low window: the result in the middle
    # is far from the bottom, so nothing newer is asked for on its own.
    # Sent while alice was away: only what she opens is loaded.
    bots(server.address, "alice").close()
    bob = bots(server.address, "bob")
    sent = [bob.send(f"строка {n}", to="alice") for n in range(60)]
    bob.send("в общий чат")
    alice = log_in(qtbot, start_client(server.address, page_sizes=(30, 10)), "alice")
    alice.resize(700, 300)
    alice.show()
    qtbot.waitExposed(alice)
    qtbot.waitUntil(lambda: alice._proxy_index("bob").isValid(), timeout=WAIT_MS)
    alice.select_conversation("bob")
    model = alice.conversations.model("bob")
    qtbot.waitUntil(lambda: model.rowCount() >= 30, timeout=WAIT_MS)
    assert not model.contains(sent[7]["id"])

    # All conversations, from the general room: the result brings bob's back.
    alice.select_conversation(None)
    press(qtbot, Qt.Key.Key_F,
          Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    panel = alice.search_panel
    assert panel.everywhere and panel.scope.currentText() == "In all conversations"
    search_for(qtbot, alice, "СТРОКА 7", [f"строка {n}" for n in (57, 47, 37, 27, 17, 7)])
    panel.results.setFocus()
    panel.results.setCurrentIndex(panel.model.index(5))
    press(qtbot, Qt.Key.Key_Return)
    assert alice.current_conversation == "bob"
    qtbot.waitUntil(lambda: [r.body for r in alice.message_view.selected_rows()]
                    == ["строка 7"], timeout=WAIT_MS)
    # The page around it came first: not from the newest page back.
    assert model.contains(sent[7]["id"]) and model.has_newer
    # Leaving the search (Esc twice) brings bob's conversation back to its
    # newest messages, and the window back to the general room.
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Escape)
    assert alice.current_conversation is None
    qtbot.waitUntil(lambda: model.contains(sent[59]["id"]) and not model.has_newer,
                    timeout=WAIT_MS)
    assert not model.contains(sent[7]["id"])
    # Opened again: scrolling down from it loads newer pages until the present.
    alice.search.start(everywhere=True)
    search_for(qtbot, alice, "СТРОКА 7", [f"строка {n}" for n in (57, 47, 37, 27, 17, 7)])
    panel.results.setCurrentIndex(panel.model.index(5))
    panel.open_current()
    qtbot.waitUntil(lambda: [r.body for r in alice.message_view.selected_rows()]
                    == ["строка 7"], timeout=WAIT_MS)
    # Scrolling down loads newer pages until the present, without a gap.
    bar = alice.message_view.verticalScrollBar()
    for _ in range(20):
        if not model.has_newer:
            break
        bar.setValue(bar.maximum())
        qtbot.waitUntil(lambda: not model.loading_newer, timeout=WAIT_MS)
    assert not model.has_newer
    ids = [model.row(n).id for n in range(model.rowCount())]
    first = next(n for n, m in enumerate(sent) if m["id"] == ids[0])
    assert ids == [m["id"] for m in sent[first:]] and first <= 7


def test_sending_from_the_past_returns_to_the_present(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    bob = bots(server.address, "bob")
    sent = [bob.send(f"номер {n}") for n in range(80)]
    # Logged in after them: the first pages hold only the newest (as many
    # as fill the view; one sender's rows are grouped, so a few dozen).
    alice = register(qtbot, start_client(server.address, page_sizes=(10, 10)), "alice")
    model = alice.conversations.model(None)
    qtbot.waitUntil(lambda: model.rowCount() >= 10, timeout=WAIT_MS)
    alice.search.start(everywhere=False)
    expected = [f"номер {n}" for n in reversed(range(80)) if "3" in str(n)]
    search_for(qtbot, alice, "номер 3", expected)
    alice.search_panel.results.setCurrentIndex(alice.search_panel.model.index(len(expected) - 1))
    alice.search_panel.open_current()
    qtbot.waitUntil(lambda: model.contains(sent[3]["id"]) and model.has_newer, timeout=WAIT_MS)
    # A message typed now belongs at the end: the conversation shows its newest again.
    bob.send("и ещё одно")
    type_text(alice.compose, "ответ")
    qtbot.keyClick(alice.compose, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bodies(model)[-2:] == ["и ещё одно", "ответ"]
                    and not model.has_newer, timeout=WAIT_MS)
    assert not model.contains(sent[3]["id"])


def test_the_panel_says_what_it_searched_when_nothing_is_found(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = bots(server.address, "bob")
    bob.send("только для Алисы", to="alice")
    qtbot.waitUntil(lambda: alice._proxy_index("bob").isValid(), timeout=WAIT_MS)
    alice.select_conversation("bob")
    alice.search.start(everywhere=False)
    panel = alice.search_panel
    assert panel.scope.currentText() == "In bob"
    type_text(panel.query, "x")
    assert panel.status.text() == "Type at least 2 characters."
    search_for(qtbot, alice, "zzz", [])
    assert panel.status.text() == "No messages with bob contain \u201czzz\u201d."
    panel.scope.setCurrentIndex(1)
    qtbot.waitUntil(lambda: panel.status.text() == "No messages contain \u201czzz\u201d.",
                    timeout=WAIT_MS)
    # Two letters, read in the messages themselves: all of them on a small server.
    search_for(qtbot, alice, "ал", ["только для Алисы"])
    assert not panel.status.isVisible()
    # Esc in the query box leaves the search, back where it began.
    panel.scope.setCurrentIndex(0)
    alice.show()
    qtbot.waitExposed(alice)
    panel.query.setFocus()
    qtbot.keyClick(panel.query, Qt.Key.Key_Escape)
    assert not alice.search.searching and alice.current_conversation == "bob"


def test_a_newer_query_supersedes_the_answer_to_an_older_one(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    alice = register(qtbot, start_client(server.address), "alice")
    bob = bots(server.address, "bob")
    bob.send("приход")
    bob.send("привет")
    qtbot.waitUntil(lambda: alice.conversations.model(None).rowCount() == 2, timeout=WAIT_MS)
    alice.search.start(everywhere=True)
    panel = alice.search_panel
    answers: list[int] = []
    alice._client.history.search_answered.connect(lambda ticket, answer: answers.append(ticket))
    # Typed quickly: one search once the typing pauses.
    type_text(panel.query, "прив")
    qtbot.waitUntil(lambda: answers != [], timeout=WAIT_MS)
    assert len(answers) == 1 and results(alice) == ["привет"]
    # Asked, then asked something else before the answer came: only the
    # later answer counts.
    panel.query.setText("при")
    panel.search_now()
    panel.query.setText("приход")
    panel.search_now()
    qtbot.waitUntil(lambda: len(answers) == 3, timeout=WAIT_MS)
    assert results(alice) == ["приход"]


def test_snippets_start_near_the_first_match_and_mark_every_match() -> None:
    text, ranges = snippet("слово " * 30 + "Ёлка и ёлка\nи ЁЛКА", ["ёлк"])
    assert text.startswith("\u2026") and "\n" not in text
    assert [text[start:end] for start, end in ranges] == ["Ёлк", "ёлк", "ЁЛК"]
    assert match_ranges("İstanbul istanbul", ["ist"]) == [(9, 12)]
