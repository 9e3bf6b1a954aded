"""Files (PROTOCOL-2.md, "Files"): the requests, their replies, the transfer
frames, and the rules for what a file may be called.

A file travels in three steps, each a frame defined here:

1. on the chat connection, :class:`FileUpload` names the file (its name,
   size, SHA-256 and type); the server answers :class:`UploadAnswer`, with
   either the stored ``file`` (this account uploaded those bytes before) or
   an ``upload`` token and the ``offset`` to resume from;
2. a new **transfer connection** (same port, same TLS) starts with
   :class:`Put` and then carries the raw bytes from ``offset`` to the end;
   the server answers :class:`PutDone` (the stored file) and closes;
3. ``send`` with ``file`` posts it.

Downloads mirror it: :class:`FileDownload` on the chat connection gives a
``token``; a transfer connection starts with :class:`Get` and receives
:class:`GetStarted` (the size) followed by the raw bytes from its ``offset``.

``put`` and ``get`` are requests only as the *first* frame of a connection
(:data:`TRANSFER_TYPES`); the bytes after them are not frames.  They are
registered like every request so that a server can name them, answer them
in the wrong place with a clear error, and a client can read their replies
with the same machinery.

Besedka's choices where PROTOCOL-2.md is silent (docs/protocol.md, "Files"):
a name may not be ``.`` or ``..`` either, a ``mime`` is a ``type/subtype``
of printable ASCII (``application/octet-stream`` when left out), a removed
file keeps its object with ``removed: true``, and a version 1 connection
sees a file message without a caption as ``📎 NAME`` (plus
``(file removed)`` once an administrator removed it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Self

from .fields import (
    bad_field,
    file_id,
    integer,
    object_at,
    optional_file_id,
    optional_string,
    string,
)
from .limits import FILE_NAME_MAX_CHARS
from .objects import FileInfo
from .replies import Reply
from .requests import Request, request_type

__all__ = [
    "DEFAULT_MIME",
    "FileDownload",
    "FileUpload",
    "DownloadAnswer",
    "Get",
    "GetStarted",
    "IMAGE_SNIFF_BYTES",
    "Put",
    "PutDone",
    "SetAvatar",
    "TRANSFER_TYPES",
    "UploadAnswer",
    "check_file_name",
    "check_mime",
    "check_sha256",
    "image_type",
    "v1_file_body",
]

#: What a file is taken to be when the uploader does not say.
DEFAULT_MIME: Final = "application/octet-stream"
#: Longest ``mime`` value.
MIME_MAX_CHARS: Final = 255
#: The request types that turn a connection into a transfer connection
#: when they are its first frame.
TRANSFER_TYPES: Final = frozenset({"put", "get"})

# Control characters (category Cc) and lone surrogates, which no file
# system takes and which would let a name hide what it is.
_FORBIDDEN_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff/\\\\]")
_SHA256 = re.compile("[0-9a-fA-F]{64}")
# RFC 6838's restricted names, loosely: type/subtype, optional parameters,
# printable ASCII without spaces around the slash.
_MIME = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
                   r"(;[\x20-\x7e]*)?")


def check_file_name(name: str, field: str = "name") -> str:
    """A file's name as given, or a ``bad_request`` saying what is wrong with it.

    1-255 characters; no ``/``, ``\\``, control characters or lone
    surrogates (PROTOCOL-2.md), and not ``.`` or ``..``, which name
    folders, not files.

    Raises:
        ProtocolError: ``bad_request`` naming ``field``.
    """
    if not 1 <= len(name) <= FILE_NAME_MAX_CHARS:
        raise bad_field(field, f"must be 1-{FILE_NAME_MAX_CHARS} characters long")
    forbidden = _FORBIDDEN_IN_NAME.search(name)
    if forbidden is not None:
        char = forbidden.group()
        if char in "/\\":
            raise bad_field(field, f"must not contain path separators ({char!r})")
        raise bad_field(field, f"must not contain control characters or lone surrogates "
                               f"(U+{ord(char):04X})")
    if name in (".", ".."):
        raise bad_field(field, "must name a file, not '.' or '..'")
    return name


def check_sha256(value: str, field: str = "sha256") -> str:
    """A SHA-256 in hex (64 digits, either case), returned in lower case.

    Raises:
        ProtocolError: ``bad_request`` naming ``field``.
    """
    if not _SHA256.fullmatch(value):
        raise bad_field(field, "must be a SHA-256 in hex (64 hex digits)")
    return value.lower()


def check_mime(value: str | None, field: str = "mime") -> str:
    """A media type (``image/png``), :data:`DEFAULT_MIME` when left out.

    Raises:
        ProtocolError: ``bad_request`` naming ``field``.
    """
    if value is None:
        return DEFAULT_MIME
    if len(value) > MIME_MAX_CHARS or not _MIME.fullmatch(value):
        raise bad_field(field, "must be a media type such as 'image/png'")
    return value


def v1_file_body(body: str, name: str, removed: bool) -> str:
    """What a version 1 connection sees as the body of a message with a file.

    PROTOCOL-2.md: a file without a caption shows as ``📎 NAME``; a caption
    is shown as it is.  A file an administrator removed says so.
    """
    if body:
        return body
    return f"\U0001f4ce {name} (file removed)" if removed else f"\U0001f4ce {name}"


#: How many bytes :func:`image_type` needs to see.
IMAGE_SNIFF_BYTES: Final = 12


def image_type(head: bytes) -> str | None:
    """The media type of an image from its first bytes, or None if they are
    not those of an image an avatar may be (PNG, JPEG, GIF, WebP, BMP).

    By the bytes, not by the type the uploader declared: ``set_avatar``
    must refuse a file that only claims to be an image.
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"BM"):
        return "image/bmp"
    return None


