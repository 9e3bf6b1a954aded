"""When to try again after the connection is lost: backoff, jitter, countdown.

A server that restarts sees every client of the lab come back at once.
:class:`Backoff` spaces one client's attempts out and shakes each delay by
±20 % so that the clients of a restarted server do not all arrive in the
same instant.  It counts down the seconds left for the status bar, and lets
the user (or the server announcing itself, :mod:`client_gui.server_watch`)
skip the wait.

How far the delays grow depends on where the server is
(:func:`delays_for`): on the LAN a server that is back answers at once and
a few clients cost it nothing, so the wait stops growing at 5 seconds;
beyond it, at 30.
"""

from __future__ import annotations

import ipaddress
import math
import random
import time
from collections.abc import Callable, Iterable
from typing import Final

from PyQt6.QtCore import QObject, QTimer, pyqtSignal, pyqtSlot

__all__ = ["JITTER", "LAN_RECONNECT_DELAYS_SECONDS", "RECONNECT_DELAYS_SECONDS", "Backoff",
           "delays_for", "is_lan_host", "uniform_jitter"]

#: Seconds to wait before each reconnect attempt; the last one repeats.
RECONNECT_DELAYS_SECONDS: Final = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
#: The same for a server on the LAN (or this computer).
LAN_RECONNECT_DELAYS_SECONDS: Final = (1.0, 2.0, 3.0, 5.0)
#: Each delay is multiplied by a factor drawn from this range.
JITTER: Final = (0.8, 1.2)


def is_lan_host(host: str) -> bool:
    """Whether ``host`` names this computer or one on its local network:
    a private, link-local or loopback address, or a name without a domain
    or in ``.local`` / ``.lan``."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        name = host.lower().rstrip(".")
        return "." not in name or name.endswith((".local", ".lan"))
    return address.is_private or address.is_link_local or address.is_loopback


def delays_for(host: str) -> tuple[float, ...]:
    """The reconnect schedule for a server at ``host``."""
    return LAN_RECONNECT_DELAYS_SECONDS if is_lan_host(host) else RECONNECT_DELAYS_SECONDS


def uniform_jitter() -> float:
    """A factor drawn evenly from :data:`JITTER`."""
    return random.uniform(*JITTER)


class Backoff(QObject):
    """The schedule of reconnect attempts of one session.

    Args:
        delays: seconds before the first, second, ... attempt; the last
            repeats.  Tests pass short ones.
        jitter: draws the factor each delay is multiplied by (tests pass a
            constant).

    Signals:
        due(): time to try again.
        countdown(seconds): whole seconds left, on scheduling and every second.
    """

    due = pyqtSignal()
    countdown = pyqtSignal(int)

    def __init__(self, delays: Iterable[float] = RECONNECT_DELAYS_SECONDS,
                 jitter: Callable[[], float] = uniform_jitter,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._delays = tuple(delays)
        if not self._delays:
            raise ValueError("at least one reconnect delay is needed")
        self._jitter = jitter
        self._attempt = 0
        self._deadline = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.on_timer)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.on_tick)

    def set_delays(self, delays: Iterable[float]) -> None:
        """Use this schedule from the next attempt on."""
        self._delays = tuple(delays)
        if not self._delays:
            raise ValueError("at least one reconnect delay is needed")

    def delay_for(self, attempt: int) -> float:
        """The delay before attempt number ``attempt`` (0-based), before jitter."""
        return self._delays[min(attempt, len(self._delays) - 1)]

    def schedule(self, at_least: float | None = None) -> float:
        """Start waiting for the next attempt; returns the delay in seconds.

        Args:
            at_least: a lower bound from the server (``retry_after``).
        """
        delay = max(self.delay_for(self._attempt) * self._jitter(), at_least or 0.0)
        self._attempt += 1
        self._deadline = time.monotonic() + delay
        self._timer.start(int(delay * 1000))
        self._ticker.start()
        self.countdown.emit(self.seconds_left())
        return delay

    def fire_now(self) -> None:
        """Skip the rest of the wait (the user pressed "Reconnect now")."""
        if self._timer.isActive():
            self._timer.stop()
            self.on_timer()

    def stop(self) -> None:
        """Stop waiting; no attempt comes."""
        self._timer.stop()
        self._ticker.stop()

    def reset(self) -> None:
        """A login succeeded: the next loss starts from the first delay."""
        self._attempt = 0

    def seconds_left(self) -> int:
        """Whole seconds left before the next attempt."""
        return max(0, math.ceil(self._deadline - time.monotonic()))

    @pyqtSlot()
    def on_timer(self) -> None:
        self._ticker.stop()
        self.due.emit()

    @pyqtSlot()
    def on_tick(self) -> None:
        self.countdown.emit(self.seconds_left())
