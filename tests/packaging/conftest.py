"""Fixtures of the packaging tests: the build, once per session.

Tests marked ``package`` need the frozen bundles.  The ``dist`` fixture
builds them (and the .deb) with ``packaging/build.py`` -- the same command
``make package`` runs -- into the repository's ``dist/``, once per session.
To try a test against bundles built earlier, set ``BESEDKA_DIST=dist``: the
build is then skipped (and so is the test that proves it runs).

Sizes, build time and the client's cold-start time are printed at the end
of the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "packaging"))

import speccommon  # noqa: E402

#: Facts for the summary at the end of the run.
REPORT: dict[str, str] = {}


@dataclass
class Dist:
    """The build's output folder and what is in it."""

    path: Path
    built: bool
    build_seconds: float | None = None
    build_log: str = ""
    deb: Path | None = None
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def client(self) -> Path:
        return self.path / speccommon.CLIENT_NAME

    @property
    def server(self) -> Path:
        return self.path / speccommon.SERVER_NAME

    @property
    def client_exe(self) -> Path:
        return self.client / (speccommon.CLIENT_NAME + (".exe" if sys.platform == "win32" else ""))

    @property
    def scripted_client_exe(self) -> Path:
        """The test-only client beside the real one (client_gui/scripted.py)."""
        return self.client / (speccommon.SCRIPTED_CLIENT_NAME
                              + (".exe" if sys.platform == "win32" else ""))

    @property
    def server_exe(self) -> Path:
        return self.server / (speccommon.SERVER_NAME + (".exe" if sys.platform == "win32" else ""))


def tree_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*")
               if item.is_file() and not item.is_symlink())


@pytest.fixture(scope="session")
def dist() -> Dist:
    prebuilt = os.environ.get("BESEDKA_DIST")
    if prebuilt:
        result = Dist(Path(prebuilt).resolve(), built=False)
    else:
        started = time.monotonic()
        completed = subprocess.run([sys.executable, str(REPO / "packaging" / "build.py")],
                                   cwd=REPO, capture_output=True, text=True, check=False)
        log = completed.stdout + completed.stderr
        if completed.returncode != 0:
            pytest.fail(f"packaging/build.py failed (exit {completed.returncode}):\n{log[-20000:]}")
        result = Dist(REPO / "dist", built=True, build_seconds=time.monotonic() - started,
                      build_log=log)
        REPORT["build (make package)"] = f"{result.build_seconds:.0f} s"
    debs = sorted(result.path.glob(f"besedka_{speccommon.VERSION}_*.deb"))
    result.deb = debs[-1] if debs else None
    for name, path in (("client bundle", result.client), ("server bundle", result.server)):
        if path.is_dir():
            result.sizes[name] = tree_size(path)
            REPORT[f"{name} ({path.name}/)"] = f"{result.sizes[name] / 1e6:.1f} MB"
    if result.deb is not None:
        result.sizes["deb"] = result.deb.stat().st_size
        REPORT[f"package ({result.deb.name})"] = f"{result.sizes['deb'] / 1e6:.1f} MB"
    return result


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT:
        terminalreporter.section("Besedka packaging")
        for key, value in REPORT.items():
            terminalreporter.write_line(f"{key}: {value}")
