"""The session's small parts, each on its own: state machine, backoff,
outbox, catch-up.  What they decide is what the user sees after a lost
connection (test_session.py drives them together)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from client_gui.backoff import JITTER, Backoff, uniform_jitter
from client_gui.catchup import CatchUp
from client_gui.outbox import Outbox, OutboxState
from client_gui.session_state import TRANSITIONS, ConnectionState, Phase, SessionMachine
from protocol.errors import ErrorCode

# --------------------------------------------------------------------------
# The state machine


def test_a_session_walks_from_offline_to_online_and_back_showing_four_states(
        qtbot: QtBot) -> None:
    machine = SessionMachine()
    shown: list[ConnectionState] = []
    machine.state_changed.connect(shown.append)
    for phase in (Phase.CONNECTING, Phase.GREETING, Phase.AUTHENTICATING, Phase.ONLINE,
                  Phase.WAITING, Phase.CONNECTING, Phase.TRUST_PAUSE, Phase.CONNECTING):
        machine.move_to(phase)
    assert machine.established
    machine.end()
    assert not machine.established and machine.phase is Phase.OFFLINE
    assert shown == [ConnectionState.CONNECTING, ConnectionState.ONLINE,
                     ConnectionState.WAITING, ConnectionState.CONNECTING,
                     ConnectionState.OFFLINE]


@pytest.mark.parametrize("start", list(Phase))
def test_a_move_the_table_does_not_list_is_refused(start: Phase) -> None:
    for target in set(Phase) - TRANSITIONS[start]:
        machine = SessionMachine()
        machine._phase = start  # noqa: SLF001 - placing it, not walking there
        with pytest.raises(RuntimeError):
            machine.move_to(target)
        assert machine.phase is start


def test_only_an_established_session_waits_to_reconnect() -> None:
    machine = SessionMachine()
    machine.move_to(Phase.CONNECTING)
    with pytest.raises(RuntimeError):
        machine.move_to(Phase.WAITING)  # a first login that fails just fails


# --------------------------------------------------------------------------
# Backoff


def test_delays_grow_to_the_last_one_which_repeats_and_reset_starts_over(
        qtbot: QtBot) -> None:
    backoff = Backoff((1.0, 2.0, 4.0), jitter=lambda: 1.0)
    assert [backoff.schedule() for _ in range(5)] == [1.0, 2.0, 4.0, 4.0, 4.0]
    backoff.reset()
    assert backoff.schedule() == 1.0
    backoff.stop()


def test_jitter_scales_each_delay_and_retry_after_is_a_floor(qtbot: QtBot) -> None:
    backoff = Backoff((10.0, 20.0), jitter=lambda: 0.8)
    assert backoff.schedule() == 8.0
    assert backoff.schedule(at_least=30.0) == 30.0
    backoff.stop()
    factors = {uniform_jitter() for _ in range(200)}
    assert all(JITTER[0] <= factor <= JITTER[1] for factor in factors) and len(factors) > 1


def test_the_countdown_starts_at_the_delay_and_firing_now_skips_the_wait(
        qtbot: QtBot) -> None:
    backoff = Backoff((30.0,), jitter=lambda: 1.0)
    countdowns: list[int] = []
    backoff.countdown.connect(countdowns.append)
    backoff.schedule()
    assert countdowns == [30] and backoff.seconds_left() == 30
    with qtbot.waitSignal(backoff.due, timeout=1000):
        backoff.fire_now()


# --------------------------------------------------------------------------
# The outbox


def test_the_outbox_keeps_typing_order_and_hands_each_message_out_once_per_connection(
) -> None:
    outbox = Outbox()
    first, second = outbox.add(None, "one"), outbox.add("Bob", "two")
    assert (first.conversation, second.conversation) == (None, "bob")
    assert first.key != second.key
    assert outbox.take_unsent() == [first, second]
    third = outbox.add(None, "three")
    assert outbox.take_unsent() == [third]
    outbox.connection_lost()
    assert outbox.take_unsent() == [first, second, third]


def test_delivered_refused_and_sent_again_messages() -> None:
    outbox = Outbox()
    delivered, refused, limited = (outbox.add(None, body) for body in ("a", "b", "c"))
    outbox.take_unsent()
    assert outbox.delivered(delivered.key) is delivered
    assert outbox.delivered(delivered.key) is None  # a second ok changes nothing
    assert outbox.refused(refused.key, ErrorCode.UNKNOWN_USER) is refused
    assert refused.state is OutboxState.FAILED
    assert outbox.send_again(limited.key) and not outbox.send_again(refused.key)
    assert outbox.take_unsent() == [limited]
    outbox.connection_lost()
    assert outbox.take_unsent() == [limited]  # the refused one never goes again
    outbox.discard_failed(refused.key)
    outbox.discard_failed(limited.key)  # pending: not discarded
    assert list(outbox) == [limited] and len(outbox) == 1


# --------------------------------------------------------------------------
# Catching up


def test_outside_a_sync_every_message_seen_moves_the_resume_point_forward_only() -> None:
    catch_up = CatchUp()
    assert catch_up.start() is None  # nothing seen: nothing to resume from
    catch_up.live(7)
    catch_up.seen(5)
    assert catch_up.resume_after == 7


def test_during_a_sync_only_pages_move_it_until_the_last_page() -> None:
    catch_up = CatchUp()
    catch_up.live(10)
    assert catch_up.start() == 10
    catch_up.live(500)
    catch_up.seen(400)  # our own message acknowledged meanwhile
    assert catch_up.page(20, has_more=True) == 20
    assert catch_up.resume_after == 20
    assert catch_up.page(30, has_more=False) is None
    assert catch_up.resume_after == 500 and not catch_up.syncing


def test_a_sync_cut_short_keeps_its_pages_and_forgets_its_live_messages() -> None:
    catch_up = CatchUp()
    catch_up.live(10)
    catch_up.start()
    catch_up.live(500)
    catch_up.page(20, has_more=True)
    catch_up.stop()
    assert catch_up.resume_after == 20 and catch_up.start() == 20
    assert catch_up.page(None, has_more=False) is None  # nothing new after all
    assert catch_up.resume_after == 20
    catch_up.reset()
    assert catch_up.resume_after is None
