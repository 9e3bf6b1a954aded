"""Multicast DNS on this machine's loopback interface, for the LAN discovery tests.

The announce and discovery tests run a real announcing server and a real
browser on one machine.  They keep every packet on the loopback interface
(``BESEDKA_MDNS_INTERFACES=127.0.0.1``, set in ``tests/conftest.py``, and
``interfaces=["127.0.0.1"]`` wherever a test makes its own zeroconf), so
nothing leaves the machine.

That needs multicast on loopback.  Linux delivers it whether or not ``lo``
carries the MULTICAST flag on most kernels, but not on all; 
:func:`ensure_loopback_multicast` proves it works by sending a datagram to
the mDNS group over loopback and receiving it, turns the flag on when that
fails and it runs as root, and otherwise fails the test with the reason, so
a machine without multicast shows up as such instead of as a discovery bug.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from zeroconf import (
    DNSQuestionType,
    IPVersion,
    ServiceBrowser,
    ServiceInfo,
    ServiceStateChange,
    Zeroconf,
)

from protocol.discovery import SERVICE_TYPE

LOOPBACK = "127.0.0.1"
MDNS_GROUP = "224.0.0.251"
#: IFF_MULTICAST from <linux/if.h>.
IFF_MULTICAST = 0x1000

#: Seconds within which an announcement, or its withdrawal, must be seen.
DISCOVERY_TIMEOUT = 10.0


def unique_name(prefix: str = "besedka-test") -> str:
    """A server name no other test, or concurrent test run, announces."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def multicast_round_trip(timeout: float = 1.0) -> str | None:
    """Send a datagram to the mDNS group over loopback and receive it.

    Returns:
        None when it arrived, else what went wrong.
    """
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        receiver.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        receiver.bind(("", 0))  # a port of our own: no real mDNS traffic mixes in
        port = receiver.getsockname()[1]
        try:
            receiver.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                                socket.inet_aton(MDNS_GROUP) + socket.inet_aton(LOOPBACK))
        except OSError as error:
            return f"joining {MDNS_GROUP} on {LOOPBACK} failed: {error}"
        sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(LOOPBACK))
        sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
        token = uuid.uuid4().bytes
        try:
            sender.sendto(token, (MDNS_GROUP, port))
        except OSError as error:
            return f"sending to {MDNS_GROUP} over {LOOPBACK} failed: {error}"
        receiver.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data, _ = receiver.recvfrom(64)
            except TimeoutError:
                break
            if data == token:
                return None
        return f"a datagram sent to {MDNS_GROUP} over {LOOPBACK} did not arrive within {timeout} s"
    finally:
        sender.close()
        receiver.close()


def _loopback_flags() -> int | None:
    try:
        return int(Path("/sys/class/net/lo/flags").read_text().strip(), 16)
    except (OSError, ValueError):
        return None


def ensure_loopback_multicast() -> None:
    """Make sure multicast works on loopback, or fail the test saying why."""
    problem = multicast_round_trip()
    if problem is None:
        return
    flags = _loopback_flags()
    action = ""
    if sys.platform.startswith("linux") and flags is not None and not flags & IFF_MULTICAST:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            result = subprocess.run(["ip", "link", "set", "lo", "multicast", "on"],
                                    capture_output=True, text=True, check=False)
            action = (f"; `ip link set lo multicast on` exited {result.returncode} "
                      f"{result.stderr.strip()}")
            problem = multicast_round_trip()
            if problem is None:
                return
        else:
            action = ("; the loopback interface lacks the MULTICAST flag and this is not root: "
                      "run `sudo ip link set lo multicast on`")
    pytest.fail(
        "multicast does not work on this machine's loopback interface, so the LAN "
        f"discovery tests cannot run here ({problem}{action}). These tests keep all mDNS "
        "traffic on 127.0.0.1 and need the kernel to deliver multicast datagrams there.",
        pytrace=False,
    )


class RawBrowser:
    """A plain zeroconf browser on loopback, written against the records alone.

    It does not use the client's code, so the server's announcement is
    checked independently of :mod:`client_gui.discovery`.  Events are kept
    per full service name.
    """

    def __init__(self, service_type: str = SERVICE_TYPE) -> None:
        self._condition = threading.Condition()
        self.present: dict[str, ServiceInfo | None] = {}
        self.removed: set[str] = set()
        #: time.monotonic() when each name was last heard announced.
        self.heard_at: dict[str, float] = {}
        self.zeroconf = Zeroconf(interfaces=[LOOPBACK], ip_version=IPVersion.V4Only)
        # Multicast questions, as the client asks: see client_gui/discovery.py.
        self.browser = ServiceBrowser(self.zeroconf, service_type,
                                      handlers=[self._on_state_change],
                                      question_type=DNSQuestionType.QM)

    def _on_state_change(self, zeroconf: Zeroconf, service_type: str, name: str,
                         state_change: ServiceStateChange) -> None:
        if state_change is ServiceStateChange.Removed:
            with self._condition:
                self.present.pop(name, None)
                self.removed.add(name)
                self._condition.notify_all()
            return
        heard = time.monotonic()
        info = zeroconf.get_service_info(service_type, name, timeout=3000)
        with self._condition:
            self.present[name] = info
            self.heard_at[name] = heard
            self.removed.discard(name)
            self._condition.notify_all()

    def wait_for(self, instance: str, timeout: float = DISCOVERY_TIMEOUT) -> ServiceInfo:
        """The resolved announcement of the instance named ``instance``."""
        name = f"{instance}.{SERVICE_TYPE}"
        with self._condition:
            found = self._condition.wait_for(lambda: self.present.get(name) is not None, timeout)
            assert found, f"{instance!r} was not announced within {timeout} s; seen: " \
                          f"{sorted(self.present)}"
            info = self.present[name]
            assert info is not None
            return info

    def names_starting_with(self, prefix: str) -> list[str]:
        with self._condition:
            return sorted(name for name, info in self.present.items()
                          if info is not None and name.startswith(prefix))

    def wait_gone(self, instance: str, timeout: float = DISCOVERY_TIMEOUT) -> float:
        """Wait until the instance is withdrawn; returns the seconds it took."""
        name = f"{instance}.{SERVICE_TYPE}"
        started = time.monotonic()
        with self._condition:
            gone = self._condition.wait_for(lambda: name in self.removed, timeout)
        assert gone, f"{instance!r} was still announced {timeout} s after it should have gone"
        return time.monotonic() - started

    def close(self) -> None:
        self.browser.cancel()
        self.zeroconf.close()
