"""Where the token of "Keep me logged in" is kept: the system's credential
store through ``keyring`` where there is one, else a file only the user reads."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from client_gui.credentials import (
    KEYRING_SERVICE,
    TOKEN_FILE_NAME,
    CredentialStore,
    RememberedLogin,
    default_keyring,
)
from client_gui.settings import REMEMBERED_LOGIN, Settings

LOGIN = RememberedLogin("chat.example", 7447, "Алиса", "ab" * 32)


class MemoryKeyring(KeyringBackend):
    """A credential store in memory, standing in for the system's."""

    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


def test_with_a_credential_store_the_token_goes_there_and_nowhere_else(
        settings: Settings, tmp_path: Path) -> None:
    backend = MemoryKeyring()
    store = CredentialStore(settings, backend, tmp_path)
    store.save(LOGIN, "secret-token")
    assert backend.secrets == {(KEYRING_SERVICE, "Алиса@chat.example:7447"): "secret-token"}
    assert not (tmp_path / TOKEN_FILE_NAME).exists()
    assert "secret-token" not in settings.get(REMEMBERED_LOGIN)
    assert CredentialStore(settings, backend, tmp_path).load() == (LOGIN, "secret-token")
    store.forget()
    assert backend.secrets == {} and store.load() is None and store.remembered() is None


def test_without_one_the_token_is_in_a_file_only_the_user_can_read(
        settings: Settings, tmp_path: Path) -> None:
    store = CredentialStore(settings, None, tmp_path / "data")
    store.save(LOGIN, "secret-token")
    file = tmp_path / "data" / TOKEN_FILE_NAME
    if sys.platform != "win32":
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert store.load() == (LOGIN, "secret-token")
    # Saving another login replaces the first.
    other = RememberedLogin("192.0.2.7", 7448, "bob", None)
    store.save(other, "another-token")
    assert store.load() == (other, "another-token")
    assert [path.name for path in file.parent.iterdir()] == [TOKEN_FILE_NAME]
    store.forget()
    assert not file.exists() and store.load() is None


def test_a_token_file_of_another_login_is_not_taken_for_this_one(
        settings: Settings, tmp_path: Path) -> None:
    store = CredentialStore(settings, None, tmp_path)
    store.save(LOGIN, "secret-token")
    settings.set(REMEMBERED_LOGIN, settings.get(REMEMBERED_LOGIN).replace("7447", "7448"))
    assert store.load() is None


@pytest.mark.parametrize("garbage", ["{", "[]", '{"host": 1}', '"text"'])
def test_unreadable_settings_remember_nothing(settings: Settings, tmp_path: Path,
                                              garbage: str) -> None:
    settings.set(REMEMBERED_LOGIN, garbage)
    assert CredentialStore(settings, None, tmp_path).load() is None


def test_a_store_without_real_protection_is_not_taken_for_a_credential_store(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring

    class PlainText(MemoryKeyring):
        priority = 0.5  # type: ignore[assignment]  # keyrings.alt's plain-text file

    monkeypatch.setattr(keyring, "get_keyring", PlainText)
    assert default_keyring() is None
    monkeypatch.setattr(keyring, "get_keyring", MemoryKeyring)
    assert isinstance(default_keyring(), MemoryKeyring)
