"""Where the PostgreSQL cluster's limit is (issue 19): database commits,
NOTIFY throughput, or the nodes' CPU.

Runs ``make bench``'s fanout load (50 clients in one room, window 10; more
messages, so that the run lasts long enough to sample) on one node and on
two nodes of one durable PostgreSQL database, set up exactly as
``bench/run.py`` sets up its "fanout (PostgreSQL...)" rows (nodes and
PostgreSQL pinned to CPU 0, loadgen to CPU 1), and meanwhile measures:

* each node with ``py-spy record --threads`` (busy samples only): how busy
  its event loop, its group-commit writer and its cluster listener are;
* PostgreSQL: commits (``pg_stat_database``), WAL flushes and the time
  they took (``pg_stat_wal``, ``track_wal_io_timing``), every statement's
  calls and time, COMMIT and ``pg_notify`` included
  (``pg_stat_statements``), and what the nodes' backends wait on
  (``pg_stat_activity`` sampled every 10 ms: the writers' advisory lock,
  WAL flushes, the client...);
* the CPU of each node and of PostgreSQL's processes, by kind.

py-spy and this script run on the generator's CPU (CPU 1).  The report goes
to ``bench/results/cluster-profile.txt`` and the terminal.

Usage (under the bench lock)::

    .venv/bin/python -m bench.cluster_profile [--messages 600] [--nodes 1,2] [--spread]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.prepare import prepare  # noqa: E402
from bench.procstat import TICK, cpu_ticks, task_ticks  # noqa: E402
from bench.profile import py_spy, summarize  # noqa: E402
from bench.run import (  # noqa: E402
    LOADGEN,
    RESULTS,
    BenchPostgres,
    GENERATOR_CPU,
    SERVER_CPU,
    build_loadgen,
    new_postgres_nodes,
    pinning,
    raise_file_limit,
)
from tests import postgres  # noqa: E402

RATE = 250  # py-spy samples per second
SETTINGS = {"shared_preload_libraries": "pg_stat_statements",
            "pg_stat_statements.track": "all", "track_wal_io_timing": "on",
            "track_io_timing": "on"}


def process_kind(pid: int) -> str:
    """``backend`` for a connection's process, else PostgreSQL's own name
    for it (walwriter, checkpointer...)."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return "gone"
    if not title.startswith("postgres: "):
        return "postmaster"
    return "backends" if "127.0.0.1" in title else title.split(" ", 1)[1]


def describe(state: str, kind: str | None, event: str | None, query: str) -> str:
    if state.startswith("idle") and event == "ClientRead":
        return f"{state}: waiting for its node's next statement"
    if kind is None:
        return f"{state}, on CPU: {' '.join(query.split()[:3])}"
    return f"{state}, waiting: {kind}/{event}"


class ActivitySampler(threading.Thread):
    """Samples what the database's backends are doing every 10 ms, and who
    holds the writers' lock (the advisory lock every writing transaction
    takes first and keeps until it has committed, db/engine.py)."""

    def __init__(self, cluster: postgres.PostgresCluster, database: str) -> None:
        super().__init__(daemon=True)
        self.cluster, self.database = cluster, database
        self.counts: collections.Counter[str] = collections.Counter()
        self.holder: collections.Counter[str] = collections.Counter()
        self.samples = 0
        self.queue_usage = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        with self.cluster.connect(self.database) as conn:
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT a.state, a.wait_event_type, a.wait_event, left(a.query, 40), "
                    "EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid "
                    "AND l.locktype = 'advisory' AND l.granted) "
                    "FROM pg_stat_activity a WHERE a.datname = current_database() "
                    "AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'"
                ).fetchall()
                self.samples += 1
                for state, kind, event, query, holds in rows:
                    what = describe(state or "", kind, event, query or "")
                    if not what.startswith("idle:"):
                        self.counts[what] += 1
                    if holds:
                        self.holder[what] += 1
                usage = conn.execute("SELECT pg_notification_queue_usage()").fetchone()
                self.queue_usage = max(self.queue_usage, float(usage[0]) if usage else 0.0)
                time.sleep(0.01)


def thread_ticks(pid: int) -> dict[int, int]:
    """CPU ticks so far of each of a process's threads, by native thread id."""
    return {tid: user + system for tid, (user, system) in task_ticks(pid).items()}


