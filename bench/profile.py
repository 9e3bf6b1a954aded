"""Profile Besedka's server under the fanout (or pairs) load with py-spy.

Starts a server exactly as ``bench/run.py`` does (pinned to CPU 0, fresh
database), runs a longer fanout from ``loadgen`` on CPU 1, and samples the
server with ``py-spy record`` (all threads, native frames off) meanwhile.
Writes:

* ``bench/results/<workload>-profile.svg``: the flame graph;
* ``bench/results/<workload>-profile.txt``: the functions with the most samples,
  by own time and including callees, per thread, computed from py-spy's raw
  (collapsed) output, so the hotspots can be read without a browser.

Usage: ``.venv/bin/python -m bench.profile`` (or ``BENCH_PROFILE=1 make bench``);
``BENCH_PROFILE_WORKLOAD=pairs`` profiles 50 pairs of direct messages instead.
py-spy is installed into the running venv when missing.
"""

from __future__ import annotations

import collections
import os
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
from bench.run import (  # noqa: E402
    LOADGEN,
    RESULTS,
    BesedkaServer,
    build_loadgen,
    pinning,
    raise_file_limit,
)

MESSAGES = int(os.environ.get("BENCH_PROFILE_MESSAGES", "300"))
WORKLOAD = os.environ.get("BENCH_PROFILE_WORKLOAD", "fanout")
#: loadgen's arguments and the number of accounts, per workload
LOADS = {
    "fanout": (["--workload", "fanout", "--clients", "50", "--messages", str(MESSAGES),
                "--window", "10"], 50,
               f"50 clients x {MESSAGES} messages, window 10"),
    "pairs": (["--workload", "pairs", "--clients", "100", "--round-trips", str(MESSAGES)], 100,
              f"50 pairs x {MESSAGES} round trips"),
}


def py_spy() -> str:
    """The py-spy next to this Python, installed with pip when missing."""
    path = Path(sys.executable).with_name("py-spy")
    if not path.exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "py-spy"], check=True)
    return str(path)


def summarize(collapsed: Path, top: int = 25) -> str:
    """Own and inclusive sample counts per function from collapsed stacks.

    Each line of py-spy's raw format is ``frame;frame;...;frame COUNT`` with
    the thread first (``--threads``); frames are ``function (file:line)``.
    """
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    threads: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        threads[frames[0]] += count
        # Without the line number a function is one entry however many lines it has.
        names = [f.rsplit(":", 1)[0] + ")" if ":" in f else f for f in frames[1:]]
        if names:
            own[names[-1]] += count
        for name in set(names):
            inclusive[name] += count

    def table(title: str, counter: collections.Counter[str]) -> list[str]:
        lines = [title, ""]
        for name, count in counter.most_common(top):
            lines.append(f"{100 * count / total:6.1f} %  {name}")
        return lines + [""]

    return "\n".join([
        f"py-spy samples: {total}", "",
        *table("Threads (share of all samples)", threads),
        *table("Own time (the function itself)", own),
        *table("Inclusive time (with its callees)", inclusive),
    ])


def profile_server(pins: tuple[list[str], list[str]] | None = None,
                   tmp_base: Path = Path("/var/tmp")) -> None:
    raise_file_limit()
    build_loadgen()
    server_pin, generator_pin = pins or pinning()
    spy = py_spy()
    RESULTS.mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="besedka-profile-", dir=tmp_base))
    try:
        arguments, accounts, description = LOADS[WORKLOAD]
        svg, raw = RESULTS / f"{WORKLOAD}-profile.svg", workdir / f"{WORKLOAD}-profile.raw"
        outputs = {}
        # Two recordings, each on a fresh server and database: one sampler at
        # a time (two would double the pauses), and a second fanout on the
        # same database would resend the same idempotency keys, so the server
        # would rightly store and deliver nothing.
        for fmt, path in (("raw", raw), ("flamegraph", svg)):
            database = workdir / f"chat-{fmt}.db"
            prepare(database, accounts)
            server = BesedkaServer(workdir, database, server_pin)
            try:
                recorder = subprocess.Popen(
                    [spy, "record", "--pid", str(server.pid), "--threads", "--rate", "250",
                     "--format", fmt, "--output", str(path), "--nonblocking"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                time.sleep(1.0)
                load = subprocess.run(
                    [*generator_pin, str(LOADGEN), "--port", str(server.port),
                     "--server-pid", str(server.pid), *arguments, "--timeout", "300"],
                    capture_output=True, text=True, timeout=400)
                recorder.send_signal(2)  # SIGINT: py-spy writes its output and exits
                _, err = recorder.communicate(timeout=60)
                outputs[fmt] = load.stdout.strip()
                if recorder.returncode not in (0, -2, 130) or not path.exists():
                    raise RuntimeError(f"py-spy failed: {err.decode(errors='replace')}")
            finally:
                server.stop()
        text = summarize(raw)
        report = (f"Besedka under {WORKLOAD} ({description}), "
                  f"sampled by py-spy with --nonblocking at 250 Hz.\n"
                  f"loadgen (raw run): {outputs['raw']}\n"
                  f"loadgen (flame graph run): {outputs['flamegraph']}\n\n{text}")
        (RESULTS / f"{WORKLOAD}-profile.txt").write_text(report)
        print(report)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    profile_server()
