"""The certificates table: which graduate got their certificate (and its number). Only the database connection of
the core store is used; the table is the ritual's own (MIGRATIONS)."""
from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.storage import iso

MIGRATIONS = (
    """
    CREATE TABLE certificates (
        room TEXT NOT NULL,
        member TEXT NOT NULL,
        number INTEGER NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (room, member)
    ) WITHOUT ROWID;
    """,
)


class CertificateStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def waiting(self, room: str, limit: int) -> list[str]:
        """Graduates of the room without a certificate yet, in the order they graduated."""
        return [m for (m,) in self.conn.execute(
            "SELECT g.member FROM graduates g LEFT JOIN certificates c ON c.room = g.room AND c.member = g.member "
            "WHERE g.room = ? AND c.member IS NULL ORDER BY g.ts, g.member LIMIT ?", (room, limit))]

    def number(self, room: str, member: str) -> int | None:
        row = self.conn.execute("SELECT number FROM certificates WHERE room = ? AND member = ?", (room, member)).fetchone()
        return row[0] if row else None

    def issue(self, room: str, member: str, now: datetime) -> int:
        """The member's certificate number in the room (numbered in the order they are issued), recorded once."""
        number = self.number(room, member)
        if number is None:
            number = self.conn.execute("SELECT COUNT(*) FROM certificates WHERE room = ?", (room,)).fetchone()[0] + 1
            self.conn.execute("INSERT INTO certificates(room, member, number, sent_at) VALUES (?, ?, ?, ?)",
                              (room, member, number, iso(now)))
        return number

    def graduated_in(self, member: str) -> list[str]:
        """Rooms where the member graduated, the latest first."""
        return [r for (r,) in self.conn.execute(
            "SELECT room FROM graduates WHERE member = ? ORDER BY ts DESC", (member,))]

    def issued(self) -> dict[str, int]:
        """{room: certificates issued} for every room that has any (none if the bot never drew on this database)."""
        try:
            return dict(self.conn.execute("SELECT room, COUNT(*) FROM certificates GROUP BY room"))
        except sqlite3.OperationalError:  # a read-only report of a database the ritual never migrated
            return {}
