"""Why a login did not work, in terms the login window can explain.

:class:`~client_gui.client.ChatClient` reports every failed login,
registration or re-login as an :class:`AuthFailure`;
:func:`client_gui.texts.describe_failure` turns one into a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from protocol.errors import ErrorCode
from protocol.tls import PinCheck

__all__ = ["AuthFailure", "FailureReason"]


class FailureReason(StrEnum):
    """Why a login, a registration or a re-login did not succeed."""

    UNREACHABLE = "unreachable"  # nothing accepted a connection at host:port
    INCOMPATIBLE = "incompatible"  # the server speaks another protocol version
    NOT_BESEDKA = "not_besedka"  # something answered, but not a Besedka server
    NO_GREETING = "no_greeting"  # connected, but no ``hello`` came
    TLS_REQUIRED = "tls_required"  # the server admits only TLS; we connected without
    SERVER_NOT_TLS = "server_not_tls"  # we speak TLS; the server does not
    TLS_FAILED = "tls_failed"  # the TLS handshake failed for another reason
    CERTIFICATE_CHANGED = "certificate_changed"  # not the certificate pinned for the server
    #: not the certificate the administrator trusts for the server
    CERTIFICATE_NOT_PROVISIONED = "certificate_not_provisioned"
    CONNECTION_LOST = "connection_lost"  # the connection dropped mid-login
    SERVER = "server"  # an ``error`` reply; see :attr:`AuthFailure.code`


@dataclass(frozen=True, slots=True)
class AuthFailure:
    """A failed attempt to log in or register, with what the user needs to know."""

    reason: FailureReason
    host: str
    port: int
    #: For SERVER: the reply's code (its text when this version does not know it).
    code: ErrorCode | str | None = None
    message: str = ""
    retry_after: float | None = None
    server_protocol: object = None
    #: For CERTIFICATE_CHANGED and CERTIFICATE_NOT_PROVISIONED: the
    #: certificate presented (and the one pinned, if any).
    certificate: PinCheck | None = None
