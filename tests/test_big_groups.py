"""500 members in one group: a course day costs at most settings.daily_messages bot messages, no text is longer than
settings.max_message_chars, the day's acknowledgements are spread so an evening check-in is named as surely as a
morning one (each naming ten and counting the rest), and a reminder @-mentions at most mentions_per_message."""
from __future__ import annotations

import re

import yaml

from harness import ADVISOR, PLAYBOOK, ROOM, TZ, Chat, local

MEMBERS = [f"学员{i:03d}" for i in range(1, 501)]


def posts_on(chat, day: str) -> list:
    """Every message the bot sent to the group on a local date 'YYYY-MM-DD'."""
    chat.said()
    return [s for s in chat.transport.sent
            if s.out.room == ROOM and s.out.to is None and f"{s.ts.astimezone(TZ):%Y-%m-%d}" == day]


def unacked(chat, table: str, columns: str = "member") -> list:
    return chat.store.acks.unacked(table, columns, ROOM)


def spread(members: list[str], first: str, last: str) -> list[tuple[object, str]]:
    """(moment, member): the members one after another, evenly between two local times."""
    t0, t1 = local(first), local(last)
    step = (t1 - t0) / max(len(members) - 1, 1)
    return [(t0 + i * step, m) for i, m in enumerate(members)]


def play(chat, moves: list[tuple[object, str, str]]) -> None:
    for at, member, text in sorted(moves):
        chat.say(member, text, at=at)


def test_a_day_of_500_members_stays_within_the_budget_and_every_check_in_is_acknowledged(chat):
    chat.start_course(*MEMBERS)
    daytime = spread(MEMBERS[:250], "2026-12-01 09:05", "2026-12-01 19:00")
    evening = spread(MEMBERS[250:400], "2026-12-01 19:30", "2026-12-01 21:55")  # the burst after the reminder
    practice = spread(MEMBERS[:200], "2026-12-01 12:05", "2026-12-01 20:55")
    play(chat, [(t, m, "打卡") for t, m in daytime + evening] + [(t, m, "实操完成") for t, m in practice])
    chat.until("2026-12-01 21:59")
    # the member who checked in around 18:00 has been named before the evening tally, like the one at 09:05
    at_six = next(m for t, m in daytime if t >= local("2026-12-01 18:00"))
    assert at_six not in {m for m, _ in unacked(chat, "checkins", "member, day")}
    chat.until("2026-12-01 23:59")

    posts = posts_on(chat, "2026-12-01")
    texts = [p.out.text for p in posts]
    assert len(posts) <= chat.pb.settings.daily_messages == 12
    assert max(len(t) for t in texts) <= chat.pb.settings.max_message_chars == 1000
    for course_post in ("📖 第1天", "🛠️ 第1天实操", "📌 今天的实操", "⏰ 第1天还没打卡", "📊 第1天打卡统计：400/500 人"):
        assert any(t.startswith(course_post) for t in texts), course_post  # the course itself is never what is dropped
    acks = [t for t in texts if t.startswith("✅")]
    assert 3 <= len(acks) <= chat.pb.settings.acks.max_per_day
    assert any(re.search(r"等 \d+ 位同学（今日已打卡 \d+/500 人）", t) for t in acks)
    assert all(len(re.findall(r"学员\d{3}", line)) <= 10 for t in acks for line in t.splitlines())
    assert unacked(chat, "checkins") == [] and unacked(chat, "practice") == []  # all the same day


def test_the_reminder_at_500_members_is_one_message_streak_at_risk_first(chat):
    chat.start_course(*MEMBERS)
    play(chat, [(t, m, "打卡") for t, m in spread(MEMBERS[:100], "2026-12-01 09:05", "2026-12-01 18:00")])
    chat.until("2026-12-02 09:01")
    chat.said()
    play(chat, [(t, m, "打卡") for t, m in spread(MEMBERS[:30], "2026-12-02 09:05", "2026-12-02 12:00")])
    chat.until("2026-12-02 19:59")
    chat.said()

    chat.until("2026-12-02 20:01")
    [reminder] = [o for o in chat.said_out() if o.text.startswith("⏰")]
    assert "🔥 断签提醒：70 位同学昨天打了卡" in reminder.text
    assert reminder.mentions == tuple(MEMBERS[30:60])  # 30 of the 70 whose streak is at risk, before anyone else
    assert reminder.text.endswith("…还有 440 位同学")
    assert len(reminder.text) <= 1000


