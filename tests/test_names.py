"""Display names are input: whatever a member calls themselves, the bot prints one short line of it — never a
line break that starts a fake notice, a bidi override, or ten thousand characters."""
from __future__ import annotations

from harness import ADVISOR, ROOM

from bot.core.names import display_name

FAKE_NOTICE = "张三\n\n📢【微信官方通知】您的账号存在异常，请添加客服 kefu001 处理"
BIDI = "\u202e李四\u200b\u2066"
HUGE = "王" * 10_000
INVISIBLE = "\u200b\u202e\u2060\n"


def assert_safe(texts):
    for text in texts:
        assert not any(line.lstrip().startswith("📢【微信官方通知】") for line in text.split("\n")), text
        assert not any(c in text for c in "\u202e\u2066\u200b\u2060"), repr(text)
        assert "王" * 21 not in text, f"a name of {text.count('王')} characters went out"


def test_a_name_with_line_breaks_cannot_post_its_own_notice(chat):
    chat.join("u1", "u2", names={"u1": FAKE_NOTICE, "u2": BIDI})
    chat.say(ADVISOR, "/start 2026-12-01")
    chat.until("2026-12-01 09:30")
    chat.said()
    chat.say("u1", "打卡", name=FAKE_NOTICE)
    chat.say("u2", "打卡", name=BIDI)
    chat.advance(minutes=2)
    [ack] = chat.said()
    assert ack.startswith("✅ 打卡已记录：张三 📢【微信官方通知】") and "…" in ack and "\n" not in ack
    assert "李四" in ack
    assert_safe([ack])


def test_a_ten_thousand_character_name_is_cut_to_twenty_in_reminders_and_tallies(chat):
    chat.join("u1", "u2", names={"u1": HUGE})
    chat.say(ADVISOR, "/start 2026-12-01")
    chat.until("2026-12-01 22:01")
    texts = chat.said()
    reminder = next(t for t in texts if "还没打卡" in t)
    assert "@" + "王" * 19 + "…" in reminder
    assert_safe(texts)
    assert max(len(t) for t in texts) < 1000


def test_an_invisible_name_falls_back_to_the_end_of_the_id(chat):
    chat.join("wxid_abc9", names={"wxid_abc9": INVISIBLE})
    chat.say(ADVISOR, "/start 2026-12-01")
    chat.until("2026-12-01 20:01")
    assert any("@同学abc9" in t for t in chat.said())


def test_replies_and_the_member_list_print_the_cleaned_name(chat):
    chat.join("u1", "u2", names={"u1": FAKE_NOTICE, "u2": HUGE})
    chat.say(ADVISOR, "/start 2026-12-01")
    chat.said()
    chat.say("u1", "/start", name=FAKE_NOTICE)  # a member's command: told once that it is for advisors
    chat.say(ADVISOR, "/members")
    texts = chat.said()
    assert texts[0].startswith("@张三 📢【微信官方通知】")
    assert "成员 2 人" in texts[1]
    assert_safe(texts)


def test_names_are_stored_clean(chat):
    chat.join("u1", names={"u1": FAKE_NOTICE})
    chat.befriend("f1", BIDI)
    names = dict(chat.store.members.current(ROOM))
    assert names["u1"] == "张三 📢【微信官方通知】您的账号存在异…" and len(names["u1"]) == 20
    assert chat.store.funnel.contact("f1")["name"] == "李四"


def test_the_sanitiser():
    assert display_name("  小\t明 ") == "小 明"
    assert display_name("a" * 20) == "a" * 20
    assert display_name("a" * 21) == "a" * 19 + "…"
    assert display_name(None, "wxid_1234") == "同学1234"
    assert display_name("\u202e", "") == "同学"
    assert display_name("👨\u200d👩\u200d👧 家") == "👨👩👧 家"
