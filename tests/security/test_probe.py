"""``python -m server.probe``, which ``make run`` relies on, finds plain and TLS servers."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from server.probe import server_answers
from tests.conftest import ServerProcess


@pytest.mark.parametrize("tls", [True, False], ids=["tls", "plain"])
def test_the_probe_finds_a_running_server(server_factory: Callable[..., ServerProcess],
                                          tls: bool) -> None:
    server = server_factory(tls=tls)
    assert server_answers(*server.address)


def test_the_probe_finds_nothing_where_nothing_listens() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    assert not server_answers("127.0.0.1", port)


def test_the_probe_leaves_no_line_in_the_log_while_a_plain_client_still_does(
        server_factory: Callable[..., ServerProcess]) -> None:
    """``make run`` probes its own server before and after starting it; the
    person watching the terminal should not read about it."""
    server = server_factory(tls=True)
    assert server_answers(*server.address)
    # A real plain client afterwards: its refusal is logged, the probe's was not.
    with socket.create_connection(server.address, timeout=10) as plain:
        assert b'"tls_required"' in plain.makefile("rb").readline()
    log = server.wait_for_log("plain-text client on the TLS port")
    assert log.count("plain-text") == 1, log
