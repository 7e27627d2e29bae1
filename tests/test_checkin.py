"""打卡: members check in by saying so; the bot acknowledges in batches, reminds the laggards at 20:00
(@-mentioning exactly them) and posts the tally with a streak leaderboard at 22:00."""
from __future__ import annotations

import re

import pytest

from bot.storage import iso
from harness import ROOM, local


def checked_in(chat, day):
    return chat.store.checkins.done_on(ROOM, day)


def acks(texts):
    return [t for t in texts if t.startswith("✅ 打卡已记录")]


def test_keyword_in_a_sentence_and_a_lone_tick_are_check_ins(chat):
    chat.start_course("alice", "bob", "carol")
    chat.until("2026-12-01 09:30")
    chat.say("alice", "今天的课学完了，打卡！")
    chat.say("bob", "✅")
    chat.advance(minutes=2)
    assert checked_in(chat, 1) == {"alice", "bob"}
    assert chat.said() == ["✅ 打卡已记录：alice、bob（今日已打卡 2/3 人）"]


@pytest.mark.parametrize("text", ["好的✅", "还没打卡", "怎么打卡？"])
def test_words_that_are_not_a_check_in(chat, text):
    chat.start_course("alice", "bob", "carol")
    chat.say("carol", text)
    chat.advance(minutes=10)
    assert checked_in(chat, 1) == set()
    assert chat.said() == []


@pytest.mark.parametrize("text", ["我还没有打卡", "今天打卡了吗？"])
def test_negations_and_questions_about_checking_in_are_not_check_ins(chat, text):
    chat.start_course("alice", "bob", "carol")
    chat.say("carol", text)
    chat.advance(minutes=10)
    assert checked_in(chat, 1) == set()
    assert chat.said() == []


def test_checking_in_twice_the_same_day_counts_once(chat):
    chat.start_course("alice", "bob", "carol")
    chat.until("2026-12-01 09:30")
    chat.say("alice", "打卡")
    chat.advance(minutes=2)
    assert chat.said() == ["✅ 打卡已记录：alice（今日已打卡 1/3 人）"]

    chat.until("2026-12-01 15:00")
    chat.said()
    chat.say("alice", "再打卡一次✅")
    chat.advance(minutes=10)
    assert chat.said() == []
    assert chat.store.checkins.count(ROOM, "alice") == 1
    chat.until("2026-12-01 22:01")
    assert any("第1天打卡统计：1/3 人" in t for t in chat.said())


def test_the_same_message_delivered_twice_counts_once(chat):
    chat.start_course("alice", "bob", "carol")
    chat.say("alice", "打卡", msg_id="wx-42")
    chat.say("alice", "打卡", msg_id="wx-42")
    chat.advance(minutes=2)
    assert chat.said() == ["✅ 打卡已记录：alice（今日已打卡 1/3 人）"]
    assert chat.store.checkins.count(ROOM, "alice") == 1


def test_the_day_is_the_shanghai_calendar_day_of_the_message(chat):
    chat.start_course("alice", "bob", "carol")
    chat.say("alice", "打卡", at=local("2026-12-01 23:50"))
    chat.say("bob", "打卡", at=local("2026-12-02 00:30"))  # after midnight in Shanghai, 16:30 UTC the day before
    assert chat.store.checkins.days_by_member(ROOM) == {"alice": [1], "bob": [2]}
    chat.until("2026-12-02 22:01")
    assert any("第2天打卡统计：1/3 人" in t for t in chat.said())


def test_streaks_on_the_tally_leaderboard(chat):
    chat.start_course("alice", "bob", "carol")
    chat.say("alice", "打卡")
    chat.say("bob", "打卡")
    chat.until("2026-12-02 10:00")
    chat.say("alice", "打卡")
    chat.say("carol", "打卡")
    chat.until("2026-12-03 10:00")
    chat.say("alice", "打卡")
    chat.say("bob", "打卡")
    chat.said()

    chat.until("2026-12-03 22:01")
    [tally] = [t for t in chat.said() if "打卡统计" in t]
    assert tally.splitlines() == [
        "📊 第3天打卡统计：2/3 人，打卡率 67%",
        "🔥 连续打卡榜：",
        "1. alice 🔥3天",
        "2. bob 🔥1天",    # day 2 missed: the streak starts again
        "3. carol 🔥1天",  # checked in yesterday: still alive today
    ]


