"""An upload's bytes are stored in the order they arrived, whenever they arrive.

The bytes that came in the same read as the ``put`` frame are handed over
with the connection, and more may arrive before the upload's task first
runs (over TLS, several records are decrypted and delivered at once).  A
benchmark once caught the first ones stored after the next; the order of
those events is the server's own, so this test makes it happen for sure,
in one process: a real database and files directory, the real upload
protocol, and a transport that records what the server writes.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from db import files as stored
from db import queries
from db.database import Database
from protocol.framing import decode_json_object, encode_frame
from protocol.requests import decode_request
from server.config import FileLimits
from server.directory import AccountDirectory
from server.files import Files
from server.filestore import FileStore
from server.presence import Presence
from server.transfer import UploadReceiver


class RecordingTransport(asyncio.Transport):
    """The part of a transport the upload uses; it keeps what is written."""

    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closed = asyncio.get_running_loop().create_future()
        self.reading = True

    def write(self, data: Any) -> None:
        self.written += data

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def is_closing(self) -> bool:
        return self.closed.done()

    def can_write_eof(self) -> bool:
        return False

    def close(self) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def abort(self) -> None:
        self.close()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default


def test_bytes_that_arrive_before_the_upload_starts_keep_their_order(tmp_path: Path) -> None:
    data = bytes(range(256)) * 4096 + b"the end"
    first, rest = data[:1000], data[1000:]

    async def scenario() -> None:
        database = await asyncio.to_thread(Database, f"sqlite:///{tmp_path / 'chat.db'}")
        store = FileStore(tmp_path / "files")
        store.prepare()
        directory = AccountDirectory([])
        files = Files(database, store, FileLimits(), directory,
                      Presence(database, directory), idle_timeout=120)
        now = datetime.now(UTC)
        try:
            account = await asyncio.wrap_future(database.write(
                lambda conn: queries.create_account(conn, "alice", "alice", b"x", now)))
            upload = await asyncio.wrap_future(database.write(
                lambda conn: stored.start_upload(conn, account.id,
                                                 hashlib.sha256(data).hexdigest(), len(data),
                                                 "f.bin", "application/octet-stream", now)))
            token = files.tokens.issue("upload", account.id, upload.id)
            receiver = UploadReceiver(files, "test", decode_request(
                encode_frame({"type": "put", "upload": token})))
            transport = RecordingTransport()
            # As ClientConnection does after the first frame; then more
            # bytes, before the event loop gets to run the upload's task.
            receiver.take_over(transport, first)
            receiver.data_received(rest)
            await asyncio.wait_for(receiver.done, 30)
            reply = decode_json_object(bytes(transport.written).rstrip(b"\n"))
            assert reply["type"] == "ok", reply
            with store.open_content(hashlib.sha256(data).hexdigest()) as content:
                assert content.read() == data
        finally:
            await files.close()
            await asyncio.to_thread(database.close)

    asyncio.run(scenario())
