"""Every setting the client remembers, declared once with its type and default.

The client keeps a handful of things between runs: the last server and user
name, the chosen language, and the shape of the chat window.  Each is a
:class:`Setting` below; :class:`Settings` reads and writes them through one
:class:`~PyQt6.QtCore.QSettings`, which the caller passes in, so tests (and a
portable install) can point it at a file of their own.

Passwords are never stored: the login window asks every time, and the
session keeps the password in memory only to log in again after a reconnect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from PyQt6.QtCore import QByteArray, QSettings

from protocol.limits import DEFAULT_PORT

__all__ = [
    "Setting",
    "Settings",
    "SERVER_HOST",
    "SERVER_PORT",
    "SERVER_NAME",
    "USERNAME",
    "LANGUAGE",
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
#: The LAN name of that server when it was found by discovery (found again
#: by name if its address changed); empty when it was typed.
SERVER_NAME = Setting("connection/server_name", str, "")
USERNAME = Setting("connection/username", str, "")
#: A language code such as ``ru``; empty means "follow the system locale".
LANGUAGE = Setting("interface/language", str, "")

# Window state: how the user left the windows.
CHAT_GEOMETRY = Setting("window/chat_geometry", QByteArray, QByteArray())
CHAT_SPLITTER = Setting("window/chat_splitter", QByteArray, QByteArray())

ALL_SETTINGS: tuple[Setting[str] | Setting[int] | Setting[QByteArray], ...] = (
    SERVER_HOST, SERVER_PORT, SERVER_NAME, USERNAME, LANGUAGE, CHAT_GEOMETRY, CHAT_SPLITTER,
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
