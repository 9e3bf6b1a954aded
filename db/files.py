"""The queries of files and uploads (PROTOCOL-2.md, "Files").

The bytes of a file never enter the database: they are kept on disk by
their SHA-256 (``server/filestore.py``).  These rows say what the bytes are
called, who uploaded them, who may download them, and how far an upload
that has not completed has come.

* a **file** row (:class:`~db.models.StoredFile`) names one upload: a
  random id, the bytes' SHA-256, a name, a size, a type and the uploader.
  Identical bytes uploaded again make a new row with a new id; they are
  stored once;
* an **upload** row (:class:`~db.models.Upload`) is an upload on its way,
  found again by (account, SHA-256, size) so an interrupted upload resumes.

Like :mod:`db.queries`, each function takes a connection whose caller owns
the transaction, and returns plain immutable records.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from .models import Account, Message, RoomMember, StoredFile, Upload
from .queries import newest_seq

__all__ = [
    "FileRecord",
    "LargeFile",
    "UploadRecord",
    "bytes_in_use",
    "content_in_use",
    "copy_file",
    "drop_upload",
    "find_upload",
    "finish_upload",
    "get_file",
    "get_upload",
    "largest_files",
    "live_contents",
    "may_download",
    "my_copy",
    "new_file_id",
    "record_received",
    "remove_file",
    "set_avatar",
    "stale_uploads",
    "start_upload",
]


class FileRecord(NamedTuple):
    """One file row."""

    id: str
    sha256: str
    name: str
    size: int
    mime: str
    uploader_id: int
    created_at: datetime
    removed_at: datetime | None = None

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


class UploadRecord(NamedTuple):
    """One upload on its way."""

    id: int
    account_id: int
    sha256: str
    size: int
    name: str
    mime: str
    received: int
    created_at: datetime
    last_used_at: datetime


class LargeFile(NamedTuple):
    """A line of ``admin files``: a file, who uploaded it, and how many
    messages carry it."""

    file: FileRecord
    uploader: str
    messages: int


_FILE_COLUMNS = (StoredFile.id, StoredFile.sha256, StoredFile.name, StoredFile.size,
                 StoredFile.mime, StoredFile.uploader_id, StoredFile.created_at,
                 StoredFile.removed_at)
_UPLOAD_COLUMNS = (Upload.id, Upload.account_id, Upload.sha256, Upload.size, Upload.name,
                   Upload.mime, Upload.received, Upload.created_at, Upload.last_used_at)


def new_file_id() -> str:
    """A fresh file id: 128 random bits in hex, so that one id says nothing
    of any other."""
    return secrets.token_hex(16)


def get_file(conn: Connection, file_id: str) -> FileRecord | None:
    """The file with this id, removed or not."""
    row = conn.execute(select(*_FILE_COLUMNS).where(StoredFile.id == file_id)).one_or_none()
    return None if row is None else FileRecord(*row)


def my_copy(conn: Connection, account_id: int, sha256: str, size: int) -> FileRecord | None:
    """A file (not removed) this account uploaded with exactly these bytes, if any."""
    row = conn.execute(
        select(*_FILE_COLUMNS)
        .where(StoredFile.uploader_id == account_id, StoredFile.sha256 == sha256,
               StoredFile.size == size, StoredFile.removed_at.is_(None))
        .order_by(StoredFile.created_at)
        .limit(1)
    ).one_or_none()
    return None if row is None else FileRecord(*row)


def bytes_in_use(conn: Connection, account_id: int) -> int:
    """How much of the file quota an account uses.

    Each distinct content it uploaded counts once, however many times (a
    second upload of the same bytes costs no disk), and so does each
    upload still on its way whose content it has not stored already.
    """
    mine = (select(StoredFile.sha256, func.max(StoredFile.size).label("size"))
            .where(StoredFile.uploader_id == account_id, StoredFile.removed_at.is_(None))
            .group_by(StoredFile.sha256).subquery())
    stored = conn.execute(select(func.coalesce(func.sum(mine.c.size), 0))).scalar_one()
    coming = conn.execute(
        select(func.coalesce(func.sum(Upload.size), 0))
        .where(Upload.account_id == account_id,
               Upload.sha256.not_in(select(mine.c.sha256)))
    ).scalar_one()
    return int(stored) + int(coming)


def find_upload(conn: Connection, account_id: int, sha256: str,
                size: int) -> UploadRecord | None:
    """The account's upload of these bytes still on its way, if any."""
    row = conn.execute(
        select(*_UPLOAD_COLUMNS)
        .where(Upload.account_id == account_id, Upload.sha256 == sha256, Upload.size == size)
        .order_by(Upload.id).limit(1)
    ).one_or_none()
    return None if row is None else UploadRecord(*row)


