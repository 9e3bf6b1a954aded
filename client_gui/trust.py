"""Which server certificates to trust: the one place that decides.

Besedka servers make their own certificates, so trust works as in SSH: the
first time a client meets a server it pins the certificate's fingerprint
(:class:`~client_gui.settings.CertificatePins`), later connections go ahead
silently only with that certificate, and any other one is refused before
the password leaves the machine (the network thread checks the pin,
:mod:`client_gui.network`).

What happens at the *first* meeting is decided here, by
:meth:`CertificateTrust.first_use`: ask the user, or, for a server found on
the LAN that announced its fingerprint, trust a matching certificate without
asking and refuse a different one (``docs/protocol.md``, "Finding a server
on the LAN").  Every rule about trusting a server belongs in this module,
so that changing one (a later issue questions whether an announcement
should ever be enough) is a change in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from protocol.discovery import FingerprintCheck, compare_announced_fingerprint

from .settings import CertificatePins

__all__ = ["AnnouncedFingerprint", "CertificateTrust", "FirstUse"]

#: Looks up the fingerprint a server at ``(host, port)`` announced on the
#: LAN, if it was found there and announced one.
AnnouncedFingerprint = Callable[[str, int], str | None]


class FirstUse(Enum):
    """What to do with the certificate of a server met for the first time."""

    #: Pin it and connect: the server announced exactly this certificate.
    TRUST = "trust"
    #: Ask the user, who compares the fingerprint with the server's log.
    ASK = "ask"
    #: Refuse: the server announced another certificate than it presents.
    REFUSE = "refuse"


def _nothing_announced(host: str, port: int) -> str | None:
    return None


class CertificateTrust:
    """The pinned certificates, and the decision for servers without one.

    Args:
        pins: where pinned fingerprints are kept.
        announced: what servers found on the LAN announced (by default,
            nothing: every new server is asked about).
    """

    def __init__(self, pins: CertificatePins,
                 announced: AnnouncedFingerprint = _nothing_announced) -> None:
        self._pins = pins
        self._announced = announced

    def follow_announcements(self, announced: AnnouncedFingerprint) -> None:
        """Consult ``announced`` from now on (LAN discovery started)."""
        self._announced = announced

    def pinned(self, host: str, port: int) -> str | None:
        """The fingerprint trusted for ``host:port``, if any."""
        return self._pins.get(host, port)

    def first_use(self, host: str, port: int, fingerprint: str) -> FirstUse:
        """Decide about ``fingerprint``, presented by a server with no pin.

        A pin, once made, always wins: this is asked only when there is none.
        """
        verdict = compare_announced_fingerprint(self._announced(host, port), fingerprint)
        if verdict is FingerprintCheck.MATCH:
            return FirstUse.TRUST
        if verdict is FingerprintCheck.MISMATCH:
            return FirstUse.REFUSE
        return FirstUse.ASK

    def trust(self, host: str, port: int, fingerprint: str) -> None:
        """Pin ``fingerprint`` for ``host:port`` (the user trusted it, or it
        was announced)."""
        self._pins.pin(host, port, fingerprint)

    def forget(self, host: str, port: int) -> None:
        """Unpin ``host:port``: its next connection is a first meeting again."""
        self._pins.forget(host, port)
