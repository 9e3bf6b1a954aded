"""A request to stop the server that may come from any thread.

Ctrl+C and SIGTERM reach the server on its event loop's own thread, but
Windows delivers the other ways of being asked to stop elsewhere: the
service control manager calls a Windows service's stop handler in a
thread of its own (:mod:`server.winservice`).  A :class:`StopRequest`
carries such a request over to the event loop, where
:func:`server.cli.serve` then shuts down in the same order as on Ctrl+C.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

__all__ = ["StopRequest"]


class StopRequest:
    """Asks a running server to stop, from any thread, at any time.

    A request made before the server's loop runs is not lost: the server
    stops as soon as it has started.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requested = False
        self._wake: Callable[[], None] | None = None

    @property
    def requested(self) -> bool:
        """Whether a stop has been requested."""
        return self._requested

    def request(self) -> None:
        """Ask the server to stop (thread-safe; repeating it does nothing more)."""
        with self._lock:
            self._requested = True
            wake = self._wake
        if wake is not None:
            wake()

    def attach(self, loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> None:
        """Call ``stop`` on ``loop`` when a stop is requested (now, if one was)."""
        def wake() -> None:
            try:
                loop.call_soon_threadsafe(stop)
            except RuntimeError:
                pass  # the loop has closed: the server has stopped anyway

        with self._lock:
            self._wake = wake
            requested = self._requested
        if requested:
            wake()
