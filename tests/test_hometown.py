"""家乡签到: members answer the opening prompt in their own words; the bot records official place names
and posts one running summary for several answers."""
from __future__ import annotations

import pytest

from harness import ROOM

SUMMARY = "已有 {n} 位同学签到，来自 {p} 个省份"


def open_course(chat, *members):
    """Bind a course starting 2026-12-01 and run to just after the 20:00 opening prompt the evening before."""
    chat.join(*members)
    chat.say("adv", "/start 2026-12-01")
    chat.until("2026-11-30 20:01")
    texts = chat.said()
    assert any("家乡签到" in t for t in texts), texts
    assert chat.group().state == "opening"


def hometown(chat, member):
    town = chat.store.hometowns.of(ROOM).get(member)
    return (town["province"], town["city"]) if town else None


@pytest.mark.parametrize("answer, province, city", [
    ("我来自四川成都", "四川省", "成都市"),
    ("家乡：湖南长沙", "湖南省", "长沙市"),
    ("坐标广东深圳", "广东省", "深圳市"),
    ("老家山东青岛", "山东省", "青岛市"),
    ("我是上海人", "上海市", "上海市"),
    ("新疆乌鲁木齐", "新疆维吾尔自治区", "乌鲁木齐市"),
])
def test_answer_is_recorded_by_full_official_names(chat, answer, province, city):
    open_course(chat, "alice")
    chat.say("alice", answer)
    assert hometown(chat, "alice") == (province, city)
    chat.advance(minutes=2)
    [summary] = chat.said()
    assert "alice" in summary and SUMMARY.format(n=1, p=1) in summary


def test_several_answers_share_one_summary_message(chat):
    open_course(chat, "alice", "bob", "carol", "dave")
    chat.say("alice", "我来自四川成都")
    chat.advance(seconds=10)
    chat.say("bob", "家乡：湖南长沙")
    chat.advance(seconds=10)
    chat.say("carol", "我是上海人")
    chat.advance(minutes=2)

    [summary] = chat.said()
    assert summary.startswith("🏠 家乡签到：")
    assert "alice（四川成都市）" in summary and "bob（湖南长沙市）" in summary and "carol（上海市）" in summary
    assert SUMMARY.format(n=3, p=3) in summary

    # a later answer from the same province: one more person, no new province
    chat.advance(minutes=10)
    chat.say("dave", "我来自四川绵阳")
    chat.advance(minutes=2)
    [summary] = chat.said()
    assert "dave（四川绵阳市）" in summary and "alice" not in summary
    assert SUMMARY.format(n=4, p=3) in summary


def test_a_correction_overwrites_the_first_answer(chat):
    open_course(chat, "alice")
    chat.say("alice", "我来自四川成都")
    chat.advance(minutes=2)
    chat.said()

    chat.advance(minutes=10)
    chat.say("alice", "更正：我来自湖北武汉")
    assert hometown(chat, "alice") == ("湖北省", "武汉市")
    chat.advance(minutes=2)
    [summary] = chat.said()
    assert "alice（湖北武汉市）" in summary and SUMMARY.format(n=1, p=1) in summary


def test_chat_that_mentions_a_place_does_not_overwrite(chat):
    open_course(chat, "alice")
    chat.say("alice", "我来自四川成都")
    chat.until("2026-12-01 09:01")  # the course has begun; people chat
    chat.said()

    chat.say("alice", "明天去北京出差")
    chat.advance(minutes=10)
    assert hometown(chat, "alice") == ("四川省", "成都市")
    assert chat.said() == []


def test_chat_that_starts_like_an_answer_but_is_not_one_does_not_overwrite(chat):
    open_course(chat, "alice")
    chat.say("alice", "我来自四川成都")
    chat.until("2026-12-01 09:01")
    chat.said()

    chat.say("alice", "我是做销售的，在北京上班")
    chat.say("alice", "我是第一次来深圳")
    chat.advance(minutes=10)
    assert hometown(chat, "alice") == ("四川省", "成都市")
    assert chat.said() == []


@pytest.mark.parametrize("text", ["我来自火星", "哈哈大家好", "收到", "我是新人"])
def test_an_unrecognisable_answer_records_nothing(chat, text):
    open_course(chat, "alice")
    chat.say("alice", text)
    chat.advance(minutes=10)
    assert chat.store.hometowns.of(ROOM) == {}
    assert chat.said() == []


def test_a_redelivered_message_counts_once(chat):
    open_course(chat, "alice", "bob")
    chat.say("alice", "我来自四川成都", msg_id="wx-1")
    chat.say("alice", "我来自四川成都", msg_id="wx-1")
    chat.say("bob", "坐标广东深圳")
    chat.advance(minutes=2)
    [summary] = chat.said()
    assert summary.count("alice") == 1 and SUMMARY.format(n=2, p=2) in summary

    # alice corrects herself; an old delivery of her first answer arriving late must not undo it
    chat.advance(minutes=10)
    chat.say("alice", "更正：我来自湖北武汉", msg_id="wx-2")
    chat.say("alice", "我来自四川成都", msg_id="wx-1")
    assert hometown(chat, "alice") == ("湖北省", "武汉市")
