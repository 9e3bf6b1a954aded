"""Stopping the server from anywhere (server/shutdown.py).

SIGTERM and SIGINT against a real server are tests/server/test_durability.py's
(Ctrl+Break there on Windows).  Here: a stop requested from another thread,
as a Windows service's control manager does, reaches the event loop however
early it comes; and the console control handler, whose every return lets
Windows end the process, returns only once the server has stopped.  The
handler's registration with Windows runs in the Windows CI job only.
"""

from __future__ import annotations

import asyncio
import threading

from server.shutdown import (
    CTRL_BREAK_EVENT, CTRL_C_EVENT, CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT,
    StopRequest, console_event_handler,
)


def test_a_stop_requested_from_another_thread_before_the_loop_runs_is_kept() -> None:
    request = StopRequest()
    threading.Thread(target=request.request).start()

    async def server() -> str:
        stopped = asyncio.Event()
        while not request.requested:  # the thread has not run yet
            await asyncio.sleep(0)
        request.attach(asyncio.get_running_loop(), stopped.set)
        await asyncio.wait_for(stopped.wait(), timeout=10)
        return "stopped"

    assert asyncio.run(server()) == "stopped"


def test_a_stop_requested_from_another_thread_wakes_the_running_loop() -> None:
    request = StopRequest()

    async def server() -> str:
        stopped = asyncio.Event()
        request.attach(asyncio.get_running_loop(), stopped.set)
        threading.Thread(target=request.request).start()
        await asyncio.wait_for(stopped.wait(), timeout=10)
        return "stopped"

    assert asyncio.run(server()) == "stopped"


def test_ctrl_c_and_ctrl_break_are_left_to_the_signal_handlers() -> None:
    request, stopped = StopRequest(), threading.Event()
    handle = console_event_handler(request, stopped)
    assert handle(CTRL_C_EVENT) is False and handle(CTRL_BREAK_EVENT) is False
    assert not request.requested


def test_closing_the_console_waits_until_the_server_has_stopped() -> None:
    for event in (CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT):
        request, stopped = StopRequest(), threading.Event()
        handle = console_event_handler(request, stopped, timeout=60)
        returned: list[bool] = []
        windows = threading.Thread(target=lambda: returned.append(handle(event)))
        windows.start()

        async def server() -> None:
            asked = asyncio.Event()
            request.attach(asyncio.get_running_loop(), asked.set)
            await asyncio.wait_for(asked.wait(), timeout=10)

        asyncio.run(server())  # the stop was requested...
        assert returned == [], "...but the handler let Windows end the process already"
        stopped.set()  # ...and the server has stopped
        windows.join(10)
        assert returned == [True]


def test_a_console_handler_gives_up_waiting_after_its_timeout() -> None:
    request = StopRequest()
    handle = console_event_handler(request, threading.Event(), timeout=0.01)
    assert handle(CTRL_CLOSE_EVENT) is True and request.requested
