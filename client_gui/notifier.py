"""Telling the user about messages they have not seen, as their settings say.

:class:`Notifier` hears of every message from someone else that arrived
while nobody was looking at its conversation
(:attr:`client_gui.conversations.Conversations.unseen_message_arrived`) and
decides, from the Settings dialog's choices, whether to show a tray
balloon and play a sound: not at all when notifications are off; with
"only when mentioned" (the default) only for direct messages, messages in
my rooms (a room is a group I chose, unless I muted it:
:meth:`client_gui.room_panel.RoomControls.notification`) and messages that
mention me, wherever they are (a muted room's too).  It also puts the
unread count on the tray icon and the taskbar (:mod:`client_gui.taskbar`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot
from PyQt6.QtGui import QIcon
from PyQt6.QtWidgets import QSystemTrayIcon

from protocol.objects import Message
from protocol.rules import username_key

from .outbox import ConversationId, RoomConversation
from .settings import (
    NOTIFICATION_SOUND,
    NOTIFICATION_SOUND_ON,
    NOTIFICATIONS,
    NOTIFY_ONLY_MENTIONS,
    Settings,
)
from .sounds import SoundPlayer
from .taskbar import TaskbarBadge, badged_icon

__all__ = ["Notifier", "mentions"]

#: Characters of a message shown in a notification.
PREVIEW_CHARS: Final = 200


def mentions(message: Message, me: str) -> bool:
    """Whether ``message`` mentions user ``me``: in its version 2 ``mentions``,
    or (from a version 1 server) as ``@name`` in its text."""
    key = username_key(me)
    if any(username_key(name) == key for name in message.mentions):
        return True
    return any(username_key(found) == key
               for found in re.findall(r"@([\w.\-]+)", message.body))


class Notifier(QObject):
    """Balloons, sounds and unread badges, as the settings say.

    Args:
        settings: the notification settings.
        me: my username.
        tray: the tray icon, if the desktop has a tray.
        icon: the application icon (the tray's, before badges).
        badge: the taskbar count, if any.
        sounds: what plays the sound.

    Signals:
        notified(title, text): a notification was shown (tests and the log).
    """

    notified = pyqtSignal(str, str)

    def __init__(self, settings: Settings, me: str, tray: QSystemTrayIcon | None,
                 icon: QIcon | None, badge: TaskbarBadge | None,
                 sounds: SoundPlayer | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._me = me
        self._tray = tray
        self._icon = icon
        self._badge = badge
        #: What plays the sound (tests put a recorder here).
        self.sounds = sounds or SoundPlayer()
        #: The title and text of a room message's notification, or None
        #: when the room is muted (the window's rooms set it); None: rooms
        #: notify as the general room does.
        self.room_notice: Callable[[Message], tuple[str, str] | None] | None = None

    def _notice(self, message: Message, conversation: ConversationId) -> tuple[str, str] | None:
        """The title and text to tell of ``message``, or None: the settings
        (or a muted room) say nothing."""
        if not self._settings.get(NOTIFICATIONS):
            return None
        text = message.body[:PREVIEW_CHARS]
        if isinstance(conversation, str):
            # A direct message is meant for me as much as a mention is.
            return self.tr("Message from %1").replace("%1", message.sender), text
        if mentions(message, self._me):
            return self.tr("%1 mentioned you").replace("%1", message.sender), text
        if isinstance(conversation, RoomConversation) and self.room_notice is not None:
            return self.room_notice(message)
        if self._settings.get(NOTIFY_ONLY_MENTIONS):
            return None
        return self.tr("Message from %1").replace("%1", message.sender), text

    def wants(self, message: Message, conversation: ConversationId) -> bool:
        """Whether the settings ask to be told of ``message``."""
        return self._notice(message, conversation) is not None

    @pyqtSlot(object, object)
    def on_unseen_message(self, message: Message, conversation: ConversationId) -> None:
        notice = self._notice(message, conversation)
        if notice is None:
            return
        title, text = notice
        if self._tray is not None:
            self._tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information)
        if self._settings.get(NOTIFICATION_SOUND_ON):
            self.sounds.play(self._settings.get(NOTIFICATION_SOUND))
        self.notified.emit(title, text)

    @pyqtSlot(int)
    def on_unread_total_changed(self, total: int) -> None:
        """Put the count on the tray icon and the taskbar."""
        if self._tray is not None and self._icon is not None:
            self._tray.setIcon(badged_icon(self._icon, total))
        if self._badge is not None:
            self._badge.set_count(total)
