"""Who is given which bytes when a commit comes back: delivery as a pure function.

The group-commit writer hands the event loop a whole commit at once (today
the messages of one batch of sends; with version 2 also edits, deletions
and reactions).  :func:`deliver` turns that commit, with the sessions online
at that moment, into what each session must be given, in order; the event
loop only writes it (:func:`server.session.write_delivery`).  Nothing here
touches a socket, the database or the clock, so every rule below is tested
on plain data (``tests/server/test_delivery.py``).

The rules (PROTOCOL.md, "Events"; docs/protocol.md):

* **Order.**  Items come in commit order, which is their position order
  (message ids are given in submission order, commits reach the loop in
  commit order).  Each session gets what it may see of them in that order,
  and an item's reply (the ``ok`` to a ``send``) in place of that item's
  event on the session that asked (:attr:`Item.reply_to`).
* **Audiences.**  An item goes to :data:`EVERYONE` (the general room), to
  a room's :class:`Members`, to the sessions of some other set of accounts
  (a direct message's two ends, a member who was removed), or to nobody (a
  resent send: only its reply).
* **Forms.**  Each session speaks one protocol version, and an item is
  encoded at most once per version (:meth:`Item.event`), only for versions
  some recipient speaks: a commit seen only by version 1 sessions costs one
  encoding per message.  An item may have no form in a version (a room
  message, an ``update`` for version 1): those sessions do not see it.
* **One block per group and form.**  The events of the items for everyone
  are joined into one block per version, and so are those of the items for
  one room's :class:`Members`.  A session in one group with nothing else in
  the commit gets that group's block itself (the same bytes object for all
  of them); one that sent some of the messages, or receives a direct one,
  gets slices of it (memoryviews, not copies) around those; one in several
  groups of the commit (the general room and a room, say) gets a block of
  their events merged, shared with the sessions in the same groups.  The
  work per commit grows with the sessions plus the special items, not with
  messages times sessions.
* **The login race.**  A session whose login is still reading its snapshot
  (``joining``) has its events *held*: its reply and roster go first, and
  the login releases them after.  A session whose snapshot already counted
  part of this commit (``counted_up_to`` at or past its first position) is
  not given those items again: they are in its unread counts.  Both are
  rare, and get their items one by one.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Generic, Literal, Protocol, TypeVar, Union

__all__ = ["EVERYONE", "Audience", "Delivery", "Item", "Members", "Piece", "Recipient",
           "deliver"]


class Recipient(Protocol):
    """What delivery needs to know of a logged-in session (:class:`server.session.Session`)."""

    @property
    def account_id(self) -> int: ...

    @property
    def protocol(self) -> int: ...

    @property
    def joining(self) -> bool: ...

    @property
    def counted_up_to(self) -> int: ...


R = TypeVar("R", bound=Recipient)


class _Everyone(enum.Enum):
    """The audience of the general room: every logged-in session."""

    EVERYONE = "everyone"


#: Every logged-in session; the general room has no member list to name.
EVERYONE: Final = _Everyone.EVERYONE

#: Who may see an item: :data:`EVERYONE`, or account ids (each once; empty:
#: nobody, the item only carries a reply).
Audience = Union[Literal[_Everyone.EVERYONE], Collection[int]]


class Item(Generic[R]):
    """One committed change to deliver, built by the feature that committed it.

    A subclass says how its event looks in each protocol version
    (:meth:`event`) and how its reply is written (:meth:`answer`); delivery
    decides who gets which, in what order.

    Attributes:
        position: its place in the order of changes (the message id; with
            version 2, the change number ``seq``), compared with a
            session's ``counted_up_to``.  Unused when the audience is empty.
        audience: who may see its event.
        reply_to: the session that asked for it, which gets the reply in
            place of the event, or None.
    """

    __slots__ = ("position", "audience", "reply_to")

    def __init__(self, position: int = 0, audience: Audience = (),
                 reply_to: R | None = None) -> None:
        self.position = position
        self.audience = audience
        self.reply_to = reply_to

    def event(self, version: int) -> bytes | None:
        """The encoded event for sessions speaking ``version``; None: they do not see it.

        Called at most once per version and commit, and only for versions
        some recipient speaks.
        """
        return None

    def answer(self) -> None:
        """Write the reply to :attr:`reply_to` (the event loop calls this, not delivery)."""


#: What a session is given: encoded events, or an item whose reply goes there.
Piece = Union[bytes, memoryview, Item[R]]


@dataclass(eq=False, slots=True)
class Delivery(Generic[R]):
    """The result of :func:`deliver`.

    Attributes:
        writes: per session, what to write now, in order: event bytes, and
            items whose reply goes in that place (:meth:`Item.answer`).
        held: per joining session, ``(position, event)`` to keep until its
            login's snapshot is read; the login releases those past it.
    """

    writes: dict[R, list[Piece[R]]] = field(default_factory=dict)
    held: dict[R, list[tuple[int, bytes]]] = field(default_factory=dict)


class Members(frozenset[int]):
    """An audience that many items of a commit may share: a room's members.

    The rooms feature keeps one per room and replaces it (never changes it)
    when someone joins or leaves, so every item of a commit that went to
    the room as it then was carries the same object.  The events of the
    items for one group (the general room, or one :class:`Members`) are
    joined into one block per version, so a 500-member room costs per
    commit what the general room costs: one encoding per message and
    version, one block, one write per session.
    """

    __slots__ = ()


class _Form:
    """A commit's events in one protocol version, made when a recipient first needs it."""

    __slots__ = ("frames",)

    def __init__(self, items: Sequence[Item[R]], version: int) -> None:
        #: each item's event in this version (None: nothing to see)
        self.frames: list[bytes | None] = [
            item.event(version) if item.audience else None for item in items]


