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
from protocol.framing import decode_json_object, encode_frame
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
    # A port that nothing listens on: bound but not listening, and held for
    # the whole test, so that no server of another test (another worker of
    # ``pytest -n``) can be given it meanwhile.
    with socket.socket() as probe:
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


class ForeignServer:
    """A listener that greets with a given protocol version and keeps the
    first frame the client sends back (its login)."""

    def __init__(self, protocol: int) -> None:
        self.protocol = protocol
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.received: list[dict[str, object]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.listener.getsockname()[:2]
        return str(host), int(port)

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.sendall(encode_frame({"type": "hello", "protocol": self.protocol,
                                                 "server": "besedka/9.0.0", "features": []}))
                connection.settimeout(5)
                try:
                    data = connection.recv(65536)
                except OSError:
                    continue
                for line in data.splitlines():
                    self.received.append(decode_json_object(line))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.listener.close()


@pytest.fixture
def foreign_server() -> Iterator[Callable[[int], ForeignServer]]:
    started: list[ForeignServer] = []

    def start(protocol: int) -> ForeignServer:
        started.append(ForeignServer(protocol))
        return started[-1]

    yield start
    for server in started:
        server.close()


def test_a_server_of_no_known_protocol_version_is_explained(
        qtbot: QtBot, foreign_server: Callable[[int], ForeignServer],
        start_client: StartClient) -> None:
    login = failed_login(qtbot, start_client(foreign_server(0).address), "alice", "whatever1")
    assert "speaks protocol version 0" in login.error.text()
    assert "speaks versions 1 to 2" in login.error.text()


@pytest.mark.parametrize("server_protocol", [2, 3])
def test_a_newer_server_is_asked_for_version_2(
        qtbot: QtBot, foreign_server: Callable[[int], ForeignServer],
        start_client: StartClient, server_protocol: int) -> None:
    # PROTOCOL-2.md: a client accepts any version of 1 or more; this one
    # speaks version 2 with a server that offers it (or more).
    server = foreign_server(server_protocol)
    failed_login(qtbot, start_client(server.address), "alice", "whatever1")
    assert [(frame["type"], frame.get("protocol")) for frame in server.received] == [
        ("login", 2)]


def test_a_version_1_server_is_asked_for_nothing_newer(
        qtbot: QtBot, foreign_server: Callable[[int], ForeignServer],
        start_client: StartClient) -> None:
    server = foreign_server(1)
    failed_login(qtbot, start_client(server.address), "alice", "whatever1")
    assert [frame["type"] for frame in server.received] == ["login"]
    assert "protocol" not in server.received[0]


def test_a_plain_client_at_a_tls_server_is_told_to_drop_no_tls(
        qtbot: QtBot, server_factory: Callable[..., ServerProcess],
        start_client: StartClient) -> None:
    server = server_factory("--no-rate-limits", tls=True)
    login = failed_login(qtbot, start_client(server.address, tls=False), "alice", "whatever1")
    assert login.error.text() == (
        f"The server at 127.0.0.1:{server.port} accepts only encrypted (TLS) connections. "
        "Start Besedka without --no-tls.")


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
    # Names that could pass for others (PROTOCOL.md, "Rules"): said which.
    window.username.clear()
    type_text(window.username, "alice\u034f")
    assert window.username_error.text() == "An invisible character (U+034F) is not allowed."
    window.username.clear()
    type_text(window.username, "_alice")
    assert window.username_error.text() == "It must begin with a letter or a digit."
    window.username.clear()
    type_text(window.username, "Алиса")
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
    window.menus.log_out_action.trigger()
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
