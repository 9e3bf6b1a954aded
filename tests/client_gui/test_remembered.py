"""Staying logged in: "Keep me logged in", the next start, Log out, Sessions…

Real servers, the real client offscreen, and the token kept where the
product keeps it when the system has no credential store: a file only the
user can read (in the test's own folder).
"""

from __future__ import annotations

import asyncio
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from client_gui.app import Besedka
from client_gui.credentials import TOKEN_FILE_NAME, CredentialStore, RememberedLogin
from client_gui.sessions_dialog import SessionsDialog
from client_gui.settings import KEEP_LOGGED_IN, REMEMBERED_LOGIN, CertificatePins, Settings
from tests.conftest import ServerProcess
from tests.wire import PASSWORD, WireClient

from .conftest import WAIT_MS, StartClient, log_in, register, send, wait_for_body
from .test_tls import recording_tls_server  # noqa: F401 - a fixture

#: What the saved-login-ended message starts with.
ENDED = "Your saved login has ended"


@pytest.fixture
def private_dir(tmp_path: Path) -> Path:
    return tmp_path / "private"


@pytest.fixture
def store(settings: Settings, private_dir: Path) -> CredentialStore:
    """The token in a private file, as where the system has no credential store."""
    return CredentialStore(settings, None, private_dir)


async def wire_session(address: tuple[str, int], name: str, *, remember: bool = True,
                       client: str = "Besedka, laptop") -> tuple[WireClient, dict[str, Any]]:
    """Another computer of ``name``'s, logged in with version 2 (and kept)."""
    connection = await WireClient.connect(address)
    reply = await connection.request("login", username=name, password=PASSWORD, protocol=2,
                                     remember=remember, client=client)
    assert reply["type"] == "ok", reply
    await connection.next_event("users")
    return connection, reply


def test_keep_me_logged_in_opens_the_chat_at_the_next_start_without_the_login_window(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, settings: Settings,
        store: CredentialStore, private_dir: Path, tmp_path: Path) -> None:
    first = start_client(server.address, credentials=store)
    login = first.login_window
    assert login is not None and login.keep_logged_in.isVisible()
    assert login.keep_logged_in.isChecked()  # as the user left it; on at first
    window = register(qtbot, first, "alice")
    send(qtbot, window, "before closing")
    qtbot.waitUntil(lambda: not first.client.outbox, timeout=WAIT_MS)  # stored

    # The token is kept in a file only this user can read, and nowhere in
    # the settings.
    loaded = store.load()
    assert loaded is not None
    login_kept, token = loaded
    assert (login_kept.host, login_kept.port, login_kept.username) == (*server.address, "alice")
    token_file = private_dir / TOKEN_FILE_NAME
    assert token in token_file.read_text("utf-8")
    if sys.platform != "win32":
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(private_dir.stat().st_mode) == 0o700
    settings.sync()
    assert token not in (tmp_path / "besedka.ini").read_text("utf-8")
    assert token not in server.log

    first.shut_down()  # closing the window: the session stays
    second = start_client(server.address, credentials=store)
    assert second.login_window is None
    qtbot.waitUntil(lambda: second.chat_window is not None, timeout=WAIT_MS)
    assert second.login_window is None
    chat = second.chat_window
    assert chat is not None and chat.windowTitle() == "Besedka \u2014 alice"
    wait_for_body(qtbot, chat.conversations.model(None), "before closing")
    send(qtbot, chat, "after the next start")
    wait_for_body(qtbot, chat.conversations.model(None), "after the next start")
    assert "resumed remembered session" in server.wait_for_log("resumed remembered session")


def test_a_revoked_token_at_start_shows_the_login_window_with_the_name_and_why(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        store: CredentialStore) -> None:
    first = start_client(server.address, credentials=store)
    register(qtbot, first, "alice")
    first.shut_down()

    async def revoke_every_other_session() -> None:
        laptop, _ = await wire_session(server.address, "alice")
        sessions = (await laptop.request("sessions"))["sessions"]
        for session in sessions:
            if not session["current"]:
                reply = await laptop.request("revoke_session", session=session["id"])
                assert reply["type"] == "ok"
        await laptop.close()

    asyncio.run(revoke_every_other_session())
    second = start_client(server.address, credentials=store)
    qtbot.waitUntil(lambda: second.login_window is not None
                    and second.login_window.error.isVisible(), timeout=WAIT_MS)
    login = second.login_window
    assert login is not None and second.chat_window is None
    assert login.username.text() == "alice"
    assert login.server.address() == server.address
    assert login.error.text().startswith(ENDED)
    assert "revoked" in login.error.text()
    assert store.load() is None  # forgotten: the next start asks for the password
    assert login.log_in_button.isEnabled() and login.password.placeholderText() == ""
    log_in(qtbot, second, "alice")