class _Stream:
    """The events of some groups of a commit (see :class:`Members`) in one
    version, in commit order: what a session in exactly those groups is
    given of them, as one block.

    Nearly every session is in one group (the general room, or one room
    with messages in this commit), and shares that group's stream, and so
    its block, with the group's other sessions.
    """

    __slots__ = ("before", "block", "view", "offsets", "count")

    def __init__(self, frames: Sequence[bytes | None], item_groups: Sequence[int],
                 groups: tuple[int, ...]) -> None:
        #: how many frames of the block come before each item (and after the last)
        self.before: list[int] = []
        shared: list[bytes] = []
        for frame, group in zip(frames, item_groups):
            self.before.append(len(shared))
            if frame is not None and group in groups:
                shared.append(frame)
        self.before.append(len(shared))
        self.count = len(shared)
        self.block = b"".join(shared)
        # Slices of the block are views, not copies: a commit of long
        # messages is megabytes, and each sender gets its own slices of it.
        self.view = memoryview(self.block)
        offsets = [0]
        for frame in shared:
            offsets.append(offsets[-1] + len(frame))
        self.offsets = offsets


#: The group number of the general room's items; a room's items get 1, 2...
#: and an item for a plain set of accounts (a direct message) gets none.
_EVERYONE_GROUP: Final = 0
_NO_GROUP: Final = -1


