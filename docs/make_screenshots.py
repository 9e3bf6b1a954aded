"""Pictures of the desktop client for the documentation: ``make screenshots``.

Renders the login, registration and chat windows, the chat window
searching, files in the chat (a picture shown inline, a file card, an
upload in progress) and the screenshot tool choosing an area, a room with
its members panel, the "New room" dialog and the Sessions dialog, in English
and Russian, to ``docs/screenshots/<window>-<language>.png``; the chat
window and the changing messages also in the dark theme
(``<window>-dark-<language>.png``), the others in the system's (light)
theme.  The chat
shows a few users (two of them online, busy and away), three rooms, a
general room with several days of history and unread badges, all served by
a real server whose rooms and history were written directly into its
database (see :mod:`bench.demo_data`); the Sessions dialog lists the
computers where the user stays logged in.

Then the others act live, over the protocol, as the client would see them
(:func:`shoot_lifecycle`): a reply, an edit, a deletion, reactions, a
mention and someone typing in the general room (``changes-<language>.png``),
and ticks in a direct conversation while a reply is being written
(``receipts-<language>.png``).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py docs/screenshots
"""

from __future__ import annotations

import os
import socket
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

from PyQt6.QtCore import QPoint, QRect, QSettings, Qt  # noqa: E402
from PyQt6.QtGui import QColor, QFont, QImage, QPainter  # noqa: E402
from PyQt6.QtTest import QTest  # noqa: E402
from PyQt6.QtWidgets import QApplication, QWidget  # noqa: E402

