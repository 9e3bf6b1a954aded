"""``admin client-config``: the lines that make the clients an administrator
installs trust this server's certificate without asking their users.

(:mod:`protocol.provisioning` has the format.)  Kept apart from
:mod:`server.admin`, which runs it, because it needs none of the database:
only where the server keeps its certificate and this computer's names.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

from protocol.provisioning import PROVISIONING_FILE_NAME, format_trust_entry
from protocol.tls import format_fingerprint

from .announce import default_server_name, host_ipv4_addresses
from .paths import data_dir_for
from .tls import GENERATED_FILE_NAME, read_fingerprint

__all__ = ["client_hosts", "trust_lines"]


def client_hosts() -> list[str]:
    """The names and addresses clients may type for this computer: its name,
    its full name where it has one, and its IPv4 addresses but loopback."""
    names = [default_server_name(), socket.getfqdn()]
    names += [address for address in host_ipv4_addresses()
              if not ipaddress.ip_address(address).is_loopback]
    return list(dict.fromkeys(name for name in names if name and name != "localhost"))


def trust_lines(url: str, data_dir: str | None, tls_cert: Path | None, port: int,
                hosts: list[str] | None) -> list[str]:
    """The commented lines for ``besedka-trust.txt``, one entry per host
    (this computer's names and addresses unless ``hosts``).

    Raises:
        server.tls.TlsError: the certificate cannot be read.
    """
    # Where the server looks for its certificate (server/cli.py): beside the
    # database unless --data-dir or --tls-cert say otherwise.
    directory = data_dir_for(url, data_dir)
    fingerprint = read_fingerprint(directory, tls_cert)
    certificate = tls_cert or directory / GENERATED_FILE_NAME
    hosts = hosts or client_hosts()
    return [
        f"# Besedka: trust the server {hosts[0]} without asking its users.",
        f"# Save these lines as {PROVISIONING_FILE_NAME} beside the installed client",
        f"# (/opt/besedka/{PROVISIONING_FILE_NAME} from the .deb, "
        f"C:\\Program Files\\Besedka\\{PROVISIONING_FILE_NAME} on Windows),",
        "# or start the client with: besedka --trust LINE",
        f"# Certificate {certificate}",
        f"# SHA-256 fingerprint {format_fingerprint(fingerprint)}",
        *(format_trust_entry(host, port, fingerprint) for host in hosts),
    ]
