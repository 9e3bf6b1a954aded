"""The server's CPU per message, thread by thread, under fanout or pairs.

``make bench`` gives the whole process's CPU; to know whether the event
loop or the database writer is the larger cost (issue 20), this reads each
thread's user and system time from ``/proc/<pid>/task/*/stat`` before and
after one ``loadgen`` run, and its voluntary context switches (each a wait
for the GIL or for the other thread), names the threads with ``py-spy
dump``, and prints them divided by the messages sent.  Linux only, like
the rest of the benchmark.

Usage (under the bench lock, like every benchmark)::

    flock /work/.bench.lock -c '.venv/bin/python -m bench.threads \\
        [--repo TREE] [--workload pairs|fanout] [--runs N]'

``--repo`` runs the server of another tree (a ``git archive`` of main, say);
the runs alternate between that tree and this one when both are given
(``--repo TREE --against-this``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.prepare import prepare  # noqa: E402
from bench.procstat import TICK, task_ticks  # noqa: E402
from bench.profile import py_spy  # noqa: E402
from bench.run import (  # noqa: E402
    LOADGEN,
    BesedkaServer,
    build_loadgen,
    pinning,
    raise_file_limit,
)

#: loadgen's arguments and the accounts each workload needs
LOADS = {
    "pairs": (["--workload", "pairs", "--clients", "100", "--round-trips", "300"], 100),
    "fanout": (["--workload", "fanout", "--clients", "50", "--messages", "200",
                "--window", "10"], 50),
}
def thread_times(pid: int) -> dict[int, tuple[float, float, int]]:
    """Per thread id: user seconds, system seconds, voluntary context switches."""
    times = {}
    for tid, (user, system) in task_ticks(pid).items():
        try:
            status = Path(f"/proc/{pid}/task/{tid}/status").read_text()
        except OSError:
            continue  # the thread ended meanwhile
        switches = re.search(r"^voluntary_ctxt_switches:\s+(\d+)", status, re.M)
        times[tid] = (user / TICK, system / TICK, int(switches.group(1)) if switches else 0)
    return times


def thread_names(pid: int) -> dict[int, str]:
    """Thread ids to Python thread names, from ``py-spy dump``."""
    dump = subprocess.run([py_spy(), "dump", "--pid", str(pid)],
                          capture_output=True, text=True).stdout
    return {int(m.group(1)): m.group(2)
            for m in re.finditer(r'Thread (\d+) \(\w+\): "([^"]+)"', dump)}


def measure(source: Path, workload: str) -> str:
    """One run of ``workload`` against the server of ``source``: one line."""
    arguments, accounts = LOADS[workload]
    server_pin, generator_pin = pinning()
    workdir = Path(tempfile.mkdtemp(prefix="besedka-threads-", dir="/var/tmp"))
    try:
        database = workdir / "chat.db"
        prepare(database, accounts)
        server = BesedkaServer(workdir, database, server_pin, source=source)
        try:
            before = thread_times(server.pid)
            load = subprocess.run(
                [*generator_pin, str(LOADGEN), "--port", str(server.port),
                 "--server-pid", str(server.pid), *arguments, "--timeout", "300"],
                capture_output=True, text=True, timeout=400)
            after = thread_times(server.pid)
            names = thread_names(server.pid)
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result = json.loads(load.stdout.strip().splitlines()[-1])
    sent = result["sent"]
    per_name: dict[str, list[float]] = {}
    for tid, (user, system, switches) in after.items():
        name = re.sub(r"_\d+$", "", names.get(tid, "other"))  # the readers together
        start = before.get(tid, (0.0, 0.0, 0))
        total = per_name.setdefault(name, [0.0, 0.0, 0.0])
        total[0] += user - start[0]
        total[1] += system - start[1]
        total[2] += switches - start[2]
    parts = [f"{name} {1e6 * (u + s) / sent:.0f} µs (system {1e6 * s / sent:.0f}, "
             f"{w / sent:.2f} waits)"
             for name, (u, s, w) in sorted(per_name.items(), key=lambda kv: -sum(kv[1][:2]))
             if u + s > 0]
    everything = sum(u + s for u, s, _ in per_name.values())
    return (f"{source.name or source}: {workload} {result['rate']:,.0f} {result['unit']}, "
            f"p50 {result['lat_p50_ms']} ms, other load {result['other_cpu_pct']} %; "
            f"per message: all {1e6 * everything / sent:.0f} µs; " + "; ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, default=REPO, help="the tree whose server runs")
    parser.add_argument("--against-this", action="store_true",
                        help="alternate runs of --repo with runs of this tree")
    parser.add_argument("--workload", choices=sorted(LOADS), default="pairs")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    raise_file_limit()
    build_loadgen()
    trees = [options.repo.resolve()] + ([REPO] if options.against_this else [])
    for _ in range(options.runs):
        for tree in trees:
            print(measure(tree, options.workload), flush=True)
            time.sleep(0.5)


if __name__ == "__main__":
    main()
