"""Where the bytes of files live: on disk, by their SHA-256, beside the database.

The database only names files (:mod:`db.files`); their bytes are kept here,
under the server's files directory (``--files-dir``, by default ``files`` in
the data directory)::

    files/
      sha256/3f/3f2a9c...     one file per content, named by its SHA-256
      incoming/17.part        upload 17, as far as it has come

Content addressing is what deduplicates: identical bytes uploaded twice,
by anyone, are one file.  A finished upload is made durable in the order
that leaves nothing half-written where a download could find it: its bytes
are written to ``incoming/``, flushed to disk (``fsync``), checked against
the SHA-256 the uploader announced, and only then renamed into
``sha256/``, whose directory is flushed too.  A crash at any moment leaves
either a complete content file or an ``incoming`` one, which the next
``put`` resumes (its bytes are read again to carry on the hash).

Everything here blocks: the server calls it in its file threads, never on
the event loop.  Files and folders are private to the server's account,
like the database (:mod:`db.private_files`).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import BinaryIO

from db.private_files import create_private_file, make_private_dir

__all__ = ["FileStore", "PartialUpload", "READ_CHUNK_BYTES"]

log = logging.getLogger("besedka.server.files")

#: How much is read from disk at once: for hashing a resumed upload's bytes,
#: for downloads, and for backups.
READ_CHUNK_BYTES = 1024 * 1024


class PartialUpload:
    """An upload's ``incoming`` file, open for appending, with the hash of
    everything in it so far."""

    def __init__(self, path: Path, file: BinaryIO, sha256: hashlib._Hash, size: int) -> None:
        self.path = path
        self.file = file
        self.hash = sha256
        #: bytes in the file (and in the hash)
        self.size = size

    def append(self, data: bytes | memoryview) -> None:
        """Write bytes at the end and add them to the hash."""
        self.file.write(data)
        # hashlib releases the GIL for large buffers: the event loop runs on
        # while a megabyte is hashed here.
        self.hash.update(data)
        self.size += len(data)

    def close(self) -> None:
        """Close without making anything durable (the upload resumes later)."""
        try:
            self.file.close()
        except OSError:
            log.warning("closing %s failed", self.path, exc_info=True)

    def finish(self) -> str:
        """Flush to disk and close; returns the SHA-256 (hex) of the bytes."""
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
        finally:
            self.file.close()
        return self.hash.hexdigest()


class FileStore:
    """The files directory: content files by SHA-256, and uploads on their way.

    Args:
        root: the directory (created, private to its owner, when first needed).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.contents = root / "sha256"
        self.incoming = root / "incoming"

    def prepare(self) -> None:
        """Create the directories (at start, in a thread)."""
        make_private_dir(self.root)
        make_private_dir(self.contents)
        make_private_dir(self.incoming)

    # ------------------------------------------------------------------
    # Content files

    def content_path(self, sha256: str) -> Path:
        """Where the bytes with this SHA-256 are (or would be) kept."""
        return self.contents / sha256[:2] / sha256

    def has_content(self, sha256: str, size: int) -> bool:
        """Whether bytes with this SHA-256 (and size) are stored."""
        try:
            return self.content_path(sha256).stat().st_size == size
        except OSError:
            return False

    def open_content(self, sha256: str) -> io.BufferedReader:
        """The stored bytes, open for reading.

        Raises:
            OSError: they are not there.
        """
        return open(self.content_path(sha256), "rb")

    def remove_content(self, sha256: str) -> bool:
        """Delete stored bytes (no file uses them any more); whether they were there."""
        try:
            self.content_path(sha256).unlink()
        except FileNotFoundError:
            return False
        return True

    # ------------------------------------------------------------------
    # Uploads on their way

    def partial_path(self, upload_id: int) -> Path:
        return self.incoming / f"{upload_id}.part"

    def received(self, upload_id: int) -> int:
        """How many bytes of an upload are on disk (0 before any arrived)."""
        try:
            return self.partial_path(upload_id).stat().st_size
        except FileNotFoundError:
            return 0

    def resume(self, upload_id: int, offset: int) -> PartialUpload:
        """Open an upload to append from ``offset``: what lies beyond it is
        cut off, what lies before it is read again to carry on the hash.

        Raises:
            ValueError: fewer than ``offset`` bytes are on disk.
            OSError: the file cannot be opened.
        """
        path = self.partial_path(upload_id)
        try:
            descriptor = create_private_file(path)
            os.close(descriptor)
        except FileExistsError:
            pass
        file = open(path, "r+b")
        try:
            size = os.fstat(file.fileno()).st_size
            if offset > size:
                raise ValueError(f"only {size} bytes of upload {upload_id} are stored")
            file.truncate(offset)
            sha256 = hashlib.sha256()
            remaining = offset
            while remaining:
                chunk = file.read(min(READ_CHUNK_BYTES, remaining))
                if not chunk:
                    raise ValueError(f"upload {upload_id} shrank while it was read")
                sha256.update(chunk)
                remaining -= len(chunk)
            file.seek(offset)
        except BaseException:
            file.close()
            raise
        return PartialUpload(path, file, sha256, offset)

    def store(self, upload_id: int, sha256: str) -> None:
        """Move a complete, checked, flushed upload to its content's place.

        If those bytes are stored already (someone uploaded them before),
        the upload's copy is simply deleted: stored once.
        """
        partial = self.partial_path(upload_id)
        target = self.content_path(sha256)
        make_private_dir(target.parent)
        if target.exists():
            partial.unlink(missing_ok=True)
            return
        os.replace(partial, target)
        _flush_directory(target.parent)

    def discard(self, upload_id: int) -> None:
        """Delete an upload's bytes (they did not match, or it was abandoned)."""
        self.partial_path(upload_id).unlink(missing_ok=True)

    # ------------------------------------------------------------------
    # Backups

    def copy_contents(self, contents: set[str], destination: Path) -> tuple[int, int, list[str]]:
        """Copy these contents into a files directory laid out like this one,
        skipping those it has already (content files never change).

        Returns:
            How many were copied, how many bytes, and which were missing here.
        """
        target = FileStore(destination)
        target.prepare()
        copied = copied_bytes = 0
        missing: list[str] = []
        for sha256 in sorted(contents):
            source = self.content_path(sha256)
            if not source.is_file():
                missing.append(sha256)
                continue
            size = source.stat().st_size
            if target.has_content(sha256, size):
                continue
            destination_path = target.content_path(sha256)
            make_private_dir(destination_path.parent)
            temporary = destination_path.with_name(f".{sha256}.tmp")
            os.close(create_private_file_replacing(temporary))
            with open(source, "rb") as reader, open(temporary, "r+b") as writer:
                shutil.copyfileobj(reader, writer, READ_CHUNK_BYTES)
                writer.flush()
                os.fsync(writer.fileno())
            os.replace(temporary, destination_path)
            copied += 1
            copied_bytes += size
        return copied, copied_bytes, missing


def create_private_file_replacing(path: Path) -> int:
    """:func:`create_private_file`, first removing a leftover of an earlier try."""
    path.unlink(missing_ok=True)
    return create_private_file(path)


def _flush_directory(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX: fsync the directory).

    Windows cannot open a directory for flushing; NTFS journals the rename.
    """
    if sys.platform == "win32":
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
