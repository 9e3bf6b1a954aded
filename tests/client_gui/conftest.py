"""Fixtures for the desktop client's tests: real servers, real clients, and
settings in a temporary file so no test ever touches the user's own.

``start_client`` builds the application exactly as :func:`client_gui.app.main`
does (network thread, session, windows) but with short reconnect delays and
the given page size; tests then drive its windows the way a person would.
Other users are either more such clients or :class:`Bot`, a raw protocol
client from ``tests/wire.py`` that logs in and sends without any GUI.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtCore import QEvent, QSettings, Qt, QUrl
from PyQt6.QtGui import QKeyEvent
from PyQt6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from client_gui.app import Besedka
from client_gui.chat_window import ChatWindow
from client_gui.i18n import LanguageManager
from client_gui.models import MessageListModel
from client_gui.credentials import CredentialStore
from client_gui.settings import Settings
from client_gui.trust import ProvisionedServers
from tests.conftest import REPO
from tests.wire import PASSWORD, WireClient

WAIT_MS = 15_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Qt's offscreen platform plugin warns "This plugin does not support
    # propagateSizeHints()" whenever a top-level window gets a size
    # constraint, which every window with a layout does.  It is not a fault
    # of ours, and qt_log_level_fail would fail every test on it.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore("does not support propagateSizeHints"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings in a file of this test's own."""
    return Settings(QSettings(str(tmp_path / "besedka.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def languages(qapp: QApplication, settings: Settings) -> Iterator[LanguageManager]:
    """English unless a test switches; the translators go with the test."""
    manager = LanguageManager(qapp, settings)
    manager.choose("en")
    yield manager
    manager.uninstall()


StartClient = Callable[..., Besedka]


@pytest.fixture
def opened_urls() -> list[QUrl]:
    """Links the clients opened (instead of starting a browser)."""
    return []


@pytest.fixture
def start_client(qapp: QApplication, qtbot: QtBot, settings: Settings,
                 languages: LanguageManager, opened_urls: list[QUrl]) -> Iterator[StartClient]:
    """Start a client (login window shown) for a server address.

    It speaks plain TCP, like the ``server`` fixture; ``tls=True`` makes it
    the real default client, for ``server_factory(..., tls=True)``.  It
    keeps no session unless given ``credentials`` (a store of the test's
    own: two clients of one test share their settings, and the second would
    otherwise resume the first one's session).
    """
    started: list[Besedka] = []

    def start(address: tuple[str, int] | None, *, page_sizes: tuple[int, int] = (100, 200),
              reconnect_delays: tuple[float, ...] = (0.1, 0.3, 0.5),
              tls: bool = False, provisioned: ProvisionedServers | None = None,
              credentials: CredentialStore | None = None) -> Besedka:
        # Plain TCP unless asked: the ``server`` fixture runs with --no-tls.
        besedka = Besedka.with_network(qapp, settings, languages, address,
                                       reconnect_delays=reconnect_delays, tls=tls,
                                       provisioned=provisioned, credentials=credentials,
                                       page_sizes=page_sizes, open_url=opened_urls.append)
        besedka.start()
        started.append(besedka)
        return besedka

    yield start
    for besedka in started:
        besedka.shut_down()


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, as a keyboard with the right layout would.

    QTest.keyClicks only knows Latin-1 keys (Cyrillic makes it abort), so
    the key events carry the characters with an unknown key code, as an
    input method's do.
    """
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, char))


def register(qtbot: QtBot, besedka: Besedka, username: str,
             password: str = PASSWORD) -> ChatWindow:
    """Create an account through the registration window; returns the chat window."""
    login = besedka.login_window
    assert login is not None
    qtbot.mouseClick(login.register_button, Qt.MouseButton.LeftButton)
    window = besedka.registration_window
    assert window is not None
    type_text(window.username, username)
    qtbot.keyClicks(window.password, password)
    qtbot.keyClicks(window.repeat, password)
    qtbot.keyClick(window.repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: besedka.chat_window is not None, timeout=WAIT_MS)
    assert besedka.chat_window is not None
    return besedka.chat_window


def log_in(qtbot: QtBot, besedka: Besedka, username: str,
           password: str = PASSWORD) -> ChatWindow:
    """Log in through the login window; returns the chat window."""
    login = besedka.login_window
    assert login is not None
    login.username.clear()
    type_text(login.username, username)
    login.password.clear()
    qtbot.keyClicks(login.password, password)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: besedka.chat_window is not None, timeout=WAIT_MS)
    assert besedka.chat_window is not None
    return besedka.chat_window


def send(qtbot: QtBot, window: ChatWindow, text: str) -> None:
    """Type a message and press Enter."""
    qtbot.keyClicks(window.compose, text)
    qtbot.keyClick(window.compose, Qt.Key.Key_Return)


def bodies(model: MessageListModel) -> list[str]:
    return [model.row(number).body for number in range(model.rowCount())]


def wait_for_body(qtbot: QtBot, model: MessageListModel, body: str) -> None:
    qtbot.waitUntil(lambda: body in bodies(model), timeout=WAIT_MS)


class Bot:
    """Another user, at a raw protocol client without any GUI.

    Its connection stays open between calls (the event loop just does not
    run meanwhile), so it counts as online until :meth:`close`.
    """

    def __init__(self, address: tuple[str, int], username: str, *,
                 register: bool = True, protocol: int = 1) -> None:
        self.loop = asyncio.new_event_loop()
        self.username = username
        negotiation = {} if protocol == 1 else {"protocol": protocol}
        self.wire: WireClient = self._run(
            WireClient.logged_in(address, username, register=register, **negotiation))

    def _run(self, awaitable: Any) -> Any:
        return self.loop.run_until_complete(awaitable)

    def send(self, body: str, to: str | None = None) -> dict[str, Any]:
        return self._run(self.wire.send(body, to))  # type: ignore[no-any-return]

    def request(self, request_type: str, **fields: Any) -> dict[str, Any]:
        return self._run(self.wire.request(request_type, **fields))  # type: ignore[no-any-return]

    def history(self, with_: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        reply = self.request("history", limit=limit, before=None, **{"with": with_})
        assert reply["type"] == "ok", reply
        return reply["messages"]  # type: ignore[no-any-return]

    def next_event(self, event_type: str) -> dict[str, Any]:
        return self._run(self.wire.next_event(event_type))  # type: ignore[no-any-return]

    def close(self) -> None:
        self._run(self.wire.close())
        self.loop.close()


@pytest.fixture
def bots() -> Iterator[Callable[..., Bot]]:
    """Make bots; they log out when the test ends."""
    made: list[Bot] = []

    def make(address: tuple[str, int], username: str, *, register: bool = True,
             protocol: int = 1) -> Bot:
        bot = Bot(address, username, register=register, protocol=protocol)
        made.append(bot)
        return bot

    yield make
    for bot in made:
        if not bot.loop.is_closed():
            bot.close()


# A real X server, for the tests of the client on X11 (xcb) rather than offscreen.

def _ensure_xvfb() -> str:
    # Installing is apt's, which allows one at a time: the workers of
    # ``pytest -n`` (make test) that need X at once take turns here, so the
    # second finds it installed instead of failing on apt's lock.
    if sys.platform == "win32":
        return _install_xvfb()
    import fcntl

    with open(Path(tempfile.gettempdir()) / "besedka-tests-xvfb.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _install_xvfb()


def _install_xvfb() -> str:
    found = shutil.which("Xvfb")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False,
                       capture_output=True, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "-qq", "xvfb"], env=env, check=False,
                       capture_output=True, timeout=300)
        found = shutil.which("Xvfb")
    if found is None:
        pytest.fail("Xvfb is needed to test the client on X11: run 'apt-get install xvfb'")
    libraries = subprocess.run(["sh", str(REPO / "packaging/linux/ensure-qt-libs.sh")],
                               capture_output=True, text=True, timeout=600)
    if libraries.returncode != 0:
        pytest.fail(f"Qt's xcb libraries are missing:\n{libraries.stderr}")
    return found


@pytest.fixture
def x_display() -> Iterator[str]:
    """A fresh Xvfb display, e.g. ``:3``."""
    xvfb = _ensure_xvfb()
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()  # Xvfb writes it once it accepts clients
    if not number:
        process.kill()
        pytest.fail(f"Xvfb did not start: {process.communicate(timeout=10)[1]!r}")
    yield f":{number}"
    process.terminate()
    process.wait(10)
