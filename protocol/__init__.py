"""Besedka's wire protocol, versions 1 and 2, as pure code: no sockets, no asyncio, no Qt.

Both the server and the desktop client import this package, so the frame
format, the validation rules, the error codes and the limits exist exactly
once.  The contract it implements is ``docs/protocol.md``.

* :mod:`protocol.framing` splits a byte stream into frames and encodes them;
* :mod:`protocol.requests` defines the typed requests a client sends;
* :mod:`protocol.replies` the typed ``ok`` and ``error`` replies to them;
* :mod:`protocol.events` the events a server pushes, and reading any frame
  a server sends;
* :mod:`protocol.objects` the messages and roster entries frames carry;
* :mod:`protocol.fields` reads one field of a frame, for all of the above
  (:mod:`protocol.frames` still names them all, for older imports);
* :mod:`protocol.rules` checks usernames, passwords and message bodies;
* :mod:`protocol.errors` holds the error codes and exceptions;
* :mod:`protocol.limits` holds every number the protocol fixes;
* :mod:`protocol.features` names the parts of version 2 a server offers;
* :mod:`protocol.lifecycle` the frames of messages that change: edits,
  deletions, reactions, typing and read receipts;
* :mod:`protocol.files` the requests of files and of transfer connections;
* :mod:`protocol.rooms` holds the ``rooms`` feature's objects, rules,
  requests, replies and events;
* :mod:`protocol.sessions` the requests of remembered sessions and status;
* :mod:`protocol.provisioning` the lines that make a client trust a server.

The version 2 features' modules are imported here, so that their frames
are registered wherever :mod:`protocol` is.

A connection speaks version 1 unless its login asks for version 2
(PROTOCOL-2.md); objects and frames take the version they are written for.
"""

from .errors import ErrorCode, FrameTooLargeError, ProtocolError, RequestError, RequestId
from .framing import FrameDecoder, encode_frame
from .limits import DEFAULT_PORT, PROTOCOL_VERSION

# Feature modules register their requests and events with the readers
# above when imported; importing them here makes every type known wherever
# protocol is.
from . import files  # noqa: E402,F401  isort: skip
from . import lifecycle  # noqa: E402,F401  isort: skip
from . import rooms  # noqa: E402,F401  isort: skip
from . import sessions  # noqa: E402,F401  isort: skip

__all__ = [
    "DEFAULT_PORT",
    "PROTOCOL_VERSION",
    "ErrorCode",
    "FrameDecoder",
    "FrameTooLargeError",
    "ProtocolError",
    "RequestError",
    "RequestId",
    "encode_frame",
]
