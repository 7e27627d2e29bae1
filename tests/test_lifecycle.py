"""Per-group lifecycle: persisted transitions with history, exact resume after restart, downtime and grace."""
from __future__ import annotations

import pytest

from bot.core.lifecycle import Group
from harness import ROOM, local


def start_course(chat):
    chat.join("alice", "bob")
    chat.say("adv", "/start 2026-12-01")
    chat.said()


def test_every_transition_is_persisted_with_a_history_row(chat):
    start_course(chat)
    chat.until("2026-12-02 09:01")
    rows = [(h["from_state"], h["to_state"], h["event"], h["course_day"]) for h in chat.store.groups.history(ROOM)]
    assert rows == [
        (None, "bound", "start", 0),
        ("bound", "opening", "open_course", 0),
        ("opening", "in_course", "begin", 1),
        ("in_course", "in_course", "next_day", 2),
    ]
    assert chat.store.groups.row(ROOM)["state"] == "in_course" and chat.store.groups.row(ROOM)["course_day"] == 2


def test_restart_resumes_exact_state_and_day_and_repeats_nothing(chat):
    start_course(chat)
    chat.until("2026-12-03 12:30")
    before = chat.said()
    assert any("第3天" in t for t in before)
    chat.restart()
    assert chat.group().state == "in_course" and chat.group().course_day == 3
    chat.advance(minutes=1)
    assert chat.said() == []  # nothing already posted is posted again
    chat.until("2026-12-03 20:01")
    assert any("第3天还没打卡" in t for t in chat.said())


def test_action_missed_while_down_runs_once_within_grace(chat):
    start_course(chat)
    chat.until("2026-12-01 19:59")
    chat.said()
    chat.restart()
    chat.clock.set(local("2026-12-01 20:30"))  # the daemon was down at 20:00; grace is 60 minutes
    chat.advance(seconds=1)
    reminders = [t for t in chat.said() if "还没打卡" in t]
    assert len(reminders) == 1
    chat.restart()
    chat.advance(minutes=5)
    assert not [t for t in chat.said() if "还没打卡" in t]


def test_action_missed_beyond_grace_is_skipped_and_recorded(chat):
    start_course(chat)
    chat.until("2026-12-01 19:59")
    chat.said()
    chat.restart()
    chat.clock.set(local("2026-12-01 21:30"))  # 90 minutes late for the 20:00 reminder
    chat.advance(seconds=1)
    said = chat.said()
    assert not [t for t in said if "还没打卡" in t]
    status = dict(chat.store.conn.execute("SELECT action, status FROM fired WHERE room = ?", (ROOM,)).fetchall())
    assert status["remind:1"] == "missed" and status["task_due:1"] == "done"


def test_queued_message_survives_a_crash_and_is_sent_once(chat):
    start_course(chat)
    chat.engine.outbox.wake = lambda: None
    with chat.store.tx():
        from bot.core.events import Outgoing
        chat.engine.outbox.put(Outgoing(ROOM, None, "排队中的消息"), chat.clock.now())
    chat.restart()  # crash before the sender ran
    assert chat.said().count("排队中的消息") == 1
    chat.restart()
    assert chat.said() == []


def test_illegal_transition_is_refused_and_changes_nothing(chat):
    start_course(chat)
    history = chat.store.groups.history(ROOM)
    chat.say("adv", "/graduate")
    assert "不能执行 /graduate" in chat.said()[0]
    assert chat.store.groups.history(ROOM) == history and chat.store.groups.row(ROOM)["state"] == "bound"


def test_a_stored_state_that_is_not_a_state_is_rejected_on_load(chat):
    start_course(chat)
    row = dict(chat.store.groups.row(ROOM), state="graduating")
    with pytest.raises(ValueError, match="not a lifecycle state"):
        Group.from_row(chat.store, row)


def test_whole_course_reaches_alumni_and_closes(chat):
    start_course(chat)
    chat.until("2026-12-08 10:01")
    assert chat.group().state == "alumni"
    chat.until("2027-01-30 10:01")  # alumni.close_day 60
    assert chat.group().state == "closed"
