"""Rooms against the real server (PROTOCOL-2.md, "Rooms"; docs/protocol.md, "Rooms").

Every request of the ``rooms`` feature, every event it sends and every rule
it keeps, driven over real sockets by version 2 clients, beside version 1
clients that must see nothing of it.  Who is told what is checked by
reading each connection's events; "nothing else" by the absence of events
before a later marker (a message everyone can see), never by waiting.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import ServerProcess
from tests.wire import PASSWORD

from .helpers import Client, Clients, run, unique_name
from .test_upgrade_from_release import recorded, upgraded, without_re  # noqa: F401 (a fixture)

V2 = {"protocol": 2}


async def member(clients: Clients, name: str | None = None, *,
                 register: bool = True, password: str = PASSWORD) -> Client:
    """A version 2 connection, logged in; its roster and rooms are read
    (``client.rooms``: the ``rooms`` event)."""
    client = await clients.connect()
    name = name or unique_name("member")
    reply = await client.request("register" if register else "login", username=name,
                                 password=password, **V2)
    assert reply["type"] == "ok", reply
    events = [await client.next_frame(), await client.next_frame()]
    assert [event["type"] for event in events] == ["users", "rooms"], events
    client.name = name
    client.roster = events[0]["users"]
    client.rooms = events[1]  # type: ignore[attr-defined]
    return client


async def old_client(clients: Clients, name: str | None = None, *,
                     register: bool = True) -> Client:
    """A version 1 connection, logged in, its roster read."""
    name = name or unique_name("old")
    return await (clients.register(name) if register else clients.login(name))


async def ok(client: Client, request_type: str, **fields: Any) -> dict[str, Any]:
    reply = await client.request(request_type, **fields)
    assert reply["type"] == "ok", reply
    return reply


async def refused(client: Client, request_type: str, code: str, **fields: Any) -> str:
    reply = await client.request(request_type, **fields)
    assert (reply["type"], reply.get("code")) == ("error", code), reply
    return str(reply["message"])


async def create(client: Client, name: str = "Lab 214", *members: Client,
                 public: bool = False) -> dict[str, Any]:
    reply = await ok(client, "create_room", name=name, public=public,
                     members=[m.name for m in members])
    return reply["room"]  # type: ignore[no-any-return]


async def say(client: Client, room: int, body: str) -> dict[str, Any]:
    reply = await ok(client, "send", room=room, body=body)
    return reply["message"]  # type: ignore[no-any-return]


async def events_until_marker(client: Client, marker: str) -> list[dict[str, Any]]:
    """The events a connection got before the general-room message ``marker``
    (``presence`` and earlier markers left out: they are not the point here).

    Every logged-in connection gets it, and each connection's events come
    in commit order, so whatever did not arrive before it was never sent.
    """
    seen = []
    while True:
        event = await client.next_event()
        if event["type"] == "message" and event["message"]["body"] == marker:
            return seen
        if not _noise(event):
            seen.append(event)


async def marker(sender: Client, *clients: Client) -> list[list[dict[str, Any]]]:
    """Send a general-room marker and return what each client got before it
    (the sender: before the reply to it, which takes the marker's place)."""
    body = unique_name("marker")
    await sender.send(body)
    before_reply = [event for event in sender.events if not _noise(event)]
    sender.events.clear()
    return [before_reply if client is sender else await events_until_marker(client, body)
            for client in clients]


def _noise(event: dict[str, Any]) -> bool:
    return event["type"] == "presence" or (
        event["type"] == "message" and event["message"]["body"].startswith("marker"))


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


# --------------------------------------------------------------------------
# Version 2 only


def test_hello_offers_rooms_and_a_version_2_login_lists_my_rooms_after_the_roster(server):
    async def scenario(clients: Clients) -> None:
        alice = await member(clients)
        assert "rooms" in (alice.hello or {})["features"]
        assert alice.rooms == {"type": "rooms", "rooms": [], "public": []}  # type: ignore[attr-defined]
        bob = await member(clients)
        lab = await create(alice, "Lab 214", bob)
        hall = await create(bob, "Hall", public=True)
        again = await member(clients, alice.name, register=False)
        listing = again.rooms  # type: ignore[attr-defined]
        assert [room["name"] for room in listing["rooms"]] == ["Lab 214"]
        assert listing["rooms"][0] == {**lab, "unread": 0, "mentions": 0}
        assert [room["id"] for room in listing["public"]] == [hall["id"]]
        reply = await ok(again, "rooms")
        assert {k: reply[k] for k in ("rooms", "public")} == {
            k: listing[k] for k in ("rooms", "public")}

    run(scenario, server.address)


def test_a_version_1_connection_sees_nothing_of_rooms(server):
    async def scenario(clients: Clients) -> None:
        name = unique_name("both")
        alice = await member(clients, name)
        old = await old_client(clients, name, register=False)  # the same account, version 1
        bob = await member(clients)
        lab = await create(bob, "Lab 214", alice)
        await say(bob, lab["id"], "in the lab")
        await ok(bob, "update_room", room=lab["id"], topic="Fridays")
        await ok(bob, "remove_member", room=lab["id"], username=alice.name)
        # Its events: the general-room marker and nothing before it.
        [seen] = await marker(bob, old)
        assert seen == []
        # Room requests are unknown to it, and a room field is one it ignores.
        for request_type, fields in (("create_room", {"name": "x"}), ("rooms", {}),
                                     ("join_room", {"room": lab["id"]}),
                                     ("members", {"room": lab["id"]})):
            await refused(old, request_type, "unknown_type", **fields)
        history = await ok(old, "history", room=lab["id"])
        assert all(m["body"] != "in the lab" for m in history["messages"])
        sync = await ok(old, "sync", after=0)
        assert all(set(m) == {"id", "from", "to", "body", "ts"} for m in sync["messages"])
        assert all(m["body"] != "in the lab" for m in sync["messages"])
        sent = await old.send("where does this go?", room=lab["id"])
        assert sent["to"] is None and "room" not in sent  # the general room

    run(scenario, server.address)


# --------------------------------------------------------------------------
# Creating, and the rules for names


def test_a_new_room_is_owned_by_its_creator_and_its_members_hear_of_it(server):
    async def scenario(clients: Clients) -> None:
        alice, bob, carol = await member(clients), await member(clients), await member(clients)
        alice_too = await member(clients, alice.name, register=False)
        room = await create(alice, "Group ИВТ-21", bob)
        assert room == {"id": room["id"], "name": "Group ИВТ-21", "topic": "", "owner": alice.name,
                        "public": False, "members": 2, "unread": 0, "mentions": 0}
        seen_by_bob, seen_by_alice_too, seen_by_carol = await marker(
            carol, bob, alice_too, carol)
        assert seen_by_bob == [{"type": "room", "room": room}]
        assert seen_by_alice_too == [{"type": "room", "room": room}]
        assert seen_by_carol == []

    run(scenario, server.address)


def test_names_that_break_the_rules_are_invalid_room_names(server):
    async def scenario(clients: Clients) -> None:
        alice = await member(clients)
        for name in ("", "   ", "x" * 65, "bell\u0007", "two\nlines"):
            message = await refused(alice, "create_room", "invalid_room_name", name=name)
            assert "room name" in message
        lab = await create(alice, "Lab")
        await refused(alice, "update_room", "invalid_room_name", room=lab["id"], name=" ")
        await refused(alice, "update_room", "bad_request", room=lab["id"], topic="t" * 501)
        assert (await ok(alice, "rooms"))["rooms"] == [lab]

    run(scenario, server.address)


def test_inviting_or_creating_with_an_unknown_user_is_unknown_user_and_changes_nothing(server):
    async def scenario(clients: Clients) -> None:
        alice, bob = await member(clients), await member(clients)
        await refused(alice, "create_room", "unknown_user", name="Lab", members=[bob.name, "nobody"])
        assert (await ok(alice, "rooms"))["rooms"] == []
        lab = await create(alice, "Lab")
        await refused(alice, "invite", "unknown_user", room=lab["id"], username="nobody")
        await refused(alice, "remove_member", "unknown_user", room=lab["id"], username="nobody")
        assert (await ok(alice, "rooms"))["rooms"][0]["members"] == 1

    run(scenario, server.address)


# --------------------------------------------------------------------------
# Who may see a room: members only, and unknown_room for everyone else


def test_non_members_get_unknown_room_whether_the_room_exists_or_not(server):
    async def scenario(clients: Clients) -> None:
        alice, mallory = await member(clients), await member(clients)
        lab = await create(alice, "Lab", public=False)
        hall = await create(alice, "Hall", public=True)
        for room in (lab["id"], hall["id"], 10**9):
            messages = set()
            for request_type, fields in (
                    ("send", {"body": "let me in"}), ("history", {}), ("mark_read", {"up_to": 1}),
                    ("members", {}), ("leave_room", {}), ("update_room", {"name": "Mine"}),
                    ("invite", {"username": mallory.name}),
                    ("remove_member", {"username": alice.name})):
                messages.add(await refused(mallory, request_type, "unknown_room", room=room,
                                           **fields))
            # One answer whatever the room: it tells nothing of which exist.
            assert messages == {f"no room {room} that you are in"}
        await refused(mallory, "join_room", "unknown_room", room=lab["id"])
        await refused(mallory, "join_room", "unknown_room", room=10**9)

    run(scenario, server.address)


def test_a_member_reads_the_whole_history_from_before_they_joined(server):
    async def scenario(clients: Clients) -> None:
        alice, bob = await member(clients), await member(clients)
        hall = await create(alice, "Hall", public=True)
        said = [await say(alice, hall["id"], f"early {n}") for n in range(3)]
        joined = await ok(bob, "join_room", room=hall["id"])
        assert joined["room"]["unread"] == 0 and joined["room"]["members"] == 2
        history = await ok(bob, "history", room=hall["id"], limit=2)
        assert [m["id"] for m in history["messages"]] == [said[1]["id"], said[2]["id"]]
        assert history["has_more"] is True
        older = await ok(bob, "history", room=hall["id"], before=said[1]["id"])
        assert [m["id"] for m in older["messages"]] == [said[0]["id"]]
        assert all(m["room"] == hall["id"] and m["to"] is None for m in history["messages"])
        # The general room's history holds none of them.
        general = await ok(bob, "history")
        assert not {m["id"] for m in general["messages"]} & {m["id"] for m in said}

    run(scenario, server.address)


# --------------------------------------------------------------------------
# Messages, unread counts and read markers


def test_room_messages_reach_the_members_connections_and_no_one_else(server):
    async def scenario(clients: Clients) -> None:
        alice, bob, carol = await member(clients), await member(clients), await member(clients)
        bob_too = await member(clients, bob.name, register=False)
        lab = await create(alice, "Lab", bob)
        message = await say(alice, lab["id"], "hello lab")
        assert message["room"] == lab["id"] and message["to"] is None
        seen = await marker(carol, bob, bob_too, carol)
        assert [kinds(events) for events in seen] == [["room", "message"], ["room", "message"], []]
        assert seen[0][1]["message"] == message

    run(scenario, server.address)


def test_unread_counts_and_read_markers_are_per_room_and_stored(server_factory):
    server = server_factory("--no-rate-limits")
    names: dict[str, Any] = {}

    async def before_restart(clients: Clients) -> None:
        alice, bob = await member(clients), await member(clients)
        names.update(alice=alice.name, bob=bob.name)
        lab = await create(alice, "Lab", bob)
        team = await create(alice, "Team", bob)
        names.update(lab=lab["id"], team=team["id"])
        lab_messages = [await say(alice, lab["id"], f"lab {n}") for n in range(3)]
        await say(alice, team["id"], "team")
        await say(bob, lab["id"], "my own is never unread")
        await ok(bob, "mark_read", room=lab["id"], up_to=lab_messages[0]["id"])
        # Marking never goes back.
        await ok(bob, "mark_read", room=lab["id"], up_to=0)

    run(before_restart, server.address)
    server.restart()

    async def after_restart(clients: Clients) -> None:
        bob = await member(clients, names["bob"], register=False)
        counts = {room["id"]: room["unread"] for room in bob.rooms["rooms"]}  # type: ignore[attr-defined]
        assert counts == {names["lab"]: 2, names["team"]: 1}
        # The general room knows nothing of the rooms' messages.
        assert (await ok(bob, "users"))["users"]  # still answers
        sync = await ok(bob, "sync", after=0)
        assert [m["body"] for m in sync["messages"] if m["room"] == names["team"]] == ["team"]

    run(after_restart, server.address)


def test_version_2_sync_catches_up_on_my_rooms_and_not_on_others(server):
    async def scenario(clients: Clients) -> None:
        alice, bob = await member(clients), await member(clients)
        mine, theirs = await create(alice, "Mine", bob), await create(alice, "Theirs")
        first = await say(alice, mine["id"], "one")
        await say(alice, theirs["id"], "not for bob")
        second = await say(alice, mine["id"], "two")
        sync = await ok(bob, "sync", after=first["id"] - 1)
        assert [m["id"] for m in sync["messages"] if m["room"] is not None] == [
            first["id"], second["id"]]

    run(scenario, server.address)


# --------------------------------------------------------------------------
# Joining, inviting, leaving, removing


def test_joining_a_public_room_tells_its_members_and_my_other_connections(server):
    async def scenario(clients: Clients) -> None:
        alice, bob = await member(clients), await member(clients)
        bob_too = await member(clients, bob.name, register=False)
        hall = await create(alice, "Hall", public=True)
        listing = await ok(bob, "rooms")
        assert hall["id"] in [room["id"] for room in listing["public"]]
        joined = (await ok(bob, "join_room", room=hall["id"]))["room"]
        seen_by_alice, seen_by_bob_too, seen_by_bob = await marker(alice, alice, bob_too, bob)
        assert seen_by_alice == [{"type": "member", "room": hall["id"], "username": bob.name,
                                  "joined": True}]
        assert seen_by_bob_too == [{"type": "room", "room": {**joined, "unread": 0}}]
        assert seen_by_bob == []
        # Joining again changes nothing and tells no one.
        assert (await ok(bob, "join_room", room=hall["id"]))["room"]["members"] == 2
        assert await marker(alice, alice) == [[]]
        listing = await ok(bob, "rooms")
        assert [room["id"] for room in listing["rooms"]] == [hall["id"]]
        assert hall["id"] not in [room["id"] for room in listing["public"]]

    run(scenario, server.address)


def test_any_member_invites_and_the_invited_one_hears_of_the_room(server):
    async def scenario(clients: Clients) -> None:
        alice, bob, carol = await member(clients), await member(clients), await member(clients)
        lab = await create(alice, "Lab", bob)
        await marker(alice, bob)  # bob's room event
        await ok(bob, "invite", room=lab["id"], username=carol.name.upper())
        seen_by_carol, seen_by_alice, seen_by_bob = await marker(alice, carol, alice, bob)
        assert kinds(seen_by_carol) == ["room"]
        assert seen_by_carol[0]["room"]["members"] == 3
        assert seen_by_alice == [{"type": "member", "room": lab["id"], "username": carol.name,
                                  "joined": True}]
        assert seen_by_bob == []  # the one who invited got the reply
        members = await ok(carol, "members", room=lab["id"])
        assert sorted(m["username"] for m in members["members"]) == sorted(
            [alice.name, bob.name, carol.name])
        assert all(m["online"] and m["status"] == "available" for m in members["members"])

    run(scenario, server.address)


def test_a_removed_member_gets_room_left_on_every_connection_and_nothing_of_the_room_after(
        server):
    async def scenario(clients: Clients) -> None:
        alice, bob, carol = await member(clients), await member(clients), await member(clients)
        bob_too = await member(clients, bob.name, register=False)
        lab = await create(alice, "Lab", bob, carol)
        await marker(alice, bob, bob_too, carol)
        await refused(bob, "remove_member", "forbidden", room=lab["id"], username=carol.name)
        await refused(bob, "update_room", "forbidden", room=lab["id"], name="Bob's")
        # Messages pipelined around the removal, then the removal, then more.
        for n in range(5):
            await carol.send_frame({"type": "send", "id": f"before{n}", "room": lab["id"],
                                    "body": f"before {n}"})
        await ok(alice, "remove_member", room=lab["id"], username=bob.name)
        after = await say(carol, lab["id"], "after")
        for connection in (bob, bob_too):
            seen = await events_until_marker_of_room(connection, alice, lab["id"])
            assert seen[-1] == {"type": "room_left", "room": lab["id"]}
            assert after["id"] not in [e["message"]["id"] for e in seen if e["type"] == "message"]
        seen_by_carol = (await marker(alice, carol))[0]
        assert {"type": "member", "room": lab["id"], "username": bob.name,
                "joined": False} in seen_by_carol
        await refused(bob, "send", "unknown_room", room=lab["id"], body="still here?")
        await refused(bob, "history", "unknown_room", room=lab["id"])

    run(scenario, server.address)


async def events_until_marker_of_room(client: Client, sender: Client,
                                      room: int) -> list[dict[str, Any]]:
    """A connection's room events (messages of ``room``, room_left) up to a
    fresh general-room marker."""
    [seen] = await marker(sender, client)
    return [event for event in seen
            if event["type"] == "room_left"
            or (event["type"] == "message" and event["message"]["room"] == room)]


def test_a_removed_member_stops_receiving_at_the_removal_and_not_before(server):
    async def scenario(clients: Clients) -> None:
        alice, bob, carol = await member(clients), await member(clients), await member(clients)
        lab = await create(alice, "Lab", bob, carol)
        await marker(alice, bob, carol)
        # Carol's messages and alice's removal of bob are pipelined: each of
        # carol's messages was committed before the removal or after it.
        for n in range(20):
            await carol.send_frame({"type": "send", "id": f"s{n}", "room": lab["id"],
                                    "body": f"m{n}"})
        await alice.send_frame({"type": "remove_member", "id": "rm", "room": lab["id"],
                                "username": bob.name})
        for n in range(20, 40):
            await carol.send_frame({"type": "send", "id": f"s{n}", "room": lab["id"],
                                    "body": f"m{n}"})
        ids = [(await carol.reply_to(f"s{n}"))["message"]["id"] for n in range(40)]
        assert (await alice.reply_to("rm"))["type"] == "ok"
        seen = await events_until_marker_of_room(bob, alice, lab["id"])
        # What bob got: carol's messages up to some point, in order, then
        # room_left, then nothing; the ones he did not get are all later.
        assert seen[-1] == {"type": "room_left", "room": lab["id"]}
        got = [event["message"]["id"] for event in seen[:-1]]
        assert got == ids[:len(got)]

    run(scenario, server.address)


def test_an_owner_who_leaves_hands_the_room_to_the_longest_standing_member(server):
    async def scenario(clients: Clients) -> None:
        alice, bob, carol = await member(clients), await member(clients), await member(clients)
        alice_too = await member(clients, alice.name, register=False)
        lab = await create(alice, "Lab", bob)
        await ok(alice, "invite", room=lab["id"], username=carol.name)
        await marker(alice, bob, carol, alice_too)
        await ok(alice, "leave_room", room=lab["id"])
        seen_by_bob, seen_by_alice_too, seen_by_alice = await marker(
            carol, bob, alice_too, alice)
        assert seen_by_bob[0] == {"type": "member", "room": lab["id"], "username": alice.name,
                                  "joined": False}
        assert seen_by_bob[1]["type"] == "room" and seen_by_bob[1]["room"]["owner"] == bob.name
        assert seen_by_bob[1]["room"]["members"] == 2
        assert seen_by_alice_too == [{"type": "room_left", "room": lab["id"]}]
        assert seen_by_alice == []
        await refused(alice, "leave_room", "unknown_room", room=lab["id"])
        # The new owner can do what owners do.
        renamed = (await ok(bob, "update_room", room=lab["id"], name="Bob's lab"))["room"]
        assert renamed["owner"] == bob.name and renamed["name"] == "Bob's lab"

    run(scenario, server.address)


def test_a_room_everyone_left_is_kept_and_goes_to_whoever_joins_it_next(server):
    async def scenario(clients: Clients) -> None:
        alice, bob = await member(clients), await member(clients)
        hall = await create(alice, "Hall", public=True)
        said = await say(alice, hall["id"], "anyone?")
        await ok(alice, "leave_room", room=hall["id"])
        listing = await ok(bob, "rooms")
        [empty] = [room for room in listing["public"] if room["id"] == hall["id"]]
        assert (empty["owner"], empty["members"]) == (None, 0)
        joined = (await ok(bob, "join_room", room=hall["id"]))["room"]
        assert (joined["owner"], joined["members"], joined["unread"]) == (bob.name, 1, 0)
        history = await ok(bob, "history", room=hall["id"])
        assert [m["id"] for m in history["messages"]] == [said["id"]]

    run(scenario, server.address)


def test_a_full_room_takes_nobody_more(server_factory):
    server = server_factory("--no-rate-limits", "--max-room-members", "2")

    async def scenario(clients: Clients) -> None:
        alice, bob, carol = await member(clients), await member(clients), await member(clients)
        await refused(alice, "create_room", "forbidden", name="Big", members=[bob.name, carol.name])
        hall = await create(alice, "Hall", bob, public=True)
        await refused(carol, "join_room", "forbidden", room=hall["id"])
        await refused(alice, "invite", "forbidden", room=hall["id"], username=carol.name)
        await ok(bob, "leave_room", room=hall["id"])
        await ok(carol, "join_room", room=hall["id"])

    run(scenario, server.address)


# --------------------------------------------------------------------------
# Changing a room


def test_the_owner_renames_and_changes_the_topic_and_every_member_hears_it(server):
    async def scenario(clients: Clients) -> None:
        alice, bob, carol = await member(clients), await member(clients), await member(clients)
        lab = await create(alice, "Lab 214", bob)
        await marker(alice, bob)
        changed = (await ok(alice, "update_room", room=lab["id"], name="Release 2.4",
                            topic="Ship on Friday", public=True))["room"]
        assert changed == {**lab, "name": "Release 2.4", "topic": "Ship on Friday",
                           "public": True}
        seen_by_bob, seen_by_carol = await marker(alice, bob, carol)
        assert seen_by_bob == [{"type": "room", "room": changed}]
        assert seen_by_carol == []  # public now, but carol is not a member
        listing = await ok(carol, "rooms")
        assert [room["name"] for room in listing["public"] if room["id"] == lab["id"]] == [
            "Release 2.4"]
        # Naming nothing to change answers the room and tells no one.
        assert (await ok(alice, "update_room", room=lab["id"]))["room"] == changed
        assert await marker(alice, bob) == [[]]

    run(scenario, server.address)


def test_the_members_of_a_room_with_who_is_online(server):
    async def scenario(clients: Clients) -> None:
        alice, bob = await member(clients), await member(clients)
        away = await member(clients)
        lab = await create(alice, "Lab", bob, away)
        await away.close()
        await marker(alice, bob)  # bob's room event; away's presence
        members = (await ok(bob, "members", room=lab["id"]))["members"]
        assert {m["username"]: m["online"] for m in members} == {
            alice.name: True, bob.name: True, away.name: False}
        assert all(set(m) == {"username", "online", "unread", "status", "status_text", "avatar"}
                   for m in members)

    run(scenario, server.address)


def test_rooms_and_their_members_survive_a_restart(server_factory):
    server = server_factory("--no-rate-limits")
    state: dict[str, Any] = {}

    async def before(clients: Clients) -> None:
        alice, bob = await member(clients), await member(clients)
        state.update(alice=alice.name, bob=bob.name,
                     lab=(await create(alice, "Lab", bob))["id"])

    run(before, server.address)
    server.restart()

    async def after(clients: Clients) -> None:
        alice = await member(clients, state["alice"], register=False)
        bob = await member(clients, state["bob"], register=False)
        assert [room["id"] for room in bob.rooms["rooms"]] == [state["lab"]]  # type: ignore[attr-defined]
        message = await say(alice, state["lab"], "still here")
        assert (await bob.next_event("message"))["message"] == message

    run(after, server.address)


def test_rooms_work_on_a_database_the_last_release_wrote_and_version_1_sees_the_same(
        upgraded: ServerProcess) -> None:
    views = recorded()

    async def scenario(clients: Clients) -> None:
        alice = await member(clients, "alice", register=False, password=views["alice"]["password"])
        assert alice.rooms["rooms"] == []  # type: ignore[attr-defined]
        lab = await create(alice, "Lab 214", await member(
            clients, "Борис", register=False, password=views["Борис"]["password"]))
        said = await say(alice, lab["id"], "first room message")
        assert said["id"] > views["alice"]["sync"]["messages"][-1]["id"]
        # Bob, logging in as 0.1's clients did, sees what 0.1 showed him.
        bob = await clients.connect()
        login = await bob.request("login", username="bob", password=views["bob"]["password"])
        assert without_re(login) == without_re(views["bob"]["login"])
        sync = await ok(bob, "sync", after=0, limit=1000)
        assert without_re(sync) == without_re(views["bob"]["sync"])

    run(scenario, upgraded.address)


def test_reading_a_room_tells_its_other_members_and_history_shows_their_markers(server):
    async def scenario(clients: Clients) -> None:
        alice, bob, carol = await member(clients), await member(clients), await member(clients)
        lab = await create(alice, "Lab", bob)
        said = await say(alice, lab["id"], "read me")
        await ok(bob, "mark_read", room=lab["id"], up_to=said["id"])
        seen_by_alice, seen_by_carol = await marker(carol, alice, carol)
        assert {"type": "read", "username": bob.name, "with": None, "room": lab["id"],
                "up_to": said["id"]} in seen_by_alice
        assert seen_by_carol == []
        history = await ok(alice, "history", room=lab["id"])
        assert history["read"] == {bob.name: said["id"]}

    run(scenario, server.address)


def test_an_edit_in_a_room_reaches_its_members_only(server):
    async def scenario(clients: Clients) -> None:
        alice, bob, carol = await member(clients), await member(clients), await member(clients)
        lab = await create(alice, "Lab", bob)
        said = await say(alice, lab["id"], "tpyo")
        await ok(alice, "edit", message=said["id"], body="typo")
        seen_by_bob, seen_by_carol = await marker(alice, bob, carol)
        updates = [event["message"] for event in seen_by_bob if event["type"] == "update"]
        assert [(m["id"], m["body"], m["room"]) for m in updates] == [
            (said["id"], "typo", lab["id"])]
        assert seen_by_carol == []
        await refused(carol, "edit", "unknown_message", message=said["id"], body="mine now")

    run(scenario, server.address)
