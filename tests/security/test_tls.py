"""TLS by default: the generated certificate, pinning, and plain/TLS mismatches.

The client side here is what the desktop client is to do, built only from
:mod:`protocol.tls`: ``client_context()`` for the handshake, ``check_pin``
on the certificate, ``explain_tls_failure`` when the handshake fails.
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from protocol.framing import encode_frame
from protocol.limits import BODY_MAX_CHARS, MAX_SERVER_FRAME_BYTES
from protocol.tls import (
    PinVerdict,
    TlsFailure,
    certificate_fingerprint,
    check_pin,
    client_context,
    explain_tls_failure,
    format_fingerprint,
    parse_fingerprint,
)
from server.tls import GENERATED_FILE_NAME, generate_certificate

from ..wire import WireClient
from .helpers import assert_private_file, connect, logged_in, peer_pin_check, wait_for_log

FINGERPRINT_IN_LOG = re.compile(r"SHA-256 fingerprint ((?:[0-9A-F]{4} ){15}[0-9A-F]{4})")


def logged_fingerprint(log: str) -> str:
    """The fingerprint the server logged last (64 lower-case hex digits)."""
    found = FINGERPRINT_IN_LOG.findall(log)
    assert found, log
    return parse_fingerprint(found[-1])


# ----------------------------------------------------------------------
# The pure helpers


def test_fingerprint_is_shown_in_groups_of_four_and_parsed_back_from_any_form() -> None:
    fingerprint = certificate_fingerprint(b"certificate bytes")
    shown = format_fingerprint(fingerprint)
    assert re.fullmatch(r"(?:[0-9A-F]{4} ){15}[0-9A-F]{4}", shown)
    openssl_style = ":".join(fingerprint[i:i + 2].upper() for i in range(0, 64, 2))
    for form in (shown, openssl_style, f"sha256:{fingerprint}", fingerprint.upper()):
        assert parse_fingerprint(form) == fingerprint
    for bad in ("", "abc", fingerprint[:-1], fingerprint[:-1] + "g", fingerprint + "00"):
        with pytest.raises(ValueError):
            parse_fingerprint(bad)


def test_pin_check_tells_first_use_match_and_change_apart() -> None:
    der, other = b"the server's certificate", b"an impostor's certificate"
    first = check_pin(der, None)
    assert first.verdict is PinVerdict.FIRST_USE and not first.trusted
    assert check_pin(der, format_fingerprint(first.fingerprint)).verdict is PinVerdict.MATCH
    changed = check_pin(other, first.fingerprint)
    assert changed.verdict is PinVerdict.CHANGED and not changed.trusted
    assert changed.pinned == first.fingerprint != changed.fingerprint
    with pytest.raises(ValueError):
        check_pin(None, first.fingerprint)


def test_errors_that_are_not_about_tls_are_left_to_the_caller() -> None:
    assert explain_tls_failure(ConnectionRefusedError()) is None
    assert explain_tls_failure(TimeoutError()) is None
    assert explain_tls_failure(ssl.SSLError(1, "[SSL: SOMETHING_ELSE] other")) is (
        TlsFailure.HANDSHAKE_FAILED)


# ----------------------------------------------------------------------
# A real server


def test_first_start_creates_a_private_certificate_and_logs_its_fingerprint(
        server_factory, tmp_path: Path) -> None:
    server = server_factory("--no-rate-limits", tls=True)
    pem = tmp_path / GENERATED_FILE_NAME  # next to the database file
    assert pem.is_file()
    assert_private_file(pem)  # it holds the private key
    logged = logged_fingerprint(wait_for_log(server, "created certificate"))

    async def scenario() -> None:
        client = await connect(server.address, tls=True)
        assert client.hello is not None and client.hello["type"] == "hello"
        check = peer_pin_check(client, None)
        assert check.verdict is PinVerdict.FIRST_USE
        assert check.fingerprint == logged, "the client sees what the server logged"
        await client.close()

    asyncio.run(scenario())


def test_pinned_client_reconnects_after_a_restart_and_chats(server_factory) -> None:
    server = server_factory("--no-rate-limits", tls=True)

    async def first_visit() -> str:
        alice = await logged_in(server.address, "alice", tls=True)
        pin = peer_pin_check(alice, None).fingerprint
        await alice.send("before the restart")
        await alice.close()
        return pin

    pin = asyncio.run(first_visit())
    server.restart()
    assert logged_fingerprint(wait_for_log(server, "using certificate .* fingerprint")) == pin

    async def second_visit() -> None:
        alice = await logged_in(server.address, "alice", tls=True, register=False)
        assert peer_pin_check(alice, pin).verdict is PinVerdict.MATCH
        bob = await logged_in(server.address, "bob", tls=True)
        assert peer_pin_check(bob, pin).trusted
        sent = await bob.send("after the restart", to="alice")
        event = await alice.next_event("message")
        assert event["message"] == sent
        # A reply far larger than one TLS record crosses intact.
        for i in range(100):
            await alice.send(f"filler {i} " + "x" * 2000)
        synced = await bob.request("sync", after=0, limit=1000)
        assert synced["type"] == "ok" and len(synced["messages"]) == 102
        await alice.close()
        await bob.close()

    asyncio.run(second_visit())
    assert server.stop() == 0
    # Nothing went wrong, and closing TLS connections is not worth a warning.
    assert "Traceback" not in server.log and "WARNING" not in server.log, server.log


def test_frames_larger_than_the_layers_slices_cross_intact_both_ways(server_factory) -> None:
    # The server's TLS layer passes bytes through OpenSSL 4 KiB at a time
    # (server.tlslayer._BIO_SLICE): requests of several slices written at
    # once, and replies of several, must come out whole and in order.
    server = server_factory("--no-rate-limits", tls=True)

    async def scenario() -> None:
        alice = await logged_in(server.address, "alice", tls=True)
        bob = await logged_in(server.address, "bob", tls=True)
        bodies = [f"{n} " + "щ" * (BODY_MAX_CHARS - 2) for n in range(3)]
        await alice.send_raw(b"".join(encode_frame({"type": "send", "id": f"m{n}", "to": "bob",
                                                    "body": body})
                                      for n, body in enumerate(bodies)))
        for n in range(3):
            assert (await alice.reply_to(f"m{n}"))["type"] == "ok"
        received = [(await bob.next_event("message"))["message"]["body"] for _ in bodies]
        assert received == bodies
        await alice.close()
        await bob.close()

    asyncio.run(scenario())
    assert "TLS failure" not in server.log, server.log


def test_a_changed_certificate_is_refused_by_a_pinned_client(
        server_factory, tmp_path: Path) -> None:
    server = server_factory("--no-rate-limits", tls=True)

    async def pinned_fingerprint() -> str:
        client = await connect(server.address, tls=True)
        fingerprint = peer_pin_check(client, None).fingerprint
        await client.close()
        return fingerprint

    pin = asyncio.run(pinned_fingerprint())

    # Someone replaces the server (or its key is lost and a new one made).
    server.stop()
    (tmp_path / GENERATED_FILE_NAME).unlink()
    server.start()
    wait_for_log(server, "created certificate .* fingerprint", count=2)

    async def impostor() -> None:
        client = await connect(server.address, tls=True)
        check = peer_pin_check(client, pin)
        assert check.verdict is PinVerdict.CHANGED
        assert check.fingerprint == logged_fingerprint(server.log) != pin
        await client.close()

    asyncio.run(impostor())


def test_an_administrators_own_certificate_is_served(server_factory, tmp_path: Path) -> None:
    pem = generate_certificate("chat.example.lan")
    key_part, cert_part = pem.split(b"-----BEGIN CERTIFICATE-----")
    cert_file, key_file = tmp_path / "own.crt", tmp_path / "own.key"
    cert_file.write_bytes(b"-----BEGIN CERTIFICATE-----" + cert_part)
    key_file.write_bytes(key_part)
    der = x509.load_pem_x509_certificate(cert_file.read_bytes()).public_bytes(Encoding.DER)
    expected = certificate_fingerprint(der)
    server = server_factory("--tls-cert", str(cert_file), "--tls-key", str(key_file), tls=True)
    assert logged_fingerprint(wait_for_log(server, "fingerprint")) == expected
    assert not (tmp_path / GENERATED_FILE_NAME).exists(), "nothing is generated"

    async def scenario() -> None:
        client = await connect(server.address, tls=True)
        assert peer_pin_check(client, expected).verdict is PinVerdict.MATCH
        await client.close()

    asyncio.run(scenario())


def test_a_key_that_does_not_fit_the_certificate_stops_the_start(
        server_factory, tmp_path: Path) -> None:
    cert_file, key_file = tmp_path / "a.crt", tmp_path / "b.key"
    first, second = generate_certificate(), generate_certificate()
    cert_file.write_bytes(first[first.index(b"-----BEGIN CERTIFICATE-----"):])
    key_file.write_bytes(second[:second.index(b"-----BEGIN CERTIFICATE-----")])
    with pytest.raises(RuntimeError, match="cannot be used"):
        server_factory("--tls-cert", str(cert_file), "--tls-key", str(key_file), tls=True)


def test_a_plain_client_that_speaks_first_is_told_tls_is_required(server_factory) -> None:
    server = server_factory("--no-rate-limits", tls=True)

    async def scenario() -> None:
        client = await WireClient.connect(server.address, hello=False)
        started = time.monotonic()
        await client.send_frame({"type": "login", "id": 1, "username": "alice",
                                 "password": "correct horse"})
        frame = await client.next_frame(timeout=5)
        assert frame["type"] == "error" and frame["code"] == "tls_required", frame
        assert frame["re"] is None
        await client.wait_closed(timeout=5)
        assert time.monotonic() - started < 3, "no waiting for a timeout"

    asyncio.run(scenario())


def test_a_plain_client_waiting_for_hello_is_told_tls_is_required(server_factory) -> None:
    server = server_factory("--no-rate-limits", tls=True)

    async def scenario() -> None:
        started = time.monotonic()
        client = await WireClient.connect(server.address, hello=False)
        frame = await client.next_frame(timeout=10)  # instead of hello
        assert frame["type"] == "error" and frame["code"] == "tls_required", frame
        await client.wait_closed(timeout=5)
        assert time.monotonic() - started < 6

    asyncio.run(scenario())


def test_a_tls_client_on_a_plain_server_learns_the_server_does_not_speak_tls(
        server_factory) -> None:
    server = server_factory("--no-rate-limits")  # --no-tls
    wait_for_log(server, "WARNING .*TLS is off")

    async def scenario() -> None:
        with pytest.raises(ssl.SSLError) as caught:
            async with asyncio.timeout(10):
                await asyncio.open_connection(*server.address, ssl=client_context())
        assert explain_tls_failure(caught.value) is TlsFailure.SERVER_NOT_TLS, caught.value
        # The plain server took the ClientHello for a malformed frame and
        # still serves everyone else.
        client = await WireClient.logged_in(server.address, "alice")
        await client.send("still here")
        await client.close()

    asyncio.run(scenario())

    # The blocking-socket way the desktop client connects gives the same answer.
    with (socket.create_connection(server.address, timeout=10) as sock,
          pytest.raises(ssl.SSLError) as caught):
        client_context().wrap_socket(sock)
    assert explain_tls_failure(caught.value) is TlsFailure.SERVER_NOT_TLS


def test_a_stalled_handshake_is_dropped_promptly(server_factory) -> None:
    server = server_factory("--no-rate-limits", "--tls-handshake-timeout", "1", tls=True)

    async def scenario() -> None:
        reader, writer = await asyncio.open_connection(*server.address)
        started = time.monotonic()
        # The start of a TLS record, then nothing: the server waits for the
        # rest of a ClientHello that never comes.
        writer.write(b"\x16\x03\x01")
        await writer.drain()
        async with asyncio.timeout(10):
            try:
                data = await reader.read()
            except ConnectionResetError:
                data = b""
        assert data == b""
        assert time.monotonic() - started < 5
        writer.close()
        # Meanwhile real TLS clients are served.
        client = await logged_in(server.address, "alice", tls=True)
        await client.close()

    asyncio.run(scenario())
    wait_for_log(server, "TLS handshake failed")


def test_an_oversized_frame_over_tls_is_answered_and_the_connection_closed(
        server_factory) -> None:
    server = server_factory("--no-rate-limits", tls=True)

    async def scenario() -> None:
        client = await logged_in(server.address, "alice", tls=True)
        bystander = await logged_in(server.address, "bob", tls=True)
        await client.send_raw(b'{"type":"send","body":"' + b"z" * 70_000 + b'"}\n')
        frame = await client.next_frame()
        while "re" not in frame:  # bob's presence
            frame = await client.next_frame()
        assert frame["type"] == "error" and frame["code"] == "frame_too_large"
        await client.wait_closed()
        await bystander.send("unaffected")
        await bystander.close()

    asyncio.run(scenario())


def test_connections_that_vanish_before_speaking_harm_nothing(server_factory) -> None:
    server = server_factory("--no-rate-limits", tls=True)

    async def scenario() -> None:
        for _ in range(20):
            _, writer = await asyncio.open_connection(*server.address)
            writer.close()
        client = await logged_in(server.address, "alice", tls=True)
        await client.send("fine")
        await client.close()

    asyncio.run(scenario())
    assert "Traceback" not in server.log, server.log


def test_a_tls_client_that_stops_reading_is_dropped_before_memory_grows(server_factory) -> None:
    # The 8 MiB bound on unsent events must hold with TLS in between too:
    # asyncio's TLS layer keeps its own buffers above the socket's.
    server = server_factory("--no-rate-limits", tls=True)
    body = "m" * 4000

    async def talk(talker: WireClient) -> int:
        sent = 0
        while not server_has_dropped(server):
            ids = []
            for _ in range(50):
                request_id = next(talker.ids)
                ids.append(request_id)
                talker.writer.write(encode_frame(
                    {"type": "send", "id": request_id, "to": None, "body": body}))
            await talker.writer.drain()
            for request_id in ids:
                assert (await talker.reply_to(request_id))["type"] == "ok"
            sent += len(ids) * len(body)
            assert sent < 64 * 1024 * 1024, "never dropped"
        return sent

    async def scenario() -> int:
        # A small receive buffer, so that the kernel holds little of what
        # the sleeper does not read and the server's own buffers fill.
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(server.address)
        reader, writer = await asyncio.open_connection(
            sock=sock, ssl=client_context(), server_hostname="",
            limit=MAX_SERVER_FRAME_BYTES)
        sleeper = WireClient(reader, writer)
        await sleeper.next_frame()
        assert (await sleeper.request("register", username="sleeper",
                                      password="correct horse"))["type"] == "ok"
        writer.transport.pause_reading()
        talkers = [await logged_in(server.address, f"talker{i}", tls=True) for i in range(4)]
        async with asyncio.timeout(90):
            queued = sum(await asyncio.gather(*(talk(t) for t in talkers)))
        for talker in talkers:
            await talker.close()
        writer.transport.abort()
        return queued

    queued = asyncio.run(scenario())
    assert queued > 8 * 1024 * 1024


def server_has_dropped(server) -> bool:  # type: ignore[no-untyped-def]
    return "wait unsent; the client is not reading" in server.log
