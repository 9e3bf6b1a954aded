"""A client waiting to reconnect comes back as soon as its server announces
itself on the LAN, and waits at most a few seconds on a LAN anyway."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PyQt6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from client_gui.app import Besedka
from client_gui.backoff import LAN_RECONNECT_DELAYS_SECONDS, RECONNECT_DELAYS_SECONDS, delays_for
from client_gui.client import ConnectionState
from client_gui.discovery import ServerBrowser
from client_gui.i18n import LanguageManager
from client_gui.settings import Settings
from tests.conftest import REPO, ServerProcess
from tests.mdns import LOOPBACK, RawBrowser, ensure_loopback_multicast, unique_name

from .conftest import WAIT_MS, Bot, log_in

#: Ten minutes: only the announcement can bring the client back in a test's time.
MANUAL = (600.0,)


@pytest.mark.parametrize(("host", "lan"), [
    ("127.0.0.1", True), ("192.168.1.20", True), ("10.0.0.5", True), ("169.254.3.4", True),
    ("fe80::1", True), ("localhost", True), ("labserver", True), ("pc.local", True),
    ("8.8.8.8", False), ("chat.example.com", False),
])
def test_a_lan_server_is_retried_within_five_seconds_a_far_one_within_thirty(
        host: str, lan: bool) -> None:
    delays = delays_for(host)
    assert delays == (LAN_RECONNECT_DELAYS_SECONDS if lan else RECONNECT_DELAYS_SECONDS)
    assert max(delays) == (5.0 if lan else 30.0)


@pytest.fixture
def discovering_client(qapp: QApplication, qtbot: QtBot, settings: Settings,
                       languages: LanguageManager) -> Iterator[Callable[..., Besedka]]:
    ensure_loopback_multicast()
    started: list[Besedka] = []

    def start(address: tuple[str, int]) -> Besedka:
        besedka = Besedka.with_network(qapp, settings, languages, address,
                                       reconnect_delays=MANUAL, tls=False,
                                       browser=ServerBrowser(interfaces=[LOOPBACK]))
        besedka.start()
        started.append(besedka)
        return besedka

    yield start
    for besedka in started:
        besedka.shut_down()


@pytest.mark.parametrize("stop", ["stopped", "crashed"])
def test_a_waiting_client_reconnects_when_its_server_announces_itself_again(
        qtbot: QtBot, server_factory: Callable[..., ServerProcess],
        discovering_client: Callable[..., Besedka], bots: Callable[..., Bot], stop: str) -> None:
    server = server_factory("--announce", "--name", unique_name())
    bots(server.address, "alice").close()
    besedka = discovering_client(server.address)
    log_in(qtbot, besedka, "alice")
    if stop == "stopped":
        server.stop()  # withdrawn from the LAN, then announced anew
    else:
        server.kill()  # still known on the LAN: the announcement repeats it
    qtbot.waitUntil(lambda: besedka.client.state is ConnectionState.WAITING, timeout=WAIT_MS)
    assert besedka.client.seconds_until_reconnect() > 60
    server.start()
    qtbot.waitUntil(lambda: besedka.client.state is ConnectionState.ONLINE, timeout=WAIT_MS)


@pytest.mark.timeout(900)
@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="X11 (xcb) is the Linux desktop's window system")
def test_on_a_real_x_server_the_reconnect_comes_within_two_seconds_of_the_announcement(
        x_display: str, server_factory: Callable[..., ServerProcess],
        bots: Callable[..., Bot], tmp_path: Path) -> None:
    ensure_loopback_multicast()
    name = unique_name()
    server = server_factory("--announce", "--name", name)
    bots(server.address, "alice").close()
    env = {**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb",
           "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_RUNTIME_DIR": str(tmp_path / "runtime")}
    (tmp_path / "runtime").mkdir(mode=0o700)
    client = subprocess.Popen(
        [sys.executable, "-m", "tests.client_gui.xcb_reconnect", f"{server.host}:{server.port}"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    raw = RawBrowser()
    try:
        assert client.stdout is not None
        assert client.stdout.readline() == "online\n"
        server.kill()
        assert client.stdout.readline() == "waiting\n"
        server.start()
        raw.wait_for(name)
        announced = raw.heard_at[f"{name}._besedka._tcp.local."]
        line = client.stdout.readline()
        assert line.startswith("online again "), line + client.communicate(timeout=30)[1]
        assert float(line.split()[-1]) - announced < 2.0
        assert client.wait(30) == 0
    finally:
        raw.close()
        if client.poll() is None:
            client.kill()
            client.wait()
