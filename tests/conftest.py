"""Fixtures shared by every test: a real server process on a real SQLite file.

The ``server`` fixture starts ``python -m server`` exactly as a user or a
test tool would (``--port 0``, reading the ``listening on HOST:PORT`` line),
so the tests exercise the real command line, sockets, threads and database.
It can be killed (SIGKILL; TerminateProcess on Windows), stopped the way
an administrator stops it (SIGTERM; Ctrl+Break on Windows, see
:data:`STOP_SIGNALS`) and started again on the same port and database,
which the crash and reconnect tests need.

**Both databases.**  A test module that sets ``BOTH_BACKENDS = True`` runs
each of its tests twice: on SQLite and on PostgreSQL, whose servers get a
fresh database each in one throwaway cluster per test run
(``postgres_cluster``, :mod:`tests.postgres`).  Tests that need PostgreSQL
carry the ``postgres`` marker; they are skipped, with the reason, where
PostgreSQL is not installed, and under CI (``CI=true``) such a skip is a
failure: CI must prove both databases.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import postgres

REPO = Path(__file__).resolve().parent.parent

#: Options every test server gets: cheap bcrypt, no rate limits unless a
#: test asks for them, and no LAN announcement or TLS where the server
#: knows those options (later features add them).  ``tls=True`` leaves
#: out ``--no-tls`` for the tests of TLS itself.
FAST_OPTIONS = ["--bcrypt-rounds", "4", "--no-tls", "--no-announce"]

if sys.platform == "win32":
    #: The signals that stop a server cleanly.  Windows has no SIGTERM a
    #: process can catch (``send_signal(SIGTERM)`` is TerminateProcess, exit
    #: code 1) and cannot send Ctrl+C to one process alone; Ctrl+Break goes
    #: to the process group each server is started in (:data:`NEW_PROCESS_GROUP`).
    STOP_SIGNALS: tuple[int, ...] = (signal.CTRL_BREAK_EVENT,)
    #: Popen options that make a child its own process group, so that a
    #: Ctrl+Break meant for it reaches nothing else (this test run included).
    NEW_PROCESS_GROUP: dict[str, Any] = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
else:
    STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
    NEW_PROCESS_GROUP = {}
#: The signal an administrator (systemd, a service manager) stops a server with.
STOP_SIGNAL = STOP_SIGNALS[0]

# Whatever does use mDNS in a test (the announce and discovery tests, or a
# client started by a test) stays on the loopback interface: no test sends a
# packet off this machine.  Child processes inherit it.
os.environ["BESEDKA_MDNS_INTERFACES"] = "127.0.0.1"


def _private_user_folders() -> None:
    """Give this test process per-user folders of its own, inherited by the
    servers and clients it starts: Linux's XDG ones (platformdirs and Qt
    follow them) and, on Windows, platformdirs' ``WIN_PD_OVERRIDE_*`` for
    ``%APPDATA%`` and ``%LOCALAPPDATA%``.

    Code under test falls back to the user's data, cache, state and config
    folders (a client's image cache, a remembered session's token file, a
    server started without ``--database``).  No test may touch the real
    user's, and under ``pytest -n`` (``make test``) two workers must not
    share one: each worker is its own process, so each gets its own here.
    Tests that need a clean folder still set their own (``monkeypatch``).
    """
    base = Path(tempfile.mkdtemp(prefix="besedka-test-user-"))
    for variable in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME",
                     "WIN_PD_OVERRIDE_APPDATA", "WIN_PD_OVERRIDE_LOCAL_APPDATA"):
        folder = base / variable.lower()
        folder.mkdir()
        os.environ[variable] = str(folder)
    atexit.register(shutil.rmtree, base, ignore_errors=True)


_private_user_folders()


class ServerProcess:
    """A ``python -m server`` child process on 127.0.0.1.

    Args:
        database: the SQLite file (or, with ``database_url``, the
            directory-like name of the server's data: the TLS certificate).
        extra_args: further command-line options.
        tls: speak TLS (the server's default) instead of plain TCP.
        database_url: another database than the SQLite file (PostgreSQL).
        repo: the checkout whose server to run (another commit's, for
            before-and-after figures).
    """

    def __init__(self, database: Path, extra_args: list[str] | None = None, *,
                 tls: bool = False, database_url: str | None = None,
                 repo: Path = REPO) -> None:
        self.database = database
        self.repo = repo
        #: run in the child before the server starts (POSIX only): a resource limit
        self.preexec: Callable[[], None] | None = None
        #: the SQLite file's URL, unless another database's is given
        self.database_url = database_url or f"sqlite:///{database}"
        self.extra_args = list(extra_args or [])
        self.tls = tls
        self.host = "127.0.0.1"
        self.port = 0
        self.process: subprocess.Popen[str] | None = None
        self.log_lines: list[str] = []
        self._log_thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    def start(self, timeout: float = 30.0) -> None:
        """Start on the remembered port (a free one the first time)."""
        assert self.process is None, "already running"
        options = [o for o in FAST_OPTIONS if not (self.tls and o == "--no-tls")]
        command = [sys.executable, "-m", "server", "--host", self.host, "--port", str(self.port),
                   "--database", self.database_url, *options, *self.extra_args]
        self.process = subprocess.Popen(
            command, cwd=self.repo, preexec_fn=self.preexec, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            encoding="utf-8", errors="replace",
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"},
            **NEW_PROCESS_GROUP,
        )
        # Drain stderr in the background, so a chatty log can never fill the
        # pipe and stall the server, and keep it for failure reports.
        self._log_thread = threading.Thread(target=self._collect_log, args=(self.process,),
                                            daemon=True)
        self._log_thread.start()
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            self.process.wait(max(0.0, deadline - time.monotonic()))
            self._log_thread.join(10)  # the whole log, for the message and the test
            raise RuntimeError(f"server did not start: {line!r}\n{self.log}")
        self.port = int(line.rsplit(":", 1)[1])

    def _collect_log(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        for line in process.stderr:
            self.log_lines.append(line)

    @property
    def log(self) -> str:
        return "".join(self.log_lines)

    def wait_for_log(self, text: str, timeout: float = 30.0) -> str:
        """The log once ``text`` is in it (the whole log either way after
        ``timeout``: the caller's assertion then says what is missing)."""
        deadline = time.monotonic() + timeout
        while text not in self.log and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.log

    def kill(self) -> None:
        """SIGKILL (TerminateProcess on Windows): the crash case, nothing gets to finish."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(30)
        self.process = None

    def stop(self, timeout: float = 30.0) -> int:
        """Stop it cleanly (:data:`STOP_SIGNAL`) and wait; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(STOP_SIGNAL)
        code = self.process.wait(timeout)
        if self._log_thread is not None:
            self._log_thread.join(5)
        self.process = None
        return code

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(30)
            self.process = None


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems give users (022), inherited by the servers a
    test starts: with it, default permissions let every account read, so a
    file that is private was made so on purpose."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def database_dir(tmp_path: Path) -> Path:
    """Where a test's servers keep their databases (tests/server overrides it)."""
    return tmp_path


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgres: needs PostgreSQL (a throwaway cluster); skipped where it is "
                   "not installed, which fails under CI")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the tests of a ``BOTH_BACKENDS`` module on SQLite and on PostgreSQL."""
    if ("database_backend" in metafunc.fixturenames
            and getattr(metafunc.module, "BOTH_BACKENDS", False)):
        metafunc.parametrize("database_backend", [
            pytest.param("sqlite"),
            pytest.param("postgresql", marks=pytest.mark.postgres),
        ], indirect=True, scope="module")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI, a PostgreSQL test that was skipped has failed: CI must
    prove both databases, and a skip would hide that it did not."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if (report.skipped and os.environ.get("CI") == "true"
            and item.get_closest_marker("postgres") is not None):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"a PostgreSQL test was skipped under CI (CI=true): {reason}"


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[postgres.PostgresCluster]:
    """One throwaway PostgreSQL cluster for the whole run, made on first use."""
    problem = postgres.find_problem()
    if problem is not None:
        pytest.skip(problem)
    bin_dir = postgres.find_bin_dir()
    assert bin_dir is not None
    cluster = postgres.PostgresCluster(bin_dir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="module")
def database_backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: the database this test's servers use
    (``postgresql`` only in ``BOTH_BACKENDS`` modules' second run)."""
    return getattr(request, "param", "sqlite")


def new_database_url(request: pytest.FixtureRequest, backend: str) -> str | None:
    """A fresh PostgreSQL database's URL for ``backend="postgresql"``; None
    for SQLite (whose file the caller names)."""
    if backend != "postgresql":
        return None
    cluster: postgres.PostgresCluster = request.getfixturevalue("postgres_cluster")
    return cluster.new_database()


@pytest.fixture
def server_factory(request: pytest.FixtureRequest, database_dir: Path,
                   database_backend: str) -> Iterator[type[ServerProcess] | object]:
    """Start servers with extra options: ``server_factory("--no-rate-limits")``.

    Each on its own database: an SQLite file in ``database_dir``, or a new
    PostgreSQL database when the test runs on that backend.
    """
    started: list[ServerProcess] = []

    def start(*extra_args: str, database: Path | None = None, tls: bool = False,
              database_url: str | None = None) -> ServerProcess:
        if database is None and database_url is None:
            database_url = new_database_url(request, database_backend)
        server = ServerProcess(database or database_dir / f"chat{len(started)}.db",
                               list(extra_args), tls=tls, database_url=database_url)
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture
def server(server_factory) -> ServerProcess:  # type: ignore[no-untyped-def]
    """A running server without rate limits on a fresh database."""
    return server_factory("--no-rate-limits")  # type: ignore[no-any-return]
