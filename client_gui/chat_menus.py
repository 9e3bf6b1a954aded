"""The main window's menu bar, and the dialogs its menus open.

:class:`ChatMenus` builds Account, Rooms, Search, Language and Help on a
:class:`~client_gui.chat_window.ChatWindow`'s menu bar and answers the
entries that open a dialog (settings, password, sessions, shortcuts,
about) or switch the language.  The Rooms and Search menus and the picture
entries are made by the parts of the window they belong to
(:mod:`client_gui.room_panel`, :mod:`client_gui.search_panel`,
:mod:`client_gui.chat_files`) and only placed here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PyQt6.QtCore import QObject, Qt, pyqtSlot
from PyQt6.QtGui import QAction, QActionGroup, QKeySequence
from PyQt6.QtWidgets import QMainWindow, QMenu, QMessageBox

from protocol.features import Feature
from protocol.version import BESEDKA_VERSION

from .client import ChatClient
from .dialogs import ChangePasswordDialog
from .i18n import LANGUAGES, LanguageManager, follow_language
from .iconset import IconName
from .iconset import icon as icon_of
from .navigation import SHORTCUTS
from .sessions_dialog import SessionsDialog
from .settings import Settings
from .settings_dialog import SettingsDialog
from .theme import Appearance

__all__ = ["ChatMenus"]


class ChatMenus(QObject):
    """The menus of the main window.

    Args:
        window: whose menu bar they fill, and the dialogs' parent.
        client: the session (its features; the dialogs talk through it).
        settings, languages, appearance: what the Settings dialog changes.
        account_actions: the picture entries of the Account menu.
        rooms_menu: the Rooms menu, placed after Account.
        search_actions: the entries of the Search menu.
        tray_available: whether a tray icon is shown now (the Settings
            dialog offers "keep running in the tray" only then).

    The window connects :attr:`log_out_action` and :attr:`quit_action`.
    """

    def __init__(self, window: QMainWindow, client: ChatClient, settings: Settings,
                 languages: LanguageManager, appearance: Appearance,
                 account_actions: Iterable[QAction], rooms_menu: QMenu,
                 search_actions: Iterable[QAction],
                 tray_available: Callable[[], bool]) -> None:
        super().__init__(window)
        self._window = window
        self._client = client
        self._settings = settings
        self._languages = languages
        self._appearance = appearance
        self._tray_available = tray_available
        self.sessions_dialog: SessionsDialog | None = None
        bar = window.menuBar()
        assert bar is not None

        self.account_menu = QMenu(window)
        self.settings_action = QAction(icon_of(IconName.SETTINGS), "", window)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.settings_action.triggered.connect(self.on_settings)
        self.change_password_action = QAction(window)
        self.change_password_action.triggered.connect(self.on_change_password)
        self.sessions_action = QAction(window)
        self.sessions_action.triggered.connect(self.on_sessions)
        self.sessions_action.setVisible(Feature.SESSIONS in client.features)
        self.log_out_action = QAction(window)
        self.quit_action = QAction(window)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.account_menu.addAction(self.settings_action)
        self.account_menu.addSeparator()
        self.account_menu.addActions(list(account_actions))
        self.account_menu.addAction(self.change_password_action)
        self.account_menu.addAction(self.sessions_action)
        self.account_menu.addAction(self.log_out_action)
        self.account_menu.addSeparator()
        self.account_menu.addAction(self.quit_action)
        bar.addMenu(self.account_menu)
        bar.addMenu(rooms_menu)

        self.search_menu = QMenu(window)
        self.search_menu.addActions(list(search_actions))
        bar.addMenu(self.search_menu)

        self.language_menu = QMenu(window)
        group = QActionGroup(window)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGES.items():
            action = QAction(name, window)
            action.setCheckable(True)
            action.setData(code)
            action.triggered.connect(self.on_language_chosen)
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        bar.addMenu(self.language_menu)
        languages.language_changed.connect(self.on_language_changed)

        self.help_menu = QMenu(window)
        self.shortcuts_action = QAction(window)
        self.shortcuts_action.triggered.connect(self.on_shortcuts)
        self.help_menu.addAction(self.shortcuts_action)
        self.about_action = QAction(window)
        self.about_action.triggered.connect(self.on_about)
        self.help_menu.addAction(self.about_action)
        bar.addMenu(self.help_menu)

        # Menus are not told of a new language; the window is.
        follow_language(window, self.retranslate)

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.account_menu.setTitle(self.tr("&Account"))
        self.settings_action.setText(self.tr("&Settings\u2026"))
        self.change_password_action.setText(self.tr("&Change password\u2026"))
        self.sessions_action.setText(self.tr("&Sessions\u2026"))
        self.log_out_action.setText(self.tr("&Log out"))
        self.quit_action.setText(self.tr("&Quit"))
        self.search_menu.setTitle(self.tr("&Search"))
        self.language_menu.setTitle(self.tr("L&anguage"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.shortcuts_action.setText(self.tr("&Keyboard shortcuts"))
        self.about_action.setText(self.tr("&About Besedka"))
        self.on_language_changed(self._languages.language)

    @pyqtSlot()
    def on_change_password(self) -> None:
        dialog = ChangePasswordDialog(self._client, self._window)
        dialog.exec()
        dialog.deleteLater()

    @pyqtSlot()
    def on_settings(self) -> None:
        dialog = SettingsDialog(self._settings, self._languages, self._appearance,
                                tray_available=self._tray_available(), parent=self._window)
        dialog.exec()
        dialog.deleteLater()

    @pyqtSlot()
    def on_shortcuts(self) -> None:
        what = {"switch": self.tr("Go to a conversation by name"),
                "previous": self.tr("The conversation above"),
                "next": self.tr("The conversation below"),
                "next_unread": self.tr("The next conversation with unread messages"),
                "mark_read": self.tr("Mark the conversation read")}
        native = QKeySequence.SequenceFormat.NativeText
        rows = "".join(f"<tr><td><b>{QKeySequence(SHORTCUTS[name]).toString(native)}</b>"
                       f"&nbsp;&nbsp;</td><td>{text}</td></tr>" for name, text in what.items())
        QMessageBox.information(self._window, self.tr("Keyboard shortcuts"),
                                f"<table>{rows}</table>")

    @pyqtSlot()
    def on_sessions(self) -> None:
        dialog = SessionsDialog(self._client, self._window)
        self.sessions_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @pyqtSlot()
    def on_about(self) -> None:
        QMessageBox.about(self._window, self.tr("About Besedka"), self.tr(
            "<h3>Besedka %1</h3><p>A chat for the computers of one local network: "
            "a general room and direct messages.</p>").replace("%1", BESEDKA_VERSION))

    @pyqtSlot()
    def on_language_chosen(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self._languages.choose(str(action.data()))

    @pyqtSlot(str)
    def on_language_changed(self, code: str) -> None:
        action = self.language_actions.get(code)
        if action is not None:
            action.setChecked(True)
