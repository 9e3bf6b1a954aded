"""The compose area: it grows with the text up to a third of the window,
counts characters near the limit, and inserts emoji from its picker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from client_gui.compose import COUNTER_FROM, ComposeBox
from client_gui.i18n import LanguageManager
from protocol.limits import BODY_MAX_CHARS


@pytest.fixture
def box(qtbot: QtBot, languages: LanguageManager) -> Iterator[ComposeBox]:
    """A compose box at the bottom of a 700 by 600 window."""
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    layout.addStretch(1)
    compose = ComposeBox(window)
    layout.addWidget(compose)
    window.resize(700, 600)
    window.show()
    qtbot.waitExposed(window)
    yield compose


def all_text_visible(box: ComposeBox) -> bool:
    bar = box.edit.verticalScrollBar()
    assert bar is not None
    return bar.maximum() == 0


def test_the_input_grows_line_by_line_and_shows_every_line(qtbot: QtBot, box: ComposeBox) -> None:
    edit = box.edit
    two_lines = edit.height()
    assert two_lines == edit.height_for_lines(2)
    for line in ("one", "two", "three", "four"):
        qtbot.keyClicks(edit, line)
        qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(edit, "five")
    assert edit.line_count() == 5
    assert edit.height() == edit.height_for_lines(5)
    assert all_text_visible(box)
    edit.clear()
    assert edit.height() == two_lines


def test_long_text_wraps_and_the_input_grows_with_the_wrapped_lines(
        qtbot: QtBot, box: ComposeBox) -> None:
    edit = box.edit
    edit.setPlainText("a fairly long sentence without a newline " * 12)
    assert edit.line_count() > 3
    assert edit.height() == edit.height_for_lines(edit.line_count())
    assert all_text_visible(box)


def test_the_input_stops_at_a_third_of_the_window_and_scrolls(
        qtbot: QtBot, box: ComposeBox) -> None:
    edit = box.edit
    edit.setPlainText("\n".join(f"line {n}" for n in range(40)))
    assert edit.height() == 600 // 3
    assert not all_text_visible(box)
    # A taller window lets it grow further.
    box.window().resize(700, 900)
    qtbot.waitUntil(lambda: edit.height() == 900 // 3)


def test_the_counter_shows_near_the_limit_and_warns_over_it(
        qtbot: QtBot, box: ComposeBox) -> None:
    box.edit.setPlainText("x" * (COUNTER_FROM - 1))
    assert not box.counter.isVisible()
    box.edit.setPlainText("x" * COUNTER_FROM)
    assert box.counter.isVisible()
    assert box.counter.text() == f"{COUNTER_FROM} / {BODY_MAX_CHARS}"
    assert "bold" not in box.counter.styleSheet()
    box.edit.setPlainText("x" * (BODY_MAX_CHARS + 1))
    assert box.counter.text() == f"{BODY_MAX_CHARS + 1} / {BODY_MAX_CHARS}"
    assert "bold" in box.counter.styleSheet()
    box.edit.clear()
    assert not box.counter.isVisible()


# A popup raises itself and grabs the keyboard, which Qt's offscreen
# platform cannot do and says so.
@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing",
                            "does not support propagateSizeHints")
def test_the_emoji_picker_puts_the_emoji_at_the_cursor(qtbot: QtBot, box: ComposeBox) -> None:
    qtbot.keyClicks(box.edit, "see you ")
    qtbot.mouseClick(box.emoji_button, Qt.MouseButton.LeftButton)
    picker = box.emoji_picker
    assert picker is not None and picker.isVisible()
    chosen = picker.buttons[0]
    qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)
    assert not picker.isVisible()
    assert box.edit.toPlainText() == "see you " + chosen.text()
    assert box.edit.hasFocus()
