"""Windows are freed in the GUI thread, whichever thread allocates.

The client's network thread runs Python too, and Python's cyclic garbage
collector runs in whatever thread crosses its threshold; a window caught in
a reference cycle would then be deleted there, which Qt does not allow
(a crash at worst).  While the client runs, GuiThreadCollector keeps
collection in the GUI thread.
"""

from __future__ import annotations

import gc
import threading
import weakref

from pytestqt.qtbot import QtBot

from client_gui.collector import GuiThreadCollector
from client_gui.registration_window import RegistrationWindow


def test_a_window_in_a_reference_cycle_is_freed_in_the_gui_thread(qtbot: QtBot) -> None:
    collector = GuiThreadCollector(interval_ms=10)
    collector.start()
    try:
        window = RegistrationWindow("lab-server", 7447)
        window.itself = window  # type: ignore[attr-defined]  # only a collection frees it
        freed_in: list[str] = []
        # PyQt deletes the C++ window where the Python one is freed, which
        # is where this callback runs.
        watch = weakref.ref(window, lambda _: freed_in.append(threading.current_thread().name))
        del window
        # Another thread allocates plenty, as the network thread does: enough
        # for automatic collection to have run there several times over.
        survivors: list[list[int]] = []
        worker = threading.Thread(
            target=lambda: survivors.extend([n] for n in range(1_000_000)), name="worker")
        worker.start()
        worker.join()
        assert freed_in == []
        qtbot.waitUntil(lambda: freed_in != [], timeout=10_000)
        assert freed_in == [threading.main_thread().name] and watch() is None
    finally:
        collector.stop()
    assert gc.isenabled()
