"""The durable, paced outbox: every message is queued in SQLite first, then sent under a send budget."""
from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.storage import Store
from bot.transport import SendError, Transport, perform

log = logging.getLogger("bot.outbox")


@dataclass(frozen=True)
class Pacing:
    """The send budget: WeChat restricts accounts that send too fast."""

    per_minute: int = 40          # at most this many messages per rolling minute, all rooms together
    room_gap_seconds: float = 1.0  # at least this long between two messages to the same room
    switch_jitter_seconds: tuple[float, float] = (1.0, 4.0)  # a random pause when switching recipients
    backoff_seconds: float = 5.0   # first pause after a send error (doubles, capped)
    backoff_max_seconds: float = 300.0


class Sender:
    """Drains the outbox in order, respecting the pacing; a failed send pauses all sending with back-off."""

    def __init__(self, store: Store, transport: Transport, clock, pacing: Pacing = Pacing(), seed: int | None = None) -> None:
        self.store, self.transport, self.clock, self.pacing = store, transport, clock, pacing
        self._rng = random.Random(seed)
        self._last: tuple[str, datetime] | None = None  # (recipient, when) of the last send
        self._switch_gap = self._draw_gap()
        self._window: deque[datetime] = deque()
        self._last_to: dict[str, datetime] = {}
        self._paused_until: datetime | None = None
        self._backoff = pacing.backoff_seconds
        self._wake = asyncio.Event()
        self.sent_count = 0
        self._stopping = False
        interrupted = store.conn.execute(
            "UPDATE outbox SET status = 'unknown', error = 'interrupted mid-send by a restart' WHERE status = 'sending'").rowcount
        if interrupted:  # it may have reached WeChat before the crash: never blindly re-send
            log.warning("%d message(s) were being sent when the bot stopped; marked unknown, not re-sent", interrupted)

    def wake(self) -> None:
        """Something was queued: look at the outbox now."""
        self._wake.set()

    def allowed_at(self, room_or_contact: str, now: datetime | None = None) -> datetime:
        """The earliest moment (not before `now`) the budget allows the next message to this recipient."""
        t = now or self.clock.now()
        if self._paused_until and self._paused_until > t:
            t = self._paused_until
        if len(self._window) >= self.pacing.per_minute:
            t = max(t, self._window[-self.pacing.per_minute] + timedelta(minutes=1))
        last = self._last_to.get(room_or_contact)
        if last is not None:
            t = max(t, last + timedelta(seconds=self.pacing.room_gap_seconds))
        if self._last is not None and self._last[0] != room_or_contact:
            t = max(t, self._last[1] + timedelta(seconds=self._switch_gap))
        return t

    def _draw_gap(self) -> float:
        low, high = self.pacing.switch_jitter_seconds
        return self._rng.uniform(low, high)

    def next_allowed(self) -> datetime | None:
        """When the next queued message may go (None if the queue is empty)."""
        return self._pick(self.store.queued(limit=50), self.clock.now())[1]

    def _pick(self, batch: list, now: datetime) -> tuple[object | None, datetime | None]:
        """(the entry to send now, or None; the earliest moment something could go). Entries go in order per
        recipient; a recipient waiting out its room gap does not hold up others, but the per-minute budget, a
        back-off pause and the switching pause hold everyone (so the global order is kept)."""
        waiting: set[str] = set()
        earliest = None
        for item in batch:
            dest = item.out.room or item.out.to
            if dest in waiting:
                continue
            at = self.allowed_at(dest, now)
            if at <= now:
                return item, now
            earliest = at if earliest is None else min(earliest, at)
            last = self._last_to.get(dest)
            if last is None or last + timedelta(seconds=self.pacing.room_gap_seconds) <= now:
                return None, earliest  # held by a global limit
            waiting.add(dest)
        return None, earliest

    async def drain(self) -> int:
        """Send every queued message the budget allows right now, in order per recipient; a recipient that
        must wait does not hold up the others. Returns how many were sent."""
        sent = 0
        while not self._stopping:
            now = self.clock.now()
            item, _ = self._pick(self.store.queued(limit=50), now)
            if item is None:
                return sent
            dest = item.out.room or item.out.to
            with self.store.tx():
                self.store.mark_sent(item.id, now, "sending")
            try:
                await perform(self.transport, item.out)
            except Exception as exc:
                if not isinstance(exc, SendError):  # an unexpected failure: it may have gone out
                    log.exception("transport failed sending outbox #%s", item.id)
                    exc = SendError(repr(exc), unknown=True)
                if exc.unknown:  # may have reached WeChat: never blindly re-send
                    log.error("send of outbox #%s timed out; marked unknown, not re-sent: %s", item.id, exc)
                    with self.store.tx():
                        self.store.mark_sent(item.id, now, "unknown", str(exc))
                else:
                    with self.store.tx():
                        self.store.mark_sent(item.id, now, "queued", str(exc))
                    self._paused_until = now + timedelta(seconds=self._backoff)
                    log.error("send failed (%s); pausing all sending for %.0fs", exc, self._backoff)
                    self._backoff = min(self._backoff * 2, self.pacing.backoff_max_seconds)
                    return sent
            else:
                with self.store.tx():
                    self.store.mark_sent(item.id, self.clock.now())
                self._backoff = self.pacing.backoff_seconds
                sent += 1
                self.sent_count += 1
            self._window.append(now)
            while len(self._window) > self.pacing.per_minute:
                self._window.popleft()
            self._last_to[dest] = now
            if self._last is None or self._last[0] != dest:
                self._switch_gap = self._draw_gap()
            self._last = (dest, now)
        return sent

    async def stop(self, task: asyncio.Task, timeout: float = 10.0) -> None:
        """Let the send in flight finish (a cancelled send would be left 'unknown'), then end the run() task."""
        self._stopping = True
        self.wake()
        try:
            await asyncio.wait_for(task, timeout)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            pass

    async def run(self, speed: float = 1.0) -> None:
        """Until stopped: drain, then sleep until woken or until the budget lets the next message go."""
        while not self._stopping:
            try:
                await self.drain()
            except Exception:  # the sender must outlive a bad row or a database hiccup
                log.exception("outbox drain failed; retrying")
                await asyncio.sleep(1)
            if self._stopping:
                break
            nxt = self.next_allowed()
            # idle: look again every few seconds (another process, e.g. import-contacts, may have queued rows)
            timeout = 5.0 if nxt is None else max((nxt - self.clock.now()).total_seconds() / speed, 0.01)
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except asyncio.TimeoutError:
                pass

    def status(self) -> str:
        """The budget and the queue, for /status and logs."""
        now = self.clock.now()
        used = sum(1 for t in self._window if t > now - timedelta(minutes=1))
        return f"队列 {self.store.queue_length()} 条 · 本分钟已发 {used}/{self.pacing.per_minute}"
