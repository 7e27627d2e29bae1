"""毕业: on day 7 at 20:30 the ceremony opens; each member who says 「我毕业啦!」 is congratulated once with
their own numbers; on day 8 the group becomes an alumni group and its posts continue."""
from __future__ import annotations

from harness import ROOM

DAYS = [f"2026-12-0{d}" for d in range(1, 8)]  # course days 1..7


def to_ceremony(chat):
    chat.until("2026-12-07 20:31")
    chat.said()
    assert chat.group().state == "graduation"


def graduates(chat):
    return chat.store.graduates.of(ROOM)


def test_the_ceremony_opens_on_day_seven_at_half_past_eight(chat):
    chat.start_course("alice", "bob")
    chat.until("2026-12-07 20:29")
    chat.said()
    assert chat.group().state == "in_course" and chat.group().course_day == 7

    chat.until("2026-12-07 20:31")
    [script] = chat.said()
    assert "请每位同学在群里发送「我毕业啦!」" in script
    assert chat.group().state == "graduation"
    assert chat.store.groups.row(ROOM)["state"] == "graduation"
    last = chat.store.groups.history(ROOM)[-1]
    assert (last["from_state"], last["to_state"], last["event"], last["course_day"]) == ("in_course", "graduation", "graduate", 7)


def test_each_way_of_saying_it_records_a_graduate_once(chat):
    chat.start_course("alice", "bob", "carol", "dave")
    to_ceremony(chat)
    chat.say("alice", "我毕业啦")
    chat.say("bob", "我毕业啦!")
    chat.say("carol", "我毕业啦！🎓")
    chat.say("alice", "我毕业啦！！")
    chat.say("dave", "恭喜大家")
    chat.advance(minutes=2)

    assert sorted(graduates(chat)) == ["alice", "bob", "carol"]
    [congrats] = chat.said()
    assert congrats.startswith("🎓 恭喜毕业：")
    assert congrats.count("恭喜alice毕业") == 1
    assert "恭喜bob毕业" in congrats and "恭喜carol毕业" in congrats and "dave" not in congrats

    chat.advance(minutes=10)
    chat.say("bob", "我毕业啦!")
    chat.advance(minutes=10)
    assert chat.said() == []
    assert sorted(graduates(chat)) == ["alice", "bob", "carol"]


def test_the_congratulation_names_the_members_own_numbers(chat):
    chat.start_course("alice", "bob")
    for n, day in enumerate(DAYS, 1):
        chat.until(f"{day} 13:00")
        chat.say("alice", "打卡")
        if n <= 3:
            chat.say("alice", "实操完成")
        if n in (2, 5):
            chat.say("bob", "打卡")
    to_ceremony(chat)

    chat.say("alice", "我毕业啦!")
    chat.advance(minutes=2)
    assert chat.said() == ["🎓 恭喜alice毕业！7天里打卡 7 天，完成实操 3 次 👏"]

    chat.advance(minutes=10)
    chat.say("bob", "我毕业啦!")
    # the day's 12 messages are nearly spent (lesson, task, reminders, ceremony, class picture, tally, its card):
    # bob's congratulation waits for the spare kept for after the tally, the same evening
    chat.until("2026-12-07 22:10")
    assert "🎓 恭喜bob毕业！7天里打卡 2 天，完成实操 0 次 👏" in chat.said()


def test_saying_it_before_the_ceremony_records_nothing(chat):
    chat.start_course("alice", "bob")
    chat.until("2026-12-07 20:00")
    chat.said()
    chat.say("alice", "我毕业啦!")
    chat.until("2026-12-07 20:29")
    assert graduates(chat) == []
    assert not any("恭喜" in t for t in chat.said())

    # the early words do not count, and they do not stop her graduating properly
    chat.until("2026-12-07 20:31")
    chat.say("alice", "我毕业啦!")
    assert graduates(chat) == ["alice"]


def test_the_group_becomes_an_alumni_group_and_its_posts_continue(chat):
    chat.start_course("alice", "bob")
    to_ceremony(chat)
    chat.say("alice", "我毕业啦!")
    chat.until("2026-12-08 09:59")
    chat.said()
    assert chat.group().state == "graduation"

    chat.until("2026-12-08 10:01")
    [welcome] = chat.said()
    assert "校友群" in welcome
    assert chat.group().state == "alumni" and chat.store.groups.row(ROOM)["state"] == "alumni"

    chat.until("2026-12-10 19:59")
    assert chat.said() == []
    chat.until("2026-12-10 20:01")
    assert chat.said() == ["📚 校友福利：12月10日（周四）晚8点直播答疑「基金定投的常见误区」，欢迎来听～"]  # day 10 is a Thursday

    # a latecomer may still graduate in the alumni group
    chat.say("bob", "我毕业啦")
    assert sorted(graduates(chat)) == ["alice", "bob"]


def test_the_course_days_run_in_order_to_graduation(chat):
    chat.start_course("alice")
    chat.until("2026-12-08 10:01")
    rows = [(h["to_state"], h["event"], h["course_day"]) for h in chat.store.groups.history(ROOM)]
    assert rows == [
        ("bound", "start", 0),
        ("opening", "open_course", 0),
        ("in_course", "begin", 1),
        *[("in_course", "next_day", d) for d in range(2, 8)],
        ("graduation", "graduate", 7),
        ("alumni", "to_alumni", 7),
    ]
