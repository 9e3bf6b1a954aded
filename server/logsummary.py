"""Log lines that may repeat many times a second, summarised.

A full disk fails every write, a flood of connections is refused one by
one, and a log that says so once per event grows as fast as the attack and
buries everything else.  :class:`RepeatedLines` logs the first occurrence
of a kind of line at once, counts the following ones, and says how many
there were (with the latest of them) when :meth:`RepeatedLines.flush` is
called, about once a second by the server's housekeeping, or at the
latest when the same kind of line comes again after its period.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["RepeatedLines"]

#: How long after a kind of line is logged its repetitions are only counted.
SUMMARY_SECONDS = 10.0


@dataclass(slots=True)
class _Kind:
    logged_at: float
    repeated: int = 0
    latest: tuple[Any, ...] = ()


class RepeatedLines:
    """Lines of one logger whose repetitions are summarised.

    A kind of line is its format string: ``add("cannot accept: %s", error)``
    with any ``error`` is one kind.

    Args:
        logger: where the lines go.
        level: their level.
        period: seconds during which repetitions are counted, not logged.
        clock: the time source (tests pass their own).
    """

    def __init__(self, logger: logging.Logger | logging.LoggerAdapter[Any], level: int,
                 period: float = SUMMARY_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._logger = logger
        self._level = level
        self._period = period
        self._clock = clock
        self._kinds: dict[str, _Kind] = {}

    def add(self, msg: str, *args: Any) -> None:
        """Log a line, or count it if its kind was logged within the period."""
        now = self._clock()
        kind = self._kinds.get(msg)
        if kind is not None and now - kind.logged_at < self._period:
            kind.repeated += 1
            kind.latest = args
            return
        if kind is not None:
            self._summarise(msg, kind)
        self._kinds[msg] = _Kind(now)
        self._logger.log(self._level, msg, *args)

    def flush(self) -> None:
        """Say how often the kinds whose period is over were repeated."""
        now = self._clock()
        for msg, kind in list(self._kinds.items()):
            if now - kind.logged_at >= self._period:
                self._summarise(msg, kind)
                del self._kinds[msg]

    def _summarise(self, msg: str, kind: _Kind) -> None:
        if kind.repeated:
            self._logger.log(self._level, msg + " (and %d more like it since the first, "
                             "this the latest)", *kind.latest, kind.repeated)
