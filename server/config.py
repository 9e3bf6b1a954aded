"""Everything ``python -m server`` can be told, with its default, in one place.

The command line (:mod:`server.cli`) takes every default it shows from
here, and the numbers PROTOCOL.md fixes come from :mod:`protocol.limits`, so
no default is written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from protocol import limits

from .passwords import DEFAULT_ROUNDS
from .tls import TlsConfig

__all__ = ["DISABLED_CHECK_SECONDS", "RATE_LIMIT_WINDOW_SECONDS", "RateLimits", "ServerConfig"]

#: PROTOCOL.md's "per minute" of the failed-login and registration limits.
RATE_LIMIT_WINDOW_SECONDS = 60.0
#: How often the server looks for online accounts disabled by an administrator.
DISABLED_CHECK_SECONDS = 2.0


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
    #: The wall clock for what is stored with a time (remembered sessions'
    #: use and expiry); tests pass a fake one to move time.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
