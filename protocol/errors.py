"""Error codes and the exceptions that carry them.

Every rejection the protocol can express is one :class:`ErrorCode`; the
server puts its value in the ``code`` field of an ``error`` reply and clients
switch on it.  The exceptions below are how pure code in :mod:`protocol`
reports a rejection without knowing who will turn it into bytes.

Exception tree::

    ProtocolError                 a frame or a value the protocol rejects
    ├── FrameTooLargeError        a frame over the size limit (connection ends)
    └── RequestError              a request to answer with an ``error`` reply

``RequestError`` knows the ``re`` value to answer with, so a server can turn
any of them into a reply with one call, and a client can raise one when the
server's reply is an error.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

__all__ = ["ErrorCode", "ProtocolError", "FrameTooLargeError", "RequestError", "RequestId"]

#: The value of a request's ``id`` (and so of a reply's ``re``).
RequestId = str | int | None


class ErrorCode(StrEnum):
    """The ``code`` of an ``error`` reply, exactly as PROTOCOL.md lists them."""

    BAD_REQUEST = "bad_request"
    FRAME_TOO_LARGE = "frame_too_large"
    UNKNOWN_TYPE = "unknown_type"
    NOT_AUTHENTICATED = "not_authenticated"
    ALREADY_AUTHENTICATED = "already_authenticated"
    INVALID_USERNAME = "invalid_username"
    WEAK_PASSWORD = "weak_password"
    USERNAME_TAKEN = "username_taken"
    INVALID_CREDENTIALS = "invalid_credentials"
    UNKNOWN_USER = "unknown_user"
    MESSAGE_TOO_LONG = "message_too_long"
    RATE_LIMITED = "rate_limited"
    INTERNAL_ERROR = "internal_error"
    #: Extension (issue 5): a plain-TCP client reached a server that accepts
    #: only TLS.  Sent once, unencrypted, with ``re: null``, before the
    #: server hangs up; see :mod:`protocol.tls`.
    TLS_REQUIRED = "tls_required"
    #: Extension (issue 12): the server has as many connections as it can
    #: take (``--max-connections``).  Sent instead of ``hello``, with
    #: ``re: null``, before the server hangs up.
    SERVER_FULL = "server_full"
    # Version 2 (PROTOCOL-2.md, "New error codes").
    UNKNOWN_ROOM = "unknown_room"
    FORBIDDEN = "forbidden"
    INVALID_ROOM_NAME = "invalid_room_name"
    UNKNOWN_MESSAGE = "unknown_message"
    UNKNOWN_FILE = "unknown_file"
    FILE_TOO_LARGE = "file_too_large"
    QUOTA_EXCEEDED = "quota_exceeded"
    HASH_MISMATCH = "hash_mismatch"
    INVALID_TOKEN = "invalid_token"


class ProtocolError(Exception):
    """A frame or value that the protocol rejects, with the code to answer.

    Args:
        code: the error code a peer will see.
        message: a human-readable English sentence that says which field is
            wrong and why; it goes into the reply's ``message``.
    """

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code.value!r}, {self.message!r})"


class FrameTooLargeError(ProtocolError):
    """A frame exceeded the size limit; the stream cannot be resynchronised."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            ErrorCode.FRAME_TOO_LARGE, f"frame exceeds {limit} bytes including its newline"
        )
        self.limit = limit


class RequestError(ProtocolError):
    """A request to be answered with an ``error`` reply.

    Args:
        code: the error code.
        message: the human-readable explanation.
        re: the request's ``id`` (``None`` when it had none or it was invalid).
        extra: further reply fields, e.g. ``retry_after`` for ``rate_limited``.
    """

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        re: RequestId = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(code, message)
        self.re = re
        self.extra = extra or {}

    @classmethod
    def from_protocol_error(cls, error: ProtocolError, re: RequestId) -> RequestError:
        """Attach a request id to a rule violation found by a validator."""
        return cls(error.code, error.message, re)
