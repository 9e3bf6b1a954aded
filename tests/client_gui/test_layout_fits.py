"""No window cuts off its text on an 800 by 600 screen, or at 150 % scaling.

The test walks through the client as a person does, in English and in
Russian, against a real TLS server: the login window, the registration
window (with its errors showing), the certificate question, the chat
window (online, and waiting to reconnect with messages in the outbox),
and then **every window the chat window can open**, found rather than
listed:

* each action of each of its menus (Settings, Change password, Keyboard
  shortcuts, About, and whatever menu entry is added later) except those
  that end the session or switch the language;
* each keyboard shortcut it has (the quick switcher, and any added later);
* each tool button of its compose area (the emoji picker, and any added
  later, such as attaching a file).

Each window that appears is one of ours if its class comes from
``client_gui``; those are checked with :func:`tests.client_gui.fit.check_fits`
at both screen sizes (Qt's own message boxes wrap their text and are only
closed).  A window reachable some other way must be walked to here too:
add the step to :func:`walk`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PyQt6.QtCore import QRect, Qt, QTimer
from PyQt6.QtGui import QAction, QShortcut
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QApplication, QDialog, QMenu, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from client_gui.app import Besedka
from client_gui.chat_window import ChatWindow
from client_gui.client import ConnectionState
from client_gui.i18n import LanguageManager
from tests.conftest import ServerProcess

from .conftest import WAIT_MS, StartClient, send, type_text
from .fit import SCREENS, check_fits
from .test_tls import submit_login, wait_for_trust_dialog

#: Menu entries that leave the window (they are tested elsewhere).
LEAVING = ("log_out_action", "quit_action")


class Inspector:
    """Checks the windows of ours that appear, and closes every new one."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.checked: set[str] = set()
        self._busy = False  # checking runs the event loop, where the timer may fire

    def check(self, window: QWidget, what: str) -> None:
        name = type(window).__name__
        self.checked.add(name)
        if type(window).__module__.startswith("client_gui"):
            for screen_name, screen in SCREENS.items():
                self.problems += [f"{what}, {screen_name}: {problem}"
                                  for problem in check_fits(window, screen)]

    def check_new(self, before: list[QWidget], what: str) -> None:
        """Check and close the windows shown since ``before`` was taken."""
        if self._busy:
            return
        self._busy = True
        try:
            self._check_new(before, what)
        finally:
            self._busy = False

    def _check_new(self, before: list[QWidget], what: str) -> None:
        for window in QApplication.topLevelWidgets():
            # By identity: a window in ``before`` may have been deleted since.
            if any(window is old for old in before) or not window.isVisible():
                continue
            self.check(window, what)
            if isinstance(window, QDialog):
                window.reject()
            else:
                window.close()

    def around(self, what: str, act: Callable[[], object]) -> None:
        """Do ``act`` (which may open a modal dialog) and inspect what it opened."""
        before = QApplication.topLevelWidgets()
        # A modal dialog runs its own event loop: look from inside it.
        QTimer.singleShot(50, lambda: self.check_new(before, what))
        act()
        QApplication.processEvents()
        self.check_new(before, what)


def menu_actions(window: ChatWindow) -> Iterator[tuple[str, QAction]]:
    leaving = {getattr(window.menus, name) for name in LEAVING}
    bar = window.menuBar()
    assert bar is not None
    for top in bar.actions():
        menu = top.menu()
        if not isinstance(menu, QMenu) or menu is window.menus.language_menu:
            continue
        for action in menu.actions():
            if not action.isSeparator() and action not in leaving and action.menu() is None:
                yield f"{menu.title()} > {action.text()}", action


def walk(qtbot: QtBot, besedka: Besedka, inspector: Inspector, server: ServerProcess,
         username: str) -> None:
    login = besedka.login_window
    assert login is not None
    inspector.check(login, "login")
    qtbot.mouseClick(login.register_button, Qt.MouseButton.LeftButton)
    registration = besedka.registration_window
    assert registration is not None
    type_text(registration.username, "x")
    qtbot.keyClicks(registration.password, "short")
    registration.on_create_clicked()  # every field's error showing
    inspector.check(registration, "registration with errors")
    registration.username.clear()
    type_text(registration.username, username)
    registration.password.setText("a password long enough")
    registration.repeat.setText("a password long enough")
    registration.on_create_clicked()
    trust = wait_for_trust_dialog(qtbot, besedka)
    inspector.check(trust, "trust")
    qtbot.mouseClick(trust.trust_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: besedka.chat_window is not None, timeout=WAIT_MS)
    chat = besedka.chat_window
    assert chat is not None
    chat.show()
    inspector.check(chat, "chat")
    for what, action in menu_actions(chat):
        inspector.around(what, action.trigger)
    chat.activateWindow()  # shortcuts work in the active window
    qtbot.waitUntil(chat.isActiveWindow)
    for shortcut in chat.findChildren(QShortcut):
        inspector.around(f"shortcut {shortcut.key().toString()}",
                         lambda keys=shortcut.key(): QTest.keySequence(chat.compose, keys))
    for button in chat.compose_box.findChildren(QToolButton):
        if button is chat.files.screenshot_button:
            continue  # its overlay comes a moment later: below
        inspector.around(f"compose tool {button.objectName()}", button.click)
    # The screenshot tool: the window hides and its overlay shows a picture
    # of the desktop (here the window's own: the offscreen platform's
    # screen grab is an empty image).  The overlay has no text to cut (and
    # no size of its own to try); closed any way, the window comes back.
    picture = chat.grab()
    chat.hide()
    overlay = chat.files.open_overlay(picture, QRect(chat.pos(), picture.size()))
    qtbot.waitUntil(overlay.isVisible, timeout=WAIT_MS)
    overlay.close()
    qtbot.waitUntil(chat.isVisible, timeout=WAIT_MS)
    # Offline with messages waiting: the status bar's longest sentences.
    server.kill()
    qtbot.waitUntil(lambda: besedka.client.state is ConnectionState.WAITING, timeout=WAIT_MS)
    send(qtbot, chat, "one")
    send(qtbot, chat, "two")
    inspector.check(chat, "chat offline, two messages waiting")


@pytest.mark.timeout(300)
@pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise",
                           "does not support grabbing")
@pytest.mark.parametrize("language", ["en", "ru"])
def test_no_window_cuts_off_text_at_800_by_600_or_at_150_percent(
        qtbot: QtBot, server_factory: Callable[..., ServerProcess], start_client: StartClient,
        languages: LanguageManager, language: str) -> None:
    languages.choose(language)
    server = server_factory("--no-rate-limits", tls=True)
    besedka = start_client(server.address, tls=True, reconnect_delays=(600.0,))
    inspector = Inspector()
    try:
        walk(qtbot, besedka, inspector, server, "alice" if language == "en" else "алиса")
    finally:
        languages.choose("en")
    # The walk reached the windows it is meant to.
    assert {"LoginWindow", "RegistrationWindow", "TrustDialog", "ChatWindow", "SettingsDialog",
            "ChangePasswordDialog", "QuickSwitcher", "EmojiPicker"} <= inspector.checked
    assert not inspector.problems, "\n".join(inspector.problems)
