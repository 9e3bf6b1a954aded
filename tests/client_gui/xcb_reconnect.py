"""Run by test_server_watch.py under Xvfb: a client that waits to reconnect
reconnects when its server announces itself.

The client is built as :func:`client_gui.app.main` builds it, on the xcb
plugin, with LAN discovery (kept on loopback by ``BESEDKA_MDNS_INTERFACES``)
and a reconnect wait of ten minutes, so only the announcement can bring it
back in time.  It logs in as ``alice`` (the test registered her) and says
where it stands on standard output, one line each: ``online``, ``waiting``,
then ``online again AT`` with ``time.monotonic()`` of that moment, and
exits.  Any failure exits non-zero.
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from pathlib import Path

from PyQt6.QtCore import QSettings, QTimer
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QApplication

from client_gui.app import Besedka
from client_gui.discovery import ServerBrowser
from client_gui.i18n import LanguageManager
from client_gui.session_state import ConnectionState
from client_gui.settings import Settings
from tests.wire import PASSWORD


def say(line: str) -> None:
    print(line, flush=True)


def main(host: str, port: int) -> int:
    app = QApplication([sys.argv[0]])
    assert QApplication.platformName() == "xcb", QApplication.platformName()
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(QSettings(str(Path(directory) / "settings.ini"),
                                      QSettings.Format.IniFormat))
        languages = LanguageManager(app, settings)
        languages.choose("en")
        besedka = Besedka.with_network(app, settings, languages, (host, port),
                                       reconnect_delays=(600.0,), tls=False,
                                       browser=ServerBrowser())
        logins = 0

        def on_state(state: ConnectionState) -> None:
            nonlocal logins
            if state is ConnectionState.ONLINE:
                logins += 1
                if logins == 1:
                    say("online")
                else:
                    say(f"online again {time.monotonic()}")
                    app.exit(0)
            elif state is ConnectionState.WAITING:
                say("waiting")

        def log_in() -> None:
            try:
                login = besedka.login_window
                assert login is not None
                QTest.qWaitForWindowExposed(login)
                login.username.setText("alice")
                login.password.setText(PASSWORD)
                login.log_in_button.click()
            except BaseException:
                traceback.print_exc()
                app.exit(3)

        besedka.client.state_changed.connect(on_state)
        besedka.start()
        QTimer.singleShot(0, log_in)
        QTimer.singleShot(120_000, lambda: app.exit(4))  # the test gave up long before
        try:
            return app.exec()
        finally:
            besedka.shut_down()
            languages.uninstall()


if __name__ == "__main__":
    address, _, port_text = sys.argv[1].rpartition(":")
    sys.exit(main(address, int(port_text)))
