"""Reconnecting the moment the server is back, not when the backoff says.

After losing its connection the session waits before each attempt
(:mod:`client_gui.backoff`), which after a restart of the server can leave
everyone waiting for seconds more.  On a LAN the server announces itself
over mDNS as it starts, and the browser the login window uses hears it:
:class:`ServerWatch` then skips the rest of the wait.
"""

from __future__ import annotations

import ipaddress
import logging

import ifaddr
from PyQt6.QtCore import QObject, pyqtSlot

from .client import ChatClient
from .discovery import DiscoveredServer, ServerBrowser, ServerListModel
from .session_state import ConnectionState

__all__ = ["ServerWatch", "announces_address"]

log = logging.getLogger("besedka.client.discovery")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _own_ipv4_addresses() -> set[str]:
    return {str(ip.ip) for adapter in ifaddr.get_adapters() for ip in adapter.ips
            if ip.is_IPv4}


def announces_address(server: DiscoveredServer, host: str, port: int) -> bool:
    """Whether ``server`` is the one the session reaches at ``host:port``.

    By any address it announced; a session on this computer's loopback
    (``make run``'s ``127.0.0.1``) matches a server announcing one of this
    computer's addresses.
    """
    if server.port != port:
        return False
    if host == server.host or host in server.addresses:
        return True
    return _is_loopback(host) and not _own_ipv4_addresses().isdisjoint(server.addresses)


class ServerWatch(QObject):
    """Skips the reconnect wait when the session's server announces itself.

    Args:
        browser: the LAN browser (running for the whole run).
        servers: what it found, to tell a server heard again by name.
        client: the session to reconnect.
    """

    def __init__(self, browser: ServerBrowser, servers: ServerListModel, client: ChatClient,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._servers = servers
        self._client = client
        browser.server_found.connect(self.on_server_found)
        browser.server_heard.connect(self.on_server_heard)

    @pyqtSlot(object)
    def on_server_found(self, server: DiscoveredServer) -> None:
        self._reconnect_if_ours(server)

    @pyqtSlot(str)
    def on_server_heard(self, service_name: str) -> None:
        # A server that crashed and came back repeats what is known of it:
        # zeroconf's browser says nothing of its first announcement (the
        # records equal the cached ones), and reports it updated only on
        # the next, a second later, once the old records were flushed.
        server = self._servers.server_at(self._servers.row_of(service_name))
        if server is not None:
            self._reconnect_if_ours(server)

    def _reconnect_if_ours(self, server: DiscoveredServer) -> None:
        client = self._client
        if (client.state is ConnectionState.WAITING
                and announces_address(server, client.host, client.port)):
            log.info("%s announced itself: reconnecting now", server.name)
            client.reconnect_now()
