"""The session, driven frame by frame against a fake network connection.

A real server cannot be made to leave a ping unanswered, to push a live
message between two pages of a ``sync``, or to present a new certificate
on cue; :class:`FakeConnection` plays the server here, and each test
checks what a user would notice: whether the client reconnects, misses or
doubles a message, or asks before trusting a server.  The end-to-end tests
against the real server (test_reconnect.py, test_tls.py) still prove the
same session with real sockets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PyQt6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from client_gui.client import ChatClient
from client_gui.failures import AuthFailure, FailureReason
from client_gui.session_state import ConnectionState
from client_gui.settings import CertificatePins, Settings
from client_gui.trust import CertificateTrust, ProvisionedServers
from protocol.discovery import FingerprintCheck
from protocol.objects import Message
from protocol.provisioning import TrustEntry
from protocol.tls import PinCheck, PinVerdict

from .fake_connection import FakeConnection

HOST, PORT = "lab-server", 7447
FINGERPRINT = "ab" * 32
OTHER_FINGERPRINT = "cd" * 32
WAIT_MS = 5_000


def message(message_id: int, body: str = "", sender: str = "bob") -> dict[str, Any]:
    # A version 2 server's message, never edited: its change number is its id.
    return {"id": message_id, "from": sender, "to": None, "body": body or f"m{message_id}",
            "ts": "2026-11-22T10:15:00.123Z", "seq": message_id}


class Recorder:
    """Everything the session told the windows, in order."""

    def __init__(self, client: ChatClient) -> None:
        self.arrived: list[tuple[list[int], bool]] = []
        self.failures: list[AuthFailure] = []
        self.unknown_certificates: list[PinCheck] = []
        self.logged_in: list[str] = []
        self.delivered: list[str] = []
        self.countdowns: list[int] = []
        self.history: list[tuple[Any, list[Message], bool]] = []
        client.messages_arrived.connect(
            lambda messages, live: self.arrived.append(([m.id for m in messages], live)))
        client.auth_failed.connect(self.failures.append)
        client.session_ended.connect(self.failures.append)
        client.certificate_unknown.connect(self.unknown_certificates.append)
        client.logged_in.connect(self.logged_in.append)
        client.outbox_delivered.connect(lambda key, _message: self.delivered.append(key))
        client.reconnect_countdown.connect(self.countdowns.append)
        client.history.history_received.connect(
            lambda conversation, messages, more: self.history.append(
                (conversation, messages, more)))


MakeClient = Callable[..., tuple[ChatClient, Recorder]]


@pytest.fixture
def connection() -> FakeConnection:
    return FakeConnection()


@pytest.fixture
def pins(settings: Settings) -> CertificatePins:
    return CertificatePins(settings)


@pytest.fixture
def make_client(qtbot: QtBot, connection: FakeConnection,
                pins: CertificatePins) -> Iterator[MakeClient]:
    made: list[ChatClient] = []

    def make(*, delays: tuple[float, ...] = (600.0,), ping_interval: float = 600.0,
             tls: bool = False, announced: str | None = None,
             provisioned: ProvisionedServers | None = None) -> tuple[ChatClient, Recorder]:
        trust = CertificateTrust(pins, provisioned, lambda host, port: [announced])
        client = ChatClient(connection, trust, delays, tls=tls, ping_interval=ping_interval,
                            hello_timeout=600.0, jitter=lambda: 1.0)
        made.append(client)
        return client, Recorder(client)

    yield make
    for client in made:
        client.log_out()


def logged_in_client(make_client: MakeClient, connection: FakeConnection,
                     **options: Any) -> tuple[ChatClient, Recorder]:
    client, seen = make_client(**options)
    client.log_in(HOST, PORT, "alice", "correct horse")
    connection.log_in()
    assert client.state is ConnectionState.ONLINE
    return client, seen


def reconnect(client: ChatClient, connection: FakeConnection) -> None:
    """The connection breaks; the user presses "Reconnect now"; it logs in."""
    connection.break_()
    assert client.state is ConnectionState.WAITING
    client.reconnect_now()
    connection.log_in()
    assert client.state is ConnectionState.ONLINE


# --------------------------------------------------------------------------
# Logging in


def test_the_login_waits_for_hello_and_takes_the_name_as_the_account_spells_it(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = make_client()
    client.log_in(HOST, PORT, "ALICE", "correct horse")
    assert [(o.host, o.port, o.tls) for o in connection.opens] == [(HOST, PORT, False)]
    assert client.state is ConnectionState.CONNECTING
    connection.opened.emit(1)
    assert connection.sent == []  # nothing before the server said hello
    connection.push({"type": "hello", "protocol": 1, "server": "besedka/0.1.0"})
    login = connection.last("login")
    assert (login["username"], login["password"]) == ("ALICE", "correct horse")
    connection.reply(login, user={"username": "alice"}, general_unread=2)
    assert seen.logged_in == ["alice"] and client.username == "alice"
    assert client.state is ConnectionState.ONLINE


def test_a_greeting_that_is_not_besedka_ends_the_attempt_with_a_reason(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = make_client()
    client.log_in(HOST, PORT, "alice", "correct horse")
    connection.accept({"type": "hello", "protocol": "one", "server": "x"})
    assert [f.reason for f in seen.failures] == [FailureReason.NOT_BESEDKA]
    assert client.state is ConnectionState.OFFLINE
    assert connection.requests("login", 1) == []


def test_a_refused_login_says_why_and_forgets_the_attempt(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = make_client()
    client.log_in(HOST, PORT, "alice", "wrong password")
    connection.accept()
    connection.refuse(connection.last("login"), "invalid_credentials")
    [failure] = seen.failures
    assert (failure.reason, failure.code) == (FailureReason.SERVER, "invalid_credentials")
    assert client.state is ConnectionState.OFFLINE
    assert 1 in connection.closes


# --------------------------------------------------------------------------
# Keeping the connection alive


def test_an_unanswered_ping_drops_the_connection_and_the_session_logs_in_again(
        qtbot: QtBot, make_client: MakeClient, connection: FakeConnection) -> None:
    client, _ = logged_in_client(make_client, connection, ping_interval=0.05, delays=(0.05,))
    qtbot.waitUntil(lambda: connection.requests("ping", 1) != [], timeout=WAIT_MS)
    # The server never answers: a whole interval later the connection is dead.
    qtbot.waitUntil(lambda: client.state is not ConnectionState.ONLINE, timeout=WAIT_MS)
    assert 1 in connection.closes
    qtbot.waitUntil(lambda: connection.serial == 2, timeout=WAIT_MS)
    connection.log_in()
    assert client.state is ConnectionState.ONLINE
    assert len(connection.requests("login", 2)) == 1


def test_answered_pings_keep_the_connection(
        qtbot: QtBot, make_client: MakeClient, connection: FakeConnection) -> None:
    client, _ = logged_in_client(make_client, connection, ping_interval=0.05)
    answered: list[dict[str, Any]] = []

    def answer_pings() -> bool:
        for ping in connection.requests("ping", 1):
            if ping not in answered:
                answered.append(ping)
                connection.reply(ping)
        return len(answered) >= 4

    qtbot.waitUntil(answer_pings, timeout=WAIT_MS)
    assert client.state is ConnectionState.ONLINE
    assert connection.serial == 1 and connection.closes == []


# --------------------------------------------------------------------------
# Catching up


def test_a_live_message_during_a_multi_page_sync_does_not_make_the_next_sync_skip(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = logged_in_client(make_client, connection)
    connection.push({"type": "message", "message": message(10)})

    reconnect(client, connection)
    first_page = connection.last("sync")
    assert first_page["after_seq"] == 10
    # Someone writes while the sync runs: the live event overtakes the pages.
    connection.push({"type": "message", "message": message(500)})
    connection.reply(first_page, messages=[message(11), message(12)], has_more=True)
    assert connection.last("sync")["after_seq"] == 12
    # The connection breaks before the second page: 13..499 were never seen.
    reconnect(client, connection)
    second_try = connection.last("sync")
    assert second_try["after_seq"] == 12

    connection.push({"type": "message", "message": message(700)})
    connection.reply(second_try, messages=[message(13), message(500)], has_more=False)
    # This sync completed, so the live message it met counts now.
    reconnect(client, connection)
    assert connection.last("sync")["after_seq"] == 700
    assert seen.arrived == [([10], True), ([500], True), ([11, 12], False), ([700], True),
                            ([13, 500], False)]


def test_a_session_that_has_seen_nothing_does_not_sync(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, _ = logged_in_client(make_client, connection)
    reconnect(client, connection)
    assert connection.requests("sync") == []


# --------------------------------------------------------------------------
# The outbox


def test_the_outbox_goes_again_after_a_reconnect_once_each_in_order_before_the_sync(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = logged_in_client(make_client, connection)
    connection.push({"type": "message", "message": message(3)})
    first = client.send_message(None, "first")
    assert [s["key"] for s in connection.requests("send", 1)] == [first.key]
    connection.break_()  # the acknowledgement is lost with the connection
    second = client.send_message("bob", "second")
    assert connection.requests("send", 1) == [connection.requests("send", 1)[0]]

    client.reconnect_now()
    connection.log_in()
    sent = [frame for serial, frame in connection.sent if serial == 2]
    assert [(f["type"], f.get("key")) for f in sent] == [
        ("login", None), ("send", first.key), ("send", second.key), ("sync", None)]
    assert [(f["to"], f["body"]) for f in sent if f["type"] == "send"] == [
        (None, "first"), ("bob", "second")]
    for number, frame in enumerate(connection.requests("send"), start=4):
        connection.reply(frame, message={**message(number, frame["body"], "alice"),
                                         "to": frame["to"]})
    assert seen.delivered == [first.key, second.key] and client.outbox == []

    reconnect(client, connection)
    assert connection.requests("send") == []


def test_messages_typed_before_the_first_is_acknowledged_are_each_sent_once(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = logged_in_client(make_client, connection)
    items = [client.send_message(None, body) for body in ("one", "two", "three")]
    assert [s["key"] for s in connection.requests("send")] == [i.key for i in items]
    for number, frame in enumerate(connection.requests("send"), start=1):
        connection.reply(frame, message=message(number, frame["body"], "alice"))
    assert seen.delivered == [i.key for i in items]


def test_a_rate_limited_message_goes_again_after_the_wait_and_once_after_a_reconnect(
        qtbot: QtBot, make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = logged_in_client(make_client, connection)
    item = client.send_message(None, "hello")
    connection.refuse(connection.last("send"), "rate_limited", retry_after=0.05)
    qtbot.waitUntil(lambda: len(connection.requests("send", 1)) == 2, timeout=WAIT_MS)
    assert connection.last("send")["key"] == item.key

    # Refused again; the connection breaks before the wait is over.
    connection.refuse(connection.last("send"), "rate_limited", retry_after=0.2)
    reconnect(client, connection)
    assert len(connection.requests("send", 2)) == 1
    later: list[bool] = []
    QTimer.singleShot(400, lambda: later.append(True))  # fires after the 0.2 s retry
    qtbot.waitUntil(lambda: later == [True], timeout=WAIT_MS)
    assert len(connection.requests("send", 2)) == 1
    connection.reply(connection.last("send"), message={**message(9, "hello", "alice")})
    assert seen.delivered == [item.key]


def test_a_message_the_server_refuses_stays_failed_and_is_not_sent_again(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, _ = logged_in_client(make_client, connection)
    failed: list[Any] = []
    client.outbox_failed.connect(failed.append)
    item = client.send_message("nobody", "hello?")
    connection.refuse(connection.last("send"), "unknown_user")
    assert failed == [item] and item.error == "unknown_user"
    reconnect(client, connection)
    assert connection.requests("send") == []
    client.discard_failed(item.key)
    assert client.outbox == []


# --------------------------------------------------------------------------
# Backoff


def test_each_failed_attempt_waits_longer_until_the_last_delay_and_a_login_starts_over(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = logged_in_client(make_client, connection, delays=(10.0, 20.0, 40.0))
    connection.break_()
    for _ in range(3):
        client.reconnect_now()
        connection.failed.emit(connection.serial, "connection refused")
        assert client.state is ConnectionState.WAITING
    assert seen.countdowns == [10, 20, 40, 40]
    client.reconnect_now()
    connection.log_in()
    connection.break_()
    assert seen.countdowns[-1] == 10
    assert seen.failures == []  # an established session keeps trying


def test_rate_limited_relogin_waits_at_least_as_long_as_the_server_asks(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = logged_in_client(make_client, connection, delays=(1.0,))
    connection.break_()
    client.reconnect_now()
    connection.accept()
    connection.refuse(connection.last("login"), "rate_limited", retry_after=90)
    assert client.state is ConnectionState.WAITING
    assert seen.countdowns[-1] == 90 and client.seconds_until_reconnect() >= 89


# --------------------------------------------------------------------------
# Trusting certificates


def first_use(fingerprint: str = FINGERPRINT) -> PinCheck:
    return PinCheck(PinVerdict.FIRST_USE, fingerprint, None)


def test_a_new_certificate_pauses_the_login_until_the_user_answers_and_cancel_ends_it(
        make_client: MakeClient, connection: FakeConnection, pins: CertificatePins) -> None:
    client, seen = make_client(tls=True)
    client.log_in(HOST, PORT, "alice", "correct horse")
    assert connection.opens[0].pinned is None
    connection.untrusted(first_use())
    assert seen.unknown_certificates == [first_use()]
    assert client.state is ConnectionState.CONNECTING and seen.failures == []
    assert connection.sent == []  # no password went anywhere

    client.cancel()
    assert client.state is ConnectionState.OFFLINE
    client.trust_certificate(FINGERPRINT)  # a late answer changes nothing
    assert pins.get(HOST, PORT) is None and connection.serial == 1


def test_trusting_a_new_certificate_pins_it_and_connects_with_the_pin(
        make_client: MakeClient, connection: FakeConnection, pins: CertificatePins) -> None:
    client, seen = make_client(tls=True)
    client.log_in(HOST, PORT, "alice", "correct horse")
    connection.untrusted(first_use())
    client.trust_certificate(FINGERPRINT)
    assert pins.get(HOST, PORT) == FINGERPRINT
    assert connection.opens[-1].pinned == FINGERPRINT and connection.serial == 2
    connection.log_in()
    assert seen.logged_in == ["alice"]


@pytest.mark.parametrize(("announced", "remark"), [
    (FINGERPRINT.upper(), FingerprintCheck.MATCH),
    (OTHER_FINGERPRINT, FingerprintCheck.MISMATCH),
    (None, FingerprintCheck.NOT_ANNOUNCED),
])
def test_a_new_certificate_is_asked_about_whatever_was_announced(
        make_client: MakeClient, connection: FakeConnection, pins: CertificatePins,
        announced: str | None, remark: FingerprintCheck) -> None:
    # Issue 13: anyone on the LAN can announce anything, so an announcement
    # that matches trusts nothing, and one that does not refuses nothing:
    # the user decides, told what the announcement says.
    client, seen = make_client(tls=True, announced=announced)
    client.log_in(HOST, PORT, "alice", "correct horse")
    connection.untrusted(first_use())
    assert seen.unknown_certificates == [first_use()] and seen.failures == []
    assert pins.get(HOST, PORT) is None and connection.sent == []
    assert client.trust.announcement(HOST, PORT, FINGERPRINT) is remark


def test_a_certificate_the_administrator_trusts_needs_no_question(
        make_client: MakeClient, connection: FakeConnection, pins: CertificatePins) -> None:
    provisioned = ProvisionedServers([TrustEntry(HOST.upper(), PORT, FINGERPRINT)])
    client, seen = make_client(tls=True, provisioned=provisioned)
    client.log_in(HOST, PORT, "alice", "correct horse")
    assert connection.opens[0].pinned == FINGERPRINT
    connection.log_in()
    assert seen.logged_in == ["alice"] and seen.unknown_certificates == []
    assert pins.get(HOST, PORT) is None  # the user's own pins are untouched


def test_the_administrators_fingerprint_wins_over_the_users_and_cannot_be_forgotten(
        make_client: MakeClient, connection: FakeConnection, pins: CertificatePins) -> None:
    pins.pin(HOST, PORT, OTHER_FINGERPRINT)
    provisioned = ProvisionedServers([TrustEntry(HOST, PORT, FINGERPRINT)])
    client, seen = make_client(tls=True, provisioned=provisioned)
    client.log_in(HOST, PORT, "alice", "correct horse")
    assert connection.opens[0].pinned == FINGERPRINT
    connection.untrusted(PinCheck(PinVerdict.CHANGED, OTHER_FINGERPRINT, FINGERPRINT))
    assert [f.reason for f in seen.failures] == [FailureReason.CERTIFICATE_NOT_PROVISIONED]
    assert connection.sent == []
    client.trust.forget(HOST, PORT)
    assert client.trust.pinned(HOST, PORT) == FINGERPRINT


def test_a_changed_certificate_is_refused_even_when_it_was_announced(
        make_client: MakeClient, connection: FakeConnection, pins: CertificatePins) -> None:
    pins.pin(HOST, PORT, FINGERPRINT)
    client, seen = make_client(tls=True, announced=OTHER_FINGERPRINT)
    client.log_in(HOST, PORT, "alice", "correct horse")
    assert connection.opens[0].pinned == FINGERPRINT
    connection.untrusted(PinCheck(PinVerdict.CHANGED, OTHER_FINGERPRINT, FINGERPRINT))
    assert [f.reason for f in seen.failures] == [FailureReason.CERTIFICATE_CHANGED]
    assert pins.get(HOST, PORT) == FINGERPRINT


# --------------------------------------------------------------------------
# Remembered sessions

HELLO_V2 = {"type": "hello", "protocol": 2, "server": "besedka/test",
            "features": ["sessions", "status"]}


def test_keep_me_logged_in_asks_for_one_token_and_re_logins_use_the_password(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = make_client()
    tokens: list[str] = []
    client.session_remembered.connect(tokens.append)
    client.log_in(HOST, PORT, "alice", "correct horse", remember=True)
    connection.accept(HELLO_V2)
    login = connection.last("login")
    assert (login["remember"], login["protocol"]) == (True, 2)
    assert login["client"].startswith("Besedka ") and len(login["client"]) <= 100
    connection.reply(login, user={"username": "alice"}, general_unread=0, token="T" * 43)
    assert tokens == ["T" * 43] and seen.logged_in == ["alice"]
    connection.break_()
    client.reconnect_now()
    connection.accept(HELLO_V2)
    again = connection.last("login")
    assert "remember" not in again and again["password"] == "correct horse"


def test_a_server_that_keeps_no_sessions_is_asked_for_no_token(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, _ = make_client()
    client.log_in(HOST, PORT, "alice", "correct horse", remember=True)
    connection.accept()  # version 2, no features
    assert "remember" not in connection.last("login")


def test_a_resume_sends_the_token_only_under_the_certificate_it_was_issued_under(
        make_client: MakeClient, connection: FakeConnection, pins: CertificatePins) -> None:
    pins.pin(HOST, PORT, OTHER_FINGERPRINT)  # whatever the user trusts now
    client, seen = make_client(tls=True)
    client.resume(HOST, PORT, "alice", "the token", FINGERPRINT)
    assert connection.opens[0].pinned == FINGERPRINT
    assert connection.sent == []
    connection.accept(HELLO_V2)
    resume = connection.last("resume")
    assert (resume["token"], resume["protocol"]) == ("the token", 2)
    assert "password" not in resume
    connection.reply(resume, user={"username": "Alice"}, general_unread=1)
    assert seen.logged_in == ["Alice"]
    # After a lost connection it resumes again: there is no password.
    connection.break_()
    client.reconnect_now()
    assert connection.opens[-1].pinned == FINGERPRINT
    connection.accept(HELLO_V2)
    assert connection.last("resume")["token"] == "the token"


def test_a_resume_meeting_a_certificate_never_trusted_asks_nothing_and_sends_nothing(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = make_client(tls=True)
    client.resume(HOST, PORT, "alice", "the token", None)
    connection.untrusted(first_use())
    assert seen.unknown_certificates == [] and connection.sent == []
    assert [f.reason for f in seen.failures] == [FailureReason.CERTIFICATE_CHANGED]
    assert client.state is ConnectionState.OFFLINE


def test_a_refused_token_ends_even_an_established_session(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = make_client()
    client.resume(HOST, PORT, "alice", "the token", None)
    connection.accept(HELLO_V2)
    connection.reply(connection.last("resume"), user={"username": "alice"}, general_unread=0)
    connection.break_()
    client.reconnect_now()
    connection.accept(HELLO_V2)
    connection.refuse(connection.last("resume"), "invalid_token")
    [failure] = seen.failures
    assert (failure.reason, failure.code) == (FailureReason.SERVER, "invalid_token")
    assert client.state is ConnectionState.OFFLINE


def test_log_out_with_forget_closes_the_connection_only_once_the_server_answered(
        make_client: MakeClient, connection: FakeConnection) -> None:
    # Closed at once, the connection could lose the logout unread, and the
    # server would keep the session: the close names the logout as its
    # farewell, whose answer the network thread waits for before closing.
    client, _ = logged_in_client(make_client, connection)
    serial = connection.serial
    client.log_out(forget=True)
    logout = connection.last("logout")
    assert logout["forget"] is True
    assert client.state is ConnectionState.OFFLINE
    assert connection.closes[-1] == serial and connection.farewells[-1] == logout["id"]


# --------------------------------------------------------------------------
# What a newer or a faulty server sends


def test_events_of_a_newer_server_are_ignored_and_the_session_goes_on(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = logged_in_client(make_client, connection)
    connection.push({"type": "typing", "from": "bob", "active": True},
                    {"type": "message", "message": {**message(5), "seq": 9, "room": None}})
    assert client.state is ConnectionState.ONLINE
    assert seen.arrived == [([5], True)]


def test_a_malformed_reply_still_answers_the_request_and_a_malformed_event_is_skipped(
        make_client: MakeClient, connection: FakeConnection) -> None:
    client, seen = logged_in_client(make_client, connection)
    client.history.request_page("bob", None, 50)
    connection.reply(connection.last("history"), messages=[{"id": "five"}], has_more=False)
    assert seen.history == [("bob", [], False)]  # the view stops waiting
    connection.push({"type": "message", "message": {"id": 6}},
                    {"type": "message", "message": message(7)})
    assert seen.arrived == [([7], True)]
    assert client.state is ConnectionState.ONLINE
