"""Storage: one SQLite file through sqlite-utils (WAL, versioned schema)."""
from bot.storage.db import DatabaseError, connect, connect_readonly
from bot.storage.store import Store, from_iso, iso

__all__ = ["DatabaseError", "Store", "connect", "connect_readonly", "from_iso", "iso"]
