"""Funnel tables: contacts and their stages, invitations, opt-outs and the marketing log."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.storage.store import iso

if TYPE_CHECKING:
    from bot.storage.store import Store


class FunnelStore:
    """Reads and writes of the conversion funnel (shares the Store's connection and transactions)."""

    def __init__(self, store: "Store") -> None:
        self.conn = store.conn

    def ensure_contact(self, contact: str, name: str, source: str, ts: datetime) -> bool:
        """Add a contact once (keeping the latest name); True if new."""
        cur = self.conn.execute(
            "INSERT INTO contacts(contact, name, source, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(contact) DO NOTHING",
            (contact, name, source, iso(ts)))
        if cur.rowcount == 0 and name:
            self.conn.execute("UPDATE contacts SET name = ? WHERE contact = ?", (name, contact))
        return cur.rowcount == 1

    def contact(self, contact: str) -> dict | None:
        row = self.conn.execute(
            "SELECT contact, name, source, created_at, opted_out_at, offer_frequency, channel FROM contacts WHERE contact = ?",
            (contact,)).fetchone()
        keys = ("contact", "name", "source", "created_at", "opted_out_at", "offer_frequency", "channel")
        return dict(zip(keys, row)) if row else None

    def stage(self, contact: str, stage: str, ts: datetime, room: str | None = None, detail: str | None = None) -> None:
        """Record that a person reached a funnel stage (every step, with its time)."""
        self.conn.execute("INSERT INTO funnel(contact, stage, room, ts, detail) VALUES (?, ?, ?, ?, ?)",
                          (contact, stage, room, iso(ts), detail))

    def has_stage(self, contact: str, stage: str) -> bool:
        return self.conn.execute("SELECT 1 FROM funnel WHERE contact = ? AND stage = ? LIMIT 1", (contact, stage)).fetchone() is not None

    def stages(self, contact: str) -> list[str]:
        return [s for (s,) in self.conn.execute("SELECT stage FROM funnel WHERE contact = ? ORDER BY id", (contact,))]

    def with_stage(self, stage: str) -> set[str]:
        return {c for (c,) in self.conn.execute("SELECT DISTINCT contact FROM funnel WHERE stage = ?", (stage,))}

    def add_invite(self, contact: str, room: str, method: str, ts: datetime) -> bool:
        """One invitation per person per group, ever: False if already invited (never loop re-inviting)."""
        cur = self.conn.execute("INSERT OR IGNORE INTO invites(contact, room, ts, method) VALUES (?, ?, ?, ?)",
                                (contact, room, iso(ts), method))
        return cur.rowcount == 1

    def invited_to(self, contact: str) -> list[str]:
        return [r for (r,) in self.conn.execute("SELECT room FROM invites WHERE contact = ? ORDER BY ts", (contact,))]

    def set_opt_out(self, contact: str, ts: datetime) -> bool:
        """Mark a contact as opted out of marketing; False if they already were."""
        cur = self.conn.execute("UPDATE contacts SET opted_out_at = ? WHERE contact = ? AND opted_out_at IS NULL", (iso(ts), contact))
        return cur.rowcount == 1

    def clear_opt_out(self, contact: str) -> None:
        """The contact wants marketing again."""
        self.conn.execute("UPDATE contacts SET opted_out_at = NULL WHERE contact = ?", (contact,))

    def opted_out(self, contact: str) -> bool:
        row = self.conn.execute("SELECT opted_out_at FROM contacts WHERE contact = ?", (contact,)).fetchone()
        return bool(row and row[0])

    def set_preference(self, contact: str, field: str, value: str) -> None:
        assert field in ("offer_frequency", "channel")
        self.conn.execute(f"UPDATE contacts SET {field} = ? WHERE contact = ?", (value, contact))

    def log_marketing(self, target: str, kind: str, ts: datetime) -> None:
        self.conn.execute("INSERT INTO marketing_log(target, kind, ts) VALUES (?, ?, ?)", (target, kind, iso(ts)))

    def marketing_since(self, target: str, since: datetime) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM marketing_log WHERE target = ? AND ts >= ?", (target, iso(since))).fetchone()[0]
