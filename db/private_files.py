"""Files and directories only their owner can read: the chat's data is private.

The database holds every message and password hash, the TLS file the
server's private key, a backup all of the database.  With the usual umask
(022) anything created with default permissions is readable by every
account on the computer, so everything Besedka's server and admin tool
create goes through here instead:

* a directory made here is its owner's alone: mode 0700 on POSIX; on
  Windows, where mode bits mean nothing, a protected ACL granting SYSTEM,
  the Administrators and the directory's owner (the ACL CPython 3.13 gives
  ``os.mkdir(path, 0o700)``; done here so that Python 3.11 gets it too);
* a file made here is mode 0600 on POSIX.  On Windows it inherits its
  directory's ACL, which is private when the directory was made here, the
  user's profile (``%LOCALAPPDATA%``) or the service's ``ProgramData``
  folder (:mod:`server.winservice`).  SQLite gives a database's ``-wal``
  and ``-shm`` files the database file's own mode, so creating the database
  file here first makes those private too.

Existing directories and files are left as they are: their owner chose
their permissions (the .deb's ``/var/lib/besedka`` is 0750 on purpose).
:func:`warn_if_readable_by_others` only tells.

It lives in ``db/`` because that is the lowest layer that writes files:
the server's TLS code imports it from here, and ``db`` imports nothing
of the server's.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path

__all__ = [
    "OWNER_ONLY_SDDL",
    "PRIVATE_FILE_MODE",
    "create_private_file",
    "make_private_dir",
    "readable_by_others",
    "set_windows_acl",
    "warn_if_readable_by_others",
]

#: Mode of every file the server or the admin tool creates (POSIX).
PRIVATE_FILE_MODE = 0o600
#: Mode of every directory they create (POSIX).
PRIVATE_DIR_MODE = 0o700
#: A private directory's ACL on Windows, in SDDL: protected (nothing
#: inherited from the parent), full control for SYSTEM (SY), the
#: Administrators (BA) and the object's owner (OW), each inherited by the
#: files and folders created inside (OICI).
OWNER_ONLY_SDDL = "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;OW)"


def make_private_dir(path: Path) -> None:
    """Create the directory ``path`` (and its missing parents) for its owner only.

    Only ``path`` itself is made private; parents created on the way get
    the usual permissions, as ``~/.local/share`` has.  An existing directory
    is left alone.

    Raises:
        OSError: it cannot be created (or, on Windows, its ACL not set).
    """
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=PRIVATE_DIR_MODE)
    except FileExistsError:
        return  # another process made it first; it decided
    if sys.platform == "win32":
        set_windows_acl(path, OWNER_ONLY_SDDL)


def create_private_file(path: Path) -> int:
    """Create the new file ``path``, readable and writable by its owner only.

    Returns:
        A file descriptor opened for writing, in binary mode; the caller
        closes it.

    Raises:
        FileExistsError: the file exists (it is left as it was).
        OSError: it cannot be created.
    """
    # O_BINARY: on Windows os.open() descriptors are in text mode by
    # default, and writes through them would turn every \n into \r\n.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return os.open(path, flags, PRIVATE_FILE_MODE)


def readable_by_others(path: Path) -> bool:
    """Whether accounts other than the owner may read or write ``path``
    through its mode bits.

    Always False on Windows, where the mode bits say nothing about who may
    read a file (its ACL does, see the module docstring).
    """
    if sys.platform == "win32":
        return False
    return bool(path.stat().st_mode & 0o077)


def warn_if_readable_by_others(path: Path, holds: str, log: logging.Logger) -> None:
    """Log a warning if ``path`` exists and other accounts may read it.

    Args:
        path: the file.
        holds: what it holds, for the warning ("every message ...").
        log: where to warn.
    """
    try:
        exposed = readable_by_others(path)
    except FileNotFoundError:
        return
    if exposed:
        mode = stat.S_IMODE(path.stat().st_mode)
        log.warning("%s can be read by other users of this computer (mode %04o); it holds %s: "
                    "chmod 600 it", path, mode, holds)


def set_windows_acl(path: Path, sddl: str) -> None:
    """Replace the ACL of ``path`` with ``sddl``'s, passing its inheritable
    entries on to what is already inside (Windows only)."""
    if sys.platform != "win32":
        raise NotImplementedError("ACLs are set on Windows only")
    import win32security  # pywin32, a dependency on Windows only

    descriptor = win32security.ConvertStringSecurityDescriptorToSecurityDescriptor(
        sddl, win32security.SDDL_REVISION_1)
    win32security.SetNamedSecurityInfo(
        str(path), win32security.SE_FILE_OBJECT,
        win32security.DACL_SECURITY_INFORMATION
        | win32security.PROTECTED_DACL_SECURITY_INFORMATION,
        None, None, descriptor.GetSecurityDescriptorDacl(), None)
