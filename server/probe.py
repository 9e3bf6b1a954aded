"""``python -m server.probe HOST PORT [--wait SECONDS]``: is a Besedka server there?

Exits 0 once a server at HOST:PORT greets with ``hello``, 1 otherwise.
``make run`` uses it to decide whether to start a local server, and to wait
until the one it started accepts connections before opening the client.

It connects in plain TCP: a plain server greets with ``hello``, and a TLS
one (the default) answers a plain client with a ``tls_required`` error
frame, which says just as well that a Besedka server is there.  The probe
never needs the certificate, so it never has to trust one either.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time

from protocol.frames import decode_json_object
from protocol.errors import ErrorCode, ProtocolError

from .listener import PROBE_FIRST_BYTE


def server_answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """Whether a Besedka server (plain or TLS) answers us at host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            # Speak first, so a TLS server answers ``tls_required`` at once
            # instead of after its two seconds of waiting for a handshake.
            # A plain server has said hello before reading this, and takes a
            # blank line as nothing at all.
            # The listener recognises the blank line and leaves the probe
            # out of its log (server/listener.py, PROBE_FIRST_BYTE).
            sock.sendall(PROBE_FIRST_BYTE)
            line = sock.makefile("rb").readline(65_536)
    except OSError:
        return False
    try:
        frame = decode_json_object(line.rstrip(b"\r\n"))
    except ProtocolError:
        return False
    return frame.get("type") == "hello" or (
        frame.get("type") == "error" and frame.get("code") == ErrorCode.TLS_REQUIRED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--wait", type=float, default=0.0,
                        help="keep trying for this many seconds")
    args = parser.parse_args()
    deadline = time.monotonic() + args.wait
    while True:
        if server_answers(args.host, args.port):
            sys.exit(0)
        if time.monotonic() >= deadline:
            sys.exit(1)
        time.sleep(0.2)


if __name__ == "__main__":
    main()
