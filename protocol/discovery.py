"""How a server is announced on the LAN (DNS-SD over multicast DNS), as pure code.

The server advertises itself, and the client looks for servers, with the
records defined here; both sides import this module, so the service type and
the TXT keys exist once.  ``docs/protocol.md`` ("Finding a server on the
LAN") is the contract for third-party tools.

What is announced (RFC 6763):

* service type ``_besedka._tcp.local.``, one instance per running server,
  named after the server (``--name``, by default the host's name);
* SRV: the TCP port; A: the IPv4 addresses that reach the server;
* TXT: ``txtvers=1``, ``protocol=<protocol version>``,
  ``version=<server version>`` and, when the server speaks TLS,
  ``fp=<SHA-256 of its certificate>``.

The fingerprint (:func:`protocol.tls.certificate_fingerprint`, the one the
server logs and clients pin) is a hint, never a reason to trust: anyone on
the LAN can announce any name, address and fingerprint.  A client compares
it with the certificate a server presents
(:func:`compare_announced_fingerprints`) only to tell the user, when it asks
whether to trust the server, that the two agree, or to warn that they do not.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from .limits import PROTOCOL_VERSION
from .tls import certificate_fingerprint, parse_fingerprint

__all__ = [
    "MAX_INSTANCE_NAME_BYTES",
    "MDNS_INTERFACES_ENV",
    "SERVICE_TYPE",
    "TXT_KEY_FINGERPRINT",
    "TXT_KEY_PROTOCOL",
    "TXT_KEY_TXTVERS",
    "TXT_KEY_VERSION",
    "TXT_VERSION",
    "AnnouncedServer",
    "FingerprintCheck",
    "check_announced_fingerprint",
    "compare_announced_fingerprint",
    "compare_announced_fingerprints",
    "instance_name",
    "mdns_interfaces_from_environment",
    "normalize_fingerprint",
    "parse_txt_properties",
    "txt_properties",
]

#: The DNS-SD service type every Besedka server registers.
SERVICE_TYPE: Final = "_besedka._tcp.local."

#: Version of the TXT record layout (RFC 6763, section 6.7).
TXT_VERSION: Final = 1
TXT_KEY_TXTVERS: Final = "txtvers"
TXT_KEY_PROTOCOL: Final = "protocol"
TXT_KEY_VERSION: Final = "version"
TXT_KEY_FINGERPRINT: Final = "fp"

#: A DNS label holds at most 63 bytes; the instance name is one label.
MAX_INSTANCE_NAME_BYTES: Final = 63

#: Environment variable that restricts mDNS, on both sides, to the
#: interfaces with these IPv4 addresses (comma-separated).  The test suite
#: sets it to ``127.0.0.1`` so that no test sends a packet off the machine;
#: an administrator can use it to keep announcements off an interface.
MDNS_INTERFACES_ENV: Final = "BESEDKA_MDNS_INTERFACES"


def mdns_interfaces_from_environment(environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The interface addresses ``BESEDKA_MDNS_INTERFACES`` names, or None for no limit."""
    text = (os.environ if environ is None else environ).get(MDNS_INTERFACES_ENV, "").strip()
    addresses = [part.strip() for part in text.split(",") if part.strip()]
    return addresses or None


class FingerprintCheck(StrEnum):
    """What a server's announcement says of the certificate it presents.

    Whatever it says, the user (or the administrator) decides whether to
    trust the certificate; this only changes what the question shows.
    """

    #: The announcement carries the fingerprint of exactly this certificate
    #: (which anyone who knows it could also announce).
    MATCH = "match"
    #: The announcement carries a different fingerprint: warn that someone
    #: may be impersonating the server.
    MISMATCH = "mismatch"
    #: The announcement carries no (valid) fingerprint, or there is none.
    NOT_ANNOUNCED = "not_announced"


def normalize_fingerprint(text: str | None) -> str | None:
    """A fingerprint in the canonical form (64 lowercase hex digits), or None.

    Accepts what :func:`protocol.tls.parse_fingerprint` accepts (any case,
    ``:`` or space separators, a ``sha256:`` prefix); anything else, such as
    a garbled TXT value from the network, is None rather than an error.
    """
    if text is None:
        return None
    try:
        return parse_fingerprint(text)
    except ValueError:
        return None


def compare_announced_fingerprint(announced: str | None, presented: str) -> FingerprintCheck:
    """Compare an announced fingerprint with the one a server presented.

    Args:
        announced: the ``fp`` TXT value (any spelling
            :func:`normalize_fingerprint` accepts), or None.
        presented: the fingerprint of the certificate the TLS connection
            presented (:func:`protocol.tls.certificate_fingerprint`).
    """
    expected = normalize_fingerprint(announced)
    if expected is None:
        return FingerprintCheck.NOT_ANNOUNCED
    if hmac.compare_digest(expected, presented):
        return FingerprintCheck.MATCH
    return FingerprintCheck.MISMATCH


