"""Announce the running server on the LAN, so clients find it without an address.

The server registers one DNS-SD service over multicast DNS (the records are
described in :mod:`protocol.discovery`) while it accepts connections, and
withdraws it with goodbye packets when it shuts down, so browsing clients
drop it from their lists at once rather than when the records expire.

Which addresses are announced follows from what the server is bound to
(:func:`announced_addresses`): bound to every address (``0.0.0.0``), the
host's IPv4 addresses except loopback; bound to loopback, the loopback
address only (nothing else would reach it), sent only on the loopback
interface; bound to one address, that address on its interface.  The mDNS
packets go out only on the interfaces whose addresses are announced (or on
those ``BESEDKA_MDNS_INTERFACES`` names, see :mod:`protocol.discovery`).

Everything here runs on the server's event loop through zeroconf's asyncio
API; the slow part of registering (listening for the names in use, probing
ours, three announcements: about five seconds) runs as a background task, so neither start nor the
``listening on`` line waits for it.  Announcing is a convenience: when it
fails (no multicast-capable interface, port 5353 unusable) the server logs a
warning and serves on; clients can still type the address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ifaddr
from zeroconf import DNSQuestionType, IPVersion, ServiceInfo, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncZeroconf

from protocol.discovery import (
    MAX_INSTANCE_NAME_BYTES,
    SERVICE_TYPE,
    instance_name,
    mdns_interfaces_from_environment,
    txt_properties,
)
from protocol.version import BESEDKA_VERSION

__all__ = ["Announcement", "ServerAnnouncer", "announced_addresses", "default_server_name",
           "host_ipv4_addresses"]

log = logging.getLogger("besedka.server.announce")

#: Seconds the records may be cached.  RFC 6762 suggests 75 minutes for the
#: service records, but then a server that crashed (no goodbye) would stay in
#: every client's list that long; with two minutes the browsers' refresh
#: queries notice within about that.
RECORD_TTL_SECONDS = 120

#: How long to listen for other servers' names before choosing ours.  The
#: browser asks at once and again a second later (zeroconf's schedule): listening through
#: both questions means one answer missed (a busy host answers late) does
#: not let two servers take one name.  The server serves meanwhile; only
#: its announcement waits.
NAME_CHECK_SECONDS = 2.5

#: How long shutdown waits for the goodbye packets (zeroconf sends three,
#: 125 ms apart).
WITHDRAW_TIMEOUT_SECONDS = 3.0


def default_server_name() -> str:
    """The name a server announces unless ``--name`` says otherwise: the host's."""
    return socket.gethostname().split(".", 1)[0] or "Besedka"


def host_ipv4_addresses(adapters: Iterable[ifaddr.Adapter] | None = None) -> list[str]:
    """Every IPv4 address of this host's interfaces, in interface order."""
    if adapters is None:
        adapters = ifaddr.get_adapters()
    addresses: list[str] = []
    for adapter in adapters:
        for ip in adapter.ips:
            if ip.is_IPv4 and isinstance(ip.ip, str) and ip.ip not in addresses:
                addresses.append(ip.ip)
    return addresses


def announced_addresses(bound: Sequence[str], host_addresses: Sequence[str]) -> list[str]:
    """The IPv4 addresses to announce for a server bound to ``bound``.

    Args:
        bound: the addresses the listening sockets are bound to
            (``getsockname()``), e.g. ``["0.0.0.0"]``, ``["127.0.0.1"]``,
            ``["::"]``.
        host_addresses: the host's IPv4 addresses (:func:`host_ipv4_addresses`).

    Returns:
        For a wildcard address, every non-loopback host address; for a
        loopback address, that address (a client on this host can connect
        to it, nobody else can); for another IPv4 address, that address.
        IPv6-only bindings announce nothing (IPv4 is what clients use).
    """
    result: list[str] = []

    def add(address: str) -> None:
        if address not in result:
            result.append(address)

    for text in bound:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            continue
        if address.is_unspecified:
            # "::" is dual-stack on most systems: it takes IPv4 clients too.
            for host_text in host_addresses:
                if not ipaddress.ip_address(host_text).is_loopback:
                    add(host_text)
        elif isinstance(address, ipaddress.IPv4Address):
            add(str(address))
        elif address.ipv4_mapped is not None:
            add(str(address.ipv4_mapped))
    return result