def start_upload(conn: Connection, account_id: int, sha256: str, size: int, name: str,
                 mime: str, now: datetime) -> UploadRecord:
    """The account's upload of these bytes: the one on its way (with the
    name and type given now), or a new one.

    Raises nothing: a second ``file_upload`` for the same bytes resumes the
    first, whatever it was called.
    """
    found = find_upload(conn, account_id, sha256, size)
    if found is not None:
        conn.execute(update(Upload).where(Upload.id == found.id)
                     .values(name=name, mime=mime, last_used_at=now))
        return found._replace(name=name, mime=mime, last_used_at=now)
    upload_id = conn.execute(insert(Upload).values(
        account_id=account_id, sha256=sha256, size=size, name=name, mime=mime, received=0,
        created_at=now, last_used_at=now)).inserted_primary_key[0]  # type: ignore[index]
    return UploadRecord(upload_id, account_id, sha256, size, name, mime, 0, now, now)


def get_upload(conn: Connection, upload_id: int) -> UploadRecord | None:
    """The upload with this id, if it is still on its way."""
    row = conn.execute(select(*_UPLOAD_COLUMNS).where(Upload.id == upload_id)).one_or_none()
    return None if row is None else UploadRecord(*row)


def record_received(conn: Connection, upload_id: int, received: int, now: datetime) -> None:
    """Note how many bytes of an upload are on disk (shown to administrators;
    the server resumes from what the disk holds)."""
    conn.execute(update(Upload).where(Upload.id == upload_id)
                 .values(received=received, last_used_at=now))


def finish_upload(conn: Connection, upload_id: int, now: datetime) -> FileRecord:
    """An upload's bytes are stored and checked: it becomes a file.

    Raises:
        LookupError: no such upload (finished or dropped already).
    """
    upload = get_upload(conn, upload_id)
    if upload is None:
        raise LookupError(f"no upload {upload_id}")
    record = FileRecord(new_file_id(), upload.sha256, upload.name, upload.size, upload.mime,
                        upload.account_id, now)
    conn.execute(insert(StoredFile).values(
        id=record.id, sha256=record.sha256, name=record.name, size=record.size,
        mime=record.mime, uploader_id=record.uploader_id, created_at=now))
    conn.execute(delete(Upload).where(Upload.id == upload_id))
    return record


def copy_file(conn: Connection, original: FileRecord, name: str, mime: str,
              now: datetime) -> FileRecord:
    """A new file, under a new id, for bytes its uploader stored before."""
    record = FileRecord(new_file_id(), original.sha256, name, original.size, mime,
                        original.uploader_id, now)
    conn.execute(insert(StoredFile).values(
        id=record.id, sha256=record.sha256, name=name, size=record.size, mime=mime,
        uploader_id=record.uploader_id, created_at=now))
    # Should an interrupted upload of the same bytes remain, it has no use now.
    conn.execute(delete(Upload).where(Upload.account_id == original.uploader_id,
                                      Upload.sha256 == original.sha256,
                                      Upload.size == original.size))
    return record


def drop_upload(conn: Connection, upload_id: int) -> None:
    """Forget an upload (its bytes did not match, or it was abandoned)."""
    conn.execute(delete(Upload).where(Upload.id == upload_id))


