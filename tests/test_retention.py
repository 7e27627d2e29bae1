"""Retention: the daemon forgets received event ids past the redelivery horizon and deletes messages sent long ago,
in small batches, at most once an hour; a redelivery inside the horizon is still ignored. Closed groups leave
memory."""
from __future__ import annotations

from datetime import timedelta, timezone

from bot.core.events import Outgoing
from bot.storage.retention import Retention
from harness import ADVISOR, ROOM


def retention(chat, **overrides) -> Retention:
    r = Retention.from_settings(chat.store, chat.clock, chat.pb.settings.retention)
    for k, v in overrides.items():
        setattr(r, k, v)
    return r


def test_a_redelivery_inside_the_horizon_is_still_ignored_and_ids_beyond_it_are_gone(chat):
    chat.start_course("alice", "bob")
    status = chat.say(ADVISOR, "/status")
    assert chat.said(), "the advisor got the status"
    chat.advance(days=6, hours=23)
    chat.said()
    pruned = retention(chat).prune()
    assert pruned > 0 and chat.store.inbox.seen(status)  # older ids went (the joins, the /start), not this one
    chat.say(ADVISOR, "/status", msg_id=status)  # the same message delivered again (the transport re-sent it)
    assert chat.said() == [], "a redelivery inside the horizon is ignored"
    chat.say(ADVISOR, "/status")
    assert chat.said(), "a new /status is answered"
    chat.advance(hours=2)  # now 7 days and 1 hour after it, and the last run was 2 hours ago
    assert retention(chat).prune() > 0
    assert not chat.store.inbox.seen(status)
    horizon = (chat.clock.now() - timedelta(days=7)).astimezone(timezone.utc).isoformat()
    assert chat.store.conn.execute("SELECT COUNT(*) FROM inbound WHERE ts < ?", (horizon,)).fetchone()[0] == 0
    assert chat.store.conn.execute("SELECT COUNT(*) FROM inbound").fetchone()[0] > 0  # the last week's ids stay


def test_it_runs_at_most_once_an_hour_and_in_small_batches(chat):
    chat.start_course("alice")
    for i in range(7):
        chat.say("alice", f"第{i}句", msg_id=f"old{i}")
    chat.advance(days=8)
    steps = []
    r = retention(chat, batch=2)
    original = r.step
    r.step = lambda now: steps.append(original(now)) or steps[-1]
    assert r.prune() > 7
    assert max(steps) <= 4 and steps[-1] == 0  # at most `batch` of each kind per transaction, until none is left
    assert not any(chat.store.inbox.seen(f"old{i}") for i in range(7))
    assert r.prune() == 0 and not r.due()  # it just ran
    chat.restart()
    assert not retention(chat).due()  # the last run is kept in the database, not in memory
    chat.advance(minutes=61)
    chat.restart()
    assert retention(chat).due()  # the last run is kept in the database: a restart 61 minutes later prunes again


def test_messages_sent_long_ago_are_deleted_and_waiting_or_uncertain_ones_kept(chat):
    chat.start_course("alice")
    sent_before = chat.store.conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").fetchone()[0]
    chat.advance(days=2)
    chat.say("alice", "打卡")
    chat.said()
    long_ago = chat.clock.now() - timedelta(days=3)
    with chat.store.tx():  # two old messages that did not surely go: waiting, and cut off mid-send
        chat.store.outbox.enqueue(Outgoing(None, "nobody", "还在排队"), long_ago, 1)
        unknown = chat.store.outbox.enqueue(Outgoing(ROOM, None, "发送中断"), long_ago, 1)
        chat.store.outbox.mark_sent(unknown, long_ago, "unknown", "interrupted")
    assert retention(chat, outbox_days=1).prune() >= sent_before
    rows = dict(chat.store.conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())
    assert rows.get("unknown") == 1 and rows.get("queued") == 1
    oldest = chat.store.conn.execute("SELECT MIN(sent_at) FROM outbox WHERE status = 'sent'").fetchone()[0]
    assert rows.get("sent", 0) > 0 and oldest >= (chat.clock.now() - timedelta(days=1)).astimezone(timezone.utc).isoformat()


def test_a_closed_group_leaves_memory_but_is_still_known(chat):
    chat.start_course("alice", "bob")
    chat.until("2027-02-15 12:00")  # past the alumni group's close day
    chat.said()
    assert chat.store.groups.row(ROOM)["state"] == "closed"
    assert chat.engine.groups.cached() == 0 and list(chat.engine.groups) == []
    assert chat.group().state == "closed" and len(chat.engine.groups) == 1  # read from the database when asked
    chat.say("alice", "还有人吗")  # a message in the closed group is handled like before
    chat.restart()
    assert chat.engine.groups.cached() == 0 and chat.group().state == "closed"
