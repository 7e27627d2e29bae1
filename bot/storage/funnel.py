"""Funnel tables: contacts and their stages, invitations, opt-outs and the marketing log."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.storage.store import from_iso, iso

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

    def invites_since(self, since: datetime) -> int:
        """Room invitations made since a moment (the daily cap)."""
        return self.conn.execute("SELECT COUNT(*) FROM invites WHERE ts >= ?", (iso(since),)).fetchone()[0]

    def waiting(self) -> list[str]:
        """People on the waiting list, first come first served: never invited anywhere and not opted out."""
        return [c for (c,) in self.conn.execute(
            "SELECT f.contact FROM funnel f JOIN contacts c ON c.contact = f.contact WHERE f.stage = 'waiting' "
            "AND c.opted_out_at IS NULL AND NOT EXISTS (SELECT 1 FROM invites i WHERE i.contact = f.contact) "
            "GROUP BY f.contact ORDER BY MIN(f.id)")]

    # -- friend requests: accepted in order, capped per day and paced ----------------------------
    def queue_request(self, contact: str, request_id: str, ts: datetime) -> str:
        """File a friend request: 'queued' (new), 'requeued' (still waiting: the newest request id is kept, the
        place in line too) or 'accepted' (a repeat from a contact already accepted: nothing to do)."""
        row = self.conn.execute("SELECT accepted_at FROM friend_requests WHERE contact = ?", (contact,)).fetchone()
        if row is None:
            self.conn.execute("INSERT INTO friend_requests(contact, request_id, requested_at) VALUES (?, ?, ?)",
                              (contact, request_id, iso(ts)))
            return "queued"
        if row[0] is not None:
            return "accepted"
        self.conn.execute("UPDATE friend_requests SET request_id = ? WHERE contact = ?", (request_id, contact))
        return "requeued"

    def next_request(self) -> tuple[str, str] | None:
        """The oldest friend request not yet accepted: (contact, request id)."""
        row = self.conn.execute("SELECT contact, request_id FROM friend_requests WHERE accepted_at IS NULL "
                                "ORDER BY requested_at, contact LIMIT 1").fetchone()
        return (row[0], row[1]) if row else None

    def mark_accepted(self, contact: str, ts: datetime) -> None:
        self.conn.execute("UPDATE friend_requests SET accepted_at = ? WHERE contact = ?", (iso(ts), contact))

    def accepted_since(self, since: datetime) -> int:
        """Friend requests accepted since a moment (the daily cap)."""
        return self.conn.execute("SELECT COUNT(*) FROM friend_requests WHERE accepted_at >= ?", (iso(since),)).fetchone()[0]

    def last_accepted(self) -> datetime | None:
        row = self.conn.execute("SELECT MAX(accepted_at) FROM friend_requests").fetchone()
        return from_iso(row[0]) if row and row[0] else None

    def pending_requests(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM friend_requests WHERE accepted_at IS NULL").fetchone()[0]

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