def run_delay_ns(pids: list[int]) -> int:
    """How long the threads of these processes waited, runnable, for a CPU
    so far (the kernel's schedstat), in ns."""
    total = 0
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                total += int((task / "schedstat").read_text().split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return total


def cpu_busy_ticks(cpu: str) -> tuple[int, int]:
    """Busy (all but idle and iowait) and stolen ticks of one CPU so far."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith(f"cpu{cpu} "):
            v = [int(x) for x in line.split()[1:9]]
            return v[0] + v[1] + v[2] + v[5] + v[6] + v[7], v[7]
    return 0, 0


def thread_names(raw: Path) -> dict[int, str]:
    """Native thread id -> Python thread name, from py-spy's raw output,
    whose first frame is ``thread (TID): NAME`` (the OS knows every thread
    of the process only as "python")."""
    names: dict[int, str] = {}
    for line in raw.read_text().splitlines():
        first = line.split(";", 1)[0]
        if first.startswith("thread (") and "): " in first:
            tid, name = first[len("thread ("):].split("): ", 1)
            if tid.isdigit():
                names[int(tid)] = name.rsplit(" ", 1)[0] if name.endswith(")") else name
    return names


def thread_cpu(before: dict[int, int], after: dict[int, int], names: dict[int, str],
               ticks: float) -> dict[str, float]:
    """% of one CPU per thread name; the pools' numbered threads together."""
    cpu: dict[str, float] = collections.defaultdict(float)
    for tid, t in after.items():
        name = names.get(tid, "unnamed (not seen busy by py-spy)").rstrip("_0123456789")
        cpu[name] += (t - before.get(tid, 0)) / ticks
    return dict(cpu)


def only_thread(raw: Path, name: str, out: Path) -> Path:
    """py-spy's raw stacks of the threads called ``name`` alone."""
    out.write_text("".join(line + "\n" for line in raw.read_text().splitlines()
                           if line.split(";", 1)[0].endswith(f": {name}")))
    return out


def database_figures(cluster: postgres.PostgresCluster, database: str) -> dict[str, Any]:
    with cluster.connect(database) as conn:
        commits = conn.execute("SELECT xact_commit FROM pg_stat_database "
                               "WHERE datname = current_database()").fetchone()
        wal = conn.execute("SELECT wal_records, wal_bytes, wal_write, wal_sync, "
                           "wal_sync_time FROM pg_stat_wal").fetchone()
        messages = conn.execute("SELECT count(*) FROM messages").fetchone()
    assert commits and wal and messages
    return {"commits": int(commits[0]), "wal_records": int(wal[0]), "wal_bytes": int(wal[1]),
            "wal_writes": int(wal[2]), "wal_syncs": int(wal[3]),
            "wal_sync_ms": float(wal[4]), "messages": int(messages[0])}


def calls_of(cluster: postgres.PostgresCluster, database: str, query: str) -> tuple[int, float]:
    """Calls of the statements containing ``query``, and their time in ms."""
    with cluster.connect(database) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(calls), 0), coalesce(sum(total_exec_time), 0) "
            "FROM pg_stat_statements WHERE query LIKE %s AND dbid = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            (f"%{query}%",)).fetchone()
    assert row is not None
    return int(row[0]), float(row[1])


def statements(cluster: postgres.PostgresCluster, database: str, top: int = 12) -> list[str]:
    with cluster.connect(database) as conn:
        rows = conn.execute(
            "SELECT calls, total_exec_time, mean_exec_time, left(regexp_replace(query, "
            "'\\s+', ' ', 'g'), 90) FROM pg_stat_statements "
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "ORDER BY total_exec_time DESC LIMIT %s", (top,)).fetchall()
    return [f"{calls:9,} calls {total:9,.0f} ms total {mean:7.3f} ms each  {query}"
            for calls, total, mean, query in rows]


