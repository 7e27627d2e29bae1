"""Offer and coupon tables: offers with their true seats, posts, enrolments, coupon pushes and claims."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.storage.stamps import from_iso, iso

_COLS = "id, title, price, discount, deadline, seats, link, template, created_by, closed_at, close_reason"


@dataclass(frozen=True, slots=True)
class OfferRow:
    """One offer as stored (deadline and closed_at are aware datetimes)."""

    id: str
    title: str
    price: float
    discount: float
    deadline: datetime
    seats: int
    link: str
    template: str
    created_by: str
    closed_at: datetime | None
    close_reason: str | None

    @classmethod
    def from_row(cls, row: tuple) -> "OfferRow":
        r = list(row)
        r[4] = from_iso(r[4])
        r[9] = from_iso(r[9]) if r[9] else None
        return cls(*r)


class OfferStore:
    """Reads and writes of offers and coupons (shares the Store's connection and transactions)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # -- offers ---------------------------------------------------------------------------------
    def add(self, offer_id: str, title: str, price: float, discount: float, deadline: datetime, seats: int, link: str,
            template: str, created_by: str, ts: datetime) -> bool:
        """Create an offer once; False if the id exists (a playbook offer is loaded once, never overwritten)."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO offers(id, title, price, discount, deadline, seats, link, template, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (offer_id, title, price, discount, iso(deadline), seats, link, template, created_by, iso(ts)))
        return cur.rowcount == 1

    def get(self, offer_id: str) -> OfferRow | None:
        row = self.conn.execute(f"SELECT {_COLS} FROM offers WHERE id = ?", (offer_id,)).fetchone()
        return OfferRow.from_row(row) if row else None

    def all(self, open_only: bool = False) -> list[OfferRow]:
        where = " WHERE closed_at IS NULL" if open_only else ""
        return [OfferRow.from_row(r) for r in self.conn.execute(f"SELECT {_COLS} FROM offers{where} ORDER BY deadline, id")]

    def enrolled(self, offer_id: str) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM enrollments WHERE offer = ?", (offer_id,)).fetchone()[0]

    def seats_left(self, offer: OfferRow) -> int:
        """The true number of seats left: seats minus enrolments."""
        return max(offer.seats - self.enrolled(offer.id), 0)

    def enroll(self, offer_id: str, member: str, room: str | None, ts: datetime, by: str) -> bool:
        """Record an enrolment once; False if the member was already enrolled."""
        cur = self.conn.execute("INSERT OR IGNORE INTO enrollments(offer, member, room, ts, by) VALUES (?, ?, ?, ?, ?)",
                                (offer_id, member, room, iso(ts), by))
        return cur.rowcount == 1

    def close(self, offer_id: str, reason: str, ts: datetime) -> bool:
        """Close an offer once ('deadline' or 'sold_out'); False if it was already closed."""
        cur = self.conn.execute("UPDATE offers SET closed_at = ?, close_reason = ? WHERE id = ? AND closed_at IS NULL",
                                (iso(ts), reason, offer_id))
        return cur.rowcount == 1

    def mark(self, offer_id: str, target: str, kind: str, ts: datetime) -> bool:
        """Record a post of an offer to a room ('post', 'countdown_24h', 'closed' ...) once; False if already."""
        cur = self.conn.execute("INSERT OR IGNORE INTO offer_posts(offer, target, kind, ts) VALUES (?, ?, ?, ?)",
                                (offer_id, target, kind, iso(ts)))
        return cur.rowcount == 1

    def posted(self, offer_id: str, target: str, kind: str) -> bool:
        return self.conn.execute("SELECT 1 FROM offer_posts WHERE offer = ? AND target = ? AND kind = ?",
                                 (offer_id, target, kind)).fetchone() is not None

    def rooms(self, offer_id: str, before: datetime | None = None) -> list[str]:
        """Rooms the offer was shown in (first shown before `before`, if given), in the order it was first posted there."""
        until = iso(before) if before else "9999"
        return [r for (r,) in self.conn.execute(
            "SELECT target FROM offer_posts WHERE offer = ? AND kind = 'post' AND ts < ? ORDER BY ts, target", (offer_id, until))]

    # -- coupons --------------------------------------------------------------------------------
    def coupon_pushed(self, coupon: str, target: str, ts: datetime) -> None:
        """Record (or refresh the time of) a coupon push to a room or a contact."""
        self.conn.execute("INSERT INTO coupon_posts(coupon, target, ts) VALUES (?, ?, ?) "
                          "ON CONFLICT(coupon, target) DO UPDATE SET ts = excluded.ts", (coupon, target, iso(ts)))

    def was_pushed(self, coupon: str, target: str) -> bool:
        return self.conn.execute("SELECT 1 FROM coupon_posts WHERE coupon = ? AND target = ?", (coupon, target)).fetchone() is not None

    def pushed_to(self, targets: list[str]) -> list[str]:
        """Coupons pushed to any of the targets, most recent first."""
        marks = ",".join("?" * len(targets))
        rows = self.conn.execute(
            f"SELECT coupon, MAX(ts) AS t FROM coupon_posts WHERE target IN ({marks}) GROUP BY coupon ORDER BY t DESC", targets)
        return [c for c, _ in rows]

    def claim(self, coupon: str, member: str, room: str | None, ts: datetime, by: str) -> bool:
        """Record a claim once per member per coupon; False if already claimed."""
        cur = self.conn.execute("INSERT OR IGNORE INTO coupon_claims(coupon, member, room, ts, by) VALUES (?, ?, ?, ?, ?)",
                                (coupon, member, room, iso(ts), by))
        return cur.rowcount == 1
