"""The Settings dialog: what a person expects to adjust in a desktop chat.

Notifications (on or off, only for messages meant for me, a sound and
which), starting with the system, closing to the tray or quitting, the
language, the theme and the font size.  The dialog shows the stored
values (:mod:`client_gui.settings`; starting with the system is asked of
the system itself, :mod:`client_gui.autostart`) and applies and stores
what was changed when the user presses OK; Cancel leaves everything as it
was.
"""

from __future__ import annotations

import logging

from PyQt6.QtCore import pyqtSlot
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from . import autostart
from .i18n import LANGUAGES, LanguageManager, follow_language
from .iconset import IconName
from .iconset import icon as icon_of
from .settings import (
    CLOSE_TO_TRAY,
    FONT_SIZE,
    NOTIFICATION_SOUND,
    NOTIFICATION_SOUND_ON,
    NOTIFICATIONS,
    NOTIFY_ONLY_MENTIONS,
    Settings,
)
from .sounds import SOUNDS, SoundPlayer
from .theme import Appearance, Theme
from .widgets import ErrorLabel

__all__ = ["SettingsDialog"]

log = logging.getLogger("besedka.client")

#: The font sizes offered, in points (besides the system's).
FONT_SIZES = (8, 9, 10, 11, 12, 13, 14, 16, 18, 20)


