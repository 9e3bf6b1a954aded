"""Typing notices both ways: telling others that I type, and showing who else does.

:class:`TypingSender` turns the compose box's text changes into ``typing``
requests: one when I start, repeated every few seconds while I keep typing
(the others' notices expire after
:data:`~protocol.limits.TYPING_EXPIRES_SECONDS`), and ``active: false``
when I send, clear the box, switch conversation or pause.  The server
throttles too; this keeps a keystroke from being a request.

:class:`TypingTracker` keeps who is typing in which conversation from the
server's ``typing`` events, forgets a notice when it expires or when that
person's message arrives, and says what to show: "alice is typing…".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

from PyQt6.QtCore import QCoreApplication, QObject, QTimer, pyqtSignal

from protocol.lifecycle import TypingEvent
from protocol.limits import TYPING_EXPIRES_SECONDS
from protocol.rules import username_key

from .outbox import ConversationId, RoomConversation

__all__ = ["TypingSender", "TypingTracker", "typing_conversation", "typing_text"]

#: While I keep typing, ``active: true`` goes again this often, well
#: inside the others' expiry.
RESEND_SECONDS: Final = TYPING_EXPIRES_SECONDS / 2
#: A pause this long in typing counts as having stopped.
PAUSE_SECONDS: Final = 5.0


def typing_conversation(event: TypingEvent) -> ConversationId:
    """The conversation a ``typing`` event is about, as this client names it."""
    if event.room is not None:
        return RoomConversation(event.room)
    if event.to is None:
        return None
    # A direct conversation is named by the typist (docs/protocol.md).
    return username_key(event.to)


def typing_text(names: list[str]) -> str:
    """What to show under a conversation for the people typing in it."""
    if not names:
        return ""
    if len(names) == 1:
        return QCoreApplication.translate("Typing", "%1 is typing\u2026").replace(
            "%1", names[0])
    if len(names) == 2:
        return QCoreApplication.translate("Typing", "%1 and %2 are typing\u2026").replace(
            "%1", names[0]).replace("%2", names[1])
    return QCoreApplication.translate("Typing", "Several people are typing\u2026")


class TypingTracker(QObject):
    """Who is typing in each conversation, by the server's notices.

    Signals:
        changed(ConversationId): the people typing there changed.
    """

    changed = pyqtSignal(object)

    def __init__(self, me: str, parent: QObject | None = None,
                 expires: float = TYPING_EXPIRES_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._me_key = username_key(me)
        self._expires = expires
        self._clock = clock
        #: conversation -> typist's name -> when the notice expires
        self._typing: dict[ConversationId, dict[str, float]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._expire)

    def names(self, conversation: ConversationId) -> list[str]:
        """Who is typing there now, in the order they started."""
        return list(self._typing.get(conversation, {}))

    def on_typing(self, event: TypingEvent) -> None:
        if username_key(event.sender) == self._me_key:
            return  # my own other client: not news to me
        conversation = typing_conversation(event)
        typists = self._typing.setdefault(conversation, {})
        if event.active:
            typists[event.sender] = self._clock() + self._expires
        elif typists.pop(event.sender, None) is None:
            return
        if not typists:
            del self._typing[conversation]
        self._schedule()
        self.changed.emit(conversation)

    def message_arrived(self, conversation: ConversationId, sender: str) -> None:
        """Someone's message arrived: they are done typing it."""
        typists = self._typing.get(conversation)
        if typists is not None and typists.pop(sender, None) is not None:
            if not typists:
                del self._typing[conversation]
            self.changed.emit(conversation)

    def clear(self) -> None:
        """The connection went: nobody's notice can be trusted any more."""
        conversations = list(self._typing)
        self._typing.clear()
        self._timer.stop()
        for conversation in conversations:
            self.changed.emit(conversation)

    def _schedule(self) -> None:
        deadlines = [deadline for typists in self._typing.values()
                     for deadline in typists.values()]
        if not deadlines:
            self._timer.stop()
            return
        self._timer.start(max(0, int((min(deadlines) - self._clock()) * 1000) + 1))

    def _expire(self) -> None:
        now = self._clock()
        for conversation, typists in list(self._typing.items()):
            expired = [name for name, deadline in typists.items() if deadline <= now]
            for name in expired:
                del typists[name]
            if not typists:
                del self._typing[conversation]
            if expired:
                self.changed.emit(conversation)
        self._schedule()


class TypingSender(QObject):
    """Sends my typing notices for the conversation being written in.

    Args:
        send: ``send(conversation, active)`` asks the server (the session
            drops it when offline or when the server has no ``typing``).
    """

    def __init__(self, send: Callable[[ConversationId, bool], None],
                 parent: QObject | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._send = send
        self._clock = clock
        self._conversation: ConversationId = None
        self._active = False
        self._last_sent = 0.0
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(int(PAUSE_SECONDS * 1000))
        self._pause.timeout.connect(self.stop)

    def text_changed(self, conversation: ConversationId, text: str) -> None:
        """The compose box of ``conversation`` now holds ``text``."""
        if self._active and conversation != self._conversation:
            self.stop()
        if not text.strip():
            self.stop()
            return
        self._conversation = conversation
        now = self._clock()
        if not self._active or now - self._last_sent >= RESEND_SECONDS:
            self._active, self._last_sent = True, now
            self._send(conversation, True)
        self._pause.start()

    def stop(self) -> None:
        """I stopped typing (sent, cleared, paused, or left the conversation)."""
        self._pause.stop()
        if self._active:
            self._active = False
            self._send(self._conversation, False)
