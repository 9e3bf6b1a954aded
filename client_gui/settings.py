"""Every setting the client remembers, declared once with its type and default.

The client keeps a handful of things between runs: the last server and user
name, the preferences of the Settings dialog (language, theme, font size,
notifications, closing to the tray), and the shape of the chat window.
Whether the client starts with the system is not kept here but where the
system looks (:mod:`client_gui.autostart`).  Each is a
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
    "MUTED_ROOMS",
    "MutedRooms",
    "NOTIFICATIONS",
    "NOTIFY_ONLY_MENTIONS",
    "NOTIFICATION_SOUND_ON",
    "NOTIFICATION_SOUND",
    "CLOSE_TO_TRAY",
    "THEME",
    "FONT_SIZE",
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

#: The rooms whose messages bring no notification, for each server, as a
#: JSON object ``{"host:port": [room ids]}`` (room ids are one server's).
#: Read and written through :class:`MutedRooms`.
MUTED_ROOMS = Setting("notifications/muted_rooms", str, "{}")

# Preferences of the Settings dialog (client_gui/settings_dialog.py).
#: Tell of new messages with the tray (a balloon) and the taskbar.
NOTIFICATIONS = Setting("notifications/enabled", bool, True)
#: Only for messages meant for me: direct ones, and those that mention me.
NOTIFY_ONLY_MENTIONS = Setting("notifications/only_mentions", bool, True)
NOTIFICATION_SOUND_ON = Setting("notifications/sound", bool, True)
#: Which sound (client_gui/sounds.py: a name of SOUNDS).
NOTIFICATION_SOUND = Setting("notifications/sound_name", str, "chime")
#: Closing the chat window hides it in the tray instead of quitting.
CLOSE_TO_TRAY = Setting("interface/close_to_tray", bool, False)
#: "system" (follow the system's dark mode), "light" or "dark".
THEME = Setting("interface/theme", str, "system")
#: The interface's font size in points; 0: the system's.
FONT_SIZE = Setting("interface/font_size", int, 0)

# Window state: how the user left the windows.
CHAT_GEOMETRY = Setting("window/chat_geometry", QByteArray, QByteArray())
CHAT_SPLITTER = Setting("window/chat_splitter", QByteArray, QByteArray())

ALL_SETTINGS: tuple[Setting[str] | Setting[int] | Setting[bool] | Setting[QByteArray], ...] = (
    SERVER_HOST, SERVER_PORT, USERNAME, KEEP_LOGGED_IN, LANGUAGE, PINNED_CERTIFICATES,
    REMEMBERED_LOGIN, MUTED_ROOMS,
    NOTIFICATIONS, NOTIFY_ONLY_MENTIONS, NOTIFICATION_SOUND_ON, NOTIFICATION_SOUND,
    CLOSE_TO_TRAY, THEME, FONT_SIZE,
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


class MutedRooms:
    """The rooms the user muted: their messages bring no notification.

    A room is one server's (its id means nothing elsewhere), so a room is
    named by the server's ``host:port`` as the user connects to it, and
    its id.

    Args:
        settings: where the choice is remembered (:data:`MUTED_ROOMS`).
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def is_muted(self, host: str, port: int, room_id: int) -> bool:
        return room_id in self._load().get(CertificatePins.server_key(host, port), [])

    def set_muted(self, host: str, port: int, room_id: int, muted: bool) -> None:
        """Mute or unmute one room of one server."""
        rooms = self._load()
        key = CertificatePins.server_key(host, port)
        ids = {room for room in rooms.get(key, []) if room != room_id}
        if muted:
            ids.add(room_id)
        if ids:
            rooms[key] = sorted(ids)
        else:
            rooms.pop(key, None)
        self._settings.set(MUTED_ROOMS, json.dumps(rooms, sort_keys=True))

    def _load(self) -> dict[str, list[int]]:
        try:
            rooms = json.loads(self._settings.get(MUTED_ROOMS))
        except ValueError:
            return {}
        if not isinstance(rooms, dict):
            return {}
        return {key: [room for room in value if isinstance(room, int)]
                for key, value in rooms.items() if isinstance(value, list)}
