"""The server announces itself on the LAN with mDNS, and withdraws on shutdown.

A real ``python -m server`` announces; a plain zeroconf browser on the
loopback interface (``tests/mdns.py``) looks for it, so these tests prove
the records a third-party client would see.  Nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from collections.abc import Iterator

import pytest

from protocol.discovery import (
    SERVICE_TYPE,
    FingerprintCheck,
    check_announced_fingerprint,
    parse_txt_properties,
)
from protocol.limits import PROTOCOL_VERSION
from protocol.tls import client_context, format_fingerprint
from protocol.version import BESEDKA_VERSION
from server.announce import Announcement, announced_addresses
from tests.mdns import DISCOVERY_TIMEOUT, RawBrowser, ensure_loopback_multicast, unique_name
from tests.wire import WireClient

HOST_ADDRESSES = ["127.0.0.1", "192.0.2.10", "198.51.100.7"]


@pytest.fixture
def raw_browser() -> Iterator[RawBrowser]:
    """A plain zeroconf browser for ``_besedka._tcp`` on loopback."""
    ensure_loopback_multicast()
    browser = RawBrowser()
    yield browser
    browser.close()


# Which addresses are announced.

def test_wildcard_binding_announces_every_address_but_loopback() -> None:
    assert announced_addresses(["0.0.0.0"], HOST_ADDRESSES) == ["192.0.2.10", "198.51.100.7"]


def test_dual_stack_wildcard_binding_announces_the_ipv4_addresses() -> None:
    assert announced_addresses(["::", "0.0.0.0"], HOST_ADDRESSES) == ["192.0.2.10",
                                                                     "198.51.100.7"]


def test_loopback_binding_announces_only_loopback() -> None:
    # Only a client on this host can reach it, so announcing the LAN
    # addresses would send everyone else to a closed port.
    assert announced_addresses(["127.0.0.1"], HOST_ADDRESSES) == ["127.0.0.1"]


def test_binding_to_one_address_announces_that_address() -> None:
    assert announced_addresses(["198.51.100.7"], HOST_ADDRESSES) == ["198.51.100.7"]
    assert announced_addresses(["::ffff:198.51.100.7"], HOST_ADDRESSES) == ["198.51.100.7"]


def test_ipv6_only_binding_or_a_host_without_addresses_announces_nothing() -> None:
    assert announced_addresses(["::1"], HOST_ADDRESSES) == []
    assert announced_addresses(["0.0.0.0"], ["127.0.0.1"]) == []


def test_the_record_set_carries_name_port_addresses_and_versions() -> None:
    fingerprint = "ABAB " * 15 + "ABAB"  # as the server logs it
    info = Announcement(name="Office chat", port=7447, addresses=("192.0.2.10",),
                        fingerprint=fingerprint).service_info()
    assert info.type == SERVICE_TYPE
    assert info.name == f"Office chat.{SERVICE_TYPE}"
    assert info.port == 7447
    assert info.addresses == [socket.inet_aton("192.0.2.10")]
    announced = parse_txt_properties(info.properties)
    assert announced.protocol_version == PROTOCOL_VERSION
    assert announced.server_version == BESEDKA_VERSION
    assert announced.fingerprint == "ab" * 32
    assert info.server is not None and info.server.endswith(".local.")


def test_without_tls_no_fingerprint_is_announced() -> None:
    info = Announcement(name="x", port=1, addresses=("192.0.2.10",)).service_info()
    assert parse_txt_properties(info.properties).fingerprint is None
    assert b"fp" not in info.properties


# A real server, a real browser.

def test_running_server_is_found_with_its_name_port_and_versions(
        server_factory, raw_browser: RawBrowser) -> None:  # type: ignore[no-untyped-def]
    name = unique_name("Офис")
    server = server_factory("--announce", "--name", name)
    info = raw_browser.wait_for(name)
    assert info.port == server.port
    # Bound to 127.0.0.1: only loopback reaches it, so only loopback is announced.
    assert info.parsed_addresses() == ["127.0.0.1"]
    announced = parse_txt_properties(info.properties)
    assert announced.protocol_version == PROTOCOL_VERSION
    assert announced.server_version == BESEDKA_VERSION
    assert announced.fingerprint is None
    assert "announced on the LAN" in _wait_for_log(server, "announced on the LAN")


def test_tls_server_announces_the_fingerprint_of_the_certificate_it_presents(
        server_factory, raw_browser: RawBrowser) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    server = server_factory("--announce", "--name", name, tls=True)
    info = raw_browser.wait_for(name)
    announced = parse_txt_properties(info.properties).fingerprint
    assert announced is not None
    der = asyncio.run(presented_certificate((info.parsed_addresses()[0], info.port)))
    assert check_announced_fingerprint(announced, der) is FingerprintCheck.MATCH
    # The same fingerprint the server logs for people to compare.
    assert format_fingerprint(announced) in _wait_for_log(server, format_fingerprint(announced))


async def presented_certificate(address: tuple[str, int]) -> bytes:
    """The certificate a TLS server presents, DER encoded."""
    _, writer = await asyncio.open_connection(*address, ssl=client_context())
    ssl_object = writer.get_extra_info("ssl_object")
    assert isinstance(ssl_object, ssl.SSLObject)
    der = ssl_object.getpeercert(binary_form=True)
    assert der is not None
    writer.close()
    with contextlib.suppress(OSError, ssl.SSLError):
        await writer.wait_closed()
    return der


def test_logging_in_at_the_discovered_address_works(
        server_factory, raw_browser: RawBrowser) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    server_factory("--announce", "--name", name)
    info = raw_browser.wait_for(name)
    address = (info.parsed_addresses()[0], info.port)

    async def log_in() -> None:
        client = await WireClient.logged_in(address, "alice")
        assert client.hello is not None and client.hello["protocol"] == PROTOCOL_VERSION
        assert [entry["username"] for entry in client.roster] == ["alice"]
        await client.close()

    asyncio.run(log_in())


def test_server_disappears_as_soon_as_it_stops(
        server_factory, raw_browser: RawBrowser) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    server = server_factory("--announce", "--name", name)
    raw_browser.wait_for(name)
    stopping = time.monotonic()
    assert server.stop() == 0
    # Goodbye packets, not record expiry (which would take two minutes).
    raw_browser.wait_gone(name, timeout=5.0)
    assert time.monotonic() - stopping < 5.0
    assert "withdrew the LAN announcement" in server.log


def test_no_announce_keeps_the_server_off_the_lan(
        server_factory, raw_browser: RawBrowser) -> None:  # type: ignore[no-untyped-def]
    silent = unique_name("silent")
    heard = unique_name("heard")
    server_factory("--name", silent)  # the fixtures pass --no-announce
    server_factory("--announce", "--name", heard)
    # By the time the later server is found, the earlier one would have been.
    raw_browser.wait_for(heard)
    time.sleep(0.5)
    assert raw_browser.names_starting_with(silent) == []


def test_two_servers_with_one_name_are_both_listed(
        server_factory, raw_browser: RawBrowser) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    first = server_factory("--announce", "--name", name)
    raw_browser.wait_for(name)
    second = server_factory("--announce", "--name", name)
    # The second one finds the name taken while probing and picks another.
    deadline = time.monotonic() + DISCOVERY_TIMEOUT
    while len(raw_browser.names_starting_with(name)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    names = raw_browser.names_starting_with(name)
    assert len(names) == 2, names
    ports = {raw_browser.present[n].port for n in names}  # type: ignore[union-attr]
    assert ports == {first.port, second.port}


def test_announcing_does_not_hold_up_serving(
        server_factory, raw_browser: RawBrowser) -> None:  # type: ignore[no-untyped-def]
    # Registering takes seconds (listening for names in use, probing ours,
    # then three announcements); the server must answer requests meanwhile.
    name = unique_name()
    server = server_factory("--announce", "--name", name)

    async def ping_at_once() -> float:
        started = time.monotonic()
        client = await WireClient.connect(server.address)
        reply = await client.request("ping")
        assert reply["type"] == "ok"
        await client.close()
        return time.monotonic() - started

    elapsed = asyncio.run(ping_at_once())
    assert raw_browser.names_starting_with(name) == [], "announced before the test could ping"
    assert elapsed < 1.0
    raw_browser.wait_for(name)


def _wait_for_log(server, text: str, timeout: float = DISCOVERY_TIMEOUT) -> str:  # type: ignore[no-untyped-def]
    return str(server.wait_for_log(text, timeout))


@pytest.mark.parametrize("bad", ["-", "x" * 70])
def test_odd_names_still_make_a_valid_announcement(bad: str) -> None:
    info = Announcement(name=bad, port=1, addresses=("192.0.2.10",)).service_info()
    label = info.name[:-len(SERVICE_TYPE) - 1]
    assert 0 < len(label.encode()) <= 63
