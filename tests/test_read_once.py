"""Chat repeats itself (打卡, 收到, 谢谢老师): a short text the bot has read before is not read again, by the language
layer or by moderation, and what it says does not change because it was remembered."""
from __future__ import annotations

from bot.language import INTENTS, Reader, Reading
from harness import ROOM
from rituals.moderation.rules import Rules
from rituals.moderation.section import Moderation

LINK = "这篇讲定投的文章不错 https://mp.weixin.qq.com/s/AbC123"


def said(reading: Reading) -> dict[str, object]:
    return {name: getattr(reading, name) for name in (*INTENTS, "wants_out", "resubscribe", "bare")}


def test_a_short_text_read_again_is_the_same_reading_and_says_what_a_fresh_reading_says():
    reader = Reader.with_additions(None)
    for text in ("打卡✅", "实操完成", "我来自四川成都", "我毕业啦", "退订", "这个基金怎么选？"):
        for private in (False, True):
            first = reader.read(text, private)
            assert reader.read(text, private) is first
            assert said(first) == said(Reading(reader, text, private))
    assert reader.read("退订", private=True).optout and not reader.read("退订", private=False).optout


def test_a_long_text_is_read_afresh_and_the_memory_of_short_ones_is_bounded_oldest_first():
    reader = Reader.with_additions(None)
    long = "今天的课很实用，" * 20
    assert reader.read(long) is not reader.read(long)
    reader.MEMO_SIZE = 3
    first = reader.read("打卡")
    for text in ("收到", "谢谢老师", "学到了"):
        reader.read(text)
    assert len(reader._memo) == 3
    assert reader.read("打卡") is not first  # forgotten: the least recently read
    assert reader.read("学到了") is reader.read("学到了")


def test_moderation_remembers_a_judgement_per_text_kind_and_newness():
    rules = Rules(Moderation())
    for _ in range(2):  # judged, then remembered: the same answers
        assert rules.judge(LINK, "text", new=True) is not None  # a link from a new member is spam
        assert rules.judge(LINK, "text", new=False) is None  # from anyone else it is sharing
        assert rules.judge("收到", "text", new=True) is None
        assert rules.judge("加我微信 abc123 带你日赚500", "text", new=False).rule == "keyword"


def test_a_settled_member_repeating_the_same_spam_is_flagged_each_time(chat):
    chat.start_course("alice")
    spam = "加我微信 abc123 带你日赚500"
    chat.say("alice", "收到")
    chat.say("alice", spam)
    chat.say("alice", spam)
    actions = [a for (a,) in chat.store.conn.execute(
        "SELECT action FROM moderation_decisions WHERE room = ? AND member = 'alice' ORDER BY id", (ROOM,))]
    assert actions == ["warned", "asked_advisors"]
