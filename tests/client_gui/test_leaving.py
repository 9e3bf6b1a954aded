"""A client that quits leaves the server as a client leaving: its logout
arrives, and the connection ends without a reset."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from client_gui.settings import CertificatePins, Settings
from tests.conftest import ServerProcess
from tests.security.test_tls import logged_fingerprint

from .conftest import StartClient, register


@pytest.mark.parametrize("tls", [True, False], ids=["tls", "plain"])
def test_quitting_logs_out_and_the_server_sees_a_clean_leave(
        qtbot: QtBot, server_factory: Callable[..., ServerProcess], start_client: StartClient,
        settings: Settings, tls: bool) -> None:
    server = server_factory("--no-rate-limits", tls=tls)
    if tls:  # trusted before, as after a first login
        CertificatePins(settings).pin(*server.address,
                                      logged_fingerprint(server.wait_for_log("fingerprint")))
    besedka = start_client(server.address, tls=tls)
    register(qtbot, besedka, "alice")
    besedka.shut_down()  # what closing the last window does
    log = server.wait_for_log("] disconnected")
    # Every line about this client's connection, without time and peer.
    peer = re.search(r"\[(127\.0\.0\.1:\d+) alice\]", log)
    assert peer is not None, log
    said = [line.split(" ", 3)[2:] for line in log.splitlines() if peer.group(1) in line]
    assert said[-2:] == [["INFO", f"besedka.server.conn: [{peer.group(1)} alice] logged out"],
                         ["INFO", f"besedka.server.conn: [{peer.group(1)} -] disconnected"]], log
