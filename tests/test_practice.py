"""实操: the day's task is posted at noon with its link; a member finishes it by saying so or by sending a
screenshot; at the due time the bot reminds only those who have not."""
from __future__ import annotations

from harness import ROOM


def practised(chat, day):
    return chat.store.practice.done_on(ROOM, day)


def test_the_task_is_posted_at_noon_with_its_link(chat):
    chat.start_course("alice", "bob")
    chat.until("2026-12-01 11:59")
    assert chat.said() == []
    chat.until("2026-12-01 12:01")
    [task] = chat.said()
    assert "第1天实操：列出你的月收支表" in task
    assert "https://example.com/course/day1" in task
    assert "21:00" in task

    chat.until("2026-12-02 12:01")
    assert any("https://example.com/course/day2" in t for t in chat.said())


def test_words_and_a_screenshot_record_the_days_practice(chat):
    chat.start_course("alice", "bob", "carol", "dave")
    chat.until("2026-12-01 12:30")
    chat.said()
    chat.say("alice", "实操完成")
    chat.say("bob", "作业已交，请老师看看")
    chat.say("carol", "[图片]", kind="image")
    chat.say("dave", "收到，下午做")
    chat.advance(minutes=2)

    assert practised(chat, 1) == {"alice", "bob", "carol"}
    kinds = dict(chat.store.conn.execute("SELECT member, kind FROM practice WHERE room = ?", (ROOM,)))
    assert kinds == {"alice": "text", "bob": "text", "carol": "image"}
    assert chat.said() == ["📝 实操已完成：alice、bob、carol"]


def test_the_due_reminder_mentions_only_those_who_have_not_done_it(chat):
    chat.start_course("alice", "bob", "carol")
    chat.until("2026-12-01 13:00")
    chat.say("alice", "实操完成")
    chat.say("carol", "[图片]", kind="image")
    chat.until("2026-12-01 18:59")
    chat.said()

    chat.until("2026-12-01 19:01")  # practice.remind_before_minutes (120) before the 21:00 due time
    [reminder] = chat.said_out()
    assert reminder.text.startswith("📌 今天的实操「列出你的月收支表」21:00 截止，还没完成的同学抓紧啦")
    assert "https://example.com/course/day1" in reminder.text
    assert reminder.mentions == ("bob",)
    assert "@bob" in reminder.text and "@alice" not in reminder.text and "@carol" not in reminder.text


def test_no_due_reminder_when_everyone_has_done_it(chat):
    chat.start_course("alice", "bob")
    chat.until("2026-12-01 13:00")
    chat.say("alice", "实操完成")
    chat.say("bob", "作业已交")
    chat.until("2026-12-01 18:59")
    chat.said()
    chat.until("2026-12-01 19:30")
    assert chat.said() == []


def test_practice_counts_once_per_member_per_day(chat):
    chat.start_course("alice", "bob")
    chat.until("2026-12-01 13:00")
    chat.said()
    chat.say("alice", "实操完成")
    chat.say("alice", "[图片]", kind="image")
    chat.advance(minutes=2)
    assert chat.said() == ["📝 实操已完成：alice"]

    chat.advance(minutes=30)
    chat.say("alice", "作业已交")
    chat.say("alice", "[图片]", kind="image")
    chat.advance(minutes=10)
    assert chat.said() == []
    assert chat.store.practice.count(ROOM, "alice") == 1

    chat.until("2026-12-02 13:00")
    chat.said()
    chat.say("alice", "实操完成")
    chat.advance(minutes=2)
    assert chat.said() == ["📝 实操已完成：alice"]
    assert chat.store.practice.days_by_member(ROOM) == {"alice": [1, 2]}


def test_a_practice_message_is_not_a_check_in_and_a_check_in_is_not_practice(chat):
    chat.start_course("alice", "bob")
    chat.until("2026-12-01 13:00")
    chat.say("alice", "实操完成")
    chat.say("bob", "打卡")
    assert practised(chat, 1) == {"alice"}
    assert chat.store.checkins.done_on(ROOM, 1) == {"bob"}


def test_day_seven_is_due_at_seven_in_the_evening_and_reminded_two_hours_before(chat):
    chat.start_course("alice", "bob")
    chat.until("2026-12-07 13:00")
    chat.say("alice", "作业已交")
    chat.until("2026-12-07 16:59")
    chat.said()
    chat.until("2026-12-07 17:01")
    [reminder] = chat.said_out()
    assert "提交你的第一份理财计划" in reminder.text and "https://example.com/course/day7" in reminder.text
    assert reminder.mentions == ("bob",)
