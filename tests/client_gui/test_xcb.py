"""The client on a real X server through Qt's xcb plugin, not only offscreen.

Offscreen rendering proves the widgets; this proves the program a person
starts: the xcb plugin and the system libraries it loads, window mapping,
keyboard input through X, and the ``main`` entry point.  Xvfb is installed
when missing and we are root; otherwise the test fails saying what to
install, because a silently skipped test would hide exactly the breakage it
exists for.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, ServerProcess


# On a fresh machine the fixture installs Xvfb and Qt's X libraries first,
# which can take longer than the suite's usual two minutes.
@pytest.mark.timeout(900)
@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="X11 (xcb) is the Linux desktop's window system")
def test_client_runs_on_a_real_x_server(x_display: str, server_factory,  # type: ignore[no-untyped-def]
                                        tmp_path: Path) -> None:
    # The client's default: TLS, trusting the certificate on first use.
    server: ServerProcess = server_factory("--no-rate-limits", tls=True)
    screenshot = tmp_path / "xcb.png"  # kept with the test's files, to look at
    env = {**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb",
           # The user's settings stay untouched: QSettings follows XDG.
           "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_RUNTIME_DIR": str(tmp_path / "runtime")}
    (tmp_path / "runtime").mkdir(mode=0o700)
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("xcb_session.py")),
         f"{server.host}:{server.port}", str(screenshot)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "XCB OK" in result.stdout
    assert screenshot.stat().st_size > 1000
    # The settings went to the temporary place, with the account remembered.
    stored = (tmp_path / "config" / "Besedka" / "Besedka.conf").read_text()
    assert "xcb-user" in stored and "password on X11" not in stored
    assert "pinned_certificates" in stored


def test_module_entry_point_answers_version() -> None:
    result = subprocess.run([sys.executable, "-m", "client_gui", "--version"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("Besedka ")
