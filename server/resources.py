"""What the server asks of its process: file descriptors, and memory back.

Every connection costs a file descriptor, and Linux gives a process a soft
limit of 1,024 by default, far below the hard limit it may raise itself
to.  Left there, a few hundred clients too many made ``accept`` fail with
``Too many open files`` while the database could no longer open its files
either (issue 12).  So the server raises its soft limit to the hard one at
start (:func:`raise_open_file_limit`), and caps its connections below
that (:func:`default_max_connections`), leaving descriptors for the
database, the certificate, the log and the LAN announcement.

Memory: glibc's ``malloc`` keeps the memory of freed large buffers (the
unsent output of aborted connections) for reuse instead of giving it back,
so that the server's resident size stays at its peak after an attack.
:func:`tune_malloc` has large buffers mapped on their own, and
:func:`release_free_memory` asks it to return what is free
(``malloc_trim``); elsewhere both do nothing.

And Python's garbage collector: with its default thresholds it ran every
700 allocations of container objects, and each message allocates a dozen
(the request, its checks, the row, the reply): in py-spy's profiles of a
loaded server, the lines that only allocate held the GIL for 15-25 % of
the time, and a fanout run needed a third less GIL time with the tuning
below (issue 20, bench/README.md), although the hot path makes no cycles
for the collector to find.
:func:`tune_garbage_collector` freezes what exists once the server has
started and collects the young generation less often.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys

__all__ = ["RESERVED_FILE_DESCRIPTORS", "default_max_connections", "raise_open_file_limit",
           "release_free_memory", "tune_garbage_collector", "tune_malloc"]

log = logging.getLogger("besedka.server")

#: Descriptors kept for everything but connections: SQLite's files (the
#: database, its WAL and shared memory, per reader thread), the event loop,
#: thread pools, the log, mDNS sockets, and connections being refused
#: (server.registry.REFUSAL_ROOM).
RESERVED_FILE_DESCRIPTORS = 128
#: The cap where the system has no descriptor limit to derive it from
#: (Windows: sockets are handles, limited only by memory).
DEFAULT_MAX_CONNECTIONS_WITHOUT_LIMIT = 10_000
#: Never fewer than this, however low the limit.
MIN_MAX_CONNECTIONS = 16


def raise_open_file_limit() -> int | None:
    """Raise the soft limit on open files to the hard one; log what it is.

    Returns:
        The soft limit now in force, or None where there is none (Windows).
    """
    # (A platform check mypy follows, not ImportError: `make typecheck`
    # checks this for Windows too.)
    if sys.platform == "win32":
        return None  # sockets are handles there, limited only by memory
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        # Linux refuses an infinite RLIMIT_NOFILE; macOS caps it at OPEN_MAX.
        hard = max(soft, 1_048_576 if sys.platform.startswith("linux") else 10_240)
    if soft != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError) as error:
            log.warning("open files: could not raise the limit from %d to %d: %s",
                        soft, hard, error)
            return soft
        log.info("open files: raised the limit from %d to %d (the hard limit)", soft, hard)
        return hard
    log.info("open files: the limit is %d", soft)
    return soft


def default_max_connections(open_file_limit: int | None) -> int:
    """``--max-connections`` unless given: the open-file limit less the
    descriptors the server needs for everything else."""
    if open_file_limit is None:
        return DEFAULT_MAX_CONNECTIONS_WITHOUT_LIMIT
    return max(MIN_MAX_CONNECTIONS, open_file_limit - RESERVED_FILE_DESCRIPTORS)


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim.argtypes = [ctypes.c_size_t]  # glibc only: musl has none
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    except (OSError, AttributeError):
        return None
    return libc


_libc = _glibc()
#: mallopt()'s parameter for the size from which malloc maps memory of its own.
_M_MMAP_THRESHOLD = -3
#: Buffers from this size up get memory of their own, which goes back to
#: the system as soon as they are freed.  glibc's default starts at 128 KiB
#: but rises to the largest buffer freed so far (up to 32 MiB): after one
#: 16 MB ``sync`` reply, every later one came from the shared heap, where
#: freed memory stayed, scattered between live objects.  Setting it fixes it.
MMAP_THRESHOLD_BYTES = 256 * 1024


def tune_malloc() -> None:
    """Make large buffers go back to the system when freed (glibc; see
    :data:`MMAP_THRESHOLD_BYTES`).  Called once at start."""
    if _libc is not None:
        _libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def release_free_memory() -> None:
    """Give the memory ``malloc`` holds free back to the system (glibc).

    It can take a few milliseconds on a large heap, holding malloc's lock:
    call it in a worker thread, and only after much was freed.
    """
    if _libc is not None:
        _libc.malloc_trim(0)


#: Container allocations (less deallocations) between collections of the
#: youngest generation; CPython's default is 700.  What a collection finds
#: is only what reference counting cannot free (cycles), which the hot path
#: does not make, so waiting longer costs little memory: at most this many
#: small objects.
GC_YOUNG_THRESHOLD = 50_000


def tune_garbage_collector() -> None:
    """Leave the objects made at start out of every collection (``gc.freeze``),
    and collect the young generation every :data:`GC_YOUNG_THRESHOLD`
    allocations.  Called once, when the server has started."""
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, oldest)
