"""Which language the interface speaks, and switching it while running.

The system locale picks the language on first start; the Language menu
changes it and the choice is remembered.  Switching installs new
:class:`~PyQt6.QtCore.QTranslator` objects, upon which Qt sends every widget
a ``LanguageChange`` event; each window answers it by setting its texts
again (:func:`follow_language`), so no restart is needed.

Besides our own catalogue (``translations/besedka_<code>.qm``) Qt's own one
(``qtbase_<code>.qm``) is loaded, which translates the buttons of standard
dialogs ("Cancel", "OK") and the context menus of text fields.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

from collections.abc import Callable

from PyQt6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QTranslator,
    pyqtSignal,
)

from .settings import LANGUAGE, Settings

__all__ = ["LANGUAGES", "TRANSLATIONS_DIR", "LanguageManager", "follow_language",
           "system_language"]

log = logging.getLogger("besedka.client.i18n")

#: The languages the client speaks, each named in itself (a Russian speaker
#: lost in an English interface must still find "Русский"), so these names
#: are deliberately not translated.
LANGUAGES: Final = {"en": "English", "ru": "Русский"}
FALLBACK_LANGUAGE: Final = "en"
TRANSLATIONS_DIR: Final = Path(__file__).resolve().parent / "translations"


def system_language() -> str:
    """The best supported language for the system locale."""
    for name in QLocale.system().uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return FALLBACK_LANGUAGE


class _LanguageChangeFilter(QObject):
    """Calls ``retranslate`` whenever its widget is told the language changed."""

    def __init__(self, watched: QObject, retranslate: Callable[[], None]) -> None:
        super().__init__(watched)
        self._retranslate = retranslate

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        if event is not None and event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        return False  # the widget still gets the event


def follow_language(widget: QObject, retranslate: Callable[[], None]) -> None:
    """Set a widget's texts now, and again whenever the language changes.

    Qt sends every widget a ``LanguageChange`` event when a translator is
    installed; this answers it with ``retranslate`` (which sets every text
    through ``tr()``), so no window needs a ``changeEvent`` of its own.
    """
    retranslate()
    widget.installEventFilter(_LanguageChangeFilter(widget, retranslate))


class LanguageManager(QObject):
    """Installs the translators of the chosen language into the application.

    Args:
        app: the application to install translators into.
        settings: where the user's choice is remembered.

    Signals:
        language_changed(code): after the translators were swapped.
    """

    language_changed = pyqtSignal(str)

    def __init__(self, app: QCoreApplication, settings: Settings) -> None:
        super().__init__()
        self._app = app
        self._settings = settings
        self._translators: list[QTranslator] = []
        self.language = ""

    def apply_saved(self) -> None:
        """Use the remembered language, else the system's."""
        saved = self._settings.get(LANGUAGE)
        self._apply(saved if saved in LANGUAGES else system_language())

    def choose(self, code: str) -> None:
        """Switch to ``code`` now and remember it."""
        if code not in LANGUAGES:
            raise ValueError(f"unsupported language {code!r}")
        self._settings.set(LANGUAGE, code)
        self._apply(code)

    def follow_system(self) -> None:
        """Speak the system's language from now on, and remember that."""
        self._settings.set(LANGUAGE, "")
        self._apply(system_language())

    @property
    def follows_system(self) -> bool:
        """Whether no language was chosen, so the system's is spoken."""
        return self._settings.get(LANGUAGE) not in LANGUAGES

    def uninstall(self) -> None:
        """Remove this manager's translators from the application."""
        for translator in self._translators:
            self._app.removeTranslator(translator)
        self._translators = []
        self.language = ""

    def _apply(self, code: str) -> None:
        if code == self.language:
            return
        self.uninstall()
        catalogues = [
            (TRANSLATIONS_DIR, f"besedka_{code}"),
            (Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)), f"qtbase_{code}"),
        ]
        for directory, name in catalogues:
            translator = QTranslator(self)
            if translator.load(name, str(directory)):
                self._app.installTranslator(translator)
                self._translators.append(translator)
            elif directory == TRANSLATIONS_DIR:
                log.warning("no translation %s in %s", name, directory)
        # Dates, times and numbers follow the interface language, not only
        # the system locale, so a Russian interface says "22 ноября".
        QLocale.setDefault(QLocale(code))
        self.language = code
        self.language_changed.emit(code)
