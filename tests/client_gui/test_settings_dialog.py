"""The Settings dialog: every choice is shown, stored, and applied."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PyQt6.QtCore import QSettings, Qt
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from client_gui import autostart
from client_gui.i18n import LanguageManager
from client_gui.iconset import Tone, is_dark, tone_color
from client_gui.settings import (
    CLOSE_TO_TRAY,
    FONT_SIZE,
    LANGUAGE,
    NOTIFICATION_SOUND,
    NOTIFICATION_SOUND_ON,
    NOTIFICATIONS,
    NOTIFY_ONLY_MENTIONS,
    THEME,
    Settings,
)
from client_gui.settings_dialog import SettingsDialog
from client_gui.sounds import SoundPlayer, sound_path
from client_gui.theme import Appearance, Theme
from client_gui.widgets import ErrorLabel


class SystemScheme:
    """Stands in for the system's dark mode (the offscreen platform has none)."""

    def __init__(self) -> None:
        self.scheme = Qt.ColorScheme.Light

    def __call__(self) -> Qt.ColorScheme:
        return self.scheme


@pytest.fixture
def system() -> SystemScheme:
    return SystemScheme()


@pytest.fixture
def appearance(qapp: QApplication, settings: Settings,
               system: SystemScheme) -> Iterator[Appearance]:
    """Theme and font size; the application gets the system's back afterwards."""
    made = Appearance(qapp, settings, color_scheme=system)
    yield made
    made.restore_system()


@pytest.fixture(autouse=True)
def own_autostart_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Autostart entries go to this test's folder, never the user's."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "autostart"


def make_dialog(qtbot: QtBot, settings: Settings, languages: LanguageManager,
                appearance: Appearance, sounds: SoundPlayer | None = None) -> SettingsDialog:
    dialog = SettingsDialog(settings, languages, appearance, sounds, tray_available=True)
    qtbot.addWidget(dialog)
    return dialog


def choose(combo: object, data: object) -> None:
    index = combo.findData(data)  # type: ignore[attr-defined]
    assert index >= 0, data
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]


def test_the_defaults_follow_the_system_and_notify_of_what_is_meant_for_me(
        qtbot: QtBot, settings: Settings, languages: LanguageManager,
        appearance: Appearance) -> None:
    settings.set(LANGUAGE, "")  # as on a first start
    dialog = make_dialog(qtbot, settings, languages, appearance)
    assert dialog.notify.isChecked() and dialog.only_mentions.isChecked()
    assert dialog.sound_on.isChecked() and dialog.sound.currentData() == "chime"
    assert not dialog.autostart.isChecked() and not dialog.close_to_tray.isChecked()
    assert dialog.language.currentData() == "" and dialog.theme.currentData() == "system"
    assert dialog.font_size.currentData() == 0


def test_every_choice_is_stored_and_shown_again(
        qtbot: QtBot, settings: Settings, languages: LanguageManager, appearance: Appearance,
        tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, settings, languages, appearance)
    dialog.only_mentions.setChecked(False)
    choose(dialog.sound, "knock")
    dialog.close_to_tray.setChecked(True)
    choose(dialog.language, "ru")
    choose(dialog.theme, "dark")
    choose(dialog.font_size, 14)
    dialog.notify.setChecked(False)
    assert not dialog.sound.isEnabled() and not dialog.only_mentions.isEnabled()
    dialog.accept()
    try:
        # On disk, for the next start.
        stored = Settings(QSettings(str(tmp_path / "besedka.ini"), QSettings.Format.IniFormat))
        assert (stored.get(NOTIFICATIONS), stored.get(NOTIFY_ONLY_MENTIONS),
                stored.get(NOTIFICATION_SOUND_ON), stored.get(NOTIFICATION_SOUND),
                stored.get(CLOSE_TO_TRAY), stored.get(LANGUAGE), stored.get(THEME),
                stored.get(FONT_SIZE)) == (False, False, True, "knock", True, "ru", "dark", 14)
        again = make_dialog(qtbot, settings, languages, appearance)
        assert not again.notify.isChecked() and not again.only_mentions.isChecked()
        assert again.sound.currentData() == "knock" and again.close_to_tray.isChecked()
        assert again.language.currentData() == "ru" and again.theme.currentData() == "dark"
        assert again.font_size.currentData() == 14
    finally:
        languages.choose("en")


