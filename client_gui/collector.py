"""Python's garbage collection, in the GUI thread only.

A window or a model caught in a reference cycle (Qt parents, signal
connections and Python attributes make them easily) is freed by Python's
cyclic garbage collector, which runs in whichever thread happens to
allocate when a threshold is crossed: in this client as often the network
thread as the GUI thread.  PyQt then deletes the widget's C++ object in
that thread, and Qt widgets must only ever be touched, destroyed included,
in the GUI thread: anything from a warning to a crash may follow.

:class:`GuiThreadCollector` works around that the way qutebrowser does:
while the client runs, automatic collection is off, and a timer in the GUI
thread collects whatever generation has crossed its threshold.  Remove it
when PyQt defers such deletions to the owning thread itself.
"""

from __future__ import annotations

import gc
from typing import Final

from PyQt6.QtCore import QObject, QTimer, pyqtSlot

__all__ = ["GuiThreadCollector"]

#: How often the GUI thread looks whether a collection is due.
CHECK_INTERVAL_MS: Final = 1000


class GuiThreadCollector(QObject):
    """Collects garbage on a timer in the GUI thread instead of anywhere.

    Create it in the GUI thread; :meth:`start` turns automatic collection
    off, :meth:`stop` restores it.
    """

    def __init__(self, interval_ms: int = CHECK_INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.on_check_due)

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

    @pyqtSlot()
    def on_check_due(self) -> None:
        # What the automatic collector would have done by now: the oldest
        # generation over its threshold, with the younger ones.
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return
