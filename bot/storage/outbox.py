"""The outbox table: every outgoing message is a row first (queued → sending → sent / unknown / withdrawn)."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.core.events import Outgoing
from bot.storage.stamps import from_iso, iso

# Sending order (the priority column): answers to people first, then scheduled posts and pushes, then the batched
# acknowledgements of what members did; a post queued longer than the aging time also goes before newer replies.
# So a 09:00 lesson is never queued behind acknowledgements (they used to share the replies' priority).
REPLY, POST, ACK = 0, 1, 2


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    """One row of the outbox."""

    id: int
    out: Outgoing
    created_at: str
    priority: int = REPLY
    due_at: str | None = None  # a scheduled post: the calendar's time it was due (it may be queued later: spread)


class OutboxStore:
    """outbox (shares the Store's connection and transactions; every write to the table is here). Hot-path writes are
    prepared SQL on the connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._cache: dict[tuple[str, int], list[tuple[QueuedMessage, int]]] = {}
        self._cache_version: tuple[int, int] | None = None
        self._writes = 0  # bumped by every write of this connection to the outbox table, and by every rollback

    def changed(self) -> None:
        """The outbox table may have changed (a write here, or a rollback): its head is read again when next asked."""
        self._writes += 1

    def enqueue(self, out: Outgoing, now: datetime, priority: int = 0, asked: tuple[str, str, str] | None = None,
                due: datetime | None = None) -> int:
        """Queue an outgoing message (inside the caller's transaction); priority REPLY, POST (a scheduled post or a
        push) or ACK (a batched acknowledgement);
        `asked` = (person, message id, text) of the member's message a reply answers (replies are limited);
        `out.account` = the bot's account that sends it; `due` = a scheduled post's time in the calendar."""
        self.changed()
        person, cause, text = asked or (None, None, None)
        cur = self.conn.execute(
            "INSERT INTO outbox(room, to_id, text, mentions, created_at, priority, action, ref, person, cause, asked, image, "
            "account, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (out.room, out.to, out.text, json.dumps(list(out.mentions)), iso(now), priority, out.action, out.ref,
             person, cause, text, out.image, out.account, iso(due) if due is not None else None))
        return cur.lastrowid

    def queued(self, limit: int = 100, aged_before: datetime | None = None, account: str | None = None) -> list[QueuedMessage]:
        """Queued messages in sending order: posts queued before `aged_before` first (so replies never starve
        them), then replies, then posts, then acknowledgements, each oldest first; all accounts' (None) or one
        account's. The head of the queue is read again only after the database changed (the sender asks before and
        after every event; a paced backlog is not re-read)."""
        mine = "" if account is None else "account = ? AND "
        rows = self._read(f"SELECT {{cols}} FROM outbox WHERE {mine}status = 'queued' ORDER BY priority, id LIMIT ?",
                          limit, account)
        if aged_before is not None and rows and rows[0][-1] == REPLY:  # only replies can be ahead of an aged post
            cutoff = iso(aged_before)
            oldest = self._read(  # id order is creation order, so the aged ones are a prefix
                f"SELECT {{cols}} FROM outbox WHERE {mine}status = 'queued' AND priority = {POST} ORDER BY id LIMIT ?",
                limit, account)
            aged = [r for r in oldest if r[0].created_at <= cutoff]
            if aged:
                ids = {r[0].id for r in aged}
                rows = (aged + [r for r in rows if r[0].id not in ids])[:limit]
        return [message for message, _ in rows]

    def _read(self, sql: str, limit: int, account: str | None = None) -> list[tuple[QueuedMessage, int]]:
        """(message, priority) rows of a queue query, from the cache while the outbox has not changed (no write of
        this connection to it, no rollback, no commit by another connection: data_version)."""
        version = (self._writes, self.conn.execute("PRAGMA data_version").fetchone()[0])
        if self._cache_version != version:
            self._cache.clear()
            self._cache_version = version
        key = (sql, limit, account)
        if key not in self._cache:
            cols = "id, room, to_id, text, mentions, created_at, action, ref, image, account, due_at, priority"
            args = (limit,) if account is None else (account, limit)
            self._cache[key] = [
                (QueuedMessage(i, Outgoing(room, to, text, tuple(json.loads(m)), action, ref, image, acc), c, p, due), p)
                for i, room, to, text, m, c, action, ref, image, acc, due, p in self.conn.execute(sql.format(cols=cols), args)]
        return self._cache[key]

    def length(self, account: str | None = None) -> int:
        """How many messages are queued (for every account, or for one)."""
        if account is None:
            return self.conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'queued'").fetchone()[0]
        return self.conn.execute("SELECT COUNT(*) FROM outbox WHERE account = ? AND status = 'queued'", (account,)).fetchone()[0]

    def rehome(self, accounts: list[str] | tuple[str, ...], default: str) -> int:
        """Queued messages of an account that is not configured (removed, renamed, or '' from before the accounts
        file) go to the default account; how many (at start-up, so nothing waits for a sender that never runs).
        No accounts: only the rows queued without one ('')."""
        self.changed()
        if not accounts:
            return self.conn.execute("UPDATE outbox SET account = ? WHERE account = '' AND status = 'queued'",
                                     (default,)).rowcount
        marks = ", ".join("?" * len(accounts))
        return self.conn.execute(f"UPDATE outbox SET account = ? WHERE status = 'queued' AND account NOT IN ({marks})",
                                 (default, *accounts)).rowcount

    def unassigned(self) -> bool:
        """Is a message queued without an account (by another process, while several accounts run)?"""
        return self.conn.execute("SELECT 1 FROM outbox WHERE account = '' AND status = 'queued' LIMIT 1").fetchone() is not None

    def mark_sent(self, msg_id: int, now: datetime, status: str = "sent", error: str | None = None) -> None:
        self.changed()
        self.conn.execute("UPDATE outbox SET status = ?, sent_at = ?, error = ? WHERE id = ?", (status, iso(now), error, msg_id))

    def withdraw_promotions(self, contact: str) -> int:
        """Promotional private messages to the contact still waiting (queued as broadcasts) are withdrawn: not sent."""
        self.changed()
        return self.conn.execute(
            "UPDATE outbox SET status = 'withdrawn', error = 'opted out before it was sent' "
            "WHERE status = 'queued' AND room IS NULL AND to_id = ? AND action = 'say' AND priority = 1", (contact,)).rowcount

    # -- reply limits -------------------------------------------------------------------------
    def replies_since(self, since: datetime, person: str | None = None, room: str | None = None) -> int:
        """How many replies to members were queued since `since`: to one person, or in one room."""
        if person is not None:
            sql, arg = "SELECT COUNT(*) FROM outbox WHERE person = ? AND created_at > ?", person
        else:
            sql, arg = "SELECT COUNT(*) FROM outbox WHERE person IS NOT NULL AND room = ? AND created_at > ?", room
        return self.conn.execute(sql, (arg, iso(since))).fetchone()[0]

    def last_asked(self, person: str, since: datetime) -> tuple[str, str] | None:
        """(message id, text) of the person's message the latest reply to them answered, if since `since`."""
        row = self.conn.execute(
            "SELECT cause, asked FROM outbox WHERE person = ? AND created_at > ? ORDER BY created_at DESC, id DESC LIMIT 1",
            (person, iso(since))).fetchone()
        return tuple(row) if row else None

    def group_posts_since(self, room: str, since: datetime) -> int:
        """How many messages to the whole room (not an action on one member) were queued since `since`."""
        return self.conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE room = ? AND to_id IS NULL AND created_at >= ?", (room, iso(since))).fetchone()[0]

    # -- the send window and interrupted sends ------------------------------------------------
    def sends_since(self, since: datetime, account: str | None = None) -> list[tuple[datetime, str]]:
        """(when, recipient) of every message handed to the transport since `since` (sent, or perhaps sent:
        'sending'/'unknown'), oldest first, by every account or by one: the send window survives a restart."""
        rows = self.conn.execute(
            "SELECT sent_at, COALESCE(room, to_id), account FROM outbox WHERE sent_at IS NOT NULL AND sent_at > ? "
            "AND status IN ('sent', 'sending', 'unknown') ORDER BY sent_at", (iso(since),))
        return [(from_iso(t), dest) for t, dest, acc in rows if account is None or acc == account]

    def unknown_sends(self, room: str | None = None) -> int:
        """Messages whose send was interrupted: they may or may not have reached WeChat (all, or one room's)."""
        if room is None:
            return self.conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'unknown'").fetchone()[0]
        return self.conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'unknown' AND room = ?", (room,)).fetchone()[0]

    def mark_interrupted(self) -> list[tuple[str, str]]:
        """Sends cut off by a stop become 'unknown'; returns their (recipient, text)."""
        self.changed()
        rows = self.conn.execute("SELECT COALESCE(room, to_id), text FROM outbox WHERE status = 'sending' ORDER BY id").fetchall()
        if rows:
            self.conn.execute(
                "UPDATE outbox SET status = 'unknown', error = 'interrupted mid-send by a restart' WHERE status = 'sending'")
        return [tuple(r) for r in rows]

    # -- retention ------------------------------------------------------------------------------
    def prune(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` messages sent (or withdrawn) before `before`, oldest first; how many. Queued,
        sending and unknown messages are kept whatever their age."""
        self.changed()
        cutoff = iso(before)
        done = self.conn.execute(
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at < ? AND status = 'sent' "
            "ORDER BY sent_at LIMIT ?)", (cutoff, limit)).rowcount
        if done < limit:
            done += self.conn.execute(
                "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'withdrawn' AND created_at < ? "
                "ORDER BY id LIMIT ?)", (cutoff, limit - done)).rowcount
        return done
