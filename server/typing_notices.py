"""Typing notices: "alice is typing…", passed on but never stored.

PROTOCOL-2.md, "Typing and read receipts": a ``typing`` request says that
someone started or stopped typing in a conversation, and the others in it
get a ``typing`` event.  A client may send one per keystroke; the server
passes on at most one per :data:`~protocol.limits.TYPING_THROTTLE_SECONDS`
per connection and conversation.  What arrives during that window is not
dropped: the latest state is passed on when the window ends, so an
``active: false`` (the user sent or cleared the message) is never lost and
nobody is left "typing" until the notice expires.

A connection that closes while its user was typing is followed by an
``active: false`` for every conversation where the last notice passed on
said ``active: true`` less than :data:`~protocol.limits.TYPING_EXPIRES_SECONDS`
ago, so others see the notice end at once.

Nothing here touches the database except to learn a room's members.
Where several server processes share one PostgreSQL database, each notice
passed on is also announced to the others (``publish``, set by
:mod:`server.cluster`), which write it to their own sessions
(:meth:`TypingNotices.tell_from_elsewhere`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from db import lifecycle
from db.database import Database
from protocol.errors import ErrorCode, RequestError, RequestId
from protocol.features import Feature
from protocol.framing import encode_frame
from protocol.lifecycle import Typing, TypingEvent
from protocol.limits import PROTOCOL_V1, TYPING_EXPIRES_SECONDS, TYPING_THROTTLE_SECONDS
from protocol.replies import Done

from .directory import AccountDirectory
from .dispatch import Dispatcher
from .presence import Presence
from .session import Connection, Session, logged_in

__all__ = ["TypingNotices"]


@dataclass(frozen=True, slots=True)
class _Conversation:
    """Where someone types, as the others are told of it."""

    #: tells conversations apart: ("general",), ("direct", peer id), ("room", id)
    key: tuple[Any, ...]
    #: ``to`` of the event: the typist's name for a direct conversation
    to: str | None
    room: int | None
    #: the accounts told (the typist's own left out); None: everyone else
    audience: tuple[int, ...] | None


@dataclass(slots=True)
class _Window:
    """One connection's throttle window in one conversation."""

    timer: asyncio.TimerHandle
    #: the state asked for during the window, passed on when it ends
    pending: bool | None = None


@dataclass(slots=True)
class _Typist:
    """What one session's last notices said, per conversation."""

    windows: dict[tuple[Any, ...], _Window] = field(default_factory=dict)
    #: conversations whose last notice said active: when it was passed on
    active: dict[tuple[Any, ...], tuple[float, _Conversation]] = field(default_factory=dict)


