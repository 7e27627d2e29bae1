"""The outbox: queued durably, sent in order under the send budget; failures back off, timeouts are not re-sent."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.events import Outgoing
from bot.delivery.sender import Pacing, Sender
from bot.transport import SendError
from bot.delivery.outbox import ACK, POST
from bot.storage import from_iso, iso
from harness import ROOM, local


def queue(chat, *texts, room=ROOM):
    with chat.store.tx():
        for t in texts:
            chat.engine.outbox.put(Outgoing(room, None, t), chat.clock.now())


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
    assert chat.transport.sent == [] and chat.store.outbox.length() == 1
    chat.said()
    assert [s.out.text for s in chat.transport.sent] == ["重要通知"]
    assert chat.store.outbox.length() == 0


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
            chat.engine.outbox.put(Outgoing(f"g{i}@chatroom", None, f"早课{i}"), chat.clock.now(), priority=POST)
        chat.engine.outbox.put(Outgoing(ROOM, None, "@alice 已记录"), chat.clock.now())
    assert chat.said()[0] == "@alice 已记录"


def test_at_nine_each_groups_lesson_goes_out_at_its_moment_ahead_of_the_acknowledgements_still_waiting(chat):
    rooms = [f"g{i}@chatroom" for i in range(30)]
    for room in rooms:  # thirty groups, day 1 = 2026-12-01
        chat.join(f"{room}-a", f"{room}-b", room=room)
        chat.say("adv", "/start 2026-12-01", room=room)
    chat.until("2026-12-02 08:58")
    chat.said()
    for room in rooms:  # just before the lesson, someone checks in everywhere: thirty acknowledgements gather
        chat.say(f"{room}-a", "打卡", room=room)
    chat.until("2026-12-02 10:00")
    chat.said()
    nine = local("2026-12-02 09:00")
    rows = chat.store.conn.execute("SELECT text, priority, created_at, sent_at FROM outbox WHERE status = 'sent' "
                                   "AND sent_at >= ? ORDER BY sent_at, id", (iso(nine),)).fetchall()
    acks_waiting_at_nine = [t for t, p, created, _ in rows if p == ACK and created < iso(nine)]
    lessons = [(from_iso(created), from_iso(sent)) for t, p, created, sent in rows if p == POST and t.startswith("📖")]
    assert acks_waiting_at_nine and all("打卡已记录" in t for t in acks_waiting_at_nine)  # the morning was busy
    assert len(lessons) == len(rooms)  # (spread over the account's groups from 09:00: tests/test_spread.py)
    acks_sent = [from_iso(sent) for _, p, _, sent in rows if p == ACK]
    assert not [a for a in acks_sent for queued, sent in lessons if queued <= a < sent]  # no lesson waited behind an ack
    assert max(sent for _, sent in lessons) < local("2026-12-02 09:02")


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


def rolling_max(times, seconds=60):
    """The most sends in any window of `seconds`."""
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while t - times[j] >= timedelta(seconds=seconds):
            j += 1
        best = max(best, i - j + 1)
    return best


def test_the_send_window_survives_a_restart(chat):
    queue(chat, *(f"第{i}条" for i in range(30)))
    chat.said()
    chat.restart()  # 30 went out in the last 30 s: only 10 more may go before the first is a minute old
    queue(chat, *(f"又{i}条" for i in range(30)))
    chat.said()
    times = [s.ts for s in chat.transport.sent]
    assert len(times) == 60 and rolling_max(times) == 40
    assert all(b - a >= timedelta(seconds=1) for a, b in zip(times, times[1:]))  # the room gap too


def test_a_send_cut_off_by_a_crash_counts_as_sent_is_not_resent_and_the_advisors_are_told(chat):
    queue(chat, "发到一半")
    with chat.store.tx():
        (item,) = chat.store.outbox.queued()
        chat.store.outbox.mark_sent(item.id, chat.clock.now(), "sending")  # then kill -9
    chat.restart()
    queue(chat, "下一条")
    out = chat.said_out()
    assert out[0].to == "adv" and "1 条消息正在发送" in out[0].text and "发到一半" in out[0].text
    assert [o.text for o in out[1:]] == ["下一条"]
    assert chat.store.outbox.unknown_sends() == 1


def test_building_a_sender_writes_nothing_recovering_is_the_explicit_start_up_step(chat):
    queue(chat, "发到一半")
    with chat.store.tx():
        (item,) = chat.store.outbox.queued()
        chat.store.outbox.mark_sent(item.id, chat.clock.now(), "sending")
    sender = Sender(chat.store, chat.transport, chat.clock, advisors=("adv",))
    assert chat.store.outbox.unknown_sends() == 0 and chat.store.outbox.length() == 0
    assert sender.recover() == 1
    assert chat.store.outbox.unknown_sends() == 1 and [m.out.to for m in chat.store.outbox.queued()] == ["adv"]
    assert sender.recover() == 0  # nothing left 'sending'


def test_an_interrupted_send_shows_in_status_and_in_the_report(chat):
    from bot.reporting import report

    chat.start_course("alice")
    queue(chat, "发到一半")
    with chat.store.tx():
        (item,) = chat.store.outbox.queued()
        chat.store.outbox.mark_sent(item.id, chat.clock.now(), "unknown", "timeout")
    chat.say("adv", "/status")
    (status,) = [t for t in chat.said() if "📋" in t]
    assert "1 条消息发送中断" in status and "本群有 1 条消息发送时被中断" in status
    data = report.build(chat.store)
    assert data["groups"][0]["unknown_sends"] == 1 and data["unknown_sends"] == 1
    assert "1 条消息发送时被中断，不确定是否已送达：请到群里人工核对" in report.render(data)


def test_wechat_limiting_the_account_pauses_sending_and_tells_the_advisors_once(chat):
    chat.transport.fail_next = [SendError("发送过于频繁，请稍后再试"), SendError("too frequent")]
    queue(chat, "一", "二")
    start = chat.clock.now()
    out = chat.said_out()
    assert [o.text for o in out if o.room] == ["一", "二"]
    notices = [o for o in out if o.to == "adv"]
    assert len(notices) == 1 and "限制" in notices[0].text
    assert chat.transport.sent[0].ts - start >= timedelta(seconds=60)  # paused with back-off, not 5 s


def test_three_failed_sends_in_a_row_are_taken_as_limiting(chat):
    chat.transport.fail_next = [SendError("rpc error")] * 3
    queue(chat, "一")
    assert sorted(o.to or o.room for o in chat.said_out()) == ["adv", ROOM]  # the notice, then (or after) the message


def test_failures_while_disconnected_are_not_limiting_and_the_back_off_resets_on_reconnect(chat):
    chat.transport.connected = False
    chat.transport.fail_next = [SendError("wechaty transport is not connected")] * 6
    queue(chat, "重连后第一条")
    for _ in range(6):  # the outage: each attempt fails and the pause doubles
        chat.clock.set(chat.sender.next_allowed())
        chat.run(chat.sender.drain())
    assert chat.sender.next_allowed() - chat.clock.now() > timedelta(seconds=60)
    chat.transport.connected = True
    chat.sender.connection_back()  # what supervise() calls when the puppet service is back
    assert chat.sender.next_allowed() - chat.clock.now() <= timedelta(seconds=5)
    assert chat.said() == ["重连后第一条"]  # and no limiting notice: it was the connection, not the account


def test_supervise_resets_the_senders_back_off_when_the_connection_returns(chat):
    import asyncio

    from bot.app import Bot
    from bot.cli.daemon import supervise

    chat.transport.connected = False
    calls = []
    chat.sender.connection_back = lambda: calls.append("reset")

    async def reconnect(on_event):
        chat.transport.connected = True

    chat.transport.start = reconnect
    bot = Bot(chat.store, chat.pb, chat.engine, chat.sender)

    async def go():
        task = asyncio.create_task(supervise(bot, chat.transport, check_seconds=0, first_delay=0))
        while not calls:
            await asyncio.sleep(0)
        task.cancel()

    chat.run(go())
    assert calls == ["reset"]


def test_a_removal_is_delivered_through_the_outbox_in_order_with_the_messages(chat):
    with chat.store.tx():
        chat.engine.outbox.put(Outgoing(ROOM, None, "@spammer 请勿发广告"), chat.clock.now())
        chat.engine.outbox.put(Outgoing(ROOM, "spammer", "", action="remove"), chat.clock.now())
    out = chat.said_out()
    assert [(o.action, o.room, o.to) for o in out] == [("say", ROOM, None), ("remove", ROOM, "spammer")]
    assert chat.transport.sent[1].ts - chat.transport.sent[0].ts >= timedelta(seconds=1)  # paced like a message to the room
    assert chat.store.conn.execute("SELECT action, status FROM outbox ORDER BY id").fetchall() == [("say", "sent"), ("remove", "sent")]


def test_a_removal_that_fails_is_reported_like_other_failed_actions(chat):
    chat.transport.fail_next = [SendError("remove spammer from room1@chatroom failed: not an admin", unknown=True)]
    with chat.store.tx():
        chat.engine.outbox.put(Outgoing(ROOM, "spammer", "", action="remove"), chat.clock.now())
        chat.engine.outbox.put(Outgoing(ROOM, None, "下一条"), chat.clock.now())
    assert chat.said() == ["下一条"]  # the failed removal is not retried blindly
    rows = chat.store.conn.execute("SELECT action, status, error FROM outbox ORDER BY id").fetchall()
    assert rows[0][:2] == ("remove", "unknown") and "not an admin" in rows[0][2]
    assert chat.store.outbox.unknown_sends() == 1  # shown in /status and the report, like an interrupted send


def test_an_unknown_action_is_an_error_not_a_silent_drop(chat):
    from bot.transport import perform

    with pytest.raises(SendError, match="unknown outbox action"):
        chat.run(perform(chat.transport, Outgoing(ROOM, "x", "", action="kick")))
