"""Every setting the client remembers, declared once with its type and default.

The client keeps a handful of things between runs: the last server and user
name, the chosen language, and the shape of the chat window.  Each is a
:class:`Setting` below; :class:`Settings` reads and writes them through one
:class:`~PyQt6.QtCore.QSettings`, which the caller passes in, so tests (and a
portable install) can point it at a file of their own.

Passwords are never stored: the login window asks, and the session keeps
the password in memory only to log in again after a reconnect.  "Keep me
logged in" keeps a session token instead, and not here: in the system's
credential store or a private file (:mod:`client_gui.credentials`); the
settings only say which server and account it belongs to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Generic, TypeVar

from PyQt6.QtCore import QByteArray, QSettings

from protocol.limits import DEFAULT_PORT

__all__ = [
    "Setting",
    "Settings",
    "SERVER_HOST",
    "SERVER_PORT",
    "USERNAME",
    "KEEP_LOGGED_IN",
    "REMEMBERED_LOGIN",
    "LANGUAGE",
    "PINNED_CERTIFICATES",
    "CertificatePins",
    "CHAT_GEOMETRY",
    "CHAT_SPLITTER",
    "ALL_SETTINGS",
]

T = TypeVar("T", str, int, bool, QByteArray)


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """One remembered value: where it lives, its type, and its default."""

    key: str
    type: type[T]
    default: T


# Preferences: what the user chose.
SERVER_HOST = Setting("connection/host", str, "127.0.0.1")
SERVER_PORT = Setting("connection/port", int, DEFAULT_PORT)
USERNAME = Setting("connection/username", str, "")
#: The "Keep me logged in" box, as the user left it.
KEEP_LOGGED_IN = Setting("connection/keep_logged_in", bool, True)
#: A language code such as ``ru``; empty means "follow the system locale".
LANGUAGE = Setting("interface/language", str, "")
#: The certificate fingerprint trusted for each server, as a JSON object
#: ``{"host:port": "64 hex digits"}`` (one string, so that host names and
#: IPv6 addresses need no escaping as QSettings keys).  Read and written
#: through :class:`CertificatePins`.
PINNED_CERTIFICATES = Setting("security/pinned_certificates", str, "{}")
#: Which login "Keep me logged in" remembers (server, account, certificate),
#: as a JSON object, or empty; never the token (client_gui/credentials.py).
REMEMBERED_LOGIN = Setting("security/remembered_login", str, "")

# Window state: how the user left the windows.
CHAT_GEOMETRY = Setting("window/chat_geometry", QByteArray, QByteArray())
CHAT_SPLITTER = Setting("window/chat_splitter", QByteArray, QByteArray())

ALL_SETTINGS: tuple[
    Setting[str] | Setting[int] | Setting[bool] | Setting[QByteArray], ...] = (
    SERVER_HOST, SERVER_PORT, USERNAME, KEEP_LOGGED_IN, LANGUAGE, PINNED_CERTIFICATES,
    REMEMBERED_LOGIN,
    CHAT_GEOMETRY, CHAT_SPLITTER,
)


class Settings:
    """Typed access to the client's :class:`QSettings`.

    Args:
        store: where the values live; the application passes
            ``QSettings("Besedka", "Besedka")``, tests a file in a temporary
            directory.
    """

    def __init__(self, store: QSettings) -> None:
        self._store = store

    def get(self, setting: Setting[T]) -> T:
        """The stored value, or the default when it is missing or unreadable."""
        if not self._store.contains(setting.key):
            return setting.default
        # QSettings' INI backend hands back strings for everything it did not
        # write itself in this run, so ask it to convert to the declared type.
        value = self._store.value(setting.key, setting.default, type=setting.type)
        return value if isinstance(value, setting.type) else setting.default

    def set(self, setting: Setting[T], value: T) -> None:
        """Remember ``value`` (written to disk by Qt soon after)."""
        self._store.setValue(setting.key, value)

    def sync(self) -> None:
        """Write everything to disk now (before the process exits)."""
        self._store.sync()


class CertificatePins:
    """The certificate fingerprint trusted for each server ("trust on first use").

    A server is named by the ``host:port`` the user connects to, as typed:
    the same machine reached by another name is asked about once more,
    which errs on the safe side.

    Args:
        settings: where the pins are remembered (:data:`PINNED_CERTIFICATES`).
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @staticmethod
    def server_key(host: str, port: int) -> str:
        return f"{host}:{port}"

    def get(self, host: str, port: int) -> str | None:
        """The fingerprint pinned for ``host:port``, or None if none is."""
        value = self._load().get(self.server_key(host, port))
        return value if isinstance(value, str) else None

    def pin(self, host: str, port: int, fingerprint: str) -> None:
        """Trust ``fingerprint`` (64 hex digits) for ``host:port`` from now on."""
        pins = self._load()
        pins[self.server_key(host, port)] = fingerprint
        self._save(pins)

    def forget(self, host: str, port: int) -> None:
        """Trust nothing for ``host:port``: the next connection asks again."""
        pins = self._load()
        if pins.pop(self.server_key(host, port), None) is not None:
            self._save(pins)

    def _load(self) -> dict[str, object]:
        try:
            pins = json.loads(self._settings.get(PINNED_CERTIFICATES))
        except ValueError:
            return {}
        return pins if isinstance(pins, dict) else {}

    def _save(self, pins: dict[str, object]) -> None:
        self._settings.set(PINNED_CERTIFICATES, json.dumps(pins, sort_keys=True))
        # A pin is a security decision: on disk now, not when Qt gets to it.
        self._settings.sync()
