"""The chat window's life outside itself: tray icon, notifications, unread badges.

:class:`TrayPresence` gives the chat window a tray icon (where the desktop
has a tray) with a menu to show the window or quit, tells the user of new
messages through :class:`~client_gui.notifier.Notifier`, keeps the unread
count on the tray icon and the taskbar, and decides whether closing the
window quits or only hides it in the tray (the Settings dialog's choice).
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot
from PyQt6.QtGui import QAction, QIcon
from PyQt6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from .conversations import Conversations
from .i18n import follow_language
from .notifier import Notifier
from .settings import CLOSE_TO_TRAY, Settings
from .sounds import SoundPlayer
from .taskbar import TaskbarBadge

__all__ = ["TrayPresence"]


class TrayPresence(QObject):
    """Tray icon, notifications and badges for one chat window.

    Args:
        window: the chat window.
        icon: the application icon (None: no tray icon, as in some tests).
        settings: the notification and closing choices.
        conversations: whose unread messages are told of.
        sounds: plays notification sounds.

    Signals:
        quit_requested(): "Quit" in the tray's menu.
    """

    quit_requested = pyqtSignal()

    def __init__(self, window: QWidget, icon: QIcon | None, settings: Settings,
                 conversations: Conversations, sounds: SoundPlayer | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        self.tray: QSystemTrayIcon | None = None
        if icon is not None and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.activated.connect(self.on_activated)
            self._menu = QMenu(window)
            self.show_action = QAction(self)
            self.show_action.triggered.connect(self.show_window)
            self.quit_action = QAction(self)
            self.quit_action.triggered.connect(self.quit_requested)
            self._menu.addAction(self.show_action)
            self._menu.addSeparator()
            self._menu.addAction(self.quit_action)
            self.tray.setContextMenu(self._menu)
            self.tray.show()
        self.badge = TaskbarBadge(window)
        self.notifier = Notifier(settings, conversations.me, self.tray, icon, self.badge, sounds,
                                 self)
        conversations.unseen_message_arrived.connect(self.notifier.on_unseen_message)
        conversations.unread_total_changed.connect(self.notifier.on_unread_total_changed)
        follow_language(window, self.retranslate)

    def retranslate(self) -> None:
        if self.tray is not None:
            self.tray.setToolTip(self.tr("Besedka"))
            self.show_action.setText(self.tr("&Open Besedka"))
            self.quit_action.setText(self.tr("&Quit"))

    def keeps_running(self) -> bool:
        """Whether closing the window should hide it in the tray, not quit."""
        return self.tray is not None and self._settings.get(CLOSE_TO_TRAY)

    @pyqtSlot(QSystemTrayIcon.ActivationReason)
    def on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is not QSystemTrayIcon.ActivationReason.Context:
            self.show_window()

    @pyqtSlot()
    def show_window(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()

    def close(self) -> None:
        """The window is going for good: no icon, no badge left behind."""
        if self.tray is not None:
            self.tray.hide()
        self.badge.close()
