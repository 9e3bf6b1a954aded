"""The client finds servers on the LAN: a real announcing server, a real browser.

Everything stays on the loopback interface (``tests/mdns.py``).  Names are
unique per test, so tests running at the same time on this machine, which
see each other's announcements, do not disturb each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ipaddress
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from zeroconf import ServiceInfo

from client_gui import discovery
from client_gui.app import Besedka
from client_gui.discovery import (
    DiscoveredServer,
    ServerBrowser,
    ServerListModel,
    choose_address,
    server_from_service_info,
)
from client_gui.found_servers import FoundServersView
from client_gui.i18n import LanguageManager
from client_gui.login_window import LoginWindow
from client_gui.settings import SERVER_HOST, SERVER_PORT, USERNAME, CertificatePins, Settings
from protocol.discovery import SERVICE_TYPE, FingerprintCheck
from protocol.limits import PROTOCOL_VERSION
from protocol.tls import client_context, format_fingerprint
from protocol.version import BESEDKA_VERSION
from tests.conftest import REPO
from tests.mdns import LOOPBACK, ensure_loopback_multicast, unique_name
from tests.wire import PASSWORD, WireClient

from .conftest import log_in
from .test_tls import submit_login, wait_for_error, wait_for_trust_dialog
from ..security.test_tls import logged_fingerprint
from ..security.helpers import wait_for_log

#: Milliseconds within which a server must appear in, or leave, the list.
DISCOVERY_MS = 10_000

LAN = [ipaddress.IPv4Network("192.0.2.0/24"), ipaddress.IPv4Network("127.0.0.0/8")]


def make_server(name: str = "Office", host: str = "192.0.2.10", port: int = 7447,
                protocol_version: int | None = PROTOCOL_VERSION,
                fingerprint: str | None = None) -> DiscoveredServer:
    return DiscoveredServer(service_name=f"{name}.{SERVICE_TYPE}", name=name, host=host,
                            port=port, addresses=(host,), protocol_version=protocol_version,
                            server_version="0.1.0", fingerprint=fingerprint)


@pytest.fixture
def loopback_multicast() -> None:
    """Multicast works on 127.0.0.1, or the test fails saying why."""
    ensure_loopback_multicast()


@pytest.fixture
def browser(qtbot: QtBot, loopback_multicast: None) -> Iterator[ServerBrowser]:
    """A browser on loopback; stopped (threads joined) after the test."""
    browser = ServerBrowser(interfaces=[LOOPBACK])
    yield browser
    browser.stop()


def found_named(name: str) -> Any:
    return lambda server: server.name == name


# Choosing the address to connect to.

def test_an_address_on_a_local_network_is_preferred() -> None:
    # A server announces its VM bridge first and the office LAN second.
    assert choose_address(["198.51.100.1", "192.0.2.10"], LAN) == "192.0.2.10"


def test_link_local_addresses_come_last() -> None:
    assert choose_address(["169.254.3.4", "203.0.113.5"], LAN) == "203.0.113.5"
    assert choose_address(["169.254.3.4"], LAN) == "169.254.3.4"


def test_otherwise_the_servers_order_is_kept() -> None:
    assert choose_address(["203.0.113.5", "198.51.100.1"], LAN) == "203.0.113.5"


def test_no_usable_address_gives_none() -> None:
    assert choose_address([], LAN) is None
    assert choose_address(["0.0.0.0", "224.0.0.251", "::1", "junk"], LAN) is None


def test_a_resolved_announcement_becomes_a_discovered_server() -> None:
    fingerprint = hashlib.sha256(b"cert").hexdigest()
    info = ServiceInfo(SERVICE_TYPE, f"Кухня.{SERVICE_TYPE}", port=7447,
                       addresses=[socket.inet_aton("198.51.100.1"), socket.inet_aton("192.0.2.9")],
                       properties={"protocol": "1", "version": "9.9", "fp": fingerprint},
                       server="kitchen.local.")
    server = server_from_service_info(info, LAN)
    assert server == DiscoveredServer(
        service_name=f"Кухня.{SERVICE_TYPE}", name="Кухня", host="192.0.2.9", port=7447,
        addresses=("198.51.100.1", "192.0.2.9"), protocol_version=1, server_version="9.9",
        fingerprint=fingerprint)
    assert server.compatible


def test_an_announcement_without_an_address_is_ignored() -> None:
    info = ServiceInfo(SERVICE_TYPE, f"x.{SERVICE_TYPE}", port=7447, addresses=[],
                       server="x.local.")
    assert server_from_service_info(info, LAN) is None


def test_a_server_of_no_known_protocol_version_is_marked_incompatible() -> None:
    # PROTOCOL-2.md: clients accept any version of 1 or more.
    assert not make_server(protocol_version=0).compatible
    assert make_server(protocol_version=1).compatible
    assert make_server(protocol_version=PROTOCOL_VERSION + 1).compatible
    assert make_server(protocol_version=None).compatible


# The fingerprint, for the TLS code.

def test_discovered_server_checks_the_presented_certificate() -> None:
    certificate = b"the DER bytes of a certificate"
    announced = make_server(fingerprint=hashlib.sha256(certificate).hexdigest())
    assert announced.check_certificate(certificate) is FingerprintCheck.MATCH
    assert announced.check_certificate(b"another") is FingerprintCheck.MISMATCH
    assert make_server().check_certificate(certificate) is FingerprintCheck.NOT_ANNOUNCED
    shown = make_server(fingerprint=format_fingerprint(hashlib.sha256(certificate).hexdigest()))
    assert shown.check_certificate(certificate) is FingerprintCheck.MATCH


def test_a_discovered_tls_server_announces_the_fingerprint_of_its_certificate(
        qtbot: QtBot, browser: ServerBrowser, server_factory) -> None:  # type: ignore[no-untyped-def]
    browser.start()
    name = unique_name()
    with qtbot.waitSignal(browser.server_found, timeout=DISCOVERY_MS,
                          check_params_cb=found_named(name)) as found:
        server_factory("--announce", "--name", name, tls=True)
    discovered: DiscoveredServer = found.args[0]
    assert discovered.fingerprint is not None

    async def presented() -> bytes:
        _, writer = await asyncio.open_connection(discovered.host, discovered.port,
                                                  ssl=client_context())
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.wait_closed()
        return der  # type: ignore[no-any-return]

    certificate = asyncio.run(presented())
    assert discovered.check_certificate(certificate) is FingerprintCheck.MATCH
    assert discovered.check_certificate(certificate[:-1] + b"\0") is FingerprintCheck.MISMATCH


# The list model.

def names(model: ServerListModel) -> list[str]:
    return [server.name for server in model.servers()]


def test_model_keeps_servers_sorted_by_name(qtbot: QtBot) -> None:
    model = ServerListModel()
    for name in ("kitchen", "Attic", "bedroom"):
        model.on_server_found(make_server(name))
    assert names(model) == ["Attic", "bedroom", "kitchen"]
    assert model.rowCount() == 3
    index = model.index(1)
    assert model.data(index) == "bedroom \u2014 192.0.2.10:7447"
    assert model.data(index, ServerListModel.ServerRole) == make_server("bedroom")
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) \
        == "bedroom at 192.0.2.10, port 7447\nBesedka 0.1.0"


def test_model_updates_a_server_in_place(qtbot: QtBot) -> None:
    model = ServerListModel()
    model.on_server_found(make_server("a"))
    model.on_server_found(make_server("b"))
    with qtbot.waitSignal(model.dataChanged), \
            qtbot.assertNotEmitted(model.rowsInserted), qtbot.assertNotEmitted(model.rowsRemoved):
        model.on_server_found(make_server("b", host="192.0.2.99"))
    assert model.server_at(1) == make_server("b", host="192.0.2.99")


def test_model_removes_lost_servers_and_ignores_unknown_ones(qtbot: QtBot) -> None:
    model = ServerListModel()
    model.on_server_found(make_server("a"))
    model.on_server_found(make_server("b"))
    with qtbot.waitSignal(model.rowsRemoved):
        model.on_server_lost(f"A.{SERVICE_TYPE}")  # DNS names ignore case
    assert names(model) == ["b"]
    with qtbot.assertNotEmitted(model.rowsRemoved):
        model.on_server_lost(f"nobody.{SERVICE_TYPE}")


def test_model_finds_a_server_by_any_announced_address(qtbot: QtBot) -> None:
    model = ServerListModel()
    server = DiscoveredServer(f"a.{SERVICE_TYPE}", "a", "192.0.2.10", 7447,
                              ("198.51.100.1", "192.0.2.10"), 1, None)
    model.on_server_found(server)
    assert model.row_of_address("198.51.100.1", 7447) == 0
    assert model.row_of_address("192.0.2.10", 7447) == 0
    assert model.row_of_address("192.0.2.10", 7448) == -1


def test_model_shows_names_from_the_network_literally(qtbot: QtBot) -> None:
    model = ServerListModel()
    model.on_server_found(make_server("50%2 off %1"))
    assert model.data(model.index(0)) == "50%2 off %1 \u2014 192.0.2.10:7447"


def test_model_marks_incompatible_servers(qtbot: QtBot) -> None:
    model = ServerListModel()
    model.on_server_found(make_server(protocol_version=0))
    assert "another version" in model.data(model.index(0))


# The browser, with a real server.

def test_browser_lists_a_server_as_it_appears_and_drops_it_when_it_stops(
        qtbot: QtBot, browser: ServerBrowser, server_factory) -> None:  # type: ignore[no-untyped-def]
    model = ServerListModel()
    model.follow(browser)
    browser.start()
    name = unique_name("Беседка")
    with qtbot.waitSignal(browser.server_found, timeout=DISCOVERY_MS,
                          check_params_cb=found_named(name)) as found:
        server = server_factory("--announce", "--name", name)
    discovered: DiscoveredServer = found.args[0]
    assert (discovered.host, discovered.port) == ("127.0.0.1", server.port)
    assert discovered.protocol_version == PROTOCOL_VERSION
    assert discovered.server_version == BESEDKA_VERSION
    assert discovered.fingerprint is None
    assert model.row_of(discovered.service_name) >= 0

    with qtbot.waitSignal(browser.server_lost, timeout=DISCOVERY_MS,
                          check_params_cb=lambda lost: lost == discovered.service_name):
        server.stop()  # SIGTERM: goodbye packets
    assert model.row_of(discovered.service_name) == -1


def test_logging_in_to_a_discovered_server_works(
        qtbot: QtBot, browser: ServerBrowser, server_factory) -> None:  # type: ignore[no-untyped-def]
    browser.start()
    name = unique_name()
    with qtbot.waitSignal(browser.server_found, timeout=DISCOVERY_MS,
                          check_params_cb=found_named(name)) as found:
        server_factory("--announce", "--name", name)
    discovered: DiscoveredServer = found.args[0]

    async def log_in() -> str:
        client = await WireClient.logged_in((discovered.host, discovered.port), "alice")
        await client.close()
        return str(client.roster[0]["username"])

    assert asyncio.run(log_in()) == "alice"


def test_results_arrive_in_the_gui_thread_and_zeroconf_starts_elsewhere(
        qtbot: QtBot, loopback_multicast: None, monkeypatch: pytest.MonkeyPatch,
        server_factory) -> None:  # type: ignore[no-untyped-def]
    constructed_in: list[threading.Thread] = []
    real_zeroconf = discovery.Zeroconf

    def recording_zeroconf(*args: Any, **kwargs: Any) -> Any:
        constructed_in.append(threading.current_thread())
        return real_zeroconf(*args, **kwargs)

    monkeypatch.setattr(discovery, "Zeroconf", recording_zeroconf)
    browser = ServerBrowser(interfaces=[LOOPBACK])
    delivered_in: list[threading.Thread] = []
    browser.server_found.connect(lambda server: delivered_in.append(threading.current_thread()))
    try:
        started = time.monotonic()
        browser.start()
        assert time.monotonic() - started < 0.1, "start() must not wait for zeroconf"
        name = unique_name()
        with qtbot.waitSignal(browser.server_found, timeout=DISCOVERY_MS,
                              check_params_cb=found_named(name)):
            server_factory("--announce", "--name", name)
    finally:
        browser.stop()
    assert constructed_in and constructed_in[0] is not threading.main_thread()
    assert delivered_in and all(thread is threading.main_thread() for thread in delivered_in)


def test_nothing_found_is_reported_after_the_quiet_period(
        qtbot: QtBot, loopback_multicast: None) -> None:
    # A service type nobody announces, so no concurrent test run interferes.
    lonely_type = f"_bt{uuid.uuid4().hex[:8]}._tcp.local."
    browser = ServerBrowser(interfaces=[LOOPBACK], nothing_found_seconds=0.5,
                            service_type=lonely_type)
    try:
        with qtbot.assertNotEmitted(browser.browsing_failed), \
                qtbot.waitSignal(browser.search_timed_out, timeout=5_000):
            browser.start()
        assert browser.timed_out and not browser.failed
    finally:
        browser.stop()


def test_a_found_server_suppresses_the_nothing_found_report(qtbot: QtBot) -> None:
    browser = ServerBrowser(interfaces=[LOOPBACK], nothing_found_seconds=0.2)
    browser.server_found.emit(make_server())  # as the worker thread would
    with qtbot.assertNotEmitted(browser.search_timed_out, wait=400):
        browser._timer.start()  # the timer without the worker thread
    assert not browser.timed_out


def test_unusable_interfaces_are_reported_not_raised(qtbot: QtBot) -> None:
    # 203.0.113.7 (TEST-NET-3) is no address of this machine: opening the
    # mDNS socket on it fails before anything is sent.
    browser = ServerBrowser(interfaces=["203.0.113.7"], nothing_found_seconds=60)
    try:
        with qtbot.waitSignal(browser.browsing_failed, timeout=5_000) as failed:
            browser.start()
        assert failed.args[0]
        assert browser.failed
    finally:
        browser.stop()


def test_stop_is_prompt_and_may_be_repeated(qtbot: QtBot, loopback_multicast: None) -> None:
    browser = ServerBrowser(interfaces=[LOOPBACK])
    browser.stop()  # never started
    browser.start()
    browser.start()  # already running: nothing happens
    started = time.monotonic()
    browser.stop()
    browser.stop()
    assert time.monotonic() - started < 3.0
    assert not browser.running


# The login window.

@pytest.fixture
def start_discovering_client(qapp: QApplication, qtbot: QtBot, settings: Settings,
                             languages: LanguageManager,
                             loopback_multicast: None) -> Iterator[Callable[..., Besedka]]:
    """Start a client whose login window lists the servers found on loopback.

    As ``main`` does it: no server on the command line, the remembered one
    (from ``settings``) in the address fields, a browser for the whole run.
    """
    started: list[Besedka] = []

    def start(tls: bool = False, **browser_options: Any) -> Besedka:
        browser = ServerBrowser(interfaces=[LOOPBACK], **browser_options)
        # Plain TCP unless asked, like the servers of server_factory (see
        # start_client).
        besedka = Besedka.with_network(qapp, settings, languages, None,
                                       reconnect_delays=(0.1, 0.3), browser=browser, tls=tls)
        besedka.start()
        started.append(besedka)
        return besedka

    yield start
    for besedka in started:
        besedka.shut_down()  # stops the browser too


def found_view(besedka: Besedka) -> FoundServersView:
    login = besedka.login_window
    assert login is not None and login.found_servers is not None
    return login.found_servers


def wait_listed(qtbot: QtBot, besedka: Besedka, name: str) -> int:
    """Wait until the login window lists the server ``name``; returns its row."""
    model = besedka.found_servers
    qtbot.waitUntil(lambda: any(s.name == name for s in model.servers()), timeout=DISCOVERY_MS)
    return next(row for row, s in enumerate(model.servers()) if s.name == name)


def click_row(qtbot: QtBot, view: FoundServersView, row: int) -> None:
    index = view.list.model().index(row, 0)  # type: ignore[union-attr]
    rect = view.list.visualRect(index)
    qtbot.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_login_window_lists_a_found_server_and_logging_in_through_it_works(
        qtbot: QtBot, start_discovering_client: Callable[..., Besedka], settings: Settings,
        server_factory, bots) -> None:  # type: ignore[no-untyped-def]
    name = unique_name("Офис")
    server = server_factory("--announce", "--name", name)
    bots(server.address, "alice").close()
    besedka = start_discovering_client()
    login = besedka.login_window
    assert login is not None
    view = found_view(besedka)
    row = wait_listed(qtbot, besedka, name)
    assert view.list.isVisible() and not view.hint.isVisible()
    text = view.list.model().index(row, 0).data()  # type: ignore[union-attr]
    assert text == f"{name} \u2014 127.0.0.1:{server.port}"
    # The remembered address (the default, 127.0.0.1:7447) names no found
    # server, so nothing is chosen until the user clicks.
    assert view.selected_server() is None

    click_row(qtbot, view, row)
    assert login.server.address() == ("127.0.0.1", server.port)
    log_in(qtbot, besedka, "alice")
    assert (settings.get(SERVER_HOST), settings.get(SERVER_PORT)) == server.address


def test_a_server_that_stops_leaves_the_login_window(
        qtbot: QtBot, start_discovering_client: Callable[..., Besedka],
        server_factory) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    server = server_factory("--announce", "--name", name)
    besedka = start_discovering_client()
    wait_listed(qtbot, besedka, name)
    server.stop()
    qtbot.waitUntil(lambda: all(s.name != name for s in besedka.found_servers.servers()),
                    timeout=DISCOVERY_MS)


def test_the_server_used_last_is_preselected(
        qtbot: QtBot, start_discovering_client: Callable[..., Besedka], settings: Settings,
        server_factory) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    server = server_factory("--announce", "--name", name)
    settings.set(SERVER_HOST, "127.0.0.1")
    settings.set(SERVER_PORT, server.port)
    besedka = start_discovering_client()
    wait_listed(qtbot, besedka, name)
    view = found_view(besedka)
    qtbot.waitUntil(lambda: view.selected_server() is not None)
    selected = view.selected_server()
    assert selected is not None and selected.name == name


def test_a_server_found_at_another_address_is_listed_but_never_put_in_the_fields(
        qtbot: QtBot, start_discovering_client: Callable[..., Besedka], settings: Settings,
        server_factory) -> None:  # type: ignore[no-untyped-def]
    # The server used last may have moved (DHCP), or someone may announce
    # its name: either way the user decides, by clicking it.
    name = unique_name()
    server = server_factory("--announce", "--name", name)
    settings.set(SERVER_HOST, "127.0.0.2")  # where it was last time
    settings.set(SERVER_PORT, 7447)
    besedka = start_discovering_client()
    login = besedka.login_window
    assert login is not None
    row = wait_listed(qtbot, besedka, name)
    assert login.server.address() == ("127.0.0.2", 7447)
    assert found_view(besedka).selected_server() is None
    click_row(qtbot, found_view(besedka), row)
    assert login.server.address() == ("127.0.0.1", server.port)


def test_typing_another_address_deselects_the_found_server(
        qtbot: QtBot, start_discovering_client: Callable[..., Besedka],
        server_factory) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    server_factory("--announce", "--name", name)
    besedka = start_discovering_client()
    login = besedka.login_window
    assert login is not None
    view = found_view(besedka)
    click_row(qtbot, view, wait_listed(qtbot, besedka, name))
    assert view.selected_server() is not None
    login.server.host.clear()
    qtbot.keyClicks(login.server.host, "chat.example")
    assert view.selected_server() is None
    assert login.server.host.text() == "chat.example"


def test_a_typed_address_is_not_replaced_by_a_server_found_later(
        qtbot: QtBot, settings: Settings) -> None:
    browser = ServerBrowser(interfaces=[LOOPBACK])  # never started: the window is not shown
    model = ServerListModel()
    window = LoginWindow(settings, browser=browser, servers=model)
    qtbot.addWidget(window)
    window.server.host.clear()
    qtbot.keyClicks(window.server.host, "192.0.2.77")
    model.on_server_found(make_server("Office", host="192.0.2.10"))
    assert window.server.host.text() == "192.0.2.77"
    assert window.found_servers is not None and window.found_servers.selected_server() is None


def type_port(qtbot: QtBot, login: LoginWindow, port: int) -> None:
    editor = login.server.port.lineEdit()
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(login.server.port, str(port))


def test_a_wrong_password_while_servers_come_and_go_changes_no_field_and_the_next_attempt_goes_where_typed(  # noqa: E501
        qtbot: QtBot, start_discovering_client: Callable[..., Besedka], server_factory,
        bots) -> None:  # type: ignore[no-untyped-def]
    # Issue 13: after a wrong password the window showed another server's
    # address (one announced on the LAN, sorting first), and the next
    # password went there.
    typed, elsewhere = server_factory(), server_factory()
    for server in (typed, elsewhere):
        bots(server.address, "alice").close()  # a password sent there would log in
    besedka = start_discovering_client()
    login = besedka.login_window
    assert login is not None
    login.activateWindow()
    login.server.host.clear()
    qtbot.keyClicks(login.server.host, "127.0.0.1")
    type_port(qtbot, login, typed.port)
    login.username.clear()
    qtbot.keyClicks(login.username, "alice")
    qtbot.keyClicks(login.password, "not my password")
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    model = besedka.found_servers
    # Meanwhile servers appear, the first in the list being another one at
    # the same host, and the one typed is announced too (so it is selected).
    first = make_server(unique_name("AAA"), "127.0.0.1", elsewhere.port)
    model.on_server_found(first)
    model.on_server_found(make_server(unique_name("Typed"), "127.0.0.1", typed.port))
    model.on_server_found(make_server(unique_name("Far"), "192.0.2.2", 7447))
    assert wait_for_error(qtbot, besedka) == "Wrong username or password."
    assert login is besedka.login_window
    view = found_view(besedka)
    selected = view.selected_server()
    assert selected is not None and selected.port == typed.port

    def fields() -> tuple[str, int, str]:
        return (*login.server.address(), login.username.text())

    expected = ("127.0.0.1", typed.port, "alice")
    assert fields() == expected
    # The typed server's announcement goes (Qt moves the current row to a
    # neighbour), the focus enters the list (Qt makes the first row
    # current), more servers come: the fields stay.
    model.on_server_lost(selected.service_name)
    assert fields() == expected
    view.list.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.list.hasFocus)
    assert fields() == expected
    assert view.selected_server() is None
    model.on_server_found(make_server(unique_name("Late"), "127.0.0.1", typed.port))
    model.on_server_found(make_server(unique_name("AAA"), "127.0.0.1", elsewhere.port + 1))
    assert fields() == expected

    # The next attempt goes to the server typed, and nothing ever reached the other.
    login.password.clear()
    qtbot.keyClicks(login.password, PASSWORD)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: besedka.chat_window is not None, timeout=DISCOVERY_MS)
    assert (besedka.client.host, besedka.client.port) == typed.address
    wait_for_log(typed, "failed login")
    assert "failed login" not in elsewhere.log
    assert elsewhere.log.count("logged in") == 1  # the bot's, registering


def test_a_login_window_built_again_shows_what_the_user_typed(
        qtbot: QtBot, start_discovering_client: Callable[..., Besedka],
        settings: Settings) -> None:
    settings.set(SERVER_HOST, "127.0.0.1")
    settings.set(SERVER_PORT, 7447)
    settings.set(USERNAME, "remembered")
    besedka = start_discovering_client()
    login = besedka.login_window
    assert login is not None
    besedka.found_servers.on_server_found(make_server(unique_name("AAA"), "127.0.0.1", 7447))
    login.server.host.clear()
    qtbot.keyClicks(login.server.host, "192.0.2.77")
    login.username.clear()
    qtbot.keyClicks(login.username, "bob")
    qtbot.mouseClick(login.register_button, Qt.MouseButton.LeftButton)
    registration = besedka.registration_window
    assert registration is not None
    assert registration.server.address() == ("192.0.2.77", 7447)
    qtbot.mouseClick(registration.back_button, Qt.MouseButton.LeftButton)
    again = besedka.login_window
    assert again is not None and again is not login
    assert (*again.server.address(), again.username.text()) == ("192.0.2.77", 7447, "bob")


def test_login_window_says_when_nothing_is_found(
        qtbot: QtBot, start_discovering_client: Callable[..., Besedka]) -> None:
    lonely_type = f"_bt{uuid.uuid4().hex[:8]}._tcp.local."
    besedka = start_discovering_client(nothing_found_seconds=0.5, service_type=lonely_type)
    view = found_view(besedka)
    assert view.hint.text() == "Looking for servers on this network\u2026"
    qtbot.waitUntil(lambda: "blocked" in view.hint.text(), timeout=5_000)
    assert view.hint.isVisible() and not view.list.isVisible()
    assert "Type the server's address" in view.hint.text()
    assert "multicast" in view.hint.text()
    # ... and typing it works as ever.
    login = besedka.login_window
    assert login is not None and login.server.host.isEnabled()


def test_discovery_texts_speak_russian(
        qtbot: QtBot, start_discovering_client: Callable[..., Besedka],
        languages: LanguageManager) -> None:
    lonely_type = f"_bt{uuid.uuid4().hex[:8]}._tcp.local."
    besedka = start_discovering_client(nothing_found_seconds=0.5, service_type=lonely_type)
    view = found_view(besedka)
    languages.choose("ru")
    qtbot.waitUntil(lambda: view.caption.text() == "&Найденные в сети серверы:")
    qtbot.waitUntil(lambda: "заблокирована" in view.hint.text(), timeout=5_000)
    assert "mDNS" in view.hint.text()
    besedka.found_servers.on_server_found(make_server("Кухня", protocol_version=0))
    assert besedka.found_servers.index(0).data() \
        == "Кухня \u2014 192.0.2.10:7447 (другая версия Беседки)"


def test_discovery_starts_only_once_the_window_is_shown(
        qtbot: QtBot, settings: Settings, loopback_multicast: None) -> None:
    browser = ServerBrowser(interfaces=[LOOPBACK])
    model = ServerListModel()
    model.follow(browser)
    window = LoginWindow(settings, browser=browser, servers=model)
    qtbot.addWidget(window)
    try:
        qtbot.wait(50)
        assert not browser.running
        window.show()
        qtbot.waitUntil(lambda: browser.running)
    finally:
        browser.stop()


def test_client_can_be_told_not_to_look_for_servers() -> None:
    result = subprocess.run([sys.executable, "-m", "client_gui", "--help"], cwd=REPO,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and "--no-discovery" in result.stdout


# Trust: an announcement never answers the question (issue 13).

def test_a_found_tls_server_whose_certificate_matches_its_announcement_is_still_asked_about(
        qtbot: QtBot, start_discovering_client: Callable[..., Besedka], settings: Settings,
        server_factory) -> None:  # type: ignore[no-untyped-def]
    name = unique_name("TLS")
    server = server_factory("--announce", "--name", name, tls=True)
    besedka = start_discovering_client(tls=True)
    click_row(qtbot, found_view(besedka), wait_listed(qtbot, besedka, name))
    submit_login(qtbot, besedka, "nobody")
    dialog = wait_for_trust_dialog(qtbot, besedka)
    logged = logged_fingerprint(wait_for_log(server, "SHA-256 fingerprint"))
    assert " ".join(dialog.fingerprint_label.text().split()) == format_fingerprint(logged)
    assert dialog.announcement_label.isVisible()
    assert "matches the fingerprint this server announces" in dialog.announcement_label.text()
    assert "proves nothing" in dialog.announcement_label.text()
    # Nothing is pinned, and nothing was sent, until the user decides.
    assert CertificatePins(settings).get(*server.address) is None
    assert "failed login" not in server.log
    qtbot.mouseClick(dialog.trust_button, Qt.MouseButton.LeftButton)
    assert "Wrong username or password." in wait_for_error(qtbot, besedka)
    assert CertificatePins(settings).get(*server.address) == logged


def test_a_found_server_presenting_another_certificate_than_announced_is_asked_about_with_a_warning(  # noqa: E501
        qtbot: QtBot, start_discovering_client: Callable[..., Besedka], settings: Settings,
        server_factory) -> None:  # type: ignore[no-untyped-def]
    server = server_factory(tls=True)
    besedka = start_discovering_client(tls=True)
    # Two announcements naming this address: one with the server's own
    # fingerprint, one with another, as an impostor on the LAN would make it.
    # The honest one sorts first; the warning comes all the same.
    logged = logged_fingerprint(wait_for_log(server, "SHA-256 fingerprint"))
    besedka.found_servers.on_server_found(
        make_server(unique_name("AAA"), "127.0.0.1", server.port, fingerprint=logged))
    besedka.found_servers.on_server_found(
        make_server(unique_name("Office"), "127.0.0.1", server.port, fingerprint="ab" * 32))
    login = besedka.login_window
    assert login is not None
    login.server.host.setText("127.0.0.1")
    login.server.port.setValue(server.port)
    submit_login(qtbot, besedka, "alice")
    dialog = wait_for_trust_dialog(qtbot, besedka)
    assert dialog.announcement_label.isVisible()
    warning = dialog.announcement_label.text()
    assert warning.startswith("Warning:") and "another fingerprint" in warning
    assert "impersonating" in warning
    # Enter cancels (Trust had the focus, and so was what Enter pressed).
    assert dialog.cancel_button.isDefault() and not dialog.trust_button.isDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: login.log_in_button.isEnabled(), timeout=DISCOVERY_MS)
    assert besedka.chat_window is None
    assert CertificatePins(settings).get(*server.address) is None
    assert "logged in" not in server.log and "failed login" not in server.log


def test_a_typed_address_nobody_announced_is_asked_about_without_a_remark(
        qtbot: QtBot, start_discovering_client: Callable[..., Besedka],
        server_factory) -> None:  # type: ignore[no-untyped-def]
    server = server_factory(tls=True)
    besedka = start_discovering_client(tls=True)
    login = besedka.login_window
    assert login is not None
    login.server.host.setText("127.0.0.1")
    login.server.port.setValue(server.port)
    submit_login(qtbot, besedka, "alice")
    dialog = wait_for_trust_dialog(qtbot, besedka)
    assert not dialog.announcement_label.isVisible()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
