"""Privacy: what concerns one member goes to the advisor privately, not to the group; friend-request notes are not
logged; private texts (survey free-text answers, friend-request notes) are deleted after privacy.retention_days
by a daily purge on the bot's own clock."""
from __future__ import annotations

import logging

from harness import ROOM

NOTE = "我是张三，手机13800000000，想咨询理财"


def test_an_enrolment_and_a_claim_are_confirmed_to_the_advisor_privately(chat):
    chat.start_course("alice", "bob")
    chat.say("adv", "/enrolled @alice advanced")
    chat.say("adv", "/claimed @bob c400")
    outs = chat.said_out()
    assert [(o.room, o.to) for o in outs] == [(None, "adv"), (None, "adv")]
    assert "alice" in outs[0].text and "bob" in outs[1].text


def test_who_opted_out_is_told_to_the_advisor_not_the_group(chat):
    chat.start_course("alice", "bob")
    chat.say("bob", "退订", room=None)
    chat.said()
    chat.say("adv", "/coupon c400 all")
    chat.say("adv", "/survey")
    outs = chat.said_out()
    assert not [o for o in outs if o.room == ROOM]
    told = [o.text for o in outs if o.to == "adv"]
    assert len(told) == 2 and "已退订 1" in told[0] and "已退订" in told[1]


def test_a_friend_request_note_is_kept_but_never_logged(chat, caplog):
    with caplog.at_level(logging.DEBUG):
        chat.befriend("zs", "张三", hello=NOTE)
    assert NOTE not in caplog.text and "13800000000" not in caplog.text
    assert "friend request from zs" in caplog.text
    assert chat.store.conn.execute("SELECT detail FROM funnel WHERE stage = 'friend_request'").fetchone() == (NOTE,)


def private_texts(chat):
    notes = chat.store.conn.execute("SELECT COUNT(*) FROM funnel WHERE detail = ?", (NOTE,)).fetchone()[0]
    answers = dict(chat.store.conn.execute("SELECT question, answer FROM survey_answers WHERE contact = 'zs'"))
    return notes, answers


def test_private_texts_are_deleted_after_the_retention_period(chat):
    chat.befriend("zs", "张三", hello=NOTE)
    for text in ("问卷", "1", "2", "1", "想学基金定投，我家里的情况是……"):
        chat.say("zs", text, room=None)
    chat.said()
    assert private_texts(chat) == (1, {"interest": '["funds"]', "frequency": "monthly", "channel": "wechat",
                                       "wish": "想学基金定投，我家里的情况是……"})
    chat.until("2027-02-27 12:00")  # 89 days on: still kept
    assert private_texts(chat)[0] == 1 and "wish" in private_texts(chat)[1]
    chat.until("2027-03-01 00:01")  # past 90 days: the night's purge deletes them
    notes, answers = private_texts(chat)
    assert notes == 0 and "wish" not in answers
    assert answers["frequency"] == "monthly"  # a choice (a preference the bot honours) is not a private text
    assert chat.store.funnel.stages("zs")[:2] == ["friend_request", "friend_added"]  # the funnel numbers stay


def test_the_purge_runs_once_a_day_across_restarts(chat):
    chat.until("2026-12-01 00:01")
    (day,) = chat.store.conn.execute("SELECT value FROM meta WHERE key = 'privacy_purged_on'").fetchone()
    assert day == "2026-12-01"
    chat.restart()
    chat.advance(hours=1)
    assert chat.store.conn.execute("SELECT value FROM meta WHERE key = 'privacy_purged_on'").fetchone() == (day,)
