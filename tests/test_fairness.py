"""Fairness: one member flooding the bot cannot delay anyone else. Replies are limited per person and per room,
a message repeated over and over is answered once, and scheduled posts are never starved by replies."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bot.core.events import Outgoing
from bot.delivery.outbox import POST
from harness import ADVISOR, ROOM, local


def private(chat, who, text):
    return chat.say(who, text, room=None)


def test_a_message_repeated_over_and_over_is_answered_once(chat):
    for _ in range(50):
        private(chat, "flooder", "领券")
    assert chat.said() == ["目前没有可以领取的券哦～"]


def test_a_person_gets_a_few_replies_per_ten_minutes_then_again_later(chat):
    for i in range(30):
        private(chat, "flooder", ("领券", "我要领券")[i % 2])  # never the same twice in a row: each one answered
    assert len(chat.said()) == chat.pb.settings.replies.per_person == 8
    chat.advance(minutes=10, seconds=1)
    private(chat, "flooder", "领券")
    assert chat.said() == ["目前没有可以领取的券哦～"]


def test_a_room_flooded_by_many_members_gets_a_few_replies(chat):
    chat.start_course(*(f"m{i}" for i in range(100)))
    for i in range(300):
        chat.say(f"m{i % 100}", ("领券", "我要领券", "/status")[i // 100])
    replies = chat.said()
    assert len(replies) == chat.pb.settings.replies.per_room == 6


def test_other_people_are_still_answered_while_one_floods(chat):
    for i in range(100):
        private(chat, "flooder", ("领券", "我要领券")[i % 2])
    private(chat, "bob", "领券")
    texts = chat.said_out()
    assert [o.text for o in texts if o.to == "bob"] == ["目前没有可以领取的券哦～"]
    assert Counter(o.to for o in texts)["flooder"] <= 8


def test_advisors_are_never_limited(chat):
    chat.start_course("alice")
    for _ in range(20):
        chat.say(ADVISOR, "/members")
    assert len(chat.said()) == 20


def test_every_groups_lesson_goes_out_on_time_while_a_member_floods_at_08_59(chat):
    rooms = [f"g{i}@chatroom" for i in range(20)]
    for room in rooms:
        chat.say(ADVISOR, "/start 2026-12-01", room=room)
    chat.until("2026-12-01 08:59")
    chat.said()
    for _ in range(1000):
        private(chat, "flooder", "领券")
    for i in range(100):
        private(chat, "flooder", f"领券{i}")
    chat.until("2026-12-01 09:30")
    chat.said()
    sent = chat.transport.sent
    lessons = [s.ts for s in sent if "第1天：" in s.out.text]
    assert len(lessons) == len(rooms) and max(lessons) <= local("2026-12-01 09:05")
    assert sum(1 for s in sent if s.out.to == "flooder") <= 10


def test_a_scheduled_post_waiting_a_minute_goes_before_newer_replies(chat):
    now = chat.clock.now()
    with chat.store.tx():
        chat.engine.outbox.put(Outgoing("g1@chatroom", None, "早课"), now, priority=POST)
    chat.clock.set(now + timedelta(minutes=2))
    with chat.store.tx():
        for i in range(5):
            chat.engine.outbox.put(Outgoing(ROOM, None, f"回复{i}"), chat.clock.now())
    assert chat.said()[0] == "早课"
