"""The moderation tables: who the bot saw join (and when), each member's strikes and trust, and every decision.
Only the database connection of the core store is used; the tables are the ritual's own (MIGRATIONS)."""
from __future__ import annotations

import sqlite3

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from bot.storage import from_iso, iso

MIGRATIONS = (
    """
    CREATE TABLE moderation_members (
        room TEXT NOT NULL,
        member TEXT NOT NULL,
        joined_at TEXT,
        messages INTEGER NOT NULL DEFAULT 0,
        strikes INTEGER NOT NULL DEFAULT 0,
        escalated TEXT,
        trusted INTEGER NOT NULL DEFAULT 0,
        noticed INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (room, member)
    ) WITHOUT ROWID;
    CREATE TABLE moderation_rooms (
        room TEXT PRIMARY KEY,
        since TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE moderation_decisions (
        id INTEGER PRIMARY KEY,
        room TEXT NOT NULL,
        member TEXT NOT NULL,
        msg_id TEXT,
        rule TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        action TEXT NOT NULL,
        actor TEXT,
        ts TEXT NOT NULL
    );
    CREATE INDEX moderation_decisions_member ON moderation_decisions(room, member)
    """,
)
# moderation_members: joined_at is when the bot saw the member join a bound group (NULL: there when the group was
# bound or when moderation began); messages counts what a new member said; strikes are offences since the last
# /unmute; escalated is 'removed' or 'asked' once a repeat offence was acted on; trusted by /allow; noticed: the
# advisors were told about a new member's first image.


@dataclass(frozen=True)
class Standing:
    """A member's standing in a room."""

    joined_at: datetime | None = None
    messages: int = 0
    strikes: int = 0
    escalated: str | None = None
    trusted: bool = False
    noticed: bool = False

    def is_new(self, now: datetime, minutes: int) -> bool:
        return self.joined_at is not None and (now - self.joined_at).total_seconds() < minutes * 60


class ModerationStore:
    def __init__(self, conn) -> None:
        self.conn = conn

    # -- who is in the room, and since when ----------------------------------------------------
    def baseline(self, room: str, members: Iterable[str], now: datetime) -> bool:
        """Once per room (when it is bound, or when moderation first starts): everyone already known is not new.
        True if this was the first time."""
        if self.conn.execute("INSERT OR IGNORE INTO moderation_rooms(room, since) VALUES (?, ?)", (room, iso(now))).rowcount == 0:
            return False
        self.conn.executemany("INSERT OR IGNORE INTO moderation_members(room, member) VALUES (?, ?)",
                              [(room, m) for m in members])
        return True

    def joined(self, room: str, member: str, now: datetime) -> None:
        """The bot saw a member join: new from now. Someone already known stays as they were (a roster after a
        restart repeats everyone), except a member the bot removed who came back: new again, strikes kept."""
        self.conn.execute(
            "INSERT INTO moderation_members(room, member, joined_at) VALUES (?, ?, ?) "
            "ON CONFLICT(room, member) DO UPDATE SET joined_at = excluded.joined_at, messages = 0, escalated = NULL, "
            "noticed = 0 WHERE moderation_members.escalated = 'removed'",
            (room, member, iso(now)))

    def standing(self, room: str, member: str) -> Standing:
        row = self.conn.execute(
            "SELECT joined_at, messages, strikes, escalated, trusted, noticed FROM moderation_members "
            "WHERE room = ? AND member = ?", (room, member)).fetchone()
        if row is None:
            return Standing()
        joined, messages, strikes, escalated, trusted, noticed = row
        return Standing(from_iso(joined) if joined else None, messages, strikes, escalated, bool(trusted), bool(noticed))

    def members(self, room: str) -> list[str]:
        """Everyone the ritual knows in the room (for /allow and /unmute of a member who has left)."""
        return [m for (m,) in self.conn.execute("SELECT member FROM moderation_members WHERE room = ? ORDER BY member", (room,))]

    def _set(self, room: str, member: str, assignments: str, *values: object) -> None:
        self.conn.execute("INSERT OR IGNORE INTO moderation_members(room, member) VALUES (?, ?)", (room, member))
        self.conn.execute(f"UPDATE moderation_members SET {assignments} WHERE room = ? AND member = ?",
                          (*values, room, member))

    def spoke(self, room: str, member: str) -> None:
        """A new member said something that was not spam."""
        self.conn.execute("UPDATE moderation_members SET messages = messages + 1 WHERE room = ? AND member = ?",
                          (room, member))

    def strike(self, room: str, member: str) -> None:
        self._set(room, member, "strikes = strikes + 1")

    def escalate(self, room: str, member: str, how: str) -> None:
        self._set(room, member, "strikes = strikes + 1, escalated = ?", how)

    def noticed(self, room: str, member: str) -> None:
        self._set(room, member, "noticed = 1")

    def trust(self, room: str, member: str) -> None:
        self._set(room, member, "trusted = 1, strikes = 0, escalated = NULL")

    def forgive(self, room: str, member: str) -> None:
        self._set(room, member, "strikes = 0, escalated = NULL")

    # -- what was decided ----------------------------------------------------------------------
    def record(self, room: str, member: str, msg_id: str | None, rule: str, detail: str, action: str, ts: datetime,
               actor: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO moderation_decisions(room, member, msg_id, rule, detail, action, actor, ts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (room, member, msg_id, rule, detail[:80], action, actor, iso(ts)))

    def counts(self) -> dict[str, dict[str, int]]:
        """{room: {action: decisions}} for every room with a decision (none if the bot never ran moderation on this
        database)."""
        out: dict[str, dict[str, int]] = {}
        try:
            for room, action, n in self.conn.execute(
                    "SELECT room, action, COUNT(*) FROM moderation_decisions GROUP BY room, action"):
                out.setdefault(room, {})[action] = n
        except sqlite3.OperationalError:  # a read-only report of a database the ritual never migrated
            return {}
        return out
