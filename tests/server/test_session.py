"""Connection lifecycle and accounts (PROTOCOL.md: "Connection lifecycle",
"Rules" for usernames and passwords, the session requests).

Proves: ``hello``; ``register``/``login``/``logout`` and their ``ok`` payload
immediately followed by the ``users`` roster, also while messages are being
sent; what is allowed before and after login; login ignoring case and
Unicode (Cyrillic, NFC) names; every username and password rule;
passwords beyond bcrypt's 72 bytes; ``change_password``; the ``users``
request; several connections of one account each getting every event.
"""

from __future__ import annotations

import asyncio
import unicodedata

import pytest

from protocol.features import Feature
from protocol.version import BESEDKA_VERSION
from tests.wire import PASSWORD

from .helpers import Client, Clients, run, unique_name

# SQLite only: what differs by database here (accounts, pages, markers) is
# proved on both by tests/db (test_queries, test_history_pages), and the
# server's side of it is the same code on either.

KNOWN_TYPES = ["register", "login", "logout", "ping", "users", "send", "history", "sync",
               "mark_read", "change_password"]


def test_hello_is_the_first_frame_and_names_protocol_2_its_features_and_the_server(
        shared_server):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect(hello=False)
        hello = await client.next_frame()
        # PROTOCOL-2.md: hello says 2 to every connection (a version 1
        # client accepts any version of 1 or more) and lists the features.
        assert hello == {"type": "hello", "protocol": 2, "server": f"besedka/{BESEDKA_VERSION}",
                         "features": hello["features"]}
        assert set(hello["features"]) <= set(Feature)
        assert len(set(hello["features"])) == len(hello["features"])

    run(scenario, shared_server.address)


def test_register_replies_ok_with_user_and_zero_unread_then_the_roster(shared_server):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        name = unique_name("Reg")
        await client.send_frame({"type": "register", "id": "r1", "username": name,
                                 "password": PASSWORD})
        assert await client.next_frame() == {
            "type": "ok", "re": "r1", "user": {"username": name}, "general_unread": 0}
        roster = await client.next_frame()
        assert roster["type"] == "users" and "re" not in roster
        assert {"username": name, "online": True, "unread": 0} in roster["users"]

    run(scenario, shared_server.address)


