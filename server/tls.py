"""The server's TLS certificate: made on first start, loaded ever after.

Nobody on a school or office LAN is going to buy a certificate for the PC
in the corner, so the server makes its own: on first start it writes a
self-signed certificate and its private key to one PEM file in its data
directory, and logs the certificate's fingerprint.  Clients pin that
fingerprint (see :mod:`protocol.tls`), so what protects them is that the
certificate never changes, not who signed it.  An administrator with a
real certificate passes ``--tls-cert``/``--tls-key`` instead.

The generated file holds key and certificate together so that it appears
in one step: it is written under a temporary name and hard-linked into
place, which fails if another server process got there first (two servers
sharing a data directory then both use the winner's certificate instead of
each other's keys).  The file is readable by its owner only
(:mod:`db.private_files`).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import os
import re
import secrets
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

from db.private_files import create_private_file, make_private_dir, warn_if_readable_by_others
from protocol.tls import certificate_fingerprint, format_fingerprint

__all__ = [
    "DEFAULT_HANDSHAKE_TIMEOUT",
    "GENERATED_FILE_NAME",
    "TlsConfig",
    "TlsError",
    "describe",
    "generate_certificate",
    "load_tls",
    "read_fingerprint",
]

log = logging.getLogger("besedka.server.tls")

#: The generated key-and-certificate file, in the data directory.
GENERATED_FILE_NAME = "besedka-tls.pem"
#: Seconds a client gets to finish the TLS handshake before it is dropped.
DEFAULT_HANDSHAKE_TIMEOUT = 10.0


class TlsError(Exception):
    """The certificate or key cannot be used; the message says why."""


@dataclass(frozen=True)
class TlsConfig:
    """What the listener needs to speak TLS.

    Attributes:
        context: the server-side SSL context with the certificate loaded.
        fingerprint: the certificate's SHA-256 fingerprint (64 hex digits).
        cert_path: where the certificate was read from (for the log).
        generated: whether this start created the certificate.
        handshake_timeout: seconds a client gets to finish the handshake.
    """

    context: ssl.SSLContext
    fingerprint: str
    cert_path: Path
    generated: bool
    handshake_timeout: float = DEFAULT_HANDSHAKE_TIMEOUT


def generate_certificate(hostname: str | None = None) -> bytes:
    """A new self-signed certificate and its private key, as one PEM text.

    ECDSA P-256: small, fast to handshake, and supported by every TLS
    library a client might use.  The certificate never expires (RFC 5280's
    99991231235959Z): it is trusted by pinning, and an expiry date would
    only lock every client out one day for no gain.
    """
    # Imported here: only the first start needs it, and every start (the
    # crash tests make dozens) would pay for loading it.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    hostname = hostname or socket.gethostname() or "localhost"
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Besedka"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"Besedka server on {hostname}"[:64]),
    ])
    now = dt.datetime.now(dt.UTC)
    alt_names: list[x509.GeneralName] = [x509.DNSName("localhost"),
                                         x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    try:
        alt_names.insert(0, x509.DNSName(hostname.encode("idna").decode("ascii")))
    except (UnicodeError, ValueError):
        pass  # an odd host name is no reason not to start; pinning needs no names
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1)
        # A day back, so a client whose clock lags does not see a
        # certificate from the future.
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem + certificate.public_bytes(serialization.Encoding.PEM)


def _write_new_file(path: Path, data: bytes) -> bool:
    """Create ``path`` with ``data``, owner-only, all at once.

    Returns:
        False if the file existed already (it is left as it was).
    """
    make_private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = create_private_file(temporary)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        except OSError:
            # A file system without hard links: fall back to a rename,
            # which is atomic too but could replace a concurrent winner.
            if path.exists():
                return False
            os.replace(temporary, path)
        return True
    finally:
        temporary.unlink(missing_ok=True)


_PEM_CERTIFICATE = re.compile(
    r"-----BEGIN CERTIFICATE-----\s*.+?\s*-----END CERTIFICATE-----", re.DOTALL)


def _first_certificate_der(pem_path: Path) -> bytes:
    """The DER bytes of the first certificate in a PEM file (the server's own;
    a chain follows it)."""
    try:
        text = pem_path.read_text("ascii", errors="replace")
    except OSError as error:
        raise TlsError(f"cannot read {pem_path}: {error.strerror or error}") from None
    found = _PEM_CERTIFICATE.search(text)
    if found is None:
        raise TlsError(f"{pem_path} holds no PEM certificate")
    try:
        return ssl.PEM_cert_to_DER_cert(found.group(0))
    except ValueError:
        raise TlsError(f"{pem_path} holds a damaged certificate") from None


def _server_context(cert_path: Path, key_path: Path | None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # TLS 1.2 renegotiation lets one client make the server redo the
    # expensive part of a handshake as often as it likes; nobody needs it.
    context.options |= getattr(ssl, "OP_NO_RENEGOTIATION", 0)
    try:
        context.load_cert_chain(cert_path, key_path)
    except ssl.SSLError as error:
        raise TlsError(f"the certificate {cert_path} and its key cannot be used: {error}") from None
    except OSError as error:
        raise TlsError(f"cannot read the certificate or key: {error}") from None
    return context


def load_tls(data_dir: Path, cert_path: Path | None = None, key_path: Path | None = None,
             *, handshake_timeout: float = DEFAULT_HANDSHAKE_TIMEOUT) -> TlsConfig:
    """Load the server's certificate, creating one in ``data_dir`` the first time.

    Args:
        data_dir: where the generated certificate lives.
        cert_path: an administrator's own certificate (PEM, the chain may
            follow it); with ``key_path``, nothing is generated.
        key_path: its private key (PEM, unencrypted); may be omitted when
            the key is in the certificate file.
        handshake_timeout: seconds a client gets to complete the handshake.

    Raises:
        TlsError: the files cannot be read or do not fit together.
    """
    generated = False
    if cert_path is None:
        if key_path is not None:
            raise TlsError("--tls-key needs --tls-cert")
        cert_path = data_dir / GENERATED_FILE_NAME
        if not cert_path.exists():
            try:
                generated = _write_new_file(cert_path, generate_certificate())
            except OSError as error:
                raise TlsError(f"cannot create {cert_path}: {error.strerror or error}") from None
        else:
            warn_if_readable_by_others(cert_path, "the server's private key", log)
    context = _server_context(cert_path, key_path)
    fingerprint = certificate_fingerprint(_first_certificate_der(cert_path))
    return TlsConfig(context, fingerprint, cert_path, generated, handshake_timeout)


def read_fingerprint(data_dir: Path, cert_path: Path | None = None) -> str:
    """The fingerprint of the certificate a server with these options serves,
    without creating one (``python -m server admin client-config``).

    Raises:
        TlsError: there is no certificate yet, or it cannot be read.
    """
    path = cert_path or data_dir / GENERATED_FILE_NAME
    if not path.exists():
        raise TlsError(f"no certificate at {path} (start the server once to create it, "
                       "or pass the server's --data-dir or --tls-cert)")
    return certificate_fingerprint(_first_certificate_der(path))


def describe(config: TlsConfig) -> str:
    """One log line naming the certificate and its fingerprint."""
    origin = "created" if config.generated else "using"
    return (f"TLS: {origin} certificate {config.cert_path}; "
            f"SHA-256 fingerprint {format_fingerprint(config.fingerprint)}")
