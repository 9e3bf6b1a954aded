"""Fixtures of the server tests on top of ``tests/conftest.py``.

Databases live in memory-backed storage (``/dev/shm``) where there is one:
the server fsyncs every commit, and on a busy disk that made most of the
suite's run time without proving anything more.  They are still real SQLite
files written by a real server process.  A module that is about the disk
(``test_durability``) sets ``DATABASES_ON_DISK = True`` and keeps them in
the ordinary temporary directory.

Every server's log is checked when it stops: a test fails if the server
logged a failure (a traceback, an error) that the test did not provoke on
purpose (``@pytest.mark.server_errors_expected``).

``shared_server`` is one server per test module, for tests that only look
at replies to their own requests and use fresh account names: starting a
server costs about a second, and most tests need no clean slate.  Tests that
count events, read the roster or depend on the database's state use the
function-scoped ``server`` fixture instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ServerProcess, new_database_url

_MEMORY_DIR = Path("/dev/shm")

#: What the server's log shows when something failed inside it: a failed
#: request (answered ``internal_error``), a failed write to a closed
#: connection, a task whose exception nobody retrieved.
_FAILURE_SIGNS = ("Traceback", " ERROR ", " CRITICAL ", "Exception in callback",
                  "exception was never retrieved")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "server_errors_expected: the test makes the server log a failure on purpose")


def _assert_no_errors_logged(server: ServerProcess) -> None:
    """No test may leave a failure in the server's log unnoticed: clients
    would see ``internal_error`` or a dropped connection for it."""
    failures = [line for line in server.log.splitlines()
                if any(sign in line for sign in _FAILURE_SIGNS)]
    assert not failures, "the server logged failures:\n" + server.log


def _scratch_dir(fallback: Path) -> tuple[Path, bool]:
    """A fresh directory in memory if possible; whether it must be removed."""
    if _MEMORY_DIR.is_dir() and os.access(_MEMORY_DIR, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="besedka-test-", dir=_MEMORY_DIR)), True
    return fallback, False


@pytest.fixture
def database_dir(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """Where this test's servers keep their databases."""
    if getattr(request.module, "DATABASES_ON_DISK", False):
        yield tmp_path
        return
    directory, remove = _scratch_dir(tmp_path)
    yield directory
    if remove:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def server_factory(request: pytest.FixtureRequest,
                   server_factory: Callable[..., ServerProcess]) -> Iterator[Callable[..., ServerProcess]]:
    """The factory of ``tests/conftest.py`` (databases in ``database_dir``),
    with every server's log checked for failures once the test is over."""
    started: list[ServerProcess] = []

    def start(*extra_args: str, **options: Any) -> ServerProcess:
        server = server_factory(*extra_args, **options)
        started.append(server)
        return server

    yield start
    if request.node.get_closest_marker("server_errors_expected") is None:
        for server in started:
            server.close()
            _assert_no_errors_logged(server)


@pytest.fixture(scope="module")
def shared_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                  database_backend: str) -> Iterator[ServerProcess]:
    """A server without rate limits, shared by the tests of one module (on
    each backend of a ``BOTH_BACKENDS`` module)."""
    directory, remove = _scratch_dir(tmp_path_factory.mktemp("shared"))
    server = ServerProcess(directory / "chat.db", ["--no-rate-limits"],
                           database_url=new_database_url(request, database_backend))
    server.start()
    yield server
    server.close()
    _assert_no_errors_logged(server)
    if remove:
        shutil.rmtree(directory, ignore_errors=True)

