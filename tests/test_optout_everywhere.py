"""退订 is final on every path: a new friend request, the waiting list, room invitations, imported contacts,
coupons, surveys, offers and the alumni phase never message an opted-out person privately; 退订 typed in the
group gets a hint to send it privately."""
from __future__ import annotations

from bot.cli.contacts_import import import_contacts
from harness import ROOM


def dm(chat, who, text):
    return chat.say(who, text, room=None)


def opted_out(chat, who):
    dm(chat, who, "退订")
    chat.said()
    assert chat.store.funnel.opted_out(who)


def private(outs, who):
    return [o for o in outs if o.to == who and o.room is None]


def test_a_new_friend_request_is_accepted_but_neither_greeted_nor_invited(chat):
    chat.say("adv", "/start 2026-12-03")
    opted_out(chat, "gone")
    chat.befriend("gone", "小离")
    outs = chat.said_out()
    assert [o.action for o in outs if o.to == "gone"] == ["accept"]
    assert chat.store.funnel.invited_to("gone") == []


def test_a_friend_who_opted_out_and_asks_again_gets_nothing(chat):
    chat.say("adv", "/start 2026-12-03")
    chat.befriend("fan")
    chat.said()
    opted_out(chat, "fan")
    chat.befriend("fan", request_id="again")
    assert [o for o in chat.said_out() if o.to == "fan"] == []


def test_the_waiting_list_skips_people_who_opted_out_meanwhile(chat):
    chat.befriend("w1")
    chat.befriend("w2")
    chat.advance(minutes=5)
    chat.said()
    opted_out(chat, "w1")
    chat.say("adv", "/start 2026-12-03")
    outs = chat.said_out()
    assert [o.to for o in outs if o.action == "invite"] == ["w2"]
    assert private(outs, "w1") == []


def test_contacts_import_never_invites_an_opted_out_person(chat, tmp_path):
    opted_out(chat, "wx_x")
    path = tmp_path / "c.csv"
    path.write_text("id,name\nwx_x,小叉\nwx_y,小歪\n", encoding="utf-8")
    result = import_contacts(chat.store, chat.pb, path, chat.clock.now())
    assert (result.queued, result.opted_out) == (1, 1)
    assert [o.to for o in chat.said_out()] == ["wx_y"]


def test_coupons_are_never_pushed_privately_to_an_opted_out_member(chat):
    chat.start_course("alice", "bob")
    opted_out(chat, "bob")
    chat.say("adv", "/coupon c400 all")
    outs = chat.said_out()
    assert private(outs, "bob") == [] and len(private(outs, "alice")) == 1


def test_the_survey_invitation_skips_an_opted_out_member(chat):
    chat.start_course("alice", "bob")
    opted_out(chat, "bob")
    chat.say("adv", "/survey")
    outs = chat.said_out()
    assert private(outs, "bob") == [] and len(private(outs, "alice")) == 1


def test_offers_and_the_alumni_phase_send_an_opted_out_member_nothing_privately(chat):
    chat.start_course("alice", "bob")
    opted_out(chat, "bob")
    chat.say("adv", "/offer vip 进阶课 999 0.18 2026-12-20T20:00+08:00 20 https://x.y/z")
    chat.say("adv", "/push vip")
    chat.until("2026-12-25 12:00")  # countdowns, deadline, graduation, the alumni welcome and posts
    outs = chat.said_out()
    assert any("进阶课" in o.text and o.room == ROOM for o in outs)
    assert any("校友" in o.text for o in outs)
    assert private(outs, "bob") == []
    assert chat.store.conn.execute("SELECT COUNT(*) FROM marketing_log WHERE target = 'bob'").fetchone()[0] == 0


def test_opting_out_in_the_group_gets_a_hint_to_do_it_privately(chat):
    chat.start_course("alice")
    chat.say("alice", "退订")
    chat.say("alice", "TD")  # once a day is enough
    assert chat.said() == ["@alice 退订请私聊我发送「退订」哦～群里发的不算退订。"]
    assert not chat.store.funnel.opted_out("alice")
