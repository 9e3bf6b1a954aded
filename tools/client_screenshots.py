"""Pictures of the desktop client for the documentation: ``make screenshots``.

Renders the login, registration and chat windows in English and Russian to
``docs/screenshots/<window>-<language>.png``.  The chat shows a few users
(two of them online), a general room with several days of history and an
unread badge, all served by a real server whose history was written
directly into its database (see :mod:`tools.demo_data`).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/client_screenshots.py docs/screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PyQt6.QtCore import QSettings  # noqa: E402
from PyQt6.QtGui import QFont  # noqa: E402
from PyQt6.QtTest import QTest  # noqa: E402
from PyQt6.QtWidgets import QApplication, QWidget  # noqa: E402

from client_gui.app import Besedka  # noqa: E402
from client_gui.i18n import LanguageManager  # noqa: E402
from client_gui.settings import Settings  # noqa: E402
from tools.demo_data import (  # noqa: E402
    PASSWORD,
    DemoMessage,
    ServerRun,
    insert_messages,
    log_in_and_stay,
    register,
)

USERS = ("alice", "bob", "carol", "Дмитрий", "Елена", "frank")


def history() -> list[DemoMessage]:
    """Three days of a small team's chat, in local time."""
    today = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)

    def at(days_ago: int, hour: int, minute: int) -> datetime:
        return today - timedelta(days=days_ago) + timedelta(hours=hour, minutes=minute)

    return [
        DemoMessage("bob", None, "Morning all! The printer on the second floor is fixed.",
                    at(3, 9, 12)),
        DemoMessage("Елена", None, "Спасибо! Наконец-то.", at(3, 9, 15)),
        DemoMessage("carol", None, "Release notes draft: https://wiki.example.lan/release-2.4 "
                    "\u2014 comments welcome before Friday.", at(3, 11, 40)),
        DemoMessage("alice", None, "Read it, looks good. One question about the migration "
                    "steps, I'll ask in person.", at(3, 11, 52)),
        DemoMessage("Дмитрий", None, "Кто заказывает обед сегодня?", at(1, 12, 5)),
        DemoMessage("frank", None, "Me. Pizza or soup?\nVote by 12:30.", at(1, 12, 7)),
        DemoMessage("alice", None, "Soup, please.", at(1, 12, 9)),
        DemoMessage("bob", None, "The build server restarts at 18:00 for updates; save "
                    "your work and expect a few minutes of downtime.", at(0, 9, 30)),
        DemoMessage("carol", None, "Noted, thanks.", at(0, 9, 34)),
        DemoMessage("bob", "alice", "Do you have a minute after lunch?", at(0, 10, 2)),
        DemoMessage("bob", "alice", "It's about the release.", at(0, 10, 3)),
    ]


def wait(app: QApplication, condition: Callable[[], object], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the client did not get there in time")
        app.processEvents()
        time.sleep(0.01)


def settle(app: QApplication) -> None:
    """Let layouts, LanguageChange events and repaints finish."""
    for _ in range(5):
        QTest.qWait(30)
        app.processEvents()


def save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path), "PNG")
    print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


def shoot(app: QApplication, port: int, language: str, out: Path, settings: Settings) -> None:
    languages = LanguageManager(app, settings)
    languages.choose(language)
    besedka = Besedka.with_network(app, settings, languages, ("127.0.0.1", port))
    besedka.start()
    try:
        login = besedka.login_window
        assert login is not None
        login.username.setText("alice")
        login.password.setText(PASSWORD)
        login.resize(480, 260)
        settle(app)
        save(login, out / f"login-{language}.png")

        login.register_button.click()
        registration = besedka.registration_window
        assert registration is not None
        registration.resize(540, 400)
        QTest.keyClicks(registration.username, "new user")
        QTest.keyClicks(registration.password, "secret")
        settle(app)
        save(registration, out / f"registration-{language}.png")
        registration.back_button.click()

        login = besedka.login_window
        assert login is not None
        login.username.setText("alice")
        login.password.setText(PASSWORD)
        login.log_in_button.click()
        wait(app, lambda: besedka.chat_window is not None)
        chat = besedka.chat_window
        assert chat is not None
        chat.resize(960, 640)
        chat.splitter.setSizes([240, 720])
        general = chat.conversations.model(None)
        wait(app, lambda: general.rowCount() >= len(history()) - 2 and not general.loading)
        chat.compose.setPlainText("Sure, ")
        settle(app)
        save(chat, out / f"chat-{language}.png")
        chat.log_out_action.trigger()
        settle(app)
    finally:
        besedka.shut_down()
        languages.uninstall()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        database = Path(directory) / "demo.db"
        server = ServerRun(database)
        try:
            for user in USERS:
                register(server.port, user)
        finally:
            server.stop()
        insert_messages(database, history())
        server = ServerRun(database)
        online = [log_in_and_stay(server.port, name) for name in ("bob", "Елена")]
        try:
            app = QApplication([sys.argv[0]])
            # The same font everywhere, so pictures do not depend on the
            # machine that made them (DejaVu comes with Debian's fontconfig).
            app.setFont(QFont("DejaVu Sans", 10))
            settings = Settings(QSettings(f"{directory}/settings.ini",
                                          QSettings.Format.IniFormat))
            for language in ("en", "ru"):
                shoot(app, server.port, language, out, settings)
        finally:
            for sock in online:
                sock.close()
            server.stop()


if __name__ == "__main__":
    main()