class TypingNotices:
    """Answers ``typing`` and passes the notices on, throttled.

    Args:
        database: to read a room's members.
        directory: for the name in ``to``.
        presence: the sessions online.
        loop: for the throttle's timers.
        throttle: seconds between two notices passed on per connection and
            conversation (the protocol's; tests may not shorten it).
    """

    def __init__(self, database: Database, directory: AccountDirectory, presence: Presence,
                 loop: asyncio.AbstractEventLoop,
                 throttle: float = TYPING_THROTTLE_SECONDS) -> None:
        self.database = database
        self.directory = directory
        self.presence = presence
        self.loop = loop
        self.throttle = throttle
        self._typists: dict[Session, _Typist] = {}
        #: where other server processes on the same database hear of each
        #: notice passed on (server/cluster.py)
        self.publish: Callable[[dict[str, Any]], None] | None = None

    def install(self, dispatcher: Dispatcher) -> None:
        dispatcher.route(Typing, self._typing)
        dispatcher.on_connection_closed(self._closed)
        dispatcher.offer(Feature.TYPING)

    async def _typing(self, connection: Connection, request: Typing,
                      re: RequestId) -> dict[str, Any]:
        session = logged_in(connection)
        conversation = await self._conversation(session, request, re)
        if connection.session is session:  # not logged out meanwhile
            self.notice(session, conversation, request.active)
        return Done().to_wire(re)

    async def _conversation(self, session: Session, request: Typing,
                            re: RequestId) -> _Conversation:
        me = session.account_id
        if request.room is not None:
            room = request.room
            members = await asyncio.wrap_future(self.database.read(
                lambda conn: lifecycle.room_members(conn, room)))
            if me not in members:
                # The same answer as for a room that does not exist (PROTOCOL-2.md).
                raise RequestError(ErrorCode.UNKNOWN_ROOM, f"no room {room} of yours", re)
            return _Conversation(("room", room), None, room,
                                 tuple(m for m in members if m != me))
        if request.to is None:
            return _Conversation(("general",), None, None, None)
        peer = self.directory.named(request.to, re)
        return _Conversation(("direct", peer.id), session.username, None,
                             () if peer.id == me else (peer.id,))

    def notice(self, session: Session, conversation: _Conversation, active: bool) -> None:
        """Pass a notice on now, or when the conversation's window ends."""
        typist = self._typists.setdefault(session, _Typist())
        window = typist.windows.get(conversation.key)
        if window is not None:
            window.pending = active
            return
        self._pass_on(session, typist, conversation, active)

    def _pass_on(self, session: Session, typist: _Typist, conversation: _Conversation,
                 active: bool) -> None:
        typist.windows[conversation.key] = _Window(self.loop.call_later(
            self.throttle, self._window_ends, session, conversation))
        if active:
            typist.active[conversation.key] = (self.loop.time(), conversation)
        else:
            typist.active.pop(conversation.key, None)
        self._tell(session, conversation, active)

    def _window_ends(self, session: Session, conversation: _Conversation) -> None:
        typist = self._typists.get(session)
        if typist is None:
            return
        window = typist.windows.pop(conversation.key)
        if window.pending is not None:
            self._pass_on(session, typist, conversation, window.pending)
            return
        # Notices every client has let expire need no "stopped" any more.
        now = self.loop.time()
        for key, (since, _) in list(typist.active.items()):
            if now - since >= TYPING_EXPIRES_SECONDS:
                del typist.active[key]
        if not typist.windows and not typist.active:
            del self._typists[session]

    def _closed(self, connection: Connection) -> None:
        """The connection closed: its windows end, and whoever still sees
        its user typing is told that it stopped."""
        for session, typist in list(self._typists.items()):
            if session.connection is not connection:
                continue
            del self._typists[session]
            for window in typist.windows.values():
                window.timer.cancel()
            now = self.loop.time()
            for since, conversation in typist.active.values():
                if now - since < TYPING_EXPIRES_SECONDS:
                    self._tell(session, conversation, False)

    def _tell(self, typist: Session, conversation: _Conversation, active: bool) -> None:
        """Write the event to every version 2 session of the conversation's
        other accounts (none of the typist's own), here and on other nodes."""
        event = TypingEvent(typist.username, conversation.to, conversation.room, active)
        self._write(event, typist.account_id, conversation.audience)
        if self.publish is not None:
            self.publish({"u": typist.username, "to": conversation.to, "room": conversation.room,
                          "on": active, "me": typist.account_id,
                          "aud": None if conversation.audience is None
                          else list(conversation.audience)})

    def tell_from_elsewhere(self, notice: dict[str, Any]) -> None:
        """A notice another server process on the same database passed on
        (in the form ``publish`` was given it)."""
        audience = notice["aud"]
        self._write(TypingEvent(notice["u"], notice["to"], notice["room"], bool(notice["on"])),
                    int(notice["me"]), None if audience is None else tuple(audience))

    def _write(self, event: TypingEvent, me: int, audience: tuple[int, ...] | None) -> None:
        data: bytes | None = None
        online = self.presence.online
        if audience is None:
            groups = [sessions for account_id, sessions in online.items() if account_id != me]
        else:
            groups = [online.get(account_id, set()) for account_id in audience]
        for sessions in groups:
            for session in sessions:
                if session.protocol == PROTOCOL_V1 or session.joining:
                    continue
                if data is None:
                    data = encode_frame(event.to_wire(session.protocol))
                session.connection.write_soon(data)
