"""Funnel tables: contacts and their stages, invitations, opt-outs and the marketing log."""
from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.storage.stamps import from_iso, iso


class FunnelStore:
    """contacts, funnel, invites, friend_requests and marketing_log (shares the Store's connection and transactions)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def ensure_contact(self, contact: str, name: str, source: str, ts: datetime) -> bool:
        """Add a contact once (keeping the latest name); True if new."""
        cur = self.conn.execute(
            "INSERT INTO contacts(contact, name, source, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(contact) DO NOTHING",
            (contact, name, source, iso(ts)))
        if cur.rowcount == 0 and name:
            self.conn.execute("UPDATE contacts SET name = ? WHERE contact = ?", (name, contact))
        return cur.rowcount == 1

    def account_of(self, contact: str) -> str | None:
        """The bot's account the person befriended or first met ('' = not known yet; None = not a contact)."""
        row = self.conn.execute("SELECT account FROM contacts WHERE contact = ?", (contact,)).fetchone()
        return row[0] if row else None

    def set_account(self, contact: str, account: str, replace: bool = False) -> None:
        """The person belongs to this account: if they have none yet, or always (`replace`: they befriended it)."""
        self.conn.execute("UPDATE contacts SET account = ? WHERE contact = ?" + ("" if replace else " AND account = ''"),
                          (account, contact))

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

    def stage_once(self, contact: str, stage: str, ts: datetime, room: str | None, detail: str) -> bool:
        """Record a funnel stage for one offer/coupon (detail) once per person; False if already recorded."""
        if self.conn.execute("SELECT 1 FROM funnel WHERE contact = ? AND stage = ? AND detail = ?",
                             (contact, stage, detail)).fetchone():
            return False
        self.stage(contact, stage, ts, room, detail)
        return True

    def stage_room(self, contact: str, stage: str, detail: str) -> str | None:
        """The room of the person's latest stage with this detail (e.g. the group a coupon reached them through)."""
        row = self.conn.execute("SELECT room FROM funnel WHERE contact = ? AND stage = ? AND detail = ? "
                                "ORDER BY id DESC LIMIT 1", (contact, stage, detail)).fetchone()
        return row[0] if row else None

    def clear_request_notes(self, before: datetime) -> int:
        """Friend-request notes (private texts) recorded before `before` are cleared; how many."""
        return self.conn.execute("UPDATE funnel SET detail = NULL WHERE stage = 'friend_request' AND ts < ? "
                                 "AND detail IS NOT NULL", (iso(before),)).rowcount

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
