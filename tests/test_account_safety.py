"""Account safety: WeChat restricts accounts that accept more than about a hundred friends a day. Requests are
accepted first come first served, a capped number a day and paced; each person is accepted and greeted once;
room invitations are capped a day too, the rest invited on the next days."""
from __future__ import annotations

import yaml

from bot.storage import from_iso
from harness import PLAYBOOK, ROOM, Chat, local


def bot_with(tmp_path, **funnel) -> Chat:
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["funnel"].update(funnel)
    path = tmp_path / "pb.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return Chat(tmp_path / "safe.db", local("2026-11-30 10:00"), playbook=path)


def accepted(outs):
    return [o.to for o in outs if o.action == "accept"]


def test_requests_over_the_daily_cap_wait_in_order_for_the_next_day(tmp_path):
    chat = bot_with(tmp_path, accept_per_day=3, accept_interval_seconds=60)
    for i in range(5):
        chat.befriend(f"p{i}")
    chat.until("2026-11-30 23:59")
    assert accepted(chat.said_out()) == ["p0", "p1", "p2"]
    assert chat.store.funnel.stages("p3") == ["friend_request"]  # kept, not yet accepted
    chat.until("2026-12-01 00:05")
    outs = chat.said_out()
    assert accepted(outs) == ["p3", "p4"]
    assert [o.to for o in outs if o.action == "say" and "专属理财导师" in o.text] == ["p3", "p4"]


def test_acceptances_are_spread_out(tmp_path):
    chat = bot_with(tmp_path, accept_interval_seconds=120)
    for who in ("p1", "p2", "p3"):
        chat.befriend(who)
    assert accepted(chat.said_out()) == ["p1"]  # at once; the others wait their turn
    chat.advance(minutes=10)
    assert accepted(chat.said_out()) == ["p2", "p3"]
    stamps = [from_iso(t) for (t,) in chat.store.conn.execute("SELECT accepted_at FROM friend_requests ORDER BY accepted_at")]
    assert [(b - a).total_seconds() for a, b in zip(stamps, stamps[1:])] == [120, 120]


def test_a_contact_asking_many_times_is_accepted_greeted_and_invited_once(tmp_path):
    chat = bot_with(tmp_path, accept_interval_seconds=600)
    chat.say("adv", "/start 2026-12-03")
    chat.befriend("busy")  # accepted at once
    chat.befriend("other")  # waits ten minutes
    for i in range(5):
        chat.befriend("other", request_id=f"again-{i}")  # repeats while waiting: still one place in line
        chat.befriend("busy", request_id=f"busy-{i}")  # repeats after acceptance: nothing at all
    chat.advance(hours=1)
    outs = chat.said_out()
    assert accepted(outs) == ["busy", "other"]
    assert [o.ref for o in outs if o.action == "accept"][1] == "again-4"  # the newest request is the one accepted
    assert sorted(o.to for o in outs if o.action == "invite") == ["busy", "other"]
    assert sum(1 for o in outs if o.to == "busy" and "专属理财导师" in o.text) == 1


def test_room_invitations_over_the_daily_cap_go_out_the_next_day(tmp_path):
    chat = bot_with(tmp_path, accept_interval_seconds=0, invite_per_day=2)
    chat.say("adv", "/start 2026-12-03")
    for who in ("a", "b", "c"):
        chat.befriend(who)
    outs = chat.said_out()
    assert accepted(outs) == ["a", "b", "c"]
    assert [o.to for o in outs if o.action == "invite"] == ["a", "b"]
    assert "waiting" in chat.store.funnel.stages("c")
    chat.until("2026-12-01 00:01")
    assert [(o.room, o.to) for o in chat.said_out() if o.action == "invite"] == [(ROOM, "c")]


def test_a_waiting_list_longer_than_the_cap_is_invited_over_several_days(tmp_path):
    chat = bot_with(tmp_path, accept_interval_seconds=0, invite_per_day=2)
    for i in range(5):
        chat.befriend(f"w{i}")  # no cohort yet: the waiting list
    chat.said()
    chat.say("adv", "/start 2026-12-05")
    assert [o.to for o in chat.said_out() if o.action == "invite"] == ["w0", "w1"]
    chat.until("2026-12-01 00:01")
    assert [o.to for o in chat.said_out() if o.action == "invite"] == ["w2", "w3"]
    chat.until("2026-12-02 00:01")
    assert [o.to for o in chat.said_out() if o.action == "invite"] == ["w4"]


def test_the_queue_survives_a_restart(tmp_path):
    chat = bot_with(tmp_path, accept_per_day=1)
    chat.befriend("p1")
    chat.befriend("p2")
    chat.said()
    chat.restart()
    chat.until("2026-12-01 00:01")
    assert accepted(chat.said_out()) == ["p2"]
