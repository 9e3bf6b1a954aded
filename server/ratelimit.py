"""Rate limits: sliding windows for failed logins and registrations, token
buckets for messages.

Both answer "may this happen now?" and, when not, "how long until it may",
which becomes ``retry_after`` in the ``rate_limited`` reply.  Time comes from
a clock function so that tests and the server share one definition of now.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Hashable

from protocol.errors import ErrorCode, RequestError, RequestId

__all__ = ["SlidingWindowLimiter", "TokenBucket", "rate_limited", "retry_after_seconds"]

Clock = Callable[[], float]


class SlidingWindowLimiter:
    """At most ``limit`` events per key within the last ``window`` seconds.

    Used for failures (wrong passwords) and registrations: :meth:`retry_after`
    asks before acting, :meth:`record` counts an event that happened.
    """

    def __init__(self, limit: int, window: float, clock: Clock = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[Hashable, deque[float]] = {}

    def _recent(self, key: Hashable, now: float) -> deque[float] | None:
        events = self._events.get(key)
        if events is None:
            return None
        while events and events[0] <= now - self.window:
            events.popleft()
        if not events:
            del self._events[key]
            return None
        return events

    def retry_after(self, key: Hashable) -> float:
        """Seconds until another event for ``key`` is allowed (0 if now)."""
        now = self._clock()
        events = self._recent(key, now)
        if events is None or len(events) < self.limit:
            return 0.0
        return events[-self.limit] + self.window - now

    def record(self, key: Hashable) -> float:
        """Count one event for ``key``; returns its time, for :meth:`withdraw`."""
        now = self._clock()
        events = self._recent(key, now)
        if events is None:
            events = self._events[key] = deque()
        events.append(now)
        # Never remember much more than the limit needs: memory stays
        # bounded per key however hard a client hammers.  Twice the limit,
        # not the limit: an attempt counted before its password check (and
        # withdrawn if it passes) must not push out a failure that counted
        # meanwhile, from another connection or another server process on
        # the same database, or the withdrawal would leave one failure fewer.
        while len(events) > 2 * self.limit:
            events.popleft()
        return now

    def withdraw(self, key: Hashable, when: float) -> None:
        """Uncount an event :meth:`record` counted at ``when`` (if still kept)."""
        events = self._events.get(key)
        if events is not None:
            try:
                events.remove(when)
            except ValueError:
                pass
            if not events:
                del self._events[key]

    def prune(self) -> None:
        """Forget keys with no recent events (called periodically)."""
        now = self._clock()
        for key in list(self._events):
            self._recent(key, now)


class TokenBucket:
    """``rate`` events per second on average, bursts of up to ``burst``."""

    __slots__ = ("rate", "burst", "_tokens", "_updated", "_clock")

    def __init__(self, rate: float, burst: int, clock: Clock = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()

    def take(self) -> float:
        """Take a token; return 0 on success or the seconds until one is due."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self.rate

    def give_back(self) -> None:
        """Return the token just taken (the event was refused elsewhere)."""
        self._tokens = min(float(self.burst), self._tokens + 1.0)


def retry_after_seconds(delay: float) -> float:
    """How ``retry_after`` is written: seconds, rounded up to milliseconds."""
    return math.ceil(max(delay, 0.001) * 1000) / 1000


def rate_limited(delay: float, what: str, re: RequestId) -> RequestError:
    """The ``rate_limited`` error for request ``re``, allowed again after ``delay`` s."""
    seconds = retry_after_seconds(delay)
    return RequestError(ErrorCode.RATE_LIMITED, f"too many {what}; retry in {seconds} s",
                        re, {"retry_after": seconds})
