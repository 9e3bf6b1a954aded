"""Password hashing with bcrypt, run in threads that never hold up the event loop.

bcrypt looks at no more than 72 bytes of a password (and the ``bcrypt``
package refuses longer input outright), while Besedka allows 1024
characters.  Every password is therefore first reduced to a fixed-size
digest: base64 of its SHA-256, 44 ASCII bytes, which bcrypt then hashes.
Two long passwords that share their first 72 bytes stay distinct, and the
base64 step keeps NUL bytes (which bcrypt would stop at) out of its input.

A hash stores its own cost, so hashes made with any ``--bcrypt-rounds``
keep verifying after the setting changes; a login rehashes at the cost in
force (:meth:`PasswordHasher.needs_rehash`), and the check made for a name
that does not exist costs as much as the slowest hash still stored, so
that the time of an answer tells nothing (issue 12).

Every check goes through one :class:`PasswordQueue`, fair between client
addresses and between accounts, and bounded: bcrypt is the most expensive
thing a client can ask for, and before issue 12 forty connections looping
``change_password`` made everyone else's login wait ten seconds.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import os
import re
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import bcrypt

__all__ = ["PasswordHasher", "PasswordQueue", "PasswordQueueFull", "QueueBounds", "hash_cost",
           "hash_password", "prehash"]

T = TypeVar("T")

DEFAULT_ROUNDS = 12


def prehash(password: str) -> bytes:
    """The bytes bcrypt sees for a password (see the module docstring)."""
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str, rounds: int = DEFAULT_ROUNDS) -> bytes:
    """A new bcrypt hash of a password, computed in the calling thread."""
    return bcrypt.hashpw(prehash(password), bcrypt.gensalt(rounds))


_COST = re.compile(rb"\$2[abxy]?\$(\d\d)\$")


def hash_cost(password_hash: bytes) -> int | None:
    """The bcrypt cost a stored hash was made with (None: not a bcrypt hash)."""
    match = _COST.match(password_hash)
    return int(match.group(1)) if match else None


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

    The methods ending in ``_now`` run in the calling thread; the server
    never calls them on its event loop but hands them to a
    :class:`PasswordQueue`, which runs them in :attr:`pool`.

    Args:
        rounds: the bcrypt cost for new hashes (4-31).
        workers: threads; by default one fewer than the CPUs, at least one,
            so that a login storm always leaves a core to the event loop.
        slowest_stored_cost: the highest cost of a hash stored in the
            database; the check for a name that does not exist costs that
            much (never less than ``rounds``).
    """

    def __init__(self, rounds: int = DEFAULT_ROUNDS, workers: int | None = None,
                 slowest_stored_cost: int | None = None) -> None:
        if not 4 <= rounds <= 31:
            raise ValueError("bcrypt rounds must be between 4 and 31")
        self.rounds = rounds
        self.workers = workers or max(1, (os.cpu_count() or 2) - 1)
        self.pool = ThreadPoolExecutor(
            self.workers, thread_name_prefix="besedka-bcrypt", initializer=_lower_thread_priority
        )
        # Verifying a login for a name that does not exist still costs one
        # bcrypt check against this hash, so the answer takes as long as for
        # a wrong password and names cannot be discovered by timing.
        self.dummy_cost = max(rounds, slowest_stored_cost or rounds)
        started = time.perf_counter()
        self._dummy_hash = hash_password("not a real password, only for timing", self.dummy_cost)
        #: how long one check at the dummy's cost took, for estimating waits
        self.seconds_per_check = time.perf_counter() - started

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

    def verify_or_dummy_now(self, password: str, password_hash: bytes | None) -> bool:
        """Check in the calling thread; ``None`` (no such account) is checked
        against the dummy hash and is always False."""
        if password_hash is None:
            self.verify_now(password, self._dummy_hash)
            return False
        return self.verify_now(password, password_hash)

    def needs_rehash(self, password_hash: bytes) -> bool:
        """Whether a hash was made at another cost than the one in force."""
        return hash_cost(password_hash) != self.rounds

    def stored_cost_seen(self, password_hash: bytes) -> None:
        """An account's hash was read: if it costs more than the dummy check,
        make the dummy as slow (an administrator's CLI may store any cost
        while the server runs).  In the calling thread: a worker's."""
        cost = hash_cost(password_hash)
        if cost is not None and cost > self.dummy_cost:
            self.dummy_cost = cost
            self._dummy_hash = hash_password("not a real password, only for timing", cost)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class PasswordQueueFull(Exception):
    """A password check would wait too long; try again after ``retry_after`` s."""

    def __init__(self, retry_after: float, why: str) -> None:
        super().__init__(why)
        self.retry_after = retry_after
        self.why = why


@dataclass(frozen=True)
class QueueBounds:
    """How much may wait for the hashing threads (None in :class:`PasswordQueue`:
    unbounded, with ``--no-rate-limits``).

    Args:
        per_account: checks waiting for one account (the name asked for).
        per_address: checks waiting for one client address.
        max_wait: seconds a new check may expect to wait before it runs.
    """

    per_account: int = 4
    per_address: int = 16
    max_wait: float = 30.0


@dataclass(eq=False)
class _Job:
    address: str
    account: str
    serial: int
    run: Callable[[], Any]
    future: asyncio.Future[Any]
    queued_at: float = field(default_factory=time.monotonic)


