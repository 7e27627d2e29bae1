"""Surveys: one row per invited member (state and question index) and their answers."""
from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.storage.stamps import iso


class SurveyStore:
    """surveys and survey_answers (shares the Store's connection and transactions)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, contact: str) -> tuple[str, int] | None:
        """(state, question index) of the member's survey, or None if never invited or started."""
        row = self.conn.execute("SELECT state, question FROM surveys WHERE contact = ?", (contact,)).fetchone()
        return (row[0], row[1]) if row else None

    def create(self, contact: str, ts: datetime) -> None:
        """An invited survey for the member (kept if one exists)."""
        self.conn.execute("INSERT OR IGNORE INTO surveys(contact, state, started_at) VALUES (?, 'invited', ?)",
                          (contact, iso(ts)))

    def update(self, contact: str, state: str, question: int, started_at: datetime | None = None,
               completed_at: datetime | None = None) -> None:
        """Write the state and question index back (and when it started or was completed, if given)."""
        fields: dict[str, object] = {"state": state, "question": question}
        if started_at is not None:
            fields["started_at"] = iso(started_at)
        if completed_at is not None:
            fields["completed_at"] = iso(completed_at)
        cols = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(f"UPDATE surveys SET {cols} WHERE contact = ?", (*fields.values(), contact))

    def answer(self, contact: str, question: str, answer: str, ts: datetime) -> None:
        """Keep the member's answer to a question (a later answer replaces it)."""
        self.conn.execute("INSERT OR REPLACE INTO survey_answers(contact, question, answer, ts) VALUES (?, ?, ?, ?)",
                          (contact, question, answer, iso(ts)))

    def last_activity(self, contact: str) -> str | None:
        """When the member last took part (started or resumed the survey, or answered), as stored; None if never."""
        (last,) = self.conn.execute(
            "SELECT MAX(ts) FROM (SELECT ts FROM funnel WHERE contact = ? AND stage IN ('survey_started', 'survey_resumed') "
            "UNION ALL SELECT ts FROM survey_answers WHERE contact = ?)", (contact, contact)).fetchone()
        return last

    def purge_answers(self, questions: list[str], before: datetime) -> int:
        """Delete answers to these questions given before `before` (free texts past retention); how many."""
        if not questions:
            return 0
        marks = ",".join("?" * len(questions))
        return self.conn.execute(f"DELETE FROM survey_answers WHERE ts < ? AND question IN ({marks})",
                                 (iso(before), *questions)).rowcount
