"""Everything ``python -m server`` can be told, with its default, in one place.

The command line (:mod:`server.cli`) takes every default it shows from
here, and the numbers PROTOCOL.md fixes come from :mod:`protocol.limits`, so
no default is written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from protocol import limits

from .passwords import DEFAULT_ROUNDS
from .tls import TlsConfig

__all__ = ["DISABLED_CHECK_SECONDS", "FileLimits", "RATE_LIMIT_WINDOW_SECONDS", "RateLimits",
           "ServerConfig",
           "MAX_CONNECTIONS_PER_ACCOUNT", "MAX_UNAUTHENTICATED_PER_ADDRESS", "MAX_UNSENT_BYTES",
           "OUTPUT_STALL_SECONDS"]

#: PROTOCOL.md's "per minute" of the failed-login and registration limits.
RATE_LIMIT_WINDOW_SECONDS = 60.0
#: Password changes per account per window, and the window (10 minutes).
PASSWORD_CHANGES_PER_ACCOUNT = 5
PASSWORD_CHANGE_WINDOW_SECONDS = 600.0
#: How often the server looks for online accounts disabled by an administrator.
DISABLED_CHECK_SECONDS = 2.0

# Issue 12: what connections may take of the server (server/registry.py).
#: Connections one account may have logged in at once.
MAX_CONNECTIONS_PER_ACCOUNT = 50
#: Connections one address may have open without being logged in.
MAX_UNAUTHENTICATED_PER_ADDRESS = 64
#: Unsent bytes of all connections together; beyond, the biggest holders go.
MAX_UNSENT_BYTES = 256 * 1024 * 1024
#: Seconds a connection's waiting output may go without any of it leaving.
OUTPUT_STALL_SECONDS = 30.0


@dataclass
class RateLimits:
    """The abuse limits (PROTOCOL.md, "Server limits"); ``enabled=False`` is
    ``--no-rate-limits``."""

    enabled: bool = True
    failed_logins_per_account: int = limits.FAILED_LOGINS_PER_ACCOUNT_PER_MINUTE
    failed_logins_per_address: int = limits.FAILED_LOGINS_PER_ADDRESS_PER_MINUTE
    registrations_per_address: int = limits.REGISTRATIONS_PER_ADDRESS_PER_MINUTE
    messages_per_second: float = limits.MESSAGES_PER_SECOND
    message_burst: int = limits.MESSAGE_BURST
    #: Seconds over which failed logins and registrations are counted.
    window: float = RATE_LIMIT_WINDOW_SECONDS
    #: ``change_password`` attempts per account per ``password_change_window``
    #: (issue 12: each costs two hashes).
    password_changes_per_account: int = PASSWORD_CHANGES_PER_ACCOUNT
    password_change_window: float = PASSWORD_CHANGE_WINDOW_SECONDS


@dataclass
class FileLimits:
    """The limits on files (PROTOCOL-2.md, "Files"): ``--max-file-size`` and
    ``--file-quota``, in bytes."""

    max_file_size: int = limits.DEFAULT_MAX_FILE_BYTES
    #: what one account's files may take, each distinct content counted once
    file_quota: int = limits.DEFAULT_FILE_QUOTA_BYTES
    #: seconds a transfer token lives unused (PROTOCOL-2.md: an hour)
    token_lifetime: float = limits.TRANSFER_TOKEN_SECONDS


@dataclass
class ServerConfig:
    """A server's settings; the defaults are what ``python -m server`` runs with."""

    #: all interfaces: the whole LAN
    host: str = "0.0.0.0"
    port: int = limits.DEFAULT_PORT
    #: an SQLAlchemy URL; empty: the default database in the user's data directory
    database_url: str = ""
    bcrypt_rounds: int = DEFAULT_ROUNDS
    rate_limits: RateLimits = field(default_factory=RateLimits)
    login_timeout: float = limits.LOGIN_TIMEOUT_SECONDS
    idle_timeout: float = limits.IDLE_TIMEOUT_SECONDS
    #: The certificate to speak TLS with; None is ``--no-tls``.
    tls: TlsConfig | None = None
    disabled_check_interval: float = DISABLED_CHECK_SECONDS
    #: Announce the server on the LAN with mDNS (server/announce.py).
    announce: bool = True
    #: The name announced on the LAN; empty: the host's name.
    name: str = ""
    #: Where uploaded files are kept; None: ``files`` beside the database.
    files_dir: Path | None = None
    file_limits: FileLimits = field(default_factory=FileLimits)
    #: Past this many members a room takes nobody more (PROTOCOL-2.md's
    #: 10,000, or fewer).
    max_room_members: int = limits.ROOM_MAX_MEMBERS
    #: Open connections at most; 0: derived from the open-file limit
    #: (server/resources.py).
    max_connections: int = 0
    max_connections_per_account: int = MAX_CONNECTIONS_PER_ACCOUNT
    max_unauthenticated_per_address: int = MAX_UNAUTHENTICATED_PER_ADDRESS
    max_unsent_bytes: int = MAX_UNSENT_BYTES
    output_stall_timeout: float = OUTPUT_STALL_SECONDS
    #: The wall clock for what is stored with a time (remembered sessions'
    #: use and expiry); tests pass a fake one to move time.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
