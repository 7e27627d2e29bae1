"""`main.py run`: the long-running daemon. APScheduler ticks the course calendar; the sender drains the outbox."""
from __future__ import annotations

import asyncio
import logging
import signal
from datetime import timezone

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import Bot

log = logging.getLogger("bot.daemon")


async def run(bot: Bot, transport, speed: float = 1.0, tick_seconds: float = 1.0, closed: asyncio.Event | None = None) -> None:
    """Run until SIGINT/SIGTERM (or until `closed` is set, e.g. the sandbox's input ends)."""
    stop = closed or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    async def tick() -> None:  # a coroutine, so it runs on the loop's thread (SQLite connections are per thread)
        try:
            bot.engine.tick()
        except Exception:
            log.exception("calendar tick failed")

    scheduler = AsyncIOScheduler(timezone=timezone.utc)
    # the course calendar lives in our tables; one job drives it (missed runs are caught up by the engine's grace rule)
    scheduler.add_job(tick, "interval", seconds=tick_seconds, id="calendar", max_instances=1, coalesce=True,
                      misfire_grace_time=None)
    await tick()  # catch up at once after downtime
    await transport.start(bot.engine.handle)
    log.info("running on %s; %d group(s); outbox: %s", transport.name, len(bot.engine.groups), bot.sender.status())
    scheduler.start()
    sender = asyncio.create_task(bot.sender.run(speed))
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        sender.cancel()
        await transport.stop()
        await bot.sender.drain()
        bot.store.db.conn.close()
