"""The test-only entry point (client_gui/scripted.py), on the source client.

The packaging tests drive the frozen client through it; this proves it in
the ordinary test run, against a real server: the login window is shown
and reported, the client logs in by itself, and a message sent to it is
reported on stdout.  The real client (``python -m client_gui``) has no such
hook: no module of it imports the hook, and given the same variables it
stays silent.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from tests.conftest import REPO, ServerProcess
from tests.wire import PASSWORD

from .programs import Program, client_env, exercise_client, register, run


def test_the_scripted_client_logs_in_by_itself_and_reports_a_message(
        server: ServerProcess, tmp_path: Path) -> None:
    client = exercise_client([sys.executable, "-m", "client_gui.scripted"], server.address,
                             tmp_path / "home")
    client.stop()


def imports_the_hook(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            if any(alias.name == "client_gui.scripted" for alias in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module in ("client_gui.scripted", "scripted") or (
                    module in ("client_gui", "") and any(alias.name == "scripted"
                                                         for alias in node.names)):
                return True
    return False


def test_no_module_of_the_real_client_imports_the_hook() -> None:
    modules = sorted((REPO / "client_gui").glob("*.py"))
    assert imports_the_hook(REPO / "packaging" / "entry_points" / "besedka_scripted.py")
    assert [path.name for path in modules if imports_the_hook(path)] == []
    assert not imports_the_hook(REPO / "packaging" / "entry_points" / "besedka.py")


def test_the_real_client_ignores_the_test_variables(server: ServerProcess,
                                                    tmp_path: Path) -> None:
    run(register(server.address, "erin"))
    host, port = server.address
    env = client_env(tmp_path / "home", PYTHONPATH=str(REPO), BESEDKA_REPORT="1",
                     BESEDKA_AUTOLOGIN_USER="erin", BESEDKA_AUTOLOGIN_PASSWORD=PASSWORD)
    real = Program([sys.executable, "-m", "client_gui", "--server", f"{host}:{port}",
                    "--no-tls"], env=env, cwd=REPO, console=False)
    try:
        # The same client with the hook, started after the real one, gets
        # all the way to logged in; by then the real one would have said
        # at least "login window shown" if it listened to the variables.
        scripted = exercise_client([sys.executable, "-m", "client_gui.scripted"],
                                   server.address, tmp_path / "home2", user="frank",
                                   sender="grace")
        scripted.stop()
        assert real.process.poll() is None, real.output  # still running, as a GUI should
    finally:
        real.stop()
    assert real.stdout_lines == []
