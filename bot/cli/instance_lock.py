"""One daemon per database: a second one refuses to start instead of double-sending."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class AlreadyRunning(Exception):
    """Another process holds the database's lock."""


def acquire(db_path: str | Path) -> IO[str]:
    """Take the database's lock (held until the process exits); raise AlreadyRunning if it is taken."""
    lock_path = Path(f"{db_path}.lock")
    old = os.umask(0o077)  # the folder (0700) and the lock file are the owner's alone, like the database
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(lock_path, "a+", encoding="utf-8")
    finally:
        os.umask(old)
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "?"
        fh.close()
        raise AlreadyRunning(f"another bot (pid {holder}) is already running on {db_path}; "
                             "stop it first — two daemons on one database would send everything twice") from None
    fh.seek(0)
    fh.truncate()
    fh.write(str(os.getpid()))
    fh.flush()
    return fh
