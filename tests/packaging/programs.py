"""Running the frozen (or installed) programs from tests and talking to them.

The frozen programs are black boxes: a server that prints ``listening on
HOST:PORT`` and speaks the wire protocol, and a client that, with the
test-only variables of :mod:`client_gui.scripted`, logs in by itself and
reports what it sees on stdout.  :class:`Program` runs either one with a
line reader that can wait with a time limit, and keeps stderr for failure
messages.
"""

from __future__ import annotations

import asyncio
import os
import queue
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from protocol.limits import MAX_SERVER_FRAME_BYTES
from protocol.tls import client_context
from tests.conftest import NEW_PROCESS_GROUP, STOP_SIGNAL
from tests.wire import PASSWORD, WireClient

#: BESEDKA_MDNS_INTERFACES (protocol.discovery, where LAN discovery exists)
#: limits multicast DNS to these interfaces; tests keep it on loopback, for
#: the frozen programs as tests/conftest.py does for the source ones.
MDNS_INTERFACES_ENV = "BESEDKA_MDNS_INTERFACES"
LOOPBACK_ONLY = "127.0.0.1"
os.environ[MDNS_INTERFACES_ENV] = LOOPBACK_ONLY

#: Options every frozen test server gets when its --help lists them (as
#: tests/conftest.py does for the source server).
OPTIONAL_SERVER_FLAGS = ("--no-tls", "--no-announce", "--no-rate-limits")


class Program:
    """A child process whose stdout lines can be awaited.

    Args:
        argv: the command.
        env: the complete environment.
        cwd: the working directory.
        console: a console program (the server), which :meth:`stop` stops
            cleanly; a windowed one (the client) is terminated, since on
            Windows no signal reaches a program without a console.
    """

    def __init__(self, argv: Sequence[str], *, env: dict[str, str] | None = None,
                 cwd: Path | None = None, console: bool = True) -> None:
        self.argv = list(argv)
        self.console = console
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, cwd=cwd, text=True, encoding="utf-8", errors="replace",
            **NEW_PROCESS_GROUP,
        )
        self.lines: queue.Queue[tuple[float, str | None]] = queue.Queue()
        self.stdout_lines: list[str] = []
        self.stderr_lines: list[str] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.stdout_lines.append(line)
            self.lines.put((time.monotonic(), line.rstrip("\n")))
        self.lines.put((time.monotonic(), None))

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line)

    @property
    def output(self) -> str:
        return ("".join(self.stdout_lines) + "\n--- stderr ---\n" + "".join(self.stderr_lines))

    def wait_for_line(self, prefix: str, timeout: float = 60.0) -> tuple[float, str]:
        """The next stdout line starting with ``prefix`` and the seconds since
        the process started when it arrived; earlier lines are skipped.

        Raises:
            AssertionError: the process ended or the time ran out first.
        """
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                arrived, line = self.lines.get(timeout=max(0.0, remaining))
            except queue.Empty:
                raise AssertionError(f"no line {prefix!r} within {timeout:g} s from "
                                     f"{self.argv}:\n{self.output}") from None
            if line is None:
                self.process.wait(10)
                raise AssertionError(f"{self.argv} ended (exit {self.process.returncode}) "
                                     f"before printing {prefix!r}:\n{self.output}")
            if line.startswith(prefix):
                return arrived - self.started_at, line

    def stop(self, timeout: float = 30.0) -> int:
        """Stop it (SIGTERM; on Windows Ctrl+Break for a console program),
        wait, and return the exit status."""
        if self.process.poll() is None:
            if self.console:
                self.process.send_signal(STOP_SIGNAL)
            else:
                self.process.terminate()
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
            raise AssertionError(f"{self.argv} did not stop on {STOP_SIGNAL!r}:\n"
                                 f"{self.output}") from None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def server_flags(argv_prefix: Sequence[str], env: dict[str, str] | None = None) -> list[str]:
    """The optional test flags this server's ``--help`` lists."""
    help_text = subprocess.run([*argv_prefix, "--help"], capture_output=True, text=True,
                               env=env, timeout=60, check=True).stdout
    return [flag for flag in OPTIONAL_SERVER_FLAGS if flag in help_text]


