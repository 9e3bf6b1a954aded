"""The TLS listener in-process: both ways of waiting for a client's first byte.

The real-server tests cover the listener as it runs on Linux; these run it
inside the test's own event loop so that the fallback for event loops that
cannot watch sockets (Windows' proactor) is exercised too.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest

from protocol.framing import encode_frame
from protocol.tls import PinVerdict, check_pin, client_context
from server.listener import TlsListener
from server.tls import load_tls


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


async def exercise_listener() -> None:
    with tempfile.TemporaryDirectory() as directory:
        tls = load_tls(Path(directory))
    listener = TlsListener(Echo, tls, silence_timeout=0.3)
    await listener.start("127.0.0.1", 0)
    address = listener.sockets[0].getsockname()[:2]
    try:
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


@pytest.mark.parametrize("loop_class", [asyncio.SelectorEventLoop, NoReaderLoop])
def test_the_listener_admits_tls_and_refuses_plain_on_any_event_loop(loop_class) -> None:
    loop = loop_class()
    try:
        loop.run_until_complete(exercise_listener())
    finally:
        loop.close()
