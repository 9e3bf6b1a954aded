"""Files under stress: a crash in the middle of an upload, chat during a large
upload, files larger than the server's memory, and transfers over TLS.

The files live on the ordinary disk here (``DATABASES_ON_DISK``), as the
server's data does in use: what survives a SIGKILL is what the server
wrote, not what a memory file system kept.
"""

from __future__ import annotations

import asyncio
import ssl

from protocol.tls import client_context
from tests.transfer import CHUNK, Payload, TransferConnection, get, upload
from tests.wire import PASSWORD, WireClient

from .helpers import Client, Clients, rss_kib, run, unique_name
from .test_files import contents, download, v2

DATABASES_ON_DISK = True


async def offered_offset(client: Client, payload: Payload, name: str = "big.iso") -> dict:
    reply = await client.request("file_upload", name=name, size=payload.size,
                                 sha256=payload.sha256)
    assert reply["type"] == "ok", reply
    return reply


def test_an_upload_cut_by_a_crash_resumes_and_nothing_half_written_is_served(server):
    payload = Payload(40 * CHUNK + 123, seed=20)
    sent = 20 * CHUNK
    name = unique_name("crash")

    async def before_the_crash(clients: Clients) -> None:
        alice = await v2(clients, name)
        offered = await offered_offset(alice, payload)
        connection = await TransferConnection.open(server.address)
        await connection.send_frame({"type": "put", "upload": offered["upload"], "offset": 0})
        await connection.send_bytes(payload.chunks(0, sent))
        # The upload is still open (the client is mid-way) when the server
        # dies; first let it write what it received.
        while (await offered_offset(alice, payload))["offset"] < sent:
            await asyncio.sleep(0.05)
        server.kill()
        await connection.close()

    run(before_the_crash, server.address)
    server.start()
    assert contents(server) == []  # no content file until every byte is checked

    async def after_the_crash(clients: Clients) -> None:
        alice = await clients.connect()
        await alice.request("login", username=name, password=PASSWORD, protocol=2)
        await alice.next_event("users")
        again = await offered_offset(alice, payload)
        assert again["offset"] == sent
        connection = await TransferConnection.open(server.address)
        await connection.send_frame({"type": "put", "upload": again["upload"],
                                     "offset": again["offset"]})
        await connection.send_bytes(payload.chunks(again["offset"]))
        done = await connection.reply(timeout=120)
        await connection.close()
        assert done["file"]["size"] == payload.size
        assert await download(alice, server.address, done["file"]["id"]) == payload.bytes()

    run(after_the_crash, server.address)


def test_messages_are_delivered_while_a_large_upload_is_in_progress(server):
    payload = Payload(64 * CHUNK, seed=21)
    step = 8 * CHUNK

    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        bob = await v2(clients)
        carol = await clients.register()
        offered = await offered_offset(alice, payload)
        connection = await TransferConnection.open(server.address)
        await connection.send_frame({"type": "put", "upload": offered["upload"], "offset": 0})
        for start in range(0, payload.size, step):
            await connection.send_bytes(payload.chunks(start, start + step))
            if start + step == payload.size:
                break
            # Mid-upload: the bytes sent so far are being written, the rest
            # has not been sent, and chat goes on as usual.
            sent = await bob.send(f"at {start + step} bytes")
            assert (await alice.next_event("message"))["message"]["id"] == sent["id"]
            assert (await carol.next_event("message"))["message"]["body"] == sent["body"]
            history = await alice.request("history", limit=1)
            assert history["messages"][-1]["id"] == sent["id"]
        done = await connection.reply(timeout=120)
        await connection.close()
        assert done["file"]["size"] == payload.size

    run(scenario, server.address)


def test_a_file_larger_than_the_server_s_memory_goes_up_and_down_in_flat_memory(server):
    payload = Payload(256 * CHUNK, seed=22)
    assert server.process is not None
    pid = server.process.pid

    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        await alice.send("warm up")  # the server has done some work before we measure
        before, _ = rss_kib(pid)
        file = await upload(alice, server.address, payload)
        token = (await alice.request("file_download", file=file["id"]))["token"]
        connection = await TransferConnection.open(server.address)
        await connection.send_frame({"type": "get", "token": token})
        assert (await connection.reply())["size"] == payload.size
        expected = payload.chunks()
        pending = b""
        received = 0
        async for data in connection.chunks_to_end(timeout=120):
            pending += data
            received += len(data)
            while len(pending) >= CHUNK or (pending and received == payload.size):
                want = next(expected)
                assert pending[:len(want)] == want
                pending = pending[len(want):]
        await connection.close()
        assert received == payload.size
        now, peak = rss_kib(pid)
        # The file is several times what the server ever held in memory,
        # and moving it cost the server a few buffers, not the file.
        assert payload.size > 2 * peak * 1024, (peak, payload.size)
        assert peak - before < 48 * 1024, (before, peak)

    run(scenario, server.address)


def test_files_go_up_and_down_over_tls(server_factory):
    server = server_factory("--no-rate-limits", tls=True)
    payload = Payload(3 * CHUNK + 1, seed=23)

    async def scenario(clients: Clients) -> None:
        context: ssl.SSLContext = client_context()
        reader, writer = await asyncio.open_connection(*server.address, ssl=context,
                                                       limit=1 << 25)
        alice = WireClient(reader, writer)
        alice.hello = await alice.next_frame()
        clients.opened.append(alice)  # type: ignore[arg-type]
        reply = await alice.request("register", username=unique_name(), password=PASSWORD,
                                    protocol=2)
        assert reply["type"] == "ok"
        offered = await alice.request("file_upload", name="secret.bin", size=payload.size,
                                      sha256=payload.sha256)
        connection = await TransferConnection.open(server.address, ssl=context)
        await connection.send_frame({"type": "put", "upload": offered["upload"], "offset": 0})
        await connection.send_bytes(payload.chunks())
        done = await connection.reply()
        await connection.close()
        token = (await alice.request("file_download", file=done["file"]["id"]))["token"]
        connection = await TransferConnection.open(server.address, ssl=context)
        await connection.send_frame({"type": "get", "token": token, "offset": 5})
        assert (await connection.reply())["size"] == payload.size
        assert await connection.read_to_end() == payload.bytes(5)
        await connection.close()

    run(scenario, server.address)
