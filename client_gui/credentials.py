"""Where "Keep me logged in" keeps its token, safely.

A remembered session's token logs its holder in without a password, so it
is kept like one: in the system's credential store (Windows Credential
Manager, the macOS Keychain, the Secret Service of GNOME or KWallet on
Linux) through the ``keyring`` library where such a store exists, otherwise
in a file that only the user can read (mode 0600; on Windows, the user
profile's folder, which only its owner and the administrators may open).
It is never logged and never written to the settings in plain text: the
settings only say which server and account it belongs to, and which
certificate that server presented (:class:`RememberedLogin`), so that the
token is only ever sent back to the server that issued it.

One login is remembered at a time, the last one that asked.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from platformdirs import user_data_dir

from .settings import REMEMBERED_LOGIN, Settings

__all__ = ["CredentialStore", "RememberedLogin", "default_keyring", "default_token_dir"]

log = logging.getLogger("besedka.client")

#: The name the token is filed under in the system's credential store.
KEYRING_SERVICE = "Besedka"
#: The file that holds the token where there is no credential store.
TOKEN_FILE_NAME = "remembered-session.json"
#: Below this priority a keyring backend is no credential store: the
#: "fail" and "null" ones, and keyrings.alt's plain-text files (0.5).
_TRUSTWORTHY_PRIORITY = 1


@dataclass(frozen=True, slots=True)
class RememberedLogin:
    """Which session the stored token resumes (not secret: kept in the settings).

    Attributes:
        host, port: the server that issued the token, as the user named it.
        username: the account, as it spells itself.
        fingerprint: the certificate that server presented when it issued
            the token (None over plain TCP, ``--no-tls``): the token goes
            to no server presenting another.
    """

    host: str
    port: int
    username: str
    fingerprint: str | None

    @property
    def key(self) -> str:
        """The token's name in the credential store."""
        return f"{self.username}@{self.host}:{self.port}"


def default_keyring() -> KeyringBackend | None:
    """The system's credential store, if ``keyring`` finds a real one."""
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken backend is no backend
        log.warning("the system's credential store cannot be used", exc_info=True)
        return None
    return backend if backend.priority >= _TRUSTWORTHY_PRIORITY else None


def default_token_dir() -> Path:
    """The user's own data folder (``%LOCALAPPDATA%\\Besedka`` on Windows)."""
    return Path(user_data_dir("Besedka", appauthor=False))


class CredentialStore:
    """The remembered login: its token in a credential store or a private file.

    Args:
        settings: where which login is remembered is kept.
        backend: the system's credential store, or None for the file.
        directory: the folder of the file.
    """

    def __init__(self, settings: Settings, backend: KeyringBackend | None,
                 directory: Path) -> None:
        self._settings = settings
        self._backend = backend
        self._file = directory / TOKEN_FILE_NAME

    @classmethod
    def for_this_user(cls, settings: Settings) -> CredentialStore:
        """The store the application uses: the system's credential store if
        there is one, else a file in the user's data folder."""
        return cls(settings, default_keyring(), default_token_dir())

    @property
    def uses_keyring(self) -> bool:
        return self._backend is not None

    def remembered(self) -> RememberedLogin | None:
        """The login remembered, if any (its token may still be missing)."""
        try:
            fields = json.loads(self._settings.get(REMEMBERED_LOGIN) or "null")
            return None if fields is None else RememberedLogin(**fields)
        except (ValueError, TypeError):
            return None

    def load(self) -> tuple[RememberedLogin, str] | None:
        """The remembered login and its token, or None."""
        login = self.remembered()
        if login is None:
            return None
        token = self._read_token(login)
        return None if not token else (login, token)

    def save(self, login: RememberedLogin, token: str) -> None:
        """Remember ``login`` with ``token``, instead of any other."""
        self.forget()
        self._write_token(login, token)
        self._settings.set(REMEMBERED_LOGIN, json.dumps(asdict(login), sort_keys=True))
        self._settings.sync()

    def forget(self) -> None:
        """Remember no login: the token is deleted wherever it was."""
        login = self.remembered()
        if login is not None and self._backend is not None:
            try:
                self._backend.delete_password(KEYRING_SERVICE, login.key)
            except keyring.errors.PasswordDeleteError:
                pass
            except keyring.errors.KeyringError:
                log.warning("cannot delete the token from the credential store", exc_info=True)
        self._file.unlink(missing_ok=True)
        self._settings.set(REMEMBERED_LOGIN, "")
        self._settings.sync()

    # ------------------------------------------------------------------

    def _read_token(self, login: RememberedLogin) -> str | None:
        if self._backend is not None:
            try:
                return self._backend.get_password(KEYRING_SERVICE, login.key)
            except keyring.errors.KeyringError:
                log.warning("cannot read the token from the credential store", exc_info=True)
                return None
        try:
            stored = json.loads(self._file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        token = stored.get("token") if isinstance(stored, dict) else None
        return token if isinstance(token, str) and stored.get("key") == login.key else None

    def _write_token(self, login: RememberedLogin, token: str) -> None:
        if self._backend is not None:
            try:
                self._backend.set_password(KEYRING_SERVICE, login.key, token)
                return
            except keyring.errors.KeyringError:
                log.warning("cannot store the token in the credential store; using a "
                            "private file instead", exc_info=True)
                self._backend = None
        write_private_file(self._file, json.dumps({"key": login.key, "token": token}))


def write_private_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that only this user can read it, replacing
    it in one step (a reader sees the old file or the new, never half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if sys.platform != "win32":
        # The folder too: nobody else needs to know the file is there.
        os.chmod(path.parent, 0o700)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    # 0600 from the first byte, whatever the umask; on Windows the mode is
    # ignored and the profile folder's ACL (its owner, SYSTEM and the
    # administrators) protects the file instead.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