def stale_uploads(conn: Connection, unused_since: datetime) -> list[UploadRecord]:
    """Uploads nobody has resumed since ``unused_since``."""
    return [UploadRecord(*row) for row in conn.execute(
        select(*_UPLOAD_COLUMNS).where(Upload.last_used_at < unused_since))]


def may_download(conn: Connection, account_id: int, file_id: str) -> bool:
    """Whether an account may download a file (PROTOCOL-2.md): it uploaded
    it, or it can see a message carrying it, or someone's avatar uses it.

    A message can be seen in the general room, in a direct conversation of
    mine (either direction), and in a room I am a member of; a deleted
    message carries no file.
    """
    uploaded = exists(select(StoredFile.id).where(StoredFile.id == file_id,
                                                  StoredFile.uploader_id == account_id))
    my_rooms = select(RoomMember.room_id).where(RoomMember.account_id == account_id)
    in_a_message = exists(select(Message.id).where(
        Message.file_id == file_id,
        Message.deleted_at.is_(None),
        or_(
            and_(Message.recipient_id.is_(None), Message.room_id.is_(None)),
            Message.recipient_id == account_id,
            and_(Message.sender_id == account_id, Message.room_id.is_(None)),
            Message.room_id.in_(my_rooms),
        )))
    an_avatar = exists(select(Account.id).where(Account.avatar_file_id == file_id))
    return bool(conn.execute(select(or_(uploaded, in_a_message, an_avatar))).scalar_one())


def set_avatar(conn: Connection, account_id: int, file_id: str | None) -> None:
    """Show ``file_id`` as an account's picture (None: none)."""
    conn.execute(update(Account).where(Account.id == account_id)
                 .values(avatar_file_id=file_id))


def content_in_use(conn: Connection, sha256: str) -> bool:
    """Whether any file not removed has these bytes (so they must be kept)."""
    return bool(conn.execute(select(exists(select(StoredFile.id).where(
        StoredFile.sha256 == sha256, StoredFile.removed_at.is_(None))))).scalar_one())


def live_contents(conn: Connection) -> set[str]:
    """The SHA-256 of every content some file not removed has (for backups)."""
    return set(conn.execute(select(StoredFile.sha256.distinct())
                            .where(StoredFile.removed_at.is_(None))).scalars())


def largest_files(conn: Connection, limit: int) -> list[LargeFile]:
    """The largest files not removed, largest first, with their uploader's
    name and how many messages carry each."""
    carried = (select(func.count()).where(Message.file_id == StoredFile.id)
               .correlate(StoredFile).scalar_subquery())
    rows = conn.execute(
        select(*_FILE_COLUMNS, Account.username, carried)
        .join(Account, Account.id == StoredFile.uploader_id)
        .where(StoredFile.removed_at.is_(None))
        .order_by(StoredFile.size.desc(), StoredFile.created_at)
        .limit(limit))
    return [LargeFile(FileRecord(*row[:8]), row[8], row[9]) for row in rows]


def remove_file(conn: Connection, file_id: str, now: datetime) -> FileRecord:
    """Mark a file removed (an administrator's decision).

    Its messages then carry it as removed (docs/protocol.md, "Files"): each
    takes a new change number, so a client that syncs by ``seq`` learns of
    it, and an avatar showing it is taken down.

    Raises:
        LookupError: no such file, or it was removed already.
    """
    record = get_file(conn, file_id)
    if record is None or record.removed:
        raise LookupError(f"no file {file_id}")
    conn.execute(update(StoredFile).where(StoredFile.id == file_id).values(removed_at=now))
    message_ids = conn.execute(select(Message.id).where(Message.file_id == file_id)
                               .order_by(Message.id)).scalars().all()
    seq = newest_seq(conn)
    for message_id in message_ids:
        seq += 1
        conn.execute(update(Message).where(Message.id == message_id).values(seq=seq))
    conn.execute(update(Account).where(Account.avatar_file_id == file_id)
                 .values(avatar_file_id=None))
    return record._replace(removed_at=now)
