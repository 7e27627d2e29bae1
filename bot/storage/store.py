"""The unit of work: one SQLite connection, its transactions, and the storage of each aggregate over it (every
read and write of a table lives in the module that owns it: bot/storage/<aggregate>.py)."""
from __future__ import annotations

import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Callable

from bot.storage.db import Database
from bot.storage.funnel import FunnelStore
from bot.storage.groups import GroupStore
from bot.storage.inbox import InboxStore
from bot.storage.members import MemberStore
from bot.storage.offers import OfferStore
from bot.storage.outbox import OutboxStore
from bot.storage.records import Acks, Checkins, Graduates, Hometowns, Practice
from bot.storage.reports import ReportQueries
from bot.storage.stamps import iso
from bot.storage.surveys import SurveyStore


class Meta:
    """The meta table: small named values (schema versions, the day of the last privacy purge)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))


class Store:
    """The bot's persistence: one SQLite file, one connection, used from one thread; an attribute per aggregate."""

    def __init__(self, db: Database) -> None:
        self.conn = conn = db.conn
        self._depth = 0
        self._rollback_hooks: list[Callable[[], None]] = []
        self._commit_hooks: list[Callable[[], None]] = []
        self._files: Path | None = None
        self.meta = Meta(conn)
        self.groups = GroupStore(conn)        # groups, history, fired
        self.members = MemberStore(conn)      # members
        self.inbox = InboxStore(conn)         # inbox, inbound
        self.outbox = OutboxStore(conn)       # outbox
        self.on_rollback(self.outbox.changed)  # a head read inside a transaction that rolled back is stale
        self.checkins = Checkins(conn)        # checkins
        self.practice = Practice(conn)        # practice
        self.hometowns = Hometowns(conn)      # hometowns
        self.graduates = Graduates(conn)      # graduates, early_graduates
        self.acks = Acks(conn)                # the acked column of any ritual's record table
        self.funnel = FunnelStore(conn)       # contacts, funnel, invites, friend_requests, marketing_log
        self.offers = OfferStore(conn)        # offers, offer_posts, enrollments, coupon_posts, coupon_claims
        self.surveys = SurveyStore(conn)      # surveys, survey_answers
        self.reports = ReportQueries(conn)    # read-only counts across the tables, for `report`

    @property
    def files(self) -> Path:
        """A folder beside the database file for what the bot makes (pictures): 'bot.db' -> 'bot.db.files/'; a
        temporary folder for an in-memory database."""
        if self._files is None:
            path = next((file for _, name, file in self.conn.execute("PRAGMA database_list") if name == "main"), "")
            self._files = Path(f"{path}.files") if path else Path(tempfile.mkdtemp(prefix="bot-files-"))
        return self._files

    def close(self) -> None:
        """Close the connection (the process, or a test's restart, starts again from the file)."""
        self.conn.close()

    # -- transactions -------------------------------------------------------------------------
    def on_rollback(self, hook: Callable[[], None]) -> None:
        """Call hook() after any transaction or savepoint rolls back (in-memory copies must be read again)."""
        self._rollback_hooks.append(hook)

    def on_commit(self, hook: Callable[[], None]) -> None:
        """Call hook() after every outermost COMMIT (what the transaction wrote is now durable and visible)."""
        self._commit_hooks.append(hook)

    @property
    def in_transaction(self) -> bool:
        """Is a transaction open (whatever is written now becomes visible only at its commit)?"""
        return self._depth > 0

    def _rolled_back(self) -> None:
        for hook in self._rollback_hooks:
            hook()

    def tx(self) -> "Transaction":
        """One atomic unit of work; a nested call is a savepoint that rolls back alone on error (group commit: the
        inbox runs many events, each in its own savepoint, inside one transaction)."""
        return Transaction(self)

    # -- rituals' own tables ------------------------------------------------------------------
    def forget_texts(self, table: str, column: str, ts_column: str, before: datetime) -> int:
        """Empty a ritual's private text column in rows older than `before` (names from a ritual's declaration,
        never from input); how many rows."""
        return self.conn.execute(f"UPDATE {table} SET {column} = '' WHERE {ts_column} < ? AND {column} != ''",
                                 (iso(before),)).rowcount

    def migrate_ritual(self, ritual: str, migrations: tuple[str, ...]) -> None:
        """Apply a ritual's migrations (SQL scripts) it has not seen, each in its own transaction; the version is
        kept per ritual in meta ('schema_version:<ritual>')."""
        if not migrations:
            return
        key = f"schema_version:{ritual}"
        for version in range(int(self.meta.get(key) or 0), len(migrations)):
            with self.tx():
                for stmt in migrations[version].split(";"):
                    if stmt.strip():
                        self.conn.execute(stmt)
                self.meta.set(key, str(version + 1))


class Transaction:
    """`with store.tx():` — BEGIN IMMEDIATE … COMMIT, or inside one a SAVEPOINT … RELEASE; on an error the work is
    rolled back (ROLLBACK, or ROLLBACK TO the savepoint) and the rollback hooks run; after the outermost COMMIT the
    commit hooks run. A class rather than a generator-based context manager: it is entered several times per
    message, and contextlib's generator costs more than the SAVEPOINT it wraps."""

    __slots__ = ("store", "savepoint")

    def __init__(self, store: Store) -> None:
        self.store = store
        self.savepoint: str | None = None

    def __enter__(self) -> None:
        store = self.store
        if store._depth:
            self.savepoint = f"sp{store._depth}"
            store.conn.execute(f"SAVEPOINT {self.savepoint}")
            store._depth += 1
        else:
            store.conn.execute("BEGIN IMMEDIATE")
            store._depth = 1

    def __exit__(self, exc_type, exc, tb) -> bool:
        store, conn = self.store, self.store.conn
        if self.savepoint is not None:
            try:
                if exc_type is not None:
                    if conn.in_transaction:  # else an error (disk full, I/O) ended the outer transaction already
                        conn.execute(f"ROLLBACK TO {self.savepoint}")
                    store._rolled_back()
            finally:
                store._depth -= 1
                if conn.in_transaction:
                    conn.execute(f"RELEASE {self.savepoint}")
            return False
        if exc_type is None:
            try:
                conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
            store._depth = 0
            for hook in store._commit_hooks:
                hook()
            return False
        self._rollback()
        return False

    def _rollback(self) -> None:
        store = self.store
        store._depth = 0
        if store.conn.in_transaction:  # some errors (disk full, I/O) already ended the transaction
            store.conn.execute("ROLLBACK")
        store._rolled_back()
