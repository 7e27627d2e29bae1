"""The calendar's tick between events costs nothing when nothing is due: no transaction, no outbox read; what a
ritual planned still runs at its moment, and a message rolled back is never sent."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from bot.core.events import Outgoing
from bot.core.ritual import Ritual
from bot.core.wiring import Wiring
from harness import ROOM, local, statements_during


def test_a_quiet_moment_of_the_course_day_opens_no_transaction(chat):
    chat.start_course("alice", "bob")
    chat.until("2026-12-01 10:30")  # the lesson is out, nothing is due before the evening
    chat.clock.set(local("2026-12-01 10:31"))
    seen = statements_during(chat, chat.engine.tick)
    assert not [s for s in seen if s.startswith(("BEGIN", "SAVEPOINT"))], seen


def test_a_check_in_at_a_quiet_moment_is_still_acknowledged(chat):
    chat.start_course("alice", "bob")
    chat.until("2026-12-01 10:30")
    chat.say("alice", "打卡")
    chat.advance(hours=2)
    assert any("alice" in text and "打卡" in text for text in chat.said())


def test_a_ritual_with_a_due_hook_is_ticked_from_its_moment_and_one_without_on_every_tick():
    now = local("2026-12-01 10:00")
    always, planned = Ritual("always"), Ritual("planned")
    ticked: list[str] = []
    planned_at = {"when": now + timedelta(minutes=5)}

    @always.on("tick")
    def always_tick(ctx) -> None:
        ticked.append("always")

    @planned.on("tick")
    def planned_tick(ctx) -> None:
        ticked.append("planned")

    @planned.on("due")
    def planned_due(ctx):
        return planned_at["when"]

    wiring = Wiring([always, planned])
    assert wiring.ticks_due(SimpleNamespace(now=now)) == [always_tick]
    assert wiring.ticks_due(SimpleNamespace(now=now + timedelta(minutes=5))) == [always_tick, planned_tick]
    planned_at["when"] = None  # nothing planned until the ritual says so again
    assert wiring.ticks_due(SimpleNamespace(now=now + timedelta(days=1))) == [always_tick]


def test_a_message_queued_in_work_that_rolled_back_is_never_sent(chat):
    chat.start_course("alice")
    with pytest.raises(RuntimeError):
        with chat.store.tx():
            chat.engine.outbox.put(Outgoing(ROOM, None, "撤回的消息"), chat.clock.now())
            assert [q.out.text for q in chat.store.outbox.queued()] == ["撤回的消息"]  # seen inside the work
            raise RuntimeError("the work failed")
    assert chat.store.outbox.queued() == []
    chat.advance(minutes=1)
    assert "撤回的消息" not in chat.said()
