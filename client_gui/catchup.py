"""Catching up after a reconnect: from where ``sync`` starts, and how far it got.

While the connection is up every visible message arrives as an event, in id
order, so the highest id seen is a safe place to resume: everything up to
it has been received.  :class:`CatchUp` keeps that *resume point*.

A sync after a reconnect returns the missed messages in pages, oldest
first, and live events keep arriving meanwhile, newer than pages not yet
returned.  A live message during a sync must therefore not move the resume
point: should the connection drop again between two pages, the next sync
would skip whatever lay between the last page and the live message.  So
during a sync only the pages move it, and the newest live id is folded in
when the last page has arrived.

Pure bookkeeping: no Qt, no sockets; the session sends the requests.
"""

from __future__ import annotations

__all__ = ["CatchUp"]


class CatchUp:
    """The resume point of one session, and the sync in progress if any."""

    def __init__(self) -> None:
        #: Every visible message with an id up to this one has been received
        #: (None: nothing yet, so there is nothing to resume from).
        self.resume_after: int | None = None
        #: Whether a sync is running, and the newest live message it met.
        self.syncing = False
        self._newest_live = 0

    def seen(self, message_id: int) -> None:
        """A message known to have arrived with everything before it (a live
        event, a page of history, our own acknowledged message)."""
        if self.syncing:
            return  # the sync's pages decide until it completes
        self._advance(message_id)

    def live(self, message_id: int) -> None:
        """A message pushed as it happened."""
        if self.syncing:
            self._newest_live = max(self._newest_live, message_id)
        else:
            self._advance(message_id)

    def start(self) -> int | None:
        """Begin a sync after a reconnect.

        Returns:
            The ``after`` of its first page, or None when nothing was ever
            seen (then there is nothing to catch up with).
        """
        if self.resume_after is None:
            return None
        self.syncing, self._newest_live = True, 0
        return self.resume_after

    def page(self, last_id: int | None, has_more: bool) -> int | None:
        """A page of the sync arrived, ending at ``last_id`` (None: empty).

        Returns:
            The ``after`` of the next page, or None when the sync is complete.
        """
        if last_id is not None:
            self._advance(last_id)
        if has_more and last_id is not None:
            return last_id
        self.syncing = False
        self._advance(self._newest_live)
        return None

    def stop(self) -> None:
        """The sync ended early (refused, or the connection was lost): the
        live messages it saw do not count, the pages it got do."""
        self.syncing = False

    def reset(self) -> None:
        """A new session: nothing seen yet."""
        self.resume_after = None
        self.syncing = False

    def _advance(self, message_id: int) -> None:
        if message_id:
            self.resume_after = max(self.resume_after or 0, message_id)
