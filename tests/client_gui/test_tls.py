"""TLS with trust on first use, as a person meets it in the desktop client.

Real TLS servers (``server_factory(..., tls=True)``) and the real default
client (``start_client(..., tls=True)``): the fingerprint is asked about
once, pinned, and from then on the pinned certificate connects silently and
any other one is refused before the password leaves the machine.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from client_gui.app import Besedka
from client_gui.client import ConnectionState
from client_gui.settings import CertificatePins, Settings
from protocol.framing import encode_frame
from protocol.tls import certificate_fingerprint, format_fingerprint, parse_fingerprint
from server.tls import GENERATED_FILE_NAME, generate_certificate
from tests.conftest import ServerProcess
from tests.wire import PASSWORD

from .conftest import WAIT_MS, Bot, StartClient, send, type_text, wait_for_body
from ..security.helpers import wait_for_log
from ..security.test_tls import logged_fingerprint

#: Long enough that the test, not the timer, decides when to reconnect.
MANUAL = (600.0,)


def submit_login(qtbot: QtBot, besedka: Besedka, username: str,
                 password: str = PASSWORD) -> None:
    login = besedka.login_window
    assert login is not None
    login.username.clear()
    type_text(login.username, username)
    login.password.setText(password)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)


def wait_for_trust_dialog(qtbot: QtBot, besedka: Besedka):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: besedka.trust_dialog is not None
                    and besedka.trust_dialog.isVisible(), timeout=WAIT_MS)
    assert besedka.trust_dialog is not None
    return besedka.trust_dialog


def wait_for_error(qtbot: QtBot, besedka: Besedka) -> str:
    login = besedka.login_window
    assert login is not None
    qtbot.waitUntil(lambda: login.error.isVisible() and login.log_in_button.isEnabled(),
                    timeout=WAIT_MS)
    return login.error.text()


@pytest.fixture
def tls_server(server_factory: Callable[..., ServerProcess]) -> ServerProcess:
    return server_factory("--no-rate-limits", tls=True)


def test_first_use_shows_the_fingerprint_and_trusting_it_logs_in_and_chats(
        qtbot: QtBot, tls_server: ServerProcess, start_client: StartClient,
        settings: Settings, bots: Callable[..., Bot]) -> None:
    besedka = start_client(tls_server.address, tls=True)
    submit_login(qtbot, besedka, "alice")
    dialog = wait_for_trust_dialog(qtbot, besedka)
    logged = logged_fingerprint(wait_for_log(tls_server, "SHA-256 fingerprint"))
    # The dialog shows what the server logged, in the same readable groups.
    assert " ".join(dialog.fingerprint_label.text().split()) == format_fingerprint(logged)
    assert f"127.0.0.1:{tls_server.port}" in dialog.explanation.text()
    assert dialog.trust_button.text() == "&Trust and connect"
    assert besedka.chat_window is None
    assert CertificatePins(settings).get(*tls_server.address) is None

    qtbot.mouseClick(dialog.trust_button, Qt.MouseButton.LeftButton)
    # "alice" has no account yet: the server's refusal proves the password
    # went over the trusted connection; then register and chat.
    assert "Wrong username or password." in wait_for_error(qtbot, besedka)
    assert CertificatePins(settings).get(*tls_server.address) == logged
    assert besedka.trust_dialog is None

    login = besedka.login_window
    assert login is not None
    qtbot.mouseClick(login.register_button, Qt.MouseButton.LeftButton)
    window = besedka.registration_window
    assert window is not None
    type_text(window.username, "alice")
    qtbot.keyClicks(window.password, PASSWORD)
    qtbot.keyClicks(window.repeat, PASSWORD)
    qtbot.keyClick(window.repeat, Qt.Key.Key_Return)
    # Pinned now: no second question.
    qtbot.waitUntil(lambda: besedka.chat_window is not None, timeout=WAIT_MS)
    assert besedka.trust_dialog is None
    alice = besedka.chat_window
    assert alice is not None
    send(qtbot, alice, "hello over TLS")
    wait_for_body(qtbot, alice.conversations.model(None), "hello over TLS")


def test_pinned_server_reconnects_silently_after_a_restart(
        qtbot: QtBot, tls_server: ServerProcess, start_client: StartClient,
        settings: Settings) -> None:
    CertificatePins(settings).pin(
        *tls_server.address, logged_fingerprint(wait_for_log(tls_server, "created certificate")))
    besedka = start_client(tls_server.address, tls=True, reconnect_delays=MANUAL)
    login = besedka.login_window
    assert login is not None
    qtbot.mouseClick(login.register_button, Qt.MouseButton.LeftButton)
    window = besedka.registration_window
    assert window is not None
    type_text(window.username, "alice")
    qtbot.keyClicks(window.password, PASSWORD)
    qtbot.keyClicks(window.repeat, PASSWORD)
    qtbot.keyClick(window.repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: besedka.chat_window is not None, timeout=WAIT_MS)
    assert besedka.trust_dialog is None
    alice = besedka.chat_window
    assert alice is not None

    tls_server.restart()  # same data directory, same certificate
    qtbot.waitUntil(lambda: besedka.client.state is ConnectionState.WAITING, timeout=WAIT_MS)
    alice.reconnect_button.click()
    qtbot.waitUntil(lambda: besedka.client.state is ConnectionState.ONLINE, timeout=WAIT_MS)
    assert besedka.trust_dialog is None
    send(qtbot, alice, "after the restart")
    wait_for_body(qtbot, alice.conversations.model(None), "after the restart")


def test_a_changed_certificate_is_refused_with_a_warning_and_forgetting_asks_again(
        qtbot: QtBot, tls_server: ServerProcess, start_client: StartClient,
        settings: Settings, tmp_path: Path) -> None:
    old = logged_fingerprint(wait_for_log(tls_server, "created certificate"))
    CertificatePins(settings).pin(*tls_server.address, old)
    # The server is reinstalled: a new certificate on the same address.
    tls_server.stop()
    (tmp_path / GENERATED_FILE_NAME).unlink()
    tls_server.start()
    # The log is read in the background: the second start's line may come
    # a moment after its "listening on".
    new = logged_fingerprint(wait_for_log(tls_server, "created certificate", count=2))
    assert new != old

    besedka = start_client(tls_server.address, tls=True)
    submit_login(qtbot, besedka, "alice")
    text = wait_for_error(qtbot, besedka)
    assert besedka.trust_dialog is None
    assert f"the server at 127.0.0.1:{tls_server.port} presented a different certificate" in text
    assert "did not send your password" in text
    assert "reinstalled" in text and "intercepting" in text
    assert format_fingerprint(new) in text
    login = besedka.login_window
    assert login is not None
    assert login.forget_certificate_button.isVisible()
    assert CertificatePins(settings).get(*tls_server.address) == old
    # No login reached the server.
    assert "alice" not in tls_server.log

    qtbot.mouseClick(login.forget_certificate_button, Qt.MouseButton.LeftButton)
    assert CertificatePins(settings).get(*tls_server.address) is None
    assert not login.forget_certificate_button.isVisible()
    submit_login(qtbot, besedka, "alice")
    dialog = wait_for_trust_dialog(qtbot, besedka)
    assert " ".join(dialog.fingerprint_label.text().split()) == format_fingerprint(new)
    # Cancel: nothing pinned, the login window is usable again.
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: login.log_in_button.isEnabled(), timeout=WAIT_MS)
    assert CertificatePins(settings).get(*tls_server.address) is None
    assert besedka.chat_window is None


@pytest.fixture
def recording_tls_server(tmp_path: Path) -> Iterator[tuple[tuple[str, int], str, list[bytes]]]:
    """A TLS listener that greets like Besedka and records what clients send.

    Yields its address, its certificate's fingerprint and the bytes received.
    """
    pem = generate_certificate()
    pem_file = tmp_path / "impostor.pem"
    pem_file.write_bytes(pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem_file)
    cert_pem = pem[pem.index(b"-----BEGIN CERTIFICATE-----"):].decode()
    fingerprint = certificate_fingerprint(ssl.PEM_cert_to_DER_cert(cert_pem))
    received: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                continue
            try:
                raw.settimeout(5)
                with context.wrap_socket(raw, server_side=True) as conn:
                    conn.sendall(encode_frame({"type": "hello", "protocol": 1,
                                               "server": "besedka/0.1.0"}))
                    while chunk := conn.recv(65536):
                        received.append(chunk)
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[:2], fingerprint, received
    stop.set()
    thread.join(5)
    listener.close()


def test_a_changed_certificate_gets_no_password(
        qtbot: QtBot, recording_tls_server: tuple[tuple[str, int], str, list[bytes]],
        start_client: StartClient, settings: Settings) -> None:
    address, fingerprint, received = recording_tls_server
    pinned = parse_fingerprint("ab" * 32)
    assert pinned != fingerprint
    CertificatePins(settings).pin(*address, pinned)
    besedka = start_client(address, tls=True)
    submit_login(qtbot, besedka, "alice", "a secret password")
    text = wait_for_error(qtbot, besedka)
    assert format_fingerprint(fingerprint) in text
    qtbot.wait(300)  # time for anything that was (wrongly) sent to arrive
    assert received == []


def test_a_plain_server_is_reported_as_not_encrypted(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        settings: Settings) -> None:
    besedka = start_client(server.address, tls=True)
    submit_login(qtbot, besedka, "alice")
    text = wait_for_error(qtbot, besedka)
    assert text.startswith(f"The server at 127.0.0.1:{server.port} does not use encryption")
    assert besedka.trust_dialog is None
    assert besedka.chat_window is None
    assert CertificatePins(settings).get(*server.address) is None
