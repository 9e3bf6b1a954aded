"""What an upload or a download is, as the windows see it.

:class:`~client_gui.files.FileTransfers` moves the bytes; the views only
read where each transfer stands, to draw a message's progress or its file
card (:mod:`client_gui.file_cards`, :mod:`client_gui.previews`) and to keep
an upload's row in its conversation (:mod:`client_gui.conversations`).
These records are what they read, kept here so that a view needs no import
of the machinery that fills them: :class:`Upload` (a file on its way to the
server, and the message that will carry it), :class:`Download` (one on its
way back, into the downloads folder or the cache) and their
:class:`TransferState`.  Only :class:`~client_gui.files.FileTransfers`
changes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from protocol.errors import ErrorCode
from protocol.objects import FileInfo

from .outbox import ConversationId
from .transfer_jobs import TransferJob

__all__ = ["Download", "TransferState", "Upload"]


class TransferState(Enum):
    """Where an upload or a download stands."""

    HASHING = "hashing"  # reading the file for its SHA-256
    WAITING = "waiting"  # for a connection to the server
    STARTING = "starting"  # asking the server for a token
    MOVING = "moving"  # bytes on their way
    POSTING = "posting"  # stored; its message waits in the outbox
    DONE = "done"
    FAILED = "failed"


@dataclass(eq=False)
class Upload:
    """A file on its way to the server, and the message that will carry it."""

    key: str
    to: str | None
    conversation: ConversationId
    path: Path
    name: str
    mime: str
    caption: str = ""
    #: post it as a message once stored (an avatar is not posted)
    post: bool = True
    #: the room it is posted to (version 2), else None
    room: int | None = None
    size: int = 0
    sha256: str = ""
    done: int = 0
    state: TransferState = TransferState.HASHING
    error: ErrorCode | str | None = None
    file: FileInfo | None = None
    job: TransferJob | None = field(default=None, repr=False)
    stored: Callable[[FileInfo], None] | None = field(default=None, repr=False)

    @property
    def info(self) -> FileInfo:
        """What a message row shows of it before the server has it."""
        return self.file or FileInfo("", self.name, self.size, self.mime)


@dataclass(eq=False)
class Download:
    """A file on its way from the server."""

    file: FileInfo
    destination: Path
    done: int = 0
    state: TransferState = TransferState.WAITING
    error: ErrorCode | str | None = None
    job: TransferJob | None = field(default=None, repr=False)
    #: the end of the partial file's name: a fetch into the cache, which
    #: every session of this user shares, makes its own (two sessions
    #: appending to one file would mix their bytes)
    part_suffix: str = ".part"

    @property
    def partial(self) -> Path:
        return self.destination.with_name(self.destination.name + self.part_suffix)
