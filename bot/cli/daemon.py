"""`main.py run`: the long-running daemon. APScheduler ticks the course calendar; the senders drain the outbox.
Several accounts: each has its own connection (started, watched and reconnected on its own) and its own sender;
one inbox, one calendar and one retention serve them all. An event is stamped with the account it came through."""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import signal
import sys
from datetime import timezone
from typing import Callable, TextIO

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import Bot
from bot.delivery.sender import Sender
from bot.storage.retention import Retention

log = logging.getLogger("bot.cli.daemon")


def received_through(inbox_receive: Callable, account: str) -> Callable:
    """The transport's event handler for one of several accounts: each event is stamped with the account."""
    if not account:
        return inbox_receive

    async def receive(event) -> None:
        await inbox_receive(dataclasses.replace(event, account=account))
    return receive


async def supervise(bot: Bot, transport, check_seconds: float = 1.0, max_backoff: float = 60.0,
                    first_delay: float = 1.0, sender: Sender | None = None, on_event: Callable | None = None) -> None:
    """Notice a dropped connection and reconnect with back-off; queued messages wait in the outbox meanwhile, and
    the sender's own back-off (from sends that failed during the outage) is reset once the connection is back.
    One supervisor per account (`sender`, `on_event`: that account's; default: the only account's)."""
    sender = sender or bot.sender
    on_event = on_event or bot.engine.inbox.receive
    delay = first_delay
    while True:
        await asyncio.sleep(check_seconds)
        if getattr(transport, "connected", True):
            continue
        log.error("transport %s%s disconnected; reconnecting in %.0fs (outbox: %s)", transport.name, _of(sender),
                  delay, sender.status())
        await asyncio.sleep(delay)
        try:
            await transport.stop()
            await transport.start(on_event)
        except Exception as exc:  # noqa: BLE001 - keep trying, with back-off
            log.error("reconnect%s failed: %s", _of(sender), exc)
            delay = min(delay * 2, max_backoff)
        else:
            log.info("reconnected to %s%s", transport.name, _of(sender))
            delay = first_delay
            sender.connection_back()


def _of(sender: Sender) -> str:
    """' (account adv1)' for logs; nothing for the only account."""
    return f" (account {sender.account})" if sender.account else ""


async def report_budget(bot: Bot) -> None:
    """Log the send budget and the queue now and then (also shown by /status)."""
    while True:
        await asyncio.sleep(300)
        log.info("outbox: %s", bot.engine.services.status())


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


async def run(bot: Bot, transport=None, speed: float = 1.0, tick_seconds: float = 1.0,
              closed: asyncio.Event | None = None) -> None:
    """Run until SIGINT/SIGTERM (or until `closed` is set, e.g. the sandbox's input ends). A second Ctrl-C while
    stopping exits at once: nothing is lost (what was received is in the inbox, what is unsent in the outbox).
    `transport`: the only account's (default: the bot's accounts, each with its own transport and sender)."""
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

    retention = Retention.from_settings(bot.store, bot.engine.clock, bot.playbook.settings.retention)

    async def prune() -> None:  # at most once an hour (kept in meta), in small batches between events
        try:
            gone = await retention.run()
            if gone:
                log.info("retention: %d old row(s) pruned (event ids, sent messages)", gone)
        except Exception:
            log.exception("retention failed; tried again later")

    scheduler = AsyncIOScheduler(timezone=timezone.utc)
    # the course calendar lives in our tables; one job drives it (missed runs are caught up by the engine's grace rule)
    scheduler.add_job(tick, "interval", seconds=tick_seconds, id="calendar", max_instances=1, coalesce=True,
                      misfire_grace_time=None)
    scheduler.add_job(prune, "interval", minutes=5, id="retention", max_instances=1, coalesce=True,
                      misfire_grace_time=None)
    # (account, its transport, its sender, its event handler) for each account
    if transport is not None and len(bot.senders) <= 1:
        links = [("", transport, bot.sender, bot.engine.inbox.receive)]
    else:
        links = [(a.name, a.transport, bot.senders[a.name], received_through(bot.engine.inbox.receive, a.name))
                 for a in bot.accounts]
    await tick()  # catch up at once after downtime
    inbox = asyncio.create_task(bot.engine.inbox.run())  # first what a crash left in the inbox, then what arrives
    # receiving only stores the event and wakes the inbox task; the accounts log in at the same time
    started = await asyncio.gather(*(t.start(on_event) for _, t, _, on_event in links), return_exceptions=True)
    failed = [(name, exc) for (name, *_), exc in zip(links, started) if isinstance(exc, BaseException)]
    if len(failed) == len(links):
        inbox.cancel()
        raise failed[0][1]
    for name, exc in failed:  # the others run; this one is retried by its supervisor
        log.error("account %s could not start (retried with back-off): %s", name, exc)
    names = ", ".join(f"{t.name}{f' ({name})' if name else ''}" for name, t, _, _ in links)
    log.info("running on %s; %d group(s); outbox: %s", names, len(bot.engine.groups), bot.engine.services.status())
    scheduler.start()
    senders = [(s, asyncio.create_task(s.run(speed))) for _, _, s, _ in links]
    supervisors = [asyncio.create_task(supervise(bot, t, sender=s, on_event=on_event)) for _, t, s, on_event in links]
    budget = asyncio.create_task(report_budget(bot))
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        for task in (*supervisors, budget, inbox):
            task.cancel()
        try:  # what was received before the stop is handled now if it is quick; the rest waits in the inbox
            await asyncio.wait_for(bot.engine.inbox.process(), 5)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            pass
        except Exception:
            log.exception("inbox processing at stop failed; the events stay in the inbox")
        try:  # the sends in flight finish; the rest stays queued for the next start
            await asyncio.gather(*(s.stop(task) for s, task in senders), return_exceptions=True)
        finally:
            for _, t, _, _ in links:
                try:
                    await t.stop()
                except Exception:
                    log.exception("stopping transport %s failed", t.name)
            bot.store.close()