@dataclass(frozen=True)
class Announcement:
    """What one server announces.

    Args:
        name: the instance name people see (made fit by
            :func:`protocol.discovery.instance_name`).
        port: the TCP port.
        addresses: IPv4 addresses that reach the server; mDNS is sent only
            on their interfaces.
        fingerprint: SHA-256 fingerprint of the TLS certificate, or None
            without TLS.
    """

    name: str
    port: int
    addresses: tuple[str, ...]
    fingerprint: str | None = None

    def service_info(self, label: str | None = None) -> ServiceInfo:
        """The zeroconf record set for this announcement.

        Args:
            label: the instance name to use instead of :attr:`name`.
        """
        label = instance_name(label if label is not None else self.name)
        # The SRV target is a host name of our own, not the machine's
        # "<host>.local": an mDNS responder (Avahi, Bonjour) may already own
        # that one with a different address set, and two owners of one name
        # knock each other's records out of the caches.  The port makes it
        # unique among several servers on one host.
        host_label = instance_name(default_server_name()).replace(" ", "-")
        server = f"besedka-{self.port}-{host_label}.local."
        return ServiceInfo(
            SERVICE_TYPE,
            f"{label}.{SERVICE_TYPE}",
            port=self.port,
            addresses=[socket.inet_aton(address) for address in self.addresses],
            properties=txt_properties(BESEDKA_VERSION, self.fingerprint),
            server=server,
            host_ttl=RECORD_TTL_SECONDS,
            other_ttl=RECORD_TTL_SECONDS,
        )


