"""What a person starting the server reads: where it serves, where its data
is, the certificate's fingerprint, and nothing meant for developers."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import ServerProcess


def test_the_start_says_where_the_server_serves_and_keeps_its_data_and_no_more(
        server_factory: Callable[..., ServerProcess]) -> None:
    server = server_factory(tls=True)
    log = server.wait_for_log("fingerprint")
    assert f"serving this computer only on 127.0.0.1 port {server.port}" in log
    assert f"database: {server.database}" in log
    assert "SHA-256 fingerprint" in log
    # Alembic's dialect and revision chatter, and the event loop, are for
    # developers (--log-level DEBUG shows them).
    assert "alembic" not in log and "event loop" not in log, log
