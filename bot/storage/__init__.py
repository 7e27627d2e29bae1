"""Storage: one SQLite file (WAL, versioned schema); a Store (the unit of work) with one
storage class per aggregate, each owning its tables."""
from bot.storage.db import DatabaseError, connect, connect_readonly
from bot.storage.stamps import from_iso, iso
from bot.storage.store import Store

__all__ = ["DatabaseError", "Store", "connect", "connect_readonly", "from_iso", "iso"]
