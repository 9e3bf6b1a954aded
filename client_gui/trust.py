"""Which server certificates to trust: the one place that decides.

Besedka servers make their own certificates, so trust works as in SSH: the
first time a client meets a server the user decides, and the certificate's
fingerprint is pinned (:class:`~client_gui.settings.CertificatePins`); later
connections go ahead silently only with that certificate, and any other one
is refused before the password leaves the machine (the network thread
checks the pin, :mod:`client_gui.network`).

Trust comes from the user or from the administrator, never from the
network (issue 13):

* the user, at the first meeting, in the trust dialog, which always asks;
* the administrator, who can decide for the users of the clients they
  install (:class:`ProvisionedServers`): a file beside the installed client
  (:data:`protocol.provisioning.PROVISIONING_FILE_NAME`) or
  ``besedka --trust HOST:PORT=FINGERPRINT``.  Such a fingerprint is pinned
  from the start and wins over the user's own pin.

What a server announces on the LAN (its fingerprint in mDNS) is only shown
in the question (:meth:`CertificateTrust.announcement`): anyone on the LAN
can announce any name, address and fingerprint, so an announcement that
matches proves nothing, while one that does not is worth a warning.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from protocol.discovery import FingerprintCheck, compare_announced_fingerprints
from protocol.provisioning import (
    PROVISIONING_FILE_NAME,
    TrustEntry,
    parse_trust_entry,
    read_trust_file,
)

from .settings import CertificatePins

__all__ = [
    "AnnouncedFingerprints",
    "CertificateTrust",
    "ProvisionedServers",
    "installed_client_dir",
]

log = logging.getLogger("besedka.client")

#: The fingerprints announced on the LAN by every server found at
#: ``(host, port)`` (None for an announcement without one).
AnnouncedFingerprints = Callable[[str, int], Iterable[str | None]]


def _nothing_announced(host: str, port: int) -> Iterable[str | None]:
    return ()


def installed_client_dir() -> Path:
    """Where the client is installed: the frozen bundle's folder (``/opt/besedka``,
    ``C:\\Program Files\\Besedka``), or the ``client_gui`` package's when run
    from source."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent


class ProvisionedServers:
    """The servers an administrator trusts for every user of this client.

    Args:
        entries: the servers and their fingerprints.

    Hosts are compared ignoring case (DNS names are); the port must match.
    """

    def __init__(self, entries: Iterable[TrustEntry] = ()) -> None:
        self._fingerprints: dict[tuple[str, int], str] = {
            (entry.host.casefold(), entry.port): entry.fingerprint for entry in entries}

    @classmethod
    def load(cls, file: Path | None, options: Iterable[str] = ()) -> ProvisionedServers:
        """Read the administrator's file (if there is one) and ``--trust`` options.

        A line that cannot be read is logged and skipped; an unreadable
        ``--trust`` option is the caller's to reject first
        (:func:`protocol.provisioning.parse_trust_entry`).
        """
        entries: list[TrustEntry] = []
        if file is not None:
            try:
                text = file.read_text(encoding="utf-8-sig")
            except FileNotFoundError:
                text = ""
            except (OSError, UnicodeError) as error:
                log.warning("cannot read the trusted servers in %s: %s", file, error)
                text = ""
            found, problems = read_trust_file(text.splitlines())
            for problem in problems:
                log.warning("%s, %s: skipped", file, problem)
            if found:
                log.info("%d trusted server(s) from %s", len(found), file)
            entries.extend(found)
        entries.extend(parse_trust_entry(option) for option in options)
        return cls(entries)

    @staticmethod
    def default_file() -> Path:
        """The file beside the installed client."""
        return installed_client_dir() / PROVISIONING_FILE_NAME

    def fingerprint(self, host: str, port: int) -> str | None:
        """The fingerprint the administrator trusts for ``host:port``, if any."""
        return self._fingerprints.get((host.casefold(), port))

    def __len__(self) -> int:
        return len(self._fingerprints)


class CertificateTrust:
    """The certificates trusted for each server, by the user or the administrator.

    Args:
        pins: the user's pinned fingerprints.
        provisioned: the administrator's (they win over the user's).
        announced: what servers found on the LAN announced (by default,
            nothing), shown in the question, never deciding it.
    """

    def __init__(self, pins: CertificatePins,
                 provisioned: ProvisionedServers | None = None,
                 announced: AnnouncedFingerprints = _nothing_announced) -> None:
        self._pins = pins
        self._provisioned = provisioned or ProvisionedServers()
        self._announced = announced

    def follow_announcements(self, announced: AnnouncedFingerprints) -> None:
        """Consult ``announced`` from now on (LAN discovery started)."""
        self._announced = announced

    def pinned(self, host: str, port: int) -> str | None:
        """The fingerprint trusted for ``host:port`` (the administrator's
        first), if any: the certificate must be this one."""
        return self._provisioned.fingerprint(host, port) or self._pins.get(host, port)

    def provisioned(self, host: str, port: int) -> bool:
        """Whether the administrator decided about ``host:port``: the user can
        neither forget nor replace that fingerprint."""
        return self._provisioned.fingerprint(host, port) is not None

    def announcement(self, host: str, port: int, fingerprint: str) -> FingerprintCheck:
        """What the LAN's announcements for ``host:port`` say of ``fingerprint``.

        Every announcement naming that address counts, not only the first
        in the list: ``MISMATCH`` if any of them names another certificate.
        """
        return compare_announced_fingerprints(self._announced(host, port), fingerprint)

    def trust(self, host: str, port: int, fingerprint: str) -> None:
        """Pin ``fingerprint`` for ``host:port``: the user trusted it."""
        self._pins.pin(host, port, fingerprint)

    def forget(self, host: str, port: int) -> None:
        """Unpin ``host:port``: its next connection is a first meeting again
        (unless the administrator trusts a fingerprint for it)."""
        self._pins.forget(host, port)

