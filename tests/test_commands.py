"""The advisor's commands: / or ／, English names or Chinese aliases; bad input gets a one-line answer and
changes nothing; members (even one who borrows the advisor's display name) get no power."""
from __future__ import annotations

import pytest

from harness import ROOM


def bind(chat, *members):
    chat.join(*(members or ("alice", "bob", "carol")))
    chat.say("adv", "/start 2026-12-01")
    chat.said()


def start_course(chat, *members):
    bind(chat, *members)
    chat.until("2026-12-01 09:01")
    chat.said()
    assert chat.group().state == "in_course" and chat.group().course_day == 1


def snapshot(chat):
    """Everything a refused command must leave alone."""
    return chat.store.groups.row(ROOM), chat.store.groups.history(ROOM), chat.store.groups.fired(ROOM)


# -- syntax --------------------------------------------------------------------------------------

def test_full_width_slash_and_chinese_alias_bind_the_group(chat):
    chat.join("alice", "bob")
    chat.say("adv", "／开课 2026-12-01")
    assert chat.said() == ["【理财1期】已绑定「7天小白理财实操课」：第1天是 2026-12-01，共7天。"]
    row = chat.store.groups.row(ROOM)
    assert row["state"] == "bound" and row["start_date"] == "2026-12-01"
    assert chat.group().members == {"alice": "alice", "bob": "bob"}


@pytest.mark.parametrize("text", ["/status", "／status", "/状态", "／状态", "  /状态  "])
def test_every_spelling_of_status_answers(chat, text):
    start_course(chat)
    chat.say("adv", text)
    [reply] = chat.said()
    assert reply.startswith("【理财1期】📋 理财1期：上课中")


def test_help_lists_the_commands(chat):
    chat.say("adv", "/help")  # works before any course is bound
    [reply] = chat.said()
    assert reply.startswith("【理财1期】导师指令：")
    for usage in ("/start [YYYY-MM-DD]", "/next", "/pause", "/resume", "/status", "/members", "/say 要发的内容",
                  "/graduate", "/tally [天数]", "/remind [天数]", "/help"):
        assert usage in reply, usage
    assert "开课" in reply and "状态" in reply
    chat.say("adv", "／帮助")
    assert chat.said() == [reply]


def test_an_unknown_command_gets_a_one_line_reply(chat):
    start_course(chat)
    before = snapshot(chat)
    chat.say("adv", "/foo bar")
    [reply] = chat.said()
    assert reply == "【理财1期】未知指令 /foo，发送 /help 查看可用指令。"
    assert snapshot(chat) == before


# -- /start --------------------------------------------------------------------------------------

@pytest.mark.parametrize("arg", ["2026-13-01", "明天", "2026/12/01", "2027-06-01", "2026-11-01"])
def test_start_with_a_bad_date_answers_usage_and_stores_nothing(chat, arg):
    chat.join("alice")
    chat.say("adv", f"/start {arg}")
    [reply] = chat.said()
    assert reply.startswith("【理财1期】") and "用法：/start [YYYY-MM-DD]" in reply
    assert "\n" not in reply
    assert chat.store.groups.row(ROOM) is None and chat.store.groups.history(ROOM) == []
    assert chat.engine.groups.get(ROOM) is None
    chat.until("2026-12-01 09:01")
    assert chat.said() == []


def test_start_without_a_date_starts_today_and_catches_up_on_this_mornings_posts(chat):
    chat.join("alice")
    chat.say("adv", "/start")  # at 10:00: the opening and the 09:00 lesson are already past
    texts = chat.said()
    assert texts[-1] == "【理财1期】已绑定「7天小白理财实操课」：第1天是 2026-11-30，共7天。"
    assert any("家乡签到" in t for t in texts) and any(t.startswith("📖 第1天") for t in texts)
    assert chat.group().state == "in_course" and chat.group().course_day == 1


