"""The relayed questions: what a member asked privately, whom it was relayed to, whether they were told a teacher
will answer, and when an advisor answered. The table is the ritual's own (MIGRATIONS); only the core store's
connection is used."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage import from_iso, iso

MIGRATIONS = (
    """
    CREATE TABLE relay_questions (
        id INTEGER PRIMARY KEY,
        contact TEXT NOT NULL,
        name TEXT NOT NULL,
        cohort TEXT NOT NULL DEFAULT '',
        msg_id TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        asked_at TEXT NOT NULL,
        told INTEGER NOT NULL DEFAULT 0,
        answered_at TEXT,
        answered_by TEXT
    );
    CREATE INDEX relay_questions_contact ON relay_questions(contact, asked_at)
    """,
)
# told: the member was told in reply to this question that a teacher will answer (once per few hours);
# answered_at/answered_by: the advisor's /reply (or quoted reply) that answered it and every earlier open question.


@dataclass(frozen=True)
class Asker:
    """Someone who asked: their contact id, the name and cohort they had when they last asked, open questions."""

    contact: str
    name: str
    cohort: str
    open: int


class RelayStore:
    def __init__(self, conn) -> None:
        self.conn = conn

    def add(self, contact: str, name: str, cohort: str, msg_id: str, text: str, ts: datetime) -> int | None:
        """Keep a question; its id, or None if this message was kept before."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO relay_questions(contact, name, cohort, msg_id, text, asked_at) VALUES (?, ?, ?, ?, ?, ?)",
            (contact, name, cohort, msg_id, text, iso(ts)))
        return cur.lastrowid if cur.rowcount else None

    def last_told(self, contact: str) -> datetime | None:
        """When the member was last told that a teacher will answer."""
        (ts,) = self.conn.execute("SELECT MAX(asked_at) FROM relay_questions WHERE contact = ? AND told = 1",
                                  (contact,)).fetchone()
        return from_iso(ts) if ts else None

    def mark_told(self, question: int) -> None:
        self.conn.execute("UPDATE relay_questions SET told = 1 WHERE id = ?", (question,))

    def contact_of(self, question: int) -> str | None:
        row = self.conn.execute("SELECT contact FROM relay_questions WHERE id = ?", (question,)).fetchone()
        return row[0] if row else None

    def askers(self, name: str | None = None) -> list[Asker]:
        """Everyone who asked (or those whose latest name is `name`), with the number of open questions."""
        rows = self.conn.execute(
            "SELECT contact, name, cohort, open FROM (SELECT contact, name, cohort, "
            "SUM(answered_at IS NULL) OVER (PARTITION BY contact) AS open, "
            "ROW_NUMBER() OVER (PARTITION BY contact ORDER BY asked_at DESC, id DESC) AS n FROM relay_questions) "
            "WHERE n = 1" + (" AND name = ?" if name is not None else "") + " ORDER BY contact",
            (name,) if name is not None else ())
        return [Asker(*row) for row in rows]

    def answer(self, contact: str, by: str, ts: datetime) -> int:
        """Mark the member's open questions answered; how many."""
        return self.conn.execute(
            "UPDATE relay_questions SET answered_at = ?, answered_by = ? WHERE contact = ? AND answered_at IS NULL",
            (iso(ts), by, contact)).rowcount

    def counts(self) -> tuple[int, int]:
        """(questions relayed, still unanswered)."""
        total, unanswered = self.conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(answered_at IS NULL), 0) FROM relay_questions").fetchone()
        return total, unanswered
