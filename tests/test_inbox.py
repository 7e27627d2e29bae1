"""The durable inbox: what the transport delivers is stored before it is processed, processed after a crash,
in order, once; receiving never waits for processing; a huge message is cut at the edge."""
from __future__ import annotations

from datetime import timedelta

from bot.core.events import FriendRequest, Member, MemberJoined, Message
from bot.core.inbox import MAX_TEXT_CHARS, decode, encode
from harness import ROOM, statements_during


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

    def broken(event):
        raise RuntimeError("the database said no")

    received(chat, message(chat, "alice", "打卡", "poison"))
    monkeypatch.setattr(chat.engine.inbox, "handle", broken)  # what the inbox calls (bound when it was built)
    chat.run(chat.engine.inbox.process())
    assert chat.store.inbox.length() == 0


# -- group commit: a burst shares one transaction, each event still atomic -------------------------------------
def commits_during(chat, action):
    """How many transactions were committed while `action` ran."""
    return statements_during(chat, action).count("COMMIT")


def test_a_burst_of_checkins_is_committed_once_and_the_sender_sees_the_reply_only_after_the_commit(chat):
    import sqlite3
    chat.start_course("alice", "bob", "carol")
    outside = sqlite3.connect(chat.db_path)  # what another reader (the sender, after a restart) can see
    queued_when_woken = []
    chat.engine.outbox.wake = lambda: queued_when_woken.append(
        outside.execute("SELECT COUNT(*) FROM outbox WHERE status = 'queued' AND to_id = 'adv'").fetchone()[0])
    received(chat, message(chat, "alice", "打卡", "b-1"), message(chat, "bob", "✅", "b-2"),
             message(chat, "adv", "/status", "b-3", room=None), message(chat, "carol", "打卡", "b-4"))
    assert commits_during(chat, lambda: chat.run(chat.engine.inbox.process())) == 1
    assert chat.store.checkins.done_on(ROOM, 1) == {"alice", "bob", "carol"}
    assert queued_when_woken == [1]  # woken once, after the commit, and the advisor's answer was visible then
    outside.close()


def test_a_failing_event_in_a_batch_rolls_back_alone_with_its_in_memory_changes(chat, monkeypatch):
    chat.start_course("alice", "bob")
    real = chat.engine._on_join

    def half_done(ev):
        real(ev)  # carol is written and remembered in memory ...
        raise RuntimeError("... then a bug in a ritual")

    monkeypatch.setattr(chat.engine, "_on_join", half_done)
    received(chat, message(chat, "alice", "打卡", "r-1"),
             MemberJoined("r-2", chat.clock.now(), ROOM, (Member("carol", "carol"),), "理财1期"),
             message(chat, "bob", "打卡", "r-3"))
    chat.run(chat.engine.inbox.process())
    assert chat.store.checkins.done_on(ROOM, 1) == {"alice", "bob"}
    assert "carol" not in chat.engine.groups.get(ROOM).members  # the cache was read again after the rollback
    assert chat.store.conn.execute("SELECT COUNT(*) FROM members WHERE member = 'carol'").fetchone()[0] == 0
    assert chat.store.inbox.length() == 0


def test_a_crash_in_the_middle_of_a_batch_loses_nothing_and_repeats_nothing(chat, monkeypatch):
    chat.start_course("alice", "bob", "carol")
    real, seen = chat.engine.handle_now, []

    def killed_at_the_third(event):
        if len(seen) == 2:
            raise SystemExit("kill -9")  # not an Exception: nothing catches it, like the process dying
        seen.append(event.id)
        real(event)

    received(chat, message(chat, "alice", "我来自四川成都", "k-1"), message(chat, "bob", "打卡", "k-2"),
             message(chat, "carol", "打卡", "k-3"))
    monkeypatch.setattr(chat.engine.inbox, "handle", killed_at_the_third)
    chat.engine.inbox.batch_seconds = 60  # all three in one batch, however slow the machine
    try:
        chat.run(chat.engine.inbox.process())
    except SystemExit:
        pass
    monkeypatch.undo()
    chat.restart()  # the batch never committed: all three wait in the inbox, none was remembered as seen
    assert chat.store.inbox.length() == 3 and chat.store.checkins.done_on(ROOM, 1) == set()
    chat.run(chat.engine.inbox.process())
    assert chat.store.checkins.done_on(ROOM, 1) == {"bob", "carol"}
    assert chat.store.checkins.count(ROOM, "bob") == 1 and chat.store.hometowns.of(ROOM)["alice"]["city"] == "成都市"
    assert chat.store.inbox.length() == 0