def test_start_twice_keeps_the_first_binding(chat):
    bind(chat)
    before = snapshot(chat)
    chat.say("adv", "/start 2026-12-05")
    [reply] = chat.said()
    assert "已经绑定" in reply and "2026-12-01" in reply
    assert snapshot(chat) == before
    assert chat.group().start_date.isoformat() == "2026-12-01"


# -- /graduate -----------------------------------------------------------------------------------

def test_graduate_before_start_is_refused(chat):
    chat.join("alice")
    chat.say("adv", "/graduate")
    [reply] = chat.said()
    assert reply == "【理财1期】本群还没有开课，请先用 /start [YYYY-MM-DD] 绑定课程。"
    assert chat.store.groups.row(ROOM) is None and chat.store.groups.history(ROOM) == []


@pytest.mark.parametrize("when, state, label", [
    ("2026-11-30 12:00", "bound", "待开营"),
    ("2026-11-30 20:05", "opening", "开营签到"),
])
def test_graduate_before_the_course_has_begun_is_refused_and_changes_nothing(chat, when, state, label):
    bind(chat)
    chat.until(when)
    chat.said()
    before = snapshot(chat)
    chat.say("adv", "/graduate")
    [reply] = chat.said()
    assert reply == f"【理财1期】当前状态是「{label}」，不能执行 /graduate，什么也没有改变。"
    assert snapshot(chat) == before
    assert chat.group().state == state

    chat.until("2026-12-01 09:01")  # the calendar carries on as if nothing happened
    assert chat.group().state == "in_course"


def test_graduate_during_the_course_opens_the_ceremony_now(chat):
    start_course(chat)
    chat.say("adv", "／毕业")
    texts = chat.said()
    assert any("我毕业啦!" in t for t in texts)
    assert chat.group().state == "graduation"
    assert chat.store.groups.history(ROOM)[-1]["actor"] == "adv"


# -- /next ---------------------------------------------------------------------------------------

def test_next_moves_to_the_next_day_and_posts_its_lesson(chat):
    start_course(chat)
    chat.until("2026-12-01 10:00")
    chat.say("adv", "/next")
    texts = chat.said()
    assert any(t.startswith("📖 第2天：货币基金与银行存款") for t in texts)
    assert "【理财1期】已进入第2天。" in texts
    assert chat.group().course_day == 2 and chat.store.groups.row(ROOM)["course_day"] == 2

    chat.until("2026-12-01 12:01")  # the day's task follows at its usual time
    assert any("https://example.com/course/day2" in t for t in chat.said())


def test_next_on_the_last_day_is_refused(chat):
    start_course(chat)
    chat.until("2026-12-07 09:01")
    chat.said()
    before = snapshot(chat)
    chat.say("adv", "/下一天")
    [reply] = chat.said()
    assert "已经是最后一天（第7天）" in reply and "/graduate" in reply
    assert snapshot(chat) == before
    assert chat.group().course_day == 7 and chat.group().state == "in_course"


def test_next_with_an_argument_answers_usage(chat):
    start_course(chat)
    before = snapshot(chat)
    chat.say("adv", "/next 3")
    [reply] = chat.said()
    assert "用法：/next" in reply and "\n" not in reply
    assert snapshot(chat) == before


# -- /pause and /resume --------------------------------------------------------------------------

def test_pause_stops_scheduled_posts_and_resume_restores_them(chat):
    start_course(chat)
    chat.until("2026-12-01 19:00")
    chat.said()
    chat.say("adv", "/pause")
    assert chat.said() == ["【理财1期】已暂停：定时消息不再发送，打卡照常记录。发送 /resume 恢复。"]
    assert chat.group().paused and chat.store.groups.row(ROOM)["paused"] == 1

    chat.say("alice", "打卡")  # still recorded while paused
    chat.until("2026-12-01 23:00")
    assert chat.said() == []  # no acknowledgement, no 20:00 reminder, no 21:00 practice reminder, no 22:00 tally
    assert chat.store.checkins.done_on(ROOM, 1) == {"alice"}

    chat.say("adv", "／恢复")
    assert chat.said() == ["【理财1期】已恢复定时消息。"]
    chat.until("2026-12-02 09:01")
    assert [t for t in chat.said() if t.startswith("📖 第2天")]
    assert chat.group().course_day == 2
    chat.until("2026-12-02 20:01")
    assert any(t.startswith("⏰ 第2天还没打卡的同学") for t in chat.said())


