"""Files (PROTOCOL-2.md, "Files") against a real server: uploads, downloads,
files in messages, access, limits, deduplication and resume.

Every byte goes over real transfer connections (:mod:`tests.transfer`),
and what a test checks is what a client would notice: replies, the bytes
it gets back, the messages others receive, and the files directory the
server keeps (nothing half-written ever appears where a download finds it).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.transfer import Payload, TransferConnection, get, put, upload
from tests.wire import PASSWORD

from .helpers import Client, Clients, run, unique_name


async def v2(clients: Clients, name: str | None = None) -> Client:
    """A new account logged in speaking version 2; its roster consumed."""
    client = await clients.connect()
    name = name or unique_name()
    reply = await client.request("register", username=name, password=PASSWORD, protocol=2)
    assert reply["type"] == "ok", reply
    await client.next_event("users")
    client.name = name
    return client


def contents(server: Any) -> list[Path]:
    """The content files the server keeps (by SHA-256)."""
    return sorted(p for p in (server.database.parent / "files" / "sha256").rglob("*")
                  if p.is_file())


async def download(client: Client, address: tuple[str, int], file_id: str,
                   offset: int = 0) -> bytes:
    reply = await client.request("file_download", file=file_id)
    assert reply["type"] == "ok", reply
    started, data = await get(address, reply["token"], offset)
    assert started == {"type": "ok", "re": None, "size": reply["size"]}
    return data


def test_a_file_is_uploaded_posted_seen_by_others_and_downloaded(server):
    payload = Payload(3 * 1024 * 1024 + 17, seed=1)

    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        bob = await v2(clients)
        old = await clients.register()  # a version 1 client
        file = await upload(alice, server.address, payload, name="plan.pdf",
                            mime="application/pdf")
        assert file == {"id": file["id"], "name": "plan.pdf", "size": payload.size,
                        "mime": "application/pdf"}
        assert len(file["id"]) == 32
        sent = await alice.send("", file=file["id"])
        assert sent["body"] == "" and sent["file"] == file
        event = (await bob.next_event("message"))["message"]
        assert event["file"] == file and event["id"] == sent["id"]
        # Version 1 sees the file as its name (PROTOCOL-2.md).
        assert (await old.next_event("message"))["message"]["body"] == "\U0001f4ce plan.pdf"
        # A caption is the body; version 1 sees just the caption.
        captioned = await alice.send("the plan", file=file["id"])
        assert captioned["body"] == "the plan" and captioned["file"] == file
        assert (await old.next_event("message"))["message"]["body"] == "the plan"
        assert await download(bob, server.address, file["id"]) == payload.bytes()
        # History keeps it, in either version.
        history = await bob.request("history", limit=2)
        assert [m["file"] for m in history["messages"]] == [file, file]
        old_history = await old.request("history", limit=2)
        assert [m["body"] for m in old_history["messages"]] == ["\U0001f4ce plan.pdf", "the plan"]

    run(scenario, server.address)


def test_hello_offers_files(server):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        assert "files" in client.hello["features"]

    run(scenario, server.address)


def test_a_download_resumes_from_an_offset_and_an_offset_past_the_end_is_refused(server):
    payload = Payload(2 * 1024 * 1024 + 5, seed=2)

    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        file = await upload(alice, server.address, payload)
        tail = await download(alice, server.address, file["id"], offset=1_500_000)
        assert tail == payload.bytes(1_500_000)
        assert await download(alice, server.address, file["id"], offset=payload.size) == b""
        token = (await alice.request("file_download", file=file["id"]))["token"]
        refused, rest = await get(server.address, token, payload.size + 1)
        assert (refused["type"], refused["code"]) == ("error", "bad_request")
        assert refused["size"] == payload.size and rest == b""

    run(scenario, server.address)


def test_an_empty_file_is_a_file(server):
    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        file = await upload(alice, server.address, Payload(0), name="empty.txt")
        assert file["size"] == 0
        assert await download(alice, server.address, file["id"]) == b""

    run(scenario, server.address)


def test_identical_bytes_are_stored_once_and_my_own_again_need_no_sending(server):
    payload = Payload(1024 * 1024, seed=3)

    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        bob = await v2(clients)
        first = await upload(alice, server.address, payload, name="a.bin")
        # The same account, the same bytes: a new file at once.
        again = await alice.request("file_upload", name="copy.bin", size=payload.size,
                                    sha256=payload.sha256)
        assert again["file"]["name"] == "copy.bin" and again["file"]["id"] != first["id"]
        # Another account knowing the hash proves nothing: it sends every byte.
        offered = await bob.request("file_upload", name="b.bin", size=payload.size,
                                    sha256=payload.sha256)
        assert offered["offset"] == 0 and "file" not in offered
        done = await put(server.address, offered["upload"], payload)
        assert done["file"]["id"] not in (first["id"], again["file"]["id"])
        assert len(contents(server)) == 1
        for file_id in (first["id"], again["file"]["id"], done["file"]["id"]):
            assert await download(alice if file_id != done["file"]["id"] else bob,
                                  server.address, file_id) == payload.bytes()

    run(scenario, server.address)


def test_an_interrupted_upload_resumes_where_it_stopped(server):
    payload = Payload(5 * 1024 * 1024 + 3, seed=4)
    half = 2 * 1024 * 1024

    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        offered = await alice.request("file_upload", name="big.iso", size=payload.size,
                                      sha256=payload.sha256)
        connection = await TransferConnection.open(server.address)
        await connection.send_frame({"type": "put", "upload": offered["upload"], "offset": 0})
        await connection.send_bytes(payload.chunks(0, half))
        await connection.close()
        # The server writes what arrived; asking again tells how far it came.
        while True:
            again = await alice.request("file_upload", name="big.iso", size=payload.size,
                                        sha256=payload.sha256)
            if again["offset"] == half:
                break
            assert again["offset"] < half
            await asyncio.sleep(0.05)
        # Beyond what arrived: refused, with the offset to use.
        beyond = await put(server.address, again["upload"], payload, half + 1)
        assert (beyond["code"], beyond["offset"]) == ("bad_request", half)
        assert contents(server) == []  # nothing half-written is stored
        done = await put(server.address, again["upload"], payload, half)
        assert done["file"]["size"] == payload.size
        assert await download(alice, server.address, done["file"]["id"]) == payload.bytes()

    run(scenario, server.address)


def test_a_put_from_an_earlier_offset_sends_those_bytes_again(server):
    payload = Payload(3 * 1024 * 1024, seed=5)

    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        offered = await alice.request("file_upload", name="f", size=payload.size,
                                      sha256=payload.sha256)
        connection = await TransferConnection.open(server.address)
        await connection.send_frame({"type": "put", "upload": offered["upload"], "offset": 0})
        await connection.send_bytes(payload.chunks(0, 2 * 1024 * 1024))
        while (await alice.request("file_upload", name="f", size=payload.size,
                                   sha256=payload.sha256))["offset"] < 2 * 1024 * 1024:
            await asyncio.sleep(0.05)
        # A client that lost track starts over from 1 MiB on a new connection,
        # while the old one is still open: the new one takes over.
        done = await put(server.address, offered["upload"], payload, 1024 * 1024)
        await connection.close()
        assert done["type"] == "ok", done
        assert await download(alice, server.address, done["file"]["id"]) == payload.bytes()

    run(scenario, server.address)


def test_bytes_that_do_not_match_the_hash_are_refused_and_forgotten(server):
    announced = Payload(1024 * 1024 + 1, seed=6)
    sent = Payload(1024 * 1024 + 1, seed=7)

    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        offered = await alice.request("file_upload", name="f", size=announced.size,
                                      sha256=announced.sha256)
        refused = await put(server.address, offered["upload"], sent)
        assert (refused["type"], refused["code"]) == ("error", "hash_mismatch")
        assert contents(server) == []
        # The token is spent, and the next offer starts from nothing.
        spent = await put(server.address, offered["upload"], announced)
        assert spent["code"] == "invalid_token"
        again = await alice.request("file_upload", name="f", size=announced.size,
                                    sha256=announced.sha256)
        assert again["offset"] == 0
        incoming = server.database.parent / "files" / "incoming"
        assert [p.stat().st_size for p in incoming.iterdir()] in ([], [0])

    run(scenario, server.address)


@pytest.mark.parametrize("name, problem", [
    ("../etc/passwd", "path separators"),
    ("dir\\file.txt", "path separators"),
    ("bell\x07.txt", "control characters"),
    ("new\nline", "control characters"),
    ("..", "'.' or '..'"),
    ("", "1-255 characters"),
    ("x" * 256, "1-255 characters"),
])
def test_a_bad_file_name_is_refused_naming_the_field(shared_server, name, problem):
    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        reply = await alice.request("file_upload", name=name, size=1, sha256="0" * 64)
        assert (reply["type"], reply["code"]) == ("error", "bad_request")
        assert "'name'" in reply["message"] and problem in reply["message"]

    run(scenario, shared_server.address)


@pytest.mark.parametrize("fields, field", [
    ({"sha256": "abc"}, "sha256"),
    ({"sha256": "g" * 64}, "sha256"),
    ({"size": -1}, "size"),
    ({"size": "10"}, "size"),
    ({"mime": "not a type"}, "mime"),
])
def test_a_bad_size_hash_or_type_is_refused_naming_the_field(shared_server, fields, field):
    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        request = {"name": "f.txt", "size": 1, "sha256": "0" * 64, **fields}
        reply = await alice.request("file_upload", **request)
        assert (reply["code"], f"'{field}'" in reply["message"]) == ("bad_request", True)

    run(scenario, shared_server.address)


def test_files_over_the_size_limit_and_the_quota_are_refused(server_factory):
    server = server_factory("--no-rate-limits", "--max-file-size", "2M", "--file-quota", "3M")

    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        too_large = await alice.request("file_upload", name="f", size=2 * 1024 * 1024 + 1,
                                        sha256="0" * 64)
        assert too_large["code"] == "file_too_large"
        first = await upload(alice, server.address, Payload(2 * 1024 * 1024, seed=8))
        # The same bytes again cost nothing...
        again = await alice.request("file_upload", name="again", size=first["size"],
                                    sha256=Payload(2 * 1024 * 1024, seed=8).sha256)
        assert again["file"]["size"] == first["size"]
        # ...other bytes count, including an upload still on its way.
        over = await alice.request("file_upload", name="g", size=1024 * 1024 + 1,
                                   sha256=Payload(1024 * 1024 + 1, seed=9).sha256)
        assert over["code"] == "quota_exceeded"
        fits = await alice.request("file_upload", name="h", size=1024 * 1024,
                                   sha256=Payload(1024 * 1024, seed=10).sha256)
        assert fits["offset"] == 0
        full = await alice.request("file_upload", name="i", size=1,
                                   sha256=Payload(1, seed=11).sha256)
        assert full["code"] == "quota_exceeded"
        # Another account has its own quota.
        bob = await v2(clients)
        assert (await bob.request("file_upload", name="j", size=1024 * 1024,
                                  sha256="1" * 64))["offset"] == 0

    run(scenario, server.address)


def test_bad_and_expired_tokens_are_refused(server_factory):
    server = server_factory("--no-rate-limits", "--transfer-token-lifetime", "0.5")
    payload = Payload(1000, seed=12)

    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        made_up = await put(server.address, "not-a-token", payload)
        assert made_up["code"] == "invalid_token"
        offered = await alice.request("file_upload", name="f", size=payload.size,
                                      sha256=payload.sha256)
        # An upload token does not download, nor a download token upload.
        wrong_kind, _ = await get(server.address, offered["upload"])
        assert wrong_kind["code"] == "invalid_token"
        await asyncio.sleep(1.0)
        expired = await put(server.address, offered["upload"], payload)
        assert expired["code"] == "invalid_token"
        file = await upload(alice, server.address, payload)
        token = (await alice.request("file_download", file=file["id"]))["token"]
        not_an_upload = await put(server.address, token, payload)
        assert not_an_upload["code"] == "invalid_token"
        await asyncio.sleep(1.0)
        stale, data = await get(server.address, token)
        assert stale["code"] == "invalid_token" and data == b""

    run(scenario, server.address)


def test_only_those_who_can_see_a_file_may_download_or_post_it(server):
    payload = Payload(4096, seed=13)

    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        bob = await v2(clients)
        eve = await v2(clients)
        file = await upload(alice, server.address, payload)
        # Not posted yet: only its uploader has it.
        for outsider in (bob, eve):
            refused = await outsider.request("file_download", file=file["id"])
            assert refused["code"] == "unknown_file"
            refused = await outsider.request("send", body="", file=file["id"])
            assert refused["code"] == "unknown_file"
        await alice.send("", to=bob.name, file=file["id"])
        assert await download(bob, server.address, file["id"]) == payload.bytes()
        assert (await eve.request("file_download", file=file["id"]))["code"] == "unknown_file"
        # Bob may pass on what he received.
        await bob.send("look", file=file["id"])
        assert await download(eve, server.address, file["id"]) == payload.bytes()
        unknown = await eve.request("file_download", file="0" * 32)
        assert unknown["code"] == "unknown_file"
        malformed = await eve.request("file_download", file="../../etc")
        assert malformed["code"] == "bad_request"

    run(scenario, server.address)


def test_version_1_connections_know_no_file_requests(shared_server):
    async def scenario(clients: Clients) -> None:
        old = await clients.register()
        for request in ("file_upload", "file_download", "set_avatar"):
            assert (await old.request(request))["code"] == "unknown_type"
        # A send's "file" is an unknown field to version 1: ignored.
        sent = await old.send("plain text", file="0" * 32)
        assert sent["body"] == "plain text" and "file" not in sent

    run(scenario, shared_server.address)


def test_put_and_get_belong_first_on_a_connection_of_their_own(shared_server):
    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        for frame in ({"upload": "x"}, {"token": "x"}):
            kind = "put" if "upload" in frame else "get"
            reply = await alice.request(kind, **frame)
            assert reply["code"] == "bad_request" and "first frame" in reply["message"]
        assert (await alice.send("still fine"))["body"] == "still fine"

    run(scenario, shared_server.address)


def test_a_malformed_put_or_get_is_refused_on_its_transfer_connection(shared_server):
    async def scenario(clients: Clients) -> None:
        for frame in ({"type": "put", "id": 7}, {"type": "get", "token": 5},
                      {"type": "put", "upload": "t", "offset": -1}):
            connection = await TransferConnection.open(shared_server.address)
            await connection.send_frame(frame)
            reply = await connection.reply()
            assert reply["type"] == "error" and reply["code"] == "bad_request", reply
            assert await connection.read_to_end() == b""
            await connection.close()

    run(scenario, shared_server.address)


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
       b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


def test_an_avatar_is_an_image_of_mine_that_everyone_sees(server):
    async def scenario(clients: Clients) -> None:
        alice = await v2(clients)
        bob = await v2(clients)
        image = await upload(alice, server.address, Payload.of(PNG), name="me.png",
                             mime="image/png")
        assert (await alice.request("set_avatar", file=image["id"]))["type"] == "ok"
        presence = (await bob.next_event("presence"))["user"]
        assert (presence["username"], presence["avatar"]) == (alice.name, image["id"])
        roster = (await bob.request("users"))["users"]
        assert next(u for u in roster if u["username"] == alice.name)["avatar"] == image["id"]
        # Anyone may download an avatar.
        assert await download(bob, server.address, image["id"]) == PNG
        # Not an image, though called one; too large; someone else's.
        fake = await upload(alice, server.address, Payload(100, seed=14), name="x.png",
                            mime="image/png")
        assert (await alice.request("set_avatar", file=fake["id"]))["code"] == "bad_request"
        large = await upload(alice, server.address, Payload.of(PNG + bytes(1024 * 1024)))
        assert (await alice.request("set_avatar", file=large["id"]))["code"] == "file_too_large"
        assert (await bob.request("set_avatar", file=image["id"]))["code"] == "unknown_file"
        assert (await alice.request("set_avatar", file=None))["type"] == "ok"
        assert (await bob.next_event("presence"))["user"]["avatar"] is None

    run(scenario, server.address)


def test_a_file_is_there_after_a_restart(server):
    payload = Payload(2 * 1024 * 1024 + 9, seed=15)

    async def before(clients: Clients) -> None:
        alice = await v2(clients, "keeper")
        file = await upload(alice, server.address, payload)
        await alice.send("", file=file["id"])

    run(before, server.address)
    server.restart()

    async def after(clients: Clients) -> None:
        client = await clients.connect()
        await client.request("login", username="keeper", password=PASSWORD, protocol=2)
        await client.next_event("users")
        message = (await client.request("history", limit=1))["messages"][0]
        assert await download(client, server.address, message["file"]["id"]) == payload.bytes()

    run(after, server.address)
