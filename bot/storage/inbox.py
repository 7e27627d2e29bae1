"""Inbound events: the durable inbox (an event is stored before it is processed) and the ids already seen."""
from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.storage.stamps import iso


class InboxStore:
    """inbox and inbound (shares the Store's connection and transactions).

    An event is handled when its id is remembered in `inbound` (in the transaction holding its effects): that one
    row is its "processed" mark. Its inbox row is deleted later, with rows stored later (the same page of the
    table, written by that commit anyway), so a handled batch writes nothing to the inbox; meanwhile `handled_through`
    (this run's, set after the batch's commit) keeps it out of next() and length(). The newest handled row is kept:
    a new row's id is the largest plus one, so it must stay above `handled_through`. After a restart, rows whose
    event id is remembered are deleted before anything is read (forget_handled)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.handled_through = 0  # row id: the rows up to it were handled and committed (this run)
        self._swept_below = 0  # row id: the rows below it were deleted (in a transaction that may have rolled back)

    def add(self, event: str, now: datetime) -> int:
        """Keep a received event (encoded) until it is processed."""
        return self.conn.execute("INSERT INTO inbox(event, received_at) VALUES (?, ?)", (event, iso(now))).lastrowid

    def next(self, limit: int = 100) -> list[tuple[int, str]]:
        """The oldest unprocessed events, as (row id, encoded event)."""
        return [tuple(r) for r in self.conn.execute("SELECT id, event FROM inbox WHERE id > ? ORDER BY id LIMIT ?",
                                                    (self.handled_through, limit))]

    def drop(self, row_id: int) -> None:
        """A row that cannot be read goes (unless it is the newest: then it goes with the next sweep)."""
        self.conn.execute("DELETE FROM inbox WHERE id = ? AND id < (SELECT MAX(id) FROM inbox)", (row_id,))

    def handled(self, last: int) -> None:
        """The rows up to `last` (the oldest waiting, handled in order) were handled and that is committed."""
        self.handled_through = max(self.handled_through, last)

    def sweep(self, least: int = 8) -> None:
        """Delete the rows handled but the newest (inside the transaction that stores the next ones) once there are
        at least `least` of them (a few rows share a page: one statement for many commits)."""
        if self.handled_through - self._swept_below >= least:
            self.conn.execute("DELETE FROM inbox WHERE id < ?", (self.handled_through,))
            self._swept_below = self.handled_through  # if that rolls back, the next sweep deletes them too (id <)

    def forget_handled(self) -> int:
        """At start-up: delete the rows whose event was handled before a restart (remembered in inbound); how many."""
        return self.conn.execute("DELETE FROM inbox WHERE json_extract(event, '$.id') IN (SELECT id FROM inbound)").rowcount

    def length(self) -> int:
        """How many stored events wait to be processed."""
        return self.conn.execute("SELECT COUNT(*) FROM inbox WHERE id > ?", (self.handled_through,)).fetchone()[0]

    def seen(self, event_id: str) -> bool:
        """Was this inbound event id handled before?"""
        return self.conn.execute("SELECT 1 FROM inbound WHERE id = ?", (event_id,)).fetchone() is not None

    def remember(self, event_id: str, ts: datetime) -> bool:
        """Record an inbound event id; False if it was seen before (a redelivery)."""
        cur = self.conn.execute("INSERT OR IGNORE INTO inbound(id, ts) VALUES (?, ?)", (event_id, iso(ts)))
        return cur.rowcount == 1

    def prune(self, before: datetime, limit: int) -> int:
        """Forget up to `limit` event ids received (by their time) before `before`, oldest first; how many. The
        inbox rows handled are deleted first: an id forgotten cannot be handled again from a row left behind."""
        self.sweep(least=1)
        return self.conn.execute(
            "DELETE FROM inbound WHERE id IN (SELECT id FROM inbound WHERE ts < ? ORDER BY ts LIMIT ?)",
            (iso(before), limit)).rowcount
