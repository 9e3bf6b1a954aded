"""``besedka-server service ...``: the server as a Windows service.

Started from one user's Startup folder, the server keeps its data in that
user's ``%LOCALAPPDATA%``: another account that starts it gets an empty
database and a new certificate, which every client then refuses.  As a
service it starts with Windows, before anyone logs in, always as the same
account (``NT AUTHORITY\\LocalService``, which has no rights beyond what is
granted to it), and keeps its database, certificate and log in one folder,
``C:\\ProgramData\\Besedka``, that only that account, SYSTEM and the
Administrators can open.

Commands, from an administrator's prompt (the installer runs the first)::

    besedka-server service install [--start] [--data-folder DIR] [SERVER OPTIONS]
    besedka-server service start | stop | remove
    besedka-server service debug [--data-folder DIR] [SERVER OPTIONS]

``install`` creates the data folder with its access list and registers the
service (or updates it) to run ``besedka-server service run ...``: that is
what Windows starts, and pywin32's service framework then talks to the
service control manager.  A stop request from it (``service stop``, or
Windows shutting down) reaches the server through a
:class:`~server.shutdown.StopRequest`, so the service stops in the same
order as on Ctrl+C: announcement withdrawn, requests answered, database
closed.  ``debug`` runs the same in the console, with the service's data
folder and log file, until Ctrl+C: for looking at a service that will not
start, and for the tests, which run it on Linux too.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import logging.handlers
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from db.private_files import create_private_file, make_private_dir, set_windows_acl

from . import cli
from .shutdown import StopRequest

__all__ = ["SERVICE_NAME", "build_parser", "main", "run_service", "service_data_dir",
           "service_server_argv"]

log = logging.getLogger("besedka.server")

SERVICE_NAME = "BesedkaServer"
DISPLAY_NAME = "Besedka chat server"
DESCRIPTION = ("The chat server of the local network's Besedka clients "
               "(TCP port 7447 unless configured otherwise).")
#: The account the service runs as: no administrator, no network identity.
SERVICE_ACCOUNT = "NT AUTHORITY\\LocalService"
#: The data folder's access list: full control for SYSTEM (SY), the
#: Administrators (BA) and LocalService (LS), nothing inherited from
#: ProgramData (where every user may read), all of it passed on to the files.
SERVICE_FOLDER_SDDL = "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;LS)"
#: The log file, in the data folder's ``logs`` folder.
LOG_FILE_NAME = "besedka-server.log"
#: How long Windows is told a stop may take: the server's own shutdown
#: waits up to 5 s for requests and 5 s for connections to close.
STOP_WAIT_HINT_MS = 30_000
#: How long the commands wait for the service to start or stop.
CONTROL_WAIT_SECONDS = 60


def service_data_dir() -> Path:
    """The service's data folder: ``C:\\ProgramData\\Besedka`` on Windows."""
    return Path(platformdirs.site_data_dir("Besedka", appauthor=False))


def service_server_argv(data_dir: Path, options: Sequence[str]) -> list[str]:
    """The server's command line in the service: its database in ``data_dir``
    unless ``options`` name another (a later option wins)."""
    return ["--database", f"sqlite:///{data_dir / 'besedka.db'}", *options]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="besedka-server service",
        description="Run the Besedka server as a Windows service: started with Windows, "
                    "as NT AUTHORITY\\LocalService, with its database, certificate and log "
                    f"in {service_data_dir()}.  Run from an administrator's prompt.",
        epilog="Options the commands do not know (--port, --name, ...) are the server's own "
               "(besedka-server --help).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    install = commands.add_parser(
        "install", help="create the data folder and register the service (starting with "
                        "Windows), or update it; server options given here are kept")
    install.add_argument("--start", action="store_true", help="and start it now")
    commands.add_parser("remove", help="stop and unregister the service (the data stays)")
    commands.add_parser("start", help="start the service")
    commands.add_parser("stop", help="stop the service")
    debug = commands.add_parser(
        "debug", help="run in this console as the service would (its data folder and log "
                      "file) until Ctrl+C")
    run = commands.add_parser("run", help="what Windows starts (not for people)")
    for command in (install, debug, run):
        command.add_argument("--data-folder", metavar="DIR", type=Path,
                             default=service_data_dir(),
                             help=f"where the data and the log live (default "
                                  f"{service_data_dir()})")
    return parser