def check_announced_fingerprint(announced: str | None, certificate_der: bytes) -> FingerprintCheck:
    """Compare the fingerprint a server announced with the certificate it presents.

    Args:
        announced: the ``fp`` TXT value of the discovered server (any
            spelling :func:`normalize_fingerprint` accepts), or None.
        certificate_der: the peer certificate of the TLS connection, DER
            encoded (``ssl.SSLSocket.getpeercert(binary_form=True)``,
            ``QSslCertificate.toDer()``).

    Returns:
        :attr:`FingerprintCheck.MATCH`, :attr:`~FingerprintCheck.MISMATCH`,
        or :attr:`~FingerprintCheck.NOT_ANNOUNCED` when there is nothing
        valid to compare with.
    """
    return compare_announced_fingerprint(announced, certificate_fingerprint(certificate_der))


def compare_announced_fingerprints(announced: Iterable[str | None],
                                   presented: str) -> FingerprintCheck:
    """Compare every announcement naming one address with the certificate there.

    ``MISMATCH`` as soon as one names another certificate (one impostor
    among honest announcements is still one), ``MATCH`` if at least one
    names this one and none another, ``NOT_ANNOUNCED`` otherwise.
    """
    verdict = FingerprintCheck.NOT_ANNOUNCED
    for fingerprint in announced:
        check = compare_announced_fingerprint(fingerprint, presented)
        if check is FingerprintCheck.MISMATCH:
            return check
        if check is FingerprintCheck.MATCH:
            verdict = check
    return verdict


def instance_name(text: str) -> str:
    """A server name made fit to be a DNS-SD instance name.

    The instance name is a single DNS label: at most 63 bytes of UTF-8.  Dots
    become ``-`` (not every mDNS implementation escapes them), control
    characters are dropped, and an empty name becomes ``Besedka``.
    """
    cleaned = "".join(c for c in text if c.isprintable()).replace(".", "-").strip()
    encoded = cleaned.encode("utf-8")[:MAX_INSTANCE_NAME_BYTES]
    # Cutting the bytes may split a character; drop the partial one.
    cleaned = encoded.decode("utf-8", errors="ignore").strip()
    return cleaned or "Besedka"


def txt_properties(server_version: str, fingerprint: str | None = None) -> dict[str, str]:
    """The TXT record of a server, as key/value strings.

    Raises:
        ValueError: ``fingerprint`` is not a SHA-256 fingerprint.
    """
    properties = {
        TXT_KEY_TXTVERS: str(TXT_VERSION),
        TXT_KEY_PROTOCOL: str(PROTOCOL_VERSION),
        TXT_KEY_VERSION: server_version,
    }
    if fingerprint is not None:
        canonical = normalize_fingerprint(fingerprint)
        if canonical is None:
            raise ValueError(f"not a SHA-256 fingerprint: {fingerprint!r}")
        properties[TXT_KEY_FINGERPRINT] = canonical
    return properties


@dataclass(frozen=True, slots=True)
class AnnouncedServer:
    """What a TXT record says about a server; every field may be missing.

    Announcements come from anyone on the LAN, so nothing here is trusted
    to be well formed: a value that does not parse is None.
    """

    protocol_version: int | None
    server_version: str | None
    #: Canonical SHA-256 fingerprint (see :func:`normalize_fingerprint`).
    fingerprint: str | None


def parse_txt_properties(properties: Mapping[bytes, bytes | None] | Mapping[str, str | None]) \
        -> AnnouncedServer:
    """Read a TXT record (as zeroconf gives it: bytes keys and values).

    Keys are case-insensitive (RFC 6763, section 6.4); unknown keys are
    ignored, as are values that are not what the key promises.
    """
    values: dict[str, str] = {}
    for raw_key, raw_value in properties.items():
        key = raw_key.decode("ascii", "replace") if isinstance(raw_key, bytes) else raw_key
        if raw_value is None:
            continue
        value = raw_value.decode("utf-8", "replace") if isinstance(raw_value, bytes) else raw_value
        values.setdefault(key.lower(), value)
    protocol_text = values.get(TXT_KEY_PROTOCOL, "")
    protocol_version = int(protocol_text) if protocol_text.isdigit() and protocol_text.isascii() \
        else None
    server_version = values.get(TXT_KEY_VERSION) or None
    return AnnouncedServer(protocol_version, server_version,
                           normalize_fingerprint(values.get(TXT_KEY_FINGERPRINT)))
