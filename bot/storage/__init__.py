"""Storage: one SQLite file through sqlite-utils (WAL, versioned schema)."""
from bot.storage.db import connect
from bot.storage.store import Store, from_iso, iso

__all__ = ["Store", "connect", "from_iso", "iso"]