def start_server(argv_prefix: Sequence[str], database: Path, *,
                 env: dict[str, str] | None = None, tls: bool = False, announce: bool = False,
                 extra: Sequence[str] = ()) -> tuple[Program, tuple[str, int]]:
    """Start a server on 127.0.0.1, a free port and ``database``; returns it
    and its address once it prints ``listening on``.  Plain TCP unless
    ``tls``, no LAN announcement unless ``announce`` (on loopback only)."""
    unwanted = {"--no-tls"} if tls else set()
    if announce:
        unwanted.add("--no-announce")
    flags = [flag for flag in server_flags(argv_prefix, env) if flag not in unwanted]
    argv = [*argv_prefix, "--host", "127.0.0.1", "--port", "0",
            "--database", f"sqlite:///{database}", "--bcrypt-rounds", "4", *flags, *extra]
    program = Program(argv, env=env)
    _, line = program.wait_for_line("listening on ", timeout=60)
    host, port = line.removeprefix("listening on ").rsplit(":", 1)
    return program, ("127.0.0.1" if host in ("0.0.0.0", "::") else host, int(port))


def client_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment for a client run: offscreen, its own home and config."""
    home.mkdir(parents=True, exist_ok=True)
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("BESEDKA_", "QT_", "XDG_")) and key != "DISPLAY"}
    env.update({
        # LAN discovery (mDNS), where the client has it, stays on loopback:
        # no test sends a packet off this machine.
        MDNS_INTERFACES_ENV: LOOPBACK_ONLY,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_RUNTIME_DIR": str(runtime),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
    })
    env.update(extra)
    return env


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


async def connect(address: tuple[str, int], *, tls: bool = False) -> WireClient:
    """A :class:`WireClient` after ``hello``, over TLS if asked (the
    certificate is self-signed; pinning is not what these tests are about)."""
    reader, writer = await asyncio.open_connection(
        *address, limit=MAX_SERVER_FRAME_BYTES, ssl=client_context() if tls else None)
    client = WireClient(reader, writer)
    client.hello = await client.next_frame()
    return client


async def logged_in(address: tuple[str, int], username: str, *, tls: bool = False,
                    register: bool = True) -> WireClient:
    client = await connect(address, tls=tls)
    reply = await client.request("register" if register else "login", username=username,
                                 password=PASSWORD)
    assert reply["type"] == "ok", reply
    client.roster = (await client.next_event("users"))["users"]
    return client


async def exercise_server(address: tuple[str, int], *, tls: bool = False) -> dict[str, Any]:
    """Register, log in, send (general and direct) and read history.

    Returns:
        The hello frame, for version checks.
    """
    alice = await logged_in(address, "alice", tls=tls)
    bob = await logged_in(address, "bob", tls=tls)
    try:
        relogin = await connect(address, tls=tls)
        reply = await relogin.request("login", username="ALICE", password=PASSWORD)
        assert reply["type"] == "ok" and reply["user"]["username"] == "alice", reply
        await relogin.close()

        general = await alice.send("hello from the frozen test")
        assert (await bob.next_event("message"))["message"]["id"] == general["id"]
        direct = await bob.send("привет, alice", to="alice")
        assert (await alice.next_event("message"))["message"]["body"] == "привет, alice"

        history = await bob.request("history", **{"with": None, "before": None, "limit": 50})
        assert history["type"] == "ok", history
        assert [m["body"] for m in history["messages"]] == ["hello from the frozen test"]
        direct_history = await alice.request("history", **{"with": "bob", "before": None})
        assert [m["id"] for m in direct_history["messages"]] == [direct["id"]]
        assert alice.hello is not None
        return alice.hello
    finally:
        await alice.close()
        await bob.close()


async def register(address: tuple[str, int], username: str) -> None:
    client = await WireClient.logged_in(address, username)
    await client.close()


def exercise_client(argv: Sequence[str], address: tuple[str, int], home: Path, *,
                    user: str = "carol", sender: str = "dave") -> Program:
    """Run a client that logs in as a fresh ``user`` by itself; ``sender``
    (a bot) then sends it a message, which it must report.  Returns the
    (still running) client.
    """
    host, port = address
    run(register(address, user))
    # The servers here run with --no-tls (and a bot speaks plain TCP), so
    # the client is told to as well; its TLS is tested in tests/client_gui.
    client = Program([*argv, "--server", f"{host}:{port}", "--no-tls"], env=client_env(
        home, BESEDKA_AUTOLOGIN_USER=user, BESEDKA_AUTOLOGIN_PASSWORD=PASSWORD), console=False)
    body = f"здравствуй, {user}: message for the frozen client"
    try:
        client.wait_for_line("login window shown", timeout=60)
        _, line = client.wait_for_line("logged in as ", timeout=30)
        assert line == f"logged in as {user}", client.output

        async def send() -> None:
            bot = await WireClient.logged_in(address, sender)
            await bot.send(body)
            await bot.close()

        run(send())
        _, line = client.wait_for_line("received message: ", timeout=30)
        assert line == f"received message: {sender}: {body}", client.output
    except BaseException:
        client.kill()
        raise
    return client
