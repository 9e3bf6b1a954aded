"""Password hashing with bcrypt, run in threads that never hold up the event loop.

bcrypt looks at no more than 72 bytes of a password (and the ``bcrypt``
package refuses longer input outright), while Besedka allows 1024
characters.  Every password is therefore first reduced to a fixed-size
digest: base64 of its SHA-256, 44 ASCII bytes, which bcrypt then hashes.
Two long passwords that share their first 72 bytes stay distinct, and the
base64 step keeps NUL bytes (which bcrypt would stop at) out of its input.

A hash stores its own cost, so hashes made with any ``--bcrypt-rounds``
keep verifying after the setting changes.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import bcrypt

__all__ = ["PasswordHasher", "prehash", "hash_password"]

DEFAULT_ROUNDS = 12


def prehash(password: str) -> bytes:
    """The bytes bcrypt sees for a password (see the module docstring)."""
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str, rounds: int = DEFAULT_ROUNDS) -> bytes:
    """A new bcrypt hash of a password, computed in the calling thread."""
    return bcrypt.hashpw(prehash(password), bcrypt.gensalt(rounds))


def _lower_thread_priority() -> None:
    # bcrypt releases the GIL, so hashing threads compete with the event loop
    # for CPU only.  On Linux a thread has its own nice value; raising it lets
    # the loop keep delivering messages during a storm of logins.
    # Not SCHED_IDLE, though it favours the loop even more: on a machine
    # whose every core is busy with other work (a lab PC compiling), its
    # weight of 3 against 1024 would stretch one login to minutes; nice 10
    # keeps about a tenth of a core, and the login storm benchmark showed no
    # difference for the chatters (bench/README.md).  Elsewhere (macOS)
    # this is a no-op: the loop still runs, just without the head start.
    if sys.platform == "win32":
        _lower_windows_thread_priority()
    elif hasattr(os, "setpriority") and hasattr(threading, "get_native_id"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except OSError:
            pass


def _lower_windows_thread_priority() -> None:
    # One step below normal, the smallest Windows has.  Its priorities are
    # strict, not shares as nice values are: while every core is busy with
    # other programs' normal-priority work, a hashing thread runs only when
    # Windows lifts threads that have waited for seconds, so logins slow
    # down a lot then, as they would under SCHED_IDLE.  Taken anyway: the
    # PC that serves a LAN chat sees a storm of logins at the start of
    # every lesson, and one busy on every core far more rarely.
    import win32api
    import win32process

    try:
        win32process.SetThreadPriority(win32api.GetCurrentThread(),
                                       win32process.THREAD_PRIORITY_BELOW_NORMAL)
    except win32api.error:
        pass


class PasswordHasher:
    """Hashes and verifies passwords in a pool of low-priority threads.

    Args:
        rounds: the bcrypt cost for new hashes (4-31).
        workers: threads; by default one fewer than the CPUs, at least one,
            so that a login storm always leaves a core to the event loop.
    """

    def __init__(self, rounds: int = DEFAULT_ROUNDS, workers: int | None = None) -> None:
        if not 4 <= rounds <= 31:
            raise ValueError("bcrypt rounds must be between 4 and 31")
        self.rounds = rounds
        workers = workers or max(1, (os.cpu_count() or 2) - 1)
        self._pool = ThreadPoolExecutor(
            workers, thread_name_prefix="besedka-bcrypt", initializer=_lower_thread_priority
        )
        # Verifying a login for a name that does not exist still costs one
        # bcrypt check against this hash, so the answer takes as long as for
        # a wrong password and names cannot be discovered by timing.
        self._dummy_hash = self.hash_now("not a real password, only for timing")

    def hash_now(self, password: str) -> bytes:
        """Hash in the calling thread (start-up and admin tools)."""
        return hash_password(password, self.rounds)

    @staticmethod
    def verify_now(password: str, password_hash: bytes) -> bool:
        """Check in the calling thread."""
        try:
            return bcrypt.checkpw(prehash(password), password_hash)
        except ValueError:  # a corrupt stored hash verifies nothing
            return False

    def hash(self, password: str) -> Future[bytes]:
        """Hash a new password in a worker thread."""
        return self._pool.submit(self.hash_now, password)

    def verify(self, password: str, password_hash: bytes | None) -> Future[bool]:
        """Check a password in a worker thread; ``None`` (no such account)
        is checked against a dummy hash and is always False."""
        if password_hash is None:
            return self._pool.submit(self._verify_dummy, password)
        return self._pool.submit(self.verify_now, password, password_hash)

    def _verify_dummy(self, password: str) -> bool:
        self.verify_now(password, self._dummy_hash)
        return False

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
