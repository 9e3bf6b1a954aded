"""Servers with made-up history, for the client's benchmark and screenshots.

Messages a real server stores get the time they arrive; a picture of
"several days of chat" or a conversation of 100,000 messages needs history
that is older or bigger than anyone would type in a test.  So accounts are
made through the protocol (as users make them), and messages are written
straight into the database through ``db/`` while the server is stopped.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from protocol.frames import Login, Register, decode_json_object  # noqa: E402
from protocol.framing import FrameDecoder, encode_frame  # noqa: E402
from protocol.limits import MAX_SERVER_FRAME_BYTES  # noqa: E402

__all__ = ["DemoMessage", "DemoRoom", "ServerRun", "insert_messages", "insert_rooms",
           "log_in_and_stay", "register"]

PASSWORD = "demo password"


@dataclass(frozen=True, slots=True)
class DemoMessage:
    """A message to store: sender, recipient (None: general room), body,
    time, and the name of the room it is in (None: not a room's)."""

    sender: str
    to: str | None
    body: str
    at: datetime
    room: str | None = None


@dataclass(frozen=True, slots=True)
class DemoRoom:
    """A room to store: its name, topic, whether public, owner, other members."""

    name: str
    topic: str
    public: bool
    owner: str
    members: tuple[str, ...]


class ServerRun:
    """``python -m server`` on 127.0.0.1 and the given database.

    Args:
        database: the SQLite file.
        port: where to listen; 0 picks a free port.
    """

    def __init__(self, database: Path, port: int = 0) -> None:
        self.database = database
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(port),
             "--database", f"sqlite:///{database}", "--bcrypt-rounds", "4",
             # Plain TCP: what is measured or pictured is the chat, not TLS.
             # No mDNS announcement: nothing of a benchmark or a screenshot
             # run may leave the machine.
             "--no-rate-limits", "--no-tls", "--no-announce"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            self.process.kill()
            raise RuntimeError(f"server did not start: {line!r}")
        self.port = int(line.rsplit(":", 1)[1])

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)


def _authenticate(port: int, request: Register | Login) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(encode_frame(request.to_frame(1)))
    decoder = FrameDecoder(MAX_SERVER_FRAME_BYTES)
    while True:
        data = sock.recv(65536)
        if not data:
            raise RuntimeError("the server closed the connection")
        for frame in decoder.feed(data):
            reply = decode_json_object(frame)
            if reply.get("re") == 1:
                if reply["type"] != "ok":
                    raise RuntimeError(f"{request.TYPE} failed: {reply}")
                return sock


def register(port: int, username: str, password: str = PASSWORD) -> None:
    """Create an account."""
    _authenticate(port, Register(username, password)).close()


def log_in_and_stay(port: int, username: str, password: str = PASSWORD) -> socket.socket:
    """Log in and return the open connection: the user is online until it closes."""
    return _authenticate(port, Login(username, password))


def insert_messages(database: Path, messages: Iterable[DemoMessage]) -> None:
    """Store messages directly (the server must be stopped), in the given order."""
    from sqlalchemy import func, insert, select

    from db.engine import create_database_engine
    from db.models import Account, Message, Room

    engine = create_database_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            ids = dict(connection.execute(select(Account.username, Account.id)).all())
            rooms = dict(connection.execute(select(Room.name, Room.id)).all())
            # Change numbers continue from the newest, one per message, as
            # the server gives them.
            seq = connection.execute(select(func.coalesce(func.max(Message.seq), 0))).scalar_one()
            rows = [{"sender_id": ids[m.sender],
                     "recipient_id": None if m.to is None else ids[m.to],
                     "room_id": None if m.room is None else rooms[m.room],
                     "body": m.body, "created_at": m.at, "idempotency_key": None,
                     "seq": seq + n}
                    for n, m in enumerate(messages, start=1)]
            connection.execute(insert(Message), rows)
    finally:
        engine.dispose()


def insert_rooms(database: Path, rooms: Iterable[DemoRoom], at: datetime) -> None:
    """Store rooms directly (the server must be stopped), as ``create_room``
    would have: the owner and the members joined at ``at``, nothing read."""
    from sqlalchemy import insert, select

    from db.engine import create_database_engine
    from db.models import ROLE_MEMBER, ROLE_OWNER, Account, Room, RoomMember

    engine = create_database_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            ids = dict(connection.execute(select(Account.username, Account.id)).all())
            for room in rooms:
                room_id = connection.execute(insert(Room).values(
                    name=room.name, topic=room.topic, public=room.public,
                    created_at=at)).inserted_primary_key[0]  # type: ignore[index]
                connection.execute(insert(RoomMember), [
                    {"room_id": room_id, "account_id": ids[name],
                     "role": ROLE_OWNER if name == room.owner else ROLE_MEMBER,
                     "joined_at": at, "last_read_id": 0}
                    for name in (room.owner, *room.members)])
    finally:
        engine.dispose()


def set_statuses(database: Path, statuses: Iterable[tuple[str, str, str]]) -> None:
    """Give accounts a status and its text, ``(username, status, text)``
    (the server must be stopped)."""
    from sqlalchemy import update

    from db.engine import create_database_engine
    from db.models import Account

    engine = create_database_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            for username, status, text in statuses:
                connection.execute(update(Account).where(Account.username == username)
                                   .values(status=status, status_text=text))
    finally:
        engine.dispose()


def remember_session(port: int, username: str, client: str,
                     password: str = PASSWORD) -> None:
    """Log in with "Keep me logged in" as the client named ``client`` would,
    and leave (the remembered session stays)."""
    _authenticate(port, Login(username, password, protocol=2, remember=True,
                              client=client)).close()
