"""The benchmark harness works: bench/loadgen.c builds and drives a real server,
and so does the search workload (bench/search_load.py).

``make bench`` is too slow for CI, so this runs the generator for about a
second per workload, with small numbers, against the ``server`` fixture, and
checks that every message was delivered: a generator that miscounts would
make every benchmark figure wrong.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.prepare import prepare

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "bench" / "loadgen.c"

# The generator is one epoll loop and reads the server's CPU from /proc, as
# the benchmarks (run on Linux, against ngircd) need.
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="bench/loadgen.c uses epoll and /proc (Linux)")


@pytest.fixture(scope="module")
def loadgen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build bench/loadgen.c")
    binary = tmp_path_factory.mktemp("loadgen") / "loadgen"
    subprocess.run([compiler, "-O2", "-Wall", "-Werror", "-o", str(binary), str(SOURCE)],
                   check=True)
    return binary


def run(loadgen: Path, server: Any, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [str(loadgen), "--port", str(server.port), "--server-pid", str(server.process.pid),
         "--register", "--timeout", "10", *args],
        capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    assert (result["lost"], result["errors"], result["closed"]) == (0, 0, 0), (result, done.stderr)
    return result


def test_fanout_delivers_every_message_to_every_other_client(loadgen, server) -> None:
    result = run(loadgen, server, "--workload", "fanout", "--clients", "5",
                 "--messages", "20", "--window", "4")
    assert result["received"] == result["expected"] == 5 * 4 * 20
    assert result["acks"] == 5 * 20
    assert result["out_of_order"] == 0
    assert result["lat_n"] == result["received"] and result["lat_p99_ms"] > 0


def test_pairs_complete_every_round_trip(loadgen, server) -> None:
    result = run(loadgen, server, "--workload", "pairs", "--clients", "4", "--round-trips", "10")
    assert result["lat_n"] == 2 * 10
    assert result["received"] == result["expected"] == 2 * 10 * 2


def test_chat_with_idle_clients_measures_memory_and_latency(loadgen, server) -> None:
    result = run(loadgen, server, "--workload", "chat", "--clients", "3", "--idle", "10",
                 "--duration", "1", "--interval-ms", "50")
    assert result["received"] == result["sent"] > 0
    assert result["rss_after_kib"] > 0 and result["lat_n"] == result["received"]


def test_the_search_workload_times_every_kind_of_query(server_factory, database_dir) -> None:
    # A small database made the way the benchmark makes its million
    # messages: accounts with the benchmark's password, lines worded like chat.
    database = database_dir / "search.db"
    prepare(database, 3, messages=3000)
    server = server_factory("--no-rate-limits", database=database)
    done = subprocess.run(
        [sys.executable, "-m", "bench.search_load", "--port", str(server.port), "--database",
         str(database), "--requests", "4", "--warmup", "1"],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    kinds = result["kinds"]
    assert set(kinds) == {"common word", "rare word", "2 characters", "no match",
                          "common word, one conversation"}
    assert all(k["requests"] == 4 and k["p99_ms"] >= k["p50_ms"] > 0 for k in kinds.values())
    assert kinds["common word"]["results_avg"] == 20 and kinds["no match"]["results_avg"] == 0
    assert result["index_mib"] > 0 and result["table_mib"] > 0


def test_room_fanout_delivers_every_sender_s_messages_to_every_other_member(
        loadgen, server_factory, tmp_path) -> None:
    # The room is made in the database, as `make bench` makes it.
    database = tmp_path / "bench.db"
    prepare(database, 8, room_members=7)
    server = server_factory("--no-rate-limits", database=database)
    done = subprocess.run(
        [str(loadgen), "--port", str(server.port), "--server-pid", str(server.process.pid),
         "--timeout", "10", "--workload", "fanout", "--clients", "7", "--senders", "2",
         "--messages", "10", "--window", "3", "--room", "1"],
        capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["lost"], result["errors"], result["closed"]) == (0, 0, 0), result
    assert result["received"] == result["expected"] == 2 * 10 * 6
    assert result["senders"] == 2 and result["out_of_order"] == 0


def test_the_idle_tls_measurement_logs_in_every_connection_and_reports_memory(
        tmp_path: Path) -> None:
    # make bench's "idle (TLS)" row (bench/idle_tls.py --transport tls).
    out = tmp_path / "idle_tls.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.idle_tls", "--clients", "5", "--transport", "tls",
         "--json", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    [result] = json.loads(out.read_text())
    assert (result["transport"], result["clients"]) == ("TLS", 5)
    assert result["rss_before_kib"] > 0 and result["rss_after_kib"] > 0
    assert "| TLS | 5 |" in done.stdout


@pytest.mark.postgres
def test_fanout_on_two_postgres_nodes_delivers_every_message_in_order(
        postgres_cluster, tmp_path) -> None:
    """make bench's "fanout (PostgreSQL, 2 nodes)" path, small: the bench's
    accounts copied into PostgreSQL, two nodes on that database, the odd
    clients on the second (``loadgen --port2``); every message still reaches
    every other client once, in order, and each node's CPU is reported."""
    from bench import run as bench

    bench.build_loadgen()
    database = tmp_path / "bench.db"
    prepare(database, 6)
    pg = bench.BenchPostgres(tmp_path, [], cluster=postgres_cluster)
    nodes = bench.new_postgres_nodes(pg, database, tmp_path, [], 2)
    workload = bench.Workload("fanout (PostgreSQL, 2 nodes)", [
        "--workload", "fanout", "--clients", "6", "--messages", "20", "--window", "4"],
        accounts=6, nodes=2, timeout=10)
    try:
        result = bench.run_on_nodes([], nodes, workload, tmp_path, pg)
    finally:
        nodes.stop()
    assert "--port2" in result["command"]
    assert (result["lost"], result["errors"], result["closed"]) == (0, 0, 0), result
    assert result["received"] == result["expected"] == 6 * 5 * 20
    assert result["acks"] == 6 * 20 and result["out_of_order"] == 0
    assert len(result["cluster_cpu_pct"]["nodes"]) == 2