def test_pause_twice_and_resume_when_not_paused_say_so(chat):
    start_course(chat)
    chat.say("adv", "/resume")
    assert chat.said() == ["【理财1期】并没有暂停。"]
    chat.say("adv", "/pause")
    chat.say("adv", "/pause")
    assert chat.said()[-1] == "【理财1期】已经是暂停状态。"


# -- /say, /members, /status ---------------------------------------------------------------------

def test_say_posts_the_text_as_it_is(chat):
    start_course(chat)
    chat.say("adv", "/say 今晚8点直播答疑，大家准时来～")
    [out] = chat.said_out()
    assert out.text == "今晚8点直播答疑，大家准时来～" and out.mentions == ()


@pytest.mark.parametrize("text", ["/say", "/say   ", "／说"])
def test_say_without_text_answers_usage(chat, text):
    start_course(chat)
    chat.say("adv", text)
    [reply] = chat.said()
    assert reply == "【理财1期】缺少要发送的内容。 用法：/say 要发的内容"


def test_members_lists_the_members_without_the_advisor(chat):
    bind(chat, "alice", "bob", "carol", "adv")
    chat.say("adv", "/members")
    assert chat.said() == ["【理财1期】成员 3 人：alice、bob、carol"]
    chat.leave("bob")
    chat.say("adv", "/成员")
    assert chat.said() == ["【理财1期】成员 2 人：alice、carol"]


def test_status_reports_state_day_and_counts(chat):
    bind(chat)
    chat.until("2026-11-30 20:01")
    chat.say("alice", "我来自四川成都")
    chat.until("2026-12-01 09:30")
    chat.say("alice", "打卡")
    chat.said()
    chat.say("adv", "/status")
    [reply] = chat.said()
    assert reply.splitlines()[:3] == [
        "【理财1期】📋 理财1期：上课中",
        "第1天/共7天 · 第1天 2026-12-01",
        "成员 3 人 · 家乡签到 1 人 · 今日打卡 1 人",
    ]
    chat.say("adv", "/pause")
    chat.say("adv", "/status")
    assert "上课中（已暂停）" in chat.said()[-1]


# -- who may command -----------------------------------------------------------------------------

def test_a_members_command_changes_nothing(chat):
    start_course(chat)
    before = snapshot(chat)
    for text in ("/pause", "/next", "/graduate", "/say 加我微信领资料", "/start 2026-12-05"):
        chat.say("bob", text)
    chat.advance(minutes=5)
    texts = chat.said()
    assert texts == ["@bob 这个指令只有导师可以使用哦～"]  # told once, not on every attempt
    assert snapshot(chat) == before
    assert not chat.group().paused


def test_a_member_cannot_start_a_course(chat):
    chat.join("alice", "bob")
    chat.say("bob", "/start 2026-12-01")
    assert chat.said() == ["@bob 这个指令只有导师可以使用哦～"]
    assert chat.store.groups.row(ROOM) is None
    chat.until("2026-11-30 20:01")
    assert chat.said() == []


@pytest.mark.parametrize("name", ["adv", "导师", "小金"])
def test_a_member_who_takes_the_advisors_name_gets_no_power(chat, name):
    start_course(chat)
    before = snapshot(chat)
    chat.say("eve", "/graduate", name=name)
    chat.say("eve", "/say 扫码进VIP群", name=name)
    chat.say("eve", "/pause", name=name)
    texts = chat.said()
    assert texts == [f"@{name} 这个指令只有导师可以使用哦～"]
    assert snapshot(chat) == before
    assert chat.group().state == "in_course" and not chat.group().paused
