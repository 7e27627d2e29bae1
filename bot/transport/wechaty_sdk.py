"""Importing python-wechaty 0.10.7 (the only place that does): lazily, once, with what the pinned SDK needs first.

- `import wechaty` fails on Python 3.11 (dataclass rejects the PuppetOptions() default) unless PuppetOptions gets an
  identity __hash__ first; and importing it creates $CACHE_DIR (default ./.wechaty in the cwd), so CACHE_DIR must be
  set before the import.
- The SDK logs every event at INFO unless WECHATY_LOG says otherwise.
What the rest of the adapter uses is gathered on one object (`load()` returns it; `loaded()` is it or None).
"""
from __future__ import annotations

import logging
import os
import socket
import tempfile
from typing import Any

log = logging.getLogger("bot.transport.wechaty")

_sdk: Any = None


class TransportStartError(RuntimeError):
    """The transport could not connect and log in (wrong token, gateway down, no login in time)."""


def load(cache_dir: str | None) -> Any:
    """Import wechaty once, with the Python 3.11 shim and CACHE_DIR / log level set beforehand."""
    global _sdk
    if _sdk is None:
        if cache_dir:
            os.environ["CACHE_DIR"] = cache_dir
        elif "CACHE_DIR" not in os.environ:
            os.environ["CACHE_DIR"] = tempfile.mkdtemp(prefix="wechaty-cache-")
        os.environ.setdefault("WECHATY_LOG", "warn")  # the SDK logs every event at INFO otherwise
        import wechaty_puppet.schemas.puppet as puppet_schemas

        puppet_schemas.PuppetOptions.__hash__ = object.__hash__  # type: ignore[method-assign]
        import wechaty
        import wechaty_puppet
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        _sdk = type("Sdk", (), {})()
        _sdk.Wechaty, _sdk.WechatyOptions = wechaty.Wechaty, wechaty.WechatyOptions
        _sdk.pools = (wechaty.Contact._pool, wechaty.Room._pool)  # noqa: SLF001 - shared by every bot
        _sdk.PuppetOptions = puppet_schemas.PuppetOptions
        _sdk.MessageType, _sdk.FriendshipType = wechaty_puppet.MessageType, wechaty_puppet.FriendshipType
        _sdk.FileBox = wechaty_puppet.FileBox
        _sdk.AsyncIOScheduler = AsyncIOScheduler
    elif cache_dir and os.environ.get("CACHE_DIR") != cache_dir:
        log.warning("wechaty already imported with CACHE_DIR=%s; ignoring %s", os.environ.get("CACHE_DIR"), cache_dir)
    return _sdk


def loaded() -> Any:
    """The SDK's parts once load() ran (None before)."""
    return _sdk


def free_port() -> int:
    """A free local TCP port (the SDK refuses to log in if its unused plugin web port is busy)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
