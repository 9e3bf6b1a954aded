"""The files workload (bench/files.py) moves the whole file both ways, for
Besedka and for its anchor, ``openssl s_server``.

Its figures are only worth anything if every transfer it times delivered
every byte: the anchor's upload was once cut short by ``s_client`` taking
random bytes for commands, and reported as a rate.  This runs the workload
with a small file and checks that both targets' transfers completed (the
workload checks the SHA-256 of every file received) and that it recorded
the CPU of both ends.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

import bench.files as files

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"),
                       reason="bench/files.py reads /proc (Linux)"),
    pytest.mark.skipif(shutil.which("openssl") is None,
                       reason="the anchor is the openssl command"),
]


def test_both_targets_move_the_whole_file_both_ways(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(files, "SIZE_MIB", 8)
    monkeypatch.setenv("BENCH_FILES_TMP", str(tmp_path))
    monkeypatch.setenv("BENCH_TMP", str(tmp_path))
    runs = files.files_workload(([], []), 1)
    assert [r["target"] for r in runs] == ["besedka", "openssl"]
    for run in runs:
        assert "failed" not in run, run
        for direction in ("upload", "download"):
            assert run[f"{direction}_mb_s"] > 0
            assert run[f"{direction}_client_cpu_s"] >= 0
            assert run[f"{direction}_server_cpu_s"] >= 0
    assert runs[0]["server_hwm_kib"] > 0
