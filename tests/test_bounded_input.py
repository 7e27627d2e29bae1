"""Bounded input: numbers of thousands of digits, 1e309, a year 99999 or a novel-length answer get a usage reply
or are cut short — never an exception (the advisor would see 「出错了」)."""
from __future__ import annotations

import pytest

from harness import ROOM

FAILED = "出错了"
HUGE = "9" * 5000  # more digits than int() accepts by default (4,300)


@pytest.mark.parametrize("command, expected", [
    ("/tally 999999999999999999999", "课程只有第1到第7天"),
    (f"/tally {HUGE}", "课程只有第1到第7天"),
    ("/remind ²", "不是天数"),
    ("/tally ١٢", "不是天数"),
    (f"/remind {'x' * 10_000}", "不是天数"),
    ("/offer vip 进阶课 1e309 0.18 2026-12-20T23:59+08:00 20 https://x.y/z", "价格要在0到1000000元之间"),
    ("/offer vip 进阶课 nan 0.18 2026-12-20T23:59+08:00 20 https://x.y/z", "价格要在0到1000000元之间"),
    ("/offer vip 进阶课 999 1e-400 2026-12-20T23:59+08:00 20 https://x.y/z", "折扣要在0和1之间"),
    (f"/offer vip 进阶课 999 0.18 2026-12-20T23:59+08:00 {'9' * 1500} https://x.y/z", "要是1到100000的整数"),
    ("/offer vip 进阶课 999 0.18 2026-12-20T23:59+08:00 99999999999999999999 https://x.y/z", "要是1到100000的整数"),
    ("/offer vip 进阶课 999 0.18 9999-12-31T23:59-14:00 20 https://x.y/z", "不是时间"),
    ("/offer vip 进阶课 999 0.18 2099-12-31T23:59+08:00 20 https://x.y/z", "最多在一年之内"),
    (f"/offer {'v' * 500} 进阶课 999 0.18 2026-12-20T23:59+08:00 20 https://x.y/z", "只能用字母"),
    (f"/offer vip {'课' * 500} 999 0.18 2026-12-20T23:59+08:00 20 https://x.y/z", "标题最多50个字"),
    (f"/enrolled @{'张' * 1500} advanced", "找不到成员"),
    (f"/push {'x' * 10_000}", "没有优惠"),
    (f"/coupon {'x' * 10_000}", "没有券"),
    (f"/{'x' * 10_000}", "未知指令"),
])
def test_oversized_command_arguments_get_a_usage_reply(chat, command, expected):
    chat.start_course("alice")
    chat.say("adv", command)
    [reply] = chat.said()
    assert expected in reply and FAILED not in reply
    assert len(reply) < 300, "the argument was echoed back in full"


@pytest.mark.parametrize("arg", ["99999-01-01", "9999-12-31", "0001-01-01", HUGE, "2026-12-01" + "x" * 10_000])
def test_start_with_an_impossible_date_gets_a_usage_reply(chat, arg):
    chat.join("alice")
    chat.say("adv", f"/start {arg}")
    [reply] = chat.said()
    assert "用法：/start" in reply and FAILED not in reply and len(reply) < 300
    assert chat.engine.groups.get(ROOM) is None


def test_a_novel_length_free_text_answer_is_cut_short(chat):
    for text in ("问卷", "1", "1", "1"):
        chat.say("u1", text, room=None)
    chat.said()
    chat.say("u1", "我想学" + "基金" * 50_000, room=None)
    assert any("感谢填写" in t for t in chat.said())
    (answer,) = chat.store.conn.execute("SELECT answer FROM survey_answers WHERE question = 'wish'").fetchone()
    assert answer.startswith("我想学基金") and len(answer) == 500


def test_a_survey_choice_of_thousands_of_digits_is_asked_again(chat):
    chat.say("u1", "问卷", room=None)
    chat.said()
    chat.say("u1", HUGE, room=None)
    [reply] = chat.said()
    assert reply.startswith("没看懂「" + "9" * 19 + "…」")


def test_a_huge_message_in_the_group_is_cut_before_the_keyword_checks(chat):
    chat.start_course("alice", "bob")
    chat.until("2026-12-01 10:00")
    chat.say("alice", "打卡了" + "哈" * 300_000)
    chat.say("bob", "没打卡 " * 1000 + "打卡了")  # the check-in is past the first 4,000 characters: not looked at
    chat.advance(minutes=5)
    assert chat.store.checkins.done_on(ROOM, 1) == {"alice"}