def test_theme_and_font_size_apply_to_the_whole_application_at_once(
        qtbot: QtBot, qapp: QApplication, settings: Settings, languages: LanguageManager,
        appearance: Appearance) -> None:
    light = QApplication.palette()
    dialog = make_dialog(qtbot, settings, languages, appearance)
    choose(dialog.theme, "dark")
    choose(dialog.font_size, 16)
    dialog.accept()
    assert is_dark(QApplication.palette())
    assert QApplication.font().pointSizeF() == 16
    # The icons' colours come from the palette as they are drawn.
    assert tone_color(Tone.TEXT).lightness() > 128
    dialog = make_dialog(qtbot, settings, languages, appearance)
    choose(dialog.theme, "light")
    choose(dialog.font_size, 0)
    dialog.accept()
    assert not is_dark(QApplication.palette())
    assert QApplication.font().pointSizeF() == appearance.system_font_size()
    assert QApplication.palette().color(light.ColorRole.Window).lightness() > 128


def test_the_system_theme_follows_the_systems_dark_mode(
        settings: Settings, appearance: Appearance, system: SystemScheme) -> None:
    appearance.apply()
    assert not is_dark(QApplication.palette())
    system.scheme = Qt.ColorScheme.Dark
    appearance.on_color_scheme_changed(Qt.ColorScheme.Dark)
    assert is_dark(QApplication.palette())
    system.scheme = Qt.ColorScheme.Light
    appearance.on_color_scheme_changed(Qt.ColorScheme.Light)
    assert not is_dark(QApplication.palette())
    # A fixed theme stays, whatever the system does.
    settings.set(THEME, "dark")
    appearance.on_color_scheme_changed(Qt.ColorScheme.Light)
    appearance.apply()
    assert is_dark(QApplication.palette())


def test_starting_with_the_system_writes_and_removes_the_autostart_entry(
        qtbot: QtBot, settings: Settings, languages: LanguageManager, appearance: Appearance,
        own_autostart_folder: Path) -> None:
    dialog = make_dialog(qtbot, settings, languages, appearance)
    dialog.autostart.setChecked(True)
    dialog.accept()
    entry = (own_autostart_folder / "besedka.desktop").read_text("utf-8")
    assert "[Desktop Entry]" in entry and "-m client_gui" in entry
    assert autostart.is_enabled()
    dialog = make_dialog(qtbot, settings, languages, appearance)
    assert dialog.autostart.isChecked()
    dialog.autostart.setChecked(False)
    dialog.accept()
    assert not (own_autostart_folder / "besedka.desktop").exists()


def test_play_plays_the_chosen_sound(qtbot: QtBot, settings: Settings,
                                     languages: LanguageManager, appearance: Appearance) -> None:
    played: list[list[str]] = []
    sounds = SoundPlayer(start=played.append, command_for=lambda path: ["player", str(path)])
    dialog = make_dialog(qtbot, settings, languages, appearance, sounds)
    choose(dialog.sound, "ping")
    qtbot.mouseClick(dialog.play_button, Qt.MouseButton.LeftButton)
    assert played == [["player", str(sound_path("ping"))]]
    assert sound_path("ping").stat().st_size > 1000


def test_closing_to_the_tray_is_offered_only_where_there_is_a_tray(
        qtbot: QtBot, settings: Settings, languages: LanguageManager,
        appearance: Appearance) -> None:
    settings.set(CLOSE_TO_TRAY, True)
    dialog = SettingsDialog(settings, languages, appearance, tray_available=False)
    qtbot.addWidget(dialog)
    assert not dialog.close_to_tray.isEnabled() and not dialog.close_to_tray.isChecked()
    assert dialog.close_to_tray.toolTip() == "This desktop has no tray."


def test_an_error_line_is_the_themes_red_light_or_dark(
        qtbot: QtBot, settings: Settings, appearance: Appearance) -> None:
    error = ErrorLabel()
    qtbot.addWidget(error)
    error.show_text("Wrong username or password.")
    for theme in (Theme.LIGHT, Theme.DARK):
        appearance.choose(theme, 0)
        QApplication.processEvents()  # the widgets hear of the new palette
        assert is_dark(QApplication.palette()) == (theme is Theme.DARK)
        red = tone_color(Tone.NEGATIVE, QApplication.palette())
        image = error.grab().toImage()
        assert any(_close(image.pixelColor(x, y), red)
                   for x in range(image.width()) for y in range(image.height())), theme


def _close(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 24
