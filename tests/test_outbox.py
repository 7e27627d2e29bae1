"""The outbox: queued durably, sent in order under the send budget; failures back off, timeouts are not re-sent."""
from __future__ import annotations

from datetime import timedelta

from bot.events import Outgoing
from bot.outbox import Pacing, Sender
from bot.transport import SendError
from harness import ROOM


def queue(chat, *texts, room=ROOM):
    with chat.store.tx():
        for t in texts:
            chat.engine.enqueue(Outgoing(room, None, t), chat.clock.now())


def test_two_messages_to_one_room_are_at_least_a_second_apart(chat):
    queue(chat, "一", "二", "三")
    chat.said()
    times = [s.ts for s in chat.transport.sent]
    assert [s.out.text for s in chat.transport.sent] == ["一", "二", "三"]
    assert all(b - a >= timedelta(seconds=1) for a, b in zip(times, times[1:]))


def test_no_more_than_forty_messages_a_minute(chat):
    for i in range(100):
        queue(chat, f"群{i}", room=f"room{i}@chatroom")
    chat.said()
    times = [s.ts for s in chat.transport.sent]
    assert len(times) == 100
    for i in range(len(times) - 40):
        assert times[i + 40] - times[i] >= timedelta(minutes=1)


def test_a_send_error_pauses_sending_and_the_message_goes_later(chat):
    chat.transport.fail_next = [SendError("network down")]
    queue(chat, "重要通知")
    chat.run(chat.sender.drain())
    assert chat.transport.sent == [] and chat.store.queue_length() == 1
    chat.said()
    assert [s.out.text for s in chat.transport.sent] == ["重要通知"]
    assert chat.store.queue_length() == 0


def test_a_send_that_timed_out_is_marked_unknown_and_not_resent(chat):
    chat.transport.fail_next = [SendError("timeout", unknown=True)]
    queue(chat, "可能已发出", "下一条")
    assert chat.said() == ["下一条"]
    status = dict(chat.store.conn.execute("SELECT text, status FROM outbox").fetchall())
    assert status == {"可能已发出": "unknown", "下一条": "sent"}


def test_status_shows_budget_and_queue(chat):
    queue(chat, "a", "b")
    assert chat.sender.status().startswith("队列 2 条")


def test_replies_to_people_go_before_scheduled_broadcasts(chat):
    with chat.store.tx():
        for i in range(3):
            chat.engine.enqueue(Outgoing(f"g{i}@chatroom", None, f"早课{i}"), chat.clock.now(), broadcast=True)
        chat.engine.enqueue(Outgoing(ROOM, None, "@alice 已记录"), chat.clock.now())
    assert chat.said()[0] == "@alice 已记录"


def test_a_room_that_must_wait_does_not_hold_up_the_others(chat):
    chat.sender = chat.runner.sender = Sender(chat.store, chat.transport, chat.clock, Pacing(room_gap_seconds=10))
    queue(chat, "一", "二")
    queue(chat, "别的群", room="other@chatroom")
    chat.said()
    order = [s.out.text for s in chat.transport.sent]
    assert order == ["一", "别的群", "二"]  # 二 waits for the 10 s room gap; the other room does not


def test_switching_recipients_pauses_a_random_few_seconds(chat):
    for i in range(10):
        queue(chat, f"群{i}", room=f"r{i}@chatroom")
    chat.said()
    gaps = [(b.ts - a.ts).total_seconds() for a, b in zip(chat.transport.sent, chat.transport.sent[1:])]
    assert all(1.0 <= g <= 4.0 for g in gaps) and len(set(gaps)) > 1


def test_a_graceful_stop_lets_the_send_in_flight_finish(chat):
    import asyncio

    async def slow_say(out):
        await asyncio.sleep(0.05)
        chat.transport.sent.append(out)

    chat.transport.say = slow_say
    queue(chat, "正在发送")

    async def go():
        task = asyncio.create_task(chat.sender.run())
        await asyncio.sleep(0.01)  # the send is in flight
        await chat.sender.stop(task)
        return task.done()

    assert chat.run(go()) is True
    assert chat.store.conn.execute("SELECT status FROM outbox").fetchall() == [("sent",)]
