"""The frozen client starts, shows its login window, logs in and receives.

It runs from dist/Besedka with Qt's offscreen platform, as
``besedka-scripted``: the bundle's test-only executable, which shares every
file of the bundle with ``Besedka`` and adds the hook of
client_gui/scripted.py (it fills in and submits its own login window),
against the frozen server.  ``Besedka`` itself carries no hook, which is
checked in its archive.  The cold start to the login window is measured here
too, and reported at the end of the run.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from .conftest import REPORT, Dist
from .programs import Program, client_env, exercise_client, start_server

pytestmark = [pytest.mark.package, pytest.mark.timeout(1800)]

COLD_START_RUNS = 5


@pytest.fixture
def frozen_server(dist: Dist, tmp_path: Path):  # type: ignore[no-untyped-def]
    server, address = start_server([str(dist.server_exe)], tmp_path / "chat.db")
    yield address
    assert server.stop() == 0, server.output


def test_frozen_client_logs_in_and_receives_a_message(dist: Dist, frozen_server: tuple[str, int],
                                                      tmp_path: Path) -> None:
    client = exercise_client([str(dist.scripted_client_exe)], frozen_server, tmp_path / "home")
    client.stop()
    # Nothing in the bundle was missing at run time: no Python traceback and
    # no complaint from Qt about plugins, translations or icons.
    for problem in ("Traceback", "Could not load the Qt platform plugin", "no translation"):
        assert problem not in client.output, client.output


def test_frozen_client_speaks_russian_with_the_bundled_translation(
    dist: Dist, tmp_path: Path,
) -> None:
    env = client_env(tmp_path / "home", BESEDKA_REPORT="1", LANG="ru_RU.UTF-8", LANGUAGE="ru")
    client = Program([str(dist.scripted_client_exe), "--server", "127.0.0.1:9"], env=env,
                     console=False)
    try:
        client.wait_for_line("login window shown", timeout=60)
    finally:
        client.stop()
    # i18n.py logs "no translation besedka_ru in ..." when the .qm is absent.
    assert "no translation" not in client.output, client.output


def test_frozen_client_cold_start_to_the_login_window(dist: Dist, tmp_path: Path) -> None:
    """Median time from exec to 'login window shown' (window shown and the
    event loop running), offscreen, over several runs."""
    timings = []
    for run in range(COLD_START_RUNS):
        env = client_env(tmp_path / f"home{run}", BESEDKA_REPORT="1")
        client = Program([str(dist.scripted_client_exe), "--server", "127.0.0.1:9"], env=env,
                         console=False)
        try:
            seconds, _ = client.wait_for_line("login window shown", timeout=60)
        finally:
            client.stop()
        timings.append(seconds)
    median = statistics.median(timings)
    REPORT["client cold start to login window (median of "
           f"{COLD_START_RUNS}, offscreen)"] = (
        f"{median:.2f} s (runs: {', '.join(f'{t:.2f}' for t in timings)})")
    assert median < 15, timings


def test_only_the_test_executable_carries_the_test_hook(dist: Dist) -> None:
    from PyInstaller.archive.readers import pkg_archive_contents

    def client_modules(exe: Path) -> set[str]:
        return {name for name in pkg_archive_contents(str(exe))
                if name.startswith("client_gui.")}

    product, scripted = client_modules(dist.client_exe), client_modules(dist.scripted_client_exe)
    assert "client_gui.app" in product and "client_gui.scripted" not in product
    # Otherwise the same client: what the packaging tests drive is what users run.
    assert scripted - product == {"client_gui.scripted"}