def test_log_out_forgets_the_session_here_and_on_the_server(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        store: CredentialStore) -> None:
    besedka = start_client(server.address, credentials=store)
    window = register(qtbot, besedka, "alice")
    loaded = store.load()
    assert loaded is not None
    token = loaded[1]
    window.menus.log_out_action.trigger()
    assert besedka.login_window is not None and store.load() is None

    async def resume() -> dict[str, Any]:
        connection = await WireClient.connect(server.address)
        reply = await connection.request("resume", token=token, protocol=2)
        await connection.close()
        return reply

    # The logout (with forget) reached the server before the connection closed.
    qtbot.waitUntil(lambda: "forgot remembered session" in server.log, timeout=WAIT_MS)
    assert asyncio.run(resume())["code"] == "invalid_token"


def test_without_the_box_nothing_is_kept_and_the_box_stays_as_left(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient, settings: Settings,
        store: CredentialStore, bots) -> None:  # type: ignore[no-untyped-def]
    bots(server.address, "alice").close()
    first = start_client(server.address, credentials=store)
    login = first.login_window
    assert login is not None
    qtbot.keyClick(login.keep_logged_in, Qt.Key.Key_Space)
    assert not login.keep_logged_in.isChecked()
    log_in(qtbot, first, "alice")
    assert store.load() is None and settings.get(REMEMBERED_LOGIN) == ""
    assert settings.get(KEEP_LOGGED_IN) is False
    assert "remembered as session" not in server.log
    first.shut_down()
    second = start_client(server.address, credentials=store)
    assert second.login_window is not None
    assert not second.login_window.keep_logged_in.isChecked()


def test_a_server_that_is_down_at_start_leaves_the_saved_login_for_the_log_in_button(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        store: CredentialStore) -> None:
    first = start_client(server.address, credentials=store)
    register(qtbot, first, "alice")
    first.shut_down()
    server.stop()
    second = start_client(server.address, credentials=store)
    qtbot.waitUntil(lambda: second.login_window is not None
                    and second.login_window.error.isVisible(), timeout=WAIT_MS)
    login = second.login_window
    assert login is not None
    assert login.error.text().startswith("Cannot reach the server")
    assert login.username.text() == "alice"
    assert login.password.placeholderText() == "leave empty to use the saved login"
    assert store.load() is not None
    server.start()  # same port, same database
    qtbot.mouseClick(login.log_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.chat_window is not None, timeout=WAIT_MS)


def test_a_token_never_goes_to_a_server_with_another_certificate(
        qtbot: QtBot, recording_tls_server: tuple[tuple[str, int], str, list[bytes]],  # noqa: F811
        start_client: StartClient, settings: Settings, store: CredentialStore) -> None:
    address, fingerprint, received = recording_tls_server
    # A login kept with the server at this address, which presented (and
    # the user pinned) another certificate than the one there now.
    pinned = "ab" * 32
    CertificatePins(settings).pin(*address, pinned)
    store.save(RememberedLogin(*address, "alice", pinned), "the secret token")
    besedka = start_client(address, tls=True, credentials=store)
    qtbot.waitUntil(lambda: besedka.login_window is not None
                    and besedka.login_window.error.isVisible(), timeout=WAIT_MS)
    login = besedka.login_window
    assert login is not None
    assert "presented a different certificate" in login.error.text()
    qtbot.wait(300)  # time for anything that was (wrongly) sent to arrive
    assert received == []
    # A pin that is not the one the token was issued under: not even tried.
    qtbot.mouseClick(login.forget_certificate_button, Qt.MouseButton.LeftButton)
    assert store.load() is None
    assert fingerprint != pinned


def test_sessions_lists_where_i_am_kept_and_revokes_another_computer(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        store: CredentialStore) -> None:
    besedka = start_client(server.address, credentials=store)
    window = register(qtbot, besedka, "alice")
    loop = asyncio.new_event_loop()
    try:
        laptop, _ = loop.run_until_complete(wire_session(server.address, "alice"))
        assert window.menus.sessions_action.isVisible()
        window.menus.sessions_action.trigger()
        dialog: SessionsDialog = window.menus.sessions_dialog
        qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 2, timeout=WAIT_MS)
        rows = [dialog.table.topLevelItem(row) for row in range(2)]
        texts = [row.text(0) for row in rows if row is not None]
        # Most recently used first: the laptop logged in after this window.
        assert texts[0] == "Besedka, laptop"
        assert texts[1].startswith("This window: Besedka ")
        assert all(row is not None and row.text(1) and row.text(2) for row in rows)
        current = next(info for info in dialog.sessions if info.current)
        other = next(info for info in dialog.sessions if not info.current)
        dialog.select(current.session)
        assert not dialog.revoke_button.isEnabled()  # this window's: Log out ends it
        dialog.select(other.session)
        assert dialog.revoke_button.isEnabled()
        qtbot.mouseClick(dialog.revoke_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 1, timeout=WAIT_MS)
        loop.run_until_complete(laptop.wait_closed())
        assert window.isVisible() and besedka.client.state.name == "ONLINE"
    finally:
        loop.close()

