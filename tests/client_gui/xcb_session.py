"""Run by test_xcb.py under Xvfb: the real entry point on the real xcb plugin.

It makes the application first (so that it can schedule the steps a person
would take), then hands over to :func:`client_gui.app.main` exactly as
``python -m client_gui --server HOST:PORT`` does.  The steps register an
account on a TLS server (trusting its certificate when asked), send a message, wait for the server to acknowledge it, take a
screenshot of the window from the X server and close the window, which
ends ``main``.  Prints ``XCB OK`` on success; any failure exits non-zero.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QApplication, QWidget

from client_gui.app import main
from client_gui.chat_window import ChatWindow
from client_gui.login_window import LoginWindow
from client_gui.models import RowState
from client_gui.registration_window import RegistrationWindow
from client_gui.trust_dialog import TrustDialog


def wait_for(condition: Callable[[], object], what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        QTest.qWait(20)


def top_level(kind: type[QWidget]) -> QWidget | None:
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, kind) and w.isVisible()), None)


def drive(app: QApplication, screenshot: str) -> None:
    try:
        assert QApplication.platformName() == "xcb", QApplication.platformName()
        wait_for(lambda: top_level(LoginWindow), "the login window")
        login = top_level(LoginWindow)
        assert isinstance(login, LoginWindow)
        QTest.qWaitForWindowExposed(login)
        QTest.mouseClick(login.register_button, Qt.MouseButton.LeftButton)
        wait_for(lambda: top_level(RegistrationWindow), "the registration window")
        registration = top_level(RegistrationWindow)
        assert isinstance(registration, RegistrationWindow)
        QTest.keyClicks(registration.username, "xcb-user")
        QTest.keyClicks(registration.password, "password on X11")
        QTest.keyClicks(registration.repeat, "password on X11")
        QTest.keyClick(registration.repeat, Qt.Key.Key_Return)
        # A first connection: trust the server's certificate.
        wait_for(lambda: top_level(TrustDialog), "the question whether to trust the server")
        trust = top_level(TrustDialog)
        assert isinstance(trust, TrustDialog)
        QTest.qWaitForWindowExposed(trust)
        QTest.mouseClick(trust.trust_button, Qt.MouseButton.LeftButton)
        wait_for(lambda: top_level(ChatWindow), "the chat window")
        chat = top_level(ChatWindow)
        assert isinstance(chat, ChatWindow)
        QTest.qWaitForWindowExposed(chat)
        QTest.keyClicks(chat.compose, "hello from a real X server")
        QTest.keyClick(chat.compose, Qt.Key.Key_Return)
        model = chat.conversations.model(None)
        wait_for(lambda: model.rowCount() == 1 and model.row(0).state is RowState.SENT,
                 "the server's acknowledgement")
        screen = chat.screen()
        assert screen is not None
        image = screen.grabWindow(chat.winId()).toImage()
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
                   for y in range(0, image.height(), 7)}
        assert len(colours) > 8, "the window looks blank"
        image.save(screenshot)
        print("XCB OK", flush=True)
        chat.close()
    except BaseException:
        traceback.print_exc()
        app.exit(3)


if __name__ == "__main__":
    server, screenshot = sys.argv[1], sys.argv[2]
    application = QApplication([sys.argv[0]])
    QTimer.singleShot(0, lambda: drive(application, screenshot))
    sys.exit(main(["--server", server]))
