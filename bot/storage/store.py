"""All reads and writes of the bot's tables. Hot-path writes use prepared SQL on the raw connection."""
from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterator

import sqlite_utils

from bot.events import Outgoing


def iso(ts: datetime) -> str:
    """A fixed-width UTC timestamp, so that string order is time order."""
    return ts.astimezone(timezone.utc).isoformat(timespec="microseconds")


def from_iso(value: str) -> datetime:
    """Parse a timestamp written by iso()."""
    return datetime.fromisoformat(value)


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    """One row of the outbox."""

    id: int
    out: Outgoing
    created_at: str


class Store:
    """The bot's persistence: one SQLite file, one connection, used from one thread."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.conn = db.conn
        self._depth = 0
        self._rollback_hooks: list = []
        from bot.storage.funnel import FunnelStore  # noqa: PLC0415 - funnel.py imports iso from here
        self.funnel = FunnelStore(self)

    # -- transactions -------------------------------------------------------------------------
    def on_rollback(self, hook) -> None:
        """Call hook() after any transaction or savepoint rolls back (in-memory copies must be read again)."""
        self._rollback_hooks.append(hook)

    def _rolled_back(self) -> None:
        for hook in self._rollback_hooks:
            hook()

    @contextlib.contextmanager
    def tx(self) -> Iterator[None]:
        """One atomic unit of work; a nested call is a savepoint that rolls back alone on error."""
        if self._depth:
            name = f"sp{self._depth}"
            self.conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self._rolled_back()
                raise
            finally:
                self._depth -= 1
                self.conn.execute(f"RELEASE {name}")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            self._rolled_back()
            raise
        self._depth = 0
        self.conn.execute("COMMIT")

    # -- rituals' own tables ------------------------------------------------------------------
    def migrate_ritual(self, ritual: str, migrations: tuple[str, ...]) -> None:
        """Apply a ritual's migrations (SQL scripts) it has not seen, each in its own transaction; the version is
        kept per ritual in meta ('schema_version:<ritual>')."""
        if not migrations:
            return
        key = f"schema_version:{ritual}"
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        for version in range(int(row[0]) if row else 0, len(migrations)):
            with self.tx():
                for stmt in migrations[version].split(";"):
                    if stmt.strip():
                        self.conn.execute(stmt)
                self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, str(version + 1)))

    # -- inbound dedupe -----------------------------------------------------------------------
    def remember(self, event_id: str, ts: datetime) -> bool:
        """Record an inbound event id; False if it was seen before (a redelivery)."""
        cur = self.conn.execute("INSERT OR IGNORE INTO inbound(id, ts) VALUES (?, ?)", (event_id, iso(ts)))
        return cur.rowcount == 1

    # -- groups -------------------------------------------------------------------------------
    def groups(self) -> list[dict]:
        """Every bound group's row."""
        return list(self.db.query("SELECT * FROM groups ORDER BY room"))

    def group(self, room: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM groups WHERE room = ?", [room]))
        return rows[0] if rows else None

    def insert_group(self, room: str, topic: str, state: str, start_date: str, bound_at: datetime) -> None:
        self.conn.execute(
            "INSERT INTO groups(room, topic, state, start_date, bound_at) VALUES (?, ?, ?, ?, ?)",
            (room, topic, state, start_date, iso(bound_at)),
        )

    def update_group(self, room: str, **fields: object) -> None:
        cols = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(f"UPDATE groups SET {cols} WHERE room = ?", (*fields.values(), room))

    def add_history(self, room: str, from_state: str | None, to_state: str, event: str, day: int, ts: datetime, actor: str | None) -> None:
        self.conn.execute(
            "INSERT INTO history(room, from_state, to_state, event, course_day, ts, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (room, from_state, to_state, event, day, iso(ts), actor),
        )

    def history(self, room: str) -> list[dict]:
        return list(self.db.query("SELECT * FROM history WHERE room = ? ORDER BY id", [room]))

    # -- members ------------------------------------------------------------------------------
    def upsert_member(self, room: str, member: str, name: str, ts: datetime) -> None:
        """Add a member (or bring one back who had left), keeping the latest display name."""
        self.conn.execute(
            "INSERT INTO members(room, member, name, joined_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(room, member) DO UPDATE SET name = excluded.name, left_at = NULL",
            (room, member, name, iso(ts)),
        )

    def member_left(self, room: str, member: str, ts: datetime) -> None:
        self.conn.execute("UPDATE members SET left_at = ? WHERE room = ? AND member = ?", (iso(ts), room, member))

    def members(self, room: str) -> list[tuple[str, str]]:
        """Current members as (id, name), in joining order."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT member, name FROM members WHERE room = ? AND left_at IS NULL ORDER BY joined_at, member", (room,))]

    def names(self, room: str) -> dict[str, str]:
        """Display names of everyone ever seen in the room."""
        return dict(self.conn.execute("SELECT member, name FROM members WHERE room = ?", (room,)))

    # -- rituals: records ---------------------------------------------------------------------
    def add_checkin(self, room: str, member: str, day: int, ts: datetime, msg_id: str) -> bool:
        """One check-in per member per day; False if already recorded."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO checkins(room, member, day, ts, msg_id) VALUES (?, ?, ?, ?, ?)",
            (room, member, day, iso(ts), msg_id))
        return cur.rowcount == 1

    def add_practice(self, room: str, member: str, day: int, ts: datetime, kind: str, msg_id: str) -> bool:
        """One practice completion per member per day; False if already recorded."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO practice(room, member, day, ts, kind, msg_id) VALUES (?, ?, ?, ?, ?, ?)",
            (room, member, day, iso(ts), kind, msg_id))
        return cur.rowcount == 1

    def add_graduate(self, room: str, member: str, ts: datetime, msg_id: str) -> bool:
        """Record a graduate once; False if already recorded."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO graduates(room, member, ts, msg_id) VALUES (?, ?, ?, ?)", (room, member, iso(ts), msg_id))
        return cur.rowcount == 1

    def set_hometown(self, room: str, member: str, province: str | None, city: str | None, text: str, ts: datetime) -> None:
        """Record (or correct) a member's hometown; the correction is acknowledged again."""
        self.conn.execute(
            "INSERT INTO hometowns(room, member, province, city, text, ts) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(room, member) DO UPDATE SET province = excluded.province, city = excluded.city, "
            "text = excluded.text, ts = excluded.ts, acked = 0",
            (room, member, province, city, text, iso(ts)))

    def has_hometown(self, room: str, member: str) -> bool:
        return self.conn.execute("SELECT 1 FROM hometowns WHERE room = ? AND member = ?", (room, member)).fetchone() is not None

    def hometowns(self, room: str) -> dict[str, dict]:
        return {m: {"province": p, "city": c} for m, p, c in self.conn.execute(
            "SELECT member, province, city FROM hometowns WHERE room = ? ORDER BY member", (room,))}

    def days_by_member(self, table: str, room: str) -> dict[str, list[int]]:
        """{member: [days]} from checkins or practice."""
        assert table in ("checkins", "practice")
        out: dict[str, list[int]] = defaultdict(list)
        for member, day in self.conn.execute(f"SELECT member, day FROM {table} WHERE room = ? ORDER BY member, day", (room,)):
            out[member].append(day)
        return dict(out)

    def done_on(self, table: str, room: str, day: int) -> set[str]:
        """Members with a check-in (or practice) on the day."""
        assert table in ("checkins", "practice")
        return {m for (m,) in self.conn.execute(f"SELECT member FROM {table} WHERE room = ? AND day = ?", (room, day))}

    def count(self, table: str, room: str, member: str) -> int:
        assert table in ("checkins", "practice")
        return self.conn.execute(f"SELECT COUNT(*) FROM {table} WHERE room = ? AND member = ?", (room, member)).fetchone()[0]

    def add_early_graduate(self, room: str, member: str, ts: datetime) -> None:
        """Someone said 我毕业啦 before the ceremony (kept once per member)."""
        self.conn.execute("INSERT OR IGNORE INTO early_graduates(room, member, ts) VALUES (?, ?, ?)", (room, member, iso(ts)))

    def early_graduates(self, room: str) -> list[str]:
        """Who said 我毕业啦 before the ceremony and has not graduated since, in the order they said it."""
        return [m for (m,) in self.conn.execute(
            "SELECT e.member FROM early_graduates e LEFT JOIN graduates g ON g.room = e.room AND g.member = e.member "
            "WHERE e.room = ? AND g.member IS NULL ORDER BY e.ts, e.member", (room,))]

    def graduates(self, room: str) -> list[str]:
        return [m for (m,) in self.conn.execute("SELECT member FROM graduates WHERE room = ? ORDER BY ts, member", (room,))]

    # -- acknowledgements ---------------------------------------------------------------------
    def unacked(self, table: str, columns: str, room: str) -> list[tuple]:
        """A ritual's records not yet acknowledged (its `columns`), in the order they came; the table has room, ts
        and acked columns (table and columns come from the ritual's declaration, never from input)."""
        return [tuple(r) for r in self.conn.execute(
            f"SELECT {columns} FROM {table} WHERE room = ? AND acked = 0 ORDER BY ts", (room,))]

    def mark_acked(self, table: str, room: str, day: int | None = None) -> None:
        """Everything (or one day's records) of a ritual's table is acknowledged."""
        if day is None:
            self.conn.execute(f"UPDATE {table} SET acked = 1 WHERE room = ? AND acked = 0", (room,))
        else:
            self.conn.execute(f"UPDATE {table} SET acked = 1 WHERE room = ? AND day = ? AND acked = 0", (room, day))

    # -- scheduled actions --------------------------------------------------------------------
    def fired(self, room: str) -> set[str]:
        """Keys of the scheduled actions already run or skipped for the group."""
        return {a for (a,) in self.conn.execute("SELECT action FROM fired WHERE room = ?", (room,))}

    def mark_fired(self, room: str, action: str, due_at: datetime, now: datetime, status: str) -> bool:
        """Claim an action once; False if it was already claimed."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO fired(room, action, due_at, fired_at, status) VALUES (?, ?, ?, ?, ?)",
            (room, action, iso(due_at), iso(now), status))
        return cur.rowcount == 1

    # -- outbox -------------------------------------------------------------------------------
    def enqueue(self, out: Outgoing, now: datetime, priority: int = 0, asked: tuple[str, str, str] | None = None) -> int:
        """Queue an outgoing message (inside the caller's transaction); priority 0 = a reply, 1 = a broadcast;
        `asked` = (person, message id, text) of the member's message a reply answers (replies are limited)."""
        person, cause, text = asked or (None, None, None)
        cur = self.conn.execute(
            "INSERT INTO outbox(room, to_id, text, mentions, created_at, priority, action, ref, person, cause, asked) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (out.room, out.to, out.text, json.dumps(list(out.mentions)), iso(now), priority, out.action, out.ref,
             person, cause, text))
        return cur.lastrowid

    def queued(self, limit: int = 100, aged_before: datetime | None = None) -> list[QueuedMessage]:
        """Queued messages in sending order: broadcasts queued before `aged_before` first (so replies never starve
        them), then replies, then broadcasts, each oldest first."""
        cols = "id, room, to_id, text, mentions, created_at, action, ref, priority"
        rows = list(self.conn.execute(
            f"SELECT {cols} FROM outbox WHERE status = 'queued' ORDER BY priority, id LIMIT ?", (limit,)))
        if aged_before is not None and rows and rows[0][-1] == 0:  # only replies can be ahead of an aged broadcast
            cutoff = iso(aged_before)
            oldest = self.conn.execute(  # id order is creation order, so the aged ones are a prefix
                f"SELECT {cols} FROM outbox WHERE status = 'queued' AND priority = 1 ORDER BY id LIMIT ?", (limit,))
            aged = [r for r in oldest if r[5] <= cutoff]
            if aged:
                ids = {r[0] for r in aged}
                rows = (aged + [r for r in rows if r[0] not in ids])[:limit]
        return [QueuedMessage(i, Outgoing(room, to, text, tuple(json.loads(m)), action, ref), c)
                for i, room, to, text, m, c, action, ref, _ in rows]

    def replies_since(self, since: datetime, person: str | None = None, room: str | None = None) -> int:
        """How many replies to members were queued since `since`: to one person, or in one room."""
        if person is not None:
            sql, arg = "SELECT COUNT(*) FROM outbox WHERE person = ? AND created_at > ?", person
        else:
            sql, arg = "SELECT COUNT(*) FROM outbox WHERE person IS NOT NULL AND room = ? AND created_at > ?", room
        return self.conn.execute(sql, (arg, iso(since))).fetchone()[0]

    def last_asked(self, person: str, since: datetime) -> tuple[str, str] | None:
        """(message id, text) of the person's message the latest reply to them answered, if since `since`."""
        row = self.conn.execute(
            "SELECT cause, asked FROM outbox WHERE person = ? AND created_at > ? ORDER BY created_at DESC, id DESC LIMIT 1",
            (person, iso(since))).fetchone()
        return tuple(row) if row else None

    def sends_since(self, since: datetime) -> list[tuple[datetime, str]]:
        """(when, recipient) of every message handed to the transport since `since` (sent, or perhaps sent:
        'sending'/'unknown'), oldest first: the send window survives a restart."""
        rows = self.conn.execute(
            "SELECT sent_at, COALESCE(room, to_id) FROM outbox WHERE sent_at IS NOT NULL AND sent_at > ? "
            "AND status IN ('sent', 'sending', 'unknown') ORDER BY sent_at", (iso(since),))
        return [(from_iso(t), dest) for t, dest in rows]

    def unknown_sends(self, room: str | None = None) -> int:
        """Messages whose send was interrupted: they may or may not have reached WeChat (all, or one room's)."""
        if room is None:
            return self.conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'unknown'").fetchone()[0]
        return self.conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'unknown' AND room = ?", (room,)).fetchone()[0]

    def mark_interrupted(self) -> list[tuple[str, str]]:
        """Sends cut off by a stop become 'unknown'; returns their (recipient, text)."""
        rows = self.conn.execute("SELECT COALESCE(room, to_id), text FROM outbox WHERE status = 'sending' ORDER BY id").fetchall()
        if rows:
            self.conn.execute(
                "UPDATE outbox SET status = 'unknown', error = 'interrupted mid-send by a restart' WHERE status = 'sending'")
        return [tuple(r) for r in rows]

    # -- inbox --------------------------------------------------------------------------------
    def inbox_add(self, event: str, now: datetime) -> int:
        """Keep a received event (encoded) until it is processed."""
        return self.conn.execute("INSERT INTO inbox(event, received_at) VALUES (?, ?)", (event, iso(now))).lastrowid

    def inbox_next(self, limit: int = 100) -> list[tuple[int, str]]:
        """The oldest unprocessed events, as (row id, encoded event)."""
        return [tuple(r) for r in self.conn.execute("SELECT id, event FROM inbox ORDER BY id LIMIT ?", (limit,))]

    def inbox_done(self, row_id: int) -> None:
        """The event is processed (call inside the transaction holding its effects)."""
        self.conn.execute("DELETE FROM inbox WHERE id = ?", (row_id,))

    def inbox_length(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]

    def queue_length(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'queued'").fetchone()[0]

    def mark_sent(self, msg_id: int, now: datetime, status: str = "sent", error: str | None = None) -> None:
        self.conn.execute("UPDATE outbox SET status = ?, sent_at = ?, error = ? WHERE id = ?", (status, iso(now), error, msg_id))

    def sent(self) -> list[dict]:
        """Every message handed to the transport, oldest first."""
        return list(self.db.query("SELECT * FROM outbox WHERE status = 'sent' ORDER BY id"))
