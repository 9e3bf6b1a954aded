"""A throwaway PostgreSQL cluster for the tests: ``initdb`` and ``pg_ctl`` in a
temporary directory, on a free port of 127.0.0.1.

The server binaries come from the system (Debian's ``postgresql`` package:
``/usr/lib/postgresql/VERSION/bin``; ``make test`` installs it when run as
root, see ``packaging/linux/ensure-postgres.sh``), or from the directory in
``BESEDKA_PG_BIN``.  Without them, or without psycopg, :func:`find_problem`
says why and the PostgreSQL tests are skipped with that reason (a failure
under CI, ``tests/conftest.py``).

``initdb`` and ``postgres`` refuse to run as root, so when the tests run as
root (CI, ``make test`` in a container) the cluster belongs to the
unprivileged ``nobody`` account: its directory is made for that account and
the programs are started as it (``subprocess``'s ``user=``).  Nothing but
this cluster's own directory is touched, and it is removed at the end.

The tests' cluster trades durability against an operating-system crash for
speed (``fsync=off``): a test kills processes, never the machine, and a
killed server process loses nothing that PostgreSQL acknowledged either
way.  ``make bench`` makes a durable one (``durable=True``) on disk.
Each test gets a database of its own (:meth:`PostgresCluster.new_database`),
so tests never see each other's rows.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["PostgresCluster", "find_bin_dir", "find_problem"]

#: The account the cluster runs as when the tests run as root.
UNPRIVILEGED_USER = "nobody"

#: The superuser the cluster is created with; trusted on 127.0.0.1 only.
SUPERUSER = "besedka"


def find_bin_dir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are: ``BESEDKA_PG_BIN``, else the newest
    Debian ``/usr/lib/postgresql/*/bin``, else ``PATH``."""
    configured = os.environ.get("BESEDKA_PG_BIN")
    if configured:
        return Path(configured)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda path: int(Path(path).parent.parent.name)
                        if Path(path).parent.parent.name.isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    return None if initdb is None else Path(initdb).resolve().parent


def find_problem() -> str | None:
    """Why PostgreSQL tests cannot run here, or None if they can."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]'; make test does it)"
    bin_dir = find_bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        return ("PostgreSQL's server programs are not installed (initdb not found); "
                "make test installs Debian's postgresql package when run as root")
    if os.name == "posix" and os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam(UNPRIVILEGED_USER)
        except KeyError:
            return f"running as root, and there is no {UNPRIVILEGED_USER!r} account to run initdb as"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresCluster:
    """One PostgreSQL cluster in a temporary directory, started and stopped here.

    Args:
        bin_dir: where ``initdb``, ``pg_ctl`` and ``postgres`` are.
        durable: fsync every commit, as a real installation does (the
            benchmark's choice: every SQLite commit is fsynced there too);
            the tests' clusters are not.
        base: the directory to make the cluster's in (default: memory,
            ``/dev/shm``, where there is one; a benchmark needs a disk).
        pin: a command prefix the server programs run under
            (``taskset -c 0``: the benchmark's CPU pinning).
        settings: more of PostgreSQL's settings (``-c NAME=VALUE``), such
            as the profile's ``shared_preload_libraries``.
    """

    def __init__(self, bin_dir: Path, *, durable: bool = False, base: Path | None = None,
                 pin: list[str] | None = None, settings: dict[str, str] | None = None) -> None:
        self.bin_dir = bin_dir
        self.durable = durable
        self.pin = list(pin or [])
        self.settings = dict(settings or {})
        if base is None and os.access("/dev/shm", os.W_OK):
            base = Path("/dev/shm")
        self.directory = Path(tempfile.mkdtemp(prefix="besedka-pg-", dir=base))
        self.data = self.directory / "data"
        self.log_file = self.directory / "postgres.log"
        self.port = _free_port()
        self._as: dict[str, Any] = {}
        if os.name == "posix" and os.geteuid() == 0:
            import pwd

            account = pwd.getpwnam(UNPRIVILEGED_USER)
            os.chown(self.directory, account.pw_uid, account.pw_gid)
            self._as = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        self._databases = itertools.count(1)
        #: whether it ever started (its port is then the tests' to keep)
        self._started = False

    def _run(self, *command: str, timeout: float = 120.0) -> None:
        completed = subprocess.run(
            [*self.pin, str(self.bin_dir / command[0]), *command[1:]], cwd=self.directory,
            capture_output=True, text=True, timeout=timeout,
            env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}, **self._as)
        if completed.returncode != 0:
            raise RuntimeError(f"{command[0]} failed ({completed.returncode}):\n"
                               f"{completed.stdout}\n{completed.stderr}\n{self.log}")

    @property
    def log(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")
        except OSError:
            return ""

    def init(self) -> None:
        """Create the cluster: UTF-8 with a UTF-8 locale, so that ``lower()``
        knows Cyrillic (the search's case rules need it)."""
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")

    def start(self) -> None:
        """Start (or start again) on the cluster's port, and wait until it answers.

        PostgreSQL cannot be given port 0, so the port is one found free
        when the cluster was made, and someone else (another worker of
        ``pytest -n``, whose servers take ports too) may have taken it
        since.  Then, the first time only (later the tests' URLs name the
        port), it starts on another free one.
        """
        for attempt in range(5):
            try:
                self._start()
            except RuntimeError:
                if self._started or attempt == 4 or "already in use" not in self.log:
                    raise
                self.port = _free_port()
                self.log_file.unlink(missing_ok=True)  # the next attempt's log alone
                continue
            self._started = True
            return

    def _start(self) -> None:
        options = " ".join([
            f"-p {self.port}", "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.directory}",
            *([] if self.durable else ["-c fsync=off", "-c full_page_writes=off"]),
            "-c max_connections=300",
            # Shared buffers small: several clusters may run at once on CI.
            "-c shared_buffers=32MB",
            *(f"-c {name}={value}" for name, value in self.settings.items()),
        ])
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data),
                  "-l", str(self.log_file), "-o", options)

    def stop(self, mode: str = "fast") -> None:
        """Stop the cluster: ``fast`` (connections closed cleanly) or
        ``immediate`` (a crash: recovery on the next start)."""
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-D", str(self.data), "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of one of the cluster's databases."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> Any:
        """A psycopg connection in autocommit mode (for the tests' own checks)."""
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER,
                               dbname=database, autocommit=True)

    def new_database(self) -> str:
        """A new empty database; returns its URL."""
        name = f"test_{os.getpid()}_{next(self._databases)}"
        with self.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def wait_until_answering(self, timeout: float = 60.0) -> None:
        """Wait until a connection succeeds (after a restart by someone else)."""
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                with self.connect():
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def destroy(self) -> None:
        """Stop the cluster (if running) and remove its directory."""
        try:
            self._run("pg_ctl", "stop", "-w", "-t", "60", "-D", str(self.data), "-m", "immediate")
        except (RuntimeError, OSError, subprocess.TimeoutExpired):
            pass  # not running
        shutil.rmtree(self.directory, ignore_errors=True)
