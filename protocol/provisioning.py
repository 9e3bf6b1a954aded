"""Servers an administrator trusts for the users: the lines both sides agree on.

Trust on first use leaves the decision to the user, who compares a
fingerprint with the administrator's.  An administrator who installs the
clients can make that decision for them instead, with lines such as::

    chat.lab.example:7447=3f2a9c01...   (64 hex digits, any common spelling)

either in a file shipped beside the installed client
(:data:`PROVISIONING_FILE_NAME`) or on the client's command line
(``besedka --trust HOST:PORT=FINGERPRINT``).  The server's
``python -m server admin client-config`` prints the lines for its own
certificate (:func:`format_trust_entry`), and the client reads them
(:func:`parse_trust_entry`, :func:`read_trust_file`); both import this
module, so they cannot disagree about the format.

A server is named by ``host:port`` as the user types it (``[v6]:port`` for
IPv6, the port 7447 when left out), as the client's certificate pins are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from .limits import DEFAULT_PORT
from .tls import parse_fingerprint

__all__ = [
    "PROVISIONING_FILE_NAME",
    "TrustEntry",
    "format_address",
    "format_trust_entry",
    "parse_address",
    "parse_trust_entry",
    "read_trust_file",
]

#: The file of trusted servers, beside the installed client's executable.
PROVISIONING_FILE_NAME: Final = "besedka-trust.txt"


def parse_address(text: str) -> tuple[str, int]:
    """Split ``HOST[:PORT]`` (``[v6]:PORT`` for IPv6); the port defaults to 7447.

    Raises:
        ValueError: the text is not an address (the message says why).
    """
    text = text.strip()
    host, port = text, DEFAULT_PORT
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest.startswith(":"):
            port = _port(rest[1:])
        elif rest:
            raise ValueError(f"{text!r} is not HOST:PORT")
    elif text.count(":") == 1:
        host, port_text = text.split(":")
        port = _port(port_text)
    if not host:
        raise ValueError(f"no host in {text!r}")
    return host, port


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def format_address(host: str, port: int) -> str:
    """``host:port``, with an IPv6 address in brackets (what :func:`parse_address` reads)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass(frozen=True, slots=True)
class TrustEntry:
    """One server an administrator trusts: its address and certificate fingerprint."""

    host: str
    port: int
    #: 64 lower-case hex digits.
    fingerprint: str


def parse_trust_entry(text: str) -> TrustEntry:
    """Read ``HOST[:PORT]=FINGERPRINT``.

    Raises:
        ValueError: not such a line (the message says which part is wrong).
    """
    address, equals, fingerprint = text.partition("=")
    if not equals:
        raise ValueError(f"{text.strip()!r} is not HOST:PORT=FINGERPRINT")
    host, port = parse_address(address)
    return TrustEntry(host, port, parse_fingerprint(fingerprint))


def format_trust_entry(host: str, port: int, fingerprint: str) -> str:
    """The line that :func:`parse_trust_entry` reads back as this entry."""
    return f"{format_address(host, port)}={parse_fingerprint(fingerprint)}"


def read_trust_file(lines: Iterable[str]) -> tuple[list[TrustEntry], list[str]]:
    """Read a provisioning file: one entry a line; blank lines and ``#`` comments skipped.

    A bad line does not spoil the others: it is reported, not raised.

    Returns:
        The entries, and a description of each line that could not be read
        (``line N: why``).
    """
    entries: list[TrustEntry] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        # (A byte order mark, as Notepad writes, is no part of the first line.)
        text = line.lstrip("\ufeff").split("#", 1)[0].strip()
        if not text:
            continue
        try:
            entries.append(parse_trust_entry(text))
        except ValueError as error:
            problems.append(f"line {number}: {error}")
    return entries, problems
