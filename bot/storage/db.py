"""Open the SQLite file (WAL, one connection per thread) and bring its schema up to date; private files: the
database (and its -wal/-shm) 0600 in a 0700 folder; every way it can be unusable is one DatabaseError.

The connection is wrapped in a small Database of our own (not sqlite_utils.Database: importing sqlite_utils imports
pandas and numpy, half of the start-up time, for nothing the bot uses)."""
from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from pathlib import Path
from typing import Iterator

from bot.storage.schema import MIGRATIONS, current_version

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000", "PRAGMA foreign_keys=ON")
SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm")
BOT_DATA = Path(__file__).resolve().parents[2] / "data"  # the default folder (data/bot.db): the bot's own, made 0700


class Database:
    """An open SQLite connection (autocommit mode: transactions are explicit) and the few helpers the schema code
    needs; `conn` is what the Store and the rituals' stores share."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: tuple | list = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def table_names(self) -> list[str]:
        return [n for (n,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction (the connection is in autocommit mode)."""
        self.conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


class DatabaseError(Exception):
    """The database cannot be used (unreadable, not a database, read-only, or written by a newer bot): one line."""


class SchemaTooNew(DatabaseError):
    """The database was written by a newer version of the bot."""


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """Files and folders created meanwhile are readable by their owner only (survey answers, private messages)."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def is_sqlite_file(path: str | Path) -> bool:
    """Does the file start with the SQLite header?"""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _check_file(path: Path, writable: bool) -> None:
    """Refuse a file whose mode forbids what we need, whoever we run as (root ignores the mode, we do not)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot read it ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise DatabaseError(f"{path}: not a file")
    if not st.st_mode & stat.S_IRUSR:
        raise DatabaseError(f"{path}: cannot read it (mode {stat.S_IMODE(st.st_mode):04o})")
    if writable and not st.st_mode & stat.S_IWUSR:
        raise DatabaseError(f"{path}: the database is read-only (mode {stat.S_IMODE(st.st_mode):04o}); "
                            "the bot needs to write it (chmod u+w, or copy it)")
    if st.st_size and not is_sqlite_file(path):
        raise DatabaseError(f"{path}: not a SQLite database (wrong file, or corrupt)")


def _explain(path: Path, exc: sqlite3.Error) -> DatabaseError:
    text = str(exc)
    if "readonly" in text:
        return DatabaseError(f"{path}: the database is read-only; the bot needs to write it")
    if "not a database" in text or "malformed" in text:
        return DatabaseError(f"{path}: not a SQLite database, or corrupt ({text})")
    return DatabaseError(f"{path}: cannot use the database ({text})")


def _make_private(path: Path) -> None:
    if path.parent.resolve() == BOT_DATA:
        with contextlib.suppress(OSError):
            BOT_DATA.chmod(0o700)
    for p in (path, *(Path(f"{path}{s}") for s in SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if stat.S_IMODE(p.stat().st_mode) != 0o600:
                p.chmod(0o600)


def connect(path: str | Path) -> Database:
    """Open (creating if needed) the database at path with the bot's pragmas, migrated to the current schema;
    DatabaseError (one line) if it cannot be used."""
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", isolation_level=None)
        db = Database(conn)
        migrate(db)
        return db
    path = Path(path)
    _check_file(path, writable=True)
    conn = None
    try:
        with private_files():
            if not path.parent.exists():
                path.parent.mkdir(parents=True, mode=0o700)
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=True)
            for pragma in PRAGMAS:
                conn.execute(pragma)
            db = Database(conn)
            migrate(db)
        _make_private(path)
        return db
    except DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise type(exc)(str(exc) if str(path) in str(exc) else f"{path}: {exc}") from None
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise _explain(path, exc) from None
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot create it ({exc.strerror})") from None


def connect_readonly(path: str | Path) -> Database:
    """Open an existing database read-only (sqlite mode=ro): nothing is migrated or created."""
    path = Path(path)
    if not path.exists():
        raise DatabaseError(f"{path}: no such database")
    _check_file(path, writable=False)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        conn.execute("PRAGMA busy_timeout=5000")
        db = Database(conn)
        have = schema_version(db)
    except sqlite3.Error as exc:
        raise _explain(path, exc) from None
    if have == 0:
        conn.close()
        raise DatabaseError(f"{path}: not a bot database (no schema version)")
    if have > current_version():
        conn.close()
        raise SchemaTooNew(f"{path}: database schema v{have} is newer than this bot (v{current_version()}); "
                           "use the newer bot")
    return db


def schema_version(db: Database) -> int:
    """The version recorded in meta, 0 for a new file."""
    if "meta" not in db.table_names():
        return 0
    row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    try:
        return int(row[0]) if row else 0
    except (TypeError, ValueError):
        raise DatabaseError(f"the schema version {row[0]!r} is not a number") from None


def migrate(db: Database) -> None:
    """Apply every migration the file has not seen, each in its own transaction."""
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    have = schema_version(db)
    if have > current_version():
        raise SchemaTooNew(f"database schema v{have} is newer than this bot (v{current_version()}); use the newer bot")
    for version in range(have + 1, current_version() + 1):
        with db.atomic():
            for stmt in MIGRATIONS[version - 1].split(";"):
                if stmt.strip():
                    db.execute(stmt)
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", [str(version)])
