"""Details of the small windows: no empty gap left by an error that went,
and the buttons of a dialog alike."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication, QProxyStyle, QStyle
from pytestqt.qtbot import QtBot

from client_gui.i18n import LanguageManager
from client_gui.registration_window import RegistrationWindow
from client_gui.trust_dialog import TrustDialog

FINGERPRINT = "ab" * 32


def test_the_registration_window_gives_back_the_height_of_errors_that_went(
        qtbot: QtBot, languages: LanguageManager) -> None:
    window = RegistrationWindow("127.0.0.1", 7447)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    def content_height() -> int:
        layout = window.layout()
        assert layout is not None
        return layout.totalHeightForWidth(window.width())

    qtbot.waitUntil(lambda: window.height() == content_height())
    clean = window.height()
    window.username.setText("a")  # too short, and the passwords are missing
    window.on_create_clicked()
    assert window.username_error.isVisible() and window.password_error.isVisible()
    qtbot.waitUntil(lambda: window.height() == content_height() > clean)
    window.username.setText("alice")
    window.password.setText("a good password")
    window.repeat.setText("a good password")
    window.on_text_edited("")
    assert not window.username_error.isVisible() and not window.password_error.isVisible()
    qtbot.waitUntil(lambda: window.height() == clean)


class _DialogButtonIcons(QProxyStyle):
    """The application's style, with or without icons on dialog buttons
    (as the desktop's theme decides: KDE shows them, GNOME and Windows not)."""

    def __init__(self, icons: bool) -> None:
        super().__init__(QApplication.style().name())  # type: ignore[union-attr]
        self._icons = icons

    def styleHint(self, hint: QStyle.StyleHint, option: Any = None, widget: Any = None,
                  returnData: Any = None) -> int:
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return int(self._icons)
        return super().styleHint(hint, option, widget, returnData)


@pytest.mark.parametrize("icons", [True, False], ids=["icons", "no-icons"])
def test_the_trust_dialog_shows_icons_on_both_buttons_or_on_neither(
        qtbot: QtBot, qapp: QApplication, languages: LanguageManager, icons: bool) -> None:
    previous = qapp.style().name()  # type: ignore[union-attr]
    qapp.setStyle(_DialogButtonIcons(icons))
    try:
        dialog = TrustDialog("127.0.0.1", 7447, FINGERPRINT)
        qtbot.addWidget(dialog)
        assert dialog.cancel_button is not None
        assert dialog.trust_button.icon().isNull() is not icons
        assert dialog.cancel_button.icon().isNull() is not icons
    finally:
        qapp.setStyle(previous)