def test_a_batch_is_bounded_by_count(chat):
    chat.start_course("alice", "bob", "carol")
    chat.engine.inbox.batch_events, chat.engine.inbox.batch_seconds = 2, 60
    received(chat, *(message(chat, who, "打卡", f"c-{who}") for who in ("alice", "bob", "carol")))
    assert commits_during(chat, lambda: chat.run(chat.engine.inbox.process())) == 2
    assert chat.store.checkins.done_on(ROOM, 1) == {"alice", "bob", "carol"}


def test_by_default_a_batch_is_whatever_waits_however_long_its_handling_takes(chat, monkeypatch):
    import time
    chat.start_course("alice", "bob", "carol", "dave")
    real = chat.engine.inbox.handle

    def slow(event):  # a slow machine: 3 ms an event (a 5 ms timer would have split the burst)
        time.sleep(0.003)
        real(event)

    monkeypatch.setattr(chat.engine.inbox, "handle", slow)
    received(chat, *(message(chat, who, "打卡", f"n-{who}") for who in ("alice", "bob", "carol", "dave")))
    assert commits_during(chat, lambda: chat.run(chat.engine.inbox.process())) == 1  # natural group commit
    assert chat.store.checkins.done_on(ROOM, 1) == {"alice", "bob", "carol", "dave"}


def test_a_batch_can_be_bounded_by_time_so_a_reply_is_not_held_behind_a_long_backlog(chat):
    chat.start_course("alice", "bob", "carol")
    chat.engine.inbox.batch_seconds = 0  # every event's time is up at once: one event per commit
    received(chat, *(message(chat, who, "打卡", f"t-{who}") for who in ("alice", "bob", "carol")))
    assert commits_during(chat, lambda: chat.run(chat.engine.inbox.process())) == 3
    assert chat.store.checkins.done_on(ROOM, 1) == {"alice", "bob", "carol"}


def test_events_delivered_in_one_turn_of_the_event_loop_are_stored_in_one_commit_before_processing(chat):
    chat.start_course("alice", "bob")

    async def burst():
        for who in ("alice", "bob"):
            await chat.engine.inbox.receive(message(chat, who, "打卡", f"s-{who}"))

    assert commits_during(chat, lambda: chat.run(burst())) == 1
    assert chat.store.inbox.length() == 2 and chat.store.checkins.done_on(ROOM, 1) == set()  # stored, not processed


# -- the "processed" mark is the event's id remembered: the handled rows go with the next rows stored --------------
def rows_in_the_inbox_table(chat, event_id=None):
    """Rows in the table, waiting or handled and not yet deleted (of one event, or all)."""
    if event_id is None:
        return chat.store.conn.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]
    return chat.store.conn.execute("SELECT COUNT(*) FROM inbox WHERE json_extract(event, '$.id') = ?",
                                   (event_id,)).fetchone()[0]


def test_handling_a_batch_writes_nothing_to_the_inbox_table_and_rows_stored_later_take_its_rows_away(chat):
    chat.start_course("alice", "bob")
    received(chat, message(chat, "alice", "打卡", "w-1"))
    handling = statements_during(chat, lambda: chat.run(chat.engine.inbox.process()))
    assert not [sql for sql in handling if "inbox" in sql]  # its id in inbound is the mark: no inbox read, no delete
    assert chat.store.inbox.length() == 0 and rows_in_the_inbox_table(chat, "w-1") == 1  # handled, not yet deleted
    for i in range(40):  # a chatty afternoon: each message stored, then handled
        received(chat, message(chat, "bob", "好", f"w-chat-{i}"))
        assert chat.store.inbox.length() == 1
        chat.run(chat.engine.inbox.process())
    assert rows_in_the_inbox_table(chat, "w-1") == 0  # gone with a later commit that stored rows
    assert rows_in_the_inbox_table(chat) <= 8  # a few handled rows wait for the next sweep, no more
    assert rows_in_the_inbox_table(chat, "w-chat-39") == 1  # the newest handled stays: a new row's id stays above it
    assert chat.store.checkins.done_on(ROOM, 1) == {"alice"}


def test_a_restart_after_the_commit_handles_nothing_again(chat):
    chat.start_course("alice")
    received(chat, message(chat, "alice", "我来自四川成都", "x-1"), message(chat, "alice", "打卡", "x-2"))
    chat.run(chat.engine.inbox.process())
    chat.restart()  # a kill -9 after the batch's commit: its rows were still in the table
    assert rows_in_the_inbox_table(chat) == 0  # their ids are remembered: forgotten at start-up
    assert chat.run(chat.engine.inbox.process()) == 0
    assert chat.store.checkins.count(ROOM, "alice") == 1
