"""Fixtures of the server tests on top of ``tests/conftest.py``.

``shared_server`` is one server per test module, for tests that only look
at replies to their own requests and use fresh account names: starting a
server costs about a second, and most tests need no clean slate.  Tests that
count events, read the roster or depend on the database's state use the
function-scoped ``server`` fixture instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import ServerProcess


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server without rate limits, shared by the tests of one module."""
    server = ServerProcess(tmp_path_factory.mktemp("shared") / "chat.db", ["--no-rate-limits"])
    server.start()
    yield server
    server.close()
