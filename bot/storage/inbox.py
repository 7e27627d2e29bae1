"""Inbound events: the durable inbox (an event is stored before it is processed) and the ids already seen."""
from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.storage.stamps import iso


class InboxStore:
    """inbox and inbound (shares the Store's connection and transactions)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def add(self, event: str, now: datetime) -> int:
        """Keep a received event (encoded) until it is processed."""
        return self.conn.execute("INSERT INTO inbox(event, received_at) VALUES (?, ?)", (event, iso(now))).lastrowid

    def next(self, limit: int = 100) -> list[tuple[int, str]]:
        """The oldest unprocessed events, as (row id, encoded event)."""
        return [tuple(r) for r in self.conn.execute("SELECT id, event FROM inbox ORDER BY id LIMIT ?", (limit,))]

    def done(self, row_id: int) -> None:
        """The event is processed (call inside the transaction holding its effects)."""
        self.conn.execute("DELETE FROM inbox WHERE id = ?", (row_id,))

    def done_through(self, first: int, last: int) -> None:
        """The events of rows first..last (a batch: the oldest rows, handled in order) are processed (call inside the
        transaction holding their effects)."""
        self.conn.execute("DELETE FROM inbox WHERE id BETWEEN ? AND ?", (first, last))

    def length(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]

    def seen(self, event_id: str) -> bool:
        """Was this inbound event id handled before?"""
        return self.conn.execute("SELECT 1 FROM inbound WHERE id = ?", (event_id,)).fetchone() is not None

    def remember(self, event_id: str, ts: datetime) -> bool:
        """Record an inbound event id; False if it was seen before (a redelivery)."""
        cur = self.conn.execute("INSERT OR IGNORE INTO inbound(id, ts) VALUES (?, ?)", (event_id, iso(ts)))
        return cur.rowcount == 1

    def prune(self, before: datetime, limit: int) -> int:
        """Forget up to `limit` event ids received (by their time) before `before`, oldest first; how many."""
        return self.conn.execute(
            "DELETE FROM inbound WHERE id IN (SELECT id FROM inbound WHERE ts < ? ORDER BY ts LIMIT ?)",
            (iso(before), limit)).rowcount