class _PrivateLogFile(logging.handlers.RotatingFileHandler):
    """A rotating log whose files, like every file of the server's, are the
    owner's only (:mod:`db.private_files`)."""

    def _open(self) -> io.TextIOWrapper:
        with contextlib.suppress(FileExistsError):
            os.close(create_private_file(Path(self.baseFilename)))
        return super()._open()


def log_to_file(data_dir: Path, level: str) -> Path:
    """Send the server's log to ``logs\\besedka-server.log`` in ``data_dir``
    (a service has no console); returns the file."""
    make_private_dir(data_dir)  # (``service install`` made it, unless it did not run)
    folder = data_dir / "logs"
    # Not a private folder of its own: inside the data folder it inherits
    # that folder's access list, the service account's entry included.
    folder.mkdir(exist_ok=True)
    path = folder / LOG_FILE_NAME
    handler = _PrivateLogFile(path, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter(cli.LOG_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return path


def run_service(data_dir: Path, options: Sequence[str], stop_request: StopRequest, *,
                console: bool = False) -> int:
    """The service's work: run the server on ``data_dir`` until ``stop_request``.

    Args:
        data_dir: the data folder (database, certificate, log).
        options: the server's own options.
        stop_request: how the service control manager stops it.
        console: log to standard error as well (``service debug``).

    Returns:
        The server's exit status.
    """
    args = cli.build_parser().parse_args(service_server_argv(data_dir, options))
    if console:
        logging.basicConfig(level=args.log_level, format=cli.LOG_FORMAT, stream=sys.stderr)
    log_file = log_to_file(data_dir, args.log_level)
    log.info("running as a service; data in %s, log in %s", data_dir, log_file)
    return cli.run_server(args, stop_request)


def _command_line(data_dir: Path, options: Sequence[str]) -> tuple[str, str]:
    """The program and arguments Windows is to start for the service."""
    arguments = ["service", "run"]
    if data_dir != service_data_dir():
        arguments += ["--data-folder", str(data_dir)]
    arguments += options
    if getattr(sys, "frozen", False):
        return sys.executable, subprocess.list2cmdline(arguments)
    # From a source tree or a wheel: python -m server, which must be
    # readable by LocalService (not in a user's profile).
    return sys.executable, subprocess.list2cmdline(["-m", "server", *arguments])


def main(argv: list[str] | None = None) -> int:
    """Run one ``service`` command; returns the exit status."""
    parser = build_parser()
    args, server_options = parser.parse_known_args(argv)
    if server_options and args.command not in ("install", "debug", "run"):
        parser.error(f"unrecognized arguments: {' '.join(server_options)}")
    if args.command == "debug":
        stop_request = StopRequest()
        return run_service(args.data_folder, server_options, stop_request, console=True)
    if sys.platform != "win32":
        print("error: Windows services exist on Windows only (on Linux the .deb installs a "
              "systemd unit; see packaging/README.md)", file=sys.stderr)
        return 1
    return _windows_command(args, server_options)


if sys.platform == "win32":
    import pywintypes
    import servicemanager
    import win32service
    import win32serviceutil
    import winerror

    def _windows_command(args: argparse.Namespace, server_options: list[str]) -> int:
        try:
            if args.command == "run":
                return _dispatch(args.data_folder, server_options)
            if args.command == "install":
                _install(args.data_folder, server_options)
                if args.start:
                    _start()
            elif args.command == "remove":
                _stop(missing_ok=True)
                win32serviceutil.RemoveService(SERVICE_NAME)
                print(f"service {SERVICE_NAME} removed; the data stays in its folder")
            elif args.command == "start":
                _start()
            elif args.command == "stop":
                _stop(missing_ok=False)
        except pywintypes.error as error:
            if error.winerror == winerror.ERROR_ACCESS_DENIED:
                print("error: access denied; run this from an administrator's prompt",
                      file=sys.stderr)
            else:
                print(f"error: {error.strerror} ({error.funcname})", file=sys.stderr)
            return 1
        return 0

    def _install(data_dir: Path, options: list[str]) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        # Set even on an existing folder: ProgramData lets every user read
        # what it inherits, and whatever is inside gets the new list too.
        set_windows_acl(data_dir, SERVICE_FOLDER_SDDL)
        program, arguments = _command_line(data_dir, options)
        try:
            win32serviceutil.InstallService(
                None, SERVICE_NAME, DISPLAY_NAME, startType=win32service.SERVICE_AUTO_START,
                userName=SERVICE_ACCOUNT, password=None, exeName=program, exeArgs=arguments,
                description=DESCRIPTION)
            print(f"service {SERVICE_NAME} installed; data in {data_dir}")
        except pywintypes.error as error:
            if error.winerror != winerror.ERROR_SERVICE_EXISTS:
                raise
            # Reinstalled or upgraded: the same service, pointed at this program.
            win32serviceutil.ChangeServiceConfig(
                None, SERVICE_NAME, startType=win32service.SERVICE_AUTO_START,
                userName=SERVICE_ACCOUNT, password=None, exeName=program, exeArgs=arguments,
                displayName=DISPLAY_NAME, description=DESCRIPTION)
            print(f"service {SERVICE_NAME} updated; data in {data_dir}")

    def _start() -> None:
        try:
            win32serviceutil.StartService(SERVICE_NAME)
        except pywintypes.error as error:
            if error.winerror != winerror.ERROR_SERVICE_ALREADY_RUNNING:
                raise
            print(f"service {SERVICE_NAME} is already running (restart it for new options)")
            return
        win32serviceutil.WaitForServiceStatus(SERVICE_NAME, win32service.SERVICE_RUNNING,
                                              CONTROL_WAIT_SECONDS)
        print(f"service {SERVICE_NAME} running")

    def _stop(*, missing_ok: bool) -> None:
        try:
            win32serviceutil.StopService(SERVICE_NAME)
        except pywintypes.error as error:
            if error.winerror == winerror.ERROR_SERVICE_NOT_ACTIVE:
                return
            if missing_ok and error.winerror == winerror.ERROR_SERVICE_DOES_NOT_EXIST:
                return
            raise
        win32serviceutil.WaitForServiceStatus(SERVICE_NAME, win32service.SERVICE_STOPPED,
                                              CONTROL_WAIT_SECONDS)
        print(f"service {SERVICE_NAME} stopped")

    def _dispatch(data_dir: Path, options: list[str]) -> int:
        """Hand this process to the service control manager, which runs the
        service class below in a thread of its own."""

        class BesedkaService(win32serviceutil.ServiceFramework):
            """The service the control manager drives: runs the server until stopped."""

            _svc_name_ = SERVICE_NAME
            _svc_display_name_ = DISPLAY_NAME
            _svc_description_ = DESCRIPTION

            def __init__(self, service_args: list[str]) -> None:
                super().__init__(service_args)
                self.stop_request = StopRequest()

            def SvcStop(self) -> None:  # noqa: N802 - pywin32's name
                self.ReportServiceStatus(win32service.SERVICE_STOP_PENDING,
                                         waitHint=STOP_WAIT_HINT_MS)
                self.stop_request.request()

            def SvcShutdown(self) -> None:  # noqa: N802 - pywin32's name
                self.SvcStop()  # Windows is shutting down: the same clean stop

            def SvcDoRun(self) -> None:  # noqa: N802 - pywin32's name
                try:
                    status = run_service(data_dir, options, self.stop_request)
                except Exception:  # noqa: BLE001 - the service's last word
                    log.exception("the service failed")
                    status = 1
                if status != 0:
                    servicemanager.LogErrorMsg(
                        f"{DISPLAY_NAME} stopped with an error; see "
                        f"{data_dir / 'logs' / LOG_FILE_NAME}")

        servicemanager.Initialize()
        servicemanager.PrepareToHostSingle(BesedkaService)
        try:
            # (pywin32's stub gives this one no types.)
            servicemanager.StartServiceCtrlDispatcher()  # type: ignore[no-untyped-call]
        except pywintypes.error as error:
            if error.winerror != winerror.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT:
                raise
            print("error: 'service run' is what Windows starts; to run the server in this "
                  "console as the service would, use 'service debug'", file=sys.stderr)
            return 1
        return 0

else:
    def _windows_command(args: argparse.Namespace, server_options: list[str]) -> int:
        raise NotImplementedError("Windows only")
