"""TLS as both sides see it: certificate fingerprints, pinning, and errors.

A Besedka server makes its own self-signed certificate, so no certificate
authority vouches for it.  Trust works the way SSH's does instead: the first
time a client connects it shows the server's fingerprint (the server logs
the same one on start, so an administrator can compare them), the user
accepts it, the client remembers ("pins") it, and from then on a server
presenting any other certificate is refused.

Everything here is pure: it looks at certificate bytes and exceptions and
never touches a socket.  The server uses it to log its fingerprint; a
client uses it around its own socket code::

    context = client_context()
    tls_sock = context.wrap_socket(sock)                  # the handshake
    der = tls_sock.getpeercert(binary_form=True)
    check = check_pin(der, pinned)                        # pinned: str | None
    if check.verdict is PinVerdict.CHANGED:   refuse; tell the user
    if check.verdict is PinVerdict.FIRST_USE: show format_fingerprint(check.fingerprint),
                                              ask, and pin check.fingerprint if accepted

and, when the handshake itself fails, :func:`explain_tls_failure` tells a
server that does not speak TLS from other trouble.  A plain (non-TLS)
client that reaches a TLS-only server reads one frame,
``{"type": "error", "re": null, "code": "tls_required", ...}``, and is
then disconnected.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import ssl
from dataclasses import dataclass
from typing import Final

__all__ = [
    "FINGERPRINT_HEX_CHARS",
    "TLS_HANDSHAKE_RECORD",
    "PinCheck",
    "PinVerdict",
    "TlsFailure",
    "certificate_fingerprint",
    "check_pin",
    "client_context",
    "explain_tls_failure",
    "format_fingerprint",
    "is_tls_client_hello",
    "parse_fingerprint",
]

#: A fingerprint is the SHA-256 of the certificate's DER bytes, as hex.
FINGERPRINT_HEX_CHARS: Final = 64
#: Hex digits per group in the readable form ("3F2A 9C01 ...").
_GROUP: Final = 4
#: The first byte of every TLS connection: a handshake record (ClientHello).
TLS_HANDSHAKE_RECORD: Final = 0x16

_NOT_HEX = re.compile(r"[^0-9a-f]")


def certificate_fingerprint(der: bytes) -> str:
    """The fingerprint of a certificate: SHA-256 of its DER bytes, 64 lower-case hex digits.

    ``ssl.SSLSocket.getpeercert(binary_form=True)`` gives the DER bytes on
    a client; the server reads them from its PEM file.
    """
    return hashlib.sha256(der).hexdigest()


def format_fingerprint(fingerprint: str) -> str:
    """The readable form shown to people: upper-case hex in groups of four.

    ``"3f2a9c01..."`` becomes ``"3F2A 9C01 ..."`` (16 groups).  Both the
    server's log and the client's dialog use it, so the two can be compared
    group by group.
    """
    digits = parse_fingerprint(fingerprint).upper()
    return " ".join(digits[i:i + _GROUP] for i in range(0, len(digits), _GROUP))


def parse_fingerprint(text: str) -> str:
    """Normalise a fingerprint typed or stored in any common form.

    Accepts upper or lower case and any separators (spaces, colons as
    OpenSSL prints them), and an optional ``sha256:`` prefix.

    Returns:
        64 lower-case hex digits.

    Raises:
        ValueError: ``text`` is not a SHA-256 fingerprint.
    """
    lowered = text.strip().lower()
    lowered = lowered.removeprefix("sha256:").removeprefix("sha-256:")
    for separator in (" ", ":", "-", "\t"):
        lowered = lowered.replace(separator, "")
    if len(lowered) != FINGERPRINT_HEX_CHARS or _NOT_HEX.search(lowered):
        raise ValueError(f"not a SHA-256 fingerprint: {text!r}")
    return lowered


class PinVerdict(enum.Enum):
    """What a client should do with the certificate a server presented."""

    #: Nothing pinned for this server yet: ask the user, then pin it.
    FIRST_USE = "first_use"
    #: The pinned certificate: go ahead.
    MATCH = "match"
    #: A different certificate than the pinned one: refuse to log in.
    CHANGED = "changed"


@dataclass(frozen=True)
class PinCheck:
    """The outcome of :func:`check_pin`.

    Attributes:
        verdict: what to do.
        fingerprint: the presented certificate's fingerprint (64 hex digits),
            the value to pin after the user accepted it.
        pinned: the fingerprint that was pinned, if any (normalised).
    """

    verdict: PinVerdict
    fingerprint: str
    pinned: str | None

    @property
    def trusted(self) -> bool:
        """Whether the connection may be used without asking anyone."""
        return self.verdict is PinVerdict.MATCH


def check_pin(der: bytes | None, pinned: str | None) -> PinCheck:
    """Compare a server's certificate with the fingerprint pinned for it.

    Args:
        der: the certificate as DER bytes
            (``SSLSocket.getpeercert(binary_form=True)``).
        pinned: the fingerprint remembered for this server, in any form
            :func:`parse_fingerprint` accepts, or None if none yet.

    Raises:
        ValueError: no certificate (``der`` is None or empty: the peer
            presented none, which a Besedka server never does), or
            ``pinned`` is not a fingerprint.
    """
    if not der:
        raise ValueError("the server presented no certificate")
    fingerprint = certificate_fingerprint(der)
    if pinned is None:
        return PinCheck(PinVerdict.FIRST_USE, fingerprint, None)
    expected = parse_fingerprint(pinned)
    # Not secret, but compare_digest costs nothing and ends the argument.
    verdict = PinVerdict.MATCH if hmac.compare_digest(expected, fingerprint) else PinVerdict.CHANGED
    return PinCheck(verdict, fingerprint, expected)


def client_context() -> ssl.SSLContext:
    """An SSL context for connecting to a Besedka server.

    Certificates are self-signed, so the usual chain and host-name checks
    cannot succeed and are off; what makes the connection trustworthy is
    :func:`check_pin` on the presented certificate, which the caller must
    do before sending a password.  TLS 1.2 is the oldest version accepted.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class TlsFailure(enum.Enum):
    """Why a TLS connection could not be set up, as far as a client can tell."""

    #: The server answered in plain text: it runs with ``--no-tls``.
    SERVER_NOT_TLS = "server_not_tls"
    #: Any other handshake failure (a different service, a broken network).
    HANDSHAKE_FAILED = "handshake_failed"


