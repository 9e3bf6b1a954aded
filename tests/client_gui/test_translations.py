"""The interface speaks English and Russian, completely, and switches live."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from pytestqt.qtbot import QtBot

from client_gui.client import ChatClient
from client_gui.dialogs import ChangePasswordDialog
from client_gui.i18n import LANGUAGES, TRANSLATIONS_DIR, LanguageManager
from client_gui.registration_window import RegistrationWindow
from client_gui.settings import LANGUAGE, CertificatePins, Settings
from client_gui.trust import CertificateTrust
from client_gui.trust_dialog import TrustDialog
from tests.conftest import ServerProcess

from .conftest import StartClient, register
from .fake_connection import FakeConnection


@pytest.mark.parametrize(("locale", "code"), [("ru_RU.UTF-8", "ru"), ("en_GB.UTF-8", "en"),
                                              ("de_DE.UTF-8", "en")])
def test_the_system_locale_chooses_the_language(locale: str, code: str) -> None:
    # QLocale reads the system locale once per process, so ask a fresh one.
    script = "from client_gui.i18n import system_language; print(system_language())"
    env = {**os.environ, "LC_ALL": locale, "LANG": locale, "LANGUAGE": ""}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=60, check=True)
    assert result.stdout.strip() == code


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_string_is_translated(code: str) -> None:
    tree = ET.parse(TRANSLATIONS_DIR / f"besedka_{code}.ts")
    untranslated = []
    for message in tree.getroot().iter("message"):
        translation = message.find("translation")
        assert translation is not None
        forms = [form.text for form in translation.iter("numerusform")]
        if (translation.get("type") in ("unfinished", "obsolete", "vanished")
                or not (translation.text or "").strip() and not all(forms)):
            untranslated.append(message.findtext("source"))
        if code == "ru" and message.get("numerus") == "yes":
            assert len(forms) == 3, message.findtext("source")  # one, few, many
    assert untranslated == []
    assert (TRANSLATIONS_DIR / f"besedka_{code}.qm").is_file()


def test_russian_loads_and_switches_the_running_windows(
        qtbot: QtBot, server: ServerProcess, start_client: StartClient,
        languages: LanguageManager, settings: Settings) -> None:
    besedka = start_client(server.address)
    login = besedka.login_window
    assert login is not None
    assert login.windowTitle() == "Besedka \u2014 Log in"
    languages.choose("ru")
    # Qt delivers LanguageChange events through the event loop.
    qtbot.waitUntil(lambda: login.windowTitle() == "Беседка \u2014 вход")
    assert login.log_in_button.text() == "&Войти"

    window = register(qtbot, besedka, "алиса")
    assert window.menus.account_menu.title() == "&Учётная запись"
    assert window.proxy.index(0, 0).data() == "Общий чат"
    assert window.status.text().startswith("Подключено к")
    assert window.menus.language_actions["ru"].isChecked()
    # Plurals follow Russian grammar.
    assert window.status_bar.tr("%n message(s) waiting to be sent", None, 3) \
        == "3 сообщения ждут отправки"
    assert window.status_bar.tr("%n message(s) waiting to be sent", None, 5) \
        == "5 сообщений ждут отправки"

    window.menus.language_actions["en"].trigger()
    qtbot.waitUntil(lambda: window.menus.account_menu.title() == "&Account")
    assert window.proxy.index(0, 0).data() == "General"
    assert settings.get(LANGUAGE) == "en"
    assert window.status_bar.tr("%n message(s) waiting to be sent", None, 1) \
        == "1 message waiting to be sent"


def test_dialogs_open_during_a_switch_change_language_with_the_windows(
        qtbot: QtBot, languages: LanguageManager, settings: Settings) -> None:
    client = ChatClient(FakeConnection(), CertificateTrust(CertificatePins(settings)))
    opened = [TrustDialog("lab-server", 7447, "ab" * 32), ChangePasswordDialog(client),
              RegistrationWindow("lab-server", 7447)]
    for widget in opened:
        qtbot.addWidget(widget)
        widget.show()
    assert [w.windowTitle() for w in opened] == [
        "Trust this server?", "Change password", "Besedka \u2014 Create an account"]
    languages.choose("ru")
    qtbot.waitUntil(lambda: [w.windowTitle() for w in opened] == [
        "Доверять этому серверу?", "Смена пароля", "Беседка \u2014 регистрация"])
    languages.choose("en")
    qtbot.waitUntil(lambda: opened[0].windowTitle() == "Trust this server?")