def run_once(pg: BenchPostgres, nodes: int, messages: int, workdir: Path,
             pins: tuple[list[str], list[str]], spread: bool) -> str:
    server_pin, generator_pin = pins
    database = workdir / f"chat-{nodes}.db"
    prepare(database, 50)
    # --spread: the second node on the generator's CPU (an experiment: is
    # CPU 0, shared by both nodes and PostgreSQL, what limits?)
    node_pins = [server_pin, generator_pin] if spread and nodes == 2 else None
    server = new_postgres_nodes(pg, database, workdir, server_pin, nodes, f"node{nodes}",
                                node_pins)
    cluster = pg.cluster
    assert cluster is not None
    dbname = server.command[server.command.index("--database") + 1].rsplit("/", 1)[1]
    with cluster.connect(dbname) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        conn.execute("SELECT pg_stat_statements_reset()")
    spy = py_spy()
    raws = [workdir / f"node{nodes}-{i}.raw" for i in range(nodes)]
    try:
        before = database_figures(cluster, dbname)
        recorders = [subprocess.Popen(
            [*generator_pin, spy, "record", "--pid", str(node.pid), "--threads", "--rate",
             str(RATE), "--format", "raw", "--output", str(raw), "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for node, raw in zip(server.nodes, raws)]
        time.sleep(1.0)
        sampler = ActivitySampler(cluster, dbname)
        pg_before = pg.cpu_ticks()
        nodes_before = [cpu_ticks(node.pid) for node in server.nodes]
        threads_before = [thread_ticks(node.pid) for node in server.nodes]
        delay_before = [run_delay_ns([node.pid]) for node in server.nodes]
        pg_delay_before = run_delay_ns(list(pg_before))
        cpu0_before = cpu_busy_ticks(SERVER_CPU)
        sampler.start()
        started = time.monotonic()
        command = [*generator_pin, str(LOADGEN), "--port", str(server.port),
                   "--server-pid", str(server.pid), "--timeout", "300",
                   "--workload", "fanout", "--clients", "50", "--messages", str(messages),
                   "--window", "10"]
        if nodes > 1:
            command += ["--port2", str(server.nodes[1].port)]
        load = subprocess.run(command, capture_output=True, text=True, timeout=400)
        elapsed = time.monotonic() - started
        sampler.stop.set()
        sampler.join()
        ticks = elapsed * TICK / 100
        node_cpu = [(cpu_ticks(node.pid) - b) / ticks for node, b in zip(server.nodes, nodes_before)]
        threads_after = [thread_ticks(node.pid) for node in server.nodes]
        cpu0_after = cpu_busy_ticks(SERVER_CPU)
        delays = [(run_delay_ns([node.pid]) - b) / 1e9 for node, b in zip(server.nodes, delay_before)]
        pg_delay = (run_delay_ns(list(pg_before)) - pg_delay_before) / 1e9
        by_kind: dict[str, float] = collections.defaultdict(float)
        for pid, t in pg.cpu_ticks().items():
            by_kind[process_kind(pid)] += (t - pg_before.get(pid, 0)) / ticks
        for recorder in recorders:
            recorder.send_signal(2)  # SIGINT: py-spy writes its output and exits
            recorder.communicate(timeout=60)
        threads = [thread_cpu(b, a, thread_names(raw), ticks)
                   for b, a, raw in zip(threads_before, threads_after, raws)]
    finally:
        server.stop()
    # After the nodes have gone: a backend sends its statistics (commits,
    # WAL) when it ends, or only every 10 s while idle.
    after = database_figures(cluster, dbname)
    top = statements(cluster, dbname)
    (locks, lock_wait_ms), (notifies, notify_ms) = (
        calls_of(cluster, dbname, q) for q in ("pg_advisory_xact_lock", "pg_notify"))
    if load.returncode != 0:
        raise RuntimeError(f"loadgen failed: {load.stderr}")
    result = json.loads(load.stdout)
    delta = {key: after[key] - before[key] for key in after}
    commits, syncs = delta["commits"], delta["wal_syncs"]
    lines = [
        f"=== {nodes} node{'s' if nodes > 1 else ''}"
        f"{' (the second on the generator CPU)' if node_pins else ''}: fanout, 50 clients x "
        f"{messages} messages, window 10 ===",
        f"loadgen: {result['rate']:,.0f} deliveries/s, p50 {result['lat_p50_ms']:.1f} ms, "
        f"p99 {result['lat_p99_ms']:.1f} ms, lost {result['lost']}; whole run {elapsed:.1f} s",
        f"messages stored {delta['messages']:,}; writing transactions (the writers' lock "
        f"taken) {locks:,} ({locks / elapsed:,.0f}/s, {delta['messages'] / max(locks, 1):.1f} "
        f"messages each), {lock_wait_ms:,.0f} ms waiting for that lock in all; NOTIFYs "
        f"{notifies:,} ({notifies / elapsed:,.0f}/s, {notify_ms:,.0f} ms in pg_notify); "
        f"all transactions of the database (the sampler's, the nodes' reads and startup "
        f"included) {commits:,}",
        f"the writers' lock was held in {100 * sum(sampler.holder.values()) / max(sampler.samples, 1):.0f} % "
        "of the samples; its holder was then:",
        *[f"{100 * count / max(sampler.samples, 1):6.1f} %  {what}"
          for what, count in sampler.holder.most_common(6)],
        f"WAL flushes (fsync) {syncs:,} ({syncs / elapsed:,.0f}/s), "
        f"{delta['wal_sync_ms']:,.0f} ms flushing = {delta['wal_sync_ms'] / elapsed / 10:.0f} % "
        f"of the run, {delta['wal_sync_ms'] / max(syncs, 1):.2f} ms per flush; "
        f"WAL {delta['wal_bytes'] / 1e6:.1f} MB",
        f"NOTIFY queue: at most {sampler.queue_usage * 100:.4f} % full",
        "CPU (% of one CPU over the whole run): "
        + ", ".join(f"node {i + 1} {c:.0f} %" for i, c in enumerate(node_cpu))
        + "; PostgreSQL " + ", ".join(f"{kind} {c:.0f} %" for kind, c in sorted(by_kind.items(),
                                                                      key=lambda kv: -kv[1])
                                      if c >= 0.5)
        + f" (total {sum(by_kind.values()):.0f} %)",
        f"CPU {SERVER_CPU} (the nodes' and PostgreSQL's) busy {(cpu0_after[0] - cpu0_before[0]) / ticks:.0f} % "
        f"(stolen by the hypervisor {(cpu0_after[1] - cpu0_before[1]) / ticks:.0f} %) over the run; "
        "time spent runnable but waiting for a CPU: "
        + ", ".join(f"node {i + 1}'s threads {d:.1f} s" for i, d in enumerate(delays))
        + f", PostgreSQL's processes {pg_delay:.1f} s (in a {elapsed:.1f} s run)",
        *[f"node {i + 1}'s threads: " + ", ".join(
            f"{name} {c:.0f} %" for name, c in sorted(cpu.items(), key=lambda kv: -kv[1])
            if c >= 0.5) for i, cpu in enumerate(threads)],
        "", "The nodes' backends not idle (pg_stat_activity every 10 ms, "
        f"{sampler.samples} samples): how many on average were",
    ]
    lines += [f"{count / max(sampler.samples, 1):6.2f}  {what}"
              for what, count in sampler.counts.most_common(10)]
    lines += ["", "Statements by total time (pg_stat_statements):", *top, ""]
    for i, raw in enumerate(raws):
        lines.append(f"node {i + 1}: py-spy at {RATE} Hz (it counts a thread waiting in "
                     "psycopg as busy: the threads' CPU above is the measure of busy)")
        lines += ["", *summarize(raw, top=15).splitlines()[2:], ""]
        writer = only_thread(raw, "besedka-db-writer", raw.with_suffix(".writer"))
        lines += [f"node {i + 1}'s writer thread alone:",
                  *summarize(writer, top=25).splitlines()[2:], ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--nodes", default="1,2")
    parser.add_argument("--spread", action="store_true",
                        help="the second node on the generator's CPU, not with the first")
    args = parser.parse_args()
    raise_file_limit()
    build_loadgen()
    pins = pinning()
    if pins[1]:
        os.sched_setaffinity(0, {int(GENERATOR_CPU)})
    problem = postgres.find_problem()
    if problem:
        raise SystemExit(f"cluster_profile: {problem}")
    base = Path(os.environ.get("BENCH_TMP", "/var/tmp"))
    workdir = Path(tempfile.mkdtemp(prefix="besedka-cluster-profile-", dir=base))
    bin_dir = postgres.find_bin_dir()
    assert bin_dir is not None
    cluster = postgres.PostgresCluster(bin_dir, durable=True, base=base, pin=pins[0],
                                       settings=SETTINGS)
    pg = BenchPostgres(base, pins[0], cluster=cluster)
    try:
        cluster.init()
        cluster.start()
        reports = [run_once(pg, int(n), args.messages, workdir, pins, args.spread)
                   for n in args.nodes.split(",")]
    finally:
        cluster.destroy()
        shutil.rmtree(workdir, ignore_errors=True)
    report = "\n\n".join(reports)
    RESULTS.mkdir(exist_ok=True)
    name = "cluster-profile-spread.txt" if args.spread else "cluster-profile.txt"
    (RESULTS / name).write_text(report + "\n")
    print(report)


if __name__ == "__main__":
    main()
