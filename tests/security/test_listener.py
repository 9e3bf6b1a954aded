"""The listener (server/listener.py): TLS and plain TCP, on every kind of event loop.

The real-server tests cover the listener as it runs on Linux; these run it
inside the test's own event loop so that the fallback for event loops that
cannot watch sockets is exercised too, and on Windows the proactor loop
itself, whose own accept loop stops for good after a client resets its
connection while being accepted (CPython gh-93821).  Two real servers on
one port show that the port is one server's alone, as its socket options
(read back from the listening socket) promise.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from protocol.framing import encode_frame
from protocol.tls import PinVerdict, check_pin, client_context
from server.listener import Listener
from server.tls import TlsConfig, load_tls
from tests.conftest import ServerProcess
from tests.wire import LINGER_ZERO


class Echo(asyncio.Protocol):
    """Greets, then echoes: enough to see a connection got through."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(encode_frame({"type": "hello"}))

    def data_received(self, data: bytes) -> None:
        self.transport.write(data)


class NoReaderLoop(asyncio.SelectorEventLoop):
    """An event loop that, like the proactor, cannot watch sockets."""

    def add_reader(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise NotImplementedError


def make_tls() -> TlsConfig:
    with tempfile.TemporaryDirectory() as directory:
        return load_tls(Path(directory))


async def reset_while_being_accepted(address: tuple[str, int], times: int = 5) -> None:
    """Connect and reset at once, before the listener's loop gets to accept:
    the kernel completes each handshake while the loop is busy here."""
    for _ in range(times):
        with socket.create_connection(address) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO)
    await asyncio.sleep(0.1)  # the loop now meets the reset connections


async def exercise_tls_listener() -> None:
    tls = make_tls()
    listener = Listener(Echo, tls, silence_timeout=0.3)
    await listener.start("127.0.0.1", 0)
    address = listener.sockets[0].getsockname()[:2]
    try:
        await reset_while_being_accepted(address)
        # A TLS client gets through, and sees the certificate the server loaded.
        reader, writer = await asyncio.open_connection(*address, ssl=client_context())
        assert await reader.readline() == b'{"type":"hello"}\n'
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        assert check_pin(der, tls.fingerprint).verdict is PinVerdict.MATCH
        writer.write(b"echo\n")
        assert await reader.readline() == b"echo\n"
        writer.close()
        # A plain one that speaks first is told, and so is a silent one.
        for first_words in (b'{"type":"ping"}\n', b""):
            reader, writer = await asyncio.open_connection(*address)
            writer.write(first_words)
            line = await asyncio.wait_for(reader.readline(), 10)
            assert b'"code":"tls_required"' in line
            assert await asyncio.wait_for(reader.read(), 10) == b""
            writer.close()
    finally:
        listener.close()
        await listener.wait_closed()


async def exercise_plain_listener() -> None:
    listener = Listener(Echo, None)
    await listener.start("127.0.0.1", 0)
    address = listener.sockets[0].getsockname()[:2]
    try:
        for _ in range(2):
            # Clients that give up mid-connect do not stop the listening.
            await reset_while_being_accepted(address)
            reader, writer = await asyncio.open_connection(*address)
            assert await asyncio.wait_for(reader.readline(), 10) == b'{"type":"hello"}\n'
            writer.write(b"echo\n")
            assert await asyncio.wait_for(reader.readline(), 10) == b"echo\n"
            writer.close()
    finally:
        listener.close()
        await listener.wait_closed()


LOOPS: list[Callable[[], asyncio.AbstractEventLoop]] = [asyncio.SelectorEventLoop, NoReaderLoop]
LOOPS.append(pytest.param(
    getattr(asyncio, "ProactorEventLoop", None), id="ProactorEventLoop",
    marks=pytest.mark.skipif(sys.platform != "win32",
                             reason="the proactor event loop exists on Windows only")))


@pytest.mark.parametrize("loop_class", LOOPS)
@pytest.mark.parametrize("exercise", [exercise_tls_listener, exercise_plain_listener],
                         ids=["tls", "plain"])
def test_the_listener_admits_its_clients_on_any_event_loop(loop_class, exercise) -> None:
    loop = loop_class()
    try:
        loop.run_until_complete(exercise())
    finally:
        loop.close()


@pytest.mark.parametrize("tls", [True, False], ids=["tls", "plain"])
def test_the_listening_port_is_this_process_alone(tls: bool) -> None:
    async def options() -> tuple[int, int]:
        listener = Listener(Echo, make_tls() if tls else None)
        await listener.start("127.0.0.1", 0)
        try:
            sock = listener.sockets[0]
            exclusive = (sock.getsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE)
                         if sys.platform == "win32" else 0)
            return sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), exclusive
        finally:
            listener.close()
            await listener.wait_closed()

    reuse, exclusive = asyncio.run(options())
    if sys.platform == "win32":
        # SO_REUSEADDR would let a second server bind the same port there.
        assert (reuse, exclusive) == (0, 1)
    else:
        # Here it only lets a restarted server bind past TIME_WAIT.
        assert reuse != 0


@pytest.mark.parametrize("tls", [True, False], ids=["tls", "plain"])
def test_a_second_server_cannot_take_the_port_of_a_running_one(server_factory, tmp_path: Path,
                                                               tls: bool) -> None:
    first = server_factory("--no-rate-limits", tls=tls)
    second = ServerProcess(tmp_path / "second.db", ["--no-rate-limits"], tls=tls)
    second.port = first.port
    with pytest.raises(RuntimeError, match="server did not start"):
        second.start()
    assert "cannot start" in second.log
    second.close()
