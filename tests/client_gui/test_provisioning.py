"""Trust decided by the administrator: ``admin client-config``, the file beside
the client, ``besedka --trust``.  Real TLS servers, the real client."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from client_gui.settings import CertificatePins, Settings
from client_gui.trust import ProvisionedServers
from protocol.provisioning import PROVISIONING_FILE_NAME, TrustEntry, read_trust_file
from protocol.tls import format_fingerprint
from tests.conftest import REPO, ServerProcess

from .conftest import StartClient
from .test_tls import submit_login, wait_for_error
from ..security.helpers import admin, wait_for_log
from ..security.test_tls import logged_fingerprint

OTHER = hashlib.sha256(b"another certificate").hexdigest()


@pytest.fixture
def tls_server(server_factory: Callable[..., ServerProcess]) -> ServerProcess:
    return server_factory("--no-rate-limits", tls=True)


def test_client_config_prints_lines_with_which_the_client_asks_nothing(
        qtbot: QtBot, tls_server: ServerProcess, start_client: StartClient,
        settings: Settings, tmp_path: Path) -> None:
    result = admin(tls_server, "client-config", "--host", "127.0.0.1", "--host", "chat.example",
                   "--port", str(tls_server.port))
    logged = logged_fingerprint(wait_for_log(tls_server, "created certificate"))
    entries, problems = read_trust_file(result.stdout.splitlines())
    assert problems == []
    assert entries == [TrustEntry("127.0.0.1", tls_server.port, logged),
                       TrustEntry("chat.example", tls_server.port, logged)]
    # The comments say where the lines go and show the fingerprint as logged.
    assert PROVISIONING_FILE_NAME in result.stdout and "--trust" in result.stdout
    assert format_fingerprint(logged) in result.stdout

    file = tmp_path / PROVISIONING_FILE_NAME
    file.write_text(result.stdout, encoding="utf-8")
    besedka = start_client(tls_server.address, tls=True,
                           provisioned=ProvisionedServers.load(file))
    submit_login(qtbot, besedka, "nobody")
    # The refusal of an unknown account proves the password went over the
    # connection: no question was asked, and the user pinned nothing.
    assert wait_for_error(qtbot, besedka) == "Wrong username or password."
    assert besedka.trust_dialog is None
    assert CertificatePins(settings).get(*tls_server.address) is None


def test_client_config_names_this_computer_by_default(tls_server: ServerProcess) -> None:
    entries, _ = read_trust_file(admin(tls_server, "client-config").stdout.splitlines())
    assert entries and all(entry.port == 7447 for entry in entries)
    assert all(entry.host not in ("127.0.0.1", "localhost") for entry in entries)


def test_client_config_without_a_certificate_says_so(server: ServerProcess) -> None:
    result = admin(server, "client-config", check=False)  # a --no-tls server made none
    assert result.returncode == 1
    assert "no certificate" in result.stderr and result.stdout == ""


def test_a_certificate_the_administrator_did_not_trust_is_refused_without_a_way_round(
        qtbot: QtBot, tls_server: ServerProcess, start_client: StartClient,
        settings: Settings) -> None:
    # The user once trusted the server's real certificate; the administrator
    # says another one.  The administrator's word wins, and the user cannot
    # forget it away.
    CertificatePins(settings).pin(
        *tls_server.address, logged_fingerprint(wait_for_log(tls_server, "created certificate")))
    provisioned = ProvisionedServers([TrustEntry("127.0.0.1", tls_server.port, OTHER)])
    besedka = start_client(tls_server.address, tls=True, provisioned=provisioned)
    submit_login(qtbot, besedka, "alice")
    text = wait_for_error(qtbot, besedka)
    assert text.startswith("Warning:") and "your administrator set up" in text
    assert "did not send your password" in text
    login = besedka.login_window
    assert login is not None and not login.forget_certificate_button.isVisible()
    assert besedka.trust_dialog is None
    assert "alice" not in tls_server.log


def test_the_file_beside_the_client_skips_what_it_cannot_read(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    file = tmp_path / PROVISIONING_FILE_NAME
    file.write_text(f"\ufeffChat.Example:7447={OTHER}\nnonsense\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, "besedka.client"):
        servers = ProvisionedServers.load(file, [f"192.0.2.7:7448={OTHER}"])
    assert servers.fingerprint("chat.example", 7447) == OTHER  # host names ignore case
    assert servers.fingerprint("chat.example", 7448) is None
    assert servers.fingerprint("192.0.2.7", 7448) == OTHER
    assert "line 2" in caplog.text
    # No file at all: nothing provisioned, nothing to complain about.
    assert len(ProvisionedServers.load(tmp_path / "missing.txt")) == 0


def test_the_client_refuses_a_trust_option_it_cannot_read() -> None:
    result = subprocess.run([sys.executable, "-m", "client_gui", "--trust", "chat.example=3f2a"],
                            cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "--trust" in result.stderr and "fingerprint" in result.stderr


def test_the_provisioning_file_is_looked_for_beside_the_installed_client() -> None:
    # Run from source, that is the client_gui package's folder; a frozen
    # bundle's is its executable's (/opt/besedka, C:\Program Files\Besedka).
    assert ProvisionedServers.default_file() == REPO / "client_gui" / PROVISIONING_FILE_NAME
