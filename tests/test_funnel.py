"""Friend request → persona greeting → invitation into the next cohort; every step recorded, no invite loops."""
from __future__ import annotations

from harness import ROOM


def actions(outs, kind):
    return [o for o in outs if o.action == kind]


def test_a_friend_request_with_no_cohort_open_is_greeted_and_invited_when_one_opens(chat):
    chat.befriend("wx_new", "小新", hello="我想学理财")
    outs = chat.said_out()
    assert [(o.to, o.ref) for o in actions(outs, "accept")] == [("wx_new", outs[0].ref)]
    texts = [o.text for o in outs if o.action == "say" and o.to == "wx_new"]
    assert any("专属理财导师" in t and "6年投资经验" in t for t in texts)
    assert any("开课时间确定后" in t for t in texts)
    assert chat.store.funnel.stages("wx_new") == ["friend_request", "friend_added", "greeted", "waiting"]

    chat.say("adv", "/start 2026-12-01")
    outs = chat.said_out()
    assert [(o.room, o.to) for o in actions(outs, "invite")] == [(ROOM, "wx_new")]
    assert any(o.to == "wx_new" and "理财1期" in o.text and "2026-12-01" in o.text for o in outs)
    chat.join("wx_new")
    assert chat.store.funnel.stages("wx_new")[-2:] == ["invited", "joined"]


def test_a_friend_request_while_a_cohort_is_open_is_invited_at_once(chat):
    chat.say("adv", "/start 2026-12-03")
    chat.said()
    chat.befriend("wx_a", "阿明")
    outs = chat.said_out()
    assert [(o.room, o.to) for o in actions(outs, "invite")] == [(ROOM, "wx_a")]
    assert "waiting" not in chat.store.funnel.stages("wx_a")


def test_asking_again_neither_re_accepts_nor_re_greets_nor_re_invites(chat):
    chat.say("adv", "/start 2026-12-03")
    chat.befriend("wx_a", "阿明")
    chat.said()
    chat.befriend("wx_a", "阿明", request_id="again-1")
    outs = chat.said_out()
    assert outs == []  # accepted once, greeted once, invited once: a repeat request changes nothing


def test_a_redelivered_friend_request_changes_nothing(chat):
    chat.befriend("wx_b", request_id="req-9")
    chat.said()
    chat.befriend("wx_b", request_id="req-9")
    assert chat.said_out() == []
    assert chat.store.funnel.stages("wx_b").count("friend_request") == 1


def test_a_group_of_forty_or_more_gets_an_invitation_card_not_a_direct_add(chat):
    chat.join(*[f"m{i}" for i in range(40)])
    chat.say("adv", "/start 2026-12-03")
    chat.befriend("wx_big")
    chat.said()
    method = chat.store.conn.execute("SELECT method FROM invites WHERE contact = 'wx_big'").fetchone()[0]
    assert method == "invitation"


def test_with_accepting_switched_off_the_request_is_only_recorded(chat, tmp_path):
    import yaml

    from harness import PLAYBOOK, Chat, local
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["funnel"]["accept_friends"] = False
    path = tmp_path / "pb.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    manual = Chat(tmp_path / "manual.db", local("2026-11-30 10:00"), playbook=path)
    manual.befriend("wx_c")
    assert manual.said_out() == []
    assert manual.store.funnel.stages("wx_c") == ["friend_request"]