def deliver(items: Sequence[Item[R]], online: Mapping[int, Collection[R]]) -> Delivery[R]:
    """What each session is given of one commit.

    Args:
        items: the commit's items, in commit order.
        online: account id -> that account's logged-in sessions, as they
            are now; read, never changed.

    Returns:
        The writes in order per session, and the events held for joining
        sessions (see the module docstring for the rules).
    """
    result: Delivery[R] = Delivery()
    writes = result.writes
    first = -1
    for item in items:
        if item.audience:
            first = item.position
            break
    if first < 0:  # nothing to see: only replies, in order
        for item in items:
            if item.reply_to is not None:
                writes.setdefault(item.reply_to, []).append(item)
        return result

    # Which group each item belongs to, and who is in each room's group.
    item_groups: list[int] = []
    numbers: dict[Members, int] = {}
    everyone = False
    for item in items:
        audience = item.audience
        if audience is EVERYONE:
            everyone = True
            item_groups.append(_EVERYONE_GROUP)
        elif isinstance(audience, Members) and audience:
            number = numbers.get(audience)
            if number is None:
                number = numbers[audience] = len(numbers) + 1
            item_groups.append(number)
        else:
            item_groups.append(_NO_GROUP)
    #: the room groups each session is in, in group order (none: not listed)
    rooms_of: dict[R, tuple[int, ...]] = {}
    for members, number in numbers.items():
        alone = (number,)  # one object for every session in this group only
        for account_id in members:
            for session in online.get(account_id, ()):
                groups = rooms_of.get(session)
                rooms_of[session] = alone if groups is None else groups + alone
    base: tuple[int, ...] = (_EVERYONE_GROUP,) if everyone else ()

    forms: dict[int, _Form] = {}
    streams: dict[tuple[int, tuple[int, ...]], _Stream] = {}
    # How many frames of its stream's block each session has been given so far.
    given: dict[R, int] = {}
    # Sessions joining, or whose login counted part of this commit, or that
    # asked for an item and are gone; and whether they are online (one that
    # is gone is given only its replies).
    late: dict[R, bool] = {}
    # The stream last looked up, and for what: nearly every session speaks
    # the same version and is in the same groups, and this runs per item
    # and per session.
    version = -1
    groups_seen: tuple[int, ...] | None = None
    stream: _Stream
    form: _Form

    def stream_of(session: R) -> _Stream:
        nonlocal version, groups_seen, stream, form
        groups = rooms_of.get(session, ())
        groups = base + groups if groups else base
        if session.protocol != version or groups is not groups_seen:
            if session.protocol != version:
                version, form = session.protocol, _form(forms, items, session.protocol)
            groups_seen = groups
            key = (version, groups)
            found = streams.get(key)
            if found is None:
                found = streams[key] = _Stream(form.frames, item_groups, groups)
            stream = found
        return stream

    def catch_up(session: R, pieces: list[Piece[R]], stream: _Stream, upto: int) -> None:
        """Add to ``pieces`` the frames of the block up to ``upto`` that ``session`` lacks."""
        start = given.get(session, 0)
        if start < upto:
            if start == 0 and upto == stream.count:
                pieces.append(stream.block)
            else:
                pieces.append(stream.view[stream.offsets[start]:stream.offsets[upto]])

    for index, item in enumerate(items):
        audience = item.audience
        reply_to = item.reply_to
        if audience and item_groups[index] == _NO_GROUP:
            assert audience is not EVERYONE
            for account_id in audience:
                for session in online.get(account_id, ()):
                    if session is reply_to:
                        continue
                    if session.joining or session.counted_up_to >= first:
                        late[session] = True
                        continue
                    mine = stream_of(session)
                    frame = form.frames[index]
                    if frame is not None:
                        pieces = writes.get(session)
                        if pieces is None:
                            pieces = writes[session] = []
                        before = mine.before[index]
                        catch_up(session, pieces, mine, before)
                        pieces.append(frame)
                        given[session] = before
        if reply_to is not None:
            pieces = writes.get(reply_to)
            if pieces is None:  # the first of its pieces: is it late, or gone?
                if reply_to in late:
                    continue
                is_online = reply_to in online.get(reply_to.account_id, ())
                if not is_online or reply_to.joining or reply_to.counted_up_to >= first:
                    late[reply_to] = is_online
                    continue
                pieces = writes[reply_to] = []
            mine = stream_of(reply_to)
            before, after = mine.before[index], mine.before[index + 1]
            catch_up(reply_to, pieces, mine, before)
            pieces.append(item)
            # Its own item's frame in the block is skipped: the reply replaces it.
            given[reply_to] = after
    # Everyone in a group is given the rest of their stream.
    if everyone:
        sessions: Iterable[R] = (session for group in online.values() for session in group)
    else:
        sessions = rooms_of
    for session in sessions:
        if session.joining or session.counted_up_to >= first:
            late[session] = True
            continue
        mine = stream_of(session)
        # What catch_up does, inlined: this runs for every session.
        start = given.get(session, 0)
        if start < mine.count:
            piece = mine.block if start == 0 else mine.view[mine.offsets[start]:]
            pieces = writes.get(session)
            if pieces is None:
                writes[session] = [piece]
            else:
                pieces.append(piece)
    for session, is_online in late.items():
        _one_by_one(session, is_online, items, _form(forms, items, session.protocol), result)
    return result


def _form(forms: dict[int, _Form], items: Sequence[Item[R]], version: int) -> _Form:
    """The commit in ``version``'s form, encoded the first time it is asked for."""
    form = forms.get(version)
    if form is None:
        form = forms[version] = _Form(items, version)
    return form


def _one_by_one(session: R, is_online: bool, items: Sequence[Item[R]], form: _Form,
                result: Delivery[R]) -> None:
    """A late session's share of the commit, item by item (see the module docstring)."""
    pieces: list[Piece[R]] = []
    held: list[tuple[int, bytes]] = []
    account_id, counted_up_to = session.account_id, session.counted_up_to
    for index, item in enumerate(items):
        if item.reply_to is session:
            pieces.append(item)  # a reply is never held: it answers a request
            continue
        audience = item.audience
        frame = form.frames[index]
        if (frame is None or not is_online
                or not (audience is EVERYONE or account_id in audience)):
            continue
        if session.joining:
            # Its reply and roster go first; the login releases these after,
            # leaving out what its snapshot counted.
            held.append((item.position, frame))
        elif item.position > counted_up_to:
            # Committed before the login's snapshot was read, but handed to
            # the event loop only after the login's reply: counted in its
            # unread counts, so not sent again.
            pieces.append(frame)
    if pieces:
        result.writes[session] = pieces
    if held:
        result.held[session] = held