#: OpenSSL's reasons when the first bytes back are not a TLS record; a
#: Besedka server without TLS sends its ``{"type": "hello" ...`` line,
#: whose first bytes OpenSSL reads as a record with a bogus version.
_PLAINTEXT_REASONS: Final = frozenset({
    "WRONG_VERSION_NUMBER",        # OpenSSL 1.1 and 3.x
    "RECORD_LAYER_FAILURE",        # OpenSSL 3.2 and later, for the same case
    "PACKET_LENGTH_TOO_LONG",
    "HTTP_REQUEST",
    "UNKNOWN_PROTOCOL",
})


def explain_tls_failure(error: BaseException) -> TlsFailure | None:
    """Classify an exception raised by a client's TLS handshake.

    Returns:
        :attr:`TlsFailure.SERVER_NOT_TLS` when the server spoke plain text
        (``ssl.SSLError: [SSL: WRONG_VERSION_NUMBER] wrong version number``
        and its relatives), :attr:`TlsFailure.HANDSHAKE_FAILED` for any other
        :class:`ssl.SSLError`, and None for errors that are not about TLS
        (a refused connection, a timeout), which the caller reports as usual.
    """
    if not isinstance(error, ssl.SSLError):
        return None
    reason = (getattr(error, "reason", None) or "").upper()
    text = str(error).upper().replace(" ", "_")
    if reason in _PLAINTEXT_REASONS or any(r in text for r in _PLAINTEXT_REASONS):
        return TlsFailure.SERVER_NOT_TLS
    return TlsFailure.HANDSHAKE_FAILED


def is_tls_client_hello(first_byte: int) -> bool:
    """Whether a connection's first byte starts a TLS handshake.

    Every TLS client opens with a handshake record (``0x16``); a Besedka
    frame starts with ``{``.  The server looks at this byte to tell a TLS
    client from a plain one and answer the latter in words it can read.
    """
    return first_byte == TLS_HANDSHAKE_RECORD