def test_tally_counts_and_rate(chat):
    chat.start_course("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8")
    for m in ("m1", "m2", "m3"):
        chat.say(m, "打卡")
    chat.until("2026-12-01 22:01")
    [tally] = [t for t in chat.said() if "打卡统计" in t]
    assert tally.startswith("📊 第1天打卡统计：3/8 人，打卡率 38%")


def test_the_tally_with_nobody_checked_in(chat):
    chat.start_course("alice", "bob")
    chat.until("2026-12-01 22:01")
    [tally] = [t for t in chat.said() if "打卡统计" in t]
    assert "0/2 人，打卡率 0%" in tally and "（暂无）" in tally


def test_the_reminder_mentions_exactly_those_not_checked_in(chat):
    chat.start_course("alice", "bob", "carol", "dave")
    chat.say("alice", "打卡")
    chat.say("carol", "✅")
    chat.until("2026-12-01 19:59")
    chat.said()

    chat.until("2026-12-01 20:01")
    [reminder] = chat.said_out()
    assert reminder.text.startswith("⏰ 第1天还没打卡的同学，记得回复「打卡」哦～")
    assert set(reminder.mentions) == {"bob", "dave"}
    assert "@bob" in reminder.text and "@dave" in reminder.text and "@alice" not in reminder.text


def test_nobody_is_reminded_when_everyone_checked_in(chat):
    chat.start_course("alice", "bob")
    chat.say("alice", "打卡")
    chat.say("bob", "打卡")
    chat.until("2026-12-01 19:59")
    chat.said()
    chat.until("2026-12-01 20:30")
    assert chat.said() == []


def test_a_long_reminder_mentions_at_most_mentions_per_message_and_counts_the_rest(chat):
    members = [f"同学{i:02d}" for i in range(1, 76)]
    chat.start_course(*members)
    early = members[:5]
    for m in early:
        chat.say(m, "打卡")
    chat.until("2026-12-01 19:59")
    chat.said()

    chat.until("2026-12-01 20:05")
    [reminder] = chat.said_out()  # one message, not three
    per = chat.pb.settings.mentions_per_message
    assert per == 30
    assert reminder.text.startswith("⏰ 第1天还没打卡的同学")
    assert reminder.mentions == tuple(members[5:35])  # nobody who checked in
    assert len(re.findall(r"@同学\d\d", reminder.text)) == 30
    assert reminder.text.endswith("…还有 40 位同学")


def test_the_reminder_mentions_those_whose_streak_is_at_risk_first(chat):
    members = [f"同学{i:02d}" for i in range(1, 41)]
    chat.start_course(*members)
    for m in members[30:]:  # the last ten check in on day 1 ...
        chat.say(m, "打卡")
    chat.until("2026-12-02 10:00")
    chat.said()
    for m in members[30:33]:  # ... and three of them again on day 2
        chat.say(m, "打卡")
    chat.until("2026-12-02 20:01")
    [reminder] = [o for o in chat.said_out() if o.text.startswith("⏰")]
    assert "🔥 断签提醒：7 位同学昨天打了卡，今天别让连续打卡断掉哦" in reminder.text
    assert reminder.mentions[:7] == tuple(members[33:])  # streak at risk: checked in yesterday, not yet today
    assert reminder.mentions[7:] == tuple(members[:23])
    assert reminder.text.endswith("…还有 7 位同学")


def test_fifty_check_ins_within_minutes_get_one_or_two_acknowledgements(chat):
    members = [f"学员{i:02d}" for i in range(1, 51)]
    chat.start_course(*members)
    chat.until("2026-12-01 09:30")
    for m in members:
        chat.say(m, "打卡")
        chat.advance(seconds=4)  # 50 check-ins over a little more than three minutes
    chat.until("2026-12-01 09:45")

    texts = chat.said()
    assert 1 <= len(texts) <= 2
    assert texts == acks(texts)
    named = [n for t in texts for n in re.findall(r"学员\d\d", t)]
    assert len(named) <= 10 * len(texts) and len(set(named)) == len(named)  # ten names each, the rest counted
    counted = sum(int(m) for t in texts for m in re.findall(r"等 (\d+) 位同学", t)) or len(named)
    assert counted == 50
    assert "（今日已打卡 50/50 人）" in texts[-1]
    assert len(checked_in(chat, 1)) == 50


