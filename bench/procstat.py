"""CPU time of a process, or of each of its threads, as Linux's ``/proc`` says.

Several benchmarks divide the CPU a server (or each of its threads) spent
by the messages it handled: ``make bench``'s rows, the files workload, the
per-thread split of ``bench.threads`` and the cluster profile.  They read
it here, in clock ticks (``TICK`` of them a second), from the ``utime`` and
``stime`` fields of ``stat``.  Linux only, like the rest of the benchmark.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["TICK", "cpu_ticks", "task_ticks"]

#: Clock ticks per second, the unit of the times below.
TICK = os.sysconf("SC_CLK_TCK")


def _user_system(stat: Path) -> tuple[int, int]:
    # The command name (field 2) may hold spaces and parentheses: the
    # fields that follow are counted from its closing parenthesis.
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


def cpu_ticks(pid: int) -> int:
    """A process's user and system time so far, in clock ticks (0 if gone)."""
    try:
        return sum(_user_system(Path(f"/proc/{pid}/stat")))
    except OSError:
        return 0


def task_ticks(pid: int) -> dict[int, tuple[int, int]]:
    """Each thread's user and system time so far, in clock ticks, by its
    native thread id (a thread that ends while it is read is left out)."""
    ticks: dict[int, tuple[int, int]] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            ticks[int(task.name)] = _user_system(task / "stat")
        except OSError:
            continue
    return ticks