def test_400_graduates_are_congratulated_the_same_evening_within_the_budget(chat):
    chat.start_course(*MEMBERS)
    chat.until("2026-12-07 20:31")
    chat.said()
    play(chat, [(t, m, "我毕业啦!") for t, m in spread(MEMBERS[:400], "2026-12-07 20:31", "2026-12-07 21:50")])
    chat.until("2026-12-07 23:59")

    posts = posts_on(chat, "2026-12-07")
    texts = [p.out.text for p in posts]
    assert len(posts) <= 12 and max(len(t) for t in texts) <= 1000
    assert unacked(chat, "graduates") == []
    congratulated = [t for t in texts if t.startswith("🎓 恭喜")]
    assert sum(int(n) for t in congratulated for n in re.findall(r"等 (\d+) 位同学毕业", t)) == 400
    assert congratulated[-1].endswith("（已有 400 位同学毕业）")


def test_every_post_counts_even_across_a_restart_and_the_course_is_never_what_is_dropped(chat):
    chat.start_course("alice", "bob", "carol", "dave", "erin")
    chat.until("2026-12-02 08:00")
    chat.said()
    for i in range(5):
        chat.say(ADVISOR, f"/say 通知{i}")  # the advisor's posts spend the day's budget too
    chat.restart()  # the budget is counted from the outbox table: a restart forgets nothing
    play(chat, [(t, m, "打卡") for t, m in spread(["alice", "bob", "carol", "dave"], "2026-12-02 09:30", "2026-12-02 18:00")])
    chat.until("2026-12-02 23:59")

    texts = [p.out.text for p in posts_on(chat, "2026-12-02")]
    assert len(texts) <= 12
    for course_post in ("📖 第2天", "🛠️ 第2天实操", "📌 今天的实操", "⏰ 第2天还没打卡", "📊 第2天打卡统计：4/5 人"):
        assert any(t.startswith(course_post) for t in texts), course_post
    assert len([t for t in texts if t.startswith("✅")]) <= 1  # what was left: 12 - 5 posts - 5 course posts - the spare
    assert unacked(chat, "checkins") == []  # the tally counted the rest


def test_a_check_in_after_the_tally_is_acknowledged_before_midnight(chat):
    chat.start_course("alice", "bob", "carol")
    chat.until("2026-12-01 22:30")
    chat.said()
    chat.say("alice", "打卡")
    chat.until("2026-12-01 23:59")
    assert chat.said() == ["✅ 打卡已记录：alice（今日已打卡 1/3 人）"]


def test_a_text_longer_than_max_message_chars_is_split_at_line_breaks(chat):
    chat.start_course("alice")
    lines = [f"第{i}条：" + "理财" * 20 for i in range(1, 41)]  # 40 lines, ~1,800 characters
    chat.say(ADVISOR, "/say " + "\n".join(lines))
    parts = chat.said()
    assert len(parts) == 2 and all(len(p) <= 1000 for p in parts)
    assert "\n".join(parts) == "\n".join(lines)


def test_the_practice_reminder_comes_the_configured_time_before_the_due_time(tmp_path):
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["practice"]["remind_before_minutes"] = 30
    path = tmp_path / "playbook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"), playbook=path)
    chat.start_course("alice", "bob")
    chat.until("2026-12-01 20:29")
    assert not [t for t in chat.said() if t.startswith("📌")]
    chat.until("2026-12-01 20:31")
    [reminder] = chat.said_out()
    assert reminder.text.startswith("📌 今天的实操「列出你的月收支表」21:00 截止") and reminder.mentions == ("alice", "bob")


def test_a_course_day_begun_by_the_advisors_next_has_its_own_budget(chat):
    """A demo runs day 1 and day 2 in one afternoon: day 2's check-ins are still acknowledged at once."""
    chat.start_course("alice", "bob", "carol")
    chat.until("2026-12-01 13:00")
    for who in ("alice", "bob", "carol"):
        chat.say(who, "打卡")
    chat.advance(minutes=2)
    assert any("今日已打卡 3/3 人" in line for line in chat.said())
    for n in range(6):  # the advisor fills the day: six more posts to the class
        chat.say(ADVISOR, f"/say 通知{n}")
    chat.advance(minutes=1)
    chat.say(ADVISOR, "/next")
    chat.advance(minutes=1)
    chat.said()
    chat.say("alice", "打卡")
    chat.say("bob", "打卡")
    chat.advance(minutes=2)
    assert any("今日已打卡 2/3 人" in line for line in chat.said())
