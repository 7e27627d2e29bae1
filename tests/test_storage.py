"""Storage: WAL, a versioned schema with migrations, unique rules, durable dedupe of inbound ids."""
from __future__ import annotations

import sqlite3

import pytest

from bot.storage import connect
from bot.storage.db import SchemaTooNew
from bot.storage.schema import MIGRATIONS, current_version
from harness import ROOM


def test_a_new_database_is_wal_and_at_the_current_version(tmp_path):
    db = connect(tmp_path / "a.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(current_version())


def test_an_older_database_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "; CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                       "INSERT INTO meta VALUES ('schema_version', '1');"
                       "INSERT INTO outbox(room, text, created_at) VALUES ('r@chatroom', '旧消息', 'x');")
    conn.commit()
    conn.close()
    db = connect(path)
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(current_version())
    assert db.execute("SELECT text, priority FROM outbox").fetchall() == [("旧消息", 0)]


def test_a_database_from_a_newer_bot_is_refused(tmp_path):
    path = tmp_path / "new.db"
    connect(path).execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(SchemaTooNew, match="v99"):
        connect(path)


def test_one_check_in_per_member_per_day_is_a_database_rule(chat):
    chat.say("adv", "/start 2026-12-01")
    with pytest.raises(sqlite3.IntegrityError):
        chat.store.conn.execute("INSERT INTO checkins(room, member, day, ts, msg_id) VALUES (?, 'a', 1, 'x', 'm1'), (?, 'a', 1, 'y', 'm2')",
                                (ROOM, ROOM))


def test_a_redelivered_event_changes_nothing_even_after_a_restart(chat):
    chat.join("alice")
    chat.say("adv", "/start 2026-12-01")
    chat.until("2026-12-01 09:30")
    chat.say("alice", "打卡", msg_id="wx-1")
    chat.restart()
    chat.say("alice", "打卡", msg_id="wx-1", at=chat.clock.now())
    assert chat.store.conn.execute("SELECT COUNT(*) FROM checkins").fetchone()[0] == 1


def test_a_backlog_message_is_recorded_but_not_acted_on(chat):
    from harness import local
    chat.join("alice")
    chat.say("adv", "/start 2026-12-01")
    chat.until("2026-12-01 12:00")
    chat.said()
    chat.say("alice", "打卡", at=local("2026-12-01 10:00"))  # replayed by WeChat two hours late
    chat.say("adv", "/say 旧指令", at=local("2026-12-01 10:05"))
    chat.advance(minutes=10)
    assert chat.store.checkins.days_by_member(ROOM) == {"alice": [1]}
    # no acknowledgement, and the stale command did not run: the advisor is told so
    assert chat.said() == ["【理财1期】12-01 10:05 发的 /say 是机器人离线期间收到的，已过期没有执行；如仍需要请重新发送。"]
