"""Who is in which room: the members table (everyone ever seen in a bound or unbound room, and when they left)."""
from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.storage.stamps import iso


class MemberStore:
    """members (shares the Store's connection and transactions)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def upsert(self, room: str, member: str, name: str, ts: datetime) -> None:
        """Add a member (or bring one back who had left), keeping the latest display name."""
        self.conn.execute(
            "INSERT INTO members(room, member, name, joined_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(room, member) DO UPDATE SET name = excluded.name, left_at = NULL",
            (room, member, name, iso(ts)),
        )

    def left(self, room: str, member: str, ts: datetime) -> None:
        self.conn.execute("UPDATE members SET left_at = ? WHERE room = ? AND member = ?", (iso(ts), room, member))

    def current(self, room: str) -> list[tuple[str, str]]:
        """Current members as (id, name), in joining order."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT member, name FROM members WHERE room = ? AND left_at IS NULL ORDER BY joined_at, member", (room,))]

    def names(self, room: str) -> dict[str, str]:
        """Display names of everyone ever seen in the room."""
        return dict(self.conn.execute("SELECT member, name FROM members WHERE room = ?", (room,)))

    def rooms_of(self, member: str) -> list[str]:
        """Rooms the person is currently a member of."""
        return [r for (r,) in self.conn.execute("SELECT room FROM members WHERE member = ? AND left_at IS NULL", (member,))]

    def named(self, name: str) -> list[str]:
        """Ids of everyone currently in a room under this display name (in any room), each once."""
        return [m for (m,) in self.conn.execute(
            "SELECT DISTINCT member FROM members WHERE name = ? AND left_at IS NULL ORDER BY member", (name,))]

    def seen(self, member: str) -> bool:
        """Has the bot ever seen this id in a room?"""
        return self.conn.execute("SELECT 1 FROM members WHERE member = ? LIMIT 1", (member,)).fetchone() is not None