import client_gui.files  # noqa: E402
from client_gui.app import Besedka  # noqa: E402
from client_gui.chat_window import ChatWindow  # noqa: E402
from client_gui.credentials import CredentialStore  # noqa: E402
from client_gui.i18n import LanguageManager  # noqa: E402
from client_gui.models import MessageListModel, MessageRow  # noqa: E402
from client_gui.outbox import RoomConversation  # noqa: E402
from client_gui.settings import Settings  # noqa: E402
from client_gui.theme import Appearance, Theme  # noqa: E402
from protocol.framing import FrameDecoder, decode_json_object, encode_frame  # noqa: E402
from protocol.limits import DEFAULT_PORT, MAX_SERVER_FRAME_BYTES  # noqa: E402
from protocol.objects import FileInfo  # noqa: E402
from bench.demo_data import (  # noqa: E402
    PASSWORD,
    DemoMessage,
    DemoRoom,
    ServerRun,
    insert_messages,
    insert_rooms,
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
#: What the search picture looks for: a part of a word, in another case.
SEARCH = {"en": "RELEAS", "ru": "ВЫПУСК"}
#: Statuses of the users online: (user, status, text).
STATUSES = {
    "en": [("bob", "busy", "in a meeting until 11"), ("Елена", "away", "")],
    "ru": [("bob", "busy", "на совещании до 11"), ("Елена", "away", "")],
}
#: Other computers where alice stays logged in, oldest first.
OTHER_SESSIONS = ["Besedka 0.2, Windows 11, LAB-214-07", "Besedka 0.2, Linux 6.8, alice-laptop"]

#: What happens live for the second picture (see shoot_lifecycle).
LIVE = {
    "en": {
        "question": "Who can look at the migration steps today?",
        "answer": "I can, after lunch.",
        "typo": "The demo moved to 15:00 in room 214.",
        "fixed": "The demo moved to 16:00 in room 214.",
        "oops": "Oops, wrong chat.",
        "mention": "@alice, the slides are on the share.",
        "direct": ["Yes, 14:00 works.", "I'll bring the laptop."],
        "reply": "See you then",
    },
    "ru": {
        "question": "Кто сегодня посмотрит шаги миграции?",
        "answer": "Я, после обеда.",
        "typo": "Демо перенесли на 15:00 в 214-ю.",
        "fixed": "Демо перенесли на 16:00 в 214-ю.",
        "oops": "Ой, не тот чат.",
        "mention": "@alice, слайды лежат на общем диске.",
        "direct": ["Да, в 14:00 удобно.", "Ноутбук принесу."],
        "reply": "До встречи",
    },
}


class Peer:
    """Someone else at a raw version 2 connection, acting while the picture waits."""

    def __init__(self, port: int, username: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.decoder = FrameDecoder(MAX_SERVER_FRAME_BYTES)
        self.serial = 0
        self.request("login", username=username, password=PASSWORD, protocol=2)

    def request(self, request_type: str, **fields: object) -> dict[str, object]:
        """Send a request and return its ``ok`` (events meanwhile are skipped)."""
        self.serial += 1
        self.sock.sendall(encode_frame({"type": request_type, "id": self.serial, **fields}))
        while True:
            data = self.sock.recv(65536)
            if not data:
                raise RuntimeError("the server closed the connection")
            for frame in self.decoder.feed(data):
                reply = decode_json_object(frame)
                if reply.get("re") == self.serial:
                    if reply["type"] != "ok":
                        raise RuntimeError(f"{request_type} failed: {reply}")
                    return reply

    def send(self, body: str, to: str | None = None) -> int:
        reply = self.request("send", to=to, body=body)
        return int(reply["message"]["id"])  # type: ignore[index]

    def close(self) -> None:
        self.sock.close()


def row_of(model: MessageListModel, body: str) -> MessageRow:
    return next(model.row(n) for n in range(model.rowCount()) if model.row(n).body == body)


#: The rooms in each language (alice is in all of them).
ROOMS = {
    "en": [DemoRoom("Release 2.4", "Ship on Friday: blockers only", False, "carol",
                    ("alice", "bob", "Дмитрий", "Елена")),
           DemoRoom("Lab 214", "Networks lab, Tuesdays and Thursdays", True, "bob",
                    ("alice", "frank", "Елена")),
           DemoRoom("Group ИВТ-21", "", True, "Дмитрий", ("alice", "carol"))],
    "ru": [DemoRoom("Выпуск 2.4", "Выпускаем в пятницу: только блокеры", False, "carol",
                    ("alice", "bob", "Дмитрий", "Елена")),
           DemoRoom("Лаборатория 214", "Сети, вторник и четверг", True, "bob",
                    ("alice", "frank", "Елена")),
           DemoRoom("Группа ИВТ-21", "", True, "Дмитрий", ("alice", "carol"))],
}
#: What is said in the rooms: (room, sender, days ago, hour, minute, text).
ROOM_CHAT = {
    "en": [
        (0, "carol", 1, 16, 2, "Release checklist is in the wiki. Two blockers left."),
        (0, "bob", 1, 16, 10, "The migration test on the old database passes now."),
        (0, "Дмитрий", 0, 9, 41, "Installer signed and uploaded to the share."),
        (0, "Елена", 0, 9, 47, "Translations are done, screenshots too."),
        (0, "carol", 0, 10, 5, "Great. Last blocker: the upgrade note. Alice?"),
        (1, "bob", 0, 8, 55, "Room 214 is open from 9:00 today."),
        (1, "frank", 0, 9, 20, "Who took the spare switch?"),
        (2, "Дмитрий", 0, 11, 0, "Lab report due Monday."),
    ],
    "ru": [
        (0, "carol", 1, 16, 2, "Чек-лист выпуска в вики. Осталось два блокера."),
        (0, "bob", 1, 16, 10, "Тест миграции на старой базе теперь проходит."),
        (0, "Дмитрий", 0, 9, 41, "Установщик подписан и лежит на общем диске."),
        (0, "Елена", 0, 9, 47, "Переводы готовы, снимки экрана тоже."),
        (0, "carol", 0, 10, 5, "Отлично. Последний блокер: заметка об обновлении. Алиса?"),
        (1, "bob", 0, 8, 55, "Аудитория 214 сегодня открыта с 9:00."),
        (1, "frank", 0, 9, 20, "Кто взял запасной коммутатор?"),
        (2, "Дмитрий", 0, 11, 0, "Отчёт по лабораторной сдать в понедельник."),
    ],
}
#: The new room in the dialog's picture, and who is ticked.
NEW_ROOM = {"en": ("Study group: databases", "r", ["carol", "frank"]),
            "ru": ("Кружок по базам данных", "r", ["carol", "frank"])}


def history(language: str) -> list[DemoMessage]:
    """A few days of a small team's chat, in its rooms too, in local time."""
    today = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)

    def at(days_ago: int, hour: int, minute: int) -> datetime:
        return today - timedelta(days=days_ago) + timedelta(hours=hour, minutes=minute)

    said = [DemoMessage(sender, to, text, at(days_ago, hour, minute))
            for sender, to, days_ago, hour, minute, text in CHAT[language]]
    rooms = ROOMS[language]
    said += [DemoMessage(sender, None, text, at(days_ago, hour, minute), rooms[room].name)
             for room, sender, days_ago, hour, minute, text in ROOM_CHAT[language]]
    return sorted(said, key=lambda message: message.at)


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


def save_dark(app: QApplication, appearance: Appearance, widget: QWidget, path: Path) -> None:
    """Save ``widget`` in the dark theme, then give it the system's back."""
    appearance.choose(Theme.DARK, 0)
    settle(app)
    save(widget, path)
    appearance.choose(Theme.SYSTEM, 0)
    settle(app)


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
        save_dark(app, besedka.appearance, chat, out / f"chat-dark-{language}.png")
        chat.compose.clear()
        shoot_files(app, chat, language, out)

        # Ctrl+Shift+F: every conversation, by a part of a word.
        chat.search.start(everywhere=True)
        panel = chat.search_panel
        panel.query.setText(SEARCH[language])
        panel.search_now()
        wait(app, lambda: panel.model.rowCount() >= 2 and not panel._ticket)
        panel.results.setCurrentIndex(panel.model.index(0))
        settle(app)
        save(chat, out / f"search-{language}.png")
        chat.search.back()
        chat.compose.clear()

        # A room, with its members panel.
        release = next(room for room in chat.conversations.list_model.rooms()
                       if room.name == ROOMS[language][0].name)
        chat.select_conversation(RoomConversation(release.id))
        chat.rooms.members_action.setChecked(True)
        room_model = chat.conversations.model(RoomConversation(release.id))
        members = chat.conversations.rooms.members(release.id)
        wait(app, lambda: room_model.rowCount() >= 5 and not room_model.loading
             and members.loaded)
        chat.resize(1100, 640)
        chat.splitter.setSizes([240, 860])
        chat.middle.setSizes([640, 220])
        settle(app)
        save(chat, out / f"rooms-{language}.png")

        # The New room dialog, filled in.
        chat.rooms.new_room_action.trigger()
        dialog = chat.rooms.dialog
        assert dialog is not None
        name, typed, ticked = NEW_ROOM[language]
        dialog.name.setText(name)  # type: ignore[attr-defined]
        dialog.public.setChecked(True)  # type: ignore[attr-defined]
        for member in ticked:
            dialog.members.set_checked(member)  # type: ignore[attr-defined]
        dialog.members.filter.setText(typed)  # type: ignore[attr-defined]
        dialog.resize(460, 360)
        settle(app)
        save(dialog, out / f"new-room-{language}.png")
        dialog.reject()

        # Back to the general room, members panel closed, for what changes there.
        chat.rooms.members_action.setChecked(False)
        chat.select_conversation(None)
        chat.resize(960, 640)
        shoot_lifecycle(app, port, language, out, chat, besedka.appearance)

        chat.menus.sessions_action.trigger()
        dialog = chat.menus.sessions_dialog
        wait(app, lambda: dialog.table.topLevelItemCount() == len(OTHER_SESSIONS) + 1)
        dialog.select(dialog.sessions[-1].session)
        dialog.resize(640, 300)
        settle(app)
        save(dialog, out / f"sessions-{language}.png")
        dialog.close()
        chat.menus.log_out_action.trigger()
        settle(app)
    finally:
        besedka.shut_down()
        languages.uninstall()


FILES_TEXT = {
    "en": ("Build times this week", "The chart from this morning", "plan.pdf"),
    "ru": ("Время сборки за неделю", "График за сегодняшнее утро", "план.pdf"),
}


def chart(title: str) -> QImage:
    """A picture to send: a small bar chart."""
    image = QImage(720, 420, QImage.Format.Format_RGB32)
    image.fill(QColor("#fbfbfd"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont("DejaVu Sans", 20)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#2c3e50"))
    painter.drawText(QRect(0, 16, 720, 40), Qt.AlignmentFlag.AlignCenter, title)
    for number, value in enumerate((7.2, 6.1, 8.4, 5.3, 4.8)):
        height = int(value * 36)
        painter.fillRect(QRect(90 + number * 120, 380 - height, 80, height),
                         QColor("#3d7ab8" if number != 2 else "#e67e22"))
    painter.setPen(QColor("#7f8c8d"))
    painter.drawLine(60, 381, 680, 381)
    painter.end()
    return image


def shoot_files(app: QApplication, chat: ChatWindow, language: str, out: Path) -> None:
    """A picture preview, a file card, an upload in progress; and the screenshot tool."""
    title, caption, document = FILES_TEXT[language]
    folder = Path(tempfile.mkdtemp(prefix="besedka-shots-"))
    picture = folder / "chart.png"
    chart(title).save(str(picture), "PNG")
    (folder / document).write_bytes(b"%PDF-1.4\n" + bytes(180_000))
    chat.files.attach([picture])
    chat.compose.setPlainText(caption)
    chat.on_send()
    chat.files.attach([folder / document])
    chat.on_send()
    general = chat.conversations.model(None)
    previews = chat.conversations.file_services.previews

    def stored_files() -> list[FileInfo]:
        return [row.file for row in (general.row(n) for n in range(general.rowCount()))
                if row.file is not None and row.id is not None]

    wait(app, lambda: len(stored_files()) == 2)
    wait(app, lambda: previews.pixmap(stored_files()[0]) is not None)
    # A large file on its way: a sparse one, so the picture costs no disk.
    large = folder / ("backup-2026-12.iso" if language == "en" else "копия-2026-12.iso")
    with open(large, "wb") as file:
        file.truncate(1536 * 1024**2)
    chat.files.attach([large])
    chat.on_send()
    transfers = chat._client.files
    upload = next(iter(transfers.uploads.values()))
    wait(app, lambda: upload.size and 0.2 < upload.done / upload.size < 0.8, seconds=120)
    settle(app)
    save(chat, out / f"files-{language}.png")
    transfers.cancel_upload(upload.key)
    general.remove_pending(upload.key)

    # The screenshot tool over the chat, an area being chosen.
    desktop = chat.grab()
    overlay = chat.files.open_overlay(desktop, QRect(chat.pos(), desktop.size()))
    overlay.move(0, 0)
    settle(app)
    QTest.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(300, 120))
    QTest.mouseMove(overlay, QPoint(700, 420))
    settle(app)
    save(overlay, out / f"screenshot-tool-{language}.png")
    overlay.close()
    settle(app)


def shoot_lifecycle(app: QApplication, port: int, language: str, out: Path,
                    chat: ChatWindow, appearance: Appearance) -> None:
    """The pictures of messages that change: replies, edits, deletions,
    reactions, a mention, typing; then ticks in a direct conversation."""
    text = LIVE[language]
    general = chat.conversations.model(None)
    bob, carol, elena = Peer(port, "bob"), Peer(port, "carol"), Peer(port, "Елена")
    try:
        question = bob.send(text["question"])
        wait(app, lambda: general.contains(question))
        chat.message_actions.reply(row_of(general, text["question"]))
        chat.compose.setPlainText(text["answer"])
        chat.on_send()
        chat.compose.setPlainText(text["typo"])
        chat.on_send()
        wait(app, lambda: any(general.row(n).body == text["typo"] and general.row(n).id
                              for n in range(general.rowCount())))
        typo = row_of(general, text["typo"])
        assert typo.id is not None
        chat.message_actions.edit(typo)
        chat.compose.setPlainText(text["fixed"])
        chat.on_send()
        for peer in (bob, elena):
            peer.request("react", message=typo.id, emoji="👍", on=True)
        carol.request("react", message=typo.id, emoji="🎉", on=True)
        oops = carol.send(text["oops"])
        carol.request("delete", message=oops)
        elena.send(text["mention"])
        bob.request("react", message=question, emoji="👀", on=True)
        bob.request("typing", active=True)
        wait(app, lambda: chat.message_actions.typing_label.isVisible()
             and general.row(general.position_of(oops) or 0).deleted
             and row_of(general, text["fixed"]).reactions != ())
        settle(app)
        save(chat, out / f"changes-{language}.png")
        save_dark(app, appearance, chat, out / f"changes-dark-{language}.png")
        bob.request("typing", active=False)

        chat.select_conversation("bob")
        direct = chat.conversations.model("bob")
        for body in text["direct"]:
            chat.compose.setPlainText(body)
            chat.on_send()
        wait(app, lambda: direct.rowCount() >= 2 and direct.row(direct.rowCount() - 1).id)
        first = row_of(direct, text["direct"][0])
        bob.request("mark_read", up_to=first.id, **{"with": "alice"})
        wait(app, lambda: direct.read_markers.up_to.get("bob") == first.id)
        answer = bob.send(text["reply"], to="alice")
        wait(app, lambda: direct.contains(answer))
        chat.message_actions.reply(row_of(direct, text["reply"]))
        settle(app)
        save(chat, out / f"receipts-{language}.png")
        chat.message_actions.cancel()
    finally:
        for peer in (bob, carol, elena):
            peer.close()


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
    today = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    insert_rooms(database, ROOMS[language], today - timedelta(days=7))
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
        # Pictures fetched for previews go to the temporary folder, not the user's cache.
        client_gui.files.default_cache_dir = lambda: directory / "cache"
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
