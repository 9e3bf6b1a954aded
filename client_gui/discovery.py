"""Finding Besedka servers on the LAN, so nobody has to type an address.

Servers announce themselves with DNS-SD over multicast DNS
(:mod:`protocol.discovery` has the records).  :class:`ServerBrowser` listens
for those announcements and reports servers as they appear
(``server_found``) and disappear (``server_lost``);
:class:`ServerListModel` keeps the list a view shows.

Threads: zeroconf runs its own.  The browser creates the
:class:`~zeroconf.Zeroconf` object in a worker thread of its own (opening the
sockets and listing the interfaces should not hold up the window), zeroconf
calls back from its browser thread, and results reach Qt only as signals,
which Qt queues to the GUI thread.  Nothing here touches a widget.

Where multicast is blocked (some Wi-Fi networks, VPNs, firewalls) nothing is
ever found; the browser says so with ``search_timed_out`` after a few
seconds so the window can suggest typing the address, which always works.

The environment variable ``BESEDKA_MDNS_INTERFACES`` (comma-separated IPv4
addresses of this host's interfaces) restricts mDNS to those interfaces; the
test suite sets it to ``127.0.0.1`` so no test sends a packet off the machine.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ifaddr
from PyQt6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    pyqtSignal,
    pyqtSlot,
)
from zeroconf import (
    DNSQuestionType,
    InterfaceChoice,
    IPVersion,
    RecordUpdate,
    RecordUpdateListener,
    ServiceBrowser,
    ServiceInfo,
    ServiceStateChange,
    Zeroconf,
)
from zeroconf.const import _TYPE_SRV

from protocol.discovery import (
    SERVICE_TYPE,
    FingerprintCheck,
    check_announced_fingerprint,
    mdns_interfaces_from_environment,
    parse_txt_properties,
)
from protocol.limits import PROTOCOL_V1

__all__ = [
    "DiscoveredServer",
    "ServerBrowser",
    "ServerListModel",
    "choose_address",
    "local_ipv4_networks",
    "server_from_service_info",
]

log = logging.getLogger("besedka.client.discovery")

#: How long to wait for a server's records after its name appeared.
RESOLVE_TIMEOUT_MS = 2000

#: Seconds of finding nothing after which the window suggests typing an address.
NOTHING_FOUND_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class DiscoveredServer:
    """A server that announced itself on the LAN.

    Everything here came from the network unauthenticated; treat it as a
    suggestion of where to connect, not as proof of who answers there.
    """

    #: The full DNS-SD name (``Name._besedka._tcp.local.``): the key that
    #: ``server_lost`` reports.
    service_name: str
    #: The name people see.
    name: str
    #: The address to connect to (see :func:`choose_address`).
    host: str
    port: int
    #: Every IPv4 address the server announced.
    addresses: tuple[str, ...]
    #: The protocol version it speaks, if it said.
    protocol_version: int | None
    #: Its product version, if it said.
    server_version: str | None
    #: SHA-256 fingerprint of its TLS certificate (lowercase hex), if announced.
    fingerprint: str | None = None

    @property
    def compatible(self) -> bool:
        """Whether this client speaks the server's protocol (unknown counts as yes):
        any version of 1 or more (PROTOCOL-2.md)."""
        return self.protocol_version is None or self.protocol_version >= PROTOCOL_V1

    def check_certificate(self, certificate_der: bytes) -> FingerprintCheck:
        """Whether the certificate a TLS connection presents is the announced one.

        Shown to the user who decides whether to trust it, never deciding
        itself (see :mod:`client_gui.trust`).
        """
        return check_announced_fingerprint(self.fingerprint, certificate_der)


def local_ipv4_networks(adapters: Iterable[ifaddr.Adapter] | None = None) \
        -> list[ipaddress.IPv4Network]:
    """The IPv4 networks this host is directly attached to."""
    if adapters is None:
        adapters = ifaddr.get_adapters()
    networks: list[ipaddress.IPv4Network] = []
    for adapter in adapters:
        for ip in adapter.ips:
            if ip.is_IPv4 and isinstance(ip.ip, str):
                try:
                    networks.append(ipaddress.IPv4Network(f"{ip.ip}/{ip.network_prefix}",
                                                          strict=False))
                except ValueError:
                    continue
    return networks


def choose_address(addresses: Sequence[str],
                   local_networks: Sequence[ipaddress.IPv4Network]) -> str | None:
    """The announced address to connect to.

    A server with several interfaces (say, the office LAN and a virtual
    machine bridge) announces all of them, and only some are reachable from
    here.  An address on a network this host is attached to is reachable
    without a router, so it wins; link-local (169.254.x.x) addresses come
    last; otherwise the server's own order is kept.

    Returns:
        The address, or None when none is a usable IPv4 address.
    """
    candidates: list[tuple[int, int, str]] = []
    for order, text in enumerate(addresses):
        try:
            address = ipaddress.IPv4Address(text)
        except ValueError:
            continue
        if address.is_unspecified or address.is_multicast:
            continue
        on_link = any(address in network for network in local_networks)
        rank = 0 if on_link and not address.is_link_local else 1 if not address.is_link_local \
            else 2
        candidates.append((rank, order, text))
    return min(candidates)[2] if candidates else None


def server_from_service_info(info: ServiceInfo,
                             local_networks: Sequence[ipaddress.IPv4Network]) \
        -> DiscoveredServer | None:
    """What a resolved announcement says, or None if it gives no way to connect."""
    if info.port is None or not 0 < info.port < 65536:
        return None
    addresses = tuple(info.parsed_addresses(IPVersion.V4Only))
    host = choose_address(addresses, local_networks)
    if host is None:
        return None
    announced = parse_txt_properties(info.properties or {})
    suffix = "." + SERVICE_TYPE
    name = info.name[:-len(suffix)] if info.name.lower().endswith(suffix) else info.name
    return DiscoveredServer(
        service_name=info.name,
        name=name,
        host=host,
        port=info.port,
        addresses=addresses,
        protocol_version=announced.protocol_version,
        server_version=announced.server_version,
        fingerprint=announced.fingerprint,
    )


class ServerBrowser(QObject):
    """Looks for Besedka servers on the LAN while it runs.

    Args:
        interfaces: IPv4 addresses of the interfaces to use; None for every
            interface (or what ``BESEDKA_MDNS_INTERFACES`` says).
        nothing_found_seconds: after how long without any server
            ``search_timed_out`` is emitted.
        parent: the Qt parent.
        service_type: what to look for; tests use a type of their own.

    Signals:
        server_found(DiscoveredServer): a server appeared, or its details
            changed (same ``service_name``).
        server_heard(str): the server with this ``service_name`` sent its
            records (announcing itself, or answering): it is up.  Unlike
            ``server_found`` this comes for an announcement that repeats
            what was known too, as after a crash and a restart.
        server_lost(str): the server with this ``service_name`` went away.
        search_timed_out(): the first ``nothing_found_seconds`` passed
            without finding a server.
        browsing_failed(str): mDNS cannot be used here (the reason, in
            English, for the log); nothing will be found.
    """

    server_found = pyqtSignal(object)
    server_heard = pyqtSignal(str)
    server_lost = pyqtSignal(str)
    search_timed_out = pyqtSignal()
    browsing_failed = pyqtSignal(str)

    def __init__(self, interfaces: Sequence[str] | None = None,
                 nothing_found_seconds: float = NOTHING_FOUND_SECONDS,
                 parent: QObject | None = None, *, service_type: str = SERVICE_TYPE) -> None:
        super().__init__(parent)
        self._service_type = service_type
        if interfaces is None:
            interfaces = mdns_interfaces_from_environment()
        self._interfaces = list(interfaces) if interfaces is not None else None
        self._stop_requested = threading.Event()
        self._closing = False
        self._thread: threading.Thread | None = None
        self._found_any = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(int(nothing_found_seconds * 1000))
        self._timer.timeout.connect(self.on_timer_expired)
        self.server_found.connect(self._on_found_internally)
        self.browsing_failed.connect(self._on_failed_internally)
        #: Whether ``search_timed_out`` has been emitted.
        self.timed_out = False
        #: Whether ``browsing_failed`` has been emitted.
        self.failed = False

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        """Begin browsing in the background; returns at once.  Idempotent."""
        if self._thread is not None:
            return
        self._stop_requested.clear()
        self._closing = False
        self._timer.start()
        self._thread = threading.Thread(target=self._run, name="besedka-discovery", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop browsing and wait for zeroconf's threads to end.

        Waits at most for one resolution in progress (two seconds); after it
        returns, no signal is emitted any more.
        """
        self._timer.stop()
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._closing = True
        self._stop_requested.set()
        thread.join()

    def _run(self) -> None:
        """The worker thread: set up zeroconf, wait for stop, tear it down."""
        # Since this thread has no caller to pass errors to, it reports them
        # as a signal and in the log.
        try:
            interfaces: Any = self._interfaces if self._interfaces is not None \
                else InterfaceChoice.All
            zeroconf = Zeroconf(interfaces=interfaces, ip_version=IPVersion.V4Only)
        except Exception as error:  # noqa: BLE001 - any failure means "no discovery"
            log.warning("cannot look for servers on the LAN: %s", error)
            self._emit(self.browsing_failed, str(error))
            return
        try:
            # Multicast questions only: the answer to a unicast (QU) one goes
            # to a single socket on port 5353, and where several mDNS stacks
            # share a host (Avahi, a local server) it may not be ours.
            browser = ServiceBrowser(zeroconf, self._service_type,
                                     handlers=[self._on_service_state_change],
                                     question_type=DNSQuestionType.QM)
            heard = _ServiceRecordListener(self._service_type,
                                           lambda name: self._emit(self.server_heard, name))
            zeroconf.add_listener(heard, None)
            try:
                self._stop_requested.wait()
            finally:
                zeroconf.remove_listener(heard)
                browser.cancel()
        except Exception as error:  # noqa: BLE001 - reported, and browsing ends
            log.warning("looking for servers on the LAN failed: %s", error)
            self._emit(self.browsing_failed, str(error))
        finally:
            zeroconf.close()

    def _on_service_state_change(self, zeroconf: Zeroconf, service_type: str, name: str,
                                 state_change: ServiceStateChange) -> None:
        """Called by zeroconf in its browser thread, where blocking is allowed."""
        if self._closing:
            return
        try:
            if state_change is ServiceStateChange.Removed:
                self._emit(self.server_lost, name)
                return
            info = zeroconf.get_service_info(service_type, name, timeout=RESOLVE_TIMEOUT_MS)
            server = server_from_service_info(info, local_ipv4_networks()) if info else None
            if server is None:
                log.debug("ignoring unresolvable announcement %r", name)
                return
            self._emit(self.server_found, server)
        except Exception:  # zeroconf would swallow it silently
            log.exception("failed to read the announcement %r", name)

    def _emit(self, signal: Any, *args: Any) -> None:
        # Emitting from a foreign thread is how results reach the GUI thread:
        # the connections are queued.  Nothing is emitted once stop() began,
        # so no signal arrives after the owner thinks discovery is over.
        if not self._closing:
            signal.emit(*args)

    @pyqtSlot(object)
    def _on_found_internally(self, server: DiscoveredServer) -> None:
        self._found_any = True

    @pyqtSlot(str)
    def _on_failed_internally(self, reason: str) -> None:
        self.failed = True

    @pyqtSlot()
    def on_timer_expired(self) -> None:
        if not self._found_any and not self.timed_out:
            self.timed_out = True
            self.search_timed_out.emit()


