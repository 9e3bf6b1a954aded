"""The server as a Windows service (server/winservice.py), as far as it runs anywhere.

``service debug`` runs exactly what the service control manager starts
(the service's data folder, its log file, the stop request it answers) in a
console, so it is tested here on every system as a real process.  What
only Windows has, registering with the service control manager and its
stop request, is exercised by the Windows CI job, which installs the
setup with the service and talks to it (.github/workflows/windows.yml).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NEW_PROCESS_GROUP, REPO, STOP_SIGNAL
from tests.security.helpers import assert_private_dir, assert_private_file

from .helpers import Clients, run


def test_the_service_runs_the_server_on_its_data_folder_and_stops_cleanly(
        tmp_path: Path, usual_umask: None) -> None:
    data = tmp_path / "ProgramData" / "Besedka"
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "service", "debug", "--data-folder", str(data),
         "--host", "127.0.0.1", "--port", "0", "--bcrypt-rounds", "4", "--no-tls",
         "--no-announce"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8",
        errors="replace", **NEW_PROCESS_GROUP)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("listening on 127.0.0.1:"), line + process.communicate()[1]
        port = int(line.rsplit(":", 1)[1])

        async def chat(clients: Clients) -> None:
            alice = await clients.register("alice")
            await alice.send("stored by the service")

        run(chat, ("127.0.0.1", port))
        process.send_signal(STOP_SIGNAL)
        _, errors = process.communicate(timeout=30)
        assert process.returncode == 0, errors
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert_private_dir(data)
    for name in ("besedka.db", "logs/besedka-server.log"):
        assert_private_file(data / name)
    log = (data / "logs" / "besedka-server.log").read_text("utf-8")
    assert f"running as a service; data in {data}" in log
    assert "shutting down" in log and log.rstrip().endswith("stopped")
    # The console shows the same log (that is what `service debug` is for).
    assert "running as a service" in errors

    with sqlite3.connect(data / "besedka.db") as connection:
        assert connection.execute("SELECT body FROM messages").fetchall() == [
            ("stored by the service",)]


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows it would really install")
def test_service_commands_say_they_need_windows_elsewhere() -> None:
    result = subprocess.run([sys.executable, "-m", "server", "service", "install"], cwd=REPO,
                            capture_output=True, encoding="utf-8", timeout=60, check=False)
    assert result.returncode == 1
    assert "Windows services exist on Windows only" in result.stderr