class PasswordQueue:
    """Every password check and hash of the server, in a fair, bounded queue.

    Fair: the next check to run is that of the client address served least
    recently, and within it of the account served least recently (a check
    never served goes first; ties go to the oldest).  So however many checks
    one address or account keeps queued, another's waits for at most one
    of them per thread, besides its own.

    Bounded (with :class:`QueueBounds`): a check that would wait behind too
    many of its address's or its account's, or longer than ``max_wait``,
    is refused at once with :class:`PasswordQueueFull`; the caller answers
    ``rate_limited``.

    Lives on the event loop: its state is touched only there, and the
    threads of the :class:`PasswordHasher` only compute.
    """

    def __init__(self, hasher: PasswordHasher, bounds: QueueBounds | None) -> None:
        self.hasher = hasher
        self.bounds = bounds
        self._serials = itertools.count(1)
        # address -> account -> the checks waiting, oldest first
        self._waiting: dict[str, dict[str, deque[_Job]]] = {}
        self._waiting_count = 0
        self._running = 0
        self._busy_addresses: Counter[str] = Counter()  # waiting or running
        self._busy_accounts: Counter[str] = Counter()
        # When each busy address and account was last served (a serial).
        self._served_address: dict[str, int] = {}
        self._served_account: dict[str, int] = {}
        self._seconds_per_check = hasher.seconds_per_check

    async def verify(self, password: str, password_hash: bytes | None, *,
                     address: str, account: str) -> bool:
        """Check a password (``None``: no such account, see
        :meth:`PasswordHasher.verify_or_dummy_now`).

        Raises:
            PasswordQueueFull: it would wait too long.
        """
        hasher = self.hasher

        def check() -> bool:
            if password_hash is not None:
                hasher.stored_cost_seen(password_hash)
            return hasher.verify_or_dummy_now(password, password_hash)

        result: bool = await self._submit(address, account, check)
        return result

    async def hash(self, password: str, *, address: str, account: str) -> bytes:
        """A new hash of a password at the cost in force.

        Raises:
            PasswordQueueFull: it would wait too long.
        """
        result: bytes = await self._submit(address, account,
                                           lambda: self.hasher.hash_now(password))
        return result

    def _submit(self, address: str, account: str, run: Callable[[], T]) -> asyncio.Future[T]:
        self._check_room(address, account)
        loop = asyncio.get_running_loop()
        job = _Job(address, account, next(self._serials), run, loop.create_future())
        self._waiting.setdefault(address, {}).setdefault(account, deque()).append(job)
        self._waiting_count += 1
        self._busy_addresses[address] += 1
        self._busy_accounts[account] += 1
        self._dispatch()
        return job.future

    def _check_room(self, address: str, account: str) -> None:
        bounds = self.bounds
        if bounds is None:
            return
        by_account = self._waiting.get(address, {})
        mine = sum(len(jobs) for jobs in by_account.values())
        same_account = sum(len(accounts.get(account, ())) for accounts in self._waiting.values())
        per_check = self._seconds_per_check / self.hasher.workers
        if same_account >= bounds.per_account:
            raise PasswordQueueFull(max(1.0, same_account * per_check),
                                    "password checks for this account at once")
        if mine >= bounds.per_address:
            raise PasswordQueueFull(max(1.0, mine * per_check),
                                    "password checks from this address at once")
        # Fair order: before this check run this address's own waiting
        # ones, and of every other address at most as many plus one.
        ahead = mine + sum(min(sum(len(j) for j in accounts.values()), mine + 1)
                           for other, accounts in self._waiting.items() if other != address)
        wait = (ahead + self._running) * per_check
        if wait > bounds.max_wait:
            raise PasswordQueueFull(wait - bounds.max_wait + per_check,
                                    "password checks waiting")

    def _next_job(self) -> _Job:
        """The waiting check to run next, taken out of the queue (see the class docstring)."""
        served_address, served_account = self._served_address, self._served_account
        address = min(self._waiting, key=lambda a: (
            served_address.get(a, 0),
            min(jobs[0].serial for jobs in self._waiting[a].values())))
        accounts = self._waiting[address]
        account = min(accounts, key=lambda k: (served_account.get(k, 0), accounts[k][0].serial))
        jobs = accounts[account]
        job = jobs.popleft()
        if not jobs:
            del accounts[account]
            if not accounts:
                del self._waiting[address]
        self._waiting_count -= 1
        serial = next(self._serials)
        served_address[address] = served_account[account] = serial
        return job

    def _dispatch(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting and self._running < self.hasher.workers:
            job = self._next_job()
            if job.future.done():  # the request was given up (its connection closed)
                self._done_with(job)
                continue
            self._running += 1
            run = job.run

            def timed(run: Callable[[], Any] = run) -> tuple[Any, float]:
                started = time.perf_counter()
                result = run()
                return result, time.perf_counter() - started

            def finished(outcome: Future[tuple[Any, float]], job: _Job = job) -> None:
                try:
                    loop.call_soon_threadsafe(self._finished, job, outcome)
                except RuntimeError:  # the loop is closed: the server is gone
                    pass

            self.hasher.pool.submit(timed).add_done_callback(finished)

    def _finished(self, job: _Job, outcome: Future[tuple[Any, float]]) -> None:
        self._running -= 1
        self._done_with(job)
        if not job.future.done():
            error = outcome.exception()
            if error is not None:
                job.future.set_exception(error)
            else:
                result, seconds = outcome.result()
                # A moving average: the cost of stored hashes varies.
                self._seconds_per_check += (seconds - self._seconds_per_check) / 8
                job.future.set_result(result)
        self._dispatch()

    def _done_with(self, job: _Job) -> None:
        """Forget the job's address and account once nothing of theirs is busy:
        only the busy ones need their turn remembered."""
        for busy, served, key in ((self._busy_addresses, self._served_address, job.address),
                                  (self._busy_accounts, self._served_account, job.account)):
            busy[key] -= 1
            if busy[key] <= 0:
                del busy[key]
                served.pop(key, None)
