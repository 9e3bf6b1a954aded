"""Every typed frame under one name, for code written before the split.

The frames used to live here; they now live by direction and kind:

* :mod:`protocol.requests`: what a client asks (``login``, ``send``...),
  and the server's decoding of a request;
* :mod:`protocol.replies`: ``ok`` and ``error`` replies, typed per request;
* :mod:`protocol.events`: what a server pushes (``hello``, ``message``...)
  and :func:`~protocol.events.decode_server_frame`, a client's reader;
* :mod:`protocol.objects`: messages, roster entries, timestamps;
* :mod:`protocol.fields`: the field readers all of them share.

``from protocol.frames import X`` keeps working for every name that was
here; new code imports from the modules above.
"""

from __future__ import annotations

from .framing import decode_json_object
from .objects import Message, RosterEntry, format_ts, message_to_wire, parse_ts
from .replies import error_reply, ok_reply
from .requests import (
    PRE_AUTH_TYPES,
    REQUEST_TYPES,
    ChangePassword,
    History,
    ListUsers,
    Login,
    Logout,
    MarkRead,
    Ping,
    RawRequest,
    Register,
    Request,
    Send,
    Sync,
    decode_request,
    parse_request,
)

__all__ = [
    "RawRequest",
    "Request",
    "Register",
    "Login",
    "Logout",
    "Ping",
    "ListUsers",
    "Send",
    "History",
    "Sync",
    "MarkRead",
    "ChangePassword",
    "REQUEST_TYPES",
    "PRE_AUTH_TYPES",
    "decode_request",
    "parse_request",
    "decode_json_object",
    "Message",
    "message_to_wire",
    "RosterEntry",
    "format_ts",
    "parse_ts",
    "ok_reply",
    "error_reply",
]
