"""Every number PROTOCOL.md fixes, defined once for the server and the client.

A change here is a change of the protocol: both sides read these values, so
they can never disagree about, say, the longest message.
"""

from __future__ import annotations

from typing import Final

#: The protocol version announced in ``hello``.
PROTOCOL_VERSION: Final = 1

#: The TCP port a server listens on unless told otherwise.
DEFAULT_PORT: Final = 7447

#: Longest frame a client may send, including its terminating newline.
MAX_CLIENT_FRAME_BYTES: Final = 65_536
#: Longest frame a client must accept from the server (a full ``sync`` page).
MAX_SERVER_FRAME_BYTES: Final = 32 * 1024 * 1024

#: Longest request ``id`` string, and the range of an integer ``id``.
MAX_REQUEST_ID_CHARS: Final = 64
MAX_REQUEST_ID_INT: Final = 2**53

USERNAME_MIN_CHARS: Final = 3
USERNAME_MAX_CHARS: Final = 32
PASSWORD_MIN_CHARS: Final = 8
PASSWORD_MAX_CHARS: Final = 1024
BODY_MAX_CHARS: Final = 4000
#: Length bounds of the idempotency ``key`` of ``send``.
KEY_MIN_CHARS: Final = 1
KEY_MAX_CHARS: Final = 64

HISTORY_DEFAULT_LIMIT: Final = 50
HISTORY_MAX_LIMIT: Final = 200
SYNC_DEFAULT_LIMIT: Final = 500
SYNC_MAX_LIMIT: Final = 1000

#: Seconds a connection may stay unauthenticated after connecting or logout.
LOGIN_TIMEOUT_SECONDS: Final = 30.0
#: Seconds a logged-in connection may stay silent before it is closed.
IDLE_TIMEOUT_SECONDS: Final = 120.0
#: How often an idle client pings, comfortably inside the idle timeout.
PING_INTERVAL_SECONDS: Final = 30.0

#: Unsent bytes a connection may accumulate before the server drops it.
MAX_PENDING_OUTPUT_BYTES: Final = 8 * 1024 * 1024

# Default rate limits (PROTOCOL.md, "Server limits").
FAILED_LOGINS_PER_ACCOUNT_PER_MINUTE: Final = 5
FAILED_LOGINS_PER_ADDRESS_PER_MINUTE: Final = 20
REGISTRATIONS_PER_ADDRESS_PER_MINUTE: Final = 10
MESSAGES_PER_SECOND: Final = 30.0
MESSAGE_BURST: Final = 60
