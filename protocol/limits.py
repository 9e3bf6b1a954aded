"""Every number PROTOCOL.md fixes, defined once for the server and the client.

A change here is a change of the protocol: both sides read these values, so
they can never disagree about, say, the longest message.
"""

from __future__ import annotations

from typing import Final

#: The newest protocol version spoken here, announced in ``hello``
#: (PROTOCOL-2.md).  A connection speaks it only if its login asks.
PROTOCOL_VERSION: Final = 2
#: The version every connection speaks unless its login asks for a newer one.
PROTOCOL_V1: Final = 1

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

# Version 2 (PROTOCOL-2.md).

#: Room names, after NFC; topics.
ROOM_NAME_MAX_CHARS: Final = 64
ROOM_TOPIC_MAX_CHARS: Final = 500
#: Past this many members, ``invite`` and ``join_room`` get ``forbidden``.
ROOM_MAX_MEMBERS: Final = 10_000
#: A reaction's emoji, in characters; distinct emoji on one message.
EMOJI_MAX_CHARS: Final = 32
MAX_DISTINCT_EMOJI: Final = 20
#: Clients treat ``typing`` as over after this long unless it is repeated...
TYPING_EXPIRES_SECONDS: Final = 6.0
#: ...and the server passes on at most one per connection and conversation this often.
TYPING_THROTTLE_SECONDS: Final = 2.0
#: ``search``: the query's length, and its page size.
SEARCH_QUERY_MIN_CHARS: Final = 2
SEARCH_QUERY_MAX_CHARS: Final = 200
SEARCH_DEFAULT_LIMIT: Final = 20
SEARCH_MAX_LIMIT: Final = 100
#: A file's name, in characters.
FILE_NAME_MAX_CHARS: Final = 255
#: A file id: a random 128-bit number in lower-case hex.
FILE_ID_HEX_CHARS: Final = 32
#: Default limits on files (server options ``--max-file-size``, ``--file-quota``).
DEFAULT_MAX_FILE_BYTES: Final = 2 * 1024**3
DEFAULT_FILE_QUOTA_BYTES: Final = 20 * 1024**3
#: An avatar's largest size.
AVATAR_MAX_BYTES: Final = 1024**2
#: Transfer tokens expire after this long unused.
TRANSFER_TOKEN_SECONDS: Final = 3600.0
#: A remembered session expires after this long unused.
SESSION_TOKEN_DAYS: Final = 90
#: What ``client`` may say of itself (``register``, ``login``, ``resume``).
CLIENT_NAME_MAX_CHARS: Final = 100
#: A status's short text.
STATUS_TEXT_MAX_CHARS: Final = 80
