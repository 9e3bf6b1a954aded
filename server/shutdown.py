"""Every way of asking the server to stop, each leading to the same clean shutdown.

A server stopped cleanly withdraws its LAN announcement, answers the
requests it has received and checkpoints its database; a killed one does
none of that.  The ways to ask:

* POSIX: SIGTERM (systemd, ``kill``) and SIGINT (Ctrl+C);
* Windows console: Ctrl+C and Ctrl+Break (Python's SIGINT and SIGBREAK),
  and the console control events for closing the console window, logging
  off and shutting down, which Windows sends to a console program in a
  thread of its own and which end the process as soon as the handler
  returns: :class:`StopSignals` holds the handler until the server has
  stopped.  (Windows sends logoff and shutdown only to console programs
  that have no windows; the service below is what shuts down cleanly with
  the computer.)
* a Windows service: the service control manager's stop and shutdown
  requests, in its own thread too (:mod:`server.winservice`).

A :class:`StopRequest` carries a request from any thread to the event
loop, where :func:`server.cli.serve` shuts down in the order of
:meth:`server.app.BesedkaServer.stop`.
"""

from __future__ import annotations

import asyncio
import functools
import signal
import sys
import threading
from collections.abc import Callable

__all__ = ["CONSOLE_CLOSE_SECONDS", "StopRequest", "StopSignals", "console_event_handler"]

#: How long a console control handler waits for the server to stop before
#: it lets Windows end the process (which Windows may do sooner: about 5 s
#: after closing the console window).
CONSOLE_CLOSE_SECONDS = 20.0

# Windows' console control events (wincon.h), named here so that the logic
# that handles them is the same, and testable, everywhere.
CTRL_C_EVENT = 0
CTRL_BREAK_EVENT = 1
CTRL_CLOSE_EVENT = 2
CTRL_LOGOFF_EVENT = 5
CTRL_SHUTDOWN_EVENT = 6


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


def console_event_handler(request: StopRequest, stopped: threading.Event,
                          timeout: float = CONSOLE_CLOSE_SECONDS) -> Callable[[int], bool]:
    """A Windows console control handler that stops the server cleanly.

    Ctrl+C and Ctrl+Break are passed on (False): Python turns them into
    SIGINT and SIGBREAK, handled on the event loop.  Closing the console,
    logoff and shutdown end the process as soon as the handler returns, so
    it asks the server to stop and returns only once ``stopped`` is set (or
    after ``timeout`` seconds).
    """
    def handle(event: int) -> bool:
        if event in (CTRL_C_EVENT, CTRL_BREAK_EVENT):
            return False
        request.request()
        stopped.wait(timeout)
        return True

    return handle


class StopSignals:
    """While a server runs, every way of asking it to stop calls ``stop`` on its loop.

    Signals and console events can be taken only by the main thread's
    code, which is where a server run from a console or by systemd runs.
    A Windows service runs the server in a thread of the service control
    manager and takes none of them: a service that stopped on Ctrl+C
    sent to some console, or on another user's logoff, would be wrong.

    Args:
        loop: the server's event loop.
        stop: what starts the shutdown (called on ``loop``).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> None:
        self._loop = loop
        self._undo: list[Callable[[], object]] = []
        self._stopped = threading.Event()
        if threading.current_thread() is not threading.main_thread():
            return
        if sys.platform == "win32":
            self._take_windows_events(stop)
        else:
            for signum in (signal.SIGTERM, signal.SIGINT):
                try:
                    loop.add_signal_handler(signum, stop)
                except NotImplementedError:  # a loop without signal support
                    continue
                self._undo.append(functools.partial(loop.remove_signal_handler, signum))

    def close(self) -> None:
        """The server has stopped: give the signals back, and let a waiting
        console control handler return (and Windows end the process)."""
        self._stopped.set()
        while self._undo:
            self._undo.pop()()

    if sys.platform == "win32":
        def _take_windows_events(self, stop: Callable[[], None]) -> None:
            import win32api

            request = StopRequest()
            request.attach(self._loop, stop)
            # Python runs these handlers in the main thread; asyncio's
            # proactor loop wakes up for them (signal.set_wakeup_fd).
            for signum in (signal.SIGINT, signal.SIGBREAK):
                previous = signal.signal(signum, lambda *_: request.request())
                self._undo.append(functools.partial(
                    signal.signal, signum, signal.SIG_DFL if previous is None else previous))
            handler = console_event_handler(request, self._stopped)
            win32api.SetConsoleCtrlHandler(handler, True)
            self._undo.append(lambda: win32api.SetConsoleCtrlHandler(handler, False))
