"""``python -m server``: the command line, logging, and signal handling.

The options and the ``listening on HOST:PORT`` line are part of the
contract test tools rely on (PROTOCOL.md, "Running the server").
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from db.engine import default_database_url
from protocol.limits import DEFAULT_PORT, IDLE_TIMEOUT_SECONDS, LOGIN_TIMEOUT_SECONDS
from protocol.version import BESEDKA_VERSION

from .app import BesedkaServer, ServerConfig
from .passwords import DEFAULT_ROUNDS
from .ratelimit import RateLimits

__all__ = ["main", "build_parser"]

log = logging.getLogger("besedka.server")


def _bcrypt_rounds(text: str) -> int:
    rounds = int(text)
    if not 4 <= rounds <= 31:
        raise argparse.ArgumentTypeError("must be between 4 and 31")
    return rounds


def _seconds(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m server",
        description="Run a Besedka chat server for the local network.",
    )
    parser.add_argument("--version", action="version", version=f"besedka {BESEDKA_VERSION}")
    parser.add_argument("--host", default="0.0.0.0",
                        help="address to listen on; 0.0.0.0 (the default) serves the whole LAN, "
                             "127.0.0.1 only this computer")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"TCP port (default {DEFAULT_PORT}); 0 picks a free one, and the "
                             "'listening on HOST:PORT' line tells which")
    parser.add_argument("--database", metavar="URL", default=None,
                        help="SQLAlchemy database URL, e.g. sqlite:///path/to/chat.db "
                             f"(default: {default_database_url()}); created or migrated on start")
    parser.add_argument("--bcrypt-rounds", type=_bcrypt_rounds, default=DEFAULT_ROUNDS, metavar="N",
                        help=f"bcrypt cost for new password hashes, 4-31 (default {DEFAULT_ROUNDS}); "
                             "lower only for tests")
    parser.add_argument("--no-rate-limits", action="store_true",
                        help="turn off the limits on failed logins, registrations and messages "
                             "(for load tests)")
    parser.add_argument("--login-timeout", type=_seconds, default=LOGIN_TIMEOUT_SECONDS,
                        metavar="SECONDS",
                        help="close connections that have not logged in after this long "
                             f"(default {LOGIN_TIMEOUT_SECONDS:g}; the protocol fixes it, "
                             "change it only for tests)")
    parser.add_argument("--idle-timeout", type=_seconds, default=IDLE_TIMEOUT_SECONDS,
                        metavar="SECONDS",
                        help="close logged-in connections silent for this long "
                             f"(default {IDLE_TIMEOUT_SECONDS:g}; change it only for tests)")
    parser.add_argument("--name", default="",
                        help="the name clients see when they find this server on the LAN "
                             "(default: this computer's name)")
    parser.add_argument("--announce", action=argparse.BooleanOptionalAction, default=True,
                        help="announce the server on the LAN (mDNS), so clients find it "
                             "without typing its address (default: on)")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="logging detail (message bodies appear only at DEBUG)")
    return parser


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    return ServerConfig(
        host=args.host,
        port=args.port,
        database_url=args.database or default_database_url(),
        bcrypt_rounds=args.bcrypt_rounds,
        rate_limits=RateLimits(enabled=not args.no_rate_limits),
        login_timeout=args.login_timeout,
        idle_timeout=args.idle_timeout,
        announce=args.announce,
        name=args.name.strip(),
    )


async def serve(config: ServerConfig) -> None:
    """Run until SIGTERM or Ctrl+C, then shut down in order."""
    server = BesedkaServer(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C raises instead
            pass
    try:
        host, port = await server.start()
        log.info("database %s", _redact(config.database_url))
        # The contract with test tools: this exact line, flushed, once ready.
        print(f"listening on {host}:{port}", flush=True)
        await stop.wait()
        log.info("shutting down")
    finally:
        await server.stop()


def _redact(url: str) -> str:
    """The URL without a password, for the log."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        asyncio.run(serve(config_from_args(args)))
    except KeyboardInterrupt:  # Ctrl+C where signal handlers are unavailable
        pass
    except OSError as error:
        log.error("cannot start: %s", error)
        sys.exit(1)
