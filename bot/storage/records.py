"""What members did, as the rituals record it: check-ins and practice (one per member per day), hometowns,
graduates (and who said 我毕业啦 early); and the acknowledgement mark every ritual record table carries. The tables
are in the core schema (migrations 1 and 5)."""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import datetime

from bot.storage.stamps import iso


class DailyRecords:
    """One record per member per course day, in `table` (checkins or practice): the queries they share."""

    table: str

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def days_by_member(self, room: str) -> dict[str, list[int]]:
        """{member: [days]}."""
        out: dict[str, list[int]] = defaultdict(list)
        for member, day in self.conn.execute(
                f"SELECT member, day FROM {self.table} WHERE room = ? ORDER BY member, day", (room,)):
            out[member].append(day)
        return dict(out)

    def streaks(self, room: str, day: int) -> dict[str, int]:
        """Current streak per member who ever has a record: consecutive days ending on `day` (or the day before,
        still alive), 0 if broken."""
        out = {}
        for member, days in self.days_by_member(room).items():
            have = set(days)
            end = day if day in have else day - 1
            n = 0
            while end - n in have:
                n += 1
            out[member] = n
        return out

    def done_on(self, room: str, day: int) -> set[str]:
        """Members with a record on the day."""
        return {m for (m,) in self.conn.execute(f"SELECT member FROM {self.table} WHERE room = ? AND day = ?", (room, day))}

    def count(self, room: str, member: str) -> int:
        return self.conn.execute(f"SELECT COUNT(*) FROM {self.table} WHERE room = ? AND member = ?",
                                 (room, member)).fetchone()[0]


class Checkins(DailyRecords):
    """Daily check-ins."""

    table = "checkins"

    def add(self, room: str, member: str, day: int, ts: datetime, msg_id: str) -> bool:
        """One check-in per member per day; False if already recorded."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO checkins(room, member, day, ts, msg_id) VALUES (?, ?, ?, ?, ?)",
            (room, member, day, iso(ts), msg_id))
        return cur.rowcount == 1


class Practice(DailyRecords):
    """Practice completions (with their kind: text or image)."""

    table = "practice"

    def add(self, room: str, member: str, day: int, ts: datetime, kind: str, msg_id: str) -> bool:
        """One practice completion per member per day; False if already recorded."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO practice(room, member, day, ts, kind, msg_id) VALUES (?, ?, ?, ?, ?, ?)",
            (room, member, day, iso(ts), kind, msg_id))
        return cur.rowcount == 1


class Hometowns:
    """Where members are from (one row per member, corrections overwrite)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def set(self, room: str, member: str, province: str | None, city: str | None, text: str, ts: datetime) -> None:
        """Record (or correct) a member's hometown; the correction is acknowledged again."""
        self.conn.execute(
            "INSERT INTO hometowns(room, member, province, city, text, ts) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(room, member) DO UPDATE SET province = excluded.province, city = excluded.city, "
            "text = excluded.text, ts = excluded.ts, acked = 0",
            (room, member, province, city, text, iso(ts)))

    def has(self, room: str, member: str) -> bool:
        return self.conn.execute("SELECT 1 FROM hometowns WHERE room = ? AND member = ?", (room, member)).fetchone() is not None

    def of(self, room: str) -> dict[str, dict]:
        """{member: {"province": ..., "city": ...}} for the room."""
        return {m: {"province": p, "city": c} for m, p, c in self.conn.execute(
            "SELECT member, province, city FROM hometowns WHERE room = ? ORDER BY member", (room,))}


class Graduates:
    """Graduates of the ceremony, and who said 我毕业啦 before it opened."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def add(self, room: str, member: str, ts: datetime, msg_id: str) -> bool:
        """Record a graduate once; False if already recorded."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO graduates(room, member, ts, msg_id) VALUES (?, ?, ?, ?)", (room, member, iso(ts), msg_id))
        return cur.rowcount == 1

    def of(self, room: str) -> list[str]:
        """The room's graduates, in the order they graduated."""
        return [m for (m,) in self.conn.execute("SELECT member FROM graduates WHERE room = ? ORDER BY ts, member", (room,))]

    def add_early(self, room: str, member: str, ts: datetime) -> None:
        """Someone said 我毕业啦 before the ceremony (kept once per member)."""
        self.conn.execute("INSERT OR IGNORE INTO early_graduates(room, member, ts) VALUES (?, ?, ?)", (room, member, iso(ts)))

    def early(self, room: str) -> list[str]:
        """Who said 我毕业啦 before the ceremony and has not graduated since, in the order they said it."""
        return [m for (m,) in self.conn.execute(
            "SELECT e.member FROM early_graduates e LEFT JOIN graduates g ON g.room = e.room AND g.member = e.member "
            "WHERE e.room = ? AND g.member IS NULL ORDER BY e.ts, e.member", (room,))]


class Acks:
    """The acknowledgement mark of any ritual's record table (it has room, ts and acked columns; the table and
    columns come from the ritual's declaration, never from input)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def unacked(self, table: str, columns: str, room: str) -> list[tuple]:
        """A ritual's records not yet acknowledged (its `columns`), in the order they came."""
        return [tuple(r) for r in self.conn.execute(
            f"SELECT {columns} FROM {table} WHERE room = ? AND acked = 0 ORDER BY ts", (room,))]

    def mark(self, table: str, room: str, day: int | None = None) -> None:
        """Everything (or one day's records) of a ritual's table is acknowledged."""
        if day is None:
            self.conn.execute(f"UPDATE {table} SET acked = 1 WHERE room = ? AND acked = 0", (room,))
        else:
            self.conn.execute(f"UPDATE {table} SET acked = 1 WHERE room = ? AND day = ? AND acked = 0", (room, day))