class _ServiceRecordListener(RecordUpdateListener):
    """Reports each live SRV record of ``service_type`` that arrives, in
    zeroconf's loop (a record only its own server sends: proof it is up)."""

    def __init__(self, service_type: str, heard: Callable[[str], None]) -> None:
        super().__init__()
        self._suffix = "." + service_type.lower()
        self._heard = heard

    def async_update_records(self, zc: Zeroconf, now: float, records: list[RecordUpdate]) -> None:
        for update in records:
            record = update.new
            if (record.type == _TYPE_SRV and record.name.lower().endswith(self._suffix)
                    and not record.is_expired(now)):
                self._heard(record.name)


def _fill(template: str, *values: object) -> str:
    """``QString.arg`` for Python strings: %1, %2... replaced in one pass.

    One pass matters here: the values come from the network, and a server
    named "%2" must not have its name replaced in turn.
    """
    return re.sub(r"%(\d)", lambda match: str(values[int(match[1]) - 1])
                  if 0 < int(match[1]) <= len(values) else match[0], template)


class ServerListModel(QAbstractListModel):
    """The servers found on the LAN, sorted by name, for a list or combo box.

    Connect :class:`ServerBrowser`'s ``server_found`` to :meth:`on_server_found`
    and ``server_lost`` to :meth:`on_server_lost` (:meth:`follow` does both).
    """

    #: Role under which each row's :class:`DiscoveredServer` is stored.
    ServerRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._servers: list[DiscoveredServer] = []

    def follow(self, browser: ServerBrowser) -> None:
        """Keep this model up to date with what ``browser`` finds."""
        browser.server_found.connect(self.on_server_found)
        browser.server_lost.connect(self.on_server_lost)

    # Reading.

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._servers)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._servers):
            return None
        server = self._servers[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = _fill(self.tr("%1 \u2014 %2:%3"), server.name, server.host, server.port)
            if not server.compatible:
                text += " " + self.tr("(another version of Besedka)")
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [_fill(self.tr("%1 at %2, port %3"), server.name, server.host, server.port)]
            if server.server_version:
                lines.append(_fill(self.tr("Besedka %1"), server.server_version))
            return "\n".join(lines)
        if role == self.ServerRole:
            return server
        return None

    def server_at(self, row: int) -> DiscoveredServer | None:
        return self._servers[row] if 0 <= row < len(self._servers) else None

    def servers(self) -> list[DiscoveredServer]:
        return list(self._servers)

    def row_of(self, service_name: str) -> int:
        """The row of the server with this DNS-SD name, or -1."""
        key = service_name.lower()
        for row, server in enumerate(self._servers):
            if server.service_name.lower() == key:
                return row
        return -1

    def announced_fingerprints(self, host: str, port: int) -> list[str | None]:
        """The fingerprints announced by every server found at ``host:port``
        (None for one announced without); several may claim one address."""
        return [server.fingerprint for server in self._servers
                if server.port == port and (host == server.host or host in server.addresses)]

    def row_of_address(self, host: str, port: int) -> int:
        """The row of a server reachable at ``host:port`` (any announced address), or -1."""
        for row, server in enumerate(self._servers):
            if server.port == port and (host == server.host or host in server.addresses):
                return row
        return -1

    # Changing.

    @staticmethod
    def _sort_key(server: DiscoveredServer) -> tuple[str, str]:
        return server.name.casefold(), server.service_name.lower()

    @pyqtSlot(object)
    def on_server_found(self, server: DiscoveredServer) -> None:
        """Add a server, or replace the row of the one with its name."""
        row = self.row_of(server.service_name)
        if row >= 0:
            if self._sort_key(self._servers[row]) == self._sort_key(server):
                self._servers[row] = server
                index = self.index(row)
                self.dataChanged.emit(index, index)
                return
            self.on_server_lost(server.service_name)
        keys = [self._sort_key(s) for s in self._servers]
        new_row = sum(1 for key in keys if key < self._sort_key(server))
        self.beginInsertRows(QModelIndex(), new_row, new_row)
        self._servers.insert(new_row, server)
        self.endInsertRows()

    @pyqtSlot(str)
    def on_server_lost(self, service_name: str) -> None:
        """Remove the server with this DNS-SD name, if listed."""
        row = self.row_of(service_name)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._servers[row]
        self.endRemoveRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._servers.clear()
        self.endResetModel()
