"""The study groups' tables: a row per bound group, its lifecycle history and the scheduled actions it has fired."""
from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.storage.stamps import dicts, iso


class GroupStore:
    """groups, history and fired (shares the Store's connection and transactions)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # -- groups -------------------------------------------------------------------------------
    def rows(self) -> list[dict]:
        """Every bound group's row."""
        return dicts(self.conn.execute("SELECT * FROM groups ORDER BY room"))

    def rooms(self) -> set[str]:
        """The rooms of every bound group."""
        return {r for (r,) in self.conn.execute("SELECT room FROM groups")}

    def rooms_by_closed(self) -> tuple[set[str], set[str]]:
        """(rooms of groups still running, rooms of closed groups)."""
        running: set[str] = set()
        closed: set[str] = set()
        for room, state in self.conn.execute("SELECT room, state FROM groups"):
            (closed if state == "closed" else running).add(room)
        return running, closed

    def row(self, room: str) -> dict | None:
        rows = dicts(self.conn.execute("SELECT * FROM groups WHERE room = ?", (room,)))
        return rows[0] if rows else None

    def insert(self, room: str, topic: str, state: str, start_date: str, bound_at: datetime, account: str = "") -> None:
        self.conn.execute(
            "INSERT INTO groups(room, topic, state, start_date, bound_at, account) VALUES (?, ?, ?, ?, ?, ?)",
            (room, topic, state, start_date, iso(bound_at), account),
        )

    def update(self, room: str, **fields: object) -> None:
        """Write columns of a group's row (names come from the code, never from input)."""
        cols = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(f"UPDATE groups SET {cols} WHERE room = ?", (*fields.values(), room))

    # -- history ------------------------------------------------------------------------------
    def add_history(self, room: str, from_state: str | None, to_state: str, event: str, day: int, ts: datetime,
                    actor: str | None) -> None:
        self.conn.execute(
            "INSERT INTO history(room, from_state, to_state, event, course_day, ts, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (room, from_state, to_state, event, day, iso(ts), actor),
        )

    def history(self, room: str) -> list[dict]:
        return dicts(self.conn.execute("SELECT * FROM history WHERE room = ? ORDER BY id", (room,)))

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
