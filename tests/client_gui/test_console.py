"""The windowed client without a console (client_gui/console.py, issue 21 item 10).

The installed Windows client has no standard output or error.  Two tests
take them away here too: in-process (``sys.stdout`` and ``sys.stderr`` set
to None, as Python leaves them for a windowed program) for ``--version``,
``--help`` and a usage error, which appear in a message box; and a real
client process started without them (``pythonw`` on Windows, closed
descriptors elsewhere), whose ``--debug`` log lands in the user's log folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QTextDocumentFragment
from PyQt6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from client_gui.app import main
from protocol.version import BESEDKA_VERSION
from tests.conftest import REPO


def answer_of(argv: list[str], monkeypatch: pytest.MonkeyPatch
              ) -> tuple[int | str | None, QMessageBox.Icon, str]:
    """Run main(argv) without standard output and error; the exit code and
    the message box it showed."""
    # Here, not in a fixture: pytest puts its capture back before each test.
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    shown: list[tuple[QMessageBox.Icon, str]] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        shown.append((box.icon(), QTextDocumentFragment.fromHtml(box.text()).toPlainText()))
        box.accept()

    QTimer.singleShot(0, read_and_close)
    with pytest.raises(SystemExit) as leaving:
        main(argv)
    monkeypatch.undo()
    assert len(shown) == 1, "no message box was shown"
    return leaving.value.code, *shown[0]


def test_without_a_console_the_version_is_shown_in_a_window(
        qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    code, icon, text = answer_of(["--version"], monkeypatch)
    assert (code, icon, text) == (0, QMessageBox.Icon.Information, f"Besedka {BESEDKA_VERSION}")


def test_without_a_console_the_help_is_shown_in_a_window(
        qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    code, icon, text = answer_of(["--help"], monkeypatch)
    assert code == 0 and icon == QMessageBox.Icon.Information
    assert text.startswith("usage: besedka") and "--server HOST:PORT" in text


def test_without_a_console_a_bad_option_is_explained_in_a_window(
        qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    code, icon, text = answer_of(["--server"], monkeypatch)  # no address after it
    assert code == 2 and icon == QMessageBox.Icon.Warning
    assert "argument --server" in text


@pytest.fixture
def log_home(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    """An environment whose per-user folders are in ``tmp_path`` where the
    system allows it, and the client's log file in that environment."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("XDG_", "QT_")) and key != "DISPLAY"}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO), HOME=str(tmp_path),
               XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_CONFIG_HOME=str(tmp_path / "config"),
               WIN_PD_OVERRIDE_LOCAL_APPDATA=str(tmp_path / "LocalAppData"))
    # Asked of the client's own code in that environment (older platformdirs
    # on Windows ignore the override: then it is the real user's folder).
    log = Path(subprocess.run(
        [sys.executable, "-c", "from client_gui.console import log_file_path; "
                               "print(log_file_path())"],
        cwd=REPO, env=env, capture_output=True, text=True, check=True).stdout.strip())
    log.unlink(missing_ok=True)
    yield env, log


def windowed_client(*args: str) -> list[str]:
    """A client command that runs without standard output and error, as the
    Windows bundle does."""
    # The test-only entry point (client_gui/scripted.py): the real client,
    # which the autologin variables below can make connect.
    if sys.platform == "win32":
        pythonw = Path(sys.executable).with_name("pythonw.exe")
        return [str(pythonw), "-m", "client_gui.scripted", *args]
    # Closed descriptors 1 and 2: Python sets sys.stdout and sys.stderr to None.
    return ["sh", "-c", 'exec "$0" "$@" >&- 2>&-', sys.executable, "-m", "client_gui.scripted",
            *args]


def test_without_a_console_the_debug_log_goes_to_the_users_log_folder(
        log_home: tuple[dict[str, str], Path], qtbot: QtBot) -> None:
    env, log = log_home
    # The test-only autologin makes it connect, to port 9 where nothing
    # listens: it fails and logs why.
    env.update(BESEDKA_AUTOLOGIN_USER="alice", BESEDKA_AUTOLOGIN_PASSWORD="correct horse")
    process = subprocess.Popen(
        windowed_client("--debug", "--no-discovery", "--no-tls", "--server", "127.0.0.1:9"),
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=None, stderr=None)
    try:
        deadline = time.monotonic() + 60
        while not (log.exists() and "cannot reach 127.0.0.1:9" in log.read_text("utf-8")):
            assert process.poll() is None, f"the client ended (exit {process.returncode})"
            assert time.monotonic() < deadline, f"nothing was logged to {log}"
            time.sleep(0.1)
    finally:
        process.kill()
        process.wait(30)
    assert " INFO " in log.read_text("utf-8"), "--debug logs more than warnings"