class SettingsDialog(QDialog):
    """Notifications, starting and closing, language, theme and font size.

    Args:
        settings: where the choices are kept.
        languages: to switch the language.
        appearance: to apply theme and font size.
        sounds: plays the chosen sound when "Play" is pressed.
        tray_available: whether the desktop has a tray (else the window
            cannot close to it, and the choice is disabled).
    """

    def __init__(self, settings: Settings, languages: LanguageManager, appearance: Appearance,
                 sounds: SoundPlayer | None = None, *, tray_available: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self._settings = settings
        self._languages = languages
        self._appearance = appearance
        self._sounds = sounds or SoundPlayer()

        # Notifications.
        self.notifications_box = QGroupBox(self)
        self.notify = QCheckBox(self.notifications_box)
        self.only_mentions = QCheckBox(self.notifications_box)
        self.sound_on = QCheckBox(self.notifications_box)
        self.sound = QComboBox(self.notifications_box)
        for name in SOUNDS:
            self.sound.addItem("", name)
        self.play_button = QPushButton(self.notifications_box)
        self.play_button.setIcon(icon_of(IconName.BELL))
        sound_row = QHBoxLayout()
        sound_row.addWidget(self.sound_on)
        sound_row.addWidget(self.sound, 1)
        sound_row.addWidget(self.play_button)
        notifications = QVBoxLayout(self.notifications_box)
        notifications.addWidget(self.notify)
        notifications.addWidget(self.only_mentions)
        notifications.addLayout(sound_row)

        # Starting and closing.
        self.system_box = QGroupBox(self)
        self.autostart = QCheckBox(self.system_box)
        self.close_to_tray = QCheckBox(self.system_box)
        self.close_to_tray.setEnabled(tray_available)
        self.autostart_error = ErrorLabel(self.system_box)
        system = QVBoxLayout(self.system_box)
        system.addWidget(self.autostart)
        system.addWidget(self.autostart_error)
        system.addWidget(self.close_to_tray)

        # Appearance.
        self.appearance_box = QGroupBox(self)
        self.language = QComboBox(self.appearance_box)
        self.language.addItem("", "")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)  # each named in itself, never translated
        self.theme = QComboBox(self.appearance_box)
        for theme in Theme:
            self.theme.addItem("", theme.value)
        self.font_size = QComboBox(self.appearance_box)
        self.font_size.addItem("", 0)
        for size in FONT_SIZES:
            self.font_size.addItem("", size)
        self._labels = [QLabel(self.appearance_box) for _ in range(3)]
        form = QFormLayout(self.appearance_box)
        for label, field in zip(self._labels, (self.language, self.theme, self.font_size),
                                strict=True):
            label.setBuddy(field)
            form.addRow(label, field)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notifications_box)
        layout.addWidget(self.system_box)
        layout.addWidget(self.appearance_box)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.notify.toggled.connect(self._update_enabled)
        self.sound_on.toggled.connect(self._update_enabled)
        self.play_button.clicked.connect(self.on_play_clicked)
        self._load()
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(self.tr("Settings"))
        self.notifications_box.setTitle(self.tr("Notifications"))
        self.notify.setText(self.tr("&Notify me of new messages"))
        self.only_mentions.setText(
            self.tr("Only of &direct messages, my rooms and mentions of me"))
        self.sound_on.setText(self.tr("Play a &sound:"))
        for number, text in enumerate((self.tr("Chime"), self.tr("Ping"), self.tr("Knock"))):
            self.sound.setItemText(number, text)
        self.play_button.setText(self.tr("&Play"))
        self.system_box.setTitle(self.tr("Starting and closing"))
        self.autostart.setText(self.tr("S&tart Besedka when I log in to this computer"))
        self.close_to_tray.setText(self.tr("&Closing the window keeps Besedka running in the "
                                           "tray"))
        if not self.close_to_tray.isEnabled():
            self.close_to_tray.setToolTip(self.tr("This desktop has no tray."))
        self.appearance_box.setTitle(self.tr("Appearance"))
        for label, text in zip(self._labels, (self.tr("&Language:"), self.tr("&Theme:"),
                                              self.tr("&Font size:")), strict=True):
            label.setText(text)
        self.language.setItemText(0, self.tr("As the system"))
        for number, text in enumerate((self.tr("As the system"), self.tr("Light"),
                                       self.tr("Dark"))):
            self.theme.setItemText(number, text)
        self.font_size.setItemText(0, self.tr("As the system (%1 pt)").replace(
            "%1", f"{self._appearance.system_font_size():g}"))
        for number, size in enumerate(FONT_SIZES, start=1):
            self.font_size.setItemText(number, self.tr("%1 pt").replace("%1", str(size)))

    def _load(self) -> None:
        settings = self._settings
        self.notify.setChecked(settings.get(NOTIFICATIONS))
        self.only_mentions.setChecked(settings.get(NOTIFY_ONLY_MENTIONS))
        self.sound_on.setChecked(settings.get(NOTIFICATION_SOUND_ON))
        self.sound.setCurrentIndex(max(0, self.sound.findData(settings.get(NOTIFICATION_SOUND))))
        self.autostart.setChecked(autostart.is_enabled())
        self.close_to_tray.setChecked(settings.get(CLOSE_TO_TRAY) and
                                      self.close_to_tray.isEnabled())
        language = "" if self._languages.follows_system else self._languages.language
        self.language.setCurrentIndex(max(0, self.language.findData(language)))
        self.theme.setCurrentIndex(max(0, self.theme.findData(self._appearance.theme.value)))
        size = self.font_size.findData(settings.get(FONT_SIZE))
        if size < 0:  # a size set elsewhere: offer it too
            self.font_size.addItem(self.tr("%1 pt").replace("%1", str(settings.get(FONT_SIZE))),
                                   settings.get(FONT_SIZE))
            size = self.font_size.count() - 1
        self.font_size.setCurrentIndex(size)
        self._update_enabled()

    @pyqtSlot()
    def _update_enabled(self) -> None:
        on = self.notify.isChecked()
        for widget in (self.only_mentions, self.sound_on, self.sound, self.play_button):
            widget.setEnabled(on)
        self.sound.setEnabled(on and self.sound_on.isChecked())
        self.play_button.setEnabled(on and self.sound_on.isChecked())

    @pyqtSlot()
    def on_play_clicked(self) -> None:
        self._sounds.play(str(self.sound.currentData()))

    def accept(self) -> None:
        """Store and apply the choices, then close (unless autostart failed)."""
        settings = self._settings
        settings.set(NOTIFICATIONS, self.notify.isChecked())
        settings.set(NOTIFY_ONLY_MENTIONS, self.only_mentions.isChecked())
        settings.set(NOTIFICATION_SOUND_ON, self.sound_on.isChecked())
        settings.set(NOTIFICATION_SOUND, str(self.sound.currentData()))
        if self.close_to_tray.isEnabled():
            settings.set(CLOSE_TO_TRAY, self.close_to_tray.isChecked())
        self._appearance.choose(Theme(self.theme.currentData()), int(self.font_size.currentData()))
        language = str(self.language.currentData())
        if language:
            self._languages.choose(language)
        else:
            self._languages.follow_system()
        settings.sync()
        if self.autostart.isChecked() != autostart.is_enabled():
            try:
                autostart.set_enabled(self.autostart.isChecked())
            except OSError as error:
                log.warning("cannot change starting with the system: %s", error)
                self.autostart_error.show_text(self.tr(
                    "Starting with the system could not be changed: %1").replace(
                    "%1", error.strerror or str(error)))
                return
        super().accept()
