"""``make bench``: run every workload against Besedka and ngircd and print one table.

For each workload and repeat this starts a fresh server (Besedka on a fresh
SQLite file, or ngircd with its flood protection lifted), pinned to CPU 0
with ``taskset``, and runs ``loadgen`` (bench/loadgen.c, built here with the
system C compiler) pinned to CPU 1.  ``loadgen`` prints one JSON object per
run; this script keeps them all in ``bench/results/latest.json`` and writes
the medians as a Markdown table to ``bench/results/latest.md`` (and to the
terminal), with the machine it ran on.

Options come from the environment so that ``make bench`` needs none:

* ``BENCH_QUICK=1``: one repeat of smaller workloads, a smoke run.
* ``BENCH_REPEATS=N``: repeats per workload (default 3).
* ``BENCH_ONLY=fanout,pairs``: run only these workloads.
* ``BENCH_TMP=DIR``: where databases go (default /var/tmp: it must be a real
  disk, because every message is fsynced and tmpfs would make that free).
* ``BENCH_PROFILE=1``: after the table, profile Besedka under the fanout load
  with py-spy (installed into the venv if missing).
* ``BENCH_BASELINE=DIR``: also run the Besedka server found in DIR (say, an
  older commit unpacked with ``git archive``) as the target "baseline", in
  the same run, for before/after figures.
* ``BENCH_FILES_MIB=N``: the size of the files workload's file (default
  1024), which runs against ``openssl s_server`` (bench/files.py).

Fanout also runs on PostgreSQL (issue 19): ``fanout-pg`` is one server on
a PostgreSQL database, ``fanout-pg2`` two servers (nodes) on one database
with the clients split between them (``loadgen --port2``: the odd clients
on the second node), the way a larger installation runs (README, "Larger
installations").  The PostgreSQL cluster is a throwaway one made the way
the tests make theirs (tests/postgres.py), but durable: fsync and
synchronous_commit on, full-page writes on, on the same disk as the SQLite
files, the promise SQLite's fsynced commits make.  The nodes and
PostgreSQL all run on the server's CPU (CPU 0), the generator on CPU 1: a
two-CPU machine has no CPU left for a second node, so these rows show
what the cluster's path costs on the same CPU budget, not scale-out, and
understate a real cluster with a CPU per node.  The server CPU column is
the first node's alone (over loadgen's measured window); a second row
gives each node's and PostgreSQL's CPU over the whole loadgen run, logins
included (``cluster_cpu_pct`` in latest.json).  Without PostgreSQL's
programs or psycopg those rows say "not run" and why.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import select
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `python bench/run.py` as well as `-m bench.run`
    sys.path.insert(0, str(REPO))

from bench.files import FILES_NOTE, files_workload, render_files  # noqa: E402
from bench.prepare import prepare  # noqa: E402
from bench.procstat import TICK, cpu_ticks  # noqa: E402
from tests import postgres  # noqa: E402  (the throwaway cluster the tests use too)

BENCH = REPO / "bench"
BUILD = BENCH / "build"
RESULTS = BENCH / "results"
LOADGEN = BUILD / "loadgen"
SERVER_CPU, GENERATOR_CPU = "0", "1"

QUICK = os.environ.get("BENCH_QUICK") == "1"
REPEATS = int(os.environ.get("BENCH_REPEATS", "1" if QUICK else "3"))
ONLY = {w for w in os.environ.get("BENCH_ONLY", "").split(",") if w}
BASELINE = os.environ.get("BENCH_BASELINE")


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------
# Tools


def build_loadgen() -> Path:
    """Compile loadgen.c when the binary is missing or older than its source."""
    source = BENCH / "loadgen.c"
    if not LOADGEN.exists() or LOADGEN.stat().st_mtime < source.stat().st_mtime:
        BUILD.mkdir(exist_ok=True)
        compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
        if compiler is None:
            raise SystemExit("bench: a C compiler is needed (apt-get install gcc)")
        subprocess.run([compiler, "-O2", "-Wall", "-o", str(LOADGEN), str(source)], check=True)
    return LOADGEN


def find_ngircd() -> str | None:
    """ngircd's path, installing the Debian package when it is missing."""
    def where() -> str | None:
        return shutil.which("ngircd") or next(
            (p for p in ("/usr/sbin/ngircd", "/usr/local/sbin/ngircd") if os.path.exists(p)), None)

    if where() is None and shutil.which("apt-get") and os.geteuid() == 0:
        log("bench: installing ngircd with apt-get")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "ngircd"]
        if subprocess.run(install, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
            subprocess.run(install, env=env, capture_output=True)
    return where()


def pinning() -> tuple[list[str], list[str]]:
    """taskset prefixes for the server and the generator (none on one CPU)."""
    if shutil.which("taskset") and len(os.sched_getaffinity(0)) >= 2:
        return ["taskset", "-c", SERVER_CPU], ["taskset", "-c", GENERATOR_CPU]
    log("bench: fewer than 2 CPUs or no taskset: server and generator share CPUs")
    return [], []


def raise_file_limit() -> None:
    """2,000 idle clients need more descriptors than the usual 1,024, on
    both sides; children inherit the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(hard, 65536) if os.geteuid() == 0 else hard
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ----------------------------------------------------------------------
# Servers


class Server:
    """A server process pinned to the server CPU; stopped with SIGTERM."""

    name = ""
    process: subprocess.Popen[bytes]
    port: int

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    @property
    def pid(self) -> int:
        return self.process.pid


class BesedkaServer(Server):
    name = "besedka"

    def __init__(self, workdir: Path, database: Path | str, pin: list[str], *,
                 default_cost: bool = False, source: Path = REPO, name: str = "besedka") -> None:
        # ``python -m server`` run in ``source`` imports that tree's server/
        # and db/ first (the current directory leads sys.path).
        self.name = name
        help_text = subprocess.run([sys.executable, "-m", "server", "--help"], cwd=source,
                                   capture_output=True, text=True).stdout
        # A str is a database URL (PostgreSQL), a Path an SQLite file.
        url = database if isinstance(database, str) else f"sqlite:///{database}"
        command = [*pin, sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", "0",
                   "--no-rate-limits", "--database", url]
        if not default_cost:
            command += ["--bcrypt-rounds", "4"]
        command += [flag for flag in ("--no-tls", "--no-announce") if flag in help_text]
        self.command = command
        # Several nodes may share a workdir: one log each.
        self.log_path = workdir / f"{name}-{len(list(workdir.glob(f'{name}-*.log')))}.log"
        self.process = subprocess.Popen(command, cwd=source, stdout=subprocess.PIPE,
                                        stderr=self.log_path.open("ab"))
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        line = self.process.stdout.readline().decode() if ready else ""
        if not line.startswith("listening on "):
            self.process.kill()
            raise RuntimeError(f"besedka did not start: {line!r}; see {self.log_path}")
        self.port = int(line.rsplit(":", 1)[1])


class PostgresNodes(Server):
    """One or more Besedka servers (nodes) on one PostgreSQL database: one
    chat.  ``port`` and ``pid`` are the first node's; stopping stops all."""

    def __init__(self, workdir: Path, url: str, pins: list[list[str]], name: str) -> None:
        self.name = name
        self.nodes: list[BesedkaServer] = []
        try:
            for pin in pins:
                self.nodes.append(BesedkaServer(workdir, url, pin, name=name))
        except BaseException:
            self.stop()  # the nodes that did start
            raise
        self.process = self.nodes[0].process
        self.port = self.nodes[0].port
        self.command = self.nodes[0].command

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


class BenchPostgres:
    """The bench's PostgreSQL cluster, made on first use and durable (fsync
    on), with a new database for each run; :attr:`problem` says why there
    is none here (the rows then say "not run")."""

    def __init__(self, base: Path, pin: list[str],
                 cluster: postgres.PostgresCluster | None = None) -> None:
        # ``cluster``: one already running (the smoke test's, the profile's),
        # made and destroyed by the caller.
        self.base, self.pin = base, pin
        self.cluster = cluster
        self._made_here = False
        self.problem: str | None = None if cluster else postgres.find_problem()

    def new_database(self) -> str:
        assert self.problem is None, self.problem
        if self.cluster is None:
            bin_dir = postgres.find_bin_dir()
            assert bin_dir is not None
            # In BENCH_TMP itself (/var/tmp, world-writable): when run as
            # root, the cluster's unprivileged account must reach its directory.
            cluster = postgres.PostgresCluster(bin_dir, durable=True, base=self.base,
                                               pin=self.pin)
            self.cluster, self._made_here = cluster, True
            cluster.init()
            cluster.start()
        return self.cluster.new_database()

    def cpu_ticks(self) -> dict[int, int]:
        """CPU time so far of each of the cluster's processes (the postmaster
        and its children: one backend per connection, the WAL writer...)."""
        if self.cluster is None:
            return {}
        postmaster = int((self.cluster.data / "postmaster.pid").read_text().split()[0])
        try:
            children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text()
        except OSError:
            children = ""
        return {pid: cpu_ticks(pid) for pid in [postmaster, *map(int, children.split())]}

    def close(self) -> None:
        """Destroy the cluster if it was made here."""
        if self.cluster is not None and self._made_here:
            self.cluster.destroy()


def new_postgres_nodes(pg: BenchPostgres, database: Path, workdir: Path, pin: list[str],
                       nodes: int, name: str = "besedka",
                       node_pins: list[list[str]] | None = None) -> PostgresNodes:
    """Nodes on a new PostgreSQL database holding what ``database`` (made by
    :func:`bench.prepare.prepare`) holds, copied the way an installation
    moves (``admin migrate-to``): the same accounts and rooms as SQLite's runs.
    Every node runs under ``pin``, or each under its own of ``node_pins``."""
    from db.transfer import copy_database

    url = pg.new_database()
    copy_database(f"sqlite:///{database}", url)
    return PostgresNodes(workdir, url, node_pins or [pin] * nodes, name)


NGIRCD_CONF = """\
# Written by bench/run.py: ngircd as the yardstick, on loopback only, with
# every limit that would throttle a benchmark lifted.
[Global]
Name = bench.irc
Info = Besedka benchmark yardstick
Listen = 127.0.0.1
Ports = {port}
MotdPhrase = "bench"
# Stay root: dropping to "nobody" would gain nothing on a throwaway run.
ServerUID = 0
ServerGID = 0
[Limits]
MaxConnections = 0
MaxConnectionsIP = 0
MaxJoins = 0
MaxPenaltyTime = 0
MaxNickLength = 9
[Options]
DNS = no
Ident = no
PAM = no
"""


class NgircdServer(Server):
    name = "ngircd"

    def __init__(self, executable: str, workdir: Path, pin: list[str]) -> None:
        self.port = free_port()
        conf = workdir / "ngircd.conf"
        conf.write_text(NGIRCD_CONF.format(port=self.port))
        self.command = [*pin, executable, "--nodaemon", "--config", str(conf)]
        self.log_path = workdir / "ngircd.log"
        self.process = subprocess.Popen(self.command, stdout=self.log_path.open("ab"),
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ngircd exited; see {self.log_path}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        raise RuntimeError("ngircd did not start listening")


# ----------------------------------------------------------------------
# Workloads


@dataclass
class Workload:
    """One row group of the table: loadgen arguments and how to set up."""

    name: str
    args: list[str]
    accounts: int
    targets: tuple[str, ...] = ("besedka", "ngircd")
    slow_from: int | None = None  # accounts with the default bcrypt cost
    messages: int = 0             # generated messages (history)
    default_cost: bool = False
    timeout: float = 300
    room_members: int = 0         # Besedka: room 1 with the first accounts in it
    nodes: int = 0                # Besedka on PostgreSQL with this many nodes (0: SQLite)
    yardstick: str = ""           # the workload whose ngircd row this one's ratio uses
    key: str = ""                 # its name in BENCH_ONLY (default: the name, "-" for " ")
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def workloads() -> list[Workload]:
    fanout_messages = 100 if QUICK else 200
    idle = 500 if QUICK else 2000
    storm = 30 if QUICK else 100
    history_messages = 200_000 if QUICK else 1_000_000
    room_messages = 25 if QUICK else 100
    fanout = ["--workload", "fanout", "--clients", "50", "--messages", str(fanout_messages),
              "--window", "10"]
    return [
        Workload("fanout", fanout, accounts=50,
                 note=f"50 clients in one room, {fanout_messages} messages each, "
                      "at most 10 unacknowledged"),
        # Issue 19: the same load on PostgreSQL, compared with ngircd's fanout.
        Workload("fanout (PostgreSQL)", fanout, accounts=50, targets=("besedka",), nodes=1,
                 yardstick="fanout", key="fanout-pg",
                 note="fanout's load on one server on a PostgreSQL database (fsync and "
                      "synchronous_commit on); the server and PostgreSQL on CPU 0"),
        Workload("fanout (PostgreSQL, 2 nodes)", fanout, accounts=50, targets=("besedka",),
                 nodes=2, yardstick="fanout", key="fanout-pg2",
                 note="fanout's load on two servers (nodes) on one PostgreSQL database, the "
                      "odd clients on the second node (loadgen --port2); both nodes and "
                      "PostgreSQL share CPU 0, so this is the cluster's cost on one CPU, "
                      "not scale-out"),
        Workload("room fanout", ["--workload", "fanout", "--clients", "500", "--senders", "20",
                                 "--messages", str(room_messages), "--window", "10",
                                 "--room", "1"], accounts=500, room_members=500,
                 note=f"a room of 500 members (Besedka: a room, protocol version 2; ngircd: a "
                      f"channel), 20 of them send {room_messages} messages each, at most 10 "
                      "unacknowledged; 499 deliveries per message"),
        Workload("pairs", ["--workload", "pairs", "--clients", "100",
                           "--round-trips", "50" if QUICK else "200"], accounts=100,
                 note="50 pairs, direct messages, request/response"),
        Workload("idle", ["--workload", "chat", "--clients", "10", "--idle", str(idle),
                          "--duration", "5" if QUICK else "10", "--interval-ms", "50"],
                 accounts=10 + idle,
                 note=f"{idle} idle logged-in clients; 10 chatters, direct messages in a ring, "
                      "20 per second each; then, with TLS on, the memory of as many idle "
                      "logged-in connections (bench/idle_tls.py, issue 12 item 8)"),
        Workload("login storm", ["--workload", "chat", "--clients", "10", "--storm", str(storm),
                                 "--before", "3" if QUICK else "5", "--interval-ms", "50"],
                 accounts=10 + storm, slow_from=10, default_cost=True, targets=("besedka",),
                 note=f"{storm} clients log in at once (bcrypt cost 12) while 10 chat"),
        Workload("history", ["--workload", "requests", "--history", "100" if QUICK else "500",
                             "--sync", "30" if QUICK else "100",
                             "--max-id", str(history_messages)],
                 accounts=50, messages=history_messages, targets=("besedka",),
                 note=f"{history_messages:,} messages; history pages of 50 and syncs of 1,000"),
        # Not loadgen: bench/search_load.py, one version 2 client in Python.
        Workload("search", ["--requests", "50" if QUICK else "200"],
                 accounts=50, messages=history_messages, targets=("besedka",),
                 note=f"{history_messages:,} messages worded like chat; searches of 20 results "
                      "one at a time, by kind of query (bench/search_load.py)"),
    ]


def run_loadgen(pin: list[str], server: Server, workload: Workload, workdir: Path) -> dict[str, Any]:
    command = [*pin, str(LOADGEN), "--port", str(server.port), "--server-pid", str(server.pid),
               "--timeout", str(workload.timeout), *workload.args]
    if isinstance(server, PostgresNodes) and len(server.nodes) > 1:
        command[len(pin) + 1:len(pin) + 1] = ["--port2", str(server.nodes[1].port)]
    if server.name == "ngircd":
        command.insert(len(pin) + 1, "--irc")
    with (workdir / "loadgen.log").open("ab") as errors:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=errors,
                              timeout=workload.timeout + 60)
    if done.returncode != 0:
        raise RuntimeError(f"loadgen failed ({done.returncode}); see {workdir / 'loadgen.log'}")
    result: dict[str, Any] = json.loads(done.stdout)
    result["command"] = " ".join(command)
    return result


def run_search(pin: list[str], server: Server, workload: Workload, database: Path,
               workdir: Path) -> dict[str, Any]:
    """The search workload (bench/search_load.py) in the generator's place."""
    command = [*pin, sys.executable, "-m", "bench.search_load", "--port", str(server.port),
               "--database", str(database), *workload.args]
    with (workdir / "search.log").open("ab") as errors:
        done = subprocess.run(command, cwd=REPO, stdout=subprocess.PIPE, stderr=errors,
                              timeout=workload.timeout + 60)
    if done.returncode != 0:
        raise RuntimeError(f"search_load failed ({done.returncode}); see {workdir / 'search.log'}")
    result: dict[str, Any] = json.loads(done.stdout)
    result.update(command=" ".join(command), rate=0.0, unit="", lost=0,
                  lat_p50_ms=result["indexed_p50_ms"], lat_p99_ms=result["indexed_p99_ms"])
    return result


def run_idle_tls(workload: Workload, source: Path, workdir: Path) -> dict[str, Any]:
    """The idle workload's memory per connection with TLS on (issue 12, item 8):
    bench/idle_tls.py against a TLS server of ``source``, as many idle
    logged-in connections as the workload has.  Not pinned: it measures
    memory, and its Python clients do the TLS of all of them."""
    idle = workload.accounts - 10
    out = workdir / "idle_tls.json"
    with (workdir / "idle_tls.log").open("ab") as errors:
        subprocess.run([sys.executable, "-m", "bench.idle_tls", "--clients", str(idle),
                        "--transport", "tls", "--repo", str(source), "--json", str(out)],
                       cwd=REPO, stdout=errors, stderr=errors, check=True,
                       timeout=workload.timeout + 120)
    measured = json.loads(out.read_text())[0]
    return {"tls_kib_per_conn": measured["kib_per_conn"], "tls_seconds": measured["seconds"]}


def run_workload(workload: Workload, ngircd: str | None, pins: tuple[list[str], list[str]],
                 tmp: Path, history_db: dict[tuple[int, str], Path],
                 pg: BenchPostgres) -> list[dict[str, Any]]:
    server_pin, generator_pin = pins
    results: list[dict[str, Any]] = []
    targets = list(workload.targets)
    if workload.nodes and pg.problem is not None:
        log(f"bench: {workload.name} not run: {pg.problem}")
        return results
    if BASELINE and not workload.nodes:
        targets.insert(1, "baseline")
    for repeat in range(REPEATS):
        for target in targets:
            if target == "ngircd" and ngircd is None:
                continue
            workdir = Path(tempfile.mkdtemp(prefix=f"{workload.name.replace(' ', '-')}-", dir=tmp))
            if target in ("besedka", "baseline"):
                # Each tree's own migrations make its schema.
                source = Path(BASELINE) if target == "baseline" and BASELINE else REPO
                if workload.messages:
                    database = history_db.get((workload.messages, target))
                    if database is None:
                        log(f"bench: generating {workload.messages:,} messages for {target}")
                        database = tmp / f"history-{workload.messages}-{target}.db"
                        prepare(database, workload.accounts, messages=workload.messages,
                                source=source)
                        history_db[(workload.messages, target)] = database
                else:
                    database = workdir / "chat.db"
                    prepare(database, workload.accounts, workload.slow_from, source=source,
                            room_members=workload.room_members)
                server: Server
                if workload.nodes:
                    server = new_postgres_nodes(pg, database, workdir, server_pin,
                                                workload.nodes, target)
                else:
                    server = BesedkaServer(
                        workdir, database, server_pin, default_cost=workload.default_cost,
                        source=source, name=target)
            else:
                server = NgircdServer(ngircd or "ngircd", workdir, server_pin)
            try:
                if workload.name == "search":
                    # Only Besedka targets run it, so their database is set.
                    assert database is not None
                    result = run_search(generator_pin, server, workload, database, workdir)
                elif isinstance(server, PostgresNodes):
                    result = run_on_nodes(generator_pin, server, workload, workdir, pg)
                else:
                    result = run_loadgen(generator_pin, server, workload, workdir)
                if workload.name == "idle" and target in ("besedka", "baseline"):
                    try:
                        result.update(run_idle_tls(workload, source, workdir))
                    except (subprocess.SubprocessError, OSError, ValueError) as error:
                        log(f"bench: idle (TLS) on {target} failed: {error}; see "
                            "idle_tls.log:\n" + (workdir / "idle_tls.log").read_text(
                                errors="replace")[-2000:])
            except Exception as error:  # noqa: BLE001 - one failed run must not end the bench
                log(f"bench: {workload.name} on {target} failed: {error}")
                for path in sorted(workdir.glob("*.log")):  # the workdir goes with tmp
                    log(f"--- {path.name} (last lines)\n"
                        + "\n".join(path.read_text(errors="replace").splitlines()[-15:]))
                result = {"target": target, "failed": str(error)}
            finally:
                server.stop()
            result.update(target=target, workload=workload.name, repeat=repeat,
                          server_command=" ".join(server.command))
            results.append(result)
            p99 = {"login storm": "during_p99_ms", "history": "history_p99_ms"}.get(
                workload.name, "lat_p99_ms")
            if "kinds" in result:
                log(f"bench: search       {target:8} #{repeat + 1}: 3+ characters "
                    f"p50 {result['indexed_p50_ms']:.1f} ms, p99 {result['indexed_p99_ms']:.1f} "
                    f"ms; index {result['index_mib']:.0f} MiB, table {result['table_mib']:.0f} MiB")
            else:
                log(f"bench: {workload.name:12} {target:8} #{repeat + 1}: "
                    + (f"{result['rate']:,.0f} {result['unit']}, {p99} {result.get(p99, -1):.1f}, "
                       f"lost {result['lost']}, server {result['server_cpu_pct']:.0f} % CPU, "
                       f"generator {result['gen_cpu_pct']:.0f} %" if "rate" in result
                       else "failed"))
            for suffix in ("", "-wal", "-shm"):  # a 2,000-account database is not small
                (workdir / f"chat.db{suffix}").unlink(missing_ok=True)
    return results


def run_on_nodes(pin: list[str], server: PostgresNodes, workload: Workload, workdir: Path,
                 pg: BenchPostgres) -> dict[str, Any]:
    """loadgen against PostgreSQL nodes, with each node's CPU and
    PostgreSQL's (all its processes) over the whole loadgen run, logins
    included, in % of one CPU (``cluster_cpu_pct``)."""
    nodes_before, pg_before = [cpu_ticks(n.pid) for n in server.nodes], pg.cpu_ticks()
    started = time.monotonic()
    result = run_loadgen(pin, server, workload, workdir)
    ticks = (time.monotonic() - started) * TICK / 100
    pg_after = pg.cpu_ticks()  # a backend that came and went meanwhile is missed
    result["cluster_cpu_pct"] = {
        "nodes": [round((cpu_ticks(n.pid) - before) / ticks, 1)
                  for n, before in zip(server.nodes, nodes_before)],
        "postgres": round(sum(t - pg_before.get(pid, 0) for pid, t in pg_after.items())
                          / ticks, 1)}
    return result


# ----------------------------------------------------------------------
# Client scale (written by another engineer; run when present)


def run_client_scale() -> dict[str, Any]:
    script = BENCH / "client_scale.py"
    if not script.exists():
        return {"status": "not run", "detail": "bench/client_scale.py does not exist yet"}
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        done = subprocess.run([sys.executable, str(script), "--json"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return {"status": "failed", "detail": "timed out after 600 s"}
    if done.returncode != 0:
        lines = (done.stderr.strip() or done.stdout.strip()).splitlines()
        return {"status": "failed", "detail": lines[-1] if lines else f"exit {done.returncode}"}
    *_, detail, medians = done.stdout.strip().splitlines()
    return {"status": "ran", "detail": detail, **json.loads(medians)}


# ----------------------------------------------------------------------
# Report


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None and v >= 0]
    return statistics.median(values) if values else None


def fmt(value: float | None, digits: int = 1, unit: str = "") -> str:
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}{unit}"
    return f"{value:.{digits}f}{unit}"


def summarize(results: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Medians per (workload, target)."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in results:
        groups.setdefault((r["workload"], r["target"]), []).append(r)
    summary = {}
    for key, runs in groups.items():
        ok = [r for r in runs if "rate" in r]
        s: dict[str, Any] = {"runs": len(runs), "failed": len(runs) - len(ok)}
        for metric in ("rate", "lat_p50_ms", "lat_p99_ms", "server_hwm_kib", "gen_cpu_pct",
                       "server_cpu_pct", "other_cpu_pct", "kib_per_conn", "before_p99_ms", "during_p99_ms",
                       "before_p50_ms", "during_p50_ms", "history_p50_ms", "history_p99_ms",
                       "sync_p50_ms", "sync_p99_ms", "storm_s", "login_p50_ms",
                       "sync_avg_messages", "storm_logged_in", "setup_s", "tls_kib_per_conn",
                       "tls_seconds"):
            s[metric] = median([r[metric] for r in ok if metric in r])
        if any("kinds" in r for r in ok):
            s.update(_search_summary([r for r in ok if "kinds" in r]))
        s["lost"] = sum(r.get("lost", 0) for r in ok)
        s["closed"] = sum(r.get("closed", 0) for r in ok)
        s["errors"] = sum(r.get("errors", 0) for r in ok)
        s["unit"] = ok[0]["unit"] if ok else ""
        cluster = [r["cluster_cpu_pct"] for r in ok if "cluster_cpu_pct" in r]
        if cluster:
            s["nodes_cpu_pct"] = [median([c["nodes"][i] for c in cluster])
                                  for i in range(len(cluster[0]["nodes"]))]
            s["postgres_cpu_pct"] = median([c["postgres"] for c in cluster])
        summary[key] = s
    return summary


def _search_summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the repeats of the search workload, per kind of query."""
    kinds: dict[str, dict[str, Any]] = {}
    for kind, first in runs[0]["kinds"].items():
        kinds[kind] = {metric: median([r["kinds"][kind][metric] for r in runs])
                       for metric in ("p50_ms", "p99_ms", "results_avg")}
        kinds[kind]["queries"] = first["queries"]
    return {"kinds": kinds, **{metric: median([r[metric] for r in runs]) for metric in (
        "indexed_p50_ms", "indexed_p99_ms", "index_mib", "table_mib", "table_indexes_mib")}}


def postgres_version() -> str:
    bin_dir = postgres.find_bin_dir()
    if bin_dir is None or not (bin_dir / "postgres").exists():
        return "not installed"
    done = subprocess.run([str(bin_dir / "postgres"), "--version"], capture_output=True, text=True)
    return (done.stdout.strip() or "unknown") + ", fsync and synchronous_commit on"


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    tmp = os.environ.get("BENCH_TMP", "/var/tmp")
    fs = subprocess.run(["stat", "-f", "-c", "%T", tmp], capture_output=True, text=True).stdout
    ngircd = find_ngircd()
    ngircd_version = (subprocess.run([ngircd, "--version"], capture_output=True, text=True)
                      .stdout.splitlines()[0] if ngircd else "not installed")
    return [
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- CPU: {cpu}, {os.cpu_count()} CPUs; server pinned to CPU {SERVER_CPU}, "
        f"generator to CPU {GENERATOR_CPU}",
        f"- Kernel: {platform.system()} {platform.release()}",
        f"- Python: {platform.python_version()} ({sys.executable}); SQLite {sqlite3.sqlite_version}",
        f"- ngircd: {ngircd_version}",
        f"- PostgreSQL (the fanout (PostgreSQL) rows): {postgres_version()}",
        f"- Databases in {tmp} ({fs.strip() or 'unknown'} file system)",
        f"- Repeats: {REPEATS}{' (BENCH_QUICK=1: smaller workloads)' if QUICK else ''}",
        *([f"- Baseline: the Besedka server in {BASELINE}"] if BASELINE else []),
    ]


def render(summary: dict[tuple[str, str], dict[str, Any]], loads: list[Workload],
           client: dict[str, Any], ngircd: str | None, pg_problem: str | None = None) -> str:
    head = ("| target | workload | rate | p50 ms | p99 ms | lost | server peak RSS | "
            "server CPU | generator CPU | other load | Besedka/ngircd |")
    rows = [head, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for w in loads:
        b = summary.get((w.name, "besedka"))
        n = summary.get((w.yardstick or w.name, "ngircd"))
        base = summary.get((w.name, "baseline"))
        shown = ([("besedka", b)] + ([("baseline", base)] if BASELINE and not w.nodes else [])
                 + ([] if w.yardstick else [("ngircd", n)]))
        for target, s in shown:
            if target not in w.targets and target != "baseline":
                if target == "ngircd":
                    rows.append(f"| ngircd | {w.name} | no equivalent | | | | | | | | |")
                continue
            if s is None:
                why = (" (ngircd not installed)" if target == "ngircd" and not ngircd
                       else f" ({pg_problem})" if w.nodes and pg_problem else "")
                rows.append(f"| {target} | {w.name} | not run{why}"
                            " | | | | | | | | |")
                continue
            ratio = ""
            if target in ("besedka", "baseline") and n and s and n["rate"] and s["rate"]:
                ratio = f"rate {s['rate'] / n['rate']:.2f}×"
                if n["lat_p99_ms"] and s["lat_p99_ms"]:
                    ratio += f", p99 {s['lat_p99_ms'] / n['lat_p99_ms']:.1f}×"
            p50, p99 = s["lat_p50_ms"], s["lat_p99_ms"]
            if w.name == "history":
                p50, p99 = s["history_p50_ms"], s["history_p99_ms"]
            rate = f"{fmt(s['rate'], 0)} {s['unit']}"
            if w.name == "search":
                rate = "queries of 3+ characters"
            failed = f" ({s['failed']} failed)" if s["failed"] else ""
            rss = fmt(s["server_hwm_kib"] / 1024 if s["server_hwm_kib"] else None, 1, " MiB")
            rows.append(
                f"| {target} | {w.name} | {rate}{failed} | {fmt(p50, 2)} | {fmt(p99, 2)} | "
                f"{s['lost']} | {rss} | {fmt(s['server_cpu_pct'], 0, ' %')} | "
                f"{fmt(s['gen_cpu_pct'], 0, ' %')} | {fmt(s['other_cpu_pct'], 0, ' %')} | {ratio} |")
            if "postgres_cpu_pct" in s:
                nodes = " + ".join(fmt(c, 0, " %") for c in s["nodes_cpu_pct"])
                rows.append(f"| {target} | {w.name}: CPU of the node{'s' if w.nodes > 1 else ''}"
                            f"; of PostgreSQL (whole run) | {nodes}; "
                            f"{fmt(s['postgres_cpu_pct'], 0, ' %')} | | | | | | | | |")
            if w.name == "idle":
                rows.append(f"| {target} | idle: memory per connection | "
                            f"{fmt(s['kib_per_conn'], 2, ' KiB')} (logging all in took "
                            f"{fmt(s['setup_s'], 1, ' s')}) | | | | | | | | |")
                if target != "ngircd":  # (it speaks no TLS)
                    rows.append(f"| {target} | idle (TLS): memory per connection | "
                                f"{fmt(s['tls_kib_per_conn'], 2, ' KiB')} (bench/idle_tls.py, "
                                f"as many connections; took {fmt(s['tls_seconds'], 1, ' s')}) "
                                "| | | | | | | | |")
            if w.name == "login storm":
                rows.append(f"| {target} | login storm: chatters before | | "
                            f"{fmt(s['before_p50_ms'], 2)} | {fmt(s['before_p99_ms'], 2)} | | | | | | |")
                rows.append(f"| {target} | login storm: chatters during | "
                            f"storm {fmt(s['storm_s'], 1, ' s')}, "
                            f"{fmt(s['storm_logged_in'], 0)} logged in | {fmt(s['during_p50_ms'], 2)} | "
                            f"{fmt(s['during_p99_ms'], 2)} | | | | | | |")
            if w.name == "search" and "kinds" in s:
                for kind, k in s["kinds"].items():
                    rows.append(f"| {target} | search: {kind} ({', '.join(k['queries'])}) | "
                                f"{fmt(k['results_avg'], 1)} results/reply | "
                                f"{fmt(k['p50_ms'], 2)} | {fmt(k['p99_ms'], 2)} | | | | | | |")
                rows.append(f"| {target} | search index | {fmt(s['index_mib'], 0)} MiB; the "
                            f"messages table {fmt(s['table_mib'], 0)} MiB and its indexes "
                            f"{fmt(s['table_indexes_mib'], 0)} MiB | | | | | | | | |")
            if w.name == "history":
                rows.append(f"| {target} | sync of 1,000 | "
                            f"{fmt(s['sync_avg_messages'], 0)} messages/reply | "
                            f"{fmt(s['sync_p50_ms'], 2)} | {fmt(s['sync_p99_ms'], 2)} | | | | | | |")
    rows.append(f"| besedka | client (100,000-message conversation) | {client['status']}: "
                f"{client['detail']} | | | | | | | | |")
    return "\n".join(rows)


def targets(summary: dict[tuple[str, str], dict[str, Any]], client: dict[str, Any]) -> list[str]:
    """The issue's goals, each with the measured value and whether it is met."""
    def get(workload: str, target: str, metric: str) -> float | None:
        s = summary.get((workload, target))
        return None if s is None else s.get(metric)

    lines = []

    def goal(text: str, value: float | None, limit: float | None, higher_is_better: bool,
             shown: str) -> None:
        if value is None or limit is None:
            lines.append(f"- {text}: not measured")
            return
        met = value >= limit if higher_is_better else value < limit
        lines.append(f"- {text}: {shown} — {'met' if met else 'NOT met'}")

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    fanout = ratio(get("fanout", "besedka", "rate"), get("fanout", "ngircd", "rate"))
    goal("fanout deliveries/s ≥ 1.0× ngircd", fanout, 1.0, True, f"{fmt(fanout, 3)}×")
    pb, pn = get("fanout", "besedka", "lat_p99_ms"), get("fanout", "ngircd", "lat_p99_ms")
    goal("fanout p99 ≤ 2× ngircd's", ratio(pb, pn), 2.0 + 1e-9, False,
         f"{fmt(ratio(pb, pn))}× ({fmt(pb)} ms vs {fmt(pn)} ms)")
    pairs = ratio(get("pairs", "besedka", "rate"), get("pairs", "ngircd", "rate"))
    goal("pairs round trips/s ≥ 0.5× ngircd", pairs, 0.5, True, f"{fmt(pairs, 3)}×")
    # Issue 20's targets, on the same figures.
    goal("issue 20: fanout deliveries/s ≥ 1.1× ngircd", fanout, 1.1, True, f"{fmt(fanout, 3)}×")
    goal("issue 20: fanout p99 ≤ 1.5× ngircd's", ratio(pb, pn), 1.5 + 1e-9, False,
         f"{fmt(ratio(pb, pn))}×")
    goal("issue 20: pairs round trips/s ≥ 0.25× ngircd", pairs, 0.25, True, f"{fmt(pairs, 3)}×")
    pairs_p50 = get("pairs", "besedka", "lat_p50_ms")
    goal("issue 20: pairs p50 ≤ 5 ms", pairs_p50, 5.0 + 1e-9, False, f"{fmt(pairs_p50, 2)} ms")
    kib = get("idle", "besedka", "kib_per_conn")
    goal("idle ≤ 10 KiB per connection", kib, 10.0 + 1e-9, False, f"{fmt(kib, 2)} KiB")
    tls_kib = get("idle", "besedka", "tls_kib_per_conn")
    goal("issue 12: idle (TLS) < 16 KiB per connection", tls_kib, 16.0, False,
         f"{fmt(tls_kib, 2)} KiB")
    ip99 = get("idle", "besedka", "lat_p99_ms")
    goal("idle chatters' p99 < 20 ms", ip99, 20.0, False, f"{fmt(ip99, 2)} ms")
    before, during = (get("login storm", "besedka", "before_p99_ms"),
                      get("login storm", "besedka", "during_p99_ms"))
    rise = during - before if during is not None and before is not None else None
    goal("login storm: chatters' p99 rises < 50 ms", rise, 50.0, False,
         f"{'+' if (rise or 0) >= 0 else ''}{fmt(rise, 2)} ms "
         f"({fmt(before, 2)} → {fmt(during, 2)} ms)")
    h = get("history", "besedka", "history_p50_ms")
    goal("history page of 50 < 5 ms median", h, 5.0, False, f"{fmt(h, 2)} ms")
    sy = get("history", "besedka", "sync_p50_ms")
    goal("sync of 1,000 < 50 ms median", sy, 50.0, False, f"{fmt(sy, 2)} ms")
    sp50, sp99 = get("search", "besedka", "indexed_p50_ms"), get("search", "besedka",
                                                                  "indexed_p99_ms")
    goal("search of 3+ characters < 20 ms median", sp50, 20.0, False, f"{fmt(sp50, 2)} ms")
    goal("search of 3+ characters < 100 ms p99", sp99, 100.0, False, f"{fmt(sp99, 2)} ms")
    first = client.get("first_page_ms")
    goal("client: first page of a 100,000-message conversation < 100 ms", first, 100.0, False,
         f"{fmt(first, 0)} ms")
    growth = client.get("rss_growth_mib")
    goal("client: memory flat (± 20 MB) across a 10,000-message scroll-back",
         None if growth is None else abs(growth) * 1.048576, 20.0 + 1e-9, False,
         f"{'+' if (growth or 0) >= 0 else ''}{fmt(growth, 1)} MiB")
    return lines


def main() -> None:
    raise_file_limit()
    build_loadgen()
    ngircd = find_ngircd()
    if ngircd is None:
        log("bench: ngircd is not available; its rows will say 'not run'")
    pins = pinning()
    base = Path(os.environ.get("BENCH_TMP", "/var/tmp"))
    tmp = Path(tempfile.mkdtemp(prefix="besedka-bench-", dir=base))
    loads = [w for w in workloads() if not ONLY or (w.key or w.name.replace(" ", "-")) in ONLY
             or w.name in ONLY]
    started = time.monotonic()
    results: list[dict[str, Any]] = []
    history_db: dict[tuple[int, str], Path] = {}
    pg = BenchPostgres(base, pins[0])
    try:
        for workload in loads:
            results += run_workload(workload, ngircd, pins, tmp, history_db, pg)
    finally:
        pg.close()
        shutil.rmtree(tmp, ignore_errors=True)
    file_runs = (files_workload(pins, REPEATS) if not ONLY or "files" in ONLY else [])
    client = run_client_scale() if not ONLY or "client" in ONLY else {
        "status": "not run", "detail": "BENCH_ONLY"}
    summary = summarize(results)
    table = render(summary, loads, client, ngircd, pg.problem)
    goals = targets(summary, client)
    if file_runs:
        file_rows, file_goals = render_files(file_runs)
        table += "\n" + "\n".join(file_rows)
        goals += file_goals
    elapsed = time.monotonic() - started

    notes = "\n".join([f"- **{w.name}**: {w.note}" for w in loads]
                      + ([f"- **files**: {FILES_NOTE}"] if file_runs else []))
    others = [r["other_cpu_pct"] for r in results if r.get("other_cpu_pct", -1) >= 0]
    warning = []
    if others and statistics.median(others) > 25:
        warning = [f"**Warning: other processes kept the machine busy during these runs** "
                   f"(median {statistics.median(others):.0f} % of one CPU, up to "
                   f"{max(others):.0f} %; the servers and the generator are pinned to the only "
                   "two CPUs, so they lost CPU time to them): the absolute figures are low and "
                   "noisy; ratios from the same run are the figures to trust, and then "
                   "only roughly.", ""]
    report = "\n".join([
        "# Besedka benchmark", "",
        *machine(), f"- Took {elapsed / 60:.1f} minutes", "",
        "Medians over the repeats (lost, closed: totals). Rates: fanout counts deliveries "
        "from the first send to the last delivery; pairs counts round trips; the chat "
        "workloads (idle, login storm) count delivered direct messages at a fixed pace. "
        "Latency: fanout and chat, send to delivery; pairs, the round trip; history, "
        "request to reply. CPU: share of one core over the measured window; other load: "
        "what other processes used meanwhile (of 200 % on two CPUs).", "",
        *warning, table, "", "## Goals (issues 7, 17 and 20)", "", *goals, "", "## Workloads", "",
        notes, "",
        "Raw results of every run, with the exact commands: `bench/results/latest.json`.", "",
    ])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(report)
    (RESULTS / "latest.json").write_text(json.dumps(results + file_runs, indent=1) + "\n")
    print(report)

    if os.environ.get("BENCH_PROFILE") == "1":
        from bench.profile import profile_server

        profile_server(pins, tmp_base=base)


if __name__ == "__main__":
    main()
