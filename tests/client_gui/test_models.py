"""The pieces under the windows, fed directly: message order and
deduplication, links, addresses, settings, and row heights in the view."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PyQt6.QtCore import QByteArray, QPointF, QSettings
from PyQt6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from client_gui.app import parse_server
from client_gui.linkify import body_html, find_links
from client_gui.message_view import MessageView
from client_gui.models import MessageListModel
from client_gui.settings import ALL_SETTINGS, CHAT_GEOMETRY, SERVER_PORT, Settings
from protocol.frames import Message

from .conftest import bodies


def message(number: int, sender: str = "bob", body: str | None = None,
            day: int = 22) -> Message:
    return Message(number, sender, None, body or f"message {number}",
                   f"2026-11-{day:02}T10:{number % 60:02}:00.000Z")


def test_messages_stay_in_id_order_and_are_never_shown_twice() -> None:
    model = MessageListModel(None, "alice")
    model.add_messages([message(5), message(6)])
    model.add_messages([message(7), message(6)])  # an event overlapping a sync page
    model.add_messages([message(2), message(3)])  # an older page
    model.add_messages([message(4), message(1), message(5)])  # a page that overlaps
    assert bodies(model) == [f"message {n}" for n in range(1, 8)]
    assert model.oldest_id == 1 and model.newest_id == 7


def test_day_separators_follow_the_local_day() -> None:
    model = MessageListModel(None, "alice")
    model.add_messages([message(3, day=21), message(4, day=22), message(5, day=22)])
    assert [model.starts_day(n) for n in range(3)] == [True, True, False]
    model.add_messages([message(1, day=21)])  # message 3 no longer starts its day
    assert [model.starts_day(n) for n in range(4)] == [True, False, True, False]


def test_links_are_found_and_everything_else_is_escaped() -> None:
    text = "see https://example.org/a_(b). and www.example.com, not <b>bold</b>\nok"
    assert [target for _, _, target in find_links(text)] == [
        "https://example.org/a_(b)", "http://www.example.com"]
    html = body_html(text)
    assert '<a href="https://example.org/a_(b)">https://example.org/a_(b)</a>.' in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>" not in html


@pytest.mark.parametrize(("text", "address"), [
    ("example.lan", ("example.lan", 7447)),
    ("10.0.0.5:9000", ("10.0.0.5", 9000)),
    ("[::1]:7448", ("::1", 7448)),
    ("[fe80::1]", ("fe80::1", 7447)),
])
def test_server_addresses_parse(text: str, address: tuple[str, int]) -> None:
    assert parse_server(text) == address


@pytest.mark.parametrize("text", [":7447", "host:http", "host:70000"])
def test_bad_server_addresses_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_server(text)


def test_settings_have_defaults_and_keep_their_types(tmp_path: Path) -> None:
    path = str(tmp_path / "settings.ini")
    settings = Settings(QSettings(path, QSettings.Format.IniFormat))
    assert len({setting.key for setting in ALL_SETTINGS}) == len(ALL_SETTINGS)
    for setting in ALL_SETTINGS:
        assert settings.get(setting) == setting.default
    settings.set(SERVER_PORT, 9000)
    settings.set(CHAT_GEOMETRY, QByteArray(b"\x00\x01geometry"))
    settings.sync()
    reread = Settings(QSettings(path, QSettings.Format.IniFormat))
    assert reread.get(SERVER_PORT) == 9000
    assert reread.get(CHAT_GEOMETRY) == QByteArray(b"\x00\x01geometry")


def test_rows_are_as_tall_as_their_wrapped_text_after_a_resize(qtbot: QtBot) -> None:
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(700, 400)
    model = MessageListModel(None, "alice")
    view.setModel(model)
    model.add_messages([message(n, body="word " * (20 * (n % 5 + 1))) for n in range(1, 900)])
    view.show()
    qtbot.waitExposed(view)

    def heights_match() -> bool:
        width = view.viewport().width()
        return all(view.rowHeight(n) == view.message_delegate.row_height(
            model.row(n), model.placement(n), width) for n in range(model.rowCount()))

    # Showing the view gives it its real width; rows off screen are
    # measured again in the background.
    qtbot.waitUntil(heights_match)
    # Still at the newest message, which is fully visible.
    last = view.visualRect(model.index(model.rowCount() - 1))
    assert last.bottom() <= view.viewport().height()
    tall = view.rowHeight(model.rowCount() - 1)
    view.resize(350, 400)  # narrower: every row wraps more
    qtbot.waitUntil(heights_match)
    assert view.rowHeight(model.rowCount() - 1) > tall
    last = view.visualRect(model.index(model.rowCount() - 1))
    assert 0 < last.bottom() <= view.viewport().height()


@pytest.mark.parametrize("body", [
    "one line",
    "Me. Pizza or soup?\nVote by 12:30.",
    "\nstarts with an empty line",
    "ends with an empty line\n",
    "see https://example.org/" + "very-long-path/" * 12 + " and more",
    "Сборочный сервер перезагрузится в 18:00 для обновлений:   сохраните работу",
    "x" * 400,
])
def test_the_selection_editor_shows_the_text_as_tall_as_the_bubble_drew_it(
        qtbot: QtBot, body: str) -> None:
    # The bubble lays out its text for measuring and painting; the text
    # browser that opens over it to select a part shows a document: a line
    # broken elsewhere would make the text jump, or cut its last line.
    view = MessageView()
    qtbot.addWidget(view)
    model = MessageListModel(None, "alice")
    view.setModel(model)
    model.add_messages([message(1, body=body)])
    delegate = view.message_delegate
    for width in (90, 240, 520):
        text = delegate.text(model.row(0), width)
        document = delegate.document(model.row(0), width)
        assert text.height == int(document.size().height() + 0.999)
        assert document.toPlainText() == body


def test_a_link_after_emoji_is_found_where_it_is_drawn(qtbot: QtBot) -> None:
    # Qt counts an emoji as two characters (UTF-16), Python as one: the
    # link must still begin and end where it is drawn.
    view = MessageView()
    qtbot.addWidget(view)
    model = MessageListModel(None, "alice")
    view.setModel(model)
    body = "\U0001f600\U0001f389 https://example.org/news tail"
    model.add_messages([message(1, body=body)])
    text = view.message_delegate.text(model.row(0), 600)
    metrics = QFontMetrics(view.font())
    middle = metrics.height() / 2
    link_end = metrics.horizontalAdvance(body[:body.index(" tail")])
    tail = metrics.horizontalAdvance(body[:body.index("tail") + 2])
    before = metrics.horizontalAdvance(body[:body.index(" https")]) + 1
    assert text.link_at(QPointF(link_end - 2, middle)) == "https://example.org/news"
    assert text.link_at(QPointF(tail, middle)) is None
    assert text.link_at(QPointF(before, middle)) is None
    assert text.link_at(QPointF(metrics.horizontalAdvance(body) + 20, middle)) is None
