"""Connecting the ways an attacker or an administrator would.

:class:`tests.wire.WireClient` connects with plain TCP from 127.0.0.1; the
security tests also need TLS (with the client-side pinning helpers of
:mod:`protocol.tls`, exactly as the desktop client is to use them) and a
second source address.  Linux routes all of 127.0.0.0/8 to the loopback
interface, so binding the client side to 127.0.0.2 makes it "another
computer" as far as per-address limits can tell.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

from protocol.limits import MAX_SERVER_FRAME_BYTES
from protocol.tls import PinCheck, check_pin, client_context

from ..conftest import REPO, ServerProcess
from ..wire import PASSWORD, WireClient

#: "Another computer" on the loopback network.
OTHER_ADDRESS = "127.0.0.2"


async def connect(address: tuple[str, int], *, tls: bool = False,
                  local_host: str | None = None, hello: bool = True) -> WireClient:
    """A :class:`WireClient`, optionally over TLS and from another address."""
    reader, writer = await asyncio.open_connection(
        *address, limit=MAX_SERVER_FRAME_BYTES,
        ssl=client_context() if tls else None,
        local_addr=(local_host, 0) if local_host else None,
    )
    client = WireClient(reader, writer)
    if hello:
        client.hello = await client.next_frame()
    return client


async def logged_in(address: tuple[str, int], username: str, *, register: bool = True,
                    password: str = PASSWORD, tls: bool = False,
                    local_host: str | None = None) -> WireClient:
    """Connect, register or log in, and consume the roster event."""
    client = await connect(address, tls=tls, local_host=local_host)
    reply = await client.request("register" if register else "login",
                                 username=username, password=password)
    assert reply["type"] == "ok", reply
    client.roster = (await client.next_event("users"))["users"]
    return client


def peer_pin_check(client: WireClient, pinned: str | None) -> PinCheck:
    """What the pinning helper says about the certificate this client got."""
    ssl_object = client.writer.get_extra_info("ssl_object")
    assert isinstance(ssl_object, ssl.SSLObject)
    return check_pin(ssl_object.getpeercert(binary_form=True), pinned)


def admin(server: ServerProcess, *args: str, stdin: str | None = None, check: bool = True,
          env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m server admin --database URL ARGS`` as an administrator would.

    Its input and output are UTF-8 (what the admin tool reads and writes
    through pipes, whatever the locale), not the locale's encoding, which
    on Windows cannot even encode "✓".  ``env`` replaces variables of the
    environment (None removes one).
    """
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    result = subprocess.run(
        [sys.executable, "-m", "server", "admin", "--database", server.database_url, *args],
        cwd=REPO, input=stdin, capture_output=True, encoding="utf-8", timeout=60, check=False,
        env=environment,
    )
    if check:
        assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    return result


def error_code(reply: dict[str, Any]) -> str | None:
    return reply.get("code") if reply.get("type") == "error" else None


def wait_for_log(server: ServerProcess, pattern: str, *, count: int = 1,
                 timeout: float = 15.0) -> str:
    """The server's log once ``pattern`` (a regex) occurs ``count`` times in it.

    The log is read by a background thread, so a line the server wrote
    before printing ``listening on`` may not have arrived yet; this polls
    for it rather than guessing how long that takes.
    """
    import re
    import time

    deadline = time.monotonic() + timeout
    while True:
        log = server.log
        if len(re.findall(pattern, log)) >= count:
            return log
        if time.monotonic() > deadline:
            raise AssertionError(f"{pattern!r} not logged {count} time(s):\n{log}")
        time.sleep(0.02)


def windows_acl(path: Path) -> tuple[bool, set[str]]:
    """Whether ``path``'s ACL is protected from inheritance, and the SIDs it grants to."""
    import win32security

    descriptor = win32security.GetNamedSecurityInfo(
        str(path), win32security.SE_FILE_OBJECT, win32security.DACL_SECURITY_INFORMATION)
    control, _ = descriptor.GetSecurityDescriptorControl()
    dacl = descriptor.GetSecurityDescriptorDacl()
    sids = {win32security.ConvertSidToStringSid(dacl.GetAce(i)[2])
            for i in range(dacl.GetAceCount())}
    return bool(control & win32security.SE_DACL_PROTECTED), sids


def windows_owner_only_sids(path: Path) -> set[str]:
    """SYSTEM, the Administrators and the owner of ``path``."""
    import win32security

    owner = win32security.GetNamedSecurityInfo(
        str(path), win32security.SE_FILE_OBJECT, win32security.OWNER_SECURITY_INFORMATION
    ).GetSecurityDescriptorOwner()
    return {"S-1-5-18", "S-1-5-32-544", win32security.ConvertSidToStringSid(owner)}


def assert_private_dir(path: Path) -> None:
    if sys.platform == "win32":
        protected, sids = windows_acl(path)
        assert protected, f"{path} inherits its parent's ACL"
        # OWNER RIGHTS (S-1-3-4) stands for the owner in inheritable entries.
        assert sids - {"S-1-3-4"} <= windows_owner_only_sids(path), sids
    else:
        assert oct(path.stat().st_mode & 0o777) == oct(0o700), path


def assert_private_file(path: Path) -> None:
    if sys.platform == "win32":
        _, sids = windows_acl(path)
        assert sids - {"S-1-3-4"} <= windows_owner_only_sids(path), (path, sids)
    else:
        assert oct(path.stat().st_mode & 0o777) == oct(0o600), path
