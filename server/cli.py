"""``python -m server``: the command line, logging, and signal handling.

The options and the ``listening on HOST:PORT`` line are part of the
contract test tools rely on (PROTOCOL.md, "Running the server").
``python -m server admin ...`` is the administrator's tool instead
(:mod:`server.admin`), and ``python -m server service ...`` runs the server
as a Windows service (:mod:`server.winservice`).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from db.engine import default_database_url, sqlite_file
from protocol.limits import ROOM_MAX_MEMBERS
from protocol.version import BESEDKA_VERSION

from .app import BesedkaServer
from .config import FileLimits, RateLimits, ServerConfig
from .paths import data_dir_for, files_dir_for
from .shutdown import StopRequest, StopSignals
from .tls import DEFAULT_HANDSHAKE_TIMEOUT, TlsConfig, TlsError, describe, load_tls

__all__ = ["LOG_FORMAT", "build_parser", "byte_size", "data_dir_for", "main", "run_server",
           "serve"]

log = logging.getLogger("besedka.server")

#: How the server's log lines look, on the console and in the service's log file.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _room_members(text: str) -> int:
    value = _positive_int(text)
    if value > ROOM_MAX_MEMBERS:
        raise argparse.ArgumentTypeError(f"must be at most {ROOM_MAX_MEMBERS} (PROTOCOL-2.md)")
    return value


_SIZE_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def byte_size(text: str) -> int:
    """A size in bytes, with an optional binary unit: ``500M``, ``2G``, ``20GiB``."""
    cleaned = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = cleaned[-1:] if cleaned[-1:] in _SIZE_UNITS else ""
    number = cleaned[:-1] if unit else cleaned
    try:
        value = float(number) * _SIZE_UNITS[unit]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size (bytes, or a number with K, M, G or T)") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least one byte")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    # Every default shown comes from the configuration's own (server/config.py).
    default = ServerConfig()
    limits = default.rate_limits
    parser = argparse.ArgumentParser(
        prog="python -m server",
        description="Run a Besedka chat server for the local network.",
        epilog="Administration (list users, reset a password, disable an account, back up): "
               "python -m server admin --help",
    )
    parser.add_argument("--version", action="version", version=f"besedka {BESEDKA_VERSION}")
    parser.add_argument("--host", default=default.host,
                        help=f"address to listen on; {default.host} (the default) serves the "
                             "whole LAN, 127.0.0.1 only this computer")
    parser.add_argument("--port", type=int, default=default.port,
                        help=f"TCP port (default {default.port}); 0 picks a free one, and the "
                             "'listening on HOST:PORT' line tells which")
    parser.add_argument("--database", metavar="URL", default=None,
                        help="SQLAlchemy database URL, e.g. sqlite:///path/to/chat.db "
                             f"(default: {default_database_url()}); created or migrated on start")
    parser.add_argument("--bcrypt-rounds", type=_bcrypt_rounds, default=default.bcrypt_rounds,
                        metavar="N",
                        help="bcrypt cost for new password hashes, 4-31 "
                             f"(default {default.bcrypt_rounds}); lower only for tests")
    parser.add_argument("--data-dir", metavar="DIR", default=None,
                        help="where the generated TLS certificate and uploaded files are kept "
                             "(default: the SQLite database's directory, else the user's data "
                             "directory)")
    tls = parser.add_argument_group("TLS (on by default)")
    tls.add_argument("--no-tls", action="store_true",
                     help="plain TCP instead of TLS: passwords and messages cross the network "
                          "readable by anyone on it (for test tools and old clients)")
    tls.add_argument("--tls-cert", metavar="FILE", default=None,
                     help="your own certificate (PEM) instead of the generated self-signed one")
    tls.add_argument("--tls-key", metavar="FILE", default=None,
                     help="the private key of --tls-cert (PEM, unencrypted), unless it is in "
                          "the same file")
    tls.add_argument("--tls-handshake-timeout", type=_seconds, metavar="SECONDS",
                     default=DEFAULT_HANDSHAKE_TIMEOUT,
                     help="drop clients that have not finished the TLS handshake after this "
                          f"long (default {DEFAULT_HANDSHAKE_TIMEOUT:g})")
    abuse = parser.add_argument_group(
        "abuse limits", "Requests over a limit get 'rate_limited' with 'retry_after'.")
    abuse.add_argument("--no-rate-limits", action="store_true",
                       help="turn off the limits on failed logins, registrations, messages "
                            "and connections per address that have not logged in "
                            "(for load tests)")
    abuse.add_argument("--max-failed-logins-per-account", type=_positive_int, metavar="N",
                       default=limits.failed_logins_per_account,
                       help="wrong passwords for one account per window, from anywhere "
                            f"(default {limits.failed_logins_per_account})")
    abuse.add_argument("--max-failed-logins-per-address", type=_positive_int, metavar="N",
                       default=limits.failed_logins_per_address,
                       help="failed logins from one IP address per window, for any accounts "
                            f"(default {limits.failed_logins_per_address})")
    abuse.add_argument("--max-registrations-per-address", type=_positive_int, metavar="N",
                       default=limits.registrations_per_address,
                       help="new accounts from one IP address per window "
                            f"(default {limits.registrations_per_address})")
    abuse.add_argument("--rate-limit-window", type=_seconds, metavar="SECONDS",
                       default=limits.window,
                       help=f"the window of the three limits above (default {limits.window:g}; "
                            "the protocol says per minute, change it only for tests)")
    abuse.add_argument("--max-password-changes-per-account", type=_positive_int, metavar="N",
                       default=limits.password_changes_per_account,
                       help="password changes one account may try per "
                            f"{limits.password_change_window / 60:g} minutes "
                            f"(default {limits.password_changes_per_account})")
    abuse.add_argument("--max-messages-per-second", type=_seconds, metavar="RATE",
                       default=limits.messages_per_second,
                       help="messages one connection, and one account on all its "
                            "connections together, may send per second on average "
                            f"(default {limits.messages_per_second:g})")
    abuse.add_argument("--message-burst", type=_positive_int, metavar="N",
                       default=limits.message_burst,
                       help="messages a connection (or an account) may send at once "
                            f"(default {limits.message_burst})")
    parser.add_argument("--max-room-members", type=_room_members, metavar="N",
                        default=default.max_room_members,
                        help="the most members a room may have, up to "
                             f"{default.max_room_members} (the default)")
    parser.add_argument("--login-timeout", type=_seconds, default=default.login_timeout,
                        metavar="SECONDS",
                        help="close connections that have not logged in after this long "
                             f"(default {default.login_timeout:g}; the protocol fixes it, "
                             "change it only for tests)")
    parser.add_argument("--idle-timeout", type=_seconds, default=default.idle_timeout,
                        metavar="SECONDS",
                        help="close logged-in connections silent for this long "
                             f"(default {default.idle_timeout:g}; change it only for tests)")
    files = parser.add_argument_group("files")
    files.add_argument("--files-dir", metavar="DIR", default=None,
                       help="where uploaded files are kept (default: 'files' in the data "
                            "directory); back it up with the database")
    files.add_argument("--max-file-size", type=byte_size, metavar="SIZE",
                       default=default.file_limits.max_file_size,
                       help="largest file that may be uploaded, e.g. 500M or 2G "
                            f"(default {default.file_limits.max_file_size // 1024**3}G)")
    files.add_argument("--file-quota", type=byte_size, metavar="SIZE",
                       default=default.file_limits.file_quota,
                       help="what one account's files may take on the server, each distinct "
                            f"content counted once (default {default.file_limits.file_quota // 1024**3}G)")
    files.add_argument("--transfer-token-lifetime", type=_seconds, metavar="SECONDS",
                       default=default.file_limits.token_lifetime,
                       help="how long an unused upload or download token stays valid "
                            f"(default {default.file_limits.token_lifetime:g}; the protocol "
                            "fixes it, change it only for tests)")
    capacity = parser.add_argument_group(
        "capacity", "What clients may take of the server: connections, and memory for what "
                    "they have not read.")
    capacity.add_argument("--max-connections", type=_positive_int, metavar="N", default=None,
                          help="open connections at most; more get a 'server_full' error "
                               "(default: the open-file limit, raised to its maximum at start, "
                               "less what the database and files need)")
    capacity.add_argument("--max-connections-per-account", type=_positive_int, metavar="N",
                          default=default.max_connections_per_account,
                          help="connections one account may have logged in at once "
                               f"(default {default.max_connections_per_account})")
    capacity.add_argument("--max-unauthenticated-per-address", type=_positive_int, metavar="N",
                          default=default.max_unauthenticated_per_address,
                          help="connections one IP address may have open without logging in "
                               f"(default {default.max_unauthenticated_per_address}; "
                               "--no-rate-limits lifts it)")
    capacity.add_argument("--max-unsent-bytes", type=_positive_int, metavar="BYTES",
                          default=default.max_unsent_bytes,
                          help="bytes all connections together may hold unsent because their "
                               "clients do not read; beyond, the biggest holders are dropped "
                               f"(default {default.max_unsent_bytes // 1024**2} MiB)")
    capacity.add_argument("--output-stall-timeout", type=_seconds, metavar="SECONDS",
                          default=default.output_stall_timeout,
                          help="drop a connection whose waiting output has not moved for this "
                               f"long (default {default.output_stall_timeout:g})")
    parser.add_argument("--name", default=default.name,
                        help="the name clients see when they find this server on the LAN "
                             "(default: this computer's name)")
    parser.add_argument("--announce", action=argparse.BooleanOptionalAction,
                        default=default.announce,
                        help="announce the server on the LAN (mDNS), so clients find it "
                             "without typing its address (default: on)")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="logging detail (message bodies appear only at DEBUG)")
    return parser


def config_from_args(args: argparse.Namespace, tls: TlsConfig | None = None) -> ServerConfig:
    return ServerConfig(
        host=args.host,
        port=args.port,
        database_url=args.database or default_database_url(),
        bcrypt_rounds=args.bcrypt_rounds,
        rate_limits=RateLimits(
            enabled=not args.no_rate_limits,
            failed_logins_per_account=args.max_failed_logins_per_account,
            failed_logins_per_address=args.max_failed_logins_per_address,
            registrations_per_address=args.max_registrations_per_address,
            messages_per_second=args.max_messages_per_second,
            message_burst=args.message_burst,
            window=args.rate_limit_window,
            password_changes_per_account=args.max_password_changes_per_account,
        ),
        login_timeout=args.login_timeout,
        idle_timeout=args.idle_timeout,
        tls=tls,
        announce=args.announce,
        name=args.name.strip(),
        files_dir=files_dir_for(args.database or default_database_url(), args.data_dir,
                                args.files_dir),
        file_limits=FileLimits(args.max_file_size, args.file_quota,
                               args.transfer_token_lifetime),
        max_room_members=args.max_room_members,
        max_connections=args.max_connections or 0,
        max_connections_per_account=args.max_connections_per_account,
        max_unauthenticated_per_address=args.max_unauthenticated_per_address,
        max_unsent_bytes=args.max_unsent_bytes,
        output_stall_timeout=args.output_stall_timeout,
    )


def tls_from_args(args: argparse.Namespace) -> TlsConfig | None:
    """Load (or on first start create) the certificate, unless ``--no-tls``.

    Raises:
        TlsError: the certificate cannot be used.
    """
    if args.no_tls:
        if args.tls_cert or args.tls_key:
            raise TlsError("--no-tls cannot be combined with --tls-cert/--tls-key")
        return None
    data_dir = data_dir_for(args.database or default_database_url(), args.data_dir)
    return load_tls(
        data_dir,
        Path(args.tls_cert).expanduser() if args.tls_cert else None,
        Path(args.tls_key).expanduser() if args.tls_key else None,
        handshake_timeout=args.tls_handshake_timeout,
    )


async def serve(config: ServerConfig, stop_request: StopRequest | None = None) -> None:
    """Run until asked to stop, then shut down in order.

    Asked to stop: SIGTERM or Ctrl+C; on Windows Ctrl+C, Ctrl+Break, closing
    the console, logoff or shutdown (:class:`~server.shutdown.StopSignals`);
    or ``stop_request`` (a Windows service's).
    """
    server = BesedkaServer(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    if stop_request is not None:
        stop_request.attach(loop, stop.set)
    signals = StopSignals(loop, stop.set)
    try:
        host, port = await server.start()
        # What the person who started the server needs: where it serves,
        # where its data is, and (below) the fingerprint to compare.
        reach = ("this computer only" if ipaddress.ip_address(host).is_loopback
                 else "the whole LAN" if ipaddress.ip_address(host).is_unspecified
                 else "this address")
        log.info("serving %s on %s port %d", reach, host, port)
        database = sqlite_file(config.database_url)
        log.info("database: %s", database if database is not None
                 else _redact(config.database_url))
        log.debug("event loop: %s", type(loop).__module__.split(".")[0])  # uvloop or asyncio
        if config.tls is None:
            log.warning("TLS is off (--no-tls): passwords and messages cross the network "
                        "in plain text, readable by anyone on it")
        else:
            log.info("%s", describe(config.tls))
        # The contract with test tools: this exact line, flushed, once ready.
        print(f"listening on {host}:{port}", flush=True)
        await stop.wait()
        log.info("shutting down")
    finally:
        try:
            await server.stop()
        finally:
            signals.close()  # only now may Windows end a closing console's process


def _redact(url: str) -> str:
    """The URL without a password, for the log."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed, else asyncio's own.

    uvloop runs the loop, sockets and transports in C (libuv): the loop's
    own Python work per message (selector, callbacks, transport buffers)
    was a large part of the server's time in the benchmarks
    (bench/README.md).  It does not exist on Windows, where asyncio's
    loop serves.
    """
    # Inside the platform check, so that mypy on Windows, where uvloop is
    # not installed, does not look for it.
    if sys.platform != "win32":
        try:
            import uvloop
        except ImportError:
            return None
        return uvloop.new_event_loop
    return None


def main(argv: list[str] | None = None) -> None:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["admin"]:
        from .admin import main as admin_main

        sys.exit(admin_main(argv[1:]))
    if argv[:1] == ["service"]:
        from .winservice import main as service_main

        sys.exit(service_main(argv[1:]))
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level,
        format=LOG_FORMAT,
        stream=sys.stderr,
    )
    sys.exit(run_server(args))


def run_server(args: argparse.Namespace, stop_request: StopRequest | None = None) -> int:
    """Run the server that ``args`` (of :func:`build_parser`) describe until it
    is asked to stop.

    Returns:
        The exit status: 0 after a clean stop, 1 if it could not start.
    """
    if args.log_level != "DEBUG":
        # Alembic tells of its SQLite dialect and of every revision it runs
        # at INFO; that is for developers (the backup line of db.schema says
        # when a database was migrated).
        logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        tls = tls_from_args(args)
    except TlsError as error:
        log.error("cannot start: %s", error)
        return 1
    try:
        with asyncio.Runner(loop_factory=_event_loop_factory()) as runner:
            runner.run(serve(config_from_args(args, tls), stop_request))
    except KeyboardInterrupt:  # Ctrl+C where signal handlers are unavailable
        pass
    except OSError as error:
        log.error("cannot start: %s", error)
        return 1
    return 0
