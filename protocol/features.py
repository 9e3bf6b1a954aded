"""The parts of version 2 a server may offer, named as ``hello`` lists them.

PROTOCOL-2.md: ``hello`` lists ``features``, the section names of that
document which the server implements.  A client looks for a name before it
shows what the feature needs (a room list, a search box), so an older or
smaller server simply shows less.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Feature"]


class Feature(StrEnum):
    """One section of PROTOCOL-2.md, as ``hello``'s ``features`` names it."""

    ROOMS = "rooms"
    EDITS = "edits"
    REACTIONS = "reactions"
    TYPING = "typing"
    RECEIPTS = "receipts"
    SEARCH = "search"
    FILES = "files"
    SESSIONS = "sessions"
    STATUS = "status"
