"""Pictures of the desktop client for the documentation: ``make screenshots``.

Renders the login, registration and chat windows and the Sessions dialog in
English and Russian to ``docs/screenshots/<window>-<language>.png``.  The
chat shows a few users (two of them online, busy and away), a general room
with several days of history and an unread badge, all served by a real
server whose history was written directly into its database (see
:mod:`bench.demo_data`); the Sessions dialog lists the computers where the
user stays logged in.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py docs/screenshots
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
# The login window looks for servers on the LAN (mDNS): keep that on
# loopback, so that making pictures sends nothing off the machine.
os.environ["BESEDKA_MDNS_INTERFACES"] = "127.0.0.1"
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PyQt6.QtCore import QSettings  # noqa: E402
from PyQt6.QtGui import QFont  # noqa: E402
from PyQt6.QtTest import QTest  # noqa: E402
from PyQt6.QtWidgets import QApplication, QWidget  # noqa: E402

from client_gui.app import Besedka  # noqa: E402
from client_gui.credentials import CredentialStore  # noqa: E402
from client_gui.i18n import LanguageManager  # noqa: E402
from client_gui.settings import Settings  # noqa: E402
from protocol.limits import DEFAULT_PORT  # noqa: E402
from bench.demo_data import (  # noqa: E402
    PASSWORD,
    DemoMessage,
    ServerRun,
    insert_messages,
    log_in_and_stay,
    register,
    remember_session,
    set_statuses,
)

USERS = ("alice", "bob", "carol", "Дмитрий", "Елена", "frank")


#: The chat in each language: (sender, recipient, days ago, hour, minute, text).
CHAT = {
    "en": [
        ("bob", None, 3, 9, 12, "Morning all! The printer on the second floor is fixed."),
        ("Елена", None, 3, 9, 15, "Thanks! Finally."),
        ("carol", None, 3, 11, 40, "Release notes draft: https://wiki.example.lan/release-2.4 "
         "\u2014 comments welcome before Friday."),
        ("alice", None, 3, 11, 52, "Read it, looks good. One question about the migration "
         "steps, I'll ask in person."),
        ("Дмитрий", None, 1, 12, 5, "Who is ordering lunch today?"),
        ("frank", None, 1, 12, 7, "Me. Pizza or soup?\nVote by 12:30."),
        ("alice", None, 1, 12, 9, "Soup, please."),
        ("bob", None, 0, 9, 30, "The build server restarts at 18:00 for updates; save your "
         "work and expect a few minutes of downtime."),
        ("carol", None, 0, 9, 34, "Noted, thanks."),
        ("bob", "alice", 0, 10, 2, "Do you have a minute after lunch?"),
        ("bob", "alice", 0, 10, 3, "It's about the release."),
    ],
    "ru": [
        ("bob", None, 3, 9, 12, "Всем доброе утро! Принтер на втором этаже починили."),
        ("Елена", None, 3, 9, 15, "Спасибо! Наконец-то."),
        ("carol", None, 3, 11, 40, "Черновик заметок к выпуску: "
         "https://wiki.example.lan/release-2.4 \u2014 замечания до пятницы."),
        ("alice", None, 3, 11, 52, "Прочитала, всё хорошо. Есть вопрос по шагам миграции, "
         "спрошу лично."),
        ("Дмитрий", None, 1, 12, 5, "Кто заказывает обед сегодня?"),
        ("frank", None, 1, 12, 7, "Я. Пицца или суп?\nГолосуем до 12:30."),
        ("alice", None, 1, 12, 9, "Суп, пожалуйста."),
        ("bob", None, 0, 9, 30, "Сборочный сервер перезагрузится в 18:00 для обновлений: "
         "сохраните работу, несколько минут он будет недоступен."),
        ("carol", None, 0, 9, 34, "Принято, спасибо."),
        ("bob", "alice", 0, 10, 2, "Найдётся минутка после обеда?"),
        ("bob", "alice", 0, 10, 3, "Это насчёт выпуска."),
    ],
}
DRAFT = {"en": "Sure, ", "ru": "Конечно, "}
#: Statuses of the users online: (user, status, text).
STATUSES = {
    "en": [("bob", "busy", "in a meeting until 11"), ("Елена", "away", "")],
    "ru": [("bob", "busy", "на совещании до 11"), ("Елена", "away", "")],
}
#: Other computers where alice stays logged in, oldest first.
OTHER_SESSIONS = ["Besedka 0.2, Windows 11, LAB-214-07", "Besedka 0.2, Linux 6.8, alice-laptop"]


def history(language: str) -> list[DemoMessage]:
    """A few days of a small team's chat, in local time."""
    today = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    return [DemoMessage(sender, to, text,
                        today - timedelta(days=days_ago) + timedelta(hours=hour, minutes=minute))
            for sender, to, days_ago, hour, minute, text in CHAT[language]]


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


def shoot(app: QApplication, port: int, language: str, out: Path, settings: Settings,
          credentials: CredentialStore) -> None:
    languages = LanguageManager(app, settings)
    languages.choose(language)
    # bench.demo_data runs its server with --no-tls, so the client talks plain TCP.
    besedka = Besedka.with_network(app, settings, languages, ("127.0.0.1", port), tls=False,
                                   credentials=credentials)
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
        wait(app, lambda: general.rowCount() >= len(CHAT[language]) - 2
             and not general.loading)
        chat.compose.setPlainText(DRAFT[language])
        settle(app)
        save(chat, out / f"chat-{language}.png")

        chat.sessions_action.trigger()
        dialog = chat.sessions_dialog
        wait(app, lambda: dialog.table.topLevelItemCount() == len(OTHER_SESSIONS) + 1)
        dialog.select(dialog.sessions[-1].session)
        dialog.resize(640, 300)
        settle(app)
        save(dialog, out / f"sessions-{language}.png")
        dialog.close()
        chat.log_out_action.trigger()
        settle(app)
    finally:
        besedka.shut_down()
        languages.uninstall()


def serve(directory: Path, language: str) -> ServerRun:
    """A server with the users and the chat of one language; the default
    port if it is free, so the pictures show the address people will see."""
    database = directory / f"demo-{language}.db"
    server = ServerRun(database)
    try:
        for user in USERS:
            register(server.port, user)
    finally:
        server.stop()
    insert_messages(database, history(language))
    set_statuses(database, STATUSES[language])
    try:
        return ServerRun(database, DEFAULT_PORT)
    except RuntimeError:
        return ServerRun(database)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([sys.argv[0]])
    # The same font everywhere, so pictures do not depend on the machine
    # that made them (DejaVu comes with Debian's fontconfig).
    app.setFont(QFont("DejaVu Sans", 10))
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        settings = Settings(QSettings(str(directory / "settings.ini"),
                                      QSettings.Format.IniFormat))
        credentials = CredentialStore(settings, None, directory / "private")
        for language in ("en", "ru"):
            server = serve(directory, language)
            online = [log_in_and_stay(server.port, user) for user in ("bob", "Елена")]
            for client in OTHER_SESSIONS:
                remember_session(server.port, "alice", client)
            try:
                shoot(app, server.port, language, out, settings, credentials)
            finally:
                for sock in online:
                    sock.close()
                server.stop()


if __name__ == "__main__":
    main()
