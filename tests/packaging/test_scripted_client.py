"""The test-only hook of client_gui/scripted.py, on the source client.

The packaging tests drive the frozen client through it; this proves the
hook itself in the ordinary test run, against a real server: the login
window is shown and reported, the client logs in by itself, and a message
sent to it is reported on stdout.  Without the variables it stays silent.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, ServerProcess

from .programs import Program, client_env, exercise_client


def test_the_client_logs_in_by_itself_and_reports_a_message(server: ServerProcess,
                                                            tmp_path: Path) -> None:
    client = exercise_client([sys.executable, "-m", "client_gui"], server.address,
                             tmp_path / "home")
    client.stop()


def test_without_the_variables_the_client_prints_nothing(tmp_path: Path) -> None:
    env = client_env(tmp_path / "home", PYTHONPATH=str(REPO))
    client = Program([sys.executable, "-m", "client_gui", "--server", "127.0.0.1:9"], env=env,
                     cwd=REPO, console=False)
    with contextlib.suppress(subprocess.TimeoutExpired):  # still running, as a GUI should
        client.process.wait(1.5)
    client.stop()
    assert client.stdout_lines == []