def _size(fields: Mapping[str, Any], name: str) -> int:
    return integer(fields, name, minimum=0)


# --------------------------------------------------------------------------
# Replies


@dataclass(frozen=True, slots=True)
class UploadAnswer(Reply):
    """The answer to ``file_upload``: the stored ``file`` (nothing to send),
    or an ``upload`` token and the ``offset`` to send from."""

    file: FileInfo | None = None
    upload: str | None = None
    offset: int = 0

    def payload(self, version: int = 2) -> dict[str, Any]:
        if self.file is not None:
            return {"file": self.file.to_wire()}
        return {"upload": self.upload, "offset": self.offset}

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        if fields.get("file") is not None:
            return cls(FileInfo.from_wire(fields.get("file"), "file"))
        return cls(None, string(fields, "upload"), integer(fields, "offset", minimum=0))


@dataclass(frozen=True, slots=True)
class DownloadAnswer(Reply):
    """The answer to ``file_download``: a token for ``get``, and the file's size."""

    token: str
    size: int

    def payload(self, version: int = 2) -> dict[str, Any]:
        return {"token": self.token, "size": self.size}

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        return cls(string(fields, "token"), _size(fields, "size"))


@dataclass(frozen=True, slots=True)
class PutDone(Reply):
    """The answer to ``put`` once every byte is stored and checked: the file."""

    file: FileInfo

    def payload(self, version: int = 2) -> dict[str, Any]:
        return {"file": self.file.to_wire()}

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        return cls(FileInfo.from_wire(object_at(fields.get("file"), "file"), "file"))


@dataclass(frozen=True, slots=True)
class GetStarted(Reply):
    """The answer to ``get``, before the bytes: the file's whole size.  The
    bytes from the ``get``'s offset to ``size`` follow."""

    size: int

    def payload(self, version: int = 2) -> dict[str, Any]:
        return {"size": self.size}

    @classmethod
    def from_wire(cls, fields: Mapping[str, Any]) -> Self:
        return cls(_size(fields, "size"))


# --------------------------------------------------------------------------
# Requests on the chat connection


@request_type()
@dataclass(frozen=True, slots=True)
class FileUpload(Request):
    """Announce an upload: its name, size, SHA-256 and type."""

    TYPE: ClassVar[str] = "file_upload"
    SINCE: ClassVar[int] = 2
    name: str
    size: int
    sha256: str
    mime: str = DEFAULT_MIME

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> FileUpload:
        return cls(check_file_name(string(fields, "name")), _size(fields, "size"),
                   check_sha256(string(fields, "sha256")),
                   check_mime(optional_string(fields, "mime")))

    def parse_reply(self, fields: Mapping[str, Any]) -> UploadAnswer:
        return UploadAnswer.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class FileDownload(Request):
    """Ask for a token to download a file."""

    TYPE: ClassVar[str] = "file_download"
    SINCE: ClassVar[int] = 2
    file: str

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> FileDownload:
        return cls(file_id(fields))

    def parse_reply(self, fields: Mapping[str, Any]) -> DownloadAnswer:
        return DownloadAnswer.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class SetAvatar(Request):
    """Show an image I uploaded as my picture (``file: null``: none)."""

    TYPE: ClassVar[str] = "set_avatar"
    SINCE: ClassVar[int] = 2
    file: str | None

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> SetAvatar:
        return cls(optional_file_id(fields))

    def to_frame(self, request_id: Any = None) -> dict[str, Any]:
        frame = Request.to_frame(self, request_id)
        frame["file"] = self.file  # null is meaningful here: no picture
        return frame


# --------------------------------------------------------------------------
# The first frame of a transfer connection


@request_type()
@dataclass(frozen=True, slots=True)
class Put(Request):
    """Start sending an upload's bytes from ``offset``; raw bytes follow."""

    TYPE: ClassVar[str] = "put"
    SINCE: ClassVar[int] = 2
    upload: str
    offset: int = 0

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Put:
        return cls(string(fields, "upload"), integer(fields, "offset", minimum=0, default=0))

    def parse_reply(self, fields: Mapping[str, Any]) -> PutDone:
        return PutDone.from_wire(fields)


@request_type()
@dataclass(frozen=True, slots=True)
class Get(Request):
    """Start receiving a file's bytes from ``offset``."""

    TYPE: ClassVar[str] = "get"
    SINCE: ClassVar[int] = 2
    token: str
    offset: int = 0

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Get:
        return cls(string(fields, "token"), integer(fields, "offset", minimum=0, default=0))

    def parse_reply(self, fields: Mapping[str, Any]) -> GetStarted:
        return GetStarted.from_wire(fields)