def test_acknowledgements_are_capped_per_day_and_spread_so_every_check_in_is_named(chat):
    members = [f"m{i}" for i in range(1, 9)]
    chat.start_course(*members)
    chat.until("2026-12-01 09:30")
    for m in members:  # one check-in every ten minutes: each would earn its own acknowledgement
        chat.say(m, "打卡")
        chat.advance(minutes=10)
    chat.until("2026-12-01 21:59")
    texts = chat.said()
    cap = chat.pb.settings.acks.max_per_day
    assert cap == 6
    assert len(acks(texts)) <= cap  # the last ones wait for a later slot instead of spending the day's cap by 11:00
    assert all(f"{m}（" in " ".join(acks(texts)) or f"{m}、" in " ".join(acks(texts)) for m in members)
    assert checked_in(chat, 1) == set(members)

    chat.until("2026-12-01 22:01")
    assert any("第1天打卡统计：8/8 人，打卡率 100%" in t for t in chat.said())

    # the cap is per day: the next morning's check-in is acknowledged again
    chat.until("2026-12-02 09:30")
    chat.said()
    chat.say("m1", "打卡")
    chat.advance(minutes=2)
    assert chat.said() == ["✅ 打卡已记录：m1（今日已打卡 1/8 人）"]


def test_advisors_are_not_counted_as_members(chat):
    chat.start_course("alice", "bob", "adv")
    chat.say("adv", "打卡")
    chat.say("alice", "打卡")
    chat.advance(minutes=2)
    assert checked_in(chat, 1) == {"alice"}
    assert chat.said() == ["✅ 打卡已记录：alice（今日已打卡 1/2 人）"]

    chat.until("2026-12-01 20:01")
    [reminder] = [o for o in chat.said_out() if o.text.startswith("⏰")]
    assert reminder.mentions == ("bob",)
    chat.until("2026-12-01 22:01")
    assert any("第1天打卡统计：1/2 人，打卡率 50%" in t for t in chat.said())


def test_members_who_left_are_not_counted(chat):
    chat.start_course("alice", "bob", "carol")
    chat.say("alice", "打卡")
    chat.leave("carol")
    chat.until("2026-12-01 20:01")
    texts = chat.said_out()
    assert [r.mentions for r in texts if r.text.startswith("⏰")] == [("bob",)]
    chat.until("2026-12-01 22:01")
    assert any("第1天打卡统计：1/2 人" in t for t in chat.said())


def test_a_check_in_just_before_midnight_is_still_acknowledged(chat):
    chat.start_course("alice", "bob", "carol")
    chat.until("2026-12-01 23:59")
    chat.said()
    chat.say("alice", "打卡", at=local("2026-12-01 23:59:30"))  # its acknowledgement falls due after midnight
    chat.until("2026-12-02 00:10")
    assert chat.store.checkins.days_by_member(ROOM) == {"alice": [1]}
    assert any("alice" in t for t in acks(chat.said()))


def test_a_check_in_on_day_one_before_the_lesson_counts(chat):
    chat.join("alice")
    chat.say("adv", "/start 2026-12-01")
    chat.until("2026-12-01 07:30")  # still the opening: the 09:00 lesson has not been posted
    chat.said()
    chat.say("alice", "打卡")
    chat.advance(minutes=2)
    assert chat.store.checkins.days_by_member(ROOM) == {"alice": [1]}
    assert any("打卡已记录：alice" in t for t in chat.said())


def test_an_acknowledgement_that_fails_in_one_group_does_not_undo_the_lesson_of_another(chat, monkeypatch):
    chat.start_course("alice")
    chat.join("dora", room="other@chatroom")
    chat.say("adv", "/start 2026-12-01", room="other@chatroom")
    chat.said()
    chat.until("2026-12-02 08:59")
    chat.say("alice", "打卡")  # alice's acknowledgement falls due at 09:00, with both groups' lessons
    chat.said()

    def broken(ctx, force=False):
        raise RuntimeError("a bug composing the acknowledgement")

    monkeypatch.setattr(chat.engine.scheduler.acks, "flush", broken)
    chat.until("2026-12-02 09:01")
    fired = chat.store.conn.execute("SELECT room, action FROM fired WHERE fired_at >= ? AND status = 'done'",
                                    (iso(local("2026-12-02 09:00")),)).fetchall()
    assert sorted(r for r, _ in fired) == ["other@chatroom", ROOM], fired  # both lessons ran and stay committed
    assert chat.group().ack_due is None  # the failed acknowledgement was dropped, not retried every second
