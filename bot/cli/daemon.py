"""`main.py run`: the long-running daemon. APScheduler ticks the course calendar; the sender drains the outbox."""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from datetime import timezone
from typing import Callable, TextIO

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import Bot

log = logging.getLogger("bot.cli.daemon")


async def supervise(bot: Bot, transport, check_seconds: float = 1.0, max_backoff: float = 60.0,
                    first_delay: float = 1.0) -> None:
    """Notice a dropped connection and reconnect with back-off; queued messages wait in the outbox meanwhile, and
    the sender's own back-off (from sends that failed during the outage) is reset once the connection is back."""
    delay = first_delay
    while True:
        await asyncio.sleep(check_seconds)
        if getattr(transport, "connected", True):
            continue
        log.error("transport %s disconnected; reconnecting in %.0fs (outbox: %s)", transport.name, delay, bot.sender.status())
        await asyncio.sleep(delay)
        try:
            await transport.stop()
            await transport.start(bot.engine.inbox.receive)
        except Exception as exc:  # noqa: BLE001 - keep trying, with back-off
            log.error("reconnect failed: %s", exc)
            delay = min(delay * 2, max_backoff)
        else:
            log.info("reconnected to %s", transport.name)
            delay = first_delay
            bot.sender.connection_back()


async def report_budget(bot: Bot) -> None:
    """Log the send budget and the queue now and then (also shown by /status)."""
    while True:
        await asyncio.sleep(300)
        log.info("outbox: %s", bot.sender.status())


class Interrupts:
    """The first Ctrl-C (or SIGTERM) stops cleanly; a second Ctrl-C while stopping exits at once, which loses nothing:
    what was received waits in the inbox and what is unsent in the outbox (as after kill -9)."""

    def __init__(self, stop: asyncio.Event, exit: Callable[[int], object] = os._exit, err: TextIO = sys.stderr) -> None:
        self.stop, self.exit, self.err = stop, exit, err

    def _say(self, text: str) -> None:
        self.err.write(text)
        self.err.flush()

    def __call__(self, sig: signal.Signals) -> None:
        if self.stop.is_set() and sig == signal.SIGINT:
            self._say("\n已立即退出（exited at once）；未处理的消息留在收件箱和发件箱，下次启动继续\n")
            self.exit(130)
            return
        if sig == signal.SIGINT:
            self._say("\n正在停止…（stopping; 再按一次 Ctrl-C 立即退出 / Ctrl-C again to exit at once）\n")
        self.stop.set()


async def run(bot: Bot, transport, speed: float = 1.0, tick_seconds: float = 1.0, closed: asyncio.Event | None = None) -> None:
    """Run until SIGINT/SIGTERM (or until `closed` is set, e.g. the sandbox's input ends). A second Ctrl-C while
    stopping exits at once: nothing is lost (what was received is in the inbox, what is unsent in the outbox)."""
    stop = closed or asyncio.Event()
    loop = asyncio.get_running_loop()
    on_signal = Interrupts(stop)
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal, sig)

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
    inbox = asyncio.create_task(bot.engine.inbox.run())  # first what a crash left in the inbox, then what arrives
    await transport.start(bot.engine.inbox.receive)  # receiving only stores the event and wakes the inbox task
    log.info("running on %s; %d group(s); outbox: %s", transport.name, len(bot.engine.groups), bot.sender.status())
    scheduler.start()
    sender = asyncio.create_task(bot.sender.run(speed))
    supervisor = asyncio.create_task(supervise(bot, transport))
    budget = asyncio.create_task(report_budget(bot))
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        for task in (supervisor, budget, inbox):
            task.cancel()
        try:  # what was received before the stop is handled now if it is quick; the rest waits in the inbox
            await asyncio.wait_for(bot.engine.inbox.process(), 5)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            pass
        except Exception:
            log.exception("inbox processing at stop failed; the events stay in the inbox")
        try:
            await bot.sender.stop(sender)  # the send in flight finishes; the rest stays queued for the next start
        finally:
            await transport.stop()
            bot.store.close()