def test_login_replies_ok_with_general_unread_then_the_roster(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        await alice.request("logout")
        bob = await clients.register("bob")
        for n in range(3):
            await bob.send(f"general {n}")
        await bob.send("to alice", to="alice")
        client = await clients.connect()
        await client.send_frame({"type": "login", "id": 7, "username": "alice",
                                 "password": PASSWORD})
        assert await client.next_frame() == {
            "type": "ok", "re": 7, "user": {"username": "alice"}, "general_unread": 3}
        assert await client.next_frame() == {"type": "users", "users": [
            {"username": "alice", "online": True, "unread": 0},
            {"username": "bob", "online": True, "unread": 1},
        ]}

    run(scenario, server.address)


def test_roster_follows_the_login_reply_and_events_neither_overlap_nor_miss(server):
    """Messages stored while a login reads its snapshot: each one is either
    counted in ``general_unread`` or arrives as an event after the roster,
    never both and never neither."""

    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        await alice.request("logout")
        bobs = [await clients.register("bob")] + [await clients.login("bob") for _ in range(9)]
        per_sender = 80
        # Pipelined on ten connections, so that commits come in batches, while
        # alice logs in and out.
        for n in range(per_sender):
            for bob in bobs:
                await bob.send_frame({"type": "send", "id": n, "to": None, "body": f"m{n}"})
        for cycle in range(15):
            await alice.send_frame({"type": "login", "id": f"in{cycle}", "username": "alice",
                                    "password": PASSWORD})
            # The first frames: the reply, then the roster, nothing between.
            ok = await alice.next_frame()
            assert ok["type"] == "ok" and ok["re"] == f"in{cycle}", ok
            assert (await alice.next_frame())["type"] == "users"
            # alice never marks anything read: everything up to the login's
            # snapshot is unread, everything after it comes as an event.
            unread = ok["general_unread"]
            await alice.send_frame({"type": "logout", "id": f"out{cycle}"})
            received = []
            while (frame := await alice.next_frame())["type"] == "message":
                received.append(frame["message"]["id"])
            assert frame == {"type": "ok", "re": f"out{cycle}"}
            assert received == list(range(unread + 1, unread + 1 + len(received)))
        for bob in bobs:
            for n in range(per_sender):
                assert (await bob.reply_to(n))["type"] == "ok"

    run(scenario, server.address)


def test_login_ignores_case_and_every_frame_uses_the_registered_spelling(shared_server):
    async def scenario(clients: Clients) -> None:
        name = unique_name("MiXeD")
        await clients.register(name)
        client = await clients.connect()
        reply = await client.request("login", username=name.swapcase(), password=PASSWORD)
        assert reply["type"] == "ok" and reply["user"] == {"username": name}
        roster = await client.next_event("users")
        assert {"username": name, "online": True, "unread": 0} in roster["users"]
        other = await clients.register()
        message = await other.send("hello", to=name.lower())
        assert message["to"] == name
        assert (await client.next_event("message"))["message"]["to"] == name

    run(scenario, shared_server.address)


def test_a_name_differing_only_in_case_is_taken(shared_server):
    async def scenario(clients: Clients) -> None:
        name = unique_name("Case")
        await clients.register(name)
        client = await clients.connect()
        reply = await client.request("register", username=name.upper(), password=PASSWORD)
        assert reply["type"] == "error" and reply["code"] == "username_taken"

    run(scenario, shared_server.address)


def test_cyrillic_usernames_register_log_in_ignoring_case_and_chat(shared_server):
    async def scenario(clients: Clients) -> None:
        suffix = unique_name("")
        name = f"Дмитрий{suffix}"
        dmitry = await clients.register(name)
        assert dmitry.roster and {"username": name, "online": True, "unread": 0} in dmitry.roster
        again = await clients.connect()
        reply = await again.request("login", username=f"дМИТРИЙ{suffix}", password=PASSWORD)
        assert reply["type"] == "ok" and reply["user"] == {"username": name}
        taken = await clients.connect()
        reply = await taken.request("register", username=f"ДМИТРИЙ{suffix}", password=PASSWORD)
        assert reply["code"] == "username_taken"
        olga = await clients.register(f"Ольга{suffix}")
        sent = await olga.send("Привет!", to=f"дмитрий{suffix}")
        assert sent["to"] == name and sent["body"] == "Привет!"
        assert (await dmitry.next_event("message"))["message"] == sent

    run(scenario, shared_server.address)


def test_usernames_are_stored_in_nfc_and_nfd_spellings_are_the_same_account(shared_server):
    async def scenario(clients: Clients) -> None:
        suffix = unique_name("")
        nfd = unicodedata.normalize("NFD", f"José{suffix}")
        nfc = unicodedata.normalize("NFC", nfd)
        assert nfd != nfc
        client = await clients.connect()
        reply = await client.request("register", username=nfd, password=PASSWORD)
        assert reply["type"] == "ok" and reply["user"] == {"username": nfc}
        login = await clients.connect()
        reply = await login.request("login", username=nfc.upper(), password=PASSWORD)
        assert reply["type"] == "ok" and reply["user"] == {"username": nfc}
        taken = await clients.connect()
        reply = await taken.request("register", username=nfc, password=PASSWORD)
        assert reply["code"] == "username_taken"

    run(scenario, shared_server.address)


@pytest.mark.parametrize("name", [
    "ab",                        # too short
    "a" * 33,                    # too long
    "e\u0301e",                  # 3 code points, but 2 characters after NFC
    "",
    "al ice",                    # space
    "al!ce",
    "al@ce",
    "ali\tce",
    "ali\u200bce",               # zero-width space (Cf)
    "ab😀",                      # emoji (So)
    "ab²",                       # superscript two is a digit, but not Nd
    "al/ce",
    "alice\u0000",
])
def test_names_breaking_the_rules_get_invalid_username(shared_server, name):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        reply = await client.request("register", username=name, password=PASSWORD)
        assert reply["type"] == "error" and reply["code"] == "invalid_username", reply
        assert isinstance(reply["message"], str) and reply["message"]

    run(scenario, shared_server.address)


@pytest.mark.parametrize("stem", [
    "abc",                      # 3 characters, the minimum
    "a_b-c.d",                  # the three punctuation marks
    "नमस्ते",                    # Devanagari letters and combining marks (Mn, Mc)
    "李小龍",                    # Han
    "user٣",                    # ARABIC-INDIC DIGIT THREE is Nd
    "Ωμέγα",
])
def test_names_within_the_rules_are_accepted(shared_server, stem):
    async def scenario(clients: Clients) -> None:
        name = f"{stem}{unique_name('')}"
        client = await clients.connect()
        reply = await client.request("register", username=name, password=PASSWORD)
        assert reply["type"] == "ok" and reply["user"] == {"username": name}, reply

    run(scenario, shared_server.address)


def test_a_name_of_32_characters_is_accepted_and_33_code_points_that_compose_to_32_too(
        shared_server):
    async def scenario(clients: Clients) -> None:
        stem = unique_name("x")
        longest = stem + "a" * (32 - len(stem))
        client = await clients.connect()
        reply = await client.request("register", username=longest, password=PASSWORD)
        assert reply["type"] == "ok", reply
        # "e" + COMBINING ACUTE ACCENT is one character after NFC.
        composing = stem + "b" * (31 - len(stem)) + "e\u0301"
        assert len(composing) == 33
        client = await clients.connect()
        reply = await client.request("register", username=composing, password=PASSWORD)
        assert reply["type"] == "ok", reply
        assert reply["user"]["username"] == unicodedata.normalize("NFC", composing)

    run(scenario, shared_server.address)


@pytest.mark.parametrize("password", [
    "short12",               # 7 characters
    "",
    "😀" * 7,                 # 28 bytes, but 7 characters
    "p" * 1025,
])
def test_passwords_breaking_the_rules_get_weak_password(shared_server, password):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        name = unique_name()
        reply = await client.request("register", username=name, password=password)
        assert reply["type"] == "error" and reply["code"] == "weak_password", reply
        # Nothing was created: the name is still free.
        reply = await client.request("register", username=name, password=PASSWORD)
        assert reply["type"] == "ok"

    run(scenario, shared_server.address)


@pytest.mark.parametrize("password", [
    "exactly8",
    "жжжжжжжж",               # 8 characters, 16 bytes
    "😀" * 1024,              # 1024 characters, 4096 bytes
    "p" * 1024,
    "pass\u0000word",        # any Unicode, NUL included
    " " * 8,
])
def test_passwords_within_the_rules_register_and_log_in(shared_server, password):
    async def scenario(clients: Clients) -> None:
        name = unique_name()
        await clients.register(name, password=password)
        client = await clients.connect()
        reply = await client.request("login", username=name, password=password)
        assert reply["type"] == "ok", reply

    run(scenario, shared_server.address)


def test_passwords_sharing_their_first_72_bytes_stay_distinct(shared_server):
    async def scenario(clients: Clients) -> None:
        name = unique_name()
        common = "ж" * 36  # 72 bytes of UTF-8
        await clients.register(name, password=common + "first")
        client = await clients.connect()
        reply = await client.request("login", username=name, password=common + "second")
        assert reply["code"] == "invalid_credentials"
        reply = await client.request("login", username=name, password=common)
        assert reply["code"] == "invalid_credentials"
        reply = await client.request("login", username=name, password=common + "first")
        assert reply["type"] == "ok"

    run(scenario, shared_server.address)


def test_wrong_password_and_unknown_user_get_the_same_invalid_credentials(shared_server):
    async def scenario(clients: Clients) -> None:
        name = unique_name()
        await clients.register(name)
        client = await clients.connect()
        wrong = await client.request("login", username=name, password="not the password")
        unknown = await client.request("login", username=unique_name("ghost"), password=PASSWORD)
        malformed = await client.request("login", username="!", password=PASSWORD)
        for reply in (wrong, unknown, malformed):
            assert reply["type"] == "error" and reply["code"] == "invalid_credentials"
        assert wrong["message"] == unknown["message"] == malformed["message"]
        # Still not logged in.
        assert (await client.request("users"))["code"] == "not_authenticated"

    run(scenario, shared_server.address)


@pytest.mark.parametrize("fields", [
    {"password": PASSWORD},
    {"username": "someone"},
    {"username": 5, "password": PASSWORD},
    {"username": "someone", "password": None},
    {"username": ["a"], "password": PASSWORD},
])
@pytest.mark.parametrize("request_type", ["register", "login"])
def test_register_and_login_with_missing_or_ill_typed_fields_get_bad_request(
        shared_server, request_type, fields):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        reply = await client.request(request_type, **fields)
        assert reply["type"] == "error" and reply["code"] == "bad_request", reply

    run(scenario, shared_server.address)


@pytest.mark.parametrize("request_type", ["logout", "users", "send", "history", "sync",
                                          "mark_read", "change_password"])
def test_before_login_other_known_types_get_not_authenticated(shared_server, request_type):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        # Even with fields that would be invalid: authentication comes first.
        reply = await client.request(request_type, body=5, to=[], after="x")
        assert reply["type"] == "error" and reply["code"] == "not_authenticated", reply

    run(scenario, shared_server.address)


def test_ping_is_answered_before_and_after_login(shared_server):
    async def scenario(clients: Clients) -> None:
        client = await clients.connect()
        assert await client.request("ping") == {"type": "ok", "re": 1}
        await client.request("register", username=unique_name(), password=PASSWORD)
        await client.next_event("users")
        assert await client.request("ping") == {"type": "ok", "re": 3}

    run(scenario, shared_server.address)


@pytest.mark.parametrize("request_type", ["register", "login"])
def test_register_or_login_on_a_logged_in_connection_gets_already_authenticated(
        shared_server, request_type):
    async def scenario(clients: Clients) -> None:
        name = unique_name()
        client = await clients.register(name)
        reply = await client.request(request_type, username=name, password=PASSWORD)
        assert reply["type"] == "error" and reply["code"] == "already_authenticated"
        # Still logged in as before.
        assert (await client.request("users"))["type"] == "ok"

    run(scenario, shared_server.address)


def test_logout_returns_the_connection_to_the_unauthenticated_state(server):
    async def scenario(clients: Clients) -> None:
        alice = await clients.register("alice")
        bob = await clients.register("bob")
        await alice.next_event("presence")  # bob came online
        assert await alice.request("logout") == {"type": "ok", "re": 2}
        assert (await alice.request("users"))["code"] == "not_authenticated"
        assert (await alice.request("send", to=None, body="x"))["code"] == "not_authenticated"
        # No more events for the logged-out connection.
        await bob.send("after alice left")
        assert await alice.no_event(0.3) == []
        # It may log in again, as anyone.
        reply = await alice.request("login", username="bob", password=PASSWORD)
        assert reply["type"] == "ok" and reply["user"] == {"username": "bob"}
        assert (await alice.next_event("users"))["users"][1]["username"] == "bob"
        await bob.send("bob to his other connection")
        event = await alice.next_event("message")
        assert event["message"]["body"] == "bob to his other connection"

    run(scenario, server.address)


def test_change_password_replaces_the_password(shared_server):
    async def scenario(clients: Clients) -> None:
        name = unique_name()
        client = await clients.register(name)
        reply = await client.request("change_password", old_password=PASSWORD,
                                     new_password="a new password")
        assert reply == {"type": "ok", "re": 2}
        other = await clients.connect()
        assert (await other.request("login", username=name, password=PASSWORD))["code"] == \
            "invalid_credentials"
        assert (await other.request("login", username=name,
                                    password="a new password"))["type"] == "ok"

    run(scenario, shared_server.address)


def test_change_password_with_a_wrong_old_password_gets_invalid_credentials(shared_server):
    async def scenario(clients: Clients) -> None:
        name = unique_name()
        client = await clients.register(name)
        reply = await client.request("change_password", old_password="not my password",
                                     new_password="a new password")
        assert reply["type"] == "error" and reply["code"] == "invalid_credentials"
        other = await clients.connect()
        assert (await other.request("login", username=name, password=PASSWORD))["type"] == "ok"
        # The connection stays logged in.
        assert (await client.request("users"))["type"] == "ok"

    run(scenario, shared_server.address)


@pytest.mark.parametrize("new_password", ["short", "x" * 1025])
def test_change_password_to_a_password_breaking_the_rules_gets_weak_password(
        shared_server, new_password):
    async def scenario(clients: Clients) -> None:
        name = unique_name()
        client = await clients.register(name)
        reply = await client.request("change_password", old_password=PASSWORD,
                                     new_password=new_password)
        assert reply["type"] == "error" and reply["code"] == "weak_password"
        other = await clients.connect()
        assert (await other.request("login", username=name, password=PASSWORD))["type"] == "ok"

    run(scenario, shared_server.address)


def test_change_password_keeps_long_passwords_distinct(shared_server):
    async def scenario(clients: Clients) -> None:
        name = unique_name()
        client = await clients.register(name)
        common = "k" * 72
        reply = await client.request("change_password", old_password=PASSWORD,
                                     new_password=common + "1")
        assert reply["type"] == "ok"
        other = await clients.connect()
        assert (await other.request("login", username=name,
                                    password=common + "2"))["code"] == "invalid_credentials"
        assert (await other.request("login", username=name,
                                    password=common + "1"))["type"] == "ok"

    run(scenario, shared_server.address)


def test_users_lists_every_account_sorted_by_case_folded_name(server):
    async def scenario(clients: Clients) -> None:
        names = ["Zed", "adam", "Émile", "eve", "Ölaf", "Bob", "straße"]
        for name in names:
            client = await clients.register(name)
        await clients.opened[2].close()  # Émile goes offline
        await client.next_event("presence")  # wait until the server noticed
        reply = await client.request("users")
        expected_order = sorted(names, key=lambda n: (n.casefold(), n))
        assert [entry["username"] for entry in reply["users"]] == expected_order
        online = {entry["username"]: entry["online"] for entry in reply["users"]}
        assert online == {name: name != "Émile" for name in names}
        assert all(entry["unread"] == 0 for entry in reply["users"])

    run(scenario, server.address)


def test_each_connection_of_one_account_receives_every_event_for_it(shared_server):
    async def scenario(clients: Clients) -> None:
        alice1 = await clients.register(unique_name("Alice"))
        alice2 = await clients.login(alice1.name)
        alice3 = await clients.login(alice1.name.upper())
        bob = await clients.register()
        for alice in (alice1, alice2, alice3):
            event = await alice.next_event("presence")
            while event["user"]["username"] != bob.name:  # others may come and go
                event = await alice.next_event("presence")
            assert event["user"] == {"username": bob.name, "online": True}
        general = await bob.send("to everyone")
        direct = await bob.send("to alice", to=alice1.name)
        for alice in (alice1, alice2, alice3):
            assert (await alice.next_event("message"))["message"] == general
            assert (await alice.next_event("message"))["message"] == direct
        # A message alice sends on one connection reaches her others.
        own = await alice1.send("from alice", to=bob.name)
        for alice in (alice2, alice3):
            assert (await alice.next_event("message"))["message"] == own
        assert (await bob.next_event("message"))["message"] == own
        assert [e for e in await alice1.no_event(0.2) if e["type"] == "message"] == []

    run(scenario, shared_server.address)


def test_concurrent_registrations_of_one_name_create_one_account(shared_server):
    async def scenario(clients: Clients) -> None:
        name = unique_name("race")
        contenders = [await clients.connect() for _ in range(8)]
        replies = await asyncio.gather(*(
            c.request("register", username=name if n % 2 else name.upper(), password=PASSWORD)
            for n, c in enumerate(contenders)))
        codes = sorted(r.get("code", "ok") for r in replies)
        assert codes == ["ok"] + ["username_taken"] * 7, codes

    run(scenario, shared_server.address)


def test_a_registered_account_survives_a_restart(server):
    async def scenario(clients: Clients) -> None:
        await clients.register("alice")

    run(scenario, server.address)
    server.restart()

    async def after(clients: Clients) -> None:
        client = await clients.connect()
        reply = await client.request("login", username="Alice", password=PASSWORD)
        assert reply["type"] == "ok" and reply["user"] == {"username": "alice"}

    run(after, server.address)


def test_clients_need_no_hello_handling_to_register_straight_away(shared_server):
    """A request written before the ``hello`` was read is answered normally."""

    async def scenario(clients: Clients) -> None:
        reader, writer = await asyncio.open_connection(*shared_server.address)
        client = clients.track(Client(reader, writer))
        await client.send_frame({"type": "register", "id": 1, "username": unique_name(),
                                 "password": PASSWORD})
        assert (await client.next_frame())["type"] == "hello"
        assert (await client.next_frame())["type"] == "ok"
        assert (await client.next_frame())["type"] == "users"

    run(scenario, shared_server.address)