class ServerAnnouncer:
    """Keeps one server's DNS-SD announcement on the LAN while it runs.

    Call :meth:`start` once the server listens and :meth:`stop` when it
    shuts down, both from the server's event loop.
    """

    def __init__(self, announcement: Announcement) -> None:
        self.announcement = announcement
        self._zeroconf: AsyncZeroconf | None = None
        self._info: ServiceInfo | None = None
        self._registering: asyncio.Task[None] | None = None
        #: The instance name actually registered (zeroconf renames on a
        #: conflict with another server of the same name); None until then.
        self.registered_name: str | None = None

    @classmethod
    async def for_sockets(cls, sockets: Iterable[socket.socket], *, name: str = "",
                          fingerprint: str | None = None) -> ServerAnnouncer:
        """An announcer for a server listening on ``sockets``.

        Args:
            sockets: the listening sockets (``asyncio.Server.sockets``).
            name: the name to announce; empty for the host's name.
            fingerprint: SHA-256 fingerprint of the TLS certificate, if any.
        """
        bound = [str(sock.getsockname()[0]) for sock in sockets]
        port = int(next(iter(sock.getsockname()[1] for sock in sockets)))
        # Listing the interfaces asks the OS, so not on the event loop.
        host_addresses = await asyncio.get_running_loop().run_in_executor(
            None, host_ipv4_addresses)
        return cls(Announcement(name=name or default_server_name(), port=port,
                                addresses=tuple(announced_addresses(bound, host_addresses)),
                                fingerprint=fingerprint))

    async def start(self) -> None:
        """Begin announcing; returns at once, registration goes on in the background."""
        if not self.announcement.addresses:
            log.warning("not announcing on the LAN: this host has no IPv4 address that "
                        "reaches the server")
            return
        self._registering = asyncio.get_running_loop().create_task(self._register())

    async def _register(self) -> None:
        # Since this task has no caller that could handle its exceptions,
        # it logs them: a server that cannot announce still serves.
        try:
            interfaces = mdns_interfaces_from_environment() or list(self.announcement.addresses)
            self._zeroconf = AsyncZeroconf(interfaces=interfaces, ip_version=IPVersion.V4Only)
            label = await self._free_instance_name(instance_name(self.announcement.name))
            info = self.announcement.service_info(label)
            # Registering probes the name once more; should another server
            # have taken it meanwhile, zeroconf picks "name-2" and so on.
            broadcast = await self._zeroconf.async_register_service(info, allow_name_change=True)
            # From here on the name is ours and goes out: stop() says goodbye.
            # (Not before: a goodbye for a name another server owns would
            # remove that server from the clients' lists.)
            self._info = info
            await broadcast
        except asyncio.CancelledError:
            raise
        except Exception as error:  # see above
            log.warning("cannot announce on the LAN (%s); clients must type the address",
                        error, exc_info=log.isEnabledFor(logging.DEBUG))
            await self._close_zeroconf()
            return
        self.registered_name = info.name
        log.info("announced on the LAN as %r at %s port %d", info.name.removesuffix(
            "." + SERVICE_TYPE), ", ".join(self.announcement.addresses), self.announcement.port)

    async def _free_instance_name(self, label: str) -> str:
        """``label``, or ``label (2)`` and so on if another server announces it.

        zeroconf's own probing detects a conflict only when the other
        responder's unicast answer reaches our socket, which fails when both
        run on one host (each has a socket on port 5353, and the kernel hands
        a unicast datagram to just one of them): two servers on one computer
        would both default to its name.  So first listen for the names in use,
        asking with multicast questions, whose answers every socket receives.
        """
        assert self._zeroconf is not None
        taken: set[str] = set()

        def on_change(zeroconf: Zeroconf, service_type: str, name: str,
                      state_change: ServiceStateChange) -> None:
            log.debug("name check: %s %s", name, state_change)
            if state_change is not ServiceStateChange.Removed:
                taken.add(name.lower())

        browser = AsyncServiceBrowser(self._zeroconf.zeroconf, SERVICE_TYPE, handlers=[on_change],
                                      question_type=DNSQuestionType.QM)
        try:
            await asyncio.sleep(NAME_CHECK_SECONDS)
        finally:
            await browser.async_cancel()
        candidate, number = label, 2
        while f"{candidate}.{SERVICE_TYPE}".lower() in taken:
            suffix = f" ({number})"
            room = MAX_INSTANCE_NAME_BYTES - len(suffix)
            candidate = label.encode()[:room].decode("utf-8", "ignore").rstrip() + suffix
            number += 1
        return candidate

    async def stop(self) -> None:
        """Withdraw the announcement (goodbye packets) and close the sockets."""
        if self._registering is not None and not self._registering.done():
            # Still probing or announcing: stop that, then say goodbye anyway,
            # since some announcements may already have gone out.
            self._registering.cancel()
            try:
                await self._registering
            except asyncio.CancelledError:
                pass
        if self._zeroconf is None:
            return
        try:
            if self._info is not None:
                async with asyncio.timeout(WITHDRAW_TIMEOUT_SECONDS):
                    goodbye = await self._zeroconf.async_unregister_service(self._info)
                    await goodbye
                log.info("withdrew the LAN announcement")
        except Exception as error:  # noqa: BLE001 - shutdown goes on regardless
            log.warning("could not withdraw the LAN announcement: %s", error)
        finally:
            await self._close_zeroconf()

    async def _close_zeroconf(self) -> None:
        zeroconf, self._zeroconf, self._info = self._zeroconf, None, None
        if zeroconf is None:
            return
        try:
            async with asyncio.timeout(WITHDRAW_TIMEOUT_SECONDS):
                await zeroconf.async_close()
        except Exception as error:  # noqa: BLE001 - as above
            log.warning("closing the mDNS sockets failed: %s", error)
