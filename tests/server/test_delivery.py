"""Delivery on plain data: who is given which frames of a commit, in what order.

:func:`server.delivery.deliver` is pure, so these tests need no server: a
commit is a list of items whose events are short byte strings, sessions are
plain records, and what each session is given is read back as the frames it
would receive.  The end-to-end tests (test_messages, test_session) prove the
same rules through real sockets; these pin down the cases a socket test
cannot set up on purpose (a login's snapshot racing a commit, several
protocol versions at once) and prove the cost rules (one shared block, each
form encoded once).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from server.delivery import EVERYONE, Audience, Delivery, Item, Members, deliver

_serial = itertools.count()


@dataclass(eq=False)
class Peer:
    """A logged-in session as delivery sees it (server.session.Session)."""

    account_id: int
    protocol: int = 1
    joining: bool = False
    counted_up_to: int = 0
    name: str = field(default_factory=lambda: f"s{next(_serial)}")

    def __repr__(self) -> str:
        return f"{self.name}(account {self.account_id}, v{self.protocol})"


class Change(Item[Peer]):
    """A committed item whose event in version V is ``b"NAMEvV\\n"``, where it has one."""

    def __init__(self, name: str, position: int, audience: Audience = EVERYONE,
                 reply_to: Peer | None = None, versions: Collection[int] = (1, 2)) -> None:
        super().__init__(position, audience, reply_to)
        self.name = name
        self.versions = versions
        #: how often each version's event was asked for
        self.encoded: dict[int, int] = defaultdict(int)

    def event(self, version: int) -> bytes | None:
        self.encoded[version] += 1
        return f"{self.name}v{version}\n".encode() if version in self.versions else None

    def __repr__(self) -> str:
        return self.name


def online_of(*sessions: Peer) -> dict[int, set[Peer]]:
    online: dict[int, set[Peer]] = defaultdict(set)
    for session in sessions:
        online[session.account_id].add(session)
    return dict(online)


def received(delivery: Delivery[Peer], session: Peer) -> list[str]:
    """What ``session`` is written, as frame names; a reply as ``ok:NAME``."""
    names: list[str] = []
    for piece in delivery.writes.get(session, []):
        if isinstance(piece, Item):
            assert isinstance(piece, Change)
            names.append(f"ok:{piece.name}")
        else:
            names.extend(bytes(piece).decode().splitlines())
    return names


def held(delivery: Delivery[Peer], session: Peer) -> list[tuple[int, str]]:
    return [(position, frame.decode().strip())
            for position, frame in delivery.held.get(session, [])]


# ----------------------------------------------------------------------
# The general room


def test_everyone_gets_the_room_in_order_and_each_sender_its_reply_in_place_of_its_event():
    alice, bob, carol = Peer(1), Peer(2), Peer(3)
    commit = [Change("m1", 10, reply_to=alice), Change("m2", 11, reply_to=bob),
              Change("m3", 12, reply_to=alice)]
    delivery = deliver(commit, online_of(alice, bob, carol))
    assert received(delivery, alice) == ["ok:m1", "m2v1", "ok:m3"]
    assert received(delivery, bob) == ["m1v1", "ok:m2", "m3v1"]
    assert received(delivery, carol) == ["m1v1", "m2v1", "m3v1"]
    assert not delivery.held


def test_sessions_with_nothing_else_in_the_commit_share_one_block_and_senders_get_views_of_it():
    sender, *others = [Peer(n) for n in range(1, 6)]
    commit = [Change("m1", 1), Change("m2", 2, reply_to=sender), Change("m3", 3)]
    delivery = deliver(commit, online_of(sender, *others))
    blocks = [delivery.writes[other] for other in others]
    assert all(len(pieces) == 1 for pieces in blocks)
    assert all(pieces[0] is blocks[0][0] for pieces in blocks)  # one object, one encoding
    # The sender's slices around its reply are views of that same block, not copies.
    before, reply, after = delivery.writes[sender]
    assert isinstance(before, memoryview) and isinstance(after, memoryview)
    assert before.obj is blocks[0][0] and after.obj is blocks[0][0]
    assert reply is commit[1]


def test_the_sender_s_other_sessions_get_the_event():
    laptop, phone, bob = Peer(1), Peer(1), Peer(2)
    delivery = deliver([Change("m1", 5, reply_to=laptop)], online_of(laptop, phone, bob))
    assert received(delivery, laptop) == ["ok:m1"]
    assert received(delivery, phone) == ["m1v1"]
    assert received(delivery, bob) == ["m1v1"]


def test_a_sender_that_is_gone_still_has_its_reply_answered():
    gone, bob = Peer(1), Peer(2)
    delivery = deliver([Change("m1", 5, reply_to=gone)], online_of(bob))
    assert received(delivery, gone) == ["ok:m1"]
    assert received(delivery, bob) == ["m1v1"]


# ----------------------------------------------------------------------
# Audiences other than everyone


def test_a_direct_message_reaches_both_ends_sessions_in_order_among_the_room_s_messages():
    alice, alice2, bob, carol = Peer(1), Peer(1), Peer(2), Peer(3)
    commit = [Change("g1", 1), Change("d2", 2, audience=(1, 2), reply_to=alice),
              Change("g3", 3)]
    delivery = deliver(commit, online_of(alice, alice2, bob, carol))
    assert received(delivery, alice) == ["g1v1", "ok:d2", "g3v1"]
    assert received(delivery, alice2) == ["g1v1", "d2v1", "g3v1"]
    assert received(delivery, bob) == ["g1v1", "d2v1", "g3v1"]
    assert received(delivery, carol) == ["g1v1", "g3v1"]


def test_a_note_to_self_reaches_my_other_sessions_once():
    laptop, phone, bob = Peer(1), Peer(1), Peer(2)
    delivery = deliver([Change("n1", 1, audience=(1,), reply_to=laptop)],
                       online_of(laptop, phone, bob))
    assert received(delivery, laptop) == ["ok:n1"]
    assert received(delivery, phone) == ["n1v1"]
    assert received(delivery, bob) == []


def test_a_set_of_members_is_an_audience_like_any_other():
    # How a room will plug in: its member set, kept by the rooms feature.
    members = {1, 3}
    alice, bob, carol = Peer(1, protocol=2), Peer(2, protocol=2), Peer(3, protocol=2)
    delivery = deliver([Change("r1", 1, audience=members, reply_to=alice)],
                       online_of(alice, bob, carol))
    assert received(delivery, alice) == ["ok:r1"]
    assert received(delivery, bob) == []
    assert received(delivery, carol) == ["r1v2"]


def test_a_room_s_members_share_one_block_like_the_general_room():
    members = Members({1, 2, 3})
    alice, bob, carol, dave = (Peer(n, protocol=2) for n in (1, 2, 3, 4))
    commit = [Change("r1", 1, audience=members), Change("r2", 2, audience=members,
                                                        reply_to=alice),
              Change("r3", 3, audience=members)]
    delivery = deliver(commit, online_of(alice, bob, carol, dave))
    assert received(delivery, alice) == ["r1v2", "ok:r2", "r3v2"]
    assert delivery.writes[bob] == delivery.writes[carol]
    [block] = delivery.writes[bob]
    assert block is delivery.writes[carol][0] and bytes(block) == b"r1v2\nr2v2\nr3v2\n"
    assert received(delivery, dave) == []
    assert all(change.encoded == {2: 1} for change in commit)


def test_a_session_in_the_general_room_and_two_rooms_gets_their_events_merged_in_order():
    lab, team = Members({1, 2}), Members({1, 3})
    alice, bob, carol, dave = Peer(1), Peer(2), Peer(3), Peer(4)
    commit = [Change("lab1", 1, audience=lab), Change("g2", 2),
              Change("team3", 3, audience=team, reply_to=carol), Change("lab4", 4, audience=lab),
              Change("d5", 5, audience=(1, 4))]
    delivery = deliver(commit, online_of(alice, bob, carol, dave))
    assert received(delivery, alice) == ["lab1v1", "g2v1", "team3v1", "lab4v1", "d5v1"]
    assert received(delivery, bob) == ["lab1v1", "g2v1", "lab4v1"]
    assert received(delivery, carol) == ["g2v1", "ok:team3"]
    assert received(delivery, dave) == ["g2v1", "d5v1"]


def test_a_room_s_items_follow_its_members_as_they_were_at_each_item():
    # Bob is removed between two messages: the rooms feature replaced the
    # room's Members, so the later message does not reach him.
    before, after = Members({1, 2}), Members({1})
    alice, bob = Peer(1, protocol=2), Peer(2, protocol=2)
    commit = [Change("r1", 1, audience=before), Change("left", 2, audience=(2,)),
              Change("r2", 2, audience=after, reply_to=alice)]
    delivery = deliver(commit, online_of(alice, bob))
    assert received(delivery, bob) == ["r1v2", "leftv2"]
    assert received(delivery, alice) == ["r1v2", "ok:r2"]


def test_a_commit_of_resent_sends_only_answers_them_in_order():
    alice, bob = Peer(1), Peer(2)
    commit = [Change("old1", 0, audience=(), reply_to=alice),
              Change("old2", 0, audience=(), reply_to=bob),
              Change("old3", 0, audience=(), reply_to=alice)]
    delivery = deliver(commit, online_of(alice, bob))
    assert received(delivery, alice) == ["ok:old1", "ok:old3"]
    assert received(delivery, bob) == ["ok:old2"]
    assert all(not change.encoded for change in commit)


def test_a_resent_send_is_answered_in_its_place_among_new_messages():
    alice, bob = Peer(1), Peer(2)
    commit = [Change("m1", 7), Change("old", 0, audience=(), reply_to=alice), Change("m2", 8)]
    delivery = deliver(commit, online_of(alice, bob))
    assert received(delivery, alice) == ["m1v1", "ok:old", "m2v1"]
    assert received(delivery, bob) == ["m1v1", "m2v1"]


# ----------------------------------------------------------------------
# Protocol versions


def test_each_session_gets_its_own_version_s_form_encoded_once_per_item():
    old1, old2, new1, new2 = Peer(1), Peer(2), Peer(3, protocol=2), Peer(4, protocol=2)
    commit = [Change("m1", 1, reply_to=old1), Change("m2", 2, reply_to=new1), Change("m3", 3)]
    delivery = deliver(commit, online_of(old1, old2, new1, new2))
    assert received(delivery, old1) == ["ok:m1", "m2v1", "m3v1"]
    assert received(delivery, old2) == ["m1v1", "m2v1", "m3v1"]
    assert received(delivery, new1) == ["m1v2", "ok:m2", "m3v2"]
    assert received(delivery, new2) == ["m1v2", "m2v2", "m3v2"]
    assert all(change.encoded == {1: 1, 2: 1} for change in commit)


def test_a_version_nobody_online_speaks_is_never_encoded():
    sessions = [Peer(n) for n in range(1, 4)]
    commit = [Change("m1", 1, reply_to=sessions[0]), Change("d2", 2, audience=(2, 3))]
    deliver(commit, online_of(*sessions))
    assert [dict(change.encoded) for change in commit] == [{1: 1}, {1: 1}]


def test_an_item_without_a_form_in_my_version_is_not_shown_to_me():
    # An edit's ``update`` (version 2 only) among version 1 messages.
    old, new, editor = Peer(1), Peer(2, protocol=2), Peer(3, protocol=2)
    commit = [Change("m1", 1), Change("u2", 2, reply_to=editor, versions=(2,)),
              Change("m3", 3)]
    delivery = deliver(commit, online_of(old, new, editor))
    assert received(delivery, old) == ["m1v1", "m3v1"]
    assert received(delivery, new) == ["m1v2", "u2v2", "m3v2"]
    assert received(delivery, editor) == ["m1v2", "ok:u2", "m3v2"]


# ----------------------------------------------------------------------
# The login race


def test_a_joining_session_is_written_nothing_and_its_events_are_held_with_their_positions():
    alice, joining = Peer(1), Peer(2, joining=True)
    commit = [Change("g1", 41, reply_to=alice), Change("d2", 42, audience=(1, 2), reply_to=alice)]
    delivery = deliver(commit, online_of(alice, joining))
    assert received(delivery, joining) == []
    assert held(delivery, joining) == [(41, "g1v1"), (42, "d2v1")]
    assert received(delivery, alice) == ["ok:g1", "ok:d2"]


def test_a_session_whose_login_counted_part_of_the_commit_gets_only_the_rest():
    # The login's snapshot saw messages up to 42; this commit reached the
    # event loop only after the login's reply.
    alice, counted = Peer(1), Peer(2, counted_up_to=42)
    commit = [Change("g1", 41), Change("d2", 42, audience=(2,)), Change("g3", 43),
              Change("d4", 44, audience=(1, 2), reply_to=alice)]
    delivery = deliver(commit, online_of(alice, counted))
    assert received(delivery, counted) == ["g3v1", "d4v1"]
    assert received(delivery, alice) == ["g1v1", "g3v1", "ok:d4"]


def test_a_login_that_counted_nothing_of_the_commit_gets_all_of_it():
    fresh = Peer(2, counted_up_to=40)
    delivery = deliver([Change("g1", 41), Change("g2", 42)], online_of(Peer(1), fresh))
    assert received(delivery, fresh) == ["g1v1", "g2v1"]


def test_updates_take_their_place_in_the_race_by_change_number_like_messages():
    # Positions are change numbers (seq): the edit of an old message (its id
    # long below 42) committed at change 42 was in the login's snapshot
    # (history shows its new body), the one at change 44 was not.
    editor, counted = Peer(1, protocol=2), Peer(2, protocol=2, counted_up_to=42)
    joining = Peer(3, protocol=2, joining=True)
    commit = [Change("edit7", 42, reply_to=editor, versions=(2,)), Change("m9", 43),
              Change("edit8", 44, reply_to=editor, versions=(2,))]
    delivery = deliver(commit, online_of(editor, counted, joining))
    assert received(delivery, counted) == ["m9v2", "edit8v2"]
    assert received(delivery, editor) == ["ok:edit7", "m9v2", "ok:edit8"]
    # Held with their change numbers: the login releases those past its snapshot.
    assert held(delivery, joining) == [(42, "edit7v2"), (43, "m9v2"), (44, "edit8v2")]


# ----------------------------------------------------------------------
# Everything at once, against the rules written out plainly


def expected_stream(commit: Sequence[Change], session: Peer,
                    online: bool) -> tuple[list[str], list[tuple[int, str]]]:
    """The rules of server/delivery.py, one item at a time, for one session."""
    written: list[str] = []
    kept: list[tuple[int, str]] = []
    for change in commit:
        if change.reply_to is session:
            written.append(f"ok:{change.name}")
            continue
        audience = change.audience
        sees = audience is EVERYONE or (bool(audience) and session.account_id in audience)
        if not (online and sees) or session.protocol not in change.versions:
            continue
        frame = f"{change.name}v{session.protocol}"
        if session.joining:
            kept.append((change.position, frame))
        elif change.position > session.counted_up_to:
            written.append(frame)
    return written, kept


@st.composite
def commits(draw: st.DrawFn) -> tuple[list[Change], list[Peer], dict[int, set[Peer]]]:
    accounts = range(1, 5)
    start = draw(st.integers(1, 50))
    count = draw(st.integers(0, 12))
    # Non-decreasing: a room's change takes the position of the message
    # that follows it (one past the newest when it committed).
    steps = draw(st.lists(st.sampled_from((0, 1, 1)), min_size=count, max_size=count))
    positions = [start + sum(steps[:n]) for n in range(count)]
    sessions = [Peer(draw(st.sampled_from(accounts)), protocol=draw(st.sampled_from((1, 2))),
                     joining=draw(st.booleans()) and draw(st.booleans()),
                     counted_up_to=draw(st.sampled_from((0, start, start + count // 2))))
                for _ in range(draw(st.integers(0, 6)))]
    # A sender may be online or gone (its login may have been late, too).
    senders = sessions + [Peer(1), Peer(2, counted_up_to=start)]
    # Two rooms, each one Members object that its items share.
    rooms = [Members(draw(st.frozensets(st.sampled_from(accounts)))) for _ in range(2)]
    audiences = st.one_of(st.just(EVERYONE), st.just(()),
                          st.frozensets(st.sampled_from(accounts), min_size=1),
                          st.sampled_from(rooms))
    commit = [Change(f"i{number}", position, draw(audiences),
                     draw(st.one_of(st.none(), st.sampled_from(senders))),
                     draw(st.sampled_from(((1,), (2,), (1, 2)))))
              for number, position in enumerate(positions)]
    return commit, senders, online_of(*sessions)


@settings(max_examples=600, deadline=None)
@given(commits())
def test_every_session_gets_exactly_what_the_rules_say_in_order(case):
    commit, sessions, online = case
    delivery = deliver(commit, online)
    for session in sessions:
        is_online = session in online.get(session.account_id, ())
        written, kept = expected_stream(commit, session, is_online)
        assert received(delivery, session) == written, session
        assert held(delivery, session) == kept, session
    for change in commit:
        assert all(count == 1 for count in change.encoded.values())
