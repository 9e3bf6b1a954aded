"""Logging in and registering: what a person sees when it works and when not."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from client_gui.app import Besedka
from client_gui.login_window import LoginWindow
from client_gui.settings import SERVER_HOST, SERVER_PORT, USERNAME, Settings
from protocol.framing import encode_frame
from tests.conftest import ServerProcess

from .conftest import WAIT_MS, Bot, StartClient, log_in, register, type_text


def failed_login(qtbot: QtBot, besedka: Besedka, username: str, password: str) -> LoginWindow:
    """Try to log in and wait until the window says why it did not work."""
    login = besedka.login_window
    assert login is not None
    login.username.setText(username)
    login.password.setText(password)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: login.error.isVisible() and login.log_in_button.isEnabled(),
                    timeout=WAIT_MS)
    assert besedka.chat_window is None
    return login


def test_wrong_password_is_reported_in_the_login_window(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    bots(server.address, "alice").close()
    login = failed_login(qtbot, start_client(server.address), "alice", "not my password")
    assert login.error.text() == "Wrong username or password."


def test_unreachable_server_names_the_address(qtbot: QtBot, start_client: StartClient) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    login = failed_login(qtbot, start_client(("127.0.0.1", port)), "alice", "whatever1")
    assert f"Cannot reach the server at 127.0.0.1:{port}" in login.error.text()


def test_rate_limit_says_how_long_to_wait(
        qtbot: QtBot, server_factory: Callable[..., ServerProcess], start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    server = server_factory()  # with the default rate limits
    bots(server.address, "alice").close()
    besedka = start_client(server.address)
    for _ in range(10):
        login = failed_login(qtbot, besedka, "alice", "wrong password")
        if "Too many attempts" in login.error.text():
            break
    assert "Too many attempts. Try again in" in login.error.text()
    assert "second" in login.error.text()


@pytest.fixture
def foreign_server() -> Iterator[tuple[str, int]]:
    """A listener that greets like a future Besedka speaking protocol 2."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.sendall(encode_frame({"type": "hello", "protocol": 2,
                                                 "server": "besedka/9.0.0"}))
                connection.settimeout(5)
                try:
                    connection.recv(1024)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[:2]
    stop.set()
    thread.join(5)
    listener.close()


def test_other_protocol_version_is_explained(qtbot: QtBot, foreign_server: tuple[str, int],
                                             start_client: StartClient) -> None:
    login = failed_login(qtbot, start_client(foreign_server), "alice", "whatever1")
    assert "speaks protocol version 2" in login.error.text()
    assert "version 1" in login.error.text()


def test_a_tls_server_is_explained_until_the_client_speaks_tls(
        qtbot: QtBot, server_factory: Callable[..., ServerProcess],
        start_client: StartClient) -> None:
    server = server_factory("--no-rate-limits", tls=True)
    login = failed_login(qtbot, start_client(server.address), "alice", "whatever1")
    assert login.error.text() == (
        f"The server at 127.0.0.1:{server.port} accepts only encrypted (TLS) connections, "
        "which this version of Besedka cannot make yet.")


def test_registration_checks_the_rules_while_typing(qtbot: QtBot, server: ServerProcess,
                                                   start_client: StartClient) -> None:
    besedka = start_client(server.address)
    assert besedka.login_window is not None
    qtbot.mouseClick(besedka.login_window.register_button, Qt.MouseButton.LeftButton)
    window = besedka.registration_window
    assert window is not None
    # The rules are on screen before anything is typed, and no error yet.
    assert "3 to 32 characters" in window.rules.text()
    assert "at least 8 characters" in window.rules.text()
    assert not window.username_error.isVisible()

    qtbot.keyClicks(window.username, "al")
    assert window.username_error.text() == "Too short: at least 3 characters."
    qtbot.keyClicks(window.username, " x")
    assert window.username_error.text() == "Spaces are not allowed."
    window.username.clear()
    type_text(window.username, "Алиса!")
    assert window.username_error.text() == "The character \u201c!\u201d is not allowed."
    qtbot.keyClick(window.username, Qt.Key.Key_Backspace)
    assert not window.username_error.isVisible()

    qtbot.keyClicks(window.password, "short")
    assert window.password_error.text() == "Too short: at least 8 characters."
    qtbot.keyClicks(window.password, "-but-now-long")
    assert not window.password_error.isVisible()
    qtbot.keyClicks(window.repeat, "something else")
    assert window.repeat_error.text() == "The passwords do not match."
    qtbot.keyClick(window.repeat, Qt.Key.Key_Return)
    assert window.create_button.isEnabled() and besedka.chat_window is None

    window.repeat.clear()
    qtbot.keyClicks(window.repeat, "short-but-now-long")
    assert not window.repeat_error.isVisible()
    qtbot.keyClick(window.repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: besedka.chat_window is not None, timeout=WAIT_MS)
    assert besedka.chat_window.conversations.me == "Алиса"


def test_taken_username_is_reported_under_the_username(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        bots: Callable[..., Bot]) -> None:
    bots(server.address, "alice").close()
    besedka = start_client(server.address)
    assert besedka.login_window is not None
    qtbot.mouseClick(besedka.login_window.register_button, Qt.MouseButton.LeftButton)
    window = besedka.registration_window
    assert window is not None
    qtbot.keyClicks(window.username, "ALICE")
    qtbot.keyClicks(window.password, "password1")
    qtbot.keyClicks(window.repeat, "password1")
    qtbot.keyClick(window.repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.username_error.isVisible(), timeout=WAIT_MS)
    assert window.username_error.text() == "This username is already taken."
    assert not window.error.isVisible()
    assert window.create_button.isEnabled()


def test_login_remembers_server_and_username_but_never_the_password(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    besedka = start_client(server.address)
    window = register(qtbot, besedka, "Alice")
    window.log_out_action.trigger()
    qtbot.waitUntil(lambda: besedka.login_window is not None, timeout=WAIT_MS)
    settings.sync()
    assert settings.get(USERNAME) == "Alice"
    assert (settings.get(SERVER_HOST), settings.get(SERVER_PORT)) == server.address
    assert "correct horse" not in (tmp_path / "besedka.ini").read_text()

    # A new start offers the remembered account; only the password is asked.
    again = start_client(None)
    login = again.login_window
    assert login is not None
    assert login.username.text() == "Alice"
    assert login.server.address() == server.address
    assert login.password.text() == ""
    assert log_in(qtbot, again, "alice").conversations.me == "Alice"
