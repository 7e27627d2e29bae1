"""Open the SQLite file (WAL, one connection per thread) and bring its schema up to date."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from bot.storage.schema import MIGRATIONS, current_version

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000", "PRAGMA foreign_keys=ON")


class SchemaTooNew(Exception):
    """The database was written by a newer version of the bot."""


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at path with the bot's pragmas, migrated to the current schema."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=True)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    db = sqlite_utils.Database(conn)
    migrate(db)
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    """The version recorded in meta, 0 for a new file."""
    if "meta" not in db.table_names():
        return 0
    row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(db: sqlite_utils.Database) -> None:
    """Apply every migration the file has not seen, each in its own transaction."""
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    have = schema_version(db)
    if have > current_version():
        raise SchemaTooNew(f"database schema v{have} is newer than this bot (v{current_version()})")
    for version in range(have + 1, current_version() + 1):
        with db.atomic():
            for stmt in MIGRATIONS[version - 1].split(";"):
                if stmt.strip():
                    db.execute(stmt)
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", [str(version)])
