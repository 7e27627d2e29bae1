"""The durable inbox: what the transport delivers is stored before it is processed, processed after a crash,
in order, once; receiving never waits for processing; a huge message is cut at the edge."""
from __future__ import annotations

from datetime import timedelta

from bot.core.events import FriendRequest, Member, MemberJoined, Message
from bot.core.inbox import MAX_TEXT_CHARS, decode, encode
from harness import ROOM


def message(chat, sender, text, msg_id, room=ROOM):
    return Message(msg_id, chat.clock.now(), room, sender, sender, text, topic="理财1期")


def received(chat, *events):
    """The transport delivers events; the bot only stores them (the processor has not run yet)."""
    for ev in events:
        chat.run(chat.engine.inbox.receive(ev))


def test_a_checkin_received_just_before_a_crash_is_handled_after_the_restart(chat):
    chat.start_course("alice", "bob")
    received(chat, message(chat, "alice", "打卡", "in-1"), message(chat, "bob", "✅", "in-2"))
    assert chat.store.inbox.length() == 2 and chat.store.checkins.done_on(ROOM, 1) == set()
    chat.restart()  # a kill -9 before the processor ran: in memory, both were lost; in the inbox, they wait
    chat.run(chat.engine.inbox.process())
    assert chat.store.checkins.done_on(ROOM, 1) == {"alice", "bob"}
    assert chat.store.inbox.length() == 0
    chat.advance(minutes=2)
    assert any("打卡已记录：alice、bob" in t for t in chat.said())


def test_receiving_only_stores_and_the_processor_handles_in_arrival_order(chat):
    chat.start_course("alice")
    received(chat, message(chat, "alice", "我来自广东深圳", "o-1"), message(chat, "alice", "更正：我来自四川成都", "o-2"))
    assert chat.store.hometowns.of(ROOM) == {}
    chat.run(chat.engine.inbox.process())
    assert chat.store.hometowns.of(ROOM) == {"alice": {"province": "四川省", "city": "成都市"}}  # the later correction wins: order kept


def test_an_event_delivered_twice_is_handled_once(chat):
    chat.start_course("alice")
    ev = message(chat, "alice", "打卡", "dup-1")
    received(chat, ev, ev)
    chat.run(chat.engine.inbox.process())
    assert chat.store.checkins.count(ROOM, "alice") == 1 and chat.store.inbox.length() == 0


def test_an_event_whose_handler_fails_leaves_the_inbox_and_the_next_one_is_handled(chat, monkeypatch):
    chat.start_course("alice", "bob")

    def broken(ev):
        raise RuntimeError("a bug in a ritual")

    monkeypatch.setattr(chat.engine, "_on_join", broken)
    received(chat, MemberJoined("j-bad", chat.clock.now(), ROOM, (Member("carol", "carol"),), "理财1期"),
             message(chat, "bob", "打卡", "after-bad"))
    chat.run(chat.engine.inbox.process())
    assert chat.store.inbox.length() == 0  # recorded as seen: it cannot block the inbox or loop after a restart
    assert chat.store.checkins.count(ROOM, "bob") == 1


def test_a_100000_character_message_is_cut_before_anything_reads_it(chat):
    chat.start_course("alice")
    received(chat, message(chat, "alice", "打卡" + "啊" * 100_000, "long-1"))
    ((_, line),) = chat.store.inbox.next()
    assert len(decode(line).text) == MAX_TEXT_CHARS
    chat.run(chat.engine.inbox.process())
    chat.say("alice", "我来自四川成都")  # the bot goes on as usual
    assert chat.store.hometowns.of(ROOM)["alice"]["city"] == "成都市"


def test_every_kind_of_event_survives_the_inbox_unchanged(chat):
    now = chat.clock.now()
    events = [Message("a", now, None, "u1", "张三", "退订", kind="text", mentions=("x",)),
              MemberJoined("b", now + timedelta(seconds=1), ROOM, (Member("u1", "张三"), Member("u2", "")), "理财1期"),
              FriendRequest("c", now, "u3", "王五", "想学理财")]
    assert [decode(encode(e)) for e in events] == events


def test_an_event_that_breaks_even_the_error_path_cannot_block_the_inbox(chat, monkeypatch):
    chat.start_course("alice")

    def broken(event, row=None):
        raise RuntimeError("the database said no")

    received(chat, message(chat, "alice", "打卡", "poison"))
    monkeypatch.setattr(chat.engine, "handle_now", broken)
    chat.run(chat.engine.inbox.process())
    assert chat.store.inbox.length() == 0
